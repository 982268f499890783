//! `vanban`: the server and its command-line tools.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

mod cli;

use clap::{Args, Parser, Subcommand};
use vanban::app::{AppState, router};
use vanban::config::{Config, default_database_url};
use vanban::seed::{SeedOutcome, format_accounts, seed_demo};

#[derive(Parser)]
#[command(
    name = "vanban",
    version,
    about = "Hệ thống quản lý văn bản và điều hành"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Data directory (SQLite database, blobs).
    #[arg(long, env = "VANBAN_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Database URL: sqlite://PATH or postgres://…; default: SQLite under the data directory.
    #[arg(long, env = "VANBAN_DATABASE_URL")]
    database_url: Option<String>,
    /// Where the files are: file://PATH (default: the data directory's blobs/) or
    /// s3://BUCKET?endpoint=http://HOST:PORT&region=REGION (credentials in AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY).
    #[arg(long, env = "VANBAN_BLOB_URL")]
    blob_url: Option<String>,
}

impl DbArgs {
    fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| default_database_url(&self.data_dir))
    }

    /// The blob store, with `instance` naming this process's temporary uploads.
    fn blobs(&self, instance: &str) -> anyhow::Result<Arc<dyn vanban::blob::BlobStore>> {
        vanban::blob::open(self.blob_url.as_deref(), &self.data_dir, instance)
    }
}

// The server's many options make `Serve` the large variant; the command is parsed once at start.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (applies pending migrations first).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "VANBAN_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The built frontend (frontend/dist, written by scripts/build-frontend.sh).
        #[arg(long, env = "VANBAN_STATIC_DIR", default_value = "frontend/dist")]
        static_dir: PathBuf,
        /// Seed the demo province when the database has none.
        #[arg(long)]
        seed_demo_if_empty: bool,
        /// Demo accounts' password (random when unset).
        #[arg(long, env = "VANBAN_DEMO_PASSWORD")]
        demo_password: Option<String>,
        /// Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy. The boolean settings take `1`/`0`,
        /// `true`/`false`, `yes`/`no` or `on`/`off` from the environment, as docs/OPERATIONS.md writes them.
        #[arg(long, env = "VANBAN_TRUST_PROXY_HEADERS", value_parser = clap::builder::BoolishValueParser::new())]
        trust_proxy_headers: bool,
        /// Mark session cookies Secure (served over TLS).
        #[arg(long, env = "VANBAN_SECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new())]
        secure_cookies: bool,
        /// Directory of trusted CA certificates (*.pem); default: DATA_DIR/trust.
        #[arg(long, env = "VANBAN_TRUST_DIR")]
        trust_dir: Option<PathBuf>,
        /// This instance's name among those sharing one blob directory (its unfinished uploads are its own to
        /// clean up at start); default: host name and port.
        #[arg(long, env = "VANBAN_INSTANCE")]
        instance: Option<String>,
        /// Storage quota of an agency without its own, in MiB.
        #[arg(long, env = "VANBAN_AGENCY_QUOTA_MB", default_value_t = vanban::config::DEFAULT_AGENCY_QUOTA_MB)]
        agency_quota_mb: i64,
        /// The address people reach the server at (https://vanban.example.gov.vn): printed in the QR code of
        /// every issued document; default: the address the clerk's browser used.
        #[arg(long, env = "VANBAN_PUBLIC_URL")]
        public_url: Option<String>,
        /// How often the exchange's outbox is looked at, in milliseconds.
        #[arg(long, env = "VANBAN_EXCHANGE_POLL_MS", default_value_t = 2000)]
        exchange_poll_ms: u64,
        /// The exchange's wait after a failed delivery, in milliseconds; doubled after each further failure
        /// (up to an hour), with jitter.
        #[arg(long, env = "VANBAN_EXCHANGE_BACKOFF_MS", default_value_t = 5000)]
        exchange_backoff_ms: i64,
        /// The longest wait between two attempts, in milliseconds.
        #[arg(
            long,
            env = "VANBAN_EXCHANGE_MAX_BACKOFF_MS",
            default_value_t = 3_600_000
        )]
        exchange_max_backoff_ms: i64,
        /// How long a packet being sent is this instance's before another may take it over (after a crash),
        /// in milliseconds; an attempt is abandoned at half of it.
        #[arg(long, env = "VANBAN_EXCHANGE_LEASE_MS", default_value_t = 120_000)]
        exchange_lease_ms: i64,
        /// PEM certificates trusted for HTTPS exchange peers besides the system's roots (a provincial CA).
        #[arg(long, env = "VANBAN_EXCHANGE_CA_FILE")]
        exchange_ca_file: Option<PathBuf>,
        /// The RFC 3161 time-stamping authority (http://host:port/path or https://…): every signature the
        /// server accepts gets a signature timestamp from it (PAdES B-T); a signing step is refused (503)
        /// while it cannot be reached. Its certificate must chain to a trust anchor.
        #[arg(long, env = "VANBAN_TSA_URL")]
        tsa_url: Option<String>,
        /// Days before the last document timestamp's certificate expires that an archived file gets a new one.
        #[arg(long, env = "VANBAN_RETIMESTAMP_MARGIN_DAYS", default_value_t = vanban::config::DEFAULT_RETIMESTAMP_MARGIN_DAYS)]
        retimestamp_margin_days: i64,
        /// The demo CA's directory (`vanban pki init-ca`): its CRL is published at /pki/ca.crl.
        #[arg(long, env = "VANBAN_CA_DIR")]
        ca_dir: Option<PathBuf>,
        /// CRL files (DER or PEM) to load on every revocation refresh, comma-separated.
        #[arg(long, env = "VANBAN_CRL_FILES", value_delimiter = ',')]
        crl_files: Vec<PathBuf>,
        /// CRL URLs to fetch besides the distribution points of registered certificates, comma-separated.
        #[arg(long, env = "VANBAN_CRL_URLS", value_delimiter = ',')]
        crl_urls: Vec<String>,
        /// How often revocation data is refreshed, in seconds.
        #[arg(long, env = "VANBAN_REVOCATION_REFRESH_SECS", default_value_t = 3600)]
        revocation_refresh_secs: u64,
        /// The remote signing provider's CSC API v2 base URL (…/csc/v2): people may then sign with a key in
        /// its HSM, approving each signature on its app (docs/OPERATIONS.md, "Remote signing").
        #[arg(long, env = "VANBAN_CSC_URL")]
        csc_url: Option<String>,
        /// The bearer token that lets others than this host read `GET /metrics` (Prometheus).
        #[arg(long, env = "VANBAN_METRICS_TOKEN")]
        metrics_token: Option<String>,
        /// Write the log as JSON lines (one object per event, with the request id), for a log collector.
        #[arg(long, env = "VANBAN_LOG_JSON", value_parser = clap::builder::BoolishValueParser::new())]
        log_json: bool,
        /// The agency's client id at the provider (`auth/login`, HTTP Basic).
        #[arg(long, env = "VANBAN_CSC_CLIENT_ID")]
        csc_client_id: Option<String>,
        /// The agency's client secret at the provider.
        #[arg(long, env = "VANBAN_CSC_CLIENT_SECRET", hide_env_values = true)]
        csc_client_secret: Option<String>,
        /// The provider's name as people read it (default: the name its `info` gives).
        #[arg(long, env = "VANBAN_CSC_NAME")]
        csc_name: Option<String>,
        /// How long a person has to approve a signature on their phone, in seconds.
        #[arg(long, env = "VANBAN_CSC_APPROVAL_SECONDS", default_value_t = vanban::csc::relay::DEFAULT_APPROVAL.as_secs())]
        csc_approval_seconds: u64,
        /// Demo certificates (`*.pem` of `vanban pki demo-keys`) to register to the demo accounts and agencies
        /// at start (with --seed-demo-if-empty; default DATA_DIR/demo-keys).
        #[arg(long, env = "VANBAN_DEMO_KEYS_DIR")]
        demo_keys_dir: Option<PathBuf>,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// PDF tools: sign, fill the number and date, verify, hash.
    Pdf {
        #[command(subcommand)]
        command: cli::pdf::PdfCommand,
    },
    /// edXML packets of the document axis (QCVN 102): parse and build.
    Edxml {
        #[command(subcommand)]
        command: cli::edxml::EdxmlCommand,
    },
    /// The demo agency CA: certificates for people and seals, revocation, CRLs.
    Pki {
        #[command(subcommand)]
        command: cli::pki::PkiCommand,
    },
    /// The time-stamping authority (RFC 3161) of the demo PKI.
    Tsa {
        #[command(subcommand)]
        command: cli::tsa::TsaCommand,
    },
    /// The remote signing provider (CSC API v2) of the demo PKI.
    Csc {
        #[command(subcommand)]
        command: cli::csc::CscCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Account recovery from the server's shell.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Benchmark data (docs/BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        command: cli::bench::BenchCommand,
    },
    /// Seed the demo province (skipped when already there).
    SeedDemo {
        #[command(flatten)]
        db: DbArgs,
        /// Demo accounts' password (random when unset).
        #[arg(long, env = "VANBAN_DEMO_PASSWORD")]
        demo_password: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Give an account the system administrator role again (and unlock it): for a province whose last
    /// system administrator lost access. Written to the audit log.
    GrantSystemAdmin {
        #[command(flatten)]
        db: DbArgs,
        /// The account's username.
        username: String,
    },
    /// Remove what crashes and abandoned uploads left in the blob store now (the server also does this at
    /// start and every hour): temporary files, files without a record, and files no document uses that
    /// nobody uploaded for GRACE_DAYS days.
    SweepBlobs {
        #[command(flatten)]
        db: DbArgs,
        /// Days an unused upload is kept.
        #[arg(long, default_value_t = 7)]
        grace_days: i64,
    },
    /// Check the blob store (after a restore, or at any time): every file hashes to its name and every file
    /// the database records is there. Exits 1, naming each problem, when one is found.
    CheckBlobs {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Copy every blob of this deployment's store (VANBAN_BLOB_URL, by default the data directory's files) into
    /// another store, e.g. an S3 bucket before switching VANBAN_BLOB_URL to it. Each blob is hashed as it is
    /// written and read back and hashed again; blobs already there are checked, not copied. Exits 1 on any
    /// difference. It can be run again after an interruption.
    CopyBlobs {
        #[command(flatten)]
        db: DbArgs,
        /// The store to copy into: s3://BUCKET?endpoint=…&region=… or file://PATH.
        #[arg(long)]
        to: String,
    },
    /// Give archived documents whose last document timestamp's certificate expires within MARGIN_DAYS a new
    /// one now (PAdES B-LTA; the server also does this every hour): each file gets its DSS refreshed and a new
    /// document timestamp, recorded as the document's next issued version and audited.
    RenewArchiveTimestamps {
        #[command(flatten)]
        db: DbArgs,
        /// The trust directory (`*.pem` anchors, `*.crl` CRLs); default: `trust` under the data directory.
        #[arg(long, env = "VANBAN_TRUST_DIR")]
        trust_dir: Option<PathBuf>,
        /// The RFC 3161 time-stamping authority.
        #[arg(long, env = "VANBAN_TSA_URL")]
        tsa_url: String,
        #[arg(long, env = "VANBAN_RETIMESTAMP_MARGIN_DAYS", default_value_t = vanban::config::DEFAULT_RETIMESTAMP_MARGIN_DAYS)]
        margin_days: i64,
    },
    /// Create or replace (by name) a peer of the inter-system exchange: another vanban instance, an axis
    /// endpoint or a folder, with the organ ids of the agencies it reaches and the shared HMAC key.
    ExchangePeer {
        #[command(flatten)]
        db: DbArgs,
        /// The peer's name, as histories show it ("Trục liên thông (NAME)").
        #[arg(long)]
        name: String,
        /// vanban, axis or folder.
        #[arg(long, default_value = "vanban")]
        kind: String,
        /// Base URL (http://host:port) for vanban and axis; a directory for folder.
        #[arg(long)]
        endpoint: String,
        /// The key id both sides configure for this pair.
        #[arg(long)]
        key_id: String,
        /// The shared secret (HMAC-SHA256 key, at least 16 characters); omitted when changing a peer keeps its
        /// secret.
        #[arg(long, env = "VANBAN_EXCHANGE_SECRET")]
        secret: Option<String>,
        /// An organ id (mã định danh) reached through this peer; may be repeated.
        #[arg(long = "organ-id", value_name = "CODE")]
        organ_ids: Vec<String>,
        /// Keep the peer configured but send nothing to it and refuse its requests.
        #[arg(long)]
        disabled: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain of the whole audit log; exit 1 if an entry was altered. With --hash or --entries,
    /// also say for each given entry hash whether an entry of the chain carries it (exit 1 if one is missing):
    /// how a printed history (`GET /api/…/{id}/history.pdf`) is checked against the log.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// An entry hash (64 hex digits) to find in the chain; may be repeated.
        #[arg(long = "hash", value_name = "HEX")]
        hashes: Vec<String>,
        /// A text file whose entry hashes (every run of 64 hex digits, e.g. `pdftotext` of a printed history)
        /// are to be found in the chain.
        #[arg(long, value_name = "FILE")]
        entries: Option<std::path::PathBuf>,
    },
}

fn main() {
    // Errors reach officials and administrators on the command line: Vietnamese, with the cause chain, no
    // Rust debug formatting.
    let cli = Cli::parse();
    // The PDF and PKI tools need no database and no async runtime: one process per file stays cheap.
    let result = match cli.command {
        Command::Pdf { command } => cli::pdf::run(command),
        Command::Pki { command } => cli::pki::run(command),
        Command::Edxml { command } => cli::edxml::run(command),
        command => tokio::runtime::Runtime::new()
            .expect("tokio runtime")
            .block_on(run(command)),
    };
    if let Err(e) = result {
        eprintln!("Lỗi: {e:#}");
        std::process::exit(1);
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    // JSON lines carry every field of the request span (request id, route, user) on each event, so a collector
    // joins what several instances logged about one request by its id.
    if matches!(&command, Command::Serve { log_json: true, .. }) {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    match command {
        Command::Serve {
            db,
            addr,
            static_dir,
            seed_demo_if_empty,
            demo_password,
            trust_proxy_headers,
            secure_cookies,
            trust_dir,
            agency_quota_mb,
            instance,
            public_url,
            exchange_poll_ms,
            exchange_backoff_ms,
            exchange_max_backoff_ms,
            exchange_lease_ms,
            exchange_ca_file,
            tsa_url,
            retimestamp_margin_days,
            ca_dir,
            crl_files,
            crl_urls,
            revocation_refresh_secs,
            csc_url,
            metrics_token,
            log_json: _,
            csc_client_id,
            csc_client_secret,
            csc_name,
            csc_approval_seconds,
            demo_keys_dir,
        } => {
            let trust_dir = trust_dir.unwrap_or_else(|| db.data_dir.join("trust"));
            let trust_anchors = vanban::config::load_trust_anchors(&trust_dir)?;
            let crls = vanban::config::load_crls(&trust_dir)?;
            vanban::exchange::transport::init_tls(exchange_ca_file.as_deref())?;
            let store = open_store(&db).await?;
            if seed_demo_if_empty {
                seed(store.as_ref(), demo_password).await?;
                // The demo people's and agencies' certificates, registered once (idempotent at each start).
                let dir = demo_keys_dir.unwrap_or_else(|| db.data_dir.join("demo-keys"));
                let n = vanban::seed::register_demo_certificates(store.as_ref(), &dir).await?;
                if n > 0 {
                    tracing::info!(registered = n, "demo certificates registered");
                }
            }
            let static_dir = static_dir
                .join("index.html")
                .exists()
                .then_some(static_dir.clone());
            if static_dir.is_none() {
                tracing::warn!(
                    "no built frontend found; serving the API only (run `make run` to build it)"
                );
            }
            let config = Arc::new(Config {
                static_dir,
                trust_proxy_headers,
                secure_cookies,
                trust_anchors,
                agency_quota_mb,
                public_url,
                tsa_url: tsa_url.filter(|u| !u.trim().is_empty()),
                crls,
                retimestamp_margin_days: retimestamp_margin_days.max(1),
                ca_dir,
                crl_files,
                crl_urls: crl_urls
                    .into_iter()
                    .filter(|u| !u.trim().is_empty())
                    .collect(),
                remote_signing: csc_url.filter(|u| !u.trim().is_empty()).map(|url| {
                    vanban::csc::client::Provider {
                        url,
                        client_id: csc_client_id.filter(|v| !v.is_empty()),
                        client_secret: csc_client_secret.filter(|v| !v.is_empty()),
                        name: csc_name.filter(|v| !v.trim().is_empty()),
                        approval: std::time::Duration::from_secs(
                            csc_approval_seconds.clamp(5, 900),
                        ),
                    }
                }),
                metrics_token: metrics_token.filter(|t| !t.trim().is_empty()),
                ..Config::default()
            });
            // This instance's own directory for temporary files, named by host and port unless named.
            let instance = instance.unwrap_or_else(|| {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
                format!("{}-{}", host.trim(), addr.port())
            });
            let blobs = db.blobs(&instance)?;
            // An unreachable object store must not keep the server down: what needs no file keeps working,
            // and readiness says which check fails.
            match blobs.remove_own_temporaries().await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(
                    removed,
                    "temporary upload files of an interrupted run removed"
                ),
                Err(e) => {
                    tracing::warn!(error = %e, store = %blobs.describe(), "blob store not reachable at start")
                }
            }
            tokio::spawn(vanban::sweep::run_periodically(
                store.clone(),
                blobs.clone(),
                vanban::sweep::SweepPolicy::default(),
                std::time::Duration::from_secs(3600),
                config.clone(),
            ));
            // The exchange's outbox leaves from every instance; the lease keeps each packet with one sender.
            tokio::spawn(vanban::exchange::delivery::run(
                vanban::exchange::delivery::Exchange {
                    store: store.clone(),
                    blobs: blobs.clone(),
                    trust_anchors: Arc::new(config.trust_anchors.clone()),
                    policy: vanban::exchange::delivery::DeliveryPolicy {
                        poll: std::time::Duration::from_millis(exchange_poll_ms.max(10)),
                        base_backoff_ms: exchange_backoff_ms.max(1),
                        max_backoff_ms: exchange_max_backoff_ms.max(exchange_backoff_ms.max(1)),
                        lease_ms: exchange_lease_ms.max(1000),
                        ..Default::default()
                    },
                },
            ));
            tokio::spawn(vanban::sweep::refresh_revocation_periodically(
                store.clone(),
                config.clone(),
                std::time::Duration::from_secs(revocation_refresh_secs.max(10)),
            ));
            let state = AppState {
                store,
                blobs,
                config,
            };
            match vanban::lifecycle::raise_open_files_limit() {
                Ok(limit) => tracing::info!(?limit, "open files limit"),
                Err(e) => tracing::warn!(error = %e, "open files limit not raised"),
            }
            let listener = tokio::net::TcpListener::bind(addr).await?;
            println!(
                "vanban đang chạy tại http://{addr} (cơ sở dữ liệu: {})",
                state.store.kind().name()
            );
            axum::serve(
                listener,
                router(state).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                shutdown_signal().await;
                // Readiness turns 503 and live-event streams end, so the proxy and the browsers move to the
                // other instances while the requests in flight finish.
                vanban::lifecycle::start_draining();
                println!("vanban đang dừng: hoàn tất các yêu cầu đang xử lý…");
            })
            .await?;
        }
        Command::Admin {
            command: AdminCommand::GrantSystemAdmin { db, username },
        } => {
            let store = open_store(&db).await?;
            let user = store
                .grant_system_admin(&username)
                .await
                .map_err(|e| match e {
                    vanban::store::StoreError::NotFound => {
                        anyhow::anyhow!("không có tài khoản '{username}'")
                    }
                    e => e.into(),
                })?;
            println!(
                "Tài khoản {} ({}) đã có vai trò quản trị hệ thống và được mở khóa.",
                user.username, user.full_name
            );
        }
        Command::Admin {
            command:
                AdminCommand::ExchangePeer {
                    db,
                    name,
                    kind,
                    endpoint,
                    key_id,
                    secret,
                    organ_ids,
                    disabled,
                },
        } => {
            let store = open_store(&db).await?;
            let actor = vanban::store::Actor {
                id: None,
                username: Some("vanban admin exchange-peer".into()),
                client_addr: None,
            };
            // The same checks as the admin page's (`PUT /api/exchange/peers`).
            let request: shared::exchange::SavePeerRequest = serde_json::from_value(serde_json::json!({
                "name": name, "kind": kind, "endpoint": endpoint, "key_id": key_id, "secret": secret,
                "organ_ids": organ_ids, "enabled": !disabled,
            }))
            .map_err(|e| anyhow::anyhow!("Thông tin kết nối không hợp lệ: {e}"))?;
            if let Err(e) = request.validate() {
                let fields: Vec<String> = e
                    .fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect();
                anyhow::bail!("{} {}", e.message, fields.join("; "));
            }
            let peer = vanban::store::exchange::NewPeer::from_request(&request);
            let id = store.save_peer(&actor, &peer).await?;
            println!(
                "Đã lưu kết nối liên thông {} (#{id}, {}): {} cơ quan.",
                peer.name,
                peer.kind,
                peer.organ_ids.len()
            );
        }
        Command::Admin {
            command:
                AdminCommand::RenewArchiveTimestamps {
                    db,
                    trust_dir,
                    tsa_url,
                    margin_days,
                },
        } => {
            let trust_dir = trust_dir.unwrap_or_else(|| db.data_dir.join("trust"));
            let config = Config {
                trust_anchors: vanban::config::load_trust_anchors(&trust_dir)?,
                crls: vanban::config::load_crls(&trust_dir)?,
                tsa_url: Some(tsa_url),
                retimestamp_margin_days: margin_days.max(0),
                ..Config::default()
            };
            let store = open_store(&db).await?;
            let blobs = db.blobs("admin")?;
            let r = vanban::tsa::ltv::renew_due(
                &store,
                blobs.as_ref(),
                &config,
                vanban::store::now_ms(),
            )
            .await?;
            println!(
                "Đã gia hạn dấu thời gian lưu trữ cho {} văn bản; {} văn bản chưa gia hạn được (xem nhật ký).",
                r.renewed, r.failed
            );
            if r.failed > 0 {
                std::process::exit(1);
            }
        }
        Command::Admin {
            command: AdminCommand::CheckBlobs { db },
        } => {
            let store = open_store(&db).await?;
            let blobs = db.blobs("admin")?;
            let r = vanban::sweep::check_blobs(&store, blobs.as_ref()).await?;
            for p in &r.problems {
                eprintln!("{p}");
            }
            if !r.problems.is_empty() {
                anyhow::bail!(
                    "kho tệp có {} vấn đề (đã kiểm tra {} tệp)",
                    r.problems.len(),
                    r.checked
                );
            }
            println!(
                "Đã kiểm tra {} tệp: tất cả khớp mã băm và có đủ.",
                r.checked
            );
        }
        Command::Admin {
            command: AdminCommand::CopyBlobs { db, to },
        } => {
            let from = db.blobs("admin")?;
            let into = vanban::blob::open(Some(&to), &db.data_dir, "admin")?;
            println!(
                "Sao chép kho tệp: {} → {}",
                from.describe(),
                into.describe()
            );
            let r = vanban::blob::copy::copy_all(from.as_ref(), into.as_ref(), |done, total| {
                if done % 100 == 0 || done == total {
                    eprintln!("  {done}/{total} tệp");
                }
            })
            .await?;
            for p in &r.problems {
                eprintln!("{p}");
            }
            if !r.problems.is_empty() {
                anyhow::bail!(
                    "{} tệp không sao chép được hoặc sai mã băm",
                    r.problems.len()
                );
            }
            println!(
                "Đã sao chép {} tệp ({} byte), {} tệp đã có sẵn; tất cả đã đọc lại và khớp mã băm.",
                r.copied, r.bytes, r.present
            );
        }
        Command::Admin {
            command: AdminCommand::SweepBlobs { db, grace_days },
        } => {
            let store = open_store(&db).await?;
            let blobs = db.blobs("admin")?;
            let temporaries = blobs.remove_own_temporaries().await?;
            let policy = vanban::sweep::SweepPolicy {
                unreferenced_grace_ms: grace_days.max(0) * 24 * 3600 * 1000,
                ..Default::default()
            };
            let r =
                vanban::sweep::sweep_blobs(&store, blobs.as_ref(), policy, vanban::store::now_ms())
                    .await?;
            println!(
                "Đã dọn kho tệp: {} tệp tạm, {} tệp không có bản ghi, {} tệp không văn bản nào dùng.",
                temporaries + r.temporaries,
                r.orphan_files,
                r.unreferenced_blobs
            );
        }
        Command::Migrate { db } => {
            let store = open_store(&db).await?;
            println!(
                "Đã cập nhật cấu trúc cơ sở dữ liệu, phiên bản {}.",
                store.schema_version().await?
            );
        }
        Command::Pdf { .. } | Command::Pki { .. } | Command::Edxml { .. } => {
            unreachable!("handled without a runtime in main")
        }
        Command::Tsa { command } => cli::tsa::run(command, shutdown_signal()).await?,
        Command::Csc { command } => cli::csc::run(command, shutdown_signal()).await?,
        Command::Audit {
            command:
                AuditCommand::Verify {
                    db,
                    hashes,
                    entries,
                },
        } => {
            let wanted = wanted_hashes(hashes, entries.as_deref())?;
            let store = open_store(&db).await?;
            let (report, found) = store.verify_audit_chain_finding(&wanted).await?;
            let mut ok = true;
            match report.first_broken_seq {
                None => println!(
                    "Nhật ký kiểm tra toàn vẹn: {} mục, chuỗi băm khớp.",
                    report.entries
                ),
                Some(seq) => {
                    eprintln!(
                        "Nhật ký KHÔNG toàn vẹn: mục số {seq} (trong {} mục) không khớp chuỗi băm.",
                        report.entries
                    );
                    ok = false;
                }
            }
            let missing = found.iter().filter(|(_, seq)| seq.is_none()).count();
            for (hash, seq) in &found {
                match seq {
                    Some(seq) => println!("{hash}: có trong chuỗi, mục số {seq}."),
                    None => println!("{hash}: KHÔNG có trong chuỗi."),
                }
            }
            if !found.is_empty() {
                println!(
                    "Đối chiếu {} mã băm: {} có trong chuỗi, {missing} không có.",
                    found.len(),
                    found.len() - missing
                );
            }
            if !ok || missing > 0 {
                std::process::exit(1);
            }
        }
        Command::Bench { command } => cli::bench::run(command).await?,
        Command::SeedDemo { db, demo_password } => {
            let store = open_store(&db).await?;
            seed(store.as_ref(), demo_password).await?;
        }
    }
    Ok(())
}

/// The entry hashes to look for: those given with --hash, then every run of exactly 64 hex digits in the
/// --entries file, in order, each once. A --hash that is not 64 hex digits is refused.
fn wanted_hashes(
    hashes: Vec<String>,
    entries: Option<&std::path::Path>,
) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for h in hashes {
        let h = h.trim().to_ascii_lowercase();
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            anyhow::bail!("Mã băm «{h}» không hợp lệ: cần đúng 64 chữ số thập lục phân.");
        }
        if !out.contains(&h) {
            out.push(h);
        }
    }
    if let Some(path) = entries {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("Không đọc được tệp {}: {e}", path.display()))?;
        let before = out.len();
        for run in text.split(|c: char| !c.is_ascii_hexdigit()) {
            let h = run.to_ascii_lowercase();
            if h.len() == 64 && !out.contains(&h) {
                out.push(h);
            }
        }
        if out.len() == before {
            anyhow::bail!(
                "Tệp {} không có mã băm nào (64 chữ số thập lục phân).",
                path.display()
            );
        }
    }
    Ok(out)
}

async fn open_store(db: &DbArgs) -> anyhow::Result<Arc<vanban::store::Store>> {
    let url = db.url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&db.data_dir)?;
    }
    let store = vanban::store::open(&url).await?;
    store.migrate().await?;
    // Documents stored before the search index existed get their entries (normally none are missing).
    let indexed = store.index_missing_documents(1_000).await?;
    if indexed > 0 {
        tracing::info!(indexed, "search index: documents added");
        store.settle_search_index().await?;
    }
    Ok(store)
}

async fn seed(store: &vanban::store::Store, password: Option<String>) -> anyhow::Result<()> {
    let password = password
        .filter(|p| !p.is_empty())
        .unwrap_or_else(vanban::auth::temporary_password);
    match seed_demo(store, &password).await? {
        SeedOutcome::Seeded(accounts) => println!(
            "Đã tạo tỉnh demo.\n{}",
            format_accounts(&accounts, &password)
        ),
        SeedOutcome::AlreadySeeded => {
            println!(
                "Tỉnh demo đã có sẵn trong cơ sở dữ liệu; giữ nguyên tài khoản và mật khẩu đã tạo trước đó."
            )
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
