//! The verification stamp of an issued document (issue 15): its verification code as text and a QR code of the
//! verification address, drawn at issue time in the same revision as the number and date, before the seal.
//!
//! The leader signs before the number exists, and anything but form filling after a signature breaks it, so the
//! stamp is a third reserved text field (`vb_xac_minh`) like `vb_so` and `vb_ngay`: the draft gets it empty, at a
//! place on the last page outside the text ([`place`]); issuing fills it with the code as its value and the stamp
//! as its appearance ([`write_stamp`]). The QR modules are vector rectangles (no image), the text is the
//! embedded font. The same function draws it in the browser's worker and in `vanban pdf fill-number --code`.

use pdf_writer::{Chunk, Content, Filter, Name, Rect, Ref, Str};
use qrcode::{EcLevel, QrCode};

use super::appearance::{DisplayRect, Placement};
use super::document::{Document, Page};
use super::error::{PdfError, PdfResult};
use super::filter::deflate;
use super::font::FontSubset;

/// The field holding the verification code.
pub const VERIFICATION_FIELD: &str = "vb_xac_minh";
/// The stamp's size on the page, in points: a 46 pt (16 mm) QR code with the code and address beside it. It fits
/// in the bottom margin NĐ 30 asks for (20–25 mm).
pub const STAMP_W: f64 = 210.0;
pub const STAMP_H: f64 = 46.0;
/// Distance kept from the page's edge and from the content.
const EDGE: f64 = 8.0;
const GAP: f64 = 4.0;
/// The smaller stamp for narrow margins (a 36 pt, 12.7 mm QR code; modules of 0.35 mm still read by a phone),
/// with its own distances.
const COMPACT: f64 = 36.0 / STAMP_H;
const COMPACT_EDGE: f64 = 4.0;
const COMPACT_GAP: f64 = 2.5;
/// Where the stamp starts when the page has no text to align with: NĐ 30's left margin (30 mm).
const LEFT_MARGIN: f64 = 85.0;
/// Quiet zone around the QR code, in modules (the white square behind it).
const QUIET: usize = 2;

/// What the stamp says: the code and the address its QR code holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// `XXXX-XXXX-XXXX`.
    pub code: String,
    /// `{public base}/xac-minh/{code}`.
    pub url: String,
}

/// Whether two rectangles `[x0, y0, x1, y1]` overlap (touching edges do not).
fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// Where the stamp goes on a displayed page of `size` (width, height) whose content lies in `content`
/// (`[x0, y0, x1, y1]`, displayed points; `None` for a page without any), avoiding the rectangles in `avoid`
/// (the number and date fields): the bottom margin under the content, aligned with its left edge, else the top
/// margin above it; the smaller stamp where the full one does not fit. `None` when no margin has room — the stamp
/// never covers content.
pub fn place(
    size: (f64, f64),
    content: Option<[f64; 4]>,
    avoid: &[[f64; 4]],
) -> Option<DisplayRect> {
    place_sized(size, content, avoid, 1.0, EDGE, GAP)
        .or_else(|| place_sized(size, content, avoid, COMPACT, COMPACT_EDGE, COMPACT_GAP))
}

fn place_sized(
    size: (f64, f64),
    content: Option<[f64; 4]>,
    avoid: &[[f64; 4]],
    scale: f64,
    edge: f64,
    gap: f64,
) -> Option<DisplayRect> {
    let (pw, ph) = size;
    let (w, h) = (STAMP_W * scale, STAMP_H * scale);
    if pw < w + 2.0 * edge || ph < h + 2.0 * edge {
        return None;
    }
    let left = content
        .map_or(LEFT_MARGIN, |c| c[0])
        .clamp(edge, pw - edge - w);
    let right = pw - edge - w;
    let (bottom, top) = (edge, ph - edge - h);
    let candidates = [(left, bottom), (right, bottom), (left, top), (right, top)];
    candidates.into_iter().find_map(|(x, y)| {
        let r = [x, y, x + w, y + h];
        let padded = [r[0] - gap, r[1] - gap, r[2] + gap, r[3] + gap];
        let clear = content.is_none_or(|c| !overlaps(padded, c))
            && avoid.iter().all(|a| !overlaps(padded, *a));
        clear.then_some(DisplayRect { x, y, w, h })
    })
}

/// The box around a page's text, in displayed points (`None` when it has none).
pub fn text_bbox(doc: &Document, page: &Page) -> Option<[f64; 4]> {
    let mut out: Option<[f64; 4]> = None;
    for line in super::text::page_lines(doc, page) {
        for s in &line.segments {
            // A line reaches a quarter of its size below the baseline (descenders) and its size above.
            let r = [s.x0, line.y - 0.25 * line.size, s.x1, line.y + line.size];
            out = Some(match out {
                None => r,
                Some(o) => [
                    o[0].min(r[0]),
                    o[1].min(r[1]),
                    o[2].max(r[2]),
                    o[3].max(r[3]),
                ],
            });
        }
    }
    out
}

/// The box of everything a page draws ([`super::bbox::content_bbox`]), on the displayed page.
pub fn content_box(doc: &Document, page: &Page) -> Option<[f64; 4]> {
    super::bbox::content_bbox(doc, page).map(|r| {
        let d = super::bbox::user_to_display(page, r);
        [d.x, d.y, d.x + d.w, d.y + d.h]
    })
}

/// The place of the stamp on the last page of `doc`, avoiding `avoid` (displayed rectangles on that page) and
/// everything the page draws; on a page drawn edge to edge (a border, a background, a scan) everything its text
/// covers. Refused when the last page has no free margin.
pub fn place_on_last_page(
    doc: &Document,
    pages: &[Page],
    avoid: &[[f64; 4]],
) -> PdfResult<(usize, DisplayRect)> {
    let index = pages
        .len()
        .checked_sub(1)
        .ok_or_else(|| PdfError::Filling("văn bản không có trang nào".into()))?;
    let page = &pages[index];
    let size = super::appearance::display_size(page);
    place(size, content_box(doc, page), avoid)
        .or_else(|| place(size, text_bbox(doc, page), avoid))
        .map(|r| (index, r))
        .ok_or_else(|| {
            PdfError::Filling(
                "trang cuối không còn lề trống (khoảng 2 cm ở cuối hoặc đầu trang) để in mã xác minh và mã QR"
                    .into(),
            )
        })
}

/// The dark modules of the address's QR code (error correction M) as `(size, modules row by row from the top)`.
pub fn qr_modules(url: &str) -> PdfResult<(usize, Vec<bool>)> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| PdfError::Filling(format!("không tạo được mã QR: {e}")))?;
    let width = code.width();
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((width, modules))
}

/// Writes the stamp's appearance, a form XObject of the placement's size: a white square with the QR code on
/// the left, the code and the address beside it. Returns its reference.
pub fn write_stamp(
    stamp: &Stamp,
    placement: &Placement,
    alloc: &mut dyn FnMut() -> Ref,
    chunks: &mut Vec<Chunk>,
) -> PdfResult<Ref> {
    let (w, h) = (placement.width, placement.height);
    let (n, modules) = qr_modules(&stamp.url)?;
    let side = h;
    let module = side / (n + 2 * QUIET) as f64;
    let mut content = Content::new();
    content.save_state();
    content.set_fill_gray(1.0);
    content.rect(0.0, 0.0, side as f32, side as f32);
    content.fill_nonzero();
    content.set_fill_gray(0.0);
    // One rectangle per horizontal run of dark modules; row 0 is the top.
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if !modules[row * n + col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && modules[row * n + col] {
                col += 1;
            }
            let x = (QUIET + start) as f64 * module;
            let y = side - (QUIET + row + 1) as f64 * module;
            content.rect(
                x as f32,
                y as f32,
                ((col - start) as f64 * module) as f32,
                module as f32,
            );
        }
    }
    content.fill_nonzero();
    content.restore_state();

    // Text sizes follow the stamp's size (the compact stamp is smaller all over).
    let scale = (h / STAMP_H) as f32;
    let text_x = side + 4.0 * f64::from(scale);
    let room = (w - text_x - 2.0).max(1.0) as f32;
    let mut font = FontSubset::new()?;
    let fit = |font: &FontSubset, text: &str, size: f32| {
        let width = font.width(text, size);
        if width > room {
            size * room / width
        } else {
            size
        }
    };
    let lines = [
        ("Mã xác minh văn bản:".to_string(), 7.0 * scale),
        (stamp.code.clone(), 12.0 * scale),
        ("Kiểm tra bản gốc tại:".to_string(), 6.0 * scale),
        (stamp.url.clone(), 6.0 * scale),
    ];
    let mut y = h - 9.0 * f64::from(scale);
    content.begin_text();
    content.set_fill_gray(0.0);
    for (text, size) in &lines {
        let size = fit(&font, text, *size);
        let bytes = font.encode(text);
        content.set_font(Name(b"F1"), size);
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, text_x as f32, y as f32]);
        content.show(Str(&bytes));
        y -= f64::from(size) + 3.0 * f64::from(scale);
    }
    content.end_text();
    let font_ref = font.write(alloc, chunks)?;

    let data = deflate(content.finish().as_slice());
    let id = alloc();
    let mut c = Chunk::new();
    {
        let mut form = c.form_xobject(id, &data);
        form.filter(Filter::FlateDecode);
        form.bbox(Rect::new(0.0, 0.0, w as f32, h as f32));
        form.matrix(placement.matrix);
        form.resources().fonts().pair(Name(b"F1"), font_ref);
    }
    chunks.push(c);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4: (f64, f64) = (595.0, 842.0);

    fn rect(r: DisplayRect) -> [f64; 4] {
        [r.x, r.y, r.x + r.w, r.y + r.h]
    }

    #[test]
    fn the_stamp_goes_under_the_text_aligned_with_it() {
        let content = [85.0, 70.0, 540.0, 790.0];
        let r = place(A4, Some(content), &[]).unwrap();
        assert_eq!((r.x, r.y, r.w, r.h), (85.0, EDGE, STAMP_W, STAMP_H));
        assert!(!overlaps(rect(r), content));
    }

    #[test]
    fn a_page_full_to_the_bottom_puts_it_at_the_top_and_a_full_page_has_no_place() {
        let r = place(A4, Some([85.0, 30.0, 540.0, 760.0]), &[]).unwrap();
        assert_eq!(r.y, A4.1 - EDGE - STAMP_H);
        assert!(place(A4, Some([20.0, 30.0, 575.0, 820.0]), &[]).is_none());
    }

    #[test]
    fn a_narrow_margin_gets_the_compact_stamp() {
        // The Debian specification's last page: 47 pt free below, 52 pt above.
        let r = place((612.0, 792.0), Some([71.7, 46.9, 538.0, 739.5]), &[]).unwrap();
        assert_eq!((r.y, r.h), (COMPACT_EDGE, 36.0));
        assert!(r.y + r.h + COMPACT_GAP <= 46.9);
    }

    #[test]
    fn the_number_fields_are_avoided() {
        let number = [60.0, 20.0, 200.0, 40.0];
        let r = place(A4, Some([85.0, 70.0, 540.0, 790.0]), &[number]).unwrap();
        assert!(!overlaps(rect(r), number));
        assert_eq!(r.x, A4.0 - EDGE - STAMP_W);
    }

    #[test]
    fn no_placement_ever_overlaps_the_content_or_leaves_the_page() {
        // Every content box on a grid of a rotated A4 and an A5 page.
        for size in [A4, (842.0, 595.0), (420.0, 595.0)] {
            let step = 37.0;
            let mut y0 = 0.0;
            while y0 < size.1 {
                let mut y1 = y0 + 10.0;
                while y1 <= size.1 {
                    let content = [60.0, y0, size.0 - 60.0, y1];
                    if let Some(r) = place(size, Some(content), &[]) {
                        let r = rect(r);
                        assert!(!overlaps(r, content), "{content:?} {r:?}");
                        assert!(r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= size.0 && r[3] <= size.1);
                    } else {
                        // Refused only when no margin has room even for the compact stamp.
                        let need = STAMP_H * COMPACT + COMPACT_EDGE + COMPACT_GAP;
                        assert!(y0 < need && y1 > size.1 - need);
                    }
                    y1 += step;
                }
                y0 += step;
            }
        }
    }

    /// The stamp as drawn: its form XObject's content, inflated.
    fn drawn_content(stamp: &Stamp, w: f64, h: f64) -> Vec<u8> {
        let placement = Placement {
            rect: [0.0, 0.0, w, h],
            width: w,
            height: h,
            matrix: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        };
        let mut next = 1;
        let mut alloc = || {
            next += 1;
            Ref::new(next)
        };
        let mut chunks = Vec::new();
        write_stamp(stamp, &placement, &mut alloc, &mut chunks).unwrap();
        let form = chunks.last().unwrap().as_bytes().to_vec();
        let start = form.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
        let end = form.windows(10).rposition(|w| w == b"\nendstream").unwrap();
        miniz_oxide::inflate::decompress_to_vec_zlib(&form[start..end]).unwrap()
    }

    #[test]
    fn the_drawn_qr_code_reads_back_as_the_address() {
        let url = "https://vanban.vinhlong.gov.vn/xac-minh/7K3M-Q9XD-2FHB";
        let stamp = Stamp {
            code: "7K3M-Q9XD-2FHB".into(),
            url: url.into(),
        };
        let content = drawn_content(&stamp, STAMP_W, STAMP_H);
        // Rasterize every filled rectangle drawn in black (after `0 g`) at 8 pixels per point, as a camera would
        // see the printed page, and let an independent decoder read it.
        let scale = 8.0;
        let (w, h) = (
            (STAMP_H * scale) as usize + 40,
            (STAMP_H * scale) as usize + 40,
        );
        let mut pixels = vec![255u8; w * h];
        let mut lexer = crate::pdf::content::Lexer::new(&content);
        let mut operands = Vec::new();
        let mut black = false;
        let mut drawn = 0;
        while let Some(op) = lexer.next_op(&mut operands) {
            match op {
                b"g" => black = operands[0].as_number() == Some(0.0),
                b"BT" => break,
                b"re" if black => {
                    let v: Vec<f64> = operands.iter().map(|o| o.as_number().unwrap()).collect();
                    let (x0, y0) = ((v[0] * scale) as usize, (v[1] * scale) as usize);
                    let (x1, y1) = (
                        ((v[0] + v[2]) * scale) as usize,
                        ((v[1] + v[3]) * scale) as usize,
                    );
                    for y in y0..y1 {
                        for x in x0..x1 {
                            // Image rows go down; PDF y goes up. 20 px of white border around.
                            pixels[(h - 20 - 1 - y) * w + x + 20] = 0;
                        }
                    }
                    drawn += 1;
                }
                _ => {}
            }
            operands.clear();
        }
        assert!(drawn > 50, "only {drawn} rectangles drawn");
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, text) = grids[0].decode().unwrap();
        assert_eq!(text, url);
        // The code is drawn as text too (the ToUnicode map makes it copyable; here: the font is used).
        assert!(content.windows(4).any(|w| w == b"/F1 "));
    }

    #[test]
    fn the_qr_code_is_the_one_the_qrcode_crate_makes() {
        let (n, modules) = qr_modules("https://vb.example.vn/xac-minh/7K3M-Q9XD-2FHB").unwrap();
        assert_eq!(n * n, modules.len());
        assert!(n >= 21 && (n - 17) % 4 == 0);
        // Finder pattern at the top left: a dark 7×7 ring around a light ring around a dark 3×3.
        assert!((0..7).all(|i| modules[i] && modules[6 * n + i] && modules[i * n]));
        assert!(!modules[n + 1] && modules[2 * n + 2]);
    }
}

#[cfg(test)]
mod corpus {
    use super::*;

    /// Every corpus PDF gets its stamp on the last page clear of all it draws (or, on a page drawn edge to edge,
    /// of its text), inside the page.
    #[test]
    fn the_stamp_never_overlaps_the_content_of_a_corpus_pdf() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut placed = 0;
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        names.sort();
        for path in names {
            let data = std::fs::read(&path).unwrap();
            let doc = Document::open(&data[..]).unwrap();
            let pages = doc.pages().unwrap();
            let (index, r) = place_on_last_page(&doc, &pages, &[])
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let page = &pages[index];
            let (pw, ph) = super::super::appearance::display_size(page);
            let rect = [r.x, r.y, r.x + r.w, r.y + r.h];
            assert!(rect[0] >= 0.0 && rect[1] >= 0.0 && rect[2] <= pw && rect[3] <= ph);
            let clear_of_content = content_box(&doc, page).is_none_or(|c| !overlaps(rect, c));
            if clear_of_content {
                placed += 1;
            } else {
                // A page drawn edge to edge (a scan, a background): at least its text stays uncovered.
                let clear_of_text = text_bbox(&doc, page).is_none_or(|c| !overlaps(rect, c));
                assert!(clear_of_text, "{}: {rect:?} covers text", path.display());
                eprintln!("{}: clear of the text only", path.display());
            }
        }
        assert!(
            placed >= 20,
            "only {placed} corpus files clear of all content"
        );
    }
}
