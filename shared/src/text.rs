//! Vietnamese text: every string the system stores is Unicode NFC (TCVN 6909:2001), trimmed, free of
//! control characters and within the length the national metadata standard allows.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Returns `s` in Unicode Normalization Form C. Text typed on some keyboards (or pasted from PDFs) arrives
/// decomposed (`e` + combining marks); stored in NFC, equal words compare equal and search finds them.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds text for diacritic-insensitive search: lower case, Vietnamese tone and vowel marks removed, `đ` → `d`
/// (`Nguyễn Thị Đào` → `nguyen thi dao`). Stored beside searchable columns and applied to queries alike.
pub fn fold_for_search(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("Không được để trống.")]
    Empty,
    #[error("Quá dài: tối đa {max} ký tự.")]
    TooLong { max: usize },
    #[error("Quá ngắn: tối thiểu {min} ký tự.")]
    TooShort { min: usize },
    #[error("Có ký tự điều khiển không hợp lệ.")]
    ControlCharacter,
}

/// Normalises to NFC, trims, and checks length (in characters) and control characters.
/// Line breaks are allowed only when `multiline` is set.
pub fn clean(s: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    // Browsers submit textarea line breaks as CRLF; store one form.
    let s = nfc(s.trim()).replace("\r\n", "\n");
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
    if !s.chars().all(allowed) {
        return Err(TextError::ControlCharacter);
    }
    let count = s.chars().count();
    if count > max {
        return Err(TextError::TooLong { max });
    }
    if count < min {
        return Err(TextError::TooShort { min });
    }
    Ok(s)
}

/// A single line of text, NFC, 1..=`MAX` characters. Used for names, titles and short labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Line<const MAX: usize>(String);

impl<const MAX: usize> Line<MAX> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> TryFrom<String> for Line<MAX> {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        clean(&s, 1, MAX, false).map(Self)
    }
}

impl<const MAX: usize> TryFrom<&str> for Line<MAX> {
    type Error = TextError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        clean(s, 1, MAX, false).map(Self)
    }
}

impl<const MAX: usize> From<Line<MAX>> for String {
    fn from(l: Line<MAX>) -> String {
        l.0
    }
}

impl<const MAX: usize> std::fmt::Display for Line<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's full name (edXML `SignerInfo/FullName`, at most 50 characters).
pub type PersonName = Line<50>;
/// A job title or position (edXML `SignerInfo/Position`, at most 100 characters).
pub type Position = Line<100>;
/// The name of an agency or unit (edXML `OrganName`, at most 200 characters).
pub type OrganName = Line<200>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decomposed_vietnamese_is_stored_composed() {
        let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n A";
        let line = PersonName::try_from(decomposed).unwrap();
        assert_eq!(line.as_str(), "Nguyễn Văn A");
        assert_eq!(line.as_str().chars().count(), 12);
    }

    #[test]
    fn search_folding_drops_marks_and_case() {
        assert_eq!(fold_for_search("Nguyễn Thị Đào"), "nguyen thi dao");
        assert_eq!(fold_for_search("SỞ NỘI VỤ"), "so noi vu");
        assert_eq!(fold_for_search("Nguye\u{302}\u{303}n"), "nguyen");
    }

    #[test]
    fn blank_and_control_characters_are_refused() {
        assert_eq!(PersonName::try_from("   "), Err(TextError::Empty));
        assert_eq!(
            PersonName::try_from("a\u{0}b"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(
            PersonName::try_from("a\nb"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(clean("a\nb", 1, 10, true), Ok("a\nb".to_string()));
        assert_eq!(
            clean("a\u{7}b", 1, 10, true),
            Err(TextError::ControlCharacter)
        );
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let fifty = "Đ".repeat(50);
        assert!(PersonName::try_from(fifty.as_str()).is_ok());
        let fifty_one = "Đ".repeat(51);
        assert_eq!(
            PersonName::try_from(fifty_one.as_str()),
            Err(TextError::TooLong { max: 50 })
        );
    }

    #[test]
    fn deserializing_runs_the_same_rules() {
        let ok: PersonName = serde_json::from_str("\" Trần Thị B \"").unwrap();
        assert_eq!(ok.as_str(), "Trần Thị B");
        let err = serde_json::from_str::<PersonName>("\"\"").unwrap_err();
        assert!(err.to_string().contains("Không được để trống"));
    }

    proptest! {
        #[test]
        fn cleaning_is_idempotent(s in "\\PC{0,80}") {
            if let Ok(once) = clean(&s, 1, 100, false) {
                prop_assert_eq!(clean(&once, 1, 100, false), Ok(once.clone()));
                prop_assert_eq!(nfc(&once), once);
            }
        }
    }
}
