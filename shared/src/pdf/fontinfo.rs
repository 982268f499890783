//! What text extraction needs to know about a font in a page's resources (ISO 32000-2 §9.5–9.10): how a shown
//! string splits into character codes, what each code means in Unicode, and how far each glyph advances.
//!
//! Unicode comes from the font's `/ToUnicode` CMap when it has one (our own PDFs and LibreOffice's exports
//! always do: Type0 fonts with Identity-H, or subset TrueType fonts); otherwise a simple font's codes are read
//! through its encoding (see [`super::encoding`]), and a composite font's through a Unicode CMap or its
//! embedded program's `cmap` table read backwards; codes that none of these explain are dropped.

use std::collections::HashMap;

use super::content::Lexer;
use super::document::Document;
use super::encoding::{BaseEncoding, glyph_name_text, standard_font_width, type1_builtin};
use super::filter::decode_stream;
use super::object::{Dict, Object};

/// Entries a ToUnicode map or width array may define (a full 2-byte code space is 65 536).
const MAX_ENTRIES: usize = 1 << 17;

pub struct FontInfo {
    /// Bytes per code: 2 for a composite font (Identity-H or a 2-byte CMap), 1 for a simple font.
    code_len: usize,
    to_unicode: HashMap<u32, String>,
    /// A simple font's codes without a ToUnicode entry.
    simple: Option<Vec<Option<String>>>,
    /// A composite font with a Unicode CMap (`UniGB-UCS2-H`): each code is its character.
    codes_are_unicode: bool,
    /// Advance per code in thousandths of text space (already scaled by a Type3 font's matrix).
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Top of the glyphs above the baseline, thousandths of the font size: the descriptor's `/Ascent`, else 800.
    pub ascent: f64,
    /// Bottom of the glyphs (negative below the baseline): the descriptor's `/Descent`, else −200.
    pub descent: f64,
}

/// One character code of a shown string.
pub struct Glyph<'f> {
    pub text: Option<std::borrow::Cow<'f, str>>,
    /// Thousandths of the font size.
    pub width: f64,
    /// A one-byte code 32: word spacing (`Tw`) applies to it (§9.3.3).
    pub word_space: bool,
}

impl FontInfo {
    /// Reads a font dictionary; parts that are missing or broken fall back to defaults, never fail.
    pub fn load(doc: &Document, font: &Dict) -> Self {
        let composite = font.name(b"Subtype") == Some(b"Type0");
        let to_unicode = match doc.lookup(font, b"ToUnicode") {
            Ok(Some(Object::Stream(s))) => decode_stream(&s.dict, &doc.stream_bytes(&s))
                .map(|data| parse_to_unicode(&data))
                .unwrap_or_default(),
            _ => HashMap::new(),
        };
        let mut info = Self {
            code_len: if composite { 2 } else { 1 },
            to_unicode,
            simple: None,
            codes_are_unicode: false,
            widths: HashMap::new(),
            default_width: if composite { 1000.0 } else { 500.0 },
            ascent: 800.0,
            descent: -200.0,
        };
        info.load_metrics(doc, font, composite);
        if composite {
            info.load_cid_widths(doc, font);
            if info.to_unicode.is_empty() {
                info.guess_cid_unicode(doc, font);
            }
        } else {
            info.simple = Some(simple_encoding(doc, font));
            info.load_simple_widths(doc, font);
        }
        info
    }

    /// A composite font without a ToUnicode map: codes of a Unicode CMap (`UniGB-UCS2-H`…) are UTF-16 already;
    /// otherwise an embedded TrueType/OpenType program's own `cmap`, read backwards (glyph → character), gives
    /// the characters of an Identity-H font. Best effort: what cannot be read stays unmapped.
    fn guess_cid_unicode(&mut self, doc: &Document, font: &Dict) {
        if let Some(name) = font.name(b"Encoding")
            && (super::parse::find(name, b"UCS2").is_some()
                || super::parse::find(name, b"UTF16").is_some())
        {
            self.codes_are_unicode = true;
            return;
        }
        let Some(cid) = doc
            .lookup(font, b"DescendantFonts")
            .ok()
            .flatten()
            .and_then(|d| d.as_array().and_then(|a| a.first().cloned()))
            .and_then(|d| doc.resolve(&d).ok())
            .and_then(|d| d.as_dict().cloned())
        else {
            return;
        };
        let Some(descriptor) = doc
            .lookup(&cid, b"FontDescriptor")
            .ok()
            .flatten()
            .and_then(|d| d.as_dict().cloned())
        else {
            return;
        };
        let program = [&b"FontFile2"[..], b"FontFile3"].iter().find_map(|k| {
            match doc.lookup(&descriptor, k).ok().flatten() {
                Some(Object::Stream(s)) => decode_stream(&s.dict, &doc.stream_bytes(&s)).ok(),
                _ => None,
            }
        });
        let Some(program) = program else {
            return;
        };
        let Ok(face) = ttf_parser::Face::parse(&program, 0) else {
            return;
        };
        let mut by_glyph: HashMap<u16, char> = HashMap::new();
        if let Some(cmap) = face.tables().cmap {
            for table in cmap.subtables {
                if !table.is_unicode() {
                    continue;
                }
                table.codepoints(|cp| {
                    if let (Some(c), Some(g)) = (char::from_u32(cp), table.glyph_index(cp))
                        && by_glyph.len() < MAX_ENTRIES
                    {
                        by_glyph.entry(g.0).or_insert(c);
                    }
                });
            }
        }
        // CID → glyph: the identity, or a table of two-byte glyph numbers (§9.7.4.2).
        match doc.lookup(&cid, b"CIDToGIDMap").ok().flatten() {
            Some(Object::Stream(s)) => {
                let Ok(map) = decode_stream(&s.dict, &doc.stream_bytes(&s)) else {
                    return;
                };
                for (code, pair) in map.chunks_exact(2).enumerate().take(MAX_ENTRIES) {
                    let glyph = u16::from_be_bytes([pair[0], pair[1]]);
                    if let Some(c) = by_glyph.get(&glyph) {
                        self.to_unicode.insert(code as u32, c.to_string());
                    }
                }
            }
            _ => {
                for (glyph, c) in by_glyph {
                    self.to_unicode.insert(u32::from(glyph), c.to_string());
                }
            }
        }
    }

    /// Ascent and descent from the font descriptor (a composite font's is its descendant's), when sane.
    fn load_metrics(&mut self, doc: &Document, font: &Dict, composite: bool) {
        let holder = if composite {
            doc.lookup(font, b"DescendantFonts")
                .ok()
                .flatten()
                .and_then(|d| d.as_array().and_then(|a| a.first().cloned()))
                .and_then(|d| doc.resolve(&d).ok())
                .and_then(|d| d.as_dict().cloned())
        } else {
            Some(font.clone())
        };
        let Some(descriptor) = holder
            .and_then(|h| doc.lookup(&h, b"FontDescriptor").ok().flatten())
            .and_then(|d| d.as_dict().cloned())
        else {
            return;
        };
        if let Some(a) = number(doc, &descriptor, b"Ascent").filter(|a| *a > 100.0 && *a <= 2500.0)
        {
            self.ascent = a;
        }
        if let Some(d) = number(doc, &descriptor, b"Descent").filter(|d| *d <= 0.0 && *d >= -1500.0)
        {
            self.descent = d;
        }
    }

    fn load_cid_widths(&mut self, doc: &Document, font: &Dict) {
        let Some(descendant) = doc
            .lookup(font, b"DescendantFonts")
            .ok()
            .flatten()
            .and_then(|d| d.as_array().and_then(|a| a.first().cloned()))
            .and_then(|d| doc.resolve(&d).ok())
        else {
            return;
        };
        let Some(cid) = descendant.as_dict() else {
            return;
        };
        if let Some(dw) = number(doc, cid, b"DW") {
            self.default_width = dw;
        }
        let Some(Object::Array(w)) = doc.lookup(cid, b"W").ok().flatten() else {
            return;
        };
        // `c [w1 w2 …]` or `c_first c_last w` (§9.7.4.3).
        let mut i = 0;
        while i < w.len() && self.widths.len() < MAX_ENTRIES {
            let Some(first) = w[i].as_int().filter(|v| (0..=0xFFFF).contains(v)) else {
                break;
            };
            match w.get(i + 1) {
                Some(Object::Array(list)) => {
                    for (k, v) in list.iter().enumerate().take(MAX_ENTRIES) {
                        if let Some(v) = v.as_number() {
                            self.widths.insert(first as u32 + k as u32, v);
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let (Some(last), Some(v)) =
                        (last.as_int(), w.get(i + 2).and_then(Object::as_number))
                    else {
                        break;
                    };
                    for c in first..=last.min(first + MAX_ENTRIES as i64).min(0xFFFF) {
                        self.widths.insert(c as u32, v);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    fn load_simple_widths(&mut self, doc: &Document, font: &Dict) {
        // A Type3 font's widths are in its glyph space, which `/FontMatrix` maps to text space.
        let scale = match doc.lookup(font, b"FontMatrix").ok().flatten() {
            Some(Object::Array(m)) if font.name(b"Subtype") == Some(b"Type3") => m
                .first()
                .and_then(Object::as_number)
                .map_or(1.0, |a| a * 1000.0),
            _ => 1.0,
        };
        if let Some(missing) = doc
            .lookup(font, b"FontDescriptor")
            .ok()
            .flatten()
            .and_then(|d| d.as_dict().and_then(|d| number(doc, d, b"MissingWidth")))
            .filter(|w| *w > 0.0)
        {
            self.default_width = missing * scale;
        }
        // Codes of a simple font are single bytes: a `/FirstChar` beyond them maps nothing.
        let first = number(doc, font, b"FirstChar")
            .unwrap_or(0.0)
            .clamp(0.0, 256.0) as u32;
        if let Some(Object::Array(widths)) = doc.lookup(font, b"Widths").ok().flatten() {
            for (k, w) in widths.iter().enumerate().take(256) {
                if let Some(w) = doc.resolve(w).ok().and_then(|w| w.as_number()) {
                    self.widths.insert(first + k as u32, w * scale);
                }
            }
        }
        // A standard 14 font may come without widths: its well-known metrics apply.
        if self.widths.is_empty()
            && let (Some(base), Some(table)) = (font.name(b"BaseFont"), self.simple.as_ref())
        {
            for (code, text) in table.iter().enumerate() {
                let mut chars = text.as_deref().unwrap_or("").chars();
                if let (Some(c), None) = (chars.next(), chars.next())
                    && let Some(w) = standard_font_width(base, c)
                {
                    self.widths.insert(code as u32, w);
                }
            }
        }
    }

    /// The codes of a shown string, in order.
    pub fn glyphs<'f, 's>(&'f self, bytes: &'s [u8]) -> impl Iterator<Item = Glyph<'f>> + 's
    where
        'f: 's,
    {
        bytes.chunks(self.code_len).map(move |chunk| {
            let code = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            let text = match self.to_unicode.get(&code) {
                Some(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
                None if self.codes_are_unicode => char::from_u32(code)
                    .filter(|c| !c.is_control())
                    .map(|c| std::borrow::Cow::Owned(c.to_string())),
                None => self
                    .simple
                    .as_ref()
                    .and_then(|table| table.get(code as usize))
                    .and_then(|t| t.as_deref())
                    .map(std::borrow::Cow::Borrowed),
            };
            Glyph {
                text,
                width: self
                    .widths
                    .get(&code)
                    .copied()
                    .unwrap_or(self.default_width),
                word_space: self.code_len == 1 && code == 32,
            }
        })
    }
}

fn number(doc: &Document, dict: &Dict, key: &[u8]) -> Option<f64> {
    doc.lookup(dict, key)
        .ok()
        .flatten()
        .and_then(|o| o.as_number())
        .filter(|v| v.is_finite())
}

/// Parses a ToUnicode CMap's `bfchar` and `bfrange` sections (§9.10.3): code → text.
pub fn parse_to_unicode(data: &[u8]) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    // A section holds up to 100 entries (more in some producers' files), all operands of its `end…` operator.
    let mut lexer = Lexer::with_operand_limit(data, 3 * 1024);
    let mut operands = Vec::new();
    while let Some(op) = lexer.next_op(&mut operands) {
        match op {
            b"endbfchar" => {
                for pair in operands.chunks_exact(2) {
                    if let (Some(src), Some(dst)) = (pair[0].as_string(), pair[1].as_string()) {
                        insert(&mut map, code_of(src), utf16(dst));
                    }
                }
            }
            b"endbfrange" => {
                for triple in operands.chunks_exact(3) {
                    bfrange(&mut map, &triple[0], &triple[1], &triple[2]);
                }
            }
            _ => {}
        }
        if map.len() >= MAX_ENTRIES {
            break;
        }
    }
    map
}

fn bfrange(map: &mut HashMap<u32, String>, lo: &Object, hi: &Object, dst: &Object) {
    let (Some(lo), Some(hi)) = (lo.as_string(), hi.as_string()) else {
        return;
    };
    let (lo, hi) = (code_of(lo), code_of(hi));
    if hi < lo || hi - lo > 0xFFFF {
        return;
    }
    match dst {
        // Consecutive codes map to consecutive values: the last UTF-16 unit is incremented.
        Object::String(start) if start.len() >= 2 => {
            let mut units: Vec<u16> = start
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            for code in lo..=hi {
                insert(map, code, String::from_utf16_lossy(&units));
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add(1);
                }
            }
        }
        Object::String(start) if start.len() == 1 => {
            for (k, code) in (lo..=hi).enumerate() {
                if let Some(c) = char::from_u32(u32::from(start[0]) + k as u32) {
                    insert(map, code, c.to_string());
                }
            }
        }
        Object::Array(items) => {
            for (code, item) in (lo..=hi).zip(items) {
                if let Some(s) = item.as_string() {
                    insert(map, code, utf16(s));
                }
            }
        }
        _ => {}
    }
}

fn insert(map: &mut HashMap<u32, String>, code: u32, text: String) {
    if map.len() < MAX_ENTRIES {
        map.insert(code, text);
    }
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// A CMap destination: UTF-16BE (surrogate pairs included); an odd byte out is read as Latin-1.
fn utf16(bytes: &[u8]) -> String {
    if bytes.len() % 2 == 1 {
        return bytes.iter().map(|&b| b as char).collect();
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// A simple font's code → text table: its base encoding (`/Encoding` or `/BaseEncoding`; without one, the
/// embedded Type 1 program's own encoding, else WinAnsi), then the font's `/Differences` by glyph name.
fn simple_encoding(doc: &Document, font: &Dict) -> Vec<Option<String>> {
    let encoding = doc.lookup(font, b"Encoding").ok().flatten();
    let base_name = match &encoding {
        Some(Object::Name(n)) => Some(n.clone()),
        Some(Object::Dict(d)) => doc
            .lookup(d, b"BaseEncoding")
            .ok()
            .flatten()
            .and_then(|o| o.as_name().map(<[u8]>::to_vec)),
        _ => None,
    };
    let base = base_name.as_deref().and_then(BaseEncoding::from_name);
    let mut table: Vec<Option<String>> = (0..=255u8)
        .map(|code| {
            base.unwrap_or(BaseEncoding::WinAnsi)
                .char(code)
                .map(String::from)
        })
        .collect();
    if base.is_none()
        && let Some(builtin) = builtin_encoding(doc, font)
    {
        for (code, name) in builtin {
            if let Some(text) = glyph_name_text(&name) {
                table[usize::from(code)] = Some(text);
            }
        }
    }
    let differences = encoding
        .as_ref()
        .and_then(Object::as_dict)
        .and_then(|d| doc.lookup(d, b"Differences").ok().flatten());
    if let Some(Object::Array(items)) = differences {
        let mut code: i64 = 0;
        for item in items.iter().take(4096) {
            match item {
                Object::Int(c) => code = *c,
                Object::Name(name) => {
                    if let Some(slot) = usize::try_from(code).ok().and_then(|c| table.get_mut(c)) {
                        *slot = glyph_name_text(name);
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    table
}

/// The encoding built into an embedded Type 1 font program (TeX's fonts carry theirs).
fn builtin_encoding(doc: &Document, font: &Dict) -> Option<Vec<(u8, Vec<u8>)>> {
    let descriptor = doc.lookup(font, b"FontDescriptor").ok().flatten()?;
    let Some(Object::Stream(program)) = doc
        .lookup(descriptor.as_dict()?, b"FontFile")
        .ok()
        .flatten()
    else {
        return None;
    };
    let data = decode_stream(&program.dict, &doc.stream_bytes(&program)).ok()?;
    type1_builtin(&data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_reads_bfchar_and_both_bfrange_forms() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0010> <1EC7> endbfchar
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<0110> <D835DC00>] endbfrange
            1 beginbfchar <0040> <00660069> endbfchar
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let map = parse_to_unicode(cmap);
        assert_eq!(map[&3], " ");
        assert_eq!(map[&0x10], "ệ");
        assert_eq!(map[&0x20], "A");
        assert_eq!(map[&0x22], "C");
        assert_eq!(map[&0x30], "Đ");
        assert_eq!(map[&0x31], "𝐀");
        assert_eq!(map[&0x40], "fi");
    }

    #[test]
    fn a_long_bfchar_section_is_read_whole() {
        let mut cmap = b"100 beginbfchar\n".to_vec();
        for code in 0..100u16 {
            cmap.extend_from_slice(format!("<{code:04X}> <{:04X}>\n", 0x41 + code).as_bytes());
        }
        cmap.extend_from_slice(b"endbfchar");
        let map = parse_to_unicode(&cmap);
        assert_eq!(map.len(), 100);
        assert_eq!(map[&0], "A");
        assert_eq!(map[&99], char::from_u32(0x41 + 99).unwrap().to_string());
    }

    #[test]
    fn a_huge_bfrange_is_refused() {
        let map = parse_to_unicode(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(map.is_empty());
    }
}
