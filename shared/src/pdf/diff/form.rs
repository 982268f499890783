//! The interactive form after signing: new signature fields (with their widgets on pages), empty signature fields
//! signed, empty text fields filled with their appearances, additions to the form's default resources. Anything
//! rewritten in place must be reached only from where the change is accepted ([`super::refs`]).

use std::collections::{HashMap, HashSet};

use super::appearance::{appearance, default_resources};
use super::pages::pages;
use super::refs::{Holder, Step, Usage};
use super::{Analysis, Modification, changed_keys, resolve_array, resolve_dict};
use crate::pdf::document::Document;
use crate::pdf::error::PdfResult;
use crate::pdf::object::{Dict, ObjRef, Object, decode_text_string};

const LTA: Modification = Modification::None;
const FF: Modification = Modification::FormFilling;

/// The keys of a field or widget that filling or signing it may change (pyHanko's `VALUE_UPDATE_KEYS`).
const VALUE_KEYS: [&[u8]; 8] = [b"V", b"AP", b"AS", b"F", b"DA", b"Q", b"Ff", b"Type"];

/// The form's structure in the signed revision: which objects are fields, widgets, and the arrays holding them.
#[derive(Default)]
struct Structure {
    acroform: Option<u32>,
    fields_array: Option<u32>,
    /// Field (or widget) object → its parent field, if any.
    parent: HashMap<u32, Option<u32>>,
    /// Widgets that are not fields (no /T), kids of a field.
    widget_kids: HashSet<u32>,
    kids_arrays: HashSet<u32>,
    pages: HashSet<u32>,
    annots_arrays: HashSet<u32>,
}

impl Structure {
    fn of(doc: &Document) -> PdfResult<Self> {
        let mut s = Self::default();
        let catalog = doc.catalog()?;
        if let Some(Object::Ref(r)) = catalog.get(b"AcroForm") {
            s.acroform = Some(r.num);
        }
        let form = resolve_dict(doc, catalog.get(b"AcroForm"))?;
        if let Some(Object::Ref(r)) = form.get(b"Fields") {
            s.fields_array = Some(r.num);
        }
        let mut stack: Vec<(ObjRef, Option<u32>)> = resolve_array(doc, form.get(b"Fields"))?
            .iter()
            .filter_map(Object::as_ref)
            .map(|r| (r, None))
            .collect();
        while let Some((r, parent)) = stack.pop() {
            if s.parent.contains_key(&r.num) || s.parent.len() > 100_000 {
                continue;
            }
            s.parent.insert(r.num, parent);
            let Ok(d) = doc.get_dict(r) else { continue };
            if parent.is_some() && !d.contains(b"T") {
                s.widget_kids.insert(r.num);
            }
            if let Some(Object::Ref(k)) = d.get(b"Kids") {
                s.kids_arrays.insert(k.num);
            }
            for kid in resolve_array(doc, d.get(b"Kids"))? {
                if let Object::Ref(k) = kid {
                    stack.push((k, Some(r.num)));
                }
            }
        }
        for page in doc.pages()? {
            s.pages.insert(page.id.num);
            if let Some(Object::Ref(r)) = page.dict.get(b"Annots") {
                s.annots_arrays.insert(r.num);
            }
        }
        Ok(s)
    }

    /// The places a field or widget is expected to be referred to from: the form's /Fields, its parent's /Kids,
    /// pages' /Annots, and the structure tree (`/Obj` of an object reference).
    fn field_place(&self, root: u32, u: &Usage) -> bool {
        let holder = match u.holder {
            Holder::Object(n) => n,
            Holder::Trailer => return false,
        };
        let item = u.path_is_item_of(&[]);
        (Some(holder) == self.acroform && u.path_is_item_of(&[b"Fields"]))
            || (holder == root && u.path_is_item_of(&[b"AcroForm", b"Fields"]))
            || (Some(holder) == self.fields_array && item)
            || (self.parent.contains_key(&holder) && u.path_is_item_of(&[b"Kids"]))
            || (self.kids_arrays.contains(&holder) && item)
            || (self.pages.contains(&holder) && u.path_is_item_of(&[b"Annots"]))
            || (self.annots_arrays.contains(&holder) && item)
            || matches!(u.path.last(), Some(Step::Key(k)) if k == b"Obj")
    }
}

pub(super) fn check(a: &mut Analysis) -> PdfResult<()> {
    let root = a.current.root_ref().num;
    let structure = Structure::of(a.signed)?;
    let old_catalog = a.signed.catalog()?;
    let new_catalog = a.current.catalog()?;
    let (old_raw, new_raw) = (old_catalog.get(b"AcroForm"), new_catalog.get(b"AcroForm"));
    if old_raw.is_some() && new_raw.is_none() {
        a.report.other("biểu mẫu (AcroForm) bị xoá".into());
    }
    match (old_raw, new_raw) {
        (_, Some(Object::Ref(r))) if a.added.contains(&r.num) => {
            a.accepted_new.insert(r.num);
        }
        (Some(Object::Ref(o)), Some(Object::Ref(r))) if o == r => {
            a.accept_changed(r.num, LTA, |u| u.held_by(root) && u.path_is(&[b"AcroForm"]))?;
        }
        (_, Some(Object::Ref(r))) => a.report.other(format!(
            "biểu mẫu (AcroForm) trỏ tới đối tượng đã có {}",
            r.num
        )),
        _ => {}
    }
    let old_form = resolve_dict(a.signed, old_raw)?;
    let new_form = resolve_dict(a.current, new_raw)?;
    for k in changed_keys(&old_form, &new_form) {
        match k.as_slice() {
            b"SigFlags" | b"Fields" => {}
            b"DR" => default_resources(a, root, structure.acroform, &old_form, &new_form, new_raw)?,
            other => a.report.other(format!(
                "biểu mẫu (AcroForm) bị đổi mục /{} (có thể đổi cách hiển thị nội dung)",
                String::from_utf8_lossy(other)
            )),
        }
    }

    // /Fields: nothing removed; what is added must be new signature fields.
    if let Some(Object::Ref(r)) = new_form.get(b"Fields") {
        if a.added.contains(&r.num) {
            a.accepted_new.insert(r.num);
        } else if matches!(old_form.get(b"Fields"), Some(Object::Ref(o)) if o == r) {
            let acroform = structure.acroform;
            a.accept_changed(r.num, LTA, |u| {
                (Some(u.holder) == acroform.map(Holder::Object) && u.path_is(&[b"Fields"]))
                    || (u.held_by(root) && u.path_is(&[b"AcroForm", b"Fields"]))
            })?;
        } else {
            a.report
                .other("danh sách trường biểu mẫu trỏ tới đối tượng đã có".into());
        }
    }
    let old_fields = resolve_array(a.signed, old_form.get(b"Fields"))?;
    let new_fields = resolve_array(a.current, new_form.get(b"Fields"))?;
    if old_fields
        .iter()
        .any(|f| !new_fields.iter().any(|g| g.same_as(f)))
    {
        a.report
            .other("danh sách trường biểu mẫu bị xoá hoặc thay".into());
    }
    let added_fields: Vec<ObjRef> = new_fields
        .iter()
        .filter(|f| !old_fields.iter().any(|g| g.same_as(f)))
        .filter_map(Object::as_ref)
        .collect();
    let widgets = new_signature_fields(a, &added_fields)?;

    // Fields and widgets that existed when signed.
    let mut nums: Vec<u32> = structure.parent.keys().copied().collect();
    nums.sort_unstable();
    for num in nums {
        if let Some((old, new)) = a.changed.get(&num).cloned() {
            let (Some(old), Some(new)) = (old.as_dict(), new.as_dict()) else {
                a.report
                    .other(format!("trường biểu mẫu {num} không còn là từ điển"));
                continue;
            };
            field_change(a, root, &structure, num, old, new)?;
        }
    }
    pages(a, &widgets)
}

/// New fields must be signature fields at the root of the form, with new widgets; their signature dictionary,
/// appearance and widgets are accepted. Returns the widgets they show on pages.
fn new_signature_fields(a: &mut Analysis, fields: &[ObjRef]) -> PdfResult<HashSet<u32>> {
    let mut widgets = HashSet::new();
    for f in fields {
        if !a.added.contains(&f.num) {
            a.report
                .other(format!("đối tượng cũ {} được gắn lại vào biểu mẫu", f.num));
            continue;
        }
        let d = a.current.get_dict(*f)?;
        if d.name(b"FT") != Some(b"Sig") {
            let kind = d
                .name(b"FT")
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_default();
            a.report
                .other(format!("thêm trường biểu mẫu không phải chữ ký ({kind})"));
            continue;
        }
        let mut kids = Vec::new();
        if let Some(k) = d.get(b"Kids") {
            if let Object::Ref(r) = k {
                if !a.added.contains(&r.num) {
                    a.report
                        .other(format!("trường chữ ký mới dùng mảng cũ {}", r.num));
                    continue;
                }
                a.accepted_new.insert(r.num);
            }
            for kid in resolve_array(a.current, Some(k))? {
                match kid {
                    Object::Ref(r) if a.added.contains(&r.num) => kids.push(r),
                    _ => a.report.other("trường chữ ký mới có widget cũ".into()),
                }
            }
        }
        let mut shown = visible(&d);
        for kid in &kids {
            let kd = a.current.get_dict(*kid)?;
            if kd.contains(b"T") {
                a.report.other("trường chữ ký mới có trường con".into());
                continue;
            }
            shown |= visible(&kd);
            a.accepted_new.insert(kid.num);
            widgets.insert(kid.num);
            if let Some(ap) = kd.get(b"AP") {
                a.accept_new_refs(ap, FF);
            }
        }
        if kids.is_empty() {
            widgets.insert(f.num);
        }
        let mut level = if shown { FF } else { LTA };
        if let Some(v) = d.get(b"V") {
            match signature_value(a, v)? {
                Some(timestamp) => {
                    a.report.added_signatures += 1;
                    if !timestamp {
                        level = FF;
                    }
                }
                None => continue,
            }
        }
        a.accepted_new.insert(f.num);
        a.report.bump(level);
        for key in [&b"AP"[..], b"Lock", b"SV"] {
            if let Some(v) = d.get(key) {
                a.accept_new_refs(v, FF);
            }
        }
    }
    Ok(widgets)
}

/// A signature field's new value: a new signature dictionary. `Some(is a document timestamp)`, or `None` (and
/// `other`) when it is not one.
fn signature_value(a: &mut Analysis, v: &Object) -> PdfResult<Option<bool>> {
    let Object::Ref(r) = v else {
        a.report
            .other("giá trị trường chữ ký không phải tham chiếu".into());
        return Ok(None);
    };
    if !a.added.contains(&r.num) {
        a.report.other(format!(
            "giá trị trường chữ ký trỏ tới đối tượng cũ {}",
            r.num
        ));
        return Ok(None);
    }
    let Some(sig) = a.current.get(*r)?.as_dict().cloned() else {
        a.report
            .other("giá trị trường chữ ký không phải từ điển".into());
        return Ok(None);
    };
    a.accepted_new.insert(r.num);
    Ok(Some(sig.is_type(b"DocTimeStamp")))
}

/// Shown on the page: a widget whose rectangle has an area.
pub(super) fn visible(d: &Dict) -> bool {
    let Some(Object::Array(r)) = d.get(b"Rect") else {
        return false;
    };
    let v: Vec<f64> = r.iter().filter_map(Object::as_number).collect();
    v.len() == 4 && (v[0] - v[2]).abs() * (v[1] - v[3]).abs() > 0.0
}

/// A field or widget that existed when signed and changed.
fn field_change(
    a: &mut Analysis,
    root: u32,
    structure: &Structure,
    num: u32,
    old: &Dict,
    new: &Dict,
) -> PdfResult<()> {
    let keys = changed_keys(old, new);
    if let Some(k) = keys.iter().find(|k| !VALUE_KEYS.contains(&k.as_slice())) {
        a.report.other(format!(
            "trường biểu mẫu {num} bị đổi mục /{}",
            String::from_utf8_lossy(k)
        ));
        return Ok(());
    }
    if keys.iter().any(|k| k == b"Type")
        && (old.contains(b"Type") || new.name(b"Type") != Some(b"Annot"))
    {
        a.report
            .other(format!("trường biểu mẫu {num} bị đổi /Type"));
        return Ok(());
    }
    let widget = structure.widget_kids.contains(&num);
    // The field whose value decides: the widget's parent, or the field itself.
    let field = if widget {
        structure.parent.get(&num).copied().flatten().unwrap_or(num)
    } else {
        num
    };
    let (field_old, field_new) = if field == num {
        (old.clone(), new.clone())
    } else {
        (
            a.signed.get_dict(ObjRef::new(field, 0))?,
            a.current.get_dict(ObjRef::new(field, 0))?,
        )
    };
    let filling = !field_old
        .get(b"V")
        .zip(field_new.get(b"V"))
        .is_some_and(|(x, y)| x.same_as(y))
        && field_new.get(b"V").is_some();
    if !filling {
        a.report
            .other(format!("trường biểu mẫu {num} bị sửa mà không được điền"));
        return Ok(());
    }
    let field_type = field_type(a.current, &field_new, field, structure);
    let mut level = FF;
    if keys.iter().any(|k| k == b"V") {
        match field_type.as_deref() {
            Some(b"Tx") if value_empty(a.signed, old.get(b"V"))? => {
                let name = new
                    .get(b"T")
                    .and_then(Object::as_string)
                    .map(decode_text_string)
                    .unwrap_or_default();
                let value = match a.current.resolve(new.get(b"V").unwrap_or(&Object::Null))? {
                    Object::String(s) => decode_text_string(&s),
                    _ => String::new(),
                };
                a.report.filled_fields.push((name, value));
                if let Some(v) = new.get(b"V") {
                    a.accept_new_refs(v, FF);
                }
            }
            Some(b"Sig") if old.get(b"V").is_none() => {
                let Some(timestamp) = signature_value(a, new.get(b"V").unwrap_or(&Object::Null))?
                else {
                    return Ok(());
                };
                a.report.added_signatures += 1;
                let shown = visible(new)
                    || resolve_array(a.current, new.get(b"Kids"))?
                        .iter()
                        .filter_map(Object::as_ref)
                        .any(|k| a.current.get_dict(k).is_ok_and(|d| visible(&d)));
                if timestamp && !shown {
                    level = LTA;
                }
            }
            _ => {
                a.report.other(format!(
                    "trường biểu mẫu {num} đã có giá trị lúc ký (hoặc không phải ô chữ) bị sửa"
                ));
                return Ok(());
            }
        }
    }
    appearance(a, num, old, new)?;
    a.accept_changed(num, level, |u| structure.field_place(root, u))
}

fn field_type(doc: &Document, d: &Dict, num: u32, structure: &Structure) -> Option<Vec<u8>> {
    if let Some(t) = d.name(b"FT") {
        return Some(t.to_vec());
    }
    let mut at = structure.parent.get(&num).copied().flatten();
    for _ in 0..64 {
        let p = at?;
        if let Some(t) = doc
            .get_dict(ObjRef::new(p, 0))
            .ok()
            .and_then(|d| d.name(b"FT").map(<[u8]>::to_vec))
        {
            return Some(t);
        }
        at = structure.parent.get(&p).copied().flatten();
    }
    None
}

fn value_empty(doc: &Document, v: Option<&Object>) -> PdfResult<bool> {
    Ok(match v {
        None => true,
        Some(v) => match doc.resolve(v)? {
            Object::String(s) => s.is_empty() || decode_text_string(&s).trim().is_empty(),
            Object::Null => true,
            _ => false,
        },
    })
}
