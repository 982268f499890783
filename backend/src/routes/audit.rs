//! The audit log, for administrators: a page of entries as sentences, and the same filters exported as CSV.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use shared::audit::{AuditListResponse, AuditQuery};

use crate::access::AdminScope;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

/// The query of the address, parsed, with the agency narrowed to what the caller may see.
fn scoped_query(session: &crate::auth::Session, raw: Option<&str>) -> Result<AuditQuery, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))?;
    let mut q = AuditQuery::parse(pairs).map_err(|e| AppError::field(&e.param, e.message))?;
    q.agency_id = AdminScope::of(session.user())?.agency_filter(q.agency_id)?;
    Ok(q)
}

pub async fn list_audit(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<AuditListResponse>> {
    let q = scoped_query(&session, raw.as_deref())?;
    let (entries, total) = state.store.search_audit(&q).await?;
    Ok(Json(AuditListResponse {
        entries,
        total,
        page: q.page,
        per_page: q.per_page,
    }))
}

/// Every entry the filters keep (not one page), newest first, as CSV: UTF-8 with a byte-order mark so
/// spreadsheet programs read the Vietnamese letters, RFC 4180 quoting, formulas defused.
pub async fn export_audit_csv(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<impl IntoResponse> {
    // Read back page by page below the last sequence number seen, so entries written meanwhile never shift a page.
    const PAGE: u32 = 2_000;
    let mut q = scoped_query(&session, raw.as_deref())?;
    q.page = 1;
    q.per_page = PAGE;
    let mut out = String::from("\u{feff}");
    out.push_str(&shared::audit::csv_line(shared::audit::CSV_COLUMNS));
    loop {
        let (entries, _) = state.store.search_audit(&q).await?;
        let Some(last) = entries.last().map(|e| e.seq) else {
            break;
        };
        for e in &entries {
            out.push_str(&shared::audit::csv_line([
                e.seq.to_string(),
                e.at.to_iso_vn(),
                e.actor_name.clone().unwrap_or_default(),
                e.actor_username.clone().unwrap_or_default(),
                shared::audit::action_label(&e.action).to_string(),
                e.action.clone(),
                e.sentence.clone(),
                e.target.clone().unwrap_or_default(),
                e.target_name.clone().unwrap_or_default(),
                e.details.clone(),
                e.client_addr.clone().unwrap_or_default(),
                e.hash.clone(),
            ]));
        }
        if entries.len() < PAGE as usize {
            break;
        }
        q.before_seq = Some(last);
    }
    let today = shared::time::Timestamp(crate::store::now_ms()).vn_civil();
    let name = format!(
        "nhat-ky-{:04}-{:02}-{:02}.csv",
        today.year, today.month, today.day
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        out,
    ))
}
