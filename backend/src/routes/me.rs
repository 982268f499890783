//! The signed-in user's own account: who am I, change my password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::auth::{ChangePasswordRequest, SessionResponse};

use crate::app::AppState;
use crate::auth::{Session, hash_password_async, verify_password_async};
use crate::error::{AppError, AppResult};
use crate::extract::ApiJson;

pub async fn get_me(session: Session) -> Json<SessionResponse> {
    Json(SessionResponse {
        user: session.record.user,
        csrf_token: session.record.csrf_token,
    })
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    let user = session.user();
    let login = state
        .store
        .find_login(&user.username)
        .await?
        .ok_or(AppError::NotFound("Không tìm thấy tài khoản."))?;
    if req.current_password.chars().count() > shared::auth::MAX_LOGIN_PASSWORD
        || !verify_password_async(login.password_hash, req.current_password.clone()).await?
    {
        return Err(AppError::field(
            "current_password",
            "Mật khẩu hiện tại không đúng.",
        ));
    }
    if req.new_password.expose() == req.current_password {
        return Err(AppError::field(
            "new_password",
            "Mật khẩu mới phải khác mật khẩu hiện tại.",
        ));
    }
    crate::password::check_new_password(req.new_password.expose(), &user.username, &user.full_name)
        .map_err(|reason| AppError::field("new_password", reason))?;
    let hash = hash_password_async(req.new_password.expose().to_string()).await?;
    state
        .store
        .change_password(&session.actor(), user.id, hash, &session.record.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
