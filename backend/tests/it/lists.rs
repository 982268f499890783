//! Lists people can work in (issue 14), through the real router on both databases: every document list filters
//! by date, type, urgency, issuing agency or drafting unit and status, sorts by date, deadline and number both
//! ways, pages past 500 with its total, refuses a bad parameter naming it, and never counts what the caller may
//! not open.

use crate::common::docs::{self, People};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{IncomingBucket, IncomingSummary};
use shared::list_query::{ListKind, ListQuery};
use shared::outgoing::{OutgoingBucket, OutgoingSummary};
use shared::time::Timestamp;

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
        docs::client(&self.app, username).await
    }

    /// A draft by `drafter` for the department's leader to sign.
    async fn draft(
        &self,
        drafter: i64,
        k: usize,
        doc_type: DocumentType,
        urgency: Urgency,
        deadline: Option<&str>,
    ) {
        let drafter = self.db.store.get_user(drafter).await.unwrap();
        self.db
            .store
            .create_outgoing(
                &drafter,
                vanban::store::outgoing::NewOutgoing {
                    doc_type,
                    subject: format!("Về việc số {k}"),
                    urgency,
                    reply_deadline: deadline.map(|d| CivilDate::parse(d).unwrap()),
                    signer_id: self.p.leader,
                    signing_capacity: shared::outgoing::SigningCapacity::Direct,
                    register_id: self.p.dept_register,
                    answers_delivery_id: None,
                    answers_incoming_id: None,
                    internal_recipients: vec![],
                    external_recipients: vec![],
                    paper_recipients: vec![],
                    reviewers: vec![],
                    number_placement: shared::outgoing::NumberPlacement::nd30_default(595.0, 842.0),
                    files: vec![],
                },
            )
            .await
            .unwrap();
    }

    /// A document arrived at the clerk's agency from `sender`, at `arrived` (backfilled) or now.
    async fn arrive(
        &self,
        clerk: i64,
        k: usize,
        sender: &str,
        doc_type: DocumentType,
        urgency: Urgency,
        arrived: Option<&str>,
    ) -> i64 {
        let clerk = self.db.store.get_user(clerk).await.unwrap();
        self.db
            .store
            .create_incoming(
                &clerk,
                vanban::store::incoming::NewIncoming {
                    channel: shared::incoming::IncomingChannel::Email,
                    sender_name: sender.into(),
                    sender_code: None,
                    code_text: format!("{k}/VP"),
                    issued_date: CivilDate::parse("2026-11-20").unwrap(),
                    doc_type,
                    subject: format!("Đến số {k}"),
                    urgency,
                    signer_name: None,
                    reply_deadline: None,
                    declared_attachments: None,
                    declared_pages: None,
                    files: vec![],
                    verification: shared::incoming::VerificationDto {
                        ok: true,
                        checked_at: Timestamp(0),
                        files: vec![],
                    },
                    backfilled_arrival: arrived.map(|t| Timestamp::parse_iso(t).unwrap().0),
                    note: None,
                },
            )
            .await
            .unwrap()
    }
}

fn query(q: &str) -> ListQuery {
    ListQuery::parse(ListKind::Outgoing, shared::list_query::decode_pairs(q), &[])
        .unwrap()
        .0
}

fn iquery(q: &str) -> ListQuery {
    ListQuery::parse(ListKind::Incoming, shared::list_query::decode_pairs(q), &[])
        .unwrap()
        .0
}

fn subjects(items: &[OutgoingSummary]) -> Vec<String> {
    items.iter().map(|d| d.subject.clone()).collect()
}

/// 501 drafts: the list pages through all of them with the right total, never repeating one, and the default
/// page is 50 lines saying more follow.
async fn a_list_pages_past_500_with_its_total(db: TestDb) {
    let w = World::new(db).await;
    for k in 0..501 {
        w.draft(
            w.p.base.dept_official,
            k,
            DocumentType::CongVan,
            Urgency::Normal,
            None,
        )
        .await;
    }
    let mut official = w.client("cv.snv").await;
    let first = official
        .outgoing_page(OutgoingBucket::Drafts, &ListQuery::default())
        .await;
    // The wire carries the total, the page and its size.
    assert_eq!(first.answer.body["total"], 501);
    assert_eq!(first.answer.body["page"], 1);
    assert_eq!(first.answer.body["per_page"], 50);
    let first = first.good();
    assert_eq!(first.items.len(), 50);
    assert!(first.more);
    let mut seen = std::collections::HashSet::new();
    for page in 1..=3 {
        let l = official
            .outgoing_page(
                OutgoingBucket::Drafts,
                &query(&format!("per_page=200&page={page}")),
            )
            .await
            .good();
        assert_eq!(l.total, 501);
        assert_eq!(l.items.len(), if page < 3 { 200 } else { 101 });
        assert_eq!(l.more, page < 3);
        for d in l.items {
            assert!(seen.insert(d.id), "document {} on two pages", d.id);
        }
    }
    assert_eq!(seen.len(), 501);
    // Past the last page: nothing, and the total still says how many there are.
    let past = official
        .outgoing_page(OutgoingBucket::Drafts, &query("per_page=200&page=4"))
        .await
        .good();
    assert!(past.items.is_empty());
    assert_eq!(past.total, 501);
    w.db.finish().await;
}

/// The leader's "Văn bản của tôi" holds drafts of two units, of several types, urgencies and deadlines: each
/// filter keeps exactly its documents, and each sort orders them both ways.
async fn outgoing_lists_filter_by_each_field_and_sort_by_date_deadline_and_number(db: TestDb) {
    let w = World::new(db).await;
    let official = w.p.base.dept_official;
    let clerk = w.p.clerk2;
    w.draft(
        official,
        1,
        DocumentType::CongVan,
        Urgency::Normal,
        Some("2026-12-20"),
    )
    .await;
    w.draft(
        official,
        2,
        DocumentType::QuyetDinh,
        Urgency::Urgent,
        Some("2026-12-10"),
    )
    .await;
    w.draft(official, 3, DocumentType::CongVan, Urgency::Immediate, None)
        .await;
    w.draft(
        clerk,
        4,
        DocumentType::ThongBao,
        Urgency::Urgent,
        Some("2026-12-15"),
    )
    .await;
    let mut leader = w.client("gd.snv").await;
    let mut list = async |q: &str| {
        leader
            .outgoing_page(OutgoingBucket::Mine, &query(q))
            .await
            .good()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let all = list("").await;
    assert_eq!(all.total, 4);
    // The list's own order: the newest change first.
    assert_eq!(subjects(&all.items)[0], "Về việc số 4");
    let by = async |l: shared::outgoing::OutgoingListResponse| sorted(subjects(&l.items));
    assert_eq!(
        by(list("type=cong_van").await).await,
        ["Về việc số 1", "Về việc số 3"]
    );
    assert_eq!(
        by(list("urgency=urgent").await).await,
        ["Về việc số 2", "Về việc số 4"]
    );
    assert_eq!(
        by(list(&format!("unit={}", w.p.base.department_office_unit)).await).await,
        ["Về việc số 4"]
    );
    assert_eq!(list("status=draft").await.total, 4);
    assert_eq!(list("status=issued").await.total, 0);
    // Filters add up.
    let both = list("type=cong_van&urgency=immediate").await;
    assert_eq!(subjects(&both.items), ["Về việc số 3"]);
    assert_eq!(both.total, 1);
    // The date is the last change, a day in Vietnam: today holds all four, yesterday none.
    let today = CivilDate::of(Timestamp(vanban::store::now_ms()));
    let yesterday = CivilDate::of(Timestamp(vanban::store::now_ms() - 86_400_000));
    assert_eq!(list(&format!("from={today}&to={today}")).await.total, 4);
    assert_eq!(list(&format!("to={yesterday}")).await.total, 0);
    assert_eq!(list(&format!("from={yesterday}")).await.total, 4);
    // Deadline: nearest first, the one without a deadline last either way.
    assert_eq!(
        subjects(&list("sort=deadline").await.items),
        [
            "Về việc số 2",
            "Về việc số 4",
            "Về việc số 1",
            "Về việc số 3"
        ]
    );
    assert_eq!(
        subjects(&list("sort=deadline&order=desc").await.items),
        [
            "Về việc số 1",
            "Về việc số 4",
            "Về việc số 2",
            "Về việc số 3"
        ]
    );
    // Date both ways.
    let newest = subjects(&list("sort=date").await.items);
    let mut oldest = subjects(&list("sort=date&order=asc").await.items);
    oldest.reverse();
    assert_eq!(newest, oldest);
    assert_eq!(newest[0], "Về việc số 4");
    // Number: drafts have none yet, so the sort falls back to the same order both ways without failing.
    assert_eq!(list("sort=number&order=asc").await.total, 4);
    w.db.finish().await;
}

/// The province's clerk lists arrivals by sender, type, urgency, arrival date and status and sorts them by
/// arrival and by số đến; the department's documents never appear, not even in the total.
async fn incoming_lists_filter_and_sort_and_never_count_another_agencys_documents(db: TestDb) {
    let w = World::new(db).await;
    let pc = w.p.province_clerk;
    let a = w
        .arrive(
            pc,
            1,
            "Bộ Nội vụ",
            DocumentType::CongVan,
            Urgency::Normal,
            Some("2026-11-30T09:00:00+07:00"),
        )
        .await;
    let b = w
        .arrive(
            pc,
            2,
            "Sở Tài chính",
            DocumentType::QuyetDinh,
            Urgency::Urgent,
            Some("2026-12-01T08:00:00+07:00"),
        )
        .await;
    let c = w
        .arrive(
            pc,
            3,
            "SỞ TÀI CHÍNH tỉnh",
            DocumentType::CongVan,
            Urgency::Urgent,
            None,
        )
        .await;
    // Another agency's arrivals, matching every filter below.
    for k in 0..3 {
        w.arrive(
            w.p.base.dept_clerk,
            10 + k,
            "Sở Tài chính",
            DocumentType::CongVan,
            Urgency::Urgent,
            Some("2026-12-01T08:00:00+07:00"),
        )
        .await;
    }
    // Two of them registered (số đến 1 and 2: c then a).
    let clerk = w.db.store.get_user(pc).await.unwrap();
    w.db.store
        .accept_incoming(&clerk, c, None, None)
        .await
        .unwrap();
    w.db.store
        .accept_incoming(&clerk, a, None, None)
        .await
        .unwrap();
    let mut pclerk = w.client("vanthu.ubnd").await;
    let mut list = async |q: &str| {
        pclerk
            .incoming_page(IncomingBucket::ToRegister, &iquery(q))
            .await
            .good()
    };
    let ids = |items: &[IncomingSummary]| items.iter().map(|d| d.id).collect::<Vec<_>>();
    let all = list("").await;
    assert_eq!(all.total, 3);
    let sorted_ids = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    // The agency is matched in part, its ASCII letters in either case (SỞ TÀI CHÍNH's capital À is another letter).
    assert_eq!(sorted_ids(ids(&list("agency=t%C3%A0i").await.items)), [b]);
    assert_eq!(
        sorted_ids(ids(&list("agency=S%E1%BB%9F+T").await.items)),
        [b]
    );
    assert_eq!(
        sorted_ids(ids(&list("agency=b%E1%BB%99+n%E1%BB%99i").await.items)),
        [a]
    );
    assert_eq!(sorted_ids(ids(&list("type=cong_van").await.items)), [a, c]);
    assert_eq!(sorted_ids(ids(&list("urgency=urgent").await.items)), [b, c]);
    assert_eq!(
        sorted_ids(ids(&list("status=registered").await.items)),
        [a, c]
    );
    assert_eq!(sorted_ids(ids(&list("status=arrived").await.items)), [b]);
    // Arrival days in Vietnam: 30/11 holds a, 1/12 holds b.
    assert_eq!(ids(&list("from=2026-11-30&to=2026-11-30").await.items), [a]);
    assert_eq!(ids(&list("from=2026-12-01&to=2026-12-01").await.items), [b]);
    assert_eq!(list("from=2026-11-01&to=2026-12-01").await.total, 2);
    // Arrival both ways; số đến both ways with the unnumbered last.
    assert_eq!(ids(&list("sort=date&order=asc").await.items), [a, b, c]);
    assert_eq!(ids(&list("sort=date").await.items), [c, b, a]);
    assert_eq!(ids(&list("sort=number&order=asc").await.items), [c, a, b]);
    assert_eq!(ids(&list("sort=number&order=desc").await.items), [a, c, b]);
    // A page of one, with the same total.
    let second = list("sort=date&order=asc&per_page=1&page=2").await;
    assert_eq!(
        (ids(&second.items), second.total, second.more),
        (vec![b], 3, true)
    );
    // The department's clerk sees only their own three, whatever the filter.
    let mut dclerk = w.client("vanthu.snv").await;
    let theirs = dclerk
        .incoming_page(IncomingBucket::All, &iquery("agency=t%C3%A0i"))
        .await
        .good();
    assert_eq!(theirs.total, 3);
    assert!(theirs.items.iter().all(|d| ![a, b, c].contains(&d.id)));
    // An official who may open none of them counts none.
    let mut official = w.client("cv.ubnd").await;
    let none = official
        .incoming_page(IncomingBucket::All, &ListQuery::default())
        .await
        .good();
    assert_eq!((none.items.len(), none.total), (0, 0));
    w.db.finish().await;
}

/// Every bad parameter of every list is a 422 naming it, in Vietnamese; an unknown bucket too.
async fn a_bad_list_parameter_is_refused_naming_it(db: TestDb) {
    let w = World::new(db).await;
    let mut leader = w.client("gd.snv").await;
    for (q, param) in [
        ("bucket=mine&from=2026-13-01", "from"),
        ("bucket=mine&to=hôm+nay", "to"),
        ("bucket=mine&from=2026-12-02&to=2026-12-01", "to"),
        ("bucket=mine&type=sac_lenh", "type"),
        ("bucket=mine&urgency=rat_khan", "urgency"),
        ("bucket=mine&status=completed", "status"),
        ("bucket=mine&unit=abc", "unit"),
        ("bucket=mine&agency=UBND", "agency"),
        ("bucket=mine&sort=subject", "sort"),
        ("bucket=mine&sort=date&order=sideways", "order"),
        ("bucket=mine&order=asc", "order"),
        ("bucket=mine&page=0", "page"),
        ("bucket=mine&per_page=500", "per_page"),
        ("bucket=mine&page=1&page=2", "page"),
        ("bucket=mine&colour=red", "colour"),
        ("bucket=everything", "bucket"),
        ("", "bucket"),
    ] {
        let e = leader.outgoing_list_raw(q).await.refused_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::Validation,
        );
        assert_eq!(e.fields.len(), 1, "{q}");
        assert_eq!(e.fields[0].field, param, "{q}");
        assert!(
            e.fields[0].message.contains(param),
            "{q}: {}",
            e.fields[0].message
        );
    }
    for (q, param) in [
        ("bucket=all&status=draft", "status"),
        ("bucket=all&unit=3", "unit"),
        ("bucket=all&per_page=0", "per_page"),
        ("bucket=nowhere", "bucket"),
    ] {
        let e = leader.incoming_list_raw(q).await.refused_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::Validation,
        );
        assert_eq!(e.fields[0].field, param, "{q}");
    }
    for (q, param) in [
        ("user=abc", "user"),
        ("unit=1&unit=2", "unit"),
        ("user=1&sort=when", "sort"),
    ] {
        let e = leader.dashboard_raw(q).await.refused_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            shared::ErrorCode::Validation,
        );
        assert_eq!(e.fields[0].field, param, "{q}");
    }
    // A good query with the same parameters is answered.
    leader
        .dashboard_raw(&format!(
            "unit={}&sort=deadline&order=asc&per_page=10&type=cong_van",
            w.p.base.department_unit
        ))
        .await
        .good();
    w.db.finish().await;
}

/// The department's leader drills into an official's open work: the drill-down filters, sorts and pages like
/// the lists, and counts only the department's work.
async fn a_dashboard_drill_down_filters_sorts_and_pages(db: TestDb) {
    use shared::incoming::{AssignTarget, Assignee, AssignmentRole};
    let w = World::new(db).await;
    let dc = w.p.base.dept_clerk;
    let clerk = w.db.store.get_user(dc).await.unwrap();
    let leader = w.db.store.get_user(w.p.leader).await.unwrap();
    let official = w.p.base.dept_official;
    let mut ids = Vec::new();
    for (k, sender, doc_type, due) in [
        (1, "Bộ Nội vụ", DocumentType::CongVan, "2027-03-10"),
        (2, "Sở Tài chính", DocumentType::QuyetDinh, "2027-01-10"),
        (3, "Sở Tài chính", DocumentType::CongVan, "2027-02-10"),
    ] {
        let id = w
            .arrive(dc, k, sender, doc_type, Urgency::Normal, None)
            .await;
        w.db.store
            .accept_incoming(&clerk, id, None, Some(w.p.leader))
            .await
            .unwrap();
        w.db.store
            .assign_incoming(
                &leader,
                id,
                vanban::store::incoming::NewAssignment {
                    instruction: None,
                    due_date: Some(CivilDate::parse(due).unwrap()),
                    targets: vec![AssignTarget {
                        role: AssignmentRole::Lead,
                        to: Assignee::User(official),
                    }],
                },
            )
            .await
            .unwrap();
        ids.push(id);
    }
    let mut gd = w.client("gd.snv").await;
    let mut drill = async |q: &str| {
        gd.dashboard_raw(&format!("user={official}&{q}"))
            .await
            .good()
    };
    let docs = |d: &shared::incoming::DashboardDto| {
        d.oldest.iter().map(|o| o.incoming_id).collect::<Vec<_>>()
    };
    let all = drill("").await;
    assert_eq!(all.drill_total, 3);
    // The queue's own order: nearest deadline first.
    assert_eq!(docs(&all), [ids[1], ids[2], ids[0]]);
    assert_eq!(
        docs(&drill("sort=deadline&order=desc").await),
        [ids[0], ids[2], ids[1]]
    );
    let cv = drill("type=cong_van").await;
    assert_eq!((docs(&cv), cv.drill_total), (vec![ids[2], ids[0]], 2));
    assert_eq!(
        docs(&drill("agency=t%C3%A0i+ch%C3%ADnh").await),
        [ids[1], ids[2]]
    );
    assert_eq!(drill("status=completed").await.drill_total, 0);
    let page = drill("sort=number&order=asc&per_page=1&page=3").await;
    assert_eq!(
        (docs(&page), page.drill_total, page.page, page.per_page),
        (vec![ids[2]], 3, 3, 1)
    );
    // The province's official is no one the department's leader can drill into: nothing, and nothing counted.
    let other = gd
        .dashboard_raw(&format!("user={}", w.p.base.province_official))
        .await
        .good();
    assert_eq!((other.oldest.len(), other.drill_total), (0, 0));
    w.db.finish().await;
}

on_both_databases!(
    a_list_pages_past_500_with_its_total,
    outgoing_lists_filter_by_each_field_and_sort_by_date_deadline_and_number,
    incoming_lists_filter_and_sort_and_never_count_another_agencys_documents,
    a_bad_list_parameter_is_refused_naming_it,
    a_dashboard_drill_down_filters_sorts_and_pages,
);
