//! The text layer of a page, as lines read top to bottom: what the clerk's form is prefilled from (see
//! [`super::prefill`]) and what a search index could store. Not a renderer: glyphs are placed from the text
//! operators (`Tf`, `Tm`, `Td`, `TD`, `T*`, `Tj`, `TJ`, `'`, `"`) and the font widths, then grouped into lines
//! by baseline. Pieces of a line far apart (the two columns of an NĐ 30 header) stay separate segments.
//!
//! Text is decoded through each font's ToUnicode map (see [`super::fontinfo`]) and returned in NFC.

use std::collections::HashMap;
use std::rc::Rc;

use super::content::{Event, IDENTITY, Matrix, matrix_of, multiply, resource, walk_page};
use super::document::{Document, Page};
use super::error::{PdfError, PdfResult};
use super::fontinfo::FontInfo;
use super::object::{Dict, ObjRef, Object};

/// A run of text on one line, with where it starts and ends (points, displayed page, x to the right).
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
}

/// One line of a page: its baseline (y up), font size, and its segments left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub y: f64,
    pub size: f64,
    pub segments: Vec<Segment>,
}

impl TextLine {
    /// The line as one string, segments separated by a tab.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join("\t")
    }
}

/// The text of page `page_index` (from 0): lines separated by `\n`, far-apart pieces of a line by `\t`.
pub fn page_text(data: &[u8], page_index: usize) -> PdfResult<String> {
    let doc = Document::open(data)?;
    let pages = doc.pages()?;
    let page = pages.get(page_index).ok_or_else(|| {
        PdfError::Placement(format!(
            "văn bản có {} trang, không có trang {}",
            pages.len(),
            page_index + 1
        ))
    })?;
    Ok(join_lines(&page_lines(&doc, page)))
}

/// The text of the first `max_pages` pages, one string per page (as [`page_text`]).
pub fn first_pages_text(data: &[u8], max_pages: usize) -> PdfResult<Vec<String>> {
    let doc = Document::open(data)?;
    let pages = doc.pages()?;
    Ok(pages
        .iter()
        .take(max_pages)
        .map(|page| join_lines(&page_lines(&doc, page)))
        .collect())
}

fn join_lines(lines: &[TextLine]) -> String {
    let texts: Vec<String> = lines.iter().map(TextLine::text).collect();
    texts.join("\n")
}

/// The lines of one page.
pub fn page_lines(doc: &Document, page: &Page) -> Vec<TextLine> {
    let mut collector = TextCollector::new(doc);
    walk_page(doc, page, &mut |event| collector.event(&event));
    collector.finish()
}

/// A glyph run as shown: start and end of its baseline, and the font size, in page space.
struct Span {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// The text state of §9.3 that `q`/`Q` save and restore.
#[derive(Clone)]
struct TextState {
    font: Option<Rc<FontInfo>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    /// `Tz` / 100.
    scale: f64,
    leading: f64,
    rise: f64,
}

/// Runs per page and characters per page kept; beyond them a page is not text an official wrote.
const MAX_SPANS: usize = 200_000;
const MAX_CHARS: usize = 2_000_000;
const MAX_SAVED: usize = 512;

/// Collects the text of a page from the events of [`walk_page`]; usable beside other listeners of the same walk.
pub struct TextCollector<'d, 'a> {
    doc: &'d Document<'a>,
    fonts: HashMap<ObjRef, Rc<FontInfo>>,
    state: TextState,
    saved: Vec<TextState>,
    tm: Matrix,
    tlm: Matrix,
    /// By the direction of their baseline: left to right, then turned a quarter, a half, three quarters.
    spans: [Vec<Span>; 4],
    chars: usize,
}

impl<'d, 'a> TextCollector<'d, 'a> {
    pub fn new(doc: &'d Document<'a>) -> Self {
        Self {
            doc,
            fonts: HashMap::new(),
            state: TextState {
                font: None,
                size: 0.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                scale: 1.0,
                leading: 0.0,
                rise: 0.0,
            },
            saved: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            spans: Default::default(),
            chars: 0,
        }
    }

    pub fn event(&mut self, event: &Event<'_>) {
        let Event::Op {
            op,
            operands,
            ctm,
            resources,
        } = event
        else {
            return;
        };
        let num = |i: usize| {
            operands
                .get(i)
                .and_then(Object::as_number)
                .filter(|v| v.is_finite())
        };
        match *op {
            b"q" if self.saved.len() < MAX_SAVED => self.saved.push(self.state.clone()),
            b"Q" => {
                if let Some(s) = self.saved.pop() {
                    self.state = s;
                }
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tf" => {
                if let (Some(Object::Name(name)), Some(size)) = (operands.first(), num(1)) {
                    self.state.font = self.font(resources, name);
                    self.state.size = size;
                }
            }
            b"Tc" => self.state.char_spacing = num(0).unwrap_or(0.0),
            b"Tw" => self.state.word_spacing = num(0).unwrap_or(0.0),
            b"Tz" => self.state.scale = num(0).unwrap_or(100.0) / 100.0,
            b"TL" => self.state.leading = num(0).unwrap_or(0.0),
            b"Ts" => self.state.rise = num(0).unwrap_or(0.0),
            b"Td" | b"TD" => {
                let (tx, ty) = (num(0).unwrap_or(0.0), num(1).unwrap_or(0.0));
                if *op == b"TD" {
                    self.state.leading = -ty;
                }
                self.next_line(tx, ty);
            }
            b"Tm" => {
                if let Some(m) = matrix_of(operands) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.next_line(0.0, -self.state.leading),
            b"Tj" => {
                if let Some(s) = operands.first().and_then(Object::as_string) {
                    self.show(s, ctm);
                }
            }
            b"'" => {
                self.next_line(0.0, -self.state.leading);
                if let Some(s) = operands.first().and_then(Object::as_string) {
                    self.show(s, ctm);
                }
            }
            b"\"" => {
                self.state.word_spacing = num(0).unwrap_or(0.0);
                self.state.char_spacing = num(1).unwrap_or(0.0);
                self.next_line(0.0, -self.state.leading);
                if let Some(s) = operands.get(2).and_then(Object::as_string) {
                    self.show(s, ctm);
                }
            }
            b"TJ" => {
                let Some(items) = operands.first().and_then(Object::as_array) else {
                    return;
                };
                for item in items {
                    match item {
                        Object::String(s) => self.show(s, ctm),
                        // Thousandths of an em, to the left; a large negative one is a space between words.
                        o => {
                            if let Some(n) = o.as_number().filter(|n| n.is_finite()) {
                                let tx = -n / 1000.0 * self.state.size * self.state.scale;
                                self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn font(&mut self, resources: &Dict, name: &[u8]) -> Option<Rc<FontInfo>> {
        let (id, object) = resource(self.doc, resources, b"Font", name)?;
        if let Some(font) = id.and_then(|r| self.fonts.get(&r)) {
            return Some(font.clone());
        }
        let font = Rc::new(FontInfo::load(self.doc, object.as_dict()?));
        if let Some(r) = id {
            self.fonts.insert(r, font.clone());
        }
        Some(font)
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    /// Text space → page space for the glyph at the current position (§9.4.4).
    fn render_matrix(&self, ctm: &Matrix) -> Matrix {
        let s = &self.state;
        let m = [s.size * s.scale, 0.0, 0.0, s.size, 0.0, s.rise];
        multiply(&m, &multiply(&self.tm, ctm))
    }

    fn show(&mut self, bytes: &[u8], ctm: &Matrix) {
        let Some(font) = self.state.font.clone() else {
            return;
        };
        let start = self.render_matrix(ctm);
        let mut text = String::new();
        let mut advance = 0.0;
        for glyph in font.glyphs(bytes) {
            if let Some(t) = glyph.text {
                text.extend(t.chars().filter(|c| !c.is_control()));
            }
            let spacing = self.state.char_spacing
                + if glyph.word_space {
                    self.state.word_spacing
                } else {
                    0.0
                };
            advance += (glyph.width / 1000.0 * self.state.size + spacing) * self.state.scale;
        }
        if advance.is_finite() {
            self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.tm);
        }
        let end = self.render_matrix(ctm);
        let size = start[2].hypot(start[3]);
        if text.trim().is_empty()
            || !(size.is_finite() && size > 0.0)
            || self.chars >= MAX_CHARS
            || self.spans.iter().map(Vec::len).sum::<usize>() >= MAX_SPANS
        {
            return;
        }
        // Which way the baseline runs on the displayed page, in quarter turns; text at other angles (a stamp
        // across the page) is not read.
        let angle = start[1].atan2(start[0]).to_degrees();
        let quarter = (angle / 90.0).round();
        if (angle - quarter * 90.0).abs() > 6.0 {
            return;
        }
        let turns = (quarter as i64).rem_euclid(4) as usize;
        let (x0, y) = turn_back(turns, start[4], start[5]);
        let (x1, _) = turn_back(turns, end[4], end[5]);
        self.chars += text.len();
        self.spans[turns].push(Span {
            x0,
            x1: x1.max(x0),
            y,
            size,
            text,
        });
    }

    /// The collected text as lines, top to bottom. A page whose text mostly runs sideways (a portrait page
    /// turned by `/Rotate`, a landscape table) is read along its text.
    pub fn finish(self) -> Vec<TextLine> {
        let chars = |spans: &Vec<Span>| spans.iter().map(|s| s.text.len()).sum::<usize>();
        let main = self.spans.into_iter().max_by_key(chars).unwrap_or_default();
        group_lines(main)
    }
}

/// Turns a point by `turns` quarter turns clockwise, so text running that many quarter turns anticlockwise
/// reads left to right.
fn turn_back(turns: usize, x: f64, y: f64) -> (f64, f64) {
    match turns {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

/// Pieces further apart than this many font sizes are separate segments (header columns, table cells).
const SEGMENT_GAP: f64 = 2.0;
/// A gap wider than this many font sizes between runs is a space (a quarter em is a normal space).
const SPACE_GAP: f64 = 0.15;

fn group_lines(mut spans: Vec<Span>) -> Vec<TextLine> {
    spans.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut groups: Vec<(f64, f64, Vec<Span>)> = Vec::new();
    for span in spans {
        match groups.last_mut() {
            // Baselines within half a font size are one line (a superscript stays on its line).
            Some((y, size, members)) if *y - span.y <= 0.45 * size.max(span.size) => {
                *size = size.max(span.size);
                members.push(span);
            }
            _ => groups.push((span.y, span.size, vec![span])),
        }
    }
    groups
        .into_iter()
        .filter_map(|(y, size, mut members)| {
            members.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let segments = segments_of(members);
            (!segments.is_empty()).then_some(TextLine { y, size, segments })
        })
        .collect()
}

fn segments_of(spans: Vec<Span>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut last_size = 0.0f64;
    for span in spans {
        let size = span.size.max(last_size);
        match out.last_mut() {
            Some(seg) if span.x0 - seg.x1 <= SEGMENT_GAP * size => {
                let spaced = seg.text.ends_with(char::is_whitespace)
                    || span.text.starts_with(char::is_whitespace);
                if span.x0 - seg.x1 > SPACE_GAP * size && !spaced {
                    seg.text.push(' ');
                }
                seg.text.push_str(&span.text);
                seg.x1 = seg.x1.max(span.x1);
            }
            _ => out.push(Segment {
                x0: span.x0,
                x1: span.x1,
                text: span.text,
            }),
        }
        last_size = span.size;
    }
    out.into_iter()
        .filter_map(|mut seg| {
            let words: Vec<&str> = seg.text.split_whitespace().collect();
            seg.text = crate::text::nfc(&words.join(" "));
            (!seg.text.is_empty()).then_some(seg)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

    use super::*;
    use crate::pdf::test_pdf::{A4, TestPage, build, center, left};

    #[test]
    fn vietnamese_text_comes_back_in_lines_and_columns() {
        let mut words = left(60.0, 700.0, 13.0, "V/v triển khai chữ ký số");
        words.tj_words = true;
        let page = TestPage {
            texts: vec![
                center(150.0, 800.0, 12.0, "UỶ BAN NHÂN DÂN TỈNH VĨNH LONG"),
                center(420.0, 800.0, 12.0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                center(150.0, 785.0, 12.0, "SỞ NỘI VỤ"),
                words,
            ],
            ..TestPage::default()
        };
        let text = page_text(&build((1, 7), &[page]), 0).unwrap();
        assert_eq!(
            text,
            "UỶ BAN NHÂN DÂN TỈNH VĨNH LONG\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ NỘI VỤ\nV/v triển khai chữ ký số"
        );
    }

    #[test]
    fn a_page_turned_by_rotate_is_read_along_its_text() {
        let page = TestPage {
            texts: vec![
                left(60.0, 800.0, 12.0, "Dòng thứ nhất"),
                left(60.0, 780.0, 12.0, "Dòng thứ hai"),
            ],
            rotate: 270,
            ..TestPage::default()
        };
        let text = page_text(&build((1, 7), &[page]), 0).unwrap();
        assert_eq!(text, "Dòng thứ nhất\nDòng thứ hai");
    }

    /// A simple Type1 font without ToUnicode, WinAnsi with a /Differences entry, content split over two streams.
    fn win_ansi_pdf(content: &[&[u8]]) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let (catalog, tree, page, font) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let ids: Vec<Ref> = (0..content.len())
            .map(|i| Ref::new(10 + i as i32))
            .collect();
        let mut p = pdf.page(page);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
            .contents_array(ids.iter().copied());
        p.resources().fonts().pair(Name(b"F1"), font);
        drop(p);
        let mut f = pdf.type1_font(font);
        f.base_font(Name(b"Helvetica"));
        f.encoding_custom()
            .base_encoding(Name(b"WinAnsiEncoding"))
            .differences()
            .consecutive(0x80, [Name(b"Dcroat")]);
        drop(f);
        for (id, data) in ids.iter().zip(content) {
            pdf.stream(*id, data);
        }
        pdf.finish()
    }

    #[test]
    fn simple_fonts_without_tounicode_read_as_win_ansi() {
        let data = win_ansi_pdf(&[
            b"BT /F1 12 Tf 72 700 Td (Caf\xe9 \x80\xf4ng) Tj",
            b"0 -20 Td [(A) -400 (B)] TJ ET",
        ]);
        assert_eq!(page_text(&data, 0).unwrap(), "Café Đông\nA B");
    }

    #[test]
    fn absurd_font_dictionaries_are_survived() {
        let mut pdf = Pdf::new();
        let (catalog, tree, page, font, content) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
        );
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.parent(tree).contents(content);
        p.resources().fonts().pair(Name(b"F1"), font);
        drop(p);
        let mut f = pdf.type1_font(font);
        f.base_font(Name(b"Helvetica"))
            .pair(Name(b"FirstChar"), 1e10f32)
            .pair(Name(b"Encoding"), Name(b"Nonsense"));
        f.insert(Name(b"Widths")).array().items([1e30f32, -5.0]);
        drop(f);
        pdf.stream(
            content,
            b"BT /F1 1e400 Tf 3 Tz 72 700 Td (Hi) Tj /F1 12 Tf (Ok) Tj ET",
        );
        let data = pdf.finish();
        let text = page_text(&data, 0).unwrap();
        assert!(text.ends_with("Ok"), "{text:?}");
    }

    #[test]
    fn broken_content_is_read_as_far_as_it_goes() {
        let mut c = Content::new();
        c.begin_text()
            .set_font(Name(b"F1"), 12.0)
            .next_line(72.0, 700.0);
        c.show(Str(b"ok"));
        let mut body = c.finish().into_vec();
        body.extend_from_slice(
            b" ) ] >> (unclosed <zz> 1 2 3 4 5 6 7 8 Tm /Nope 9 Tf (x) Tj BI /W 4 ID \x00\x01",
        );
        let data = win_ansi_pdf(&[&body]);
        assert_eq!(page_text(&data, 0).unwrap(), "ok");
        assert!(page_text(&data, 1).is_err());
        assert!(page_text(b"%PDF-1.7\nnot really", 0).is_err());
    }
}
