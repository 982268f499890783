//! Public verification of printed copies (issue 15), through the real router on both databases: the code a
//! reservation holds, printed with its QR code before the seal and refused when missing; what anyone learns
//! from a code or a file without signing in; the one 404; the rate limit per address; a recalled document.

use std::process::Command;

use crate::common::docs::{self, People, pki, upload};
use crate::common::{Client, TestDb};
use axum::http::{Method, StatusCode};
use shared::ErrorCode;
use shared::outgoing::{IssueRequest, NumberReservation, RecallRequest};
use shared::pdf::stamp::{Stamp, VERIFICATION_FIELD};
use shared::pki::CertRole;
use shared::verification::{PublicVerification, VerificationCode};

struct World {
    db: TestDb,
    p: People,
    app: axum::Router,
}

impl World {
    async fn new(db: TestDb) -> Self {
        Self::with_config(db, docs::config()).await
    }

    async fn with_config(db: TestDb, config: vanban::config::Config) -> Self {
        let p = docs::people(db.store.as_ref()).await;
        let app = crate::common::app(db.store.clone(), config);
        Self { db, p, app }
    }

    async fn clerk(&self) -> Client {
        docs::client(&self.app, "vanthu.snv").await
    }

    /// A document signed by the leader, waiting for the clerk.
    async fn signed(&self) -> i64 {
        let id = docs::awaiting_signature(&self.app, &self.p, false).await;
        docs::leader_signature(&self.app, id).await.good();
        id
    }
}

fn issue(sha: String) -> IssueRequest {
    IssueRequest {
        main_sha256: sha,
        attachments: vec![],
    }
}

fn seal() -> shared::pdf::cms::RsaSigner {
    pki().signer(docs::DEPT_NAME, CertRole::Seal)
}

/// What anyone gets for a code, without signing in.
async fn by_code(
    anyone: &mut Client,
    code: &str,
) -> crate::common::api::Response<PublicVerification> {
    anyone.public_verify(code).await
}

async fn a_reservation_carries_a_code_the_issued_document_keeps_and_anyone_can_check(db: TestDb) {
    let w = World::new(db).await;
    let id = w.signed().await;
    let mut clerk = w.clerk().await;
    let first = clerk.reserve_number(id).await.good();
    let code =
        VerificationCode::parse(&first.verification_code).expect("a code of the documented form");
    assert_eq!(code.as_str(), first.verification_code);
    assert_eq!(
        first.verification_url,
        format!("http://vanban.test/xac-minh/{}", first.verification_code)
    );
    // Renewing the hold keeps the code (a file being sealed carries it); a new reservation gets a new one.
    let renewed = clerk.reserve_number(id).await.good();
    assert_eq!(renewed.verification_code, first.verification_code);
    clerk.release_number(id).await.good();
    let second = clerk.reserve_number(id).await.good();
    assert_ne!(second.verification_code, first.verification_code);
    assert_eq!(clerk.outgoing(id).await.good().verification_code, None);

    let doc = docs::issue_as_clerk(&mut clerk, id).await.good();
    let code = second.verification_code.clone();
    assert_eq!(doc.verification_code.as_deref(), Some(code.as_str()));
    // The issued file carries the code as the value of its stamp field, filled after the leader signed.
    let issued = docs::main_file_of(&mut clerk, &doc).await;
    let pdf = shared::pdf::document::Document::open(&issued[..]).unwrap();
    let field = pdf
        .fields()
        .unwrap()
        .into_iter()
        .find(|f| f.name == VERIFICATION_FIELD)
        .expect("the stamp field");
    assert_eq!(
        pdf.resolve(field.value.as_ref().unwrap()).unwrap(),
        shared::pdf::object::Object::String(shared::pdf::object::encode_text_string(&code))
    );

    // Anyone, signed in or not, typing the code in lower case without hyphens.
    let mut anyone = Client::with_app(w.app.clone());
    let typed = code.replace('-', "").to_lowercase();
    let v = by_code(&mut anyone, &typed).await.good();
    assert!(v.authentic && !v.recalled);
    assert_eq!(v.number_text, doc.number_text);
    assert_eq!(v.agency.as_deref(), Some(docs::DEPT_NAME));
    assert_eq!(v.date, doc.issued_at.map(shared::civil_date::CivilDate::of));
    let names: Vec<&str> = v.signers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, [docs::LEADER_NAME, docs::DEPT_NAME]);
    assert!(v.signers.iter().all(|s| s.time.is_some()));
    let download = v.download.expect("a download address");
    assert_eq!(download, format!("/api/public/verify/{code}/file"));

    // The original, byte for byte, without signing in; checking it back is authentic.
    let (status, original) = anyone.download(&download).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(docs::sha256(&original), docs::sha256(&issued));
    let by_file = anyone.public_verify_file(&original).await.good();
    assert_eq!(by_file, by_code(&mut anyone, &code).await.good());

    // Any other bytes are not: one byte changed inside a signed range, the draft, the file with bytes appended
    // or cut short.
    let mut tampered = original.clone();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x20;
    let mut extended = original.clone();
    extended.extend_from_slice(b"\n% appended\n");
    let truncated = original[..original.len() - 10].to_vec();
    for other in [tampered, docs::draft_pdf(), extended, truncated] {
        let v = anyone.public_verify_file(&other).await.good();
        assert_eq!(v, PublicVerification::not_authentic());
    }
    w.db.finish().await;
}

async fn an_issue_without_the_reserved_code_is_refused_and_consumes_no_number(db: TestDb) {
    let w = World::new(db).await;
    let id = w.signed().await;
    let mut clerk = w.clerk().await;
    let doc = clerk.outgoing(id).await.good();
    let signed = docs::main_file_of(&mut clerk, &doc).await;

    // Filled by an outdated browser: number and date only.
    let r = clerk.reserve_number(id).await.good();
    let sealed = docs::fill_and_seal_with(&signed, &r, None, &seal());
    let sha = upload(&mut clerk, &sealed).await;
    let e = clerk
        .issue(id, &issue(sha))
        .await
        .refused_with(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation);
    assert!(e.message.contains("mã xác minh"), "{}", e.message);
    assert!(e.message.contains(&r.verification_code), "{}", e.message);

    // Another code (of an earlier reservation, or made up).
    let r = clerk.reserve_number(id).await.good();
    let other = Stamp {
        code: "7K3M-Q9XD-2FHB".into(),
        url: "http://vanban.test/xac-minh/7K3M-Q9XD-2FHB".into(),
    };
    let sealed = docs::fill_and_seal_with(&signed, &r, Some(&other), &seal());
    let sha = upload(&mut clerk, &sealed).await;
    let e = clerk
        .issue(id, &issue(sha))
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("7K3M-Q9XD-2FHB"), "{}", e.message);

    // Nothing was consumed: the proper issue takes number 1.
    let doc = docs::issue_as_clerk(&mut clerk, id).await.good();
    assert_eq!(doc.number, Some(1));
    w.db.finish().await;
}

/// `vanban pdf fill-number --code` draws exactly what the browser's worker draws (both call the shared core),
/// and the server accepts what it made.
async fn the_command_line_fills_the_same_bytes_as_the_browser(db: TestDb) {
    let w = World::new(db).await;
    let id = w.signed().await;
    let mut clerk = w.clerk().await;
    let doc = clerk.outgoing(id).await.good();
    let signed = docs::main_file_of(&mut clerk, &doc).await;
    let r: NumberReservation = clerk.reserve_number(id).await.good();
    let stamp = Stamp {
        code: r.verification_code.clone(),
        url: r.verification_url.clone(),
    };
    let browser = shared::pdf::fill::fill_number(
        &signed,
        r.number,
        &r.notation,
        (r.date.year, r.date.month, r.date.day),
        Some(&stamp),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (
        dir.path().join("signed.pdf"),
        dir.path().join("numbered.pdf"),
    );
    std::fs::write(&input, &signed).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["pdf", "fill-number"])
        .arg(&input)
        .arg(&output)
        .args(["--number", &r.number.to_string(), "--notation", &r.notation])
        .args(["--date", &r.date.to_string()])
        // As typed from the screen: lower case, without hyphens.
        .args([
            "--code",
            &r.verification_code.replace('-', "").to_lowercase(),
        ])
        .args(["--url-base", "http://vanban.test/"])
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cli = std::fs::read(&output).unwrap();
    assert_eq!(cli, [&signed[..], &browser].concat());

    let sealed = docs::sign(&cli, &seal(), shared::pdf::sign::SignatureKind::Seal, None);
    let sha = upload(&mut clerk, &sealed).await;
    let doc = clerk.issue(id, &issue(sha)).await.good();
    assert_eq!(doc.verification_code, Some(r.verification_code));
    w.db.finish().await;
}

async fn unknown_and_malformed_codes_get_the_same_404(db: TestDb) {
    let w = World::new(db).await;
    let mut anyone = Client::with_app(w.app.clone());
    let unknown = anyone
        .public_verify("7K3M-Q9XD-2FHB")
        .await
        .refused_with(StatusCode::NOT_FOUND, ErrorCode::NotFound);
    for bad in ["abc", "7K3M-Q9XD-2FHU", "%2e%2e", "1234567890123456789"] {
        let e = anyone
            .public_verify(bad)
            .await
            .refused_with(StatusCode::NOT_FOUND, ErrorCode::NotFound);
        assert_eq!(e, unknown, "{bad}");
        let (status, _) = anyone.download(&shared::api::public_verify_file(bad)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Not a PDF body: a clear 400; from another site (a browser's Origin): 403 like every write.
    let answer = anyone
        .raw(
            Method::POST,
            shared::api::PUBLIC_VERIFY,
            b"%PDF-1.7".to_vec(),
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = anyone
        .raw(
            Method::POST,
            shared::api::PUBLIC_VERIFY,
            docs::draft_pdf(),
            &[
                ("content-type", "application/pdf"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    w.db.finish().await;
}

async fn public_verification_is_rate_limited_per_address(db: TestDb) {
    let mut config = docs::config();
    config.verify_limits = vanban::config::VerifyLimits {
        per_window: 3,
        window_ms: 60_000,
    };
    let w = World::with_config(db, config).await;
    let mut anyone = Client::with_app(w.app.clone());
    for _ in 0..3 {
        anyone
            .public_verify("7K3M-Q9XD-2FHB")
            .await
            .refused(StatusCode::NOT_FOUND);
    }
    // The fourth request of this address, whatever the route.
    let limited = anyone.public_verify_file(&docs::draft_pdf()).await;
    let retry: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let e = limited.refused_with(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited);
    assert!(e.message.contains("thử lại sau"), "{}", e.message);
    // Another address is not held back.
    let mut other = Client::with_app(w.app.clone());
    other.addr = "198.51.100.7:40000".parse().unwrap();
    other
        .public_verify("7K3M-Q9XD-2FHB")
        .await
        .refused(StatusCode::NOT_FOUND);
    w.db.finish().await;
}

async fn a_recalled_document_is_no_longer_authentic_nor_handed_out(db: TestDb) {
    let w = World::new(db).await;
    let id = w.signed().await;
    let mut clerk = w.clerk().await;
    let doc = docs::issue_as_clerk(&mut clerk, id).await.good();
    let code = doc.verification_code.clone().unwrap();
    let issued = docs::main_file_of(&mut clerk, &doc).await;
    clerk
        .recall(
            id,
            &RecallRequest {
                reason: "Sai số liệu phụ lục.".into(),
            },
        )
        .await
        .good();
    let mut anyone = Client::with_app(w.app.clone());
    let v = anyone.public_verify(&code).await.good();
    assert!(!v.authentic && v.recalled);
    assert_eq!(v.number_text, doc.number_text);
    assert_eq!(v.download, None);
    let by_file = anyone.public_verify_file(&issued).await.good();
    assert!(!by_file.authentic && by_file.recalled);
    let (status, _) = anyone
        .download(&shared::api::public_verify_file(&code))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    w.db.finish().await;
}

on_both_databases!(
    a_reservation_carries_a_code_the_issued_document_keeps_and_anyone_can_check,
    an_issue_without_the_reserved_code_is_refused_and_consumes_no_number,
    the_command_line_fills_the_same_bytes_as_the_browser,
    unknown_and_malformed_codes_get_the_same_404,
    public_verification_is_rate_limited_per_address,
    a_recalled_document_is_no_longer_authentic_nor_handed_out,
);
