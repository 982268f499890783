//! BER, as other signers write CMS (Java's and .NET's streaming writers use indefinite lengths; some write
//! constructed OCTET STRINGs or non-minimal lengths): elements read as they stand in the input, and re-encoded
//! as DER for the `der`-based decoders. What a signature covers (the signed attributes, a certificate) is taken
//! from the input bytes themselves, never from a re-encoding.

/// Deeper nesting than this is refused (a CMS with its certificates is about 15 levels deep).
const MAX_DEPTH: usize = 64;

/// One element as it stands in the input.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
    /// The identifier octets.
    pub tag: &'a [u8],
    /// The whole element: identifier, length, contents (and end-of-contents octets when indefinite).
    pub raw: &'a [u8],
    /// The contents (without the end-of-contents octets).
    pub content: &'a [u8],
    /// Whether it holds elements (rather than a value).
    pub constructed: bool,
}

fn bad(why: &str) -> String {
    format!("cấu trúc ASN.1 (BER) sai: {why}")
}

/// Reads the element at the start of `input`; the bytes after it are left alone.
pub fn read(input: &[u8]) -> Result<Tlv<'_>, String> {
    read_at_depth(input, 0)
}

fn read_at_depth(input: &[u8], depth: usize) -> Result<Tlv<'_>, String> {
    if depth > MAX_DEPTH {
        return Err(bad("lồng nhau quá sâu"));
    }
    let first = *input.first().ok_or_else(|| bad("thiếu dữ liệu"))?;
    let mut pos = 1;
    if first & 0x1F == 0x1F {
        // High tag number: base-128 octets, the last without the top bit.
        loop {
            let b = *input.get(pos).ok_or_else(|| bad("thẻ bị cắt"))?;
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos > 6 {
                return Err(bad("thẻ quá dài"));
            }
        }
    }
    let tag = &input[..pos];
    let constructed = first & 0x20 != 0;
    let len_byte = *input.get(pos).ok_or_else(|| bad("thiếu độ dài"))?;
    pos += 1;
    if len_byte == 0x80 {
        if !constructed {
            return Err(bad("độ dài không xác định cho phần tử nguyên thủy"));
        }
        let start = pos;
        loop {
            let rest = input.get(pos..).unwrap_or_default();
            if rest.starts_with(&[0, 0]) {
                return Ok(Tlv {
                    tag,
                    raw: &input[..pos + 2],
                    content: &input[start..pos],
                    constructed,
                });
            }
            let child = read_at_depth(rest, depth + 1)?;
            pos += child.raw.len();
        }
    }
    let len = if len_byte & 0x80 == 0 {
        usize::from(len_byte)
    } else {
        let n = usize::from(len_byte & 0x7F);
        if n > 8 || n == 0x7F {
            return Err(bad("độ dài quá lớn"));
        }
        let octets = input
            .get(pos..pos + n)
            .ok_or_else(|| bad("độ dài bị cắt"))?;
        pos += n;
        octets.iter().try_fold(0usize, |acc, b| {
            acc.checked_mul(256)
                .and_then(|a| a.checked_add(usize::from(*b)))
                .ok_or_else(|| bad("độ dài quá lớn"))
        })?
    };
    let end = pos
        .checked_add(len)
        .filter(|e| *e <= input.len())
        .ok_or_else(|| bad("phần tử dài hơn dữ liệu"))?;
    Ok(Tlv {
        tag,
        raw: &input[..end],
        content: &input[pos..end],
        constructed,
    })
}

impl<'a> Tlv<'a> {
    /// The elements inside a constructed one, in input order.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>, String> {
        if !self.constructed {
            return Ok(vec![]);
        }
        let mut out = Vec::new();
        let mut rest = self.content;
        while !rest.is_empty() {
            let child = read_at_depth(rest, 1)?;
            rest = &rest[child.raw.len()..];
            out.push(child);
        }
        Ok(out)
    }

    /// The n-th child.
    pub fn child(&self, n: usize) -> Result<Tlv<'a>, String> {
        self.children()?
            .get(n)
            .copied()
            .ok_or_else(|| bad("thiếu phần tử"))
    }

    /// The same value in DER: definite minimal lengths, constructed strings joined into primitive ones,
    /// booleans as 0xFF. (SET OF elements are not re-sorted: the decoders sort them.)
    pub fn to_der(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(self.raw.len());
        self.write_der(&mut out, 0)?;
        Ok(out)
    }

    fn write_der(&self, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(bad("lồng nhau quá sâu"));
        }
        let first = self.tag[0];
        let universal = first & 0xC0 == 0 && self.tag.len() == 1;
        let number = first & 0x1F;
        if self.constructed && universal && is_string_type(number) {
            let mut value = Vec::new();
            let mut unused = 0u8;
            self.join_segments(number, &mut value, &mut unused, depth)?;
            if number == 3 {
                value.insert(0, unused);
            }
            out.push(first & !0x20);
            write_length(out, value.len());
            out.extend_from_slice(&value);
            return Ok(());
        }
        out.extend_from_slice(self.tag);
        if !self.constructed {
            if universal && number == 1 {
                if self.content.len() != 1 {
                    return Err(bad("BOOLEAN phải dài 1 byte"));
                }
                write_length(out, 1);
                out.push(if self.content[0] == 0 { 0 } else { 0xFF });
                return Ok(());
            }
            write_length(out, self.content.len());
            out.extend_from_slice(self.content);
            return Ok(());
        }
        let mut body = Vec::with_capacity(self.content.len());
        for child in self.children()? {
            child.write_der(&mut body, depth + 1)?;
        }
        write_length(out, body.len());
        out.extend_from_slice(&body);
        Ok(())
    }

    /// The value of a constructed string: its segments' contents in order (a BIT STRING's unused-bits octet
    /// taken from the last segment; every other must be 0).
    fn join_segments(
        &self,
        number: u8,
        value: &mut Vec<u8>,
        unused: &mut u8,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(bad("lồng nhau quá sâu"));
        }
        for seg in self.children()? {
            if seg.tag.len() != 1 || seg.tag[0] & 0x1F != number || seg.tag[0] & 0xC0 != 0 {
                return Err(bad("đoạn của chuỗi có kiểu khác"));
            }
            if seg.constructed {
                seg.join_segments(number, value, unused, depth + 1)?;
            } else if number == 3 {
                let (&bits, data) = seg
                    .content
                    .split_first()
                    .ok_or_else(|| bad("đoạn BIT STRING rỗng"))?;
                if *unused != 0 {
                    return Err(bad("bit thừa ở giữa BIT STRING"));
                }
                *unused = bits;
                value.extend_from_slice(data);
            } else {
                value.extend_from_slice(seg.content);
            }
        }
        Ok(())
    }
}

/// Universal string types that BER may write in constructed form.
fn is_string_type(number: u8) -> bool {
    matches!(number, 3 | 4 | 12 | 18..=30)
}

fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_passes_through_unchanged() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xAA];
        let t = read(&der).unwrap();
        assert_eq!(t.raw.len(), 8);
        assert_eq!(t.to_der().unwrap(), der);
    }

    #[test]
    fn indefinite_lengths_become_definite_and_trailing_bytes_are_left() {
        // SEQUENCE (indefinite) { INTEGER 5, [0] (indefinite) { OCTET STRING AA } } then padding
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0xA0, 0x80, 0x04, 0x01, 0xAA, 0, 0, 0, 0, 0, 0, 0,
        ];
        let t = read(&ber).unwrap();
        assert_eq!(t.raw.len(), 14);
        assert_eq!(
            t.to_der().unwrap(),
            [0x30, 0x08, 0x02, 0x01, 0x05, 0xA0, 0x03, 0x04, 0x01, 0xAA]
        );
        assert_eq!(t.children().unwrap().len(), 2);
    }

    #[test]
    fn constructed_strings_long_lengths_and_booleans_are_normalised() {
        // OCTET STRING constructed { 04 02 'ab', 04 01 'c' }, then a long-form length, then BOOLEAN 01
        let ber = [0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0];
        assert_eq!(
            read(&ber).unwrap().to_der().unwrap(),
            [0x04, 0x03, b'a', b'b', b'c']
        );
        let long = [0x30, 0x84, 0, 0, 0, 3, 0x01, 0x01, 0x01];
        assert_eq!(
            read(&long).unwrap().to_der().unwrap(),
            [0x30, 0x03, 0x01, 0x01, 0xFF]
        );
        let bits = [
            0x23, 0x80, 0x03, 0x02, 0x00, 0xF0, 0x03, 0x02, 0x04, 0xA0, 0, 0,
        ];
        assert_eq!(
            read(&bits).unwrap().to_der().unwrap(),
            [0x03, 0x03, 0x04, 0xF0, 0xA0]
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x80, 0x02],
            &[0x04, 0x80, 0, 0],
            &[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9],
            &[0x30, 0x05, 0x01],
            &[0x1F, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00],
        ] {
            assert!(read(bad).and_then(|t| t.to_der()).is_err(), "{bad:?}");
        }
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 200).flatten().collect();
        assert!(read(&deep).is_err());
    }
}
