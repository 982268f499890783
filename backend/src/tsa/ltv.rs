//! Long-term validation at issue and in the archive (PAdES B-LT, B-LTA): the server appends to an issued
//! file the validation data of every signature and timestamp in it (a DSS with the certificates up to its
//! trust anchors and the CRLs it holds for them) and, when a TSA is configured, a document timestamp over
//! it all, so the file verifies decades later with the trust anchors alone. The same step renews an archived
//! file's document timestamp before the certificate of its last one expires (`vanban archive retimestamp`
//! and the hourly sweep, [`crate::sweep`]).
//!
//! A document timestamp costs one round trip to the TSA; the DSS is computed in memory (a few ms).

use shared::pki::{X509Certificate as Certificate, X509Crl};

use super::client::{TsaError, request_digest_token};

/// Why the validation data or the document timestamp could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LtvError {
    /// No usable token from the TSA: try again later.
    #[error("{0}")]
    Tsa(#[from] TsaError),
    /// The server lacks what a signature's validation needs (a CRL of an issuer), or the file cannot take it.
    #[error("{0}")]
    Data(String),
}

impl From<LtvError> for crate::error::AppError {
    fn from(e: LtvError) -> Self {
        let message = match e {
            LtvError::Tsa(e) => format!(
                "Chưa phát hành vì chưa lấy được dấu thời gian lưu trữ cho văn bản. {e} Hãy thử lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống."
            ),
            LtvError::Data(why) => format!(
                "Chưa phát hành vì chưa lập được dữ liệu kiểm tra dài hạn cho văn bản: {why}. Quản trị hệ thống cần cập nhật danh sách thu hồi (CRL) của tổ chức chứng thực."
            ),
        };
        crate::error::AppError::Unavailable {
            message,
            retry_after_secs: 30,
        }
    }
}

/// The revocation data the server holds for a file's DSS.
#[derive(Debug, Clone, Default)]
pub struct Held {
    pub crls: Vec<X509Crl>,
    /// DER OCSP responses about the certificates the file's signatures carry.
    pub ocsps: Vec<Vec<u8>>,
}

impl Held {
    /// Nothing to vouch with: the server has no revocation data, so it adds no DSS (and no B-LTA).
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsps.is_empty()
    }
}

/// `pdf` with a DSS of its signatures' validation data (from `anchors` and `held`) appended and, with `tsa`,
/// a document timestamp over it. Runs on the blocking pool (the TSA's round trip is awaited from there).
pub async fn append(
    pdf: Vec<u8>,
    anchors: Vec<Certificate>,
    held: Held,
    tsa: Option<String>,
) -> Result<Vec<u8>, LtvError> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut tsa_error = None;
        let mut timestamper = |digest: &[u8; 32]| {
            let url = tsa.as_deref().unwrap_or_default();
            handle
                .block_on(request_digest_token(url, digest, Some(&anchors)))
                .map_err(|e| {
                    let message = e.to_string();
                    tsa_error = Some(e);
                    shared::pdf::PdfError::LongTerm(message)
                })
        };
        let with_tsa = tsa.is_some();
        let result = shared::pdf::ltv::make_ltv(
            &pdf,
            &anchors,
            &held.crls,
            &held.ocsps,
            with_tsa.then_some(&mut timestamper as shared::pdf::ltv::DigestTimestamper),
        );
        match (result, tsa_error) {
            (Ok(out), _) => Ok(out),
            (Err(_), Some(e)) => Err(LtvError::Tsa(e)),
            (Err(shared::pdf::PdfError::LongTerm(why)), None) => Err(LtvError::Data(why)),
            (Err(e), None) => Err(LtvError::Data(e.to_string())),
        }
    })
    .await
    .map_err(|e| LtvError::Data(format!("lỗi nội bộ ({e})")))?
}

/// The revocation data the server holds for `pdf`'s DSS: the CRLs of the trust directory (read at start) and
/// the latest the revocation sweep fetched from the distribution points and `VANBAN_CRL_FILES` (each checked
/// against a trust anchor or a CA under one before it was kept), and the latest OCSP response the sweep got
/// about each certificate the file's signatures carry. The DSS takes, for each certificate, its issuer's CRL
/// or an OCSP response about it from these.
pub async fn held(store: &crate::store::Store, config: &crate::config::Config, pdf: &[u8]) -> Held {
    let ocsps = match crate::signing::held_ocsps(store, &[pdf]).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "OCSP responses held not read; the DSS takes CRLs only");
            Vec::new()
        }
    };
    let mut crls = config.crls.clone();
    match store.latest_crls().await {
        Ok(fetched) => {
            for der in fetched {
                if let Some(crl) = shared::pdf::revocation::parse_crl(&der)
                    && !crls.contains(&crl)
                {
                    crls.push(crl);
                }
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "fetched CRLs not read; the trust directory's are used")
        }
    }
    Held { crls, ocsps }
}

/// What one pass of the archive job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenewReport {
    /// Documents whose files got a new document timestamp.
    pub renewed: usize,
    /// Documents due that could not be renewed this pass (logged; tried again after a delay that doubles
    /// with each failure, `Store::archive_timestamp_failed`).
    pub failed: usize,
}

/// Gives every issued document whose last document timestamp's certificate expires within `margin_days` of
/// `now` a new one: each of its files gets the DSS refreshed (the previous timestamp's TSA chain, CRLs and OCSP
/// responses) and a document timestamp over it all, recorded as the document's next issued version. Needs a
/// TSA and revocation data. A document that failed waits for its retry time.
pub async fn renew_due(
    store: &crate::store::Store,
    blobs: &dyn crate::blob::BlobStore,
    config: &crate::config::Config,
    now: i64,
) -> anyhow::Result<RenewReport> {
    let mut report = RenewReport::default();
    let Some(tsa) = config.tsa_url.clone() else {
        return Ok(report);
    };
    let anchors = crate::signing::options(&config.trust_anchors).trust_anchors;
    let before = now + config.retimestamp_margin_days * 24 * 3600 * 1000;
    const BATCH: i64 = 100;
    let due = store.archive_timestamps_due(before, now, BATCH).await?;
    for (id, version, until) in due {
        match renew_one(store, blobs, config, (&anchors, &tsa), (id, version, until)).await {
            Ok(()) => report.renewed += 1,
            Err(e) => {
                let retry_at = store.archive_timestamp_failed(id, now).await?;
                tracing::warn!(id, error = %e, retry_at, "archive timestamp renewal failed");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

async fn renew_one(
    store: &crate::store::Store,
    blobs: &dyn crate::blob::BlobStore,
    config: &crate::config::Config,
    (anchors, tsa): (&[Certificate], &str),
    (id, version, old_until): (i64, i64, i64),
) -> anyhow::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut files = Vec::new();
    let mut until: Option<i64> = None;
    for (name, sha256, _) in store.issued_files(id, version).await? {
        let mut reader = blobs
            .open(&sha256)
            .await?
            .ok_or_else(|| anyhow::anyhow!("blob {sha256} missing"))?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let held = held(store, config, &bytes).await;
        let renewed = append(bytes, anchors.to_vec(), held, Some(tsa.to_string())).await?;
        let expires =
            shared::pdf::ltv::last_document_timestamp(&renewed[..])?.map(|(_, expires)| expires.0);
        until = match (until, expires) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        files.push((name, renewed));
    }
    // A timestamp from a TSA whose certificate expires no later than the last one's protects nothing longer
    // (and would be renewed again at every pass): the TSA's certificate must be renewed first.
    if until.is_none_or(|u| u <= old_until) {
        anyhow::bail!(
            "chứng thư số của máy chủ cấp dấu thời gian không còn hạn lâu hơn dấu thời gian lưu trữ trước; cần gia hạn chứng thư của máy chủ cấp dấu thời gian"
        );
    }
    let mut stored = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let size = bytes.len() as i64;
        let blob = blobs.put(&mut std::io::Cursor::new(bytes), None).await?;
        stored.push(crate::store::common::NewFile {
            name,
            sha256: blob.sha256,
            size,
        });
    }
    store
        .renew_archive_timestamp(id, version, &stored, until)
        .await?;
    Ok(())
}
