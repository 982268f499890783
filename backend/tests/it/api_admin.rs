//! Account and unit administration through the real router, on both databases: scopes, roles, audit.

use crate::common::{Client, TestDb, fixture};
use axum::http::StatusCode;
use serde_json::json;
use vanban::store::AuditFilter;

async fn an_agency_admin_creates_an_official_who_must_change_the_password(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("quantri.snv").await;
    let created = admin
        .post(
            "/api/users",
            json!({"username": "NV.Moi", "full_name": "Nguye\u{302}\u{303}n Văn Mới", "position": "Chuyên viên",
                   "email": "moi@snv.vn", "phone": "0270 3822 123", "unit_id": f.department_unit, "roles": ["official"]}),
        )
        .await
        .expect(StatusCode::CREATED);
    let user = &created.body["user"];
    assert_eq!(user["username"], "nv.moi");
    assert_eq!(user["full_name"], "Nguyễn Văn Mới", "stored in NFC");
    assert_eq!(user["phone"], "02703822123");
    assert_eq!(user["must_change_password"], true);
    let temp = created.body["temporary_password"].as_str().unwrap();
    assert!(shared::user::NewPassword::parse(temp).is_ok());
    let mut newcomer = admin.another();
    let session = newcomer.login("nv.moi", temp).await.expect(StatusCode::OK);
    assert_eq!(session.body["user"]["must_change_password"], true);
    let entry = &db
        .store
        .list_audit(AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap()[1];
    assert_eq!(entry.action, "user.create");
    assert_eq!(entry.target_name.as_deref(), Some("nv.moi"));
    assert_eq!(entry.actor_username.as_deref(), Some("quantri.snv"));
    assert_eq!(entry.agency_id, Some(f.department));
    assert!(
        !entry.details.contains(temp),
        "the audit log never holds a password"
    );
    db.finish().await;
}

async fn an_agency_admin_manages_only_their_own_agency(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("quantri.snv").await;
    let body = json!({"username": "lan", "full_name": "Lan", "unit_id": f.province_office_unit, "roles": ["official"]});
    admin
        .post("/api/users", body)
        .await
        .expect(StatusCode::FORBIDDEN);
    // Another agency's accounts are answered as ids that do not exist (issue 12: nothing to probe).
    admin
        .get(&format!("/api/users/{}", f.province_official))
        .await
        .expect(StatusCode::NOT_FOUND);
    admin
        .post(
            &format!("/api/users/{}/lock", f.province_official),
            json!({}),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    admin
        .post(&format!("/api/users/{}/reset-password", f.admin), json!({}))
        .await
        .expect(StatusCode::NOT_FOUND);
    admin
        .post(
            &format!("/api/agencies/{}/units", f.province),
            json!({"name": "Phòng X", "short_name": "X", "kind": "phong"}),
        )
        .await
        .expect(StatusCode::FORBIDDEN);
    // Moving one of their own users into another agency is refused too.
    let moved = json!({"full_name": "Nguyễn Thị Đào", "unit_id": f.province_office_unit, "roles": ["official"]});
    admin
        .put(&format!("/api/users/{}", f.dept_official), moved)
        .await
        .expect(StatusCode::FORBIDDEN);
    let listed = admin.get("/api/users").await.expect(StatusCode::OK);
    let agencies: Vec<_> = listed.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["agency"]["id"].clone())
        .collect();
    assert_eq!(agencies.len(), 3);
    assert!(agencies.iter().all(|a| *a == json!(f.department)));
    admin
        .get(&format!("/api/users?agency_id={}", f.province))
        .await
        .expect(StatusCode::FORBIDDEN);
    let audit = admin
        .get("/api/audit?limit=200")
        .await
        .expect(StatusCode::OK);
    assert!(
        audit.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["agency_id"] == json!(f.department))
    );
    db.finish().await;
}

async fn only_the_provincial_admin_grants_system_admin(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut agency_admin = Client::new(db.store.clone());
    agency_admin.login_ok("quantri.snv").await;
    let body = json!({"username": "sieu", "full_name": "Siêu", "unit_id": f.department_unit, "roles": ["system_admin"]});
    agency_admin
        .post("/api/users", body.clone())
        .await
        .expect(StatusCode::FORBIDDEN);
    let mut sys = agency_admin.another();
    sys.login_ok("admin").await;
    sys.post("/api/users", body)
        .await
        .expect(StatusCode::CREATED);
    let none = json!({"username": "khongvaitro", "full_name": "Không", "unit_id": f.department_unit, "roles": []});
    let a = sys
        .post("/api/users", none)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "roles");
    // The provincial admin works in every agency.
    sys.post(
        &format!("/api/agencies/{}/units", f.province),
        json!({"name": "Phòng Y", "short_name": "Y", "kind": "phong"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let all = sys.get("/api/users").await.expect(StatusCode::OK);
    assert_eq!(all.body["users"].as_array().unwrap().len(), 6);
    let found = sys.get("/api/users?q=dao").await.expect(StatusCode::OK);
    assert_eq!(found.body["users"][0]["username"], "cv.snv");
    db.finish().await;
}

async fn people_without_an_admin_role_cannot_administer(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("vanthu.snv").await;
    c.get("/api/users").await.expect(StatusCode::FORBIDDEN);
    c.get("/api/audit").await.expect(StatusCode::FORBIDDEN);
    c.post(&format!("/api/users/{}/lock", f.dept_official), json!({}))
        .await
        .expect(StatusCode::FORBIDDEN);
    // Everyone signed in may read agencies and units (for choosing recipients).
    c.get("/api/agencies").await.expect(StatusCode::OK);
    let units = c
        .get(&format!("/api/agencies/{}/units", f.department))
        .await
        .expect(StatusCode::OK);
    assert_eq!(units.body.as_array().unwrap().len(), 2);
    db.finish().await;
}

async fn admins_cannot_lock_themselves_out(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("quantri.snv").await;
    c.post(&format!("/api/users/{}/lock", f.dept_admin), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    let drop_admin = json!({"full_name": "Trần Văn Quản", "unit_id": f.department_office_unit, "roles": ["clerk"]});
    c.put(&format!("/api/users/{}", f.dept_admin), drop_admin)
        .await
        .expect(StatusCode::CONFLICT);
    let keep = json!({"full_name": "Trần Văn Quản", "unit_id": f.department_office_unit, "roles": ["clerk", "agency_admin"]});
    let a = c
        .put(&format!("/api/users/{}", f.dept_admin), keep)
        .await
        .expect(StatusCode::OK);
    assert_eq!(a.body["roles"], json!(["agency_admin", "clerk"]));
    db.finish().await;
}

async fn editing_an_account_replaces_its_fields_and_roles(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("quantri.snv").await;
    let body = json!({"full_name": "Nguyễn Thị Đào", "position": "Phó Chánh Văn phòng", "unit_id": f.department_office_unit,
                      "roles": ["unit_leader", "official"]});
    let a = c
        .put(&format!("/api/users/{}", f.dept_official), body)
        .await
        .expect(StatusCode::OK);
    assert_eq!(a.body["roles"], json!(["unit_leader", "official"]));
    assert_eq!(a.body["unit"]["short_name"], "VP");
    assert_eq!(a.body["position"], "Phó Chánh Văn phòng");
    assert_eq!(a.body["email"], serde_json::Value::Null);
    let entry = &db
        .store
        .list_audit(AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()[0];
    assert_eq!(entry.action, "user.update");
    assert!(entry.details.contains("unit_leader") && entry.details.contains("before"));
    db.finish().await;
}

async fn units_are_created_and_renamed_with_unique_short_names(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("quantri.snv").await;
    let path = format!("/api/agencies/{}/units", f.department);
    let a = c
        .post(
            &path,
            json!({"name": "Trung tâm Lưu trữ lịch sử", "short_name": "TTLT", "kind": "trung_tam"}),
        )
        .await;
    let id = a.expect(StatusCode::CREATED).body["id"].as_i64().unwrap();
    let dup = c
        .post(
            &path,
            json!({"name": "Khác", "short_name": "TTLT", "kind": "ban"}),
        )
        .await;
    let dup = dup.expect(StatusCode::CONFLICT);
    assert!(dup.body["message"].as_str().unwrap().contains("viết tắt"));
    assert_eq!(dup.body["fields"][0]["field"], "short_name");
    let bad = c
        .post(
            &path,
            json!({"name": "Khác", "short_name": "TT-LT", "kind": "ban"}),
        )
        .await;
    assert_eq!(
        bad.expect(StatusCode::UNPROCESSABLE_ENTITY).body["fields"][0]["field"],
        "short_name"
    );
    let renamed = c
        .put(
            &format!("/api/units/{id}"),
            json!({"name": "Trung tâm Lưu trữ", "short_name": "TTLT", "kind": "trung_tam"}),
        )
        .await;
    assert_eq!(
        renamed.expect(StatusCode::OK).body["name"],
        "Trung tâm Lưu trữ"
    );
    c.put(
        "/api/units/999999",
        json!({"name": "x", "short_name": "X", "kind": "ban"}),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let actions: Vec<_> = db
        .store
        .list_audit(AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["unit.update", "unit.create"]);
    db.finish().await;
}

async fn a_duplicate_username_is_a_conflict_and_writes_nothing(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("admin").await;
    let before = db.store.verify_audit_chain().await.unwrap().entries;
    let body = json!({"username": "cv.snv", "full_name": "Trùng", "unit_id": f.department_unit, "roles": ["official"]});
    let a = c
        .post("/api/users", body)
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .contains("Tên đăng nhập")
    );
    assert_eq!(a.body["fields"][0]["field"], "username");
    assert_eq!(a.code(), "conflict");
    assert_eq!(db.store.verify_audit_chain().await.unwrap().entries, before);
    db.finish().await;
}

on_both_databases!(
    an_agency_admin_creates_an_official_who_must_change_the_password,
    an_agency_admin_manages_only_their_own_agency,
    only_the_provincial_admin_grants_system_admin,
    people_without_an_admin_role_cannot_administer,
    admins_cannot_lock_themselves_out,
    editing_an_account_replaces_its_fields_and_roles,
    units_are_created_and_renamed_with_unique_short_names,
    a_duplicate_username_is_a_conflict_and_writes_nothing,
);
