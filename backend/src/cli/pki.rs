//! `vanban pki`: the demo agency CA kept in a directory.
//!
//! Layout of DIR: `ca.pem` (the root certificate, the trust anchor to give verifiers), `ca-key.pem` (its
//! PKCS#8 key, readable by the owner only), `serial` (the next serial number), `index.tsv` (one line per
//! issued certificate: serial, status V/R, revocation time, subject, reason code), `crlnumber`, `ca.crl` (the
//! latest CRL, rewritten at each revocation) and, with `--crl-url`, `crl-url` (the CRL distribution point written
//! into every certificate issued; `vanban serve --ca-dir DIR` publishes the CRL at `/pki/ca.crl`); once `vanban tsa
//! serve` has run, also `tsa.pem` (the time-stamping authority's certificate, then the CA's) and `tsa-key.pem`.
//! The files are read through [`vanban::pki_dir`], which the server shares.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use shared::pki::{self, CertRole};

pub(super) const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

#[derive(Subcommand)]
pub enum PkiCommand {
    /// Create a root CA in DIR (refuses to overwrite an existing one).
    InitCa {
        #[arg(long)]
        out: PathBuf,
        /// The CA's common name.
        #[arg(long, default_value = "CA thử nghiệm vanban")]
        cn: String,
        #[arg(long, default_value = "UBND tỉnh Vĩnh Long (thử nghiệm)")]
        org: String,
        /// Where the CA's CRL will be published (e.g. http://127.0.0.1:8080/pki/ca.crl, served by `vanban
        /// serve --ca-dir`): written into every certificate the CA issues as its CRL distribution point.
        #[arg(long)]
        crl_url: Option<String>,
    },
    /// Issue a signing certificate (or an agency seal certificate with --seal) as PKCS#12.
    Issue {
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        cn: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        seal: bool,
        #[arg(long)]
        p12: PathBuf,
        #[arg(long)]
        pin: String,
    },
    /// Issue a certificate for a key generated elsewhere (the browser), from its PKCS#10 request (PEM).
    SignCsr {
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        csr: PathBuf,
        #[arg(long)]
        seal: bool,
        /// Where to write the certificate chain (PEM: the new certificate, then the CA's).
        #[arg(long)]
        out: PathBuf,
    },
    /// Issue the demo province's keys (leaders, unit leaders, agency seals) as PKCS#12 files in OUT.
    DemoKeys {
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        pin: String,
        /// Only this agency (the username suffix, e.g. `snv`).
        #[arg(long)]
        agency: Option<String>,
    },
    /// Mark a certificate revoked and write the new CRL (`ca.crl`).
    Revoke {
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        serial: u64,
        /// RFC 5280 reason code (1 key compromise, 3 affiliation changed, 4 superseded, 5 cessation of
        /// operation…); none by default.
        #[arg(long)]
        reason: Option<u8>,
    },
    /// Write a DER CRL of every revoked certificate.
    Crl {
        #[arg(long)]
        ca: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: PkiCommand) -> anyhow::Result<()> {
    match command {
        PkiCommand::InitCa {
            out,
            cn,
            org,
            crl_url,
        } => init_ca(&out, &cn, &org, crl_url.as_deref()),
        PkiCommand::Issue {
            ca,
            cn,
            org,
            seal,
            p12,
            pin,
        } => issue(&ca, &cn, org.as_deref(), seal, &p12, &pin),
        PkiCommand::SignCsr { ca, csr, seal, out } => sign_csr(&ca, &csr, seal, &out),
        PkiCommand::DemoKeys {
            ca,
            out,
            pin,
            agency,
        } => {
            std::fs::create_dir_all(&out)?;
            for s in vanban::seed::demo_signers()
                .into_iter()
                .filter(|s| agency.as_deref().is_none_or(|a| a == s.agency_key))
            {
                let p12 = out.join(format!("{}.p12", s.file_stem));
                issue(&ca, s.common_name, Some(s.organization), s.seal, &p12, &pin)?;
            }
            Ok(())
        }
        PkiCommand::Revoke { ca, serial, reason } => revoke(&ca, serial, reason),
        PkiCommand::Crl { ca, out } => crl(&ca, &out),
    }
}

fn init_ca(dir: &Path, cn: &str, org: &str, crl_url: Option<&str>) -> anyhow::Result<()> {
    if dir.join("ca.pem").exists() {
        bail!("{} đã có CA; không ghi đè.", dir.display());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
    let key = pki::generate_key()?;
    let cert = pki::issue_certificate(
        CertRole::RootCa,
        pki::name(cn, Some(org))?,
        &key,
        None,
        1,
        10 * YEAR,
    )?;
    write_private(&dir.join("ca-key.pem"), pki::key_to_pem(&key)?.as_bytes())?;
    std::fs::write(dir.join("ca.pem"), pki::cert_to_pem(&cert)?)?;
    std::fs::write(dir.join("serial"), "2\n")?;
    std::fs::write(dir.join("crlnumber"), "1\n")?;
    std::fs::write(dir.join("index.tsv"), "")?;
    if let Some(url) = crl_url {
        std::fs::write(dir.join("crl-url"), format!("{url}\n"))?;
    }
    vanban::pki_dir::write_crl(dir)?;
    println!(
        "Đã tạo CA tại {} (chứng thư gốc: {}).",
        dir.display(),
        dir.join("ca.pem").display()
    );
    Ok(())
}

pub(super) use vanban::pki_dir::{load_ca, read_counter};

fn issue(
    dir: &Path,
    cn: &str,
    org: Option<&str>,
    seal: bool,
    p12: &Path,
    pin: &str,
) -> anyhow::Result<()> {
    if pin.chars().count() < 4 {
        bail!("Mã PIN phải có ít nhất 4 ký tự.");
    }
    let ca = load_ca(dir)?;
    let _directory = vanban::pki_dir::lock(dir)?;
    let serial = read_counter(&dir.join("serial"))?;
    let key = pki::generate_key()?;
    let role = if seal {
        CertRole::Seal
    } else {
        CertRole::Person
    };
    let cert = pki::issue_certificate_with_crl(
        role,
        pki::name(cn, org)?,
        &key,
        Some((&ca.cert, &ca.key)),
        serial,
        3 * YEAR,
        vanban::pki_dir::crl_url(dir).as_deref(),
    )?;
    // The certificate alone (PEM) beside the PKCS#12: what an administrator registers to its owner.
    std::fs::write(p12.with_extension("pem"), pki::cert_to_pem(&cert)?)?;
    let bundle = pki::to_pkcs12(&key, &[cert.clone(), ca.cert.clone()], pin)?;
    write_private(p12, &bundle)?;
    record_issued(dir, serial, cn, p12)
}

fn sign_csr(dir: &Path, csr: &Path, seal: bool, out: &Path) -> anyhow::Result<()> {
    let ca = load_ca(dir)?;
    let _directory = vanban::pki_dir::lock(dir)?;
    let serial = read_counter(&dir.join("serial"))?;
    let pem = std::fs::read_to_string(csr)
        .with_context(|| format!("không đọc được {}", csr.display()))?;
    let role = if seal {
        CertRole::Seal
    } else {
        CertRole::Person
    };
    let cert = pki::issue_for_csr_with_crl(
        role,
        &pem,
        (&ca.cert, &ca.key),
        serial,
        3 * YEAR,
        vanban::pki_dir::crl_url(dir).as_deref(),
    )?;
    std::fs::write(out, pki::cert_to_pem(&cert)? + &pki::cert_to_pem(&ca.cert)?)?;
    record_issued(dir, serial, &pki::subject_names(&cert).0, out)
}

/// Advances the CA's serial counter and lists the new certificate in its index.
pub(super) fn record_issued(
    dir: &Path,
    serial: u64,
    cn: &str,
    written_to: &Path,
) -> anyhow::Result<()> {
    std::fs::write(dir.join("serial"), format!("{}\n", serial + 1))?;
    append_line(
        &dir.join("index.tsv"),
        &format!("{serial}\tV\t\t{}", cn.replace('\t', " ")),
    )?;
    println!(
        "Đã cấp chứng thư số {serial} cho \"{cn}\" vào {}.",
        written_to.display()
    );
    Ok(())
}

fn revoke(dir: &Path, serial: u64, reason: Option<u8>) -> anyhow::Result<()> {
    load_ca(dir)?;
    let _directory = vanban::pki_dir::lock(dir)?;
    let index_path = dir.join("index.tsv");
    let index = std::fs::read_to_string(&index_path)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let mut found = false;
    let lines: Vec<String> = index
        .lines()
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.first() == Some(&serial.to_string().as_str()) && cols.get(1) == Some(&"V") {
                found = true;
                format!(
                    "{serial}\tR\t{now}\t{}\t{}",
                    cols.get(3).unwrap_or(&""),
                    reason.map(|r| r.to_string()).unwrap_or_default()
                )
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        bail!("Không có chứng thư số đang hiệu lực với số hiệu {serial}.");
    }
    std::fs::write(&index_path, lines.join("\n") + "\n")?;
    let (_, number, _) = vanban::pki_dir::write_crl(dir)?;
    println!("Đã thu hồi chứng thư số {serial} (CRL số {number} đã ghi vào ca.crl).");
    Ok(())
}

fn crl(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let _directory = vanban::pki_dir::lock(dir)?;
    let (der, number, revoked) = vanban::pki_dir::write_crl(dir)?;
    std::fs::write(out, der)?;
    println!(
        "Đã ghi CRL số {number} ({revoked} chứng thư bị thu hồi) vào {}.",
        out.display()
    );
    Ok(())
}

fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    writeln!(f, "{line}")?;
    Ok(())
}

/// Writes a secret file readable by its owner only.
pub(super) fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .with_context(|| format!("không ghi được {}", path.display()))?;
    f.write_all(data)?;
    Ok(())
}
