//! Pages after signing: only /Annots may change, by adding the widgets of new signature fields (held directly
//! or in an array object of the page's own). Pages themselves are accepted wherever they are referred to from
//! (links, outlines, /P), as pyHanko does.

use std::collections::HashSet;

use super::{Analysis, Modification, changed_keys, resolve_array};
use crate::pdf::error::PdfResult;
use crate::pdf::object::Object;

const LTA: Modification = Modification::None;

/// Pages: only /Annots may change, by adding the widgets of new signature fields (kept directly or in an array
/// object of the page's own).
pub(super) fn pages(a: &mut Analysis, widgets: &HashSet<u32>) -> PdfResult<()> {
    for page in a.signed.pages()? {
        let num = page.id.num;
        let new = a.current.get_dict(page.id)?;
        if a.changed.contains_key(&num) {
            let keys = changed_keys(&page.dict, &new);
            if let Some(k) = keys.iter().find(|k| k.as_slice() != b"Annots") {
                a.report.other(format!(
                    "trang (đối tượng {num}) bị đổi mục /{}",
                    String::from_utf8_lossy(k)
                ));
                continue;
            }
        }
        let (old_raw, new_raw) = (page.dict.get(b"Annots"), new.get(b"Annots"));
        let old_annots = resolve_array(a.signed, old_raw)?;
        let new_annots = resolve_array(a.current, new_raw)?;
        let same = old_annots.len() == new_annots.len()
            && old_annots
                .iter()
                .zip(&new_annots)
                .all(|(x, y)| x.same_as(y));
        if same {
            a.accept_anywhere(num, LTA);
            continue;
        }
        if old_annots
            .iter()
            .any(|x| !new_annots.iter().any(|y| y.same_as(x)))
        {
            a.report.other(format!(
                "chú thích trên trang (đối tượng {num}) bị xoá hoặc thay"
            ));
            continue;
        }
        for added in new_annots
            .iter()
            .filter(|y| !old_annots.iter().any(|x| x.same_as(y)))
        {
            match added {
                Object::Ref(r) if widgets.contains(&r.num) => {}
                Object::Ref(r) if !a.added.contains(&r.num) => a
                    .report
                    .other(format!("đối tượng cũ {} được gắn lại vào trang", r.num)),
                _ => {
                    let subtype = a
                        .current
                        .resolve(added)?
                        .as_dict()
                        .and_then(|d| d.name(b"Subtype").map(<[u8]>::to_vec))
                        .unwrap_or_default();
                    a.report.other(format!(
                        "thêm chú thích/trường không phải chữ ký ({})",
                        String::from_utf8_lossy(&subtype)
                    ));
                }
            }
        }
        // Pages are referred to from everywhere (links, outlines, /P): accepted as a whole, like pyHanko does.
        a.accept_anywhere(num, LTA);
        if let Some(Object::Ref(r)) = new_raw {
            if a.added.contains(&r.num) {
                a.accepted_new.insert(r.num);
            } else if matches!(old_raw, Some(Object::Ref(o)) if o == r) {
                a.accept_changed(r.num, LTA, |u| u.held_by(num) && u.path_is(&[b"Annots"]))?;
            } else {
                a.report.other(format!(
                    "/Annots của trang {num} trỏ tới đối tượng cũ {}",
                    r.num
                ));
            }
        }
    }
    Ok(())
}
