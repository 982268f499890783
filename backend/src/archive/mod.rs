//! The archive package of a record file (nộp lưu, Điều 14; NĐ 30 Phụ lục V): one ZIP with every signed original
//! byte for byte, the metadata of the file and its documents (NĐ 30 Phụ lục VI fields) as JSON and XML, a table
//! of contents, the hand-over record (biên bản giao nhận) as a PDF, and `manifest-sha256.txt` in `sha256sum`
//! format covering every other entry, so `sha256sum -c manifest-sha256.txt` checks the unpacked package.
//!
//! The ZIP is written on the blocking pool into a bounded channel that feeds the response body: the originals
//! are copied from the blob store in chunks and never held in memory whole. Entries are stored (not
//! compressed): the PDFs are compressed already and an archive reads them back unchanged.

mod metadata;
mod record;

use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;

use crate::blob::BlobStore;
use crate::store::record_files::PackageFacts;

/// The name of the manifest entry.
pub const MANIFEST: &str = "manifest-sha256.txt";

/// The package's file name, from the file's code: `ho-so-000.00.02.H62.2026.01.zip`.
pub fn package_name(code: &str) -> String {
    format!("ho-so-{}.zip", safe(code))
}

/// Where each original goes in the package: `van-ban/001-di-12/01-<name>.pdf`.
pub fn original_path(position: i64, outgoing: bool, id: i64, index: usize, name: &str) -> String {
    let kind = if outgoing { "di" } else { "den" };
    format!(
        "van-ban/{position:03}-{kind}-{id}/{:02}-{}",
        index + 1,
        safe(name)
    )
}

/// ASCII letters, digits, `.`, `-`, `_` (Vietnamese letters without their marks, anything else a `-`), so
/// every path reads the same in `unzip`, `sha256sum` and every file system.
fn safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || ".-_".contains(c) {
            out.push(c);
            continue;
        }
        let folded: String = shared::text::fold_for_search(&c.to_string())
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        match folded {
            f if f.is_empty() => out.push('-'),
            f if c.is_uppercase() => out.push_str(&f.to_uppercase()),
            f => out.push_str(&f),
        }
    }
    let mut out: String = out.chars().take(80).collect();
    if out.is_empty() {
        out.push_str("tep");
    }
    out
}

/// Streams the package of `facts` as a response body. `made_by` is who downloads it (named in the record).
pub fn stream(facts: PackageFacts, made_by: String, blobs: Arc<dyn BlobStore>) -> Body {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(8);
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let writer = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = write_package(writer, &facts, &made_by, blobs.as_ref(), &handle) {
            tracing::warn!(error = %e, code = %facts.file.code, "archive package failed");
            // The client sees a broken download rather than a package that looks whole.
            let _ = tx.blocking_send(Err(io::Error::other(e.to_string())));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(stream)
}

const CHUNK: usize = 256 * 1024;

/// A `Write` that hands full chunks to the response body (waiting while the client is slow).
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

/// Hashes what passes through to the ZIP entry.
struct Hashing<'a, W: Write> {
    inner: &'a mut W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hash.update(&data[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the whole package into `out`.
pub fn write_package<W: Write>(
    out: W,
    facts: &PackageFacts,
    made_by: &str,
    blobs: &dyn BlobStore,
    handle: &tokio::runtime::Handle,
) -> anyhow::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(out);
    let at = facts
        .file
        .handed_over_at
        .unwrap_or(shared::time::Timestamp(crate::store::now_ms()))
        .vn_civil();
    let when = zip::DateTime::from_date_and_time(
        at.year.clamp(1980, 2107) as u16,
        at.month as u8,
        at.day as u8,
        at.hour as u8,
        at.minute as u8,
        at.second as u8,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(when)
        .unix_permissions(0o644);
    let mut manifest: Vec<(String, String)> = Vec::new();

    // The originals, copied from the blob store and hashed on the way.
    for d in &facts.documents {
        let outgoing = d.doc.kind == shared::record_file::DocumentKind::Outgoing;
        for (i, f) in d.doc.files.iter().enumerate() {
            let path = original_path(d.doc.position, outgoing, d.doc.id, i, &f.name);
            zip.start_file(
                path.as_str(),
                options.large_file(f.size > i64::from(u32::MAX)),
            )?;
            let reader = handle
                .block_on(blobs.open(&f.sha256))?
                .ok_or_else(|| anyhow::anyhow!("blob {} missing", f.sha256))?;
            let mut reader = tokio_util::io::SyncIoBridge::new_with_handle(reader, handle.clone());
            let mut hashing = Hashing {
                inner: &mut zip,
                hash: Sha256::new(),
            };
            io::copy(&mut reader, &mut hashing)?;
            let digest = shared::hex(&hashing.hash.finalize());
            // The blob is named by its hash: a difference means the stored bytes changed.
            anyhow::ensure!(
                digest == f.sha256,
                "blob {} reads back as {digest}",
                f.sha256
            );
            manifest.push((digest, path));
        }
    }

    let mut add = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        manifest.push((shared::hex(&Sha256::digest(bytes)), name.to_string()));
        Ok(())
    };
    add("ho-so.json", &metadata::json(facts))?;
    add("ho-so.xml", metadata::xml(facts).as_bytes())?;
    add("muc-luc.txt", metadata::table_of_contents(facts).as_bytes())?;
    add(
        "bien-ban-giao-nhan.pdf",
        &record::handover_pdf(facts, made_by).map_err(|e| anyhow::anyhow!("{e}"))?,
    )?;

    // Last, the manifest of everything above, in `sha256sum` format ("<hex>  <path>").
    let mut text = String::new();
    for (digest, path) in &manifest {
        text.push_str(&format!("{digest}  {path}\n"));
    }
    zip.start_file(MANIFEST, options)?;
    zip.write_all(text.as_bytes())?;
    let mut out = zip.finish()?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_ascii_and_keep_what_they_can() {
        assert_eq!(
            package_name("000.00.02.H62.2026.01.VP"),
            "ho-so-000.00.02.H62.2026.01.VP.zip"
        );
        assert_eq!(safe("Quyết định số 12.pdf"), "Quyet-dinh-so-12.pdf");
        assert_eq!(safe("Đơn/../x"), "Don-..-x");
        assert_eq!(
            original_path(1, true, 7, 0, "a.pdf"),
            "van-ban/001-di-7/01-a.pdf"
        );
    }
}
