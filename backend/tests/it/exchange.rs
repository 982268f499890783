//! The inter-system exchange between two real `vanban serve` processes, each with its own database (issue 16):
//! a document issued on A to an agency that B serves crosses over HTTP while B is down (A retries), arrives on
//! B once (a redelivery is acknowledged as a duplicate), waits for B's clerk, and the statuses 01 and 03 come
//! back to A's delivery view. Requests without the peer's HMAC, or replayed outside the 5-minute window, are
//! refused with 401.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use shared::agency::{AgencyCode, UnitKind};
use shared::role::Role;

use vanban::store::exchange::NewPeer;
use vanban::store::{Actor, NewAgency, NewUser, UnitFields, UserFields};

use crate::common::server::{Server, start_server_with};
use crate::common::{PASSWORD, RawConn, TestDb, raw_connection};
use crate::issue_concurrency::{documents_waiting, http, issue_one};

/// The organ id the fixture drafts send to (Bộ Nội vụ), served by instance B.
pub(crate) const MINISTRY: &str = "000.00.00.G09";
/// The issuing department of the fixture (Sở Nội vụ), served by instance A.
pub(crate) const DEPARTMENT: &str = "000.00.02.H62";
const KEY_ID: &str = "snv-bnv";
const SECRET: &str = "khóa bí mật dùng chung của hai hệ thống";

async fn scalar(db: &TestDb, sql: &str) -> Option<String> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match raw_connection(db).await {
        RawConn::Sqlite(mut c) => sqlx::query_scalar::<_, Option<String>>(sql)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .flatten(),
        RawConn::Postgres(mut c) => sqlx::query_scalar::<_, Option<String>>(sql)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .flatten(),
    }
}

/// A count as text (`sql` gives one number).
pub(crate) async fn count(db: &TestDb, sql: &str) -> String {
    scalar(db, &format!("SELECT CAST(({sql}) AS TEXT)"))
        .await
        .unwrap_or_default()
}

/// Waits up to 60 s for `sql` (one text column) to give `want`.
async fn wait_for(db: &TestDb, sql: &str, want: &str) {
    let mut last = None;
    for _ in 0..600 {
        last = scalar(db, sql).await;
        if last.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{sql} gave {last:?}, not {want:?}");
}

async fn start(db: &TestDb, dir: &Path) -> Server {
    crate::issue_concurrency::trust_dir(dir);
    start_server_with(
        &db.url,
        dir,
        &[],
        &[
            ("VANBAN_EXCHANGE_POLL_MS", "100"),
            ("VANBAN_EXCHANGE_BACKOFF_MS", "200"),
            ("VANBAN_EXCHANGE_MAX_BACKOFF_MS", "1000"),
        ],
    )
    .await
}

pub(crate) fn peer(name: &str, port: u16, organ: &str) -> NewPeer {
    NewPeer {
        name: name.into(),
        kind: "vanban".into(),
        endpoint: format!("http://127.0.0.1:{port}"),
        key_id: KEY_ID.into(),
        secret: SECRET.into(),
        organ_ids: vec![organ.into()],
        enabled: true,
    }
}

/// The ministry on B: an agency with the organ id the drafts name, its office and a clerk `vanthu.bnv`.
pub(crate) async fn ministry(db: &TestDb) {
    crate::common::docs::people(db.store.as_ref()).await;
    let sys = Actor::default();
    let agency = db
        .store
        .create_agency(
            &sys,
            NewAgency {
                code: AgencyCode::parse(MINISTRY).unwrap(),
                name: "Bộ Nội vụ".into(),
                short_name: "BNV".into(),
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let office = db
        .store
        .create_unit(
            &sys,
            agency.id,
            UnitFields {
                name: "Văn phòng Bộ".into(),
                short_name: "VP".into(),
                kind: UnitKind::VanPhong,
            },
        )
        .await
        .unwrap();
    db.store
        .create_user(
            &sys,
            NewUser {
                username: "vanthu.bnv".into(),
                fields: UserFields {
                    full_name: "Trần Thị Văn Thư".into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: office.id,
                    roles: vec![Role::Clerk],
                },
                password_hash: vanban::auth::hash_password(PASSWORD).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
}

async fn signed_post(port: u16, body: &[u8], timestamp: i64, secret: &str) -> (u16, Value) {
    let mac = vanban::exchange::signature::sign(secret, timestamp, body);
    let headers = format!(
        "X-Vanban-Key: {KEY_ID}\r\nX-Vanban-Timestamp: {timestamp}\r\nX-Vanban-Signature: {mac}\r\n"
    );
    let (status, _, reply) = http(
        port,
        "POST",
        shared::api::EXCHANGE_PACKETS,
        None,
        Some(("application/xml", body)),
        Some(&headers),
    )
    .await
    .unwrap();
    (
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    )
}

async fn a_document_crosses_to_an_instance_that_was_down_arrives_once_and_its_statuses_come_back(
    a_db: TestDb,
) {
    let b_db = match a_db.kind {
        vanban::store::DbKind::Sqlite => TestDb::sqlite().await,
        vanban::store::DbKind::Postgres => TestDb::postgres().await,
    };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, ids, signed) = documents_waiting(&a_db, a_dir.path(), 1).await;
    let id = ids[0];
    ministry(&b_db).await;
    let a = start(&a_db, a_dir.path()).await;
    let mut b = start(&b_db, b_dir.path()).await;
    let sys = Actor::default();
    b_db.store
        .save_peer(&sys, &peer("Sở Nội vụ Vĩnh Long", a.port, DEPARTMENT))
        .await
        .unwrap();
    a_db.store
        .save_peer(&sys, &peer("Bộ Nội vụ", b.port, MINISTRY))
        .await
        .unwrap();

    // B is down when A issues: the packet waits in A's outbox and is retried.
    b.kill();
    let clerk = crate::issue_concurrency::login(a.port, "vanthu.snv").await;
    issue_one((a.port, a.port), &clerk, id, std::sync::Arc::new(signed)).await;
    wait_for(
        &a_db,
        "SELECT CASE WHEN attempts >= 2 AND state = 'pending' AND last_error LIKE '%Không kết nối được%' \
         THEN 'retrying' ELSE state END FROM exchange_outbox WHERE kind = 'document'",
        "retrying",
    )
    .await;

    // B comes back (on another port, which its peer record on A now names).
    let b = start(&b_db, b_dir.path()).await;
    a_db.store
        .save_peer(&sys, &peer("Bộ Nội vụ", b.port, MINISTRY))
        .await
        .unwrap();
    wait_for(
        &b_db,
        "SELECT CAST(COUNT(*) AS TEXT) FROM incoming_documents WHERE channel = 'exchange' AND status = 'arrived'",
        "1",
    )
    .await;
    wait_for(
        &a_db,
        "SELECT state FROM exchange_outbox WHERE kind = 'document'",
        "delivered",
    )
    .await;
    // 01 Đã đến came back on its own.
    let delivery =
        format!("SELECT status FROM deliveries WHERE outgoing_id = {id} AND channel = 'external'");
    wait_for(&a_db, &delivery, "01").await;

    // B's clerk sees it in the queue, arrived through the exchange, with its files verified.
    let incoming: i64 = scalar(
        &b_db,
        "SELECT CAST(id AS TEXT) FROM incoming_documents WHERE channel = 'exchange'",
    )
    .await
    .unwrap()
    .parse()
    .unwrap();
    let b_clerk = crate::issue_concurrency::login(b.port, "vanthu.bnv").await;
    let (status, _, body) = http(
        b.port,
        "GET",
        &format!("/api/incoming/{incoming}"),
        Some(&b_clerk),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["channel"], "exchange", "{doc}");
    assert_eq!(doc["sender_code"], DEPARTMENT, "{doc}");
    assert_eq!(
        doc["subject"],
        "Về việc báo cáo tình hình biên chế năm 2026"
    );
    assert_eq!(doc["verification"]["ok"], true, "{doc}");
    assert_eq!(
        doc["history"][0]["entry"]["actor"]["full_name"], "Trục liên thông (Sở Nội vụ Vĩnh Long)",
        "{doc}"
    );
    assert_eq!(
        scalar(
            &b_db,
            "SELECT actor_username FROM audit_log WHERE action = 'incoming.exchange_arrival'"
        )
        .await
        .as_deref(),
        Some("Trục liên thông (Sở Nội vụ Vĩnh Long)")
    );

    // A redelivery (the acknowledgement lost, say) is acknowledged and changes nothing.
    let mut raw = raw_connection(&a_db).await;
    crate::common::raw_exec(
        &mut raw,
        "UPDATE exchange_outbox SET state = 'pending', next_attempt_at = 0 WHERE kind = 'document'",
    )
    .await
    .unwrap();
    wait_for(
        &a_db,
        "SELECT state FROM exchange_outbox WHERE kind = 'document'",
        "delivered",
    )
    .await;
    assert_eq!(
        scalar(
            &b_db,
            "SELECT CAST(COUNT(*) AS TEXT) FROM incoming_documents WHERE channel = 'exchange'"
        )
        .await
        .as_deref(),
        Some("1")
    );

    // The clerk accepts: 03 goes back.
    let (status, _, body) = http(
        b.port,
        "POST",
        &format!("/api/incoming/{incoming}/accept"),
        Some(&b_clerk),
        Some(("application/json", &serde_json::to_vec(&json!({})).unwrap())),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    wait_for(&a_db, &delivery, "03").await;
    let events = format!(
        "SELECT status FROM delivery_events WHERE delivery_id = (SELECT id FROM deliveries WHERE outgoing_id = {id} \
         AND channel = 'external') ORDER BY id"
    );
    let mut raw = raw_connection(&a_db).await;
    let statuses: Vec<String> = match &mut raw {
        RawConn::Sqlite(c) => sqlx::query_scalar(sqlx::AssertSqlSafe(events))
            .fetch_all(c)
            .await
            .unwrap(),
        RawConn::Postgres(c) => sqlx::query_scalar(sqlx::AssertSqlSafe(events))
            .fetch_all(c)
            .await
            .unwrap(),
    };
    assert_eq!(statuses, ["01", "03"]);

    // A recalls the document: a recall packet (action 1) crosses, B's clerk sees the request and agrees, and 15
    // comes back to A's delivery; B's copy is withdrawn.
    let (status, _, body) = http(
        a.port,
        "POST",
        &format!("/api/outgoing/{id}/recall"),
        Some(&clerk),
        Some((
            "application/json",
            &serde_json::to_vec(&json!({"reason": "Văn bản ban hành nhầm số liệu."})).unwrap(),
        )),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    wait_for(&a_db, &delivery, "13").await;
    wait_for(
        &b_db,
        &format!("SELECT exchange_status FROM incoming_documents WHERE id = {incoming}"),
        "13",
    )
    .await;
    let (status, _, body) = http(
        b.port,
        "GET",
        &format!("/api/incoming/{incoming}"),
        Some(&b_clerk),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        doc["recall_reason"], "Văn bản ban hành nhầm số liệu.",
        "{doc}"
    );
    let (status, _, body) = http(
        b.port,
        "POST",
        &format!("/api/incoming/{incoming}/recall-answer"),
        Some(&b_clerk),
        Some((
            "application/json",
            &serde_json::to_vec(&json!({"agree": true})).unwrap(),
        )),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    wait_for(&a_db, &delivery, "15").await;
    assert_eq!(
        scalar(
            &b_db,
            &format!("SELECT status FROM incoming_documents WHERE id = {incoming}")
        )
        .await
        .as_deref(),
        Some("withdrawn")
    );
    // Answering twice is refused with a reason.
    let (status, _, _) = http(
        b.port,
        "POST",
        &format!("/api/incoming/{incoming}/recall-answer"),
        Some(&b_clerk),
        Some((
            "application/json",
            &serde_json::to_vec(&json!({"agree": true})).unwrap(),
        )),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 409);

    // Authentication: a forged MAC and a replay outside the window are refused before the body is read; the
    // same body signed now passes authentication (and is refused as a status about no document sent there).
    let status_packet = edxml::build_status(&edxml::StatusPacket {
        from: edxml::Organization {
            organ_id: DEPARTMENT.into(),
            organ_name: "Sở Nội vụ".into(),
            ..Default::default()
        },
        response_for: edxml::ResponseFor {
            organ_id: MINISTRY.into(),
            code: "1/BNV-VP".into(),
            promulgation_date: None,
            document_id: "000.00.00.G09,2026/01/02,1/BNV-VP".into(),
        },
        staff: None,
        status: edxml::StatusCode::Arrived,
        description: None,
        timestamp: vanban::exchange::packets::ed_datetime(vanban::store::now_ms()),
    })
    .unwrap();
    let now = vanban::store::now_ms() / 1000;
    let (status, body) = signed_post(b.port, status_packet.as_bytes(), now, "khóa đoán").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["message"], "Chữ ký HMAC của yêu cầu không đúng.");
    let (status, body) = signed_post(b.port, status_packet.as_bytes(), now - 301, SECRET).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("lệch quá 5 phút"),
        "{body}"
    );
    let (status, body) = signed_post(b.port, status_packet.as_bytes(), now, SECRET).await;
    assert_eq!(status, 422, "{body}");

    drop((a, b));
    a_db.finish().await;
    b_db.finish().await;
}

on_both_databases!(
    a_document_crosses_to_an_instance_that_was_down_arrives_once_and_its_statuses_come_back
);

/// The folder transport, in process: A's delivery pass writes the document packet into `A/out`, which is B's
/// `in`; B's folder import makes the incoming document and queues 01, which B's pass writes into `B/out`, which
/// is A's `in`; A's import moves the delivery to 01. The same files read twice change nothing.
async fn a_document_and_its_status_cross_through_a_shared_folder(a_db: TestDb) {
    use std::sync::Arc;
    use vanban::exchange::delivery::{DeliveryPolicy, Exchange, deliver_due, import_folders};

    let b_db = match a_db.kind {
        vanban::store::DbKind::Sqlite => TestDb::sqlite().await,
        vanban::store::DbKind::Postgres => TestDb::postgres().await,
    };
    let p = crate::common::docs::people(a_db.store.as_ref()).await;
    ministry(&b_db).await;
    let root = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (root.path().join("a"), root.path().join("b"));
    for d in [&a_dir, &b_dir] {
        std::fs::create_dir_all(d.join("out")).unwrap();
    }
    std::os::unix::fs::symlink(a_dir.join("out"), b_dir.join("in")).unwrap();
    std::os::unix::fs::symlink(b_dir.join("out"), a_dir.join("in")).unwrap();
    let folder = |name: &str, dir: &Path, organ: &str| NewPeer {
        kind: "folder".into(),
        endpoint: dir.display().to_string(),
        ..peer(name, 0, organ)
    };
    let sys = Actor::default();
    a_db.store
        .save_peer(&sys, &folder("Bộ Nội vụ", &a_dir, MINISTRY))
        .await
        .unwrap();
    b_db.store
        .save_peer(&sys, &folder("Sở Nội vụ Vĩnh Long", &b_dir, DEPARTMENT))
        .await
        .unwrap();

    let blobs_dir = tempfile::tempdir().unwrap();
    let blobs: Arc<dyn vanban::blob::BlobStore> =
        Arc::new(vanban::blob::FsBlobStore::new(blobs_dir.path()).unwrap());
    let app = vanban::app::router(vanban::app::AppState {
        store: a_db.store.clone(),
        blobs: blobs.clone(),
        config: Arc::new(crate::common::docs::config()),
    });
    let id = crate::common::docs::awaiting_signature(&app, &p, false).await;
    crate::common::docs::leader_signs(&app, id).await;
    let mut clerk = crate::common::docs::client(&app, "vanthu.snv").await;
    crate::common::docs::issue_as_clerk(&mut clerk, id)
        .await
        .good();

    let side = |db: &TestDb, blobs: Arc<dyn vanban::blob::BlobStore>| Exchange {
        store: db.store.clone(),
        blobs,
        trust_anchors: Arc::new(vec![crate::common::docs::pki().ca_pem()]),
        policy: DeliveryPolicy::default(),
    };
    let b_blobs_dir = tempfile::tempdir().unwrap();
    let a = side(&a_db, blobs);
    let b = side(
        &b_db,
        Arc::new(vanban::blob::FsBlobStore::new(b_blobs_dir.path()).unwrap()),
    );
    assert_eq!(deliver_due(&a).await.unwrap(), 1);
    assert_eq!(std::fs::read_dir(a_dir.join("out")).unwrap().count(), 1);
    assert_eq!(import_folders(&b).await.unwrap(), 1);
    assert_eq!(
        scalar(
            &b_db,
            "SELECT verification_ok || ' ' || sender_code FROM incoming_documents WHERE channel = 'exchange'"
        )
        .await
        .map(|v| v.replace("true", "1")),
        Some(format!("1 {DEPARTMENT}"))
    );
    // Its text layer is kept for the search index, as for any received file.
    assert_eq!(
        scalar(&b_db, "SELECT CAST(COUNT(*) AS TEXT) FROM blob_texts")
            .await
            .as_deref(),
        Some("1")
    );
    // The packet was moved to `in/done`; put back, it is a duplicate.
    let done = b_dir.join("in").join("done");
    let name = std::fs::read_dir(&done)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    std::fs::copy(done.join(&name), b_dir.join("in").join(&name)).unwrap();
    assert_eq!(import_folders(&b).await.unwrap(), 1);
    assert_eq!(
        scalar(
            &b_db,
            "SELECT CAST(COUNT(*) AS TEXT) FROM incoming_documents WHERE channel = 'exchange'"
        )
        .await
        .as_deref(),
        Some("1")
    );

    assert_eq!(deliver_due(&b).await.unwrap(), 1);
    assert_eq!(import_folders(&a).await.unwrap(), 1);
    assert_eq!(
        scalar(
            &a_db,
            &format!(
                "SELECT status FROM deliveries WHERE outgoing_id = {id} AND channel = 'external'"
            )
        )
        .await
        .as_deref(),
        Some("01")
    );
    a_db.finish().await;
    b_db.finish().await;
}

mod folder {
    use super::*;
    on_both_databases!(a_document_and_its_status_cross_through_a_shared_folder);
}

/// The administration's routes: a system administrator saves a peer (the secret checked, never shown back),
/// sees a packet the peer could not take with its attempts and readable error, and sends it again now; a
/// delivered packet is not sent again.
async fn the_administrator_configures_a_peer_sees_a_failed_packet_and_retries_it(db: TestDb) {
    use axum::http::StatusCode;
    use std::sync::Arc;
    use vanban::exchange::delivery::{DeliveryPolicy, Exchange, deliver_due};

    let p = crate::common::docs::people(db.store.as_ref()).await;
    let blobs_dir = tempfile::tempdir().unwrap();
    let blobs: Arc<dyn vanban::blob::BlobStore> =
        Arc::new(vanban::blob::FsBlobStore::new(blobs_dir.path()).unwrap());
    let app = vanban::app::router(vanban::app::AppState {
        store: db.store.clone(),
        blobs: blobs.clone(),
        config: Arc::new(crate::common::docs::config()),
    });
    let mut admin = crate::common::docs::client(&app, "admin").await;
    let mut body = json!({"name": "Bộ Nội vụ", "kind": "vanban", "endpoint": "http://127.0.0.1:9",
        "key_id": KEY_ID, "secret": "ngắn", "organ_ids": [MINISTRY], "enabled": true});
    let a = admin.put(shared::api::EXCHANGE_PEERS, body.clone()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.body);
    assert_eq!(a.body["fields"][0]["field"], "secret", "{:?}", a.body);
    // A new peer needs its secret.
    body["secret"] = Value::Null;
    let a = admin.put(shared::api::EXCHANGE_PEERS, body.clone()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.body);
    assert_eq!(a.body["fields"][0]["field"], "secret", "{:?}", a.body);
    body["secret"] = SECRET.into();
    let a = admin.put(shared::api::EXCHANGE_PEERS, body.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let a = admin.get(shared::api::EXCHANGE_PEERS).await;
    assert_eq!(a.body[0]["organ_ids"], json!([MINISTRY]));
    assert!(!a.body.to_string().contains(SECRET), "{:?}", a.body);
    // Changing it without the secret keeps the secret.
    body["secret"] = Value::Null;
    body["endpoint"] = "http://127.0.0.1:10".into();
    let a = admin.put(shared::api::EXCHANGE_PEERS, body.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(
        db.store.peer_by_key(KEY_ID).await.unwrap().unwrap().secret,
        SECRET
    );
    body["endpoint"] = "http://127.0.0.1:9".into();
    admin.put(shared::api::EXCHANGE_PEERS, body.clone()).await;
    // Another peer cannot take its key id, on creation or on change.
    let other = json!({"name": "Bộ Tư pháp", "kind": "vanban", "endpoint": "http://127.0.0.1:11",
        "key_id": "khac", "secret": SECRET, "organ_ids": ["000.00.00.G10"], "enabled": true});
    assert_eq!(
        admin
            .put(shared::api::EXCHANGE_PEERS, other.clone())
            .await
            .status,
        StatusCode::OK
    );
    let mut clash = other;
    clash["key_id"] = KEY_ID.into();
    let a = admin.put(shared::api::EXCHANGE_PEERS, clash).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.body);
    assert_eq!(a.body["fields"][0]["field"], "key_id", "{:?}", a.body);

    // Nothing listens on port 9: the packet stays pending with the reason.
    let id = crate::common::docs::awaiting_signature(&app, &p, false).await;
    crate::common::docs::leader_signs(&app, id).await;
    let mut clerk = crate::common::docs::client(&app, "vanthu.snv").await;
    crate::common::docs::issue_as_clerk(&mut clerk, id)
        .await
        .good();
    let exchange = Exchange {
        store: db.store.clone(),
        blobs,
        trust_anchors: Arc::new(vec![]),
        policy: DeliveryPolicy::default(),
    };
    assert_eq!(deliver_due(&exchange).await.unwrap(), 0);
    let queue = admin.get(shared::api::EXCHANGE_QUEUE).await.body;
    let packet = &queue["outbox"][0];
    assert_eq!(packet["state"], "pending", "{queue}");
    assert_eq!(packet["attempts"], 1, "{queue}");
    assert!(
        packet["last_error"]
            .as_str()
            .unwrap()
            .starts_with("Không kết nối được tới Bộ Nội vụ"),
        "{queue}"
    );
    // Instants are ISO 8601 at +07:00, so they compare as text.
    let later = packet["next_attempt_at"].as_str().unwrap().to_string();
    assert!(
        later.as_str() > packet["created_at"].as_str().unwrap(),
        "{queue}"
    );
    // Retried by hand it is due now; officials may not.
    let packet_id = packet["id"].as_i64().unwrap();
    let mut official = crate::common::docs::client(&app, "cv.snv").await;
    let a = official
        .post(&shared::api::exchange_retry(packet_id), json!({}))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = admin
        .post(&shared::api::exchange_retry(packet_id), json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["state"], "pending");
    assert!(
        a.body["next_attempt_at"].as_str().unwrap() < later.as_str(),
        "{:?}",
        a.body
    );
    let mut raw = raw_connection(&db).await;
    crate::common::raw_exec(&mut raw, "UPDATE exchange_outbox SET state = 'delivered'")
        .await
        .unwrap();
    let a = admin
        .post(&shared::api::exchange_retry(packet_id), json!({}))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{:?}", a.body);
    db.finish().await;
}

mod administration {
    use super::*;
    on_both_databases!(the_administrator_configures_a_peer_sees_a_failed_packet_and_retries_it);
}

/// A document packet from the department, as another system would send it: `action` with its trace.
fn department_packet(
    number: &str,
    subject: &str,
    business: Option<edxml::Business>,
    with_file: bool,
) -> Vec<u8> {
    let facts = vanban::exchange::packets::IssuedFacts {
        organ_id: DEPARTMENT.into(),
        organ_name: "Sở Nội vụ Vĩnh Long".into(),
        number_text: number.into(),
        // 2026-03-02 in Vietnam.
        issued_at: 1_772_400_000_000,
        doc_type: "cong_van".into(),
        subject: subject.into(),
        urgency: "normal".into(),
        reply_deadline: None,
        signer_name: "Lê Văn Hùng".into(),
        signer_position: Some("Giám đốc".into()),
        files: if with_file {
            vec![("cong-van.pdf".into(), String::new())]
        } else {
            Vec::new()
        },
    };
    let files = if with_file {
        vec![crate::common::docs::attachment_pdf()]
    } else {
        Vec::new()
    };
    let mut packet = vanban::exchange::packets::document_packet(
        &facts,
        &[(MINISTRY.into(), "Bộ Nội vụ".into())],
        files,
    );
    packet.business = business;
    edxml::build_document(&packet).unwrap().into_bytes()
}

fn business(action: edxml::BusinessAction, document_id: &str, reason: &str) -> edxml::Business {
    edxml::Business {
        document_id: Some(document_id.into()),
        action,
        reason: Some(reason.into()),
        paper: None,
        staff: None,
        update: None,
        replacements: Vec::new(),
    }
}

/// Update (action 2) and replace (action 3) from another system, applied on the receiving side: an update about
/// a document not arrived yet waits (409, nothing recorded); once it has arrived the update changes its
/// information and says what changed, a redelivery changes nothing, a later update applies; a replacement
/// arrives as a new document and withdraws the one it names.
async fn updates_and_replacements_from_another_system_are_applied_once(db: TestDb) {
    use std::sync::Arc;
    use vanban::exchange::receive::receive_packet;
    use vanban::store::exchange::Receipt;

    ministry(&db).await;
    let sys = Actor::default();
    db.store
        .save_peer(&sys, &peer("Sở Nội vụ Vĩnh Long", 9, DEPARTMENT))
        .await
        .unwrap();
    let peer_row = db.store.peer_by_key(KEY_ID).await.unwrap().unwrap();
    let blobs_dir = tempfile::tempdir().unwrap();
    let blobs: Arc<dyn vanban::blob::BlobStore> =
        Arc::new(vanban::blob::FsBlobStore::new(blobs_dir.path()).unwrap());
    let anchors = vec![crate::common::docs::pki().ca_pem()];
    let receive = |bytes: Vec<u8>| {
        let (store, blobs, anchors, peer_row) = (
            db.store.clone(),
            blobs.clone(),
            anchors.clone(),
            peer_row.clone(),
        );
        async move {
            receive_packet(&store, &blobs, &anchors, &peer_row, &bytes)
                .await
                .unwrap()
        }
    };
    let first = "000.00.02.H62,2026/03/02,12/SNV-VP";
    let update = |subject: &str| {
        department_packet(
            "12/SNV-VP",
            subject,
            Some(business(
                edxml::BusinessAction::Update,
                first,
                "Cập nhật văn bản điện tử",
            )),
            false,
        )
    };

    // Hostile packets are refused with the parser's reason, never applied: not XML, and a zipped attachment
    // that claims to unpack to 600 MiB (a decompression bomb).
    for (bad, expected) in [
        (b"<edXML><oops".to_vec(), "Gói tin edXML không hợp lệ"),
        (
            {
                let mut zip = edxml::unzip::stored_zip("bom.pdf", b"%PDF-1.7");
                let cd = zip
                    .windows(4)
                    .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
                    .unwrap();
                zip[cd + 24..cd + 28].copy_from_slice(&(600u32 * 1024 * 1024).to_le_bytes());
                let packet =
                    String::from_utf8(department_packet("11/SNV-VP", "Bom", None, true)).unwrap();
                let pdf_b64 = {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .encode(crate::common::docs::attachment_pdf())
                };
                let zip_b64 = {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD.encode(&zip)
                };
                assert!(packet.contains(&pdf_b64));
                // Declared as the SDK declares its zipped files.
                packet
                    .replace(&pdf_b64, &zip_b64)
                    .replace("application/pdf", "application/zip")
                    .into_bytes()
            },
            "quá giới hạn 512 MiB",
        ),
    ] {
        let store = db.store.clone();
        match receive_packet(&store, &blobs, &anchors, &peer_row, &bad).await {
            Err(vanban::exchange::receive::ReceiveError::Invalid(why)) => {
                assert!(
                    why.starts_with("Gói tin edXML không hợp lệ") && why.contains(expected),
                    "{why}"
                )
            }
            other => panic!("a hostile packet was not refused: {other:?}"),
        }
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM incoming_documents").await,
        "0"
    );

    // Before the document: not yet, and not recorded (the sender's retry applies it later).
    let early = receive(update("Về việc báo cáo biên chế (sửa)")).await;
    assert!(matches!(early, Receipt::NotYet(_)), "{early:?}");
    let recall_early = receive(department_packet(
        "12/SNV-VP",
        "x",
        Some(business(edxml::BusinessAction::Recall, first, "Nhầm")),
        false,
    ))
    .await;
    assert!(
        matches!(recall_early, Receipt::NotYet(_)),
        "{recall_early:?}"
    );

    let Receipt::Applied(made) = receive(department_packet(
        "12/SNV-VP",
        "Về việc báo cáo biên chế",
        None,
        true,
    ))
    .await
    else {
        panic!("the document was not applied");
    };
    let old = made[0];
    let subject = format!("SELECT subject FROM incoming_documents WHERE id = {old}");
    assert_eq!(
        receive(update("Về việc báo cáo biên chế năm 2026")).await,
        Receipt::Applied(vec![old])
    );
    assert_eq!(
        scalar(&db, &subject).await.as_deref(),
        Some("Về việc báo cáo biên chế năm 2026")
    );
    assert_eq!(
        scalar(
            &db,
            &format!(
                "SELECT comment FROM incoming_history WHERE incoming_id = {old} AND action = 'updated_by_sender'"
            )
        )
        .await
        .as_deref(),
        Some("Cập nhật văn bản điện tử (thay đổi trích yếu)")
    );
    // The same update again is a duplicate; a later one applies.
    assert_eq!(
        receive(update("Về việc báo cáo biên chế năm 2026")).await,
        Receipt::Duplicate
    );
    assert_eq!(
        receive(update("Về việc báo cáo biên chế năm 2026 (lần 2)")).await,
        Receipt::Applied(vec![old])
    );
    assert_eq!(
        scalar(&db, &subject).await.as_deref(),
        Some("Về việc báo cáo biên chế năm 2026 (lần 2)")
    );

    // A replacement arrives as a new document and withdraws the one it replaces.
    let mut replace = business(
        edxml::BusinessAction::Replace,
        "000.00.02.H62,2026/03/02,13/SNV-VP",
        "Văn bản thay thế",
    );
    replace.replacements = vec![edxml::Replacement {
        document_id: first.into(),
        organ_ids: vec![MINISTRY.into()],
    }];
    let Receipt::Applied(new) = receive(department_packet(
        "13/SNV-VP",
        "Về việc báo cáo biên chế (thay thế)",
        Some(replace),
        true,
    ))
    .await
    else {
        panic!("the replacement was not applied");
    };
    assert_ne!(new, vec![old]);
    assert_eq!(
        scalar(
            &db,
            &format!("SELECT status FROM incoming_documents WHERE id = {old}")
        )
        .await
        .as_deref(),
        Some("withdrawn")
    );
    assert_eq!(
        scalar(
            &db,
            &format!(
                "SELECT status FROM incoming_documents WHERE id = {}",
                new[0]
            )
        )
        .await
        .as_deref(),
        Some("arrived")
    );
    assert!(
        scalar(
            &db,
            &format!(
                "SELECT comment FROM incoming_history WHERE incoming_id = {old} AND action = 'replaced'"
            )
        )
        .await
        .unwrap()
        .contains("13/SNV-VP")
    );
    // The recall of the replaced (withdrawn) document is agreed at once: 15 is queued back.
    assert_eq!(
        receive(department_packet(
            "12/SNV-VP",
            "x",
            Some(business(edxml::BusinessAction::Recall, first, "Nhầm")),
            false,
        ))
        .await,
        Receipt::Applied(vec![old])
    );
    assert_eq!(
        scalar(
            &db,
            &format!(
                "SELECT status_code FROM exchange_outbox WHERE kind = 'status' AND document_id = '{first}' \
                 ORDER BY id DESC LIMIT 1"
            )
        )
        .await
        .as_deref(),
        Some("15")
    );
    db.finish().await;
}

mod replacements {
    use super::*;
    on_both_databases!(updates_and_replacements_from_another_system_are_applied_once);
}

/// A TLS front for `port` on loopback, as a province's reverse proxy would be, with a server certificate for
/// `localhost` issued by a CA made by `openssl`; returns its port and the CA's PEM file.
async fn tls_front(port: u16, dir: &Path) -> (u16, std::path::PathBuf) {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (ca, ca_key, cert, key, csr, ext) = (
        dir.join("ca.pem"),
        dir.join("ca.key"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("leaf.csr"),
        dir.join("leaf.ext"),
    );
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    let openssl = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    // The province's CA, then the peer's server certificate issued by it.
    openssl(&[
        os("req"),
        os("-x509"),
        os("-newkey"),
        os("rsa:2048"),
        os("-nodes"),
        os("-days"),
        os("2"),
        os("-subj"),
        os("/CN=CA liên thông thử"),
        os("-addext"),
        os("basicConstraints=critical,CA:TRUE"),
        os("-addext"),
        os("keyUsage=critical,keyCertSign,cRLSign"),
        os("-keyout"),
        ca_key.as_os_str(),
        os("-out"),
        ca.as_os_str(),
    ]);
    openssl(&[
        os("req"),
        os("-newkey"),
        os("rsa:2048"),
        os("-nodes"),
        os("-subj"),
        os("/CN=localhost"),
        os("-keyout"),
        key.as_os_str(),
        os("-out"),
        csr.as_os_str(),
    ]);
    openssl(&[
        os("x509"),
        os("-req"),
        os("-in"),
        csr.as_os_str(),
        os("-CA"),
        ca.as_os_str(),
        os("-CAkey"),
        ca_key.as_os_str(),
        os("-CAcreateserial"),
        os("-days"),
        os("2"),
        os("-extfile"),
        ext.as_os_str(),
        os("-out"),
        cert.as_os_str(),
    ]);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, PrivateKeyDer::from_pem_file(&key).unwrap())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut back) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
            });
        }
    });
    (front, ca)
}

/// A peer reached over HTTPS: the packet waits while the peer's certificate is not trusted (the reason says
/// so), and crosses once the sender trusts the CA given by `VANBAN_EXCHANGE_CA_FILE`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_crosses_over_https_once_the_peer_certificate_is_trusted() {
    let (a_db, b_db) = (TestDb::sqlite().await, TestDb::sqlite().await);
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, ids, signed) = documents_waiting(&a_db, a_dir.path(), 1).await;
    ministry(&b_db).await;
    let b = start(&b_db, b_dir.path()).await;
    let (front, cert) = tls_front(b.port, b_dir.path()).await;
    let mut a = start(&a_db, a_dir.path()).await;
    let sys = Actor::default();
    b_db.store
        .save_peer(&sys, &peer("Sở Nội vụ Vĩnh Long", a.port, DEPARTMENT))
        .await
        .unwrap();
    a_db.store
        .save_peer(
            &sys,
            &NewPeer {
                endpoint: format!("https://localhost:{front}"),
                ..peer("Bộ Nội vụ", 0, MINISTRY)
            },
        )
        .await
        .unwrap();
    let clerk = crate::issue_concurrency::login(a.port, "vanthu.snv").await;
    issue_one(
        (a.port, a.port),
        &clerk,
        ids[0],
        std::sync::Arc::new(signed),
    )
    .await;
    wait_for(
        &a_db,
        "SELECT CASE WHEN last_error LIKE '%HTTPS an toàn%' AND state = 'pending' THEN 'untrusted' ELSE state END \
         FROM exchange_outbox WHERE kind = 'document'",
        "untrusted",
    )
    .await;
    assert_eq!(
        count(&b_db, "SELECT COUNT(*) FROM incoming_documents").await,
        "0"
    );

    // The administrator gives the sender the CA: the retry crosses.
    a.kill();
    let cert = cert.display().to_string();
    let _a = start_server_with(
        &a_db.url,
        a_dir.path(),
        &[],
        &[
            ("VANBAN_EXCHANGE_POLL_MS", "100"),
            ("VANBAN_EXCHANGE_BACKOFF_MS", "200"),
            ("VANBAN_EXCHANGE_MAX_BACKOFF_MS", "1000"),
            ("VANBAN_EXCHANGE_CA_FILE", cert.as_str()),
        ],
    )
    .await;
    wait_for(
        &a_db,
        "SELECT state FROM exchange_outbox WHERE kind = 'document'",
        "delivered",
    )
    .await;
    assert_eq!(
        count(
            &b_db,
            "SELECT COUNT(*) FROM incoming_documents WHERE channel = 'exchange'"
        )
        .await,
        "1"
    );
    a_db.finish().await;
    b_db.finish().await;
}
