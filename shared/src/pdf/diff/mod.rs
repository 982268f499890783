//! What changed after a signature: the signed revision compared with the whole file, object by object. The
//! verdicts are pyHanko's (its default difference policy), measured on the differential corpus
//! (`shared/tests/differential.rs`), with a few deliberate refusals where pyHanko lets a shadow attack through.
//!
//! Allowed with nothing shown changing (`none`, pyHanko's LTA updates): document metadata (/Info, XMP that is
//! well-formed), the DSS and document timestamps, /Extensions, /MarkInfo and /Version in the catalog, new
//! cross-reference and object streams, and identical rewrites of objects.
//!
//! Allowed as `form_filling`:
//! - a new signature: its field and widgets, signature dictionary and appearance (with the fonts and images it
//!   uses), added to pages' /Annots and the AcroForm's /Fields (plus /SigFlags), held directly or in array objects;
//! - an empty signature field signed (its widget's flags, appearance and value);
//! - a text field that was empty when signed filled in: /V and its appearance, as a new stream or its own stream
//!   rewritten, directly or through an /AP dictionary object — provided nothing else in the file reaches what is
//!   rewritten ([`refs`]);
//! - new entries in the AcroForm's default resources (/DR).
//!
//! Everything else is `other`: page content, resources, other annotations, catalog entries (/Pages, /OpenAction,
//! /OCProperties…), changed /DR entries, /DA or /NeedAppearances, a field that already had a value, a change to
//! an object that something else also reaches, references redirected to other objects, objects appended without
//! a cross-reference entry. That is what defeats the incremental saving and shadow attacks (hide, replace,
//! hide-and-replace): they all need one of these.

mod appearance;
mod catalog;
mod form;
mod pages;
mod refs;

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::document::{Document, XrefEntry};
use super::error::PdfResult;
use super::object::{Dict, ObjRef, Object};
use super::parse::Parser;
use refs::{Usage, Usages};

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

    /// Raises the level to `level` (an `other` verdict stays).
    fn bump(&mut self, level: Modification) {
        self.level = self.level.max(level);
    }
}

/// The comparison under way: both revisions, what changed, and what the rules have accepted so far.
struct Analysis<'r, 's, 'c> {
    signed: &'r Document<'s>,
    current: &'r Document<'c>,
    /// Objects that did not exist when signed.
    added: BTreeSet<u32>,
    /// Objects that existed and now differ: (signed version, current version).
    changed: BTreeMap<u32, (Object, Object)>,
    /// Changed objects a rule accepted.
    accepted: HashSet<u32>,
    /// New objects a rule accepted (only themselves).
    accepted_new: HashSet<u32>,
    /// New objects accepted with every new object they reach, at a level.
    new_roots: Vec<(ObjRef, Modification)>,
    usages: OnceCell<PdfResult<Usages>>,
    report: ModificationReport,
}

impl Analysis<'_, '_, '_> {
    /// Accepts changed object `num` at `level` if every place the signed revision refers to it from satisfies
    /// `expected`; otherwise the change reaches something it was not made for.
    fn accept_changed(
        &mut self,
        num: u32,
        level: Modification,
        expected: impl Fn(&Usage) -> bool,
    ) -> PdfResult<()> {
        if !self.changed.contains_key(&num) {
            return Ok(());
        }
        if !self.usages()?.only(num, expected) {
            self.report.other(format!(
                "đối tượng {num} bị sửa nhưng còn được dùng ở chỗ khác trong phần đã ký"
            ));
            return Ok(());
        }
        self.accepted.insert(num);
        self.report.bump(level);
        Ok(())
    }

    /// Accepts changed object `num` at `level` wherever it is referred to from (the catalog, pages).
    fn accept_anywhere(&mut self, num: u32, level: Modification) {
        if self.changed.contains_key(&num) {
            self.accepted.insert(num);
            self.report.bump(level);
        }
    }

    /// Accepts a new object `r` and every new object it reaches, at `level`.
    fn accept_new_tree(&mut self, r: ObjRef, level: Modification) {
        if self.added.contains(&r.num) {
            self.new_roots.push((r, level));
            self.report.bump(level);
        }
    }

    /// Accepts the new objects a value refers to (and what they reach), at `level`; false if it also refers to
    /// objects that existed when signed.
    fn accept_new_refs(&mut self, value: &Object, level: Modification) -> bool {
        let mut refs = Vec::new();
        value.collect_refs(&mut refs);
        let mut all_new = true;
        for r in refs {
            if self.added.contains(&r.num) {
                self.accept_new_tree(r, level);
            } else {
                all_new = false;
            }
        }
        all_new
    }

    /// Where the changed objects, and the objects their signed versions refer to (an /AP dictionary behind a
    /// field being filled), are used in the signed revision.
    fn usages(&self) -> PdfResult<&Usages> {
        let built = self.usages.get_or_init(|| {
            let mut targets: HashSet<u32> = self.changed.keys().copied().collect();
            let mut refs = Vec::new();
            for (old, _) in self.changed.values() {
                old.collect_refs(&mut refs);
            }
            targets.extend(refs.iter().map(|r| r.num));
            Usages::of(self.signed, &targets)
        });
        built
            .as_ref()
            .map_err(|e| super::error::PdfError::malformed(e.to_string()))
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
    if signed.root_ref() != current.root_ref() {
        report.other("danh mục gốc của tài liệu bị thay".into());
        return Ok(report);
    }

    let mut a = Analysis {
        signed,
        current,
        added,
        changed,
        accepted: HashSet::new(),
        accepted_new: HashSet::new(),
        new_roots: Vec::new(),
        usages: OnceCell::new(),
        report,
    };
    catalog::check(&mut a)?;
    form::check(&mut a)?;
    for num in a.changed.keys() {
        if !a.accepted.contains(num) {
            let what = match &a.changed[num].0 {
                Object::Stream(_) => "luồng dữ liệu",
                _ => "đối tượng",
            };
            a.report.other(format!("{what} {num} bị thay đổi"));
        }
    }
    check_new_objects(&mut a)?;
    Ok(a.report)
}

/// Every new object must be accepted by a rule, hang off one accepted with its subtree, be a cross-reference or
/// object stream, or be unreachable (some writers leave orphans). A new object the signed revision already
/// referred to (a dangling reference resolved later) is the classic shadow trick.
fn check_new_objects(a: &mut Analysis) -> PdfResult<()> {
    let mut stack = std::mem::take(&mut a.new_roots);
    let mut seen = HashSet::new();
    while let Some((r, level)) = stack.pop() {
        if !seen.insert(r.num) || !a.added.contains(&r.num) {
            continue;
        }
        a.accepted_new.insert(r.num);
        a.report.bump(level);
        let mut refs = Vec::new();
        a.current.get(r)?.collect_refs(&mut refs);
        stack.extend(refs.into_iter().map(|r| (r, level)));
    }
    let mut signed_refs: Option<HashSet<u32>> = None;
    let added: Vec<u32> = a.added.iter().copied().collect();
    for num in added {
        if a.accepted_new.contains(&num) {
            continue;
        }
        let obj = a.current.get(ObjRef::new(num, 0))?;
        if obj
            .as_dict()
            .is_some_and(|d| d.is_type(b"XRef") || d.is_type(b"ObjStm"))
        {
            continue;
        }
        if signed_refs
            .get_or_insert_with(|| numbers_referenced_in(a.signed))
            .contains(&num)
        {
            a.report.other(format!(
                "đối tượng mới {num} được chèn vào chỗ tham chiếu của phần đã ký"
            ));
        } else if is_reachable_from_root(a.current, num)? {
            a.report
                .other(format!("đối tượng mới {num} được thêm vào tài liệu"));
        }
    }
    Ok(())
}

fn same_content(signed: &Document, old: &Object, current: &Document, new: &Object) -> bool {
    match (old, new) {
        (Object::Stream(a), Object::Stream(b)) => {
            a.dict.same_entries(&b.dict) && signed.stream_bytes(a) == current.stream_bytes(b)
        }
        _ => old.same_as(new),
    }
}

/// Keys whose values differ (added, removed or changed).
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
