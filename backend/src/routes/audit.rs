//! The audit log, for administrators.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::audit::AuditListResponse;

use crate::access::AdminScope;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::ApiQuery;
use crate::store::AuditFilter;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    agency_id: Option<i64>,
    before_seq: Option<i64>,
    limit: Option<i64>,
}

pub async fn list_audit(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<AuditListResponse>> {
    let agency_id = AdminScope::of(session.user())?.agency_filter(q.agency_id)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let entries = state
        .store
        .list_audit(AuditFilter {
            agency_id,
            before_seq: q.before_seq,
            limit,
        })
        .await?;
    Ok(Json(AuditListResponse { entries }))
}
