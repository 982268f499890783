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

/// `pdf` with a DSS of its signatures' validation data (from `anchors` and `crls`) appended and, with `tsa`,
/// a document timestamp over it. Runs on the blocking pool (the TSA's round trip is awaited from there).
pub async fn append(
    pdf: Vec<u8>,
    anchors: Vec<Certificate>,
    crls: Vec<X509Crl>,
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
                    shared::pdf::PdfError::Signing(message)
                })
        };
        let with_tsa = tsa.is_some();
        let result = shared::pdf::ltv::make_ltv(
            &pdf,
            &anchors,
            &crls,
            with_tsa.then_some(&mut timestamper as shared::pdf::ltv::DigestTimestamper),
        );
        match (result, tsa_error) {
            (Ok(out), _) => Ok(out),
            (Err(_), Some(e)) => Err(LtvError::Tsa(e)),
            (Err(e), None) => Err(LtvError::Data(e.to_string())),
        }
    })
    .await
    .map_err(|e| LtvError::Data(format!("lỗi nội bộ ({e})")))?
}
