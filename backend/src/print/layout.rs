//! The larger pieces of a printed document: tables (header rows repeated on every page, wrapped cells), the
//! cover and closing pages, and the canvas for vector drawing.

use pdf_writer::Content;
use shared::pdf::font::FontSubset;

use super::{Align, Printer, Style, show};

/// A column of a [`Table`]: its title (the first header row), relative width and alignment.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Relative width: the columns share the content width in proportion to these.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub fn new(title: &str, weight: f32) -> Self {
        Self {
            title: title.to_string(),
            weight,
            align: Align::Left,
        }
    }
    pub fn align(self, align: Align) -> Self {
        Self { align, ..self }
    }
}

/// A table: the column titles and any further `header_rows` are repeated at the top of every page it spans.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Header rows after the titles (for example the column numbers "(1)" … "(10)").
    pub header_rows: Vec<Vec<String>>,
    /// One `String` per column; `\n` starts a new line inside a cell.
    pub rows: Vec<Vec<String>>,
    /// Text size of the cells, in points.
    pub size: f32,
}

/// A cover page: `top` lines (agency) at the head, the `title` large in the middle with `lines` under it,
/// `bottom` lines at the foot. All centred.
#[derive(Debug, Clone, Default)]
pub struct Cover {
    pub top: Vec<String>,
    pub title: String,
    pub lines: Vec<String>,
    pub bottom: Vec<String>,
}

/// A closing page: statements (`lines`), then the signature block on the right: place and date, the signer's
/// title, room to sign, the name.
#[derive(Debug, Clone, Default)]
pub struct Closing {
    pub lines: Vec<String>,
    pub place_date: String,
    pub signer_title: String,
    pub signer_name: Option<String>,
}

/// A rectangle of a page for vector drawing, origin at its top-left corner, y downwards, in points.
pub struct Canvas<'a> {
    pub(crate) content: &'a mut Content,
    pub(crate) font: &'a mut FontSubset,
    pub(crate) page_height: f32,
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) width: f32,
    pub(crate) height: f32,
}

impl Canvas<'_> {
    pub fn width(&self) -> f32 {
        self.width
    }
    pub fn height(&self) -> f32 {
        self.height
    }

    fn to_pdf(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x, self.page_height - (self.y + y))
    }

    /// A rectangle with its top-left corner at (`x`, `y`), filled and/or stroked (0.5 pt) in RGB 0–1.
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<[f32; 3]>,
        stroke: Option<[f32; 3]>,
    ) {
        let (px, py) = self.to_pdf(x, y + h);
        rect(self.content, px, py, w, h, fill, stroke);
    }

    /// A straight line of `width` points.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: [f32; 3]) {
        let (a, b) = self.to_pdf(x1, y1);
        let (c, d) = self.to_pdf(x2, y2);
        let c_ = &mut *self.content;
        c_.save_state();
        c_.set_line_width(width);
        c_.set_stroke_rgb(color[0], color[1], color[2]);
        c_.move_to(a, b);
        c_.line_to(c, d);
        c_.stroke();
        c_.restore_state();
    }

    /// One line of text with its baseline at `y`; `x` is its left edge, centre or right edge as `style.align` says.
    pub fn text(&mut self, x: f32, y: f32, text: &str, style: Style) {
        let w = self.font.width(text, style.size);
        let left = match style.align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let (px, py) = self.to_pdf(left, y);
        let encoded = self.font.encode(text);
        show(self.content, px, py, &encoded, style);
    }

    /// Width of `text` at `size` points.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        self.font.width(text, size)
    }
}

fn rect(
    c: &mut Content,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    fill: Option<[f32; 3]>,
    stroke: Option<[f32; 3]>,
) {
    c.save_state();
    if let Some([r, g, b]) = fill {
        c.set_fill_rgb(r, g, b);
    }
    if let Some([r, g, b]) = stroke {
        c.set_stroke_rgb(r, g, b);
        c.set_line_width(0.5);
    }
    c.rect(x, y, w, h);
    match (fill.is_some(), stroke.is_some()) {
        (true, true) => c.fill_nonzero_and_stroke(),
        (true, false) => c.fill_nonzero(),
        (false, true) => c.stroke(),
        (false, false) => c.end_path(),
    };
    c.restore_state();
}

const PAD: f32 = 3.0;

impl Printer {
    /// A table over the content width; rows taller than what is left of a page continue on the next one, under
    /// the repeated header.
    pub fn table(&mut self, table: &Table) {
        let total: f32 = table
            .columns
            .iter()
            .map(|c| c.weight.max(0.0))
            .sum::<f32>()
            .max(f32::EPSILON);
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|c| c.weight.max(0.0) / total * self.content_width())
            .collect();
        let body = Style::BODY.size(table.size);
        let head = body.bold().align(Align::Center);
        let mut headers: Vec<(Vec<String>, Style)> = vec![(
            table.columns.iter().map(|c| c.title.clone()).collect(),
            head,
        )];
        headers.extend(
            table
                .header_rows
                .iter()
                .map(|r| (r.clone(), body.align(Align::Center))),
        );
        let header_height: f32 = headers
            .iter()
            .map(|(cells, style)| {
                self.row_height(&self.cell_lines(cells, &widths, style.size), style)
            })
            .sum();
        let draw_header = |p: &mut Printer| {
            for (cells, style) in &headers {
                let lines = p.cell_lines(cells, &widths, style.size);
                let h = p.row_height(&lines, style);
                p.draw_row(&widths, &lines, h, *style, None, Some(Printer::GRAY));
            }
        };
        let line_h = body.leading();
        self.ensure(header_height + line_h + 2.0 * PAD);
        draw_header(self);
        // Where the rows of the current page start (just under the header).
        let mut page_start = self.y;
        for row in &table.rows {
            let mut lines = self.cell_lines(row, &widths, body.size);
            loop {
                let needed = self.row_height(&lines, &body);
                if self.y + needed <= self.bottom() {
                    self.draw_row(
                        &widths,
                        &lines,
                        needed,
                        body,
                        Some(table.columns.as_slice()),
                        None,
                    );
                    break;
                }
                // A row that fits on a page of its own goes to the next page whole; a taller one is split, as
                // many lines here as fit.
                let fresh_room = self.bottom() - self.margin.top - header_height;
                let mut fit = ((self.bottom() - self.y - 2.0 * PAD) / line_h)
                    .floor()
                    .max(0.0) as usize;
                if (fit == 0 || needed <= fresh_room) && self.y > page_start {
                    self.page_break();
                    draw_header(self);
                    page_start = self.y;
                    continue;
                }
                // A header that leaves no room for a line still gets one line per page (never a loop).
                fit = fit.max(1);
                let rest: Vec<Vec<String>> = lines
                    .iter_mut()
                    .map(|l| l.split_off(fit.min(l.len())))
                    .collect();
                let h = self.row_height(&lines, &body);
                self.draw_row(
                    &widths,
                    &lines,
                    h,
                    body,
                    Some(table.columns.as_slice()),
                    None,
                );
                if rest.iter().all(Vec::is_empty) {
                    break;
                }
                lines = rest;
                self.page_break();
                draw_header(self);
                page_start = self.y;
            }
        }
        self.y += PAD;
    }

    fn bottom(&self) -> f32 {
        self.height - self.margin.bottom
    }

    fn cell_lines(&self, cells: &[String], widths: &[f32], size: f32) -> Vec<Vec<String>> {
        widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let text = cells.get(i).map(String::as_str).unwrap_or("");
                self.wrap(text, size, w - 2.0 * PAD)
            })
            .collect()
    }

    fn row_height(&self, lines: &[Vec<String>], style: &Style) -> f32 {
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        n as f32 * style.leading() + 2.0 * PAD
    }

    fn draw_row(
        &mut self,
        widths: &[f32],
        lines: &[Vec<String>],
        height: f32,
        style: Style,
        columns: Option<&[Column]>,
        fill: Option<[f32; 3]>,
    ) {
        let page_height = self.height;
        let mut x = self.margin.left;
        for (i, w) in widths.iter().enumerate() {
            let content = self.pages.last_mut().expect("a page to draw on");
            rect(
                content,
                x,
                page_height - self.y - height,
                *w,
                height,
                fill,
                Some(Printer::BLACK),
            );
            let align = columns
                .and_then(|c| c.get(i))
                .map_or(style.align, |c| c.align);
            for (k, line) in lines[i].iter().enumerate() {
                let baseline =
                    self.y + PAD + style.size + k as f32 * style.leading() - style.size * 0.1;
                self.draw_text(x + PAD, w - 2.0 * PAD, baseline, line, style.align(align));
            }
            x += w;
        }
        self.y += height;
    }

    /// A cover page of its own (the document's first page, when called first).
    pub fn cover(&mut self, cover: &Cover) {
        if !self.at_top() {
            self.page_break();
        }
        let top = Style::BODY.size(13.0).bold().align(Align::Center);
        for line in &cover.top {
            self.paragraph(line, top);
        }
        self.y = self.y.max(self.height * 0.36);
        self.paragraph(
            &cover.title,
            Style::BODY.size(24.0).bold().align(Align::Center),
        );
        self.y += 12.0;
        for line in &cover.lines {
            self.paragraph(line, Style::BODY.size(14.0).align(Align::Center));
        }
        let bottom = Style::BODY.size(12.0).align(Align::Center);
        let needed = cover.bottom.len() as f32 * bottom.leading();
        self.y = self.y.max(self.bottom() - needed - 12.0);
        for line in &cover.bottom {
            self.paragraph(line, bottom);
        }
        self.page_break();
    }

    /// A closing page of its own: the statements and the signature block.
    pub fn closing(&mut self, closing: &Closing) {
        if !self.at_top() {
            self.page_break();
        }
        for line in &closing.lines {
            self.paragraph(line, Style::BODY.size(12.0));
            self.y += 4.0;
        }
        self.y += 24.0;
        // The signature block: the right half of the page, centred in it.
        let half = self.content_width() / 2.0;
        let x = self.margin.left + half;
        let lines: Vec<(String, Style)> = [
            (closing.place_date.clone(), Style::BODY.size(12.0)),
            (closing.signer_title.clone(), Style::BODY.size(12.0).bold()),
            ("(Ký, ghi rõ họ tên)".to_string(), Style::BODY.size(10.5)),
        ]
        .into_iter()
        .filter(|(t, _)| !t.is_empty())
        .collect();
        self.ensure(lines.len() as f32 * 16.0 + 90.0);
        for (text, style) in lines {
            let baseline = self.y + style.size;
            self.draw_text(x, half, baseline, &text, style.align(Align::Center));
            self.y += style.leading();
        }
        self.y += 64.0;
        if let Some(name) = &closing.signer_name {
            let style = Style::BODY.size(12.0).bold().align(Align::Center);
            let baseline = self.y + style.size;
            self.draw_text(x, half, baseline, name, style);
            self.y += style.leading();
        }
    }
}
