//! The OpenAPI 3.1 document of the JSON API, served at `GET /api/openapi.json` (no sign-in needed).
//!
//! Schemas come from the shared DTOs (`utoipa::ToSchema`, feature `openapi` of `shared`); the operations are
//! described in `paths`, one entry per route of [`crate::app::api_routes`], with who may call, the body or its
//! absence, and every answer the handler gives (`operation` builds each, adding the answers all share). A test
//! compares this document with the router's table, so a route cannot be added without an entry there.
//! docs/API.md keeps the prose and the rules.

mod operation;
mod paths;

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use shared::api;
use utoipa::openapi::schema::ComponentsBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder, Paths};

use shared::auth::SessionResponse;
use shared::incoming::IncomingRegisterResponse;
use shared::live_event::LiveNotice;
use shared::outgoing::OutgoingRegisterResponse;
use shared::{ApiError, ErrorCode};

use operation::{Schemas, reference};

/// Name of the session cookie's security scheme in the document.
const SESSION: &str = "session";
/// Name of the CSRF header's security scheme in the document.
const CSRF: &str = "csrf";

/// The whole document.
pub fn document() -> OpenApi {
    let mut schemas: Schemas = Vec::new();
    let error_schema = reference::<ApiError>(&mut schemas);
    reference::<ErrorCode>(&mut schemas);
    // Referred to only from prose (the SSE data and the register answers).
    reference::<LiveNotice>(&mut schemas);
    reference::<OutgoingRegisterResponse>(&mut schemas);
    reference::<IncomingRegisterResponse>(&mut schemas);
    reference::<SessionResponse>(&mut schemas);

    let mut routes = Paths::new();
    for op in paths::operations() {
        let (method, path) = (op.method.clone(), op.path);
        let (operation, op_schemas) = op.build(&error_schema);
        schemas.extend(op_schemas);
        routes.add_path_operation(path, vec![method], operation);
    }

    let mut components = ComponentsBuilder::new()
        .security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                api::SESSION_COOKIE,
                "The session cookie set by `POST /api/auth/login` (HttpOnly, SameSite=Strict). A session ends \
                 after 12 hours without use or 7 days in all, at sign-out, when the account is locked or its \
                 password reset.",
            ))),
        )
        .security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                api::CSRF_HEADER,
                "The `csrf_token` of the sign-in or `GET /api/me` answer, on every state-changing request \
                 (POST, PUT, PATCH, DELETE) of a session.",
            ))),
        );
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }

    let tags = [
        ("health", "Liveness and this document."),
        ("auth", "Sign-in, sign-out, the signed-in account."),
        ("agencies", "Agencies and their units."),
        ("users", "Accounts, colleagues, handover."),
        ("audit", "The hash-chained audit log."),
        ("pki", "Trust anchors for signature verification."),
        ("files", "Content-addressed uploads."),
        ("registers", "Sổ văn bản."),
        (
            "outgoing",
            "Văn bản đi: drafting, review, signing, numbering, issue, recall.",
        ),
        (
            "arrivals",
            "Documents delivered to the caller's agency, and recall answers.",
        ),
        (
            "incoming",
            "Văn bản đến: registration, forwarding, assignment.",
        ),
        ("assignments", "The handlers' work on incoming documents."),
        ("dashboard", "The leaders' view of open work."),
        (
            "record_files",
            "Hồ sơ: the agency's file catalogue, filing documents, closing, hand-over to the archive (Điều 14).",
        ),
        ("reports", "Báo cáo: the six-month statistics (Điều 24, 25.4)."),
        (
            "delegations",
            "Ủy quyền: assigning and signing for an absent leader.",
        ),
        ("events", "Live events (server-sent)."),
        (
            "public",
            "Xác minh văn bản: anyone, without signing in, checks a printed copy by its code or a file.",
        ),
    ]
    .map(|(name, text)| TagBuilder::new().name(name).description(Some(text)).build());

    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("vanban JSON API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The document-management API of the province. docs/API.md holds the prose and the \
                     rules; this document holds every route, body and answer.\n\n\
                     Bodies are JSON (`application/json`), UTF-8, text stored in Unicode NFC; unknown fields \
                     are refused. Instants are ISO 8601 with the Vietnam offset \
                     (`2026-11-26T12:33:00+07:00`), dates `YYYY-MM-DD`, ids integers. Every non-2xx answer is \
                     an `ApiError`. A known path with another method answers `405` (`bad_request`); an \
                     unknown `/api/…` path `404`. Writes of a signed-in session carry `X-CSRF-Token`; a write \
                     whose `Origin` is another site is refused (`403`).",
                ))
                .build(),
        )
        .paths(routes)
        .components(Some(components.build()))
        .tags(Some(tags))
        .build()
}

/// `GET /api/openapi.json`: the document, built once.
pub async fn get_openapi() -> Response {
    static JSON: OnceLock<String> = OnceLock::new();
    let body = JSON.get_or_init(|| {
        document()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
    });
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}
