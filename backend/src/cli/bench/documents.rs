//! The generated documents, set-based. A temporary table `bd` holds one row per incoming document with every
//! choice made about it (agency, state, channel, times, lead unit and handler); each table is then filled by
//! one `INSERT … SELECT` from it. Choices are drawn from the document's number `i`; its id follows the arrival
//! time, as in a database that grew day by day (open work sits at the end of the tables, not scattered).
//!
//! The mix: of the N documents ≈2 % arrived (waiting for the clerk, verified), 3 % with the leader to assign,
//! 10 % in progress, 85 % completed; `--extra-arrived` more arrived ones. Channels: 50 % issued on this system
//! (one row per recipient of an outgoing document of another agency, ten recipients at most per outgoing
//! document, with the delivery and its status events), 25 % exchange, 15 % e-mail, 10 % paper. Completed
//! documents spread over three years; open ones arrived in the last 90 days, with deadlines from 30 days ago
//! to 30 days ahead (so about half are overdue and some due soon). Every assigned document has one lead
//! (person, or in one case of ten the unit as a whole) and on average one co-operating or informed unit or
//! person besides.

use shared::document::{DocumentType, Urgency};
use shared::incoming::{FileCheck, SignatureCheck, VerificationDto, urgency_rank};
use shared::outgoing::NumberPlacement;
use shared::time::Timestamp;

use super::province::{PEOPLE, UNITS};
use super::{Db, Plan, lit, pick, roll};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 86_400_000;
/// Vietnam is UTC+7: a day number in Vietnam is `(ms + VN) / DAY`.
const VN: i64 = 7 * HOUR;
const SPAN: i64 = 3 * 365 * DAY;
/// Distinct files the documents point at.
const BLOBS: i64 = 16;

/// File `b` of the benchmark province: an A4 document of 2 to 17 pages of Vietnamese text in the embedded font,
/// as the server's own printouts are made (25–55 KB, 2–27 pages: born-digital text deflates well).
fn bench_pdf(b: i64) -> anyhow::Result<Vec<u8>> {
    use vanban::print::{Orientation, Printer, Style};
    let subject = SUBJECTS[b as usize % SUBJECTS.len()];
    let mut p = Printer::new(Orientation::Portrait, subject)?;
    p.heading(&format!("Văn bản thử nghiệm số {b}"), 1);
    p.paragraph(subject, Style::BODY);
    for section in 0..(b + 2) * 6 {
        p.heading(&format!("Mục {}", section + 1), 2);
        for _ in 0..3 {
            p.paragraph(
                &format!(
                    "{subject}. Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư \
                     và Quy chế quản lý văn bản và điều hành trên môi trường mạng, đoạn {section} của tệp {b} trình bày nội dung \
                     để kiểm thử tải: đọc những byte đầu tiên của tệp PDF khi mở văn bản trên điện thoại."
                ),
                Style::BODY,
            );
        }
    }
    Ok(p.finish()?)
}

const SUBJECTS: [&str; 12] = [
    "Về việc triển khai kế hoạch cải cách hành chính",
    "Về việc báo cáo kết quả thực hiện nhiệm vụ quý",
    "Về việc góp ý dự thảo quyết định của Ủy ban nhân dân tỉnh",
    "Về việc tổ chức hội nghị sơ kết công tác chuyển đổi số",
    "Về việc rà soát thủ tục hành chính thuộc thẩm quyền giải quyết",
    "Về việc đôn đốc thực hiện chỉ thị về phòng, chống thiên tai",
    "Về việc cung cấp số liệu phục vụ xây dựng kế hoạch đầu tư công",
    "Về việc cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ",
    "Về việc tăng cường công tác quản lý văn bản điện tử",
    "Về việc thực hiện chế độ báo cáo thống kê định kỳ",
    "Về việc kiểm tra công tác văn thư, lưu trữ",
    "Về việc hướng dẫn thực hiện dự toán ngân sách",
];

/// Senders outside the province's system: name, code, short name for the notation.
/// A sender: name, code, short name.
type Sender = (&'static str, Option<&'static str>, &'static str);

const SENDERS: [Sender; 8] = [
    ("Bộ Nội vụ", Some("000.00.00.G09"), "BNV"),
    ("Bộ Tài chính", Some("000.00.00.G12"), "BTC"),
    ("Văn phòng Chính phủ", Some("000.00.00.G01"), "VPCP"),
    (
        "Ủy ban nhân dân huyện Long Hồ",
        Some("000.00.31.H62"),
        "UBND",
    ),
    (
        "Ủy ban nhân dân thành phố Vĩnh Long",
        Some("000.00.32.H62"),
        "UBND",
    ),
    ("Tỉnh ủy Vĩnh Long", None, "TU"),
    ("Công ty Điện lực Vĩnh Long", None, "PCVL"),
    ("Ngân hàng Nhà nước chi nhánh tỉnh Vĩnh Long", None, "NHNN"),
];

const SIGNERS: [&str; 4] = [
    "Nguyễn Văn Hùng",
    "Trần Thị Mai",
    "Lê Minh Tuấn",
    "Phạm Quốc Việt",
];

/// Equal weights over `values` (per mille, the last one taking the rest).
fn even(values: &[String]) -> Vec<(i64, String)> {
    let w = 1000 / values.len() as i64;
    values.iter().map(|v| (w, v.clone())).collect()
}

fn texts(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| lit(v)).collect()
}

/// Document types with their share (per mille), and what the notation puts around the issuer's short name:
/// `15/QĐ-STN3`, or `15/STN3-VP` for công văn, which has no abbreviation.
fn doc_types() -> Vec<(i64, DocumentType)> {
    [
        (400, "cong_van"),
        (100, "ke_hoach"),
        (100, "quyet_dinh"),
        (100, "thong_bao"),
        (100, "giay_moi"),
        (80, "bao_cao"),
        (60, "huong_dan"),
        (60, "to_trinh"),
    ]
    .into_iter()
    .map(|(w, c)| (w, DocumentType::from_code(c).expect("a document type code")))
    .collect()
}

fn doc_type_sql(r: &str) -> String {
    pick(
        r,
        &doc_types()
            .into_iter()
            .map(|(w, t)| (w, lit(t.code())))
            .collect::<Vec<_>>(),
    )
}

/// `number || notation` of a document numbered `num`, issued by `short`.
fn notation_sql(r: &str, num: &str, short: &str) -> String {
    let types = doc_types();
    let before = pick(
        r,
        &types
            .iter()
            .map(|(w, t)| {
                (
                    *w,
                    lit(&t.abbreviation().map_or("/".into(), |a| format!("/{a}-"))),
                )
            })
            .collect::<Vec<_>>(),
    );
    let after = pick(
        r,
        &types
            .iter()
            .map(|(w, t)| {
                (
                    *w,
                    lit(if t.abbreviation().is_some() {
                        ""
                    } else {
                        "-VP"
                    }),
                )
            })
            .collect::<Vec<_>>(),
    );
    format!("CAST({num} AS TEXT) || {before} || {short} || {after}")
}

fn urgencies() -> [(i64, Urgency); 4] {
    [
        (800, Urgency::Normal),
        (120, Urgency::Urgent),
        (60, Urgency::VeryUrgent),
        (20, Urgency::Immediate),
    ]
}

/// The urgency code as stored (its serde name, as the outgoing store writes it).
fn urgency_code(u: Urgency) -> String {
    serde_json::to_value(u)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn urgency_sql(r: &str) -> String {
    pick(
        r,
        &urgencies()
            .into_iter()
            .map(|(w, u)| (w, lit(&urgency_code(u))))
            .collect::<Vec<_>>(),
    )
}

fn urgency_rank_sql(column: &str) -> String {
    let arms: String = urgencies()
        .into_iter()
        .map(|(_, u)| format!(" WHEN {} THEN {}", lit(&urgency_code(u)), urgency_rank(u)))
        .collect();
    format!("CASE {column}{arms} ELSE 0 END")
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the server's check of an arrived file records when everything is in order.
fn verification_json(now: i64, sha: &str) -> String {
    let v = VerificationDto {
        ok: true,
        checked_at: Timestamp(now),
        files: vec![FileCheck {
            name: "van-ban.pdf".into(),
            sha256: sha.into(),
            pages: Some(2),
            signatures: vec![SignatureCheck {
                field: "Signature1".into(),
                signer: "Nguyễn Văn Hùng".into(),
                organization: Some("Sở Thử nghiệm".into()),
                issuer: "CA thử nghiệm vanban".into(),
                signing_time: None,
                ok: true,
                problems: vec![],
                timestamp: None,
                level: shared::signature::SignatureLevel::BB,
                document_timestamp: false,
                revocation: None,
            }],
            problems: vec![],
            warnings: vec![],
        }],
    };
    serde_json::to_string(&v).expect("serializable")
}

pub async fn seed(db: &mut Db, plan: &Plan) -> anyhow::Result<()> {
    let (n, agencies, now) = (plan.documents, plan.agencies, plan.now);
    let total = n + plan.extra_arrived;
    // Recipients of one outgoing document: consecutive documents of the same round, so distinct agencies.
    let group = (1..=10).rev().find(|g| agencies % g == 0).unwrap_or(1);
    let today = (now + VN) / DAY;
    let slot = (SPAN - 10 * DAY) / total.max(1);
    let r = |salt: usize| roll("i", salt);

    // The files: real PDFs in the blob store when one is given (the scale test reads their first bytes),
    // otherwise names and sizes alone (the list benchmarks never open a file).
    let mut files = Vec::new();
    for b in 0..BLOBS {
        files.push(match &plan.blobs {
            Some(store) => {
                let bytes = bench_pdf(b)?;
                let r = store.put(&mut bytes.as_slice(), None).await?;
                (r.sha256, r.size as i64)
            }
            None => (
                sha256_hex(&format!("vanban-bench-{b}")),
                120_000 + b * 37_000,
            ),
        });
    }
    let blobs: Vec<String> = files
        .iter()
        .map(|(sha, size)| format!("({}, {size}, 'application/pdf', NULL, {now})", lit(sha)))
        .collect();
    db.step(
        "blobs",
        &format!(
            "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at) VALUES {}",
            blobs.join(",")
        ),
    )
    .await?;
    db.exec(
        "CREATE TEMP TABLE bench_blobs AS SELECT sha256, size, \
         (SELECT COUNT(*) FROM blobs b2 WHERE b2.sha256 < b.sha256) AS n FROM blobs b",
    )
    .await?;

    // A document issued on this system reaches all its recipients at once: the state and arrival time are
    // drawn for the outgoing document (key `t`, its first recipient), the rest for each recipient.
    let state = pick(
        &roll("t", 1),
        &[
            (20, lit("arrived")),
            (30, lit("to_assign")),
            (100, lit("in_progress")),
            (850, lit("completed")),
        ],
    );
    let channel = pick(
        &r(3),
        &[
            (500, lit("system")),
            (250, lit("exchange")),
            (150, lit("email")),
            (100, lit("paper")),
        ],
    );
    let assigned_day = format!("(rcv + {} + {VN}) / {DAY}", 2 * HOUR);
    // The arrival year is the year it arrived (in Vietnam), as when the clerk accepts it.
    let reg_day = format!("(CASE WHEN reg IS NULL THEN NULL ELSE rcv END + {VN}) / {DAY}");
    db.exec(
        &format!(
            "CREATE TEMP TABLE bd AS \
             SELECT l3.*, {year} AS yr, row_number() OVER (ORDER BY rcv, i) AS id FROM ( \
              SELECT l2.*, \
               CASE WHEN st = 'arrived' THEN NULL ELSE rcv + {half_hour} END AS reg, \
               CASE WHEN st IN ('in_progress', 'completed') THEN rcv + {two_hours} END AS asg, \
               CASE WHEN st = 'completed' THEN CASE WHEN rcv + {three_hours} + r5 * 1209600 > {last} \
                 THEN {last} ELSE rcv + {three_hours} + r5 * 1209600 END END AS cmp, \
               CASE WHEN st = 'in_progress' THEN CASE WHEN {today} + r4 % 61 - 30 < {assigned_day} + 3 \
                   THEN {assigned_day} + 3 ELSE {today} + r4 % 61 - 30 END \
                 WHEN st = 'completed' THEN {assigned_day} + 10 END AS due_day, \
               CASE st WHEN 'completed' THEN 'done' WHEN 'in_progress' THEN \
                 CASE WHEN lead_user IS NULL THEN 'pending' WHEN r9 < 600 THEN 'processing' ELSE 'pending' END \
               END AS lead_state \
              FROM ( \
               SELECT l1.*, \
                CASE st WHEN 'arrived' THEN {now} - r2 * 259200 \
                  WHEN 'to_assign' THEN {now} - {hour} - r2 * 604800 \
                  WHEN 'in_progress' THEN {now} - {three_days} - r2 * 7516800 \
                  ELSE {start} + (t - 1) * {slot} + r2 * 3600 END AS rcv, \
                CASE WHEN ch = 'system' THEN (i - 1) / {group} + 1 END AS og, \
                CASE WHEN r7 < 100 THEN NULL ELSE (a - 1) * {PEOPLE} + 9 + (ul - 1) + 6 * (r8 % 5) END AS lead_user \
               FROM ( \
                SELECT i, a, ch, t, CASE WHEN i > {n} THEN 'arrived' ELSE {state} END AS st, \
                 {r2} AS r2, {r4} AS r4, {r5} AS r5, 2 + {r6} % 5 AS ul, {r7} AS r7, {r8} AS r8, \
                 {r9} AS r9, {r10} % 3 AS nx \
                FROM ( \
                 SELECT i, a, ch, CASE WHEN ch = 'system' THEN ((i - 1) / {group}) * {group} + 1 ELSE i END AS t \
                 FROM (SELECT i, (i - 1) % {agencies} + 1 AS a, {channel} AS ch FROM {series}) l0 \
                ) l01 \
               ) l1 \
              ) l2 \
             ) l3",
            year = db.day_year(&reg_day),
            half_hour = HOUR / 2,
            two_hours = 2 * HOUR,
            three_hours = 3 * HOUR,
            last = now - HOUR,
            hour = HOUR,
            three_days = 3 * DAY,
            start = now - SPAN,
            r2 = roll("t", 2),
            r4 = r(4),
            r5 = r(5),
            r6 = r(6),
            r7 = r(7),
            r8 = r(8),
            r9 = r(9),
            r10 = r(10),
            series = db.series(total),
        ),
    )
    .await?;
    println!(
        "plan: {} documents",
        db.scalar("SELECT COUNT(*) FROM bd").await?
    );

    // The senders' outgoing documents: one per round of up to ten recipients, from an agency outside it.
    let ko = roll("og", 1);
    let issued_day = format!("(issued + {VN}) / {DAY}");
    let placement = serde_json::to_string(&NumberPlacement::nd30_default(595.0, 842.0))?;
    db.step(
        "outgoing_documents",
        &format!(
            "INSERT INTO outgoing_documents (id, agency_id, unit_id, drafter_id, doc_type, subject, urgency, \
               reply_deadline, signer_id, signing_capacity, register_id, answers_delivery_id, paper_recipients, \
               number_placement, status, current_step, version, number, year, number_text, issued_at, issued_by, \
               created_at, updated_at) \
             SELECT og, sender, (sender - 1) * {UNITS} + 1, (sender - 1) * {PEOPLE} + 9, {doc_type}, {subject}, \
               {urgency}, NULL, (sender - 1) * {PEOPLE} + 1, 'direct', 2 * sender - 1, NULL, '[]', {placement}, \
               'issued', NULL, 1, num, yr, {notation}, issued, (sender - 1) * {PEOPLE} + 2, issued - {DAY}, issued \
             FROM ( \
              SELECT g2.*, row_number() OVER (PARTITION BY sender, yr ORDER BY issued, og) AS num FROM ( \
               SELECT og, issued, ((og - 1) * {group}) % {agencies} + {group} AS a0, \
                (((og - 1) * {group}) % {agencies} + {group} + {ro} % ({agencies} - {group})) % {agencies} + 1 \
                  AS sender, {yr} AS yr \
               FROM (SELECT og, MIN(rcv) - 600000 AS issued FROM bd WHERE og IS NOT NULL GROUP BY og) g1 \
              ) g2 \
             ) g3 JOIN agencies ag ON ag.id = g3.sender \
             ORDER BY og",
            doc_type = doc_type_sql(&ko),
            subject = pick(&roll("og", 3), &even(&texts(&SUBJECTS))),
            urgency = urgency_sql(&roll("og", 2)),
            placement = lit(&placement),
            notation = notation_sql(&ko, "num", "ag.short_name"),
            ro = roll("og", 0),
            yr = db.day_year(&issued_day),
        ),
    )
    .await?;
    db.step(
        "register_entries",
        "INSERT INTO register_entries (register_id, year, number, document_id, recorded_at) \
         SELECT register_id, year, number, id, issued_at FROM outgoing_documents ORDER BY id",
    )
    .await?;

    db.step(
        "deliveries",
        &format!(
            "INSERT INTO deliveries (id, outgoing_id, channel, recipient_agency_id, recipient_code, \
               recipient_name, position, status, status_at, exchange_state) \
             SELECT b.id, b.og, 'internal', b.a, ag.code, ag.name, (b.i - 1) % {group}, \
               CASE b.st WHEN 'arrived' THEN '01' WHEN 'to_assign' THEN '03' \
                 WHEN 'in_progress' THEN CASE WHEN b.lead_state = 'processing' THEN '05' ELSE '04' END \
                 ELSE '06' END, \
               CASE b.st WHEN 'arrived' THEN b.rcv WHEN 'to_assign' THEN b.reg \
                 WHEN 'in_progress' THEN CASE WHEN b.lead_state = 'processing' THEN b.asg + {HOUR} ELSE b.asg END \
                 ELSE b.cmp END, \
               NULL \
             FROM bd b JOIN agencies ag ON ag.id = b.a WHERE b.og IS NOT NULL ORDER BY b.id"
        ),
    )
    .await?;

    let ri = |salt: usize| roll("b.i", salt);
    let sender_pick = |f: &dyn Fn(&Sender) -> String| {
        pick(&ri(11), &even(&SENDERS.iter().map(f).collect::<Vec<_>>()))
    };
    let rcv_day = format!("(b.rcv + {VN}) / {DAY}");
    let due_day_text = db.day_text("b.due_day");
    db.step(
        "incoming_documents",
        &format!(
            "INSERT INTO incoming_documents (id, agency_id, channel, status, delivery_id, outgoing_id, \
               sender_agency_id, sender_name, sender_code, code_text, issued_date, doc_type, subject, urgency, \
               urgency_rank, signer_name, reply_deadline, declared_attachments, declared_pages, received_at, \
               backfilled, verification, verification_ok, register_id, arrival_year, arrival_number, \
               registered_at, registered_by, assigner_id, forwarded_at, instruction, due_date, due_at, \
               assigned_at, completed_at, note, created_by, created_at, updated_at) \
             SELECT id, a, ch, st, delivery_id, og, sender_agency_id, sender_name, sender_code, code_text, \
               issued_date, doc_type, subject, urgency, {rank}, signer_name, NULL, declared_attachments, \
               declared_pages, rcv, FALSE, {verification}, TRUE, 2 * a, yr, \
               CASE WHEN st = 'arrived' THEN NULL \
                 ELSE row_number() OVER (PARTITION BY a, yr ORDER BY reg, id) END, \
               reg, CASE WHEN reg IS NOT NULL THEN leader + 1 END, \
               CASE WHEN st = 'arrived' THEN NULL ELSE leader END, \
               CASE WHEN st = 'arrived' THEN NULL ELSE reg + 600000 END, \
               CASE WHEN asg IS NOT NULL THEN 'Giao phòng chủ trì xử lý, báo cáo kết quả đúng hạn.' END, \
               due_date, due_at, asg, cmp, NULL, \
               CASE WHEN ch = 'system' THEN NULL ELSE leader + 1 END, rcv, COALESCE(cmp, asg, reg, rcv) \
             FROM ( \
              SELECT b.id, b.i, b.a, b.ch, b.st, b.og, b.rcv, b.reg, b.asg, b.cmp, b.yr, (b.a - 1) * {PEOPLE} + 1 AS leader, \
               CASE WHEN b.og IS NOT NULL THEN b.id END AS delivery_id, o.agency_id AS sender_agency_id, \
               CASE WHEN b.og IS NOT NULL THEN sa.name ELSE {sender_name} END AS sender_name, \
               CASE WHEN b.og IS NOT NULL THEN sa.code ELSE {sender_code} END AS sender_code, \
               CASE WHEN b.og IS NOT NULL THEN o.number_text ELSE {code_text} END AS code_text, \
               CASE WHEN b.og IS NOT NULL THEN {issued_of_outgoing} ELSE {issued_before} END AS issued_date, \
               CASE WHEN b.og IS NOT NULL THEN o.doc_type ELSE {doc_type} END AS doc_type, \
               CASE WHEN b.og IS NOT NULL THEN o.subject ELSE {subject} END AS subject, \
               CASE WHEN b.og IS NOT NULL THEN o.urgency ELSE {urgency} END AS urgency, \
               CASE WHEN b.ch IN ('email', 'paper') THEN NULL ELSE {signer} END AS signer_name, \
               CASE WHEN {ri12} < 300 THEN 1 ELSE 0 END AS declared_attachments, 1 + {ri12} % 8 AS declared_pages, \
               CASE WHEN b.due_day IS NOT NULL THEN {due_day_text} END AS due_date, \
               CASE WHEN b.due_day IS NOT NULL THEN (b.due_day + 1) * {DAY} - {VN} - 1 END AS due_at \
              FROM bd b LEFT JOIN outgoing_documents o ON o.id = b.og LEFT JOIN agencies sa ON sa.id = o.agency_id \
             ) d ORDER BY id",
            rank = urgency_rank_sql("urgency"),
            verification = lit(&verification_json(now, &sha256_hex("vanban-bench-0"))),
            sender_name = sender_pick(&|s| lit(s.0)),
            sender_code = sender_pick(&|s| s.1.map_or("NULL".into(), lit)),
            code_text = notation_sql(
                &ri(1),
                "1 + (b.i * 7) % 997",
                &sender_pick(&|s| lit(s.2))
            ),
            issued_of_outgoing = db.day_text(&format!("(o.issued_at + {VN}) / {DAY}")),
            issued_before = db.day_text(&format!("{rcv_day} - 1 - {} % 3", ri(2))),
            doc_type = doc_type_sql(&ri(1)),
            subject = pick(&ri(3), &even(&texts(&SUBJECTS))),
            urgency = urgency_sql(&ri(4)),
            signer = pick(&ri(5), &even(&texts(&SIGNERS))),
            ri12 = ri(12),
        ),
    )
    .await?;

    db.step(
        "incoming_files",
        &format!(
            "INSERT INTO incoming_files (incoming_id, position, name, sha256, size) \
             SELECT b.id, k.p, CASE k.p WHEN 0 THEN 'van-ban-' ELSE 'phu-luc-' END || CAST(b.id AS TEXT) || '.pdf', \
               f.sha256, f.size \
             FROM bd b CROSS JOIN (SELECT 0 AS p UNION ALL SELECT 1) k \
               JOIN bench_blobs f ON f.n = (b.i * 7 + k.p * 3) % {BLOBS} \
             WHERE k.p = 0 OR {ri12} < 300 \
             ORDER BY b.id, k.p",
            ri12 = ri(12),
        ),
    )
    .await?;

    // Slot 0 is the lead; slots 1 and 2 (as many as `nx`) co-operate or are informed, in other units.
    let rs = |salt: usize| roll("b.i * 3 + k.s", salt);
    db.step(
        "assignments",
        &format!(
            "INSERT INTO assignments (incoming_id, agency_id, role, unit_id, user_id, parent_id, assigned_by, \
               on_behalf_of, instruction, due_date, due_at, urgency_rank, state, result, created_at, started_at, \
               done_at, last_urged_at) \
             SELECT i, a, role, (a - 1) * {UNITS} + u, user_id, NULL, (a - 1) * {PEOPLE} + 1, NULL, \
               CASE WHEN role = 'lead' THEN 'Chủ trì xử lý, báo cáo kết quả đúng hạn.' END, \
               CASE WHEN role = 'inform' THEN NULL ELSE due_date END, \
               CASE WHEN role = 'inform' THEN NULL ELSE due_at END, urgency_rank, state, \
               CASE WHEN state = 'done' AND role = 'lead' THEN 'Đã xử lý xong, đã báo cáo lãnh đạo.' END, \
               asg, CASE WHEN state = 'pending' THEN NULL ELSE asg + {HOUR} END, \
               CASE WHEN state = 'done' THEN COALESCE(cmp, asg + {DAY}) END, \
               CASE WHEN state <> 'done' AND due_at < {now} AND urge < 200 THEN {now} - {DAY} END \
             FROM ( \
              SELECT x.*, CASE WHEN st = 'completed' THEN 'done' WHEN s = 0 THEN lead_state \
                WHEN user_id IS NULL THEN 'pending' \
                WHEN role = 'cooperate' THEN CASE WHEN sr < 400 THEN 'pending' WHEN sr < 800 THEN 'processing' \
                  ELSE 'done' END \
                ELSE CASE WHEN sr < 500 THEN 'pending' ELSE 'done' END END AS state \
              FROM ( \
               SELECT y.*, CASE WHEN s = 0 THEN lead_user WHEN ur < 100 THEN NULL \
                 ELSE (a - 1) * {PEOPLE} + 9 + (u - 1) + 6 * (pr % 5) END AS user_id \
               FROM ( \
                SELECT b.id AS i, b.a, b.st, b.asg, b.cmp, b.lead_user, b.lead_state, k.s, \
                 d.due_date, d.due_at, d.urgency_rank, \
                 CASE WHEN k.s = 0 THEN b.ul ELSE 2 + (b.ul - 2 + k.s) % 5 END AS u, \
                 CASE WHEN k.s = 0 THEN 'lead' WHEN {rs4} < 500 THEN 'cooperate' ELSE 'inform' END AS role, \
                 {rs5} AS ur, {rs6} AS pr, {rs7} AS sr, {rs8} AS urge \
                FROM bd b CROSS JOIN (SELECT 0 AS s UNION ALL SELECT 1 UNION ALL SELECT 2) k \
                 JOIN incoming_documents d ON d.id = b.id \
                WHERE b.st IN ('in_progress', 'completed') AND k.s <= b.nx \
               ) y \
              ) x \
             ) z ORDER BY i, s",
            rs4 = rs(4),
            rs5 = rs(5),
            rs6 = rs(6),
            rs7 = rs(7),
            rs8 = rs(8),
        ),
    )
    .await?;

    // The handler who reports and completes: the lead person, or the unit's leader for a unit.
    let handler = format!("COALESCE(b.lead_user, (b.a - 1) * {PEOPLE} + 2 + b.ul)");
    db.step(
        "incoming_history",
        &format!(
            "INSERT INTO incoming_history (incoming_id, at, actor_id, on_behalf_of, action, comment) \
             SELECT b.id, \
               CASE k.s WHEN 0 THEN b.reg WHEN 1 THEN b.asg \
                 WHEN 2 THEN CASE WHEN b.cmp IS NULL THEN b.asg + {DAY} ELSE b.asg + (b.cmp - b.asg) / 2 END \
                 ELSE b.cmp END, \
               CASE k.s WHEN 0 THEN (b.a - 1) * {PEOPLE} + 2 WHEN 1 THEN (b.a - 1) * {PEOPLE} + 1 ELSE {handler} END, \
               NULL, \
               CASE k.s WHEN 0 THEN 'accepted' WHEN 1 THEN 'assigned' WHEN 2 THEN 'reported' ELSE 'completed' END, \
               CASE k.s WHEN 0 THEN CASE WHEN b.st = 'to_assign' THEN 'Trình lãnh đạo phân công.' END \
                 WHEN 1 THEN 'Giao phòng chủ trì xử lý, báo cáo kết quả đúng hạn.' \
                 WHEN 2 THEN 'Đã làm việc với các đơn vị liên quan, đang tổng hợp.' \
                 ELSE 'Đã hoàn thành, đã phát hành văn bản trả lời.' END \
             FROM bd b CROSS JOIN (SELECT 0 AS s UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k \
             WHERE (k.s = 0 AND b.st <> 'arrived') \
               OR (k.s = 1 AND b.st IN ('in_progress', 'completed')) \
               OR (k.s = 2 AND ((b.st = 'completed' AND {ri8} < 200) \
                 OR (b.st = 'in_progress' AND b.lead_state = 'processing' AND {ri8} < 500))) \
               OR (k.s = 3 AND b.st = 'completed') \
             ORDER BY b.id, k.s",
            ri8 = ri(8),
        ),
    )
    .await?;

    db.step(
        "delivery_events",
        &format!(
            "INSERT INTO delivery_events (delivery_id, status, at, actor_id, reason) \
             SELECT b.id, CASE k.s WHEN 0 THEN '01' WHEN 1 THEN '03' WHEN 2 THEN '04' WHEN 3 THEN '05' ELSE '06' END, \
               CASE k.s WHEN 0 THEN b.rcv WHEN 1 THEN b.reg WHEN 2 THEN b.asg WHEN 3 THEN b.asg + {HOUR} \
                 ELSE b.cmp END, \
               CASE k.s WHEN 0 THEN NULL WHEN 1 THEN (b.a - 1) * {PEOPLE} + 2 WHEN 2 THEN (b.a - 1) * {PEOPLE} + 1 \
                 ELSE {handler} END, \
               NULL \
             FROM bd b CROSS JOIN (SELECT 0 AS s UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 \
               UNION ALL SELECT 4) k \
             WHERE b.og IS NOT NULL AND (k.s = 0 \
               OR (k.s = 1 AND b.st <> 'arrived') \
               OR (k.s = 2 AND b.st IN ('in_progress', 'completed')) \
               OR (k.s = 3 AND ((b.st = 'in_progress' AND b.lead_state = 'processing') \
                 OR (b.st = 'completed' AND {ri9} < 500))) \
               OR (k.s = 4 AND b.st = 'completed')) \
             ORDER BY b.id, k.s",
            ri9 = ri(9),
        ),
    )
    .await?;

    // The registers' counters continue after the generated numbers.
    db.step(
        "register_counters",
        "INSERT INTO register_counters (register_id, year, high) \
         SELECT register_id, arrival_year, MAX(arrival_number) FROM incoming_documents \
         WHERE arrival_number IS NOT NULL GROUP BY register_id, arrival_year \
         UNION ALL \
         SELECT register_id, year, MAX(number) FROM outgoing_documents GROUP BY register_id, year",
    )
    .await?;
    if db.is_postgres() {
        for table in ["outgoing_documents", "deliveries", "incoming_documents"] {
            db.exec(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    db.exec("DROP TABLE bd; DROP TABLE bench_blobs").await?;
    Ok(())
}
