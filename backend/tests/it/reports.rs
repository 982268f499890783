//! The six-month report (`GET /api/reports/summary`) over a known mix, on both databases: documents issued on
//! the system (one of them before the period), received on the system, by e-mail (signed, unsigned and
//! returned, one backfilled before the period) and on paper (scanned with the agency's seal, and without), and
//! assignments finished on time, late, without a deadline, open and overdue. Every number of the JSON is
//! checked exactly; the PDF by `qpdf --check` and `pdftotext`, the XLSX by openpyxl, with the same numbers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use axum::http::StatusCode;
use serde_json::Value;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{
    AcceptRequest, AssignRequest, AssignTarget, Assignee, AssignmentRole, HandlerAction,
    HandlerActionRequest, IncomingBucket, IncomingChannel, IncomingDto, NewIncomingRequest,
    ReturnRequest,
};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::report::{DocumentForm, HandlingRow, SummaryReport};
use shared::role::Role;
use shared::time::Timestamp;
use vanban::store::{Actor, NewUser, UnitFields, UserFields};

use crate::common::docs::{self, People, file_ref, pki, sign, upload};
use crate::common::{Client, TestDb};

const DAY: i64 = 24 * 3600 * 1000;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The judges' Python (with openpyxl), installed by scripts/judges/ensure.sh when missing.
fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new(repo().join("scripts/judges/ensure.sh"))
            .current_dir(repo())
            .output()
            .expect("run scripts/judges/ensure.sh");
        assert!(
            out.status.success(),
            "judges unavailable: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_string()
    })
}

fn today_plus(days: i64) -> CivilDate {
    CivilDate::of(Timestamp(vanban::store::now_ms() + days * DAY))
}

/// The province's people on top of the department's: its leader, a unit (Phòng Kinh tế) with its leader and
/// an official.
struct World {
    db: TestDb,
    p: People,
    app: axum::Router,
    leader: i64,
    unit: i64,
    official2: i64,
}

impl World {
    async fn new(db: TestDb) -> Self {
        let p = docs::people(db.store.as_ref()).await;
        let app = crate::common::app(db.store.clone(), docs::config());
        let sys = Actor::default();
        let unit = db
            .store
            .create_unit(
                &sys,
                p.base.province,
                UnitFields {
                    name: "Phòng Kinh tế".into(),
                    short_name: "KT".into(),
                    kind: shared::agency::UnitKind::Phong,
                },
            )
            .await
            .unwrap()
            .id;
        let mk = async |username: &str, name: &str, unit_id: i64, role: Role| {
            db.store
                .create_user(
                    &sys,
                    NewUser {
                        username: username.into(),
                        fields: UserFields {
                            full_name: name.into(),
                            position: None,
                            email: None,
                            phone: None,
                            unit_id,
                            roles: vec![role],
                        },
                        password_hash: vanban::auth::hash_password(crate::common::PASSWORD)
                            .unwrap(),
                        must_change_password: false,
                    },
                )
                .await
                .unwrap()
                .id
        };
        let office = p.base.province_office_unit;
        let leader = mk("ct.ubnd", "Nguyễn Văn Chánh", office, Role::AgencyLeader).await;
        mk("tp.ubnd", "Lâm Thị Trưởng", unit, Role::UnitLeader).await;
        let official2 = mk("cv2.ubnd", "Đỗ Văn Hai", unit, Role::Official).await;
        Self {
            db,
            p,
            app,
            leader,
            unit,
            official2,
        }
    }

    async fn client(&self, username: &str) -> Client {
        docs::client(&self.app, username).await
    }

    /// The department issues a document to the province (and the axis, and on paper); its outgoing id.
    async fn issue(&self) -> i64 {
        let id = docs::awaiting_signature(&self.app, &self.p, false).await;
        docs::leader_signature(&self.app, id).await.good();
        let mut clerk = self.client("vanthu.snv").await;
        docs::issue_as_clerk(&mut clerk, id).await.good();
        id
    }

    async fn sql(&self, statement: &str) {
        let mut conn = crate::common::raw_connection(&self.db).await;
        crate::common::raw_exec(&mut conn, statement).await.unwrap();
    }
}

fn intake(channel: IncomingChannel, doc_type: DocumentType, sha: &str) -> NewIncomingRequest {
    NewIncomingRequest {
        channel,
        sender_name: docs::DEPT_NAME.try_into().unwrap(),
        sender_code: Some("000.00.02.H62".into()),
        code_text: "12/SNV-TC".try_into().unwrap(),
        issued_date: today_plus(-2),
        doc_type,
        subject: "Về việc cử cán bộ dự tập huấn".try_into().unwrap(),
        urgency: Urgency::Normal,
        signer_name: None,
        reply_deadline: None,
        declared_attachments: Some(0),
        declared_pages: None,
        main_file: file_ref(sha, "van-ban.pdf"),
        attachments: vec![],
        backfilled_arrival: None,
        note: None,
    }
}

/// Accepts `id` at the province and hands it to its leader, who assigns `targets` with `due`.
async fn assign(
    w: &World,
    id: i64,
    due: Option<CivilDate>,
    targets: Vec<AssignTarget>,
) -> IncomingDto {
    let mut clerk = w.client("vanthu.ubnd").await;
    clerk
        .accept(
            id,
            &AcceptRequest {
                forward_to: Some(w.leader),
                ..AcceptRequest::default()
            },
        )
        .await
        .good();
    let mut leader = w.client("ct.ubnd").await;
    leader
        .assign(
            id,
            &AssignRequest {
                instruction: None,
                due_date: due,
                targets,
            },
        )
        .await
        .good()
}

fn lead(to: Assignee) -> AssignTarget {
    AssignTarget {
        role: AssignmentRole::Lead,
        to,
    }
}

/// The handler completes their assignment of `doc`.
async fn complete(handler: &mut Client, doc: &IncomingDto, user: i64) -> i64 {
    let a = doc
        .assignments
        .iter()
        .find(|a| a.user.as_ref().is_some_and(|u| u.id == user))
        .expect("the handler's assignment")
        .id;
    handler
        .act(
            a,
            &HandlerActionRequest {
                action: HandlerAction::Complete,
                comment: Some("Đã xong.".into()),
                record_file: None,
            },
        )
        .await
        .good();
    a
}

async fn report(c: &mut Client, query: &str) -> crate::common::Answer {
    c.get(&format!("{}?{query}", shared::api::REPORTS_SUMMARY))
        .await
}

fn form(d: &shared::report::DirectionSummary, f: DocumentForm) -> (i64, f64) {
    let x = d.forms.iter().find(|x| x.form == f).unwrap();
    (x.count, x.ratio)
}

fn channel(d: &shared::report::DirectionSummary, c: IncomingChannel) -> (i64, f64) {
    let x = d.channels.iter().find(|x| x.channel == c).unwrap();
    (x.count, x.ratio)
}

/// (assigned, on_time, late, overdue_open, open, done_no_deadline, on_time_ratio)
/// A handling row's numbers in the order the report's table shows them.
type Counts = (i64, i64, i64, i64, i64, i64, f64);

fn counts(r: &HandlingRow) -> Counts {
    (
        r.assigned,
        r.on_time,
        r.late,
        r.overdue_open,
        r.open,
        r.done_no_deadline,
        r.on_time_ratio,
    )
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn the_report_counts_a_known_mix_exactly_in_json_pdf_and_xlsx(db: TestDb) {
    let w = World::new(db).await;
    let (province, department) = (w.p.base.province, w.p.base.department);
    let cv = w.p.base.province_official;

    // The department issues three documents; the third counts as issued 60 days ago, before the period.
    w.issue().await;
    w.issue().await;
    let old = w.issue().await;
    let long_ago = vanban::store::now_ms() - 60 * DAY;
    w.sql(&format!(
        "UPDATE outgoing_documents SET issued_at = {long_ago} WHERE id = {old}"
    ))
    .await;

    // The province: the three system copies arrived now; the clerk registers the rest.
    let mut pclerk = w.client("vanthu.ubnd").await;
    let arrived = pclerk
        .incoming_list(IncomingBucket::ToRegister)
        .await
        .good();
    let mut system: Vec<i64> = arrived.items.iter().map(|i| i.id).collect();
    system.sort();
    assert_eq!(system.len(), 3);
    let sealed = sign(
        &docs::draft_pdf(),
        &pki().signer(docs::DEPT_NAME, CertRole::Seal),
        SignatureKind::Seal,
        None,
    );
    let sealed = upload(&mut pclerk, &sealed).await;
    let plain = upload(&mut pclerk, &docs::draft_pdf()).await;
    let scan = sign(
        &docs::draft_pdf(),
        &pki().signer("UBND tỉnh Vĩnh Long", CertRole::Seal),
        SignatureKind::Attachment,
        None,
    );
    let scan = upload(&mut pclerk, &scan).await;
    let email_signed = pclerk
        .create_incoming(&intake(
            IncomingChannel::Email,
            DocumentType::ThongBao,
            &sealed,
        ))
        .await
        .good();
    let email_unsigned = pclerk
        .create_incoming(&intake(
            IncomingChannel::Email,
            DocumentType::CongVan,
            &plain,
        ))
        .await
        .good();
    let paper_scanned = pclerk
        .create_incoming(&intake(
            IncomingChannel::Paper,
            DocumentType::QuyetDinh,
            &scan,
        ))
        .await
        .good();
    pclerk
        .create_incoming(&intake(
            IncomingChannel::Paper,
            DocumentType::CongVan,
            &plain,
        ))
        .await
        .good();
    // Backfilled: it really arrived 60 days ago, outside the period.
    pclerk
        .create_incoming(&NewIncomingRequest {
            backfilled_arrival: Some(Timestamp(long_ago)),
            ..intake(IncomingChannel::Email, DocumentType::ChiThi, &sealed)
        })
        .await
        .good();
    pclerk
        .return_incoming(
            email_unsigned.id,
            &ReturnRequest {
                reason: "Văn bản không có chữ ký số.".into(),
            },
        )
        .await
        .good();

    // Handling at the province.
    // A: cv.ubnd leads (finished on time), Phòng Kinh tế co-operates (open, not yet due).
    let a = assign(
        &w,
        system[0],
        Some(today_plus(5)),
        vec![
            lead(Assignee::User(cv)),
            AssignTarget {
                role: AssignmentRole::Cooperate,
                to: Assignee::Unit(w.unit),
            },
        ],
    )
    .await;
    let mut handler = w.client("cv.ubnd").await;
    complete(&mut handler, &a, cv).await;
    // B: cv2.ubnd leads, the deadline moved into the past: open and overdue.
    let b = assign(
        &w,
        system[1],
        Some(today_plus(1)),
        vec![lead(Assignee::User(w.official2))],
    )
    .await;
    w.sql(&format!(
        "UPDATE assignments SET due_at = {} WHERE incoming_id = {}",
        vanban::store::now_ms() - 2 * DAY,
        b.id
    ))
    .await;
    // C: cv.ubnd leads and finishes, but after the deadline.
    let c = assign(
        &w,
        email_signed.id,
        Some(today_plus(5)),
        vec![lead(Assignee::User(cv))],
    )
    .await;
    let c_assignment = complete(&mut handler, &c, cv).await;
    w.sql(&format!(
        "UPDATE assignments SET due_at = done_at - 1000 WHERE id = {c_assignment}"
    ))
    .await;
    // D: cv.ubnd leads without a deadline and finishes; cv2.ubnd only for information (not work).
    let d = assign(
        &w,
        paper_scanned.id,
        None,
        vec![
            lead(Assignee::User(cv)),
            AssignTarget {
                role: AssignmentRole::Inform,
                to: Assignee::User(w.official2),
            },
        ],
    )
    .await;
    complete(&mut handler, &d, cv).await;

    let (from, to) = (today_plus(-30), today_plus(0));
    let period = format!("from={from}&to={to}");

    // The province's leader reads the province's report.
    let mut leader = w.client("ct.ubnd").await;
    let r: SummaryReport = serde_json::from_value(
        report(&mut leader, &period)
            .await
            .expect(StatusCode::OK)
            .body,
    )
    .unwrap();
    assert_eq!((r.from, r.to), (from, to));
    assert_eq!(r.agency.as_ref().unwrap().id, province);
    assert_eq!(r.outgoing.total, 0);
    let i = &r.incoming;
    assert_eq!(
        i.total, 7,
        "3 on the system, 2 by e-mail, 2 on paper; not the backfilled one"
    );
    assert_eq!(form(i, DocumentForm::Signed), (4, 0.5714));
    assert_eq!(form(i, DocumentForm::Unsigned), (1, 0.1429));
    assert_eq!(form(i, DocumentForm::Scanned), (1, 0.1429));
    assert_eq!(form(i, DocumentForm::Paper), (1, 0.1429));
    assert_eq!((i.signed, i.signed_ratio), (5, 0.7143));
    assert_eq!(channel(i, IncomingChannel::System), (3, 0.4286));
    assert_eq!(channel(i, IncomingChannel::Exchange), (0, 0.0));
    assert_eq!(channel(i, IncomingChannel::Email), (2, 0.2857));
    assert_eq!(channel(i, IncomingChannel::Paper), (2, 0.2857));
    assert_eq!(i.withdrawn, 1, "the returned e-mail");
    let types: Vec<(DocumentType, i64, i64)> = r
        .by_type
        .iter()
        .map(|t| (t.doc_type, t.outgoing, t.incoming))
        .collect();
    assert_eq!(
        types,
        [
            (DocumentType::CongVan, 0, 5),
            (DocumentType::QuyetDinh, 0, 1),
            (DocumentType::ThongBao, 0, 1),
        ]
    );
    let rows: Vec<(&str, Counts)> = r
        .handling
        .iter()
        .map(|h| (h.name.as_str(), counts(h)))
        .collect();
    assert_eq!(
        rows,
        [
            ("Văn phòng", (3, 1, 1, 0, 0, 1, 0.5)),
            ("Phòng Kinh tế", (2, 0, 0, 1, 1, 0, 0.0)),
        ]
    );
    assert_eq!(counts(&r.handling_total), (5, 1, 1, 1, 1, 1, 0.3333));

    // The department's clerk reads the department's: two issued in the period, three recipients each.
    let mut dclerk = w.client("vanthu.snv").await;
    let dep: SummaryReport = serde_json::from_value(
        report(&mut dclerk, &period)
            .await
            .expect(StatusCode::OK)
            .body,
    )
    .unwrap();
    let o = &dep.outgoing;
    assert_eq!(o.total, 2);
    assert_eq!(form(o, DocumentForm::Signed), (2, 1.0));
    assert_eq!((o.signed, o.signed_ratio), (2, 1.0));
    assert_eq!(channel(o, IncomingChannel::System), (2, 0.3333));
    assert_eq!(channel(o, IncomingChannel::Exchange), (2, 0.3333));
    assert_eq!(channel(o, IncomingChannel::Email), (0, 0.0));
    assert_eq!(channel(o, IncomingChannel::Paper), (2, 0.3333));
    assert_eq!(dep.incoming.total, 0);
    assert!(dep.handling.is_empty());

    // The provincial administrator: every agency, handling per agency; or one agency by id.
    let mut admin = w.client("admin").await;
    let all: SummaryReport = serde_json::from_value(
        report(&mut admin, &period)
            .await
            .expect(StatusCode::OK)
            .body,
    )
    .unwrap();
    assert!(all.agency.is_none());
    assert_eq!((all.outgoing.total, all.incoming.total), (2, 7));
    assert_eq!(all.handling.len(), 1);
    assert_eq!(all.handling[0].name, "UBND tỉnh Vĩnh Long");
    assert_eq!(counts(&all.handling[0]), (5, 1, 1, 1, 1, 1, 0.3333));
    let one: SummaryReport = serde_json::from_value(
        report(&mut admin, &format!("{period}&agency_id={department}"))
            .await
            .expect(StatusCode::OK)
            .body,
    )
    .unwrap();
    assert_eq!(
        one,
        SummaryReport {
            generated_at: one.generated_at,
            ..dep.clone()
        }
    );

    // The PDF: a sound file whose text carries the same numbers.
    let dir = tempfile::tempdir().unwrap();
    let (status, pdf) = leader
        .download(&format!(
            "{}?{period}&format=pdf",
            shared::api::REPORTS_SUMMARY
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
    let pdf_path = dir.path().join("bao-cao.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf_path)
        .output()
        .expect("run qpdf");
    assert!(
        out.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<String> = text.lines().map(squash).collect();
    for expected in [
        "Tổng số văn bản 0 7".to_string(),
        "Hình thức: Điện tử có ký số 0 0,0 % 4 57,1 %".into(),
        "Hình thức: Số hóa từ bản giấy 0 0,0 % 1 14,3 %".into(),
        "Hình thức: Bản giấy 0 0,0 % 1 14,3 %".into(),
        "Có chữ ký số hợp lệ 0 0,0 % 5 71,4 %".into(),
        "Phương thức: Trên hệ thống 0 0,0 % 3 42,9 %".into(),
        "Phương thức: Thư điện tử 0 0,0 % 2 28,6 %".into(),
        "Công văn 0 5 5".into(),
        "Quyết định 0 1 1".into(),
        "Văn phòng 3 1 1 0 0 1 50,0 %".into(),
        "Phòng Kinh tế 2 0 0 1 1 0 0,0 %".into(),
        "Tổng cộng 5 1 1 1 1 1 33,3 %".into(),
        format!("Kỳ báo cáo từ {} đến {}", from.display(), to.display()),
    ] {
        assert!(
            lines.iter().any(|l| l.contains(&expected)),
            "the PDF lacks {expected:?}:\n{text}"
        );
    }

    // The XLSX, read back by openpyxl: every sheet's cells.
    let (status, xlsx) = leader
        .download(&format!(
            "{}?{period}&format=xlsx",
            shared::api::REPORTS_SUMMARY
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let xlsx_path = dir.path().join("bao-cao.xlsx");
    std::fs::write(&xlsx_path, &xlsx).unwrap();
    let out = Command::new(python())
        .arg("-c")
        .arg(
            "import json, sys, openpyxl\n\
             wb = openpyxl.load_workbook(sys.argv[1])\n\
             print(json.dumps({ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}))",
        )
        .arg(&xlsx_path)
        .output()
        .expect("run openpyxl");
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = |sheet: &str, label: &str| -> Vec<Value> {
        book[sheet]
            .as_array()
            .unwrap_or_else(|| panic!("sheet {sheet} in {book}"))
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("{label} in {sheet}: {book}"))
            .as_array()
            .unwrap()
            .clone()
    };
    let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let nums = |r: &[Value]| r[1..].iter().map(num).collect::<Vec<f64>>();
    let total = row("Tổng hợp", "Tổng số văn bản");
    assert_eq!((num(&total[1]), num(&total[3])), (0.0, 7.0));
    let signed = row("Tổng hợp", "Hình thức: Điện tử có ký số");
    assert_eq!(
        (num(&signed[1]), num(&signed[3]), num(&signed[4])),
        (0.0, 4.0, 0.5714)
    );
    let s = row("Tổng hợp", "Có chữ ký số hợp lệ");
    assert_eq!((num(&s[3]), num(&s[4])), (5.0, 0.7143));
    let p = row("Tổng hợp", "Phương thức: Bản giấy");
    assert_eq!((num(&p[3]), num(&p[4])), (2.0, 0.2857));
    let wd = row("Tổng hợp", "Đã thu hồi (đi) / trả lại (đến)");
    assert_eq!((num(&wd[1]), num(&wd[3])), (0.0, 1.0));
    assert_eq!(nums(&row("Theo loại", "Công văn")), [0.0, 5.0, 5.0]);
    assert_eq!(nums(&row("Theo loại", "Thông báo")), [0.0, 1.0, 1.0]);
    assert_eq!(nums(&row("Theo loại", "Tổng cộng")), [0.0, 7.0, 7.0]);
    assert_eq!(
        nums(&row("Xử lý", "Văn phòng")),
        [3.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.5]
    );
    assert_eq!(
        nums(&row("Xử lý", "Phòng Kinh tế")),
        [2.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(
        nums(&row("Xử lý", "Tổng cộng")),
        [5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.3333]
    );
    w.db.finish().await;
}

async fn who_may_read_the_report_and_bad_periods_are_refused_in_vietnamese(db: TestDb) {
    let w = World::new(db).await;
    let (province, department) = (w.p.base.province, w.p.base.department);
    let period = format!("from={}&to={}", today_plus(-10), today_plus(0));
    // Officials: 403. Clerks, leaders, agency administrators: their own agency only.
    let mut official = w.client("cv.snv").await;
    report(&mut official, &period)
        .await
        .expect(StatusCode::FORBIDDEN);
    for who in ["vanthu.snv", "gd.snv", "tp.snv", "quantri.snv"] {
        let mut c = w.client(who).await;
        let r = report(&mut c, &period).await.expect(StatusCode::OK);
        assert_eq!(r.body["agency"]["id"], department, "{who}");
        report(&mut c, &format!("{period}&agency_id={department}"))
            .await
            .expect(StatusCode::OK);
        report(&mut c, &format!("{period}&agency_id={province}"))
            .await
            .expect(StatusCode::FORBIDDEN);
    }
    // The provincial administrator: an unknown agency is 404.
    let mut admin = w.client("admin").await;
    report(&mut admin, &format!("{period}&agency_id=999999"))
        .await
        .expect(StatusCode::NOT_FOUND);
    // Bad periods: 400 naming the parameter, in Vietnamese.
    let mut clerk = w.client("vanthu.snv").await;
    for (query, field) in [
        ("to=2026-06-30".to_string(), "from"),
        ("from=2026-06-31&to=2026-07-01".into(), "from"),
        ("from=30/06/2026&to=2026-07-01".into(), "from"),
        ("from=2026-07-01&to=2026-06-30".into(), "to"),
        ("from=2025-01-01&to=2026-01-02".into(), "to"),
        (format!("{period}&format=docx"), "format"),
        (format!("{period}&agency_id=abc"), "agency_id"),
        (format!("{period}&page=2"), "query"),
    ] {
        let a = report(&mut clerk, &query)
            .await
            .expect(StatusCode::BAD_REQUEST);
        assert_eq!(a.body["fields"][0]["field"], field, "{query}: {:?}", a.body);
        let m = a.body["message"].as_str().unwrap();
        assert!(
            m.contains("ngày")
                || m.contains("Ngày")
                || m.contains("Định dạng")
                || m.contains("cơ quan")
                || m.contains("Tham số")
                || m.contains("Kỳ"),
            "{query}: {m}"
        );
    }
    // A whole year (leap) is allowed.
    report(&mut clerk, "from=2024-01-01&to=2024-12-31")
        .await
        .expect(StatusCode::OK);
    w.db.finish().await;
}

on_both_databases!(
    the_report_counts_a_known_mix_exactly_in_json_pdf_and_xlsx,
    who_may_read_the_report_and_bad_periods_are_refused_in_vietnamese,
);
