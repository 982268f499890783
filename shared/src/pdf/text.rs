//! The text layer of a page, as lines read top to bottom: what the clerk's form is prefilled from (see
//! [`super::prefill`]) and what a search index could store. Not a renderer: glyphs are placed from the text
//! operators (`Tf`, `Tm`, `Td`, `TD`, `T*`, `Tj`, `TJ`, `'`, `"`) and the font widths, then grouped into lines
//! by baseline. Pieces of a line far apart (the two columns of an NĐ 30 header) stay separate segments.
//!
//! Text is decoded through each font's ToUnicode map (see [`super::fontinfo`]) and returned in NFC.

use std::collections::HashMap;
use std::rc::Rc;

use super::content::{
    Budget, Event, IDENTITY, Matrix, display_matrix, matrix_of, multiply, resource,
    walk_annotations, walk_page, walk_page_with,
};
use super::document::{Document, Page};
use super::error::{PdfError, PdfResult};
use super::fontinfo::FontInfo;
use super::object::{Dict, ObjRef, Object, decode_text_string};
use super::source::Src;

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

/// What reading a whole document's text may spend: the text kept, the pages read, and the work done over all
/// pages (content operators run, content bytes decoded), so a hostile file ends early instead of hanging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// Characters (Unicode scalar values) of text returned; the text is cut there.
    pub max_chars: usize,
    /// Pages read, from the first.
    pub max_pages: usize,
    /// Content operators run, all pages and forms together.
    pub max_ops: usize,
    /// Content bytes decoded, all pages and forms together.
    pub max_content_bytes: usize,
}

impl Default for TextLimits {
    /// A million characters (a 400-page report has about that), 10,000 pages, 20 million operators, 512 MiB.
    fn default() -> Self {
        Self {
            max_chars: 1_000_000,
            max_pages: 10_000,
            max_ops: 20_000_000,
            max_content_bytes: 512 * 1024 * 1024,
        }
    }
}

/// The text layer of a whole document, for full-text search: pages in order, separated by a blank line; each
/// page's lines top to bottom separated by `\n` (text running in other directions after them), far-apart pieces
/// of a line (columns, table cells) by `\t`, words by a space; NFC. Text is read through each font's
/// ToUnicode map, else its `/Encoding` (WinAnsi, MacRoman, Standard, `/Differences` by glyph name); a font that
/// cannot be read gives what it can, never an error.
///
/// Stops quietly at `limits` (the text so far is returned). Errors only when the file cannot be opened as a PDF
/// or has no readable page tree ([`PdfError`]); it never panics, whatever the bytes.
///
/// Signature (a contract other modules call): `document_text(src, &TextLimits::default()) -> PdfResult<String>`,
/// `src` a `&[u8]`, `&Vec<u8>` or a [`Src`] over a random-access reader.
pub fn document_text<'a>(src: impl Into<Src<'a>>, limits: &TextLimits) -> PdfResult<String> {
    let doc = Document::open(src)?;
    let pages = doc.pages()?;
    Ok(document_text_of(&doc, &pages, limits))
}

/// [`document_text`] of an opened document and some of its pages.
pub fn document_text_of(doc: &Document, pages: &[Page], limits: &TextLimits) -> String {
    let mut budget = Budget {
        ops: limits.max_ops,
        bytes: limits.max_content_bytes,
    };
    let mut collector = TextCollector::new(doc);
    let values = field_values(doc);
    let mut out = String::new();
    let mut chars = 0usize;
    for page in pages.iter().take(limits.max_pages) {
        if budget.exhausted() || chars >= limits.max_chars {
            break;
        }
        let start = display_matrix(page);
        walk_page_with(doc, page, start, &mut budget, &mut |event| {
            collector.event(&event)
        });
        // What form fields and visible signatures show is text on the page too.
        walk_annotations(doc, page, start, &mut budget, &mut |event| {
            collector.event(&event)
        });
        add_field_values(doc, page, &start, &values, &mut collector);
        let text = join_dehyphenated(&collector.take_lines(true));
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
            chars += 2;
        }
        for c in text.chars() {
            if chars >= limits.max_chars {
                break;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
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

/// The values of the text fields when the form asks viewers to draw them (`/NeedAppearances`, as LibreOffice
/// exports forms: the widgets' own appearances are empty), by widget.
fn field_values(doc: &Document) -> HashMap<ObjRef, String> {
    let need = doc
        .catalog()
        .ok()
        .and_then(|c| doc.lookup(&c, b"AcroForm").ok().flatten())
        .and_then(|a| {
            a.as_dict()
                .and_then(|d| doc.lookup(d, b"NeedAppearances").ok().flatten())
        });
    if need != Some(Object::Bool(true)) {
        return HashMap::new();
    }
    let mut out = HashMap::new();
    for field in doc.fields().unwrap_or_default() {
        let value = field.value.as_ref().and_then(|v| doc.resolve(v).ok());
        let Some(Object::String(bytes)) = value else {
            continue;
        };
        if field.field_type.as_deref() != Some(b"Tx") {
            continue;
        }
        let text = decode_text_string(&bytes);
        if !text.trim().is_empty() {
            for w in field.widgets {
                out.insert(w, text.clone());
            }
        }
    }
    out
}

/// The values of `values` whose widgets are on `page`, placed along the bottom third of their boxes.
fn add_field_values(
    doc: &Document,
    page: &Page,
    start: &Matrix,
    values: &HashMap<ObjRef, String>,
    collector: &mut TextCollector,
) {
    if values.is_empty() {
        return;
    }
    let Ok(Some(Object::Array(annots))) = doc.lookup(&page.dict, b"Annots") else {
        return;
    };
    for annot in annots.iter().take(10_000) {
        let Some(text) = annot.as_ref().and_then(|r| values.get(&r)) else {
            continue;
        };
        let Ok(Object::Dict(dict)) = doc.resolve(annot) else {
            continue;
        };
        let Some(Object::Array(rect)) = dict.get(b"Rect") else {
            continue;
        };
        let v: Vec<f64> = rect.iter().filter_map(Object::as_number).collect();
        let [x0, y0, x1, y1] = v[..] else {
            continue;
        };
        let (x0, x1, y0, y1) = (x0.min(x1), x0.max(x1), y0.min(y1), y0.max(y1));
        let y = y0 + (y1 - y0) / 3.0;
        let size = ((y1 - y0) * 0.6).clamp(4.0, 12.0);
        let from = super::content::apply(start, x0 + 2.0, y);
        let to = super::content::apply(start, x1, y);
        collector.add_run(from, to, size, text);
    }
}

/// Lines joined as [`join_lines`] does, except that a word hyphenated across two lines (`incre-` / `mental`)
/// is joined again, as search must see it.
fn join_dehyphenated(lines: &[TextLine]) -> String {
    let mut out = String::new();
    for line in lines {
        let text = line.text();
        let broken = {
            let mut tail = out.chars().rev();
            tail.next() == Some('-') && tail.next().is_some_and(char::is_alphabetic)
        };
        if broken && text.starts_with(char::is_lowercase) {
            out.pop();
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
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
    /// `Tr`: 3 (invisible, an OCR layer) and 7 (clip only) put no ink on the page.
    render_mode: i64,
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
    /// When kept ([`TextCollector::keep_ink`]): the boxes of the glyph runs shown since the last
    /// [`TextCollector::take_ink`], in the walk's coordinates.
    ink: Option<Vec<[f64; 4]>>,
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
                render_mode: 0,
            },
            saved: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            spans: Default::default(),
            chars: 0,
            ink: None,
        }
    }

    /// Also keep the box each visible glyph run covers (advance widths × the font's ascent and descent, blanks
    /// left out), for [`TextCollector::take_ink`].
    pub fn keep_ink(mut self) -> Self {
        self.ink = Some(Vec::new());
        self
    }

    /// The boxes of the glyph runs shown since the last call, as `[x0, y0, x1, y1]`.
    pub fn take_ink(&mut self) -> Vec<[f64; 4]> {
        self.ink.as_mut().map(std::mem::take).unwrap_or_default()
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
            b"Tr" => {
                self.state.render_mode = operands.first().and_then(Object::as_int).unwrap_or(0)
            }
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
        let run_start = multiply(&self.tm, ctm);
        let mut text = String::new();
        let mut advance = 0.0f64;
        // The inked stretch of the run along the baseline, text space.
        let mut inked: Option<(f64, f64)> = None;
        for glyph in font.glyphs(bytes) {
            let blank = match &glyph.text {
                Some(t) => t.chars().all(char::is_whitespace),
                None => glyph.word_space,
            };
            if let Some(t) = glyph.text {
                text.extend(t.chars().filter(|c| !c.is_control()));
            }
            let width = glyph.width / 1000.0 * self.state.size * self.state.scale;
            if !blank && width.is_finite() {
                let (lo, hi) = (advance.min(advance + width), advance.max(advance + width));
                inked = Some(inked.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
            let spacing = self.state.char_spacing
                + if glyph.word_space {
                    self.state.word_spacing
                } else {
                    0.0
                };
            advance += (glyph.width / 1000.0 * self.state.size + spacing) * self.state.scale;
        }
        if let (Some(ink), Some((lo, hi))) = (self.ink.as_mut(), inked)
            && !matches!(self.state.render_mode, 3 | 7)
            && ink.len() < MAX_SPANS
        {
            let (size, rise) = (self.state.size, self.state.rise);
            let (top, bottom) = (
                rise + font.ascent / 1000.0 * size,
                rise + font.descent / 1000.0 * size,
            );
            let corners = [(lo, bottom), (hi, bottom), (lo, top), (hi, top)]
                .map(|(x, y)| super::content::apply(&run_start, x, y));
            let xs = corners.map(|c| c.0);
            let ys = corners.map(|c| c.1);
            let b = [
                xs.iter().copied().fold(f64::INFINITY, f64::min),
                ys.iter().copied().fold(f64::INFINITY, f64::min),
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ];
            if b.iter().all(|v| v.is_finite()) {
                ink.push(b);
            }
        }
        if advance.is_finite() {
            self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.tm);
        }
        let end = self.render_matrix(ctm);
        let size = start[2].hypot(start[3]);
        self.push_run(
            (start[0], start[1]),
            (start[4], start[5]),
            (end[4], end[5]),
            size,
            text,
        );
    }

    /// Adds a run of text shown without a content stream (a form field's value), its baseline from `from` to
    /// `to` in the walk's coordinates, `size` points tall.
    pub fn add_run(&mut self, from: (f64, f64), to: (f64, f64), size: f64, text: &str) {
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.push_run((to.0 - from.0, to.1 - from.1), from, to, size, text);
    }

    /// Keeps a run whose baseline runs along `direction` from `start` to `end`.
    fn push_run(
        &mut self,
        direction: (f64, f64),
        start: (f64, f64),
        end: (f64, f64),
        size: f64,
        text: String,
    ) {
        if text.trim().is_empty()
            || !(size.is_finite() && size > 0.0)
            || self.chars >= MAX_CHARS
            || self.spans.iter().map(Vec::len).sum::<usize>() >= MAX_SPANS
        {
            return;
        }
        // Which way the baseline runs on the displayed page, in quarter turns; text at other angles (a stamp
        // across the page) is not read.
        let angle = direction.1.atan2(direction.0).to_degrees();
        let quarter = (angle / 90.0).round();
        let off = (angle - quarter * 90.0).abs();
        if off.is_nan() || off > 6.0 {
            return;
        }
        let turns = (quarter as i64).rem_euclid(4) as usize;
        let (x0, y) = turn_back(turns, start.0, start.1);
        let (x1, _) = turn_back(turns, end.0, end.1);
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
    pub fn finish(mut self) -> Vec<TextLine> {
        self.take_lines(false)
    }

    /// The lines collected so far (as [`TextCollector::finish`]; with `all_directions`, the lines running in the
    /// other directions follow), and a fresh start for the next page; the fonts already read are kept.
    pub fn take_lines(&mut self, all_directions: bool) -> Vec<TextLine> {
        let mut groups = std::mem::take(&mut self.spans);
        self.saved.clear();
        self.state = Self::new(self.doc).state;
        self.tm = IDENTITY;
        self.tlm = IDENTITY;
        self.chars = 0;
        let chars = |spans: &Vec<Span>| spans.iter().map(|s| s.text.len()).sum::<usize>();
        groups.sort_by_key(|g| std::cmp::Reverse(chars(g)));
        let mut lines = Vec::new();
        for (i, spans) in groups.into_iter().enumerate() {
            if i == 0 || all_directions {
                lines.extend(group_lines(spans));
            }
        }
        lines
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

    /// Two pages; the font is MacRoman with Vietnamese glyph names from code 128.
    fn mac_roman_pdf(pages: &[&[u8]]) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let (catalog, tree, font) = (Ref::new(1), Ref::new(2), Ref::new(3));
        let ids: Vec<(Ref, Ref)> = (0..pages.len())
            .map(|i| (Ref::new(10 + 2 * i as i32), Ref::new(11 + 2 * i as i32)))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(ids.iter().map(|(p, _)| *p))
            .count(pages.len() as i32);
        for ((page, content), data) in ids.iter().zip(pages) {
            let mut p = pdf.page(*page);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
                .contents(*content);
            p.resources().fonts().pair(Name(b"F1"), font);
            drop(p);
            pdf.stream(*content, data);
        }
        let mut f = pdf.type1_font(font);
        f.base_font(Name(b"Times-Roman"));
        f.encoding_custom()
            .base_encoding(Name(b"MacRomanEncoding"))
            .differences()
            .consecutive(
                128,
                [
                    Name(b"ohornacute"),
                    Name(b"Ecircumflexdotbelow"),
                    Name(b"uni0111"),
                ],
            );
        drop(f);
        pdf.finish()
    }

    #[test]
    fn mac_roman_and_vietnamese_glyph_names_are_read_and_pages_follow_each_other() {
        let data = mac_roman_pdf(&[
            b"BT /F1 12 Tf 72 700 Td (Caf\x8e \x82\x80i) Tj 0 -14 Td (B\x81N) Tj ET",
            b"BT /F1 12 Tf 72 700 Td (incre-) Tj 0 -14 Td (mental) Tj ET",
        ]);
        let text = document_text(&data, &TextLimits::default()).unwrap();
        assert_eq!(text, "Café đới\nBỆN\n\nincremental");
    }

    #[test]
    fn document_text_stops_at_its_limits_without_failing() {
        let data = mac_roman_pdf(&[
            b"BT /F1 12 Tf 72 700 Td (one two three) Tj ET",
            b"BT /F1 12 Tf 72 700 Td (four) Tj ET",
        ]);
        let limits = |chars, ops| TextLimits {
            max_chars: chars,
            max_ops: ops,
            ..TextLimits::default()
        };
        assert_eq!(document_text(&data, &limits(7, 1000)).unwrap(), "one two");
        // Four operators read the first page's text; none are left for the second.
        assert_eq!(
            document_text(&data, &limits(1000, 5)).unwrap(),
            "one two three"
        );
        assert_eq!(document_text(&data, &limits(1000, 0)).unwrap(), "");
        assert!(document_text(b"%PDF-1.7 junk", &TextLimits::default()).is_err());
    }
}
