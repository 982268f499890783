//! Accounts (tài khoản): usernames, password rules, and the account DTOs of the API.

use serde::{Deserialize, Serialize};

use crate::role::Role;
use crate::text::{PersonName, Position};
use crate::time::Timestamp;

/// Why a username was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("Tên đăng nhập dài từ 3 đến 50 ký tự.")]
    Length,
    #[error(
        "Tên đăng nhập chỉ gồm chữ thường không dấu a–z, chữ số và các dấu . _ -, bắt đầu bằng chữ cái."
    )]
    Charset,
}

/// A sign-in name: 3–50 of `a–z 0–9 . _ -`, starting with a letter. Compared case-insensitively, so it is
/// stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, UsernameError> {
        let s = s.trim().to_ascii_lowercase();
        if !(3..=50).contains(&s.len()) {
            return Err(UsernameError::Length);
        }
        let ok_char =
            |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-');
        if !s.as_bytes()[0].is_ascii_lowercase() || !s.bytes().all(ok_char) {
            return Err(UsernameError::Charset);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Mật khẩu phải có ít nhất {0} ký tự.")]
    TooShort(usize),
    #[error("Mật khẩu dài tối đa {0} ký tự.")]
    TooLong(usize),
    #[error("Mật khẩu phải có cả chữ cái và chữ số.")]
    TooSimple,
}

/// A password chosen by a person: 10–128 characters with at least one letter and one digit. Only new
/// passwords are checked against this rule; a password typed at sign-in is just compared.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    pub fn parse(s: &str) -> Result<Self, PasswordError> {
        let n = s.chars().count();
        if n < Self::MIN {
            return Err(PasswordError::TooShort(Self::MIN));
        }
        if n > Self::MAX {
            return Err(PasswordError::TooLong(Self::MAX));
        }
        if !s.chars().any(char::is_alphabetic) || !s.chars().any(|c| c.is_ascii_digit()) {
            return Err(PasswordError::TooSimple);
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl TryFrom<String> for NewPassword {
    type Error = PasswordError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NewPassword> for String {
    fn from(p: NewPassword) -> String {
        p.0
    }
}

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Địa chỉ thư điện tử không hợp lệ.")]
pub struct EmailError;

/// An e-mail address (a light check: one `@`, a dotted domain, no spaces, ≤ 254 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim();
        let (local, domain) = s.split_once('@').ok_or(EmailError)?;
        let valid = s.len() <= 254
            && !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| {
                c.is_whitespace() || c.is_control() || crate::text::is_invisible_or_bidi(c)
            });
        valid.then(|| Self(s.to_string())).ok_or(EmailError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Số điện thoại gồm 8 đến 15 chữ số (có thể bắt đầu bằng +).")]
pub struct PhoneError;

/// A phone number: 8–15 digits, optionally a leading `+`; spaces and dots are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, PhoneError> {
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        let ok = (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        ok.then_some(Self(compact)).ok_or(PhoneError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// The agency a user belongs to, as shown beside the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRef {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::agency::AgencyCode))]
    pub code: String,
    /// Full name of the agency.
    pub name: String,
    /// Short name of the agency.
    pub short_name: String,
}

/// The unit a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub id: i64,
    /// Full name of the unit.
    pub name: String,
    /// Short name of the unit.
    pub short_name: String,
}

/// An account as the API shows it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDto {
    pub id: i64,
    /// Sign-in name, lower case.
    pub username: String,
    /// Họ và tên; a signer's certificate must carry exactly this common name.
    pub full_name: String,
    /// Chức vụ (job title), if recorded.
    pub position: Option<String>,
    /// E-mail address, if recorded (null in `GET /api/colleagues`).
    pub email: Option<String>,
    /// Phone number, if recorded (null in `GET /api/colleagues`).
    pub phone: Option<String>,
    /// The account's agency.
    pub agency: AgencyRef,
    /// The account's unit.
    pub unit: UnitRef,
    /// One or more roles.
    pub roles: Vec<Role>,
    /// A locked account cannot sign in.
    pub locked: bool,
    /// Set when an administrator created the account or reset its password.
    pub must_change_password: bool,
    /// When the account was created.
    pub created_at: Timestamp,
    /// Last successful sign-in (null if never, and in `GET /api/colleagues`).
    pub last_login_at: Option<Timestamp>,
}

impl UserDto {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The roles in Vietnamese, joined for display (`Văn thư, Chuyên viên`).
    pub fn role_labels(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `POST /api/users`: a new account; the server answers with a one-time temporary password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: Username,
    /// Họ và tên.
    pub full_name: PersonName,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
    /// The unit (of the administrator's agency) the account belongs to.
    pub unit_id: i64,
    /// At least one; only a system administrator grants `system_admin`.
    pub roles: Vec<Role>,
}

/// `PUT /api/users/{id}`: everything about an account an administrator may change (all fields replaced).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub full_name: PersonName,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<Phone>,
    /// The unit the account belongs to.
    pub unit_id: i64,
    /// At least one; an administrator cannot take away their own administrator role.
    pub roles: Vec<Role>,
}

/// Answer to creating an account or resetting its password: the temporary password is shown once, to the
/// administrator, and must be changed at the first sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPasswordResponse {
    pub user: UserDto,
    /// Shown once; the user must change it at the next sign-in.
    pub temporary_password: String,
}

/// `GET /api/users` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserListResponse {
    pub users: Vec<UserDto>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse(" NV.An ").unwrap().as_str(), "nv.an");
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse("1abc"), Err(UsernameError::Charset));
        assert_eq!(Username::parse("nguyễn"), Err(UsernameError::Charset));
        assert_eq!(Username::parse("a b c"), Err(UsernameError::Charset));
    }

    #[test]
    fn new_passwords_need_length_letters_and_digits() {
        assert_eq!(
            NewPassword::parse("abc123"),
            Err(PasswordError::TooShort(10))
        );
        assert_eq!(
            NewPassword::parse("abcdefghijk"),
            Err(PasswordError::TooSimple)
        );
        assert_eq!(
            NewPassword::parse("12345678901"),
            Err(PasswordError::TooSimple)
        );
        assert!(NewPassword::parse("Mật khẩu 2026").is_ok());
        assert_eq!(
            NewPassword::parse(&"a1".repeat(65)),
            Err(PasswordError::TooLong(128))
        );
        assert!(!format!("{:?}", NewPassword::parse("secret12345").unwrap()).contains("secret"));
    }

    #[test]
    fn emails_and_phones() {
        assert!(Email::parse("an.nv@vinhlong.gov.vn").is_ok());
        assert!(Email::parse("an@localhost").is_err());
        assert!(Email::parse("a n@x.vn").is_err());
        assert_eq!(
            Phone::parse("0270 3822 123").unwrap().as_str(),
            "02703822123"
        );
        assert!(Phone::parse("+84 912.345.678").is_ok());
        assert!(Phone::parse("12345").is_err());
    }

    #[test]
    fn create_user_refuses_unknown_fields() {
        let body = r#"{"username":"an","full_name":"An","unit_id":1,"roles":[],"is_admin":true}"#;
        assert!(serde_json::from_str::<CreateUserRequest>(body).is_err());
    }

    proptest! {
        #[test]
        fn accepted_usernames_are_ascii_lowercase(s in "\\PC{0,60}") {
            if let Ok(u) = Username::parse(&s) {
                prop_assert!(u.as_str().bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()));
                prop_assert_eq!(Username::parse(u.as_str()).unwrap(), u);
            }
        }
    }
}
