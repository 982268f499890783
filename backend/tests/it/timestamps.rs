//! Trusted timestamps (RFC 3161, PAdES B-T) judged by others: tokens of `vanban tsa serve` verify with
//! `openssl ts -verify`; a PDF signed with `vanban pdf sign --tsa` validates with its timestamp in pyHanko and in
//! poppler's `pdfsig`; and the server timestamps every signature it accepts when a TSA is configured, refusing
//! the step (503) while the TSA cannot be reached.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::Value;
use shared::pdf::verify::{VerifyOptions, verify_document};
use shared::pki::CertRole;
use shared::signature::SignatureLevel;

use crate::common::TestDb;
use crate::common::docs::{self, pki};
use crate::common::server::free_port;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn vanban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run vanban")
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// `vanban tsa serve` as its own process, stopped when dropped.
pub(crate) struct TsaProcess {
    child: Child,
    port: u16,
}

impl TsaProcess {
    pub(crate) fn start(ca: &Path) -> Self {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(["tsa", "serve", "--ca", ca.to_str().unwrap(), "--addr"])
            .arg(format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The first start issues the TSA's certificate (an RSA key): wait for the port.
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self { child, port };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("vanban tsa serve did not start");
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/tsa", self.port)
    }

    /// A plain HTTP/1.1 POST, as any RFC 3161 client sends it: the status line and the body.
    fn post(&self, content_type: &str, body: &[u8]) -> (String, Vec<u8>) {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "POST /tsa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        let mut reply = Vec::new();
        s.read_to_end(&mut reply).unwrap();
        let split = reply
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP reply");
        let head = String::from_utf8_lossy(&reply[..split]).to_string();
        (head, reply[split + 4..].to_vec())
    }
}

impl Drop for TsaProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl installed")
}

#[test]
fn tokens_of_vanban_tsa_serve_verify_with_openssl_and_bad_requests_are_rejected_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca");
    ok(vanban(&["pki", "init-ca", "--out", ca.to_str().unwrap()]));
    let tsa = TsaProcess::start(&ca);
    let path = |n: &str| dir.path().join(n).to_str().unwrap().to_string();

    // The TSA's certificate: issued from the CA on first start, timeStamping marked critical.
    let cert = ok(openssl(&[
        "x509",
        "-in",
        &path("ca/tsa.pem"),
        "-noout",
        "-text",
    ]));
    assert!(
        cert.contains("X509v3 Extended Key Usage: critical") && cert.contains("Time Stamping"),
        "{cert}"
    );

    std::fs::write(path("data.txt"), "Quyết định số 01/QĐ-UBND").unwrap();
    ok(openssl(&[
        "ts",
        "-query",
        "-data",
        &path("data.txt"),
        "-sha256",
        "-cert",
        "-out",
        &path("req.tsq"),
    ]));
    let (head, reply) = tsa.post(
        "application/timestamp-query",
        &std::fs::read(path("req.tsq")).unwrap(),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_lowercase()
            .contains("content-type: application/timestamp-reply"),
        "{head}"
    );
    std::fs::write(path("reply.tsr"), &reply).unwrap();
    let text = ok(openssl(&[
        "ts",
        "-reply",
        "-in",
        &path("reply.tsr"),
        "-text",
    ]));
    assert!(text.contains("Status: Granted."), "{text}");
    assert!(text.contains("Nonce:"), "{text}");
    let verified = ok(openssl(&[
        "ts",
        "-verify",
        "-data",
        &path("data.txt"),
        "-in",
        &path("reply.tsr"),
        "-CAfile",
        &path("ca/ca.pem"),
    ]));
    assert!(verified.contains("Verification: OK"), "{verified}");
    // The same token does not vouch for other data.
    std::fs::write(path("other.txt"), "Quyết định số 02/QĐ-UBND").unwrap();
    let other = openssl(&[
        "ts",
        "-verify",
        "-data",
        &path("other.txt"),
        "-in",
        &path("reply.tsr"),
        "-CAfile",
        &path("ca/ca.pem"),
    ]);
    assert!(!other.status.success());

    // Not a request: a rejection with its reason, not a crash. SHA-1: refused as a bad algorithm.
    let (head, reply) = tsa.post("application/timestamp-query", b"not DER");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    std::fs::write(path("bad.tsr"), &reply).unwrap();
    let text = ok(openssl(&["ts", "-reply", "-in", &path("bad.tsr"), "-text"]));
    assert!(text.contains("Status: Rejected."), "{text}");
    assert!(
        text.contains("the data submitted has the wrong format"),
        "{text}"
    );
    ok(openssl(&[
        "ts",
        "-query",
        "-data",
        &path("data.txt"),
        "-sha1",
        "-out",
        &path("sha1.tsq"),
    ]));
    let (_, reply) = tsa.post(
        "application/timestamp-query",
        &std::fs::read(path("sha1.tsq")).unwrap(),
    );
    std::fs::write(path("sha1.tsr"), &reply).unwrap();
    let text = ok(openssl(&[
        "ts",
        "-reply",
        "-in",
        &path("sha1.tsr"),
        "-text",
    ]));
    assert!(
        text.contains("unrecognized or unsupported algorithm"),
        "{text}"
    );
    let (head, body) = tsa.post("text/plain", b"hello");
    assert!(head.starts_with("HTTP/1.1 415"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("application/timestamp-query"));

    // A restart keeps its certificate (the same serial, no second issue).
    drop(tsa);
    let before = std::fs::read(path("ca/tsa.pem")).unwrap();
    let again = TsaProcess::start(&ca);
    assert_eq!(std::fs::read(path("ca/tsa.pem")).unwrap(), before);
    drop(again);
}

/// The judges' Python (pyHanko), installed by scripts/judges/ensure.sh when missing.
fn python() -> String {
    let out = Command::new(repo().join("scripts/judges/ensure.sh"))
        .current_dir(repo())
        .output()
        .expect("run scripts/judges/ensure.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn a_pdf_signed_with_tsa_validates_with_its_timestamp_in_pyhanko_pdfsig_and_our_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    ok(vanban(&["pki", "init-ca", "--out", &path("ca")]));
    ok(vanban(&[
        "pki",
        "issue",
        "--ca",
        &path("ca"),
        "--cn",
        "Trần Thị Bình",
        "--org",
        "UBND tỉnh Vĩnh Long",
        "--p12",
        &path("leader.p12"),
        "--pin",
        "246810",
    ]));
    let tsa = TsaProcess::start(&dir.path().join("ca"));
    let input = repo().join("shared/tests/corpus/gs-pdfwrite-1.7.pdf");
    ok(vanban(&[
        "pdf",
        "sign",
        input.to_str().unwrap(),
        &path("signed.pdf"),
        "--p12",
        &path("leader.p12"),
        "--pin",
        "246810",
        "--tsa",
        &tsa.url(),
    ]));

    let ours: Value = serde_json::from_str(&ok(vanban(&[
        "pdf",
        "verify",
        &path("signed.pdf"),
        "--trust",
        &path("ca/ca.pem"),
        "--json",
    ])))
    .unwrap();
    assert_eq!(ours[0]["level"], "B-T", "{ours}");
    assert_eq!(ours[0]["timestamp"]["valid"], true, "{ours}");
    assert_eq!(
        ours[0]["timestamp"]["tsa"],
        "Dịch vụ cấp dấu thời gian vanban (thử nghiệm)"
    );

    let out = Command::new(python())
        .arg(repo().join("scripts/judges/pyhanko_validate.py"))
        .args([&path("signed.pdf"), "--trust", &path("ca/ca.pem")])
        .output()
        .unwrap();
    let judged: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("pyHanko: {}", String::from_utf8_lossy(&out.stderr)));
    let sig = &judged[0];
    assert_eq!(sig["bottom_line"], true, "{judged}");
    let ts = &sig["timestamp"];
    assert!(
        ts["intact"] == true && ts["valid"] == true && ts["trusted"] == true,
        "{judged}"
    );
    assert!(
        ts["tsa"]
            .as_str()
            .unwrap()
            .contains("Dịch vụ cấp dấu thời gian vanban")
    );
    assert!(
        sig["summary"]
            .as_str()
            .unwrap()
            .contains("TIMESTAMP_TOKEN<INTACT:TRUSTED>"),
        "{judged}"
    );

    let pdfsig = Command::new("pdfsig")
        .arg(path("signed.pdf"))
        .output()
        .expect("pdfsig installed");
    let text = String::from_utf8_lossy(&pdfsig.stdout);
    assert!(text.contains("Signature is Valid."), "{text}");
    assert!(text.contains("Total document signed"), "{text}");

    // Without a TSA to ask, signing fails with the reason instead of quietly signing without trusted time.
    let down = vanban(&[
        "pdf",
        "sign",
        input.to_str().unwrap(),
        &path("down.pdf"),
        "--p12",
        &path("leader.p12"),
        "--pin",
        "246810",
        "--tsa",
        &format!("http://127.0.0.1:{}/", free_port()),
    ]);
    assert!(!down.status.success());
    assert!(
        String::from_utf8_lossy(&down.stderr)
            .contains("Không kết nối được máy chủ cấp dấu thời gian"),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    assert!(!Path::new(&path("down.pdf")).exists());
}

/// A TSA of the test CA, served in-process on a loopback port (the router of `vanban tsa serve`).
pub(crate) async fn in_process_tsa() -> String {
    let tsa = Arc::new(vanban::tsa::service::Tsa {
        signer: pki().signer("TSA kiểm thử", CertRole::Tsa { eku_critical: true }),
        policy: shared::pdf::tsp::DEMO_POLICY,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, vanban::tsa::service::router(tsa))
            .await
            .unwrap();
    });
    format!("http://{addr}/")
}

fn verified(bytes: &[u8]) -> Vec<shared::pdf::verify::SignatureReport> {
    let options = VerifyOptions {
        trust_anchors: vec![pki().ca_cert.clone()],
        crls: vec![],
        ocsps: vec![],
    };
    verify_document(bytes, &options).unwrap()
}

async fn the_server_timestamps_the_leaders_and_the_agencys_signatures(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = docs::config();
    config.tsa_url = Some(in_process_tsa().await);
    let app = crate::common::app(db.store.clone(), config);
    let id = docs::awaiting_signature(&app, &p, false).await;

    let doc = docs::leader_signature(&app, id).await.good();
    let mut leader = docs::client(&app, "gd.snv").await;
    let signed = docs::main_file_of(&mut leader, &doc).await;
    let reports = verified(&signed);
    assert_eq!(reports.len(), 1);
    assert!(reports[0].ok, "{:?}", reports[0].problems);
    assert_eq!(reports[0].level, SignatureLevel::BT);
    assert_eq!(reports[0].timestamp.as_ref().unwrap().tsa, "TSA kiểm thử");

    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let file = docs::main_file_of(&mut clerk, &issued).await;
    let reports = verified(&file);
    assert_eq!(reports.len(), 2);
    for r in &reports {
        assert!(r.ok, "{}: {:?}", r.field, r.problems);
        assert_eq!(r.level, SignatureLevel::BT, "{}", r.field);
    }
    // The clerk sealed the stamped version the server recorded, not the bytes the leader uploaded.
    assert!(file.starts_with(&signed));

    // The province's copy carries the server's verdict with both timestamps.
    let mut pclerk = docs::client(&app, "vanthu.ubnd").await;
    let list = pclerk
        .incoming_list(shared::incoming::IncomingBucket::ToRegister)
        .await
        .good();
    let incoming = list.items.iter().map(|i| i.id).max().expect("arrived");
    let copy = pclerk.incoming(incoming).await.good();
    let verdict = copy.verification.expect("verified on arrival");
    assert!(verdict.ok);
    let sigs = &verdict.files[0].signatures;
    assert_eq!(sigs.len(), 2);
    for s in sigs {
        assert_eq!(s.level, SignatureLevel::BT, "{}", s.field);
        let t = s.timestamp.as_ref().expect("a timestamp");
        assert!(t.valid && t.tsa == "TSA kiểm thử", "{t:?}");
    }
    db.finish().await;
}

async fn a_signing_step_is_refused_with_503_while_the_tsa_cannot_be_reached(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = docs::config();
    config.tsa_url = Some(format!("http://127.0.0.1:{}/", free_port()));
    let app = crate::common::app(db.store.clone(), config);
    let id = docs::awaiting_signature(&app, &p, false).await;
    let e = docs::leader_signature(&app, id)
        .await
        .refused(StatusCode::SERVICE_UNAVAILABLE);
    assert!(e.message.contains("dấu thời gian"), "{}", e.message);
    let mut leader = docs::client(&app, "gd.snv").await;
    let doc = leader.outgoing(id).await.good();
    assert_eq!(
        doc.status,
        shared::outgoing::OutgoingStatus::AwaitingSignature
    );
    db.finish().await;
}

async fn a_signature_uploaded_with_a_broken_timestamp_is_refused(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = docs::config();
    config.tsa_url = Some(in_process_tsa().await);
    let app = crate::common::app(db.store.clone(), config);
    let id = docs::awaiting_signature(&app, &p, false).await;
    let mut leader = docs::client(&app, "gd.snv").await;
    let doc = leader.outgoing(id).await.good();
    let draft = docs::main_file_of(&mut leader, &doc).await;
    // The browser's own token, from a TSA of the trusted CA, with one byte of the TSA's signature changed.
    let tsa = pki().signer("TSA kiểm thử", CertRole::Tsa { eku_critical: true });
    let request = shared::pdf::sign::SignatureRequest {
        kind: shared::pdf::sign::SignatureKind::Signer,
        page: 0,
        rect: None,
        image_png: None,
        text: None,
        signer_name: docs::LEADER_NAME.into(),
        organization: None,
        time: shared::time::Timestamp(vanban::store::now_ms()),
    };
    let appended = shared::pdf::sign::sign_timestamped(
        &draft,
        &request,
        &pki().signer(docs::LEADER_NAME, CertRole::Person),
        &mut |value| {
            let req = shared::pdf::tsp::Request::new(value, 1).unwrap();
            let authority = shared::pdf::tsp::Authority {
                signer: &tsa,
                policy: shared::pdf::tsp::DEMO_POLICY,
            };
            let reply = shared::pdf::tsp::respond(
                &authority,
                &req.der,
                shared::time::Timestamp(vanban::store::now_ms()),
                &[9],
            );
            let mut token = req.token_from(&reply).unwrap();
            let n = token.len();
            token[n - 10] ^= 1;
            Ok(token)
        },
    )
    .unwrap();
    let signed = [draft, appended].concat();
    let sha = docs::upload(&mut leader, &signed).await;
    let e = leader
        .sign(id, &shared::outgoing::SignRequest { main_sha256: sha })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.message.contains("Dấu thời gian kèm chữ ký"),
        "{}",
        e.message
    );
    db.finish().await;
}

crate::on_both_databases!(
    the_server_timestamps_the_leaders_and_the_agencys_signatures,
    a_signing_step_is_refused_with_503_while_the_tsa_cannot_be_reached,
    a_signature_uploaded_with_a_broken_timestamp_is_refused,
);
