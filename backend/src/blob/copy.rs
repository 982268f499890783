//! Moving a deployment's files from one store to another (a directory into an S3 bucket): every blob is
//! written with its name as the expected hash, then read back from the target and hashed again.

use super::{BlobStore, hash_of};

/// What [`copy_all`] did.
#[derive(Debug, Default)]
pub struct CopyReport {
    pub copied: usize,
    /// Already in the target (and read back with the right hash).
    pub present: usize,
    pub bytes: u64,
    /// Each blob that could not be copied or read back with its hash (Vietnamese).
    pub problems: Vec<String>,
}

/// Copies every blob of `from` into `into`; `progress(done, total)` after each.
pub async fn copy_all(
    from: &dyn BlobStore,
    into: &dyn BlobStore,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<CopyReport> {
    let mut report = CopyReport::default();
    let blobs = from.list().await?;
    let total = blobs.len();
    for (i, b) in blobs.iter().enumerate() {
        let sha = &b.sha256;
        if into.exists(sha).await? {
            report.present += 1;
        } else {
            let Some(mut reader) = from.open(sha).await? else {
                continue; // deleted since the listing (the orphan sweep)
            };
            match into.put(&mut reader, Some(sha)).await {
                Ok(r) => {
                    report.copied += 1;
                    report.bytes += r.size;
                }
                Err(super::BlobError::HashMismatch { actual, .. }) => {
                    report.problems.push(format!(
                        "tệp {sha} ở kho nguồn có mã băm {actual}: nội dung đã hỏng, không sao chép"
                    ));
                    progress(i + 1, total);
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        // Read back what the target holds now, whether just written or already there.
        match into.open(sha).await? {
            Some(reader) => {
                let (actual, _) = hash_of(reader).await?;
                if &actual != sha {
                    report
                        .problems
                        .push(format!("tệp {sha} đọc lại từ kho đích có mã băm {actual}"));
                }
            }
            None => report.problems.push(format!(
                "tệp {sha} không có trong kho đích sau khi sao chép"
            )),
        }
        progress(i + 1, total);
    }
    Ok(report)
}
