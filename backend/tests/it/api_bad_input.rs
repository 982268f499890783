//! Malformed requests get a 4xx in the one error shape with a readable Vietnamese message, and change nothing.

use crate::common::{Client, TestDb, fixture};
use axum::http::{Method, StatusCode};
use serde_json::json;

async fn signed_in_admin() -> (TestDb, Client, crate::common::Fixture) {
    let db = TestDb::sqlite().await;
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("admin").await;
    (db, c, f)
}

async fn post_raw(c: &mut Client, path: &str, body: &str) -> crate::common::Answer {
    c.raw(
        Method::POST,
        path,
        body.as_bytes().to_vec(),
        &[("content-type", "application/json")],
    )
    .await
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let (db, mut c, _) = signed_in_admin().await;
    for body in ["{", "{\"username\": }", "", "[1,2", "null"] {
        let a = post_raw(&mut c, "/api/users", body)
            .await
            .expect(StatusCode::BAD_REQUEST);
        assert_eq!(a.code(), "bad_request", "{body}");
    }
    db.finish().await;
}

#[tokio::test]
async fn unknown_missing_and_mistyped_fields_are_named() {
    let (db, mut c, f) = signed_in_admin().await;
    let unit = f.department_unit;
    let unknown = post_raw(&mut c, "/api/users", &format!(
        r#"{{"username":"abc","full_name":"A","unit_id":{unit},"roles":["official"],"is_root":true}}"#)).await;
    let unknown = unknown.expect(StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["fields"][0]["field"], "is_root");
    assert!(
        unknown.body["message"]
            .as_str()
            .unwrap()
            .contains("không được hỗ trợ")
    );
    let missing = post_raw(
        &mut c,
        "/api/users",
        r#"{"username":"abc","full_name":"A","roles":["official"]}"#,
    )
    .await;
    let missing = missing.expect(StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["fields"][0]["field"], "unit_id");
    assert!(
        missing.body["message"]
            .as_str()
            .unwrap()
            .contains("Thiếu trường")
    );
    let typed = post_raw(
        &mut c,
        "/api/users",
        r#"{"username":"abc","full_name":"A","unit_id":"một","roles":[]}"#,
    )
    .await;
    assert_eq!(
        typed.expect(StatusCode::BAD_REQUEST).body["fields"][0]["field"],
        "unit_id"
    );
    let role = post_raw(
        &mut c,
        "/api/users",
        &format!(
            r#"{{"username":"abc","full_name":"A","unit_id":{unit},"roles":["official","root"]}}"#
        ),
    )
    .await;
    assert_eq!(
        role.expect(StatusCode::BAD_REQUEST).body["fields"][0]["field"],
        "roles[1]"
    );
    let login = post_raw(&mut c, "/api/auth/login", r#"{"username":"a"}"#)
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(login.body["fields"][0]["field"], "password");
    db.finish().await;
}

#[tokio::test]
async fn values_breaking_a_rule_are_validation_errors_with_the_rule() {
    let (db, mut c, f) = signed_in_admin().await;
    let long_name = "Đ".repeat(51);
    let a = c
        .post("/api/users", json!({"username": "abc", "full_name": long_name, "unit_id": f.department_unit, "roles": ["official"]}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.code(), "validation");
    assert_eq!(a.body["fields"][0]["field"], "full_name");
    assert!(a.body["message"].as_str().unwrap().contains("tối đa 50"));
    let a = c
        .post("/api/users", json!({"username": "Nguyễn", "full_name": "A", "unit_id": f.department_unit, "roles": ["official"]}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "username");
    let a = c
        .post("/api/users", json!({"username": "abcd", "full_name": "A", "email": "khong-phai-email", "unit_id": f.department_unit, "roles": ["official"]}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "email");
    let a = c
        .post(
            "/api/users",
            json!({"username": "abcd", "full_name": "A", "unit_id": 987654, "roles": ["official"]}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "unit_id");
    let a = c
        .login("x".repeat(51).as_str(), "y")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "username");
    let a = c
        .login("admin", &"y".repeat(2000))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "password");
    let a = c
        .get(&format!("/api/users?q={}", "a".repeat(101)))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "q");
    // Nothing of all that was written.
    assert_eq!(
        db.store
            .list_users(vanban::store::UserFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        5
    );
    db.finish().await;
}

#[tokio::test]
async fn wrong_content_type_oversized_bodies_and_bad_paths_are_refused() {
    let (db, mut c, _) = signed_in_admin().await;
    let form = c
        .raw(
            Method::POST,
            "/api/users",
            b"username=a".to_vec(),
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert!(
        form.expect(StatusCode::BAD_REQUEST).body["message"]
            .as_str()
            .unwrap()
            .contains("JSON")
    );
    let huge = format!(r#"{{"username":"{}"}}"#, "a".repeat(70 * 1024));
    let a = post_raw(&mut c, "/api/users", &huge)
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.code(), "payload_too_large");
    let a = c.get("/api/users/abc").await.expect(StatusCode::NOT_FOUND);
    assert_eq!(a.code(), "not_found");
    c.get("/api/users/99999")
        .await
        .expect(StatusCode::NOT_FOUND);
    c.get("/api/khong-co").await.expect(StatusCode::NOT_FOUND);
    c.get("/api/users?agency_id=mot")
        .await
        .expect(StatusCode::BAD_REQUEST);
    c.get("/api/audit?limit=5&la=1")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let a = c
        .send(Method::DELETE, "/api/users", None)
        .await
        .expect(StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.code(), "bad_request");
    db.finish().await;
}

#[tokio::test]
async fn bytes_after_the_json_value_are_refused() {
    let (db, mut c, f) = signed_in_admin().await;
    let path = format!("/api/agencies/{}/units", f.department);
    let good = r#"{"name": "Phòng Thử nghiệm", "short_name": "PTN", "kind": "phong"}"#;
    for tail in [" xx", "{}", " 1", "\u{0}"] {
        let a = post_raw(&mut c, &path, &format!("{good}{tail}"))
            .await
            .expect(StatusCode::BAD_REQUEST);
        assert!(
            a.body["message"].as_str().unwrap().contains("dữ liệu thừa"),
            "{tail:?}: {:?}",
            a.body
        );
    }
    // Trailing whitespace is still one JSON value.
    post_raw(&mut c, &path, &format!("{good} \n\t "))
        .await
        .expect(StatusCode::CREATED);
    db.finish().await;
}

#[tokio::test]
async fn bidirectional_and_zero_width_characters_are_refused_in_names() {
    let (db, mut c, f) = signed_in_admin().await;
    let path = format!("/api/agencies/{}/units", f.department);
    for name in [
        "Phòng \u{202E}ptn",
        "Phòng\u{200B}Kế toán",
        "\u{2066}Phòng\u{2069}",
        "Phòng\u{FEFF}",
    ] {
        let a = c
            .post(
                &path,
                json!({"name": name, "short_name": "PX", "kind": "phong"}),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.body["fields"][0]["field"], "name", "{name:?}");
        assert!(
            a.body["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("ký tự ẩn"),
            "{:?}",
            a.body
        );
    }
    db.finish().await;
}

#[tokio::test]
async fn the_same_origin_check_compares_the_scheme() {
    let db = TestDb::sqlite().await;
    fixture(db.store.as_ref()).await;
    let body =
        serde_json::to_vec(&json!({"username": "cv.snv", "password": crate::common::PASSWORD}))
            .unwrap();
    let login = |c: &mut Client, origin: &'static str| {
        let body = body.clone();
        let mut c = c.another();
        async move {
            c.raw(
                Method::POST,
                "/api/auth/login",
                body,
                &[("content-type", "application/json"), ("origin", origin)],
            )
            .await
            .status
        }
    };
    // A plain-HTTP server: its own origin is http://host.
    let mut plain = Client::new(db.store.clone());
    assert_eq!(
        login(&mut plain, "https://vanban.test").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(&mut plain, "http://vanban.test").await,
        StatusCode::OK
    );
    // Served over TLS: http://host is another origin (a network attacker can serve it), and HSTS is sent.
    let tls = crate::common::app(
        db.store.clone(),
        vanban::config::Config {
            secure_cookies: true,
            ..Default::default()
        },
    );
    let mut secure = Client::with_app(tls);
    assert_eq!(
        login(&mut secure, "http://vanban.test").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        login(&mut secure, "https://vanban.test").await,
        StatusCode::OK
    );
    let a = secure.get("/api/health").await;
    assert_eq!(
        a.headers.get("strict-transport-security").unwrap(),
        "max-age=31536000; includeSubDomains"
    );
    assert!(
        plain
            .get("/api/health")
            .await
            .headers
            .get("strict-transport-security")
            .is_none()
    );
    db.finish().await;
}
