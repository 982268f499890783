//! One request to a time-stamping authority over HTTP or HTTPS with hyper's client (the exchange's TLS set-up):
//! `POST` of a DER `TimeStampReq` as `application/timestamp-query`, a `TimeStampResp` back. The reply must be
//! granted, over our digest, with our nonce; with trust anchors the token must also verify (signature, critical
//! timeStamping usage, chain).

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use shared::pdf::tsp::{QUERY_MEDIA_TYPE, REPLY_MEDIA_TYPE, Request};
use shared::pki::X509Certificate as Certificate;

use crate::exchange::transport::{Target, tls};

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
    let target = Target::parse(url).map_err(TsaError::Refused)?;
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| TsaError::Unreachable(e.to_string()))?;
    // Headers and body may leave in two writes: without TCP_NODELAY the second waits for a delayed ACK.
    let _ = stream.set_nodelay(true);
    if !target.tls {
        return exchange(stream, &target, body).await;
    }
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(target.host.clone())
        .map_err(|_| TsaError::Refused(format!("tên máy {:?} không dùng được", target.host)))?;
    let stream = tokio_rustls::TlsConnector::from(tls())
        .connect(name, stream)
        .await
        .map_err(|e| TsaError::Unreachable(format!("HTTPS: {e}")))?;
    exchange(stream, &target, body).await
}

async fn exchange<IO>(io: IO, target: &Target, body: Vec<u8>) -> Result<Vec<u8>, TsaError>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let down = |e: &dyn std::fmt::Display| TsaError::Unreachable(e.to_string());
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| down(&e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = if target.prefix.is_empty() {
        "/"
    } else {
        target.prefix.as_str()
    };
    let request = hyper::Request::post(path)
        .header(
            hyper::header::HOST,
            format!("{}:{}", target.host, target.port),
        )
        .header(hyper::header::CONTENT_TYPE, QUERY_MEDIA_TYPE)
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| TsaError::Refused(e.to_string()))?;
    let response = sender.send_request(request).await.map_err(|e| down(&e))?;
    let status = response.status();
    let media_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = Limited::new(response.into_body(), MAX_REPLY)
        .collect()
        .await
        .map_err(|e| down(&e))?
        .to_bytes();
    if status.is_server_error() {
        return Err(TsaError::Unreachable(format!("trả lời HTTP {status}")));
    }
    if !status.is_success() || !media_type.starts_with(REPLY_MEDIA_TYPE) {
        return Err(TsaError::Refused(format!(
            "trả lời HTTP {status} ({media_type}) thay vì {REPLY_MEDIA_TYPE}"
        )));
    }
    Ok(body.to_vec())
}
