//! Appearances after signing: the /AP of a field being filled or signed (new streams, or its own streams and
//! /AP dictionary rewritten in place when nothing else reaches them), and additions to the form's default
//! resources. Pointing an appearance at an object that existed when signed, or changing a resource that existed,
//! is refused: both change what the signed page shows.

use super::refs::Holder;
use super::{Analysis, Modification, resolve_dict};
use crate::pdf::error::PdfResult;
use crate::pdf::object::{Dict, Object};

const FF: Modification = Modification::FormFilling;

/// The appearance of a field being filled or signed: new streams, or its own streams and /AP dictionary
/// rewritten in place when nothing else reaches them. Pointing the appearance at another existing object is
/// refused.
pub(super) fn appearance(a: &mut Analysis, num: u32, old: &Dict, new: &Dict) -> PdfResult<()> {
    let (old_ap, new_ap) = (old.get(b"AP"), new.get(b"AP"));
    let states = old.contains(b"AS");
    match new_ap {
        None if old_ap.is_some() => {
            a.report
                .other(format!("hình hiển thị của trường {num} bị xoá"));
        }
        None => {}
        Some(Object::Ref(d)) if a.added.contains(&d.num) => a.accept_new_tree(*d, FF),
        Some(Object::Ref(d)) => {
            if !matches!(old_ap, Some(Object::Ref(o)) if o == d) {
                a.report.other(format!(
                    "hình hiển thị của trường {num} trỏ tới đối tượng cũ {}",
                    d.num
                ));
                return Ok(());
            }
            let old_d = resolve_dict(a.signed, old_ap)?;
            let new_d = resolve_dict(a.current, new_ap)?;
            let touched = a.changed.contains_key(&d.num) || entries_touched(a, &new_d);
            if !touched {
                return Ok(());
            }
            // An appearance dictionary of its own: reached only from this field's /AP.
            if !a
                .usages()?
                .only(d.num, |u| u.held_by(num) && u.path_is(&[b"AP"]))
            {
                a.report.other(format!(
                    "từ điển hình hiển thị {} của trường {num} còn được dùng ở chỗ khác",
                    d.num
                ));
                return Ok(());
            }
            if let Some((o, n)) = a.changed.get(&d.num)
                && (matches!(o, Object::Stream(_)) || matches!(n, Object::Stream(_)))
            {
                a.report.other(format!("/AP của trường {num} là luồng"));
                return Ok(());
            }
            a.accept_changed(d.num, FF, |u| u.held_by(num) && u.path_is(&[b"AP"]))?;
            entries(a, num, Holder::Object(d.num), &[], &old_d, &new_d, states)?;
        }
        Some(Object::Dict(new_d)) => {
            let old_d = resolve_dict(a.signed, old_ap)?;
            entries(a, num, Holder::Object(num), &[b"AP"], &old_d, new_d, states)?;
        }
        Some(_) => a
            .report
            .other(format!("/AP của trường {num} không phải từ điển")),
    }
    Ok(())
}

/// Whether an appearance stream an /AP dictionary points to was rewritten.
fn entries_touched(a: &Analysis, d: &Dict) -> bool {
    [&b"N"[..], b"R", b"D"]
        .iter()
        .filter_map(|k| d.get(k))
        .any(|v| matches!(v, Object::Ref(r) if a.changed.contains_key(&r.num)))
}

/// The /N, /R and /D entries of an appearance dictionary held by `holder` at `prefix`.
fn entries(
    a: &mut Analysis,
    field: u32,
    holder: Holder,
    prefix: &[&'static [u8]],
    old: &Dict,
    new: &Dict,
    states: bool,
) -> PdfResult<()> {
    for key in [&b"N"[..], b"R", b"D"] {
        let key: &'static [u8] = key;
        let (old_v, Some(new_v)) = (old.get(key), new.get(key)) else {
            continue;
        };
        match new_v {
            Object::Ref(s) if a.added.contains(&s.num) => a.accept_new_tree(*s, FF),
            Object::Ref(s) if matches!(old_v, Some(Object::Ref(o)) if o == s) => {
                let Some((o, n)) = a.changed.get(&s.num).cloned() else {
                    continue;
                };
                // A stream rewritten under its own number: only for a field without appearance states, and only
                // if this is the one place it is used.
                if states || !matches!((&o, &n), (Object::Stream(_), Object::Stream(_))) {
                    a.report.other(format!(
                        "hình hiển thị {} của trường {field} bị ghi đè",
                        s.num
                    ));
                    continue;
                }
                // The same stream may be named for several appearances (/N and /D) of this field.
                let paths: Vec<Vec<&[u8]>> = [&b"N"[..], b"R", b"D"]
                    .into_iter()
                    .filter(|k| matches!(new.get(k), Some(Object::Ref(r)) if r == s))
                    .map(|k| prefix.iter().copied().chain([k]).collect())
                    .collect();
                a.accept_changed(s.num, FF, |u| {
                    u.holder == holder && paths.iter().any(|p| u.path_is(p))
                })?;
                a.accept_new_refs(&n, FF);
            }
            Object::Ref(s) => a.report.other(format!(
                "hình hiển thị của trường {field} trỏ tới đối tượng cũ {}",
                s.num
            )),
            Object::Dict(states_dict) => {
                let mut refs = Vec::new();
                Object::Dict(states_dict.clone()).collect_refs(&mut refs);
                let old_refs = old_v.map_or(vec![], |o| {
                    let mut v = Vec::new();
                    o.collect_refs(&mut v);
                    v
                });
                for r in refs {
                    if a.added.contains(&r.num) {
                        a.accept_new_tree(r, FF);
                    } else if !old_refs.contains(&r) || a.changed.contains_key(&r.num) {
                        a.report.other(format!(
                            "hình hiển thị của trường {field} trỏ tới đối tượng cũ {}",
                            r.num
                        ));
                    }
                }
            }
            _ => a
                .report
                .other(format!("hình hiển thị của trường {field} sai kiểu")),
        }
    }
    Ok(())
}

/// The form's default resources: new entries may be added (fonts for new signatures' appearances); an entry
/// that existed must stay as it was, or appearances regenerated from it would change.
pub(super) fn default_resources(
    a: &mut Analysis,
    root: u32,
    acroform: Option<u32>,
    old_form: &Dict,
    new_form: &Dict,
    form_raw: Option<&Object>,
) -> PdfResult<()> {
    let (old_raw, new_raw) = (old_form.get(b"DR"), new_form.get(b"DR"));
    if let Some(Object::Ref(r)) = new_raw {
        if a.added.contains(&r.num) {
            a.accepted_new.insert(r.num);
        } else if matches!(old_raw, Some(Object::Ref(o)) if o == r) {
            let direct_form = matches!(form_raw, Some(Object::Dict(_)));
            a.accept_changed(r.num, FF, |u| {
                (Some(u.holder) == acroform.map(Holder::Object) && u.path_is(&[b"DR"]))
                    || (direct_form && u.held_by(root) && u.path_is(&[b"AcroForm", b"DR"]))
            })?;
        } else {
            a.report
                .other("tài nguyên mặc định của biểu mẫu trỏ tới đối tượng cũ".into());
            return Ok(());
        }
    }
    let old = resolve_dict(a.signed, old_raw)?;
    let new = resolve_dict(a.current, new_raw)?;
    for (category, old_v) in old.iter() {
        let Some(new_v) = new.get(category) else {
            a.report
                .other("tài nguyên mặc định của biểu mẫu bị xoá".into());
            return Ok(());
        };
        if new_v.same_as(old_v) {
            continue;
        }
        if matches!((old_v, new_v), (Object::Ref(x), Object::Ref(y)) if x == y) {
            // the category dictionary rewritten under its own number: its old entries must stay
            a.report.other(format!(
                "tài nguyên mặc định /{} của biểu mẫu bị ghi đè",
                String::from_utf8_lossy(category)
            ));
            return Ok(());
        }
        let (od, nd) = (
            resolve_dict(a.signed, Some(old_v))?,
            resolve_dict(a.current, Some(new_v))?,
        );
        if matches!(new_v, Object::Ref(r) if !a.added.contains(&r.num)) {
            a.report
                .other("tài nguyên mặc định của biểu mẫu trỏ tới đối tượng cũ".into());
            return Ok(());
        }
        if let Object::Ref(r) = new_v {
            a.accepted_new.insert(r.num);
        }
        for (name, v) in od.iter() {
            if !nd.get(name).is_some_and(|w| w.same_as(v)) {
                a.report.other(format!(
                    "tài nguyên mặc định /{} của biểu mẫu bị sửa",
                    String::from_utf8_lossy(name)
                ));
                return Ok(());
            }
        }
        for (name, v) in nd.iter() {
            if !od.contains(name) {
                a.accept_new_refs(v, FF);
            }
        }
        a.report.bump(FF);
    }
    for (category, v) in new.iter() {
        if !old.contains(category) {
            a.accept_new_refs(v, FF);
            a.report.bump(FF);
        }
    }
    Ok(())
}
