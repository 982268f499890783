//! The demo CA's directory (`vanban pki`), read by the CLI and by the server that publishes its CRL at
//! `GET /pki/ca.crl` (no sign-in): `ca.pem`, `ca-key.pem`, `serial`, `index.tsv` (serial, V/R, revocation time
//! in Unix seconds, subject, RFC 5280 reason code), `crlnumber`, `crl-url` (the CRL distribution point written
//! into the certificates it issues) and `ca.crl` (the latest CRL, DER).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, anyhow};
use shared::pki::{self, CrlEntry};

/// How long a CRL of the demo CA is valid (its nextUpdate).
pub const CRL_VALIDITY: Duration = Duration::from_secs(7 * 24 * 3600);

/// The CA's certificate and key.
pub struct Ca {
    pub cert: pki::X509Certificate,
    pub key: pki::PrivateKey,
}

pub fn load_ca(dir: &Path) -> anyhow::Result<Ca> {
    let pem = std::fs::read(dir.join("ca.pem"))
        .with_context(|| format!("{} không phải thư mục CA", dir.display()))?;
    let cert = pki::certs_from_pem_or_der(&pem)?.remove(0);
    let key = pki::key_from_pem(&std::fs::read_to_string(dir.join("ca-key.pem"))?)?;
    Ok(Ca { cert, key })
}

/// The CA directory's lock, held until the returned file is dropped: an exclusive advisory lock of
/// `DIR/ca.lock`. Every change to the directory (issuing, which reads and advances `serial` and appends to the
/// index; revoking; signing a CRL, which advances `crlnumber`) is made under it, so processes started at once on
/// one directory (`tsa serve` beside `csc serve` in `make run`, two instances of either, the CLI) never issue
/// one serial twice or each issue a certificate the other then overwrites. The lock goes with the process.
pub fn lock(dir: &Path) -> anyhow::Result<std::fs::File> {
    let path = dir.join("ca.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("không mở được {}", path.display()))?;
    file.lock()
        .with_context(|| format!("không khóa được {}", path.display()))?;
    Ok(file)
}

pub fn read_counter(path: &Path) -> anyhow::Result<u64> {
    std::fs::read_to_string(path)?
        .trim()
        .parse()
        .map_err(|_| anyhow!("{} hỏng", path.display()))
}

/// The CRL distribution point of the CA's certificates, when it publishes one.
pub fn crl_url(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("crl-url"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The revoked certificates of the index.
pub fn revoked(dir: &Path) -> anyhow::Result<Vec<CrlEntry>> {
    Ok(std::fs::read_to_string(dir.join("index.tsv"))?
        .lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols.get(1) == Some(&"R")).then(|| {
                Some(CrlEntry {
                    serial: cols[0].parse().ok()?,
                    revoked_at: cols.get(2)?.parse().ok()?,
                    reason: cols.get(4).and_then(|r| r.parse().ok()),
                })
            })?
        })
        .collect())
}

/// Signs a new CRL of every revoked certificate, writes it to `ca.crl` (through a temporary file, so readers
/// never see half of it) and advances `crlnumber`. Returns the DER and the CRL number.
pub fn write_crl(dir: &Path) -> anyhow::Result<(Vec<u8>, u64, usize)> {
    let ca = load_ca(dir)?;
    let entries = revoked(dir)?;
    let number = read_counter(&dir.join("crlnumber"))?;
    let list = pki::build_crl_with_reasons(&ca.cert, &ca.key, &entries, number, CRL_VALIDITY)?;
    let der = pki::crl_to_der(&list)?;
    let tmp = dir.join(format!("ca.crl.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &der)?;
    std::fs::rename(&tmp, dir.join("ca.crl"))?;
    std::fs::write(dir.join("crlnumber"), format!("{}\n", number + 1))?;
    Ok((der, number, entries.len()))
}

/// The CRL to publish: `ca.crl` while it is newer than the index and more than half its validity remains;
/// otherwise a new one.
pub fn current_crl(dir: &Path) -> anyhow::Result<Vec<u8>> {
    // Requests and the sweep may ask at once when the CRL is due: one of them signs it, the others read it.
    static RENEWING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = RENEWING.lock().unwrap_or_else(|e| e.into_inner());
    // And across processes: the CLI may be revoking in this directory.
    let _directory = lock(dir)?;
    let path = dir.join("ca.crl");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(crl_time), Some(index_time)) = (modified(&path), modified(&dir.join("index.tsv")))
        && crl_time >= index_time
        && crl_time.elapsed().unwrap_or_default() < CRL_VALIDITY / 2
        && let Ok(der) = std::fs::read(&path)
    {
        return Ok(der);
    }
    Ok(write_crl(dir)?.0)
}
