//! Server-made files read back by independent tools: the registers as PDF (`pdftotext`, `qpdf --check`) and
//! XLSX (openpyxl) compared line by line with the register's JSON, on both databases; a document's history PDF
//! whose hashes `vanban audit verify --entries` finds in the chain; the print module's pages on their own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use axum::http::StatusCode;
use serde_json::Value;
use shared::incoming::{AcceptRequest, DelegationRequest, IncomingBucket, IncomingRegisterRow};
use shared::outgoing::{OutgoingRegisterRow, SignRequest, SigningCapacity};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use shared::role::Role;
use shared::time::Timestamp;
use vanban::store::{Actor, NewUser, UserFields};

use crate::common::docs::{self, People, draft_request, pki, sign, upload};
use crate::common::{Client, TestDb};

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

pub(crate) fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `qpdf --check` passes (exit 0, or 3 for warnings only is refused too).
#[track_caller]
pub(crate) fn qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("run qpdf");
    assert!(
        out.status.success(),
        "qpdf --check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of pages `first..=last` (all when `None`) in content-stream order, as `pdftotext -raw` gives it.
pub(crate) fn pdftotext(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-raw").arg("-enc").arg("UTF-8");
    if let Some((f, l)) = pages {
        cmd.arg("-f")
            .arg(f.to_string())
            .arg("-l")
            .arg(l.to_string());
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("run pdfinfo");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo names the pages")
}

/// Whitespace folded to single spaces.
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every cell of the workbook's first sheet by openpyxl: `{"title", "freeze", "rows": [[{"t","v","fmt"}]]}`.
fn openpyxl(xlsx: &Path) -> Value {
    let out = Command::new(python())
        .arg(repo().join("scripts/judges/xlsx_cells.py"))
        .arg(xlsx)
        .output()
        .expect("run openpyxl");
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An expected spreadsheet cell: text, number, date or date-time (Vietnam time), written here independently of
/// the server's own conversion.
#[derive(Debug, PartialEq)]
enum X {
    S(String),
    N(i64),
    D(String),
    T(String),
}

fn d(date: shared::civil_date::CivilDate) -> X {
    X::D(format!("{date}T00:00:00"))
}

fn t(ts: Timestamp) -> X {
    let c = ts.vn_civil();
    X::T(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    ))
}

fn cell_of(v: &Value) -> X {
    let fmt = v["fmt"].as_str().unwrap_or("");
    match v["t"].as_str().unwrap() {
        "n" => X::N(v["v"].as_f64().unwrap() as i64),
        "d" if fmt.contains("hh") => X::T(v["v"].as_str().unwrap().to_string()),
        "d" => X::D(v["v"].as_str().unwrap().to_string()),
        "none" => X::S(String::new()),
        _ => X::S(v["v"].as_str().unwrap().to_string()),
    }
}

fn outgoing_expected(r: &OutgoingRegisterRow) -> (Vec<X>, Vec<String>) {
    let cells = vec![
        X::S(r.number_text.clone()),
        d(r.date),
        X::S(r.type_and_subject.clone()),
        X::S(r.signer.clone()),
        X::S(r.recipients.clone()),
        X::S(r.file_copy.clone()),
        X::N(r.copies),
        t(r.sent_at),
        X::S(r.received_by.clone()),
        X::S(r.note.clone()),
    ];
    let printed = vec![
        r.number_text.clone(),
        r.date.display(),
        r.type_and_subject.clone(),
        r.signer.clone(),
        r.recipients.clone(),
        r.file_copy.clone(),
        r.copies.to_string(),
        r.sent_at.to_display_vn(),
        r.received_by.clone(),
        r.note.clone(),
    ];
    (cells, printed)
}

fn incoming_expected(r: &IncomingRegisterRow) -> (Vec<X>, Vec<String>) {
    let cells = vec![
        t(r.received_at),
        X::N(r.arrival_number),
        X::S(r.sender_name.clone()),
        X::S(r.code_text.clone()),
        d(r.issued_date),
        X::S(format!("{} {}", r.doc_type.name(), r.subject)),
        X::S(r.recipients.clone()),
        r.forwarded_at.map_or(X::S(String::new()), t),
        X::S(r.received_by.clone().unwrap_or_default()),
        X::S(r.note.clone()),
    ];
    let printed = vec![
        r.received_at.to_display_vn(),
        r.arrival_number.to_string(),
        r.sender_name.clone(),
        r.code_text.clone(),
        r.issued_date.display(),
        format!("{} {}", r.doc_type.name(), r.subject),
        r.recipients.clone(),
        r.forwarded_at
            .map(|t| t.to_display_vn())
            .unwrap_or_default(),
        r.received_by.clone().unwrap_or_default(),
        r.note.clone(),
    ];
    (cells, printed)
}

/// Downloads an export: status, Content-Type, Content-Disposition, bytes.
async fn export(
    c: &mut Client,
    register: i64,
    query: &str,
) -> (StatusCode, String, String, Vec<u8>) {
    let url = format!("/api/registers/{register}/export?{query}");
    let a = c.raw(axum::http::Method::GET, &url, vec![], &[]).await;
    let header = |n: &str| {
        a.headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    // The raw answer is decoded as JSON or text; the file's exact bytes come from a second download.
    let (status, bytes) = c.download(&url).await;
    assert_eq!(status, a.status);
    (
        a.status,
        header("content-type"),
        header("content-disposition"),
        bytes,
    )
}

/// Checks one register's PDF and XLSX against its JSON lines (`expected`: spreadsheet cells and printed texts
/// per line; `numbers`: the line numbers), and the closing count.
async fn judge_register(
    c: &mut Client,
    register: i64,
    year: i32,
    expected: Vec<(Vec<X>, Vec<String>)>,
    numbers: Vec<i64>,
    incoming: bool,
) {
    let dir = tempfile::tempdir().unwrap();
    let what = if incoming { "den" } else { "di" };

    let (status, media, disposition, pdf) =
        export(c, register, &format!("year={year}&format=pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/pdf");
    assert!(
        disposition.starts_with(&format!(
            "attachment; filename=\"so-van-ban-{what}-{year}.pdf\"; filename*=UTF-8''"
        )),
        "{disposition}"
    );
    let path = write_temp(dir.path(), "register.pdf", &pdf);
    qpdf_check(&path);
    let pages = page_count(&path);
    assert!(pages >= 3, "cover, table, closing: {pages} pages");
    let all = pdftotext(&path, None);
    // Cover: the register's title and year.
    let cover = squash(&pdftotext(&path, Some((1, 1))));
    let title = if incoming {
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    } else {
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    };
    assert!(
        cover.contains(title) && cover.contains(&format!("Năm {year}")),
        "{cover}"
    );
    assert!(cover.contains(&format!("Trang 1/{pages}")), "{cover}");
    // Every line, all ten cells in order, exactly as the JSON says; and no other line.
    let flat = squash(&all);
    for (_, printed) in &expected {
        let line = squash(
            &printed
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        );
        assert!(flat.contains(&line), "line «{line}» not in the PDF:\n{all}");
    }
    // The numbers column holds exactly the JSON's numbers: the closing page says how many and from–to.
    let closing = squash(&pdftotext(&path, Some((pages, pages))));
    let kind = if incoming {
        "văn bản đến"
    } else {
        "văn bản đi"
    };
    let summary = match (numbers.iter().min(), numbers.iter().max()) {
        (Some(a), Some(b)) => format!("Sổ gồm {} {kind}, từ số {a} đến số {b}.", numbers.len()),
        _ => format!("Sổ chưa có {kind} nào."),
    };
    assert!(closing.contains(&summary), "closing page: {closing}");
    assert!(
        closing.contains("NGƯỜI LẬP SỔ") && closing.contains(&format!("Trang {pages}/{pages}")),
        "{closing}"
    );
    // The column header is on every page of the table.
    for page in 2..pages {
        let text = squash(&pdftotext(&path, Some((page, page))));
        assert!(
            text.contains("(1) (2) (3) (4) (5) (6) (7) (8) (9) (10)"),
            "page {page}: {text}"
        );
    }

    let (status, media, disposition, xlsx) =
        export(c, register, &format!("year={year}&format=xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        media,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        disposition.contains(&format!("filename=\"so-van-ban-{what}-{year}.xlsx\"")),
        "{disposition}"
    );
    let path = write_temp(dir.path(), "register.xlsx", &xlsx);
    let book = openpyxl(&path);
    assert_eq!(book["freeze"], "A5", "the header rows are frozen");
    let rows = book["rows"].as_array().unwrap();
    assert!(rows[0][0]["v"].as_str().unwrap().starts_with(title));
    let head: Vec<&str> = rows[3]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["v"].as_str().unwrap())
        .collect();
    assert_eq!(head, (1..=10).map(|i| format!("({i})")).collect::<Vec<_>>());
    let body: Vec<Vec<X>> = rows[4..4 + expected.len()]
        .iter()
        .map(|r| r.as_array().unwrap()[..10].iter().map(cell_of).collect())
        .collect();
    let want: Vec<Vec<X>> = expected.into_iter().map(|(cells, _)| cells).collect();
    assert_eq!(body, want);
    // After the lines: one empty row, then the summary; nothing else.
    assert_eq!(rows.len(), 4 + want.len() + 2, "{rows:?}");
    assert_eq!(rows.last().unwrap()[0]["v"].as_str().unwrap(), summary);
}

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

    /// Drafted by `drafter` with `subject`, signed by the leader, issued by the clerk (to the province, among
    /// others): the outgoing id.
    async fn issued(&self, drafter: &str, subject: &str) -> i64 {
        let mut official = self.client(drafter).await;
        let main = upload(&mut official, &docs::draft_pdf()).await;
        let mut req = draft_request(&self.p, &main, &[]);
        req.subject = subject.try_into().unwrap();
        let id = official.create_outgoing(&req).await.good().id;
        official.submit(id).await.good();
        docs::leader_signature(&self.app, id).await.good();
        let mut clerk = self.client("vanthu.snv").await;
        docs::issue_as_clerk(&mut clerk, id).await.good();
        id
    }
}

async fn registers_export_as_pdf_and_xlsx_with_every_line_of_the_database(db: TestDb) {
    let w = World::new(db).await;
    // A second official of the department, who drafts one document of three.
    w.db.store
        .create_user(
            &Actor::default(),
            NewUser {
                username: "cv2.snv".into(),
                fields: UserFields {
                    full_name: "Phan Thị Hai".into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: w.p.base.department_unit,
                    roles: vec![Role::Official],
                },
                password_hash: vanban::auth::hash_password(crate::common::PASSWORD).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    w.issued("cv.snv", "Về việc báo cáo tình hình biên chế năm 2026")
        .await;
    w.issued("cv2.snv", "Về việc cử cán bộ dự tập huấn số hóa văn bản")
        .await;
    w.issued("cv.snv", "Về việc kiểm tra công tác văn thư, lưu trữ")
        .await;
    let year = shared::civil_date::CivilDate::of(Timestamp(vanban::store::now_ms())).year;

    // The department's outgoing register, as its clerk sees it (whole).
    let mut clerk = w.client("vanthu.snv").await;
    let reg = clerk
        .outgoing_register(w.p.dept_register, Some(year))
        .await
        .good();
    assert_eq!(reg.rows.len(), 3);
    let numbers = reg.rows.iter().map(|r| r.number).collect();
    judge_register(
        &mut clerk,
        w.p.dept_register,
        year,
        reg.rows.iter().map(outgoing_expected).collect(),
        numbers,
        false,
    )
    .await;

    // The second official sees only the line of the document they drafted, in print too.
    let mut cv2 = w.client("cv2.snv").await;
    let own = cv2
        .outgoing_register(w.p.dept_register, Some(year))
        .await
        .good();
    assert_eq!(own.rows.len(), 1);
    let numbers = own.rows.iter().map(|r| r.number).collect();
    judge_register(
        &mut cv2,
        w.p.dept_register,
        year,
        own.rows.iter().map(outgoing_expected).collect(),
        numbers,
        false,
    )
    .await;

    // The province accepts the three into its incoming register: số đến 1, 2, 3.
    let mut pclerk = w.client("vanthu.ubnd").await;
    let mut arrived: Vec<i64> = pclerk
        .incoming_list(IncomingBucket::ToRegister)
        .await
        .good()
        .items
        .iter()
        .map(|i| i.id)
        .collect();
    arrived.sort();
    assert_eq!(arrived.len(), 3);
    for id in &arrived {
        pclerk.accept(*id, &AcceptRequest::default()).await.good();
    }
    let registers = pclerk.registers().await.good();
    let incoming = registers
        .iter()
        .find(|r| r.direction == "incoming")
        .unwrap()
        .id;
    let reg = pclerk.incoming_register(incoming, Some(year)).await.good();
    assert_eq!(
        reg.rows
            .iter()
            .map(|r| r.arrival_number)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let numbers = reg.rows.iter().map(|r| r.arrival_number).collect();
    judge_register(
        &mut pclerk,
        incoming,
        year,
        reg.rows.iter().map(incoming_expected).collect(),
        numbers,
        true,
    )
    .await;

    // A period within the year: today only keeps every line; a day of another year, a bad year or format are 400.
    let today = shared::civil_date::CivilDate::of(Timestamp(vanban::store::now_ms()));
    let (status, _, disposition, _) = export(
        &mut pclerk,
        incoming,
        &format!("year={year}&format=pdf&from={today}&to={today}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        disposition.contains(&format!("so-van-ban-den-{today}_{today}.pdf")),
        "{disposition}"
    );
    for bad in [
        "year=abc&format=pdf".to_string(),
        "format=pdf".to_string(),
        format!("year={year}&format=docx"),
        format!("year={year}"),
        format!("year={year}&format=pdf&from={}-01-01", year - 1),
        format!("year={year}&format=pdf&from={year}-12-31&to={year}-01-01"),
        format!("year={year}&format=pdf&from=31/12/{year}"),
        format!("year={year}&format=pdf&page=2"),
    ] {
        let a = pclerk
            .raw(
                axum::http::Method::GET,
                &format!("/api/registers/{incoming}/export?{bad}"),
                vec![],
                &[],
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", a.body);
        let message = a.body["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.is_ascii(),
            "{bad}: a Vietnamese message, got {message}"
        );
    }
    // Another agency's register is not found.
    let a = clerk
        .raw(
            axum::http::Method::GET,
            &format!("/api/registers/{incoming}/export?year={year}&format=pdf"),
            vec![],
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    w.db.finish().await;
}

async fn a_history_pdf_lists_every_audit_entry_of_the_document_and_the_cli_finds_each_hash(
    db: TestDb,
) {
    let w = World::new(db).await;
    let id = w
        .issued("cv.snv", "Về việc báo cáo tình hình biên chế năm 2026")
        .await;
    let mut official = w.client("cv.snv").await;
    let (status, pdf) = official
        .download(&format!("/api/outgoing/{id}/history.pdf"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "history.pdf", &pdf);
    qpdf_check(&path);
    let text = pdftotext(&path, None);
    // The entries the audit log holds about this document, each with its hash in full and its sentence.
    let trail =
        w.db.store
            .document_audit_trail(&format!("outgoing:{id}"))
            .await
            .unwrap();
    let actions: Vec<&str> = trail.iter().map(|t| t.entry.action.as_str()).collect();
    for step in [
        "outgoing.create",
        "outgoing.submit",
        "outgoing.sign",
        "outgoing.issue",
    ] {
        assert!(actions.contains(&step), "{actions:?}");
    }
    let flat = squash(&text);
    for t in &trail {
        assert!(
            text.contains(&t.entry.hash),
            "hash of entry {} missing:\n{text}",
            t.entry.seq
        );
        assert!(
            flat.contains(&squash(&t.entry.sentence)),
            "sentence «{}» missing",
            t.entry.sentence
        );
        assert!(flat.contains(&t.entry.at.to_display_vn()));
    }
    let hashes: Vec<&str> = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .filter(|w| w.len() == 64)
        .collect();
    assert_eq!(hashes.len(), trail.len(), "one hash per entry, no other");

    // Whoever may not open the document gets 404, as for a document that does not exist.
    let mut other = w.client("cv.ubnd").await;
    let (status, _) = other
        .download(&format!("/api/outgoing/{id}/history.pdf"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = official.download("/api/outgoing/999999/history.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // `vanban audit verify --entries` finds every hash of the printed text in the chain …
    let txt = write_temp(dir.path(), "history.txt", text.as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["audit", "verify", "--database-url", &w.db.url, "--entries"])
        .arg(&txt)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for t in &trail {
        assert!(
            stdout.contains(&format!(
                "{}: có trong chuỗi, mục số {}.",
                t.entry.hash, t.entry.seq
            )),
            "{stdout}"
        );
    }
    assert!(stdout.contains(&format!(
        "Đối chiếu {n} mã băm: {n} có trong chuỗi, 0 không có.",
        n = trail.len()
    )));
    // … and says so, exiting 1, for a hash that is not there (one digit changed).
    let first = &trail[0].entry.hash;
    let forged = format!(
        "{}{}",
        if first.starts_with('0') { "1" } else { "0" },
        &first[1..]
    );
    let out = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args([
            "audit",
            "verify",
            "--database-url",
            &w.db.url,
            "--hash",
            first,
            "--hash",
            &forged,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{forged}: KHÔNG có trong chuỗi.")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{first}: có trong chuỗi")),
        "{stdout}"
    );

    // The incoming side: the province's copy, after it is accepted.
    let mut pclerk = w.client("vanthu.ubnd").await;
    let incoming = pclerk
        .incoming_list(IncomingBucket::ToRegister)
        .await
        .good()
        .items[0]
        .id;
    pclerk
        .accept(incoming, &AcceptRequest::default())
        .await
        .good();
    let (status, pdf) = pclerk
        .download(&format!("/api/incoming/{incoming}/history.pdf"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let path = write_temp(dir.path(), "incoming.pdf", &pdf);
    qpdf_check(&path);
    let text = pdftotext(&path, None);
    let trail =
        w.db.store
            .document_audit_trail(&format!("incoming:{incoming}"))
            .await
            .unwrap();
    assert!(!trail.is_empty());
    for t in &trail {
        assert!(text.contains(&t.entry.hash));
    }
    let (status, _) = official
        .download(&format!("/api/incoming/{incoming}/history.pdf"))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the department's official may not open the province's copy"
    );
    w.db.finish().await;
}

async fn a_history_pdf_names_the_person_a_delegate_signed_for(db: TestDb) {
    let w = World::new(db).await;
    let id = docs::awaiting_signature(&w.app, &w.p, false).await;
    let mut director = w.client("gd.snv").await;
    let today = shared::civil_date::CivilDate::of(Timestamp(vanban::store::now_ms()));
    director
        .create_delegation(&DelegationRequest {
            from_user_id: None,
            to_user_id: w.p.unit_leader,
            starts_on: today,
            ends_on: today,
            signing: Some(SigningCapacity::Kt),
            reason: Some("Đi công tác".into()),
        })
        .await
        .good();
    // The unit leader signs in their own name, for the director.
    let mut delegate = w.client("tp.snv").await;
    let doc = delegate.outgoing(id).await.good();
    let draft = docs::main_file_of(&mut delegate, &doc).await;
    let signed = sign(
        &draft,
        &pki().signer("Phan Thị Thanh Thảo", CertRole::Person),
        SignatureKind::Signer,
        None,
    );
    let sha = upload(&mut delegate, &signed).await;
    delegate
        .sign(id, &SignRequest { main_sha256: sha })
        .await
        .good();
    let (status, pdf) = delegate
        .download(&format!("/api/outgoing/{id}/history.pdf"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "delegated.pdf", &pdf);
    qpdf_check(&path);
    let text = squash(&pdftotext(&path, None));
    let trail =
        w.db.store
            .document_audit_trail(&format!("outgoing:{id}"))
            .await
            .unwrap();
    let signing = trail
        .iter()
        .find(|t| t.entry.action == "outgoing.sign")
        .unwrap();
    assert_eq!(signing.on_behalf_of.as_deref(), Some(docs::LEADER_NAME));
    // On the signature's line: seq, time, the delegate, the director they signed for, the sentence, the hash.
    let line = format!(
        "{} {} Phan Thị Thanh Thảo {} {} {}",
        signing.entry.seq,
        signing.entry.at.to_display_vn(),
        docs::LEADER_NAME,
        squash(&signing.entry.sentence),
        signing.entry.hash
    );
    assert!(text.contains(&line), "«{line}» not in:\n{text}");
    // No other line names someone acted for.
    assert_eq!(trail.iter().filter(|t| t.on_behalf_of.is_some()).count(), 1);
    w.db.finish().await;
}

crate::on_both_databases!(
    registers_export_as_pdf_and_xlsx_with_every_line_of_the_database,
    a_history_pdf_lists_every_audit_entry_of_the_document_and_the_cli_finds_each_hash,
    a_history_pdf_names_the_person_a_delegate_signed_for,
);
