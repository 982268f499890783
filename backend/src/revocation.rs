//! Live revocation (issue 17): the CRLs of the trust anchors, fetched from the CRL distribution points the
//! registered certificates name (and `VANBAN_CRL_URLS`) and read from files (`VANBAN_CRL_FILES`), each checked
//! to be signed by a trust anchor before the store keeps it. A source that cannot be reached, answers
//! something else or goes past its nextUpdate is recorded with its error (`GET /api/admin/revocation-sources`);
//! verification goes on with the latest CRL held. The sweep (`crate::sweep`) runs this on a schedule.

use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use x509_cert::Certificate;

use crate::config::Config;
use crate::exchange::transport::{Target, tls};
use crate::store::Store;
use crate::store::certificates::{NewRevocationData, issuer_key};

/// How long one fetch may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest CRL read (a national CA's CRL is a few MB).
const MAX_CRL: usize = 32 << 20;

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Sources whose CRL was read and kept (or already held).
    pub fetched: Vec<String>,
    /// Sources that failed, with why (Vietnamese).
    pub failed: Vec<(String, String)>,
}

/// The URLs to fetch: the configured ones, then the CRL distribution points of every registered certificate.
pub async fn crl_urls(store: &Store, config: &Config) -> anyhow::Result<Vec<String>> {
    let mut urls: Vec<String> = config.crl_urls.clone();
    for der in store.registered_certificates_der().await? {
        if let Ok(mut certs) = shared::pki::certs_from_pem_or_der(&der)
            && let Some(cert) = certs.pop()
        {
            urls.extend(shared::pki::crl_distribution_urls(&cert));
        }
    }
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    Ok(urls)
}

/// Fetches every CRL source once and records each outcome.
pub async fn refresh(store: &Store, config: &Config) -> anyhow::Result<RefreshReport> {
    let anchors = crate::signing::options(&config.trust_anchors).trust_anchors;
    let mut report = RefreshReport::default();
    for url in crl_urls(store, config).await? {
        let outcome = match tokio::time::timeout(TIMEOUT, get(&url)).await {
            Ok(Ok(body)) => checked_crl(&body, &anchors),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(format!(
                "không nhận được CRL trong {} giây",
                TIMEOUT.as_secs()
            )),
        };
        note(store, &mut report, "crl_url", &url, outcome).await?;
    }
    for path in &config.crl_files {
        let location = path.display().to_string();
        let outcome = match tokio::fs::read(path).await {
            Ok(body) => checked_crl(&body, &anchors),
            Err(e) => Err(format!("không đọc được tệp CRL: {e}")),
        };
        note(store, &mut report, "crl_file", &location, outcome).await?;
    }
    Ok(report)
}

async fn note(
    store: &Store,
    report: &mut RefreshReport,
    kind: &'static str,
    location: &str,
    outcome: Result<NewRevocationData, String>,
) -> anyhow::Result<()> {
    match &outcome {
        Ok(_) => report.fetched.push(location.to_string()),
        Err(e) => {
            tracing::warn!(source = location, error = %e, "revocation source failed");
            report.failed.push((location.to_string(), e.clone()));
        }
    }
    store
        .record_revocation_fetch(kind, location, outcome)
        .await?;
    Ok(())
}

/// A CRL (DER or PEM) signed by one of `anchors`, as the store keeps it.
pub fn checked_crl(body: &[u8], anchors: &[Certificate]) -> Result<NewRevocationData, String> {
    use der::Encode;
    let crl = shared::pki::crl_from_pem_or_der(body).map_err(|e| format!("không phải CRL: {e}"))?;
    if shared::pdf::revocation::crl_issuer_among(&crl, anchors).is_none() {
        return Err(
            "CRL không do tổ chức chứng thực được tin cậy ký (hoặc chữ ký của CRL sai)".into(),
        );
    }
    let ms = |t: x509_cert::time::Time| t.to_unix_duration().as_millis() as i64;
    let tbs = &crl.tbs_cert_list;
    Ok(NewRevocationData {
        kind: "crl",
        issuer_key: issuer_key(&tbs.issuer),
        serial: None,
        this_update: ms(tbs.this_update),
        next_update: tbs.next_update.map(ms),
        der: crl.to_der().map_err(|e| e.to_string())?,
    })
}

/// `GET url` over HTTP or HTTPS; the body of a 2xx answer.
async fn get(url: &str) -> Result<Vec<u8>, String> {
    let target = Target::parse(url)?;
    let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
        .await
        .map_err(|e| format!("không kết nối được {}:{} ({e})", target.host, target.port))?;
    if !target.tls {
        return exchange(stream, &target).await;
    }
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(target.host.clone())
        .map_err(|_| format!("tên máy {:?} không dùng được", target.host))?;
    let stream = tokio_rustls::TlsConnector::from(tls())
        .connect(name, stream)
        .await
        .map_err(|e| format!("HTTPS: {e}"))?;
    exchange(stream, &target).await
}

async fn exchange<IO>(io: IO, target: &Target) -> Result<Vec<u8>, String>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(io))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = if target.prefix.is_empty() {
        "/"
    } else {
        target.prefix.as_str()
    };
    let request = hyper::Request::get(path)
        .header(
            hyper::header::HOST,
            format!("{}:{}", target.host, target.port),
        )
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("máy chủ trả lời HTTP {status}"));
    }
    let body = Limited::new(response.into_body(), MAX_CRL)
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(body.to_vec())
}
