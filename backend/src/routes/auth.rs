//! Sign-in and sign-out, with rate limiting per account and per client address.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse};
use shared::auth::{LoginRequest, MAX_LOGIN_PASSWORD, SessionResponse};

use crate::app::AppState;
use crate::auth::{
    ClientAddr, SESSION_MAX_MS, Session, clear_session_cookie, dummy_hash, is_tls, random_token,
    session_cookie, session_id, signed_in_hint_cookie, verify_password_async,
};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;
use crate::store::{Actor, NewSession, now_ms};

const WRONG_CREDENTIALS: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client_addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<impl IntoResponse> {
    let username = req.username.trim().to_lowercase();
    if username.is_empty() {
        return Err(AppError::field("username", "Vui lòng nhập tên đăng nhập."));
    }
    if username.chars().count() > 50 {
        return Err(AppError::field(
            "username",
            "Tên đăng nhập dài tối đa 50 ký tự.",
        ));
    }
    if req.password.is_empty() {
        return Err(AppError::field("password", "Vui lòng nhập mật khẩu."));
    }
    if req.password.chars().count() > MAX_LOGIN_PASSWORD {
        return Err(AppError::field("password", "Mật khẩu quá dài."));
    }

    let limits = state.config.login_limits;
    let now = now_ms();
    let actor = Actor {
        id: None,
        username: Some(username.clone()),
        client_addr: Some(client_addr),
    };
    let failed = state
        .store
        .count_failed_logins(
            &username,
            actor.client_addr.as_deref().unwrap_or(""),
            now - limits.window_ms,
        )
        .await?;
    if let Some((reason, wait_ms)) = throttled(&limits, &failed, now) {
        state.store.record_throttled_login(&actor, reason).await?;
        let seconds = (wait_ms + 999) / 1000;
        let when = if seconds < 120 {
            format!("{seconds} giây")
        } else {
            format!("{} phút", (seconds + 59) / 60)
        };
        return Err(AppError::RateLimited {
            message: format!(
                "Bạn đã đăng nhập sai nhiều lần. Vì an toàn, vui lòng thử lại sau {when} \
                 hoặc liên hệ quản trị viên."
            ),
            retry_after_secs: seconds as u64,
        });
    }

    let login = state.store.find_login(&username).await?;
    let hash = login
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |l| l.password_hash.clone());
    let password_ok = verify_password_async(hash, req.password).await?;
    let login = match login {
        Some(login) if password_ok => login,
        other => {
            let reason = if other.is_some() {
                "wrong_password"
            } else {
                "unknown_user"
            };
            state
                .store
                .record_failed_login(&actor, other.as_ref(), reason)
                .await?;
            let left = limits.free_tries - failed.by_pair - 1;
            let message = if (1..=2).contains(&left) {
                format!("{WRONG_CREDENTIALS} Sau {left} lần sai nữa, mỗi lần thử phải chờ lâu dần.")
            } else {
                WRONG_CREDENTIALS.to_string()
            };
            return Err(AppError::Unauthenticated(message.into()));
        }
    };
    if login.locked {
        state
            .store
            .record_failed_login(&actor, Some(&login), "locked")
            .await?;
        return Err(AppError::forbidden(
            "Tài khoản của bạn đang bị khóa. Vui lòng liên hệ quản trị viên của cơ quan.",
        ));
    }

    let token = random_token(32);
    let csrf_token = random_token(32);
    let actor = Actor {
        id: Some(login.user_id),
        ..actor
    };
    let session = NewSession {
        id: session_id(&token),
        csrf_token: csrf_token.clone(),
        expires_at: now + SESSION_MAX_MS,
    };
    state.store.start_session(&actor, &login, session).await?;
    let user = state.store.get_user(login.user_id).await?;
    let secure = is_tls(&headers, &state);
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, session_cookie(&token, secure)),
            (header::SET_COOKIE, signed_in_hint_cookie(true, secure)),
        ]),
        Json(SessionResponse { user, csrf_token }),
    ))
}

/// Whether this attempt must wait, why (for the audit log) and for how long. Failures count per account *and*
/// address: the owner typing the right password at their own desk is never held back by someone else guessing
/// elsewhere, nor by colleagues behind the same office address mistyping their own passwords.
fn throttled(
    limits: &crate::config::LoginLimits,
    failed: &crate::store::FailedLogins,
    now: i64,
) -> Option<(&'static str, i64)> {
    let delay = limits.pair_delay_ms(failed.by_pair);
    if let Some(last) = failed.pair_last_at
        && last + delay > now
    {
        return Some(("account_and_address", last + delay - now));
    }
    let address_wait = failed
        .address_oldest_at
        .map_or(limits.window_ms, |t| t + limits.window_ms - now)
        .max(1000);
    if failed.accounts_from_address >= limits.accounts_per_address {
        return Some(("address_tries_many_accounts", address_wait));
    }
    if failed.by_account >= limits.account_under_attack && failed.by_pair > 0 {
        return Some(("account_under_attack", delay.max(limits.first_delay_ms)));
    }
    None
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
) -> AppResult<impl IntoResponse> {
    state
        .store
        .end_session(&session.actor(), &session.record.id)
        .await?;
    let secure = is_tls(&headers, &state);
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([
            (header::SET_COOKIE, clear_session_cookie(secure)),
            (header::SET_COOKIE, signed_in_hint_cookie(false, secure)),
        ]),
    ))
}
