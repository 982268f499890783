//! Notifications (the bell): each workflow step tells the people concerned what happened, in its own
//! transaction, with a sentence that says the outcome and a link to the document; each person reads and marks
//! only their own. On both databases.

use crate::common::TestDb;
use crate::common::docs::{self, client, draft_request, upload};
use axum::http::StatusCode;
use shared::notification::{MarkNotificationsReadRequest, NotificationDto};
use shared::outgoing::{ReviewDecision, ReviewRequest};

const SUBJECT: &str = "Về việc báo cáo tình hình biên chế năm 2026";

fn review(decision: ReviewDecision, comment: Option<&str>) -> ReviewRequest {
    ReviewRequest {
        decision,
        comment: comment.map(str::to_string),
        forward_to: None,
    }
}

async fn texts(c: &mut crate::common::Client) -> Vec<String> {
    c.notifications(None)
        .await
        .good()
        .items
        .into_iter()
        .map(|n| n.text)
        .collect()
}

fn only<'a>(items: &'a [NotificationDto], starting: &str) -> &'a NotificationDto {
    let found: Vec<&NotificationDto> = items
        .iter()
        .filter(|n| n.text.starts_with(starting))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one notification «{starting}…» in {items:?}"
    );
    found[0]
}

async fn each_step_tells_the_people_concerned_what_happened(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut official = client(&app, "cv.snv").await;
    let mut tp = client(&app, "tp.snv").await;
    let mut leader = client(&app, "gd.snv").await;
    let mut clerk = client(&app, "vanthu.snv").await;
    let mut province_clerk = client(&app, "vanthu.ubnd").await;

    let main = upload(&mut official, &docs::draft_pdf()).await;
    let id = official
        .create_outgoing(&draft_request(&p, &main, &[p.unit_leader]))
        .await
        .good()
        .id;
    official.submit(id).await.good();
    // The reviewer is told it waits for them; the drafter is not told of their own doing.
    let list = tp.notifications(None).await.good();
    assert_eq!(list.unread, 1);
    assert_eq!(
        list.items[0].text,
        format!("Dự thảo mới chờ duyệt: {SUBJECT}")
    );
    assert_eq!(list.items[0].outgoing_id, Some(id));
    assert_eq!(list.items[0].incoming_id, None);
    assert!(!list.items[0].read);
    assert!(texts(&mut official).await.is_empty());
    assert!(
        texts(&mut leader).await.is_empty(),
        "the signer has nothing to do yet"
    );

    // A return tells the drafter the reviewer's reason.
    tp.review(
        id,
        &review(
            ReviewDecision::ReturnToDrafter,
            Some("Bổ sung số liệu quý IV."),
        ),
    )
    .await
    .good();
    let mine = official.notifications(None).await.good();
    assert_eq!(mine.unread, 1);
    let returned = only(&mine.items, "Dự thảo bị trả lại");
    assert_eq!(
        returned.text,
        format!("Dự thảo bị trả lại: Bổ sung số liệu quý IV. — {SUBJECT}")
    );
    assert_eq!(returned.outgoing_id, Some(id));

    // Nobody marks someone else's notification read.
    tp.mark_notifications_read(&MarkNotificationsReadRequest {
        ids: vec![returned.id],
        all: false,
    })
    .await
    .good();
    assert_eq!(official.notifications(None).await.good().unread, 1);
    let after = official
        .mark_notifications_read(&MarkNotificationsReadRequest {
            ids: vec![returned.id],
            all: false,
        })
        .await
        .good();
    assert_eq!(after.unread, 0);
    assert!(after.items[0].read);
    assert_eq!(
        tp.notifications(None).await.good().unread,
        1,
        "the reviewer's own is untouched"
    );

    // Resubmitted, approved to the signer, signed, issued: each says its outcome to whom it concerns.
    official.submit(id).await.good();
    assert_eq!(
        texts(&mut tp).await[0],
        format!("Dự thảo mới chờ duyệt (đã sửa, trình lại): {SUBJECT}")
    );
    tp.review(id, &review(ReviewDecision::Approve, None))
        .await
        .good();
    assert_eq!(
        texts(&mut official).await[0],
        format!("Đã duyệt, chờ ký: {SUBJECT}")
    );
    assert_eq!(
        texts(&mut leader).await[0],
        format!("Văn bản mới chờ ký: {SUBJECT}")
    );
    docs::leader_signature(&app, id).await.good();
    assert_eq!(
        texts(&mut official).await[0],
        format!("Đã ký, chờ phát hành: {SUBJECT}")
    );
    assert_eq!(
        texts(&mut clerk).await[0],
        format!("Văn bản đã ký, chờ phát hành: {SUBJECT}")
    );
    assert!(
        !texts(&mut leader).await[0].starts_with("Đã ký"),
        "the signer is not told of their own signature"
    );
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let number = issued.number_text.unwrap();
    assert_eq!(
        texts(&mut official).await[0],
        format!("Văn bản {number} đã phát hành: {SUBJECT}")
    );
    // The receiving agency's clerk is told a document waits to be registered, linked to their copy.
    let theirs = province_clerk.notifications(None).await.good();
    let arrived = only(&theirs.items, "Văn bản đến mới");
    assert!(
        arrived.text.contains(&number) && arrived.text.contains("chờ vào sổ"),
        "{arrived:?}"
    );
    let incoming = arrived
        .incoming_id
        .expect("linked to the incoming document");
    province_clerk.incoming(incoming).await.good();
    assert_eq!(arrived.outgoing_id, None);

    // "All" marks every one read; more than 1,000 ids is refused with the reason.
    let all = official
        .mark_notifications_read(&MarkNotificationsReadRequest {
            ids: vec![],
            all: true,
        })
        .await
        .good();
    assert_eq!(all.unread, 0);
    assert!(all.items.iter().all(|n| n.read));
    let e = official
        .mark_notifications_read(&MarkNotificationsReadRequest {
            ids: (0..1001).collect(),
            all: false,
        })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e.fields[0].field, "ids");
    db.finish().await;
}

async fn the_list_pages_back_fifty_at_a_time_newest_first(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let app = crate::common::app(db.store.clone(), docs::config());
    let mut official = client(&app, "cv.snv").await;
    let mut tp = client(&app, "tp.snv").await;
    let main = upload(&mut official, &docs::draft_pdf()).await;
    // 60 submissions, each one notification for the reviewer.
    for _ in 0..60 {
        let id = official
            .create_outgoing(&draft_request(&p, &main, &[p.unit_leader]))
            .await
            .good()
            .id;
        official.submit(id).await.good();
    }
    let first = tp.notifications(None).await.good();
    assert_eq!(first.unread, 60);
    assert_eq!(first.items.len(), 50);
    assert!(
        first.items.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    let rest = tp
        .notifications(Some(first.items.last().unwrap().id))
        .await
        .good();
    assert_eq!(rest.items.len(), 10);
    assert!(rest.items[0].id < first.items[49].id);
    let (status, _) = tp.download("/api/notifications?before=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The bell asks for the count alone.
    let (status, body) = tp.download("/api/notifications?limit=0").await;
    assert_eq!(status, StatusCode::OK);
    let count: shared::notification::NotificationListResponse =
        serde_json::from_slice(&body).unwrap();
    assert_eq!((count.items.len(), count.unread), (0, 60));
    let (status, _) = tp.download("/api/notifications?limit=51").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    db.finish().await;
}

on_both_databases!(
    each_step_tells_the_people_concerned_what_happened,
    the_list_pages_back_fifty_at_a_time_newest_first,
);
