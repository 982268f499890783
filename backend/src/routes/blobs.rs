//! `PUT /api/blobs/{sha256}`: files enter the system here, streamed into the content-addressed blob store
//! with the upload limit enforced while the bytes arrive.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;

use crate::app::{AppState, MAX_UPLOAD};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::store::AgencyStorage;

const TOO_LARGE: &str = "Tệp quá lớn: mỗi tệp tối đa 300 MiB. Hãy giảm độ phân giải bản quét hoặc tách thành nhiều tệp.";

/// Why reading an upload's body stopped before its end.
#[derive(Debug, thiserror::Error)]
enum UploadStopped {
    #[error("the upload is larger than {MAX_UPLOAD} bytes")]
    TooLarge,
    #[error("the upload would exceed the agency's storage quota")]
    OverQuota,
    #[error("the request body could not be read: {0}")]
    Body(axum::Error),
}

/// `PUT /api/blobs/{sha256}`: the raw bytes of a file; stored only when they hash to the name.
pub async fn put_blob(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(sha256): Path<String>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> AppResult<Json<serde_json::Value>> {
    use futures_util::StreamExt;
    if !shared::blob::is_sha256(&sha256) {
        return Err(AppError::BadRequest(
            "Địa chỉ tải lên phải là mã SHA-256 (64 chữ số hex thường) của tệp.".into(),
        ));
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream");
    if media_type != "application/pdf" {
        return Err(AppError::BadRequest(
            "Chỉ nhận tệp PDF (Content-Type: application/pdf).".into(),
        ));
    }
    // The limit holds while streaming: a declared length over it is refused before a byte is read, and a body
    // that runs past it stops the write at once (the temporary file is removed by the blob store).
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD as u64) {
        return Err(AppError::PayloadTooLarge(TOO_LARGE));
    }
    // The agency's quota: bytes already stored cost nothing more (content-addressed), so only new bytes count.
    let agency = session.user().agency.id;
    let mut room = u64::MAX;
    if !state.store.blob_known(&sha256).await? {
        let storage = state.store.agency_storage(agency).await?;
        let quota = storage.quota_bytes(state.config.agency_quota_mb);
        room = quota.saturating_sub(storage.used_bytes).max(0) as u64;
        if declared.is_some_and(|n| n > room) {
            return Err(quota_exceeded(&storage, state.config.agency_quota_mb));
        }
    }
    let mut received = 0u64;
    let stream = body.into_data_stream().map(move |chunk| match chunk {
        Ok(bytes) => {
            received += bytes.len() as u64;
            if received > MAX_UPLOAD as u64 {
                Err(std::io::Error::other(UploadStopped::TooLarge))
            } else if received > room {
                Err(std::io::Error::other(UploadStopped::OverQuota))
            } else {
                Ok(bytes)
            }
        }
        Err(e) => Err(std::io::Error::other(UploadStopped::Body(e))),
    });
    let mut reader = tokio_util::io::StreamReader::new(stream);
    let blob = match state.blobs.put(&mut reader, Some(&sha256)).await {
        Ok(b) => b,
        Err(crate::blob::BlobError::HashMismatch { .. }) => {
            return Err(AppError::field(
                "sha256",
                "Nội dung nhận được không khớp mã băm: tệp bị thay đổi hoặc tải lên bị lỗi. Hãy tải lên lại.",
            ));
        }
        Err(crate::blob::BlobError::Io(e)) => {
            return Err(
                match e.get_ref().and_then(|i| i.downcast_ref::<UploadStopped>()) {
                    Some(UploadStopped::TooLarge) => AppError::PayloadTooLarge(TOO_LARGE),
                    Some(UploadStopped::OverQuota) => {
                        let storage = state.store.agency_storage(agency).await?;
                        quota_exceeded(&storage, state.config.agency_quota_mb)
                    }
                    Some(UploadStopped::Body(cause)) => {
                        // The client's fault (a cut connection, a malformed chunked body): one line, no backtrace.
                        tracing::info!(error = %cause, "upload body unreadable");
                        AppError::BadRequest(
                        "Dữ liệu tải lên bị ngắt giữa chừng hoặc sai định dạng; hãy tải lên lại.".into(),
                    )
                    }
                    None => AppError::Internal(e.into()),
                },
            );
        }
        Err(e) => return Err(e.into()),
    };
    state
        .store
        .record_blob(&blob.sha256, blob.size as i64, media_type, session.user())
        .await?;
    // The bytes were already there and unused, and the sweep removed them between our write and our record:
    // forget the row just made (unless a document took it meanwhile) and have the browser send the file again.
    if !state.blobs.exists(&blob.sha256).await? {
        state
            .store
            .forget_blob(&blob.sha256, i64::MAX, || async { Ok(()) })
            .await?;
        return Err(AppError::Unavailable {
            message: "Tệp vừa được dọn khỏi kho lưu trữ trong lúc tải lên; hãy tải lên lại.".into(),
            retry_after_secs: 1,
        });
    }
    Ok(Json(
        serde_json::json!({"sha256": blob.sha256, "size": blob.size}),
    ))
}

fn quota_exceeded(storage: &AgencyStorage, default_mb: i64) -> AppError {
    let mib = |b: i64| b / (1024 * 1024);
    AppError::QuotaExceeded(format!(
        "Cơ quan đã dùng {} MiB trong hạn mức lưu trữ {} MiB; tệp này vượt hạn mức. Hãy liên hệ quản trị hệ thống để nâng hạn mức.",
        mib(storage.used_bytes),
        mib(storage.quota_bytes(default_mb))
    ))
}
