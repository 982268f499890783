//! The server's signature timestamp on a signature a browser made (keys never leave the device, so the
//! browser signs and uploads; the server, which holds no key, adds the TSA's token). The token goes into the
//! signer's unsigned attributes, which the signature does not cover, by rewriting that signature's `/Contents`
//! within the room the signing core reserved for it: no other byte of the file moves, so the signature and
//! every earlier one stay valid. One round trip to the TSA per signature.
//!
//! When the TSA cannot be reached the step is refused (503) rather than recorded without trusted time: once
//! the next revision is added (the number, the seal) the signature can no longer be timestamped in place, so a
//! signature accepted as B-B would stay one for ever, its time only the signer's claim. The upload stays on the
//! server and signing again later costs the signer one click.

use shared::pki::X509Certificate as Certificate;
use shared::signature::{SignatureLevel, SignatureTimestamp};

use super::client::{TsaError, request_token};

/// Why a signature was not timestamped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StampError {
    /// No usable token from the TSA: try again later.
    #[error("{0}")]
    Tsa(#[from] TsaError),
    /// The signature cannot carry the token (no room left, several signers in one CMS…): sign again.
    #[error("{0}")]
    Unfit(String),
}

impl From<StampError> for crate::error::AppError {
    fn from(e: StampError) -> Self {
        match e {
            StampError::Tsa(e) => crate::error::AppError::Unavailable {
                message: format!(
                    "Chưa ghi nhận chữ ký vì chưa lấy được dấu thời gian để chứng thực thời điểm ký. {e} Hãy ký lại sau ít phút; nếu vẫn lỗi, báo quản trị hệ thống."
                ),
                retry_after_secs: 30,
            },
            StampError::Unfit(why) => crate::error::AppError::Validation(shared::ApiError::new(
                shared::ErrorCode::Validation,
                format!(
                    "Không gắn được dấu thời gian vào chữ ký: {why}. Hãy ký lại bằng trang ký số hiện hành."
                ),
            )),
        }
    }
}

/// `pdf` with a signature timestamp from the TSA at `url` added to the signature whose byte range is
/// `byte_range`; the token must verify against `anchors` (the server's trust anchors).
pub async fn stamp_signature(
    url: &str,
    anchors: &[Certificate],
    mut pdf: Vec<u8>,
    byte_range: &[i64],
) -> Result<(Vec<u8>, SignatureTimestamp), StampError> {
    use shared::pdf::timestamp::{cms_in_pdf, embed_in_pdf, signature_value, verify_token};
    let value = cms_in_pdf(&pdf, byte_range)
        .and_then(|cms| signature_value(&cms))
        .map_err(StampError::Unfit)?;
    let token = request_token(url, &value, Some(anchors)).await?;
    let check = verify_token(&token, &value, anchors, Default::default());
    embed_in_pdf(&mut pdf, byte_range, &token).map_err(StampError::Unfit)?;
    Ok((
        pdf,
        SignatureTimestamp {
            time: check
                .time
                .map(shared::time::Timestamp::to_iso_vn)
                .unwrap_or_default(),
            tsa: check.tsa,
            valid: check.valid,
            revocation: check.revocation,
        },
    ))
}

/// What a verdict says once its signature got `timestamp`.
pub fn record_in(
    check: &mut shared::incoming::FileCheck,
    field: &str,
    timestamp: &SignatureTimestamp,
) {
    for s in check.signatures.iter_mut().filter(|s| s.field == field) {
        s.timestamp = Some(timestamp.clone());
        s.level = SignatureLevel::BT;
    }
}
