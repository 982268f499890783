//! Incoming documents through the real router, on both databases: a document issued by the department
//! arrives at the province, is accepted (số đến), assigned, handled and completed while the sender sees
//! 01 → 03 → 04 → 05 → 06; returns with a reason; e-mail, paper and backfilled arrivals; a tampered file;
//! delegation (assigning and signing), handover; and every refusal.

use crate::common::docs::{self, People, client, pki, sign, upload};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use serde_json::{Value, json};
use shared::agency::UnitKind;
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::role::Role;
use vanban::store::{Actor, NewUser, UnitFields, UserFields};

/// The province's side on top of the department's people: its leader (ct.ubnd), a deputy (pct.ubnd), and a
/// unit (Phòng Kinh tế) with its leader (tp.ubnd) and an official (cv2.ubnd).
struct World {
    db: TestDb,
    p: People,
    app: axum::Router,
    leader: i64,
    deputy: i64,
    unit: i64,
    unit_leader: i64,
    official2: i64,
}

impl World {
    async fn new(db: TestDb) -> Self {
        let p = docs::people(db.store.as_ref()).await;
        let app = crate::common::app(db.store.clone(), docs::config());
        let sys = Actor::default();
        let unit = db
            .store
            .create_unit(
                &sys,
                p.base.province,
                UnitFields {
                    name: "Phòng Kinh tế".into(),
                    short_name: "KT".into(),
                    kind: UnitKind::Phong,
                },
            )
            .await
            .unwrap()
            .id;
        let mk = async |username: &str, name: &str, unit_id: i64, role: Role| {
            db.store
                .create_user(
                    &sys,
                    NewUser {
                        username: username.into(),
                        fields: UserFields {
                            full_name: name.into(),
                            position: None,
                            email: None,
                            phone: None,
                            unit_id,
                            roles: vec![role],
                        },
                        password_hash: vanban::auth::hash_password(crate::common::PASSWORD)
                            .unwrap(),
                        must_change_password: false,
                    },
                )
                .await
                .unwrap()
                .id
        };
        let office = p.base.province_office_unit;
        let leader = mk("ct.ubnd", "Nguyễn Văn Chánh", office, Role::AgencyLeader).await;
        let deputy = mk("pct.ubnd", "Trần Văn Phó", office, Role::AgencyLeader).await;
        let unit_leader = mk("tp.ubnd", "Lâm Thị Trưởng", unit, Role::UnitLeader).await;
        let official2 = mk("cv2.ubnd", "Đỗ Văn Hai", unit, Role::Official).await;
        Self {
            db,
            p,
            app,
            leader,
            deputy,
            unit,
            unit_leader,
            official2,
        }
    }

    async fn client(&self, username: &str) -> Client {
        client(&self.app, username).await
    }

    /// The department issues a document to the province; answers (outgoing id, incoming id at the province).
    async fn issued_to_province(&self) -> (i64, i64) {
        let id = docs::awaiting_signature(&self.app, &self.p, false).await;
        docs::leader_signs(&self.app, id).await;
        let mut clerk = self.client("vanthu.snv").await;
        docs::clerk_issues(&mut clerk, id)
            .await
            .expect(StatusCode::OK);
        let mut pclerk = self.client("vanthu.ubnd").await;
        let list = pclerk
            .get("/api/incoming?bucket=to_register")
            .await
            .expect(StatusCode::OK)
            .body;
        let incoming = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .max()
            .expect("the issued document arrived at the province");
        (id, incoming)
    }

    /// The sender's view of the province's statuses, in order (01 arrived … 06 completed).
    async fn sender_sees(&self, outgoing: i64) -> Vec<String> {
        let mut sender = self.client("vanthu.snv").await;
        let doc = sender
            .get(&format!("/api/outgoing/{outgoing}"))
            .await
            .expect(StatusCode::OK)
            .body;
        let delivery = doc["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["recipient_agency_id"] == json!(self.p.base.province))
            .unwrap()
            .clone();
        delivery["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["status"].as_str().unwrap().to_string())
            .collect()
    }
}

fn in_days(days: i64) -> String {
    shared::civil_date::CivilDate::of(shared::time::Timestamp(
        vanban::store::now_ms() + days * 24 * 3600 * 1000,
    ))
    .to_string()
}

fn actions_of(doc: &Value, assignment: i64) -> Vec<String> {
    doc["assignment_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a[0] == json!(assignment))
        .map(|a| {
            a[1].as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn a_document_is_accepted_assigned_handled_and_completed_while_the_sender_sees_each_status(
    db: TestDb,
) {
    let w = World::new(db).await;
    let (outgoing, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let doc = pclerk
        .get(&format!("/api/incoming/{id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["channel"], "system");
    assert_eq!(doc["status"], "arrived");
    assert_eq!(doc["sender_name"], docs::DEPT_NAME);
    assert_eq!(doc["verification"]["ok"], true, "{doc:#}");
    assert!(doc["code_text"].as_str().unwrap().starts_with("01/SNV-"));
    assert_eq!(doc["declared_attachments"], 0);
    assert!(doc["files"][0]["pages"].as_u64().unwrap() >= 1);
    assert_eq!(doc["actions"], json!(["accept", "return"]));
    // The server verifies again on request.
    let again = pclerk
        .get(&format!("/api/incoming/{id}/verification"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(again["ok"], true);
    assert_eq!(w.sender_sees(outgoing).await, ["arrived"]);

    // Vào sổ and trình the leader in one step: số đến 1 of the year.
    let doc = pclerk
        .post(
            &format!("/api/incoming/{id}/accept"),
            json!({"forward_to": w.leader}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["arrival_number"], 1);
    assert_eq!(doc["status"], "to_assign");
    assert_eq!(doc["assigner"]["id"], w.leader);
    assert_eq!(w.sender_sees(outgoing).await, ["arrived", "accepted"]);

    // The leader's navigation counts it; the leader assigns: the unit leads, cv.ubnd co-operates.
    let mut leader = w.client("ct.ubnd").await;
    let counts = leader
        .get("/api/incoming/counts")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(counts["to_assign"], 1);
    let cv = w.p.base.province_official;
    let due = in_days(5);
    let doc = leader
        .post(
            &format!("/api/incoming/{id}/assign"),
            json!({
                "instruction": "Giao Phòng Kinh tế chủ trì tham mưu trả lời.",
                "due_date": due,
                "targets": [
                    {"role": "lead", "to": {"kind": "unit", "id": w.unit}},
                    {"role": "cooperate", "to": {"kind": "user", "id": cv}},
                ],
            }),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["status"], "in_progress");
    assert_eq!(doc["assignments"].as_array().unwrap().len(), 2);
    assert_eq!(
        w.sender_sees(outgoing).await,
        ["arrived", "accepted", "assigned"]
    );
    let unit_assignment = doc["assignments"][0]["id"].as_i64().unwrap();

    // The unit leader sees it waiting and assigns it inside the unit.
    let mut tp = w.client("tp.ubnd").await;
    let waiting = tp
        .get("/api/incoming?bucket=to_assign")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(waiting["items"][0]["assignment_id"], unit_assignment);
    let doc = tp
        .post(
            &format!("/api/assignments/{unit_assignment}/assign"),
            json!({"targets": [{"role": "lead", "to": {"kind": "user", "id": w.official2}}]}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    let personal = doc["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["parent_id"] == json!(unit_assignment))
        .unwrap();
    assert_eq!(personal["due_date"], due.as_str(), "inherits the deadline");
    let personal = personal["id"].as_i64().unwrap();

    // The handler's queue has it; drafting a reply from it puts it under way (05).
    let mut handler = w.client("cv2.ubnd").await;
    let queue = handler.get("/api/queue").await.expect(StatusCode::OK).body;
    assert_eq!(queue["items"][0]["id"], id);
    assert_eq!(queue["items"][0]["assignment_state"], "pending");
    let doc = handler
        .get(&format!("/api/incoming/{id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        actions_of(&doc, personal),
        ["reply", "report", "file", "complete"]
    );
    let main = upload(&mut handler, &docs::draft_pdf()).await;
    let province_register =
        w.db.store
            .list_registers(w.p.base.province)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.direction == "outgoing")
            .unwrap()
            .id;
    let reply = handler
        .post(
            "/api/outgoing",
            json!({
                "doc_type": "cong_van", "subject": "Về việc trả lời báo cáo biên chế", "urgency": "normal",
                "signer_id": w.leader, "signing_capacity": "direct", "register_id": province_register,
                "internal_recipients": [w.p.base.department], "answers_incoming_id": id,
                "main_file": {"sha256": main, "name": "tra-loi.pdf"},
            }),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert!(
        reply["answers_delivery_id"].is_i64(),
        "ResponseFor links the delivery"
    );
    assert_eq!(reply["answers_incoming_id"], id);
    assert_eq!(
        w.sender_sees(outgoing).await,
        ["arrived", "accepted", "assigned", "processing"]
    );

    // The co-operating official reports; the handler completes: the document is done (06).
    let mut coop = w.client("cv.ubnd").await;
    let coop_id = doc["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "cooperate")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    coop.post(
        &format!("/api/assignments/{coop_id}/act"),
        json!({"action": "report", "comment": "Đã gửi số liệu cho Phòng Kinh tế."}),
    )
    .await
    .expect(StatusCode::OK);
    let doc = handler
        .post(
            &format!("/api/assignments/{personal}/act"),
            json!({"action": "complete", "comment": "Đã trình văn bản trả lời."}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["status"], "completed");
    assert_eq!(doc["replies"][0]["outgoing_id"], reply["id"]);
    assert_eq!(
        w.sender_sees(outgoing).await,
        ["arrived", "accepted", "assigned", "processing", "completed"]
    );
    let labels: Vec<&str> = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["entry"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "arrived",
            "accepted",
            "forwarded",
            "assigned",
            "assigned_in_unit",
            "reply_drafted",
            "reported",
            "completed"
        ]
    );

    // The register: the 10 columns of NĐ 30, with who handles it.
    let register =
        w.db.store
            .list_registers(w.p.base.province)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.direction == "incoming")
            .unwrap()
            .id;
    let entries = pclerk
        .get(&format!("/api/registers/{register}/entries"))
        .await
        .expect(StatusCode::OK)
        .body;
    let row = &entries["rows"][0];
    assert_eq!(row["arrival_number"], 1);
    assert_eq!(row["sender_name"], docs::DEPT_NAME);
    assert!(
        row["recipients"]
            .as_str()
            .unwrap()
            .contains("Chủ trì: Phòng Kinh tế"),
        "{row}"
    );
    assert_eq!(row["received_by"], "Huỳnh Thị Mỹ Linh");
    assert!(row["forwarded_at"].is_i64() || row["forwarded_at"].is_string());

    // A second arrival gets the next số đến.
    let (_, second) = w.issued_to_province().await;
    let doc = pclerk
        .post(&format!("/api/incoming/{second}/accept"), json!({}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["arrival_number"], 2);
    assert_eq!(doc["status"], "registered");
    w.db.finish().await;
}

async fn a_return_needs_a_reason_which_the_sender_sees(db: TestDb) {
    let w = World::new(db).await;
    let (outgoing, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let e = pclerk
        .post(
            &format!("/api/incoming/{id}/return"),
            json!({"reason": "  "}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.body["fields"][0]["field"] == "reason");
    let reason = "Văn bản gửi nhầm nơi nhận, không thuộc thẩm quyền của UBND tỉnh.";
    pclerk
        .post(
            &format!("/api/incoming/{id}/return"),
            json!({"reason": reason}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(w.sender_sees(outgoing).await, ["arrived", "rejected"]);
    let mut sender = w.client("vanthu.snv").await;
    let doc = sender
        .get(&format!("/api/outgoing/{outgoing}"))
        .await
        .expect(StatusCode::OK)
        .body;
    let events = doc["deliveries"][0]["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["reason"], reason);
    // Nothing more can happen to a returned document.
    pclerk
        .post(&format!("/api/incoming/{id}/accept"), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    w.db.finish().await;
}

/// A document received by e-mail, sealed by the department, with one byte changed after signing.
fn tampered(signed: &[u8]) -> Vec<u8> {
    let mut bytes = signed.to_vec();
    // A byte inside the first revision's content, covered by the signature.
    let at = bytes.len() / 3;
    bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
    bytes
}

fn email_body(sha: &str, extra: Value) -> Value {
    let mut body = json!({
        "channel": "email",
        "sender_name": docs::DEPT_NAME,
        "sender_code": "000.00.02.H62",
        "code_text": "12/SNV-TC",
        "issued_date": in_days(-2),
        "doc_type": "cong_van",
        "subject": "Về việc cử cán bộ dự tập huấn",
        "urgency": "normal",
        "declared_attachments": 0,
        "main_file": {"sha256": sha, "name": "cv-12.pdf"},
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn email_paper_and_backfilled_arrivals_are_checked_and_a_tampered_file_needs_a_recorded_reason(
    db: TestDb,
) {
    let w = World::new(db).await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let seal = pki().signer(docs::DEPT_NAME, CertRole::Seal);
    let sealed = sign(&docs::draft_pdf(), &seal, SignatureKind::Seal, None);

    // Intact: verified.
    let sha = upload(&mut pclerk, &sealed).await;
    let good = pclerk
        .post("/api/incoming", email_body(&sha, json!({})))
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(good["verification"]["ok"], true, "{good:#}");
    assert_eq!(good["channel"], "email");

    // One byte changed: the server says so, and accepting needs a reason that is recorded.
    let bad = tampered(&sealed);
    let sha = upload(&mut pclerk, &bad).await;
    let doc = pclerk
        .post("/api/incoming", email_body(&sha, json!({})))
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(doc["verification"]["ok"], false);
    let id = doc["id"].as_i64().unwrap();
    let e = pclerk
        .post(&format!("/api/incoming/{id}/accept"), json!({}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.body["fields"][0]["field"], "override_reason");
    let why = "Bản giấy gốc đã nhận qua bưu điện, nội dung khớp.";
    let doc = pclerk
        .post(
            &format!("/api/incoming/{id}/accept"),
            json!({"override_reason": why}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["override_reason"], why);
    assert!(
        doc["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["entry"]["action"] == "accepted_despite")
    );

    // An unsigned e-mail attachment is flagged too.
    let plain = upload(&mut pclerk, &docs::draft_pdf()).await;
    let doc = pclerk
        .post("/api/incoming", email_body(&plain, json!({})))
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(doc["verification"]["ok"], false);

    // Backfilled after an outage: the real arrival time is kept and marked.
    let real = shared::time::Timestamp(vanban::store::now_ms() - 3 * 24 * 3600 * 1000);
    let doc = pclerk
        .post(
            "/api/incoming",
            email_body(&sha, json!({"backfilled_arrival": real.to_iso_vn()})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(doc["backfilled"], true);
    assert_eq!(
        shared::time::Timestamp::parse_iso(doc["received_at"].as_str().unwrap())
            .unwrap()
            .0
            / 1000,
        real.0 / 1000
    );

    // A paper scan: below PDF 1.4 is refused; otherwise it must carry the province's own seal.
    let mut old = docs::draft_pdf();
    old[5..8].copy_from_slice(b"1.3");
    let sha = upload(&mut pclerk, &old).await;
    let e = pclerk
        .post(
            "/api/incoming",
            email_body(&sha, json!({"channel": "paper"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.body["fields"][0]["field"], "main_file");
    assert!(e.body["message"].as_str().unwrap().contains("1.4"));
    let own_seal = pki().signer("UBND tỉnh Vĩnh Long", CertRole::Seal);
    let scan = sign(
        &docs::draft_pdf(),
        &own_seal,
        SignatureKind::Attachment,
        None,
    );
    let sha = upload(&mut pclerk, &scan).await;
    let doc = pclerk
        .post(
            "/api/incoming",
            email_body(&sha, json!({"channel": "paper"})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(doc["verification"]["ok"], true, "{doc:#}");
    // The department's seal on a scan is not the receiving clerk's.
    let sha = upload(&mut pclerk, &sealed).await;
    let doc = pclerk
        .post(
            "/api/incoming",
            email_body(&sha, json!({"channel": "paper"})),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(doc["verification"]["ok"], false);

    // The system channel cannot be typed in.
    pclerk
        .post(
            "/api/incoming",
            email_body(&plain, json!({"channel": "system"})),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    w.db.finish().await;
}

async fn refusals_for_wrong_roles_other_agencies_wrong_states_and_delegations(db: TestDb) {
    let w = World::new(db).await;
    let (_, id) = w.issued_to_province().await;
    let (mut pclerk, mut leader, mut deputy, mut official) = (
        w.client("vanthu.ubnd").await,
        w.client("ct.ubnd").await,
        w.client("pct.ubnd").await,
        w.client("cv.ubnd").await,
    );
    let accept = format!("/api/incoming/{id}/accept");
    // Wrong role: only the clerk registers; another agency does not see it at all.
    leader
        .post(&accept, json!({}))
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .get(&format!("/api/incoming/{id}"))
        .await
        .expect(StatusCode::NOT_FOUND);
    let mut other_clerk = w.client("vanthu.snv").await;
    other_clerk
        .post(&accept, json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);
    other_clerk
        .get(&format!("/api/incoming/{id}"))
        .await
        .expect(StatusCode::NOT_FOUND);
    official
        .get("/api/incoming?bucket=to_register")
        .await
        .expect(StatusCode::FORBIDDEN);
    official
        .get("/api/dashboard")
        .await
        .expect(StatusCode::FORBIDDEN);

    // Wrong state: not forwarded yet, so nobody assigns; accepted once only.
    let assign = format!("/api/incoming/{id}/assign");
    let body = json!({"due_date": in_days(3), "targets": [{"role": "lead", "to": {"kind": "user", "id": w.official2}}]});
    leader
        .post(&assign, body.clone())
        .await
        .expect(StatusCode::CONFLICT);
    pclerk
        .post(&accept, json!({"forward_to": w.leader}))
        .await
        .expect(StatusCode::OK);
    pclerk
        .post(&accept, json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    // The deputy is not the leader it was forwarded to.
    deputy
        .post(&assign, body.clone())
        .await
        .expect(StatusCode::FORBIDDEN);
    // An expired delegation gives nothing, and says why.
    w.db.store
        .create_delegation(
            &w.db.store.get_user(w.leader).await.unwrap(),
            vanban::store::incoming::NewDelegation {
                from_user_id: w.leader,
                to_user_id: w.deputy,
                starts_on: shared::civil_date::CivilDate::parse(&in_days(-10)).unwrap(),
                ends_on: shared::civil_date::CivilDate::parse(&in_days(-1)).unwrap(),
                signing: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let e = deputy
        .post(&assign, body.clone())
        .await
        .expect(StatusCode::FORBIDDEN);
    assert!(
        e.body["message"]
            .as_str()
            .unwrap()
            .contains("không còn hiệu lực")
    );
    // A delegation in force: the deputy assigns, and both names are in the history and the audit log.
    let created = leader
        .post(
            "/api/delegations",
            json!({"to_user_id": w.deputy, "starts_on": in_days(0), "ends_on": in_days(7), "reason": "Đi công tác"}),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(created["items"][0]["active"], true);
    let waiting = deputy
        .get("/api/incoming?bucket=to_assign")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(waiting["items"][0]["id"], id);
    // A deadline in the past and two leads are refused before anything is written.
    deputy
        .post(
            &assign,
            json!({"due_date": in_days(-1), "targets": [{"role": "lead", "to": {"kind": "user", "id": w.official2}}]}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let doc = deputy
        .post(&assign, body.clone())
        .await
        .expect(StatusCode::OK)
        .body;
    let assigned = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["entry"]["action"] == "assigned")
        .unwrap();
    assert_eq!(assigned["entry"]["actor"]["id"], w.deputy);
    assert_eq!(assigned["on_behalf_of"]["id"], w.leader);
    assert_eq!(doc["assignments"][0]["on_behalf_of"]["id"], w.leader);
    let audit =
        w.db.store
            .list_audit(vanban::store::AuditFilter {
                agency_id: Some(w.p.base.province),
                before_seq: None,
                limit: 50,
            })
            .await
            .unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "incoming.assign")
        .unwrap();
    assert_eq!(entry.actor_id, Some(w.deputy));
    assert!(
        entry
            .details
            .contains(&format!("\"on_behalf_of\":{}", w.leader))
    );
    // Assigned once only; an official cannot urge; nobody else acts on the handler's work.
    deputy
        .post(&assign, body)
        .await
        .expect(StatusCode::CONFLICT);
    let a = doc["assignments"][0]["id"].as_i64().unwrap();
    // An official who may not open the document is answered as for an assignment that does not exist.
    official
        .post(&format!("/api/assignments/{a}/urge"), json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);
    official
        .post(
            &format!("/api/assignments/{a}/act"),
            json!({"action": "complete"}),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    leader
        .post(
            &format!("/api/assignments/{a}/urge"),
            json!({"message": "Đề nghị khẩn trương hoàn thành."}),
        )
        .await
        .expect(StatusCode::OK);
    let mut handler = w.client("cv2.ubnd").await;
    handler
        .post(
            &format!("/api/assignments/{a}/act"),
            json!({"action": "note"}),
        )
        .await
        .expect(StatusCode::CONFLICT);
    handler
        .post(
            &format!("/api/assignments/{a}/act"),
            json!({"action": "report"}),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    handler
        .post(
            &format!("/api/assignments/{a}/act"),
            json!({"action": "complete"}),
        )
        .await
        .expect(StatusCode::OK);
    handler
        .post(
            &format!("/api/assignments/{a}/act"),
            json!({"action": "complete"}),
        )
        .await
        .expect(StatusCode::CONFLICT);
    // A revoked delegation ends at once.
    let delegation = created["items"][0]["id"].as_i64().unwrap();
    official
        .send(
            axum::http::Method::DELETE,
            &format!("/api/delegations/{delegation}"),
            None,
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    leader
        .send(
            axum::http::Method::DELETE,
            &format!("/api/delegations/{delegation}"),
            None,
        )
        .await
        .expect(StatusCode::NO_CONTENT);
    let waiting = deputy
        .get("/api/incoming/counts")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(waiting["to_assign"], 0);
    w.db.finish().await;
}

async fn the_dashboard_counts_overdue_work_and_a_leader_signs_for_another_under_delegation(
    db: TestDb,
) {
    let w = World::new(db).await;
    let (_, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    pclerk
        .post(
            &format!("/api/incoming/{id}/accept"),
            json!({"forward_to": w.leader}),
        )
        .await
        .expect(StatusCode::OK);
    let mut leader = w.client("ct.ubnd").await;
    leader
        .post(
            &format!("/api/incoming/{id}/assign"),
            json!({"due_date": in_days(1), "targets": [
                {"role": "lead", "to": {"kind": "user", "id": w.official2}},
                {"role": "inform", "to": {"kind": "user", "id": w.p.base.province_official}},
            ]}),
        )
        .await
        .expect(StatusCode::OK);
    let board = leader
        .get("/api/dashboard")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(board["open"], 1, "for-information work is not backlog");
    assert_eq!(board["due_soon"], 1);
    assert_eq!(board["people"][0]["id"], w.official2);
    assert_eq!(board["units"][0]["name"], "Phòng Kinh tế");
    assert_eq!(board["units"][0]["open"], 1);
    assert_eq!(board["units"][0]["due_soon"], 1);
    assert_eq!(board["oldest"][0]["incoming_id"], id);
    let drill = leader
        .get(&format!("/api/dashboard?user={}", w.official2))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(drill["oldest"][0]["incoming_id"], id);
    assert_eq!(drill["drill_name"], "Đỗ Văn Hai");
    assert_eq!(drill["oldest"][0]["due"], "due_soon");
    // A unit leader sees their unit only.
    let mut tp = w.client("tp.ubnd").await;
    tp.get(&format!(
        "/api/dashboard?unit={}",
        w.p.base.province_office_unit
    ))
    .await
    .expect(StatusCode::FORBIDDEN);
    tp.get("/api/dashboard").await.expect(StatusCode::OK);
    // For information: noted, and gone from the reader's counts.
    let mut reader = w.client("cv.ubnd").await;
    let counts = reader
        .get("/api/incoming/counts")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(counts["inform"], 1);
    let inform = reader
        .get("/api/incoming?bucket=inform")
        .await
        .expect(StatusCode::OK)
        .body["items"][0]["assignment_id"]
        .as_i64()
        .unwrap();
    reader
        .post(
            &format!("/api/assignments/{inform}/act"),
            json!({"action": "note"}),
        )
        .await
        .expect(StatusCode::OK);
    let counts = reader
        .get("/api/incoming/counts")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(counts["inform"], 0);

    // In the department: the director delegates signing (KT.) to the unit leader, who signs in their own
    // name for the director; before the delegation the unit leader cannot.
    let doc_id = docs::awaiting_signature(&w.app, &w.p, false).await;
    let mut tp_snv = w.client("tp.snv").await;
    let mut director = w.client("gd.snv").await;
    let doc = director
        .get(&format!("/api/outgoing/{doc_id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    let draft = docs::latest_main(&mut director, &doc).await;
    let signed = sign(
        &draft,
        &pki().signer("Phan Thị Thanh Thảo", CertRole::Person),
        SignatureKind::Signer,
        None,
    );
    let sha = upload(&mut tp_snv, &signed).await;
    let sign_path = format!("/api/outgoing/{doc_id}/sign");
    tp_snv
        .post(&sign_path, json!({"main_sha256": sha}))
        .await
        .expect(StatusCode::NOT_FOUND);
    director
        .post(
            "/api/delegations",
            json!({"to_user_id": w.p.unit_leader, "starts_on": in_days(0), "ends_on": in_days(3), "signing": "kt"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let listed = tp_snv
        .get("/api/outgoing?bucket=to_sign")
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(listed["items"][0]["id"], doc_id);
    // The delegate is told the mark their signature box opens with; the director signs in their own right.
    let seen = tp_snv
        .get(&format!("/api/outgoing/{doc_id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(seen["signs_as"], "kt");
    assert!(seen["actions"].as_array().unwrap().contains(&json!("sign")));
    let seen = director
        .get(&format!("/api/outgoing/{doc_id}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(seen["signs_as"].is_null());
    let doc = tp_snv
        .post(&sign_path, json!({"main_sha256": sha}))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["status"], "awaiting_issue");
    assert_eq!(doc["signing_capacity"], "kt");
    let signed_entry = doc["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "signed")
        .unwrap();
    assert_eq!(signed_entry["actor"]["id"], w.p.unit_leader);
    assert!(
        signed_entry["comment"]
            .as_str()
            .unwrap()
            .contains(docs::LEADER_NAME)
    );
    w.db.finish().await;
}

async fn a_handover_moves_all_open_work_in_one_audited_step(db: TestDb) {
    let w = World::new(db).await;
    let (_, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    pclerk
        .post(
            &format!("/api/incoming/{id}/accept"),
            json!({"forward_to": w.leader}),
        )
        .await
        .expect(StatusCode::OK);
    let mut leader = w.client("ct.ubnd").await;
    leader
        .post(
            &format!("/api/incoming/{id}/assign"),
            json!({"targets": [
                {"role": "lead", "to": {"kind": "user", "id": w.official2}},
                {"role": "cooperate", "to": {"kind": "user", "id": w.p.base.province_official}},
            ]}),
        )
        .await
        .expect(StatusCode::OK);
    // Only an administrator hands over, and only to an active colleague of the same agency.
    let path = format!("/api/users/{}/handover", w.official2);
    leader
        .post(&path, json!({"to_user_id": w.p.base.province_official}))
        .await
        .expect(StatusCode::FORBIDDEN);
    let mut admin = w.client("admin").await;
    admin
        .post(&path, json!({"to_user_id": w.p.leader}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let moved = admin
        .post(
            &path,
            json!({"to_user_id": w.p.base.province_official, "reason": "Chuyển công tác"}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(moved["assignments"], 1);
    let mut taker = w.client("cv.ubnd").await;
    let queue = taker.get("/api/queue").await.expect(StatusCode::OK).body;
    // The receiver co-operated on the same document: one piece of work remains, the lead.
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue:#}");
    assert_eq!(queue["items"][0]["id"], id);
    assert_eq!(queue["items"][0]["role"], "lead");
    let mut leaving = w.client("cv2.ubnd").await;
    let queue = leaving.get("/api/queue").await.expect(StatusCode::OK).body;
    assert_eq!(queue["items"].as_array().unwrap().len(), 0);
    let audit =
        w.db.store
            .list_audit(vanban::store::AuditFilter {
                agency_id: Some(w.p.base.province),
                before_seq: None,
                limit: 50,
            })
            .await
            .unwrap();
    assert!(audit.iter().any(|a| a.action == "user.handover"));

    // A leaving chairman: the document waiting for their assignment goes to the deputy, who may assign it.
    let (_, second) = w.issued_to_province().await;
    pclerk
        .post(
            &format!("/api/incoming/{second}/accept"),
            json!({"forward_to": w.leader}),
        )
        .await
        .expect(StatusCode::OK);
    let moved = admin
        .post(
            &format!("/api/users/{}/handover", w.leader),
            json!({"to_user_id": w.deputy}),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(moved["to_assign"], 1, "{moved:#}");
    let mut deputy = w.client("pct.ubnd").await;
    let doc = deputy
        .get(&format!("/api/incoming/{second}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert!(
        doc["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("assign"))
    );

    // In the department: the drafter's open draft, the unit leader's pending review and the director's
    // signature each change hands; nothing closed moves.
    let awaiting = docs::awaiting_signature(&w.app, &w.p, false).await;
    let mut official = w.client("cv.snv").await;
    let main = docs::upload(&mut official, &docs::draft_pdf()).await;
    let in_review = official
        .post(
            "/api/outgoing",
            docs::draft_body(&w.p, &main, &[w.p.unit_leader]),
        )
        .await
        .expect(StatusCode::CREATED)
        .body["id"]
        .as_i64()
        .unwrap();
    official
        .post(&format!("/api/outgoing/{in_review}/submit"), json!({}))
        .await
        .expect(StatusCode::OK);
    let handover = async |admin: &mut Client, from: i64, to: i64| {
        admin
            .post(
                &format!("/api/users/{from}/handover"),
                json!({"to_user_id": to}),
            )
            .await
            .expect(StatusCode::OK)
            .body
    };
    let director_leaves = handover(&mut admin, w.p.leader, w.p.unit_leader).await;
    assert_eq!(
        (
            director_leaves["signatures"].as_i64(),
            director_leaves["reviews"].as_i64()
        ),
        (Some(2), Some(0)),
        "{director_leaves:#}"
    );
    let drafter_leaves = handover(&mut admin, w.p.base.dept_official, w.p.clerk2).await;
    assert_eq!(drafter_leaves["drafts"], 2, "{drafter_leaves:#}");
    // The unit leader now signs the director's document, whose drafter is the colleague who took over.
    let mut taking_signer = w.client("tp.snv").await;
    let doc = taking_signer
        .get(&format!("/api/outgoing/{awaiting}"))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(doc["signer"]["id"], w.p.unit_leader);
    assert_eq!(doc["drafter"]["id"], w.p.clerk2);
    assert!(doc["actions"].as_array().unwrap().contains(&json!("sign")));
    // When the unit leader leaves in turn, their pending review goes too.
    let unit_leader_leaves = handover(&mut admin, w.p.unit_leader, w.p.leader).await;
    assert_eq!(
        (
            unit_leader_leaves["reviews"].as_i64(),
            unit_leader_leaves["signatures"].as_i64()
        ),
        (Some(1), Some(2)),
        "{unit_leader_leaves:#}"
    );
    let _ = w.unit_leader;
    w.db.finish().await;
}

/// A bucket holds more than a list shows: the list says so (`more`), and never before it is full.
async fn a_list_says_when_it_stops_at_its_limit(db: TestDb) {
    let w = World::new(db).await;
    let clerk = w.db.store.get_user(w.p.province_clerk).await.unwrap();
    let arrive = async |n: usize| {
        for k in 0..n {
            w.db.store
                .create_incoming(
                    &clerk,
                    vanban::store::incoming::NewIncoming {
                        channel: shared::incoming::IncomingChannel::Email,
                        sender_name: "Bộ Nội vụ".into(),
                        sender_code: None,
                        code_text: format!("{k}/BNV-VP"),
                        issued_date: shared::civil_date::CivilDate::parse("2026-11-20").unwrap(),
                        doc_type: shared::document::DocumentType::CongVan,
                        subject: format!("Về việc số {k}"),
                        urgency: shared::document::Urgency::Normal,
                        signer_name: None,
                        reply_deadline: None,
                        declared_attachments: None,
                        declared_pages: None,
                        files: vec![],
                        verification: shared::incoming::VerificationDto {
                            ok: true,
                            checked_at: shared::time::Timestamp(0),
                            files: vec![],
                        },
                        backfilled_arrival: None,
                        note: None,
                    },
                )
                .await
                .unwrap();
        }
    };
    let mut pclerk = w.client("vanthu.ubnd").await;
    let mut list = async || {
        pclerk
            .get("/api/incoming?bucket=to_register")
            .await
            .expect(StatusCode::OK)
            .body
    };
    arrive(500).await;
    let full = list().await;
    assert_eq!(full["items"].as_array().unwrap().len(), 500);
    assert_eq!(full["more"], false);
    arrive(1).await;
    let over = list().await;
    assert_eq!(over["items"].as_array().unwrap().len(), 500);
    assert_eq!(over["more"], true);
    w.db.finish().await;
}

on_both_databases!(
    a_list_says_when_it_stops_at_its_limit,
    a_document_is_accepted_assigned_handled_and_completed_while_the_sender_sees_each_status,
    a_return_needs_a_reason_which_the_sender_sees,
    email_paper_and_backfilled_arrivals_are_checked_and_a_tampered_file_needs_a_recorded_reason,
    refusals_for_wrong_roles_other_agencies_wrong_states_and_delegations,
    the_dashboard_counts_overdue_work_and_a_leader_signs_for_another_under_delegation,
    a_handover_moves_all_open_work_in_one_audited_step,
);
