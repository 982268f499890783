//! Documents (văn bản): the NĐ 30/2020 document types with their notation abbreviations, and urgency.
//! The outgoing and incoming workflows build on these.

use serde::{Deserialize, Serialize};

macro_rules! document_types {
    ($( $variant:ident => $code:literal, $name:literal, $abbr:expr; )*) => {
        /// The 29 administrative document types of NĐ 30/2020 Art. 7, each with the abbreviation
        /// (Phụ lục III) that goes into the notation. Abbreviations are case-sensitive (`QyĐ`, `TTr`, `CTr`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum DocumentType { $( #[doc = $name] $variant, )* }

        impl DocumentType {
            pub const ALL: &'static [DocumentType] = &[$(Self::$variant),*];

            /// The stable ASCII code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            /// The Vietnamese name (edXML `TypeName`).
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The notation abbreviation; `None` for công văn and thư công, which have none.
            pub fn abbreviation(self) -> Option<&'static str> {
                match self { $(Self::$variant => $abbr,)* }
            }
        }
    };
}

document_types! {
    NghiQuyet => "nghi_quyet", "Nghị quyết", Some("NQ");
    QuyetDinh => "quyet_dinh", "Quyết định", Some("QĐ");
    ChiThi => "chi_thi", "Chỉ thị", Some("CT");
    QuyChe => "quy_che", "Quy chế", Some("QC");
    QuyDinh => "quy_dinh", "Quy định", Some("QyĐ");
    ThongCao => "thong_cao", "Thông cáo", Some("TC");
    ThongBao => "thong_bao", "Thông báo", Some("TB");
    HuongDan => "huong_dan", "Hướng dẫn", Some("HD");
    ChuongTrinh => "chuong_trinh", "Chương trình", Some("CTr");
    KeHoach => "ke_hoach", "Kế hoạch", Some("KH");
    PhuongAn => "phuong_an", "Phương án", Some("PA");
    DeAn => "de_an", "Đề án", Some("ĐA");
    DuAn => "du_an", "Dự án", Some("DA");
    BaoCao => "bao_cao", "Báo cáo", Some("BC");
    BienBan => "bien_ban", "Biên bản", Some("BB");
    ToTrinh => "to_trinh", "Tờ trình", Some("TTr");
    HopDong => "hop_dong", "Hợp đồng", Some("HĐ");
    CongVan => "cong_van", "Công văn", None;
    CongDien => "cong_dien", "Công điện", Some("CĐ");
    BanGhiNho => "ban_ghi_nho", "Bản ghi nhớ", Some("BGN");
    BanThoaThuan => "ban_thoa_thuan", "Bản thỏa thuận", Some("BTT");
    GiayUyQuyen => "giay_uy_quyen", "Giấy ủy quyền", Some("GUQ");
    GiayMoi => "giay_moi", "Giấy mời", Some("GM");
    GiayGioiThieu => "giay_gioi_thieu", "Giấy giới thiệu", Some("GGT");
    GiayNghiPhep => "giay_nghi_phep", "Giấy nghỉ phép", Some("GNP");
    PhieuGui => "phieu_gui", "Phiếu gửi", Some("PG");
    PhieuChuyen => "phieu_chuyen", "Phiếu chuyển", Some("PC");
    PhieuBao => "phieu_bao", "Phiếu báo", Some("PB");
    ThuCong => "thu_cong", "Thư công", None;
}

impl DocumentType {
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.code() == code)
    }

    /// The type with this abbreviation, compared case-sensitively (`TTr` is Tờ trình; `TTR` is nothing).
    pub fn from_abbreviation(abbr: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.abbreviation() == Some(abbr))
    }
}

/// Urgency (mức độ khẩn), NĐ 30 Art. 15 and edXML `Priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Thường
    Normal,
    /// Khẩn
    Urgent,
    /// Thượng khẩn
    VeryUrgent,
    /// Hỏa tốc
    Immediate,
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [
        Self::Normal,
        Self::Urgent,
        Self::VeryUrgent,
        Self::Immediate,
    ];

    /// The edXML `Priority` value (0 thường … 3 hỏa tốc).
    pub fn edxml_priority(self) -> u8 {
        self as u8
    }

    /// The stamp text, as printed in a red frame; `None` for normal documents.
    pub fn stamp(self) -> Option<&'static str> {
        match self {
            Self::Normal => None,
            Self::Urgent => Some("KHẨN"),
            Self::VeryUrgent => Some("THƯỢNG KHẨN"),
            Self::Immediate => Some("HỎA TỐC"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Normal => "Thường",
            Self::Urgent => "Khẩn",
            Self::VeryUrgent => "Thượng khẩn",
            Self::Immediate => "Hỏa tốc",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_29_types_with_unique_codes_and_abbreviations() {
        assert_eq!(DocumentType::ALL.len(), 29);
        let codes: HashSet<_> = DocumentType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes.len(), 29);
        let abbrs: Vec<_> = DocumentType::ALL
            .iter()
            .filter_map(|t| t.abbreviation())
            .collect();
        assert_eq!(abbrs.len(), 27);
        assert_eq!(abbrs.iter().collect::<HashSet<_>>().len(), 27);
    }

    #[test]
    fn abbreviations_are_case_sensitive() {
        assert_eq!(
            DocumentType::from_abbreviation("TTr"),
            Some(DocumentType::ToTrinh)
        );
        assert_eq!(DocumentType::from_abbreviation("TTR"), None);
        assert_eq!(
            DocumentType::from_abbreviation("QyĐ"),
            Some(DocumentType::QuyDinh)
        );
        assert_eq!(
            DocumentType::from_abbreviation("QĐ"),
            Some(DocumentType::QuyetDinh)
        );
        assert_eq!(
            DocumentType::from_abbreviation("CTr"),
            Some(DocumentType::ChuongTrinh)
        );
        assert_eq!(DocumentType::CongVan.abbreviation(), None);
        assert_eq!(DocumentType::ThuCong.abbreviation(), None);
    }

    #[test]
    fn codes_round_trip_through_serde() {
        for t in DocumentType::ALL {
            assert_eq!(DocumentType::from_code(t.code()), Some(*t));
            assert_eq!(
                serde_json::to_string(t).unwrap(),
                format!("\"{}\"", t.code())
            );
        }
    }

    #[test]
    fn urgency_maps_to_edxml_priority() {
        assert_eq!(Urgency::Normal.edxml_priority(), 0);
        assert_eq!(Urgency::Immediate.edxml_priority(), 3);
        assert_eq!(Urgency::VeryUrgent.stamp(), Some("THƯỢNG KHẨN"));
    }
}
