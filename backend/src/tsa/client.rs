//! One request to a time-stamping authority over HTTP or HTTPS with hyper's client (the exchange's TLS set-up):
//! `POST` of a DER `TimeStampReq` as `application/timestamp-query`, a `TimeStampResp` back. The reply must be
//! granted, over our digest, with our nonce; with trust anchors the token must also verify (signature, critical
//! timeStamping usage, chain).

use std::time::Duration;

use shared::pdf::tsp::{QUERY_MEDIA_TYPE, REPLY_MEDIA_TYPE, Request};
use shared::pki::X509Certificate as Certificate;

use crate::exchange::transport::Target;

/// How long a request may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest reply read (a token with a long chain is a few KB).
const MAX_REPLY: usize = 1 << 20;

/// Why no token came back, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TsaError {
    /// No answer: the TSA is down, unreachable or too slow.
    #[error("Không kết nối được máy chủ cấp dấu thời gian ({0}).")]
    Unreachable(String),
    /// It answered, but not with a token we can use.
    #[error("Máy chủ cấp dấu thời gian không cấp được dấu thời gian hợp lệ: {0}.")]
    Refused(String),
}

/// A token over `data` from the TSA at `url`. With `anchors`, the token must verify against them.
pub async fn request_token(
    url: &str,
    data: &[u8],
    anchors: Option<&[Certificate]>,
) -> Result<Vec<u8>, TsaError> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| TsaError::Refused(format!("random: {e}")))?;
    let request = Request::new(data, u64::from_be_bytes(nonce) >> 1)
        .map_err(|e| TsaError::Refused(e.to_string()))?;
    let reply = tokio::time::timeout(TIMEOUT, post(url, request.der.clone()))
        .await
        .map_err(|_| TsaError::Unreachable(format!("quá {} giây", TIMEOUT.as_secs())))??;
    let token = request.token_from(&reply).map_err(TsaError::Refused)?;
    if let Some(anchors) = anchors {
        let check = shared::pdf::timestamp::verify_token(&token, data, anchors, Default::default());
        if !check.valid {
            return Err(TsaError::Refused(check.problems.join("; ")));
        }
    }
    Ok(token)
}

/// A token over data whose SHA-256 is `digest` (a document timestamp over a file's byte ranges). With
/// `anchors`, the token must verify against them.
pub async fn request_digest_token(
    url: &str,
    digest: &[u8; 32],
    anchors: Option<&[Certificate]>,
) -> Result<Vec<u8>, TsaError> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| TsaError::Refused(format!("random: {e}")))?;
    let request = Request::for_digest(*digest, u64::from_be_bytes(nonce) >> 1)
        .map_err(|e| TsaError::Refused(e.to_string()))?;
    let reply = tokio::time::timeout(TIMEOUT, post(url, request.der.clone()))
        .await
        .map_err(|_| TsaError::Unreachable(format!("quá {} giây", TIMEOUT.as_secs())))??;
    let token = request.token_from(&reply).map_err(TsaError::Refused)?;
    if let Some(anchors) = anchors {
        let check = shared::pdf::timestamp::verify_token_over_sha256(
            &token,
            digest,
            anchors,
            Default::default(),
        );
        if !check.valid {
            return Err(TsaError::Refused(check.problems.join("; ")));
        }
    }
    Ok(token)
}

/// [`request_digest_token`] from code without a runtime (the command line).
pub fn request_digest_token_blocking(
    url: &str,
    digest: &[u8; 32],
    anchors: Option<&[Certificate]>,
) -> Result<Vec<u8>, TsaError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TsaError::Unreachable(e.to_string()))?
        .block_on(request_digest_token(url, digest, anchors))
}

/// [`request_token`] from code without a runtime (the command line).
pub fn request_token_blocking(
    url: &str,
    data: &[u8],
    anchors: Option<&[Certificate]>,
) -> Result<Vec<u8>, TsaError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TsaError::Unreachable(e.to_string()))?
        .block_on(request_token(url, data, anchors))
}

async fn post(url: &str, body: Vec<u8>) -> Result<Vec<u8>, TsaError> {
    use crate::http_client::{Call, Failure, send};
    let target = Target::parse(url).map_err(TsaError::Refused)?;
    let call = Call {
        path: &target.prefix,
        body: Some((QUERY_MEDIA_TYPE, body)),
        headers: Vec::new(),
        limit: MAX_REPLY,
    };
    let answer = send(&target, call).await.map_err(|e| match e {
        Failure::Bad(why) => TsaError::Refused(why),
        down => TsaError::Unreachable(down.to_string()),
    })?;
    let (status, media_type) = (answer.status, answer.media_type);
    if status >= 500 {
        return Err(TsaError::Unreachable(format!("trả lời HTTP {status}")));
    }
    if !(200..300).contains(&status) || !media_type.starts_with(REPLY_MEDIA_TYPE) {
        return Err(TsaError::Refused(format!(
            "trả lời HTTP {status} ({media_type}) thay vì {REPLY_MEDIA_TYPE}"
        )));
    }
    Ok(answer.body)
}
