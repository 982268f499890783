//! Where the signed signatures show on the pages: what the clerk's seal is placed against.

use shared::pdf::document::{Document, Field, Page};
use shared::pdf::object::Object;
use shared::worker_protocol::SignatureField;

/// Maps a point of the page's user space to the page as displayed (the inverse of `display_to_user`).
fn user_to_display(page: &Page, ux: f64, uy: f64) -> (f64, f64) {
    let [x0, y0, x1, y1] = page.crop_box;
    match page.rotate {
        90 => (uy - y0, x1 - ux),
        180 => (x1 - ux, y1 - uy),
        270 => (y1 - uy, ux - x0),
        _ => (ux - x0, uy - y0),
    }
}

/// The visible rectangles of the signed signature fields: what the clerk's seal is placed against.
pub fn signature_fields(doc: &Document, pages: &[Page], fields: &[Field]) -> Vec<SignatureField> {
    let mut out = Vec::new();
    for f in fields
        .iter()
        .filter(|f| f.field_type.as_deref() == Some(b"Sig") && f.value.is_some())
    {
        for widget in &f.widgets {
            let dict = if *widget == f.id {
                f.dict.clone()
            } else {
                match doc.get_dict(*widget) {
                    Ok(d) => d,
                    Err(_) => continue,
                }
            };
            let Some(r) = dict
                .get(b"Rect")
                .and_then(Object::as_array)
                .filter(|a| a.len() == 4)
                .map(|a| {
                    a.iter()
                        .map(|o| o.as_number().unwrap_or(0.0))
                        .collect::<Vec<_>>()
                })
            else {
                continue;
            };
            let on_page = dict
                .get(b"P")
                .and_then(Object::as_ref)
                .and_then(|p| pages.iter().position(|pg| pg.id == p))
                .or_else(|| {
                    pages.iter().position(|pg| {
                        doc.lookup(&pg.dict, b"Annots")
                            .ok()
                            .flatten()
                            .and_then(|a| {
                                a.as_array()
                                    .map(|a| a.iter().any(|o| o.as_ref() == Some(*widget)))
                            })
                            .unwrap_or(false)
                    })
                });
            let Some(index) = on_page else { continue };
            let page = &pages[index];
            let (ax, ay) = user_to_display(page, r[0], r[1]);
            let (bx, by) = user_to_display(page, r[2], r[3]);
            let (w, h) = ((ax - bx).abs(), (ay - by).abs());
            // Invisible signatures have an empty rectangle.
            if w < 1.0 || h < 1.0 {
                continue;
            }
            out.push(SignatureField {
                name: f.name.clone(),
                page: index,
                rect: [ax.min(bx), ay.min(by), w, h],
            });
        }
    }
    out
}
