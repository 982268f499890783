//! Active content: what must never be issued (Điều 22.2 of the regulation: "không bị nhúng mã độc").
//!
//! The scan does not follow the document's structure from the catalog, because every structure a viewer might
//! reach (actions and their `/Next` chains, `/AA` on the catalog, pages, fields and annotations, name trees,
//! older revisions shown by "view signed version") is made of objects, and every object is visited: each entry
//! of every cross-reference section, each object inside every object stream, and each `N G obj` header anywhere
//! in the bytes (what a repairing reader such as qpdf finds when the table is wrong). Inside one object the walk
//! is iterative, so no nesting depth makes it stop early.
//!
//! An object the cross-reference names but that cannot be read where it says is *damaged*, and the file is
//! refused with the object named: a scanner that skips what it cannot read would pass what a repairing viewer
//! runs. A file too large to scan within the budget is refused too, never passed.
//!
//! The browser (a warning while drafting) and the server (the decision) run this same code.

use std::collections::{BTreeSet, HashSet};

use super::document::{Document, XrefEntry, XrefSection, parse_indirect};
use super::error::{PdfError, PdfResult};
use super::filter::decode_stream;
use super::object::{Dict, ObjRef, Object, Stream};
use super::parse::Parser;
use super::source::Src;

/// More objects than this (headers, object-stream members) is refused rather than scanned for minutes.
const MAX_OBJECTS: usize = 4_000_000;
/// Decoded object streams, all together: a "zip bomb" is refused, not inflated.
const MAX_DECODED_TOTAL: usize = 1024 * 1024 * 1024;
/// How far an indirect `/S` or `/Subtype` is followed (a chain of references to a name).
const MAX_NAME_HOPS: usize = 16;

/// A kind of active content. The order is the order of the message an official reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActiveKind {
    JavaScript,
    Launch,
    SubmitForm,
    ImportData,
    /// `GoToR` and `GoToE`: open another document (on disk, on a share, or embedded).
    RemoteGoTo,
    RichMedia,
    Rendition,
    Movie,
    Sound,
    ThreeD,
    EmbeddedFile,
    FileAttachment,
    Xfa,
    /// A link whose address runs code or opens a local file (`javascript:`, `vbscript:`, `file:`, `data:`).
    ScriptLink,
}

impl ActiveKind {
    /// What an official reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::JavaScript => "mã JavaScript",
            Self::Launch => "lệnh mở chương trình (Launch)",
            Self::SubmitForm => "lệnh gửi biểu mẫu ra ngoài (SubmitForm)",
            Self::ImportData => "lệnh nhập dữ liệu (ImportData)",
            Self::RemoteGoTo => "liên kết mở tài liệu khác (GoToR/GoToE)",
            Self::RichMedia => "nội dung đa phương tiện (RichMedia)",
            Self::Rendition => "lệnh phát đa phương tiện (Rendition/Screen)",
            Self::Movie => "đoạn phim (Movie)",
            Self::Sound => "âm thanh (Sound)",
            Self::ThreeD => "mô hình 3D (có thể chứa mã)",
            Self::EmbeddedFile => "tệp đính kèm nhúng bên trong PDF",
            Self::FileAttachment => "chú thích đính kèm tệp (FileAttachment)",
            Self::Xfa => "biểu mẫu XFA",
            Self::ScriptLink => "liên kết chạy mã hoặc mở tệp trên máy (javascript:, file:)",
        }
    }

    /// The kind an action's `/S` names, if that action is refused. `URI`, `GoTo`, `Named` and the other
    /// navigation actions are allowed.
    fn of_action(s: &[u8]) -> Option<Self> {
        Some(match s {
            b"JavaScript" => Self::JavaScript,
            b"Launch" => Self::Launch,
            b"SubmitForm" => Self::SubmitForm,
            b"ImportData" => Self::ImportData,
            b"GoToR" | b"GoToE" => Self::RemoteGoTo,
            b"RichMediaExecute" => Self::RichMedia,
            b"Rendition" => Self::Rendition,
            b"Movie" => Self::Movie,
            b"Sound" => Self::Sound,
            b"GoTo3DView" => Self::ThreeD,
            _ => return None,
        })
    }

    /// The kind an annotation's (or a media object's) `/Subtype` names, if refused.
    fn of_subtype(s: &[u8]) -> Option<Self> {
        Some(match s {
            b"FileAttachment" => Self::FileAttachment,
            b"RichMedia" => Self::RichMedia,
            b"Screen" => Self::Rendition,
            b"Movie" => Self::Movie,
            b"Sound" => Self::Sound,
            b"3D" => Self::ThreeD,
            _ => return None,
        })
    }
}

/// What [`scan`] found, as the labels an official reads (empty when the file is clean).
pub fn active_content<'a>(data: impl Into<Src<'a>>) -> PdfResult<Vec<String>> {
    Ok(scan(data)?
        .into_iter()
        .map(|k| k.label().to_string())
        .collect())
}

/// Every kind of active content anywhere in the file, in any revision. Errors: the file is not a PDF, an
/// object the cross-reference names cannot be read (named in the message), or the file is too large to scan.
pub fn scan<'a>(data: impl Into<Src<'a>>) -> PdfResult<BTreeSet<ActiveKind>> {
    let src = data.into();
    let doc = Document::open(src)?;
    let mut scanner = Scanner {
        doc: &doc,
        src,
        found: BTreeSet::new(),
        seen_offsets: HashSet::new(),
        seen_streams: HashSet::new(),
        objects: 0,
        decoded: 0,
    };
    for section in &doc.sections {
        for (&num, entry) in &section.entries {
            match *entry {
                XrefEntry::Free => {}
                XrefEntry::InFile { offset, .. } => scanner.indirect_at(offset, Some(num))?,
                XrefEntry::InStream { stream, .. } => {
                    scanner.object_stream_named(section, stream)?
                }
            }
        }
    }
    for offset in object_headers(src) {
        scanner.found_by_sweep(offset)?;
    }
    Ok(scanner.found)
}

struct Scanner<'d, 'a> {
    doc: &'d Document<'a>,
    src: Src<'a>,
    found: BTreeSet<ActiveKind>,
    /// Offsets of indirect objects already scanned.
    seen_offsets: HashSet<usize>,
    /// Offsets of object streams already unpacked.
    seen_streams: HashSet<usize>,
    objects: usize,
    decoded: usize,
}

impl Scanner<'_, '_> {
    fn count(&mut self) -> PdfResult<()> {
        self.objects += 1;
        if self.objects > MAX_OBJECTS {
            return Err(PdfError::TooComplex(format!("hơn {MAX_OBJECTS} đối tượng")));
        }
        Ok(())
    }

    fn read(&self, offset: usize) -> PdfResult<(ObjRef, Object)> {
        let resolve_length = |r: ObjRef| self.doc.get(r).ok().and_then(|o| o.as_int());
        parse_indirect(self.src, offset, &resolve_length).map(|(id, object, _)| (id, object))
    }

    /// The object a cross-reference entry names (`expected`), or one found by the sweep (`None`).
    fn indirect_at(&mut self, offset: usize, expected: Option<u32>) -> PdfResult<()> {
        if self.seen_offsets.contains(&offset) {
            return Ok(());
        }
        let damaged = |why: String| {
            PdfError::malformed(format!(
                "đối tượng {} không đọc được tại byte {offset} như bảng tham chiếu chéo ghi: {why}",
                expected.unwrap_or_default()
            ))
        };
        let (id, object) = self.read(offset).map_err(|e| damaged(e.to_string()))?;
        if let Some(num) = expected
            && id.num != num
        {
            return Err(damaged(format!("ở đó là đối tượng {}", id.num)));
        }
        self.take(offset, id, &object)
    }

    /// Scans an object read at `offset` (and, for an object stream, every object in it).
    fn take(&mut self, offset: usize, id: ObjRef, object: &Object) -> PdfResult<()> {
        self.seen_offsets.insert(offset);
        self.count()?;
        self.object(object);
        if let Object::Stream(s) = object
            && s.dict.is_type(b"ObjStm")
        {
            self.object_stream(offset, id.num, s)?;
        }
        Ok(())
    }

    /// An object header the sweep found. One that does not parse is stream data that happens to look like a
    /// header (no reader would take it for an object either), so it is skipped; one that parses is scanned.
    fn found_by_sweep(&mut self, offset: usize) -> PdfResult<()> {
        if self.seen_offsets.contains(&offset) {
            return Ok(());
        }
        match self.read(offset) {
            Ok((id, object)) => self.take(offset, id, &object),
            Err(_) => Ok(()),
        }
    }

    /// The object stream `stream` that an entry of `section` points into: where that revision (or, failing
    /// that, the newest) keeps it.
    fn object_stream_named(&mut self, section: &XrefSection, stream: u32) -> PdfResult<()> {
        let offset = match section.entries.get(&stream) {
            Some(XrefEntry::InFile { offset, .. }) => Some(*offset),
            _ => self.doc.offset_of(stream),
        };
        let Some(offset) = offset else {
            return Err(PdfError::malformed(format!(
                "luồng đối tượng {stream} mà bảng tham chiếu chéo trỏ tới không có trong tệp"
            )));
        };
        self.indirect_at(offset, Some(stream))
    }

    /// Every object inside an object stream, each scanned; a member that does not parse is damage.
    fn object_stream(&mut self, offset: usize, num: u32, s: &Stream) -> PdfResult<()> {
        if !self.seen_streams.insert(offset) {
            return Ok(());
        }
        let data = decode_stream(&s.dict, &self.src.bytes(s.data.clone())).map_err(|e| {
            PdfError::malformed(format!("luồng đối tượng {num} không giải nén được: {e}"))
        })?;
        self.decoded = self.decoded.saturating_add(data.len());
        if self.decoded > MAX_DECODED_TOTAL {
            return Err(PdfError::TooComplex(
                "các luồng đối tượng giải nén ra quá lớn".into(),
            ));
        }
        let n = s.dict.int(b"N").unwrap_or(0).max(0) as usize;
        let first = s.dict.int(b"First").unwrap_or(0).max(0) as usize;
        let mut header = Parser::new(&data[..first.min(data.len())], 0);
        for _ in 0..n {
            let (Ok(member), Ok(at)) = (header.read_unsigned(), header.read_unsigned()) else {
                return Err(PdfError::malformed(format!(
                    "mục lục của luồng đối tượng {num} hỏng"
                )));
            };
            self.count()?;
            let start = first.saturating_add(at as usize);
            let object = if start <= data.len() {
                Parser::new(&data, start).read_object()
            } else {
                Err(PdfError::malformed("vị trí nằm ngoài luồng"))
            };
            let object = object.map_err(|e| {
                PdfError::malformed(format!(
                    "đối tượng {member} trong luồng đối tượng {num} không đọc được: {e}"
                ))
            })?;
            self.object(&object);
        }
        Ok(())
    }

    /// One object, walked without recursion.
    fn object(&mut self, root: &Object) {
        let mut stack = vec![root];
        while let Some(o) = stack.pop() {
            match o {
                Object::Dict(d) | Object::Stream(Stream { dict: d, .. }) => {
                    self.dict(d);
                    stack.extend(d.iter().map(|(_, v)| v));
                }
                Object::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }

    fn dict(&mut self, d: &Dict) {
        if let Some(kind) = self.name(d, b"S").and_then(|s| ActiveKind::of_action(&s)) {
            self.found.insert(kind);
        }
        if let Some(kind) = self
            .name(d, b"Subtype")
            .and_then(|s| ActiveKind::of_subtype(&s))
        {
            self.found.insert(kind);
        }
        // `/JS` on an action; `/JavaScript` in the catalog's name dictionary (document-level scripts).
        if d.contains(b"JS") || d.contains(b"JavaScript") {
            self.found.insert(ActiveKind::JavaScript);
        }
        if d.contains(b"XFA") {
            self.found.insert(ActiveKind::Xfa);
        }
        if d.contains(b"EmbeddedFiles")
            || d.contains(b"EF")
            || d.contains(b"RF")
            || self.name(d, b"Type").as_deref() == Some(b"EmbeddedFile")
        {
            self.found.insert(ActiveKind::EmbeddedFile);
        }
        if let Some(Object::String(uri)) = d.get(b"URI")
            && is_script_or_local(uri)
        {
            self.found.insert(ActiveKind::ScriptLink);
        }
    }

    /// A name entry, following references: `/S 12 0 R` with `12 0 obj /JavaScript endobj` is still JavaScript.
    fn name(&self, d: &Dict, key: &[u8]) -> Option<Vec<u8>> {
        let mut value = d.get(key)?.clone();
        for _ in 0..MAX_NAME_HOPS {
            match value {
                Object::Name(n) => return Some(n),
                Object::Ref(r) => value = self.doc.get(r).ok()?,
                _ => return None,
            }
        }
        None
    }
}

/// Whether a link address runs code or opens something on the reader's machine rather than a web page.
fn is_script_or_local(uri: &[u8]) -> bool {
    let text = String::from_utf8_lossy(uri);
    // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    let scheme: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    text.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "file" | "data")
}

/// Offsets of every `N G obj` header in the file, read in windows (the file may be on demand in the browser).
fn object_headers(src: Src) -> Vec<usize> {
    const WINDOW: usize = 1 << 20;
    // Each window also holds the bytes before it, so a header cut by the window's edge is still whole.
    const LOOK_BACK: usize = 4096;
    let len = src.len();
    let mut out = Vec::new();
    let mut base = 0;
    while base < len {
        let from = base.saturating_sub(LOOK_BACK);
        let end = (base + WINDOW).min(len);
        // One byte more: what follows a keyword at the window's end.
        let buf = src.bytes(from..(end + 1).min(len));
        let mut i = base - from;
        while let Some(p) = memchr::memmem::find(&buf[i..], b"obj") {
            let at = i + p;
            if from + at >= end {
                break;
            }
            i = at + 3;
            if let Some(h) = header_start(&buf, at) {
                out.push(from + h);
            }
        }
        base = end;
    }
    out
}

/// Where the header ending in the `obj` keyword at `at` starts: digits, whitespace, digits, whitespace, at the
/// start of a line or after a delimiter.
fn header_start(buf: &[u8], at: usize) -> Option<usize> {
    use super::parse::{is_delimiter, is_whitespace};
    if buf
        .get(at + 3)
        .is_some_and(|b| !is_whitespace(*b) && !is_delimiter(*b))
    {
        return None; // "objstm", "object"…
    }
    let mut i = at;
    let mut groups = 0;
    while groups < 2 {
        let ws_end = i;
        while i > 0 && is_whitespace(buf[i - 1]) {
            i -= 1;
        }
        if i == ws_end {
            return None;
        }
        let digits_end = i;
        while i > 0 && buf[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if i == digits_end || digits_end - i > 10 {
            return None;
        }
        groups += 1;
    }
    (i == 0 || is_whitespace(buf[i - 1]) || is_delimiter(buf[i - 1])).then_some(i)
}
