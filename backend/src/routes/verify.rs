//! Public verification of printed copies (issue 15), without signing in: what the code printed on a copy says,
//! its original for download, and whether a PDF someone holds is byte for byte an issued original.
//!
//! Anyone may call these routes, so they reveal nothing a code or file does not already prove its holder has:
//! an unknown or malformed code is one `404`, a file that is not an original one `authentic: false`. Every
//! request counts against the caller's address ([`crate::config::VerifyLimits`]), so 60-bit codes cannot be
//! guessed. They take no session and no CSRF token; the same-origin check of writes still applies to the `POST`.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use shared::verification::{PublicSigner, PublicVerification, VerificationCode};

use crate::app::AppState;
use crate::auth::ClientAddr;
use crate::error::{AppError, AppResult};
use crate::store::now_ms;
use crate::store::verification::PublicDocument;

const UNKNOWN_CODE: &str =
    "Không có văn bản nào mang mã xác minh này. Hãy kiểm tra lại mã in trên văn bản.";

/// Counts the request; `429` with `Retry-After` past the limit.
async fn limit(state: &AppState, addr: &str) -> AppResult<()> {
    let limits = state.config.verify_limits;
    let now = now_ms();
    let (count, oldest) = state
        .store
        .count_public_verify(addr, now, now - limits.window_ms)
        .await?;
    if count > limits.per_window {
        let seconds = ((oldest + limits.window_ms - now).max(1000) + 999) / 1000;
        return Err(AppError::RateLimited {
            message: format!(
                "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau {} phút.",
                (seconds + 59) / 60
            ),
            retry_after_secs: seconds as u64,
        });
    }
    Ok(())
}

/// The public answer for an issued document: authentic unless recalled (its signatures were verified when it
/// was issued, and its bytes are content-addressed, so that verdict holds).
fn answer(doc: PublicDocument) -> PublicVerification {
    let date = doc
        .issued_at
        .map(|t| shared::civil_date::CivilDate::of(shared::time::Timestamp(t)));
    PublicVerification {
        authentic: !doc.recalled,
        recalled: doc.recalled,
        number_text: doc.number_text,
        date,
        agency: Some(doc.agency_name),
        subject: Some(doc.subject),
        signers: doc
            .signers
            .into_iter()
            .map(|(name, time)| PublicSigner { name, time })
            .collect(),
        // A recalled document's original is no longer handed out.
        download: match (&doc.code, doc.recalled) {
            (Some(code), false) => Some(shared::api::public_verify_file(code)),
            _ => None,
        },
        issued_at: doc.issued_at.map(shared::time::Timestamp),
    }
}

/// The document of a code as typed, or the one `404`.
async fn by_code(state: &AppState, code: &str) -> AppResult<PublicDocument> {
    let code = VerificationCode::parse(code).ok_or(AppError::NotFound(UNKNOWN_CODE))?;
    state
        .store
        .public_document_by_code(code.as_str())
        .await?
        .ok_or(AppError::NotFound(UNKNOWN_CODE))
}

/// `GET /api/public/verify/{code}`: anyone.
pub async fn verify_code(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
) -> AppResult<Json<PublicVerification>> {
    limit(&state, &addr).await?;
    let doc = by_code(&state, &code).await?;
    Ok(Json(answer(doc)))
}

/// `GET /api/public/verify/{code}/file`: the issued original, byte for byte (anyone; not for a recalled one).
pub async fn download(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    limit(&state, &addr).await?;
    let doc = by_code(&state, &code).await?;
    if doc.recalled {
        return Err(AppError::NotFound(
            "Văn bản này đã bị cơ quan ban hành thu hồi; bản gốc không còn được cung cấp.",
        ));
    }
    let ascii: String = doc
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
        .collect();
    crate::routes::file_response::pdf(
        &state,
        &headers,
        &doc.sha256,
        doc.size,
        Some(format!("attachment; filename=\"{ascii}\"")),
    )
    .await
}

/// `POST /api/public/verify` with a PDF body: anyone. `authentic` only for the exact bytes of an issued original
/// whose signatures verify now.
pub async fn verify_file(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<PublicVerification>> {
    // Counted before the body is read, so a client past its limit cannot make the server take in 300 MiB.
    limit(&state, &addr).await?;
    let pdf = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("application/pdf"));
    if !pdf {
        return Err(AppError::BadRequest(
            "Hãy gửi tệp PDF (Content-Type: application/pdf).".into(),
        ));
    }
    let body: Bytes = axum::body::to_bytes(body, crate::app::MAX_UPLOAD)
        .await
        .map_err(|_| {
            AppError::PayloadTooLarge(
                "Tệp quá lớn hoặc gửi không trọn vẹn (tối đa 300 MiB); hãy gửi lại tệp PDF.",
            )
        })?;
    let sha256 = {
        use sha2::Digest;
        shared::hex(&sha2::Sha256::digest(&body))
    };
    let Some(doc) = state.store.public_document_by_sha256(&sha256).await? else {
        return Ok(Json(PublicVerification::not_authentic()));
    };
    let options =
        crate::signing::options_for(&state.store, &state.config.trust_anchors, &[&body]).await?;
    let signatures_ok = tokio::task::spawn_blocking(move || {
        let verified = crate::signing::Verified::new(&body, &options);
        verified
            .reports
            .is_ok_and(|r| !r.is_empty() && r.iter().all(|s| s.ok))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    if !signatures_ok {
        return Ok(Json(PublicVerification::not_authentic()));
    }
    Ok(Json(answer(doc)))
}
