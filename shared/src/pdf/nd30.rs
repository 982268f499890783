//! Reading the parts of an administrative document laid out as NĐ 30/2020 Phụ lục I prescribes, from the text
//! lines of its first and last pages: the agency (top left, above the number), `Số: 15/QĐ-UBND`, the place and
//! date (top right), the type name in capitals, the trích yếu (below the type name, or `V/v …` under the number
//! of a công văn) and the signer (the name under the capacity and title at the end).
//!
//! Every part is a suggestion the clerk checks: when a part is not where the layout puts it, or does not have
//! the shape the regulation gives it, it is left out rather than guessed.

use crate::civil_date::CivilDate;
use crate::document::DocumentType;
use crate::text::fold_for_search;

use super::text::{Segment, TextLine};

/// What the first page says about the document.
#[derive(Debug, Default, PartialEq)]
pub struct Header {
    pub sender_name: Option<String>,
    pub code_text: Option<String>,
    pub issued_date: Option<CivilDate>,
    pub doc_type: Option<DocumentType>,
    pub subject: Option<String>,
}

/// Lines searched for the header parts: the header of NĐ 30 takes well under a third of page 1.
const HEADER_LINES: usize = 24;

/// Reads the header from the lines of page 1.
pub fn read_header(lines: &[TextLine]) -> Header {
    // Pieces of one header column are centred on one another; the columns' centres lie far apart.
    let column = 0.15 * text_width(lines);
    let lines = &lines[..lines.len().min(HEADER_LINES)];
    let title = lines.iter().enumerate().find_map(|(i, line)| {
        let [seg] = line.segments.as_slice() else {
            return None;
        };
        type_of_title(&seg.text).map(|t| (i, t))
    });
    // The date and number come before the type name; in a công văn, before "Kính gửi".
    let end = title.map(|(i, _)| i).unwrap_or_else(|| {
        lines
            .iter()
            .position(|l| l.segments.iter().any(|s| starts_body(&s.text)))
            .unwrap_or(lines.len())
    });
    let head = &lines[..end];
    let mut h = Header::default();
    let code = head.iter().enumerate().find_map(|(i, line)| {
        line.segments
            .iter()
            .find_map(|s| parse_code(&s.text).map(|c| (i, s, c)))
    });
    h.issued_date = head
        .iter()
        .flat_map(|l| &l.segments)
        .find_map(|s| parse_issued_date(&s.text));
    let code_type = code.as_ref().and_then(|(_, _, c)| type_of_code(c));
    h.doc_type = code_type.or(title.map(|(_, t)| t));
    if let Some((i, seg, c)) = &code {
        h.sender_name = sender_above(&head[..*i], center(seg), column);
        // A notation without a type abbreviation (`15/SNV-TCBC`) is a công văn's (Phụ lục III), unless a type
        // name is printed.
        if h.doc_type.is_none() {
            h.doc_type = Some(DocumentType::CongVan);
        }
        h.code_text = Some(c.clone());
    }
    h.subject = match title {
        Some((i, _)) => subject_below_title(&lines[i], &lines[i + 1..]),
        None => code
            .as_ref()
            .and_then(|(i, seg, _)| subject_under_number(&lines[i + 1..], center(seg), column)),
    };
    h
}

/// How wide the text of the page spans (about the page between its margins).
fn text_width(lines: &[TextLine]) -> f64 {
    let segments = lines.iter().flat_map(|l| &l.segments);
    let left = segments.clone().map(|s| s.x0).fold(f64::INFINITY, f64::min);
    let right = segments.map(|s| s.x1).fold(f64::NEG_INFINITY, f64::max);
    if right > left { right - left } else { 0.0 }
}

fn center(s: &Segment) -> f64 {
    (s.x0 + s.x1) / 2.0
}

fn starts_body(text: &str) -> bool {
    ["Kính gửi", "Căn cứ", "Thực hiện"]
        .iter()
        .any(|p| text.starts_with(p))
}

/// A line of capitals of at least two letters (the agency, the type name, the signer's title).
fn is_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase())
}

/// The document type whose name this line of capitals is (`QUYẾT ĐỊNH`; old tone placement such as `THOẢ`
/// compares equal).
fn type_of_title(text: &str) -> Option<DocumentType> {
    if !is_capitals(text) {
        return None;
    }
    let folded = fold_for_search(text);
    DocumentType::ALL
        .iter()
        .copied()
        .find(|t| fold_for_search(t.name()) == folded)
}

/// `Số: 15/QĐ-UBND`, `Số:15/QĐ-UBND`, `Số 15/2026/QĐ-UBND` → the notation. A number left blank (`Số: /QĐ-UBND`,
/// an unissued draft) is no notation.
pub fn parse_code(text: &str) -> Option<String> {
    let rest = text
        .strip_prefix("Số")
        .or_else(|| text.strip_prefix("SỐ"))?;
    if !rest.starts_with([':', ' ']) && !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    // Pieces filled into a template's blanks may come apart: `15 /QĐ-UBND`.
    let mut code = String::new();
    for token in rest.split_whitespace() {
        let joins = code.is_empty() || code.ends_with(['/', '-']) || token.starts_with(['/', '-']);
        let notation = token
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '.'));
        if !joins || !notation {
            break;
        }
        code.push_str(token);
    }
    // U+00D0 (Icelandic eth) is what some fonts' maps give for Đ.
    let code = code.trim_end_matches(['.', '-', '/']).replace('Ð', "Đ");
    let after_number = code.split_once('/')?.1;
    let valid = code.starts_with(|c: char| c.is_ascii_digit())
        && after_number.chars().any(char::is_alphabetic)
        && code.chars().count() <= 50;
    valid.then_some(code)
}

/// The part of the notation after the number and the year: `QĐ-UBND` of `15/2026/QĐ-UBND`.
fn notation_tail(code: &str) -> &str {
    let mut parts = code.split('/').skip(1);
    let mut tail = parts.next().unwrap_or("");
    if tail.len() == 4 && tail.chars().all(|c| c.is_ascii_digit()) {
        tail = parts.next().unwrap_or("");
    }
    tail
}

fn type_of_code(code: &str) -> Option<DocumentType> {
    DocumentType::from_abbreviation(notation_tail(code).split('-').next()?)
}

/// `Vĩnh Long, ngày 05 tháng 3 năm 2026` (or `ngày 05/3/2026`) → the date, when it is a real one.
pub fn parse_issued_date(text: &str) -> Option<CivilDate> {
    let lower = text.to_lowercase();
    let at = lower.find("ngày")?;
    let place = lower[..at].trim();
    // The place comes first and ends with a comma; anything else (`Căn cứ Luật … ngày 19 tháng 6`) is body text.
    let is_place = place.is_empty()
        || (place.ends_with(',')
            && place.chars().count() <= 60
            && !place.chars().any(|c| c.is_ascii_digit()));
    if !is_place {
        return None;
    }
    let words: Vec<&str> = lower[at + "ngày".len()..].split_whitespace().collect();
    let (d, m, y) = match words.as_slice() {
        [d, "tháng", m, "năm", y, ..] => (*d, *m, *y),
        [dmy, ..] => {
            let parts: Vec<&str> = dmy.split(['/', '-', '.']).collect();
            match parts.as_slice() {
                [d, m, y, ..] => (*d, *m, *y),
                _ => return None,
            }
        }
        _ => return None,
    };
    let number = |s: &str| -> Option<u32> {
        let s = s.trim_end_matches(|c: char| !c.is_ascii_digit());
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (d, m, y) = (number(d)?, number(m)?, number(y)?);
    if y < 1000 {
        return None;
    }
    CivilDate::parse(&format!("{y:04}-{m:02}-{d:02}")).ok()
}

/// Words that begin the second line of one name broken over two lines (`ỦY BAN NHÂN DÂN` / `TỈNH THỬ NGHIỆM`).
const UNIT_WORDS: &[&str] = &[
    "TỈNH",
    "THÀNH PHỐ",
    "HUYỆN",
    "QUẬN",
    "THỊ XÃ",
    "XÃ",
    "PHƯỜNG",
    "THỊ TRẤN",
    "ĐẶC KHU",
];

/// The issuing agency: of the capitals above the number in its column, the last name (the one above is the
/// parent organ, `UỶ BAN NHÂN DÂN TỈNH VĨNH LONG` over `SỞ NỘI VỤ`).
fn sender_above(lines: &[TextLine], column_center: f64, column: f64) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    let mut continues = false;
    for seg in lines.iter().flat_map(|l| &l.segments) {
        if (center(seg) - column_center).abs() > column {
            continue;
        }
        let text = seg.text.trim();
        // The short rule under the name, when it is typed rather than drawn.
        if text
            .chars()
            .all(|c| matches!(c, '-' | '_' | '.' | '–' | '—' | ' '))
        {
            continue;
        }
        if !is_capitals(text) {
            // Something else in the column (a logo's caption, a line of lower case): the block is not one.
            names.clear();
            continue;
        }
        let unit = UNIT_WORDS
            .iter()
            .any(|w| text.starts_with(w) && text[w.len()..].starts_with(' '));
        match names.last_mut() {
            Some(last) if unit || continues => {
                last.push(' ');
                last.push_str(text);
            }
            _ => names.push(text.to_string()),
        }
        // A name broken after a conjunction or comma goes on.
        continues = text.ends_with(" VÀ") || text.ends_with(',') || text.ends_with('-');
    }
    names.pop()
}

/// The trích yếu under the type name: the lines that follow it, up to the next capitals or body text.
fn subject_below_title(title: &TextLine, lines: &[TextLine]) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut previous = title;
    for line in lines.iter().take(4) {
        let [seg] = line.segments.as_slice() else {
            break;
        };
        let text = seg.text.trim();
        // The first line may sit after the title's spacing; the next ones follow at line spacing.
        let limit = if parts.is_empty() { 4.0 } else { 2.0 };
        if is_capitals(text)
            || starts_body(text)
            || text.starts_with("Điều ")
            || previous.y - line.y > limit * line.size.max(previous.size)
        {
            break;
        }
        parts.push(text);
        previous = line;
    }
    subject_of(&parts)
}

/// The `V/v …` (về việc) of a công văn, in the number's column, possibly over a few lines.
fn subject_under_number(lines: &[TextLine], column_center: f64, column: f64) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let mut previous: Option<&TextLine> = None;
    for line in lines.iter().take(6) {
        let Some(seg) = line
            .segments
            .iter()
            .find(|s| (center(s) - column_center).abs() <= column)
        else {
            if parts.is_empty() {
                continue;
            }
            break;
        };
        let text = seg.text.trim();
        if parts.is_empty() {
            if !(text.starts_with("V/v") || text.starts_with("Về việc")) {
                // The subject is right under the number or not there at all.
                return None;
            }
        } else if starts_body(text)
            || previous.is_some_and(|p| p.y - line.y > 2.0 * line.size.max(p.size))
        {
            break;
        }
        parts.push(text);
        previous = Some(line);
    }
    subject_of(&parts)
}

/// Joins subject lines; `V/v` is written out as `Về việc`, as the register records it.
fn subject_of(parts: &[&str]) -> Option<String> {
    let joined = parts.join(" ");
    let joined = joined.trim();
    let text = match joined.strip_prefix("V/v") {
        Some(rest) => format!("Về việc {}", rest.trim_start_matches([' ', ':'])),
        None => joined.to_string(),
    };
    let text = text.trim();
    (text.chars().count() >= 3 && text.chars().count() <= 500).then(|| text.to_string())
}

/// Words of the capacity and title line above a signature (`KT. CHỦ TỊCH`, `PHÓ GIÁM ĐỐC`, `TL. BỘ TRƯỞNG`).
const ROLE_WORDS: &[&str] = &[
    "KT.",
    "TM.",
    "TL.",
    "TUQ.",
    "Q.",
    "PHÓ",
    "CHỦ TỊCH",
    "GIÁM ĐỐC",
    "TRƯỞNG",
    "CHÁNH",
    "BÍ THƯ",
    "CHỦ NHIỆM",
    "TỔNG",
    "THỦ TƯỚNG",
    "ỦY VIÊN",
    "UỶ VIÊN",
];

/// The signer of the document, from the lines of its last page: the first person's name after the last line
/// of capitals naming a capacity or title.
pub fn read_signer(lines: &[TextLine]) -> Option<String> {
    let segments: Vec<&str> = lines
        .iter()
        .flat_map(|l| &l.segments)
        .map(|s| s.text.trim())
        .collect();
    let role = segments.iter().rposition(|s| is_role(s))?;
    segments[role + 1..]
        .iter()
        .take(8)
        .find(|s| is_person_name(s))
        .map(|s| s.to_string())
}

fn is_role(text: &str) -> bool {
    if !is_capitals(text) {
        return false;
    }
    let padded = format!(" {} ", text.replace('.', ". "));
    ROLE_WORDS
        .iter()
        .any(|w| padded.contains(&format!(" {w} ")))
}

/// `Trần Thị Bích Ngọc`: two to seven words, each a capital followed by small letters.
fn is_person_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=7).contains(&words.len())
        && text.chars().count() <= 60
        && words.iter().all(|w| {
            let mut chars = w.chars();
            chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(y: f64, segments: &[(f64, &str)]) -> TextLine {
        TextLine {
            y,
            size: 13.0,
            segments: segments
                .iter()
                .map(|(x, t)| Segment {
                    x0: *x,
                    x1: *x + 6.0 * t.chars().count() as f64,
                    text: t.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn notation_forms() {
        assert_eq!(parse_code("Số: 15/QĐ-UBND").as_deref(), Some("15/QĐ-UBND"));
        assert_eq!(parse_code("Số:15/QĐ-UBND").as_deref(), Some("15/QĐ-UBND"));
        assert_eq!(
            parse_code("Số 15/2026/QĐ-UBND").as_deref(),
            Some("15/2026/QĐ-UBND")
        );
        assert_eq!(parse_code("Số: 15 /QĐ-UBND").as_deref(), Some("15/QĐ-UBND"));
        assert_eq!(parse_code("Số: 7/TB-SNV và").as_deref(), Some("7/TB-SNV"));
        assert_eq!(parse_code("Số: /QĐ-UBND"), None);
        assert_eq!(parse_code("Số: 15"), None);
        assert_eq!(parse_code("Số điện thoại: 0270/3822"), None);
        assert_eq!(
            type_of_code("15/2026/QĐ-UBND"),
            Some(DocumentType::QuyetDinh)
        );
        assert_eq!(type_of_code("15/TTr-SNV"), Some(DocumentType::ToTrinh));
        assert_eq!(type_of_code("215/SNV-TCBC"), None);
    }

    #[test]
    fn dates_in_the_place_line_only() {
        let d = |y, m, day| {
            Some(CivilDate {
                year: y,
                month: m,
                day,
            })
        };
        assert_eq!(
            parse_issued_date("Vĩnh Long, ngày 05 tháng 3 năm 2026"),
            d(2026, 3, 5)
        );
        assert_eq!(parse_issued_date("Hà Nội, ngày 5/3/2026"), d(2026, 3, 5));
        assert_eq!(
            parse_issued_date("Ngày 31 tháng 12 năm 2025"),
            d(2025, 12, 31)
        );
        assert_eq!(
            parse_issued_date("Vĩnh Long, ngày 31 tháng 2 năm 2026"),
            None
        );
        assert_eq!(
            parse_issued_date("Vĩnh Long, ngày ... tháng ... năm 2026"),
            None
        );
        assert_eq!(
            parse_issued_date("Căn cứ Luật ngày 19 tháng 6 năm 2015"),
            None
        );
    }

    #[test]
    fn agency_name_broken_over_two_lines_is_one_name() {
        let lines = [
            line(
                800.0,
                &[
                    (60.0, "ỦY BAN NHÂN DÂN"),
                    (300.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                ],
            ),
            line(
                785.0,
                &[
                    (62.0, "TỈNH THỬ NGHIỆM"),
                    (330.0, "Độc lập - Tự do - Hạnh phúc"),
                ],
            ),
            line(
                760.0,
                &[
                    (60.0, "Số: 567/UBND-VP"),
                    (320.0, "Thử Nghiệm, ngày 02 tháng 9 năm 2024"),
                ],
            ),
            line(745.0, &[(30.0, "V/v triển khai ký số văn bản")]),
            line(730.0, &[(70.0, "điện tử")]),
            line(700.0, &[(200.0, "Kính gửi: Các sở, ban, ngành")]),
        ];
        let h = read_header(&lines);
        assert_eq!(
            h.sender_name.as_deref(),
            Some("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM")
        );
        assert_eq!(h.code_text.as_deref(), Some("567/UBND-VP"));
        assert_eq!(h.doc_type, Some(DocumentType::CongVan));
        assert_eq!(
            h.subject.as_deref(),
            Some("Về việc triển khai ký số văn bản điện tử")
        );
        assert_eq!(
            h.issued_date,
            Some(CivilDate {
                year: 2024,
                month: 9,
                day: 2
            })
        );
    }

    #[test]
    fn nothing_is_guessed_from_ordinary_text() {
        let lines = [
            line(800.0, &[(60.0, "Biên bản họp tổ dân phố")]),
            line(
                780.0,
                &[(
                    60.0,
                    "Căn cứ Luật ngày 19 tháng 6 năm 2015, các hộ gia đình",
                )],
            ),
            line(760.0, &[(60.0, "Nguyễn Văn An")]),
        ];
        assert_eq!(read_header(&lines), Header::default());
        assert_eq!(read_signer(&lines), None);
    }

    #[test]
    fn signer_is_the_name_under_the_last_title() {
        let lines = [
            line(300.0, &[(60.0, "Nơi nhận:"), (350.0, "KT. GIÁM ĐỐC")]),
            line(286.0, &[(60.0, "- Như Điều 3;"), (350.0, "PHÓ GIÁM ĐỐC")]),
            line(272.0, &[(60.0, "- Lưu: VT, VP.")]),
            line(200.0, &[(340.0, "Trần Thị Bích Ngọc")]),
            line(30.0, &[(280.0, "Trang 2/2")]),
        ];
        assert_eq!(read_signer(&lines).as_deref(), Some("Trần Thị Bích Ngọc"));
        assert!(is_role("KT.CHỦ TỊCH"));
        assert!(!is_role("THÀNH PHỐ HỒ CHÍ MINH"));
        assert!(!is_person_name("Như Điều 3"));
    }
}
