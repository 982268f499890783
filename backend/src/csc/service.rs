//! `vanban csc serve`: a small remote signing provider speaking the CSC API v2 over demo keys, for `make run`
//! and the tests. It holds one credential (an RSA key and its certificate from the demo CA) per configured
//! person, signs in the integrator with HTTP Basic (`auth/login`), and asks the person in the implicit mode:
//! `credentials/authorize` answers 202 with a handle, and the approval happens on `/phone/{userID}`, a page
//! that plays the provider's app (approve or refuse). `credentials/authorizeCheck` then answers the SAD (200),
//! `access_denied` (refused) or `expired_token` (not approved within the window). A SAD is good once, for the
//! credential and the hashes it was asked for (SCAL2).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::json;
use shared::pdf::cms::RsaSigner;

use super::wire;

/// One person's key at the provider.
pub struct Credential {
    pub id: String,
    /// The person's identifier (CSC `userID`).
    pub user_id: String,
    pub signer: RsaSigner,
}

/// The provider: its name, the integrator's client credentials, the people's credentials, how long a person
/// has to approve.
pub struct Provider {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub credentials: Vec<Credential>,
    pub approval_window: Duration,
    state: Mutex<Sessions>,
}

#[derive(Default)]
struct Sessions {
    tokens: Vec<String>,
    approvals: HashMap<String, Approval>,
    /// SAD → (credential, hashes it is good for).
    sads: HashMap<String, (String, Vec<String>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Decision {
    Waiting,
    Approved,
    Refused,
}

struct Approval {
    credential_id: String,
    user_id: String,
    hashes: Vec<String>,
    description: String,
    asked: Instant,
    decision: Decision,
}

impl Provider {
    pub fn new(
        name: String,
        client_id: String,
        client_secret: String,
        credentials: Vec<Credential>,
        approval_window: Duration,
    ) -> Self {
        Self {
            name,
            client_id,
            client_secret,
            credentials,
            approval_window,
            state: Mutex::new(Sessions::default()),
        }
    }

    fn credential(&self, id: &str) -> Option<&Credential> {
        self.credentials.iter().find(|c| c.id == id)
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type Shared = Arc<Provider>;

/// The provider's routes: the CSC API under `/csc/v2/` and the phone under `/phone/`.
pub fn router(provider: Shared) -> Router {
    Router::new()
        .route("/csc/v2/info", post(info))
        .route("/csc/v2/auth/login", post(login))
        .route("/csc/v2/credentials/list", post(list))
        .route("/csc/v2/credentials/info", post(credential_info))
        .route("/csc/v2/credentials/authorize", post(authorize))
        .route("/csc/v2/credentials/authorizeCheck", post(authorize_check))
        .route("/csc/v2/signatures/signHash", post(sign_hash))
        .route("/phone/{user}", get(phone))
        .route("/phone/{user}/pending", get(pending))
        .route("/phone/approvals/{handle}/{decision}", post(decide))
        .with_state(provider)
}

fn error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

fn bad(description: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn random_token() -> String {
    let mut bytes = [0u8; 18];
    let _ = getrandom::fill(&mut bytes);
    shared::hex(&bytes)
}

/// The bearer token of a signed-in integrator, or the 401 to answer.
/// An answer that ends a call early (boxed: a `Response` is large).
type Early = Box<Response>;

fn signed_in(p: &Provider, headers: &HeaderMap) -> Result<(), Early> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !token.is_empty() && p.sessions().tokens.iter().any(|t| t == token) {
        Ok(())
    } else {
        Err(Box::new(error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Thiếu hoặc sai access token",
        )))
    }
}

/// What every CSC call but `info` and `auth/login` starts with: a signed-in integrator and a JSON body.
fn signed_in_body<T: serde::de::DeserializeOwned>(
    p: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Early> {
    signed_in(p, headers)?;
    json_body(body)
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Early> {
    serde_json::from_slice(body)
        .map_err(|e| Box::new(bad(&format!("Thân yêu cầu không hợp lệ: {e}"))))
}

async fn info(State(p): State<Shared>) -> Json<serde_json::Value> {
    Json(json!({
        "specs": "2.0.0.2",
        "name": p.name,
        "logo": "",
        "region": "VN",
        "lang": "vi",
        "description": "Dịch vụ ký số từ xa thử nghiệm của vanban (khóa demo, không có giá trị pháp lý)",
        "authType": ["basic"],
        "methods": ["auth/login", "credentials/list", "credentials/info", "credentials/authorize",
                    "credentials/authorizeCheck", "signatures/signHash"],
    }))
}

async fn login(State(p): State<Shared>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| B64.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok());
    let expected = format!("{}:{}", p.client_id, p.client_secret);
    if given.as_deref() != Some(expected.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Sai mã hoặc mật khẩu của hệ thống tích hợp",
        );
    }
    let token = random_token();
    let mut s = p.sessions();
    if s.tokens.len() > 1000 {
        s.tokens.remove(0);
    }
    s.tokens.push(token.clone());
    Json(json!({ "access_token": token, "token_type": "Bearer", "expires_in": 3600 }))
        .into_response()
}

fn credential_json(c: &Credential, with_id: bool) -> serde_json::Value {
    use der::Encode;
    let certificates: Vec<String> = c
        .signer
        .certificates
        .iter()
        .filter_map(|cert| cert.to_der().ok())
        .map(|der| B64.encode(der))
        .collect();
    let mut v = json!({
        "key": { "status": "enabled", "algo": [wire::OID_RSA], "len": 2048 },
        "cert": {
            "status": "valid",
            "certificates": certificates,
            "subjectDN": shared::pki::subject_names(&c.signer.certificates[0]).0,
        },
        "auth": { "mode": "implicit" },
        "SCAL": "2",
        "multisign": 1,
        "lang": "vi",
    });
    if with_id {
        v["credentialID"] = json!(c.id);
    }
    v
}

async fn list(State(p): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let req: serde_json::Value = match signed_in_body(&p, &headers, &body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let Some(user) = req.get("userID").and_then(|v| v.as_str()) else {
        return bad("Thiếu userID");
    };
    let mine: Vec<&Credential> = p.credentials.iter().filter(|c| c.user_id == user).collect();
    let mut out = json!({ "credentialIDs": mine.iter().map(|c| c.id.clone()).collect::<Vec<_>>() });
    if req.get("credentialInfo").and_then(|v| v.as_bool()) == Some(true) {
        out["credentialInfos"] = mine.iter().map(|c| credential_json(c, true)).collect();
    }
    Json(out).into_response()
}

async fn credential_info(
    State(p): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req: wire::InfoRequest = match signed_in_body(&p, &headers, &body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    match p.credential(&req.credential_id) {
        Some(c) => Json(credential_json(c, false)).into_response(),
        None => bad("credentialID không hợp lệ"),
    }
}

async fn authorize(
    State(p): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req: wire::AuthorizeRequest = match signed_in_body(&p, &headers, &body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let Some(c) = p.credential(&req.credential_id) else {
        return bad("credentialID không hợp lệ");
    };
    if req.hash_algorithm_oid != wire::OID_SHA256 {
        return bad("Chỉ hỗ trợ SHA-256");
    }
    if req.hashes.is_empty()
        || req.hashes.len() != req.num_signatures as usize
        || req
            .hashes
            .iter()
            .any(|h| B64.decode(h).map(|d| d.len()) != Ok(32))
    {
        return bad("hashes phải gồm numSignatures mã băm SHA-256 (base64)");
    }
    let handle = random_token();
    let user_id = c.user_id.clone();
    p.sessions().approvals.insert(
        handle.clone(),
        Approval {
            credential_id: req.credential_id,
            user_id,
            hashes: req.hashes,
            description: req.description.chars().take(200).collect(),
            asked: Instant::now(),
            decision: Decision::Waiting,
        },
    );
    (StatusCode::ACCEPTED, Json(json!({ "handle": handle }))).into_response()
}

async fn authorize_check(
    State(p): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req: wire::AuthorizeCheckRequest = match signed_in_body(&p, &headers, &body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let mut s = p.sessions();
    let Some(a) = s.approvals.get(&req.handle) else {
        return bad("handle không hợp lệ");
    };
    match a.decision {
        Decision::Refused => {
            s.approvals.remove(&req.handle);
            error(
                StatusCode::BAD_REQUEST,
                "access_denied",
                "Người dùng đã từ chối yêu cầu ký",
            )
        }
        Decision::Waiting if a.asked.elapsed() > p.approval_window => {
            s.approvals.remove(&req.handle);
            error(
                StatusCode::BAD_REQUEST,
                "expired_token",
                "Người dùng không duyệt trong thời gian cho phép",
            )
        }
        Decision::Waiting => (StatusCode::ACCEPTED, Json(json!({}))).into_response(),
        Decision::Approved => {
            let a = s.approvals.remove(&req.handle).expect("present");
            let sad = random_token();
            s.sads.insert(sad.clone(), (a.credential_id, a.hashes));
            Json(json!({ "SAD": sad, "expiresIn": 300 })).into_response()
        }
    }
}

async fn sign_hash(
    State(p): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req: wire::SignHashRequest = match signed_in_body(&p, &headers, &body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    // A SAD is good once, for its credential and hashes.
    let Some((credential_id, hashes)) = p.sessions().sads.remove(&req.sad) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "SAD không hợp lệ hoặc đã dùng",
        );
    };
    if credential_id != req.credential_id || req.hashes.iter().any(|h| !hashes.contains(h)) {
        return bad("SAD không dùng được cho credentialID hoặc mã băm này");
    }
    if req.hash_algorithm_oid != wire::OID_SHA256
        || (req.sign_algo != wire::OID_RSA && req.sign_algo != wire::OID_SHA256_WITH_RSA)
    {
        return bad("Chỉ hỗ trợ RSA PKCS#1 v1.5 với SHA-256");
    }
    let Some(c) = p.credential(&credential_id) else {
        return bad("credentialID không hợp lệ");
    };
    let mut signatures = Vec::new();
    for h in &req.hashes {
        let Ok(digest) = B64.decode(h) else {
            return bad("Mã băm không phải base64");
        };
        match c.signer.sign_sha256_digest(&digest) {
            Ok(sig) => signatures.push(B64.encode(sig)),
            Err(_) => return bad("Không ký được mã băm này"),
        }
    }
    Json(json!({ "signatures": signatures })).into_response()
}

fn waiting(p: &Provider, user: &str) -> Vec<(String, String, String, u64)> {
    let s = p.sessions();
    let mut out: Vec<(String, String, String, u64)> = s
        .approvals
        .iter()
        .filter(|(_, a)| {
            a.user_id == user
                && a.decision == Decision::Waiting
                && a.asked.elapsed() <= p.approval_window
        })
        .map(|(h, a)| {
            (
                h.clone(),
                a.credential_id.clone(),
                a.description.clone(),
                p.approval_window
                    .saturating_sub(a.asked.elapsed())
                    .as_secs(),
            )
        })
        .collect();
    out.sort_by_key(|w| std::cmp::Reverse(w.3));
    out
}

/// `GET /phone/{userID}/pending`: what waits for the person's approval (JSON, for tests and scripts).
async fn pending(State(p): State<Shared>, Path(user): Path<String>) -> Json<serde_json::Value> {
    Json(json!(
        waiting(&p, &user)
            .into_iter()
            .map(|(handle, credential, description, seconds_left)| json!({
                "handle": handle, "credential_id": credential, "description": description,
                "seconds_left": seconds_left,
            }))
            .collect::<Vec<_>>()
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /phone/{userID}`: the provider's app, as a page: each request waiting, with Approve and Refuse.
async fn phone(State(p): State<Shared>, Path(user): Path<String>) -> Html<String> {
    let items: String = waiting(&p, &user)
        .into_iter()
        .map(|(handle, _, description, left)| {
            format!(
                "<li><p>{}</p><p class=\"left\">Còn {left} giây</p>\
                 <form method=\"post\" action=\"/phone/approvals/{handle}/approve\"><button class=\"ok\">Đồng ý ký</button></form>\
                 <form method=\"post\" action=\"/phone/approvals/{handle}/refuse\"><button>Từ chối</button></form></li>",
                escape(&description)
            )
        })
        .collect();
    let body = if items.is_empty() {
        "<p>Không có yêu cầu ký nào đang chờ.</p>".to_string()
    } else {
        format!("<ul>{items}</ul>")
    };
    Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"3\"><title>{name} — duyệt ký</title>\
         <style>body{{font-family:sans-serif;margin:1rem;max-width:30rem}}li{{list-style:none;border:1px solid #ccc;\
         border-radius:8px;padding:.75rem;margin:.5rem 0}}button{{font-size:1rem;padding:.6rem 1rem;margin:.25rem 0;\
         width:100%}}.ok{{background:#0a58ca;color:#fff;border:0;border-radius:6px}}.left{{color:#666}}</style></head>\
         <body><h1>{name}</h1><p>Yêu cầu ký của tài khoản <b>{user}</b> (thử nghiệm: đây là ứng dụng của nhà cung cấp).</p>\
         {body}</body></html>",
        name = escape(&p.name),
        user = escape(&user),
    ))
}

/// `POST /phone/approvals/{handle}/approve|refuse`: the person's decision.
async fn decide(
    State(p): State<Shared>,
    Path((handle, decision)): Path<(String, String)>,
) -> Response {
    let decision = match decision.as_str() {
        "approve" => Decision::Approved,
        "refuse" => Decision::Refused,
        _ => return (StatusCode::NOT_FOUND, "Không có thao tác này.").into_response(),
    };
    let user = {
        let mut s = p.sessions();
        let Some(a) = s.approvals.get_mut(&handle) else {
            return (StatusCode::NOT_FOUND, "Yêu cầu ký không còn chờ duyệt.").into_response();
        };
        if a.decision != Decision::Waiting || a.asked.elapsed() > p.approval_window {
            return (
                StatusCode::CONFLICT,
                "Yêu cầu ký đã được xử lý hoặc đã hết hạn.",
            )
                .into_response();
        }
        a.decision = decision;
        a.user_id.clone()
    };
    Redirect::to(&format!("/phone/{user}")).into_response()
}
