//! What a proxy and a monitoring system ask an instance, outside the JSON API (no session, no CSRF):
//! `GET /health/live` (the process answers), `GET /health/ready` (it can serve: the database and the blob store
//! answer and it is not draining, [`crate::lifecycle`]) and `GET /metrics` (Prometheus, [`crate::metrics`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::AppState;

/// `GET /health/live`: 200 while the process answers (a proxy or supervisor restarts it otherwise).
pub async fn live() -> Response {
    (StatusCode::OK, axum::Json(json!({"status": "live"}))).into_response()
}

/// The blob store answers: a lookup of a name no upload has.
async fn blob_store_up(state: &AppState) -> bool {
    // An object store that accepts the connection and never answers must not hold the probe past the proxy's
    // check timeout.
    matches!(
        tokio::time::timeout(
            std::time::Duration::from_secs(3),
            state.blobs.exists(&"0".repeat(64))
        )
        .await,
        Ok(Ok(_))
    )
}

/// `GET /health/ready`: 200 `{"status":"ready",…}` when the database and the blob store answer and the instance
/// is not draining; otherwise 503 with `"status": "draining"` or `"unavailable"` and which check failed, so the
/// proxy sends requests to the other instances.
pub async fn ready(State(state): State<AppState>) -> Response {
    let database = state.store.ping().await.is_ok();
    let blob_store = blob_store_up(&state).await;
    let draining = crate::lifecycle::draining();
    let status = if draining {
        "draining"
    } else if database && blob_store {
        "ready"
    } else {
        "unavailable"
    };
    let code = if status == "ready" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({"status": status, "database": database, "blob_store": blob_store});
    (
        code,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

/// Whether `req` may read the metrics: straight from this host (loopback, and not relayed by a proxy, which
/// would make every visitor look local), or with `VANBAN_METRICS_TOKEN` as its bearer token when one is set.
fn may_read_metrics(state: &AppState, req: &Request) -> bool {
    if let Some(token) = state
        .config
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return true;
        }
    }
    let relayed = req.headers().contains_key("x-forwarded-for")
        || req.headers().contains_key(header::FORWARDED);
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    loopback && !relayed
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics`: the Prometheus exposition text, or 403 with a sentence.
pub async fn get_metrics(State(state): State<AppState>, req: Request) -> Response {
    if !may_read_metrics(&state, &req) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Chỉ đọc được số liệu vận hành từ chính máy chủ, hoặc với mã VANBAN_METRICS_TOKEN.\n",
        )
            .into_response();
    }
    let store = state.store.gauges().await;
    let database_up = store.is_ok();
    let store = store.unwrap_or(crate::store::ops::StoreGauges {
        pool_size: 0,
        pool_idle: 0,
        exchange_outbox: 0,
        remote_signatures_pending: 0,
    });
    let gauges = crate::metrics::Gauges {
        pool_size: store.pool_size,
        pool_idle: store.pool_idle,
        database_up,
        blob_store_up: blob_store_up(&state).await,
        exchange_outbox: store.exchange_outbox,
        remote_signatures_pending: store.remote_signatures_pending,
    };
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        crate::metrics::render(&gauges),
    )
        .into_response()
}
