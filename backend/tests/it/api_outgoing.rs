//! Outgoing documents through the real router, on both databases: the whole journey from draft to arrival,
//! and every refusal (wrong role, other agency, wrong state, tampered revision, active content).

use crate::common::docs::{self, People, draft_request, file_ref, pki, sign, upload};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use shared::action::OutgoingAction;
use shared::outgoing::{
    BatchReviewRequest, DeliveryChannel, DraftRequest, EditDraftRequest, IssueRequest,
    NewVersionRequest, OutgoingBucket, OutgoingDto, OutgoingStatus, RecallAnswerRequest,
    RecallRequest, ReviewDecision, ReviewRequest, SignRequest,
};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::status::DeliveryStatus;

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

async fn leader_signs(w: &World, id: i64) -> OutgoingDto {
    docs::leader_signature(&w.app, id).await.good()
}

fn review(decision: ReviewDecision, comment: Option<&str>) -> ReviewRequest {
    ReviewRequest {
        decision,
        comment: comment.map(str::to_string),
        forward_to: None,
    }
}

fn issue_with(main_sha256: String) -> IssueRequest {
    IssueRequest {
        main_sha256,
        attachments: vec![],
    }
}

fn recall_answer(agree: bool) -> RecallAnswerRequest {
    RecallAnswerRequest {
        agree,
        reason: None,
    }
}

async fn a_document_goes_from_draft_through_return_and_signature_to_issue_and_arrival(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    let doc = official
        .create_outgoing(&draft_request(&w.p, &main, &[w.p.unit_leader]))
        .await
        .good();
    let id = doc.id;
    assert_eq!(doc.status, OutgoingStatus::Draft);
    assert_eq!(
        doc.notation, "SNV-TC",
        "a công văn carries agency and drafting unit"
    );
    assert_eq!(
        doc.actions,
        [
            OutgoingAction::Submit,
            OutgoingAction::NewVersion,
            OutgoingAction::Edit
        ]
    );
    let reserved_sha = &doc.versions[0].files[0].sha256;
    assert_ne!(
        reserved_sha, &main,
        "the server reserved the number fields in a new revision"
    );
    official.submit(id).await.good();

    // The unit leader returns it with a comment; the official uploads v2 and resubmits.
    let mut tp = w.client("tp.snv").await;
    let queue = tp.outgoing_list(OutgoingBucket::ToReview).await.good();
    assert_eq!(queue.items[0].id, id);
    tp.review(
        id,
        &review(
            ReviewDecision::ReturnToDrafter,
            Some("Bổ sung số liệu quý IV."),
        ),
    )
    .await
    .good();
    let returned = official
        .outgoing_list(OutgoingBucket::Returned)
        .await
        .good();
    assert_eq!(returned.items[0].id, id);
    let v2 = upload(&mut official, &docs::attachment_pdf()).await;
    let doc = official
        .new_version(
            id,
            &NewVersionRequest {
                main_file: file_ref(&v2, "cong-van-v2.pdf"),
                attachments: vec![],
                comment: Some("Đã bổ sung.".into()),
                number_placement: None,
            },
        )
        .await
        .good();
    assert_eq!(doc.versions.len(), 2);
    official.submit(id).await.good();
    let doc = tp
        .review(
            id,
            &review(ReviewDecision::Approve, Some("Đồng ý trình ký.")),
        )
        .await
        .good();
    assert_eq!(doc.status, OutgoingStatus::AwaitingSignature);

    let doc = leader_signs(&w, id).await;
    assert_eq!(doc.status, OutgoingStatus::AwaitingIssue);
    let mut clerk = w.client("vanthu.snv").await;
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    assert_eq!(issued.status, OutgoingStatus::Issued);
    assert_eq!(issued.number, Some(1));
    assert_eq!(issued.number_text.as_deref(), Some("01/SNV-TC"));
    let actions: Vec<&str> = issued.history.iter().map(|h| h.action.as_str()).collect();
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
    assert_eq!(
        issued.history[2].comment.as_deref(),
        Some("Bổ sung số liệu quý IV.")
    );

    // The issued file: the leader's signature (form filling after it) and the seal both verify.
    let file = docs::main_file_of(&mut clerk, &issued).await;
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
    let deliveries = &issued.deliveries;
    assert_eq!(deliveries.len(), 3);
    assert_eq!(deliveries[0].channel, DeliveryChannel::Internal);
    assert_eq!(deliveries[0].status, Some(DeliveryStatus::Arrived));
    assert_eq!(deliveries[1].channel, DeliveryChannel::External);
    assert_eq!(deliveries[1].status, None);
    assert_eq!(deliveries[2].channel, DeliveryChannel::Paper);
    let mut province_clerk = w.client("vanthu.ubnd").await;
    let arrivals = province_clerk.arrivals().await.good();
    assert_eq!(arrivals.items[0].outgoing_id, id);
    assert_eq!(arrivals.items[0].status, DeliveryStatus::Arrived);
    assert_eq!(arrivals.items[0].number_text, "01/SNV-TC");
    // The recipient sees the issued version only, and can open it.
    let seen = province_clerk.outgoing(id).await.good();
    assert!(seen.versions.iter().all(|v| v.kind == "issued"));
    assert!(seen.steps.is_empty());
    assert_eq!(docs::main_file_of(&mut province_clerk, &seen).await, file);
    // A reply can answer what the province received, not what another agency received.
    let delivery = arrivals.items[0].delivery_id;
    let reply = DraftRequest {
        answers_delivery_id: Some(delivery),
        ..draft_request(&w.p, &main, &[])
    };
    let e = official
        .create_outgoing(&reply)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "answers_delivery_id");

    // The outgoing register has the entry with its columns.
    let register = clerk
        .outgoing_register(w.p.dept_register, None)
        .await
        .good();
    let row = &register.rows[0];
    assert_eq!(row.number_text, "01/SNV-TC");
    assert_eq!(row.signer, docs::LEADER_NAME);
    assert!(row.type_and_subject.starts_with("Công văn Về việc báo cáo"));
    assert!(row.recipients.contains("UBND tỉnh Vĩnh Long"));
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
    let doc = clerk.outgoing(a).await.good();
    let reservation = clerk.reserve_number(a).await.good();
    assert_eq!(reservation.number, 1);
    let signed = docs::main_file_of(&mut clerk, &doc).await;
    let mut sealed = docs::fill_and_seal(
        &signed,
        &reservation,
        &pki().signer(docs::DEPT_NAME, CertRole::Seal),
    );
    let at = signed.len() / 2;
    sealed[at] ^= 1;
    let sha = upload(&mut clerk, &sealed).await;
    let refused = clerk
        .issue(a, &issue_with(sha))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.message.contains("đã có bị thay đổi"), "{refused:?}");
    let doc = clerk.outgoing(a).await.good();
    assert_eq!(doc.status, OutgoingStatus::AwaitingIssue);
    assert_eq!(
        w.db.store.held_number(a).await.unwrap(),
        None,
        "the number was given back"
    );
    // B is issued next and takes 01; A then takes 02.
    assert_eq!(
        docs::issue_as_clerk(&mut clerk, b).await.good().number,
        Some(1)
    );
    assert_eq!(
        docs::issue_as_clerk(&mut clerk, a).await.good().number,
        Some(2)
    );
    // Issuing again is refused: the document is no longer waiting.
    clerk.reserve_number(a).await.refused(StatusCode::CONFLICT);
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
    web.issue(a, &issue_with("0".repeat(64)))
        .await
        .refused(StatusCode::CONFLICT);
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
        .create_outgoing(&draft_request(&w.p, &main, &[]))
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .sign(
            id,
            &SignRequest {
                main_sha256: "a".repeat(64),
            },
        )
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .reserve_number(id)
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .outgoing_list(OutgoingBucket::ToIssue)
        .await
        .refused(StatusCode::FORBIDDEN);
    official.arrivals().await.refused(StatusCode::FORBIDDEN);
    // Other agency: the document does not exist for them.
    other_agency
        .outgoing(id)
        .await
        .refused(StatusCode::NOT_FOUND);
    province_clerk
        .reserve_number(id)
        .await
        .refused(StatusCode::NOT_FOUND);
    // A signer of another agency cannot be chosen.
    let body = DraftRequest {
        signer_id: w.p.base.province_official,
        ..draft_request(&w.p, &main, &[])
    };
    let e = official
        .create_outgoing(&body)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.fields[0].field == "signer_id");
    // Wrong state: the clerk cannot number or issue an unsigned document; the drafter cannot resubmit.
    clerk.reserve_number(id).await.refused(StatusCode::CONFLICT);
    clerk
        .issue(id, &issue_with("a".repeat(64)))
        .await
        .refused(StatusCode::CONFLICT);
    official.submit(id).await.refused(StatusCode::CONFLICT);
    // The unit leader already approved: the document is with the signer now, not with them.
    let mut tp = w.client("tp.snv").await;
    tp.review(id, &review(ReviewDecision::Approve, None))
        .await
        .refused(StatusCode::FORBIDDEN);
    // Returning needs a comment.
    let mut leader = w.client("gd.snv").await;
    leader
        .review(id, &review(ReviewDecision::ReturnToDrafter, None))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    // Reviewers are leaders of the drafter's unit or agency; the signer a leader. A clerk, an administrator or
    // the drafter themself is refused with the field named.
    let mine = upload(&mut official, &docs::draft_pdf()).await;
    for reviewer in [w.p.clerk2, w.p.base.dept_admin, w.p.base.dept_official] {
        let e = official
            .create_outgoing(&draft_request(&w.p, &mine, &[reviewer]))
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.fields[0].field, "reviewers", "{e:?}");
        if reviewer != w.p.base.dept_official {
            assert!(e.fields[0].message.contains("lãnh đạo đơn vị"), "{e:?}");
        }
    }
    let clerk_signs = DraftRequest {
        signer_id: w.p.clerk2,
        ..draft_request(&w.p, &mine, &[])
    };
    let e = official
        .create_outgoing(&clerk_signs)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "signer_id");
    // A confidentiality mark is refused with the reason.
    let secret = DraftRequest {
        confidentiality: Some("Mật".into()),
        ..draft_request(&w.p, &main, &[])
    };
    let e = official
        .create_outgoing(&secret)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.fields[0].message.contains("bí mật nhà nước"));
    w.db.finish().await;
}

async fn tampered_foreign_and_untrusted_signatures_are_refused(db: TestDb) {
    let w = World::new(db).await;
    let id = awaiting_signature(&w, false).await;
    let mut leader = w.client("gd.snv").await;
    let doc = leader.outgoing(id).await.good();
    let draft = docs::main_file_of(&mut leader, &doc).await;
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
            "chưa được đăng ký cho tài khoản của Lê Văn Hùng",
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
            .sign(id, &SignRequest { main_sha256: sha })
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e.message.contains(expected),
            "{} should say {expected}",
            e.message
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
        .sign(id, &SignRequest { main_sha256: sha })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("tin cậy"));
    // Still waiting for the signature: nothing was recorded.
    assert_eq!(
        leader.outgoing(id).await.good().status,
        OutgoingStatus::AwaitingSignature
    );
    // An upload whose bytes do not match its name is refused.
    leader
        .put_blob(&"b".repeat(64), b"%PDF-1.7")
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
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
        .create_outgoing(&draft_request(&w.p, &bad, &[]))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("JavaScript"), "{e:?}");
    // At issue: a clerk's upload that slipped JavaScript in is refused and the number is not consumed.
    let id = awaiting_signature(&w, false).await;
    leader_signs(&w, id).await;
    let mut clerk = w.client("vanthu.snv").await;
    let doc = clerk.outgoing(id).await.good();
    let reservation = clerk.reserve_number(id).await.good();
    let signed = docs::main_file_of(&mut clerk, &doc).await;
    let sealed = docs::fill_and_seal(
        &with_javascript(&signed),
        &reservation,
        &pki().signer(docs::DEPT_NAME, CertRole::Seal),
    );
    let sha = upload(&mut clerk, &sealed).await;
    let e = clerk
        .issue(id, &issue_with(sha))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("Điều 22.2"));
    assert_eq!(
        docs::issue_as_clerk(&mut clerk, id).await.good().number,
        Some(1)
    );
    w.db.finish().await;
}

async fn a_recall_is_answered_by_each_recipient_and_hides_the_document(db: TestDb) {
    let w = World::new(db).await;
    let id = awaiting_signature(&w, false).await;
    leader_signs(&w, id).await;
    let mut clerk = w.client("vanthu.snv").await;
    docs::issue_as_clerk(&mut clerk, id).await.good();
    clerk
        .recall(id, &RecallRequest { reason: " ".into() })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    let doc = clerk
        .recall(
            id,
            &RecallRequest {
                reason: "Sai số liệu phụ lục.".into(),
            },
        )
        .await
        .good();
    assert_eq!(doc.status, OutgoingStatus::Recalled);
    assert_eq!(
        doc.deliveries[0].status,
        Some(DeliveryStatus::RecallRequested)
    );
    let mut province_clerk = w.client("vanthu.ubnd").await;
    let arrivals = province_clerk.arrivals().await.good();
    assert_eq!(arrivals.items[0].status, DeliveryStatus::RecallRequested);
    assert_eq!(
        arrivals.items[0].recall_reason.as_deref(),
        Some("Sai số liệu phụ lục.")
    );
    let delivery = arrivals.items[0].delivery_id;
    // Only the recipient's clerk answers.
    clerk
        .answer_delivery_recall(delivery, &recall_answer(true))
        .await
        .refused(StatusCode::NOT_FOUND);
    province_clerk
        .answer_delivery_recall(delivery, &recall_answer(false))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    province_clerk
        .answer_delivery_recall(delivery, &recall_answer(true))
        .await
        .good();
    assert!(province_clerk.arrivals().await.good().items.is_empty());
    province_clerk
        .answer_delivery_recall(delivery, &recall_answer(true))
        .await
        .refused(StatusCode::CONFLICT);
    // The sender sees 01 → 13 → 15 with times.
    let doc = clerk.outgoing(id).await.good();
    let codes: Vec<DeliveryStatus> = doc.deliveries[0].events.iter().map(|e| e.status).collect();
    assert_eq!(
        codes,
        [
            DeliveryStatus::Arrived,
            DeliveryStatus::RecallRequested,
            DeliveryStatus::RecallAgreed
        ]
    );
    w.db.finish().await;
}

async fn a_batch_approval_reports_each_document(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let id = official
            .create_outgoing(&draft_request(&w.p, &main, &[w.p.unit_leader]))
            .await
            .good()
            .id;
        official.submit(id).await.good();
        ids.push(id);
    }
    let never_submitted = official
        .create_outgoing(&draft_request(&w.p, &main, &[w.p.unit_leader]))
        .await
        .good();
    ids.push(never_submitted.id);
    let mut tp = w.client("tp.snv").await;
    let results = tp
        .batch_review(&BatchReviewRequest {
            ids,
            review: review(ReviewDecision::Approve, None),
        })
        .await
        .good();
    let oks: Vec<bool> = results.results.iter().map(|r| r.ok).collect();
    assert_eq!(oks, [true, true, false]);
    assert!(!results.results[2].error.as_deref().unwrap().is_empty());
    let counts = w.client("gd.snv").await.outgoing_counts().await.good();
    assert_eq!(counts.to_sign, 2);
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

/// The draft's metadata as [`draft_request`] made it, to change field by field.
fn edit_of(d: &DraftRequest) -> EditDraftRequest {
    EditDraftRequest {
        doc_type: d.doc_type,
        subject: d.subject.clone(),
        urgency: d.urgency,
        reply_deadline: d.reply_deadline,
        signer_id: d.signer_id,
        signing_capacity: d.signing_capacity,
        internal_recipients: d.internal_recipients.clone(),
        external_recipients: d.external_recipients.clone(),
        paper_recipients: d.paper_recipients.clone(),
        confidentiality: None,
        reviewers: d.reviewers.clone(),
    }
}

async fn a_returned_draft_has_its_metadata_corrected_in_the_history_and_goes_back_to_the_reviewer(
    db: TestDb,
) {
    use shared::document::Urgency;
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    let draft = draft_request(&w.p, &main, &[w.p.unit_leader]);
    let id = official.create_outgoing(&draft).await.good().id;
    official.submit(id).await.good();
    let mut tp = w.client("tp.snv").await;
    tp.review(
        id,
        &review(
            ReviewDecision::ReturnToDrafter,
            Some("Trích yếu chưa rõ; bỏ nơi nhận Bộ Nội vụ."),
        ),
    )
    .await
    .good();

    // The document is with the drafter; the reviewer's step says it was returned, not that it waits.
    let doc = official.outgoing(id).await.good();
    assert_eq!(doc.status, OutgoingStatus::Returned);
    assert_eq!(doc.steps[0].decision, Some(ReviewDecision::ReturnToDrafter));
    assert!(
        doc.actions.contains(&OutgoingAction::Edit),
        "{:?}",
        doc.actions
    );

    // Only the drafter edits, with the draft form's rules.
    let mut edit = edit_of(&draft);
    edit.subject = "Về việc báo cáo biên chế công chức năm 2026"
        .try_into()
        .unwrap();
    edit.urgency = Urgency::Normal;
    edit.external_recipients.clear();
    let refused = tp
        .edit_outgoing(id, &edit)
        .await
        .refused(StatusCode::FORBIDDEN);
    assert!(
        refused.message.contains("người soạn thảo"),
        "{}",
        refused.message
    );
    let mut bad = edit.clone();
    bad.reviewers = vec![w.p.leader];
    let e = official
        .edit_outgoing(id, &bad)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message_for("reviewers").is_some(), "{e:?}");

    let doc = official.edit_outgoing(id, &edit).await.good();
    assert_eq!(doc.subject, "Về việc báo cáo biên chế công chức năm 2026");
    assert_eq!(doc.urgency, Urgency::Normal);
    assert_eq!(doc.deliveries.len(), 2, "the external recipient is gone");
    let lines: Vec<(&str, Option<&str>)> = doc
        .history
        .iter()
        .map(|h| (h.action.as_str(), h.comment.as_deref()))
        .collect();
    assert_eq!(
        lines[lines.len() - 4..],
        [
            (
                "returned_drafter",
                Some("Trích yếu chưa rõ; bỏ nơi nhận Bộ Nội vụ.")
            ),
            (
                "edited",
                Some(
                    "Đổi trích yếu: «Về việc báo cáo tình hình biên chế năm 2026» → «Về việc báo cáo biên chế công chức năm 2026»"
                )
            ),
            ("edited", Some("Đổi độ khẩn: «Khẩn» → «Thường»")),
            (
                "edited",
                Some(
                    "Đổi nơi nhận: «UBND tỉnh Vĩnh Long; Bộ Nội vụ; Lưu: VT, TC» → «UBND tỉnh Vĩnh Long; Lưu: VT, TC»"
                )
            ),
        ]
    );

    // Resubmitted, it goes back to the reviewer who returned it; then it can no longer be edited.
    let doc = official.submit(id).await.good();
    assert_eq!(doc.status, OutgoingStatus::InReview);
    assert_eq!(doc.current_step, Some(1));
    assert_eq!(doc.steps[0].decision, None);
    let queue = tp.outgoing_list(OutgoingBucket::ToReview).await.good();
    assert!(queue.items.iter().any(|i| i.id == id));
    let e = official
        .edit_outgoing(id, &edit)
        .await
        .refused(StatusCode::CONFLICT);
    assert!(e.message.contains("dự thảo"), "{}", e.message);
    w.db.finish().await;
}

on_both_databases!(
    a_returned_draft_has_its_metadata_corrected_in_the_history_and_goes_back_to_the_reviewer,
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
