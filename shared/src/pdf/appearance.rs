//! What a signature or a filled field looks like on the page: the three appearances of NĐ 30/2020 Phụ lục I
//! (signer, agency seal, separate attachment) and the text of filled number/date fields, drawn as form XObjects.
//!
//! Coordinates: callers speak in points of the page *as displayed* (rotation applied, origin at the bottom left
//! of the crop box); [`Placement`] maps that to the page's user space, and each appearance carries a /Matrix so
//! it stands upright on rotated pages.

use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str};

use super::document::Page;
use super::error::{PdfError, PdfResult};
use super::filter::deflate;
use super::font::FontSubset;

/// A rectangle on the displayed page: x, y of the bottom-left corner, width, height, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DisplayRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where an appearance goes on a page, in both coordinate systems.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// The annotation's /Rect in user space.
    pub rect: [f64; 4],
    /// Width and height as displayed.
    pub width: f64,
    pub height: f64,
    /// The appearance's /Matrix: turns displayed orientation back into user space.
    pub matrix: [f32; 6],
}

/// Width and height of a page as displayed.
pub fn display_size(page: &Page) -> (f64, f64) {
    let [x0, y0, x1, y1] = page.crop_box;
    if page.rotate % 180 == 0 {
        (x1 - x0, y1 - y0)
    } else {
        (y1 - y0, x1 - x0)
    }
}

/// Maps a point of the displayed page to user space.
pub fn display_to_user(page: &Page, dx: f64, dy: f64) -> (f64, f64) {
    let [x0, y0, x1, y1] = page.crop_box;
    match page.rotate {
        90 => (x1 - dy, y0 + dx),
        180 => (x1 - dx, y1 - dy),
        270 => (x0 + dy, y1 - dx),
        _ => (x0 + dx, y0 + dy),
    }
}

impl Placement {
    pub fn on(page: &Page, r: DisplayRect) -> PdfResult<Self> {
        let (pw, ph) = display_size(page);
        if !(r.w > 0.0 && r.h > 0.0)
            || r.x < -0.5
            || r.y < -0.5
            || r.x + r.w > pw + 0.5
            || r.y + r.h > ph + 0.5
        {
            return Err(PdfError::Placement(format!(
                "ô ({:.0}, {:.0}, {:.0}×{:.0}) nằm ngoài trang ({pw:.0}×{ph:.0} điểm)",
                r.x, r.y, r.w, r.h
            )));
        }
        let (ax, ay) = display_to_user(page, r.x, r.y);
        let (bx, by) = display_to_user(page, r.x + r.w, r.y + r.h);
        Ok(Self::of_user_rect(
            page,
            [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)],
        ))
    }

    /// The placement of a rectangle already in user space (an existing widget's /Rect), upright as displayed.
    pub fn of_user_rect(page: &Page, rect: [f64; 4]) -> Self {
        let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
        let (width, height) = if page.rotate % 180 == 0 {
            (w, h)
        } else {
            (h, w)
        };
        let matrix = match page.rotate {
            90 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
            180 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
            270 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
            _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        };
        Self {
            rect,
            width,
            height,
            matrix,
        }
    }
}

/// A decoded PNG ready to embed: 8-bit RGB or gray samples plus an optional alpha mask.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub color: Vec<u8>,
    pub gray: bool,
    pub alpha: Option<Vec<u8>>,
    /// Dots per inch from the PNG's pHYs chunk, when it says.
    pub dpi: Option<f64>,
}

impl Image {
    pub fn from_png(bytes: &[u8]) -> PdfResult<Self> {
        let bad =
            |e: png::DecodingError| PdfError::Signing(format!("ảnh PNG không đọc được ({e})"));
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(bad)?;
        let (width, height) = (reader.info().width, reader.info().height);
        if u64::from(width) * u64::from(height) > 25_000_000 {
            return Err(PdfError::Signing(
                "ảnh chữ ký quá lớn (tối đa 25 megapixel)".into(),
            ));
        }
        let dpi = reader.info().pixel_dims.and_then(|d| match d.unit {
            png::Unit::Meter if d.xppu > 0 => Some(f64::from(d.xppu) * 0.0254),
            _ => None,
        });
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| PdfError::Signing("ảnh chữ ký quá lớn".into()))?;
        let mut buf = vec![0; size];
        let frame = reader.next_frame(&mut buf).map_err(bad)?;
        let buf = &buf[..frame.buffer_size()];
        let (channels, gray) = match frame.color_type {
            png::ColorType::Grayscale => (1, true),
            png::ColorType::GrayscaleAlpha => (2, true),
            png::ColorType::Rgb => (3, false),
            png::ColorType::Rgba => (4, false),
            png::ColorType::Indexed => {
                return Err(PdfError::Signing(
                    "ảnh PNG bảng màu chưa được hỗ trợ".into(),
                ));
            }
        };
        let has_alpha = channels == 2 || channels == 4;
        let color_channels = if gray { 1 } else { 3 };
        let mut color = Vec::with_capacity(buf.len());
        let mut alpha = has_alpha.then(Vec::new);
        for px in buf.chunks_exact(channels) {
            color.extend_from_slice(&px[..color_channels]);
            if let Some(a) = alpha.as_mut() {
                a.push(px[channels - 1]);
            }
        }
        Ok(Self {
            width,
            height,
            color,
            gray,
            alpha,
            dpi,
        })
    }

    /// Size in points when printed at its own resolution (300 dpi when the file does not say).
    pub fn natural_size(&self) -> (f64, f64) {
        let dpi = self.dpi.unwrap_or(300.0);
        (
            f64::from(self.width) * 72.0 / dpi,
            f64::from(self.height) * 72.0 / dpi,
        )
    }

    fn write(&self, alloc: &mut dyn FnMut() -> Ref, chunks: &mut Vec<Chunk>) -> Ref {
        let id = alloc();
        let mask = self.alpha.as_ref().map(|a| {
            let mask_id = alloc();
            let data = deflate(a);
            let mut c = Chunk::new();
            let mut x = c.image_xobject(mask_id, &data);
            x.width(self.width as i32).height(self.height as i32);
            x.color_space().device_gray();
            x.filter(Filter::FlateDecode);
            x.bits_per_component(8);
            x.finish();
            chunks.push(c);
            mask_id
        });
        let data = deflate(&self.color);
        let mut c = Chunk::new();
        let mut x = c.image_xobject(id, &data);
        x.width(self.width as i32).height(self.height as i32);
        x.filter(Filter::FlateDecode);
        if self.gray {
            x.color_space().device_gray();
        } else {
            x.color_space().device_rgb();
        }
        x.bits_per_component(8);
        if let Some(m) = mask {
            x.s_mask(m);
        }
        x.finish();
        chunks.push(c);
        id
    }
}

/// One line of text in an appearance.
pub struct TextLine {
    pub text: String,
    pub size: f32,
    /// Fill colour, RGB 0–1.
    pub color: [f32; 3],
}

/// The drawing inside an appearance box (in displayed orientation, origin bottom left).
pub struct Drawing {
    /// Image and the box it is fitted into (keeping its aspect ratio), x y w h.
    pub image: Option<(Image, [f64; 4])>,
    /// Text lines from the top, left-aligned at `text_origin` (x, y of the first baseline).
    pub lines: Vec<TextLine>,
    pub text_origin: (f64, f64),
    pub line_gap: f64,
}

/// Writes a form XObject of `width`×`height` drawing `drawing`, and returns its reference.
pub fn write_appearance(
    drawing: &Drawing,
    placement: &Placement,
    alloc: &mut dyn FnMut() -> Ref,
    chunks: &mut Vec<Chunk>,
) -> PdfResult<Ref> {
    let mut content = Content::new();
    let image_ref = drawing
        .image
        .as_ref()
        .map(|(img, _)| img.write(alloc, chunks));
    if let (Some((img, [x, y, w, h])), Some(_)) = (&drawing.image, image_ref) {
        let (x, y, w, h) = (*x, *y, *w, *h);
        let (iw, ih) = (f64::from(img.width), f64::from(img.height));
        let scale = (w / iw).min(h / ih);
        let (dw, dh) = (iw * scale, ih * scale);
        let (ox, oy) = (x + (w - dw) / 2.0, y + (h - dh) / 2.0);
        content.save_state();
        content.transform([dw as f32, 0.0, 0.0, dh as f32, ox as f32, oy as f32]);
        content.x_object(Name(b"Im1"));
        content.restore_state();
    }
    let mut font_ref = None;
    if !drawing.lines.is_empty() {
        let mut font = FontSubset::new()?;
        let encoded: Vec<Vec<u8>> = drawing.lines.iter().map(|l| font.encode(&l.text)).collect();
        let (x, mut y) = drawing.text_origin;
        content.begin_text();
        for (line, bytes) in drawing.lines.iter().zip(&encoded) {
            content.set_fill_rgb(line.color[0], line.color[1], line.color[2]);
            content.set_font(Name(b"F1"), line.size);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x as f32, y as f32]);
            content.show(Str(bytes));
            y -= f64::from(line.size) + drawing.line_gap;
        }
        content.end_text();
        font_ref = Some(font.write(alloc, chunks)?);
    }
    let stream = content.finish();
    let data = deflate(stream.as_slice());
    let id = alloc();
    let mut c = Chunk::new();
    {
        let mut form = c.form_xobject(id, &data);
        form.filter(Filter::FlateDecode);
        form.bbox(Rect::new(
            0.0,
            0.0,
            placement.width as f32,
            placement.height as f32,
        ));
        form.matrix(placement.matrix);
        let mut resources = form.resources();
        if let Some(img) = image_ref {
            resources.x_objects().pair(Name(b"Im1"), img);
        }
        if let Some(f) = font_ref {
            resources.fonts().pair(Name(b"F1"), f);
        }
    }
    chunks.push(c);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::object::{Dict, ObjRef};

    fn page(rotate: i64) -> Page {
        // A crop box that does not start at the origin, inside a larger media box.
        Page {
            id: ObjRef::new(1, 0),
            dict: Dict::default(),
            media_box: [-50.0, -20.0, 650.0, 900.0],
            crop_box: [10.0, 20.0, 610.0, 820.0],
            rotate,
        }
    }

    /// Where a point of user space appears on the displayed page (rotation applied, crop box origin): the inverse
    /// of `display_to_user`, written independently from the definition of /Rotate (clockwise when displayed).
    fn user_to_display(p: &Page, ux: f64, uy: f64) -> (f64, f64) {
        let [x0, y0, x1, y1] = p.crop_box;
        let (rx, ry) = (ux - x0, uy - y0);
        let (w, h) = (x1 - x0, y1 - y0);
        match p.rotate {
            90 => (ry, w - rx),
            180 => (w - rx, h - ry),
            270 => (h - ry, rx),
            _ => (rx, ry),
        }
    }

    #[test]
    fn displayed_rectangles_map_exactly_to_user_space_for_every_rotation() {
        for rotate in [0, 90, 180, 270] {
            let p = page(rotate);
            let (dw, dh) = display_size(&p);
            assert_eq!(
                (dw, dh),
                if rotate % 180 == 0 {
                    (600.0, 800.0)
                } else {
                    (800.0, 600.0)
                }
            );
            let r = DisplayRect {
                x: 40.0,
                y: 30.0,
                w: 120.0,
                h: 50.0,
            };
            let placement = Placement::on(&p, r).unwrap();
            // Every corner of the user-space /Rect shows at a corner of the requested displayed rectangle.
            let [a, b, c, d] = placement.rect;
            let mut shown: Vec<(i64, i64)> = [(a, b), (a, d), (c, b), (c, d)]
                .iter()
                .map(|&(x, y)| {
                    let (sx, sy) = user_to_display(&p, x, y);
                    (sx.round() as i64, sy.round() as i64)
                })
                .collect();
            shown.sort();
            assert_eq!(
                shown,
                vec![(40, 30), (40, 80), (160, 30), (160, 80)],
                "rotate {rotate}"
            );
            assert_eq!((placement.width, placement.height), (120.0, 50.0));
        }
    }

    #[test]
    fn rectangles_outside_the_displayed_page_are_refused() {
        let p = page(90);
        assert!(
            Placement::on(
                &p,
                DisplayRect {
                    x: 700.0,
                    y: 10.0,
                    w: 120.0,
                    h: 50.0
                }
            )
            .is_err()
        );
        assert!(
            Placement::on(
                &p,
                DisplayRect {
                    x: 10.0,
                    y: 10.0,
                    w: 0.0,
                    h: 50.0
                }
            )
            .is_err()
        );
        assert!(
            Placement::on(
                &p,
                DisplayRect {
                    x: 680.0,
                    y: 550.0,
                    w: 120.0,
                    h: 50.0
                }
            )
            .is_ok()
        );
    }
}
