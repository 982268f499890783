//! The HTTP face of `vanban tsa serve`: RFC 3161 over HTTP (§3.4). A `POST` (to any path) of a DER
//! `TimeStampReq` as `application/timestamp-query` is answered `200 application/timestamp-reply` with a
//! `TimeStampResp`: a token, or a rejection (status 2) whose failInfo says why (a request that is not DER,
//! an unsupported hash, a policy or extension it does not serve). What is not a time-stamp query at all gets
//! a 4xx with a Vietnamese sentence: another method (405), another media type (415), a body over 64 KiB (413).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::pdf::cms::RsaSigner;
use shared::pdf::tsp::{self, Authority, QUERY_MEDIA_TYPE, REPLY_MEDIA_TYPE};

/// The largest request read: a request is about 60 bytes, with extensions a few hundred.
const MAX_REQUEST: usize = 64 * 1024;

/// A time-stamping authority: its key with its certificate chain (the TSA's certificate first) and its policy.
pub struct Tsa {
    pub signer: RsaSigner,
    pub policy: shared::pdf::tsp::ObjectIdentifier,
}

/// The TSA's routes: every path answers time-stamp queries.
pub fn router(tsa: Arc<Tsa>) -> Router {
    Router::new().fallback(answer).with_state(tsa)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

async fn answer(
    State(tsa): State<Arc<Tsa>>,
    method: Method,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "Máy chủ cấp dấu thời gian chỉ nhận yêu cầu POST (RFC 3161).",
        );
    }
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !media_type.starts_with(QUERY_MEDIA_TYPE) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Yêu cầu phải có Content-Type: application/timestamp-query.",
        );
    }
    let Ok(request) = axum::body::to_bytes(body, MAX_REQUEST).await else {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Yêu cầu cấp dấu thời gian quá lớn (tối đa 64 KiB).",
        );
    };
    // Unique per token (RFC 3161 §2.4.2) without shared state: 128 random bits, positive.
    let mut serial = [0u8; 16];
    if getrandom::fill(&mut serial).is_err() {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "Máy chủ cấp dấu thời gian tạm thời không tạo được số hiệu.",
        );
    }
    serial[0] &= 0x7F;
    let now = shared::time::Timestamp(crate::store::now_ms());
    let reply = tokio::task::spawn_blocking(move || {
        let authority = Authority {
            signer: &tsa.signer,
            policy: tsa.policy,
        };
        tsp::respond(&authority, &request, now, &serial)
    })
    .await
    .unwrap_or_else(|_| tsp::system_failure());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, REPLY_MEDIA_TYPE)],
        reply,
    )
        .into_response()
}
