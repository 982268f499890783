//! How packets leave: one [`Transport`] per peer kind. `vanban` peers are other instances reached over HTTP
//! (`POST {endpoint}/api/exchange/packets`, signed as [`super::signature`] says); `folder` peers are a directory
//! (packets written to `{endpoint}/out`, read from `{endpoint}/in`: hand-carried exchange and tests). The
//! national axis is configured as an `axis` peer; its adapter waits for the axis operator's credentials and
//! refuses to send meanwhile (the row stays pending, with that reason as its last error).

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

use super::signature;

/// A peer as the transports need it.
#[derive(Debug, Clone)]
pub struct PeerEndpoint {
    pub name: String,
    pub kind: String,
    pub endpoint: String,
    pub key_id: String,
    pub secret: String,
}

/// Why a send did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (the peer is down, busy, or answered 5xx, 401 or 429).
    #[error("{0}")]
    Retry(String),
    /// The peer read the packet and will never take it (4xx): retrying would change nothing.
    #[error("{0}")]
    Refused(String),
}

/// Moves one packet to a peer; `Ok` only once the peer acknowledged it.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn send(&self, peer: &PeerEndpoint, packet: &[u8]) -> Result<(), SendError>;
}

/// The transport of a peer's kind.
pub fn for_kind(kind: &str) -> &'static dyn Transport {
    match kind {
        "vanban" => &HttpTransport,
        "folder" => &FolderTransport,
        _ => &AxisTransport,
    }
}

/// The route every vanban instance receives packets on.
pub const PACKETS_PATH: &str = "/api/exchange/packets";
/// How long one delivery may take before it counts as failed (a 5 MiB attachment on a slow line fits).
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// vanban → vanban over HTTP/1.1.
pub struct HttpTransport;

#[async_trait]
impl Transport for HttpTransport {
    async fn send(&self, peer: &PeerEndpoint, packet: &[u8]) -> Result<(), SendError> {
        let target = Target::parse(&peer.endpoint).map_err(SendError::Refused)?;
        match tokio::time::timeout(SEND_TIMEOUT, post(&target, peer, packet)).await {
            Ok(r) => r,
            Err(_) => Err(SendError::Retry(format!(
                "{} không trả lời trong {} giây.",
                peer.name,
                SEND_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// `http://host[:port][/prefix]`.
struct Target {
    host: String,
    port: u16,
    prefix: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!(
                "Địa chỉ {url:?} không dùng http://. Kết nối HTTPS đặt sau một proxy TLS cục bộ (xem OPERATIONS.md)."
            )
        })?;
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse()
                    .map_err(|_| format!("Cổng trong địa chỉ {url:?} không hợp lệ."))?,
            ),
            None => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("Địa chỉ {url:?} thiếu tên máy."));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            prefix: prefix.to_string(),
        })
    }
}

async fn post(target: &Target, peer: &PeerEndpoint, packet: &[u8]) -> Result<(), SendError> {
    let down = |e: &dyn std::fmt::Display| {
        SendError::Retry(format!("Không kết nối được tới {}: {e}", peer.name))
    };
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| down(&e))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| down(&e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let timestamp = crate::store::now_ms() / 1000;
    let request = hyper::Request::post(format!("{}{PACKETS_PATH}", target.prefix))
        .header(
            hyper::header::HOST,
            format!("{}:{}", target.host, target.port),
        )
        .header(hyper::header::CONTENT_TYPE, "application/xml")
        .header(signature::KEY_HEADER, &peer.key_id)
        .header(signature::TIMESTAMP_HEADER, timestamp.to_string())
        .header(
            signature::SIGNATURE_HEADER,
            signature::sign(&peer.secret, timestamp, packet),
        )
        .body(Full::new(Bytes::copy_from_slice(packet)))
        .map_err(|e| SendError::Refused(e.to_string()))?;
    let response = sender.send_request(request).await.map_err(|e| down(&e))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if status.is_success() {
        return Ok(());
    }
    // The peer's own sentence (ApiError.message) when it sent one.
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(300).collect());
    let text = format!("{} trả lời {}: {message}", peer.name, status.as_u16());
    // 401: a clock out of step or a secret being rotated is fixed by people, then the next attempt passes.
    if status.is_client_error() && !matches!(status.as_u16(), 401 | 408 | 409 | 425 | 429) {
        Err(SendError::Refused(text))
    } else {
        Err(SendError::Retry(text))
    }
}

/// A directory: packets are written to `{endpoint}/out` (atomically: a temporary name, then renamed).
pub struct FolderTransport;

/// Where a folder peer's packets go out and come in.
pub fn folder_dirs(endpoint: &str) -> (PathBuf, PathBuf) {
    let root = Path::new(endpoint);
    (root.join("out"), root.join("in"))
}

#[async_trait]
impl Transport for FolderTransport {
    async fn send(&self, peer: &PeerEndpoint, packet: &[u8]) -> Result<(), SendError> {
        let (out, _) = folder_dirs(&peer.endpoint);
        let fail = |e: std::io::Error| {
            SendError::Retry(format!("Không ghi được gói tin vào {}: {e}", out.display()))
        };
        tokio::fs::create_dir_all(&out).await.map_err(fail)?;
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
        let name = format!("{}-{}", crate::store::now_ms(), shared::hex(&random));
        let temporary = out.join(format!(".{name}.part"));
        tokio::fs::write(&temporary, packet).await.map_err(fail)?;
        tokio::fs::rename(&temporary, out.join(format!("{name}.edxml")))
            .await
            .map_err(fail)?;
        Ok(())
    }
}

/// The national axis (VDXP): configured, not yet connected.
pub struct AxisTransport;

#[async_trait]
impl Transport for AxisTransport {
    async fn send(&self, peer: &PeerEndpoint, _packet: &[u8]) -> Result<(), SendError> {
        Err(SendError::Retry(format!(
            "Bộ kết nối trục liên thông quốc gia cho {} chưa được cấp thông tin kết nối (systemId, khóa bí mật).",
            peer.name
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_endpoint_is_read_with_its_port_and_prefix() {
        let t = Target::parse("http://127.0.0.1:8080/vanban/").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.prefix.as_str()),
            ("127.0.0.1", 8080, "/vanban")
        );
        let t = Target::parse("http://truc.vinhlong.gov.vn").unwrap();
        assert_eq!((t.port, t.prefix.as_str()), (80, ""));
        assert!(Target::parse("https://x").is_err());
        assert!(Target::parse("http://x:port").is_err());
    }
}
