//! Account and unit administration through the real router, on both databases: scopes, roles, audit.

use crate::common::{Client, TestDb, fixture};
use axum::http::{Method, StatusCode};
use serde_json::json;
use shared::ErrorCode;
use shared::agency::{CreateUnitRequest, UnitDto, UnitKind};
use shared::api::{self, path};
use shared::role::Role;
use shared::user::{CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, Username};
use vanban::store::AuditFilter;

fn new_user(username: &str, full_name: &str, unit_id: i64, roles: &[Role]) -> CreateUserRequest {
    CreateUserRequest {
        username: Username::parse(username).unwrap(),
        full_name: full_name.try_into().unwrap(),
        position: None,
        email: None,
        phone: None,
        unit_id,
        roles: roles.to_vec(),
    }
}

fn account(full_name: &str, unit_id: i64, roles: &[Role]) -> UpdateUserRequest {
    UpdateUserRequest {
        full_name: full_name.try_into().unwrap(),
        position: None,
        email: None,
        phone: None,
        unit_id,
        roles: roles.to_vec(),
    }
}

fn unit(name: &str, short_name: &str, kind: UnitKind) -> CreateUnitRequest {
    CreateUnitRequest {
        name: name.try_into().unwrap(),
        short_name: shared::agency::ShortName::parse(short_name).unwrap(),
        kind,
    }
}

async fn an_agency_admin_creates_an_official_who_must_change_the_password(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut admin = Client::new(db.store.clone());
    admin.login_ok("quantri.snv").await;
    // Sent raw: the DTO would already fold the username to lower case, compose the name (NFC) and compact the
    // phone in the client; the test checks that the server does it to whatever arrives.
    let created = admin
        .send_json::<TemporaryPasswordResponse>(
            Method::POST,
            api::USERS,
            json!({"username": "NV.Moi", "full_name": "Nguye\u{302}\u{303}n Văn Mới", "position": "Chuyên viên",
                   "email": "moi@snv.vn", "phone": "0270 3822 123", "unit_id": f.department_unit, "roles": ["official"]}),
        )
        .await
        .expecting(StatusCode::CREATED)
        .good();
    let user = &created.user;
    assert_eq!(user.username, "nv.moi");
    assert_eq!(user.full_name, "Nguyễn Văn Mới", "stored in NFC");
    assert_eq!(user.phone.as_deref(), Some("02703822123"));
    assert!(user.must_change_password);
    let temp = created.temporary_password.as_str();
    assert!(shared::user::NewPassword::parse(temp).is_ok());
    let mut newcomer = admin.another();
    let session = newcomer.sign_in("nv.moi", temp).await.good();
    assert!(session.user.must_change_password);
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
    admin
        .create_user(&new_user(
            "lan",
            "Lan",
            f.province_office_unit,
            &[Role::Official],
        ))
        .await
        .refused(StatusCode::FORBIDDEN);
    // Another agency's accounts are answered as ids that do not exist (issue 12: nothing to probe).
    admin
        .user(f.province_official)
        .await
        .refused(StatusCode::NOT_FOUND);
    admin
        .lock_user(f.province_official)
        .await
        .refused(StatusCode::NOT_FOUND);
    admin
        .reset_password(f.admin)
        .await
        .refused(StatusCode::NOT_FOUND);
    admin
        .create_unit(f.province, &unit("Phòng X", "X", UnitKind::Phong))
        .await
        .refused(StatusCode::FORBIDDEN);
    // Moving one of their own users into another agency is refused too.
    let moved = account("Nguyễn Thị Đào", f.province_office_unit, &[Role::Official]);
    admin
        .update_user(f.dept_official, &moved)
        .await
        .refused(StatusCode::FORBIDDEN);
    let listed = admin.users(None, None).await.good();
    let agencies: Vec<i64> = listed.users.iter().map(|u| u.agency.id).collect();
    assert_eq!(agencies.len(), 3);
    assert!(agencies.iter().all(|a| *a == f.department));
    admin
        .users(Some(f.province), None)
        .await
        .refused(StatusCode::FORBIDDEN);
    let audit = admin.audit_page(None, None, Some(200)).await.good();
    assert!(
        audit
            .entries
            .iter()
            .all(|e| e.agency_id == Some(f.department))
    );
    db.finish().await;
}

async fn only_the_provincial_admin_grants_system_admin(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut agency_admin = Client::new(db.store.clone());
    agency_admin.login_ok("quantri.snv").await;
    let body = new_user("sieu", "Siêu", f.department_unit, &[Role::SystemAdmin]);
    agency_admin
        .create_user(&body)
        .await
        .refused(StatusCode::FORBIDDEN);
    let mut sys = agency_admin.another();
    sys.login_ok("admin").await;
    sys.create_user(&body).await.good();
    let none = new_user("khongvaitro", "Không", f.department_unit, &[]);
    let e = sys
        .create_user(&none)
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "roles");
    // The provincial admin works in every agency.
    sys.create_unit(f.province, &unit("Phòng Y", "Y", UnitKind::Phong))
        .await
        .good();
    let all = sys.users(None, None).await.good();
    assert_eq!(all.users.len(), 6);
    let found = sys.users(None, Some("dao")).await.good();
    assert_eq!(found.users[0].username, "cv.snv");
    db.finish().await;
}

async fn people_without_an_admin_role_cannot_administer(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("vanthu.snv").await;
    c.users(None, None).await.refused(StatusCode::FORBIDDEN);
    c.audit(None, None).await.refused(StatusCode::FORBIDDEN);
    c.lock_user(f.dept_official)
        .await
        .refused(StatusCode::FORBIDDEN);
    // Everyone signed in may read agencies and units (for choosing recipients).
    c.agencies().await.good();
    let units = c.units(f.department).await.good();
    assert_eq!(units.len(), 2);
    db.finish().await;
}

async fn admins_cannot_lock_themselves_out(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("quantri.snv").await;
    c.lock_user(f.dept_admin)
        .await
        .refused(StatusCode::CONFLICT);
    let drop_admin = account("Trần Văn Quản", f.department_office_unit, &[Role::Clerk]);
    c.update_user(f.dept_admin, &drop_admin)
        .await
        .refused(StatusCode::CONFLICT);
    let keep = account(
        "Trần Văn Quản",
        f.department_office_unit,
        &[Role::Clerk, Role::AgencyAdmin],
    );
    let a = c.update_user(f.dept_admin, &keep).await.good();
    assert_eq!(a.roles, [Role::AgencyAdmin, Role::Clerk]);
    db.finish().await;
}

async fn editing_an_account_replaces_its_fields_and_roles(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut c = Client::new(db.store.clone());
    c.login_ok("quantri.snv").await;
    let body = UpdateUserRequest {
        position: Some("Phó Chánh Văn phòng".try_into().unwrap()),
        ..account(
            "Nguyễn Thị Đào",
            f.department_office_unit,
            &[Role::UnitLeader, Role::Official],
        )
    };
    let a = c.update_user(f.dept_official, &body).await.good();
    assert_eq!(a.roles, [Role::UnitLeader, Role::Official]);
    assert_eq!(a.unit.short_name, "VP");
    assert_eq!(a.position.as_deref(), Some("Phó Chánh Văn phòng"));
    assert_eq!(a.email, None);
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
    let id = c
        .create_unit(
            f.department,
            &unit("Trung tâm Lưu trữ lịch sử", "TTLT", UnitKind::TrungTam),
        )
        .await
        .good()
        .id;
    let dup = c
        .create_unit(f.department, &unit("Khác", "TTLT", UnitKind::Ban))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(dup.message.contains("viết tắt"));
    assert_eq!(dup.fields[0].field, "short_name");
    // Sent raw: "TT-LT" is no ShortName, so the DTO cannot carry it; the server's own check is tested.
    let bad = c
        .send_json::<UnitDto>(
            Method::POST,
            &path(api::AGENCY_UNITS, f.department),
            json!({"name": "Khác", "short_name": "TT-LT", "kind": "ban"}),
        )
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields[0].field, "short_name");
    let renamed = c
        .update_unit(id, &unit("Trung tâm Lưu trữ", "TTLT", UnitKind::TrungTam))
        .await
        .good();
    assert_eq!(renamed.name, "Trung tâm Lưu trữ");
    c.update_unit(999_999, &unit("x", "X", UnitKind::Ban))
        .await
        .refused(StatusCode::NOT_FOUND);
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
    let e = c
        .create_user(&new_user(
            "cv.snv",
            "Trùng",
            f.department_unit,
            &[Role::Official],
        ))
        .await
        .refused_with(StatusCode::CONFLICT, ErrorCode::Conflict);
    assert!(e.message.contains("Tên đăng nhập"));
    assert_eq!(e.fields[0].field, "username");
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
