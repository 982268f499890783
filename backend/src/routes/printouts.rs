//! Server-made downloads built with [`crate::print`]: a register as PDF or XLSX
//! (`GET /api/registers/{id}/export`) and a document's audited history as PDF (`GET /api/outgoing/{id}/history.pdf`,
//! `GET /api/incoming/{id}/history.pdf`).

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::civil_date::CivilDate;
use shared::time::Timestamp;
use shared::{ApiError, ErrorCode};

use crate::access;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::IdPath;
use crate::print::history::HistorySheet;
use crate::print::register::{RegisterSheet, incoming_line, outgoing_line};
use crate::store::now_ms;

const PDF: &str = "application/pdf";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Builds a file off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// A download: `filename` is plain ASCII (every client), `display` the Vietnamese name (RFC 6266 `filename*`).
fn download(media: &str, filename: &str, display: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = display
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A 400 naming the parameter at fault.
fn bad(param: &str, message: &str) -> AppError {
    let mut err = ApiError::field(param, message);
    err.code = ErrorCode::BadRequest;
    AppError::BadRequestFields(err)
}

/// What `GET /api/registers/{id}/export` was asked for.
#[derive(Debug)]
struct ExportQuery {
    year: i32,
    xlsx: bool,
    from: Option<CivilDate>,
    to: Option<CivilDate>,
}

fn parse_export(raw: Option<&str>) -> AppResult<ExportQuery> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| AppError::BadRequest("Tham số truy vấn không hợp lệ.".into()))?;
    let (mut year, mut format, mut from, mut to) = (None, None, None, None);
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "year" => &mut year,
            "format" => &mut format,
            "from" => &mut from,
            "to" => &mut to,
            _ => return Err(bad(&k, &format!("Tham số «{k}» không được hỗ trợ."))),
        };
        if slot.replace(v).is_some() {
            return Err(bad(&k, &format!("Tham số «{k}» chỉ được ghi một lần.")));
        }
    }
    let year = year
        .as_deref()
        .map(str::trim)
        .filter(|y| y.len() == 4)
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (2000..=9999).contains(y))
        .ok_or_else(|| {
            bad(
                "year",
                "Năm phải là số có 4 chữ số từ 2000 (vd. year=2026).",
            )
        })?;
    let xlsx = match format.as_deref() {
        Some("pdf") => false,
        Some("xlsx") => true,
        _ => {
            return Err(bad(
                "format",
                "Định dạng phải là pdf hoặc xlsx (vd. format=pdf).",
            ));
        }
    };
    let date = |name: &str, v: Option<String>| -> AppResult<Option<CivilDate>> {
        let Some(v) = v.filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        let d = CivilDate::parse(&v).map_err(|m| bad(name, m))?;
        if d.year != year {
            return Err(bad(name, &format!("Ngày phải thuộc năm {year} của sổ.")));
        }
        Ok(Some(d))
    };
    let (from, to) = (date("from", from)?, date("to", to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(bad("to", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."));
    }
    Ok(ExportQuery {
        year,
        xlsx,
        from,
        to,
    })
}

/// `GET /api/registers/{id}/export?year=&format=pdf|xlsx[&from=&to=]`: the register of NĐ 30 Phụ lục IV as a
/// file, with the lines the caller may see (all of them, or only their own).
pub async fn export_register(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = parse_export(raw.as_deref())?;
    let user = session.user();
    let register = state.store.get_register(id).await?;
    if !access::may_open_register(user, register.agency_id) {
        // The same answer as for a register that does not exist.
        return Err(crate::store::StoreError::NotFound.into());
    }
    let only_for = (!access::sees_whole_register(user)).then_some(user.id);
    let within = |d: CivilDate| q.from.is_none_or(|f| d >= f) && q.to.is_none_or(|t| d <= t);
    let incoming = register.direction == "incoming";
    let lines: Vec<_> = if incoming {
        state
            .store
            .incoming_register(id, q.year, only_for)
            .await?
            .iter()
            .filter(|r| within(CivilDate::of(r.received_at)))
            .map(incoming_line)
            .collect()
    } else {
        state
            .store
            .outgoing_register(id, q.year, only_for)
            .await?
            .iter()
            .filter(|r| within(r.date))
            .map(outgoing_line)
            .collect()
    };
    let agency = state.store.get_agency(register.agency_id).await?;
    let (rows, numbers) = lines.into_iter().unzip();
    let sheet = RegisterSheet {
        incoming,
        agency: agency.name,
        name: register.name,
        year: q.year,
        from: q.from,
        to: q.to,
        only_for: only_for.map(|_| user.full_name.clone()),
        rows,
        numbers,
        made_at: Timestamp(now_ms()),
    };
    let display = sheet.display_name(if q.xlsx { "xlsx" } else { "pdf" });
    if q.xlsx {
        let name = sheet.filename("xlsx");
        let bytes = blocking(move || sheet.xlsx())
            .await?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
        return Ok(download(XLSX, &name, &display, bytes));
    }
    let name = sheet.filename("pdf");
    let bytes = blocking(move || sheet.pdf())
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("pdf: {e}")))?;
    Ok(download(PDF, &name, &display, bytes))
}

/// `GET /api/outgoing/{id}/history.pdf`: the outgoing document's audited history, for whoever may open it.
pub async fn outgoing_history_pdf(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let user = session.user();
    let doc = access::outgoing(&state, user, id).await?;
    let entries = state
        .store
        .document_audit_trail(&format!("outgoing:{id}"))
        .await?;
    let sheet = HistorySheet {
        kind: "văn bản đi",
        agency: doc.agency_name,
        number: doc.number_text,
        subject: doc.subject,
        entries,
        made_at: Timestamp(now_ms()),
        made_by: user.full_name.clone(),
    };
    history_download(sheet, "di", id).await
}

/// `GET /api/incoming/{id}/history.pdf`: the incoming document's audited history, for whoever may open it.
pub async fn incoming_history_pdf(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let user = session.user();
    let doc = state.store.get_incoming(user, id).await?;
    let entries = state
        .store
        .document_audit_trail(&format!("incoming:{id}"))
        .await?;
    let agency = state.store.get_agency(doc.agency_id).await?;
    let sheet = HistorySheet {
        kind: "văn bản đến",
        agency: agency.name,
        number: Some(doc.code_text).filter(|c| !c.is_empty()),
        subject: doc.subject,
        entries,
        made_at: Timestamp(now_ms()),
        made_by: user.full_name.clone(),
    };
    history_download(sheet, "den", id).await
}

async fn history_download(sheet: HistorySheet, kind: &str, id: i64) -> AppResult<Response> {
    let display = format!("Lịch sử {} {id}.pdf", sheet.kind);
    let bytes = blocking(move || sheet.pdf())
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("pdf: {e}")))?;
    Ok(download(
        PDF,
        &HistorySheet::filename(kind, id),
        &display,
        bytes,
    ))
}
