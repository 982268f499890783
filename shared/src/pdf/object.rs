//! The PDF object model (ISO 32000-2 §7.3) as read from a file: just enough structure to find pages, fields and
//! signatures, and to compare one revision of an object with another.

use std::ops::Range;

/// An indirect reference `num gen R`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef {
    pub num: u32,
    pub generation: u16,
}

impl ObjRef {
    pub const fn new(num: u32, generation: u16) -> Self {
        Self { num, generation }
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.num, self.generation)
    }
}

/// A PDF object. Strings and names hold their decoded bytes (escapes and `#xx` resolved).
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    String(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Stream(Stream),
    Ref(ObjRef),
}

/// A dictionary, keeping the order of the file (it is written back in that order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict(pub Vec<(Vec<u8>, Object)>);

/// A stream: its dictionary and where its raw (still encoded) bytes are in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub dict: Dict,
    pub data: Range<usize>,
}

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, replacing an existing entry in place or appending a new one.
    pub fn set(&mut self, key: &[u8], value: Object) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key.to_vec(), value)),
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Object> {
        let index = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(index).1)
    }

    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        self.get(key).and_then(Object::as_name)
    }

    pub fn int(&self, key: &[u8]) -> Option<i64> {
        self.get(key).and_then(Object::as_int)
    }

    pub fn is_type(&self, type_name: &[u8]) -> bool {
        self.name(b"Type") == Some(type_name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Object)> {
        self.0.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// Dictionary equality regardless of key order (the order of keys has no meaning in PDF).
    pub fn same_entries(&self, other: &Dict) -> bool {
        self.0.len() == other.0.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|o| o.same_as(v)))
    }
}

impl Object {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Object::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Object::Int(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_string(&self) -> Option<&[u8]> {
        match self {
            Object::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Object]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Option<ObjRef> {
        match self {
            Object::Ref(r) => Some(*r),
            _ => None,
        }
    }

    /// Structural equality that ignores dictionary key order; streams compare by dictionary and location (callers
    /// that need content equality compare the bytes).
    pub fn same_as(&self, other: &Object) -> bool {
        match (self, other) {
            (Object::Dict(a), Object::Dict(b)) => a.same_entries(b),
            (Object::Array(a), Object::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Object::Stream(a), Object::Stream(b)) => {
                a.data == b.data && a.dict.same_entries(&b.dict)
            }
            (Object::Int(a), Object::Real(b)) | (Object::Real(b), Object::Int(a)) => {
                (*a as f64) == *b
            }
            _ => self == other,
        }
    }

    /// Every indirect reference inside this object (not following them).
    pub fn collect_refs(&self, out: &mut Vec<ObjRef>) {
        match self {
            Object::Ref(r) => out.push(*r),
            Object::Array(items) => items.iter().for_each(|o| o.collect_refs(out)),
            Object::Dict(d) => d.0.iter().for_each(|(_, o)| o.collect_refs(out)),
            Object::Stream(s) => s.dict.0.iter().for_each(|(_, o)| o.collect_refs(out)),
            _ => {}
        }
    }
}

/// Writes an object in PDF syntax (used for objects copied into an incremental update with a change).
pub fn serialize(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format_real(*r).as_bytes()),
        Object::String(s) => {
            out.push(b'<');
            out.extend_from_slice(crate::hex(s).as_bytes());
            out.push(b'>');
        }
        Object::Name(n) => serialize_name(n, out),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize(item, out);
            }
            out.push(b']');
        }
        Object::Dict(d) => serialize_dict(d, out),
        Object::Stream(_) => {
            unreachable!("streams are never re-serialized: they are referenced, not copied")
        }
        Object::Ref(r) => out.extend_from_slice(format!("{} {} R", r.num, r.generation).as_bytes()),
    }
}

pub fn serialize_dict(d: &Dict, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (k, v) in &d.0 {
        serialize_name(k, out);
        out.push(b' ');
        serialize(v, out);
    }
    out.extend_from_slice(b">>");
}

fn serialize_name(name: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &b in name {
        if b.is_ascii_graphic() && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

fn format_real(r: f64) -> String {
    if r.fract() == 0.0 && r.abs() < 1e15 {
        return format!("{}", r as i64);
    }
    let s = format!("{r:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A PDF text string as Rust text: UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), or PDFDocEncoding (approximated
/// by Latin-1, which agrees on every printable character a name or reason uses).
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// Rust text as a PDF text string: UTF-16BE with BOM unless it is plain ASCII.
pub fn encode_text_string(text: &str) -> Vec<u8> {
    if text.is_ascii() {
        return text.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_round_trip_vietnamese() {
        let s = "Ủy ban nhân dân tỉnh Vĩnh Long";
        assert_eq!(decode_text_string(&encode_text_string(s)), s);
        assert_eq!(encode_text_string("abc"), b"abc");
    }

    #[test]
    fn names_escape_delimiters() {
        let mut out = Vec::new();
        serialize(&Object::Name(b"A B/C".to_vec()), &mut out);
        assert_eq!(out, b"/A#20B#2FC");
    }

    #[test]
    fn dict_equality_ignores_key_order() {
        let a = Dict(vec![
            (b"A".to_vec(), Object::Int(1)),
            (b"B".to_vec(), Object::Int(2)),
        ]);
        let b = Dict(vec![
            (b"B".to_vec(), Object::Int(2)),
            (b"A".to_vec(), Object::Int(1)),
        ]);
        assert!(Object::Dict(a.clone()).same_as(&Object::Dict(b)));
        let c = Dict(vec![
            (b"A".to_vec(), Object::Int(1)),
            (b"B".to_vec(), Object::Int(3)),
        ]);
        assert!(!Object::Dict(a).same_as(&Object::Dict(c)));
    }
}
