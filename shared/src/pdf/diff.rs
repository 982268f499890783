//! What changed after a signature: the signed revision compared with the whole file, object by object.
//!
//! Allowed as `form_filling` (what issuing a document legitimately does after the leader signed):
//! - a new signature: its field/widget, signature dictionary and appearance (and the fonts and images the
//!   appearance uses), added to the page's /Annots and the AcroForm's /Fields (plus /SigFlags);
//! - filling a text field that was empty when signed (/V and a new appearance for its widgets);
//! - document metadata (/Info, the catalog's /Metadata): never displayed as page content.
//!
//! Everything else is `other`: page content, resources, other annotations, catalog entries (/Pages, /OpenAction,
//! /OCProperties…), the AcroForm's /DR, /DA or /NeedAppearances, a field that already had a value, references
//! redirected to other objects, objects appended without a cross-reference entry. That is what defeats the
//! incremental saving and shadow attacks (hide, replace, hide-and-replace): they all need one of these.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::document::{Document, XrefEntry};
use super::error::PdfResult;
use super::object::{Dict, ObjRef, Object, decode_text_string};
use super::parse::Parser;

/// The modification level after a signature, as `vanban pdf verify --json` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modification {
    None,
    FormFilling,
    Other,
}

/// The verdict with its reasons (Vietnamese, for the verification panel).
#[derive(Debug, Clone, Serialize)]
pub struct ModificationReport {
    pub level: Modification,
    /// Names of text fields filled after signing, with their new values.
    pub filled_fields: Vec<(String, String)>,
    pub added_signatures: usize,
    pub reasons: Vec<String>,
}

impl ModificationReport {
    /// The later revisions could not even be read: treated as arbitrary modification.
    pub fn unreadable(why: String) -> Self {
        Self {
            level: Modification::Other,
            filled_fields: vec![],
            added_signatures: 0,
            reasons: vec![format!("không đọc được các lần sửa sau khi ký ({why})")],
        }
    }

    fn other(&mut self, why: String) {
        self.level = Modification::Other;
        if self.reasons.len() < 20 {
            self.reasons.push(why);
        }
    }
}

/// Compares the revision a signature covers (`signed`, the file cut at the end of its byte range) with the whole
/// file (`current`). `signed_end` is where the signed revision ends in the file; `revision_ends` are the ends of
/// all its revisions (see [`super::document::revision_ends`]).
pub fn analyse(
    signed: &Document,
    current: &Document,
    signed_end: usize,
    revision_ends: &[usize],
) -> PdfResult<ModificationReport> {
    let mut report = ModificationReport {
        level: Modification::None,
        filled_fields: vec![],
        added_signatures: 0,
        reasons: vec![],
    };
    if current.src.all_whitespace(signed_end..current.len()) {
        return Ok(report);
    }
    // The later revisions must extend the signed one: same chain of sections below them.
    let newer = current.sections.len().saturating_sub(signed.sections.len());
    let chained = current.sections.len() > signed.sections.len()
        && current.sections[newer..]
            .iter()
            .zip(&signed.sections)
            .all(|(a, b)| a.offset == b.offset);
    if !chained {
        report.other(
            "các lần cập nhật sau không nối tiếp phiên bản đã ký (bảng tham chiếu chéo bị thay)"
                .into(),
        );
        return Ok(report);
    }
    let newer_sections = &current.sections[..newer];
    if newer_sections.iter().any(|s| s.offset < signed_end) {
        report.other("bảng tham chiếu chéo mới nằm trong phần đã ký".into());
        return Ok(report);
    }
    check_appended_bytes(
        current,
        signed_end,
        revision_ends.last().copied().unwrap_or(0),
        &mut report,
    );

    let mut touched: BTreeSet<u32> = BTreeSet::new();
    for s in newer_sections {
        touched.extend(s.entries.keys().copied());
    }
    let mut changed: BTreeMap<u32, (Object, Object)> = BTreeMap::new();
    let mut added: BTreeSet<u32> = BTreeSet::new();
    for num in touched {
        let new_entry = current.xref_entry(num);
        if matches!(new_entry, Some(XrefEntry::Free) | None) {
            if signed
                .xref_entry(num)
                .is_some_and(|e| !matches!(e, XrefEntry::Free))
            {
                report.other(format!("đối tượng {num} đã ký bị xoá"));
            }
            continue;
        }
        let generation = match new_entry {
            Some(XrefEntry::InFile { generation, .. }) => generation,
            _ => 0,
        };
        let id = ObjRef::new(num, generation);
        let new = current.get(id)?;
        let old = signed.get(id)?;
        if old == Object::Null {
            added.insert(num);
        } else if !same_content(signed, &old, current, &new) {
            changed.insert(num, (old, new));
        }
    }

    let root = current.root_ref();
    if signed.root_ref() != root {
        report.other("danh mục gốc của tài liệu bị thay".into());
    }
    // New objects that legitimately hang off allowed changes.
    let mut allowed_new: HashSet<u32> = HashSet::new();
    let mut pending_roots: Vec<ObjRef> = Vec::new();

    for (num, (old, new)) in &changed {
        let (Some(old_d), Some(new_d)) = (old.as_dict(), new.as_dict()) else {
            if let (Some(a), Some(b)) = (old.as_array(), new.as_array()) {
                // /Annots or /Fields arrays kept as separate objects: only appending is allowed.
                if is_extension(a, b) && is_annots_or_fields_array(signed, *num)? {
                    let extra: Vec<ObjRef> =
                        b[a.len()..].iter().filter_map(Object::as_ref).collect();
                    check_new_widgets(
                        current,
                        &extra,
                        &added,
                        &mut allowed_new,
                        &mut pending_roots,
                        &mut report,
                    )?;
                    continue;
                }
            }
            report.other(format!("đối tượng {num} bị thay đổi"));
            continue;
        };
        if old.as_dict().is_some() && matches!(old, Object::Stream(_)) {
            report.other(format!(
                "luồng dữ liệu {num} bị thay đổi (nội dung trang, ảnh hoặc phông chữ)"
            ));
            continue;
        }
        let keys = changed_keys(old_d, new_d);
        if *num == root.num {
            for k in &keys {
                match k.as_slice() {
                    b"AcroForm" => {
                        let old_form = resolve_dict(signed, old_d.get(b"AcroForm"))?;
                        let new_form = resolve_dict(current, new_d.get(b"AcroForm"))?;
                        check_acroform(
                            signed,
                            current,
                            &old_form,
                            &new_form,
                            &added,
                            &mut allowed_new,
                            &mut pending_roots,
                            &mut report,
                        )?;
                        if let Some(Object::Ref(r)) = new_d.get(b"AcroForm") {
                            allowed_new.insert(r.num);
                        }
                    }
                    b"Metadata" => {
                        if let Some(Object::Ref(r)) = new_d.get(b"Metadata") {
                            allowed_new.insert(r.num);
                        }
                    }
                    other => report.other(format!(
                        "danh mục tài liệu bị đổi mục /{}",
                        String::from_utf8_lossy(other)
                    )),
                }
            }
            continue;
        }
        if old_d.is_type(b"Page") || new_d.is_type(b"Page") {
            for k in &keys {
                if k.as_slice() != b"Annots" {
                    report.other(format!(
                        "trang (đối tượng {num}) bị đổi mục /{}",
                        String::from_utf8_lossy(k)
                    ));
                }
            }
            if keys.iter().any(|k| k == b"Annots") {
                let a = resolve_array(signed, old_d.get(b"Annots"))?;
                let b = resolve_array(current, new_d.get(b"Annots"))?;
                if is_extension(&a, &b) {
                    let extra: Vec<ObjRef> =
                        b[a.len()..].iter().filter_map(Object::as_ref).collect();
                    check_new_widgets(
                        current,
                        &extra,
                        &added,
                        &mut allowed_new,
                        &mut pending_roots,
                        &mut report,
                    )?;
                } else {
                    report.other(format!(
                        "chú thích trên trang (đối tượng {num}) bị xoá hoặc thay"
                    ));
                }
            }
            continue;
        }
        if is_acroform(signed, *num)? {
            check_acroform(
                signed,
                current,
                old_d,
                new_d,
                &added,
                &mut allowed_new,
                &mut pending_roots,
                &mut report,
            )?;
            continue;
        }
        if is_info(signed, current, *num) {
            continue;
        }
        // A form field being filled or signed.
        let field_like = new_d.contains(b"FT")
            || old_d.contains(b"T")
            || new_d.name(b"Subtype") == Some(b"Widget");
        if field_like {
            check_field_change(
                signed,
                current,
                *num,
                old_d,
                new_d,
                &keys,
                &added,
                &mut allowed_new,
                &mut pending_roots,
                &mut report,
            )?;
            continue;
        }
        report.other(format!("đối tượng {num} bị thay đổi"));
    }

    // New objects reachable from allowed new roots are part of those changes.
    let mut stack = pending_roots;
    let mut seen = HashSet::new();
    while let Some(r) = stack.pop() {
        if !seen.insert(r) || !added.contains(&r.num) {
            continue;
        }
        allowed_new.insert(r.num);
        let mut refs = Vec::new();
        current.get(r)?.collect_refs(&mut refs);
        stack.extend(refs);
    }
    let mut signed_refs: Option<HashSet<u32>> = None;
    for num in &added {
        if allowed_new.contains(num) {
            continue;
        }
        let obj = current.get(ObjRef::new(*num, 0))?;
        let d = obj.as_dict();
        let container = d.is_some_and(|d| d.is_type(b"XRef") || d.is_type(b"ObjStm"));
        let info = is_info(signed, current, *num);
        if container || info {
            continue;
        }
        // Anything else new must not be reachable from what was signed (a dangling reference in the signed
        // revision that now resolves is the classic shadow trick).
        if signed_refs
            .get_or_insert_with(|| numbers_referenced_in(signed))
            .contains(num)
        {
            report.other(format!(
                "đối tượng mới {num} được chèn vào chỗ tham chiếu của phần đã ký"
            ));
        } else if is_reachable_from_root(current, *num)? {
            report.other(format!("đối tượng mới {num} được thêm vào tài liệu"));
        }
    }
    Ok(report)
}

fn same_content(signed: &Document, old: &Object, current: &Document, new: &Object) -> bool {
    match (old, new) {
        (Object::Stream(a), Object::Stream(b)) => {
            a.dict.same_entries(&b.dict) && signed.stream_bytes(a) == current.stream_bytes(b)
        }
        _ => old.same_as(new),
    }
}

fn changed_keys(a: &Dict, b: &Dict) -> Vec<Vec<u8>> {
    let mut keys: BTreeSet<Vec<u8>> = BTreeSet::new();
    for (k, v) in a.iter() {
        if !b.get(k).is_some_and(|w| w.same_as(v)) {
            keys.insert(k.to_vec());
        }
    }
    for (k, _) in b.iter() {
        if !a.contains(k) {
            keys.insert(k.to_vec());
        }
    }
    keys.into_iter().collect()
}

/// `b` is `a` with entries appended.
fn is_extension(a: &[Object], b: &[Object]) -> bool {
    b.len() >= a.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
}

fn resolve_dict(doc: &Document, o: Option<&Object>) -> PdfResult<Dict> {
    Ok(match o {
        Some(o) => doc.resolve(o)?.as_dict().cloned().unwrap_or_default(),
        None => Dict::default(),
    })
}

fn resolve_array(doc: &Document, o: Option<&Object>) -> PdfResult<Vec<Object>> {
    Ok(match o {
        Some(o) => doc
            .resolve(o)?
            .as_array()
            .map(<[Object]>::to_vec)
            .unwrap_or_default(),
        None => vec![],
    })
}

fn is_acroform(signed: &Document, num: u32) -> PdfResult<bool> {
    Ok(matches!(signed.catalog()?.get(b"AcroForm"), Some(Object::Ref(r)) if r.num == num))
}

fn is_info(signed: &Document, current: &Document, num: u32) -> bool {
    [signed, current]
        .iter()
        .any(|d| matches!(d.trailer.get(b"Info"), Some(Object::Ref(r)) if r.num == num))
}

fn is_annots_or_fields_array(signed: &Document, num: u32) -> PdfResult<bool> {
    let catalog = signed.catalog()?;
    if let Some(form) = signed.lookup(&catalog, b"AcroForm")?
        && let Some(Object::Ref(r)) = form.as_dict().and_then(|d| d.get(b"Fields"))
        && r.num == num
    {
        return Ok(true);
    }
    for page in signed.pages()? {
        if matches!(page.dict.get(b"Annots"), Some(Object::Ref(r)) if r.num == num) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[allow(clippy::too_many_arguments)]
fn check_acroform(
    signed: &Document,
    current: &Document,
    old: &Dict,
    new: &Dict,
    added: &BTreeSet<u32>,
    allowed_new: &mut HashSet<u32>,
    roots: &mut Vec<ObjRef>,
    report: &mut ModificationReport,
) -> PdfResult<()> {
    for k in changed_keys(old, new) {
        match k.as_slice() {
            b"SigFlags" => {}
            b"Fields" => {
                let a = resolve_array(signed, old.get(b"Fields"))?;
                let b = resolve_array(current, new.get(b"Fields"))?;
                if !is_extension(&a, &b) {
                    report.other("danh sách trường biểu mẫu bị xoá hoặc thay".into());
                    continue;
                }
                if let Some(Object::Ref(r)) = new.get(b"Fields")
                    && added.contains(&r.num)
                {
                    allowed_new.insert(r.num);
                }
                let extra: Vec<ObjRef> = b[a.len()..].iter().filter_map(Object::as_ref).collect();
                check_new_widgets(current, &extra, added, allowed_new, roots, report)?;
            }
            other => report.other(format!(
                "biểu mẫu (AcroForm) bị đổi mục /{} (có thể đổi cách hiển thị nội dung)",
                String::from_utf8_lossy(other)
            )),
        }
    }
    Ok(())
}

/// New annotations or fields must be new signature fields/widgets.
fn check_new_widgets(
    current: &Document,
    refs: &[ObjRef],
    added: &BTreeSet<u32>,
    allowed_new: &mut HashSet<u32>,
    roots: &mut Vec<ObjRef>,
    report: &mut ModificationReport,
) -> PdfResult<()> {
    for r in refs {
        if allowed_new.contains(&r.num) {
            continue;
        }
        if !added.contains(&r.num) {
            report.other(format!(
                "đối tượng cũ {} được gắn lại vào trang hoặc biểu mẫu",
                r.num
            ));
            continue;
        }
        let d = current.get_dict(*r)?;
        let is_sig_field = d.name(b"FT") == Some(b"Sig")
            || match d.get(b"Parent") {
                Some(Object::Ref(p)) => current.get_dict(*p)?.name(b"FT") == Some(b"Sig"),
                _ => false,
            };
        if !is_sig_field {
            let subtype = d
                .name(b"Subtype")
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_default();
            report.other(format!(
                "thêm chú thích/trường không phải chữ ký ({subtype})"
            ));
            continue;
        }
        if d.get(b"V").is_some() {
            report.added_signatures += 1;
        }
        allowed_new.insert(r.num);
        roots.push(*r);
        if report.level == Modification::None {
            report.level = Modification::FormFilling;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn check_field_change(
    signed: &Document,
    current: &Document,
    num: u32,
    old: &Dict,
    new: &Dict,
    keys: &[Vec<u8>],
    added: &BTreeSet<u32>,
    allowed_new: &mut HashSet<u32>,
    roots: &mut Vec<ObjRef>,
    report: &mut ModificationReport,
) -> PdfResult<()> {
    let field_type = new
        .name(b"FT")
        .map(<[u8]>::to_vec)
        .or_else(|| parent_type(current, new));
    let old_value_empty = match old.get(b"V") {
        None => true,
        Some(v) => match signed.resolve(v)? {
            Object::String(s) => s.is_empty() || decode_text_string(&s).trim().is_empty(),
            Object::Null => true,
            _ => false,
        },
    };
    for k in keys {
        match k.as_slice() {
            b"V" if field_type.as_deref() == Some(b"Tx") && old_value_empty => {
                let name = new
                    .get(b"T")
                    .and_then(Object::as_string)
                    .map(decode_text_string)
                    .unwrap_or_default();
                let value = match current.resolve(new.get(b"V").unwrap_or(&Object::Null))? {
                    Object::String(s) => decode_text_string(&s),
                    _ => String::new(),
                };
                report.filled_fields.push((name, value));
            }
            b"V" if field_type.as_deref() == Some(b"Sig") && old.get(b"V").is_none() => {
                report.added_signatures += 1;
                if let Some(r) = new.get(b"V").and_then(Object::as_ref) {
                    roots.push(r);
                }
            }
            b"V" => report.other(format!("trường biểu mẫu {num} đã có giá trị lúc ký bị sửa")),
            b"AP" => {
                // A new appearance is allowed only for a field being filled now, and only as new objects.
                let filling =
                    keys.iter().any(|k| k == b"V") || parent_is_being_filled(signed, current, new)?;
                let mut refs = Vec::new();
                if let Some(ap) = new.get(b"AP") {
                    ap.collect_refs(&mut refs);
                }
                if filling && refs.iter().all(|r| added.contains(&r.num)) {
                    roots.extend(refs);
                } else {
                    report.other(format!("hình hiển thị của trường {num} bị thay"));
                }
            }
            b"M" | b"MK" if keys.iter().any(|k| k == b"V" || k == b"AP") => {}
            other => report.other(format!(
                "trường biểu mẫu {num} bị đổi mục /{}",
                String::from_utf8_lossy(other)
            )),
        }
    }
    let _ = allowed_new;
    if report.level == Modification::None {
        report.level = Modification::FormFilling;
    }
    Ok(())
}

fn parent_type(doc: &Document, d: &Dict) -> Option<Vec<u8>> {
    let mut current = d.clone();
    for _ in 0..32 {
        let Some(Object::Ref(p)) = current.get(b"Parent") else {
            return None;
        };
        current = doc.get_dict(*p).ok()?;
        if let Some(t) = current.name(b"FT") {
            return Some(t.to_vec());
        }
    }
    None
}

/// A widget whose parent field's value changed in this update.
fn parent_is_being_filled(signed: &Document, current: &Document, widget: &Dict) -> PdfResult<bool> {
    let Some(Object::Ref(p)) = widget.get(b"Parent") else {
        return Ok(false);
    };
    let old = signed.get_dict(*p)?;
    let new = current.get_dict(*p)?;
    Ok(!old
        .get(b"V")
        .zip(new.get(b"V"))
        .is_some_and(|(a, b)| a.same_as(b))
        && new.get(b"V").is_some())
}

/// Whether any object of the signed revision refers to object `num` (which did not exist when signed).
/// Every object number the signed revision refers to (collected once: it parses every object).
fn numbers_referenced_in(signed: &Document) -> HashSet<u32> {
    let mut refs = Vec::new();
    signed
        .trailer
        .0
        .iter()
        .for_each(|(_, v)| v.collect_refs(&mut refs));
    for n in signed.object_numbers().collect::<Vec<_>>() {
        let generation = match signed.xref_entry(n) {
            Some(XrefEntry::InFile { generation, .. }) => generation,
            _ => 0,
        };
        if let Ok(o) = signed.get(ObjRef::new(n, generation)) {
            o.collect_refs(&mut refs);
        }
    }
    refs.iter().map(|r| r.num).collect()
}

fn is_reachable_from_root(doc: &Document, num: u32) -> PdfResult<bool> {
    let mut stack = vec![doc.root_ref()];
    let mut seen = HashSet::new();
    while let Some(r) = stack.pop() {
        if r.num == num {
            return Ok(true);
        }
        if !seen.insert(r) || seen.len() > 1_000_000 {
            continue;
        }
        let mut refs = Vec::new();
        doc.get(r)?.collect_refs(&mut refs);
        stack.extend(refs);
    }
    Ok(false)
}

/// Bytes after the signed revision must all belong to later incremental sections: an object header that no
/// cross-reference entry points at is what the "incremental saving attack" variants without xref rely on.
fn check_appended_bytes(
    current: &Document,
    signed_end: usize,
    last_end: usize,
    report: &mut ModificationReport,
) {
    // The later revisions (what was appended after signing; small in practice).
    let tail = current.src.bytes(signed_end..current.len());
    let referenced: HashSet<usize> = current
        .sections
        .iter()
        .flat_map(|s| {
            s.entries.values().filter_map(|e| match e {
                XrefEntry::InFile { offset, .. } => Some(*offset),
                _ => None,
            })
        })
        .chain(current.sections.iter().map(|s| s.offset))
        .collect();
    let mut i = 0;
    while let Some(p) = super::parse::find(&tail[i..], b" obj") {
        let at = signed_end + i + p;
        // Walk back over "num gen" to the start of the header.
        let mut start = at;
        let mut spaces = 0;
        while start > signed_end {
            let b = tail[start - 1 - signed_end];
            if b.is_ascii_digit() {
                start -= 1;
            } else if b == b' ' && spaces == 0 {
                spaces += 1;
                start -= 1;
            } else {
                break;
            }
        }
        let mut parser = Parser::new(&tail, start - signed_end);
        if parser.read_object_header().is_ok()
            && !referenced.contains(&start)
            && !inside_stream(current, start)
        {
            report.other(format!(
                "có đối tượng được nối thêm ở byte {start} mà không có trong bảng tham chiếu chéo"
            ));
            return;
        }
        i += p + 4;
    }
    if !current
        .src
        .all_whitespace(last_end.max(signed_end)..current.len())
    {
        report.other("có dữ liệu lạ sau dấu kết thúc tệp (%%EOF)".into());
    }
}

fn inside_stream(doc: &Document, offset: usize) -> bool {
    doc.sections
        .iter()
        .flat_map(|s| s.entries.iter())
        .any(|(num, e)| match e {
            XrefEntry::InFile {
                offset: o,
                generation,
            } if *o < offset => matches!(
                doc.get(ObjRef::new(*num, *generation)),
                Ok(Object::Stream(ref s)) if s.data.start <= offset && offset < s.data.end
            ),
            _ => false,
        })
}
