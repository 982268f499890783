//! Live revocation (issue 17): the CRLs of the trust anchors, fetched from the CRL distribution points the
//! registered certificates name (and `VANBAN_CRL_URLS`) and read from files (`VANBAN_CRL_FILES`), each checked
//! to be signed by a trust anchor before the store keeps it. A source that cannot be reached, answers
//! something else or goes past its nextUpdate is recorded with its error (`GET /api/admin/revocation-sources`);
//! verification goes on with the latest CRL held. Registered certificates that name an OCSP responder are asked
//! about too; a checked answer is kept beside the CRLs (verification weighs it, and it goes into the DSS at
//! issue). The sweep (`crate::sweep`) runs this on a schedule.
//!
//! A province's CAs issue people's certificates from intermediate CAs under the national root, and the server
//! is configured with the root alone. So the sweep learns the intermediates the registered certificates name
//! as issuers from their caIssuers addresses (authority information access), admits each only when it is a CA
//! certificate issued by a trust anchor (or by an intermediate already admitted), and then takes CRLs signed
//! by these intermediates and asks OCSP about certificates they issued ([`ca_pool`]).

use std::time::Duration;

use x509_cert::Certificate;

use crate::config::Config;
use crate::exchange::transport::Target;
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

/// Every registered certificate that decodes.
async fn registered(store: &Store) -> anyhow::Result<Vec<Certificate>> {
    Ok(store
        .registered_certificates_der()
        .await?
        .into_iter()
        .filter_map(|der| shared::pki::certs_from_pem_or_der(&der).ok()?.pop())
        .collect())
}

/// The URLs to fetch: the configured ones, then the CRL distribution points of every registered certificate
/// and of every intermediate CA in `pool`.
pub fn crl_urls(config: &Config, registered: &[Certificate], pool: &[Certificate]) -> Vec<String> {
    let mut urls: Vec<String> = config.crl_urls.clone();
    for cert in registered.iter().chain(pool) {
        urls.extend(shared::pki::crl_distribution_urls(cert));
    }
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    urls
}

/// The CA certificates revocation data is judged with: the trust anchors, then the intermediate CAs fetched
/// from the caIssuers addresses of registered certificates (and of intermediates fetched so), each admitted
/// only as a CA certificate issued by a CA already in the pool. A fetch that fails is reported, not fatal.
pub async fn ca_pool(
    registered: &[Certificate],
    anchors: &[Certificate],
    report: &mut RefreshReport,
) -> Vec<Certificate> {
    let mut pool: Vec<Certificate> = anchors.to_vec();
    let mut wanting: Vec<Certificate> = registered.to_vec();
    let mut tried = std::collections::HashSet::new();
    // A chain longer than four intermediates is not one a Vietnamese CA issues.
    for _ in 0..4 {
        let mut found = Vec::new();
        for cert in &wanting {
            let issuer = cert.tbs_certificate().issuer();
            if pool.iter().any(|c| c.tbs_certificate().subject() == issuer) {
                continue;
            }
            for url in shared::pki::ca_issuer_urls(cert) {
                if !tried.insert(url.clone()) {
                    continue;
                }
                match tokio::time::timeout(TIMEOUT, fetch(&url, None)).await {
                    Ok(Ok(body)) => match shared::pki::certs_from_pem_or_der(&body) {
                        Ok(certs) => found.extend(certs),
                        Err(e) => report
                            .failed
                            .push((url, format!("không phải chứng thư số: {e}"))),
                    },
                    Ok(Err(e)) => report.failed.push((url, e)),
                    Err(_) => report.failed.push((
                        url,
                        format!(
                            "không nhận được chứng thư số trong {} giây",
                            TIMEOUT.as_secs()
                        ),
                    )),
                }
            }
        }
        let before = pool.len();
        for cert in &found {
            if !pool.contains(cert) && shared::pdf::chain::ca_issued_by_one_of(cert, &pool) {
                pool.push(cert.clone());
            }
        }
        if pool.len() == before {
            break;
        }
        // The newly admitted intermediates may themselves name an issuer not yet known.
        wanting = pool[before..].to_vec();
    }
    for (url, why) in &report.failed {
        tracing::warn!(source = url, error = %why, "an issuer's certificate could not be fetched");
    }
    pool
}

/// Fetches every CRL source once and records each outcome.
pub async fn refresh(store: &Store, config: &Config) -> anyhow::Result<RefreshReport> {
    let anchors = crate::signing::options(&config.trust_anchors).trust_anchors;
    let mut report = RefreshReport::default();
    // The registered certificates, read once: the intermediates, the CRL addresses and the OCSP questions all
    // start from them.
    let registered = registered(store).await?;
    let pool = ca_pool(&registered, &anchors, &mut report).await;
    for url in crl_urls(config, &registered, &pool[anchors.len()..]) {
        let outcome = match tokio::time::timeout(TIMEOUT, fetch(&url, None)).await {
            Ok(Ok(body)) => checked_crl(&body, &pool),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(format!(
                "không nhận được CRL trong {} giây",
                TIMEOUT.as_secs()
            )),
        };
        note(store, &mut report, "crl_url", &url, outcome).await?;
    }
    for (url, cert, issuer) in ocsp_targets(&registered, &pool) {
        let request = match shared::pdf::ocsp::request(&cert, &issuer) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "an OCSP request could not be made");
                continue;
            }
        };
        let outcome = match tokio::time::timeout(
            TIMEOUT,
            fetch(&url, Some(("application/ocsp-request", request))),
        )
        .await
        {
            Ok(Ok(body)) => checked_ocsp(&body, &cert, &issuer),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(format!(
                "máy chủ OCSP không trả lời trong {} giây",
                TIMEOUT.as_secs()
            )),
        };
        note(store, &mut report, "ocsp", &url, outcome).await?;
    }
    for path in &config.crl_files {
        let location = path.display().to_string();
        let outcome = match tokio::fs::read(path).await {
            Ok(body) => checked_crl(&body, &pool),
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

/// A CRL (DER or PEM) signed by one of `cas` (the trust anchors and the intermediates admitted under them), as
/// the store keeps it.
pub fn checked_crl(body: &[u8], cas: &[Certificate]) -> Result<NewRevocationData, String> {
    use der::Encode;
    let crl = shared::pki::crl_from_pem_or_der(body).map_err(|e| format!("không phải CRL: {e}"))?;
    if shared::pdf::revocation::crl_issuer_among(&crl, cas).is_none() {
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

/// The registered certificates (and admitted intermediates) that name an OCSP responder and whose issuer is in
/// `pool`: (responder, certificate, issuer).
fn ocsp_targets(
    registered: &[Certificate],
    pool: &[Certificate],
) -> Vec<(String, Certificate, Certificate)> {
    let mut out = Vec::new();
    for cert in registered.iter().chain(pool) {
        let Some(issuer) = pool.iter().find(|a| {
            *a != cert && a.tbs_certificate().subject() == cert.tbs_certificate().issuer()
        }) else {
            continue;
        };
        for url in shared::pki::ocsp_urls(cert) {
            out.push((url, cert.clone(), issuer.clone()));
        }
    }
    out
}

/// A responder's answer about `cert`, checked (signed by `issuer` or its delegated responder, about `cert`),
/// as the store keeps it.
pub fn checked_ocsp(
    body: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<NewRevocationData, String> {
    let answer = shared::pdf::ocsp::check_response(body, cert, issuer)?;
    Ok(NewRevocationData {
        kind: "ocsp",
        issuer_key: issuer_key(cert.tbs_certificate().issuer()),
        serial: Some(shared::pki::serial_decimal(cert)),
        this_update: answer.this_update,
        next_update: answer.next_update,
        der: body.to_vec(),
    })
}

/// `GET url` (or `POST` of `body` with its content type) over HTTP or HTTPS; the body of a 2xx answer.
async fn fetch(url: &str, body: Option<(&'static str, Vec<u8>)>) -> Result<Vec<u8>, String> {
    let target = Target::parse(url)?;
    let call = crate::http_client::Call {
        path: &target.prefix,
        body,
        headers: Vec::new(),
        limit: MAX_CRL,
    };
    let answer = crate::http_client::send(&target, call)
        .await
        .map_err(|e| e.to_string())?;
    if !(200..300).contains(&answer.status) {
        return Err(format!("máy chủ trả lời HTTP {}", answer.status));
    }
    Ok(answer.body)
}
