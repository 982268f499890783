//! Who refers to what in the signed revision: for every object reachable from the trailer, the objects (or the
//! trailer) that refer to it and under which key path. A change accepted after signing must not reach anything
//! it was not accepted for: an appearance stream rewritten for a field must not also be drawn by the page, a field
//! filled must not also be the target of some other entry. `/Parent` back-references are not counted (like
//! pyHanko's usage paths), so a widget pointing at its field does not make the field "shared".

use std::collections::{HashMap, HashSet};

use crate::pdf::document::Document;
use crate::pdf::error::PdfResult;
use crate::pdf::object::{ObjRef, Object};

/// What holds a reference: the trailer or an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Trailer,
    Object(u32),
}

/// One step of the path to a reference inside its holder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Key(Vec<u8>),
    Index(usize),
}

/// Where a reference sits: its holder and the path inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Usage {
    pub holder: Holder,
    pub path: Vec<Step>,
}

impl Usage {
    /// The path is exactly these keys (no array index).
    pub fn path_is(&self, keys: &[&[u8]]) -> bool {
        self.path.len() == keys.len()
            && self
                .path
                .iter()
                .zip(keys)
                .all(|(s, k)| matches!(s, Step::Key(x) if x.as_slice() == *k))
    }

    /// The path is these keys followed by one array index.
    pub fn path_is_item_of(&self, keys: &[&[u8]]) -> bool {
        matches!(self.path.last(), Some(Step::Index(_)))
            && Usage {
                holder: self.holder,
                path: self.path[..self.path.len() - 1].to_vec(),
            }
            .path_is(keys)
    }

    pub fn held_by(&self, num: u32) -> bool {
        self.holder == Holder::Object(num)
    }
}

/// Where each object reachable from the trailer is referred to from, in one revision.
#[derive(Default)]
pub struct Usages {
    by_object: HashMap<u32, Vec<Usage>>,
    targets: HashSet<u32>,
}

/// More objects than this are not walked (a larger file is refused as damaged before it gets here).
const MAX_OBJECTS: usize = 2_000_000;

impl Usages {
    /// Walks every object reachable from the trailer of `doc`, recording where each of `targets` is used (only
    /// those: the walk visits everything, the index stays small).
    pub fn of(doc: &Document, targets: &HashSet<u32>) -> PdfResult<Self> {
        let mut by_object: HashMap<u32, Vec<Usage>> = HashMap::new();
        let mut seen: HashSet<u32> = HashSet::new();
        let mut stack: Vec<ObjRef> = Vec::new();
        let mut record = |holder: Holder, object: &Object, stack: &mut Vec<ObjRef>| {
            let mut path = Vec::new();
            walk(object, &mut path, &mut |r, path| {
                if targets.contains(&r.num) {
                    by_object.entry(r.num).or_default().push(Usage {
                        holder,
                        path: path.to_vec(),
                    });
                }
                stack.push(r);
            });
        };
        record(
            Holder::Trailer,
            &Object::Dict(doc.trailer.clone()),
            &mut stack,
        );
        while let Some(r) = stack.pop() {
            if !seen.insert(r.num) || seen.len() > MAX_OBJECTS {
                continue;
            }
            let object = doc.get(r)?;
            record(Holder::Object(r.num), &object, &mut stack);
        }
        Ok(Self {
            by_object,
            targets: targets.clone(),
        })
    }

    /// Where object `num` (one of the targets) is referred to from.
    pub fn of_object(&self, num: u32) -> &[Usage] {
        self.by_object.get(&num).map_or(&[], Vec::as_slice)
    }

    /// Every usage of `num` satisfies `allowed` (false for an object that was not a target: unknown).
    pub fn only(&self, num: u32, allowed: impl Fn(&Usage) -> bool) -> bool {
        self.targets.contains(&num) && self.of_object(num).iter().all(allowed)
    }
}

fn walk(object: &Object, path: &mut Vec<Step>, found: &mut dyn FnMut(ObjRef, &[Step])) {
    match object {
        Object::Ref(r) => found(*r, path),
        Object::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, found);
                path.pop();
            }
        }
        Object::Dict(d) => walk_dict(&d.0, path, found),
        Object::Stream(s) => walk_dict(&s.dict.0, path, found),
        _ => {}
    }
}

fn walk_dict(
    entries: &[(Vec<u8>, Object)],
    path: &mut Vec<Step>,
    found: &mut dyn FnMut(ObjRef, &[Step]),
) {
    for (k, v) in entries {
        if k == b"Parent" {
            continue;
        }
        path.push(Step::Key(k.clone()));
        walk(v, path, found);
        path.pop();
    }
}
