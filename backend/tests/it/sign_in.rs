//! Sign-in without lock-outs (issue 13): failures slow the account *at the address they come from*, with
//! growing delays; the owner at a clean address is never refused; an office behind one address is not blocked by
//! colleagues' typos; an address guessing many accounts is; every refusal is audited. And new passwords that are
//! common or personal are refused with the reason.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::{Client, PASSWORD, TestDb, fixture, raw_connection, raw_exec};

fn at(c: &Client, addr: &str) -> Client {
    let mut other = c.another();
    other.addr = format!("{addr}:40000").parse().unwrap();
    other
}

fn retry_after(a: &crate::common::Answer) -> u64 {
    a.headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn audited(db: &TestDb, action: &str) -> usize {
    db.store
        .list_audit(vanban::store::AuditFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

async fn the_owner_at_a_clean_address_signs_in_while_someone_guesses_elsewhere(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let base = Client::new(db.store.clone());
    let mut attacker = at(&base, "203.0.113.5");
    let mut refused = 0;
    for _ in 0..12 {
        let a = attacker.login("cv.snv", "đoán mò 123").await;
        assert!(
            matches!(
                a.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ),
            "{:?}",
            a.status
        );
        refused += usize::from(a.status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(refused > 0, "the guessing address is slowed");
    // Even the right password waits at the guessing address…
    attacker
        .login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    // …but the owner at their desk is not refused.
    at(&base, "192.0.2.44").login_ok("cv.snv").await;
    assert!(audited(&db, "auth.login_throttled").await >= refused);
    db.finish().await;
}

async fn each_failure_past_the_free_tries_doubles_the_wait(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = at(&Client::new(db.store.clone()), "198.51.100.7");
    for _ in 0..3 {
        c.login("cv.snv", "sai")
            .await
            .expect(StatusCode::UNAUTHORIZED);
    }
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
    let first = retry_after(&limited);
    assert!((1..=5).contains(&first), "{first}");
    // Let the wait pass (the attempts are moved back in time), fail once more: the wait doubles.
    let mut conn = raw_connection(&db).await;
    raw_exec(&mut conn, "UPDATE login_attempts SET at = at - 6000")
        .await
        .unwrap();
    c.login("cv.snv", "sai")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let second = retry_after(
        &c.login("cv.snv", PASSWORD)
            .await
            .expect(StatusCode::TOO_MANY_REQUESTS),
    );
    assert!((6..=10).contains(&second), "{second}");
    // Once the wait has passed, the right password gets in and the count starts again.
    raw_exec(&mut conn, "UPDATE login_attempts SET at = at - 11000")
        .await
        .unwrap();
    c.login_ok("cv.snv").await;
    c.another()
        .login("cv.snv", "sai")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    drop(conn);
    db.finish().await;
}

async fn an_office_behind_one_address_is_not_blocked_by_colleagues_typos(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let base = Client::new(db.store.clone());
    let office = "10.20.30.40";
    // This morning 30 colleagues behind the office's one address each mistyped, then signed in.
    let mut conn = raw_connection(&db).await;
    let now = vanban::store::now_ms();
    for i in 0..30 {
        raw_exec(
            &mut conn,
            &format!(
                "INSERT INTO login_attempts (at, username, client_addr, success) VALUES \
                 ({}, 'nv{i}.snv', '{office}', false), ({}, 'nv{i}.snv', '{office}', true)",
                now - 60_000 + i,
                now - 50_000 + i
            ),
        )
        .await
        .unwrap();
    }
    // One more mistypes and then gets it right: not refused.
    let mut c = at(&base, office);
    c.login("cv.snv", "gõ nhầm")
        .await
        .expect(StatusCode::UNAUTHORIZED);
    c.login_ok("cv.snv").await;
    drop(conn);
    db.finish().await;
}

async fn an_address_trying_many_accounts_waits(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = at(&Client::new(db.store.clone()), "203.0.113.66");
    for i in 0..20 {
        c.login(&format!("khongco{i}"), "x")
            .await
            .expect(StatusCode::UNAUTHORIZED);
    }
    let a = c
        .login("cv.snv", PASSWORD)
        .await
        .expect(StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&a) > 60);
    // Another address is not affected.
    at(&c, "192.0.2.45").login_ok("cv.snv").await;
    db.finish().await;
}

async fn common_and_personal_new_passwords_are_refused_with_the_reason(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("cv.snv").await;
    for (weak, why) in [
        ("Password12345", "dễ đoán"),
        ("qwertyuiop123", "dễ đoán"),
        ("cv.snv.2026.abc", "tên đăng nhập"),
    ] {
        let e = c
            .post(
                "/api/me/password",
                json!({"current_password": PASSWORD, "new_password": weak}),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.body["fields"][0]["field"], "new_password", "{weak}");
        assert!(
            e.body["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains(why),
            "{weak}: {:?}",
            e.body
        );
    }
    c.post(
        "/api/me/password",
        json!({"current_password": PASSWORD, "new_password": "Cây bàng 7 lá đỏ trên đồi"}),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    db.finish().await;
}

on_both_databases!(
    the_owner_at_a_clean_address_signs_in_while_someone_guesses_elsewhere,
    each_failure_past_the_free_tries_doubles_the_wait,
    an_office_behind_one_address_is_not_blocked_by_colleagues_typos,
    an_address_trying_many_accounts_waits,
    common_and_personal_new_passwords_are_refused_with_the_reason,
);
