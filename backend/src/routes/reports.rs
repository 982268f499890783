//! The six-month report (Điều 24, 25.4): `GET /api/reports/summary`, as JSON, a spreadsheet or a PDF with the
//! same numbers.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::report::{ReportFormat, ReportQuery};
use shared::{ApiError, ErrorCode};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::store::reports::ReportScope;

/// Builds a file off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// The query of the address; a bad one is a 400 naming the parameter.
fn parse(raw: Option<&str>) -> AppResult<ReportQuery> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))?;
    ReportQuery::parse(&pairs).map_err(|e| {
        let mut err = ApiError::field(e.param, e.message);
        err.code = ErrorCode::BadRequest;
        AppError::BadRequestFields(err)
    })
}

/// `GET /api/reports/summary?from=&to=&format=&agency_id=`.
pub async fn summary_report(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = parse(raw.as_deref())?;
    let agency = crate::access::report_agency(session.user(), q.agency_id)?;
    let (start_ms, end_ms) = q.bounds_ms();
    let report = state
        .store
        .summary_report(
            ReportScope {
                agency,
                start_ms,
                end_ms,
            },
            q.from,
            q.to,
            crate::store::now_ms(),
        )
        .await?;
    let name = format!("bao-cao-{}-{}", q.from, q.to);
    let file = |media: &str, ext: &str, bytes: Vec<u8>| {
        (
            [
                (header::CONTENT_TYPE, media.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    };
    Ok(match q.format {
        ReportFormat::Json => Json(report).into_response(),
        ReportFormat::Xlsx => {
            let bytes = blocking(move || crate::report_export::xlsx(&report)).await??;
            file(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                bytes,
            )
        }
        ReportFormat::Pdf => {
            let bytes = blocking(move || crate::report_export::pdf(&report)).await??;
            file("application/pdf", "pdf", bytes)
        }
    })
}
