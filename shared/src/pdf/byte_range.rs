//! SHA-256 over the byte ranges a PDF signature covers (`/ByteRange [a b c d]`: the file minus the hole kept for
//! `/Contents`), computed while the file streams past in chunks of any size. The whole-file hash is the special
//! case of one range covering everything.

use sha2::{Digest, Sha256};

/// One contiguous run of bytes, `[start, start + len)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub len: u64,
}

impl ByteRange {
    fn end(self) -> u64 {
        self.start + self.len
    }
}

/// Why a set of ranges cannot be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ByteRangeError {
    #[error("Các đoạn byte được ký phải tăng dần và không chồng lên nhau.")]
    NotIncreasing,
    #[error("Đoạn byte vượt quá giới hạn độ dài tệp.")]
    Overflow,
    #[error("Tệp kết thúc trước khi hết các đoạn byte được ký ({missing} byte còn thiếu).")]
    Truncated { missing: u64 },
}

/// Hashes the bytes of a file that fall inside `ranges`, fed in order as consecutive chunks.
#[derive(Debug, Clone)]
pub struct ByteRangeHasher {
    ranges: Vec<ByteRange>,
    hasher: Sha256,
    /// Offset in the file of the next byte to be fed.
    position: u64,
    covered: u64,
}

impl ByteRangeHasher {
    /// A hasher for these ranges, which must be in increasing order and not overlap.
    pub fn new(ranges: &[ByteRange]) -> Result<Self, ByteRangeError> {
        let mut previous_end = 0u64;
        for (i, r) in ranges.iter().enumerate() {
            r.start.checked_add(r.len).ok_or(ByteRangeError::Overflow)?;
            if i > 0 && r.start < previous_end {
                return Err(ByteRangeError::NotIncreasing);
            }
            previous_end = r.end();
        }
        Ok(Self {
            ranges: ranges.to_vec(),
            hasher: Sha256::new(),
            position: 0,
            covered: 0,
        })
    }

    /// A hasher for a whole file of unknown length: every byte fed is hashed.
    pub fn whole_file() -> Self {
        Self {
            ranges: vec![ByteRange {
                start: 0,
                len: u64::MAX,
            }],
            hasher: Sha256::new(),
            position: 0,
            covered: 0,
        }
    }

    /// Feeds the next chunk of the file (chunks must follow each other without gaps).
    pub fn update(&mut self, chunk: &[u8]) {
        let chunk_start = self.position;
        let chunk_end = chunk_start + chunk.len() as u64;
        for r in &self.ranges {
            if r.end() <= chunk_start {
                continue;
            }
            if r.start >= chunk_end {
                break;
            }
            let from = r.start.max(chunk_start) - chunk_start;
            let to = r.end().min(chunk_end) - chunk_start;
            self.hasher.update(&chunk[from as usize..to as usize]);
            self.covered += to - from;
        }
        self.position = chunk_end;
    }

    /// How many bytes have been fed so far (for a progress bar).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The SHA-256 of the covered bytes; an error when the file ended before the last range did.
    pub fn finish(self) -> Result<[u8; 32], ByteRangeError> {
        let whole_file = self.ranges.len() == 1 && self.ranges[0].len == u64::MAX;
        if !whole_file {
            let expected: u64 = self.ranges.iter().map(|r| r.len).sum();
            if self.covered < expected {
                return Err(ByteRangeError::Truncated {
                    missing: expected - self.covered,
                });
            }
        }
        Ok(self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use proptest::prelude::*;

    fn reference(data: &[u8], ranges: &[ByteRange]) -> [u8; 32] {
        let mut h = Sha256::new();
        for r in ranges {
            h.update(&data[r.start as usize..r.end() as usize]);
        }
        h.finalize().into()
    }

    #[test]
    fn the_whole_file_hash_is_plain_sha256() {
        let mut h = ByteRangeHasher::whole_file();
        h.update(b"abc");
        assert_eq!(
            hex(&h.finish().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_signature_hole_is_left_out() {
        let data = b"%PDF-1.7 ... /Contents <0000000000> ... %%EOF";
        let hole_start = 23u64;
        let hole_end = 35u64;
        let ranges = [
            ByteRange {
                start: 0,
                len: hole_start,
            },
            ByteRange {
                start: hole_end,
                len: data.len() as u64 - hole_end,
            },
        ];
        let mut h = ByteRangeHasher::new(&ranges).unwrap();
        h.update(&data[..10]);
        h.update(&data[10..30]);
        h.update(&data[30..]);
        assert_eq!(h.position(), data.len() as u64);
        assert_eq!(h.finish().unwrap(), reference(data, &ranges));
    }

    #[test]
    fn overlapping_or_truncated_ranges_are_errors() {
        let r = |start, len| ByteRange { start, len };
        assert_eq!(
            ByteRangeHasher::new(&[r(10, 5), r(12, 5)]).unwrap_err(),
            ByteRangeError::NotIncreasing
        );
        assert_eq!(
            ByteRangeHasher::new(&[r(u64::MAX, 2)]).unwrap_err(),
            ByteRangeError::Overflow
        );
        let mut h = ByteRangeHasher::new(&[r(0, 4), r(8, 10)]).unwrap();
        h.update(b"0123456789");
        assert_eq!(
            h.finish().unwrap_err(),
            ByteRangeError::Truncated { missing: 8 }
        );
    }

    proptest! {
        #[test]
        fn any_chunking_gives_the_hash_of_the_ranges(
            data in proptest::collection::vec(any::<u8>(), 0..2000),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
            chunk_sizes in proptest::collection::vec(1usize..300, 1..40),
        ) {
            // Ranges from sorted cut points, every other gap kept.
            let mut cuts: Vec<u64> = cuts.into_iter().map(|c| (c % (data.len() + 1)) as u64).collect();
            cuts.sort();
            cuts.dedup();
            let ranges: Vec<ByteRange> = cuts.chunks(2).filter(|p| p.len() == 2)
                .map(|p| ByteRange { start: p[0], len: p[1] - p[0] }).collect();
            let mut h = ByteRangeHasher::new(&ranges).unwrap();
            let mut offset = 0;
            let mut sizes = chunk_sizes.iter().cycle();
            while offset < data.len() {
                let end = (offset + sizes.next().unwrap()).min(data.len());
                h.update(&data[offset..end]);
                offset = end;
            }
            prop_assert_eq!(h.finish().unwrap(), reference(&data, &ranges));
        }
    }
}
