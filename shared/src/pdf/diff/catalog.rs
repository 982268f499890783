//! The document-level changes allowed after signing, none of them shown as page content: the catalog's
//! /Extensions, /MarkInfo and /Version, XMP metadata (well-formed, in a new stream or its own rewritten), /Info,
//! and the document security store (/DSS) that long-term validation adds, checked for its structure. All of them
//! are `none` (pyHanko's LTA updates).

use super::refs::{Holder, Usage};
use super::{Analysis, changed_keys, resolve_array, resolve_dict};
use crate::pdf::error::PdfResult;
use crate::pdf::filter::decode_stream;
use crate::pdf::object::{Dict, Object};

const LTA: super::Modification = super::Modification::None;

/// Catalog keys a later revision may change; /AcroForm is the form rules' ([`super::form`]).
const CATALOG_KEYS: [&[u8]; 6] = [
    b"AcroForm",
    b"DSS",
    b"Extensions",
    b"Metadata",
    b"MarkInfo",
    b"Version",
];

pub(super) fn check(a: &mut Analysis) -> PdfResult<()> {
    let root = a.current.root_ref().num;
    let old = a.signed.catalog()?;
    let new = a.current.catalog()?;
    for k in changed_keys(&old, &new) {
        if !CATALOG_KEYS.contains(&k.as_slice()) {
            a.report.other(format!(
                "danh mục tài liệu bị đổi mục /{}",
                String::from_utf8_lossy(&k)
            ));
        } else if old.contains(&k) && !new.contains(&k) {
            a.report.other(format!(
                "danh mục tài liệu bị xoá mục /{}",
                String::from_utf8_lossy(&k)
            ));
        }
    }
    a.accept_anywhere(root, LTA);
    info(a)?;
    metadata(a, root, &new)?;
    for key in [&b"Extensions"[..], b"MarkInfo"] {
        dictionary_entry(a, root, &old, &new, key)?;
    }
    dss(a, root, &old, &new)
}

/// The trailer's /Info: rewritten (not as a stream) or replaced by a new dictionary.
fn info(a: &mut Analysis) -> PdfResult<()> {
    let Some(Object::Ref(r)) = a.current.trailer.get(b"Info") else {
        return Ok(());
    };
    if a.added.contains(&r.num) {
        a.accepted_new.insert(r.num);
    } else if let Some((old, new)) = a.changed.get(&r.num) {
        if matches!(old, Object::Stream(_)) || matches!(new, Object::Stream(_)) {
            a.report
                .other(format!("/Info (đối tượng {}) bị thay bằng luồng", r.num));
            return Ok(());
        }
        a.accept_changed(r.num, LTA, |u| {
            u.holder == Holder::Trailer && u.path_is(&[b"Info"])
        })?;
    }
    Ok(())
}

/// The catalog's /Metadata: a well-formed XMP stream, new or rewritten under its own number.
fn metadata(a: &mut Analysis, root: u32, catalog: &Dict) -> PdfResult<()> {
    let r = match catalog.get(b"Metadata") {
        None => return Ok(()),
        Some(Object::Ref(r)) => *r,
        Some(_) => {
            if a.changed.contains_key(&root) {
                a.report
                    .other("/Metadata không phải tham chiếu tới một luồng".into());
            }
            return Ok(());
        }
    };
    let is_new = a.added.contains(&r.num);
    if !is_new && !a.changed.contains_key(&r.num) {
        return Ok(());
    }
    let xmp = |doc: &crate::pdf::document::Document, o: &Object| match o {
        Object::Stream(s) => decode_stream(&s.dict, &doc.stream_bytes(s))
            .is_ok_and(|data| crate::pdf::xmp::is_xmp(&data)),
        _ => false,
    };
    let new_ok = xmp(a.current, &a.current.get(r)?);
    let old_ok = is_new || a.changed.get(&r.num).is_some_and(|(o, _)| xmp(a.signed, o));
    if !(new_ok && old_ok) {
        a.report.other(format!(
            "siêu dữ liệu XMP (đối tượng {}) không phải XML hợp lệ",
            r.num
        ));
        return Ok(());
    }
    if is_new {
        a.accepted_new.insert(r.num);
        return Ok(());
    }
    a.accept_changed(r.num, LTA, |u| u.held_by(root) && u.path_is(&[b"Metadata"]))
}

/// /Extensions or /MarkInfo: direct, or a dictionary object that is new or rewritten in place (never another
/// existing object).
fn dictionary_entry(
    a: &mut Analysis,
    root: u32,
    old: &Dict,
    new: &Dict,
    key: &'static [u8],
) -> PdfResult<()> {
    let Some(Object::Ref(r)) = new.get(key) else {
        return Ok(());
    };
    let same_ref = matches!(old.get(key), Some(Object::Ref(o)) if o == r);
    if a.added.contains(&r.num) {
        a.accepted_new.insert(r.num);
    } else if !same_ref {
        a.report.other(format!(
            "/{} trỏ tới một đối tượng đã có",
            String::from_utf8_lossy(key)
        ));
    } else if let Some((o, n)) = a.changed.get(&r.num) {
        if !matches!((o, n), (Object::Dict(_), Object::Dict(_))) {
            a.report.other(format!(
                "/{} (đối tượng {}) không phải từ điển",
                String::from_utf8_lossy(key),
                r.num
            ));
            return Ok(());
        }
        a.accept_changed(r.num, LTA, |u| u.held_by(root) && u.path_is(&[key]))?;
    }
    Ok(())
}

/// Where a value of the DSS sits: an object of its own, or inside a direct dictionary at a path.
#[derive(Clone)]
struct Place {
    holder: u32,
    path: Vec<&'static [u8]>,
}

impl Place {
    fn child(&self, key: &'static [u8]) -> Self {
        let mut path = self.path.clone();
        path.push(key);
        Self {
            holder: self.holder,
            path,
        }
    }

    fn matches(&self, u: &Usage) -> bool {
        u.held_by(self.holder) && u.path_is(&self.path)
    }
}

/// The document security store (ETSI EN 319 142-1 §5.4.2): /Certs, /CRLs and /OCSPs arrays of streams, and /VRI
/// entries keyed by the upper-case SHA-1 of a signature. Old VRI entries stay as they were; certificates, CRLs
/// and responses may be added (and dropped, which PAdES allows).
fn dss(a: &mut Analysis, root: u32, old_catalog: &Dict, catalog: &Dict) -> PdfResult<()> {
    let Some(raw) = catalog.get(b"DSS") else {
        return Ok(());
    };
    let place = Place {
        holder: root,
        path: vec![b"DSS"],
    };
    let Some(place) = indirect_value(a, raw, old_catalog.get(b"DSS"), place, "DSS")? else {
        return Ok(());
    };
    let new = resolve_dict(a.current, Some(raw))?;
    let old = resolve_dict(a.signed, old_catalog.get(b"DSS"))?;
    for (k, _) in new.iter() {
        if !matches!(k, b"Type" | b"VRI" | b"Certs" | b"CRLs" | b"OCSPs") {
            a.report
                .other(format!("DSS có mục lạ /{}", String::from_utf8_lossy(k)));
        }
    }
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        let key: &'static [u8] = key;
        stream_array(a, old.get(key), new.get(key), place.child(key))?;
    }
    let Some(raw_vri) = new.get(b"VRI") else {
        if old.contains(b"VRI") {
            a.report.other("DSS bị xoá /VRI".into());
        }
        return Ok(());
    };
    let Some(vri_place) = indirect_value(a, raw_vri, old.get(b"VRI"), place.child(b"VRI"), "VRI")?
    else {
        return Ok(());
    };
    let old_vri = resolve_dict(a.signed, old.get(b"VRI"))?;
    let new_vri = resolve_dict(a.current, Some(raw_vri))?;
    for (k, v) in old_vri.iter() {
        if !new_vri.get(k).is_some_and(|w| w.same_as(v)) {
            a.report.other(format!(
                "mục VRI {} bị sửa hoặc xoá",
                String::from_utf8_lossy(k)
            ));
        }
    }
    for (k, v) in new_vri.iter() {
        if old_vri.contains(k) {
            continue;
        }
        let well_named = k.len() == 40
            && k.iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if !well_named {
            a.report
                .other(format!("mục VRI {} sai tên", String::from_utf8_lossy(k)));
            continue;
        }
        let entry = match v {
            Object::Ref(r) if a.added.contains(&r.num) => {
                a.accepted_new.insert(r.num);
                a.current.get(*r)?
            }
            Object::Dict(_) => v.clone(),
            _ => {
                a.report.other("mục VRI không phải từ điển mới".into());
                continue;
            }
        };
        let Object::Dict(entry) = entry else {
            a.report.other("mục VRI không phải từ điển".into());
            continue;
        };
        for (ek, ev) in entry.iter() {
            match ek {
                b"Type" | b"TU" => {}
                b"Cert" | b"CRL" | b"OCSP" => {
                    // a new entry: everything in it is new (its place does not matter, nothing old changes)
                    stream_array(a, None, Some(ev), vri_place.child(b"VRI-entry"))?;
                }
                b"TS" => match ev {
                    Object::Ref(r) if a.added.contains(&r.num) => a.accept_new_tree(*r, LTA),
                    Object::Ref(_) => {}
                    _ => a.report.other("VRI /TS không phải luồng".into()),
                },
                other => a.report.other(format!(
                    "mục VRI có khóa lạ /{}",
                    String::from_utf8_lossy(other)
                )),
            }
        }
    }
    Ok(())
}

/// A DSS value that may be an object of its own: accepted when new, or rewritten (not as a stream) under the
/// same number. Returns where its own entries sit, or `None` when it is refused.
fn indirect_value(
    a: &mut Analysis,
    raw: &Object,
    old_raw: Option<&Object>,
    place: Place,
    what: &str,
) -> PdfResult<Option<Place>> {
    let Object::Ref(r) = raw else {
        return Ok(Some(place));
    };
    let own = Place {
        holder: r.num,
        path: vec![],
    };
    if a.added.contains(&r.num) {
        a.accepted_new.insert(r.num);
        return Ok(Some(own));
    }
    if !matches!(old_raw, Some(Object::Ref(o)) if o == r) {
        a.report
            .other(format!("/{what} trỏ tới một đối tượng đã có ({})", r.num));
        return Ok(None);
    }
    if let Some((o, n)) = a.changed.get(&r.num) {
        if matches!(o, Object::Stream(_)) || matches!(n, Object::Stream(_)) {
            a.report.other(format!("/{what} là luồng"));
            return Ok(None);
        }
        a.accept_changed(r.num, LTA, |u| place.matches(u))?;
    }
    Ok(Some(own))
}

/// /Certs, /CRLs, /OCSPs (or a VRI entry's /Cert, /CRL, /OCSP): an array of references to streams; new streams
/// are accepted, old ones may stay or go.
fn stream_array(
    a: &mut Analysis,
    old: Option<&Object>,
    new: Option<&Object>,
    place: Place,
) -> PdfResult<()> {
    let Some(new) = new else {
        return Ok(());
    };
    if indirect_value(a, new, old, place, "DSS")?.is_none() {
        return Ok(());
    }
    for item in resolve_array(a.current, Some(new))? {
        let Object::Ref(r) = item else {
            a.report
                .other("DSS chứa phần tử không phải tham chiếu tới luồng".into());
            continue;
        };
        if !matches!(a.current.get(r)?, Object::Stream(_)) {
            a.report
                .other(format!("DSS trỏ tới đối tượng {} không phải luồng", r.num));
            continue;
        }
        a.accept_new_tree(r, LTA);
    }
    Ok(())
}
