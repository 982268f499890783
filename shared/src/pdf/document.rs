//! A PDF file opened for reading: its cross-reference sections (tables, streams and hybrids, followed through
//! `/Prev` across incremental updates), objects (also those inside object streams), pages and form fields.
//!
//! Nothing is rewritten and nothing is decoded until asked for: opening a 200 MB file reads its trailer and xref
//! sections only.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use super::error::{PdfError, PdfResult};
use super::filter::decode_stream;
use super::object::{Dict, ObjRef, Object, decode_text_string};
use super::parse::{LengthResolver, Parser, find, rfind};
use super::source::Src;

/// Where the newest revision keeps an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefEntry {
    Free,
    InFile { offset: usize, generation: u16 },
    InStream { stream: u32, index: u32 },
}

/// One cross-reference section (one per revision; a hybrid file's `/XRefStm` entries are folded into its table).
#[derive(Debug, Clone)]
pub struct XrefSection {
    /// Offset of `xref` or of the xref stream object.
    pub offset: usize,
    pub is_stream: bool,
    /// The xref stream's own object number, when `is_stream`.
    pub stream_num: Option<u32>,
    pub entries: BTreeMap<u32, XrefEntry>,
    pub trailer: Dict,
}

/// A page with its inherited attributes resolved (§7.7.3.4).
#[derive(Debug, Clone)]
pub struct Page {
    pub id: ObjRef,
    pub dict: Dict,
    pub media_box: [f64; 4],
    /// The visible region: the crop box clipped to the media box (the media box when there is none).
    pub crop_box: [f64; 4],
    /// 0, 90, 180 or 270: clockwise rotation when displayed.
    pub rotate: i64,
}

/// An interactive form field (§12.7.4) with its fully qualified name.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: ObjRef,
    pub name: String,
    pub field_type: Option<Vec<u8>>,
    pub value: Option<Object>,
    /// The widget annotations that show the field (the field itself when field and widget are merged).
    pub widgets: Vec<ObjRef>,
    pub dict: Dict,
}

struct ObjectStreamContents {
    data: Vec<u8>,
    /// (object number, offset relative to `/First`)
    index: Vec<(u32, usize)>,
    first: usize,
}

pub struct Document<'a> {
    /// The file (or the revision of it) this document reads.
    pub src: Src<'a>,
    /// Newest first.
    pub sections: Vec<XrefSection>,
    xref: HashMap<u32, XrefEntry>,
    /// The newest trailer.
    pub trailer: Dict,
    /// The offset the last `startxref` points at (the `/Prev` of the next incremental update).
    pub startxref: usize,
    pub header_version: String,
    object_streams: RefCell<HashMap<u32, Rc<ObjectStreamContents>>>,
}

/// An update chain longer than this is refused (real documents have a handful; a loop is an attack).
const MAX_SECTIONS: usize = 10_000;
const MAX_TREE_DEPTH: usize = 64;

impl<'a> Document<'a> {
    pub fn open(src: impl Into<Src<'a>>) -> PdfResult<Self> {
        let src = src.into();
        let head = src.bytes(0..1024);
        let header_pos = find(&head, b"%PDF-").ok_or(PdfError::NotPdf)?;
        let header_version = head[header_pos + 5..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .map(|&b| b as char)
            .collect::<String>();
        let startxref = find_startxref(src)?;
        let mut sections = Vec::new();
        let mut visited = HashSet::new();
        let mut next = Some(startxref);
        while let Some(offset) = next {
            if !visited.insert(offset) || sections.len() >= MAX_SECTIONS {
                return Err(PdfError::malformed("chuỗi bảng tham chiếu chéo bị lặp"));
            }
            let section = read_section(src, offset)?;
            next = match section.trailer.get(b"Prev") {
                Some(Object::Int(p)) => {
                    Some(usize::try_from(*p).map_err(|_| PdfError::malformed("/Prev âm"))?)
                }
                _ => None,
            };
            sections.push(section);
        }
        let mut xref = HashMap::new();
        for section in &sections {
            for (num, entry) in &section.entries {
                xref.entry(*num).or_insert(*entry);
            }
        }
        let trailer = sections[0].trailer.clone();
        if trailer.contains(b"Encrypt") {
            return Err(PdfError::Encrypted);
        }
        if !matches!(trailer.get(b"Root"), Some(Object::Ref(_))) {
            return Err(PdfError::malformed("thiếu danh mục gốc (/Root)"));
        }
        Ok(Self {
            src,
            sections,
            xref,
            trailer,
            startxref,
            header_version,
            object_streams: RefCell::new(HashMap::new()),
        })
    }

    pub fn root_ref(&self) -> ObjRef {
        self.trailer
            .get(b"Root")
            .and_then(Object::as_ref)
            .expect("checked in open")
    }

    pub fn catalog(&self) -> PdfResult<Dict> {
        self.get_dict(self.root_ref())
    }

    /// One more than the highest object number in use (the first number an update may allocate).
    pub fn next_object_number(&self) -> u32 {
        let from_trailer = self
            .trailer
            .int(b"Size")
            .unwrap_or(0)
            .clamp(0, i64::from(u32::MAX)) as u32;
        let from_xref = self.xref.keys().max().map_or(0, |m| m + 1);
        from_trailer.max(from_xref).max(1)
    }

    pub fn xref_entry(&self, num: u32) -> Option<XrefEntry> {
        self.xref.get(&num).copied()
    }

    /// Every object number the newest revision defines (in use, not free).
    pub fn object_numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.xref
            .iter()
            .filter(|(_, e)| !matches!(e, XrefEntry::Free))
            .map(|(n, _)| *n)
    }

    /// The object `r` refers to; a reference to a missing or free object is `null` (§7.3.10).
    pub fn get(&self, r: ObjRef) -> PdfResult<Object> {
        match self.xref.get(&r.num) {
            None | Some(XrefEntry::Free) => Ok(Object::Null),
            Some(XrefEntry::InFile { offset, generation }) => {
                if *generation != r.generation {
                    return Ok(Object::Null);
                }
                self.read_at(*offset, r)
            }
            Some(XrefEntry::InStream { stream, index }) => {
                if r.generation != 0 {
                    return Ok(Object::Null);
                }
                self.read_from_object_stream(*stream, *index, r.num)
            }
        }
    }

    /// Where an object's bytes are, when it is stored directly in the file.
    pub fn offset_of(&self, num: u32) -> Option<usize> {
        match self.xref.get(&num) {
            Some(XrefEntry::InFile { offset, .. }) => Some(*offset),
            _ => None,
        }
    }

    /// The file's length (of this revision).
    pub fn len(&self) -> usize {
        self.src.len()
    }

    pub fn is_empty(&self) -> bool {
        self.src.is_empty()
    }

    fn read_at(&self, offset: usize, expected: ObjRef) -> PdfResult<Object> {
        if offset >= self.src.len() {
            return Err(PdfError::malformed(format!(
                "đối tượng {} nằm ngoài tệp",
                expected.num
            )));
        }
        let resolve_length = |r: ObjRef| {
            if r == expected {
                None
            } else {
                self.get(r).ok().and_then(|o| o.as_int())
            }
        };
        let (id, object, _) = parse_indirect(self.src, offset, &resolve_length)?;
        if id.num != expected.num {
            return Err(PdfError::malformed(format!(
                "bảng tham chiếu trỏ đối tượng {} tới đối tượng {}",
                expected.num, id.num
            )));
        }
        Ok(object)
    }

    fn read_from_object_stream(&self, stream: u32, index: u32, num: u32) -> PdfResult<Object> {
        let contents = self.object_stream(stream)?;
        let (found_num, offset) = match contents.index.get(index as usize) {
            Some(&(n, o)) if n == num => (n, o),
            // Some writers get the index wrong: fall back to a search by number.
            _ => contents
                .index
                .iter()
                .copied()
                .find(|(n, _)| *n == num)
                .ok_or_else(|| {
                    PdfError::malformed(format!(
                        "đối tượng {num} không có trong luồng đối tượng {stream}"
                    ))
                })?,
        };
        debug_assert_eq!(found_num, num);
        let start = contents.first.saturating_add(offset);
        if start > contents.data.len() {
            return Err(PdfError::malformed("vị trí sai trong luồng đối tượng"));
        }
        Parser::new(&contents.data, start).read_object()
    }

    fn object_stream(&self, stream: u32) -> PdfResult<Rc<ObjectStreamContents>> {
        if let Some(c) = self.object_streams.borrow().get(&stream) {
            return Ok(c.clone());
        }
        let offset = self.offset_of(stream).ok_or_else(|| {
            PdfError::malformed(format!("luồng đối tượng {stream} không tồn tại"))
        })?;
        let Object::Stream(s) = self.read_at(offset, ObjRef::new(stream, 0))? else {
            return Err(PdfError::malformed(format!(
                "đối tượng {stream} không phải luồng đối tượng"
            )));
        };
        let data = decode_stream(&s.dict, &self.src.bytes(s.data.clone()))?;
        let n = s.dict.int(b"N").unwrap_or(0).clamp(0, 1_000_000) as usize;
        let first = s.dict.int(b"First").unwrap_or(0).max(0) as usize;
        let mut index = Vec::with_capacity(n);
        let mut p = Parser::new(&data[..first.min(data.len())], 0);
        for _ in 0..n {
            let (Ok(num), Ok(off)) = (p.read_unsigned(), p.read_unsigned()) else {
                break;
            };
            index.push((num as u32, off as usize));
        }
        let contents = Rc::new(ObjectStreamContents { data, index, first });
        self.object_streams
            .borrow_mut()
            .insert(stream, contents.clone());
        Ok(contents)
    }

    /// Follows a reference (or returns a direct object as it is).
    pub fn resolve(&self, o: &Object) -> PdfResult<Object> {
        match o {
            Object::Ref(r) => self.get(*r),
            other => Ok(other.clone()),
        }
    }

    pub fn get_dict(&self, r: ObjRef) -> PdfResult<Dict> {
        match self.get(r)? {
            Object::Dict(d) => Ok(d),
            Object::Stream(s) => Ok(s.dict),
            _ => Err(PdfError::malformed(format!(
                "đối tượng {} không phải từ điển",
                r.num
            ))),
        }
    }

    /// A dictionary entry with references followed.
    pub fn lookup(&self, dict: &Dict, key: &[u8]) -> PdfResult<Option<Object>> {
        match dict.get(key) {
            None => Ok(None),
            Some(o) => match self.resolve(o)? {
                Object::Null => Ok(None),
                v => Ok(Some(v)),
            },
        }
    }

    pub fn stream_bytes(&self, stream: &super::object::Stream) -> std::borrow::Cow<'a, [u8]> {
        self.src.bytes(stream.data.clone())
    }

    pub fn pages(&self) -> PdfResult<Vec<Page>> {
        let catalog = self.catalog()?;
        let Some(Object::Ref(root)) = catalog.get(b"Pages") else {
            return Err(PdfError::malformed("thiếu cây trang (/Pages)"));
        };
        let mut pages = Vec::new();
        let mut seen = HashSet::new();
        self.collect_pages(*root, &Dict::default(), &mut pages, &mut seen, 0)?;
        if pages.is_empty() {
            return Err(PdfError::malformed("tài liệu không có trang nào"));
        }
        Ok(pages)
    }

    fn collect_pages(
        &self,
        node: ObjRef,
        inherited: &Dict,
        out: &mut Vec<Page>,
        seen: &mut HashSet<ObjRef>,
        depth: usize,
    ) -> PdfResult<()> {
        if depth > MAX_TREE_DEPTH || !seen.insert(node) {
            return Err(PdfError::malformed("cây trang bị lặp"));
        }
        let dict = self.get_dict(node)?;
        let mut inherit = inherited.clone();
        for key in [&b"Resources"[..], b"MediaBox", b"CropBox", b"Rotate"] {
            if let Some(v) = dict.get(key) {
                inherit.set(key, v.clone());
            }
        }
        if dict.is_type(b"Pages") || (!dict.is_type(b"Page") && dict.contains(b"Kids")) {
            let kids = self
                .lookup(&dict, b"Kids")?
                .unwrap_or(Object::Array(vec![]));
            for kid in kids.as_array().unwrap_or(&[]) {
                if let Object::Ref(r) = kid {
                    self.collect_pages(*r, &inherit, out, seen, depth + 1)?;
                }
            }
            return Ok(());
        }
        let media_box = self
            .rect(inherit.get(b"MediaBox"))?
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let crop_box = match self.rect(inherit.get(b"CropBox"))? {
            Some(c) => intersect(c, media_box),
            None => media_box,
        };
        let rotate = match self.resolve(inherit.get(b"Rotate").unwrap_or(&Object::Int(0)))? {
            Object::Int(r) => r.rem_euclid(360) / 90 * 90,
            _ => 0,
        };
        out.push(Page {
            id: node,
            dict,
            media_box,
            crop_box,
            rotate,
        });
        Ok(())
    }

    fn rect(&self, o: Option<&Object>) -> PdfResult<Option<[f64; 4]>> {
        let Some(o) = o else { return Ok(None) };
        let Object::Array(a) = self.resolve(o)? else {
            return Ok(None);
        };
        let mut v = [0.0; 4];
        if a.len() != 4 {
            return Ok(None);
        }
        for (slot, item) in v.iter_mut().zip(&a) {
            *slot = self.resolve(item)?.as_number().unwrap_or(0.0);
        }
        Ok(Some(normalize_rect(v)))
    }

    /// The interactive form's fields, depth first, with fully qualified names.
    pub fn fields(&self) -> PdfResult<Vec<Field>> {
        let catalog = self.catalog()?;
        let Some(acroform) = self.lookup(&catalog, b"AcroForm")? else {
            return Ok(vec![]);
        };
        let Some(acroform) = acroform.as_dict() else {
            return Ok(vec![]);
        };
        let fields = self
            .lookup(acroform, b"Fields")?
            .unwrap_or(Object::Array(vec![]));
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for f in fields.as_array().unwrap_or(&[]) {
            if let Object::Ref(r) = f {
                self.collect_field(*r, "", None, &mut out, &mut seen, 0)?;
            }
        }
        Ok(out)
    }

    fn collect_field(
        &self,
        id: ObjRef,
        parent_name: &str,
        parent_type: Option<&[u8]>,
        out: &mut Vec<Field>,
        seen: &mut HashSet<ObjRef>,
        depth: usize,
    ) -> PdfResult<()> {
        if depth > MAX_TREE_DEPTH || !seen.insert(id) {
            return Err(PdfError::malformed("cây trường biểu mẫu bị lặp"));
        }
        let dict = self.get_dict(id)?;
        let partial = dict
            .get(b"T")
            .and_then(Object::as_string)
            .map(decode_text_string);
        let name = match (&partial, parent_name.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent_name}.{p}"),
            (None, _) => parent_name.to_string(),
        };
        let field_type = dict.name(b"FT").or(parent_type).map(<[u8]>::to_vec);
        let kids = self.lookup(&dict, b"Kids")?;
        let mut widgets = Vec::new();
        let mut child_fields = Vec::new();
        for kid in kids.as_ref().and_then(Object::as_array).unwrap_or(&[]) {
            let Object::Ref(k) = kid else { continue };
            let kid_dict = self.get_dict(*k)?;
            if kid_dict.contains(b"T") {
                child_fields.push(*k);
            } else {
                widgets.push(*k);
            }
        }
        if dict.name(b"Subtype") == Some(b"Widget") {
            widgets.insert(0, id);
        }
        if child_fields.is_empty() || !widgets.is_empty() {
            out.push(Field {
                id,
                name: name.clone(),
                field_type: field_type.clone(),
                value: dict.get(b"V").cloned(),
                widgets,
                dict: dict.clone(),
            });
        }
        for child in child_fields {
            self.collect_field(child, &name, field_type.as_deref(), out, seen, depth + 1)?;
        }
        Ok(())
    }
}

/// Parses the indirect object at `offset`: in place when the file is in memory, otherwise from a window that
/// grows until the object fits (a stream's data is only located). Returns the object and the offset after it.
pub fn parse_indirect(
    src: Src,
    offset: usize,
    resolve_length: LengthResolver,
) -> PdfResult<(ObjRef, Object, usize)> {
    if offset >= src.len() {
        return Err(PdfError::malformed("đối tượng nằm ngoài tệp"));
    }
    if let Some(all) = src.as_slice() {
        let mut p = Parser::new(all, offset);
        let (id, object) = p.read_indirect(resolve_length)?;
        return Ok((id, object, p.pos));
    }
    let endstream_at =
        |abs: usize| Parser::new(&src.bytes(abs..abs + 32), 0).eat_keyword(b"endstream");
    let mut window = 16 * 1024usize;
    loop {
        let end = offset.saturating_add(window).min(src.len());
        let buf = src.bytes(offset..end);
        let mut p = Parser::windowed(&buf, offset, src.len(), &endstream_at);
        let at_file_end = end >= src.len();
        match p.read_indirect(resolve_length) {
            Ok((id, object)) => {
                let located = matches!(&object, Object::Stream(s) if s.data.end > buf.len());
                // A value cut by the window's edge would parse as something else: only accept with room left.
                if located || at_file_end || p.pos + 16 <= buf.len() {
                    let object = match object {
                        Object::Stream(mut s) => {
                            s.data = s.data.start + offset..s.data.end + offset;
                            Object::Stream(s)
                        }
                        other => other,
                    };
                    return Ok((id, object, offset + p.pos));
                }
            }
            Err(e) if at_file_end => return Err(e),
            Err(_) => {}
        }
        window = window.saturating_mul(4);
    }
}

fn find_startxref(src: Src) -> PdfResult<usize> {
    let tail_start = src.len().saturating_sub(4096);
    let tail = src.bytes(tail_start..src.len());
    let at = rfind(&tail, b"startxref").ok_or_else(|| {
        PdfError::malformed("không tìm thấy 'startxref' ở cuối tệp (tệp bị cắt cụt?)")
    })?;
    let mut p = Parser::new(&tail, at + b"startxref".len());
    let offset = p.read_unsigned()?;
    usize::try_from(offset)
        .ok()
        .filter(|o| *o < src.len())
        .ok_or_else(|| PdfError::malformed("'startxref' trỏ ra ngoài tệp"))
}

fn read_section(src: Src, offset: usize) -> PdfResult<XrefSection> {
    if offset >= src.len() {
        return Err(PdfError::malformed("bảng tham chiếu chéo nằm ngoài tệp"));
    }
    let starts_with_xref = Parser::new(&src.bytes(offset..offset + 64), 0).eat_keyword(b"xref");
    if starts_with_xref {
        // Tables are text of 20 bytes per entry: read a window that grows until the trailer is complete.
        let mut window = 64 * 1024usize;
        let (mut entries, trailer) = loop {
            let end = offset.saturating_add(window).min(src.len());
            let buf = src.bytes(offset..end);
            let mut p = Parser::new(&buf, 0);
            p.expect_keyword(b"xref")?;
            match read_table(&mut p) {
                Ok(parsed) if end >= src.len() || p.pos + 16 <= buf.len() => break parsed,
                Err(e) if end >= src.len() => return Err(e),
                _ => window = window.saturating_mul(4),
            }
        };
        // A hybrid file: objects in object streams are listed in a stream the table points to (§7.5.8.4).
        if let Some(Object::Int(stm)) = trailer.get(b"XRefStm") {
            let hidden = read_xref_stream(src, usize::try_from(*stm).unwrap_or(usize::MAX))?;
            for (num, e) in hidden.entries {
                match entries.get(&num) {
                    None | Some(XrefEntry::Free) => {
                        entries.insert(num, e);
                    }
                    _ => {}
                }
            }
        }
        return Ok(XrefSection {
            offset,
            is_stream: false,
            stream_num: None,
            entries,
            trailer,
        });
    }
    read_xref_stream(src, offset)
}

fn read_table(p: &mut Parser) -> PdfResult<(BTreeMap<u32, XrefEntry>, Dict)> {
    let mut entries = BTreeMap::new();
    loop {
        if p.eat_keyword(b"trailer") {
            let trailer = match p.read_object()? {
                Object::Dict(d) => d,
                _ => return Err(PdfError::malformed("phần trailer không phải từ điển")),
            };
            return Ok((entries, trailer));
        }
        let start = p.read_unsigned()?;
        let count = p.read_unsigned()?;
        if count > 10_000_000 || start > u64::from(u32::MAX) {
            return Err(PdfError::malformed("bảng tham chiếu chéo quá lớn"));
        }
        for i in 0..count {
            let offset = p.read_unsigned()?;
            let generation = p.read_unsigned()?;
            let kind = if p.eat_keyword(b"n") {
                b'n'
            } else if p.eat_keyword(b"f") {
                b'f'
            } else {
                return Err(PdfError::malformed(format!(
                    "mục bảng tham chiếu sai tại byte {}",
                    p.pos
                )));
            };
            let num = (start + i) as u32;
            let entry = if kind == b'n' && offset > 0 {
                XrefEntry::InFile {
                    offset: offset as usize,
                    generation: generation.min(u64::from(u16::MAX)) as u16,
                }
            } else {
                XrefEntry::Free
            };
            entries.insert(num, entry);
        }
    }
}

fn read_xref_stream(src: Src, offset: usize) -> PdfResult<XrefSection> {
    if offset >= src.len() {
        return Err(PdfError::malformed("luồng tham chiếu chéo nằm ngoài tệp"));
    }
    let (id, object, _) = parse_indirect(src, offset, &|_| None)?;
    let Object::Stream(stream) = object else {
        return Err(PdfError::malformed(
            "'startxref' không trỏ tới bảng hay luồng tham chiếu chéo",
        ));
    };
    if !stream.dict.is_type(b"XRef") {
        return Err(PdfError::malformed(
            "'startxref' trỏ tới một luồng không phải /XRef",
        ));
    }
    let decoded = decode_stream(&stream.dict, &src.bytes(stream.data.clone()))?;
    let widths: Vec<usize> = stream
        .dict
        .get(b"W")
        .and_then(Object::as_array)
        .ok_or_else(|| PdfError::malformed("luồng tham chiếu thiếu /W"))?
        .iter()
        .map(|w| w.as_int().unwrap_or(-1))
        .map(|w| usize::try_from(w).ok().filter(|w| *w <= 8))
        .collect::<Option<Vec<_>>>()
        .filter(|w| w.len() == 3)
        .ok_or_else(|| PdfError::malformed("/W của luồng tham chiếu không hợp lệ"))?;
    let size = stream.dict.int(b"Size").unwrap_or(0);
    let index: Vec<i64> = match stream.dict.get(b"Index").and_then(Object::as_array) {
        Some(a) => a.iter().map(|o| o.as_int().unwrap_or(0)).collect(),
        None => vec![0, size],
    };
    let row = widths.iter().sum::<usize>();
    if row == 0 {
        return Err(PdfError::malformed("/W của luồng tham chiếu bằng 0"));
    }
    let mut rows = decoded.chunks_exact(row);
    let mut entries = BTreeMap::new();
    for pair in index.chunks(2) {
        let [start, count] = pair else { break };
        for i in 0..(*count).max(0) {
            let Some(r) = rows.next() else { break };
            let field = |k: usize| -> u64 {
                let begin: usize = widths[..k].iter().sum();
                r[begin..begin + widths[k]]
                    .iter()
                    .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
            };
            let kind = if widths[0] == 0 { 1 } else { field(0) };
            let num = u32::try_from(start + i)
                .map_err(|_| PdfError::malformed("số hiệu đối tượng sai"))?;
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => XrefEntry::InFile {
                    offset: field(1) as usize,
                    generation: field(2).min(u64::from(u16::MAX)) as u16,
                },
                2 => XrefEntry::InStream {
                    stream: field(1) as u32,
                    index: field(2) as u32,
                },
                // Unknown types are references to null (§7.5.8.3).
                _ => XrefEntry::Free,
            };
            entries.insert(num, entry);
        }
    }
    Ok(XrefSection {
        offset,
        is_stream: true,
        stream_num: Some(id.num),
        entries,
        trailer: stream.dict,
    })
}

pub fn normalize_rect(r: [f64; 4]) -> [f64; 4] {
    [
        r[0].min(r[2]),
        r[1].min(r[3]),
        r[0].max(r[2]),
        r[1].max(r[3]),
    ]
}

fn intersect(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    let r = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    if r[0] < r[2] && r[1] < r[3] { r } else { b }
}

/// Offsets just past each `%%EOF` marker (and its end of line): the ends of the file's revisions.
pub fn revision_ends(src: Src) -> Vec<usize> {
    let mut ends = Vec::new();
    // Scan in overlapping chunks so a marker across a chunk boundary is found once.
    let overlap = 8;
    let mut at = 0usize;
    while at < src.len() {
        let end = (at + super::source::CHUNK).min(src.len());
        let chunk = src.bytes(at..(end + overlap).min(src.len()));
        let mut from = 0;
        while let Some(p) = find(&chunk[from..], b"%%EOF") {
            let marker = at + from + p;
            from += p + 5;
            if marker >= end || ends.last().is_some_and(|e: &usize| marker < *e) {
                continue;
            }
            let mut after = marker + 5;
            if src.byte(after) == Some(b'\r') {
                after += 1;
            }
            if src.byte(after) == Some(b'\n') {
                after += 1;
            }
            ends.push(after);
        }
        at = end;
    }
    ends
}
