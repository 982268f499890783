//! The application: shared state and the router (API, static files, middleware).

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use shared::api;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::blob::BlobStore;
use crate::config::Config;
use crate::error::AppError;
use crate::extract::JSON_LIMIT;
use crate::routes;
use crate::store::Store;

/// What every handler can reach. Holds no per-user state: sessions live in the database, so any number of
/// server instances can serve the same users.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: Arc<Config>,
}

/// Largest file one upload may carry (a scanned document with its appendices).
pub const MAX_UPLOAD: usize = 300 * 1024 * 1024;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route(api::HEALTH, get(routes::health::get_health))
        .route(api::LOGIN, post(routes::auth::login))
        .route(api::LOGOUT, post(routes::auth::logout))
        .route(api::ME, get(routes::me::get_me))
        .route(api::ME_PASSWORD, post(routes::me::change_password))
        .route(api::AGENCIES, get(routes::agencies::list_agencies))
        .route(
            api::AGENCY_UNITS,
            get(routes::agencies::list_units).post(routes::agencies::create_unit),
        )
        .route(api::UNIT, axum::routing::put(routes::agencies::update_unit))
        .route(
            api::USERS,
            get(routes::users::list_users).post(routes::users::create_user),
        )
        .route(
            api::USER,
            get(routes::users::get_user).put(routes::users::update_user),
        )
        .route(api::USER_LOCK, post(routes::users::lock_user))
        .route(api::USER_UNLOCK, post(routes::users::unlock_user))
        .route(
            api::USER_RESET_PASSWORD,
            post(routes::users::reset_password),
        )
        .route(api::AUDIT, get(routes::audit::list_audit))
        .route(api::TRUST_ANCHORS, get(routes::health::get_trust_anchors))
        .route(
            api::BLOB,
            axum::routing::put(routes::outgoing::put_blob).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route(api::COLLEAGUES, get(routes::registers::list_colleagues))
        .route(api::REGISTERS, get(routes::registers::list_registers))
        .route(
            api::REGISTER_ENTRIES,
            get(routes::registers::register_entries),
        )
        .route(
            api::OUTGOING,
            get(routes::outgoing::list_outgoing).post(routes::outgoing::create_outgoing),
        )
        .route(api::OUTGOING_COUNTS, get(routes::outgoing::outgoing_counts))
        .route(
            api::OUTGOING_BATCH_REVIEW,
            post(routes::outgoing::batch_review),
        )
        .route(api::OUTGOING_ONE, get(routes::outgoing::get_outgoing))
        .route(
            api::OUTGOING_SUBMIT,
            post(routes::outgoing::submit_outgoing),
        )
        .route(
            api::OUTGOING_REVIEW,
            post(routes::outgoing::review_outgoing),
        )
        .route(
            api::OUTGOING_NEW_VERSION,
            post(routes::outgoing::new_version),
        )
        .route(api::OUTGOING_SIGN, post(routes::outgoing::sign_outgoing))
        .route(
            api::OUTGOING_RESERVATION,
            post(routes::outgoing::reserve_number).delete(routes::outgoing::release_number),
        )
        .route(api::OUTGOING_ISSUE, post(routes::outgoing::issue_outgoing))
        .route(
            api::OUTGOING_RECALL,
            post(routes::outgoing::recall_outgoing),
        )
        .route(api::OUTGOING_FILE, get(routes::outgoing::get_file))
        .route(api::ARRIVALS, get(routes::outgoing::list_arrivals))
        .route(
            api::DELIVERY_RECALL_ANSWER,
            post(routes::outgoing::answer_recall),
        )
        .route(
            api::INCOMING,
            get(routes::incoming::list_incoming).post(routes::incoming::create_incoming),
        )
        .route(api::INCOMING_COUNTS, get(routes::incoming::incoming_counts))
        .route(api::INCOMING_PREFILL, post(routes::incoming::prefill))
        .route(api::INCOMING_ONE, get(routes::incoming::get_incoming))
        .route(api::INCOMING_VERIFY, get(routes::incoming::verify_incoming))
        .route(
            api::INCOMING_ACCEPT,
            post(routes::incoming::accept_incoming),
        )
        .route(
            api::INCOMING_RETURN,
            post(routes::incoming::return_incoming),
        )
        .route(
            api::INCOMING_FORWARD,
            post(routes::incoming::forward_incoming),
        )
        .route(
            api::INCOMING_ASSIGN,
            post(routes::incoming::assign_incoming),
        )
        .route(
            api::INCOMING_RECALL_ANSWER,
            post(routes::incoming::answer_recall),
        )
        .route(api::INCOMING_FILE, get(routes::incoming::get_file))
        .route(api::QUEUE, get(routes::incoming::queue))
        .route(
            api::ASSIGNMENT_ASSIGN,
            post(routes::incoming::assign_in_unit),
        )
        .route(api::ASSIGNMENT_ACT, post(routes::incoming::act))
        .route(api::ASSIGNMENT_URGE, post(routes::incoming::urge))
        .route(api::DASHBOARD, get(routes::incoming::dashboard))
        .route(
            api::DELEGATIONS,
            get(routes::incoming::list_delegations).post(routes::incoming::create_delegation),
        )
        .route(
            api::DELEGATION,
            axum::routing::delete(routes::incoming::revoke_delegation),
        )
        .route(api::USER_HANDOVER, post(routes::incoming::handover))
        .route(api::EVENTS, get(routes::events::stream_events))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(same_origin_writes))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let app = match &state.config.static_dir {
        Some(dir) => api.merge(crate::assets::static_router(dir)),
        None => api,
    };
    app.layer(CatchPanicLayer::custom(|_| {
        AppError::Internal(anyhow::anyhow!("handler panicked")).into_response()
    }))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ))
    .layer(trace_layer())
    // Outermost: every request gets an id (or keeps a proxy's `x-request-id`), echoed in the response so a
    // person reporting a problem can quote it and it finds the one log line.
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .with_state(state)
}

/// Logs each request once, when its response is ready: request id, method, matched route, status, latency and
/// the signed-in user (recorded by the session extractor). Store spans (`#[tracing::instrument]` on every store
/// method) nest inside it.
fn trace_layer() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    impl Fn(&Request) -> tracing::Span + Clone,
    (),
    impl Fn(&Response, std::time::Duration, &tracing::Span) + Clone,
    (),
    (),
    (),
> {
    TraceLayer::new_for_http()
        .make_span_with(|req: &Request| {
            let route = req
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| req.uri().path().to_owned());
            let request_id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!(
                "request",
                request_id = %request_id,
                method = %req.method(),
                route = %route,
                user_id = tracing::field::Empty,
            )
        })
        .on_request(())
        .on_response(
            |res: &Response, latency: std::time::Duration, _span: &tracing::Span| {
                tracing::info!(
                    status = res.status().as_u16(),
                    latency_ms = latency.as_secs_f64() * 1000.0,
                    "request"
                );
            },
        )
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// A request id made of random bytes (no coordination needed between server instances).
#[derive(Clone, Copy)]
struct MakeRequestUuid;

impl MakeRequestId for MakeRequestUuid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes).ok()?;
        HeaderValue::from_str(&shared::hex(&bytes))
            .ok()
            .map(RequestId::new)
    }
}

async fn api_not_found() -> AppError {
    AppError::NotFound("Không có chức năng này trong API.")
}

async fn method_not_allowed() -> Response {
    let mut resp = AppError::BadRequest("Phương thức HTTP không được hỗ trợ ở địa chỉ này.".into())
        .into_response();
    *resp.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    resp
}

/// Refuses state-changing requests sent by another site. The session cookie is SameSite=Strict and signed-in
/// writes need the CSRF header; this also covers sign-in itself, which has no session yet.
async fn same_origin_writes(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let origin_host = origin.split("://").nth(1).unwrap_or("");
            if origin == "null" || Some(origin_host) != host {
                return AppError::forbidden("Yêu cầu đến từ một trang khác bị từ chối.")
                    .into_response();
            }
        }
    }
    next.run(req).await
}
