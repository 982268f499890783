//! Sessions and who is calling: password hashing (argon2id), session tokens, the session extractors with
//! their CSRF check, and the client address used for rate limiting and the audit log.

use std::net::SocketAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use sha2::{Digest, Sha256};
use shared::api::{CSRF_HEADER, SESSION_COOKIE, SIGNED_IN_HINT_COOKIE};
use shared::user::UserDto;

use crate::app::AppState;
use crate::error::AppError;
use crate::store::{Actor, SessionRecord, now_ms};

/// A session ends after this long without use…
pub const SESSION_IDLE_MS: i64 = 12 * 3600 * 1000;
/// …and after this long in any case.
pub const SESSION_MAX_MS: i64 = 7 * 24 * 3600 * 1000;
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid params"),
    )
}

/// Hashes a password with argon2id and a random salt (PHC string). CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

/// Whether `password` matches the PHC hash. CPU-heavy: call from a blocking task.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// At most this many argon2 computations run at once in this process: one per core. Each takes 19 MiB and a
/// core for tens of milliseconds; a morning's sign-ins arriving together must queue here rather than run side by
/// side on hundreds of blocking threads (measured: 10,000 people signing in over 15 minutes took three instances
/// to 5 GB each and every request to tens of seconds, `docs/BENCHMARKS.md`).
fn hashing_gate() -> &'static tokio::sync::Semaphore {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    GATE.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// How long a sign-in waits for its turn before it is told to try again (503).
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

static HASHING_NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static HASHING_MOST: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The most argon2 computations that ran at once in this process so far (tests, metrics).
pub fn most_hashing_at_once() -> usize {
    HASHING_MOST.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `work` on a blocking thread once the gate lets it through.
async fn gated<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    use std::sync::atomic::Ordering;
    let permit = tokio::time::timeout(HASHING_WAIT, hashing_gate().acquire())
        .await
        .map_err(|_| AppError::Unavailable {
            message: "Hệ thống đang xử lý rất nhiều lượt đăng nhập cùng lúc; vui lòng thử lại sau vài giây.".into(),
            retry_after_secs: 5,
        })?
        .map_err(|e| AppError::Internal(e.into()))?;
    let result = tokio::task::spawn_blocking(move || {
        let now = HASHING_NOW.fetch_add(1, Ordering::Relaxed) + 1;
        HASHING_MOST.fetch_max(now, Ordering::Relaxed);
        let out = work();
        HASHING_NOW.fetch_sub(1, Ordering::Relaxed);
        out
    })
    .await
    .map_err(|e| AppError::Internal(e.into()));
    drop(permit);
    result
}

/// Runs [`hash_password`] off the async workers, through the gate.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    gated(move || hash_password(&password))
        .await?
        .map_err(AppError::Internal)
}

/// Runs [`verify_password`] off the async workers, through the gate.
pub async fn verify_password_async(hash: String, password: String) -> Result<bool, AppError> {
    gated(move || verify_password(&hash, &password)).await
}

/// A hash of a password nobody has, verified when the account does not exist so that a wrong name takes as
/// long as a wrong password and does not reveal which accounts exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("không có tài khoản này 0").expect("hashing works"))
}

/// 32 random bytes, URL-safe base64: session tokens, CSRF tokens, temporary passwords.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A temporary password people can read aloud and type: 12 characters from an alphabet without look-alikes
/// (no 0/O, 1/l/I), always with letters and digits.
pub fn temporary_password() -> String {
    const LETTERS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut buf = [0u8; 12];
    getrandom::fill(&mut buf).expect("the OS random source works");
    buf.iter()
        .enumerate()
        .map(|(i, b)| {
            // Positions 4 and 9 are digits, the rest letters: policy-compliant by construction.
            if i == 4 || i == 9 {
                DIGITS[*b as usize % DIGITS.len()] as char
            } else {
                LETTERS[*b as usize % LETTERS.len()] as char
            }
        })
        .collect()
}

/// The database id of a session token: its SHA-256 in hex. A stolen database does not yield live cookies.
pub fn session_id(token: &str) -> String {
    shared::hex(&Sha256::digest(token.as_bytes()))
}

/// The session token from the `Cookie` header, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (name, value) = c.trim().split_once('=')?;
            (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_string())
        })
}

/// The `Set-Cookie` value that opens a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_MAX_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value of the page-readable hint that a session may exist (no secret in it), set and
/// cleared with the session cookie.
pub fn signed_in_hint_cookie(signed_in: bool, secure: bool) -> String {
    let (value, age) = if signed_in {
        ("1", SESSION_MAX_MS / 1000)
    } else {
        ("", 0)
    };
    format!(
        "{SIGNED_IN_HINT_COOKIE}={value}; SameSite=Strict; Path=/; Max-Age={age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the request reached us over TLS (directly or, when proxy headers are trusted, at the proxy).
pub fn is_tls(parts_headers: &HeaderMap, state: &AppState) -> bool {
    state.config.secure_cookies
        || (state.config.trust_proxy_headers
            && parts_headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"))
}

/// The client's address: the TCP peer, or the last hop of `X-Forwarded-For` when a trusted proxy sets it.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(client_addr(parts, state))
    }
}

fn client_addr(parts: &Parts, state: &AppState) -> ClientAddr {
    if state.config.trust_proxy_headers
        && let Some(last) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return ClientAddr(last.chars().take(64).collect());
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    ClientAddr(peer.unwrap_or_else(|| "unknown".to_string()))
}

/// A signed-in session, whether or not its password must still be changed. On state-changing methods the
/// CSRF header has been checked.
#[derive(Debug, Clone)]
pub struct Session {
    pub record: SessionRecord,
    pub client_addr: String,
}

impl Session {
    pub fn user(&self) -> &UserDto {
        &self.record.user
    }

    /// The actor for audit entries.
    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.record.user.id),
            username: Some(self.record.user.username.clone()),
            client_addr: Some(self.client_addr.clone()),
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let not_signed_in =
            AppError::Unauthenticated("Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn.".into());
        let token = session_token(&parts.headers).ok_or(not_signed_in)?;
        let now = now_ms();
        let record = state
            .store
            .find_session(&session_id(&token), now, SESSION_IDLE_MS)
            .await?
            .ok_or_else(|| {
                AppError::Unauthenticated(
                    "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.".into(),
                )
            })?;
        // The request's one log line (see `app::trace_layer`) names who made it.
        tracing::Span::current().record("user_id", record.user.id);
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), record.csrf_token.as_bytes()) {
                return Err(AppError::forbidden(
                    "Yêu cầu thiếu mã chống giả mạo (CSRF) hoặc mã không đúng. Vui lòng tải lại trang.",
                ));
            }
        }
        if now - record.last_seen_at > TOUCH_EVERY_MS {
            state.store.touch_session(&record.id, now).await?;
        }
        Ok(Session {
            record,
            client_addr: client_addr(parts, state).0,
        })
    }
}

/// A signed-in user who may work: the session is live and no password change is pending.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.user().must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(CurrentUser(session))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("Mật khẩu 2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "Mật khẩu 2026"));
        assert!(!verify_password(&h, "mật khẩu 2026"));
        assert!(!verify_password("not a hash", "x"));
    }

    /// Forty sign-ins at once: all are answered, and never more argon2 computations run together than there
    /// are cores (without the gate, all forty ran at once on blocking threads: 40 × 19 MiB).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_crowd_of_sign_ins_hashes_one_per_core_at_a_time() {
        let h = hash_password("Mật khẩu 2026").unwrap();
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let h = h.clone();
                tokio::spawn(async move {
                    verify_password_async(
                        h,
                        if i % 2 == 0 {
                            "Mật khẩu 2026"
                        } else {
                            "sai"
                        }
                        .into(),
                    )
                    .await
                })
            })
            .collect();
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap().unwrap(), i % 2 == 0);
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(most_hashing_at_once() >= 1);
        assert!(
            most_hashing_at_once() <= cores,
            "{} at once on {cores} cores",
            most_hashing_at_once()
        );
    }

    #[test]
    fn temporary_passwords_meet_the_password_rules() {
        for _ in 0..100 {
            let p = temporary_password();
            assert!(shared::user::NewPassword::parse(&p).is_ok(), "{p}");
        }
        assert_ne!(temporary_password(), temporary_password());
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; vanban_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(session_token(&h).as_deref(), Some("abc"));
        h.insert(header::COOKIE, "vanban_session=".parse().unwrap());
        assert_eq!(session_token(&h), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(session_cookie("t", true).ends_with("; Secure"));
    }
}
