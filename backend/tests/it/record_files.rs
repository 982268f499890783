//! Record files (hồ sơ, Điều 14) through the API on both databases: codes unique and sequential per agency and
//! year, documents filed in order and in several files, closing, the hand-over reminder, who may do what, and
//! the archive package read back by the real tools (`unzip`, `sha256sum -c`, `qpdf --check`, `pdftotext`,
//! Python's zipfile, json and xml parsers).

use std::path::Path;
use std::process::Command;

use axum::http::StatusCode;
use shared::incoming::{AcceptRequest, IncomingBucket};
use shared::record_file::{
    CreateRecordFileRequest, DocumentKind, RecordFileAction, RecordFileDocumentRequest,
    RecordFileState,
};
use shared::time::Timestamp;

use crate::common::docs::{self, People, draft_request, upload};
use crate::common::{Client, TestDb};

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

    /// Drafted by cv.snv with `subject`, signed, issued by the department's clerk (to the province among
    /// others): the outgoing id.
    async fn issued(&self, subject: &str) -> i64 {
        let mut official = self.client("cv.snv").await;
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

fn this_year() -> i32 {
    shared::civil_date::CivilDate::of(Timestamp(vanban::store::now_ms())).year
}

fn new_file(title: &str, year: i32, retention: i32, mark: Option<&str>) -> CreateRecordFileRequest {
    CreateRecordFileRequest {
        title: title.try_into().unwrap(),
        year,
        retention_years: retention,
        notation: mark.map(str::to_string),
    }
}

fn doc(kind: DocumentKind, id: i64) -> RecordFileDocumentRequest {
    RecordFileDocumentRequest {
        kind,
        id,
        position: None,
    }
}

fn outgoing(id: i64) -> RecordFileDocumentRequest {
    doc(DocumentKind::Outgoing, id)
}

async fn codes_are_unique_and_sequential_per_agency_and_year(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let mut clerk = w.client("vanthu.snv").await;
    let mut official = w.client("cv.snv").await;
    let a = clerk
        .create_record_file(&new_file("Hồ sơ tổ chức cán bộ năm nay", y, 0, None))
        .await
        .good();
    let b = official
        .create_record_file(&new_file("Hồ sơ hội nghị", y, 10, Some("TCCB")))
        .await
        .good();
    let c = clerk
        .create_record_file(&new_file("Hồ sơ thi đua", y, 5, None))
        .await
        .good();
    let next_year = clerk
        .create_record_file(&new_file("Hồ sơ năm sau", y + 1, 20, None))
        .await
        .good();
    let mut pclerk = w.client("vanthu.ubnd").await;
    let province = pclerk
        .create_record_file(&new_file("Hồ sơ của tỉnh", y, 0, None))
        .await
        .good();
    assert_eq!(a.code, format!("000.00.02.H62.{y}.01"));
    assert_eq!(b.code, format!("000.00.02.H62.{y}.02.TCCB"));
    assert_eq!(b.notation, "02.TCCB");
    assert_eq!(c.code, format!("000.00.02.H62.{y}.03"));
    assert_eq!(next_year.code, format!("000.00.02.H62.{}.01", y + 1));
    assert_eq!(province.code, format!("000.00.00.H62.{y}.01"));
    assert_eq!((a.state, a.retention_years), (RecordFileState::Open, 0));
    assert_eq!(b.creator.id, w.p.base.dept_official);

    // The catalogue of the year, by ordinal; the other year and the other agency are not in it.
    let list = clerk.record_files(Some(y), None).await.good();
    let codes: Vec<&str> = list.items.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, [&a.code, &b.code, &c.code]);
    assert!(list.may_create);
    let open_everywhere = clerk.record_files(None, Some("open")).await.good();
    assert_eq!(open_everywhere.items.len(), 4);

    // Bad input is a 422 naming the field; an administrator does not open files.
    for (req, field) in [
        (new_file("Sai năm", 1999, 0, None), "year"),
        (new_file("Sai thời hạn", y, 101, None), "retention_years"),
        (new_file("Sai thời hạn", y, -1, None), "retention_years"),
        (new_file("Sai ký hiệu", y, 5, Some("Tổ CB")), "notation"),
    ] {
        let e = clerk
            .create_record_file(&req)
            .await
            .refused(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.fields[0].field, field, "{e:?}");
    }
    let mut admin = w.client("quantri.snv").await;
    admin
        .create_record_file(&new_file("Không được", y, 0, None))
        .await
        .refused(StatusCode::FORBIDDEN);
    // A refused request took no number: the next file is 04.
    let d = clerk
        .create_record_file(&new_file("Hồ sơ thứ tư", y, 5, None))
        .await
        .good();
    assert_eq!(d.code, format!("000.00.02.H62.{y}.04"));
    w.db.finish().await;
}

async fn documents_are_filed_in_order_and_in_several_files(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let first = w.issued("Về việc thứ nhất").await;
    let second = w.issued("Về việc thứ hai").await;
    let third = w.issued("Về việc thứ ba").await;
    let mut official = w.client("cv.snv").await;
    let f = official
        .create_record_file(&new_file("Hồ sơ công việc A", y, 10, None))
        .await
        .good();
    let g = official
        .create_record_file(&new_file("Hồ sơ công việc B", y, 10, None))
        .await
        .good();
    for id in [first, second, third] {
        official.file_document(f.id, &outgoing(id)).await.good();
    }
    let order = |d: &shared::record_file::RecordFileDetailResponse| -> Vec<(i64, i64)> {
        d.documents.iter().map(|x| (x.position, x.id)).collect()
    };
    let detail = official.record_file(f.id).await.good();
    assert_eq!(order(&detail), [(1, first), (2, second), (3, third)]);
    assert_eq!(detail.file.document_count, 3);
    assert!(detail.documents[0].number_text.is_some());
    assert_eq!(detail.documents[0].files.len(), 1, "the issued original");
    let today = shared::civil_date::CivilDate::of(Timestamp(vanban::store::now_ms()));
    assert_eq!(detail.file.start_date, Some(today));
    assert_eq!(detail.file.end_date, Some(today));

    // Moved: the third goes first, the others shift down; then back to the end.
    let mut req = outgoing(third);
    req.position = Some(1);
    official.file_document(f.id, &req).await.good();
    assert_eq!(
        order(&official.record_file(f.id).await.good()),
        [(1, third), (2, first), (3, second)]
    );
    req.position = Some(3);
    official.file_document(f.id, &req).await.good();
    assert_eq!(
        order(&official.record_file(f.id).await.good()),
        [(1, first), (2, second), (3, third)]
    );
    // Inserted at a place: into file B, the second before the first.
    official.file_document(g.id, &outgoing(first)).await.good();
    let mut before = outgoing(second);
    before.position = Some(1);
    official.file_document(g.id, &before).await.good();
    assert_eq!(
        order(&official.record_file(g.id).await.good()),
        [(1, second), (2, first)]
    );
    // The first document is in both files; in one file only once.
    let e = official
        .file_document(f.id, &outgoing(first))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(e.message.contains("đã có trong hồ sơ"), "{}", e.message);

    // Removed from the middle: the ones after it move up; file B keeps it.
    official
        .unfile_document(f.id, "outgoing", second)
        .await
        .good();
    assert_eq!(
        order(&official.record_file(f.id).await.good()),
        [(1, first), (2, third)]
    );
    assert_eq!(official.record_file(g.id).await.good().documents.len(), 2);
    official
        .unfile_document(f.id, "outgoing", second)
        .await
        .refused(StatusCode::NOT_FOUND);

    // A draft is not filed; a document of another agency is not the caller's to open.
    let mut drafter = w.client("cv.snv").await;
    let main = upload(&mut drafter, &docs::draft_pdf()).await;
    let draft = drafter
        .create_outgoing(&draft_request(&w.p, &main, &[]))
        .await
        .good()
        .id;
    let e = official
        .file_document(f.id, &outgoing(draft))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(e.message.contains("đã phát hành"), "{}", e.message);
    official
        .file_document(f.id, &doc(DocumentKind::Incoming, 999_999))
        .await
        .refused(StatusCode::NOT_FOUND);

    // The audit log names the file and the document.
    let mut clerk = w.client("vanthu.snv").await;
    let detail = clerk.record_file(f.id).await.good();
    assert_eq!(detail.hidden_documents, 0);
    assert_eq!(
        detail.file.actions,
        [
            RecordFileAction::Add,
            RecordFileAction::Arrange,
            RecordFileAction::Close
        ]
    );
    w.db.finish().await;
}

async fn an_incoming_document_is_filed_by_the_agency_that_registered_it(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let outgoing_id = w.issued("Về việc gửi tỉnh").await;
    let mut pclerk = w.client("vanthu.ubnd").await;
    let incoming = pclerk
        .incoming_list(IncomingBucket::ToRegister)
        .await
        .good()
        .items
        .iter()
        .map(|i| i.id)
        .max()
        .unwrap();
    let f = pclerk
        .create_record_file(&new_file("Hồ sơ văn bản đến", y, 0, None))
        .await
        .good();
    // Not registered yet: refused with the reason.
    let e = pclerk
        .file_document(f.id, &doc(DocumentKind::Incoming, incoming))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(e.message.contains("vào sổ"), "{}", e.message);
    pclerk
        .accept(incoming, &AcceptRequest::default())
        .await
        .good();
    pclerk
        .file_document(f.id, &doc(DocumentKind::Incoming, incoming))
        .await
        .good();
    // The sender's outgoing document is not the province's to file.
    pclerk
        .file_document(f.id, &outgoing(outgoing_id))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = pclerk.record_file(f.id).await.good();
    let d = &detail.documents[0];
    assert_eq!((d.kind, d.id), (DocumentKind::Incoming, incoming));
    assert!(d.arrival_number.is_some());
    assert_eq!(d.organ_name, docs::DEPT_NAME);
    w.db.finish().await;
}

async fn people_of_other_agencies_and_roles_are_kept_out(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let first = w.issued("Về việc phân quyền").await;
    let mut clerk = w.client("vanthu.snv").await;
    let f = clerk
        .create_record_file(&new_file("Hồ sơ của văn thư", y, 5, None))
        .await
        .good();
    // Another agency: as if the file did not exist.
    let mut outsider = w.client("vanthu.ubnd").await;
    outsider
        .record_file(f.id)
        .await
        .refused(StatusCode::NOT_FOUND);
    outsider
        .file_document(f.id, &outgoing(first))
        .await
        .refused(StatusCode::NOT_FOUND);
    outsider
        .close_record_file(f.id)
        .await
        .refused(StatusCode::NOT_FOUND);
    assert_eq!(
        outsider.record_file_package(f.id).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(
        outsider
            .record_files(Some(y), None)
            .await
            .good()
            .items
            .is_empty()
    );
    // An official of the agency sees the file and adds what they may open, but neither arranges nor closes
    // a file they did not open, nor hands anything over.
    let mut official = w.client("cv.snv").await;
    let seen = official.record_file(f.id).await.good();
    assert_eq!(seen.file.actions, [RecordFileAction::Add]);
    official.file_document(f.id, &outgoing(first)).await.good();
    let mut moved = outgoing(first);
    moved.position = Some(1);
    official
        .file_document(f.id, &moved)
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .unfile_document(f.id, "outgoing", first)
        .await
        .refused(StatusCode::FORBIDDEN);
    official
        .close_record_file(f.id)
        .await
        .refused(StatusCode::FORBIDDEN);
    clerk.close_record_file(f.id).await.good();
    assert_eq!(
        official.record_file_package(f.id).await.0,
        StatusCode::FORBIDDEN
    );
    // The agency administrator lists the catalogue but files nothing.
    let mut admin = w.client("quantri.snv").await;
    assert_eq!(
        admin.record_files(Some(y), None).await.good().items.len(),
        1
    );
    assert!(admin.record_file(f.id).await.good().file.actions.is_empty());
    w.db.finish().await;
}

async fn a_closed_file_is_due_for_hand_over_a_year_later_and_the_clerks_are_told_once(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let mut clerk = w.client("vanthu.snv").await;
    let f = clerk
        .create_record_file(&new_file("Hồ sơ sắp đến hạn", y, 5, None))
        .await
        .good();
    let closed = clerk.close_record_file(f.id).await.good();
    let closed_on = shared::civil_date::CivilDate::of(closed.closed_at.unwrap());
    assert_eq!(
        closed.handover_due,
        Some(shared::record_file::handover_due(closed_on))
    );
    assert!(!closed.overdue_for_handover);
    let now = vanban::store::now_ms();
    let day = 24 * 3600 * 1000;
    let agency = w.p.base.department;
    assert_eq!(w.db.store.record_files_due(agency, now).await.unwrap(), 0);
    assert_eq!(w.db.store.remind_due_record_files(now).await.unwrap(), 0);
    let later = now + 367 * day;
    assert_eq!(w.db.store.record_files_due(agency, later).await.unwrap(), 1);
    assert_eq!(w.db.store.remind_due_record_files(later).await.unwrap(), 1);
    // Idempotent: nobody is told twice.
    assert_eq!(
        w.db.store
            .remind_due_record_files(later + day)
            .await
            .unwrap(),
        0
    );
    let told: Vec<String> = clerk
        .notifications(None)
        .await
        .good()
        .items
        .into_iter()
        .map(|n| n.text)
        .filter(|t| t.contains("đến hạn nộp lưu"))
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains(&f.code));
    let mut clerk2 = w.client("vanthu2.snv").await;
    assert!(
        clerk2
            .notifications(None)
            .await
            .good()
            .items
            .iter()
            .any(|n| n.text.contains("đến hạn nộp lưu"))
    );
    // The official who is no clerk is not told.
    let mut official = w.client("cv.snv").await;
    assert!(
        !official
            .notifications(None)
            .await
            .good()
            .items
            .iter()
            .any(|n| n.text.contains("đến hạn nộp lưu"))
    );
    w.db.finish().await;
}

async fn files_created_at_once_get_distinct_consecutive_codes(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let mut clients = Vec::new();
    for who in ["vanthu.snv", "cv.snv", "vanthu2.snv", "tp.snv"] {
        for _ in 0..3 {
            clients.push(w.client(who).await);
        }
    }
    let created =
        futures_util::future::join_all(clients.iter_mut().enumerate().map(|(i, c)| async move {
            c.create_record_file(&new_file(&format!("Hồ sơ song song {i}"), y, 5, None))
                .await
                .good()
                .code
        }))
        .await;
    let mut codes = created.clone();
    codes.sort();
    let want: Vec<String> = (1..=created.len())
        .map(|n| format!("000.00.02.H62.{y}.{n:02}"))
        .collect();
    assert_eq!(
        codes, want,
        "12 files at once: 01…12, none twice, none skipped"
    );
    w.db.finish().await;
}

fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn the_package_holds_the_originals_and_verifies_and_the_file_becomes_read_only(db: TestDb) {
    let w = World::new(db).await;
    let y = this_year();
    let first = w.issued("Về việc lưu trữ hồ sơ điện tử").await;
    let second = w.issued("Về việc chỉnh lý tài liệu").await;
    let mut clerk = w.client("vanthu.snv").await;
    let f = clerk
        .create_record_file(&new_file("Hồ sơ nộp lưu thử", y, 0, Some("VP")))
        .await
        .good();
    clerk.file_document(f.id, &outgoing(first)).await.good();
    clerk.file_document(f.id, &outgoing(second)).await.good();
    // An open file is not handed over.
    let (status, _) = clerk.record_file_package(f.id).await;
    assert_eq!(status, StatusCode::CONFLICT);
    clerk.close_record_file(f.id).await.good();
    let e = clerk
        .file_document(f.id, &outgoing(first))
        .await
        .refused(StatusCode::CONFLICT);
    assert!(e.message.contains("đã đóng"), "{}", e.message);

    let (status, zip) = clerk.record_file_package(f.id).await;
    assert_eq!(status, StatusCode::OK);
    let file = clerk.record_file(f.id).await.good();
    assert_eq!(file.file.state, RecordFileState::HandedOver);
    assert_eq!(
        file.file.handed_over_by.as_ref().map(|p| p.id),
        Some(w.p.base.dept_clerk)
    );
    // Read-only now, each change refused with the reason.
    for e in [
        clerk
            .file_document(f.id, &outgoing(first))
            .await
            .refused(StatusCode::CONFLICT),
        clerk
            .unfile_document(f.id, "outgoing", first)
            .await
            .refused(StatusCode::CONFLICT),
        clerk
            .close_record_file(f.id)
            .await
            .refused(StatusCode::CONFLICT),
    ] {
        assert!(e.message.contains("đã nộp lưu"), "{}", e.message);
    }
    // The hand-over is in the audit log, once, though the package downloads again.
    let (again, _) = clerk.record_file_package(f.id).await;
    assert_eq!(again, StatusCode::OK);
    let q = shared::audit::AuditQuery {
        target: Some(format!("record_file:{}", f.id)),
        ..Default::default()
    };
    let mut admin = w.client("quantri.snv").await;
    let entries = admin.audit_search(&q).await.good().entries;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "record_file.handover")
            .count(),
        1,
        "{actions:?}"
    );
    assert!(actions.contains(&"record_file.close"));
    assert!(
        entries
            .iter()
            .any(|e| e.sentence.contains("đã nộp lưu hồ sơ") && e.sentence.contains(&f.code)),
        "{:?}",
        entries.iter().map(|e| &e.sentence).collect::<Vec<_>>()
    );

    // Unpacked by the real tools.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.zip"), &zip).unwrap();
    let (ok, out) = run(
        dir.path(),
        "python3",
        &[
            "-c",
            "import zipfile,sys; z=zipfile.ZipFile('package.zip'); bad=z.testzip(); sys.exit(1 if bad else 0)",
        ],
    );
    assert!(ok, "python zipfile: {out}");
    let unpacked = dir.path().join("x");
    std::fs::create_dir(&unpacked).unwrap();
    let (ok, out) = run(&unpacked, "unzip", &["-q", "../package.zip"]);
    assert!(ok, "unzip: {out}");
    let (ok, out) = run(&unpacked, "sha256sum", &["-c", "manifest-sha256.txt"]);
    assert!(ok, "sha256sum -c: {out}");
    let manifest = std::fs::read_to_string(unpacked.join("manifest-sha256.txt")).unwrap();
    // Every other entry is covered; the manifest does not list itself.
    let (_, listing) = run(dir.path(), "unzip", &["-Z1", "package.zip"]);
    let mut entries: Vec<&str> = listing.lines().filter(|l| !l.ends_with('/')).collect();
    entries.retain(|e| *e != "manifest-sha256.txt");
    entries.sort();
    let mut listed: Vec<&str> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    listed.sort();
    assert_eq!(listed, entries);
    assert!(listed.contains(&"bien-ban-giao-nhan.pdf"));
    assert!(listed.contains(&"ho-so.json") && listed.contains(&"ho-so.xml"));
    assert!(listed.contains(&"muc-luc.txt"));

    // The originals byte for byte: the issued files as the document page serves them.
    for (position, id) in [(1, first), (2, second)] {
        let d = clerk.outgoing(id).await.good();
        let issued = d.versions.iter().rfind(|v| v.kind == "issued").unwrap();
        let (_, bytes) = clerk.outgoing_file(id, issued.files[0].id).await;
        let prefix = format!("van-ban/{position:03}-di-{id}/01-");
        let path = listed.iter().find(|p| p.starts_with(&prefix)).unwrap();
        assert_eq!(std::fs::read(unpacked.join(path)).unwrap(), bytes, "{path}");
    }

    // The metadata, parsed as JSON and as XML by Python.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(unpacked.join("ho-so.json")).unwrap()).unwrap();
    assert_eq!(json["FileCode"]["OrganId"], "000.00.02.H62");
    assert_eq!(json["FileCode"]["FileCatalog"], y);
    assert_eq!(json["FileCode"]["FileNotation"], "01.VP");
    assert_eq!(json["Maintenance"], "Vĩnh viễn");
    assert_eq!(json["DocTotal"], 2);
    assert_eq!(json["Documents"][1]["Subject"], "Về việc chỉnh lý tài liệu");
    assert_eq!(json["Documents"][0]["DocOrdinal"], 1);
    assert_eq!(
        json["Documents"][0]["SignerInfo"]["FullName"],
        docs::LEADER_NAME
    );
    let (ok, out) = run(
        &unpacked,
        "python3",
        &[
            "-c",
            "import xml.etree.ElementTree as E; r=E.parse('ho-so.xml').getroot(); \
             print(r.tag, r.find('Title').text, len(r.find('Documents')), r.find('FileCode/OrganId').text)",
        ],
    );
    assert!(ok, "xml: {out}");
    assert_eq!(out.trim(), "RecordFile Hồ sơ nộp lưu thử 2 000.00.02.H62");
    let toc = std::fs::read_to_string(unpacked.join("muc-luc.txt")).unwrap();
    assert!(
        toc.contains("MỤC LỤC VĂN BẢN TRONG HỒ SƠ")
            && toc.contains("Về việc lưu trữ hồ sơ điện tử")
    );

    // The hand-over record: a sound PDF whose text reads Vietnamese.
    let (ok, out) = run(&unpacked, "qpdf", &["--check", "bien-ban-giao-nhan.pdf"]);
    assert!(ok, "qpdf --check: {out}");
    let (ok, text) = run(
        &unpacked,
        "pdftotext",
        &["-enc", "UTF-8", "bien-ban-giao-nhan.pdf", "-"],
    );
    assert!(ok, "pdftotext: {text}");
    for needle in [
        "BIÊN BẢN",
        "giao nhận hồ sơ",
        "SỞ NỘI VỤ",
        f.code.as_str(),
        "Vĩnh viễn",
        "Về việc chỉnh lý tài liệu",
        "ĐẠI DIỆN BÊN GIAO",
    ] {
        assert!(
            text.contains(needle),
            "«{needle}» not in the record:\n{text}"
        );
    }

    // A changed byte is caught by the manifest.
    let original = listed.iter().find(|p| p.starts_with("van-ban/")).unwrap();
    let mut bytes = std::fs::read(unpacked.join(original)).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(unpacked.join(original), bytes).unwrap();
    let (ok, _) = run(
        &unpacked,
        "sha256sum",
        &["-c", "--quiet", "manifest-sha256.txt"],
    );
    assert!(!ok, "a tampered original must fail the manifest");
    w.db.finish().await;
}

on_both_databases!(
    codes_are_unique_and_sequential_per_agency_and_year,
    files_created_at_once_get_distinct_consecutive_codes,
    documents_are_filed_in_order_and_in_several_files,
    an_incoming_document_is_filed_by_the_agency_that_registered_it,
    people_of_other_agencies_and_roles_are_kept_out,
    a_closed_file_is_due_for_hand_over_a_year_later_and_the_clerks_are_told_once,
    the_package_holds_the_originals_and_verifies_and_the_file_becomes_read_only,
);
