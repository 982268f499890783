//! Sign-in and sign-out, with rate limiting per account and per client address.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse};
use shared::auth::{LoginRequest, MAX_LOGIN_PASSWORD, SessionResponse};

use crate::app::AppState;
use crate::auth::{
    ClientAddr, SESSION_MAX_MS, Session, clear_session_cookie, dummy_hash, is_tls, random_token,
    session_cookie, session_id, verify_password_async,
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
    let failed = state
        .store
        .count_failed_logins(&username, &client_addr, now - limits.window_ms)
        .await?;
    if failed.by_account >= limits.per_account || failed.by_address >= limits.per_address {
        let retry_ms = failed
            .oldest_at
            .map_or(limits.window_ms, |t| t + limits.window_ms - now)
            .max(1000);
        let minutes = (retry_ms + 59_999) / 60_000;
        return Err(AppError::RateLimited {
            message: format!(
                "Bạn đã đăng nhập sai quá nhiều lần. Vì an toàn, vui lòng thử lại sau {minutes} phút \
                 hoặc liên hệ quản trị viên."
            ),
            retry_after_secs: (retry_ms / 1000) as u64,
        });
    }

    let actor = Actor {
        id: None,
        username: Some(username.clone()),
        client_addr: Some(client_addr),
    };
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
            let left = limits.per_account - failed.by_account - 1;
            let message = if (1..=2).contains(&left) {
                format!(
                    "{WRONG_CREDENTIALS} Bạn còn {left} lần thử trước khi bị tạm khóa đăng nhập."
                )
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
    let cookie = session_cookie(&token, is_tls(&headers, &state));
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Json(SessionResponse { user, csrf_token }),
    ))
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
    let cookie = clear_session_cookie(is_tls(&headers, &state));
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, cookie)]),
    ))
}
