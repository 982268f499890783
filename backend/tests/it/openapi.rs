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
    let source = include_str!("../../../shared/src/api.rs");
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
            ) || path.starts_with("/api/public/")
                // Peers authenticate each request with HMAC headers, not a session (issue 16).
                || path == shared::api::EXCHANGE_PACKETS;
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
    assert_eq!(values("ErrorCode").len(), 13);
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

// docs/API.md carries the types of the document as tables (between the markers below), rendered from the same
// schemas, so an integrator reads every field and value without the source. `VANBAN_BLESS=1 cargo test -p
// backend --test openapi` rewrites the section after a DTO changes.
const TYPES_BEGIN: &str =
    "<!-- types: generated from the OpenAPI schemas by backend/tests/it/openapi.rs -->";
const TYPES_END: &str = "<!-- /types -->";

fn anchor(name: &str) -> String {
    format!("[`{name}`](#{})", name.to_lowercase())
}

fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// A schema as a short type expression.
fn type_of(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return anchor(r.rsplit('/').next().unwrap());
    }
    if let Some(items) = s.get("oneOf").and_then(Value::as_array) {
        return items.iter().map(type_of).collect::<Vec<_>>().join(" \\| ");
    }
    let types: Vec<&str> = match &s["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let one = |t: &str| -> String {
        match t {
            "array" => match (s.get("prefixItems"), s.get("items")) {
                (Some(Value::Array(prefix)), _) => format!(
                    "[{}]",
                    prefix.iter().map(type_of).collect::<Vec<_>>().join(", ")
                ),
                (_, Some(items)) => {
                    let n = match (&s["minItems"], &s["maxItems"]) {
                        (Value::Number(a), Value::Number(b)) if a == b => format!(" × {a}"),
                        _ => String::new(),
                    };
                    format!("[{}{n}]", type_of(items))
                }
                _ => "array".into(),
            },
            "string" => {
                if let Some(values) = s.get("enum").and_then(Value::as_array) {
                    return values
                        .iter()
                        .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(" \\| ");
                }
                let mut out = "string".to_string();
                if let Some(f) = s["format"].as_str() {
                    out = format!("string ({f})");
                }
                if let Some(p) = s["pattern"].as_str() {
                    out.push_str(&format!(" `{p}`"));
                }
                out
            }
            "integer" if s["minimum"] == 0 => "integer ≥ 0".into(),
            "object" if s["properties"].is_object() => {
                let fields: Vec<String> = s["properties"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| format!("`{k}`: {}", type_of(v)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            other => other.to_string(),
        }
    };
    types.into_iter().map(one).collect::<Vec<_>>().join(" \\| ")
}

/// Labels the Rust types give their values, for the value tables.
fn labels(name: &str) -> Option<(Vec<&'static str>, Vec<Vec<String>>)> {
    use shared::agency::UnitKind;
    use shared::document::{DocumentType, Urgency};
    use shared::incoming::{
        AssignmentRole, AssignmentState, IncomingBucket, IncomingChannel, IncomingStatus,
    };
    use shared::outgoing::{OutgoingStatus, SigningCapacity};
    use shared::role::Role;
    use shared::status::DeliveryStatus;
    fn rows<T: Copy>(all: &[T], f: impl Fn(T) -> Vec<String>) -> Vec<Vec<String>> {
        all.iter().map(|t| f(*t)).collect()
    }
    let s = |x: &str| x.to_string();
    let code = |x: &str| format!("`{x}`");
    Some(match name {
        "DocumentType" => (
            vec!["value", "tên loại", "viết tắt (notation)"],
            rows(DocumentType::ALL, |t| {
                vec![
                    code(t.code()),
                    s(t.name()),
                    t.abbreviation()
                        .map(code)
                        .unwrap_or_else(|| s("— (`CQ-ĐV`)")),
                ]
            }),
        ),
        "Urgency" => (
            vec!["value", "độ khẩn", "edXML Priority", "stamp"],
            rows(&Urgency::ALL, |u| {
                vec![
                    code(serde_json::to_value(u).unwrap().as_str().unwrap()),
                    s(u.label()),
                    u.edxml_priority().to_string(),
                    u.stamp().map(s).unwrap_or_default(),
                ]
            }),
        ),
        "DeliveryStatus" => (
            vec!["value (sent)", "edXML code", "trạng thái"],
            rows(&DeliveryStatus::ALL, |d| {
                vec![
                    code(serde_json::to_value(d).unwrap().as_str().unwrap()),
                    code(d.code()),
                    s(d.label()),
                ]
            }),
        ),
        "SignatureLevel" => (
            vec!["value", "mức (PAdES)"],
            rows(&shared::signature::SignatureLevel::ALL, |l| {
                vec![code(l.as_str()), s(l.label())]
            }),
        ),
        "RevocationReason" => (
            vec!["value", "RFC 5280 code", "lý do thu hồi"],
            rows(&shared::revocation::RevocationReason::ALL, |r| {
                vec![
                    code(serde_json::to_value(r).unwrap().as_str().unwrap()),
                    r.code().to_string(),
                    s(r.label()),
                ]
            }),
        ),
        "Role" => (
            vec!["value", "vai trò"],
            rows(&Role::ALL, |r| vec![code(r.code()), s(r.label())]),
        ),
        "UnitKind" => (
            vec!["value", "loại đơn vị"],
            rows(&UnitKind::ALL, |k| vec![code(k.code()), s(k.label())]),
        ),
        "OutgoingStatus" => (
            vec!["value", "trạng thái"],
            rows(&OutgoingStatus::ALL, |t| vec![code(t.code()), s(t.label())]),
        ),
        "IncomingStatus" => (
            vec!["value", "trạng thái"],
            rows(&IncomingStatus::ALL, |t| vec![code(t.code()), s(t.label())]),
        ),
        "SigningCapacity" => (
            vec!["value", "mark", "meaning"],
            rows(&SigningCapacity::ALL, |c| {
                vec![code(c.code()), s(c.mark()), s(c.label())]
            }),
        ),
        "IncomingChannel" => (
            vec!["value", "kênh"],
            rows(&IncomingChannel::ALL, |c| {
                vec![code(c.code()), s(c.label())]
            }),
        ),
        "AssignmentRole" => (
            vec!["value", "vai trò xử lý"],
            rows(&AssignmentRole::ALL, |r| vec![code(r.code()), s(r.label())]),
        ),
        "AssignmentState" => (
            vec!["value", "tình trạng"],
            rows(&AssignmentState::ALL, |r| {
                vec![code(r.code()), s(r.label())]
            }),
        ),
        "IncomingBucket" => (
            vec!["value", "mục"],
            rows(&IncomingBucket::ALL, |b| vec![code(b.code()), s(b.label())]),
        ),
        _ => return None,
    })
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    out.push('\n');
}

/// The types section of docs/API.md.
fn render_types(doc: &Value) -> String {
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let is_enum = |s: &Value| s.get("enum").is_some();
    let is_string = |s: &Value| s["type"] == "string" && !is_enum(s);
    let mut out = String::new();
    out.push_str("### Values\n\n");
    for (name, s) in schemas.iter().filter(|(_, s)| is_enum(s)) {
        out.push_str(&format!("#### {name}\n"));
        if let Some(d) = s["description"].as_str() {
            out.push_str(&format!("{}\n", cell(d)));
        }
        out.push('\n');
        match labels(name) {
            Some((head, rows)) => table(&mut out, &head, &rows),
            None => out.push_str(&format!("{}\n\n", type_of(s))),
        }
    }
    out.push_str("### Strings\n\nValidated text: the server refuses (`422`, or `400` for a wrong JSON type) what breaks the rule.\n\n");
    let rows: Vec<Vec<String>> = schemas
        .iter()
        .filter(|(_, s)| is_string(s))
        .map(|(name, s)| {
            let mut limits = Vec::new();
            if let Some(n) = s["minLength"].as_u64() {
                limits.push(format!("min {n}"));
            }
            if let Some(n) = s["maxLength"].as_u64() {
                limits.push(format!("max {n}"));
            }
            if let Some(f) = s["format"].as_str() {
                limits.push(format!("format `{f}`"));
            }
            if let Some(p) = s["pattern"].as_str() {
                limits.push(format!("pattern `{}`", p.replace('|', "\\|")));
            }
            let example = s["examples"][0]
                .as_str()
                .map(|e| format!("`{e}`"))
                .unwrap_or_default();
            vec![
                format!("<a id=\"{}\"></a>`{name}`", name.to_lowercase()),
                cell(s["description"].as_str().unwrap_or_default()),
                limits.join(", "),
                example,
            ]
        })
        .collect();
    table(&mut out, &["type", "rule", "limits", "example"], &rows);
    out.push_str("### Objects\n\n");
    for (name, s) in schemas.iter().filter(|(_, s)| !is_enum(s) && !is_string(s)) {
        out.push_str(&format!("#### {name}\n"));
        if let Some(d) = s["description"].as_str() {
            out.push_str(&format!("{}\n", cell(d)));
        }
        out.push('\n');
        let Some(props) = s["properties"].as_object() else {
            out.push_str(&format!("{}\n\n", type_of(s)));
            continue;
        };
        let required: HashSet<&str> = s["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut rows = Vec::new();
        for (field, p) in props {
            let description = p["description"]
                .as_str()
                .or_else(|| {
                    p["oneOf"]
                        .as_array()?
                        .iter()
                        .find_map(|x| x["description"].as_str())
                })
                .or_else(|| p["items"]["description"].as_str())
                .unwrap_or_default();
            rows.push(vec![
                format!("`{field}`"),
                type_of(p),
                if required.contains(field.as_str()) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                cell(description),
            ]);
        }
        table(&mut out, &["field", "type", "required", "meaning"], &rows);
    }
    out
}

#[test]
fn docs_api_md_lists_every_type_of_the_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API.md");
    let text = std::fs::read_to_string(path).unwrap();
    let (Some(begin), Some(end)) = (text.find(TYPES_BEGIN), text.find(TYPES_END)) else {
        panic!("docs/API.md lacks the markers {TYPES_BEGIN} … {TYPES_END}");
    };
    let current = &text[begin + TYPES_BEGIN.len()..end];
    let rendered = format!("\n{}", render_types(&document()));
    if current != rendered {
        if std::env::var_os("VANBAN_BLESS").is_some() {
            let updated = format!(
                "{}{rendered}{}",
                &text[..begin + TYPES_BEGIN.len()],
                &text[end..]
            );
            std::fs::write(path, updated).unwrap();
        } else {
            panic!(
                "docs/API.md's types are out of date with the DTOs: run `VANBAN_BLESS=1 cargo test -p backend \
                 --test openapi` and commit docs/API.md"
            );
        }
    }
}
