//! Server-made PDFs (registers, histories, reports, hand-over records): a small document builder over
//! `pdf-writer` with the embedded Vietnamese font of the PDF core ([`shared::pdf::font::FontSubset`]: Liberation
//! Serif, subset CID font with a ToUnicode map, so `pdftotext` and copy-paste give back Vietnamese).
//!
//! The builder lays content out from the top of an A4 page down and starts a new page when the next piece does
//! not fit; every page gets "Trang k/N" at the bottom when the document is finished.
//!
//! ```ignore
//! use crate::print::{Align, Closing, Column, Cover, Orientation, Printer, Style, Table};
//!
//! let mut p = Printer::new(Orientation::Landscape, "Sổ đăng ký văn bản đi")?;
//! p.cover(&Cover {
//!     top: vec!["UBND TỈNH VĨNH LONG".into()],
//!     title: "SỔ ĐĂNG KÝ VĂN BẢN ĐI".into(),
//!     lines: vec!["Năm 2026".into()],
//!     bottom: vec![],
//! });
//! p.heading("Danh sách", 1);
//! p.paragraph("Đoạn văn dài tự xuống dòng theo từng từ.", Style::BODY);
//! p.table(&Table {
//!     columns: vec![Column::new("Số", 1.0), Column::new("Trích yếu", 4.0).align(Align::Left)],
//!     header_rows: vec![vec!["(1)".into(), "(2)".into()]], // more header rows, repeated on every page too
//!     rows: vec![vec!["1".into(), "Về việc …".into()]],
//!     size: 9.0,
//! });
//! p.figure(120.0, |c| {
//!     // A box of the full content width and 120 pt, origin at its top-left corner, y downwards.
//!     c.rect(0.0, 0.0, 40.0, 100.0, Some(Printer::GRAY), None);
//!     c.line(0.0, 100.0, c.width(), 100.0, 0.5, Printer::BLACK);
//!     c.text(0.0, 112.0, "Quý I", Style::SMALL);
//! });
//! p.closing(&Closing { lines: vec!["Sổ có 12 văn bản.".into()], place_date: "Vĩnh Long, ngày 5 tháng 12 năm 2026".into(),
//!     signer_title: "NGƯỜI LẬP SỔ".into(), signer_name: Some("Nguyễn Văn A".into()) });
//! let bytes: Vec<u8> = p.finish()?;
//! ```
//!
//! There is only a regular face in `shared/assets/fonts`; bold text is drawn filled and stroked (a faux bold),
//! so headings stand out by weight and size and still extract as plain text.

pub mod history;
mod layout;
pub mod register;

pub use layout::{Canvas, Closing, Column, Cover, Table};

use pdf_writer::types::TextRenderingMode;
use pdf_writer::{Content, Filter, Name, Pdf, Rect, Ref, Str, TextStr};
use shared::pdf::error::PdfResult;
use shared::pdf::filter::deflate;
use shared::pdf::font::FontSubset;

/// Page orientation of an A4 document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// Horizontal alignment of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// How a piece of text looks: size in points, weight, alignment, colour (RGB 0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub align: Align,
    pub color: [f32; 3],
}

impl Style {
    /// Body text: 11 pt, left.
    pub const BODY: Style = Style {
        size: 11.0,
        bold: false,
        align: Align::Left,
        color: [0.0, 0.0, 0.0],
    };
    /// Small print (notes, chart labels): 8.5 pt.
    pub const SMALL: Style = Style {
        size: 8.5,
        ..Style::BODY
    };

    pub fn size(self, size: f32) -> Self {
        Self { size, ..self }
    }
    pub fn bold(self) -> Self {
        Self { bold: true, ..self }
    }
    pub fn align(self, align: Align) -> Self {
        Self { align, ..self }
    }
    pub fn color(self, color: [f32; 3]) -> Self {
        Self { color, ..self }
    }
    /// Distance between baselines.
    pub fn leading(&self) -> f32 {
        self.size * 1.25
    }
}

/// Builds one PDF. See the module documentation for the whole API.
pub struct Printer {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) margin: Margins,
    pub(crate) font: FontSubset,
    pub(crate) pages: Vec<Content>,
    /// Distance from the top edge of the current page to where the next piece goes.
    pub(crate) y: f32,
    title: String,
    numbered: bool,
}

/// Page margins in points.
#[derive(Debug, Clone, Copy)]
pub struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

const A4: (f32, f32) = (595.28, 841.89);

impl Printer {
    pub const BLACK: [f32; 3] = [0.0, 0.0, 0.0];
    pub const GRAY: [f32; 3] = [0.85, 0.85, 0.85];

    /// An empty document; `title` goes into the document information (what a viewer shows as its title).
    pub fn new(orientation: Orientation, title: &str) -> PdfResult<Self> {
        let (width, height) = match orientation {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        };
        Ok(Self {
            width,
            height,
            // 2 cm on the binding side, 1.5 cm elsewhere; the page number sits in the bottom margin.
            margin: Margins {
                top: 42.0,
                bottom: 48.0,
                left: 57.0,
                right: 42.0,
            },
            font: FontSubset::new()?,
            pages: Vec::new(),
            y: 0.0,
            title: title.to_string(),
            numbered: true,
        })
    }

    /// Whether every page gets "Trang k/N" (the default).
    pub fn number_pages(&mut self, on: bool) {
        self.numbered = on;
    }

    /// Width available between the left and right margins.
    pub fn content_width(&self) -> f32 {
        self.width - self.margin.left - self.margin.right
    }

    /// Height left on the current page (0 before the first page).
    pub fn space_left(&self) -> f32 {
        if self.pages.is_empty() {
            0.0
        } else {
            (self.height - self.margin.bottom - self.y).max(0.0)
        }
    }

    /// Number of pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Starts a new page.
    pub fn page_break(&mut self) {
        self.pages.push(Content::new());
        self.y = self.margin.top;
    }

    /// Makes sure `height` points fit on the current page, starting a new one when they do not.
    pub fn ensure(&mut self, height: f32) {
        if self.pages.is_empty()
            || (self.y + height > self.height - self.margin.bottom && !self.at_top())
        {
            self.page_break();
        }
    }

    /// Whether nothing has been placed on the current page yet.
    pub fn at_top(&self) -> bool {
        !self.pages.is_empty() && self.y <= self.margin.top + 0.01
    }

    /// Vertical space.
    pub fn space(&mut self, points: f32) {
        if !self.at_top() {
            self.y += points;
        }
    }

    /// A heading: level 1 (15 pt), 2 (13 pt) or 3 and below (11.5 pt), bold, kept with a little room after it.
    pub fn heading(&mut self, text: &str, level: u8) {
        let size = match level {
            0 | 1 => 15.0,
            2 => 13.0,
            _ => 11.5,
        };
        let style = Style::BODY.size(size).bold();
        // A heading alone at the foot of a page is moved to the next.
        self.ensure(style.leading() * 3.0);
        self.space(size * 0.5);
        self.paragraph(text, style);
        self.y += size * 0.3;
    }

    /// A paragraph wrapped at word boundaries to the content width, aligned as `style` says.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let lines = self.wrap(text, style.size, self.content_width());
        let (left, width) = (self.margin.left, self.content_width());
        for line in lines {
            self.ensure(style.leading());
            let baseline = self.y + style.size;
            self.draw_text(left, width, baseline, &line, style);
            self.y += style.leading();
        }
    }

    /// Splits `text` into lines no wider than `width` at `size`: at the newlines it has, then between words, and
    /// inside a word only when the word alone is wider than the line.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.font.width(&candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut between characters.
                for ch in word.chars() {
                    let mut next = line.clone();
                    next.push(ch);
                    if !line.is_empty() && self.font.width(&next, size) > width {
                        out.push(std::mem::take(&mut line));
                        line.push(ch);
                    } else {
                        line = next;
                    }
                }
            }
            out.push(line);
        }
        out
    }

    /// Width of `text` at `size` points.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        self.font.width(text, size)
    }

    /// Draws one line in the box `[x, x + width]` at `baseline` (distance from the page top), aligned by `style`.
    pub(crate) fn draw_text(
        &mut self,
        x: f32,
        width: f32,
        baseline: f32,
        text: &str,
        style: Style,
    ) {
        let page_height = self.height;
        let tw = self.font.width(text, style.size);
        let x = match style.align {
            Align::Left => x,
            Align::Center => x + (width - tw) / 2.0,
            Align::Right => x + width - tw,
        };
        let encoded = self.font.encode(text);
        let content = self.pages.last_mut().expect("a page to draw on");
        show(content, x, page_height - baseline, &encoded, style);
    }

    /// A box of the full content width and `height` points for vector drawing (charts): `draw` gets a
    /// [`Canvas`] with its origin at the box's top-left corner and y growing downwards.
    pub fn figure(&mut self, height: f32, draw: impl FnOnce(&mut Canvas<'_>)) {
        self.ensure(height);
        let (x, y, width) = (self.margin.left, self.y, self.content_width());
        let page_height = self.height;
        let content = self.pages.last_mut().expect("a page to draw on");
        let mut canvas = Canvas {
            content,
            font: &mut self.font,
            page_height,
            x,
            y,
            width,
            height,
        };
        draw(&mut canvas);
        self.y += height;
    }

    /// The finished PDF: fonts subset to the glyphs used, page numbers added, streams compressed.
    pub fn finish(mut self) -> PdfResult<Vec<u8>> {
        if self.pages.is_empty() {
            self.page_break();
        }
        let total = self.pages.len();
        if self.numbered {
            for k in 0..total {
                let text = format!("Trang {}/{}", k + 1, total);
                let encoded = self.font.encode(&text);
                let style = Style::SMALL.size(9.0);
                let x = (self.width - self.font.width(&text, style.size)) / 2.0;
                show(
                    &mut self.pages[k],
                    x,
                    self.margin.bottom / 2.0,
                    &encoded,
                    style,
                );
            }
        }
        let mut next = 0;
        let mut alloc = move || {
            next += 1;
            Ref::new(next)
        };
        let (catalog, tree, info) = (alloc(), alloc(), alloc());
        let mut chunks = Vec::new();
        let font = self.font.write(&mut alloc, &mut chunks)?;
        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);
        for chunk in &chunks {
            pdf.extend(chunk);
        }
        let page_refs: Vec<(Ref, Ref)> = (0..total).map(|_| (alloc(), alloc())).collect();
        pdf.catalog(catalog).pages(tree).lang(TextStr("vi"));
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("vanban"));
        pdf.pages(tree)
            .kids(page_refs.iter().map(|(p, _)| *p))
            .count(total as i32);
        for (content, (page, stream)) in self.pages.into_iter().zip(&page_refs) {
            let data = deflate(&content.finish());
            pdf.stream(*stream, &data).filter(Filter::FlateDecode);
            let mut p = pdf.page(*page);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, self.width, self.height))
                .contents(*stream);
            p.resources().fonts().pair(Name(b"F1"), font);
        }
        Ok(pdf.finish())
    }
}

/// Shows encoded text with its baseline at (`x`, `y`) in PDF space (origin bottom left).
fn show(content: &mut Content, x: f32, y: f32, encoded: &[u8], style: Style) {
    let [r, g, b] = style.color;
    content.save_state();
    content.set_fill_rgb(r, g, b);
    if style.bold {
        content.set_stroke_rgb(r, g, b);
        content.set_line_width(style.size * 0.035);
    }
    content.begin_text();
    if style.bold {
        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
    }
    content.set_font(Name(b"F1"), style.size);
    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
    content.show(Str(encoded));
    content.end_text();
    content.restore_state();
}
