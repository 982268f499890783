//! `vanban csc serve --ca DIR --addr HOST:PORT --user ID=NAME…`: the demo remote signing provider (CSC API v2,
//! [`vanban::csc::service`]). On first start it issues each person a key and certificate from the CA in DIR
//! (kept in `DIR/csc/`, keys owner-only); later starts reuse them. One process per CA directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pki::{self, CertRole};
use vanban::csc::service::{Credential, Provider, router};

use super::pki::{YEAR, load_ca, read_counter, record_issued, write_private};

#[derive(Subcommand)]
pub enum CscCommand {
    /// Answer CSC API v2 calls under /csc/v2/ and show each person's approvals at /phone/{ID}.
    Serve {
        /// The CA directory (`vanban pki init-ca`) that issues the people's certificates.
        #[arg(long)]
        ca: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8319")]
        addr: SocketAddr,
        /// A person with a credential: their identifier at the provider and their full name (repeatable).
        #[arg(long = "user", value_name = "ID=NAME")]
        users: Vec<String>,
        /// The integrator's client id (`auth/login`, HTTP Basic).
        #[arg(long, default_value = "vanban")]
        client_id: String,
        /// The integrator's client secret.
        #[arg(
            long,
            env = "VANBAN_CSC_CLIENT_SECRET",
            default_value = "vanban-demo-secret"
        )]
        client_secret: String,
        /// How long a person has to approve a request, in seconds.
        #[arg(long, default_value_t = 120)]
        approval_seconds: u64,
        /// The provider's name, as people read it.
        #[arg(long, default_value = "Ký số từ xa vanban (thử nghiệm)")]
        name: String,
    },
}

pub async fn run(
    command: CscCommand,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let CscCommand::Serve {
        ca,
        addr,
        users,
        client_id,
        client_secret,
        approval_seconds,
        name,
    } = command;
    let mut credentials = Vec::new();
    for spec in &users {
        let Some((id, full_name)) = spec.split_once('=') else {
            bail!("--user phải có dạng ID=Họ tên ({spec:?})");
        };
        let (id, full_name) = (id.trim(), full_name.trim());
        if id.is_empty()
            || full_name.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            bail!("--user {spec:?}: ID gồm chữ, số, '-', '_', '.'; họ tên không được trống");
        }
        credentials.push(Credential {
            id: format!("vanban-demo-{id}"),
            user_id: id.to_string(),
            signer: person_signer(&ca, id, full_name)?,
        });
    }
    let provider = Arc::new(Provider::new(
        name.clone(),
        client_id,
        client_secret,
        credentials,
        Duration::from_secs(approval_seconds.max(1)),
    ));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("không mở được cổng {addr}"))?;
    println!(
        "Dịch vụ ký số từ xa \"{name}\" (CSC API v2) đang chạy tại http://{addr}/csc/v2/; duyệt ký tại http://{addr}/phone/{{ID}}."
    );
    axum::serve(listener, router(provider))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The person's key and chain from `DIR/csc/`, issued from the CA on first use.
fn person_signer(dir: &Path, id: &str, full_name: &str) -> anyhow::Result<RsaSigner> {
    let folder = dir.join("csc");
    std::fs::create_dir_all(&folder)?;
    let (cert_path, key_path) = (
        folder.join(format!("{id}.pem")),
        folder.join(format!("{id}-key.pem")),
    );
    // Issued once, under the CA directory's lock (another process may be starting at the same moment).
    let _directory = vanban::pki_dir::lock(dir)?;
    if !cert_path.exists() || !key_path.exists() {
        let ca = load_ca(dir)?;
        let serial = read_counter(&dir.join("serial"))?;
        let org = pki::subject_names(&ca.cert).1;
        let key = pki::generate_key()?;
        let cert = pki::issue_certificate_with_crl(
            CertRole::Person,
            pki::name(full_name, org.as_deref())?,
            &key,
            Some((&ca.cert, &ca.key)),
            serial,
            3 * YEAR,
            vanban::pki_dir::crl_url(dir).as_deref(),
        )?;
        write_private(&key_path, pki::key_to_pem(&key)?.as_bytes())?;
        std::fs::write(
            &cert_path,
            pki::cert_to_pem(&cert)? + &pki::cert_to_pem(&ca.cert)?,
        )?;
        record_issued(dir, serial, full_name, &cert_path)?;
    }
    let certificates = pki::certs_from_pem_or_der(&std::fs::read(&cert_path)?)?;
    let key = pki::key_from_pem(&std::fs::read_to_string(&key_path)?)?;
    Ok(RsaSigner {
        key,
        certificates,
        padding: Padding::Pkcs1v15,
    })
}
