//! The application: shared state and the router (API, static files, middleware).

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
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

/// One route of the JSON API: a method, a path of [`shared::api`] and its handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

impl ApiRoute {
    /// Accepts bodies up to `limit` bytes instead of the JSON limit (uploads).
    fn with_body_limit(mut self, limit: usize) -> Self {
        self.handler = self.handler.layer(DefaultBodyLimit::max(limit));
        self
    }
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> ApiRoute
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
    ApiRoute {
        method,
        path,
        handler: on(filter, handler),
    }
}

/// Every route of the JSON API. The router is built from this table, and the OpenAPI test compares it with
/// the published document (`crate::openapi`), so a route cannot be added without being documented.
pub fn api_routes() -> Vec<ApiRoute> {
    const GET: Method = Method::GET;
    const POST: Method = Method::POST;
    const PUT: Method = Method::PUT;
    const DELETE: Method = Method::DELETE;
    vec![
        route(GET, api::HEALTH, routes::health::get_health),
        route(POST, api::LOGIN, routes::auth::login),
        route(POST, api::LOGOUT, routes::auth::logout),
        route(GET, api::ME, routes::me::get_me),
        route(POST, api::ME_PASSWORD, routes::me::change_password),
        route(GET, api::AGENCIES, routes::agencies::list_agencies),
        route(GET, api::AGENCY_UNITS, routes::agencies::list_units),
        route(POST, api::AGENCY_UNITS, routes::agencies::create_unit),
        route(GET, api::AGENCY_STORAGE, routes::agencies::get_storage),
        route(
            PUT,
            api::AGENCY_STORAGE,
            routes::agencies::set_storage_quota,
        ),
        route(PUT, api::UNIT, routes::agencies::update_unit),
        route(GET, api::USERS, routes::users::list_users),
        route(POST, api::USERS, routes::users::create_user),
        route(GET, api::USER, routes::users::get_user),
        route(PUT, api::USER, routes::users::update_user),
        route(POST, api::USER_LOCK, routes::users::lock_user),
        route(POST, api::USER_UNLOCK, routes::users::unlock_user),
        route(
            POST,
            api::USER_RESET_PASSWORD,
            routes::users::reset_password,
        ),
        route(GET, api::AUDIT, routes::audit::list_audit),
        route(GET, api::AUDIT_EXPORT, routes::audit::export_audit_csv),
        route(GET, api::TRUST_ANCHORS, routes::health::get_trust_anchors),
        route(
            GET,
            api::ME_CERTIFICATES,
            routes::certificates::list_my_certificates,
        ),
        route(
            POST,
            api::ME_CERTIFICATES,
            routes::certificates::present_certificate,
        ),
        route(
            POST,
            api::ME_CERTIFICATE_REQUESTS,
            routes::certificates::submit_certificate_request,
        ),
        route(
            GET,
            api::ME_REMOTE_SIGNING,
            routes::remote_signing::get_remote_signing,
        ),
        route(
            PUT,
            api::ME_REMOTE_SIGNING,
            routes::remote_signing::set_remote_signing_id,
        ),
        route(
            POST,
            api::ME_REMOTE_SIGNATURES,
            routes::remote_signing::request_remote_signature,
        ),
        route(
            GET,
            api::ME_REMOTE_SIGNATURE,
            routes::remote_signing::get_remote_signature,
        ),
        route(
            GET,
            api::ADMIN_CERTIFICATES,
            routes::certificates::list_certificates,
        ),
        route(
            POST,
            api::ADMIN_CERTIFICATES,
            routes::certificates::register_certificate,
        ),
        route(
            POST,
            api::ADMIN_CERTIFICATE_REVOKE,
            routes::certificates::revoke_certificate,
        ),
        route(
            GET,
            api::ADMIN_REVOCATION_SOURCES,
            routes::certificates::list_revocation_sources,
        ),
        route(PUT, api::BLOB, routes::blobs::put_blob).with_body_limit(MAX_UPLOAD),
        route(GET, api::COLLEAGUES, routes::registers::list_colleagues),
        route(GET, api::REGISTERS, routes::registers::list_registers),
        route(
            GET,
            api::REGISTER_ENTRIES,
            routes::registers::register_entries,
        ),
        route(
            GET,
            api::REGISTER_EXPORT,
            routes::printouts::export_register,
        ),
        route(GET, api::OUTGOING, routes::outgoing::list_outgoing),
        route(POST, api::OUTGOING, routes::outgoing::create_outgoing),
        route(GET, api::OUTGOING_COUNTS, routes::outgoing::outgoing_counts),
        route(
            POST,
            api::OUTGOING_BATCH_REVIEW,
            routes::outgoing::batch_review,
        ),
        route(GET, api::OUTGOING_ONE, routes::outgoing::get_outgoing),
        route(
            GET,
            api::OUTGOING_HISTORY_PDF,
            routes::printouts::outgoing_history_pdf,
        ),
        route(PUT, api::OUTGOING_ONE, routes::outgoing::edit_outgoing),
        route(
            POST,
            api::OUTGOING_SUBMIT,
            routes::outgoing::submit_outgoing,
        ),
        route(
            POST,
            api::OUTGOING_REVIEW,
            routes::outgoing::review_outgoing,
        ),
        route(
            POST,
            api::OUTGOING_NEW_VERSION,
            routes::outgoing::new_version,
        ),
        route(POST, api::OUTGOING_SIGN, routes::outgoing::sign_outgoing),
        route(
            POST,
            api::OUTGOING_RESERVATION,
            routes::outgoing::reserve_number,
        ),
        route(
            DELETE,
            api::OUTGOING_RESERVATION,
            routes::outgoing::release_number,
        ),
        route(POST, api::OUTGOING_ISSUE, routes::outgoing::issue_outgoing),
        route(
            POST,
            api::OUTGOING_RECALL,
            routes::outgoing::recall_outgoing,
        ),
        route(GET, api::OUTGOING_FILE, routes::outgoing::get_file),
        route(GET, api::ARRIVALS, routes::outgoing::list_arrivals),
        route(
            POST,
            api::DELIVERY_RECALL_ANSWER,
            routes::outgoing::answer_recall,
        ),
        route(GET, api::SEARCH, routes::search::search),
        route(GET, api::INCOMING, routes::incoming::list_incoming),
        route(POST, api::INCOMING, routes::incoming::create_incoming),
        route(GET, api::INCOMING_COUNTS, routes::incoming::incoming_counts),
        route(POST, api::INCOMING_PREFILL, routes::incoming::prefill),
        route(GET, api::INCOMING_ONE, routes::incoming::get_incoming),
        route(
            GET,
            api::INCOMING_HISTORY_PDF,
            routes::printouts::incoming_history_pdf,
        ),
        route(GET, api::INCOMING_VERIFY, routes::incoming::verify_incoming),
        route(
            POST,
            api::INCOMING_ACCEPT,
            routes::incoming::accept_incoming,
        ),
        route(
            POST,
            api::INCOMING_RETURN,
            routes::incoming::return_incoming,
        ),
        route(
            POST,
            api::INCOMING_FORWARD,
            routes::incoming::forward_incoming,
        ),
        route(
            POST,
            api::INCOMING_ASSIGN,
            routes::incoming::assign_incoming,
        ),
        route(POST, api::INCOMING_CLOSE, routes::incoming::close_incoming),
        route(
            POST,
            api::INCOMING_RECALL_ANSWER,
            routes::incoming::answer_recall,
        ),
        route(GET, api::INCOMING_FILE, routes::incoming::get_file),
        route(GET, api::QUEUE, routes::incoming::queue),
        route(
            POST,
            api::ASSIGNMENT_ASSIGN,
            routes::incoming::assign_in_unit,
        ),
        route(POST, api::ASSIGNMENT_ACT, routes::incoming::act),
        route(POST, api::ASSIGNMENT_URGE, routes::incoming::urge),
        route(GET, api::DASHBOARD, routes::incoming::dashboard),
        route(GET, api::REPORTS_SUMMARY, routes::reports::summary_report),
        route(GET, api::DELEGATIONS, routes::incoming::list_delegations),
        route(POST, api::DELEGATIONS, routes::incoming::create_delegation),
        route(DELETE, api::DELEGATION, routes::incoming::revoke_delegation),
        route(POST, api::USER_HANDOVER, routes::incoming::handover),
        route(GET, api::EVENTS, routes::events::stream_events),
        route(
            GET,
            api::NOTIFICATIONS,
            routes::notifications::list_notifications,
        ),
        route(
            POST,
            api::NOTIFICATIONS_READ,
            routes::notifications::mark_notifications_read,
        ),
        route(
            GET,
            api::RECORD_FILES,
            routes::record_files::list_record_files,
        ),
        route(
            POST,
            api::RECORD_FILES,
            routes::record_files::create_record_file,
        ),
        route(GET, api::RECORD_FILE, routes::record_files::get_record_file),
        route(
            POST,
            api::RECORD_FILE_DOCUMENTS,
            routes::record_files::add_record_document,
        ),
        route(
            DELETE,
            api::RECORD_FILE_DOCUMENT,
            routes::record_files::remove_record_document,
        ),
        route(
            POST,
            api::RECORD_FILE_CLOSE,
            routes::record_files::close_record_file,
        ),
        route(
            GET,
            api::RECORD_FILE_PACKAGE,
            routes::record_files::get_package,
        ),
        route(GET, api::OPENAPI, crate::openapi::get_openapi),
        route(GET, api::PUBLIC_VERIFY_CODE, routes::verify::verify_code),
        route(GET, api::PUBLIC_VERIFY_FILE, routes::verify::download),
        route(POST, api::PUBLIC_VERIFY, routes::verify::verify_file).with_body_limit(MAX_UPLOAD),
        // Packets from peer systems (issue 16): a document packet carries its files, so the upload limit.
        route(
            POST,
            api::EXCHANGE_PACKETS,
            routes::exchange::receive_exchange_packet,
        )
        .with_body_limit(MAX_UPLOAD),
        route(
            GET,
            api::EXCHANGE_PEERS,
            routes::exchange::list_exchange_peers,
        ),
        route(
            PUT,
            api::EXCHANGE_PEERS,
            routes::exchange::save_exchange_peer,
        ),
        route(
            GET,
            api::EXCHANGE_QUEUE,
            routes::exchange::list_exchange_packets,
        ),
        route(
            POST,
            api::EXCHANGE_RETRY,
            routes::exchange::retry_exchange_packet,
        ),
    ]
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let api = api_routes()
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_origin_writes,
        ))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    // The CA's CRL is fetched by verifiers anywhere (no session, no CSRF, cacheable): outside the JSON API.
    let api = api
        .route(
            api::CA_CRL,
            axum::routing::get(routes::certificates::get_ca_crl),
        )
        // What the proxy and the monitoring ask (routes/ops.rs).
        .route(api::HEALTH_LIVE, axum::routing::get(routes::ops::live))
        .route(api::HEALTH_READY, axum::routing::get(routes::ops::ready))
        .route(api::METRICS, axum::routing::get(routes::ops::get_metrics));
    let app = match &state.config.static_dir {
        Some(dir) => api.merge(crate::assets::static_router(dir)),
        None => api,
    };
    app.layer(middleware::from_fn_with_state(
        state.clone(),
        strict_transport,
    ))
    .layer(CatchPanicLayer::custom(|_| {
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
    // Counted per matched route (never the raw path: ids would multiply the series) for `GET /metrics`.
    .layer(middleware::from_fn(count_request))
    // One line per request when its response is ready: request id, method, matched route, status, latency
    // and the signed-in user (recorded by the session extractor); store spans nest inside it.
    .layer(
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
            .on_failure(()),
    )
    // Outermost: every request gets an id (or keeps a proxy's `x-request-id`), echoed in the response so a
    // person reporting a problem can quote it and it finds the one log line.
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .with_state(state)
}

async fn count_request(req: Request, next: middleware::Next) -> Response {
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    crate::metrics::record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
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
/// writes need the CSRF header; this also covers sign-in itself, which has no session yet. The origin must
/// match in scheme and host: `http://host` is another origin than `https://host` (a network attacker can serve
/// the plain one).
async fn same_origin_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
            let scheme = if crate::auth::is_tls(req.headers(), &state) {
                "https"
            } else {
                "http"
            };
            let ours = host.map(|h| format!("{scheme}://{h}"));
            if !ours.is_some_and(|o| o.eq_ignore_ascii_case(origin)) {
                return AppError::forbidden("Yêu cầu đến từ một trang khác bị từ chối.")
                    .into_response();
            }
        }
    }
    next.run(req).await
}

/// `Strict-Transport-Security` on every response of a server reached over TLS (`VANBAN_SECURE_COOKIES`): a
/// browser that has seen the site once never again tries it over plain HTTP.
async fn strict_transport(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if state.config.secure_cookies {
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}
