//! The store conformance suite: the same scenarios on SQLite and on PostgreSQL.

use crate::common::{PASSWORD, TestDb, fixture, raw_connection, raw_exec};
use shared::agency::{AgencyCode, UnitKind};
use shared::role::Role;
use vanban::store::{
    Actor, AuditFilter, Conflict, DbKind, NewAgency, NewSession, StoreError, UnitFields,
    UserFields, UserFilter, now_ms,
};

fn actor() -> Actor {
    Actor {
        id: None,
        username: Some("test".into()),
        client_addr: Some("192.0.2.1".into()),
    }
}

fn unit(name: &str, short: &str) -> UnitFields {
    UnitFields {
        name: name.into(),
        short_name: short.into(),
        kind: UnitKind::Phong,
    }
}

async fn migrations_reach_the_latest_schema(db: TestDb) {
    assert_eq!(
        db.store.schema_version().await.unwrap(),
        vanban::store::latest_schema_version()
    );
    let (sqlite, postgres) = vanban::store::migration_versions();
    assert_eq!(sqlite, postgres, "both databases have the same migrations");
    // Migrating again is a no-op.
    db.store.migrate().await.unwrap();
    assert_eq!(db.store.kind(), db.kind);
    db.finish().await;
}

async fn agency_codes_are_unique(db: TestDb) {
    let new = |code: &str| NewAgency {
        code: AgencyCode::parse(code).unwrap(),
        name: "Sở Y tế".into(),
        short_name: "SYT".into(),
        parent_id: None,
    };
    let a = db
        .store
        .create_agency(&actor(), new("000.00.06.H62"))
        .await
        .unwrap();
    assert_eq!(
        db.store
            .find_agency_by_code("000.00.06.H62")
            .await
            .unwrap()
            .unwrap()
            .id,
        a.id
    );
    assert!(
        db.store
            .find_agency_by_code("000.00.07.H62")
            .await
            .unwrap()
            .is_none()
    );
    let err = db
        .store
        .create_agency(&actor(), new("000.00.06.H62"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::AgencyCodeTaken)),
        "{err:?}"
    );
    assert_eq!(db.store.list_agencies().await.unwrap().len(), 1);
    db.finish().await;
}

async fn unit_short_names_are_unique_within_an_agency_only(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let err = db
        .store
        .create_unit(&actor(), f.department, unit("Phòng khác", "TC"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::UnitShortNameTaken)),
        "{err:?}"
    );
    let other = db
        .store
        .create_unit(&actor(), f.province, unit("Phòng Tổ chức", "TC"))
        .await
        .unwrap();
    assert_eq!(other.agency_id, f.province);
    let renamed = db
        .store
        .update_unit(&actor(), other.id, unit("Phòng Tổ chức cán bộ", "TCCB"))
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.short_name.as_str()),
        ("Phòng Tổ chức cán bộ", "TCCB")
    );
    let err = db
        .store
        .update_unit(&actor(), other.id, unit("x", "VP"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Conflict(Conflict::UnitShortNameTaken)
    ));
    let units = db.store.list_units(f.department).await.unwrap();
    let tc = units.iter().find(|u| u.short_name == "TC").unwrap();
    assert_eq!(tc.user_count, 1);
    assert!(matches!(
        db.store.get_unit(999_999).await,
        Err(StoreError::NotFound)
    ));
    db.finish().await;
}

async fn accounts_keep_their_roles_and_are_found_without_diacritics(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let u = db.store.get_user(f.dept_official).await.unwrap();
    assert_eq!(u.roles, vec![Role::Official]);
    assert_eq!(u.agency.id, f.department);
    assert_eq!(u.unit.short_name, "TC");
    let updated = db
        .store
        .update_user(
            &actor(),
            f.dept_official,
            UserFields {
                full_name: "Nguyễn Thị Đào".into(),
                position: Some("Chuyên viên chính".into()),
                email: Some("dao@snv.vn".into()),
                phone: None,
                unit_id: f.department_office_unit,
                roles: vec![Role::Clerk, Role::Official, Role::Clerk],
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.roles, vec![Role::Clerk, Role::Official]);
    assert_eq!(updated.position.as_deref(), Some("Chuyên viên chính"));
    let found = db
        .store
        .list_users(UserFilter {
            agency_id: Some(f.department),
            query: Some("NGUYEN thi dao".into()),
            limit: 50,
        })
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![f.dept_official]
    );
    let by_agency = db
        .store
        .list_users(UserFilter {
            agency_id: Some(f.province),
            query: None,
            limit: 50,
        })
        .await
        .unwrap();
    assert_eq!(by_agency.len(), 2);
    let all = db
        .store
        .list_users(UserFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    // A LIKE wildcard typed by a user matches itself only.
    let none = db
        .store
        .list_users(UserFilter {
            query: Some("%".into()),
            limit: 50,
            ..Default::default()
        })
        .await;
    assert!(none.unwrap().is_empty());
    db.finish().await;
}

async fn usernames_are_unique_and_a_failed_create_leaves_nothing(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let audit_before = db
        .store
        .list_audit(AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    let err = db
        .store
        .create_user(
            &actor(),
            vanban::store::NewUser {
                username: "cv.snv".into(),
                fields: UserFields {
                    full_name: "Trùng tên".into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: f.department_unit,
                    roles: vec![Role::Official],
                },
                password_hash: "x".into(),
                must_change_password: true,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(Conflict::UsernameTaken)),
        "{err:?}"
    );
    let audit_after = db
        .store
        .list_audit(AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    assert_eq!(audit_before, audit_after);
    assert_eq!(
        db.store
            .list_users(UserFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        5
    );
    db.finish().await;
}

async fn sessions_end_when_expired_idle_locked_or_reset(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let login = db.store.find_login("cv.snv").await.unwrap().unwrap();
    assert_eq!(login.user_id, f.dept_official);
    let open = |id: &str, expires_at| NewSession {
        id: id.into(),
        csrf_token: "csrf".into(),
        expires_at,
    };
    let now = now_ms();
    db.store
        .start_session(&actor(), &login, open("s1", now + 60_000))
        .await
        .unwrap();
    db.store
        .start_session(&actor(), &login, open("s2", now + 60_000))
        .await
        .unwrap();
    db.store
        .start_session(&actor(), &login, open("expired", now - 1))
        .await
        .unwrap();
    let s = db
        .store
        .find_session("s1", now_ms(), 10_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.user.id, s.csrf_token.as_str()),
        (f.dept_official, "csrf")
    );
    assert!(s.user.last_login_at.is_some());
    assert!(
        db.store
            .find_session("expired", now_ms(), 10_000)
            .await
            .unwrap()
            .is_none()
    );
    // Idle longer than the limit.
    assert!(
        db.store
            .find_session("s1", now_ms() + 20_000, 10_000)
            .await
            .unwrap()
            .is_none()
    );
    db.store
        .touch_session("s1", now_ms() + 15_000)
        .await
        .unwrap();
    assert!(
        db.store
            .find_session("s1", now_ms() + 20_000, 10_000)
            .await
            .unwrap()
            .is_some()
    );
    // Changing one's password keeps only the current session.
    db.store
        .change_password(&actor(), f.dept_official, "h2".into(), "s1")
        .await
        .unwrap();
    assert!(
        db.store
            .find_session("s2", now_ms(), 60_000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.store
            .find_session("s1", now_ms(), 60_000)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        db.store
            .find_login("cv.snv")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "h2"
    );
    // Locking ends every session; unlocking does not bring them back.
    let locked = db
        .store
        .set_user_locked(&actor(), f.dept_official, true)
        .await
        .unwrap();
    assert!(locked.locked);
    assert!(
        db.store
            .find_session("s1", now_ms(), 60_000)
            .await
            .unwrap()
            .is_none()
    );
    db.store
        .set_user_locked(&actor(), f.dept_official, false)
        .await
        .unwrap();
    db.store
        .start_session(&actor(), &login, open("s3", now_ms() + 60_000))
        .await
        .unwrap();
    let reset = db
        .store
        .reset_password(&actor(), f.dept_official, "h3".into())
        .await
        .unwrap();
    assert!(reset.must_change_password);
    assert!(
        db.store
            .find_session("s3", now_ms(), 60_000)
            .await
            .unwrap()
            .is_none()
    );
    db.store.end_session(&actor(), "nonexistent").await.unwrap();
    db.finish().await;
}

async fn failed_sign_ins_are_counted_per_account_and_address(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let login = db.store.find_login("cv.snv").await.unwrap().unwrap();
    let from = |addr: &str, name: &str| Actor {
        id: None,
        username: Some(name.into()),
        client_addr: Some(addr.into()),
    };
    let start = now_ms() - 1;
    for _ in 0..3 {
        db.store
            .record_failed_login(&from("10.0.0.1", "cv.snv"), Some(&login), "wrong_password")
            .await
            .unwrap();
    }
    db.store
        .record_failed_login(&from("10.0.0.1", "khongco"), None, "unknown_user")
        .await
        .unwrap();
    db.store
        .record_failed_login(&from("10.0.0.2", "cv.snv"), Some(&login), "wrong_password")
        .await
        .unwrap();
    let c = db
        .store
        .count_failed_logins("cv.snv", "10.0.0.1", start)
        .await
        .unwrap();
    // Three from this address, four from anywhere, two accounts tried from this address.
    assert_eq!(
        (c.by_pair, c.by_account, c.accounts_from_address),
        (3, 4, 2)
    );
    assert!(c.pair_last_at.unwrap() >= start && c.address_oldest_at.unwrap() >= start);
    let c = db
        .store
        .count_failed_logins("cv.snv", "10.0.0.3", start)
        .await
        .unwrap();
    assert_eq!(
        (c.by_pair, c.by_account, c.accounts_from_address),
        (0, 4, 0)
    );
    assert!(c.pair_last_at.is_none());
    // Outside the window nothing counts.
    let c = db
        .store
        .count_failed_logins("cv.snv", "10.0.0.1", now_ms() + 1000)
        .await
        .unwrap();
    assert_eq!(
        (c.by_pair, c.by_account, c.accounts_from_address),
        (0, 0, 0)
    );
    // A success from 10.0.0.1 resets that pair and the account's count, and the account no longer counts
    // against the address (a colleague's typo); the other account tried from there still does.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    db.store
        .start_session(
            &from("10.0.0.1", "cv.snv"),
            &login,
            NewSession {
                id: "s".into(),
                csrf_token: "c".into(),
                expires_at: now_ms() + 1000,
            },
        )
        .await
        .unwrap();
    let c = db
        .store
        .count_failed_logins("cv.snv", "10.0.0.1", start)
        .await
        .unwrap();
    assert_eq!(
        (c.by_pair, c.by_account, c.accounts_from_address),
        (0, 0, 1)
    );
    db.finish().await;
}

async fn sign_in_attempts_older_than_a_day_are_pruned(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let mut conn = raw_connection(&db).await;
    raw_exec(
        &mut conn,
        "INSERT INTO login_attempts (at, username, client_addr, success) VALUES (1000, 'cu', '10.0.0.9', false)",
    )
    .await
    .unwrap();
    let before = db
        .store
        .count_failed_logins("cu", "10.0.0.9", 0)
        .await
        .unwrap();
    assert_eq!((before.by_account, before.accounts_from_address), (1, 1));
    let actor = Actor {
        id: None,
        username: Some("moi".into()),
        client_addr: Some("10.0.0.9".into()),
    };
    db.store
        .record_failed_login(&actor, None, "unknown_user")
        .await
        .unwrap();
    // The old attempt is gone; the new one counts.
    let after = db
        .store
        .count_failed_logins("cu", "10.0.0.9", 0)
        .await
        .unwrap();
    assert_eq!((after.by_account, after.accounts_from_address), (0, 1));
    drop(conn);
    db.finish().await;
}

async fn the_audit_log_is_append_only_and_hash_chained(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    db.store
        .set_user_locked(&actor(), f.dept_official, true)
        .await
        .unwrap();
    let entries = db
        .store
        .list_audit(AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    // 2 agencies, 3 units, 5 users, 1 lock.
    assert_eq!(entries.len(), 11);
    assert_eq!(entries[0].action, "user.lock");
    assert_eq!(entries[0].client_addr.as_deref(), Some("192.0.2.1"));
    assert!(entries.windows(2).all(|w| w[0].seq == w[1].seq + 1));
    let dept = db.store.list_audit(AuditFilter {
        agency_id: Some(f.department),
        limit: 1000,
        ..Default::default()
    });
    assert!(
        dept.await
            .unwrap()
            .iter()
            .all(|e| e.agency_id == Some(f.department))
    );
    let page = db
        .store
        .list_audit(AuditFilter {
            before_seq: Some(5),
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![4, 3]);
    assert_eq!(
        db.store
            .verify_audit_chain()
            .await
            .unwrap()
            .first_broken_seq,
        None
    );

    // The database itself refuses to change or delete entries…
    let mut conn = raw_connection(&db).await;
    assert!(
        raw_exec(&mut conn, "UPDATE audit_log SET action = 'x' WHERE seq = 3")
            .await
            .is_err()
    );
    assert!(
        raw_exec(&mut conn, "DELETE FROM audit_log WHERE seq = 3")
            .await
            .is_err()
    );
    // …and if someone with the keys to the database disables that, the chain shows where.
    let disable = match db.kind {
        DbKind::Sqlite => "DROP TRIGGER audit_log_no_update",
        DbKind::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
    };
    raw_exec(&mut conn, disable).await.unwrap();
    raw_exec(
        &mut conn,
        "UPDATE audit_log SET details = '{}' WHERE seq = 3",
    )
    .await
    .unwrap();
    let report = db.store.verify_audit_chain().await.unwrap();
    assert_eq!(
        report,
        vanban::store::AuditChainReport {
            entries: 11,
            first_broken_seq: Some(3)
        }
    );
    drop(conn);
    db.finish().await;
}

async fn concurrent_changes_keep_one_unbroken_audit_chain(db: TestDb) {
    let f = fixture(db.store.as_ref()).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_unit(
                    &actor(),
                    f.department,
                    unit(&format!("Phòng {i}"), &format!("P{i}")),
                )
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let report = db.store.verify_audit_chain().await.unwrap();
    assert_eq!(report.entries, 10 + 40);
    assert_eq!(report.first_broken_seq, None);
    assert_eq!(db.store.list_units(f.department).await.unwrap().len(), 42);
    db.finish().await;
}

async fn a_fixture_password_verifies(db: TestDb) {
    fixture(db.store.as_ref()).await;
    let login = db.store.find_login("admin").await.unwrap().unwrap();
    assert!(vanban::auth::verify_password(
        &login.password_hash,
        PASSWORD
    ));
    assert!(
        db.store.find_login("ADMIN").await.unwrap().is_none(),
        "names are stored lower-case"
    );
    db.finish().await;
}

on_both_databases!(
    migrations_reach_the_latest_schema,
    agency_codes_are_unique,
    unit_short_names_are_unique_within_an_agency_only,
    accounts_keep_their_roles_and_are_found_without_diacritics,
    usernames_are_unique_and_a_failed_create_leaves_nothing,
    sessions_end_when_expired_idle_locked_or_reset,
    failed_sign_ins_are_counted_per_account_and_address,
    the_audit_log_is_append_only_and_hash_chained,
    concurrent_changes_keep_one_unbroken_audit_chain,
    a_fixture_password_verifies,
    sign_in_attempts_older_than_a_day_are_pruned,
);
