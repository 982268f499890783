//! The OpenAPI document (`GET /api/openapi.json`) describes exactly the routes the router serves, is served
//! without a session, and is shaped as OpenAPI 3.1 with every reference resolving.

use std::collections::{BTreeSet, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use vanban::app::{AppState, api_routes, router};
use vanban::blob::FsBlobStore;
use vanban::config::Config;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn document() -> Value {
    serde_json::to_value(vanban::openapi::document()).unwrap()
}

/// `(method, path)` of every operation of the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

async fn app() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = vanban::store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    let blobs = Arc::new(FsBlobStore::new(dir.path().join("blobs")).unwrap());
    let state = AppState {
        store,
        blobs,
        config: Arc::new(Config::default()),
    };
    (router(state), dir)
}

async fn send(app: &axum::Router, method: Method, path: &str) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

#[test]
fn every_route_of_the_router_is_documented_and_nothing_else() {
    let routes: BTreeSet<(String, String)> = api_routes()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let documented = documented(&document());
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routes).collect();
    assert!(
        undocumented.is_empty(),
        "routes without an entry in backend/src/openapi.rs: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    assert_eq!(
        routes.len(),
        api_routes().len(),
        "a route is registered twice"
    );
}

#[test]
fn every_path_constant_of_shared_api_is_documented() {
    // A path added to `shared::api` and routed outside the table would escape the comparison above.
    let source = include_str!("../../shared/src/api.rs");
    let documented: HashSet<String> = documented(&document())
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let constants: Vec<&str> = source
        .lines()
        .filter(|l| l.starts_with("pub const ") && l.contains("\"/api/"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert!(
        constants.len() > 40,
        "found {} path constants",
        constants.len()
    );
    for path in constants {
        assert!(documented.contains(path), "{path} is not in the document");
    }
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler_of_the_router() {
    let (app, _dir) = app().await;
    for (method, path) in documented(&document()) {
        let uri = path
            .replace("{sha256}", &"a".repeat(64))
            .replace("{id}", "1")
            .replace("{file}", "1");
        let (status, body) = send(&app, method.parse().unwrap(), &uri).await;
        let text = String::from_utf8_lossy(&body);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !text.contains("Không có chức năng này trong API"),
            "{method} {path} fell through to the API's 404: {text}"
        );
    }
}

#[tokio::test]
async fn the_document_is_served_without_a_session() {
    let (app, _dir) = app().await;
    let (status, body) = send(&app, Method::GET, shared::api::OPENAPI).await;
    assert_eq!(status, StatusCode::OK);
    let served: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(served, document());
}

/// Every `$ref` in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3_1_and_every_reference_resolves() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(schemas.contains_key(name), "{r} does not resolve");
    }
    let mut ids = HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{method} {path}");
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_string()),
                "{at}: id"
            );
            assert!(op["summary"].is_string(), "{at}: summary");
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared: BTreeSet<&str> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(declared, in_path, "{at}: path parameters");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{at}: no success answer"
            );
            for (status, r) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ApiError",
                        "{at} {status}"
                    );
                }
            }
            let security = op.get("security").and_then(Value::as_array);
            let public = matches!(
                path.as_str(),
                "/api/health" | "/api/openapi.json" | "/api/auth/login"
            );
            if public {
                assert!(security.is_none(), "{at}: public");
            } else {
                let s = &security.expect("signed-in operations name the session")[0];
                assert!(s.get("session").is_some(), "{at}");
                assert_eq!(
                    s.get("csrf").is_some(),
                    method != "get",
                    "{at}: csrf on writes"
                );
                assert!(responses.contains_key("401"), "{at}: 401");
            }
        }
    }
}

#[test]
fn enums_and_validated_strings_carry_every_value_and_rule() {
    let doc = document();
    let s = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        s[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum: {}", s[name]))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(values("DocumentType").len(), 29);
    assert!(values("DocumentType").contains(&"quyet_dinh".to_string()));
    assert_eq!(
        values("Urgency"),
        ["normal", "urgent", "very_urgent", "immediate"]
    );
    assert_eq!(
        values("DeliveryStatus"),
        [
            "arrived",
            "rejected",
            "accepted",
            "assigned",
            "processing",
            "completed",
            "recall_requested",
            "recall_agreed",
            "recall_refused"
        ]
    );
    assert_eq!(values("Role").len(), 6);
    assert_eq!(values("OutgoingBucket").len(), 7);
    assert_eq!(values("IncomingBucket").len(), 7);
    assert_eq!(values("OutgoingStatus").len(), 7);
    assert_eq!(values("IncomingStatus").len(), 7);
    assert_eq!(values("ErrorCode").len(), 10);
    assert_eq!(
        s["VersionDto"]["properties"]["kind"]["enum"],
        serde_json::json!(["draft", "signed", "issued"])
    );
    assert_eq!(s["CivilDate"]["format"], "date");
    assert_eq!(s["Timestamp"]["format"], "date-time");
    assert_eq!(s["AgencyCode"]["maxLength"], 35);
    assert_eq!(s["Line500"]["maxLength"], 500);
    assert_eq!(
        s["FileRef"]["properties"]["sha256"]["pattern"],
        "^[0-9a-f]{64}$"
    );
}
