//! Vietnamese text: every string the system stores is Unicode NFC (TCVN 6909:2001), trimmed, free of
//! control characters and within the length the national metadata standard allows.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Returns `s` in Unicode Normalization Form C. Text typed on some keyboards (or pasted from PDFs) arrives
/// decomposed (`e` + combining marks); stored in NFC, equal words compare equal and search finds them.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds text for diacritic-insensitive search: lower case, Vietnamese tone and vowel marks removed, `đ` → `d`,
/// every run of white space one space (`Nguyễn Thị  Đào` → `nguyen thi dao`). The one fold of the system: stored
/// beside searchable columns and in the search index, and applied to queries alike.
pub fn fold_for_search(s: &str) -> String {
    fold_mapped(s).0
}

/// [`fold_for_search`] with, for each character of the folded text, the index (in characters) of the original
/// character it came from, so a match found in folded text can be shown on the original.
pub fn fold_mapped(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    let mut last_space = false;
    for (i, c) in s.chars().enumerate() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                map.push(i);
                last_space = true;
            }
            continue;
        }
        last_space = false;
        // Canonical decomposition of one character at a time equals NFD here: the marks NFD would reorder are
        // all dropped.
        unicode_normalization::char::decompose_canonical(c, |d| {
            if unicode_normalization::char::is_combining_mark(d) {
                return;
            }
            let d = match d {
                'đ' | 'Đ' => 'd',
                d => d,
            };
            for l in d.to_lowercase() {
                out.push(l);
                map.push(i);
            }
        });
    }
    (out, map)
}

/// Where the folded `needle` (as [`fold_for_search`] returns it) occurs in `text`, as ranges of characters of
/// the original `text` (start included, end excluded), without overlaps: what a results page highlights.
pub fn match_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let (folded, map) = fold_mapped(text);
    let hay: Vec<char> = folded.chars().collect();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            let (start, end) = (map[i], map[i + needle.len() - 1] + 1);
            match out.last_mut() {
                Some(last) if last.1 >= start => last.1 = last.1.max(end),
                _ => out.push((start, end)),
            }
            i += needle.len();
        } else {
            i += 1;
        }
    }
    // A mark written after its letter (decomposed input) belongs to the match that ends on the letter.
    let chars: Vec<char> = text.chars().collect();
    for r in &mut out {
        while r.1 < chars.len() && unicode_normalization::char::is_combining_mark(chars[r.1]) {
            r.1 += 1;
        }
    }
    out
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
    #[error(
        "Có ký tự ẩn hoặc ký tự đảo chiều văn bản (U+{0:04X}) không được phép: chúng làm chữ hiển thị khác với nội dung thật."
    )]
    InvisibleCharacter(u32),
}

/// Characters that change how text is shown without being seen: bidirectional embeddings, overrides and
/// isolates (U+202E turns `fdp.exe` into what reads as `exe.pdf`), zero-width spaces and joiners, invisible
/// operators, the byte-order mark, fillers that render as nothing. Vietnamese needs none of them, and each lets
/// one name pass for another.
pub fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}')
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
    if let Some(c) = s.chars().find(|c| is_invisible_or_bidi(*c)) {
        return Err(TextError::InvisibleCharacter(c as u32));
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
    fn bidirectional_and_zero_width_characters_are_refused() {
        for bad in [
            "hop\u{202E}fdp.exe",
            "Nguyễn\u{200B}Văn A",
            "a\u{2066}b",
            "\u{FEFF}Công văn",
            "x\u{200D}y",
        ] {
            assert!(
                matches!(
                    PersonName::try_from(bad),
                    Err(TextError::InvisibleCharacter(_))
                ),
                "{bad:?}"
            );
        }
        // Vietnamese with every tone mark, and ordinary punctuation, pass.
        assert!(Line::<200>::try_from("Quyết định số 15/QĐ-UBND (bổ sung) – “khẩn”").is_ok());
    }

    #[test]
    fn search_folding_drops_marks_and_case() {
        assert_eq!(fold_for_search("Nguyễn Thị Đào"), "nguyen thi dao");
        assert_eq!(fold_for_search("SỞ NỘI VỤ"), "so noi vu");
        assert_eq!(fold_for_search("Nguye\u{302}\u{303}n"), "nguyen");
        assert_eq!(fold_for_search("Quyết  định\nsố"), "quyet dinh so");
        assert_eq!(fold_for_search("12/QĐ-UBND"), "12/qd-ubnd");
    }

    #[test]
    fn the_fold_maps_each_character_back_to_the_original() {
        let (folded, map) = fold_mapped("Đ\u{1ec3}  x");
        assert_eq!(folded, "de x");
        assert_eq!(map, vec![0, 1, 2, 4]);
    }

    #[test]
    fn matches_are_found_on_the_original_text_whatever_its_marks_and_case() {
        let s = "Về việc ban hành Quyết định số 12/QĐ-UBND";
        let chars: Vec<char> = s.chars().collect();
        let found = |r: Vec<(usize, usize)>| -> Vec<String> {
            r.iter()
                .map(|(a, b)| chars[*a..*b].iter().collect())
                .collect()
        };
        assert_eq!(
            found(match_ranges(s, &fold_for_search("quyet dinh"))),
            vec!["Quyết định"]
        );
        assert_eq!(found(match_ranges(s, "d")), vec!["đ", "Đ", "D"]);
        // Decomposed input: the marks belong to the letter before them.
        assert_eq!(match_ranges("Quye\u{302}\u{301}t", "quyet"), vec![(0, 7)]);
        assert_eq!(match_ranges("Quye\u{302}\u{301}", "quye"), vec![(0, 6)]);
        assert!(match_ranges(s, "").is_empty());
        assert!(match_ranges(s, "xyz").is_empty());
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
