//! Vietnamese text in signature appearances and filled fields: Liberation Serif (Times-metric, SIL OFL 1.1, see
//! `shared/assets/fonts/LICENSE-OFL.txt`) embedded as a subset, as a CID font with Identity-H encoding and a
//! ToUnicode map, so every viewer renders it the same and text copied out of the PDF stays Vietnamese.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use unicode_normalization::UnicodeNormalization;

use super::error::{PdfError, PdfResult};
use super::filter::deflate;

pub static LIBERATION_SERIF: &[u8] =
    include_bytes!("../../assets/fonts/LiberationSerif-Regular.ttf");

/// The glyphs a set of appearances uses, collected before the subset is written.
pub struct FontSubset {
    face: ttf_parser::Face<'static>,
    remapper: GlyphRemapper,
    /// New glyph id → (character, advance in 1/1000 em).
    glyphs: BTreeMap<u16, (char, f32)>,
}

impl FontSubset {
    pub fn new() -> PdfResult<Self> {
        let face = ttf_parser::Face::parse(LIBERATION_SERIF, 0)
            .map_err(|_| PdfError::Signing("phông chữ nhúng bị hỏng".into()))?;
        let mut remapper = GlyphRemapper::new();
        remapper.remap(0);
        Ok(Self {
            face,
            remapper,
            glyphs: BTreeMap::new(),
        })
    }

    /// The text as 2-byte codes of the subset (NFC first, so decomposed input still finds Vietnamese glyphs).
    pub fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for ch in text.nfc() {
            let old = self.face.glyph_index(ch).map_or(0, |g| g.0);
            let new = self.remapper.remap(old);
            let advance = self.advance(old);
            self.glyphs.entry(new).or_insert((ch, advance));
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    fn advance(&self, glyph: u16) -> f32 {
        let units = f32::from(self.face.units_per_em());
        let adv = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(adv) * 1000.0 / units
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.nfc()
            .map(|ch| self.advance(self.face.glyph_index(ch).map_or(0, |g| g.0)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Writes the Type0 font and what it needs; `alloc` hands out object numbers. Returns the font's reference.
    pub fn write(&self, alloc: &mut dyn FnMut() -> Ref, chunks: &mut Vec<Chunk>) -> PdfResult<Ref> {
        let subset = subsetter::subset(LIBERATION_SERIF, 0, &self.remapper)
            .map_err(|_| PdfError::Signing("không tạo được tập con phông chữ".into()))?;
        let (type0, cid, descriptor, file, cmap) = (alloc(), alloc(), alloc(), alloc(), alloc());
        let tag = subset_tag(&self.glyphs);
        let base = format!("{tag}+LiberationSerif");
        let units = f32::from(self.face.units_per_em());
        let scale = |v: i16| f32::from(v) * 1000.0 / units;
        let b = self.face.global_bounding_box();

        let mut c = Chunk::new();
        c.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        chunks.push(c);

        let mut c = Chunk::new();
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        {
            let mut font = c.cid_font(cid);
            font.subtype(CidFontType::Type2)
                .base_font(Name(base.as_bytes()))
                .system_info(system_info)
                .font_descriptor(descriptor)
                .cid_to_gid_map_predefined(Name(b"Identity"))
                .default_width(0.0);
            let mut widths = font.widths();
            for (gid, (_, advance)) in &self.glyphs {
                widths.consecutive(*gid, [*advance]);
            }
        }
        chunks.push(c);

        let mut c = Chunk::new();
        c.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::SERIF | FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                scale(b.x_min),
                scale(b.y_min),
                scale(b.x_max),
                scale(b.y_max),
            ))
            .italic_angle(0.0)
            .ascent(scale(self.face.ascender()))
            .descent(scale(self.face.descender()))
            .cap_height(scale(
                self.face.capital_height().unwrap_or(self.face.ascender()),
            ))
            .stem_v(80.0)
            .font_file2(file);
        chunks.push(c);

        let mut c = Chunk::new();
        let compressed = deflate(&subset);
        c.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
        chunks.push(c);

        let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (gid, (ch, _)) in &self.glyphs {
            unicode.pair(*gid, *ch);
        }
        let cmap_data = unicode.finish();
        let mut c = Chunk::new();
        c.cmap(cmap, cmap_data.as_slice()).finish();
        chunks.push(c);
        Ok(type0)
    }
}

/// Six capital letters naming this subset (§9.6.4), derived from its glyphs so equal subsets get equal tags.
fn subset_tag(glyphs: &BTreeMap<u16, (char, f32)>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (gid, (ch, _)) in glyphs {
        for v in [u64::from(*gid), *ch as u64] {
            h ^= v;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_a_glyph() {
        let face = ttf_parser::Face::parse(LIBERATION_SERIF, 0).unwrap();
        let letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ";
        for ch in letters.chars().chain(letters.to_uppercase().chars()) {
            assert!(face.glyph_index(ch).is_some(), "no glyph for {ch}");
        }
    }

    #[test]
    fn decomposed_input_uses_precomposed_glyphs() {
        let mut f = FontSubset::new().unwrap();
        let composed = f.encode("Việt");
        let decomposed = f.encode("Vie\u{0323}\u{0302}t");
        assert_eq!(composed, decomposed);
        assert_eq!(composed.len(), 8);
    }
}
