//! The PDF core: what the browser and the server both do with PDF files. Pure code over byte slices: callers
//! read the file (a `File` in the browser, a file on disk on the server) and feed it in chunks, so a 200 MB
//! document is never held in memory at once.

pub mod byte_range;

pub use byte_range::{ByteRange, ByteRangeError, ByteRangeHasher};
