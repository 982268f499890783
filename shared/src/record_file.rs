//! Record files (hồ sơ, Điều 14; NĐ 30 Phụ lục V): the agency's file catalogue (danh mục hồ sơ) per year, the
//! documents filed into each file in order, closing a file and handing it over to the agency archive (nộp lưu).
//!
//! A file's code is `OrganId.FileCatalog.FileNotation` (NĐ 30 Phụ lục VI): the agency's identifier, the year the
//! file was opened, and the file's notation — its two-digit ordinal in the agency's catalogue of that year, and
//! after a dot the short mark the clerk gives, if any (`000.00.02.H62.2026.01`, `000.00.02.H62.2026.02.TCCB`).

use serde::{Deserialize, Serialize};

use crate::civil_date::CivilDate;
use crate::outgoing::PersonRef;
use crate::text::Line;
use crate::time::Timestamp;

/// Tiêu đề hồ sơ (`Title`, at most 500 characters).
pub type FileTitle = Line<500>;

/// The longest retention period in years a file may be given (0 means permanent).
pub const MAX_RETENTION_YEARS: i32 = 100;
/// The longest mark a clerk may add after the ordinal (so that `NN.MARK` fits `FileNotation`, 20 characters).
pub const MAX_MARK: usize = 16;

/// Where a file is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordFileState {
    /// Đang mở: documents are added, ordered and removed.
    Open,
    /// Đã đóng: the work is finished; due for hand-over one year after closing.
    Closed,
    /// Đã nộp lưu: handed over to the agency archive; read-only.
    HandedOver,
}

impl RecordFileState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::HandedOver => "handed_over",
        }
    }

    /// The Vietnamese name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Đang mở",
            Self::Closed => "Đã đóng",
            Self::HandedOver => "Đã nộp lưu",
        }
    }
}

impl TryFrom<String> for RecordFileState {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            "handed_over" => Ok(Self::HandedOver),
            _ => Err(format!("unknown record file state {s}")),
        }
    }
}

/// Which register a filed document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Văn bản đi of this agency (issued).
    Outgoing,
    /// Văn bản đến of this agency (registered).
    Incoming,
}

impl DocumentKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Outgoing => "outgoing",
            Self::Incoming => "incoming",
        }
    }
}

/// What the caller may do with a record file now (`RecordFileDto::actions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordFileAction {
    /// Add documents the caller may open (the file is open).
    Add,
    /// Reorder and remove documents (the file is open).
    Arrange,
    /// Close the file (it is open).
    Close,
    /// Download the archive package; the first download of a closed file records its hand-over.
    HandOver,
}

/// The retention period as people read it: `Vĩnh viễn` for 0, else `N năm`.
pub fn retention_label(years: i32) -> String {
    if years == 0 {
        "Vĩnh viễn".into()
    } else {
        format!("{years} năm")
    }
}

/// The day a file closed on `closed` is due for hand-over to the agency archive: one year later (Điều 14; NĐ
/// 30 Điều 30: within one year after the work is closed). 29 February gives 28 February.
pub fn handover_due(closed: CivilDate) -> CivilDate {
    let year = closed.year + 1;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let day = if closed.month == 2 && closed.day == 29 && !leap {
        28
    } else {
        closed.day
    };
    CivilDate {
        year,
        month: closed.month,
        day,
    }
}

/// `POST /api/record-files`: a new file of the caller's agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateRecordFileRequest {
    /// Tiêu đề hồ sơ.
    pub title: FileTitle,
    /// Năm hình thành hồ sơ (`FileCatalog`), 2000–9999.
    pub year: i32,
    /// Thời hạn bảo quản in years, 0 = permanent (vĩnh viễn), at most 100.
    pub retention_years: i32,
    /// The clerk's mark after the ordinal in the notation (`TCCB` gives `01.TCCB`): letters, digits, `-`;
    /// at most 16 characters. Without it the notation is the ordinal alone.
    #[serde(default)]
    pub notation: Option<String>,
}

impl CreateRecordFileRequest {
    /// The rules the form and the server both check, as (field, message).
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(2000..=9999).contains(&self.year) {
            return Err(("year", "Năm phải từ 2000 đến 9999."));
        }
        if !(0..=MAX_RETENTION_YEARS).contains(&self.retention_years) {
            return Err((
                "retention_years",
                "Thời hạn bảo quản là số năm từ 1 đến 100, hoặc 0 nếu vĩnh viễn.",
            ));
        }
        if let Some(mark) = &self.notation {
            check_mark(mark).map_err(|m| ("notation", m))?;
        }
        Ok(())
    }
}

/// A clerk's mark: 1–16 ASCII letters, digits or `-` (it is part of a code other systems read).
pub fn check_mark(mark: &str) -> Result<(), &'static str> {
    let ok = !mark.is_empty()
        && mark.chars().count() <= MAX_MARK
        && mark.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err("Ký hiệu hồ sơ gồm 1–16 chữ cái không dấu, chữ số hoặc dấu gạch ngang (vd. TCCB).")
    }
}

/// The notation of the `ordinal`-th file with an optional mark: `01`, `02.TCCB`.
pub fn notation(ordinal: i64, mark: Option<&str>) -> String {
    match mark {
        Some(m) => format!("{ordinal:02}.{m}"),
        None => format!("{ordinal:02}"),
    }
}

/// One file of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordFileDto {
    pub id: i64,
    /// Mã hồ sơ (`FileCode`): `OrganId.FileCatalog.FileNotation`.
    pub code: String,
    /// Số và ký hiệu hồ sơ (`FileNotation`): `01`, `02.TCCB`.
    pub notation: String,
    /// Position in the agency's catalogue of the year (1, 2, …).
    pub ordinal: i64,
    /// Năm hình thành hồ sơ (`FileCatalog`).
    pub year: i32,
    /// Tiêu đề hồ sơ.
    pub title: String,
    /// Thời hạn bảo quản in years; 0 = permanent.
    pub retention_years: i32,
    /// Người lập hồ sơ.
    pub creator: PersonRef,
    /// The earliest date of its documents (`StartDate`), when it has any.
    pub start_date: Option<CivilDate>,
    /// The latest date of its documents (`EndDate`).
    pub end_date: Option<CivilDate>,
    /// Tổng số văn bản (`DocTotal`).
    pub document_count: i64,
    pub state: RecordFileState,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// The day it is due for hand-over (one year after closing), while closed or handed over.
    pub handover_due: Option<CivilDate>,
    /// Closed and the due day has come, not handed over yet.
    pub overdue_for_handover: bool,
    pub handed_over_at: Option<Timestamp>,
    /// Who handed it over.
    pub handed_over_by: Option<PersonRef>,
    /// What the caller may do now.
    pub actions: Vec<RecordFileAction>,
}

/// `GET /api/record-files?year=`: the catalogue of the caller's agency for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordFileListResponse {
    pub year: i32,
    /// The files of that year, by ordinal.
    pub items: Vec<RecordFileDto>,
    /// Closed files of the agency (any year) whose hand-over is due and not done.
    pub due_for_handover: i64,
    /// Whether the caller may create files.
    pub may_create: bool,
}

/// One document in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordFileDocumentDto {
    /// Số TT văn bản trong hồ sơ (`DocOrdinal`), from 1.
    pub position: i64,
    pub kind: DocumentKind,
    /// The document's id (`/api/outgoing/{id}` or `/api/incoming/{id}`).
    pub id: i64,
    /// Số, ký hiệu (`15/QĐ-UBND`), if it has one.
    pub number_text: Option<String>,
    /// Ngày tháng văn bản (`IssuedDate`).
    pub date: Option<CivilDate>,
    /// Tên loại (`TypeName`).
    pub type_name: String,
    /// Trích yếu.
    pub subject: String,
    /// Tên cơ quan ban hành (`OrganName`).
    pub organ_name: String,
    /// Người ký, if known.
    pub signer: Option<String>,
    /// Số đến (incoming documents).
    pub arrival_number: Option<i64>,
    /// Files kept in the package: the issued or received originals.
    pub files: Vec<RecordFileOriginal>,
    /// Who added it, and when.
    pub added_by: PersonRef,
    pub added_at: Timestamp,
}

/// An original file of a filed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordFileOriginal {
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// `GET /api/record-files/{id}`: a file and its documents in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordFileDetailResponse {
    pub file: RecordFileDto,
    /// Its documents the caller may open, by position.
    pub documents: Vec<RecordFileDocumentDto>,
    /// How many of its documents the caller may not open (not shown).
    pub hidden_documents: i64,
}

/// `POST /api/record-files/{id}/documents`: add a document to an open file, or move one already in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordFileDocumentRequest {
    pub kind: DocumentKind,
    /// The outgoing or incoming document's id.
    pub id: i64,
    /// Where it goes (1 = first); absent: at the end. For a document already in the file, its new position.
    #[serde(default)]
    pub position: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_closed_on_29_february_is_due_on_28_february() {
        let d = |s: &str| CivilDate::parse(s).unwrap();
        assert_eq!(handover_due(d("2028-02-29")), d("2029-02-28"));
        assert_eq!(handover_due(d("2026-12-04")), d("2027-12-04"));
    }

    #[test]
    fn notations_carry_the_ordinal_with_a_leading_zero() {
        assert_eq!(notation(1, None), "01");
        assert_eq!(notation(12, Some("TCCB")), "12.TCCB");
        assert!(check_mark("TCCB").is_ok());
        assert!(check_mark("TC CB").is_err());
        assert!(check_mark("Tổ").is_err());
        assert!(check_mark("").is_err());
        assert!(check_mark("ABCDEFGHIJKLMNOPQ").is_err());
    }

    #[test]
    fn retention_zero_reads_permanent() {
        assert_eq!(retention_label(0), "Vĩnh viễn");
        assert_eq!(retention_label(10), "10 năm");
    }
}
