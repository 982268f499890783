//! Outgoing documents through the real router, on both databases: the whole journey from draft to arrival,
//! and every refusal (wrong role, other agency, wrong state, tampered revision, active content).

use crate::common::docs::{self, People, pki, sign, upload};
use crate::common::{Client, TestDb};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;

struct World {
    db: TestDb,
    p: People,
    app: axum::Router,
}

impl World {
    async fn new(db: TestDb) -> Self {
        let p = docs::people(db.store.as_ref()).await;
        let app = crate::common::app(db.store.clone(), docs::config());
        Self { db, p, app }
    }

    async fn client(&self, username: &str) -> Client {
        let mut c = Client::with_app(self.app.clone());
        c.login_ok(username).await;
        c
    }
}

async fn awaiting_signature(w: &World, reviewed: bool) -> i64 {
    docs::awaiting_signature(&w.app, &w.p, reviewed).await
}

async fn leader_signs(w: &World, id: i64) -> Value {
    docs::leader_signs(&w.app, id).await
}

use docs::clerk_issues;

async fn a_document_goes_from_draft_through_return_and_signature_to_issue_and_arrival(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    let doc = official
        .post(
            "/api/outgoing",
            docs::draft_body(&w.p, &main, &[w.p.unit_leader]),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    let id = doc["id"].as_i64().unwrap();
    assert_eq!(doc["status"], "draft");
    assert_eq!(
        doc["notation"], "SNV-TC",
        "a công văn carries agency and drafting unit"
    );
    assert_eq!(doc["actions"], json!(["submit", "new_version"]));
    let reserved_sha = doc["versions"][0]["files"][0]["sha256"].as_str().unwrap();
    assert_ne!(
        reserved_sha, main,
        "the server reserved the number fields in a new revision"
    );
    official
        .post(&format!("/api/outgoing/{id}/submit"), json!({}))
        .await
        .expect(StatusCode::OK);

    // The unit leader returns it with a comment; the official uploads v2 and resubmits.
    let mut tp = w.client("tp.snv").await;
    let queue = tp
        .get("/api/outgoing?bucket=to_review")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(queue["items"][0]["id"], id);
    tp.post(
        &format!("/api/outgoing/{id}/review"),
        json!({"decision": "return_to_drafter", "comment": "Bổ sung số liệu quý IV."}),
    )
    .await
    .expect(StatusCode::OK);
    let returned = official
        .get("/api/outgoing?bucket=returned")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(returned["items"][0]["id"], id);
    let v2 = upload(&mut official, &docs::attachment_pdf()).await;
    let doc = official
        .post(
            &format!("/api/outgoing/{id}/new-version"),
            json!({"main_file": {"sha256": v2, "name": "cong-van-v2.pdf"}, "comment": "Đã bổ sung."}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["versions"].as_array().unwrap().len(), 2);
    official
        .post(&format!("/api/outgoing/{id}/submit"), json!({}))
        .await
        .expect(StatusCode::OK);
    let doc = tp
        .post(
            &format!("/api/outgoing/{id}/review"),
            json!({"decision": "approve", "comment": "Đồng ý trình ký."}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["status"], "awaiting_signature");

    let doc = leader_signs(&w, id).await;
    assert_eq!(doc["status"], "awaiting_issue");
    let mut clerk = w.client("vanthu.snv").await;
    let issued = clerk_issues(&mut clerk, id)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["number"], 1);
    assert_eq!(issued["number_text"], "01/SNV-TC");
    let actions: Vec<&str> = issued["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "submitted",
            "returned_drafter",
            "new_version",
            "submitted",
            "approved_to_signer",
            "signed",
            "issued"
        ]
    );
    assert_eq!(issued["history"][2]["comment"], "Bổ sung số liệu quý IV.");

    // The issued file: the leader's signature (form filling after it) and the seal both verify.
    let file = docs::latest_main(&mut clerk, &issued).await;
    let reports = shared::pdf::verify::verify_document(
        file.as_slice(),
        &vanban::signing::options(&[pki().ca_pem()]),
    )
    .unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.ok), "{reports:?}");
    assert!(
        reports[0]
            .filled_fields
            .contains(&("vb_so".to_string(), "01/SNV-TC".to_string()))
    );

    // Deliveries: the province arrived at once (01); the ministry is queued for the exchange; paper listed.
    let deliveries = issued["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    assert_eq!(deliveries[0]["channel"], "internal");
    assert_eq!(deliveries[0]["status"], "arrived");
    assert_eq!(deliveries[1]["channel"], "external");
    assert_eq!(deliveries[1]["status"], Value::Null);
    assert_eq!(deliveries[2]["channel"], "paper");
    let mut province_clerk = w.client("vanthu.ubnd").await;
    let arrivals = province_clerk
        .get("/api/arrivals")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(arrivals["items"][0]["outgoing_id"], id);
    assert_eq!(arrivals["items"][0]["status"], "arrived");
    assert_eq!(arrivals["items"][0]["number_text"], "01/SNV-TC");
    // The recipient sees the issued version only, and can open it.
    let seen = province_clerk
        .get(&format!("/api/outgoing/{id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        seen["versions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["kind"] == "issued")
    );
    assert!(seen["steps"].as_array().unwrap().is_empty());
    assert_eq!(docs::latest_main(&mut province_clerk, &seen).await, file);
    // A reply can answer what the province received, not what another agency received.
    let delivery = arrivals["items"][0]["delivery_id"].as_i64().unwrap();
    let mut reply = docs::draft_body(&w.p, &main, &[]);
    reply["answers_delivery_id"] = json!(delivery);
    let e = official
        .post("/api/outgoing", reply)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.body["fields"][0]["field"], "answers_delivery_id");

    // The outgoing register has the entry with its columns.
    let register = clerk
        .get(&format!("/api/registers/{}/entries", w.p.dept_register))
        .await
        .expect(StatusCode::OK)
        .body;
    let row = &register["rows"][0];
    assert_eq!(row["number_text"], "01/SNV-TC");
    assert_eq!(row["signer"], docs::LEADER_NAME);
    assert!(
        row["type_and_subject"]
            .as_str()
            .unwrap()
            .starts_with("Công văn Về việc báo cáo")
    );
    assert!(
        row["recipients"]
            .as_str()
            .unwrap()
            .contains("UBND tỉnh Vĩnh Long")
    );
    w.db.finish().await;
}

async fn numbers_follow_on_without_gaps_and_a_failed_issue_consumes_none(db: TestDb) {
    let w = World::new(db).await;
    let (a, b) = (
        awaiting_signature(&w, false).await,
        awaiting_signature(&w, false).await,
    );
    leader_signs(&w, a).await;
    leader_signs(&w, b).await;
    let mut clerk = w.client("vanthu.snv").await;
    // A tampered upload for A: refused, nothing recorded, and the number goes back.
    let doc = clerk.get(&format!("/api/outgoing/{a}")).await.body;
    let reservation = clerk
        .post(&format!("/api/outgoing/{a}/reservation"), json!({}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(reservation["number"], 1);
    let signed = docs::latest_main(&mut clerk, &doc).await;
    let mut sealed = docs::number_and_seal(
        &signed,
        &reservation,
        &pki().signer(docs::DEPT_NAME, CertRole::Seal),
    );
    let at = signed.len() / 2;
    sealed[at] ^= 1;
    let sha = upload(&mut clerk, &sealed).await;
    let refused = clerk
        .post(
            &format!("/api/outgoing/{a}/issue"),
            json!({"main_sha256": sha}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("đã có bị thay đổi"),
        "{:?}",
        refused.body
    );
    let doc = clerk.get(&format!("/api/outgoing/{a}")).await.body;
    assert_eq!(doc["status"], "awaiting_issue");
    assert_eq!(
        w.db.store.held_number(a).await.unwrap(),
        None,
        "the number was given back"
    );
    // B is issued next and takes 01; A then takes 02.
    assert_eq!(
        clerk_issues(&mut clerk, b)
            .await
            .expect(StatusCode::OK)
            .body["number"],
        1
    );
    assert_eq!(
        clerk_issues(&mut clerk, a)
            .await
            .expect(StatusCode::OK)
            .body["number"],
        2
    );
    // Issuing again is refused: the document is no longer waiting.
    clerk
        .post(&format!("/api/outgoing/{a}/reservation"), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    w.db.finish().await;
}

async fn a_held_number_is_for_no_one_else_until_it_expires_then_goes_to_the_next_document(
    db: TestDb,
) {
    let w = World::new(db).await;
    let (a, b, c) = (
        awaiting_signature(&w, false).await,
        awaiting_signature(&w, false).await,
        awaiting_signature(&w, false).await,
    );
    for id in [a, b, c] {
        leader_signs(&w, id).await;
    }
    let store = w.db.store.clone();
    let clerk = store.get_user(w.p.base.dept_clerk).await.unwrap();
    let clerk2 = store.get_user(w.p.clerk2).await.unwrap();
    let now = vanban::store::now_ms();
    // Two clerks at once: different numbers; asking again renews the same number.
    assert_eq!(
        store
            .reserve_number(&clerk, a, now, 1000)
            .await
            .unwrap()
            .number,
        1
    );
    assert_eq!(
        store
            .reserve_number(&clerk2, b, now, 60_000)
            .await
            .unwrap()
            .number,
        2
    );
    assert_eq!(
        store
            .reserve_number(&clerk2, b, now + 10, 60_000)
            .await
            .unwrap()
            .number,
        2
    );
    // A's hold expires: the next reservation takes 01 back (no gap), B keeps 02.
    assert_eq!(
        store
            .reserve_number(&clerk, c, now + 2000, 60_000)
            .await
            .unwrap()
            .number,
        1
    );
    let held = store.held_number(a).await.unwrap();
    assert_eq!(held, None);
    // Issuing A with its stale number fails and records nothing.
    let mut web = w.client("vanthu.snv").await;
    web.post(
        &format!("/api/outgoing/{a}/issue"),
        json!({"main_sha256": "0".repeat(64)}),
    )
    .await
    .expect(StatusCode::CONFLICT);
    w.db.finish().await;
}

async fn refusals_for_wrong_roles_other_agencies_and_wrong_states(db: TestDb) {
    let w = World::new(db).await;
    let id = awaiting_signature(&w, true).await;
    let mut official = w.client("cv.snv").await;
    let mut admin = w.client("quantri.snv").await;
    let mut other_agency = w.client("cv.ubnd").await;
    let mut province_clerk = w.client("vanthu.ubnd").await;
    let mut clerk = w.client("vanthu.snv").await;
    // Wrong role.
    let main = upload(&mut admin, &docs::draft_pdf()).await;
    admin
        .post("/api/outgoing", docs::draft_body(&w.p, &main, &[]))
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .post(
            &format!("/api/outgoing/{id}/sign"),
            json!({"main_sha256": "a".repeat(64)}),
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .post(&format!("/api/outgoing/{id}/reservation"), json!({}))
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .get("/api/outgoing?bucket=to_issue")
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .get("/api/arrivals")
        .await
        .expect(StatusCode::FORBIDDEN);
    // Other agency: the document does not exist for them.
    other_agency
        .get(&format!("/api/outgoing/{id}"))
        .await
        .expect(StatusCode::NOT_FOUND);
    province_clerk
        .post(&format!("/api/outgoing/{id}/reservation"), json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);
    // A signer of another agency cannot be chosen.
    let mut body = docs::draft_body(&w.p, &main, &[]);
    body["signer_id"] = json!(w.p.base.province_official);
    let e = official
        .post("/api/outgoing", body)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.body["fields"][0]["field"] == "signer_id");
    // Wrong state: the clerk cannot number or issue an unsigned document; the drafter cannot resubmit.
    clerk
        .post(&format!("/api/outgoing/{id}/reservation"), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    clerk
        .post(
            &format!("/api/outgoing/{id}/issue"),
            json!({"main_sha256": "a".repeat(64)}),
        )
        .await
        .expect(StatusCode::CONFLICT);
    official
        .post(&format!("/api/outgoing/{id}/submit"), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    // The unit leader already approved: the document is with the signer now, not with them.
    let mut tp = w.client("tp.snv").await;
    tp.post(
        &format!("/api/outgoing/{id}/review"),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::FORBIDDEN);
    // Returning needs a comment.
    let mut leader = w.client("gd.snv").await;
    leader
        .post(
            &format!("/api/outgoing/{id}/review"),
            json!({"decision": "return_to_drafter"}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    // A confidentiality mark is refused with the reason.
    let mut secret = docs::draft_body(&w.p, &main, &[]);
    secret["confidentiality"] = json!("Mật");
    let e = official
        .post("/api/outgoing", secret)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("bí mật nhà nước")
    );
    w.db.finish().await;
}

async fn tampered_foreign_and_untrusted_signatures_are_refused(db: TestDb) {
    let w = World::new(db).await;
    let id = awaiting_signature(&w, false).await;
    let mut leader = w.client("gd.snv").await;
    let doc = leader.get(&format!("/api/outgoing/{id}")).await.body;
    let draft = docs::latest_main(&mut leader, &doc).await;
    let mine = pki().signer(docs::LEADER_NAME, CertRole::Person);
    let attempts: Vec<(Vec<u8>, &str)> = vec![
        // One byte of the draft changed before signing: not the previous bytes.
        (
            {
                let mut d = draft.clone();
                let at = d.len() / 3;
                d[at] ^= 0x20;
                sign(&d, &mine, SignatureKind::Signer, None)
            },
            "đã có bị thay đổi",
        ),
        // One byte changed after signing: the signature breaks.
        (
            {
                let mut s = sign(&draft, &mine, SignatureKind::Signer, None);
                let at = draft.len() + 40;
                s[at] ^= 0x01;
                s
            },
            "không",
        ),
        // Signed by someone else.
        (
            sign(
                &draft,
                &pki().signer("Nguyễn Văn Khác", CertRole::Person),
                SignatureKind::Signer,
                None,
            ),
            "phải do Lê Văn Hùng ký",
        ),
        // Nothing added.
        (
            [draft.clone(), b"\n%%EOF\n".to_vec()].concat(),
            "không có chữ ký",
        ),
    ];
    for (bytes, expected) in attempts {
        let sha = upload(&mut leader, &bytes).await;
        let e = leader
            .post(
                &format!("/api/outgoing/{id}/sign"),
                json!({"main_sha256": sha}),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        let message = e.body["message"].as_str().unwrap();
        assert!(
            message.contains(expected),
            "{message} should say {expected}"
        );
    }
    // A certificate from a CA the server does not trust.
    let stranger_key = shared::pki::generate_key().unwrap();
    let stranger = shared::pdf::cms::RsaSigner {
        certificates: vec![
            shared::pki::issue_certificate(
                CertRole::Person,
                shared::pki::name(docs::LEADER_NAME, None).unwrap(),
                &stranger_key,
                None,
                9,
                std::time::Duration::from_secs(86_400),
            )
            .unwrap(),
        ],
        key: stranger_key,
        padding: shared::pdf::cms::Padding::Pkcs1v15,
    };
    let sha = upload(
        &mut leader,
        &sign(&draft, &stranger, SignatureKind::Signer, None),
    )
    .await;
    let e = leader
        .post(
            &format!("/api/outgoing/{id}/sign"),
            json!({"main_sha256": sha}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.body["message"].as_str().unwrap().contains("tin cậy"));
    // Still waiting for the signature: nothing was recorded.
    assert_eq!(
        leader.get(&format!("/api/outgoing/{id}")).await.body["status"],
        "awaiting_signature"
    );
    // An upload whose bytes do not match its name is refused.
    leader
        .raw(
            Method::PUT,
            &format!("/api/blobs/{}", "b".repeat(64)),
            b"%PDF-1.7".to_vec(),
            &[("content-type", "application/pdf")],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.db.finish().await;
}

/// A PDF whose page opens JavaScript: appended as an incremental update to the draft.
fn with_javascript(pdf: &[u8]) -> Vec<u8> {
    use shared::pdf::object::{Dict, Object};
    let doc = shared::pdf::document::Document::open(pdf).unwrap();
    let mut update = shared::pdf::update::IncrementalUpdate::new(&doc);
    let action = update.alloc();
    let mut js = Dict::default();
    js.set(b"S", Object::Name(b"JavaScript".to_vec()));
    js.set(b"JS", Object::String(b"app.alert('x')".to_vec()));
    update.put_dict(action, &js);
    let page = doc.pages().unwrap()[0].clone();
    let mut dict = page.dict.clone();
    let mut aa = Dict::default();
    aa.set(b"O", Object::Ref(action));
    dict.set(b"AA", Object::Dict(aa));
    update.put_dict(page.id, &dict);
    let appended = update.finish().unwrap();
    [pdf, &appended.bytes].concat()
}

async fn active_content_is_refused_at_draft_and_at_issue(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let bad = upload(&mut official, &with_javascript(&docs::draft_pdf())).await;
    let e = official
        .post("/api/outgoing", docs::draft_body(&w.p, &bad, &[]))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.body["message"].as_str().unwrap().contains("JavaScript"),
        "{:?}",
        e.body
    );
    // At issue: a clerk's upload that slipped JavaScript in is refused and the number is not consumed.
    let id = awaiting_signature(&w, false).await;
    leader_signs(&w, id).await;
    let mut clerk = w.client("vanthu.snv").await;
    let doc = clerk.get(&format!("/api/outgoing/{id}")).await.body;
    let reservation = clerk
        .post(&format!("/api/outgoing/{id}/reservation"), json!({}))
        .await
        .body;
    let signed = docs::latest_main(&mut clerk, &doc).await;
    let sealed = docs::number_and_seal(
        &with_javascript(&signed),
        &reservation,
        &pki().signer(docs::DEPT_NAME, CertRole::Seal),
    );
    let sha = upload(&mut clerk, &sealed).await;
    let e = clerk
        .post(
            &format!("/api/outgoing/{id}/issue"),
            json!({"main_sha256": sha}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.body["message"].as_str().unwrap().contains("Điều 22.2"));
    assert_eq!(
        clerk_issues(&mut clerk, id)
            .await
            .expect(StatusCode::OK)
            .body["number"],
        1
    );
    w.db.finish().await;
}

async fn a_recall_is_answered_by_each_recipient_and_hides_the_document(db: TestDb) {
    let w = World::new(db).await;
    let id = awaiting_signature(&w, false).await;
    leader_signs(&w, id).await;
    let mut clerk = w.client("vanthu.snv").await;
    clerk_issues(&mut clerk, id).await.expect(StatusCode::OK);
    clerk
        .post(
            &format!("/api/outgoing/{id}/recall"),
            json!({"reason": " "}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let doc = clerk
        .post(
            &format!("/api/outgoing/{id}/recall"),
            json!({"reason": "Sai số liệu phụ lục."}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["status"], "recalled");
    assert_eq!(doc["deliveries"][0]["status"], "recall_requested");
    let mut province_clerk = w.client("vanthu.ubnd").await;
    let arrivals = province_clerk.get("/api/arrivals").await.body;
    assert_eq!(arrivals["items"][0]["status"], "recall_requested");
    assert_eq!(
        arrivals["items"][0]["recall_reason"],
        "Sai số liệu phụ lục."
    );
    let delivery = arrivals["items"][0]["delivery_id"].as_i64().unwrap();
    // Only the recipient's clerk answers.
    clerk
        .post(
            &format!("/api/deliveries/{delivery}/recall-answer"),
            json!({"agree": true}),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    province_clerk
        .post(
            &format!("/api/deliveries/{delivery}/recall-answer"),
            json!({"agree": false}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    province_clerk
        .post(
            &format!("/api/deliveries/{delivery}/recall-answer"),
            json!({"agree": true}),
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    assert!(
        province_clerk.get("/api/arrivals").await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    province_clerk
        .post(
            &format!("/api/deliveries/{delivery}/recall-answer"),
            json!({"agree": true}),
        )
        .await
        .expect(StatusCode::CONFLICT);
    // The sender sees 01 → 13 → 15 with times.
    let doc = clerk.get(&format!("/api/outgoing/{id}")).await.body;
    let codes: Vec<&str> = doc["deliveries"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["arrived", "recall_requested", "recall_agreed"]);
    w.db.finish().await;
}

async fn a_batch_approval_reports_each_document(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let doc = official
            .post(
                "/api/outgoing",
                docs::draft_body(&w.p, &main, &[w.p.unit_leader]),
            )
            .await
            .body;
        let id = doc["id"].as_i64().unwrap();
        official
            .post(&format!("/api/outgoing/{id}/submit"), json!({}))
            .await
            .expect(StatusCode::OK);
        ids.push(id);
    }
    let never_submitted = official
        .post(
            "/api/outgoing",
            docs::draft_body(&w.p, &main, &[w.p.unit_leader]),
        )
        .await
        .body;
    ids.push(never_submitted["id"].as_i64().unwrap());
    let mut tp = w.client("tp.snv").await;
    let results = tp
        .post(
            "/api/outgoing/batch-review",
            json!({"ids": ids, "review": {"decision": "approve"}}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let oks: Vec<bool> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(oks, [true, true, false]);
    assert!(!results["results"][2]["error"].as_str().unwrap().is_empty());
    let counts = w
        .client("gd.snv")
        .await
        .get("/api/outgoing/counts")
        .await
        .body;
    assert_eq!(counts["to_sign"], 2);
    w.db.finish().await;
}

async fn every_instance_hears_a_change_made_on_another(db: TestDb) {
    let w = World::new(db).await;
    // A second store on the same database: another server instance.
    let other = vanban::store::open(&w.db.url).await.unwrap();
    let mut heard = other.subscribe();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let id = awaiting_signature(&w, false).await;
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            let ev = heard.recv().await.unwrap();
            if ev.outgoing_id == id {
                return ev;
            }
        }
    })
    .await;
    match w.db.kind {
        vanban::store::DbKind::Postgres => {
            let ev = event.expect("the other instance heard the submission");
            assert!(ev.agencies.contains(&w.p.base.department));
        }
        // One process per SQLite file: another handle does not hear, by design.
        vanban::store::DbKind::Sqlite => assert!(event.is_err()),
    }
    drop(other);
    w.db.finish().await;
}

/// A drafter with more drafts than a list shows: the list says so (`more`), and never before it is full.
async fn a_list_says_when_it_stops_at_its_limit(db: TestDb) {
    let w = World::new(db).await;
    let drafter = w.db.store.get_user(w.p.base.dept_official).await.unwrap();
    let draft = async |n: usize| {
        for k in 0..n {
            w.db.store
                .create_outgoing(
                    &drafter,
                    vanban::store::outgoing::NewOutgoing {
                        doc_type: shared::document::DocumentType::CongVan,
                        subject: format!("Về việc số {k}"),
                        urgency: shared::document::Urgency::Normal,
                        reply_deadline: None,
                        signer_id: w.p.leader,
                        signing_capacity: shared::outgoing::SigningCapacity::Direct,
                        register_id: w.p.dept_register,
                        answers_delivery_id: None,
                        answers_incoming_id: None,
                        internal_recipients: vec![],
                        external_recipients: vec![],
                        paper_recipients: vec![],
                        reviewers: vec![],
                        number_placement: shared::outgoing::NumberPlacement::nd30_default(
                            595.0, 842.0,
                        ),
                        files: vec![],
                    },
                )
                .await
                .unwrap();
        }
    };
    let mut official = w.client("cv.snv").await;
    let mut list = async || {
        official
            .get("/api/outgoing?bucket=drafts")
            .await
            .expect(StatusCode::OK)
            .body
    };
    draft(500).await;
    let full = list().await;
    assert_eq!(full["items"].as_array().unwrap().len(), 500);
    assert_eq!(full["more"], false);
    draft(1).await;
    let over = list().await;
    assert_eq!(over["items"].as_array().unwrap().len(), 500);
    assert_eq!(over["more"], true);
    w.db.finish().await;
}

on_both_databases!(
    a_list_says_when_it_stops_at_its_limit,
    a_document_goes_from_draft_through_return_and_signature_to_issue_and_arrival,
    numbers_follow_on_without_gaps_and_a_failed_issue_consumes_none,
    a_held_number_is_for_no_one_else_until_it_expires_then_goes_to_the_next_document,
    refusals_for_wrong_roles_other_agencies_and_wrong_states,
    tampered_foreign_and_untrusted_signatures_are_refused,
    active_content_is_refused_at_draft_and_at_issue,
    a_recall_is_answered_by_each_recipient_and_hides_the_document,
    a_batch_approval_reports_each_document,
    every_instance_hears_a_change_made_on_another,
);
