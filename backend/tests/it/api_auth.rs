//! Sign-in, sessions, CSRF, rate limits and password changes through the real router, on both databases.

use crate::common::{Client, PASSWORD, TestDb, fixture};
use axum::http::{Method, StatusCode};
use serde_json::json;
use shared::ErrorCode;
use shared::api;
use shared::auth::{ChangePasswordRequest, LoginRequest};
use shared::role::Role;
use shared::user::NewPassword;
use vanban::config::Config;

/// The fixture's sign-in as the body the browser sends, for the tests that add headers of their own.
fn login_body(username: &str) -> Vec<u8> {
    serde_json::to_vec(&LoginRequest {
        username: username.into(),
        password: PASSWORD.into(),
    })
    .unwrap()
}

fn new_password(s: &str) -> NewPassword {
    NewPassword::parse(s).unwrap()
}

async fn health_names_the_database_and_schema_version(db: TestDb) {
    let mut c = Client::new(db.store.clone());
    let health = c.health().await.good();
    assert_eq!(health.status, "ok");
    assert_eq!(health.database, db.kind.name());
    assert_eq!(
        health.schema_version,
        vanban::store::latest_schema_version()
    );
    assert!(
        health.schema_version >= 6,
        "notifications (0006) are part of the schema"
    );
    db.finish().await;
}

async fn signing_in_sets_a_strict_http_only_cookie_and_me_answers(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.me().await.refused(StatusCode::UNAUTHORIZED);
    let signed_in = c.sign_in("  CV.SNV ", PASSWORD).await;
    // The wire itself: the account carries no password hash (the DTO would drop the field unseen).
    assert!(signed_in.answer.body["user"].get("password_hash").is_none());
    let (session, headers) = signed_in.good_with_headers();
    let cookies: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("vanban_session="))
        .unwrap();
    // Beside it, the page-readable hint that a session may exist: no secret, not HttpOnly.
    let hint = cookies
        .iter()
        .find(|c| c.starts_with("vanban_signed_in="))
        .unwrap();
    assert!(
        hint.starts_with("vanban_signed_in=1;")
            && !hint.contains("HttpOnly")
            && hint.contains("SameSite=Strict")
    );
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not mark the cookie Secure"
    );
    assert_eq!(session.user.username, "cv.snv");
    let me = c.me().await.good();
    assert_eq!(me.user.full_name, "Nguyễn Thị Đào");
    assert_eq!(me.user.agency.short_name, "SNV");
    assert_eq!(me.user.unit.short_name, "TC");
    assert_eq!(me.user.roles, [Role::Official]);
    assert_eq!(me.csrf_token, session.csrf_token);
    db.finish().await;
}

async fn behind_a_tls_proxy_the_cookie_is_secure(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let config = Config {
        trust_proxy_headers: true,
        ..Config::default()
    };
    let mut c = Client::with_app(crate::common::app(db.store.clone(), config));
    // Sent raw: the proxy's headers are what this test is about, and the typed sign-in sends none.
    let headers = [
        ("content-type", "application/json"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-for", "203.0.113.7"),
    ];
    let a = c
        .raw(Method::POST, api::LOGIN, login_body("cv.snv"), &headers)
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
        .sign_in("khongco", "sai mật khẩu")
        .await
        .refused(StatusCode::UNAUTHORIZED);
    let wrong = c
        .sign_in("cv.snv", "sai mật khẩu")
        .await
        .refused(StatusCode::UNAUTHORIZED);
    // The same answer whether or not the account exists.
    assert_eq!(unknown.message, wrong.message);
    assert!(
        wrong
            .message
            .starts_with("Tên đăng nhập hoặc mật khẩu không đúng")
    );
    for _ in 0..2 {
        c.sign_in("cv.snv", "sai mật khẩu")
            .await
            .refused(StatusCode::UNAUTHORIZED);
    }
    // Three failures from this address: now even the right password waits here (5 s, doubling; see sign_in.rs).
    let limited = c.sign_in("cv.snv", PASSWORD).await;
    let retry = limited.header("retry-after").map(str::to_string);
    let limited = limited.refused_with(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited);
    assert!(limited.message.contains("thử lại sau"));
    let retry: u64 = retry.expect("a Retry-After header").parse().unwrap();
    assert!((1..=5).contains(&retry), "{retry}");
    // Another account from another address is not affected.
    let mut other = c.another();
    other.addr = "198.51.100.9:1".parse().unwrap();
    other.sign_in("vanthu.snv", PASSWORD).await.good();
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
        4
    );
    assert_eq!(
        failures
            .iter()
            .filter(|e| e.action == "auth.login_throttled")
            .count(),
        1
    );
    db.finish().await;
}

async fn one_address_trying_many_names_is_limited(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    for i in 0..20 {
        c.sign_in(&format!("khongco{i}"), "x")
            .await
            .refused(StatusCode::UNAUTHORIZED);
    }
    c.sign_in("cv.snv", PASSWORD)
        .await
        .refused(StatusCode::TOO_MANY_REQUESTS);
    db.finish().await;
}

async fn a_locked_account_cannot_sign_in_and_an_unlocked_one_can(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("admin").await;
    let mut user = admin.another();
    user.login_ok("cv.snv").await;
    admin.lock_user(f.dept_official).await.good();
    // The open session ended at once.
    user.me().await.refused(StatusCode::UNAUTHORIZED);
    let refused = user
        .sign_in("cv.snv", PASSWORD)
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(refused.message.contains("bị khóa"));
    admin.unlock_user(f.dept_official).await.good();
    user.sign_in("cv.snv", PASSWORD).await.good();
    db.finish().await;
}

async fn writes_need_the_csrf_token_of_the_session(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("admin").await;
    let token = c.csrf.take();
    let e = c
        .lock_user(f.dept_official)
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(e.message.contains("CSRF"));
    c.csrf = Some("sai".into());
    c.lock_user(f.dept_official)
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(!db.store.get_user(f.dept_official).await.unwrap().locked);
    c.csrf = token;
    c.lock_user(f.dept_official).await.good();
    db.finish().await;
}

async fn cross_site_sign_in_is_refused(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    // Sent raw: the Origin header of a hostile page is the point, and the typed sign-in sends none.
    let body = login_body("cv.snv");
    let evil = [
        ("content-type", "application/json"),
        ("origin", "https://evil.example"),
    ];
    c.raw(Method::POST, api::LOGIN, body.clone(), &evil)
        .await
        .expect(StatusCode::FORBIDDEN);
    let same = [
        ("content-type", "application/json"),
        ("origin", "http://vanban.test"),
    ];
    c.raw(Method::POST, api::LOGIN, body, &same)
        .await
        .expect(StatusCode::OK);
    db.finish().await;
}

async fn signing_out_ends_the_session(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("cv.snv").await;
    let saved = c.cookie.clone();
    let ((), headers) = c.sign_out().await.good_with_headers();
    let cleared: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        ["vanban_session=;", "vanban_signed_in=;"]
            .iter()
            .all(|name| cleared
                .iter()
                .any(|c| c.starts_with(name) && c.contains("Max-Age=0"))),
        "{cleared:?}"
    );
    c.cookie = saved;
    c.me().await.refused(StatusCode::UNAUTHORIZED);
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
    let temp = admin
        .reset_password(f.dept_official)
        .await
        .good()
        .temporary_password;
    let mut user = admin.another();
    user.sign_in("cv.snv", PASSWORD)
        .await
        .refused(StatusCode::UNAUTHORIZED);
    let me = user.sign_in("cv.snv", &temp).await.good();
    assert!(me.user.must_change_password);
    // Only me, password change and sign-out answer until the password is changed.
    user.me().await.good();
    user.agencies()
        .await
        .refused_with(StatusCode::FORBIDDEN, ErrorCode::PasswordChangeRequired);
    // Sent raw: "ngan" is no NewPassword, so the DTO cannot carry it; the server's own check is tested.
    let weak = user
        .send_json::<()>(
            Method::POST,
            api::ME_PASSWORD,
            json!({"current_password": temp, "new_password": "ngan"}),
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.fields[0].field, "new_password");
    let wrong = user
        .change_password(&ChangePasswordRequest {
            current_password: "sai".into(),
            new_password: new_password("Mới tinh 2027"),
        })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.fields[0].field, "current_password");
    user.change_password(&ChangePasswordRequest {
        current_password: temp.clone(),
        new_password: new_password(&temp),
    })
    .await
    .refused(StatusCode::UNPROCESSABLE_ENTITY);
    user.change_password(&ChangePasswordRequest {
        current_password: temp.clone(),
        new_password: new_password("Mới tinh 2027"),
    })
    .await
    .good();
    user.agencies().await.good();
    assert!(!user.me().await.good().user.must_change_password);
    let mut again = user.another();
    again.sign_in("cv.snv", "Mới tinh 2027").await.good();
    db.finish().await;
}

async fn changing_the_password_ends_the_other_sessions(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut laptop = Client::new(db.store.clone());
    laptop.login_ok("cv.snv").await;
    let mut phone = laptop.another();
    phone.login_ok("cv.snv").await;
    laptop
        .change_password(&ChangePasswordRequest {
            current_password: PASSWORD.into(),
            new_password: new_password("Đổi rồi nhé 99"),
        })
        .await
        .good();
    laptop.me().await.good();
    phone.me().await.refused(StatusCode::UNAUTHORIZED);
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
    on_b.me().await.good();
    let mut admin_b = on_b.another();
    admin_b.login_ok("admin").await;
    admin_b.lock_user(f.dept_official).await.good();
    on_a.me().await.refused(StatusCode::UNAUTHORIZED);
    on_b.me().await.refused(StatusCode::UNAUTHORIZED);
    drop(second_store);
    db.finish().await;
}
