//! XMP metadata judged before a change to it is accepted after signing (as pyHanko's `MetadataUpdateRule` does):
//! the stream must be well-formed UTF-8 XML without a document type declaration (so without entities), whose root
//! element is `xmpmeta` in the `adobe:ns:meta/` namespace. The content itself is not interpreted: metadata is
//! never shown as page content.

/// Whether `data` (the decoded metadata stream) is an XMP packet as described above.
pub fn is_xmp(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if std::str::from_utf8(data).is_err() {
        return false;
    }
    let mut p = Xml { s: data, i: 0 };
    p.misc();
    let Some(root) = p.element(0) else {
        return false;
    };
    p.misc();
    p.i == p.s.len() && root
}

struct Xml<'a> {
    s: &'a [u8],
    i: usize,
}

/// Nesting deeper than this is refused (XMP packets are a handful of levels deep).
const MAX_DEPTH: usize = 256;

impl Xml<'_> {
    fn rest(&self) -> &[u8] {
        &self.s[self.i.min(self.s.len())..]
    }

    fn eat(&mut self, token: &[u8]) -> bool {
        if self.rest().starts_with(token) {
            self.i += token.len();
            true
        } else {
            false
        }
    }

    fn skip_space(&mut self) -> bool {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            self.i += 1;
        }
        self.i > start
    }

    /// Skips to just after `end`; false when it never comes.
    fn skip_past(&mut self, end: &[u8]) -> bool {
        match self.rest().windows(end.len()).position(|w| w == end) {
            Some(p) => {
                self.i += p + end.len();
                true
            }
            None => {
                self.i = self.s.len();
                false
            }
        }
    }

    /// Whitespace, comments and processing instructions (the prolog and what may follow the root).
    fn misc(&mut self) {
        loop {
            self.skip_space();
            if self.rest().starts_with(b"<!--") {
                self.i += 4;
                if !self.skip_past(b"-->") {
                    return;
                }
            } else if self.rest().starts_with(b"<?") {
                self.i += 2;
                if !self.skip_past(b"?>") {
                    return;
                }
            } else {
                return;
            }
        }
    }

    fn name(&mut self) -> Option<&[u8]> {
        let start = self.i;
        let first = *self.s.get(self.i)?;
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b':' || first >= 0x80) {
            return None;
        }
        while self.s.get(self.i).is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.') || *b >= 0x80
        }) {
            self.i += 1;
        }
        Some(&self.s[start..self.i])
    }

    /// A reference after `&`: one of the five predefined entities or a character reference.
    fn reference(&mut self) -> bool {
        let Some(end) = self.rest().iter().position(|b| *b == b';') else {
            return false;
        };
        let body = &self.rest()[..end];
        let ok = match body {
            b"lt" | b"gt" | b"amp" | b"quot" | b"apos" => true,
            [b'#', b'x', hex @ ..] => !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit),
            [b'#', dec @ ..] => !dec.is_empty() && dec.iter().all(u8::is_ascii_digit),
            _ => false,
        };
        self.i += end + 1;
        ok
    }

    /// One element and everything in it. `Some(is the root xmpmeta)` when well-formed.
    fn element(&mut self, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH || !self.eat(b"<") {
            return None;
        }
        let name = self.name()?.to_vec();
        let mut attributes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let empty = loop {
            let spaced = self.skip_space();
            if self.eat(b"/>") {
                break true;
            }
            if self.eat(b">") {
                break false;
            }
            if !spaced {
                return None;
            }
            let attr = self.name()?.to_vec();
            self.skip_space();
            if !self.eat(b"=") {
                return None;
            }
            self.skip_space();
            let quote = *self.s.get(self.i)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            self.i += 1;
            let start = self.i;
            loop {
                match *self.s.get(self.i)? {
                    b if b == quote => break,
                    b'<' => return None,
                    b'&' => {
                        self.i += 1;
                        if !self.reference() {
                            return None;
                        }
                    }
                    _ => self.i += 1,
                }
            }
            let value = self.s[start..self.i].to_vec();
            self.i += 1;
            if attributes.iter().any(|(a, _)| *a == attr) {
                return None;
            }
            attributes.push((attr, value));
        };
        let is_root_xmp = depth == 0 && {
            let (prefix, local) = match name.iter().position(|b| *b == b':') {
                Some(c) => (&name[..c], &name[c + 1..]),
                None => (&[][..], &name[..]),
            };
            let declaration = if prefix.is_empty() {
                b"xmlns".to_vec()
            } else {
                [b"xmlns:", prefix].concat()
            };
            local == b"xmpmeta"
                && attributes
                    .iter()
                    .any(|(a, v)| *a == declaration && v == b"adobe:ns:meta/")
        };
        if empty {
            return Some(is_root_xmp);
        }
        loop {
            match *self.s.get(self.i)? {
                b'<' => {
                    if self.eat(b"</") {
                        let closing = self.name()?;
                        if closing != name.as_slice() {
                            return None;
                        }
                        self.skip_space();
                        return self.eat(b">").then_some(is_root_xmp);
                    } else if self.eat(b"<!--") {
                        if !self.skip_past(b"-->") {
                            return None;
                        }
                    } else if self.eat(b"<![CDATA[") {
                        if !self.skip_past(b"]]>") {
                            return None;
                        }
                    } else if self.eat(b"<?") {
                        if !self.skip_past(b"?>") {
                            return None;
                        }
                    } else if self.rest().starts_with(b"<!") {
                        return None;
                    } else {
                        self.element(depth + 1)?;
                    }
                }
                b'&' => {
                    self.i += 1;
                    if !self.reference() {
                        return None;
                    }
                }
                _ => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
        <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
        <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Quyết định &amp; \
        tờ trình &#x41;</dc:title><!-- c --><![CDATA[<raw>]]></rdf:Description></rdf:RDF></x:xmpmeta>\n\
        <?xpacket end=\"w\"?>";

    #[test]
    fn a_real_packet_is_xmp() {
        assert!(is_xmp(PACKET.as_bytes()));
        assert!(is_xmp(b"\xEF\xBB\xBF<xmpmeta xmlns=\"adobe:ns:meta/\"/>"));
    }

    #[test]
    fn what_is_not_well_formed_xmp_is_refused() {
        for bad in [
            "",
            "\u{0}\u{1} not xml",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmp>",
            "<x:xmpmeta xmlns:x=\"other\"></x:xmpmeta>",
            "<rdf:RDF xmlns:rdf=\"r\"></rdf:RDF>",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">&e;</x:xmpmeta>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">&nope;</x:xmpmeta>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" a=\"1\" a=\"2\"></x:xmpmeta>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta><second/>",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><a><b></a></b></x:xmpmeta>",
        ] {
            assert!(!is_xmp(bad.as_bytes()), "{bad}");
        }
        assert!(!is_xmp(
            b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\xFF</x:xmpmeta>"
        ));
        let deep = "<a>".repeat(10_000);
        assert!(!is_xmp(deep.as_bytes()));
    }
}
