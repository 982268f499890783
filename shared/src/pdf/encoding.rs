//! What the one-byte codes of a simple font mean when it has no ToUnicode map (ISO 32000-2 §9.6.5, Annex D):
//! the base encodings (WinAnsi, MacRoman, Standard), the built-in encoding of an embedded Type 1 font program,
//! and glyph names (`/Differences`) read as the Adobe Glyph List reads them — `uniXXXX`, `uXXXX[XX]`, the
//! names Latin text uses, Vietnamese names built of a letter and its marks (`ohornacute` = ớ,
//! `Ecircumflexdotbelow` = Ệ), ligatures joined by `_`.

/// A base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    /// The encoding an `/Encoding` or `/BaseEncoding` name stands for.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(Self::WinAnsi),
            b"MacRomanEncoding" => Some(Self::MacRoman),
            b"StandardEncoding" => Some(Self::Standard),
            _ => None,
        }
    }

    /// The character of `code`, when the encoding defines one.
    pub fn char(self, code: u8) -> Option<char> {
        match self {
            Self::WinAnsi => win_ansi(code),
            Self::MacRoman => mac_roman(code),
            Self::Standard => standard(code),
        }
    }
}

/// WinAnsiEncoding (§D.2): Latin-1 with Windows-1252's typographic characters in 0x80–0x9F.
fn win_ansi(b: u8) -> Option<char> {
    const HIGH: [u16; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    match b {
        0x20..=0x7E | 0xA0..=0xFF => Some(b as char),
        0x80..=0x9F => {
            char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).filter(|c| *c != '\0')
        }
        _ => None,
    }
}

/// MacRomanEncoding (§D.2): ASCII, then the Macintosh character set (0xDB is the currency sign in PDF).
fn mac_roman(b: u8) -> Option<char> {
    const HIGH: [u16; 128] = [
        0xC4, 0xC5, 0xC7, 0xC9, 0xD1, 0xD6, 0xDC, 0xE1, 0xE0, 0xE2, 0xE4, 0xE3, 0xE5, 0xE7, 0xE9,
        0xE8, 0xEA, 0xEB, 0xED, 0xEC, 0xEE, 0xEF, 0xF1, 0xF3, 0xF2, 0xF4, 0xF6, 0xF5, 0xFA, 0xF9,
        0xFB, 0xFC, 0x2020, 0xB0, 0xA2, 0xA3, 0xA7, 0x2022, 0xB6, 0xDF, 0xAE, 0xA9, 0x2122, 0xB4,
        0xA8, 0x2260, 0xC6, 0xD8, 0x221E, 0xB1, 0x2264, 0x2265, 0xA5, 0xB5, 0x2202, 0x2211, 0x220F,
        0x03C0, 0x222B, 0xAA, 0xBA, 0x03A9, 0xE6, 0xF8, 0xBF, 0xA1, 0xAC, 0x221A, 0x0192, 0x2248,
        0x2206, 0xAB, 0xBB, 0x2026, 0xA0, 0xC0, 0xC3, 0xD5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201C,
        0x201D, 0x2018, 0x2019, 0xF7, 0x25CA, 0xFF, 0x0178, 0x2044, 0xA4, 0x2039, 0x203A, 0xFB01,
        0xFB02, 0x2021, 0xB7, 0x201A, 0x201E, 0x2030, 0xC2, 0xCA, 0xC1, 0xCB, 0xC8, 0xCD, 0xCE,
        0xCF, 0xCC, 0xD3, 0xD4, 0, 0xD2, 0xDA, 0xDB, 0xD9, 0x0131, 0x02C6, 0x02DC, 0xAF, 0x02D8,
        0x02D9, 0x02DA, 0xB8, 0x02DD, 0x02DB, 0x02C7,
    ];
    match b {
        0x20..=0x7E => Some(b as char),
        0x80..=0xFF => {
            char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).filter(|c| *c != '\0')
        }
        _ => None,
    }
}

/// StandardEncoding (§D.2), the built-in encoding of most Latin Type 1 fonts.
fn standard(b: u8) -> Option<char> {
    let c = match b {
        0x27 => '’',
        0x60 => '‘',
        0x20..=0x7E => b as char,
        0xA1 => '¡',
        0xA2 => '¢',
        0xA3 => '£',
        0xA4 => '⁄',
        0xA5 => '¥',
        0xA6 => 'ƒ',
        0xA7 => '§',
        0xA8 => '¤',
        0xA9 => '\'',
        0xAA => '“',
        0xAB => '«',
        0xAC => '‹',
        0xAD => '›',
        0xAE => 'ﬁ',
        0xAF => 'ﬂ',
        0xB1 => '–',
        0xB2 => '†',
        0xB3 => '‡',
        0xB4 => '·',
        0xB6 => '¶',
        0xB7 => '•',
        0xB8 => '‚',
        0xB9 => '„',
        0xBA => '”',
        0xBB => '»',
        0xBC => '…',
        0xBD => '‰',
        0xBF => '¿',
        0xC1 => '`',
        0xC2 => '´',
        0xC3 => 'ˆ',
        0xC4 => '˜',
        0xC5 => '¯',
        0xC6 => '˘',
        0xC7 => '˙',
        0xC8 => '¨',
        0xCA => '˚',
        0xCB => '¸',
        0xCD => '˝',
        0xCE => '˛',
        0xCF => 'ˇ',
        0xD0 => '—',
        0xE1 => 'Æ',
        0xE3 => 'ª',
        0xE8 => 'Ł',
        0xE9 => 'Ø',
        0xEA => 'Œ',
        0xEB => 'º',
        0xF1 => 'æ',
        0xF5 => 'ı',
        0xF8 => 'ł',
        0xF9 => 'ø',
        0xFA => 'œ',
        0xFB => 'ß',
        _ => return None,
    };
    Some(c)
}

/// The built-in encoding of a Type 1 font program (`/FontFile`): the `dup <code> /<name> put` entries of its
/// clear-text part (§9.6.6.2), or `None` when it says `StandardEncoding` or cannot be read.
pub fn type1_builtin(program: &[u8]) -> Option<Vec<(u8, Vec<u8>)>> {
    // The encoding is in the clear-text part, before `eexec`.
    let end = super::parse::find(program, b"eexec").unwrap_or(program.len());
    let clear = &program[..end.min(64 * 1024)];
    let at = super::parse::find(clear, b"/Encoding")?;
    let rest = &clear[at + 9..];
    let head = &rest[..rest.len().min(40)];
    if super::parse::find(head, b"StandardEncoding").is_some() {
        return None;
    }
    let mut out = Vec::new();
    let mut words = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    while let Some(w) = words.next() {
        if w == b"def" {
            break;
        }
        if w != b"dup" {
            continue;
        }
        let (Some(code), Some(name)) = (words.next(), words.next()) else {
            break;
        };
        let code = std::str::from_utf8(code)
            .ok()
            .and_then(|c| c.parse::<u8>().ok());
        if let (Some(code), Some(name)) = (code, name.strip_prefix(b"/")) {
            out.push((code, name.to_vec()));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The text a glyph name stands for: `uniXXXX[XXXX…]`, `uXXXX`–`uXXXXXX`, the Adobe names of Latin text,
/// a letter followed by mark names (Vietnamese: `ohornacute`, `acircumflexdotbelow`), ligatures `f_f_i`;
/// a suffix after `.` (`a.sc`) is ignored.
pub fn glyph_name_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let name = name.split('.').next().unwrap_or(name);
    if name.is_empty() {
        return None;
    }
    if name.contains('_') {
        let parts: Option<Vec<String>> = name.split('_').map(one_name).collect();
        return parts.map(|p| p.concat());
    }
    one_name(name)
}

fn one_name(name: &str) -> Option<String> {
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(h) = name.strip_prefix("uni")
        && !h.is_empty()
        && h.len() % 4 == 0
        && h.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return (0..h.len() / 4)
            .map(|i| hex(&h[i * 4..i * 4 + 4]))
            .collect::<Option<String>>();
    }
    if let Some(c) = name
        .strip_prefix('u')
        .filter(|h| (4..=6).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(hex)
    {
        return Some(c.to_string());
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(c.to_string());
    }
    if let Some((_, c)) = NAMES.iter().find(|(n, _)| *n == name) {
        return Some(c.to_string());
    }
    letter_with_marks(name)
}

/// `Ohornacute` → O + horn + acute, composed (NFC): Ớ.
fn letter_with_marks(name: &str) -> Option<String> {
    const MARKS: &[(&str, char)] = &[
        ("acute", '\u{301}'),
        ("grave", '\u{300}'),
        ("hookabove", '\u{309}'),
        ("tilde", '\u{303}'),
        ("dotbelow", '\u{323}'),
        ("circumflex", '\u{302}'),
        ("breve", '\u{306}'),
        ("horn", '\u{31B}'),
        ("dieresis", '\u{308}'),
        ("ring", '\u{30A}'),
        ("cedilla", '\u{327}'),
        ("caron", '\u{30C}'),
        ("macron", '\u{304}'),
        ("ogonek", '\u{328}'),
        ("dotaccent", '\u{307}'),
        ("hungarumlaut", '\u{30B}'),
        ("commaaccent", '\u{326}'),
    ];
    let mut chars = name.chars();
    let first = chars.next().filter(char::is_ascii_alphabetic)?;
    let mut rest = chars.as_str();
    let mut out = String::from(first);
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let (mark, len) = MARKS
            .iter()
            .find(|(m, _)| rest.starts_with(m))
            .map(|(m, c)| (*c, m.len()))?;
        out.push(mark);
        rest = &rest[len..];
    }
    Some(crate::text::nfc(&out))
}

/// Adobe Glyph List names of the characters Latin and Vietnamese text uses (letters with marks are built by
/// [`letter_with_marks`]).
const NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("nbspace", '\u{a0}'),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '’'),
    ("quoteleft", '‘'),
    ("quotesinglbase", '‚'),
    ("quotedblbase", '„'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("sfthyphen", '\u{ad}'),
    ("minus", '−'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("endash", '–'),
    ("emdash", '—'),
    ("figuredash", '‒'),
    ("bullet", '•'),
    ("ellipsis", '…'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("perthousand", '‰'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("guilsinglleft", '‹'),
    ("guilsinglright", '›'),
    ("trademark", '™'),
    ("copyright", '©'),
    ("registered", '®'),
    ("degree", '°'),
    ("section", '§'),
    ("paragraph", '¶'),
    ("periodcentered", '·'),
    ("multiply", '×'),
    ("divide", '÷'),
    ("plusminus", '±'),
    ("mu", 'µ'),
    ("onehalf", '½'),
    ("onequarter", '¼'),
    ("threequarters", '¾'),
    ("onesuperior", '¹'),
    ("twosuperior", '²'),
    ("threesuperior", '³'),
    ("ordfeminine", 'ª'),
    ("ordmasculine", 'º'),
    ("exclamdown", '¡'),
    ("questiondown", '¿'),
    ("logicalnot", '¬'),
    ("brokenbar", '¦'),
    ("sterling", '£'),
    ("yen", '¥'),
    ("cent", '¢'),
    ("currency", '¤'),
    ("Euro", '€'),
    ("florin", 'ƒ'),
    ("fraction", '⁄'),
    ("acute", '´'),
    ("dieresis", '¨'),
    ("macron", '¯'),
    ("cedilla", '¸'),
    ("circumflex", 'ˆ'),
    ("tilde", '˜'),
    ("breve", '˘'),
    ("dotaccent", '˙'),
    ("ring", '˚'),
    ("hungarumlaut", '˝'),
    ("ogonek", '˛'),
    ("caron", 'ˇ'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
    ("ff", 'ﬀ'),
    ("ffi", 'ﬃ'),
    ("ffl", 'ﬄ'),
    ("dotlessi", 'ı'),
    ("germandbls", 'ß'),
    ("AE", 'Æ'),
    ("ae", 'æ'),
    ("OE", 'Œ'),
    ("oe", 'œ'),
    ("Oslash", 'Ø'),
    ("oslash", 'ø'),
    ("Lslash", 'Ł'),
    ("lslash", 'ł'),
    ("Eth", 'Ð'),
    ("eth", 'ð'),
    ("Thorn", 'Þ'),
    ("thorn", 'þ'),
    ("Dcroat", 'Đ'),
    ("dcroat", 'đ'),
    ("Dslash", 'Đ'),
    ("dmacron", 'đ'),
];

/// The advance width (thousandths of an em) of an ASCII character in one of the standard 14 fonts a PDF may
/// name without embedding or giving `/Widths` (§9.6.2.2), from their metrics (URW's metric-compatible clones);
/// `None` for other fonts and characters (Symbol, ZapfDingbats and non-ASCII characters are not kept).
pub fn standard_font_width(base_font: &[u8], c: char) -> Option<f64> {
    let name = std::str::from_utf8(base_font).ok()?;
    // A subset tag (`ABCDEF+`) and the Windows names of the same faces.
    let name = name.split_once('+').map_or(name, |(_, n)| n);
    let name = name
        .replace(',', "-")
        .replace("Arial", "Helvetica")
        .replace("TimesNewRoman", "Times");
    let bold = name.contains("Bold");
    let italic = name.contains("Italic") || name.contains("Oblique");
    let table = if name.starts_with("Courier") {
        return (' '..='~').contains(&c).then_some(600.0);
    } else if name.starts_with("Helvetica") {
        if bold { &HELVETICA_BOLD } else { &HELVETICA }
    } else if name.starts_with("Times") {
        match (bold, italic) {
            (true, true) => &TIMES_BOLD_ITALIC,
            (true, false) => &TIMES_BOLD,
            (false, true) => &TIMES_ITALIC,
            (false, false) => &TIMES_ROMAN,
        }
    } else {
        return None;
    };
    let i = (c as u32).checked_sub(32)? as usize;
    table.get(i).map(|&w| f64::from(w))
}

#[rustfmt::skip]
const HELVETICA: [u16; 95] = [278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 222, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584];
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 278, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584];
#[rustfmt::skip]
const TIMES_ROMAN: [u16; 95] = [250, 333, 408, 500, 500, 833, 778, 333, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541];
#[rustfmt::skip]
const TIMES_BOLD: [u16; 95] = [250, 333, 555, 500, 500, 1000, 833, 333, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520];
#[rustfmt::skip]
const TIMES_ITALIC: [u16; 95] = [250, 333, 420, 500, 500, 833, 778, 333, 333, 333, 500, 675, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 675, 675, 675, 500, 920, 611, 611, 667, 722, 611, 611, 722, 722, 333, 444, 667, 556, 833, 667, 722, 611, 722, 611, 500, 556, 722, 611, 833, 611, 556, 556, 389, 278, 389, 422, 500, 333, 500, 500, 444, 500, 444, 278, 500, 500, 278, 278, 444, 278, 722, 500, 500, 500, 500, 389, 389, 278, 500, 444, 667, 444, 444, 389, 400, 275, 400, 541];
#[rustfmt::skip]
const TIMES_BOLD_ITALIC: [u16; 95] = [250, 389, 555, 500, 500, 833, 778, 333, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 832, 667, 667, 667, 722, 667, 667, 722, 778, 389, 500, 667, 611, 889, 722, 722, 611, 722, 667, 556, 611, 722, 667, 889, 667, 611, 611, 333, 278, 333, 570, 500, 333, 500, 500, 444, 500, 444, 333, 500, 556, 278, 278, 500, 278, 778, 556, 500, 500, 500, 389, 389, 278, 556, 444, 667, 500, 444, 389, 348, 220, 348, 570];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_glyph_names_compose() {
        for (name, want) in [
            ("ohornacute", "ớ"),
            ("Ohornacute", "Ớ"),
            ("Ecircumflexdotbelow", "Ệ"),
            ("acircumflexhookabove", "ẩ"),
            ("abrevetilde", "ẵ"),
            ("uhorndotbelow", "ự"),
            ("ydotbelow", "ỵ"),
            ("Ygrave", "Ỳ"),
            ("itilde", "ĩ"),
            ("dcroat", "đ"),
            ("uni1EC7", "ệ"),
            ("uni00660069", "fi"),
            ("u1EF9", "ỹ"),
            ("f_f_i", "ffi"),
            ("a.sc", "a"),
            ("quoteright", "’"),
        ] {
            assert_eq!(
                glyph_name_text(name.as_bytes()).as_deref(),
                Some(want),
                "{name}"
            );
        }
        for name in ["g123", "", "Xfoo", "uniZZZZ", "uni12"] {
            assert_eq!(glyph_name_text(name.as_bytes()), None, "{name}");
        }
    }

    #[test]
    fn base_encodings_differ_where_the_standard_says() {
        assert_eq!(BaseEncoding::WinAnsi.char(0x93), Some('“'));
        assert_eq!(BaseEncoding::WinAnsi.char(0xE9), Some('é'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x81), None);
        assert_eq!(BaseEncoding::MacRoman.char(0x8E), Some('é'));
        assert_eq!(BaseEncoding::MacRoman.char(0xD2), Some('“'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('’'));
        assert_eq!(BaseEncoding::Standard.char(0xAE), Some('ﬁ'));
        assert_eq!(BaseEncoding::Standard.char(0xE9), Some('Ø'));
        assert_eq!(BaseEncoding::Standard.char(0x41), Some('A'));
    }

    #[test]
    fn the_standard_fonts_have_their_widths() {
        assert_eq!(standard_font_width(b"Helvetica", 'W'), Some(944.0));
        assert_eq!(standard_font_width(b"Times-Roman", ' '), Some(250.0));
        assert_eq!(standard_font_width(b"ABCDEF+Arial,Bold", 'i'), Some(278.0));
        assert_eq!(standard_font_width(b"Courier-Oblique", 'x'), Some(600.0));
        assert_eq!(standard_font_width(b"Times-BoldItalic", 'é'), None);
        assert_eq!(standard_font_width(b"LiberationSerif", 'a'), None);
    }

    #[test]
    fn a_type1_program_names_its_encoding() {
        let program = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 11 /ff put\ndup 65 /A put\ndup 123 /endash put\nreadonly def\ncurrentfile eexec\x80\x81";
        let enc = type1_builtin(program).unwrap();
        assert_eq!(
            enc,
            vec![
                (11, b"ff".to_vec()),
                (65, b"A".to_vec()),
                (123, b"endash".to_vec())
            ]
        );
        assert_eq!(
            type1_builtin(b"/Encoding StandardEncoding def currentfile eexec"),
            None
        );
    }
}
