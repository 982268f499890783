//! Agencies (cơ quan) and their units (đơn vị: phòng, ban, trung tâm), and the agency identifier code
//! (mã định danh) in both of its legal forms.

use serde::{Deserialize, Serialize};

use crate::text::{Line, OrganName};

/// Why an agency code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyCodeError {
    #[error("Mã định danh không được để trống.")]
    Empty,
    #[error("Mã định danh dài tối đa 35 ký tự.")]
    TooLong,
    #[error("Mã định danh chỉ gồm chữ in hoa A–Z, chữ số 0–9 và dấu chấm.")]
    BadCharacter,
    #[error("Mã định danh có nhóm rỗng (hai dấu chấm liền nhau hoặc dấu chấm ở đầu, cuối).")]
    EmptyGroup,
    #[error(
        "Mã định danh không đúng dạng QCVN 102:2016 (vd. 000.00.00.H62) hay QĐ 20/2020 (vd. H62.01): mã cấp 1 phải là một chữ cái và hai chữ số."
    )]
    BadLevel1,
}

/// Which legal form an [`AgencyCode`] is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyCodeForm {
    /// QCVN 102:2016: `LLL.LL.LL.XNN`, most specific level on the left, level 1 on the right.
    Qcvn102,
    /// QĐ 20/2020/QĐ-TTg: ≤ 35 characters, dot-separated groups, level 1 on the left.
    Qd20,
}

/// An agency identifier code (mã định danh), e.g. `000.00.00.H62` (UBND tỉnh Vĩnh Long, QCVN 102:2016) or
/// `H62.01` (QĐ 20/2020). Both forms coexist on the national document axis, so both are accepted; they are
/// told apart by their level-1 group, which is on the right in the first and on the left in the second.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

fn is_level1(group: &str) -> bool {
    let b = group.as_bytes();
    b.len() == 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

fn all_digits(group: &str, len: usize) -> bool {
    group.len() == len && group.bytes().all(|b| b.is_ascii_digit())
}

impl AgencyCode {
    /// Parses a code; surrounding whitespace is ignored, nothing else is changed.
    pub fn parse(s: &str) -> Result<Self, AgencyCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AgencyCodeError::Empty);
        }
        if s.len() > 35 {
            return Err(AgencyCodeError::TooLong);
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
        {
            return Err(AgencyCodeError::BadCharacter);
        }
        let groups: Vec<&str> = s.split('.').collect();
        if groups.iter().any(|g| g.is_empty()) {
            return Err(AgencyCodeError::EmptyGroup);
        }
        let code = Self(s.to_string());
        if code.form_of(&groups).is_none() {
            return Err(AgencyCodeError::BadLevel1);
        }
        Ok(code)
    }

    fn form_of(&self, groups: &[&str]) -> Option<AgencyCodeForm> {
        if let [l4, l3, l2, l1] = groups
            && all_digits(l4, 3)
            && all_digits(l3, 2)
            && all_digits(l2, 2)
            && is_level1(l1)
        {
            return Some(AgencyCodeForm::Qcvn102);
        }
        is_level1(groups[0]).then_some(AgencyCodeForm::Qd20)
    }

    /// The legal form this code is written in.
    pub fn form(&self) -> AgencyCodeForm {
        let groups: Vec<&str> = self.0.split('.').collect();
        self.form_of(&groups).expect("validated on construction")
    }

    /// The level-1 code (`H62` for a Vĩnh Long agency, `G22` for the Government Office).
    pub fn level1(&self) -> &str {
        match self.form() {
            AgencyCodeForm::Qcvn102 => &self.0[10..13],
            AgencyCodeForm::Qd20 => &self.0[..3],
        }
    }

    /// The code of the agency one level up, when the code itself says it (`000.21.37.H53` → `000.00.37.H53`;
    /// `H62.05.01` → `H62.05`). `None` for a level-1 agency.
    pub fn parent(&self) -> Option<AgencyCode> {
        match self.form() {
            AgencyCodeForm::Qcvn102 => {
                let g: Vec<&str> = self.0.split('.').collect();
                let parent = if g[0] != "000" {
                    format!("000.{}.{}.{}", g[1], g[2], g[3])
                } else if g[1] != "00" {
                    format!("000.00.{}.{}", g[2], g[3])
                } else if g[2] != "00" {
                    format!("000.00.00.{}", g[3])
                } else {
                    return None;
                };
                Some(Self(parent))
            }
            AgencyCodeForm::Qd20 => self.0.rfind('.').map(|i| Self(self.0[..i].to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = AgencyCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<AgencyCode> for String {
    fn from(c: AgencyCode) -> String {
        c.0
    }
}

impl std::fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a short name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortNameError {
    #[error("Tên viết tắt không được để trống.")]
    Empty,
    #[error("Tên viết tắt dài tối đa 15 ký tự.")]
    TooLong,
    #[error("Tên viết tắt chỉ gồm chữ cái (kể cả Đ) và chữ số, không dấu cách, không dấu gạch.")]
    BadCharacter,
}

/// The short name used in document notations (`UBND`, `SNV`, `VP`, `TCCB`): letters and digits only, since
/// `-` and `/` separate the parts of a notation (`15/QĐ-UBND`). Case is kept: notations are case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortName(String);

impl ShortName {
    pub fn parse(s: &str) -> Result<Self, ShortNameError> {
        let s = crate::text::nfc(s.trim());
        if s.is_empty() {
            return Err(ShortNameError::Empty);
        }
        if s.chars().count() > 15 {
            return Err(ShortNameError::TooLong);
        }
        if !s.chars().all(|c| c.is_alphanumeric()) {
            return Err(ShortNameError::BadCharacter);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ShortName {
    type Error = ShortNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ShortName> for String {
    fn from(c: ShortName) -> String {
        c.0
    }
}

/// The kind of a unit inside an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Phòng
    Phong,
    /// Ban
    Ban,
    /// Trung tâm
    TrungTam,
    /// Văn phòng
    VanPhong,
    /// Chi cục
    ChiCuc,
    /// Any other kind of unit.
    Khac,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        Self::Phong,
        Self::Ban,
        Self::TrungTam,
        Self::VanPhong,
        Self::ChiCuc,
        Self::Khac,
    ];

    /// The stable code stored in the database and used on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::Phong => "phong",
            Self::Ban => "ban",
            Self::TrungTam => "trung_tam",
            Self::VanPhong => "van_phong",
            Self::ChiCuc => "chi_cuc",
            Self::Khac => "khac",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Phong => "Phòng",
            Self::Ban => "Ban",
            Self::TrungTam => "Trung tâm",
            Self::VanPhong => "Văn phòng",
            Self::ChiCuc => "Chi cục",
            Self::Khac => "Khác",
        }
    }
}

/// An agency as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyDto {
    pub id: i64,
    /// Mã định danh (QCVN 102:2016 or QĐ 20/2020).
    pub code: AgencyCode,
    /// Full name (tên cơ quan).
    pub name: String,
    /// Short name used in notations (`UBND`, `SNV`).
    pub short_name: String,
    /// The superior agency, if any.
    pub parent_id: Option<i64>,
}

/// A unit as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitDto {
    pub id: i64,
    /// The agency the unit belongs to.
    pub agency_id: i64,
    /// Full name of the unit.
    pub name: String,
    /// Short name used in the notation of a công văn (`UBND-VP`), unique in the agency.
    pub short_name: String,
    /// What kind of unit.
    pub kind: UnitKind,
    /// How many accounts belong to the unit.
    pub user_count: i64,
}

/// `POST /api/agencies/{id}/units`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUnitRequest {
    pub name: OrganName,
    /// Unique in the agency.
    pub short_name: ShortName,
    /// What kind of unit.
    pub kind: UnitKind,
}

/// `GET /api/agencies/{id}/storage`: what an agency stores and may store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyStorageDto {
    /// Bytes of the files the agency's people uploaded first (a file already stored by anyone costs nothing).
    pub used_bytes: i64,
    /// The quota in force, in bytes.
    pub quota_bytes: i64,
    /// The agency's own quota in MiB; `null` when the server's default applies.
    pub quota_mb: Option<i64>,
    /// The server's default quota in MiB (`VANBAN_AGENCY_QUOTA_MB`).
    pub default_quota_mb: i64,
}

/// `PUT /api/agencies/{id}/storage`: the agency's own quota in MiB (1 to 100,000,000), or `null` for the
/// server's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetStorageQuotaRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, minimum = 1, maximum = 100_000_000))]
    pub quota_mb: Option<QuotaMb>,
}

/// A storage quota in MiB: 1 to 100,000,000 (about 95 TiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct QuotaMb(i64);

impl QuotaMb {
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for QuotaMb {
    type Error = &'static str;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        if (1..=100_000_000).contains(&v) {
            Ok(Self(v))
        } else {
            Err("Hạn mức lưu trữ phải từ 1 đến 100.000.000 MiB.")
        }
    }
}

impl From<QuotaMb> for i64 {
    fn from(q: QuotaMb) -> i64 {
        q.0
    }
}

/// `PUT /api/units/{id}`: the unit's new name, short name and kind.
pub type UpdateUnitRequest = CreateUnitRequest;

/// A short label such as an agency name in a list.
pub type Label = Line<200>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn qcvn102_codes_are_accepted_and_their_level1_is_on_the_right() {
        let c = AgencyCode::parse("000.00.00.H62").unwrap();
        assert_eq!(c.form(), AgencyCodeForm::Qcvn102);
        assert_eq!(c.level1(), "H62");
        assert_eq!(c.parent(), None);
        let commune = AgencyCode::parse("000.21.37.H53").unwrap();
        assert_eq!(commune.parent().unwrap().as_str(), "000.00.37.H53");
        assert_eq!(
            commune.parent().unwrap().parent().unwrap().as_str(),
            "000.00.00.H53"
        );
        let level4 = AgencyCode::parse("001.01.14.H53").unwrap();
        assert_eq!(level4.parent().unwrap().as_str(), "000.01.14.H53");
    }

    #[test]
    fn qd20_codes_are_accepted_and_their_level1_is_on_the_left() {
        let c = AgencyCode::parse("H62.05.01").unwrap();
        assert_eq!(c.form(), AgencyCodeForm::Qd20);
        assert_eq!(c.level1(), "H62");
        assert_eq!(c.parent().unwrap().as_str(), "H62.05");
        assert_eq!(AgencyCode::parse("G22").unwrap().parent(), None);
    }

    #[test]
    fn malformed_codes_are_refused_with_the_reason() {
        assert_eq!(AgencyCode::parse(""), Err(AgencyCodeError::Empty));
        assert_eq!(
            AgencyCode::parse("000.00.00.h62"),
            Err(AgencyCodeError::BadCharacter)
        );
        assert_eq!(
            AgencyCode::parse("000..00.H62"),
            Err(AgencyCodeError::EmptyGroup)
        );
        assert_eq!(
            AgencyCode::parse("000.00.00.62H"),
            Err(AgencyCodeError::BadLevel1)
        );
        assert_eq!(
            AgencyCode::parse("00.00.00.H62"),
            Err(AgencyCodeError::BadLevel1)
        );
        assert_eq!(AgencyCode::parse("H6.01"), Err(AgencyCodeError::BadLevel1));
        assert_eq!(
            AgencyCode::parse(&format!("H62.{}", "1".repeat(32))),
            Err(AgencyCodeError::TooLong)
        );
        assert!(AgencyCode::parse(&format!("H62.{}", "1".repeat(31))).is_ok());
        assert_eq!(
            AgencyCode::parse("H62-01"),
            Err(AgencyCodeError::BadCharacter)
        );
    }

    #[test]
    fn short_names_keep_case_and_refuse_separators() {
        assert_eq!(ShortName::parse(" UBND ").unwrap().as_str(), "UBND");
        assert_eq!(ShortName::parse("TTĐT").unwrap().as_str(), "TTĐT");
        assert_eq!(ShortName::parse("UB-ND"), Err(ShortNameError::BadCharacter));
        assert_eq!(ShortName::parse("A B"), Err(ShortNameError::BadCharacter));
    }

    proptest! {
        #[test]
        fn every_well_formed_qcvn102_code_parses(l4 in 0u16..1000, l3 in 0u8..100, l2 in 0u8..100,
                                                  letter in "[A-Z]", n in 0u8..100) {
            let s = format!("{l4:03}.{l3:02}.{l2:02}.{letter}{n:02}");
            let c = AgencyCode::parse(&s).unwrap();
            prop_assert_eq!(c.form(), AgencyCodeForm::Qcvn102);
            prop_assert_eq!(c.level1(), format!("{letter}{n:02}"));
            // Walking up the parents always ends at the level-1 agency.
            let mut cur = c;
            for _ in 0..4 { match cur.parent() { Some(p) => cur = p, None => break } }
            prop_assert_eq!(cur.as_str(), format!("000.00.00.{letter}{n:02}"));
        }

        #[test]
        fn parsing_never_panics_and_accepted_codes_obey_the_charset(s in "\\PC{0,40}") {
            if let Ok(c) = AgencyCode::parse(&s) {
                prop_assert!(c.as_str().len() <= 35);
                prop_assert!(c.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.'));
                prop_assert_eq!(c.level1().len(), 3);
            }
        }

        #[test]
        fn codes_round_trip_through_json(l2 in 0u8..100, n in 0u8..100) {
            let c = AgencyCode::parse(&format!("000.00.{l2:02}.H{n:02}")).unwrap();
            let json = serde_json::to_string(&c).unwrap();
            prop_assert_eq!(serde_json::from_str::<AgencyCode>(&json).unwrap(), c);
        }
    }
}
