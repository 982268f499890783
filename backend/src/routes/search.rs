//! `GET /api/search`: every document the caller may open that matches a text, best first.

use axum::Json;
use axum::extract::{RawQuery, State};
use shared::error::{ApiError, ErrorCode};
use shared::search::{SearchQuery, SearchResponse};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

/// The search from the raw query of the address; a bad parameter is a 400 naming it, in Vietnamese.
fn parse(raw: Option<&str>) -> AppResult<SearchQuery> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))?;
    SearchQuery::parse(pairs).map_err(|e| {
        let mut err = ApiError::field(e.param, e.message);
        err.code = ErrorCode::BadRequest;
        AppError::BadRequestFields(err)
    })
}

/// `GET /api/search?q=…`: one page of results and their total. Visibility is the store's SQL form of the access
/// module's rules (`store::search`), so a document the caller may not open is neither listed nor counted.
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<SearchResponse>> {
    let q = parse(raw.as_deref())?;
    let (items, total) = state.store.search(session.user(), &q).await?;
    Ok(Json(SearchResponse {
        items,
        total,
        page: q.list.page,
        per_page: q.list.per_page,
    }))
}
