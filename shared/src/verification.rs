//! Public verification of printed copies (issue 15): the code an issued document carries beside its QR code,
//! the address it points to, and what anyone — signed in or not — is told about a code or a file.
//!
//! A code is 60 random bits written as 12 characters of Crockford's base 32 in three groups (`7K3M-Q9XD-2FHB`):
//! short enough to type from paper, case-insensitive, and the letters people confuse (`I`, `L`, `O`) read as the
//! digits they look like; `U` is not used.

use serde::{Deserialize, Serialize};

use crate::civil_date::CivilDate;
use crate::time::Timestamp;

/// Crockford's base-32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code (5 bits each: 60 bits).
pub const CODE_CHARS: usize = 12;
/// The page a code's QR leads to: `{base}/xac-minh/{code}`.
pub const PAGE_PREFIX: &str = "/xac-minh/";

/// A verification code in its canonical form (`XXXX-XXXX-XXXX`, upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerificationCode(String);

impl VerificationCode {
    /// The code of 60 random bits (the low 60 of `random`).
    pub fn from_random(random: u64) -> Self {
        let digits: String = (0..CODE_CHARS)
            .rev()
            .map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize] as char)
            .collect();
        Self(group(&digits))
    }

    /// Reads a code as people type it: any case, with or without the hyphens or spaces, `I`/`L` as `1` and `O`
    /// as `0`. `None` for anything else.
    pub fn parse(input: &str) -> Option<Self> {
        if input.len() > 64 {
            return None;
        }
        let mut digits = String::with_capacity(CODE_CHARS);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            digits.push(c);
        }
        (digits.len() == CODE_CHARS).then(|| Self(group(&digits)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address printed in the QR code, under the server's public base (`https://vanban.example.gov.vn`).
    pub fn url(&self, base: &str) -> String {
        format!("{}{PAGE_PREFIX}{}", base.trim_end_matches('/'), self.0)
    }
}

fn group(digits: &str) -> String {
    let (a, rest) = digits.split_at(4);
    let (b, c) = rest.split_at(4);
    format!("{a}-{b}-{c}")
}

impl TryFrom<String> for VerificationCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
            .ok_or_else(|| "Mã xác minh không đúng dạng (12 ký tự, ví dụ 7K3M-Q9XD-2FHB).".into())
    }
}

impl From<VerificationCode> for String {
    fn from(c: VerificationCode) -> String {
        c.0
    }
}

impl std::fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One signature of the verified file, as the public is shown it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSigner {
    /// The certificate's name: the signer, or the agency for its seal.
    pub name: String,
    /// The signing time the signature states.
    pub time: Option<String>,
}

/// `GET /api/public/verify/{code}` and `POST /api/public/verify`: what anyone may learn about an issued
/// document. For a file that is not an issued original every field but `authentic` is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicVerification {
    /// The original was issued on this system, its signatures verify, and it has not been recalled.
    pub authentic: bool,
    /// The issuing agency recalled it (thu hồi): the original exists but no longer stands.
    pub recalled: bool,
    /// `05/QĐ-UBND`.
    pub number_text: Option<String>,
    /// The issue date.
    pub date: Option<CivilDate>,
    /// The issuing agency's name.
    pub agency: Option<String>,
    /// The trích yếu.
    pub subject: Option<String>,
    /// Who signed the original (the signer, then the agency's seal).
    pub signers: Vec<PublicSigner>,
    /// The address of the original file, downloadable without signing in.
    pub download: Option<String>,
    /// When it was issued.
    pub issued_at: Option<Timestamp>,
}

impl PublicVerification {
    /// The answer for a file that is not an issued original.
    pub fn not_authentic() -> Self {
        Self {
            authentic: false,
            recalled: false,
            number_text: None,
            date: None,
            agency: None,
            subject: None,
            signers: vec![],
            download: None,
            issued_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_sixty_bits_in_three_groups() {
        let all = VerificationCode::from_random(u64::MAX);
        assert_eq!(all.as_str(), "ZZZZ-ZZZZ-ZZZZ");
        let none = VerificationCode::from_random(0);
        assert_eq!(none.as_str(), "0000-0000-0000");
        // Bit 60 and above are not used; bit 0 is the last character.
        assert_eq!(
            VerificationCode::from_random(1 << 60).as_str(),
            "0000-0000-0000"
        );
        assert_eq!(VerificationCode::from_random(1).as_str(), "0000-0000-0001");
        assert_eq!(
            VerificationCode::from_random(31 << 55).as_str(),
            "Z000-0000-0000"
        );
        // Every distinct 60-bit value is a distinct code (the encoding is a bijection): spot-check neighbours.
        let mut seen = std::collections::HashSet::new();
        for v in 0..4096u64 {
            assert!(seen.insert(VerificationCode::from_random(v * 0x0123_4567_89ab)));
        }
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        let c = VerificationCode::from_random(0x0abc_def0_1234_5678);
        let lower = c.as_str().to_lowercase();
        assert_eq!(VerificationCode::parse(&lower), Some(c.clone()));
        assert_eq!(
            VerificationCode::parse(&c.as_str().replace('-', "")),
            Some(c.clone())
        );
        assert_eq!(
            VerificationCode::parse(&c.as_str().replace('-', " ")),
            Some(c.clone())
        );
        assert_eq!(
            VerificationCode::parse("iloo-0000-0000").unwrap().as_str(),
            "1100-0000-0000"
        );
        for bad in [
            "",
            "ABCD-EFGH-JKM",
            "ABCD-EFGH-JKMNP",
            "ABCD-EFGH-JKMU",
            "ABCĐ-EFGH-JKMN",
            "../../etc/passwd",
        ] {
            assert_eq!(VerificationCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_address_is_the_public_page_of_the_code() {
        let c = VerificationCode::parse("7K3M-Q9XD-2FHB").unwrap();
        assert_eq!(
            c.url("https://vb.example.vn/"),
            "https://vb.example.vn/xac-minh/7K3M-Q9XD-2FHB"
        );
    }
}
