//! Incoming documents (văn bản đến, Điều 12, 15.4, 16, 17 and 20 of the regulation): what arrives and through
//! which channel, the clerk's check, accept (số đến) or return, the leader's assignment (chủ trì, phối hợp, để
//! biết) with its deadline, the handlers' work, deadlines and the leader's dashboard, delegation and handover.
//! The same validation runs in the browser form and on the server.

use serde::{Deserialize, Serialize};

use crate::civil_date::CivilDate;
use crate::document::{DocumentType, Urgency};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::outgoing::{FileRef, HistoryEntry, PersonRef, SigningCapacity, Subject};
use crate::status::DeliveryStatus;
use crate::text::{Line, OrganName, clean};
use crate::time::Timestamp;

/// How a document reached the agency (Điều 12.1). Recorded for the statistics of Điều 24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncomingChannel {
    /// Issued by another agency on this system.
    System,
    /// Imported from the inter-system exchange (edXML through the axis).
    Exchange,
    /// Received by e-mail; the clerk uploads the files and types the sender's details.
    Email,
    /// Received on paper; the clerk uploads the scan and applies the agency signature.
    Paper,
}

impl IncomingChannel {
    pub const ALL: [IncomingChannel; 4] = [Self::System, Self::Exchange, Self::Email, Self::Paper];

    pub fn code(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Exchange => "exchange",
            Self::Email => "email",
            Self::Paper => "paper",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "Hệ thống",
            Self::Exchange => "Trục liên thông",
            Self::Email => "Thư điện tử",
            Self::Paper => "Bản giấy (bản quét)",
        }
    }
}

/// Where an incoming document is in its life at the receiving agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncomingStatus {
    /// Đã đến, chờ vào sổ: the clerk has not checked it yet.
    Arrived,
    /// Trả lại: refused by the clerk with a reason (02 to the sender).
    Returned,
    /// Đã vào sổ: registered with its số đến, not yet forwarded to a leader.
    Registered,
    /// Chờ phân công: with the leader (or whoever holds the delegation).
    ToAssign,
    /// Đang xử lý: assigned; handlers are working.
    InProgress,
    /// Hoàn thành: the lead handler completed it.
    Completed,
    /// Thu hồi: the sender recalled it and the clerk agreed.
    Withdrawn,
}

impl IncomingStatus {
    pub const ALL: [IncomingStatus; 7] = [
        Self::Arrived,
        Self::Returned,
        Self::Registered,
        Self::ToAssign,
        Self::InProgress,
        Self::Completed,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Arrived => "arrived",
            Self::Returned => "returned",
            Self::Registered => "registered",
            Self::ToAssign => "to_assign",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Arrived => "Chờ vào sổ",
            Self::Returned => "Đã trả lại",
            Self::Registered => "Đã vào sổ, chờ trình",
            Self::ToAssign => "Chờ phân công",
            Self::InProgress => "Đang xử lý",
            Self::Completed => "Hoàn thành",
            Self::Withdrawn => "Đã thu hồi",
        }
    }
}

/// The part a unit or person takes in handling a document (Điều 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRole {
    /// Chủ trì: answers for the result; completing it completes the document.
    Lead,
    /// Phối hợp: contributes to the lead's work.
    Cooperate,
    /// Để biết: reads and notes.
    Inform,
}

impl AssignmentRole {
    pub const ALL: [AssignmentRole; 3] = [Self::Lead, Self::Cooperate, Self::Inform];

    pub fn code(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Cooperate => "cooperate",
            Self::Inform => "inform",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Lead => "Chủ trì",
            Self::Cooperate => "Phối hợp",
            Self::Inform => "Để biết",
        }
    }
}

/// Where one assignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignmentState {
    /// Chờ xử lý: nobody has acted on it yet.
    Pending,
    /// Đang xử lý: a reply is being drafted, a note or report was made, or the unit assigned it further.
    Processing,
    /// Đã xử lý: completed (lead, co-operating) or noted (for information).
    Done,
}

impl AssignmentState {
    pub const ALL: [AssignmentState; 3] = [Self::Pending, Self::Processing, Self::Done];

    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Done => "done",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Chờ xử lý",
            Self::Processing => "Đang xử lý",
            Self::Done => "Đã xử lý",
        }
    }
}

/// How close an open piece of work is to its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// No deadline, or already done.
    None,
    OnTime,
    /// Sắp đến hạn: due within [`DUE_SOON_MS`].
    DueSoon,
    /// Quá hạn.
    Overdue,
}

/// "Due soon" means the deadline ends within two days.
pub const DUE_SOON_MS: i64 = 2 * 24 * 3600 * 1000;

impl DueState {
    /// The state of work due at `due_at` (the end of its due day, see [`due_at`]) at `now`.
    pub fn at(due_at: Option<i64>, done: bool, now: i64) -> Self {
        match due_at {
            _ if done => Self::None,
            None => Self::None,
            Some(d) if now > d => Self::Overdue,
            Some(d) if d - now <= DUE_SOON_MS => Self::DueSoon,
            Some(_) => Self::OnTime,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "",
            Self::OnTime => "Trong hạn",
            Self::DueSoon => "Sắp đến hạn",
            Self::Overdue => "Quá hạn",
        }
    }
}

/// The last instant of a due day in Vietnam (23:59:59.999 +07:00), in milliseconds: work is overdue after it.
pub fn due_at(d: CivilDate) -> i64 {
    let start = Timestamp::parse_iso(&format!("{d}T00:00:00+07:00"))
        .map(|t| t.0)
        .unwrap_or(0);
    start + 24 * 3600 * 1000 - 1
}

/// Sorting weight of an urgency in queues: the most urgent first.
pub fn urgency_rank(u: Urgency) -> i64 {
    i64::from(u.edxml_priority())
}

/// Số, ký hiệu as printed on the document ("15/QĐ-UBND"): at most 11 + 1 + 30 characters (edXML
/// `CodeNumber` / `CodeNotation`).
pub type CodeText = Line<42>;

/// `POST /api/incoming`: the clerk registers a document received by e-mail, on paper, or (for tests and the
/// exchange importer) through the exchange, after uploading its files as blobs. It arrives as "chờ vào sổ".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewIncomingRequest {
    /// `email`, `paper` or `exchange` (`system` documents arrive by themselves).
    pub channel: IncomingChannel,
    /// Cơ quan ban hành (tác giả).
    pub sender_name: OrganName,
    /// Its mã định danh, when known.
    #[serde(default)]
    pub sender_code: Option<String>,
    /// Số, ký hiệu as printed (`15/QĐ-UBND`).
    pub code_text: CodeText,
    /// Ngày tháng văn bản.
    pub issued_date: CivilDate,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: Subject,
    /// Độ khẩn.
    pub urgency: Urgency,
    #[serde(default)]
    pub signer_name: Option<Line<50>>,
    /// Hạn trả lời the sender asks for, if any.
    #[serde(default)]
    pub reply_deadline: Option<CivilDate>,
    /// What the sender declares (Điều 12.3), to compare with what arrived.
    #[serde(default)]
    pub declared_attachments: Option<u32>,
    /// Pages the sender declares (at most 9999).
    #[serde(default)]
    pub declared_pages: Option<u32>,
    /// The uploaded main PDF.
    pub main_file: FileRef,
    /// Uploaded attachments, at most 50.
    #[serde(default)]
    pub attachments: Vec<FileRef>,
    /// Nhập bù (Điều 15.4): registered after an outage, with its real arrival time.
    #[serde(default)]
    pub backfilled_arrival: Option<Timestamp>,
    /// Ghi chú of the register.
    #[serde(default)]
    pub note: Option<String>,
}

pub const MAX_INCOMING_ATTACHMENTS: usize = 50;

impl NewIncomingRequest {
    /// Cross-field rules (each field was checked while parsing). `now` bounds the backfilled time.
    pub fn validate(&self, now: Timestamp) -> Result<(), ApiError> {
        let mut fields = Vec::new();
        if self.channel == IncomingChannel::System {
            fields.push(FieldError::new(
                "channel",
                "Văn bản từ hệ thống đến tự động khi được phát hành; không nhập tay.",
            ));
        }
        if self.attachments.len() > MAX_INCOMING_ATTACHMENTS {
            fields.push(FieldError::new(
                "attachments",
                format!("Tối đa {MAX_INCOMING_ATTACHMENTS} tệp đính kèm."),
            ));
        }
        if let Some(code) = &self.sender_code
            && !code.trim().is_empty()
            && crate::agency::AgencyCode::parse(code).is_err()
        {
            fields.push(FieldError::new(
                "sender_code",
                "Mã định danh không đúng dạng (vd. 000.00.31.H60).",
            ));
        }
        if CivilDate::of(now) < self.issued_date {
            fields.push(FieldError::new(
                "issued_date",
                "Ngày văn bản không thể sau hôm nay.",
            ));
        }
        if let Some(at) = self.backfilled_arrival {
            if at.0 > now.0 {
                fields.push(FieldError::new(
                    "backfilled_arrival",
                    "Thời điểm đến thực tế không thể ở tương lai.",
                ));
            } else if at.0 < now.0 - 366 * 24 * 3600 * 1000 {
                fields.push(FieldError::new(
                    "backfilled_arrival",
                    "Chỉ nhập bù được văn bản đến trong vòng một năm.",
                ));
            }
        }
        if let Some(n) = &self.note
            && let Err(e) = optional_text(Some(n), "note", 500)
        {
            fields.extend(e.fields);
        }
        for (name, n) in [
            ("declared_attachments", self.declared_attachments),
            ("declared_pages", self.declared_pages),
        ] {
            if n.is_some_and(|n| n > 9999) {
                fields.push(FieldError::new(name, "Số quá lớn."));
            }
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(fields))
        }
    }
}

/// A free text of at most `max` characters; blank means none.
pub fn optional_text(
    s: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => clean(c, 1, max, true)
            .map(Some)
            .map_err(|e| ApiError::field(field, e.to_string())),
    }
}

/// `POST /api/incoming/{id}/accept`: vào sổ. `override_reason` is required when a signature failed
/// verification; `forward_to` forwards it to a leader in the same step.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// Why the clerk accepts although verification failed (1–1000 characters; required then).
    #[serde(default)]
    pub override_reason: Option<String>,
    /// An agency leader to forward it to in the same step.
    #[serde(default)]
    pub forward_to: Option<i64>,
}

/// `POST /api/incoming/{id}/return`: trả lại, with the reason the sender sees.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// Why, 1–1000 characters; the sender sees it.
    pub reason: String,
}

/// `POST /api/incoming/{id}/forward`: trình a leader (the clerk, after accepting).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForwardRequest {
    /// An agency leader of the agency.
    pub leader_id: i64,
    /// For the leader, at most 2000 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Who an assignment goes to: a unit (its leaders assign further inside it) or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Assignee {
    Unit(i64),
    User(i64),
}

/// One line of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignTarget {
    /// Chủ trì, phối hợp or để biết.
    pub role: AssignmentRole,
    /// A unit or a person of the agency.
    pub to: Assignee,
}

/// `POST /api/incoming/{id}/assign` (the leader, or whoever holds the delegation) and
/// `POST /api/assignments/{id}/assign` (a unit leader, inside the unit).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Ý kiến chỉ đạo.
    #[serde(default)]
    pub instruction: Option<String>,
    /// Thời hạn xử lý for the lead and co-operating handlers.
    #[serde(default)]
    pub due_date: Option<CivilDate>,
    /// Exactly one `lead`; nobody twice; at most 100.
    pub targets: Vec<AssignTarget>,
}

pub const MAX_ASSIGN_TARGETS: usize = 100;

impl AssignRequest {
    /// Exactly one lead, no one twice, a deadline not in the past. Returns the cleaned instruction.
    pub fn validate(&self, today: CivilDate) -> Result<Option<String>, ApiError> {
        let mut fields = Vec::new();
        let leads = self
            .targets
            .iter()
            .filter(|t| t.role == AssignmentRole::Lead)
            .count();
        if leads != 1 {
            fields.push(FieldError::new(
                "targets",
                "Chọn đúng một đơn vị hoặc người chủ trì.",
            ));
        }
        if self.targets.len() > MAX_ASSIGN_TARGETS {
            fields.push(FieldError::new(
                "targets",
                format!("Tối đa {MAX_ASSIGN_TARGETS} nơi nhận phân công."),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if self.targets.iter().any(|t| !seen.insert(t.to)) {
            fields.push(FieldError::new(
                "targets",
                "Mỗi đơn vị hoặc người chỉ được giao một vai trò.",
            ));
        }
        if self.due_date.is_some_and(|d| d < today) {
            fields.push(FieldError::new(
                "due_date",
                "Thời hạn xử lý không thể trước hôm nay.",
            ));
        }
        let instruction = match optional_text(self.instruction.as_deref(), "instruction", 2000) {
            Ok(i) => i,
            Err(e) => {
                fields.extend(e.fields);
                None
            }
        };
        if fields.is_empty() {
            Ok(instruction)
        } else {
            Err(ApiError::fields(fields))
        }
    }
}

/// What a handler does with an assignment (`POST /api/assignments/{id}/act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HandlerAction {
    /// Đọc và ghi nhận (for information): done.
    Note,
    /// Báo cáo kết quả: a progress report; the work is under way (05).
    Report,
    /// Thêm vào hồ sơ công việc (a later issue completes records): recorded in the history.
    File,
    /// Hoàn thành: done; for the lead, the document is completed (06).
    Complete,
}

impl HandlerAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Report => "report",
            Self::File => "file",
            Self::Complete => "complete",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Note => "Đã đọc, ghi nhận",
            Self::Report => "Báo cáo kết quả",
            Self::File => "Đưa vào hồ sơ",
            Self::Complete => "Hoàn thành",
        }
    }
}

/// `POST /api/assignments/{id}/act`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandlerActionRequest {
    /// What the handler does.
    pub action: HandlerAction,
    /// The report, note or result; required for a report.
    #[serde(default)]
    pub comment: Option<String>,
    /// For `file`: the record file's name or code (hồ sơ).
    #[serde(default)]
    pub record_file: Option<String>,
}

impl HandlerActionRequest {
    pub fn validate(&self) -> Result<(Option<String>, Option<String>), ApiError> {
        let comment = optional_text(self.comment.as_deref(), "comment", 2000)?;
        if self.action == HandlerAction::Report && comment.is_none() {
            return Err(ApiError::field(
                "comment",
                "Hãy ghi nội dung báo cáo kết quả.",
            ));
        }
        let record = optional_text(self.record_file.as_deref(), "record_file", 200)?;
        if self.action == HandlerAction::File && record.is_none() {
            return Err(ApiError::field(
                "record_file",
                "Hãy ghi tên hoặc ký hiệu hồ sơ.",
            ));
        }
        Ok((comment, record))
    }
}

/// `POST /api/assignments/{id}/urge`: đôn đốc, with an optional message to the handler.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UrgeRequest {
    #[serde(default)]
    pub message: Option<String>,
}

/// One signature as the server's verifier saw it (the browser's panel shows its own verdict beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureCheck {
    /// The signature field's name in the PDF.
    pub field: String,
    /// Common name of the signer's certificate.
    pub signer: String,
    /// Organization of the certificate, if any.
    pub organization: Option<String>,
    /// The certificate's issuer.
    pub issuer: String,
    /// The signing time the signature claims (the signer's own clock, `/M`).
    pub signing_time: Option<String>,
    /// Intact, trusted, unrevoked, nothing but form filling after it, and its timestamp (if any) valid.
    pub ok: bool,
    /// Why it is not ok, in Vietnamese.
    pub problems: Vec<String>,
    /// The signature timestamp of a time-stamping authority, when the signature carries one; `null` for a
    /// verdict recorded before timestamps existed.
    #[serde(default)]
    pub timestamp: Option<crate::signature::SignatureTimestamp>,
    /// The PAdES baseline level reached (`B-B` for a verdict recorded before timestamps existed).
    #[serde(default = "crate::signature::SignatureLevel::basic")]
    pub level: crate::signature::SignatureLevel,
    /// A document timestamp (an archive timestamp over the file), not a person's or an agency's signature;
    /// `false` for a verdict recorded before long-term validation existed.
    #[serde(default)]
    pub document_timestamp: bool,
    /// When a revocation list the server holds lists the signer's certificate: when and why, and whether after
    /// the signing time (the signature then still verifies); `null` when none does, or for a verdict recorded
    /// before revocation was checked.
    #[serde(default)]
    pub revocation: Option<crate::revocation::Revocation>,
}

/// The verdict on one received file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileCheck {
    /// File name.
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
    /// Page count, when readable.
    pub pages: Option<u32>,
    /// Each signature found.
    pub signatures: Vec<SignatureCheck>,
    /// Why the file itself is in doubt (unreadable, unsigned, not signed by the issuing agency…).
    pub problems: Vec<String>,
    /// Worth a look but not a failure (a scan below 200 dpi…).
    pub warnings: Vec<String>,
}

/// What the server found when it checked what arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationDto {
    /// Every file readable and every signature good, the main file signed by the issuing agency.
    pub ok: bool,
    /// When the server checked.
    pub checked_at: Timestamp,
    /// One verdict per file, main file first.
    pub files: Vec<FileCheck>,
}

impl VerificationDto {
    /// Everything wrong, one line each, for the clerk and the history.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.files {
            for p in &f.problems {
                out.push(format!("{}: {p}", f.name));
            }
            for s in &f.signatures {
                for p in &s.problems {
                    out.push(format!("{} ({}): {p}", f.name, s.signer));
                }
            }
        }
        out
    }
}

/// A received file (position 0 is the main document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingFileDto {
    pub id: i64,
    /// File name.
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// 0 for the main document, then the attachments.
    pub position: i64,
    /// Page count, when readable.
    pub pages: Option<u32>,
}

/// One assignment as the document page and the queues show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentDto {
    /// The assignment id (`/api/assignments/{id}/…`).
    pub id: i64,
    /// The incoming document.
    pub incoming_id: i64,
    /// Chủ trì, phối hợp or để biết.
    pub role: AssignmentRole,
    /// The unit it went to (a unit assignment), else null.
    pub unit: Option<UnitRef>,
    /// The person it went to (a personal assignment), else null.
    pub user: Option<PersonRef>,
    /// The unit assignment this one was made under, for assignments inside a unit.
    pub parent_id: Option<i64>,
    /// Who assigned it.
    pub assigned_by: PersonRef,
    /// The leader whose delegation the assigner used, if any.
    pub on_behalf_of: Option<PersonRef>,
    /// Ý kiến chỉ đạo.
    pub instruction: Option<String>,
    /// Thời hạn xử lý (none for information).
    pub due_date: Option<CivilDate>,
    /// How close it is to its deadline.
    pub due: DueState,
    /// Where it stands.
    pub state: AssignmentState,
    /// When it was assigned.
    pub created_at: Timestamp,
    /// When it was done.
    pub done_at: Option<Timestamp>,
    /// The last đôn đốc.
    pub last_urged_at: Option<Timestamp>,
    /// The handler's last report or completion note.
    pub result: Option<String>,
}

/// A unit as assignments show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = IncomingUnitRef))]
pub struct UnitRef {
    /// The unit id.
    pub id: i64,
    /// Full name of the unit.
    pub name: String,
}

/// One entry of an incoming document's history: who, what, when, under whose delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingHistoryEntry {
    /// What happened.
    pub entry: HistoryEntry,
    /// The leader whose delegation the actor used, if any.
    pub on_behalf_of: Option<PersonRef>,
}

/// Everything about one incoming document the caller may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingDto {
    pub id: i64,
    /// The receiving agency.
    pub agency_id: i64,
    /// How it arrived.
    pub channel: IncomingChannel,
    /// Where it is at the receiving agency.
    pub status: IncomingStatus,
    /// Cơ quan ban hành.
    pub sender_name: String,
    /// Its mã định danh, when known.
    pub sender_code: Option<String>,
    /// The issuing agency on this system (system channel).
    pub sender_agency_id: Option<i64>,
    /// Số, ký hiệu as printed.
    pub code_text: String,
    /// Ngày tháng văn bản.
    pub issued_date: CivilDate,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// Người ký, when known.
    pub signer_name: Option<String>,
    /// Hạn trả lời the sender asks for.
    pub reply_deadline: Option<CivilDate>,
    /// Attachments the sender declared.
    pub declared_attachments: Option<u32>,
    /// Pages the sender declared.
    pub declared_pages: Option<u32>,
    /// The outgoing document it came from, for the system channel.
    pub outgoing_id: Option<i64>,
    /// The delivery it came with (system channel).
    pub delivery_id: Option<i64>,
    /// When it arrived (the real time for a backfilled one).
    pub received_at: Timestamp,
    /// Nhập bù: registered after an outage; `received_at` is the real arrival.
    pub backfilled: bool,
    /// The agency's incoming register.
    pub register_id: i64,
    /// Số đến, once accepted; with `arrival_year` it finds the register row.
    pub arrival_number: Option<i64>,
    /// The register year of the số đến.
    pub arrival_year: Option<i32>,
    /// When it was accepted (vào sổ).
    pub registered_at: Option<Timestamp>,
    /// The clerk who accepted it.
    pub registered_by: Option<PersonRef>,
    /// The server's verdict on the files at arrival.
    pub verification: Option<VerificationDto>,
    /// Why the clerk accepted it although verification failed.
    pub override_reason: Option<String>,
    /// Why the clerk returned it.
    pub return_reason: Option<String>,
    /// The leader it waits with (chờ phân công).
    pub assigner: Option<PersonRef>,
    /// The leader's ý kiến chỉ đạo.
    pub instruction: Option<String>,
    /// Thời hạn xử lý of the document.
    pub due_date: Option<CivilDate>,
    /// How close the document is to its deadline.
    pub due: DueState,
    /// The clerk's note (ghi chú of the register).
    pub note: Option<String>,
    /// The received files, main first.
    pub files: Vec<IncomingFileDto>,
    /// Every assignment, including those inside units.
    pub assignments: Vec<AssignmentDto>,
    /// Luồng xử lý, oldest first.
    pub history: Vec<IncomingHistoryEntry>,
    /// Outgoing documents drafted in answer to it.
    pub replies: Vec<ReplyRef>,
    /// Status changes the sender saw (system channel).
    pub sender_statuses: Vec<SenderStatus>,
    /// The sender's pending recall request, if any.
    pub recall_reason: Option<String>,
    /// What the caller may do with the document; what they may do with each assignment is in
    /// [`IncomingDto::assignment_actions`].
    pub actions: Vec<crate::action::IncomingAction>,
    /// `(assignment id, actions)`: `assign` (inside a unit), `reply`, `note`, `report`, `file`, `complete`,
    /// `urge`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::assignment_actions))]
    pub assignment_actions: Vec<(i64, Vec<crate::action::AssignmentAction>)>,
}

/// An outgoing document answering an incoming one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyRef {
    pub outgoing_id: i64,
    /// Its trích yếu.
    pub subject: String,
    /// Its status (`OutgoingStatus`).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::outgoing::OutgoingStatus))]
    pub status: String,
    /// Its number once issued.
    pub number_text: Option<String>,
}

/// A status the sender saw, with its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderStatus {
    /// A status sent to the sender.
    pub status: DeliveryStatus,
    /// When.
    pub at: Timestamp,
}

/// A line of the incoming lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingSummary {
    /// The incoming document.
    pub id: i64,
    /// How it arrived.
    pub channel: IncomingChannel,
    /// Where it is at the receiving agency.
    pub status: IncomingStatus,
    /// Cơ quan ban hành.
    pub sender_name: String,
    /// Số, ký hiệu as printed.
    pub code_text: String,
    /// Ngày tháng văn bản.
    pub issued_date: CivilDate,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// When it arrived.
    pub received_at: Timestamp,
    /// Số đến, once accepted.
    pub arrival_number: Option<i64>,
    /// Nhập bù after an outage.
    pub backfilled: bool,
    /// The deadline: the caller's assignment's in the queues, else the document's.
    pub due_date: Option<CivilDate>,
    /// How close that deadline is.
    pub due: DueState,
    /// For the queues: the caller's assignment on it.
    pub assignment_id: Option<i64>,
    /// The caller's part (queues only).
    pub role: Option<AssignmentRole>,
    /// Where the caller's assignment stands (queues only).
    pub assignment_state: Option<AssignmentState>,
    /// A pending recall request from the sender.
    pub recall_requested: bool,
}

/// The buckets of "Văn bản đến" in the navigation (DESIGN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncomingBucket {
    /// Chờ vào sổ (clerks): arrived, not yet accepted or returned; also registered but not yet forwarded.
    ToRegister,
    /// Chờ phân công: documents with me (or a leader whose delegation I hold), and unit assignments waiting
    /// for me as unit leader.
    ToAssign,
    /// Chờ xử lý: my assignments nobody acted on yet.
    Pending,
    /// Đang xử lý: my assignments under way.
    Processing,
    /// Đã xử lý: my finished assignments.
    Done,
    /// Để biết: for my information.
    Inform,
    /// Everything my agency received (clerks and agency leaders).
    All,
}

impl IncomingBucket {
    pub const ALL: [IncomingBucket; 7] = [
        Self::ToRegister,
        Self::ToAssign,
        Self::Pending,
        Self::Processing,
        Self::Done,
        Self::Inform,
        Self::All,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::ToRegister => "to_register",
            Self::ToAssign => "to_assign",
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Done => "done",
            Self::Inform => "inform",
            Self::All => "all",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ToRegister => "Chờ vào sổ",
            Self::ToAssign => "Chờ phân công",
            Self::Pending => "Chờ xử lý",
            Self::Processing => "Đang xử lý",
            Self::Done => "Đã xử lý",
            Self::Inform => "Để biết",
            Self::All => "Tất cả văn bản đến",
        }
    }
}

/// `GET /api/incoming?bucket=…` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingListResponse {
    pub items: Vec<IncomingSummary>,
    /// More lines follow this page (`page * per_page < total`).
    #[serde(default)]
    pub more: bool,
    /// Lines of the bucket that match the filters, over every page (only documents the caller may open).
    #[serde(default)]
    pub total: i64,
    /// This page, from 1.
    #[serde(default = "crate::list_query::first_page")]
    pub page: u32,
    /// Lines per page.
    #[serde(default = "crate::list_query::default_per_page")]
    pub per_page: u32,
}

/// `GET /api/incoming/counts`: the navigation counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingCounts {
    pub to_register: i64,
    /// Waiting for my assignment (or a delegated leader's).
    pub to_assign: i64,
    /// My assignments nobody acted on.
    pub pending: i64,
    /// My assignments under way.
    pub processing: i64,
    /// For my information, not yet noted.
    pub inform: i64,
    /// Of the caller's open assignments, how many are overdue / due soon.
    pub overdue: i64,
    /// Of my open assignments, due within two days.
    pub due_soon: i64,
    /// For a leader, incoming documents with overdue open work in what they oversee (an agency leader: the
    /// agency; a unit leader: their unit); 0 for others. The home page's "Quá hạn" of a leader.
    #[serde(default)]
    pub overseen_overdue: i64,
}

/// `GET /api/queue`: the handler's open work, most pressing first (deadline, then urgency).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueResponse {
    pub items: Vec<IncomingSummary>,
}

/// Open work of one unit or person on the leader's dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacklogRow {
    /// The unit or person.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Open assignments (for-information excluded).
    pub open: i64,
    /// Of those, due within two days.
    pub due_soon: i64,
    /// Of those, overdue.
    pub overdue: i64,
    /// When the oldest open one was assigned.
    pub oldest_at: Option<Timestamp>,
}

/// An open assignment on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenWork {
    pub assignment_id: i64,
    /// The incoming document.
    pub incoming_id: i64,
    /// Its trích yếu.
    pub subject: String,
    /// Its số, ký hiệu.
    pub code_text: String,
    /// Its số đến.
    pub arrival_number: Option<i64>,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// The handler's part.
    pub role: AssignmentRole,
    /// The person or unit handling it.
    pub handler: String,
    /// The handler's unit.
    pub unit: String,
    /// Thời hạn xử lý.
    pub due_date: Option<CivilDate>,
    /// How close the deadline is.
    pub due: DueState,
    /// When it was assigned.
    pub assigned_at: Timestamp,
    /// The last đôn đốc.
    pub last_urged_at: Option<Timestamp>,
}

/// `GET /api/dashboard`: the leader's morning and afternoon view of the agency's backlog (Điều 16, 18.2, 20.2).
/// `?unit=` or `?user=` drills down into one unit's or person's open work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardDto {
    /// The unit's or person's name when drilled down.
    #[serde(default)]
    pub drill_name: Option<String>,
    /// Open assignments (for-information excluded).
    pub open: i64,
    /// Due within two days.
    pub due_soon: i64,
    /// Overdue.
    pub overdue: i64,
    /// Documents still waiting to be registered or assigned.
    pub to_register: i64,
    /// Waiting for a leader's assignment.
    pub to_assign: i64,
    /// Backlog per unit.
    pub units: Vec<BacklogRow>,
    /// Backlog per person.
    pub people: Vec<BacklogRow>,
    /// The oldest open work, and the overdue (most overdue first); or the drilled-down list.
    pub oldest: Vec<OpenWork>,
    /// The 20 most overdue open assignments.
    pub overdue_items: Vec<OpenWork>,
    /// Drilled down: the open work matching the filters, over every page (`oldest` holds one page of it).
    #[serde(default)]
    pub drill_total: i64,
    /// Drilled down: the page `oldest` holds, from 1.
    #[serde(default = "crate::list_query::first_page")]
    pub page: u32,
    /// Drilled down: lines per page.
    #[serde(default = "crate::list_query::default_per_page")]
    pub per_page: u32,
}

/// `POST /api/delegations`: a leader (or an administrator for them) hands their assigning — and, if chosen,
/// signing — to another leader for a date range (Điều 16.4, 20.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DelegationRequest {
    /// The leader who delegates; the caller when absent.
    #[serde(default)]
    pub from_user_id: Option<i64>,
    /// The delegate: a leader of the same agency.
    pub to_user_id: i64,
    /// First day (inclusive).
    pub starts_on: CivilDate,
    /// Last day (inclusive), not before `starts_on` nor in the past.
    pub ends_on: CivilDate,
    /// Also signing, under this mark (KT. or TUQ.).
    #[serde(default)]
    pub signing: Option<SigningCapacity>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl DelegationRequest {
    pub fn validate(&self, today: CivilDate, caller: i64) -> Result<Option<String>, ApiError> {
        let mut fields = Vec::new();
        if self.ends_on < self.starts_on {
            fields.push(FieldError::new(
                "ends_on",
                "Ngày kết thúc phải từ ngày bắt đầu trở đi.",
            ));
        }
        if self.ends_on < today {
            fields.push(FieldError::new("ends_on", "Thời gian ủy quyền đã qua."));
        }
        if self.to_user_id == self.from_user_id.unwrap_or(caller) {
            fields.push(FieldError::new(
                "to_user_id",
                "Không thể ủy quyền cho chính mình.",
            ));
        }
        if let Some(s) = self.signing
            && !matches!(s, SigningCapacity::Kt | SigningCapacity::Tuq)
        {
            fields.push(FieldError::new("signing", "Ký thay dùng KT. hoặc TUQ."));
        }
        let reason = match optional_text(self.reason.as_deref(), "reason", 500) {
            Ok(r) => r,
            Err(e) => {
                fields.extend(e.fields);
                None
            }
        };
        if fields.is_empty() {
            Ok(reason)
        } else {
            Err(ApiError::fields(fields))
        }
    }
}

/// A delegation as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DelegationDto {
    pub id: i64,
    /// The absent leader.
    pub from: PersonRef,
    /// The delegate.
    pub to: PersonRef,
    /// First day.
    pub starts_on: CivilDate,
    /// Last day.
    pub ends_on: CivilDate,
    /// Also signing, under this mark.
    pub signing: Option<SigningCapacity>,
    /// Why.
    pub reason: Option<String>,
    /// Who created it.
    pub created_by: PersonRef,
    /// When.
    pub created_at: Timestamp,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// In force today.
    pub active: bool,
}

/// `GET /api/delegations` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DelegationListResponse {
    pub items: Vec<DelegationDto>,
}

/// `POST /api/users/{id}/handover`: bàn giao (Điều 20.5) — all open work of the account moves to another.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// An active account of the same agency.
    pub to_user_id: i64,
    /// Why, at most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a handover moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverResult {
    /// Open assignments moved.
    pub assignments: i64,
    /// Documents waiting for the account's assignment moved.
    pub to_assign: i64,
    /// Open drafts moved.
    pub drafts: i64,
    /// Pending review steps moved.
    pub reviews: i64,
    /// Documents awaiting its signature moved.
    pub signatures: i64,
}

/// `POST /api/incoming/prefill`: metadata read from the text layer of an uploaded PDF.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrefillRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
}

/// What the text layer suggested (every field may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrefillDto {
    /// Whether the PDF has a text layer at all.
    pub has_text: bool,
    /// Suggested cơ quan ban hành.
    pub sender_name: Option<String>,
    /// Suggested số, ký hiệu.
    pub code_text: Option<String>,
    /// Suggested ngày tháng.
    pub issued_date: Option<CivilDate>,
    /// Suggested loại văn bản.
    pub doc_type: Option<DocumentType>,
    /// Suggested trích yếu.
    pub subject: Option<String>,
    /// Suggested người ký.
    pub signer_name: Option<String>,
    /// Page count.
    pub pages: Option<u32>,
    /// A paper scan: the PDF version and the lowest image resolution found.
    pub pdf_version: Option<String>,
    /// The lowest image resolution found (scans).
    pub min_dpi: Option<u32>,
}

/// A row of the incoming register (sổ đăng ký văn bản đến, NĐ 30 Phụ lục IV, 10 columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingRegisterRow {
    /// The incoming document; a row is found by (register, year, số đến), which is unique.
    pub incoming_id: i64,
    /// (1) Ngày đến.
    pub received_at: Timestamp,
    /// (2) Số đến.
    pub arrival_number: i64,
    /// (3) Tác giả.
    pub sender_name: String,
    /// (4) Số, ký hiệu.
    pub code_text: String,
    /// (5) Ngày tháng văn bản.
    pub issued_date: CivilDate,
    /// (6) Tên loại và trích yếu nội dung.
    pub doc_type: DocumentType,
    /// Trích yếu (column 6 with `doc_type`).
    pub subject: String,
    /// (7) Đơn vị hoặc người nhận (the lead, and who else was assigned).
    pub recipients: String,
    /// (8) Ngày chuyển (when it was forwarded or assigned).
    pub forwarded_at: Option<Timestamp>,
    /// (9) Ký nhận: who received it in the system.
    pub received_by: Option<String>,
    /// (10) Ghi chú (channel, backfilled, note, override).
    pub note: String,
    /// How it arrived.
    pub channel: IncomingChannel,
    /// Nhập bù after an outage.
    pub backfilled: bool,
}

/// `GET /api/registers/{id}/entries` for an incoming register.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingRegisterResponse {
    pub register: crate::outgoing::RegisterDto,
    /// The year listed.
    pub year: i32,
    /// By số đến.
    pub rows: Vec<IncomingRegisterRow>,
}

/// Checks a reason typed by a clerk (returns, overrides): 1..=1000 characters.
pub fn required_reason(s: Option<&str>, field: &'static str) -> Result<String, ApiError> {
    match optional_text(s, field, 1000)? {
        Some(r) => Ok(r),
        None => Err(ApiError {
            code: ErrorCode::Validation,
            message: "Hãy ghi lý do.".into(),
            fields: vec![FieldError::new(field, "Hãy ghi lý do.")],
        }),
    }
}

/// Where the answer to an incoming document goes: the sender, as a draft's recipients list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyRecipient {
    /// The sending agency is on this system (`internal_recipients`).
    Internal(i64),
    /// Outside the system, with its mã định danh (`external_recipients`).
    External { code: String, name: String },
    /// Known only by name: a paper copy (`paper_recipients`).
    Paper(String),
}

/// "Soạn văn bản trả lời": what the reply's draft starts with — the sender as its recipient
/// ([`reply_recipient`]) and [`reply_subject`] as its trích yếu.
pub fn reply_prefill(doc: &IncomingDto) -> (String, ReplyRecipient) {
    (
        reply_subject(doc.doc_type, &doc.code_text, &doc.subject),
        reply_recipient(
            doc.sender_agency_id,
            doc.sender_code.as_deref(),
            &doc.sender_name,
        ),
    )
}

/// "V/v trả lời <loại> số <số, ký hiệu> về <trích yếu>" (its own "Về việc"/"V/v" dropped), at most 500
/// characters like any trích yếu.
pub fn reply_subject(doc_type: DocumentType, code_text: &str, subject: &str) -> String {
    let about = subject.trim();
    let about = ["Về việc ", "về việc ", "V/v ", "v/v "]
        .iter()
        .find_map(|p| about.strip_prefix(p))
        .unwrap_or(about);
    let subject = format!(
        "V/v trả lời {} số {} về {}",
        doc_type.name(),
        code_text.trim(),
        about
    );
    if subject.chars().count() > 500 {
        subject.chars().take(499).collect::<String>() + "…"
    } else {
        subject
    }
}

/// The sender as a reply's recipient: on this system, else by its mã định danh, else a paper copy by name.
pub fn reply_recipient(
    sender_agency_id: Option<i64>,
    sender_code: Option<&str>,
    sender_name: &str,
) -> ReplyRecipient {
    match (sender_agency_id, sender_code.map(str::trim)) {
        (Some(id), _) => ReplyRecipient::Internal(id),
        (None, Some(code)) if !code.is_empty() => ReplyRecipient::External {
            code: code.to_string(),
            name: sender_name.to_string(),
        },
        _ => ReplyRecipient::Paper(sender_name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CivilDate {
        CivilDate::parse("2026-11-26").unwrap()
    }

    fn assign(targets: Vec<AssignTarget>) -> AssignRequest {
        AssignRequest {
            instruction: Some("Giao Phòng Tổ chức chủ trì tham mưu.".into()),
            due_date: Some(CivilDate::parse("2026-12-05").unwrap()),
            targets,
        }
    }

    #[test]
    fn an_assignment_needs_exactly_one_lead_and_no_one_twice() {
        let lead = AssignTarget {
            role: AssignmentRole::Lead,
            to: Assignee::Unit(3),
        };
        let coop = AssignTarget {
            role: AssignmentRole::Cooperate,
            to: Assignee::User(9),
        };
        assert!(
            assign(vec![lead.clone(), coop.clone()])
                .validate(today())
                .is_ok()
        );
        assert!(assign(vec![coop.clone()]).validate(today()).is_err());
        let twice = AssignTarget {
            role: AssignmentRole::Inform,
            to: Assignee::Unit(3),
        };
        let e = assign(vec![lead, twice]).validate(today()).unwrap_err();
        assert!(e.message_for("targets").unwrap().contains("một vai trò"));
    }

    #[test]
    fn a_reply_starts_with_the_answered_number_and_subject_and_the_sender_as_recipient() {
        assert_eq!(
            reply_subject(
                DocumentType::CongVan,
                "01/SNV-TC",
                "Về việc báo cáo tình hình biên chế năm 2026"
            ),
            "V/v trả lời Công văn số 01/SNV-TC về báo cáo tình hình biên chế năm 2026"
        );
        let long = "x".repeat(600);
        assert_eq!(
            reply_subject(DocumentType::CongVan, "1", &long)
                .chars()
                .count(),
            500
        );
        assert_eq!(
            reply_recipient(Some(4), Some("000.00.00.G09"), "Sở Nội vụ"),
            ReplyRecipient::Internal(4)
        );
        assert_eq!(
            reply_recipient(None, Some(" 000.00.00.G09 "), "Bộ Nội vụ"),
            ReplyRecipient::External {
                code: "000.00.00.G09".into(),
                name: "Bộ Nội vụ".into()
            }
        );
        assert_eq!(
            reply_recipient(None, None, "Công ty ABC"),
            ReplyRecipient::Paper("Công ty ABC".into())
        );
    }

    #[test]
    fn a_deadline_in_the_past_is_refused() {
        let mut r = assign(vec![AssignTarget {
            role: AssignmentRole::Lead,
            to: Assignee::User(1),
        }]);
        r.due_date = Some(CivilDate::parse("2026-11-25").unwrap());
        assert!(
            r.validate(today())
                .unwrap_err()
                .message_for("due_date")
                .is_some()
        );
    }

    #[test]
    fn due_states_follow_the_end_of_the_due_day_in_vietnam() {
        let due = due_at(CivilDate::parse("2026-11-26").unwrap());
        // 23:59 on 26/11 in Vietnam is 16:59 UTC: still on the day.
        let late_evening = Timestamp::parse_iso("2026-11-26T23:59:00+07:00").unwrap().0;
        assert_eq!(
            DueState::at(Some(due), false, late_evening),
            DueState::DueSoon
        );
        let next_morning = Timestamp::parse_iso("2026-11-27T00:00:01+07:00").unwrap().0;
        assert_eq!(
            DueState::at(Some(due), false, next_morning),
            DueState::Overdue
        );
        assert_eq!(DueState::at(Some(due), true, next_morning), DueState::None);
        let a_week_before = Timestamp::parse_iso("2026-11-19T08:00:00+07:00").unwrap().0;
        assert_eq!(
            DueState::at(Some(due), false, a_week_before),
            DueState::OnTime
        );
    }

    #[test]
    fn a_report_needs_its_text_and_filing_needs_a_record() {
        let r = HandlerActionRequest {
            action: HandlerAction::Report,
            comment: Some(" ".into()),
            record_file: None,
        };
        assert!(r.validate().unwrap_err().message_for("comment").is_some());
        let f = HandlerActionRequest {
            action: HandlerAction::File,
            comment: None,
            record_file: None,
        };
        assert!(
            f.validate()
                .unwrap_err()
                .message_for("record_file")
                .is_some()
        );
    }

    #[test]
    fn a_delegation_to_oneself_or_in_the_past_is_refused() {
        let d = DelegationRequest {
            from_user_id: None,
            to_user_id: 4,
            starts_on: CivilDate::parse("2026-11-20").unwrap(),
            ends_on: CivilDate::parse("2026-11-25").unwrap(),
            signing: Some(SigningCapacity::Tl),
            reason: None,
        };
        let e = d.validate(today(), 4).unwrap_err();
        assert!(e.message_for("ends_on").is_some());
        assert!(e.message_for("to_user_id").is_some());
        assert!(e.message_for("signing").is_some());
    }

    #[test]
    fn registering_by_hand_is_for_other_channels_and_backfills_are_in_the_past() {
        let now = Timestamp::parse_iso("2026-11-26T10:00:00+07:00").unwrap();
        let v = serde_json::json!({
            "channel": "system", "sender_name": "Sở Tài chính tỉnh Vĩnh Long", "code_text": "15/STC-NS",
            "issued_date": "2026-11-20", "doc_type": "cong_van", "subject": "Về việc dự toán", "urgency": "normal",
            "main_file": {"sha256": "a".repeat(64), "name": "cv.pdf"},
            "backfilled_arrival": "2026-11-27T08:00:00+07:00"
        });
        let r: NewIncomingRequest = serde_json::from_value(v).unwrap();
        let e = r.validate(now).unwrap_err();
        assert!(e.message_for("channel").is_some());
        assert!(e.message_for("backfilled_arrival").is_some());
    }
}

/// Parses the code a database column holds (`#[sqlx(try_from = "String")]` in the server's row types), so a
/// row carries the enum and nothing compares raw codes.
macro_rules! try_from_code {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(code: String) -> Result<Self, String> {
                Self::from_code(&code).ok_or_else(|| format!("unknown {} code {code:?}", stringify!($t)))
            }
        }
    )*};
}
pub(crate) use try_from_code;

try_from_code!(
    IncomingChannel,
    IncomingStatus,
    AssignmentRole,
    AssignmentState
);
