//! Reading the page's `Blob` from the worker: synchronous slices (workers may), a block cache for the core's
//! random reads, the whole file for the renderer; progress as bytes are read.

use shared::worker_protocol::WorkerError;
use web_sys::FileReaderSync;

use crate::Reply;

/// Slices of this size are read and hashed at a time: memory stays bounded whatever the file size.
pub const SLICE: f64 = 8.0 * 1024.0 * 1024.0;

/// Reads a slice of a blob synchronously (workers may).
pub fn read_slice(
    blob: &web_sys::Blob,
    start: f64,
    end: f64,
) -> Result<js_sys::Uint8Array, WorkerError> {
    let slice = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| WorkerError::Unreadable)?;
    let buffer = FileReaderSync::new()
        .and_then(|r| r.read_as_array_buffer(&slice))
        .map_err(|_| WorkerError::Unreadable)?;
    Ok(js_sys::Uint8Array::new(&buffer))
}

/// A `File` read on demand through `FileReaderSync`, with a small cache of 256 KiB blocks: the core asks for the
/// ranges it needs, so verifying or signing a 200 MB file never holds it whole.
pub struct BlobReader<'a> {
    blob: &'a web_sys::Blob,
    pub len: usize,
    cache: std::cell::RefCell<Vec<(usize, Vec<u8>)>>,
    /// Reports how much was read, so long operations (hashing the signed ranges) show progress.
    progress: Option<&'a Reply>,
    read: std::cell::Cell<usize>,
    reported: std::cell::Cell<usize>,
}

const BLOCK: usize = 256 * 1024;
const CACHED_BLOCKS: usize = 8;

impl<'a> BlobReader<'a> {
    pub fn new(blob: &'a web_sys::Blob) -> Self {
        Self {
            blob,
            len: blob.size() as usize,
            cache: std::cell::RefCell::new(Vec::new()),
            progress: None,
            read: std::cell::Cell::new(0),
            reported: std::cell::Cell::new(0),
        }
    }

    pub fn with_progress(blob: &'a web_sys::Blob, reply: &'a Reply) -> Self {
        Self {
            progress: Some(reply),
            ..Self::new(blob)
        }
    }

    fn read_direct(&self, offset: usize, buf: &mut [u8]) -> usize {
        let end = (offset + buf.len()).min(self.len);
        if offset >= end {
            return 0;
        }
        match read_slice(self.blob, offset as f64, end as f64) {
            Ok(array) => {
                let n = (array.length() as usize).min(buf.len());
                array.slice(0, n as u32).copy_to(&mut buf[..n]);
                let read = self.read.get() + n;
                self.read.set(read);
                // Every 4 MiB: the bar moves on a 200 MB file without flooding the page with messages.
                if let Some(reply) = self.progress
                    && read >= self.reported.get() + (4 << 20)
                {
                    self.reported.set(read);
                    reply.progress(read.min(self.len) as f64, self.len as f64);
                }
                n
            }
            Err(_) => 0,
        }
    }

    fn block(&self, index: usize) -> Vec<u8> {
        let mut cache = self.cache.borrow_mut();
        if let Some(pos) = cache.iter().position(|(i, _)| *i == index) {
            let hit = cache.remove(pos);
            let data = hit.1.clone();
            cache.push(hit);
            return data;
        }
        let start = index * BLOCK;
        let mut data = vec![0u8; BLOCK.min(self.len.saturating_sub(start))];
        let n = self.read_direct(start, &mut data);
        data.truncate(n);
        if cache.len() >= CACHED_BLOCKS {
            cache.remove(0);
        }
        cache.push((index, data.clone()));
        data
    }
}

impl shared::pdf::source::RandomRead for BlobReader<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn read_at(&self, offset: usize, buf: &mut [u8]) -> usize {
        if buf.len() > BLOCK {
            return self.read_direct(offset, buf);
        }
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done;
            let block = self.block(at / BLOCK);
            let within = at % BLOCK;
            if within >= block.len() {
                break;
            }
            let n = (block.len() - within).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&block[within..within + n]);
            done += n;
        }
        done
    }
}

/// The whole file, read in slices with progress (only the renderer needs it whole).
pub fn read_all(reply: &Reply, blob: &web_sys::Blob) -> Result<Vec<u8>, WorkerError> {
    let size = blob.size();
    let mut out = Vec::with_capacity(size as usize);
    let mut at = 0.0;
    while at < size {
        let end = (at + SLICE).min(size);
        let chunk = read_slice(blob, at, end)?;
        let start = out.len();
        out.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut out[start..]);
        at = end;
        reply.progress(at, size);
    }
    Ok(out)
}
