//! Sign-in, sessions, CSRF, rate limits and password changes through the real router, on both databases.

use crate::common::{Client, PASSWORD, TestDb, fixture};
use axum::http::{Method, StatusCode};
use serde_json::json;
use vanban::config::Config;

async fn health_names_the_database_and_schema_version(db: TestDb) {
    let mut c = Client::new(db.store.clone());
    let a = c.get("/api/health").await.expect(StatusCode::OK);
    assert_eq!(a.body["status"], "ok");
    assert_eq!(a.body["database"], db.kind.name());
    assert_eq!(a.body["schema_version"], 4);
    db.finish().await;
}

async fn signing_in_sets_a_strict_http_only_cookie_and_me_answers(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    let a = c.login("  CV.SNV ", PASSWORD).await.expect(StatusCode::OK);
    let cookie = a.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not mark the cookie Secure"
    );
    assert_eq!(a.body["user"]["username"], "cv.snv");
    assert!(a.body["user"].get("password_hash").is_none());
    let me = c.get("/api/me").await.expect(StatusCode::OK);
    assert_eq!(me.body["user"]["full_name"], "Nguyễn Thị Đào");
    assert_eq!(me.body["user"]["agency"]["short_name"], "SNV");
    assert_eq!(me.body["user"]["unit"]["short_name"], "TC");
    assert_eq!(me.body["user"]["roles"], json!(["official"]));
    assert_eq!(me.body["csrf_token"], a.body["csrf_token"]);
    db.finish().await;
}

async fn behind_a_tls_proxy_the_cookie_is_secure(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let config = Config {
        trust_proxy_headers: true,
        ..Config::default()
    };
    let mut c = Client::with_app(crate::common::app(db.store.clone(), config));
    let body = serde_json::to_vec(&json!({"username": "cv.snv", "password": PASSWORD})).unwrap();
    let headers = [
        ("content-type", "application/json"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-for", "203.0.113.7"),
    ];
    let a = c
        .raw(Method::POST, "/api/auth/login", body, &headers)
        .await
        .expect(StatusCode::OK);
    assert!(
        a.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
    let audit = db
        .store
        .list_audit(vanban::store::AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit[0].action, "auth.login");
    assert_eq!(audit[0].client_addr.as_deref(), Some("203.0.113.7"));
    db.finish().await;
}

async fn wrong_passwords_get_one_message_then_the_rate_limit(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    let unknown = c
        .login("khongco", "sai mật khẩu")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let wrong = c
        .login("cv.snv", "sai mật khẩu")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    // The same answer whether or not the account exists.
    assert_eq!(unknown.body["message"], wrong.body["message"]);
    assert!(
        wrong.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Tên đăng nhập hoặc mật khẩu không đúng")
    );
    for _ in 0..4 {
        c.login("cv.snv", "sai mật khẩu")
            .await
            .expect(StatusCode::UNAUTHORIZED);
    }
    // Five failures: now even the right password is refused for a while.
    let limited = c
        .login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    assert!(
        limited.body["message"]
            .as_str()
            .unwrap()
            .contains("thử lại sau")
    );
    let retry: u64 = limited
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((60..=900).contains(&retry), "{retry}");
    // Another account from another address is not affected.
    let mut other = c.another();
    other.addr = "198.51.100.9:1".parse().unwrap();
    other.login_ok("vanthu.snv").await;
    let failures = db
        .store
        .list_audit(vanban::store::AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        failures
            .iter()
            .filter(|e| e.action == "auth.login_failed")
            .count(),
        6
    );
    db.finish().await;
}

async fn one_address_trying_many_names_is_limited(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    for i in 0..20 {
        c.login(&format!("khongco{i}"), "x")
            .await
            .expect(StatusCode::UNAUTHORIZED);
    }
    c.login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    db.finish().await;
}

async fn a_locked_account_cannot_sign_in_and_an_unlocked_one_can(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("admin").await;
    let mut user = admin.another();
    user.login_ok("cv.snv").await;
    admin
        .post(&format!("/api/users/{}/lock", f.dept_official), json!({}))
        .await
        .expect(StatusCode::OK);
    // The open session ended at once.
    user.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    let refused = user
        .login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::FORBIDDEN);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("bị khóa")
    );
    admin
        .post(&format!("/api/users/{}/unlock", f.dept_official), json!({}))
        .await
        .expect(StatusCode::OK);
    user.login_ok("cv.snv").await;
    db.finish().await;
}

async fn writes_need_the_csrf_token_of_the_session(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("admin").await;
    let token = c.csrf.take();
    let path = format!("/api/users/{}/lock", f.dept_official);
    let a = c.post(&path, json!({})).await.expect(StatusCode::FORBIDDEN);
    assert!(a.body["message"].as_str().unwrap().contains("CSRF"));
    c.csrf = Some("sai".into());
    c.post(&path, json!({})).await.expect(StatusCode::FORBIDDEN);
    assert!(!db.store.get_user(f.dept_official).await.unwrap().locked);
    c.csrf = token;
    c.post(&path, json!({})).await.expect(StatusCode::OK);
    db.finish().await;
}

async fn cross_site_sign_in_is_refused(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    let body = serde_json::to_vec(&json!({"username": "cv.snv", "password": PASSWORD})).unwrap();
    let evil = [
        ("content-type", "application/json"),
        ("origin", "https://evil.example"),
    ];
    c.raw(Method::POST, "/api/auth/login", body.clone(), &evil)
        .await
        .expect(StatusCode::FORBIDDEN);
    let same = [
        ("content-type", "application/json"),
        ("origin", "http://vanban.test"),
    ];
    c.raw(Method::POST, "/api/auth/login", body, &same)
        .await
        .expect(StatusCode::OK);
    db.finish().await;
}

async fn signing_out_ends_the_session(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("cv.snv").await;
    let saved = c.cookie.clone();
    let a = c
        .post("/api/auth/logout", json!({}))
        .await
        .expect(StatusCode::NO_CONTENT);
    assert!(
        a.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    c.cookie = saved;
    c.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    let actions: Vec<_> = db
        .store
        .list_audit(vanban::store::AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["auth.logout", "auth.login"]);
    db.finish().await;
}

async fn a_reset_password_must_be_changed_before_anything_else(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("quantri.snv").await;
    let reset = admin
        .post(
            &format!("/api/users/{}/reset-password", f.dept_official),
            json!({}),
        )
        .await;
    let temp = reset.expect(StatusCode::OK).body["temporary_password"]
        .as_str()
        .unwrap()
        .to_string();
    let mut user = admin.another();
    user.login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let me = user.login("cv.snv", &temp).await.expect(StatusCode::OK);
    assert_eq!(me.body["user"]["must_change_password"], true);
    // Only me, password change and sign-out answer until the password is changed.
    user.get("/api/me").await.expect(StatusCode::OK);
    let blocked = user
        .get("/api/agencies")
        .await
        .expect(StatusCode::FORBIDDEN);
    assert_eq!(blocked.code(), "password_change_required");
    let weak = user
        .post(
            "/api/me/password",
            json!({"current_password": temp, "new_password": "ngan"}),
        )
        .await;
    assert_eq!(
        weak.expect(StatusCode::UNPROCESSABLE_ENTITY).body["fields"][0]["field"],
        "new_password"
    );
    let wrong = user
        .post(
            "/api/me/password",
            json!({"current_password": "sai", "new_password": "Mới tinh 2027"}),
        )
        .await;
    assert_eq!(
        wrong.expect(StatusCode::UNPROCESSABLE_ENTITY).body["fields"][0]["field"],
        "current_password"
    );
    let same = user
        .post(
            "/api/me/password",
            json!({"current_password": temp, "new_password": temp}),
        )
        .await;
    same.expect(StatusCode::UNPROCESSABLE_ENTITY);
    user.post(
        "/api/me/password",
        json!({"current_password": temp, "new_password": "Mới tinh 2027"}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    user.get("/api/agencies").await.expect(StatusCode::OK);
    assert_eq!(
        user.get("/api/me").await.body["user"]["must_change_password"],
        false
    );
    let mut again = user.another();
    again
        .login("cv.snv", "Mới tinh 2027")
        .await
        .expect(StatusCode::OK);
    db.finish().await;
}

async fn changing_the_password_ends_the_other_sessions(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut laptop = Client::new(db.store.clone());
    laptop.login_ok("cv.snv").await;
    let mut phone = laptop.another();
    phone.login_ok("cv.snv").await;
    laptop
        .post(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": "Đổi rồi nhé 99"}),
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    laptop.get("/api/me").await.expect(StatusCode::OK);
    phone.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    db.finish().await;
}

on_both_databases!(
    health_names_the_database_and_schema_version,
    signing_in_sets_a_strict_http_only_cookie_and_me_answers,
    behind_a_tls_proxy_the_cookie_is_secure,
    wrong_passwords_get_one_message_then_the_rate_limit,
    one_address_trying_many_names_is_limited,
    a_locked_account_cannot_sign_in_and_an_unlocked_one_can,
    writes_need_the_csrf_token_of_the_session,
    cross_site_sign_in_is_refused,
    signing_out_ends_the_session,
    a_reset_password_must_be_changed_before_anything_else,
    changing_the_password_ends_the_other_sessions,
    sessions_are_shared_by_every_server_instance,
);

/// Two server instances on one database (as behind a load balancer): a session opened on one is honoured by
/// the other, and an account locked through one is signed out on both.
async fn sessions_are_shared_by_every_server_instance(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let second_store = vanban::store::open(&db.url).await.unwrap();
    let mut on_a = Client::new(db.store.clone());
    on_a.login_ok("cv.snv").await;
    let mut on_b = Client::with_app(crate::common::app(second_store.clone(), Config::default()));
    on_b.cookie = on_a.cookie.clone();
    on_b.csrf = on_a.csrf.clone();
    on_b.get("/api/me").await.expect(StatusCode::OK);
    let mut admin_b = on_b.another();
    admin_b.login_ok("admin").await;
    admin_b
        .post(&format!("/api/users/{}/lock", f.dept_official), json!({}))
        .await
        .expect(StatusCode::OK);
    on_a.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    on_b.get("/api/me").await.expect(StatusCode::UNAUTHORIZED);
    drop(second_store);
    db.finish().await;
}
