//! Where a PDF's bytes come from: a slice in memory (the CLI, the server) or a reader with random access (the
//! browser's `File`, read in slices by the worker). The core asks for the ranges it needs — the trailer, the
//! cross-reference sections, the objects it parses, the signed ranges as it hashes them — so a 200 MB file is
//! never held whole when it comes from a reader.

use std::borrow::Cow;
use std::ops::Range;

/// Random-access reads of a file of known length.
pub trait RandomRead {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` from `offset`; returns how many bytes were read (fewer only at the end of the file).
    fn read_at(&self, offset: usize, buf: &mut [u8]) -> usize;
}

#[derive(Clone, Copy)]
enum Kind<'a> {
    Slice(&'a [u8]),
    Reader(&'a dyn RandomRead),
}

/// A view of a file: its first `len` bytes (a revision is a prefix of the file).
#[derive(Clone, Copy)]
pub struct Src<'a> {
    kind: Kind<'a>,
    len: usize,
}

/// Bytes read per step when a range is streamed (hashing, scanning).
pub const CHUNK: usize = 1 << 20;

impl<'a> Src<'a> {
    pub fn reader(r: &'a dyn RandomRead) -> Self {
        Self {
            kind: Kind::Reader(r),
            len: r.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first `len` bytes (clamped to this view).
    pub fn prefix(&self, len: usize) -> Self {
        Self {
            kind: self.kind,
            len: len.min(self.len),
        }
    }

    /// The whole view when it is in memory.
    pub fn as_slice(&self) -> Option<&'a [u8]> {
        match self.kind {
            Kind::Slice(s) => Some(&s[..self.len]),
            Kind::Reader(_) => None,
        }
    }

    /// The bytes of `range`, clamped to the view (borrowed when in memory).
    pub fn bytes(&self, range: Range<usize>) -> Cow<'a, [u8]> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        match self.kind {
            Kind::Slice(s) => Cow::Borrowed(&s[start..end]),
            Kind::Reader(r) => {
                let mut buf = vec![0u8; end - start];
                let n = r.read_at(start, &mut buf);
                buf.truncate(n);
                Cow::Owned(buf)
            }
        }
    }

    pub fn byte(&self, at: usize) -> Option<u8> {
        self.bytes(at..at + 1).first().copied()
    }

    /// Calls `f` with consecutive chunks covering `range` (at most [`CHUNK`] bytes each when read).
    pub fn for_each_chunk(&self, range: Range<usize>, mut f: impl FnMut(&[u8])) {
        let end = range.end.min(self.len);
        let mut at = range.start.min(end);
        if let Kind::Slice(s) = self.kind {
            f(&s[at..end]);
            return;
        }
        while at < end {
            let next = (at + CHUNK).min(end);
            f(&self.bytes(at..next));
            at = next;
        }
    }

    /// Whether every byte of `range` is PDF whitespace.
    pub fn all_whitespace(&self, range: Range<usize>) -> bool {
        let mut ok = true;
        self.for_each_chunk(range, |c| {
            ok &= c.iter().all(|b| super::parse::is_whitespace(*b))
        });
        ok
    }
}

impl<'a> From<&'a [u8]> for Src<'a> {
    fn from(s: &'a [u8]) -> Self {
        Self {
            kind: Kind::Slice(s),
            len: s.len(),
        }
    }
}

impl<'a> From<&'a Vec<u8>> for Src<'a> {
    fn from(s: &'a Vec<u8>) -> Self {
        Self::from(s.as_slice())
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Src<'a> {
    fn from(s: &'a [u8; N]) -> Self {
        Self::from(&s[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader over a slice that counts what was read, to check that views only read what they need.
    struct Counting<'a> {
        data: &'a [u8],
        read: std::cell::Cell<usize>,
    }

    impl RandomRead for Counting<'_> {
        fn len(&self) -> usize {
            self.data.len()
        }
        fn read_at(&self, offset: usize, buf: &mut [u8]) -> usize {
            let n = buf.len().min(self.data.len().saturating_sub(offset));
            buf[..n].copy_from_slice(&self.data[offset..offset + n]);
            self.read.set(self.read.get() + n);
            n
        }
    }

    #[test]
    fn views_read_only_what_they_are_asked_for() {
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let r = Counting {
            data: &data,
            read: std::cell::Cell::new(0),
        };
        let src = Src::reader(&r);
        assert_eq!(&*src.bytes(10..20), &data[10..20]);
        assert_eq!(r.read.get(), 10);
        let prefix = src.prefix(100);
        assert_eq!(prefix.bytes(90..200).len(), 10, "clamped to the prefix");
        let mut total = 0;
        let mut largest = 0;
        src.for_each_chunk(5..data.len(), |c| {
            total += c.len();
            largest = largest.max(c.len());
        });
        assert_eq!(total, data.len() - 5);
        assert!(largest <= CHUNK);
    }
}
