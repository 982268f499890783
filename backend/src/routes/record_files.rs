//! Record files (hồ sơ) of the caller's agency: the catalogue per year, a file with its documents, filing and
//! removing documents, closing, and the archive package whose first download records the hand-over.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::record_file::{
    CreateRecordFileRequest, DocumentKind, RecordFileAction, RecordFileDetailResponse,
    RecordFileDocumentRequest, RecordFileDto, RecordFileListResponse, RecordFileState,
};

use crate::access;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::store::now_ms;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    year: Option<i32>,
    state: Option<String>,
}

/// `GET /api/record-files?year=&state=`: the catalogue of the caller's agency for a year (this year when
/// absent), or with `state` alone every year's files in that state; and how many files are due for hand-over.
pub async fn list_record_files(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<RecordFileListResponse>> {
    let user = session.user();
    let filter = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(RecordFileState::try_from(s.to_string()).map_err(|_| {
            AppError::field("state", "Trạng thái phải là open, closed hoặc handed_over.")
        })?),
        None => None,
    };
    let this_year = shared::civil_date::CivilDate::of(shared::time::Timestamp(now_ms())).year;
    let year = match (q.year, filter) {
        (Some(y), _) => Some(y),
        (None, Some(_)) => None,
        (None, None) => Some(this_year),
    };
    if year.is_some_and(|y| !(2000..=9999).contains(&y)) {
        return Err(AppError::field("year", "Năm phải từ 2000 đến 9999."));
    }
    let agency = user.agency.id;
    let mut items = state.store.record_files(agency, year, filter).await?;
    for f in &mut items {
        f.file.actions = access::record_file_actions(user, f.agency_id, &f.file);
    }
    Ok(Json(RecordFileListResponse {
        year: year.unwrap_or(this_year),
        items: items.into_iter().map(|f| f.file).collect(),
        due_for_handover: state.store.record_files_due(agency, now_ms()).await?,
        may_create: access::may_create_record_file(user).is_ok(),
    }))
}

/// `POST /api/record-files`: a new open file with the next code of the agency's catalogue of that year.
pub async fn create_record_file(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<CreateRecordFileRequest>,
) -> AppResult<(StatusCode, Json<RecordFileDto>)> {
    let user = session.user();
    access::may_create_record_file(user)?;
    req.validate().map_err(|(f, m)| AppError::field(f, m))?;
    let mut file = state.store.create_record_file(user, &req).await?;
    file.file.actions = access::record_file_actions(user, file.agency_id, &file.file);
    Ok((StatusCode::CREATED, Json(file.file)))
}

/// `GET /api/record-files/{id}`: the file and the documents in it the caller may open, in order.
pub async fn get_record_file(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<RecordFileDetailResponse>> {
    let user = session.user();
    let file = access::record_file(&state, user, id).await?;
    let all = state.store.record_file_documents(id).await?;
    let total = all.len() as i64;
    let mut documents = Vec::with_capacity(all.len());
    let staff = access::is_agency_staff(user, file.agency_id);
    for d in all {
        if staff
            || access::may_open_document(&state, user, d.doc.kind, d.doc.id)
                .await
                .is_ok()
        {
            documents.push(d.doc);
        }
    }
    Ok(Json(RecordFileDetailResponse {
        hidden_documents: total - documents.len() as i64,
        file: file.file,
        documents,
    }))
}

/// `POST /api/record-files/{id}/documents`: files a document the caller may open into an open file (or moves
/// it to `position`).
pub async fn add_record_document(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<RecordFileDocumentRequest>,
) -> AppResult<Json<RecordFileDto>> {
    let user = session.user();
    let file = access::record_file(&state, user, id).await?;
    access::may_on_record_file(user, file.agency_id, &file.file, RecordFileAction::Add)?;
    if req.position.is_some() {
        // Choosing a place is arranging the file.
        access::may_on_record_file(user, file.agency_id, &file.file, RecordFileAction::Arrange)?;
    }
    if req.position.is_some_and(|p| p < 1) {
        return Err(AppError::field("position", "Vị trí bắt đầu từ 1."));
    }
    access::may_open_document(&state, user, req.kind, req.id).await?;
    let mut file = state
        .store
        .file_document(user, id, req.kind, req.id, req.position)
        .await?;
    file.file.actions = access::record_file_actions(user, file.agency_id, &file.file);
    Ok(Json(file.file))
}

/// `DELETE /api/record-files/{id}/documents/{kind}/{doc}`: takes a document out of an open file.
pub async fn remove_record_document(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path((id, kind, doc)): Path<(String, String, String)>,
) -> AppResult<Json<RecordFileDto>> {
    let user = session.user();
    let not_found = || AppError::NotFound("Không tìm thấy văn bản trong hồ sơ.");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let doc: i64 = doc.parse().map_err(|_| not_found())?;
    let kind = match kind.as_str() {
        "outgoing" => DocumentKind::Outgoing,
        "incoming" => DocumentKind::Incoming,
        _ => return Err(not_found()),
    };
    let file = access::record_file(&state, user, id).await?;
    access::may_on_record_file(user, file.agency_id, &file.file, RecordFileAction::Arrange)?;
    let mut file = state.store.unfile_document(user, id, kind, doc).await?;
    file.file.actions = access::record_file_actions(user, file.agency_id, &file.file);
    Ok(Json(file.file))
}

/// `POST /api/record-files/{id}/close`.
pub async fn close_record_file(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<RecordFileDto>> {
    let user = session.user();
    let file = access::record_file(&state, user, id).await?;
    access::may_on_record_file(user, file.agency_id, &file.file, RecordFileAction::Close)?;
    let mut file = state.store.close_record_file(user, id).await?;
    file.file.actions = access::record_file_actions(user, file.agency_id, &file.file);
    Ok(Json(file.file))
}

/// `GET /api/record-files/{id}/package`: the archive package (ZIP). The first download of a closed file records
/// its hand-over to the agency archive, after which the file is read-only; a handed-over file downloads again.
pub async fn get_package(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let user = session.user();
    let file = access::record_file(&state, user, id).await?;
    access::may_on_record_file(user, file.agency_id, &file.file, RecordFileAction::HandOver)?;
    state.store.hand_over_record_file(user, id).await?;
    let facts = state.store.record_file_package(id).await?;
    let name = crate::archive::package_name(&facts.file.code);
    let by = facts
        .file
        .handed_over_by
        .as_ref()
        .map(|p| match &p.position {
            Some(pos) => format!("{}, {pos}", p.full_name),
            None => p.full_name.clone(),
        })
        .unwrap_or_else(|| user.full_name.clone());
    let body = crate::archive::stream(facts, by, state.blobs.clone());
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
