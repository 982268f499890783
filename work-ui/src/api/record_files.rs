//! Record files (hồ sơ, `/ho-so`): the agency's catalogue per year, a file with its documents, filing,
//! arranging and removing documents, closing. The archive package is a plain download link
//! ([`package_url`]), so a large package streams to disk instead of through the page's memory.

use gloo_net::http::Request;
use shared::api;
use shared::record_file::{
    CreateRecordFileRequest, DocumentKind, RecordFileDetailResponse, RecordFileDocumentRequest,
    RecordFileDto, RecordFileListResponse,
};

use super::ApiResult;

/// `GET /api/record-files?year=` (or `?state=open`: the open files of every year).
pub async fn list(year: Option<i32>, state: Option<&str>) -> ApiResult<RecordFileListResponse> {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(y) = year {
        params.push(("year", y.to_string()));
    }
    if let Some(s) = state {
        params.push(("state", s.to_string()));
    }
    client::read(Request::get(api::RECORD_FILES).query(params).build()).await
}

pub async fn create(body: &CreateRecordFileRequest) -> ApiResult<RecordFileDto> {
    client::write(api::RECORD_FILES, body).await
}

pub async fn detail(id: i64) -> ApiResult<RecordFileDetailResponse> {
    client::read(Request::get(&api::path(api::RECORD_FILE, id)).build()).await
}

/// Files a document (at the end, or at `position`), or moves one already in the file.
pub async fn file_document(
    id: i64,
    kind: DocumentKind,
    doc: i64,
    position: Option<i64>,
) -> ApiResult<RecordFileDto> {
    let body = RecordFileDocumentRequest {
        kind,
        id: doc,
        position,
    };
    client::write(&api::path(api::RECORD_FILE_DOCUMENTS, id), &body).await
}

pub async fn unfile_document(id: i64, kind: DocumentKind, doc: i64) -> ApiResult<RecordFileDto> {
    let url = api::path(api::RECORD_FILE_DOCUMENT, id)
        .replace("{kind}", kind.code())
        .replace("{doc}", &doc.to_string());
    client::read(client::delete(&url).await?.build()).await
}

pub async fn close(id: i64) -> ApiResult<RecordFileDto> {
    client::write(
        &api::path(api::RECORD_FILE_CLOSE, id),
        &serde_json::json!({}),
    )
    .await
}

/// The package's address: the browser downloads it (its first download records the hand-over).
pub fn package_url(id: i64) -> String {
    api::path(api::RECORD_FILE_PACKAGE, id)
}
