//! The PDF lexer and object parser (ISO 32000-2 §7.2–7.3) over a byte slice. Defensive by design: every loop is
//! bounded by the input, nesting is limited, and malformed input is an error, never a panic.

use super::error::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object, Stream};

/// Arrays and dictionaries nested deeper than this are refused (a crafted file could otherwise exhaust the stack).
const MAX_DEPTH: usize = 100;

pub fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

pub fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// A cursor over PDF bytes: the whole file, or a window of it (see [`Parser::windowed`]).
pub struct Parser<'a> {
    data: &'a [u8],
    pub pos: usize,
    /// For a window: where it starts in the file, the file's length, and a check for `endstream` at a file
    /// offset beyond the window (a long stream's data is located, not read).
    outside: Option<(usize, usize, EndstreamProbe<'a>)>,
}

/// Whether `endstream` follows at a file offset (for stream data running past a window).
pub type EndstreamProbe<'a> = &'a dyn Fn(usize) -> bool;

/// What resolves `/Length 12 0 R` while parsing a stream (the length may live in another object).
pub type LengthResolver<'r> = &'r dyn Fn(ObjRef) -> Option<i64>;

impl<'a> Parser<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos,
            outside: None,
        }
    }

    /// A parser over `window`, which starts at `base` in a file of `total` bytes. Positions stay relative to the
    /// window; stream data may end beyond it (checked with `endstream_at`).
    pub fn windowed(
        window: &'a [u8],
        base: usize,
        total: usize,
        endstream_at: &'a dyn Fn(usize) -> bool,
    ) -> Self {
        Self {
            data: window,
            pos: 0,
            outside: Some((base, total, endstream_at)),
        }
    }

    fn err(&self, what: &str) -> PdfError {
        PdfError::malformed(format!("{what} tại byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    pub fn skip_whitespace(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next run of regular characters (a keyword or a number), without consuming it.
    fn peek_token(&self) -> &'a [u8] {
        let start = self.pos;
        let mut end = start;
        while end < self.data.len() && is_regular(self.data[end]) {
            end += 1;
        }
        &self.data[start..end]
    }

    /// Consumes `keyword` if it comes next (after whitespace).
    pub fn eat_keyword(&mut self, keyword: &[u8]) -> bool {
        self.skip_whitespace();
        if self.peek_token() == keyword {
            self.pos += keyword.len();
            true
        } else {
            false
        }
    }

    pub fn expect_keyword(&mut self, keyword: &[u8]) -> PdfResult<()> {
        if self.eat_keyword(keyword) {
            Ok(())
        } else {
            Err(self.err(&format!(
                "thiếu từ khóa '{}'",
                String::from_utf8_lossy(keyword)
            )))
        }
    }

    /// An unsigned integer token (xref fields, object headers).
    pub fn read_unsigned(&mut self) -> PdfResult<u64> {
        self.skip_whitespace();
        let token = self.peek_token();
        if token.is_empty() || token.len() > 19 || !token.iter().all(u8::is_ascii_digit) {
            return Err(self.err("cần một số nguyên"));
        }
        self.pos += token.len();
        Ok(token
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')))
    }

    /// `num gen obj` at the cursor.
    pub fn read_object_header(&mut self) -> PdfResult<ObjRef> {
        let num = self.read_unsigned()?;
        let generation = self.read_unsigned()?;
        self.expect_keyword(b"obj")?;
        let num = u32::try_from(num).map_err(|_| self.err("số hiệu đối tượng quá lớn"))?;
        let generation = u16::try_from(generation).map_err(|_| self.err("số thế hệ quá lớn"))?;
        Ok(ObjRef::new(num, generation))
    }

    /// An indirect object at the cursor: header, body (with stream data located), `endobj`.
    pub fn read_indirect(&mut self, resolve_length: LengthResolver) -> PdfResult<(ObjRef, Object)> {
        let id = self.read_object_header()?;
        let object = self.read_object()?;
        let object = match object {
            Object::Dict(dict) if self.eat_keyword(b"stream") => {
                Object::Stream(self.read_stream_data(dict, resolve_length)?)
            }
            other => other,
        };
        // Some producers forget `endobj`; the xref tells where objects start, so a missing one is tolerated.
        self.eat_keyword(b"endobj");
        Ok((id, object))
    }

    fn read_stream_data(
        &mut self,
        dict: Dict,
        resolve_length: LengthResolver,
    ) -> PdfResult<Stream> {
        // The keyword `stream` is followed by CRLF or LF (§7.3.8.1); a lone CR is tolerated.
        match (self.peek(), self.data.get(self.pos + 1).copied()) {
            (Some(b'\r'), Some(b'\n')) => self.pos += 2,
            (Some(b'\n'), _) | (Some(b'\r'), _) => self.pos += 1,
            _ => {}
        }
        let start = self.pos;
        let declared = match dict.get(b"Length") {
            Some(Object::Int(n)) => Some(*n),
            Some(Object::Ref(r)) => resolve_length(*r),
            _ => None,
        };
        let fits = |len: i64| {
            let len = usize::try_from(len).ok()?;
            let end = start.checked_add(len)?;
            if end > self.data.len() {
                // Beyond the window: ask the file.
                let (base, total, endstream_at) = self.outside?;
                let abs = base.checked_add(end)?;
                return (abs <= total && endstream_at(abs)).then_some(end);
            }
            let mut after = Parser::new(self.data, end);
            after.eat_keyword(b"endstream").then_some(end)
        };
        let end = match declared.and_then(fits) {
            Some(end) => end,
            // A wrong /Length is common in the wild: find `endstream` instead and drop the EOL before it.
            None => {
                let found = find(&self.data[start..], b"endstream")
                    .ok_or_else(|| self.err("luồng dữ liệu không có 'endstream'"))?;
                let mut end = start + found;
                if end > start && self.data[end - 1] == b'\n' {
                    end -= 1;
                }
                if end > start && self.data[end - 1] == b'\r' {
                    end -= 1;
                }
                end
            }
        };
        if end > self.data.len() {
            // The data runs past the window (checked above): the object ends there.
            self.pos = self.data.len();
            return Ok(Stream {
                dict,
                data: start..end,
            });
        }
        self.pos = end;
        self.expect_keyword(b"endstream")?;
        Ok(Stream {
            dict,
            data: start..end,
        })
    }

    pub fn read_object(&mut self) -> PdfResult<Object> {
        self.read_nested(0)
    }

    fn read_nested(&mut self, depth: usize) -> PdfResult<Object> {
        if depth > MAX_DEPTH {
            return Err(self.err("lồng mảng/từ điển quá sâu"));
        }
        self.skip_whitespace();
        let Some(b) = self.peek() else {
            return Err(self.err("hết tệp khi đang đọc đối tượng"));
        };
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.read_name_body()))
            }
            b'(' => self.read_literal_string().map(Object::String),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                self.read_dict_body(depth).map(Object::Dict)
            }
            b'<' => self.read_hex_string().map(Object::String),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        None => return Err(self.err("mảng không được đóng")),
                        _ => items.push(self.read_nested(depth + 1)?),
                    }
                }
            }
            _ => self.read_keyword_or_number(),
        }
    }

    fn read_dict_body(&mut self, depth: usize) -> PdfResult<Dict> {
        let mut dict = Dict::default();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'>') if self.data.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(dict);
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.read_name_body();
                    let value = self.read_nested(depth + 1)?;
                    // `/Key null` is the same as an absent key (§7.3.7).
                    if value != Object::Null {
                        dict.set(&key, value);
                    }
                }
                None => return Err(self.err("từ điển không được đóng")),
                _ => return Err(self.err("khóa từ điển phải là một tên")),
            }
        }
    }

    fn read_name_body(&mut self) -> Vec<u8> {
        let mut name = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            if b == b'#' {
                let hex = self
                    .data
                    .get(self.pos + 1..self.pos + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    name.push(v);
                    self.pos += 3;
                    continue;
                }
            }
            name.push(b);
            self.pos += 1;
        }
        name
    }

    fn read_literal_string(&mut self) -> PdfResult<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("chuỗi không được đóng"));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' if depth == 0 => return Ok(out),
                b')' => {
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    fn read_hex_string(&mut self) -> PdfResult<Vec<u8>> {
        self.pos += 1;
        let mut digits = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("chuỗi hex không được đóng"));
            };
            self.pos += 1;
            match b {
                b'>' => break,
                b if b.is_ascii_hexdigit() => digits.push(b),
                b if is_whitespace(b) => {}
                _ => return Err(self.err("ký tự lạ trong chuỗi hex")),
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(b'0');
        }
        Ok(digits
            .chunks(2)
            .map(|pair| (hex_value(pair[0]) << 4) | hex_value(pair[1]))
            .collect())
    }

    fn read_keyword_or_number(&mut self) -> PdfResult<Object> {
        let token = self.peek_token();
        if token.is_empty() {
            return Err(self.err("ký tự không mong đợi"));
        }
        match token {
            b"true" => {
                self.pos += 4;
                return Ok(Object::Bool(true));
            }
            b"false" => {
                self.pos += 5;
                return Ok(Object::Bool(false));
            }
            b"null" => {
                self.pos += 4;
                return Ok(Object::Null);
            }
            _ => {}
        }
        let number = parse_number(token).ok_or_else(|| self.err("giá trị không hợp lệ"))?;
        self.pos += token.len();
        // `num gen R`: two non-negative integers followed by R.
        if let Object::Int(num) = number {
            let save = self.pos;
            self.skip_whitespace();
            let gen_token = self.peek_token();
            if num >= 0
                && !gen_token.is_empty()
                && gen_token.iter().all(u8::is_ascii_digit)
                && gen_token.len() <= 5
            {
                self.pos += gen_token.len();
                self.skip_whitespace();
                if self.peek_token() == b"R" {
                    self.pos += 1;
                    let generation = parse_number(gen_token)
                        .and_then(|g| g.as_int())
                        .unwrap_or(0);
                    if let (Ok(num), Ok(generation)) =
                        (u32::try_from(num), u16::try_from(generation))
                    {
                        return Ok(Object::Ref(ObjRef::new(num, generation)));
                    }
                    return Err(self.err("tham chiếu đối tượng ngoài phạm vi"));
                }
            }
            self.pos = save;
        }
        Ok(number)
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

fn parse_number(token: &[u8]) -> Option<Object> {
    let text = std::str::from_utf8(token).ok()?;
    if let Ok(i) = text.parse::<i64>() {
        return Some(Object::Int(i));
    }
    // Reals: no exponent in PDF; tolerate "-.5", "4." and the odd "--5" some producers write.
    let cleaned = text.trim_start_matches("--");
    let valid = !cleaned.is_empty()
        && cleaned
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
        && cleaned.bytes().filter(|&b| b == b'.').count() <= 1;
    if !valid {
        return None;
    }
    let normalized = if cleaned.ends_with('.') {
        format!("{cleaned}0")
    } else {
        cleaned.to_string()
    };
    normalized
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite())
        .map(Object::Real)
}

/// The first position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The last position of `needle` in `haystack`.
pub fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Object {
        Parser::new(s.as_bytes(), 0).read_object().unwrap()
    }

    #[test]
    fn parses_every_object_kind() {
        let o = parse(
            "<< /Type /Page /Kids [1 0 R 2 0 R] /N -3.5 /S (a\\(b\\)\\101) /H <4142 4> /B true /Z null >>",
        );
        let d = o.as_dict().unwrap();
        assert_eq!(d.name(b"Type"), Some(&b"Page"[..]));
        assert_eq!(
            d.get(b"Kids"),
            Some(&Object::Array(vec![
                Object::Ref(ObjRef::new(1, 0)),
                Object::Ref(ObjRef::new(2, 0))
            ]))
        );
        assert_eq!(d.get(b"N"), Some(&Object::Real(-3.5)));
        assert_eq!(d.get(b"S"), Some(&Object::String(b"a(b)A".to_vec())));
        assert_eq!(d.get(b"H"), Some(&Object::String(b"AB@".to_vec())));
        assert_eq!(d.get(b"B"), Some(&Object::Bool(true)));
        assert!(!d.contains(b"Z"), "null values are absent keys");
    }

    #[test]
    fn numbers_are_not_mistaken_for_references() {
        assert_eq!(
            parse("[1 2 3]"),
            Object::Array(vec![Object::Int(1), Object::Int(2), Object::Int(3)])
        );
        assert_eq!(parse("[0 0 612 792]").as_array().unwrap().len(), 4);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in ["<< /A", "[1 2", "(abc", "<4G>", "<< 1 2 >>", "", "]"] {
            assert!(
                Parser::new(bad.as_bytes(), 0).read_object().is_err(),
                "{bad}"
            );
        }
        let deep = "[".repeat(10_000);
        assert!(Parser::new(deep.as_bytes(), 0).read_object().is_err());
    }

    #[test]
    fn stream_with_wrong_length_is_recovered() {
        let data = b"5 0 obj << /Length 999 >> stream\nhello\nendstream endobj";
        let (id, o) = Parser::new(data, 0).read_indirect(&|_| None).unwrap();
        assert_eq!(id, ObjRef::new(5, 0));
        let Object::Stream(s) = o else {
            panic!("stream expected")
        };
        assert_eq!(&data[s.data], b"hello");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = Parser::new(&bytes, 0).read_object();
            let _ = Parser::new(&bytes, 0).read_indirect(&|_| Some(3));
        }
    }
}
