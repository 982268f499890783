//! The demo province: every agency has every role, codes are valid, and seeding twice changes nothing.

use crate::common::TestDb;
use shared::agency::{AgencyCode, AgencyCodeForm};
use shared::role::Role;
use vanban::seed::{SeedOutcome, seed_demo};
use vanban::store::UserFilter;

async fn the_demo_province_has_every_role_in_every_agency(db: TestDb) {
    let SeedOutcome::Seeded(accounts) = seed_demo(db.store.as_ref(), "Demo2026vanban")
        .await
        .unwrap()
    else {
        panic!("a fresh database is seeded");
    };
    let agencies = db.store.list_agencies().await.unwrap();
    assert_eq!(agencies.len(), 9);
    let province = agencies
        .iter()
        .find(|a| a.code.as_str() == "000.00.00.H62")
        .unwrap();
    for a in &agencies {
        assert_eq!(
            AgencyCode::parse(a.code.as_str()).unwrap().form(),
            AgencyCodeForm::Qcvn102
        );
        assert_eq!(a.code.level1(), "H62");
        if a.id != province.id {
            assert_eq!(a.parent_id, Some(province.id), "{}", a.name);
        }
        let users = db.store.list_users(UserFilter {
            agency_id: Some(a.id),
            limit: 100,
            ..Default::default()
        });
        let users = users.await.unwrap();
        for role in [
            Role::Clerk,
            Role::AgencyLeader,
            Role::UnitLeader,
            Role::AgencyAdmin,
        ] {
            assert!(
                users.iter().any(|u| u.has_role(role)),
                "{} has no {:?}",
                a.name,
                role
            );
        }
        assert!(
            users.iter().filter(|u| u.has_role(Role::Official)).count() >= 2,
            "{}",
            a.name
        );
        assert!(users.iter().all(|u| !u.must_change_password));
    }
    let departments = agencies
        .iter()
        .filter(|a| a.name.starts_with("Sở "))
        .count();
    let districts = agencies.iter().filter(|a| a.name.contains("huyện")).count();
    assert!(departments >= 4 && districts >= 2);
    assert!(
        agencies
            .iter()
            .any(|a| a.name.starts_with("Văn phòng Ủy ban nhân dân tỉnh"))
    );
    // What the seeding wrote reads as the system's doing, not as an unknown "seed-demo".
    let (entries, _) = db
        .store
        .search_audit(&shared::audit::AuditQuery {
            action: Some("user.create".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e.sentence.starts_with("Hệ thống (dữ liệu mẫu) đã")),
        "{:?}",
        entries.first().map(|e| &e.sentence)
    );
    let admin = db.store.find_login("admin").await.unwrap().unwrap();
    assert!(vanban::auth::verify_password(
        &admin.password_hash,
        "Demo2026vanban"
    ));
    assert!(
        db.store
            .get_user(admin.user_id)
            .await
            .unwrap()
            .has_role(Role::SystemAdmin)
    );
    assert_eq!(accounts.len(), 9 * 6 + 1);

    // A second run (a second `make run`) keeps everything as it was.
    assert!(matches!(
        seed_demo(db.store.as_ref(), "other").await.unwrap(),
        SeedOutcome::AlreadySeeded
    ));
    let admin_again = db.store.find_login("admin").await.unwrap().unwrap();
    assert_eq!(admin_again.password_hash, admin.password_hash);
    assert_eq!(db.store.list_agencies().await.unwrap().len(), 9);
    db.finish().await;
}

on_both_databases!(the_demo_province_has_every_role_in_every_agency);
