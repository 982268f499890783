//! How packets leave: one [`Transport`] per peer kind. `vanban` peers are other instances reached over HTTP or
//! HTTPS (`POST {endpoint}/api/exchange/packets`, signed as [`super::signature`] says; HTTPS with rustls, the
//! system's roots plus the CA file given at startup, see [`init_tls`]); `folder` peers are a directory
//! (packets written to `{endpoint}/out`, read from `{endpoint}/in`: hand-carried exchange and tests). The
//! national axis is configured as an `axis` peer; its adapter waits for the axis operator's credentials and
//! refuses to send meanwhile (the row stays pending, with that reason as its last error).

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;

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

/// The certificates HTTPS peers are checked against: the system's roots, plus those of `--exchange-ca-file`.
static TLS: std::sync::OnceLock<std::sync::Arc<tokio_rustls::rustls::ClientConfig>> =
    std::sync::OnceLock::new();

/// Sets the trust of HTTPS peers once, at startup: the system's root certificates and, when given, the PEM
/// certificates of `extra_ca` (a provincial CA that signs the peers' server certificates). Later calls change
/// nothing; without a call the system's roots alone are used.
pub fn init_tls(extra_ca: Option<&Path>) -> anyhow::Result<()> {
    let config = tls_config(extra_ca)?;
    let _ = TLS.set(std::sync::Arc::new(config));
    Ok(())
}

fn tls_config(extra_ca: Option<&Path>) -> anyhow::Result<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    // Certificates of the system store that rustls cannot read are skipped, as browsers do.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = extra_ca {
        let mut added = 0;
        for cert in CertificateDer::pem_file_iter(path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        {
            roots
                .add(cert.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            added += 1;
        }
        anyhow::ensure!(added > 0, "{}: no certificate in it", path.display());
    }
    // ring (deprecated in rustls 0.23.48 for lacking post-quantum key exchange) rather than aws-lc-rs, whose C
    // build needs cmake and minutes: classical TLS 1.2/1.3 is what the peers speak.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    Ok(
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

pub(crate) fn tls() -> std::sync::Arc<tokio_rustls::rustls::ClientConfig> {
    TLS.get_or_init(|| {
        std::sync::Arc::new(tls_config(None).expect("the system's TLS roots are readable"))
    })
    .clone()
}

/// `http://host[:port][/prefix]` or `https://…`.
pub struct Target {
    pub host: String,
    pub port: u16,
    pub prefix: String,
    pub tls: bool,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, String> {
        let (rest, tls) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
            (Some(rest), _) => (rest, false),
            (_, Some(rest)) => (rest, true),
            _ => {
                return Err(format!(
                    "Địa chỉ {url:?} phải bắt đầu bằng http:// hoặc https://."
                ));
            }
        };
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
            None => (authority, if tls { 443 } else { 80 }),
        };
        if host.is_empty() {
            return Err(format!("Địa chỉ {url:?} thiếu tên máy."));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            prefix: prefix.to_string(),
            tls,
        })
    }
}

/// The longest answer read from a peer (an error's JSON sentence).
const MAX_ANSWER: usize = 1 << 20;

/// The signed request, and the peer's answer read as [`SendError`].
async fn post(target: &Target, peer: &PeerEndpoint, packet: &[u8]) -> Result<(), SendError> {
    use crate::http_client::{Call, Failure, send};
    let timestamp = crate::store::now_ms() / 1000;
    let path = format!("{}{PACKETS_PATH}", target.prefix);
    let call = Call {
        path: &path,
        body: Some(("application/xml", packet.to_vec())),
        headers: vec![
            (signature::KEY_HEADER, peer.key_id.clone()),
            (signature::TIMESTAMP_HEADER, timestamp.to_string()),
            (
                signature::SIGNATURE_HEADER,
                signature::sign(&peer.secret, timestamp, packet),
            ),
        ],
        limit: MAX_ANSWER,
    };
    let answer = send(target, call).await.map_err(|e| match e {
        Failure::Bad(why) => SendError::Refused(format!("Không gửi được tới {}: {why}", peer.name)),
        // A certificate the trust does not cover is fixed by people (a CA file, a renewed certificate): retried.
        Failure::Tls(why) => SendError::Retry(format!(
            "Không thiết lập được kết nối HTTPS an toàn tới {}: {why}",
            peer.name
        )),
        Failure::Connect(why) | Failure::Broken(why) => {
            SendError::Retry(format!("Không kết nối được tới {}: {why}", peer.name))
        }
    })?;
    let (status, body) = (answer.status, answer.body);
    if (200..300).contains(&status) {
        return Ok(());
    }
    // The peer's own sentence (ApiError.message) when it sent one.
    let message = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(300).collect());
    let text = format!("{} trả lời {status}: {message}", peer.name);
    // 401: a clock out of step or a secret being rotated is fixed by people, then the next attempt passes.
    if (400..500).contains(&status) && !matches!(status, 401 | 408 | 409 | 425 | 429) {
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
        let t = Target::parse("https://truc.vinhlong.gov.vn/lgsp").unwrap();
        assert_eq!((t.port, t.prefix.as_str(), t.tls), (443, "/lgsp", true));
        assert!(Target::parse("ftp://x").is_err());
        assert!(Target::parse("http://x:port").is_err());
    }
}
