//! The blob sweep: what a crash, an abandoned draft or a cancelled upload leaves in the blob store is removed
//! after a grace period, while uploads keep running. The same hourly pass renews the document timestamps of
//! archived files before their certificates expire ([`crate::tsa::ltv::renew_due`]).
//!
//! Two kinds of leftovers. A *file without a row*: the server stopped between writing the bytes and recording
//! them (the upload was never acknowledged, so nobody holds its name); removed once older than
//! [`SweepPolicy::orphan_grace_ms`]. A *row nobody references*: uploaded, never used in a document; removed with
//! its file once untouched for [`SweepPolicy::unreferenced_grace_ms`] (`Store::forget_blob` deletes the file
//! inside the transaction that deletes the row). An upload of the same bytes racing either case re-checks the
//! file after recording it (`routes::blobs`), so an acknowledged upload always has its file.

use std::time::Duration;

use crate::blob::BlobStore;
use crate::store::Store;

/// How old leftovers must be before they are removed.
#[derive(Debug, Clone, Copy)]
pub struct SweepPolicy {
    pub orphan_grace_ms: i64,
    pub unreferenced_grace_ms: i64,
}

impl Default for SweepPolicy {
    fn default() -> Self {
        Self {
            // An upload records its row milliseconds after writing its file; an hour is far beyond any delay.
            orphan_grace_ms: 3600 * 1000,
            // A drafter may upload on Friday and create the draft on Monday.
            unreferenced_grace_ms: 7 * 24 * 3600 * 1000,
        }
    }
}

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Unfinished uploads idle for a day (an instance that never restarted).
    pub temporaries: usize,
    pub orphan_files: usize,
    pub unreferenced_blobs: usize,
}

/// One pass over the blob store and the `blobs` table.
pub async fn sweep_blobs(
    store: &Store,
    blobs: &dyn BlobStore,
    policy: SweepPolicy,
    now_ms: i64,
) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport {
        temporaries: blobs
            .sweep_temporaries(Duration::from_secs(24 * 3600))
            .await?,
        ..Default::default()
    };
    for stored in blobs.list().await? {
        if stored.written_at < now_ms - policy.orphan_grace_ms
            && !store.blob_known(&stored.sha256).await?
        {
            blobs.delete(&stored.sha256).await?;
            report.orphan_files += 1;
        }
    }
    const BATCH: i64 = 500;
    let cutoff = now_ms - policy.unreferenced_grace_ms;
    loop {
        let batch = store.unreferenced_blobs(cutoff, BATCH).await?;
        let mut forgotten = 0;
        for sha256 in &batch {
            let removed = store
                .forget_blob(sha256, cutoff, || async {
                    blobs.delete(sha256).await.map_err(std::io::Error::other)
                })
                .await?;
            forgotten += usize::from(removed);
        }
        report.unreferenced_blobs += forgotten;
        if (batch.len() as i64) < BATCH || forgotten == 0 {
            break;
        }
    }
    Ok(report)
}

/// Sweeps every `every` for as long as the server runs (the first pass a minute after start); failures are
/// logged and retried at the next pass.
pub async fn run_periodically(
    store: std::sync::Arc<Store>,
    blobs: std::sync::Arc<dyn BlobStore>,
    policy: SweepPolicy,
    every: Duration,
    config: std::sync::Arc<crate::config::Config>,
) {
    tokio::time::sleep(Duration::from_secs(60)).await;
    loop {
        match sweep_blobs(&store, blobs.as_ref(), policy, crate::store::now_ms()).await {
            Ok(r) if r == SweepReport::default() => {}
            Ok(r) => tracing::info!(
                temporaries = r.temporaries,
                orphan_files = r.orphan_files,
                unreferenced_blobs = r.unreferenced_blobs,
                "blob sweep"
            ),
            Err(e) => tracing::warn!(error = %e, "blob sweep failed"),
        }
        // Closed record files due for hand-over (Điều 14): their agency's clerks are told once.
        match store.remind_due_record_files(crate::store::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "record files due for hand-over"),
            Err(e) => tracing::warn!(error = %e, "record file reminders failed"),
        }
        // Archived documents whose last document timestamp's certificate is about to expire get a new one
        // (PAdES B-LTA, `tsa::ltv`).
        match crate::tsa::ltv::renew_due(&store, blobs.as_ref(), &config, crate::store::now_ms())
            .await
        {
            Ok(r) if r == crate::tsa::ltv::RenewReport::default() => {}
            Ok(r) => tracing::info!(
                renewed = r.renewed,
                failed = r.failed,
                "archive timestamps renewed"
            ),
            Err(e) => tracing::warn!(error = %e, "archive timestamp renewal failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Live revocation on a schedule: every `every` (the first pass shortly after start), the CRLs of the trust
/// anchors are fetched from their distribution points and files (`crate::revocation::refresh`). A source that
/// fails is recorded and logged, and tried again at the next pass; the server keeps serving.
pub async fn refresh_revocation_periodically(
    store: std::sync::Arc<Store>,
    config: std::sync::Arc<crate::config::Config>,
    every: Duration,
) {
    tokio::time::sleep(Duration::from_secs(5)).await;
    loop {
        match crate::revocation::refresh(&store, &config).await {
            Ok(r) if r.failed.is_empty() => {
                tracing::debug!(fetched = r.fetched.len(), "revocation refresh")
            }
            Ok(r) => tracing::warn!(
                fetched = r.fetched.len(),
                failed = r.failed.len(),
                "revocation refresh: some sources failed"
            ),
            Err(e) => tracing::warn!(error = %e, "revocation refresh failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// What [`check_blobs`] found: how many stored files it hashed, and each problem (Vietnamese).
#[derive(Debug, Default)]
pub struct BlobCheck {
    pub checked: usize,
    pub problems: Vec<String>,
}

/// After a restore (or at any time): every stored file hashes to its name, and every blob the database records
/// is in the store. Reads every byte once.
pub async fn check_blobs(
    store: &Store,
    blobs: &dyn crate::blob::BlobStore,
) -> anyhow::Result<BlobCheck> {
    let mut report = BlobCheck::default();
    let stored = blobs.list().await?;
    for b in &stored {
        let Some(reader) = blobs.open(&b.sha256).await? else {
            continue;
        };
        let (actual, _) = crate::blob::hash_of(reader).await?;
        report.checked += 1;
        if actual != b.sha256 {
            report.problems.push(format!(
                "tệp {} có mã băm {actual}: nội dung đã bị thay đổi hoặc hỏng",
                b.sha256
            ));
        }
    }
    let present: std::collections::HashSet<&str> =
        stored.iter().map(|b| b.sha256.as_str()).collect();
    for sha in store.recorded_blobs().await? {
        if !present.contains(sha.as_str()) {
            report.problems.push(format!(
                "tệp {sha} có trong cơ sở dữ liệu nhưng không có trong kho tệp"
            ));
        }
    }
    Ok(report)
}
