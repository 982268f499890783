//! Test PDFs written with pdf-writer: A4 pages of Vietnamese text in the bundled font (Type0, Identity-H,
//! ToUnicode, as our own PDFs are) and image XObjects of a given pixel size drawn at a given size.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::font::FontSubset;

pub const A4: (f32, f32) = (595.0, 842.0);

/// Where a line of text goes: its left end, or its centre (a header column is centred).
pub enum At {
    Left(f32),
    Center(f32),
}

pub struct Text {
    pub at: At,
    pub y: f32,
    pub size: f32,
    pub text: String,
    /// Written word by word in one `TJ` with a gap instead of the space glyphs, as some producers do.
    pub tj_words: bool,
}

pub fn left(x: f32, y: f32, size: f32, text: &str) -> Text {
    Text {
        at: At::Left(x),
        y,
        size,
        text: text.into(),
        tj_words: false,
    }
}

pub fn center(x: f32, y: f32, size: f32, text: &str) -> Text {
    Text {
        at: At::Center(x),
        ..left(0.0, y, size, text)
    }
}

/// An image of `pixels` drawn into `rect` ([x, y, width, height] in points).
pub struct Image {
    pub pixels: (u32, u32),
    pub rect: [f32; 4],
}

#[derive(Default)]
pub struct TestPage {
    pub texts: Vec<Text>,
    pub images: Vec<Image>,
    pub rotate: i32,
}

pub fn build(version: (u8, u8), pages: &[TestPage]) -> Vec<u8> {
    let mut font = FontSubset::new().unwrap();
    let mut pdf = Pdf::new();
    pdf.set_version(version.0, version.1);
    let mut next = 0;
    let mut alloc = move || {
        next += 1;
        Ref::new(next)
    };
    let (catalog, tree) = (alloc(), alloc());
    let mut page_refs = Vec::new();
    let mut bodies = Vec::new();
    for page in pages {
        let mut c = Content::new();
        for t in &page.texts {
            let x = match t.at {
                At::Left(x) => x,
                At::Center(cx) => cx - font.width(&t.text, t.size) / 2.0,
            };
            c.begin_text()
                .set_font(Name(b"F1"), t.size)
                .next_line(x, t.y);
            if t.tj_words {
                let words: Vec<Vec<u8>> = t.text.split(' ').map(|w| font.encode(w)).collect();
                let mut positioned = c.show_positioned();
                let mut items = positioned.items();
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        items.adjust(-280.0);
                    }
                    items.show(Str(w));
                }
                items.finish();
                positioned.finish();
            } else {
                c.show(Str(&font.encode(&t.text)));
            }
            c.end_text();
        }
        for (k, image) in page.images.iter().enumerate() {
            let [x, y, w, h] = image.rect;
            c.save_state()
                .transform([w, 0.0, 0.0, h, x, y])
                .x_object(Name(format!("Im{k}").as_bytes()))
                .restore_state();
        }
        bodies.push(c.finish().into_vec());
        page_refs.push(alloc());
    }
    // The font is written once every glyph is known: the subset is made of the glyphs encoded above.
    let mut chunks = Vec::new();
    let font_ref = font.write(&mut alloc, &mut chunks).unwrap();
    for chunk in &chunks {
        pdf.extend(chunk);
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    for ((page, body), page_ref) in pages.iter().zip(&bodies).zip(&page_refs) {
        let content_ref = alloc();
        pdf.stream(content_ref, body);
        let mut image_refs = Vec::new();
        for image in &page.images {
            let r = alloc();
            let (w, h) = image.pixels;
            let row = w.div_ceil(8) as usize;
            let data = vec![0xFFu8; row * h as usize];
            let mut x = pdf.image_xobject(r, &data);
            x.width(w as i32).height(h as i32).bits_per_component(1);
            x.color_space().device_gray();
            x.finish();
            image_refs.push(r);
        }
        let mut p = pdf.page(*page_ref);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
            .contents(content_ref);
        if page.rotate != 0 {
            p.rotate(page.rotate);
        }
        let mut resources = p.resources();
        resources.fonts().pair(Name(b"F1"), font_ref);
        let mut xobjects = resources.x_objects();
        for (k, r) in image_refs.iter().enumerate() {
            xobjects.pair(Name(format!("Im{k}").as_bytes()), *r);
        }
    }
    pdf.finish()
}
