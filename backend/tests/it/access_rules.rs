//! The access rules issue 12 fixed, each tried the way an outsider found it open, on both databases: a blob's
//! hash from another agency, an official of a recipient agency with no assignment, a handover to an
//! administrator, the last system administrator, an official reading a register, and who hears a live event.

use crate::common::TestDb;
use crate::common::docs::{self, client, upload};
use axum::http::StatusCode;
use serde_json::json;
use shared::incoming::PrefillRequest;
use shared::live_event::LiveEvent;

/// A document issued by the department to the province: its id, and the app serving it.
async fn issued_to_the_province(db: &TestDb) -> (axum::Router, docs::People, i64) {
    let p = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signs(&app, id).await;
    let mut clerk = client(&app, "vanthu.snv").await;
    docs::clerk_issues(&mut clerk, id)
        .await
        .expect(StatusCode::OK);
    (app, p, id)
}

async fn a_hash_uploaded_by_another_agency_is_answered_as_never_uploaded(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    // The province's clerk stored a file; the department learns its hash.
    let mut province_clerk = client(&app, "vanthu.ubnd").await;
    let theirs = upload(&mut province_clerk, &docs::draft_pdf()).await;
    let never = "0".repeat(64);
    // Prefill and a draft both answer as for a hash nobody uploaded, so the answer tells nothing about the
    // other agency's file.
    let mut dept_clerk = client(&app, "vanthu.snv").await;
    let known = dept_clerk
        .prefill(&PrefillRequest {
            sha256: theirs.clone(),
        })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = dept_clerk
        .prefill(&PrefillRequest {
            sha256: never.clone(),
        })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(known, unknown);
    let mut dept_official = client(&app, "cv.snv").await;
    let draft_known = dept_official
        .post(shared::api::OUTGOING, docs::draft_body(&p, &theirs, &[]))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let draft_unknown = dept_official
        .post(shared::api::OUTGOING, docs::draft_body(&p, &never, &[]))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(draft_known.body, draft_unknown.body);
    assert!(
        draft_known.body.to_string().contains("main_file"),
        "{}",
        draft_known.body
    );
    // The uploader's own agency still uses it, and once the department uploads the same bytes it holds them too.
    province_clerk
        .prefill(&PrefillRequest {
            sha256: theirs.clone(),
        })
        .await
        .good();
    assert_eq!(upload(&mut dept_official, &docs::draft_pdf()).await, theirs);
    dept_official
        .post(shared::api::OUTGOING, docs::draft_body(&p, &theirs, &[]))
        .await
        .expect(StatusCode::CREATED);
    db.finish().await;
}

async fn a_recipient_official_without_an_assignment_cannot_open_the_delivered_document(db: TestDb) {
    let (app, _p, id) = issued_to_the_province(&db).await;
    let mut official = client(&app, "cv.ubnd").await;
    let hidden = official.outgoing(id).await.refused(StatusCode::NOT_FOUND);
    let never = official
        .outgoing(id + 1_000_000)
        .await
        .refused(StatusCode::NOT_FOUND);
    assert_eq!(
        hidden, never,
        "a hidden document reads as one that never existed"
    );
    let mut clerk = client(&app, "vanthu.ubnd").await;
    let doc = clerk.outgoing(id).await.good();
    // The recipient's clerk sees what was issued, not the circuit, and no button of the sender's.
    assert!(doc.steps.is_empty());
    assert!(doc.actions.is_empty());
    let file = doc.versions[0].files[0].id;
    assert_eq!(clerk.outgoing_file(id, file).await.0, StatusCode::OK);
    assert_eq!(
        official.outgoing_file(id, file).await.0,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}

async fn handover_gives_no_one_work_their_roles_may_not_do(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let id = docs::awaiting_signature(&app, &p, false).await;
    let mut admin = client(&app, "quantri.snv").await;
    // The leader's signature may not go to the agency administrator (who would then sign) nor to an official.
    for to in [p.base.dept_admin, p.base.dept_official] {
        let refused = admin
            .post(
                &format!("/api/users/{}/handover", p.leader),
                json!({"to_user_id": to}),
            )
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body["fields"].to_string().contains("to_user_id"),
            "{}",
            refused.body
        );
    }
    let mut official = client(&app, "cv.snv").await;
    let doc = official.outgoing(id).await.good();
    assert_eq!(doc.signer.id, p.leader, "nothing moved");
    // To another leader it goes.
    admin
        .post(
            &format!("/api/users/{}/handover", p.leader),
            json!({"to_user_id": p.unit_leader}),
        )
        .await
        .expect(StatusCode::OK);
    db.finish().await;
}

async fn the_last_system_administrator_keeps_the_role(db: TestDb) {
    let f = crate::common::fixture(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut admin = client(&app, "admin").await;
    let me = admin
        .get(&format!("/api/users/{}", f.admin))
        .await
        .expect(StatusCode::OK)
        .body;
    let refused = admin
        .put(
            &format!("/api/users/{}", f.admin),
            json!({"full_name": me["full_name"], "unit_id": me["unit"]["id"], "roles": ["agency_admin"]}),
        )
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("cuối cùng"),
        "{}",
        refused.body
    );
    // Locking it is refused too (here as locking oneself; the store refuses it for anyone).
    admin
        .post(&format!("/api/users/{}/lock", f.admin), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    // The shell command restores it after it was lost some other way.
    let user = db.store.grant_system_admin("quantri.snv").await.unwrap();
    assert!(user.has_role(shared::role::Role::SystemAdmin));
    // Now there are two: one may step down.
    admin
        .put(
            &format!("/api/users/{}", f.admin),
            json!({"full_name": me["full_name"], "unit_id": me["unit"]["id"], "roles": ["agency_admin"]}),
        )
        .await
        .expect(StatusCode::OK);
    db.finish().await;
}

async fn an_official_reads_only_their_own_lines_of_a_register(db: TestDb) {
    let (app, p, _id) = issued_to_the_province(&db).await;
    let mut clerk = client(&app, "vanthu.snv").await;
    let all = clerk.outgoing_register(p.dept_register, None).await.good();
    assert_eq!(all.rows.len(), 1);
    // The drafter took part; another official of the department did not.
    let mut drafter = client(&app, "cv.snv").await;
    let mine = drafter
        .outgoing_register(p.dept_register, None)
        .await
        .good();
    assert_eq!(mine.rows.len(), 1);
    let store = db.store.clone();
    let sys = vanban::store::Actor::default();
    store
        .create_user(
            &sys,
            vanban::store::NewUser {
                username: "cv3.snv".into(),
                fields: vanban::store::UserFields {
                    full_name: "Phạm Văn Ba".into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: p.base.department_unit,
                    roles: vec![shared::role::Role::Official],
                },
                password_hash: vanban::auth::hash_password(crate::common::PASSWORD).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let mut other = client(&app, "cv3.snv").await;
    let theirs = other.outgoing_register(p.dept_register, None).await.good();
    assert!(theirs.rows.is_empty());
    db.finish().await;
}

async fn a_live_event_reaches_the_people_concerned_and_agency_staff_only(db: TestDb) {
    let (_app, p, id) = issued_to_the_province(&db).await;
    let store = db.store.clone();
    let user = |id: i64| {
        let store = store.clone();
        async move { store.get_user(id).await.unwrap() }
    };
    // The arrival event, as issuing announced it.
    let event = LiveEvent {
        personal: Vec::new(),
        kind: "arrival".into(),
        outgoing_id: id,
        delivery_id: None,
        incoming_id: None,
        agencies: vec![p.base.province, p.base.department],
        users: vec![],
        actor: None,
        text: String::new(),
    };
    assert!(vanban::access::hears(&user(p.province_clerk).await, &event));
    assert!(vanban::access::hears(&user(p.leader).await, &event));
    assert!(!vanban::access::hears(
        &user(p.base.province_official).await,
        &event
    ));
    assert!(!vanban::access::hears(
        &user(p.base.dept_official).await,
        &event
    ));
    let named = LiveEvent {
        personal: Vec::new(),
        users: vec![p.base.dept_official],
        ..event
    };
    assert!(vanban::access::hears(
        &user(p.base.dept_official).await,
        &named
    ));
    db.finish().await;
}

on_both_databases!(
    a_hash_uploaded_by_another_agency_is_answered_as_never_uploaded,
    a_recipient_official_without_an_assignment_cannot_open_the_delivered_document,
    handover_gives_no_one_work_their_roles_may_not_do,
    the_last_system_administrator_keeps_the_role,
    an_official_reads_only_their_own_lines_of_a_register,
    a_live_event_reaches_the_people_concerned_and_agency_staff_only,
);
