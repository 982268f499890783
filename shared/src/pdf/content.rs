//! Page content streams (ISO 32000-2 §7.8, §8.4): a lexer for operators and their operands, and a walker that
//! runs a page's streams — and the form XObjects they draw — keeping the current transformation matrix, so text
//! extraction and the scan check see where things land on the displayed page. Nothing is rendered.
//!
//! Content comes from uploaded files, so everything is bounded: operands per operator, operators per page, bytes
//! decoded per page, form nesting. Syntax the lexer does not understand is skipped a byte at a time.

use std::collections::HashSet;

use super::document::{Document, Page};
use super::filter::decode_stream;
use super::object::{Dict, ObjRef, Object, Stream};
use super::parse::{Parser, is_delimiter, is_whitespace};

/// An affine matrix `[a b c d e f]` (§8.3.3): `x' = a·x + c·y + e`, `y' = b·x + d·y + f`.
pub type Matrix = [f64; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (the PDF order: `m × n`).
pub fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

pub fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Six numbers as a matrix (`cm`, `Tm`, a form's `/Matrix`); `None` when any is missing or not finite.
pub fn matrix_of(items: &[Object]) -> Option<Matrix> {
    let mut m = [0.0; 6];
    if items.len() != 6 {
        return None;
    }
    for (slot, o) in m.iter_mut().zip(items) {
        *slot = o.as_number().filter(|v| v.is_finite())?;
    }
    Some(m)
}

/// Operands kept per operator: no content operator takes more than 6 (a `TJ` array is one operand), so the
/// oldest of a long run of numbers in a broken stream are dropped rather than stored.
const MAX_OPERANDS: usize = 32;

/// Splits content bytes (or a CMap, which has the same syntax) into operators with their operands.
pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    max_operands: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self::with_operand_limit(data, MAX_OPERANDS)
    }

    /// A lexer keeping up to `max_operands` operands (a CMap's `bfchar` section has up to 100 pairs).
    pub fn with_operand_limit(data: &'a [u8], max_operands: usize) -> Self {
        Self {
            data,
            pos: 0,
            max_operands: max_operands.max(2),
        }
    }

    fn push(&self, operands: &mut Vec<Object>, o: Object) {
        if operands.len() >= self.max_operands {
            // Half at once, so a flood of operands costs linear time.
            operands.drain(..self.max_operands / 2);
        }
        operands.push(o);
    }

    /// The next operator, with its operands in `operands` (cleared first); `None` at the end of the data.
    /// An inline image comes back as `BI` with its parameters as one dictionary operand, its data skipped.
    pub fn next_op(&mut self, operands: &mut Vec<Object>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            let mut p = Parser::new(self.data, self.pos);
            p.skip_whitespace();
            self.pos = p.pos;
            let b = *self.data.get(self.pos)?;
            if matches!(b, b'/' | b'(' | b'<' | b'[') {
                let start = self.pos;
                match p.read_object() {
                    Ok(o) => {
                        self.pos = p.pos.max(start + 1);
                        self.push(operands, o);
                    }
                    // Unreadable: step over one byte and read on, so one bad string does not end the stream.
                    Err(_) => self.pos = start + 1,
                }
                continue;
            }
            let token = self.token();
            if token.is_empty() {
                // A stray `)`, `]`, `>`, `{` or `}`.
                self.pos += 1;
                continue;
            }
            if let Some(o) = number_or_constant(token) {
                self.push(operands, o);
                continue;
            }
            if token == b"BI" {
                operands.clear();
                operands.push(Object::Dict(self.inline_image()));
            }
            return Some(token);
        }
    }

    /// The run of regular characters at the cursor, consumed.
    fn token(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(&b) = self.data.get(self.pos) {
            if is_whitespace(b) || is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// After `BI`: the image parameters up to `ID`, then the cursor past the binary data and its `EI`.
    fn inline_image(&mut self) -> Dict {
        let mut dict = Dict::default();
        loop {
            let mut p = Parser::new(self.data, self.pos);
            p.skip_whitespace();
            self.pos = p.pos;
            if self.pos >= self.data.len() {
                return dict;
            }
            if self.data[self.pos..].starts_with(b"ID")
                && self
                    .data
                    .get(self.pos + 2)
                    .is_none_or(|&b| is_whitespace(b))
            {
                self.pos += 3;
                break;
            }
            let start = self.pos;
            let key = p.read_object();
            let value = p.read_object();
            self.pos = p.pos.max(start + 1);
            if let (Ok(Object::Name(k)), Ok(v)) = (key, value) {
                dict.set(&k, v);
            }
        }
        // The data ends at `EI` between whitespace (§8.9.7); a PDF 2.0 `/L` says how long it is.
        let from = self.pos.min(self.data.len());
        let length = dict.int(b"L").or_else(|| dict.int(b"Length"));
        let mut at = match length {
            Some(l) if l >= 0 => from.saturating_add(l as usize).min(self.data.len()),
            _ => from,
        };
        while at + 2 <= self.data.len() {
            if &self.data[at..at + 2] == b"EI"
                && (at == 0 || is_whitespace(self.data[at - 1]))
                && self.data.get(at + 2).is_none_or(|&b| is_whitespace(b))
            {
                self.pos = at + 2;
                return dict;
            }
            at += 1;
        }
        self.pos = self.data.len();
        dict
    }
}

fn number_or_constant(token: &[u8]) -> Option<Object> {
    match token {
        b"true" => return Some(Object::Bool(true)),
        b"false" => return Some(Object::Bool(false)),
        b"null" => return Some(Object::Null),
        _ => {}
    }
    let first = *token.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    let text = std::str::from_utf8(token).ok()?;
    if let Ok(i) = text.parse::<i64>() {
        return Some(Object::Int(i));
    }
    // Reals have no exponent in PDF; some producers write "--5" or "4.": tolerated.
    let cleaned = text.trim_start_matches("--");
    if !cleaned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
    {
        return None;
    }
    let cleaned = cleaned.strip_suffix('.').unwrap_or(cleaned);
    // Not a number at all (a lone "-"): zero, as viewers read it, so it still counts as an operand.
    Some(Object::Real(
        cleaned
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0),
    ))
}

/// What the walker reports.
pub enum Event<'e> {
    /// An operator, after the walker applied its own effect (`q`, `Q`, `cm`); forms are bracketed by `q`/`Q`.
    Op {
        op: &'e [u8],
        operands: &'e [Object],
        ctm: &'e Matrix,
        resources: &'e Dict,
    },
    /// A raster image drawn (an image XObject or an inline image): its size in pixels; the CTM maps the unit
    /// square onto it.
    Image {
        width: f64,
        height: f64,
        ctm: &'e Matrix,
    },
    /// A form XObject about to run (after the walker's `q`): its `/BBox` in form space, which clips what it
    /// draws, and the CTM taking form space to the page (its `/Matrix` applied).
    Form {
        bbox: Option<[f64; 4]>,
        ctm: &'e Matrix,
    },
}

/// Operators run per page, all forms included; a page of text has tens of thousands.
const MAX_OPS: usize = 2_000_000;
/// Decoded content bytes per page, all forms included.
const MAX_CONTENT: usize = 64 * 1024 * 1024;

/// What walks may still spend: operators run and content bytes decoded. One budget can be shared by the pages
/// of a document, so a file of many heavy pages stops as surely as one heavy page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub ops: usize,
    pub bytes: usize,
}

impl Budget {
    /// The budget [`walk_page`] gives each page.
    pub const PAGE: Budget = Budget {
        ops: MAX_OPS,
        bytes: MAX_CONTENT,
    };

    /// Whether a walk stopped because the budget ran out.
    pub fn exhausted(&self) -> bool {
        self.ops == 0 || self.bytes == 0
    }
}
const MAX_FORM_DEPTH: usize = 12;
const MAX_SAVE_DEPTH: usize = 512;

/// Matrix taking user space to the displayed page's orientation (the page's `/Rotate` turns it clockwise).
pub fn display_matrix(page: &Page) -> Matrix {
    match page.rotate {
        90 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
        180 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
        270 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
        _ => IDENTITY,
    }
}

/// Runs the content of `page`, calling `visit` for every operator and image. Coordinates are the displayed
/// page's (user space turned by `/Rotate`), in points.
pub fn walk_page(doc: &Document, page: &Page, visit: &mut dyn FnMut(Event<'_>)) {
    let mut budget = Budget::PAGE;
    walk_page_with(doc, page, display_matrix(page), &mut budget, visit);
}

/// [`walk_page`] starting from the matrix `start` (`IDENTITY`: coordinates in default user space), spending
/// `budget`, which is left with what remains.
pub fn walk_page_with(
    doc: &Document,
    page: &Page,
    start: Matrix,
    budget: &mut Budget,
    visit: &mut dyn FnMut(Event<'_>),
) {
    let resources = page_resources(doc, page);
    let mut content = Vec::new();
    let contents = doc
        .lookup(&page.dict, b"Contents")
        .ok()
        .flatten()
        .unwrap_or(Object::Null);
    let parts: Vec<Object> = match contents {
        Object::Array(items) => items,
        other => vec![other],
    };
    for part in parts.iter().take(10_000) {
        let Ok(Object::Stream(s)) = doc.resolve(part) else {
            continue;
        };
        let Ok(bytes) = decode_stream(&s.dict, &doc.stream_bytes(&s)) else {
            continue;
        };
        if content.len() + bytes.len() > budget.bytes {
            budget.bytes = 0;
            break;
        }
        // Streams of one page are one content: a split may fall between any two tokens (§7.8.2).
        content.extend_from_slice(&bytes);
        content.push(b'\n');
    }
    budget.bytes = budget.bytes.saturating_sub(content.len());
    let mut walker = Walker {
        doc,
        budget,
        forms: HashSet::new(),
    };
    walker.run(&content, start, &resources, 0, visit);
}

/// Runs the normal appearances (§12.5.5) of the annotations of `page` that are shown — form fields' values,
/// visible signatures, stamps — each as a form fitted into the annotation's `/Rect`, from the matrix `start`,
/// spending `budget`. Annotations are not the page's content: [`walk_page`] does not run them.
pub fn walk_annotations(
    doc: &Document,
    page: &Page,
    start: Matrix,
    budget: &mut Budget,
    visit: &mut dyn FnMut(Event<'_>),
) {
    let Ok(Some(Object::Array(annots))) = doc.lookup(&page.dict, b"Annots") else {
        return;
    };
    let resources = page_resources(doc, page);
    let mut walker = Walker {
        doc,
        budget,
        forms: HashSet::new(),
    };
    for a in annots.iter().take(10_000) {
        if walker.budget.exhausted() {
            break;
        }
        let Ok(Object::Dict(annot)) = doc.resolve(a) else {
            continue;
        };
        let number =
            |d: &Dict, k: &[u8]| doc.lookup(d, k).ok().flatten().and_then(|o| o.as_number());
        let flags = number(&annot, b"F").unwrap_or(0.0) as i64;
        // Hidden (bit 2) and NoView (bit 6) annotations are not shown; a popup shows another's text.
        if flags & (2 | 32) != 0 || annot.name(b"Subtype") == Some(b"Popup") {
            continue;
        }
        let Some(rect) = four(doc, &annot, b"Rect") else {
            continue;
        };
        let Some(Object::Dict(ap)) = doc.lookup(&annot, b"AP").ok().flatten() else {
            continue;
        };
        let (id, stream) = match (ap.get(b"N"), doc.lookup(&ap, b"N").ok().flatten()) {
            (Some(entry), Some(Object::Stream(s))) => (entry.as_ref(), s),
            // Appearance states (a checkbox): the one `/AS` names.
            (_, Some(Object::Dict(states))) => {
                let Some(state) = annot.name(b"AS") else {
                    continue;
                };
                match (states.get(state), doc.lookup(&states, state).ok().flatten()) {
                    (Some(entry), Some(Object::Stream(s))) => (entry.as_ref(), s),
                    _ => continue,
                }
            }
            _ => continue,
        };
        let Some(bbox) = four(doc, &stream.dict, b"BBox") else {
            continue;
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .and_then(matrix_of)
            .unwrap_or(IDENTITY);
        // The appearance's box through its matrix, then scaled and moved onto the /Rect (§12.5.5).
        let corners = [
            (bbox[0], bbox[1]),
            (bbox[2], bbox[1]),
            (bbox[0], bbox[3]),
            (bbox[2], bbox[3]),
        ]
        .map(|(x, y)| apply(&matrix, x, y));
        let (x0, x1) = corners
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                (lo.min(c.0), hi.max(c.0))
            });
        let (y0, y1) = corners
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                (lo.min(c.1), hi.max(c.1))
            });
        if !(x1 - x0 > 1e-6 && y1 - y0 > 1e-6) {
            continue;
        }
        let (sx, sy) = (
            (rect[2] - rect[0]) / (x1 - x0),
            (rect[3] - rect[1]) / (y1 - y0),
        );
        let fit = [sx, 0.0, 0.0, sy, rect[0] - x0 * sx, rect[1] - y0 * sy];
        if !fit.iter().all(|v| v.is_finite()) {
            continue;
        }
        walker.run_form(id, &stream, &multiply(&fit, &start), &resources, 0, visit);
    }
}

/// A rectangle entry (`/Rect`, `/BBox`) as `[x0, y0, x1, y1]`, normalised.
fn four(doc: &Document, dict: &Dict, key: &[u8]) -> Option<[f64; 4]> {
    let Ok(Some(Object::Array(a))) = doc.lookup(dict, key) else {
        return None;
    };
    let v: Vec<f64> = a
        .iter()
        .filter_map(|o| doc.resolve(o).ok()?.as_number())
        .filter(|v| v.is_finite())
        .collect();
    let [a, b, c, d] = v[..] else {
        return None;
    };
    Some([a.min(c), b.min(d), a.max(c), b.max(d)])
}

/// The page's resources, inherited from the page tree when the page has none (§7.7.3.4).
pub fn page_resources(doc: &Document, page: &Page) -> Dict {
    let mut node = page.dict.clone();
    for _ in 0..64 {
        if let Ok(Some(r)) = doc.lookup(&node, b"Resources") {
            return r.as_dict().cloned().unwrap_or_default();
        }
        match doc.lookup(&node, b"Parent") {
            Ok(Some(parent)) => match parent.as_dict() {
                Some(d) => node = d.clone(),
                None => break,
            },
            _ => break,
        }
    }
    Dict::default()
}

/// A named resource (`/Font /F1`, `/XObject /Im0`) with references followed, and its reference when it has one.
pub fn resource(
    doc: &Document,
    resources: &Dict,
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjRef>, Object)> {
    let group = doc.lookup(resources, category).ok()??;
    let entry = group.as_dict()?.get(name)?;
    let object = doc.resolve(entry).ok()?;
    Some((entry.as_ref(), object))
}

struct Walker<'d, 'a, 'b> {
    doc: &'d Document<'a>,
    budget: &'b mut Budget,
    /// The forms being run (a form drawing itself is a loop).
    forms: HashSet<ObjRef>,
}

impl Walker<'_, '_, '_> {
    fn run(
        &mut self,
        content: &[u8],
        ctm: Matrix,
        resources: &Dict,
        depth: usize,
        visit: &mut dyn FnMut(Event<'_>),
    ) {
        let mut stack: Vec<Matrix> = Vec::new();
        // `q` beyond the limit is counted, not stored, so the matching `Q` still pairs up.
        let mut overflow = 0usize;
        let mut ctm = ctm;
        let mut lexer = Lexer::new(content);
        let mut operands = Vec::new();
        while let Some(op) = lexer.next_op(&mut operands) {
            if self.budget.ops == 0 {
                return;
            }
            self.budget.ops -= 1;
            match op {
                b"q" if stack.len() < MAX_SAVE_DEPTH => stack.push(ctm),
                b"q" => overflow += 1,
                b"Q" if overflow > 0 => overflow -= 1,
                b"Q" => ctm = stack.pop().unwrap_or(ctm),
                b"cm" => {
                    if let Some(m) = matrix_of(&operands) {
                        ctm = multiply(&m, &ctm);
                    }
                }
                b"BI" => {
                    let dict = operands.first().and_then(Object::as_dict);
                    let size = |long: &[u8], short: &[u8]| {
                        dict.and_then(|d| d.get(long).or_else(|| d.get(short)))
                            .and_then(Object::as_number)
                    };
                    if let (Some(width), Some(height)) =
                        (size(b"Width", b"W"), size(b"Height", b"H"))
                    {
                        visit(Event::Image {
                            width,
                            height,
                            ctm: &ctm,
                        });
                    }
                }
                b"Do" => {
                    if let Some(Object::Name(name)) = operands.last() {
                        self.draw_xobject(name, &ctm, resources, depth, visit);
                    }
                }
                _ => {}
            }
            visit(Event::Op {
                op,
                operands: &operands,
                ctm: &ctm,
                resources,
            });
        }
    }

    fn draw_xobject(
        &mut self,
        name: &[u8],
        ctm: &Matrix,
        resources: &Dict,
        depth: usize,
        visit: &mut dyn FnMut(Event<'_>),
    ) {
        let Some((id, Object::Stream(s))) = resource(self.doc, resources, b"XObject", name) else {
            return;
        };
        match s.dict.name(b"Subtype") {
            Some(b"Image") => {
                let number = |k: &[u8]| {
                    self.doc
                        .lookup(&s.dict, k)
                        .ok()
                        .flatten()
                        .and_then(|o| o.as_number())
                };
                if let (Some(width), Some(height)) = (number(b"Width"), number(b"Height")) {
                    visit(Event::Image { width, height, ctm });
                }
            }
            Some(b"Form") => self.run_form(id, &s, ctm, resources, depth, visit),
            _ => {}
        }
    }

    /// Runs a form XObject drawn with `ctm` (its own `/Matrix` applied on top), bracketed by `q`/`Q`.
    fn run_form(
        &mut self,
        id: Option<ObjRef>,
        s: &Stream,
        ctm: &Matrix,
        resources: &Dict,
        depth: usize,
        visit: &mut dyn FnMut(Event<'_>),
    ) {
        if depth >= MAX_FORM_DEPTH || id.is_some_and(|r| self.forms.contains(&r)) {
            return;
        }
        let Ok(content) = decode_stream(&s.dict, &self.doc.stream_bytes(s)) else {
            return;
        };
        if content.len() > self.budget.bytes {
            self.budget.bytes = 0;
            return;
        }
        self.budget.bytes -= content.len();
        let matrix = s
            .dict
            .get(b"Matrix")
            .and_then(Object::as_array)
            .and_then(matrix_of)
            .unwrap_or(IDENTITY);
        // A form without resources uses those of the page that draws it (an old, still common habit).
        let own = self
            .doc
            .lookup(&s.dict, b"Resources")
            .ok()
            .flatten()
            .and_then(|o| o.as_dict().cloned());
        let form_resources = own.as_ref().unwrap_or(resources);
        if let Some(r) = id {
            self.forms.insert(r);
        }
        let bracket = |visit: &mut dyn FnMut(Event<'_>), op: &'static [u8]| {
            visit(Event::Op {
                op,
                operands: &[],
                ctm,
                resources,
            })
        };
        bracket(visit, b"q");
        let form_ctm = multiply(&matrix, ctm);
        let bbox = s
            .dict
            .get(b"BBox")
            .and_then(Object::as_array)
            .and_then(|a| {
                let v: Vec<f64> = a.iter().filter_map(Object::as_number).collect();
                (v.len() == 4 && v.iter().all(|x| x.is_finite())).then(|| {
                    [
                        v[0].min(v[2]),
                        v[1].min(v[3]),
                        v[0].max(v[2]),
                        v[1].max(v[3]),
                    ]
                })
            });
        visit(Event::Form {
            bbox,
            ctm: &form_ctm,
        });
        self.run(&content, form_ctm, form_resources, depth + 1, visit);
        bracket(visit, b"Q");
        if let Some(r) = id {
            self.forms.remove(&r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(data: &[u8]) -> Vec<(String, Vec<Object>)> {
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lexer.next_op(&mut operands) {
            out.push((String::from_utf8_lossy(op).into_owned(), operands.clone()));
        }
        out
    }

    #[test]
    fn operators_come_with_their_operands() {
        let got = ops(b"BT /F1 12 Tf 1 0 0 1 72.5 -.5 Tm [(A) -250 <0042>] TJ ET");
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Tm", "TJ", "ET"]);
        assert_eq!(
            got[1].1,
            vec![Object::Name(b"F1".to_vec()), Object::Int(12)]
        );
        assert_eq!(got[2].1[4], Object::Real(72.5));
        assert_eq!(got[2].1[5], Object::Real(-0.5));
        assert_eq!(
            got[3].1,
            vec![Object::Array(vec![
                Object::String(b"A".to_vec()),
                Object::Int(-250),
                Object::String(vec![0, 0x42]),
            ])]
        );
    }

    #[test]
    fn inline_image_data_is_skipped_and_its_size_kept() {
        let got = ops(b"q BI /W 4 /H 2 /BPC 8 /CS /G ID \x00EI)(\xff\x10 EI Q (x) Tj");
        let names: Vec<&str> = got.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["q", "BI", "Q", "Tj"]);
        let dict = got[1].1[0].as_dict().unwrap();
        assert_eq!(dict.int(b"W"), Some(4));
        assert_eq!(dict.int(b"H"), Some(2));
    }

    #[test]
    fn garbage_never_loops_or_panics() {
        for data in [
            &b"((((("[..],
            b")]}>>{[<<",
            b"<zz> /N [1 2",
            b"BI /W 1 ID",
            b"BI",
            b"-- . + 1e5 Tj",
            b"\x00\xff\xfe",
        ] {
            let _ = ops(data);
        }
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = [2.0, 0.0, 0.0, 3.0, 0.0, 0.0];
        let shift = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        // Scale first, then shift: (1, 1) → (2, 3) → (12, 23).
        assert_eq!(apply(&multiply(&scale, &shift), 1.0, 1.0), (12.0, 23.0));
    }
}
