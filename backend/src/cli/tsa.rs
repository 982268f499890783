//! `vanban tsa serve --ca DIR --addr HOST:PORT`: the demo PKI's time-stamping authority (RFC 3161 over HTTP).
//! On first start it issues itself a certificate from the CA in DIR (extended key usage timeStamping, marked
//! critical) and keeps it in `DIR/tsa.pem` with its key in `DIR/tsa-key.pem` (owner-only); later starts reuse
//! them. One process per CA directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pki::{self, CertRole};
use vanban::tsa::service::{Tsa, router};

use super::pki::{YEAR, load_ca, read_counter, record_issued, write_private};

#[derive(Subcommand)]
pub enum TsaCommand {
    /// Answer RFC 3161 time-stamp requests (POST application/timestamp-query) on ADDR.
    Serve {
        /// The CA directory (`vanban pki init-ca`) that issues the TSA's certificate and keeps its key.
        #[arg(long)]
        ca: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8318")]
        addr: SocketAddr,
    },
}

pub async fn run(
    command: TsaCommand,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let TsaCommand::Serve { ca, addr } = command;
    let signer = tsa_signer(&ca)?;
    let name = pki::subject_names(&signer.certificates[0]).0;
    let tsa = Arc::new(Tsa {
        signer,
        policy: shared::pdf::tsp::DEMO_POLICY,
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("không mở được cổng {addr}"))?;
    println!("Máy chủ cấp dấu thời gian \"{name}\" đang chạy tại http://{addr}/ (RFC 3161).");
    // A reply is one small write after the request's: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router(tsa))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The TSA's key and chain from DIR, issued from its CA on first use.
fn tsa_signer(dir: &Path) -> anyhow::Result<RsaSigner> {
    let (cert_path, key_path) = (dir.join("tsa.pem"), dir.join("tsa-key.pem"));
    // Another process started at the same moment may be issuing it: the first to hold the lock does, the other
    // finds it done (and never reads a half-written file).
    let _directory = vanban::pki_dir::lock(dir)?;
    if !cert_path.exists() || !key_path.exists() {
        issue_tsa_certificate(dir, &cert_path, &key_path)?;
    }
    let certificates = pki::certs_from_pem_or_der(
        &std::fs::read(&cert_path)
            .with_context(|| format!("không đọc được {}", cert_path.display()))?,
    )?;
    let key = pki::key_from_pem(
        &std::fs::read_to_string(&key_path)
            .with_context(|| format!("không đọc được {}", key_path.display()))?,
    )?;
    Ok(RsaSigner {
        key,
        certificates,
        padding: Padding::Pkcs1v15,
    })
}

fn issue_tsa_certificate(dir: &Path, cert_path: &Path, key_path: &Path) -> anyhow::Result<()> {
    let ca = load_ca(dir)?;
    let serial = read_counter(&dir.join("serial"))?;
    let org = pki::subject_names(&ca.cert).1;
    let cn = "Dịch vụ cấp dấu thời gian vanban (thử nghiệm)";
    let key = pki::generate_key()?;
    let cert = pki::issue_certificate(
        CertRole::Tsa { eku_critical: true },
        pki::name(cn, org.as_deref())?,
        &key,
        Some((&ca.cert, &ca.key)),
        serial,
        5 * YEAR,
    )?;
    write_private(key_path, pki::key_to_pem(&key)?.as_bytes())?;
    std::fs::write(
        cert_path,
        pki::cert_to_pem(&cert)? + &pki::cert_to_pem(&ca.cert)?,
    )?;
    record_issued(dir, serial, cn, cert_path)
}
