//! Remote signing (ký số từ xa, issue 17): the person's provider identifier and credentials, and the requests
//! the browser makes while signing (`crate::csc::relay` drives them).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::remote_signing::{
    RemoteSignatureDto, RemoteSignatureRequest, RemoteSigningDto, RemoteSigningIdRequest,
};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, IdPath};

/// The longest identifier at a provider.
const MAX_ID: usize = 64;

/// `GET /api/me/remote-signing`: the provider, the person's identifier and credentials there. A provider that
/// does not answer is reported in `problem`, not as an error: the rest of the keys page still works.
pub async fn get_remote_signing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<RemoteSigningDto>> {
    Ok(Json(
        crate::csc::relay::overview(&state, session.user().id).await?,
    ))
}

/// `PUT /api/me/remote-signing`: sets the person's identifier at the provider (empty clears it).
pub async fn set_remote_signing_id(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<RemoteSigningIdRequest>,
) -> AppResult<Json<RemoteSigningDto>> {
    let value = req.user_id.trim();
    // Identifiers at providers are numbers (citizen ID), account names or e-mail addresses: a closed set of
    // characters keeps invisible and direction-changing characters out of what the provider and audit show.
    if value.chars().count() > MAX_ID
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@+-".contains(c))
    {
        return Err(AppError::field(
            "user_id",
            format!(
                "Mã định danh tại nhà cung cấp gồm tối đa {MAX_ID} ký tự: chữ không dấu, số và . _ @ + -."
            ),
        ));
    }
    let user_id = session.user().id;
    state
        .store
        .set_remote_signing_id(
            &session.actor(),
            user_id,
            (!value.is_empty()).then_some(value),
        )
        .await?;
    Ok(Json(crate::csc::relay::overview(&state, user_id).await?))
}

/// `POST /api/me/remote-signing/signatures`: asks the provider; 202 with the request, pending.
pub async fn request_remote_signature(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<RemoteSignatureRequest>,
) -> AppResult<(StatusCode, Json<RemoteSignatureDto>)> {
    let user = session.user();
    let dto =
        crate::csc::relay::start(&state, session.actor(), user.id, &user.username, req).await?;
    Ok((StatusCode::ACCEPTED, Json(dto)))
}

/// `GET /api/me/remote-signing/signatures/{id}`: how one of the person's requests stands (404 for others').
pub async fn get_remote_signature(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<RemoteSignatureDto>> {
    state
        .store
        .remote_signature(session.user().id, id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound(
            "Không tìm thấy yêu cầu ký số từ xa này.",
        ))
}
