//! The audit log records every step, through the real router, on both databases: one outgoing document from
//! draft to recall and one incoming document from registration to completion each leave one entry per step,
//! with the right person and document, readable as a Vietnamese sentence; the chain still verifies; the filters
//! and the CSV export (BOM, RFC 4180 quoting, formulas defused, agency scope) hold.

use crate::common::docs::{self, People, client, draft_request, file_ref, pki, sign, upload};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use shared::agency::{CreateUnitRequest, UnitKind};
use shared::audit::{AuditEntryDto, AuditQuery};
use shared::document::{DocumentType, Urgency};
use shared::incoming::{
    AcceptRequest, AssignRequest, AssignTarget, Assignee, AssignmentRole, HandlerAction,
    HandlerActionRequest, IncomingChannel, IncomingStatus, NewIncomingRequest,
};
use shared::outgoing::{NewVersionRequest, RecallRequest, ReviewDecision, ReviewRequest};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;

/// Every entry on `target`, oldest first, as the department's administrator reads them.
async fn entries_on(admin: &mut Client, target: &str) -> Vec<AuditEntryDto> {
    let page = admin
        .audit_search(&AuditQuery {
            target: Some(target.to_string()),
            per_page: 200,
            ..AuditQuery::default()
        })
        .await
        .good();
    assert_eq!(page.total as usize, page.entries.len());
    let mut entries = page.entries;
    entries.reverse();
    entries
}

/// The (action, actor username) of each entry.
fn steps(entries: &[AuditEntryDto]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .map(|e| (e.action.as_str(), e.actor_username.as_deref().unwrap_or("")))
        .collect()
}

fn review(decision: ReviewDecision, comment: &str) -> ReviewRequest {
    ReviewRequest {
        decision,
        comment: Some(comment.into()),
        forward_to: None,
    }
}

async fn the_outgoing_journey_writes_one_entry_per_step_with_its_person_and_document(db: TestDb) {
    let p: People = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut official = client(&app, "cv.snv").await;
    let mut reviewer = client(&app, "tp.snv").await;
    let mut clerk = client(&app, "vanthu.snv").await;
    let mut admin = client(&app, "quantri.snv").await;

    let main = upload(&mut official, &docs::draft_pdf()).await;
    let doc = official
        .create_outgoing(&draft_request(&p, &main, &[p.unit_leader]))
        .await
        .good();
    let id = doc.id;
    let subject = doc.subject.to_string();
    official.submit(id).await.good();
    reviewer
        .review(
            id,
            &review(ReviewDecision::ReturnToDrafter, "Bổ sung số liệu."),
        )
        .await
        .good();
    let v2 = upload(&mut official, &docs::attachment_pdf()).await;
    official
        .new_version(
            id,
            &NewVersionRequest {
                main_file: file_ref(&v2, "v2.pdf"),
                attachments: vec![],
                comment: Some("Đã bổ sung.".into()),
                number_placement: None,
            },
        )
        .await
        .good();
    official.submit(id).await.good();
    reviewer
        .review(id, &review(ReviewDecision::Approve, "Đồng ý."))
        .await
        .good();
    docs::leader_signature(&app, id).await.good();
    clerk.reserve_number(id).await.good();
    clerk.release_number(id).await.good();
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let number = issued.number_text.clone().unwrap();
    clerk
        .recall(
            id,
            &RecallRequest {
                reason: "Sai số liệu biên chế.".into(),
            },
        )
        .await
        .good();

    let entries = entries_on(&mut admin, &format!("outgoing:{id}")).await;
    assert_eq!(
        steps(&entries),
        [
            ("outgoing.create", "cv.snv"),
            ("outgoing.submit", "cv.snv"),
            ("outgoing.return", "tp.snv"),
            ("outgoing.new_version", "cv.snv"),
            ("outgoing.submit", "cv.snv"),
            ("outgoing.approve", "tp.snv"),
            ("outgoing.sign", "gd.snv"),
            ("outgoing.number_reserve", "vanthu.snv"),
            ("outgoing.number_release", "vanthu.snv"),
            ("outgoing.number_reserve", "vanthu.snv"),
            ("outgoing.issue", "vanthu.snv"),
            ("outgoing.recall", "vanthu.snv"),
        ]
    );
    for e in &entries {
        assert_eq!(e.agency_id, Some(p.base.department), "{e:?}");
        assert_eq!(e.target_name.as_deref(), Some(subject.as_str()));
        let name = e
            .actor_name
            .clone()
            .expect("the person's name is read beside the entry");
        assert!(e.sentence.starts_with(&name), "{}", e.sentence);
        assert!(
            e.sentence.contains(&format!("«{subject}»")),
            "{}",
            e.sentence
        );
    }
    assert_eq!(
        entries[6].sentence,
        format!("{} đã ký văn bản «{subject}»", docs::LEADER_NAME)
    );
    assert!(entries[2].sentence.contains("đã trả lại dự thảo"));
    assert!(entries[2].sentence.ends_with(": Bổ sung số liệu."));
    assert!(entries[4].sentence.contains("đã trình lại dự thảo"));
    assert!(
        entries[10]
            .sentence
            .ends_with(&format!("đã phát hành văn bản {number} «{subject}»")),
        "{}",
        entries[10].sentence
    );
    assert!(
        entries[11].sentence.contains(&number),
        "the recall names the issued number"
    );

    // The action filter keeps that step alone; a family keeps them all.
    let signed = admin
        .audit_search(&AuditQuery {
            action: Some("outgoing.sign".into()),
            ..AuditQuery::default()
        })
        .await
        .good();
    assert_eq!(signed.total, 1);
    assert_eq!(
        signed.entries[0].target.as_deref(),
        Some(format!("outgoing:{id}").as_str())
    );
    let family = admin
        .audit_search(&AuditQuery {
            action: Some("outgoing".into()),
            ..AuditQuery::default()
        })
        .await
        .good();
    assert_eq!(family.total, 12);
    // The person filter by name, without accents; the document filter by number.
    let by_leader = admin
        .audit_search(&AuditQuery {
            actor: Some("le van hung".into()),
            ..AuditQuery::default()
        })
        .await
        .good();
    assert!(
        by_leader
            .entries
            .iter()
            .any(|e| e.action == "outgoing.sign")
    );
    assert!(
        by_leader
            .entries
            .iter()
            .all(|e| e.actor_id == Some(p.leader))
    );
    let by_number = admin
        .audit_search(&AuditQuery {
            document: Some(number.clone()),
            ..AuditQuery::default()
        })
        .await
        .good();
    assert!(by_number.total >= 2, "issue and recall carry the number");
    assert!(
        by_number
            .entries
            .iter()
            .all(|e| e.target.as_deref() == Some(format!("outgoing:{id}").as_str()))
    );

    let report = db.store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_broken_seq, None);
    assert!(report.entries >= 12);
    db.finish().await;
}

async fn the_incoming_journey_writes_one_entry_per_step_with_its_person_and_document(db: TestDb) {
    let p: People = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut clerk = client(&app, "vanthu.snv").await;
    let mut leader = client(&app, "gd.snv").await;
    let mut official = client(&app, "cv.snv").await;
    let mut reviewer = client(&app, "tp.snv").await;
    let mut admin = client(&app, "quantri.snv").await;

    let sealed = sign(
        &docs::draft_pdf(),
        &pki().signer("Ủy ban nhân dân tỉnh Vĩnh Long", CertRole::Seal),
        SignatureKind::Seal,
        None,
    );
    let sha = upload(&mut clerk, &sealed).await;
    let today = shared::civil_date::CivilDate::of(shared::time::Timestamp(vanban::store::now_ms()));
    let doc = clerk
        .create_incoming(&NewIncomingRequest {
            channel: IncomingChannel::Email,
            sender_name: "Ủy ban nhân dân tỉnh Vĩnh Long".try_into().unwrap(),
            sender_code: None,
            code_text: "45/UBND-KT".try_into().unwrap(),
            issued_date: today,
            doc_type: DocumentType::CongVan,
            subject: "Về việc rà soát biên chế".try_into().unwrap(),
            urgency: Urgency::Normal,
            signer_name: None,
            reply_deadline: None,
            declared_attachments: Some(0),
            declared_pages: None,
            main_file: file_ref(&sha, "cv-45.pdf"),
            attachments: vec![],
            backfilled_arrival: None,
            note: None,
        })
        .await
        .good();
    let id = doc.id;
    let accept = AcceptRequest {
        forward_to: Some(p.leader),
        override_reason: (!doc.verification.as_ref().is_some_and(|v| v.ok))
            .then(|| "Đã đối chiếu bản giấy.".to_string()),
    };
    clerk.accept(id, &accept).await.good();
    let doc = leader
        .assign(
            id,
            &AssignRequest {
                instruction: Some("Tham mưu trả lời.".into()),
                due_date: None,
                targets: vec![
                    AssignTarget {
                        role: AssignmentRole::Lead,
                        to: Assignee::User(p.base.dept_official),
                    },
                    AssignTarget {
                        role: AssignmentRole::Cooperate,
                        to: Assignee::User(p.unit_leader),
                    },
                ],
            },
        )
        .await
        .good();
    let of = |role: AssignmentRole| doc.assignments.iter().find(|a| a.role == role).unwrap().id;
    let act = |action: HandlerAction, comment: &str| HandlerActionRequest {
        action,
        comment: Some(comment.into()),
        record_file: None,
    };
    reviewer
        .act(
            of(AssignmentRole::Cooperate),
            &act(HandlerAction::Report, "Đã gửi số liệu."),
        )
        .await
        .good();
    let done = official
        .act(
            of(AssignmentRole::Lead),
            &act(HandlerAction::Complete, "Đã xong."),
        )
        .await
        .good();
    assert_eq!(done.status, IncomingStatus::Completed);

    let entries = entries_on(&mut admin, &format!("incoming:{id}")).await;
    assert_eq!(
        steps(&entries),
        [
            ("incoming.create", "vanthu.snv"),
            ("incoming.accept", "vanthu.snv"),
            ("incoming.assign", "gd.snv"),
            ("incoming.report", "tp.snv"),
            ("incoming.complete", "cv.snv"),
        ]
    );
    for e in &entries {
        assert_eq!(e.agency_id, Some(p.base.department));
        assert!(
            e.sentence
                .contains("văn bản đến 45/UBND-KT «Về việc rà soát biên chế»"),
            "{}",
            e.sentence
        );
    }
    assert_eq!(
        entries[2].sentence,
        format!(
            "{} đã phân công xử lý văn bản đến 45/UBND-KT «Về việc rà soát biên chế»",
            docs::LEADER_NAME
        )
    );
    assert!(
        entries[1].sentence.contains("(số đến 1)"),
        "{}",
        entries[1].sentence
    );
    let report = db.store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_broken_seq, None);
    db.finish().await;
}

async fn the_csv_export_is_excel_ready_defused_filtered_and_kept_to_the_agency(db: TestDb) {
    let p: People = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut admin = client(&app, "quantri.snv").await;
    // A unit whose name a spreadsheet would run as a formula, with a quote and a comma in it.
    let hostile = "=HYPERLINK(\"http://x\", \"Bấm\")";
    admin
        .create_unit(
            p.base.department,
            &CreateUnitRequest {
                name: hostile.try_into().unwrap(),
                short_name: shared::agency::ShortName::parse("XX").unwrap(),
                kind: UnitKind::Phong,
            },
        )
        .await
        .good();
    // Someone of the province signs in: an entry of another agency.
    client(&app, "cv.ubnd").await;

    let (status, bytes) = admin.audit_csv(&AuditQuery::default()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with a byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        shared::audit::CSV_COLUMNS.join(","),
        "the header names the columns"
    );
    let unit_line = text
        .split("\r\n")
        .find(|l| l.contains(",unit.create,"))
        .expect("the unit's creation is exported");
    assert!(
        unit_line.contains(",\"'=HYPERLINK(\"\"http://x\"\", \"\"Bấm\"\")\","),
        "quoted, quotes doubled, a leading apostrophe: {unit_line}"
    );
    assert!(!text.contains(",=HYPERLINK"), "no cell starts a formula");
    assert!(text.contains("Lê Văn Hùng") || text.contains("quantri.snv"));
    assert!(
        !text.contains("cv.ubnd"),
        "another agency's entries are absent"
    );

    // The filters of the page hold for the export.
    let (_, only) = admin
        .audit_csv(&AuditQuery {
            action: Some("unit.create".into()),
            actor_id: Some(p.base.dept_admin),
            ..AuditQuery::default()
        })
        .await;
    let only = String::from_utf8(only[3..].to_vec()).unwrap();
    let rows: Vec<&str> = only
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 1, "{only}");
    assert!(rows[0].contains(",Tạo đơn vị,unit.create,"));

    // An administrator of the department cannot export the province's log; the system administrator can.
    let (status, _) = admin
        .audit_csv(&AuditQuery {
            agency_id: Some(p.base.province),
            ..AuditQuery::default()
        })
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut sys = client(&app, "admin").await;
    let (_, all) = sys.audit_csv(&AuditQuery::default()).await;
    assert!(String::from_utf8_lossy(&all).contains("cv.ubnd"));
    // A bad filter is refused with its name, never a 500.
    let mut official = client(&app, "cv.snv").await;
    let (status, _) = official.audit_csv(&AuditQuery::default()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "officials do not read the log"
    );
    let (status, body) = admin
        .download("/api/audit/export.csv?from=2026-13-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("from"));
    db.finish().await;
}

on_both_databases!(
    the_outgoing_journey_writes_one_entry_per_step_with_its_person_and_document,
    the_incoming_journey_writes_one_entry_per_step_with_its_person_and_document,
    the_csv_export_is_excel_ready_defused_filtered_and_kept_to_the_agency,
);

/// Every action code the store writes has its Vietnamese name (and so its sentence and filter): the store's
/// sources are read for `"<family>.<code>"` literals.
#[test]
fn every_action_the_store_writes_has_a_vietnamese_name() {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut sources = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/store")),
        &mut sources,
    );
    let mut written = std::collections::BTreeSet::new();
    for text in &sources {
        for (family, _) in shared::audit::ACTION_FAMILIES {
            let needle = format!("\"{family}.");
            for (at, _) in text.match_indices(&needle) {
                let rest = &text[at + 1..];
                let code: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '.' || *c == '_')
                    .collect();
                if rest[code.len()..].starts_with('"') && code.matches('.').count() == 1 {
                    written.insert(code);
                }
            }
        }
    }
    assert!(written.contains("outgoing.sign") && written.contains("incoming.complete"));
    for code in &written {
        assert!(
            shared::audit::ACTIONS.iter().any(|(c, _)| c == code),
            "{code} is written but has no name in shared::audit::ACTIONS"
        );
    }
}
