//! Server configuration, from the command line or `VANBAN_*` environment variables.

use std::path::PathBuf;

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where the built frontend (trunk's `dist`) is; `None` serves the API only.
    pub static_dir: Option<PathBuf>,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` (only behind a reverse proxy that sets them).
    pub trust_proxy_headers: bool,
    /// Always mark the session cookie `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Sign-in rate limits.
    pub login_limits: LoginLimits,
    /// Certificates (PEM) of the CAs whose signatures are trusted: every `*.pem` of the trust directory.
    pub trust_anchors: Vec<String>,
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

/// Failed sign-ins allowed in a sliding window before further attempts are refused.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_account: i64,
    pub per_address: i64,
    pub window_ms: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window_ms: 15 * 60 * 1000,
        }
    }
}

/// The default SQLite URL for a data directory.
pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("vanban.db").display())
}
