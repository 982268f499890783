//! Incoming documents through the real router, on both databases: a document issued by the department
//! arrives at the province, is accepted (số đến), assigned, handled and completed while the sender sees
//! 01 → 03 → 04 → 05 → 06; returns with a reason; e-mail, paper and backfilled arrivals; a tampered file;
//! delegation (assigning and signing), handover; and every refusal.

use crate::common::docs::{self, People, client, file_ref, pki, sign, upload};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use shared::action::{AssignmentAction, IncomingAction, OutgoingAction};
use shared::agency::UnitKind;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{
    AcceptRequest, AssignRequest, AssignTarget, Assignee, AssignmentRole, AssignmentState,
    DelegationRequest, DueState, HandlerAction, HandlerActionRequest, HandoverRequest,
    IncomingBucket, IncomingChannel, IncomingDto, IncomingStatus, NewIncomingRequest,
    ReturnRequest, UrgeRequest,
};
use shared::outgoing::{
    DraftRequest, OutgoingBucket, OutgoingStatus, SignRequest, SigningCapacity,
};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::role::Role;
use shared::status::DeliveryStatus;
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
        docs::leader_signature(&self.app, id).await.good();
        let mut clerk = self.client("vanthu.snv").await;
        docs::issue_as_clerk(&mut clerk, id).await.good();
        let mut pclerk = self.client("vanthu.ubnd").await;
        let list = pclerk
            .incoming_list(IncomingBucket::ToRegister)
            .await
            .good();
        let incoming = list
            .items
            .iter()
            .map(|i| i.id)
            .max()
            .expect("the issued document arrived at the province");
        (id, incoming)
    }

    /// The sender's view of the province's statuses, in order (01 arrived … 06 completed).
    async fn sender_sees(&self, outgoing: i64) -> Vec<DeliveryStatus> {
        let mut sender = self.client("vanthu.snv").await;
        let doc = sender.outgoing(outgoing).await.good();
        let delivery = doc
            .deliveries
            .iter()
            .find(|d| d.recipient_agency_id == Some(self.p.base.province))
            .unwrap();
        delivery.events.iter().map(|e| e.status).collect()
    }
}

fn in_days(days: i64) -> CivilDate {
    CivilDate::of(shared::time::Timestamp(
        vanban::store::now_ms() + days * 24 * 3600 * 1000,
    ))
}

fn actions_of(doc: &IncomingDto, assignment: i64) -> Vec<AssignmentAction> {
    doc.assignment_actions
        .iter()
        .find(|(id, _)| *id == assignment)
        .map(|(_, actions)| actions.clone())
        .unwrap_or_default()
}

/// Whether the server found the document's signatures good (it always checks on arrival).
fn verified(doc: &IncomingDto) -> bool {
    doc.verification.as_ref().expect("verified on arrival").ok
}

fn target(role: AssignmentRole, to: Assignee) -> AssignTarget {
    AssignTarget { role, to }
}

fn assign_to(due_date: Option<CivilDate>, targets: Vec<AssignTarget>) -> AssignRequest {
    AssignRequest {
        instruction: None,
        due_date,
        targets,
    }
}

fn forward_to(leader: i64) -> AcceptRequest {
    AcceptRequest {
        forward_to: Some(leader),
        ..AcceptRequest::default()
    }
}

fn act(action: HandlerAction, comment: Option<&str>) -> HandlerActionRequest {
    HandlerActionRequest {
        action,
        comment: comment.map(str::to_string),
        record_file: None,
    }
}

fn delegation(to_user_id: i64, starts_on: CivilDate, ends_on: CivilDate) -> DelegationRequest {
    DelegationRequest {
        from_user_id: None,
        to_user_id,
        starts_on,
        ends_on,
        signing: None,
        reason: None,
    }
}

fn handover_to(to_user_id: i64) -> HandoverRequest {
    HandoverRequest {
        to_user_id,
        reason: None,
    }
}

async fn a_document_is_accepted_assigned_handled_and_completed_while_the_sender_sees_each_status(
    db: TestDb,
) {
    use DeliveryStatus::{Accepted, Arrived, Assigned, Completed, Processing};
    let w = World::new(db).await;
    let (outgoing, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let doc = pclerk.incoming(id).await.good();
    assert_eq!(doc.channel, IncomingChannel::System);
    assert_eq!(doc.status, IncomingStatus::Arrived);
    assert_eq!(doc.sender_name, docs::DEPT_NAME);
    assert!(verified(&doc), "{doc:#?}");
    assert!(doc.code_text.starts_with("01/SNV-"));
    assert_eq!(doc.declared_attachments, Some(0));
    assert!(doc.files[0].pages.unwrap() >= 1);
    assert_eq!(
        doc.actions,
        [IncomingAction::Accept, IncomingAction::Return]
    );
    // The server verifies again on request.
    let again = pclerk.verify_incoming(id).await.good();
    assert!(again.ok);
    assert_eq!(w.sender_sees(outgoing).await, [Arrived]);

    // Vào sổ and trình the leader in one step: số đến 1 of the year.
    let doc = pclerk.accept(id, &forward_to(w.leader)).await.good();
    assert_eq!(doc.arrival_number, Some(1));
    assert_eq!(doc.status, IncomingStatus::ToAssign);
    assert_eq!(doc.assigner.as_ref().unwrap().id, w.leader);
    assert_eq!(w.sender_sees(outgoing).await, [Arrived, Accepted]);

    // The leader's navigation counts it; the leader assigns: the unit leads, cv.ubnd co-operates.
    let mut leader = w.client("ct.ubnd").await;
    let counts = leader.incoming_counts().await.good();
    assert_eq!(counts.to_assign, 1);
    let cv = w.p.base.province_official;
    let due = in_days(5);
    let doc = leader
        .assign(
            id,
            &AssignRequest {
                instruction: Some("Giao Phòng Kinh tế chủ trì tham mưu trả lời.".into()),
                due_date: Some(due),
                targets: vec![
                    target(AssignmentRole::Lead, Assignee::Unit(w.unit)),
                    target(AssignmentRole::Cooperate, Assignee::User(cv)),
                ],
            },
        )
        .await
        .good();
    assert_eq!(doc.status, IncomingStatus::InProgress);
    assert_eq!(doc.assignments.len(), 2);
    assert_eq!(w.sender_sees(outgoing).await, [Arrived, Accepted, Assigned]);
    let unit_assignment = doc.assignments[0].id;

    // The unit leader sees it waiting and assigns it inside the unit.
    let mut tp = w.client("tp.ubnd").await;
    let waiting = tp.incoming_list(IncomingBucket::ToAssign).await.good();
    assert_eq!(waiting.items[0].assignment_id, Some(unit_assignment));
    let doc = tp
        .assign_in_unit(
            unit_assignment,
            &assign_to(
                None,
                vec![target(AssignmentRole::Lead, Assignee::User(w.official2))],
            ),
        )
        .await
        .good();
    let personal = doc
        .assignments
        .iter()
        .find(|a| a.parent_id == Some(unit_assignment))
        .unwrap();
    assert_eq!(personal.due_date, Some(due), "inherits the deadline");
    let personal = personal.id;

    // The handler's queue has it; drafting a reply from it puts it under way (05).
    let mut handler = w.client("cv2.ubnd").await;
    let queue = handler.queue().await.good();
    assert_eq!(queue.items[0].id, id);
    assert_eq!(
        queue.items[0].assignment_state,
        Some(AssignmentState::Pending)
    );
    let doc = handler.incoming(id).await.good();
    assert_eq!(
        actions_of(&doc, personal),
        [
            AssignmentAction::Reply,
            AssignmentAction::Report,
            AssignmentAction::File,
            AssignmentAction::Complete
        ]
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
        .create_outgoing(&DraftRequest {
            doc_type: DocumentType::CongVan,
            subject: "Về việc trả lời báo cáo biên chế".try_into().unwrap(),
            urgency: Urgency::Normal,
            reply_deadline: None,
            signer_id: w.leader,
            signing_capacity: SigningCapacity::Direct,
            register_id: province_register,
            answers_delivery_id: None,
            answers_incoming_id: Some(id),
            internal_recipients: vec![w.p.base.department],
            external_recipients: vec![],
            paper_recipients: vec![],
            confidentiality: None,
            reviewers: vec![],
            main_file: file_ref(&main, "tra-loi.pdf"),
            attachments: vec![],
            number_placement: None,
        })
        .await
        .good();
    assert!(
        reply.answers_delivery_id.is_some(),
        "ResponseFor links the delivery"
    );
    assert_eq!(reply.answers_incoming_id, Some(id));
    assert_eq!(
        w.sender_sees(outgoing).await,
        [Arrived, Accepted, Assigned, Processing]
    );

    // The co-operating official reports; the handler completes: the document is done (06).
    let mut coop = w.client("cv.ubnd").await;
    let coop_id = doc
        .assignments
        .iter()
        .find(|a| a.role == AssignmentRole::Cooperate)
        .unwrap()
        .id;
    coop.act(
        coop_id,
        &act(
            HandlerAction::Report,
            Some("Đã gửi số liệu cho Phòng Kinh tế."),
        ),
    )
    .await
    .good();
    let doc = handler
        .act(
            personal,
            &act(HandlerAction::Complete, Some("Đã trình văn bản trả lời.")),
        )
        .await
        .good();
    assert_eq!(doc.status, IncomingStatus::Completed);
    assert_eq!(doc.replies[0].outgoing_id, reply.id);
    assert_eq!(
        w.sender_sees(outgoing).await,
        [Arrived, Accepted, Assigned, Processing, Completed]
    );
    let labels: Vec<&str> = doc
        .history
        .iter()
        .map(|h| h.entry.action.as_str())
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
    let entries = pclerk.incoming_register(register, None).await.good();
    let row = &entries.rows[0];
    assert_eq!(row.arrival_number, 1);
    assert_eq!(row.sender_name, docs::DEPT_NAME);
    assert!(row.recipients.contains("Chủ trì: Phòng Kinh tế"), "{row:?}");
    assert_eq!(row.received_by.as_deref(), Some("Huỳnh Thị Mỹ Linh"));
    assert!(row.forwarded_at.is_some());

    // A second arrival gets the next số đến.
    let (_, second) = w.issued_to_province().await;
    let doc = pclerk
        .accept(second, &AcceptRequest::default())
        .await
        .good();
    assert_eq!(doc.arrival_number, Some(2));
    assert_eq!(doc.status, IncomingStatus::Registered);
    w.db.finish().await;
}

async fn a_return_needs_a_reason_which_the_sender_sees(db: TestDb) {
    let w = World::new(db).await;
    let (outgoing, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let e = pclerk
        .return_incoming(
            id,
            &ReturnRequest {
                reason: "  ".into(),
            },
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.fields[0].field == "reason");
    let reason = "Văn bản gửi nhầm nơi nhận, không thuộc thẩm quyền của UBND tỉnh.";
    pclerk
        .return_incoming(
            id,
            &ReturnRequest {
                reason: reason.into(),
            },
        )
        .await
        .good();
    assert_eq!(
        w.sender_sees(outgoing).await,
        [DeliveryStatus::Arrived, DeliveryStatus::Rejected]
    );
    let mut sender = w.client("vanthu.snv").await;
    let doc = sender.outgoing(outgoing).await.good();
    let events = &doc.deliveries[0].events;
    assert_eq!(events.last().unwrap().reason.as_deref(), Some(reason));
    // Nothing more can happen to a returned document.
    pclerk
        .accept(id, &AcceptRequest::default())
        .await
        .refused(StatusCode::CONFLICT);
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

/// What the clerk types for a document the department sent by e-mail.
fn by_email(sha: &str) -> NewIncomingRequest {
    NewIncomingRequest {
        channel: IncomingChannel::Email,
        sender_name: docs::DEPT_NAME.try_into().unwrap(),
        sender_code: Some("000.00.02.H62".into()),
        code_text: "12/SNV-TC".try_into().unwrap(),
        issued_date: in_days(-2),
        doc_type: DocumentType::CongVan,
        subject: "Về việc cử cán bộ dự tập huấn".try_into().unwrap(),
        urgency: Urgency::Normal,
        signer_name: None,
        reply_deadline: None,
        declared_attachments: Some(0),
        declared_pages: None,
        main_file: file_ref(sha, "cv-12.pdf"),
        attachments: vec![],
        backfilled_arrival: None,
        note: None,
    }
}

/// The same document, scanned from paper.
fn on_paper(sha: &str) -> NewIncomingRequest {
    NewIncomingRequest {
        channel: IncomingChannel::Paper,
        ..by_email(sha)
    }
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
    let good = pclerk.create_incoming(&by_email(&sha)).await.good();
    assert!(verified(&good), "{good:#?}");
    assert_eq!(good.channel, IncomingChannel::Email);

    // One byte changed: the server says so, and accepting needs a reason that is recorded.
    let bad = tampered(&sealed);
    let sha = upload(&mut pclerk, &bad).await;
    let doc = pclerk.create_incoming(&by_email(&sha)).await.good();
    assert!(!verified(&doc));
    let id = doc.id;
    let e = pclerk
        .accept(id, &AcceptRequest::default())
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "override_reason");
    let why = "Bản giấy gốc đã nhận qua bưu điện, nội dung khớp.";
    let doc = pclerk
        .accept(
            id,
            &AcceptRequest {
                override_reason: Some(why.into()),
                ..AcceptRequest::default()
            },
        )
        .await
        .good();
    assert_eq!(doc.override_reason.as_deref(), Some(why));
    assert!(
        doc.history
            .iter()
            .any(|h| h.entry.action == "accepted_despite")
    );

    // An unsigned e-mail attachment is flagged too.
    let plain = upload(&mut pclerk, &docs::draft_pdf()).await;
    let doc = pclerk.create_incoming(&by_email(&plain)).await.good();
    assert!(!verified(&doc));

    // Backfilled after an outage: the real arrival time is kept and marked.
    let real = shared::time::Timestamp(vanban::store::now_ms() - 3 * 24 * 3600 * 1000);
    let doc = pclerk
        .create_incoming(&NewIncomingRequest {
            backfilled_arrival: Some(real),
            ..by_email(&sha)
        })
        .await
        .good();
    assert!(doc.backfilled);
    assert_eq!(doc.received_at.0 / 1000, real.0 / 1000);

    // A paper scan: below PDF 1.4 is refused; otherwise it must carry the province's own seal.
    let mut old = docs::draft_pdf();
    old[5..8].copy_from_slice(b"1.3");
    let sha = upload(&mut pclerk, &old).await;
    let e = pclerk
        .create_incoming(&on_paper(&sha))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "main_file");
    assert!(e.message.contains("1.4"));
    let own_seal = pki().signer("UBND tỉnh Vĩnh Long", CertRole::Seal);
    let scan = sign(
        &docs::draft_pdf(),
        &own_seal,
        SignatureKind::Attachment,
        None,
    );
    let sha = upload(&mut pclerk, &scan).await;
    let doc = pclerk.create_incoming(&on_paper(&sha)).await.good();
    assert!(verified(&doc), "{doc:#?}");
    // The department's seal on a scan is not the receiving clerk's.
    let sha = upload(&mut pclerk, &sealed).await;
    let doc = pclerk.create_incoming(&on_paper(&sha)).await.good();
    assert!(!verified(&doc));

    // The system channel cannot be typed in.
    pclerk
        .create_incoming(&NewIncomingRequest {
            channel: IncomingChannel::System,
            ..by_email(&plain)
        })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
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
    let accept = AcceptRequest::default();
    // Wrong role: only the clerk registers; another agency does not see it at all.
    leader
        .accept(id, &accept)
        .await
        .refused(StatusCode::FORBIDDEN);
    official.incoming(id).await.refused(StatusCode::NOT_FOUND);
    let mut other_clerk = w.client("vanthu.snv").await;
    other_clerk
        .accept(id, &accept)
        .await
        .refused(StatusCode::NOT_FOUND);
    other_clerk
        .incoming(id)
        .await
        .refused(StatusCode::NOT_FOUND);
    official
        .incoming_list(IncomingBucket::ToRegister)
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .dashboard(None)
        .await
        .refused(StatusCode::FORBIDDEN);

    // Wrong state: not forwarded yet, so nobody assigns; accepted once only.
    let body = assign_to(
        Some(in_days(3)),
        vec![target(AssignmentRole::Lead, Assignee::User(w.official2))],
    );
    leader.assign(id, &body).await.refused(StatusCode::CONFLICT);
    pclerk.accept(id, &forward_to(w.leader)).await.good();
    pclerk
        .accept(id, &accept)
        .await
        .refused(StatusCode::CONFLICT);
    // Only people who handle documents take work: not the clerk (nor an administrator).
    let to_clerk = assign_to(
        Some(in_days(3)),
        vec![target(
            AssignmentRole::Lead,
            Assignee::User(w.p.province_clerk),
        )],
    );
    let e = leader
        .assign(id, &to_clerk)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "targets");
    assert!(e.fields[0].message.contains("văn thư"), "{e:?}");
    // The deputy is not the leader it was forwarded to.
    deputy
        .assign(id, &body)
        .await
        .refused(StatusCode::FORBIDDEN);
    // An expired delegation gives nothing, and says why.
    w.db.store
        .create_delegation(
            &w.db.store.get_user(w.leader).await.unwrap(),
            vanban::store::incoming::NewDelegation {
                from_user_id: w.leader,
                to_user_id: w.deputy,
                starts_on: in_days(-10),
                ends_on: in_days(-1),
                signing: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let e = deputy
        .assign(id, &body)
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(e.message.contains("không còn hiệu lực"));
    // A delegation in force: the deputy assigns, and both names are in the history and the audit log.
    let created = leader
        .create_delegation(&DelegationRequest {
            reason: Some("Đi công tác".into()),
            ..delegation(w.deputy, in_days(0), in_days(7))
        })
        .await
        .good();
    assert!(created.items[0].active);
    let waiting = deputy.incoming_list(IncomingBucket::ToAssign).await.good();
    assert_eq!(waiting.items[0].id, id);
    // A deadline in the past and two leads are refused before anything is written.
    deputy
        .assign(
            id,
            &assign_to(
                Some(in_days(-1)),
                vec![target(AssignmentRole::Lead, Assignee::User(w.official2))],
            ),
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    let doc = deputy.assign(id, &body).await.good();
    let assigned = doc
        .history
        .iter()
        .find(|h| h.entry.action == "assigned")
        .unwrap();
    assert_eq!(assigned.entry.actor.id, w.deputy);
    assert_eq!(assigned.on_behalf_of.as_ref().unwrap().id, w.leader);
    assert_eq!(
        doc.assignments[0].on_behalf_of.as_ref().unwrap().id,
        w.leader
    );
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
    deputy.assign(id, &body).await.refused(StatusCode::CONFLICT);
    let a = doc.assignments[0].id;
    // An official who may not open the document is answered as for an assignment that does not exist.
    official
        .urge(a, &UrgeRequest::default())
        .await
        .refused(StatusCode::NOT_FOUND);
    official
        .act(a, &act(HandlerAction::Complete, None))
        .await
        .refused(StatusCode::NOT_FOUND);
    leader
        .urge(
            a,
            &UrgeRequest {
                message: Some("Đề nghị khẩn trương hoàn thành.".into()),
            },
        )
        .await
        .good();
    let mut handler = w.client("cv2.ubnd").await;
    handler
        .act(a, &act(HandlerAction::Note, None))
        .await
        .refused(StatusCode::CONFLICT);
    handler
        .act(a, &act(HandlerAction::Report, None))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    handler
        .act(a, &act(HandlerAction::Complete, None))
        .await
        .good();
    handler
        .act(a, &act(HandlerAction::Complete, None))
        .await
        .refused(StatusCode::CONFLICT);
    // A revoked delegation ends at once.
    let delegation = created.items[0].id;
    official
        .revoke_delegation(delegation)
        .await
        .refused(StatusCode::FORBIDDEN);
    leader.revoke_delegation(delegation).await.good();
    let waiting = deputy.incoming_counts().await.good();
    assert_eq!(waiting.to_assign, 0);
    w.db.finish().await;
}

async fn the_dashboard_counts_overdue_work_and_a_leader_signs_for_another_under_delegation(
    db: TestDb,
) {
    let w = World::new(db).await;
    let (_, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    pclerk.accept(id, &forward_to(w.leader)).await.good();
    let mut leader = w.client("ct.ubnd").await;
    leader
        .assign(
            id,
            &assign_to(
                Some(in_days(1)),
                vec![
                    target(AssignmentRole::Lead, Assignee::User(w.official2)),
                    target(
                        AssignmentRole::Inform,
                        Assignee::User(w.p.base.province_official),
                    ),
                ],
            ),
        )
        .await
        .good();
    let board = leader.dashboard(None).await.good();
    assert_eq!(board.open, 1, "for-information work is not backlog");
    assert_eq!(board.due_soon, 1);
    assert_eq!(board.people[0].id, w.official2);
    assert_eq!(board.units[0].name, "Phòng Kinh tế");
    assert_eq!(board.units[0].open, 1);
    assert_eq!(board.units[0].due_soon, 1);
    assert_eq!(board.oldest[0].incoming_id, id);
    let drill = leader.dashboard_drill(None, Some(w.official2)).await.good();
    assert_eq!(drill.oldest[0].incoming_id, id);
    assert_eq!(drill.drill_name.as_deref(), Some("Đỗ Văn Hai"));
    assert_eq!(drill.oldest[0].due, DueState::DueSoon);
    // Overdue (the deadline moved into the past by hand): the agency leader's home counts the document once,
    // a reader who only has it for information does not.
    assert_eq!(leader.incoming_counts().await.good().overseen_overdue, 0);
    let mut conn = crate::common::raw_connection(&w.db).await;
    crate::common::raw_exec(
        &mut conn,
        &format!("UPDATE assignments SET due_at = 1 WHERE incoming_id = {id}"),
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(leader.incoming_counts().await.good().overseen_overdue, 1);
    let mut reader = w.client("cv.ubnd").await;
    assert_eq!(reader.incoming_counts().await.good().overseen_overdue, 0);
    crate::common::raw_exec(
        &mut crate::common::raw_connection(&w.db).await,
        &format!(
            "UPDATE assignments SET due_at = {} WHERE incoming_id = {id}",
            vanban::store::now_ms() + 86_400_000
        ),
    )
    .await
    .unwrap();
    // A unit leader sees their unit only.
    let mut tp = w.client("tp.ubnd").await;
    tp.dashboard(Some(w.p.base.province_office_unit))
        .await
        .refused(StatusCode::FORBIDDEN);
    tp.dashboard(None).await.good();
    // For information: noted, and gone from the reader's counts.
    let counts = reader.incoming_counts().await.good();
    assert_eq!(counts.inform, 1);
    let inform = reader
        .incoming_list(IncomingBucket::Inform)
        .await
        .good()
        .items[0]
        .assignment_id
        .unwrap();
    reader
        .act(inform, &act(HandlerAction::Note, None))
        .await
        .good();
    let counts = reader.incoming_counts().await.good();
    assert_eq!(counts.inform, 0);

    // In the department: the director delegates signing (KT.) to the unit leader, who signs in their own
    // name for the director; before the delegation the unit leader cannot.
    let doc_id = docs::awaiting_signature(&w.app, &w.p, false).await;
    let mut tp_snv = w.client("tp.snv").await;
    let mut director = w.client("gd.snv").await;
    let doc = director.outgoing(doc_id).await.good();
    let draft = docs::main_file_of(&mut director, &doc).await;
    let signed = sign(
        &draft,
        &pki().signer("Phan Thị Thanh Thảo", CertRole::Person),
        SignatureKind::Signer,
        None,
    );
    let sha = upload(&mut tp_snv, &signed).await;
    let signature = SignRequest { main_sha256: sha };
    tp_snv
        .sign(doc_id, &signature)
        .await
        .refused(StatusCode::NOT_FOUND);
    director
        .create_delegation(&DelegationRequest {
            signing: Some(SigningCapacity::Kt),
            ..delegation(w.p.unit_leader, in_days(0), in_days(3))
        })
        .await
        .good();
    let listed = tp_snv.outgoing_list(OutgoingBucket::ToSign).await.good();
    assert_eq!(listed.items[0].id, doc_id);
    // The delegate is told the mark their signature box opens with; the director signs in their own right.
    let seen = tp_snv.outgoing(doc_id).await.good();
    assert_eq!(seen.signs_as, Some(SigningCapacity::Kt));
    assert!(seen.actions.contains(&OutgoingAction::Sign));
    let seen = director.outgoing(doc_id).await.good();
    assert!(seen.signs_as.is_none());
    let doc = tp_snv.sign(doc_id, &signature).await.good();
    assert_eq!(doc.status, OutgoingStatus::AwaitingIssue);
    assert_eq!(doc.signing_capacity, SigningCapacity::Kt);
    let signed_entry = doc.history.iter().find(|h| h.action == "signed").unwrap();
    assert_eq!(signed_entry.actor.id, w.p.unit_leader);
    assert!(
        signed_entry
            .comment
            .as_deref()
            .unwrap()
            .contains(docs::LEADER_NAME)
    );
    w.db.finish().await;
}

async fn a_handover_moves_all_open_work_in_one_audited_step(db: TestDb) {
    let w = World::new(db).await;
    let (_, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    pclerk.accept(id, &forward_to(w.leader)).await.good();
    let mut leader = w.client("ct.ubnd").await;
    leader
        .assign(
            id,
            &assign_to(
                None,
                vec![
                    target(AssignmentRole::Lead, Assignee::User(w.official2)),
                    target(
                        AssignmentRole::Cooperate,
                        Assignee::User(w.p.base.province_official),
                    ),
                ],
            ),
        )
        .await
        .good();
    // Only an administrator hands over, and only to an active colleague of the same agency.
    leader
        .handover(w.official2, &handover_to(w.p.base.province_official))
        .await
        .refused(StatusCode::FORBIDDEN);
    let mut admin = w.client("admin").await;
    admin
        .handover(w.official2, &handover_to(w.p.leader))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    let moved = admin
        .handover(
            w.official2,
            &HandoverRequest {
                reason: Some("Chuyển công tác".into()),
                ..handover_to(w.p.base.province_official)
            },
        )
        .await
        .good();
    assert_eq!(moved.assignments, 1);
    let mut taker = w.client("cv.ubnd").await;
    let queue = taker.queue().await.good();
    // The receiver co-operated on the same document: one piece of work remains, the lead.
    assert_eq!(queue.items.len(), 1, "{queue:#?}");
    assert_eq!(queue.items[0].id, id);
    assert_eq!(queue.items[0].role, Some(AssignmentRole::Lead));
    let mut leaving = w.client("cv2.ubnd").await;
    let queue = leaving.queue().await.good();
    assert_eq!(queue.items.len(), 0);
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
    pclerk.accept(second, &forward_to(w.leader)).await.good();
    let moved = admin
        .handover(w.leader, &handover_to(w.deputy))
        .await
        .good();
    assert_eq!(moved.to_assign, 1, "{moved:#?}");
    let mut deputy = w.client("pct.ubnd").await;
    let doc = deputy.incoming(second).await.good();
    assert!(doc.actions.contains(&IncomingAction::Assign));

    // In the department: the drafter's open draft, the unit leader's pending review and the director's
    // signature each change hands; nothing closed moves.
    let awaiting = docs::awaiting_signature(&w.app, &w.p, false).await;
    let mut official = w.client("cv.snv").await;
    let main = docs::upload(&mut official, &docs::draft_pdf()).await;
    let in_review = official
        .create_outgoing(&docs::draft_request(&w.p, &main, &[w.p.unit_leader]))
        .await
        .good()
        .id;
    official.submit(in_review).await.good();
    let handover = async |admin: &mut Client, from: i64, to: i64| {
        admin.handover(from, &handover_to(to)).await.good()
    };
    let director_leaves = handover(&mut admin, w.p.leader, w.p.unit_leader).await;
    assert_eq!(
        (director_leaves.signatures, director_leaves.reviews),
        (2, 0),
        "{director_leaves:#?}"
    );
    let drafter_leaves = handover(&mut admin, w.p.base.dept_official, w.p.clerk2).await;
    assert_eq!(drafter_leaves.drafts, 2, "{drafter_leaves:#?}");
    // The unit leader now signs the director's document, whose drafter is the colleague who took over.
    let mut taking_signer = w.client("tp.snv").await;
    let doc = taking_signer.outgoing(awaiting).await.good();
    assert_eq!(doc.signer.id, w.p.unit_leader);
    assert_eq!(doc.drafter.id, w.p.clerk2);
    assert!(doc.actions.contains(&OutgoingAction::Sign));
    // When the unit leader leaves in turn, their pending review goes too.
    let unit_leader_leaves = handover(&mut admin, w.p.unit_leader, w.p.leader).await;
    assert_eq!(
        (unit_leader_leaves.reviews, unit_leader_leaves.signatures),
        (1, 2),
        "{unit_leader_leaves:#?}"
    );
    let _ = w.unit_leader;
    w.db.finish().await;
}

/// Accepted, forwarded to ct.ubnd and assigned: cv2.ubnd leads, cv.ubnd co-operates; answers (outgoing,
/// incoming, lead assignment, co-operating assignment).
async fn assigned_with_a_cooperator(w: &World) -> (i64, i64, i64, i64) {
    let (outgoing, id) = w.issued_to_province().await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    pclerk.accept(id, &forward_to(w.leader)).await.good();
    let mut leader = w.client("ct.ubnd").await;
    let doc = leader
        .assign(
            id,
            &assign_to(
                Some(in_days(5)),
                vec![
                    target(AssignmentRole::Lead, Assignee::User(w.official2)),
                    target(
                        AssignmentRole::Cooperate,
                        Assignee::User(w.p.base.province_official),
                    ),
                ],
            ),
        )
        .await
        .good();
    let of = |role| doc.assignments.iter().find(|a| a.role == role).unwrap().id;
    (
        outgoing,
        id,
        of(AssignmentRole::Lead),
        of(AssignmentRole::Cooperate),
    )
}

async fn the_lead_completing_leaves_the_document_open_until_every_cooperator_has_reported(
    db: TestDb,
) {
    let w = World::new(db).await;
    let (outgoing, _, lead, coop) = assigned_with_a_cooperator(&w).await;
    let mut handler = w.client("cv2.ubnd").await;
    let doc = handler
        .act(
            lead,
            &act(HandlerAction::Complete, Some("Đã xong phần chủ trì.")),
        )
        .await
        .good();
    assert_eq!(
        doc.status,
        IncomingStatus::InProgress,
        "the co-operator has not reported"
    );
    assert!(
        !w.sender_sees(outgoing)
            .await
            .contains(&DeliveryStatus::Completed),
        "the sender does not see 06 yet"
    );
    let mut leader = w.client("ct.ubnd").await;
    let dash = leader.dashboard(None).await.good();
    assert_eq!(
        dash.open, 1,
        "the co-operator's work is still open: {dash:?}"
    );

    // The co-operator reports: now every part has, and the document is completed (06).
    let mut coop_client = w.client("cv.ubnd").await;
    let doc = coop_client
        .act(coop, &act(HandlerAction::Report, Some("Đã gửi số liệu.")))
        .await
        .good();
    assert_eq!(doc.status, IncomingStatus::Completed);
    assert_eq!(
        w.sender_sees(outgoing).await.last(),
        Some(&DeliveryStatus::Completed)
    );
    let dash = leader.dashboard(None).await.good();
    assert_eq!(dash.open, 0, "the dashboard agrees: {dash:?}");
    w.db.finish().await;
}

async fn a_leader_closes_the_handling_explicitly_with_a_reason_and_only_a_leader_may(db: TestDb) {
    let w = World::new(db).await;
    let (outgoing, id, lead, _) = assigned_with_a_cooperator(&w).await;
    let why = |r: &str| ReturnRequest { reason: r.into() };

    // The handler may not close it; the leader sees the action and needs a reason.
    let mut handler = w.client("cv2.ubnd").await;
    let refused = handler
        .close_incoming(id, &why("Không cần nữa"))
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(refused.message.contains("lãnh đạo"), "{}", refused.message);
    let mut leader = w.client("ct.ubnd").await;
    let doc = leader.incoming(id).await.good();
    assert!(
        doc.actions.contains(&IncomingAction::Close),
        "{:?}",
        doc.actions
    );
    leader
        .close_incoming(id, &why("  "))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);

    handler
        .act(lead, &act(HandlerAction::Complete, None))
        .await
        .good();
    let doc = leader
        .close_incoming(id, &why("Phòng phối hợp đã báo cáo bằng điện thoại."))
        .await
        .good();
    assert_eq!(doc.status, IncomingStatus::Completed);
    assert!(!doc.actions.contains(&IncomingAction::Close));
    let closed = doc.history.last().unwrap();
    assert_eq!(closed.entry.action, "closed");
    assert_eq!(
        closed.entry.comment.as_deref(),
        Some("Phòng phối hợp đã báo cáo bằng điện thoại.")
    );
    assert_eq!(
        w.sender_sees(outgoing).await.last(),
        Some(&DeliveryStatus::Completed)
    );
    let again = leader
        .close_incoming(id, &why("Lần nữa"))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(again.message.contains("xử lý"), "{}", again.message);
    w.db.finish().await;
}

on_both_databases!(
    the_lead_completing_leaves_the_document_open_until_every_cooperator_has_reported,
    a_leader_closes_the_handling_explicitly_with_a_reason_and_only_a_leader_may,
    a_document_is_accepted_assigned_handled_and_completed_while_the_sender_sees_each_status,
    a_return_needs_a_reason_which_the_sender_sees,
    email_paper_and_backfilled_arrivals_are_checked_and_a_tampered_file_needs_a_recorded_reason,
    refusals_for_wrong_roles_other_agencies_wrong_states_and_delegations,
    the_dashboard_counts_overdue_work_and_a_leader_signs_for_another_under_delegation,
    a_handover_moves_all_open_work_in_one_audited_step,
);
