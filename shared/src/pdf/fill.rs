//! The number and date of a document (NĐ 30/2020: "Số: 05/QĐ-UBND", "ngày 05 tháng 02 năm 2026"): reserved in
//! the draft as two empty text fields, filled at issue time as an incremental update, so the leader's signature
//! made before numbering stays valid with modifications limited to form filling.

use super::appearance::{Drawing, Placement, TextLine, write_appearance};
use super::document::{Document, Page};
use super::error::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object, encode_text_string};
use super::sign::{add_annotation, add_field};
use super::stamp::{Stamp, VERIFICATION_FIELD};
use super::update::IncrementalUpdate;

/// The field holding "number/notation".
pub const NUMBER_FIELD: &str = "vb_so";
/// The field holding the issue date.
pub const DATE_FIELD: &str = "vb_ngay";

/// Where the number and date go, on the displayed page (points from its bottom left).
pub struct NumberFieldLayout {
    pub page: usize,
    pub number: super::appearance::DisplayRect,
    pub date: super::appearance::DisplayRect,
    /// Also reserve the verification stamp's field (`vb_xac_minh`, see [`super::stamp`]) on the last page.
    pub verification: bool,
}

/// Adds the two empty fields to a draft. Returns the bytes to append.
pub fn reserve_number_fields(data: &[u8], layout: &NumberFieldLayout) -> PdfResult<Vec<u8>> {
    let doc = Document::open(data)?;
    let fields = doc.fields()?;
    if fields
        .iter()
        .any(|f| f.name == NUMBER_FIELD || f.name == DATE_FIELD || f.name == VERIFICATION_FIELD)
    {
        return Err(PdfError::Filling(
            "văn bản đã có ô số và ngày dành sẵn".into(),
        ));
    }
    let pages = doc.pages()?;
    if layout.page >= pages.len() {
        return Err(PdfError::Filling(format!(
            "văn bản không có trang {}",
            layout.page + 1
        )));
    }
    let mut update = IncrementalUpdate::new(&doc);
    let number_ref = update.alloc();
    let date_ref = update.alloc();
    let mut fields = vec![
        (number_ref, NUMBER_FIELD, layout.page, layout.number),
        (date_ref, DATE_FIELD, layout.page, layout.date),
    ];
    if layout.verification {
        let last = pages.len() - 1;
        let avoid: Vec<[f64; 4]> = if last == layout.page {
            [layout.number, layout.date]
                .iter()
                .map(|r| [r.x, r.y, r.x + r.w, r.y + r.h])
                .collect()
        } else {
            vec![]
        };
        let (index, rect) = super::stamp::place_on_last_page(&doc, &pages, &avoid)?;
        fields.push((update.alloc(), VERIFICATION_FIELD, index, rect));
    }
    let ids: Vec<ObjRef> = fields.iter().map(|f| f.0).collect();
    for (id, name, page_index, rect) in fields {
        let page = &pages[page_index];
        let placement = Placement::on(page, rect)?;
        let mut d = Dict::default();
        d.set(b"Type", Object::Name(b"Annot".to_vec()));
        d.set(b"Subtype", Object::Name(b"Widget".to_vec()));
        d.set(b"FT", Object::Name(b"Tx".to_vec()));
        d.set(b"T", Object::String(name.as_bytes().to_vec()));
        // Read-only for people (Ff bit 1): only the issuing step fills it.
        d.set(b"Ff", Object::Int(1));
        d.set(b"F", Object::Int(4));
        d.set(b"DA", Object::String(b"/Helv 0 Tf 0 g".to_vec()));
        d.set(b"P", Object::Ref(page.id));
        d.set(
            b"Rect",
            Object::Array(placement.rect.iter().map(|v| Object::Real(*v)).collect()),
        );
        update.put_dict(id, &d);
        add_annotation(&mut update, page, id)?;
    }
    add_fields(&mut update, &ids)?;
    Ok(update.finish()?.bytes)
}

fn add_fields(update: &mut IncrementalUpdate, ids: &[ObjRef]) -> PdfResult<()> {
    for id in ids {
        add_field(update, *id, false)?;
    }
    // Viewers that regenerate text field appearances need a default font in the form's resources.
    let root = update.document().root_ref();
    let catalog = update.current_dict(root)?;
    if let Some(Object::Ref(form_ref)) = catalog.get(b"AcroForm") {
        let mut form = update.current_dict(*form_ref)?;
        if ensure_default_resources(&mut form) {
            update.put_dict(*form_ref, &form);
        }
    } else if let Some(Object::Dict(form)) = catalog.get(b"AcroForm") {
        let mut form = form.clone();
        if ensure_default_resources(&mut form) {
            let mut catalog = catalog.clone();
            catalog.set(b"AcroForm", Object::Dict(form));
            update.put_dict(root, &catalog);
        }
    }
    Ok(())
}

fn ensure_default_resources(form: &mut Dict) -> bool {
    if form.contains(b"DR") && form.contains(b"DA") {
        return false;
    }
    if !form.contains(b"DR") {
        let helv = Dict(vec![
            (b"Type".to_vec(), Object::Name(b"Font".to_vec())),
            (b"Subtype".to_vec(), Object::Name(b"Type1".to_vec())),
            (b"BaseFont".to_vec(), Object::Name(b"Helvetica".to_vec())),
            (
                b"Encoding".to_vec(),
                Object::Name(b"WinAnsiEncoding".to_vec()),
            ),
        ]);
        let fonts = Dict(vec![(b"Helv".to_vec(), Object::Dict(helv))]);
        form.set(
            b"DR",
            Object::Dict(Dict(vec![(b"Font".to_vec(), Object::Dict(fonts))])),
        );
    }
    if !form.contains(b"DA") {
        form.set(b"DA", Object::String(b"/Helv 0 Tf 0 g".to_vec()));
    }
    true
}

/// "05/QĐ-UBND": numbers below 10 take a leading zero (NĐ 30/2020 Phụ lục I).
pub fn number_text(number: u32, notation: &str) -> String {
    format!("{number:02}/{notation}")
}

/// "ngày 05 tháng 02 năm 2026": days below 10 and months below 3 take a leading zero (NĐ 30/2020 Phụ lục I).
pub fn date_text(year: i32, month: u32, day: u32) -> String {
    let month = if month < 3 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("ngày {day:02} tháng {month} năm {year}")
}

/// Fills the reserved fields: the number, the date and, when given, the verification stamp (which needs its
/// field reserved in the draft). Returns the bytes to append. The browser's worker and `vanban pdf
/// fill-number` both call this, so the same input gives the same bytes.
pub fn fill_number(
    data: &[u8],
    number: u32,
    notation: &str,
    date: (i32, u32, u32),
    stamp: Option<&Stamp>,
) -> PdfResult<Vec<u8>> {
    if number == 0 {
        return Err(PdfError::Filling("số văn bản bắt đầu từ 1".into()));
    }
    let doc = Document::open(data)?;
    let fields = doc.fields()?;
    let find = |name: &str| {
        fields.iter().find(|f| f.name == name).ok_or_else(|| {
            PdfError::Filling(format!(
                "văn bản không có ô '{name}' dành sẵn cho số và ngày"
            ))
        })
    };
    let (number_field, date_field) = (find(NUMBER_FIELD)?, find(DATE_FIELD)?);
    let stamp_field = match stamp {
        Some(s) => Some((
            fields
                .iter()
                .find(|f| f.name == VERIFICATION_FIELD)
                .ok_or_else(|| {
                    PdfError::Filling(
                        "văn bản không có ô dành sẵn cho mã xác minh (bản dự thảo được tạo trước khi có mã xác minh)"
                            .into(),
                    )
                })?,
            s,
        )),
        None => None,
    };
    for f in [number_field, date_field]
        .into_iter()
        .chain(stamp_field.map(|(f, _)| f))
    {
        let filled = match &f.value {
            Some(v) => match doc.resolve(v)? {
                Object::String(s) => !s.is_empty(),
                _ => false,
            },
            None => false,
        };
        if filled {
            return Err(PdfError::Filling("văn bản đã được điền số và ngày".into()));
        }
    }
    let pages = doc.pages()?;
    let mut update = IncrementalUpdate::new(&doc);
    let mut values = vec![
        (number_field, number_text(number, notation), None),
        (date_field, date_text(date.0, date.1, date.2), None),
    ];
    if let Some((field, s)) = stamp_field {
        values.push((field, s.code.clone(), Some(s)));
    }
    for (field, text, stamp) in values {
        let mut field_dict = field.dict.clone();
        field_dict.set(b"V", Object::String(encode_text_string(&text)));
        for widget in &field.widgets {
            let mut widget_dict = if *widget == field.id {
                field_dict.clone()
            } else {
                doc.get_dict(*widget)?
            };
            let rect = widget_rect(&widget_dict)?;
            let page = widget_dict
                .get(b"P")
                .and_then(Object::as_ref)
                .and_then(|p| pages.iter().find(|pg| pg.id == p))
                .or_else(|| pages.iter().find(|pg| page_has_annot(&doc, pg, *widget)))
                .ok_or_else(|| {
                    PdfError::Filling("không xác định được trang của ô số/ngày".into())
                })?;
            let placement = Placement::of_user_rect(page, rect);
            if let Some(stamp) = stamp {
                let mut chunks = Vec::new();
                let ap = {
                    let mut alloc = || update.alloc_writer_ref();
                    super::stamp::write_stamp(stamp, &placement, &mut alloc, &mut chunks)?
                };
                for c in &chunks {
                    update.put_chunk(c)?;
                }
                widget_dict.set(
                    b"AP",
                    Object::Dict(Dict(vec![(
                        b"N".to_vec(),
                        Object::Ref(ObjRef::new(ap.get() as u32, 0)),
                    )])),
                );
                if *widget == field.id {
                    field_dict = widget_dict;
                } else {
                    update.put_dict(*widget, &widget_dict);
                }
                continue;
            }
            let size = 13.0_f32;
            let font = super::font::FontSubset::new()?;
            let text_w = f64::from(font.width(&text, size));
            let size = if text_w > placement.width - 4.0 {
                size * ((placement.width - 4.0) / text_w) as f32
            } else {
                size
            };
            let drawing = Drawing {
                image: None,
                lines: vec![TextLine {
                    text: text.clone(),
                    size,
                    color: [0.0, 0.0, 0.0],
                }],
                text_origin: (
                    2.0,
                    (placement.height - f64::from(size)) / 2.0 + f64::from(size) * 0.22,
                ),
                line_gap: 0.0,
            };
            let mut chunks = Vec::new();
            let ap = {
                let mut alloc = || update.alloc_writer_ref();
                write_appearance(&drawing, &placement, &mut alloc, &mut chunks)?
            };
            for c in &chunks {
                update.put_chunk(c)?;
            }
            widget_dict.set(
                b"AP",
                Object::Dict(Dict(vec![(
                    b"N".to_vec(),
                    Object::Ref(ObjRef::new(ap.get() as u32, 0)),
                )])),
            );
            if *widget == field.id {
                field_dict = widget_dict;
            } else {
                update.put_dict(*widget, &widget_dict);
            }
        }
        update.put_dict(field.id, &field_dict);
    }
    Ok(update.finish()?.bytes)
}

fn page_has_annot(doc: &Document, page: &Page, annot: ObjRef) -> bool {
    doc.lookup(&page.dict, b"Annots")
        .ok()
        .flatten()
        .and_then(|a| {
            a.as_array()
                .map(|a| a.iter().any(|o| o.as_ref() == Some(annot)))
        })
        .unwrap_or(false)
}

fn widget_rect(d: &Dict) -> PdfResult<[f64; 4]> {
    let r = d
        .get(b"Rect")
        .and_then(Object::as_array)
        .filter(|a| a.len() == 4)
        .ok_or_else(|| PdfError::Filling("ô số/ngày không có vị trí (/Rect)".into()))?;
    let v: Vec<f64> = r.iter().map(|o| o.as_number().unwrap_or(0.0)).collect();
    Ok(super::document::normalize_rect([v[0], v[1], v[2], v[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_nd30() {
        assert_eq!(number_text(5, "QĐ-UBND"), "05/QĐ-UBND");
        assert_eq!(number_text(123, "CV-SNV"), "123/CV-SNV");
        assert_eq!(date_text(2026, 2, 5), "ngày 05 tháng 02 năm 2026");
        assert_eq!(date_text(2026, 11, 26), "ngày 26 tháng 11 năm 2026");
    }
}
