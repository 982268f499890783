//! Where a page's content puts ink: the bounding box of what its content streams draw — text (advance widths ×
//! the font's ascent and descent), paths, images, shadings, form XObjects run through their matrices and
//! clipped by their `/BBox` — so a stamp (the verification code and its QR code) can be placed where it never
//! covers text. Annotations are not content and are ignored. Nothing is rendered; the box is a little larger
//! than the ink (glyph boxes are whole em boxes, a curve counts its control points), never smaller.
//!
//! Boxes are `[x0, y0, x1, y1]` in the page's default user space; [`user_to_display`] turns one into a
//! [`DisplayRect`] of the displayed page (rotation applied, origin at the crop box's bottom left), the
//! coordinates [`Placement::on`](super::appearance::Placement::on) takes.

use super::appearance::{DisplayRect, display_size};
use super::content::{Budget, Event, IDENTITY, Matrix, apply, walk_page_with};
use super::document::{Document, Page};
use super::object::Object;
use super::text::TextCollector;

/// A box `[x0, y0, x1, y1]` in user space, `x0 ≤ x1`, `y0 ≤ y1`.
pub type Rect = [f64; 4];

/// The box of everything the content of `page` draws, in default user space, clipped to the crop box; `None`
/// for a page that draws nothing visible. White paint (a background rectangle, a white-out) is not ink.
///
/// Signature (a contract): `content_bbox(&doc, &page) -> Option<[f64; 4]>`.
pub fn content_bbox(doc: &Document, page: &Page) -> Option<Rect> {
    let mut ink = Ink::new(doc, page.crop_box);
    let mut budget = Budget::PAGE;
    walk_page_with(doc, page, IDENTITY, &mut budget, &mut |event| {
        ink.event(&event)
    });
    ink.bbox
}

/// A user-space box on the displayed page (see [`super::appearance::display_to_user`], of which this is the
/// inverse).
pub fn user_to_display(page: &Page, r: Rect) -> DisplayRect {
    let [x0, y0, x1, y1] = page.crop_box;
    let map = |x: f64, y: f64| match page.rotate {
        90 => (y - y0, x1 - x),
        180 => (x1 - x, y1 - y),
        270 => (y1 - y, x - x0),
        _ => (x - x0, y - y0),
    };
    let (ax, ay) = map(r[0], r[1]);
    let (bx, by) = map(r[2], r[3]);
    DisplayRect {
        x: ax.min(bx),
        y: ay.min(by),
        w: (ax - bx).abs(),
        h: (ay - by).abs(),
    }
}

/// Kept clear along the page's edges (5 mm: what printers cannot print, and what looks cramped).
pub const EDGE: f64 = 14.17;
/// Kept between the content and anything placed beside it.
pub const GAP: f64 = 6.0;

/// The empty margins around a page's content, on the displayed page, each as wide as the page allows: what
/// lies below the content (`below`, the full width of the page), above it, and to its left and right (the
/// full height), each `EDGE` from the page's edges and `GAP` from the content; `None` where nothing is left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeAreas {
    /// The content's box as displayed; `None` for a blank page (then `below` is the whole page).
    pub content: Option<DisplayRect>,
    pub below: Option<DisplayRect>,
    pub above: Option<DisplayRect>,
    pub left: Option<DisplayRect>,
    pub right: Option<DisplayRect>,
}

/// The free margins of `page` (see [`FreeAreas`]).
pub fn free_areas(doc: &Document, page: &Page) -> FreeAreas {
    let (pw, ph) = display_size(page);
    let content = content_bbox(doc, page).map(|r| user_to_display(page, r));
    let area = |x0: f64, y0: f64, x1: f64, y1: f64| {
        (x1 - x0 > 1.0 && y1 - y0 > 1.0).then_some(DisplayRect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        })
    };
    let Some(c) = content else {
        let whole = area(EDGE, EDGE, pw - EDGE, ph - EDGE);
        return FreeAreas {
            content: None,
            below: whole,
            above: None,
            left: None,
            right: None,
        };
    };
    FreeAreas {
        content: Some(c),
        below: area(EDGE, EDGE, pw - EDGE, c.y - GAP),
        above: area(EDGE, c.y + c.h + GAP, pw - EDGE, ph - EDGE),
        left: area(EDGE, EDGE, c.x - GAP, ph - EDGE),
        right: area(c.x + c.w + GAP, EDGE, pw - EDGE, ph - EDGE),
    }
}

/// A band `height` points tall across the bottom of the displayed page (`EDGE` from the edges) that the
/// content does not reach, `GAP` clear of it; `None` when the content comes too low. The rectangle is ready for
/// [`Placement::on`](super::appearance::Placement::on).
pub fn free_band_below(doc: &Document, page: &Page, height: f64) -> Option<DisplayRect> {
    let below = free_areas(doc, page).below?;
    (height > 0.0 && below.h >= height).then_some(DisplayRect { h: height, ..below })
}

/// The graphics state the box needs (§8.4): what `q`/`Q` save.
#[derive(Clone, Copy)]
struct State {
    /// What may still be drawn, user space; `None` is the whole page.
    clip: Option<Rect>,
    line_width: f64,
    fill_white: bool,
    stroke_white: bool,
}

const MAX_SAVED: usize = 512;

/// Listens to a page walk and grows the box of what is drawn.
struct Ink<'d, 'a> {
    text: TextCollector<'d, 'a>,
    page: Rect,
    state: State,
    saved: Vec<State>,
    /// `q` beyond the limit, counted so that the matching `Q` still pairs up (as the walker does).
    overflow: usize,
    /// The path under construction, user space.
    path: Option<Rect>,
    /// `W`/`W*` seen: the path, when it ends, clips.
    clip_pending: bool,
    bbox: Option<Rect>,
}

impl<'d, 'a> Ink<'d, 'a> {
    fn new(doc: &'d Document<'a>, page: Rect) -> Self {
        Self {
            text: TextCollector::new(doc).keep_ink(),
            page,
            state: State {
                clip: None,
                line_width: 1.0,
                fill_white: false,
                stroke_white: false,
            },
            saved: Vec::new(),
            overflow: 0,
            path: None,
            clip_pending: false,
            bbox: None,
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Image { ctm, .. } => {
                let r = transform(ctm, [0.0, 0.0, 1.0, 1.0]);
                self.paint(r);
            }
            Event::Form { bbox, ctm } => {
                if let Some(b) = bbox {
                    self.clip_to(transform(ctm, b));
                }
            }
            Event::Op {
                op, operands, ctm, ..
            } => {
                self.text.event(event);
                for r in self.text.take_ink() {
                    self.paint(r);
                }
                self.op(op, operands, ctm);
            }
        }
    }

    fn op(&mut self, op: &[u8], operands: &[Object], ctm: &Matrix) {
        let num = |i: usize| {
            operands
                .get(i)
                .and_then(Object::as_number)
                .filter(|v| v.is_finite())
        };
        let point = |i: usize| Some(apply(ctm, num(i)?, num(i + 1)?));
        match op {
            b"q" if self.saved.len() < MAX_SAVED => self.saved.push(self.state),
            b"q" => self.overflow += 1,
            b"Q" if self.overflow > 0 => self.overflow -= 1,
            b"Q" => {
                if let Some(s) = self.saved.pop() {
                    self.state = s;
                }
            }
            b"w" => self.state.line_width = num(0).unwrap_or(1.0).abs(),
            b"g" | b"rg" | b"k" | b"sc" | b"scn" => self.state.fill_white = is_white(operands),
            b"G" | b"RG" | b"K" | b"SC" | b"SCN" => self.state.stroke_white = is_white(operands),
            // A new colour space starts at its initial colour, black for the device spaces.
            b"cs" => self.state.fill_white = false,
            b"CS" => self.state.stroke_white = false,
            b"m" | b"l" => {
                if let Some(p) = point(0) {
                    self.extend_path(p);
                }
            }
            b"c" => {
                for i in [0, 2, 4] {
                    if let Some(p) = point(i) {
                        self.extend_path(p);
                    }
                }
            }
            b"v" | b"y" => {
                for i in [0, 2] {
                    if let Some(p) = point(i) {
                        self.extend_path(p);
                    }
                }
            }
            b"re" => {
                if let (Some(x), Some(y), Some(w), Some(h)) = (num(0), num(1), num(2), num(3)) {
                    for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                        self.extend_path(apply(ctm, px, py));
                    }
                }
            }
            b"W" | b"W*" => self.clip_pending = true,
            b"S" | b"s" => self.end_path(false, true, ctm),
            b"f" | b"F" | b"f*" => self.end_path(true, false, ctm),
            b"B" | b"B*" | b"b" | b"b*" => self.end_path(true, true, ctm),
            b"n" => self.end_path(false, false, ctm),
            // A shading fills the clip (the whole page without one).
            b"sh" => self.paint(self.state.clip.unwrap_or(self.page)),
            _ => {}
        }
    }

    fn extend_path(&mut self, (x, y): (f64, f64)) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        self.path = Some(match self.path {
            Some(r) => [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)],
            None => [x, y, x, y],
        });
    }

    fn end_path(&mut self, fill: bool, stroke: bool, ctm: &Matrix) {
        let path = self.path.take();
        if let Some(r) = path {
            let fill = fill && !self.state.fill_white;
            let stroke = stroke && !self.state.stroke_white;
            if stroke {
                // Half the line width each side, in user space (a zero width is the thinnest line).
                let half =
                    self.state.line_width * (ctm[0] * ctm[3] - ctm[1] * ctm[2]).abs().sqrt() / 2.0;
                let half = if half.is_finite() { half } else { 0.0 };
                self.paint([r[0] - half, r[1] - half, r[2] + half, r[3] + half]);
            } else if fill {
                self.paint(r);
            }
        }
        if std::mem::take(&mut self.clip_pending) {
            // An empty clipping path clips everything away.
            self.clip_to(path.unwrap_or([0.0; 4]));
        }
    }

    fn clip_to(&mut self, r: Rect) {
        self.state.clip = Some(match self.state.clip {
            Some(c) => intersect(c, r).unwrap_or([c[0], c[1], c[0], c[1]]),
            None => r,
        });
    }

    fn paint(&mut self, r: Rect) {
        if !r.iter().all(|v| v.is_finite()) {
            return;
        }
        let mut r = r;
        if let Some(c) = self.state.clip {
            let Some(clipped) = intersect(r, c) else {
                return;
            };
            r = clipped;
        }
        let Some(r) = intersect(r, self.page) else {
            return;
        };
        self.bbox = Some(match self.bbox {
            Some(b) => [
                b[0].min(r[0]),
                b[1].min(r[1]),
                b[2].max(r[2]),
                b[3].max(r[3]),
            ],
            None => r,
        });
    }
}

/// Whether colour operands are white in a device space (1 gray, 3 RGB, 4 CMYK components).
fn is_white(operands: &[Object]) -> bool {
    let v: Vec<f64> = operands.iter().filter_map(Object::as_number).collect();
    if v.len() != operands.len() {
        // A pattern name: not white.
        return false;
    }
    match v.as_slice() {
        [g] => *g >= 0.999,
        [r, g, b] => *r >= 0.999 && *g >= 0.999 && *b >= 0.999,
        [c, m, y, k] => c.abs() + m.abs() + y.abs() + k.abs() <= 0.001,
        _ => false,
    }
}

/// The box around a box mapped by `m`.
fn transform(m: &Matrix, r: Rect) -> Rect {
    let corners =
        [(r[0], r[1]), (r[2], r[1]), (r[0], r[3]), (r[2], r[3])].map(|(x, y)| apply(m, x, y));
    let mut out = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in corners {
        out = [out[0].min(x), out[1].min(y), out[2].max(x), out[3].max(y)];
    }
    out
}

/// The overlap of two boxes; `None` when they do not overlap (touching edges overlap).
fn intersect(a: Rect, b: Rect) -> Option<Rect> {
    let r = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    (r[0] <= r[2] && r[1] <= r[3]).then_some(r)
}

#[cfg(test)]
mod tests {
    use pdf_writer::{Name, Pdf, Rect as PdfRect, Ref};

    use super::*;

    /// One A4 page drawing `content`, with a Helvetica font /F1 (no widths: the standard metrics apply), a form
    /// /Fm1 (matrix: moved to 400,400; bbox 20×20; fills 100×100) and a 1×1 image /Im1.
    fn page_pdf(content: &[u8], rotate: i32) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let (catalog, tree, page, font, form, image, body) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
            Ref::new(6),
            Ref::new(7),
        );
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.parent(tree)
            .media_box(PdfRect::new(0.0, 0.0, 595.0, 842.0))
            .rotate(rotate)
            .contents(body);
        let mut resources = p.resources();
        resources.fonts().pair(Name(b"F1"), font);
        resources
            .x_objects()
            .pair(Name(b"Fm1"), form)
            .pair(Name(b"Im1"), image);
        drop(resources);
        drop(p);
        pdf.type1_font(font).base_font(Name(b"Helvetica"));
        pdf.form_xobject(form, b"0 0 100 100 re f")
            .bbox(PdfRect::new(0.0, 0.0, 20.0, 20.0))
            .matrix([1.0, 0.0, 0.0, 1.0, 400.0, 400.0]);
        let mut im = pdf.image_xobject(image, &[0u8]);
        im.width(1).height(1).bits_per_component(8);
        im.color_space().device_gray();
        drop(im);
        pdf.stream(body, content);
        pdf.finish()
    }

    fn bbox_of(content: &[u8], rotate: i32) -> Option<Rect> {
        let data = page_pdf(content, rotate);
        let doc = Document::open(&data).unwrap();
        let pages = doc.pages().unwrap();
        content_bbox(&doc, &pages[0])
    }

    fn close(a: Rect, b: Rect) -> bool {
        (0..4).all(|i| (a[i] - b[i]).abs() < 0.01)
    }

    #[test]
    fn paths_count_with_their_clip_and_line_width_and_white_is_not_ink() {
        let content = b"1 1 1 rg 0 0 595 842 re f 0 g 100 100 50 50 re f \
            q 200 200 10 10 re W n 0 0 595 842 re f Q \
            q 2 0 0 2 300 300 cm 0 0 m 10 0 l S Q";
        let got = bbox_of(content, 0).unwrap();
        assert!(close(got, [100.0, 100.0, 321.0, 301.0]), "{got:?}");
    }

    #[test]
    fn forms_run_through_their_matrix_clipped_by_their_box_and_images_fill_the_unit_square() {
        let got = bbox_of(b"/Fm1 Do q 50 0 0 20 10 700 cm /Im1 Do Q", 0).unwrap();
        assert!(close(got, [10.0, 400.0, 420.0, 720.0]), "{got:?}");
        let form_only = bbox_of(b"/Fm1 Do", 0).unwrap();
        assert!(
            close(form_only, [400.0, 400.0, 420.0, 420.0]),
            "{form_only:?}"
        );
    }

    #[test]
    fn text_covers_its_advance_and_the_em_box_but_not_when_invisible() {
        // A and B are 667/1000 em in Helvetica; no descriptor: ascent 0.8, descent −0.2 em.
        let got = bbox_of(
            b"BT /F1 10 Tf 100 500 Td (AB ) Tj 3 Tr 0 -100 Td (hidden) Tj ET",
            0,
        )
        .unwrap();
        assert!(close(got, [100.0, 498.0, 113.34, 508.0]), "{got:?}");
        assert_eq!(bbox_of(b"BT /F1 10 Tf 3 Tr 100 500 Td (x) Tj ET", 0), None);
        assert_eq!(bbox_of(b"1 g 0 0 595 842 re f", 0), None);
    }

    #[test]
    fn the_box_and_the_free_band_are_given_on_the_displayed_page() {
        let data = page_pdf(b"100 100 50 50 re f", 90);
        let doc = Document::open(&data).unwrap();
        let page = &doc.pages().unwrap()[0];
        let shown = user_to_display(page, content_bbox(&doc, page).unwrap());
        // Turned a quarter clockwise: user y runs left to right, user x from the top down.
        assert_eq!(
            (shown.x, shown.y, shown.w, shown.h),
            (100.0, 445.0, 50.0, 50.0)
        );
        // Round trip through the mapping the stamp's placement uses.
        let (ux, uy) = super::super::appearance::display_to_user(page, shown.x, shown.y);
        assert!((ux - 150.0).abs() < 1e-9 && (uy - 100.0).abs() < 1e-9);
        let band = free_band_below(&doc, page, 80.0).unwrap();
        assert_eq!((band.x, band.y, band.h), (EDGE, EDGE, 80.0));
        assert!((band.w - (842.0 - 2.0 * EDGE)).abs() < 1e-9);
        assert!(band.y + band.h <= shown.y - GAP);
        // Content reaching the bottom leaves no band there, but a margin to the side.
        let data = page_pdf(b"100 20 50 700 re f", 0);
        let doc = Document::open(&data).unwrap();
        let page = &doc.pages().unwrap()[0];
        assert_eq!(free_band_below(&doc, page, 40.0), None);
        let right = free_areas(&doc, page).right.unwrap();
        assert!((right.x - 156.0).abs() < 1e-9, "{right:?}");
    }

    #[test]
    fn a_blank_page_is_free_everywhere() {
        let data = page_pdf(b"", 0);
        let doc = Document::open(&data).unwrap();
        let page = &doc.pages().unwrap()[0];
        assert_eq!(content_bbox(&doc, page), None);
        let band = free_band_below(&doc, page, 100.0).unwrap();
        assert_eq!((band.x, band.y, band.h), (EDGE, EDGE, 100.0));
    }
}
