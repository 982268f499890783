//! Server configuration, from the command line or `VANBAN_*` environment variables.

use std::path::PathBuf;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the built frontend (`frontend/dist`, written by `scripts/build-frontend.sh`) is; `None` serves the API only.
    pub static_dir: Option<PathBuf>,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` (only behind a reverse proxy that sets them).
    pub trust_proxy_headers: bool,
    /// Always mark the session cookie `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Sign-in rate limits.
    pub login_limits: LoginLimits,
    /// Certificates (PEM) of the CAs whose signatures are trusted: every `*.pem` of the trust directory.
    pub trust_anchors: Vec<String>,
    /// Storage quota of an agency without its own, in MiB (`VANBAN_AGENCY_QUOTA_MB`).
    pub agency_quota_mb: i64,
    /// The address people reach the server at (`VANBAN_PUBLIC_URL`, e.g. `https://vanban.vinhlong.gov.vn`): the
    /// QR codes of issued documents point under it. When unset, the address the clerk's browser used.
    pub public_url: Option<String>,
    /// How often one address may ask the public verification routes.
    pub verify_limits: VerifyLimits,
    /// The RFC 3161 time-stamping authority (`VANBAN_TSA_URL`, e.g. `http://127.0.0.1:8318/`): when set, every
    /// signature the server accepts gets a signature timestamp from it (PAdES B-T) before it is recorded.
    pub tsa_url: Option<String>,
    /// CRLs of the trust anchors (every `*.crl` of the trust directory, DER or PEM): when there is one, every
    /// issued file gets the validation data of its signatures (a DSS, PAdES B-LT) and, with a TSA, a document
    /// timestamp (B-LTA) before it is stored.
    pub crls: Vec<shared::pki::X509Crl>,
    /// How long before the last document timestamp's certificate expires an archived file is timestamped
    /// again (`VANBAN_RETIMESTAMP_MARGIN_DAYS`).
    pub retimestamp_margin_days: i64,
    /// The demo CA's directory (`VANBAN_CA_DIR`, made by `vanban pki init-ca`): its CRL is published at
    /// `GET /pki/ca.crl`.
    pub ca_dir: Option<PathBuf>,
    /// CRL files to load besides the distribution points (`VANBAN_CRL_FILES`, comma-separated): a CA that
    /// publishes none reachable from here hands its CRL over as a file.
    pub crl_files: Vec<PathBuf>,
    /// CRL URLs to fetch besides those named by registered certificates (`VANBAN_CRL_URLS`, comma-separated).
    pub crl_urls: Vec<String>,
    /// The remote signing provider (CSC API v2, `VANBAN_CSC_URL` and the other `VANBAN_CSC_*`): people may sign
    /// with a key in its HSM, approving each signature on its app.
    pub remote_signing: Option<crate::csc::client::Provider>,
    /// The bearer token that lets others than this host read `GET /metrics` (`VANBAN_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
}

/// Archived files are timestamped again this many days before their last timestamp's certificate expires.
pub const DEFAULT_RETIMESTAMP_MARGIN_DAYS: i64 = 90;

/// The rate limit of the public verification routes, per client address (counted in the database, so every
/// instance counts together): codes are 60 random bits, and this keeps guessing at a few hundred a day.
#[derive(Debug, Clone, Copy)]
pub struct VerifyLimits {
    /// Requests of one address within the window…
    pub per_window: i64,
    /// …of this length.
    pub window_ms: i64,
}

impl Default for VerifyLimits {
    /// 30 requests per 10 minutes: a person checking a pile of printed copies by hand stays under it.
    fn default() -> Self {
        Self {
            per_window: 30,
            window_ms: 10 * 60 * 1000,
        }
    }
}

/// The default storage quota of an agency: 50 GiB (a year of a large department's scans is ~20 GiB).
pub const DEFAULT_AGENCY_QUOTA_MB: i64 = 50 * 1024;

impl Default for Config {
    fn default() -> Self {
        Self {
            static_dir: None,
            trust_proxy_headers: false,
            secure_cookies: false,
            login_limits: LoginLimits::default(),
            trust_anchors: Vec::new(),
            agency_quota_mb: DEFAULT_AGENCY_QUOTA_MB,
            public_url: None,
            verify_limits: VerifyLimits::default(),
            tsa_url: None,
            crls: Vec::new(),
            retimestamp_margin_days: DEFAULT_RETIMESTAMP_MARGIN_DAYS,
            ca_dir: None,
            crl_files: Vec::new(),
            crl_urls: Vec::new(),
            remote_signing: None,
            metrics_token: None,
        }
    }
}

/// Reads every `*.pem` of `dir` (sorted by name); a missing directory means no trust anchors.
pub fn load_trust_anchors(dir: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(vec![]);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pem"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let pem = std::fs::read_to_string(&p)?;
        // Refuse a broken anchor at start-up rather than silently trusting less.
        shared::pki::certs_from_pem_or_der(pem.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        out.push(pem);
    }
    Ok(out)
}

/// Reads every `*.crl` of `dir` (sorted by name, DER or PEM); a missing directory means none.
pub fn load_crls(dir: &std::path::Path) -> anyhow::Result<Vec<shared::pki::X509Crl>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(vec![]);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "crl"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            shared::pki::crl_from_pem_or_der(&std::fs::read(p)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        })
        .collect()
}

/// How failed sign-ins slow further attempts (counted in a sliding window, see `routes::auth`).
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Failures of one account from one address before each further attempt waits.
    pub free_tries: i64,
    /// The first wait; each further failure doubles it…
    pub first_delay_ms: i64,
    /// …up to this.
    pub max_delay_ms: i64,
    /// Distinct accounts failing from one address before that address waits out the window.
    pub accounts_per_address: i64,
    /// Failures of one account from everywhere before only addresses with no failure of their own may try it
    /// (a distributed guess is slowed; its owner at a clean address still signs in).
    pub account_under_attack: i64,
    pub window_ms: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            free_tries: 3,
            first_delay_ms: 5_000,
            max_delay_ms: 15 * 60 * 1000,
            accounts_per_address: 20,
            account_under_attack: 50,
            window_ms: 15 * 60 * 1000,
        }
    }
}

impl LoginLimits {
    /// How long one account must wait at one address after `failures` failures there.
    pub fn pair_delay_ms(&self, failures: i64) -> i64 {
        if failures < self.free_tries {
            return 0;
        }
        let doublings = (failures - self.free_tries).min(30) as u32;
        self.first_delay_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_ms)
    }
}

/// The default SQLite URL for a data directory.
pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("vanban.db").display())
}
