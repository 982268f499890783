//! Registers (sổ văn bản) of the caller's agency, and the people of that agency (to pick reviewers and
//! signers).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::incoming::IncomingRegisterResponse;
use shared::outgoing::{OutgoingRegisterResponse, RegisterDto};
use shared::user::UserListResponse;

use crate::access;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiQuery, IdPath};
use crate::store::{UserFilter, now_ms};

pub async fn list_registers(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Vec<RegisterDto>>> {
    Ok(Json(
        state.store.list_registers(session.user().agency.id).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntriesQuery {
    year: Option<i32>,
}

/// The entries of a register and year: `OutgoingRegisterResponse` for a register of outgoing documents,
/// `IncomingRegisterResponse` for a register of incoming ones (the caller knows which from `RegisterDto`).
pub async fn register_entries(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> AppResult<Response> {
    let user = session.user();
    let register = state.store.get_register(id).await?;
    if !access::may_open_register(user, register.agency_id) {
        // The same answer as for a register that does not exist.
        return Err(crate::store::StoreError::NotFound.into());
    }
    let year = q.year.unwrap_or_else(|| {
        shared::civil_date::CivilDate::of(shared::time::Timestamp(now_ms())).year
    });
    if !(2000..=9999).contains(&year) {
        return Err(AppError::field("year", "Năm không hợp lệ."));
    }
    // An official sees only the lines of documents they may open.
    let only_for = (!access::sees_whole_register(user)).then_some(user.id);
    if register.direction == "incoming" {
        let rows = state.store.incoming_register(id, year, only_for).await?;
        return Ok(Json(IncomingRegisterResponse {
            register,
            year,
            rows,
        })
        .into_response());
    }
    let rows = state.store.outgoing_register(id, year, only_for).await?;
    Ok(Json(OutgoingRegisterResponse {
        register,
        year,
        rows,
    })
    .into_response())
}

/// The people of the caller's agency who are not locked out.
pub async fn list_colleagues(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<UserListResponse>> {
    let mut users = state
        .store
        .list_users(UserFilter {
            agency_id: Some(session.user().agency.id),
            query: None,
            limit: 2000,
        })
        .await?;
    users.retain(|u| !u.locked);
    for u in &mut users {
        // Colleagues see names, positions and roles; not contact details or sign-in times.
        u.email = None;
        u.phone = None;
        u.last_login_at = None;
    }
    Ok(Json(UserListResponse { users }))
}
