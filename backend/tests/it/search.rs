//! Search (`GET /api/search`, issue 15) through the real router on both databases: case and Vietnamese marks do
//! not matter, an exact number comes first, the filters and pages agree with the total, the text layer of a
//! drafted PDF is found, a bad parameter is a 400 naming it, and another agency finds nothing of ours. That every
//! hit opens and nothing else is counted, for every actor, is proven in `access_matrix::run_search`.

use crate::common::docs::{self, People};
use crate::common::{Client, TestDb};
use axum::http::StatusCode;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::search::{SearchHit, SearchKind, SearchResponse};
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

    /// A document received by the department (by its clerk, by e-mail), arrived at `arrived`.
    async fn arrive(
        &self,
        code: &str,
        subject: &str,
        sender: &str,
        doc_type: DocumentType,
        arrived: &str,
    ) -> i64 {
        let clerk = self
            .db
            .store
            .get_user(self.p.base.dept_clerk)
            .await
            .unwrap();
        self.db
            .store
            .create_incoming(
                &clerk,
                vanban::store::incoming::NewIncoming {
                    channel: shared::incoming::IncomingChannel::Email,
                    sender_name: sender.into(),
                    sender_code: None,
                    code_text: code.into(),
                    issued_date: CivilDate::parse("2026-11-20").unwrap(),
                    doc_type,
                    subject: subject.into(),
                    urgency: Urgency::Normal,
                    signer_name: Some("Trần Văn Đức".into()),
                    reply_deadline: None,
                    declared_attachments: None,
                    declared_pages: None,
                    files: vec![],
                    verification: shared::incoming::VerificationDto {
                        ok: true,
                        checked_at: Timestamp(0),
                        files: vec![],
                    },
                    backfilled_arrival: Some(Timestamp::parse_iso(arrived).unwrap().0),
                    note: None,
                },
            )
            .await
            .unwrap()
    }

    /// A draft of the department's official, with `subject`.
    async fn draft(&self, subject: &str, urgency: Urgency) -> i64 {
        let drafter = self
            .db
            .store
            .get_user(self.p.base.dept_official)
            .await
            .unwrap();
        self.db
            .store
            .create_outgoing(
                &drafter,
                vanban::store::outgoing::NewOutgoing {
                    doc_type: DocumentType::CongVan,
                    subject: subject.into(),
                    urgency,
                    reply_deadline: None,
                    signer_id: self.p.leader,
                    signing_capacity: shared::outgoing::SigningCapacity::Direct,
                    register_id: self.p.dept_register,
                    answers_delivery_id: None,
                    answers_incoming_id: None,
                    internal_recipients: vec![],
                    external_recipients: vec![],
                    paper_recipients: vec!["Bưu điện tỉnh Vĩnh Long".into()],
                    reviewers: vec![],
                    number_placement: shared::outgoing::NumberPlacement::nd30_default(595.0, 842.0),
                    files: vec![],
                },
            )
            .await
            .unwrap()
    }
}

async fn search(c: &mut Client, query: &str) -> SearchResponse {
    let a = c.get(&format!("/api/search?{query}")).await;
    assert_eq!(a.status, StatusCode::OK, "{query}: {}", a.body);
    serde_json::from_value(a.body).unwrap()
}

fn ids(r: &SearchResponse) -> Vec<(SearchKind, i64)> {
    r.items.iter().map(|h| (h.kind, h.id)).collect()
}

fn shown(h: &SearchHit, field: &str) -> Vec<String> {
    let (text, ranges) = match field {
        "subject" => (h.subject.as_str(), &h.highlights.subject),
        "number_text" => (h.number_text.as_deref().unwrap(), &h.highlights.number_text),
        _ => (h.agency.as_str(), &h.highlights.agency),
    };
    let chars: Vec<char> = text.chars().collect();
    ranges
        .iter()
        .map(|r| chars[r.start..r.end].iter().collect())
        .collect()
}

/// "quyet dinh" finds "Quyết định" whatever the case and marks, "d" finds "đ", and the match is highlighted on
/// the original text.
async fn case_and_vietnamese_marks_do_not_matter(db: TestDb) {
    let w = World::new(db).await;
    let qd = w
        .arrive(
            "15/QĐ-UBND",
            "Quyết định ban hành quy chế làm việc",
            "Ủy ban nhân dân tỉnh",
            DocumentType::QuyetDinh,
            "2026-11-02T09:00:00+07:00",
        )
        .await;
    let other = w
        .arrive(
            "7/BC-STC",
            "Báo cáo kết quả thu ngân sách",
            "Sở Tài chính",
            DocumentType::BaoCao,
            "2026-11-03T09:00:00+07:00",
        )
        .await;
    let mut clerk = w.client("vanthu.snv").await;
    for q in [
        "quyet%20dinh",
        "QUYET%20DINH",
        "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh",
        "quy%E1%BA%BFt%20%20%C4%91%E1%BB%8Bnh",
    ] {
        let r = search(&mut clerk, &format!("q={q}")).await;
        assert_eq!(ids(&r), vec![(SearchKind::Incoming, qd)], "{q}");
        assert_eq!(r.total, 1);
        assert_eq!(shown(&r.items[0], "subject"), vec!["Quyết định"]);
        assert_eq!(r.items[0].agency, "Ủy ban nhân dân tỉnh");
        assert_eq!(r.items[0].date, "2026-11-02");
        assert_eq!(r.items[0].status, "arrived");
    }
    // "d" finds "đ" (and "Đ"); the signer is searched too, though not shown.
    let r = search(&mut clerk, "q=duc").await;
    assert_eq!(r.total, 2, "the signer Trần Văn Đức of both");
    let r = search(&mut clerk, "q=qd-ubnd").await;
    assert_eq!(ids(&r), vec![(SearchKind::Incoming, qd)]);
    assert_eq!(shown(&r.items[0], "number_text"), vec!["QĐ-UBND"]);
    let r = search(&mut clerk, "q=ngan%20sach").await;
    assert_eq!(ids(&r), vec![(SearchKind::Incoming, other)]);
    assert_eq!(shown(&r.items[0], "subject"), vec!["ngân sách"]);
    // A phrase matches as written: words out of order are another text.
    assert_eq!(search(&mut clerk, "q=dinh%20quyet").await.total, 0);
    w.db.finish().await;
}

/// A query equal to a document's number or number and notation puts that document first, before newer
/// documents that only mention it and before matches in the trích yếu.
async fn an_exact_number_comes_first(db: TestDb) {
    let w = World::new(db).await;
    let exact = w
        .arrive(
            "12/QĐ-UBND",
            "Về việc phê duyệt kế hoạch",
            "Ủy ban nhân dân tỉnh",
            DocumentType::QuyetDinh,
            "2026-10-01T09:00:00+07:00",
        )
        .await;
    let mentions = w
        .arrive(
            "30/CV-VP",
            "Về việc thực hiện Quyết định 12/QĐ-UBND",
            "Văn phòng UBND tỉnh",
            DocumentType::CongVan,
            "2026-11-01T09:00:00+07:00",
        )
        .await;
    let numbered_12 = w
        .arrive(
            "112/TB-SXD",
            "Thông báo 12 điểm mới",
            "Sở Xây dựng",
            DocumentType::ThongBao,
            "2026-11-05T09:00:00+07:00",
        )
        .await;
    let mut clerk = w.client("vanthu.snv").await;
    let r = search(&mut clerk, "q=12%2FQ%C4%90-UBND").await;
    assert_eq!(
        ids(&r),
        vec![
            (SearchKind::Incoming, exact),
            (SearchKind::Incoming, mentions)
        ]
    );
    assert!(r.items[0].exact_number && !r.items[1].exact_number);
    let r = search(&mut clerk, "q=12%2Fqd-ubnd").await;
    assert_eq!(r.items[0].id, exact, "folded the same way");
    // "12": the document numbered 12 first, then the trích yếu that says 12 (newest first), then the rest.
    let r = search(&mut clerk, "q=12").await;
    assert_eq!(
        ids(&r),
        vec![
            (SearchKind::Incoming, exact),
            (SearchKind::Incoming, numbered_12),
            (SearchKind::Incoming, mentions)
        ]
    );
    w.db.finish().await;
}

/// Filters narrow, pages cut, and the total counts every match under the filters, on both kinds.
async fn filters_and_pages_agree_with_the_total(db: TestDb) {
    let w = World::new(db).await;
    let mut incoming = Vec::new();
    for k in 0..23 {
        let day = format!("2026-10-{:02}T09:00:00+07:00", k + 1);
        let t = if k % 2 == 0 {
            DocumentType::CongVan
        } else {
            DocumentType::BaoCao
        };
        incoming.push(
            w.arrive(
                &format!("{k}/VP"),
                &format!("Kế hoạch chuyển đổi số đợt {k}"),
                "Sở Thông tin",
                t,
                &day,
            )
            .await,
        );
    }
    let urgent = w
        .draft("Kế hoạch chuyển đổi số của Sở", Urgency::Urgent)
        .await;
    let plain = w
        .draft("Kế hoạch chuyển đổi số năm sau", Urgency::Normal)
        .await;
    let mut clerk = w.client("vanthu.snv").await;
    let q = "q=chuyen%20doi%20so";
    let all = search(&mut clerk, q).await;
    assert_eq!(all.total, 25);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let r = search(&mut clerk, &format!("{q}&per_page=10&page={page}")).await;
        assert_eq!(r.total, 25);
        assert_eq!(r.items.len(), if page == 3 { 5 } else { 10 });
        seen.extend(ids(&r));
    }
    let past = search(&mut clerk, &format!("{q}&per_page=10&page=4")).await;
    assert!(past.items.is_empty());
    assert_eq!(past.total, 25, "the total past the last page");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25, "no document twice across pages");
    assert_eq!(all.items.len(), 20, "20 a page unless asked");
    let whole = search(&mut clerk, &format!("{q}&per_page=25")).await;
    assert_eq!(seen, ids(&whole), "pages follow one order");

    let r = search(&mut clerk, &format!("{q}&direction=outgoing")).await;
    let mut got = ids(&r);
    got.sort();
    assert_eq!(
        got,
        vec![
            (SearchKind::Outgoing, urgent),
            (SearchKind::Outgoing, plain)
        ]
    );
    assert!(
        r.items
            .iter()
            .all(|h| h.status == "draft" && h.number_text.is_none())
    );
    let r = search(&mut clerk, &format!("{q}&urgency=urgent")).await;
    assert_eq!(ids(&r), vec![(SearchKind::Outgoing, urgent)]);
    let r = search(&mut clerk, &format!("{q}&direction=incoming&type=bao_cao")).await;
    assert_eq!(r.total, 11);
    let r = search(&mut clerk, &format!("{q}&from=2026-10-03&to=2026-10-05")).await;
    let mut got = ids(&r);
    got.sort();
    assert_eq!(
        got,
        incoming[2..5]
            .iter()
            .map(|i| (SearchKind::Incoming, *i))
            .collect::<Vec<_>>()
    );
    let r = search(&mut clerk, &format!("{q}&status=draft")).await;
    assert_eq!(r.total, 2);
    let unit = w.p.base.department_unit;
    let office = w.p.base.department_office_unit;
    let drafting =
        w.db.store
            .get_user(w.p.base.dept_official)
            .await
            .unwrap()
            .unit
            .id;
    let r = search(&mut clerk, &format!("{q}&unit_id={drafting}")).await;
    assert_eq!(r.total, 2, "the drafting unit");
    let other = if drafting == unit { office } else { unit };
    assert_eq!(
        search(&mut clerk, &format!("{q}&unit_id={other}"))
            .await
            .total,
        0
    );
    // A word of one document among many that share the rest of the phrase.
    let r = search(&mut clerk, "q=dot%2017").await;
    assert_eq!(ids(&r), vec![(SearchKind::Incoming, incoming[17])]);
    // The paper recipient is searched.
    let r = search(&mut clerk, "q=buu%20dien").await;
    assert_eq!(r.total, 2);
    w.db.finish().await;
}

/// A bad parameter is a 400 naming it, in Vietnamese; nothing is searched.
async fn bad_parameters_are_refused_naming_them(db: TestDb) {
    let w = World::new(db).await;
    let mut c = w.client("cv.snv").await;
    for (q, param) in [
        ("", "q"),
        ("q=%20%20", "q"),
        ("q=a&direction=both", "direction"),
        ("q=a&from=2026-13-01", "from"),
        ("q=a&from=2026-10-05&to=2026-10-01", "to"),
        ("q=a&type=nope", "type"),
        ("q=a&urgency=soon", "urgency"),
        ("q=a&direction=outgoing&status=to_assign", "status"),
        ("q=a&unit_id=-3", "unit_id"),
        ("q=a&page=0", "page"),
        ("q=a&per_page=201", "per_page"),
        ("q=a&sort=date", "sort"),
        ("q=a&bucket=all", "bucket"),
    ] {
        let a = c.get(&format!("/api/search?{q}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{q}: {}", a.body);
        assert_eq!(a.body["code"], "bad_request", "{q}");
        assert_eq!(a.body["fields"][0]["field"], param, "{q}: {}", a.body);
        let message = a.body["message"].as_str().unwrap().to_string()
            + a.body["fields"][0]["message"].as_str().unwrap_or("");
        assert!(
            message.chars().any(|c| "ảếịộơưđ".contains(c) || c == '“'),
            "{q}: {message}"
        );
    }
    let long = "a".repeat(201);
    let a = c.get(&format!("/api/search?q={long}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let mut anonymous = Client::with_app(w.app.clone());
    assert_eq!(
        anonymous.get("/api/search?q=a").await.status,
        StatusCode::UNAUTHORIZED
    );
    w.db.finish().await;
}

/// The text layer of a drafted PDF is found (read when the file was drafted), by people who may open the
/// draft, and by nobody of another agency.
async fn the_text_of_a_drafted_pdf_is_found(db: TestDb) {
    let w = World::new(db).await;
    let mut official = w.client("cv.snv").await;
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/corpus/lo-quyet-dinh-17p.pdf"
    ))
    .unwrap();
    let sha = docs::upload(&mut official, &pdf).await;
    let mut body = docs::draft_body(&w.p, &sha, &[]);
    body["subject"] = "Về việc trình ký văn bản".into();
    let created = official.post("/api/outgoing", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    // Words only the PDF says (its page 1: "Ban hành Quy chế quản lý văn bản điện tử").
    let q = "q=quy%20che%20quan%20ly%20van%20ban%20dien%20tu";
    let r = search(&mut official, q).await;
    assert_eq!(ids(&r), vec![(SearchKind::Outgoing, id)]);
    assert!(
        r.items[0].highlights.subject.is_empty(),
        "the match is in the file, not the trích yếu"
    );
    let mut leader = w.client("gd.snv").await;
    assert_eq!(search(&mut leader, q).await.total, 1, "the signer");
    let mut clerk = w.client("vanthu.snv").await;
    assert_eq!(search(&mut clerk, q).await.total, 1, "the agency's clerk");
    let mut colleague_elsewhere = w.client("cv.ubnd").await;
    let r = search(&mut colleague_elsewhere, q).await;
    assert_eq!(r.total, 0);
    assert!(r.items.is_empty());
    let mut province_clerk = w.client("vanthu.ubnd").await;
    assert_eq!(search(&mut province_clerk, q).await.total, 0);
    w.db.finish().await;
}

/// The index holds each agency's whole words: a query is a phrase whose last word may be cut short, a word cut
/// at its start is another word, a query of punctuation finds nothing, and a document's words follow its changes
/// (filed into a record file it is found by the file's title; taken out, no longer). The same words in another
/// agency's documents are neither shown nor counted.
async fn whole_words_of_the_agency_follow_each_change(db: TestDb) {
    let w = World::new(db).await;
    let qd = w
        .arrive(
            "15/QĐ-UBND",
            "Quyết định ban hành quy chế làm việc",
            "Ủy ban nhân dân tỉnh",
            DocumentType::QuyetDinh,
            "2026-11-02T09:00:00+07:00",
        )
        .await;
    let mut clerk = w.client("vanthu.snv").await;
    let r = search(&mut clerk, "q=quyet%20di").await;
    assert_eq!(
        ids(&r),
        vec![(SearchKind::Incoming, qd)],
        "the last word typed halfway"
    );
    assert_eq!(shown(&r.items[0], "subject"), vec!["Quyết đị"]);
    assert_eq!(
        search(&mut clerk, "q=uyet%20dinh").await.total,
        0,
        "a word is matched from its start"
    );
    assert_eq!(
        search(&mut clerk, "q=qu%20dinh").await.total,
        0,
        "only the last word may be cut short"
    );
    assert_eq!(search(&mut clerk, "q=%2F%2F%20-").await.total, 0);
    assert_eq!(
        search(&mut clerk, "q=dinh%20ban%20hanh%20quy").await.total,
        1,
        "each two neighbouring words side by side, the last cut short"
    );
    assert_eq!(
        search(&mut clerk, "q=quyet%20ban%20hanh").await.total,
        0,
        "words that are not neighbours in the document"
    );
    // Registered: only a registered document is filed.
    clerk
        .accept(qd, &shared::incoming::AcceptRequest::default())
        .await
        .good();

    let year = CivilDate::of(Timestamp(vanban::store::now_ms())).year;
    let file = clerk
        .create_record_file(&shared::record_file::CreateRecordFileRequest {
            title: "Hồ sơ thanh tra công vụ".try_into().unwrap(),
            year,
            retention_years: 10,
            notation: None,
        })
        .await
        .good();
    let q = "q=thanh%20tra%20cong%20vu";
    assert_eq!(search(&mut clerk, q).await.total, 0);
    clerk
        .file_document(
            file.id,
            &shared::record_file::RecordFileDocumentRequest {
                kind: shared::record_file::DocumentKind::Incoming,
                id: qd,
                position: None,
            },
        )
        .await
        .good();
    assert_eq!(
        ids(&search(&mut clerk, q).await),
        vec![(SearchKind::Incoming, qd)]
    );
    assert_eq!(
        search(&mut clerk, "q=quyet%20dinh%20ban").await.total,
        1,
        "its other words stay"
    );
    clerk.unfile_document(file.id, "incoming", qd).await.good();
    assert_eq!(
        search(&mut clerk, q).await.total,
        0,
        "taken out of the file"
    );
    assert_eq!(search(&mut clerk, "q=quyet%20dinh%20ban").await.total, 1);

    // The entries written by each step are the ones a rebuild looks for (the same ids): none is missing.
    assert_eq!(w.db.store.index_missing_documents(100).await.unwrap(), 0);
    // What the server runs after a rebuild (VACUUM on PostgreSQL, outside any transaction).
    w.db.store.settle_search_index().await.unwrap();
    // The province's clerk received a document with the same words; each agency finds only its own.
    let mut province = w.client("vanthu.ubnd").await;
    assert_eq!(search(&mut province, "q=quyet%20dinh").await.total, 0);
    w.db.finish().await;
}

/// The type and urgency the search filters by follow an edit of the draft (the entry holds them).
async fn type_and_urgency_filters_follow_an_edit(db: TestDb) {
    let w = World::new(db).await;
    let id = w
        .draft("Kế hoạch kiểm kê tài sản công", Urgency::Normal)
        .await;
    let mut clerk = w.client("vanthu.snv").await;
    let q = "q=kiem%20ke%20tai%20san";
    assert_eq!(search(&mut clerk, q).await.total, 1);
    assert_eq!(
        search(&mut clerk, &format!("{q}&type=cong_van"))
            .await
            .total,
        1
    );
    assert_eq!(
        search(&mut clerk, &format!("{q}&type=ke_hoach"))
            .await
            .total,
        0
    );
    assert_eq!(
        search(&mut clerk, &format!("{q}&urgency=urgent"))
            .await
            .total,
        0
    );
    let mut official = w.client("cv.snv").await;
    official
        .edit_outgoing(
            id,
            &shared::outgoing::EditDraftRequest {
                doc_type: DocumentType::KeHoach,
                subject: "Kế hoạch kiểm kê tài sản công".try_into().unwrap(),
                urgency: Urgency::Urgent,
                reply_deadline: None,
                signer_id: w.p.leader,
                signing_capacity: shared::outgoing::SigningCapacity::Direct,
                internal_recipients: vec![],
                external_recipients: vec![],
                paper_recipients: vec!["Bưu điện tỉnh Vĩnh Long".try_into().unwrap()],
                confidentiality: None,
                reviewers: vec![],
            },
        )
        .await
        .good();
    assert_eq!(
        search(&mut clerk, &format!("{q}&type=cong_van"))
            .await
            .total,
        0
    );
    let r = search(&mut clerk, &format!("{q}&type=ke_hoach&urgency=urgent")).await;
    assert_eq!(ids(&r), vec![(SearchKind::Outgoing, id)]);
    assert_eq!(w.db.store.index_missing_documents(100).await.unwrap(), 0);
    w.db.finish().await;
}

/// The unit filter of an incoming document is its lead unit, which it gets when the leader assigns it: the
/// index follows the assignment (the unit is a facet of the index, `search_words::Facets`).
async fn the_unit_filter_follows_an_assignment(db: TestDb) {
    use shared::incoming::{AcceptRequest, AssignRequest, AssignTarget, Assignee, AssignmentRole};
    let w = World::new(db).await;
    let id = w
        .arrive(
            "40/SXD-KH",
            "Kế hoạch bảo trì đường tỉnh",
            "Sở Xây dựng",
            DocumentType::KeHoach,
            "2026-11-03T09:00:00+07:00",
        )
        .await;
    let unit = w.p.base.department_unit;
    let mut clerk = w.client("vanthu.snv").await;
    let q = format!("q=bao%20tri&direction=incoming&unit_id={unit}");
    assert_eq!(search(&mut clerk, &q).await.total, 0, "no lead unit yet");
    clerk
        .accept(
            id,
            &AcceptRequest {
                forward_to: Some(w.p.leader),
                ..AcceptRequest::default()
            },
        )
        .await
        .good();
    let mut leader = w.client("gd.snv").await;
    leader
        .assign(
            id,
            &AssignRequest {
                instruction: None,
                due_date: None,
                targets: vec![AssignTarget {
                    role: AssignmentRole::Lead,
                    to: Assignee::Unit(unit),
                }],
            },
        )
        .await
        .good();
    assert_eq!(
        ids(&search(&mut clerk, &q).await),
        vec![(SearchKind::Incoming, id)]
    );
    let office = w.p.base.department_office_unit;
    assert_eq!(
        search(&mut clerk, &format!("q=bao%20tri&unit_id={office}"))
            .await
            .total,
        0
    );
    w.db.finish().await;
}

on_both_databases!(
    the_unit_filter_follows_an_assignment,
    case_and_vietnamese_marks_do_not_matter,
    an_exact_number_comes_first,
    filters_and_pages_agree_with_the_total,
    bad_parameters_are_refused_naming_them,
    the_text_of_a_drafted_pdf_is_found,
    whole_words_of_the_agency_follow_each_change,
    type_and_urgency_filters_follow_an_edit,
);
