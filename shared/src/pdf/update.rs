//! Incremental updates (§7.5.6): new and changed objects appended after the original bytes, with a
//! cross-reference section of the same kind as the file's last one (table or stream) chained by `/Prev`.
//! The original bytes are never touched, which is what keeps earlier signatures valid.

use std::collections::BTreeMap;

use pdf_writer::{Chunk, Ref};

use super::document::Document;
use super::error::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object, serialize, serialize_dict};

/// The bytes to append to a document, and where each object landed in them.
pub struct Appended {
    pub bytes: Vec<u8>,
    /// Offset of each written object relative to the start of `bytes`.
    pub offsets: BTreeMap<ObjRef, usize>,
}

pub struct IncrementalUpdate<'d, 'a> {
    doc: &'d Document<'a>,
    next_num: u32,
    objects: Vec<(ObjRef, Vec<u8>)>,
    /// Objects of our model written so far, so later steps of the same update see earlier ones.
    pending: std::collections::HashMap<ObjRef, Object>,
}

impl<'d, 'a> IncrementalUpdate<'d, 'a> {
    pub fn new(doc: &'d Document<'a>) -> Self {
        Self {
            doc,
            next_num: doc.next_object_number(),
            objects: Vec::new(),
            pending: std::collections::HashMap::new(),
        }
    }

    pub fn document(&self) -> &'d Document<'a> {
        self.doc
    }

    /// A fresh object number for a new object.
    pub fn alloc(&mut self) -> ObjRef {
        let r = ObjRef::new(self.next_num, 0);
        self.next_num += 1;
        r
    }

    pub fn alloc_writer_ref(&mut self) -> Ref {
        Ref::new(self.alloc().num as i32)
    }

    /// Writes (or replaces) an object given in our model. Streams cannot be copied this way.
    pub fn put(&mut self, id: ObjRef, object: &Object) {
        let mut body = Vec::new();
        serialize(object, &mut body);
        self.put_body(id, &body);
        self.pending.insert(id, object.clone());
    }

    pub fn put_dict(&mut self, id: ObjRef, dict: &Dict) {
        self.put(id, &Object::Dict(dict.clone()));
    }

    /// An object as this update has it: written earlier in the update, or else as in the document.
    pub fn current(&self, id: ObjRef) -> PdfResult<Object> {
        match self.pending.get(&id) {
            Some(o) => Ok(o.clone()),
            None => self.doc.get(id),
        }
    }

    pub fn current_dict(&self, id: ObjRef) -> PdfResult<Dict> {
        match self.current(id)? {
            Object::Dict(d) => Ok(d),
            Object::Stream(s) => Ok(s.dict),
            _ => Err(PdfError::malformed(format!(
                "đối tượng {} không phải từ điển",
                id.num
            ))),
        }
    }

    /// Writes an object from its serialized body (what goes between `obj` and `endobj`). Returns the offset of the
    /// body within the object's bytes, for callers that patch the body later (the signature's `/Contents`).
    pub fn put_body(&mut self, id: ObjRef, body: &[u8]) -> usize {
        let mut bytes = format!("{} {} obj\n", id.num, id.generation).into_bytes();
        let body_at = bytes.len();
        bytes.extend_from_slice(body);
        bytes.extend_from_slice(b"\nendobj\n");
        self.objects.retain(|(r, _)| *r != id);
        self.objects.push((id, bytes));
        body_at
    }

    /// Adds objects written with pdf-writer (one or more per chunk).
    pub fn put_chunk(&mut self, chunk: &Chunk) -> PdfResult<()> {
        let bytes = chunk.as_bytes();
        let refs: Vec<Ref> = chunk.refs().collect();
        // Split the chunk at each object header so every object gets its own xref offset.
        let mut starts = Vec::with_capacity(refs.len());
        let mut from = 0;
        for r in &refs {
            let header = format!("{} 0 obj", r.get());
            let at = super::parse::find(&bytes[from..], header.as_bytes())
                .ok_or_else(|| PdfError::Signing("lỗi nội bộ khi ghi đối tượng".into()))?;
            starts.push(from + at);
            from += at + header.len();
        }
        for (i, r) in refs.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(bytes.len());
            let id = ObjRef::new(r.get() as u32, 0);
            self.objects.retain(|(o, _)| *o != id);
            self.objects.push((id, bytes[starts[i]..end].to_vec()));
        }
        Ok(())
    }

    /// The bytes to append: objects, then the xref section, trailer, `startxref` and `%%EOF`.
    pub fn finish(mut self) -> PdfResult<Appended> {
        let base = self.doc.len();
        let mut out = Vec::new();
        let last = self.doc.src.byte(base.saturating_sub(1));
        if last != Some(b'\n') && last != Some(b'\r') {
            out.push(b'\n');
        }
        let mut offsets = BTreeMap::new();
        for (id, bytes) in &self.objects {
            offsets.insert(*id, out.len());
            out.extend_from_slice(bytes);
        }
        let mut trailer = Dict::default();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Some(v) = self.doc.trailer.get(key) {
                trailer.set(key, v.clone());
            }
        }
        trailer.set(b"Prev", Object::Int(self.doc.startxref as i64));
        if self.doc.sections[0].is_stream {
            let xref_id = self.alloc();
            let xref_offset = out.len();
            offsets.insert(xref_id, xref_offset);
            let mut entries: Vec<(u32, u64, u16)> = offsets
                .iter()
                .map(|(id, off)| (id.num, (base + off) as u64, id.generation))
                .collect();
            entries.sort();
            let mut data = Vec::with_capacity(entries.len() * 7);
            let mut index = Vec::new();
            for group in runs(&entries) {
                index.push(Object::Int(i64::from(group[0].0)));
                index.push(Object::Int(group.len() as i64));
                for (_, off, generation) in group {
                    data.push(1u8);
                    data.extend_from_slice(
                        &u32::try_from(*off).map_err(|_| too_big())?.to_be_bytes(),
                    );
                    data.extend_from_slice(&generation.to_be_bytes());
                }
            }
            trailer.set(b"Type", Object::Name(b"XRef".to_vec()));
            trailer.set(b"Size", Object::Int(i64::from(self.next_num)));
            trailer.set(b"Index", Object::Array(index));
            trailer.set(
                b"W",
                Object::Array(vec![Object::Int(1), Object::Int(4), Object::Int(2)]),
            );
            trailer.set(b"Length", Object::Int(data.len() as i64));
            out.extend_from_slice(format!("{} 0 obj\n", xref_id.num).as_bytes());
            serialize_dict(&trailer, &mut out);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
            out.extend_from_slice(format!("startxref\n{}\n%%EOF\n", base + xref_offset).as_bytes());
        } else {
            let xref_offset = out.len();
            out.extend_from_slice(b"xref\n");
            let entries: Vec<(u32, u64, u16)> = offsets
                .iter()
                .map(|(id, off)| (id.num, (base + off) as u64, id.generation))
                .collect();
            for group in runs(&entries) {
                out.extend_from_slice(format!("{} {}\n", group[0].0, group.len()).as_bytes());
                for (_, off, generation) in group {
                    if *off > 9_999_999_999 {
                        return Err(too_big());
                    }
                    out.extend_from_slice(format!("{off:010} {generation:05} n\r\n").as_bytes());
                }
            }
            trailer.set(b"Size", Object::Int(i64::from(self.next_num)));
            out.extend_from_slice(b"trailer\n");
            serialize_dict(&trailer, &mut out);
            out.extend_from_slice(
                format!("\nstartxref\n{}\n%%EOF\n", base + xref_offset).as_bytes(),
            );
        }
        Ok(Appended {
            bytes: out,
            offsets,
        })
    }
}

fn too_big() -> PdfError {
    PdfError::Unsupported("tệp lớn hơn 4 GB".into())
}

/// Consecutive runs of object numbers (one xref subsection each).
fn runs(entries: &[(u32, u64, u16)]) -> Vec<&[(u32, u64, u16)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[i - 1].0 + 1 {
            if start < i {
                out.push(&entries[start..i]);
            }
            start = i;
        }
    }
    out
}
