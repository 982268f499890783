//! Long-term validation at issue (PAdES B-LTA), judged by others: with CRLs of its trust anchors and a TSA,
//! the server stores, delivers and publicly verifies the issued file with a DSS and a document timestamp
//! appended; pyHanko's long-term validation passes it with the trust anchor alone and nothing fetched,
//! `qpdf --check` finds nothing and `pdfsig` still says every signature is valid. Without the CRL of an issuer
//! the issue is refused (503) and the number goes back. Before the last document timestamp's certificate
//! expires, the archive job gives the files a new one as the document's next issued version.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use axum::http::StatusCode;
use serde_json::Value;
use shared::pdf::verify::{VerifyOptions, verify_document};
use shared::signature::SignatureLevel;

use crate::common::TestDb;
use crate::common::docs::{self, pki};
use crate::timestamps::in_process_tsa;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The judges' Python (pyHanko), installed by scripts/judges/ensure.sh when missing.
fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new(repo().join("scripts/judges/ensure.sh"))
            .current_dir(repo())
            .output()
            .expect("run scripts/judges/ensure.sh");
        assert!(out.status.success(), "judges unavailable");
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines().last().unwrap().trim().to_string()
    })
}

/// pyHanko's PAdES B-LTA validation of each signature, with the test CA as the only trust anchor.
pub(crate) fn pyhanko_lta(file: &Path, ca: &Path) -> Vec<Value> {
    let out = Command::new(python())
        .arg(repo().join("scripts/judges/pyhanko_lta.py"))
        .arg(file)
        .arg("--trust")
        .arg(ca)
        .output()
        .expect("run pyhanko_lta.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn config_with_crl() -> vanban::config::Config {
    let mut config = docs::config();
    config.crls = vec![pki().empty_crl()];
    config
}

async fn an_issued_file_carries_its_validation_data_and_a_document_timestamp(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = config_with_crl();
    config.tsa_url = Some(in_process_tsa().await);
    let app = crate::common::app(db.store.clone(), config);
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let file = docs::main_file_of(&mut clerk, &issued).await;

    // Our verifier, given no CRL: the DSS is where revocation comes from.
    let options = VerifyOptions {
        trust_anchors: vec![pki().ca_cert.clone()],
        crls: vec![],
        ocsps: vec![],
    };
    let reports = verify_document(&file[..], &options).unwrap();
    assert_eq!(reports.len(), 3, "leader, seal, document timestamp");
    for r in &reports {
        assert!(r.ok, "{}: {:?}", r.field, r.problems);
        assert_eq!(r.level, SignatureLevel::BLTA, "{}", r.field);
    }
    assert!(reports[2].document_timestamp);
    assert_eq!(
        issued.versions.last().unwrap().files[0].sha256,
        docs::sha256(&file)
    );

    // The public verification compares the final bytes.
    let mut anyone = crate::common::Client::with_app(app.clone());
    let answer = anyone.public_verify_file(&file).await.good();
    assert!(answer.authentic);

    // The recipient's verdict is of the final file.
    let mut pclerk = docs::client(&app, "vanthu.ubnd").await;
    let list = pclerk
        .incoming_list(shared::incoming::IncomingBucket::ToRegister)
        .await
        .good();
    let incoming = list.items.iter().map(|i| i.id).max().expect("arrived");
    let verdict = pclerk
        .incoming(incoming)
        .await
        .good()
        .verification
        .expect("verified on arrival");
    assert!(verdict.ok);
    assert_eq!(verdict.files[0].sha256, docs::sha256(&file));
    let levels: Vec<_> = verdict.files[0]
        .signatures
        .iter()
        .map(|s| s.level)
        .collect();
    assert_eq!(levels, vec![SignatureLevel::BLTA; 3]);
    assert!(verdict.files[0].signatures[2].document_timestamp);

    // The judges.
    let dir = tempfile::tempdir().unwrap();
    let (pdf, ca) = (dir.path().join("issued.pdf"), dir.path().join("ca.pem"));
    std::fs::write(&pdf, &file).unwrap();
    std::fs::write(&ca, pki().ca_pem()).unwrap();
    let lta = pyhanko_lta(&pdf, &ca);
    assert_eq!(lta.len(), 2, "{lta:?}");
    for s in &lta {
        assert_eq!(s["status"], "PASSED", "{s}");
        assert_eq!(s["signature_timestamp_status"], "PASSED", "{s}");
    }
    crate::printouts::qpdf_check(&pdf);
    let pdfsig = Command::new("pdfsig").arg(&pdf).output().expect("pdfsig");
    assert_eq!(
        String::from_utf8_lossy(&pdfsig.stdout)
            .matches("Signature is Valid.")
            .count(),
        2,
        "{}",
        String::from_utf8_lossy(&pdfsig.stdout)
    );
    db.finish().await;
}

async fn without_an_issuers_crl_the_issue_is_refused_and_the_number_returns(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = docs::config();
    // A CRL, but of another CA: the signers' issuer has none.
    let other_key = shared::pki::generate_key().unwrap();
    let other = shared::pki::issue_certificate(
        shared::pki::CertRole::RootCa,
        shared::pki::name("CA khác", None).unwrap(),
        &other_key,
        None,
        1,
        std::time::Duration::from_secs(86400),
    )
    .unwrap();
    config.crls = vec![
        shared::pki::build_crl(
            &other,
            &other_key,
            &[],
            1,
            std::time::Duration::from_secs(86400),
        )
        .unwrap(),
    ];
    let app = crate::common::app(db.store.clone(), config);
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let e = docs::issue_as_clerk(&mut clerk, id)
        .await
        .refused(StatusCode::SERVICE_UNAVAILABLE);
    assert!(e.message.contains("CRL"), "{}", e.message);
    let doc = clerk.outgoing(id).await.good();
    assert_ne!(doc.status, shared::outgoing::OutgoingStatus::Issued);
    assert!(db.store.held_number(id).await.unwrap().is_none());
    db.finish().await;
}

async fn a_crl_the_sweep_fetched_goes_into_the_dss_at_issue(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    // No CRL in the trust directory: only the one the revocation sweep fetched and kept.
    let crl = pki().empty_crl();
    let der = der::Encode::to_der(&crl).unwrap();
    db.store
        .record_revocation_fetch(
            "crl_url",
            "http://ca.example/ca.crl",
            Ok(vanban::store::certificates::NewRevocationData {
                kind: "crl",
                issuer_key: vanban::store::certificates::issuer_key(&crl.tbs_cert_list.issuer),
                serial: None,
                this_update: vanban::store::now_ms(),
                next_update: None,
                der: der.clone(),
            }),
        )
        .await
        .unwrap();
    let app = crate::common::app(db.store.clone(), docs::config());
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let file = docs::main_file_of(&mut clerk, &issued).await;
    let dss =
        shared::pdf::ltv::read_dss(&shared::pdf::document::Document::open(&file[..]).unwrap())
            .unwrap()
            .expect("a DSS at issue");
    assert!(
        dss.crls.iter().any(|(_, d)| d == &der),
        "the fetched CRL is in the DSS"
    );
    db.finish().await;
}

/// A TSA named `name` of the test CA, served in-process (its certificate issued now, so it outlives older ones).
async fn tsa_named(name: &str) -> String {
    let tsa = std::sync::Arc::new(vanban::tsa::service::Tsa {
        signer: pki().signer(name, shared::pki::CertRole::Tsa { eku_critical: true }),
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

async fn an_archived_document_is_timestamped_again_before_its_timestamp_expires(db: TestDb) {
    let p = docs::people(db.store.as_ref()).await;
    let mut config = config_with_crl();
    config.tsa_url = Some(in_process_tsa().await);
    let blobs = std::sync::Arc::new(
        vanban::blob::FsBlobStore::new(tempfile::tempdir().unwrap().keep()).unwrap(),
    );
    let app = vanban::app::router(vanban::app::AppState {
        store: db.store.clone(),
        blobs: blobs.clone(),
        config: std::sync::Arc::new(config.clone()),
    });
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let issued = docs::issue_as_clerk(&mut clerk, id).await.good();
    let first = docs::main_file_of(&mut clerk, &issued).await;
    let now = vanban::store::now_ms();

    // Not due yet: the TSA's certificate (30 days) expires after the margin.
    config.retimestamp_margin_days = 1;
    let r = vanban::tsa::ltv::renew_due(&db.store, blobs.as_ref(), &config, now)
        .await
        .unwrap();
    assert_eq!(r, vanban::tsa::ltv::RenewReport::default());

    // Within the margin, with a TSA whose certificate outlives the first one's.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    config.tsa_url = Some(tsa_named("TSA gia hạn").await);
    config.retimestamp_margin_days = 365;
    let r = vanban::tsa::ltv::renew_due(&db.store, blobs.as_ref(), &config, now)
        .await
        .unwrap();
    assert_eq!(r.renewed, 1, "{r:?}");
    let doc = clerk.outgoing(id).await.good();
    assert_eq!(doc.versions.len(), issued.versions.len() + 1);
    let renewed = docs::main_file_of(&mut clerk, &doc).await;
    assert!(
        renewed.starts_with(&first),
        "an incremental update of the issued file"
    );
    let options = VerifyOptions {
        trust_anchors: vec![pki().ca_cert.clone()],
        crls: vec![],
        ocsps: vec![],
    };
    let reports = verify_document(&renewed[..], &options).unwrap();
    assert_eq!(reports.len(), 4, "leader, seal, two document timestamps");
    for r in &reports {
        assert!(r.ok, "{}: {:?}", r.field, r.problems);
        assert_eq!(r.level, SignatureLevel::BLTA, "{}", r.field);
    }
    assert_eq!(reports[3].signer, "TSA gia hạn");

    // Both the copy issued and the renewed one are originals for the public verification.
    let mut anyone = crate::common::Client::with_app(app.clone());
    for bytes in [&first, &renewed] {
        assert!(anyone.public_verify_file(bytes).await.good().authentic);
    }
    // Audited as the archive's own step.
    let trail = db
        .store
        .document_audit_trail(&format!("outgoing:{id}"))
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|t| t.entry.action == "outgoing.archive_timestamp")
    );
    // pyHanko walks both document timestamps with the trust anchor alone.
    let dir = tempfile::tempdir().unwrap();
    let (pdf, ca) = (dir.path().join("renewed.pdf"), dir.path().join("ca.pem"));
    std::fs::write(&pdf, &renewed).unwrap();
    std::fs::write(&ca, pki().ca_pem()).unwrap();
    for s in pyhanko_lta(&pdf, &ca) {
        assert_eq!(s["status"], "PASSED", "{s}");
    }

    // The same TSA again protects nothing longer: refused, nothing recorded.
    let r = vanban::tsa::ltv::renew_due(&db.store, blobs.as_ref(), &config, now)
        .await
        .unwrap();
    assert_eq!((r.renewed, r.failed), (0, 1));
    let again = clerk.outgoing(id).await.good();
    assert_eq!(again.versions.len(), doc.versions.len());

    // A failed document waits: not tried at the next pass, tried again after an hour, then after two more.
    let hour = 3600 * 1000;
    let pass = |config: vanban::config::Config, at: i64| {
        let (store, blobs) = (db.store.clone(), blobs.clone());
        async move {
            let r = vanban::tsa::ltv::renew_due(&store, blobs.as_ref(), &config, at)
                .await
                .unwrap();
            (r.renewed, r.failed)
        }
    };
    assert_eq!(pass(config.clone(), now).await, (0, 0), "retried at once");
    assert_eq!(
        pass(config.clone(), now + hour - 1000).await,
        (0, 0),
        "retried too soon"
    );
    assert_eq!(
        pass(config.clone(), now + hour).await,
        (0, 1),
        "tried again after an hour"
    );
    assert_eq!(
        pass(config.clone(), now + 2 * hour).await,
        (0, 0),
        "the delay doubles"
    );
    assert_eq!(pass(config.clone(), now + 3 * hour).await, (0, 1));
    // Once a TSA whose certificate outlives the last timestamp's answers, it is renewed and the count clears.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    config.tsa_url = Some(tsa_named("TSA gia hạn lần hai").await);
    let r = vanban::tsa::ltv::renew_due(&db.store, blobs.as_ref(), &config, now + 7 * hour)
        .await
        .unwrap();
    assert_eq!((r.renewed, r.failed), (1, 0));
    // The count was cleared: the next failure (the same TSA again) waits one hour, not eight.
    assert_eq!(pass(config.clone(), now + 7 * hour).await, (0, 1));
    assert_eq!(pass(config.clone(), now + 8 * hour - 1000).await, (0, 0));
    assert_eq!(pass(config.clone(), now + 8 * hour).await, (0, 1));

    // A document waiting takes no place in a pass's batch: the batch is chosen without it, so documents due
    // after it are reached even when it would have sorted first and filled the batch.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut later = config.clone();
    later.tsa_url = Some(tsa_named("TSA văn bản thứ hai").await);
    let app = vanban::app::router(vanban::app::AppState {
        store: db.store.clone(),
        blobs: blobs.clone(),
        config: std::sync::Arc::new(later),
    });
    let second = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, second).await.good();
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    docs::issue_as_clerk(&mut clerk, second).await.good();
    let ids = |due: Vec<(i64, i64, i64)>| due.into_iter().map(|(id, ..)| id).collect::<Vec<_>>();
    let before = now + 3650 * 24 * hour;
    let due = db
        .store
        .archive_timestamps_due(before, now + 10 * hour, 10)
        .await
        .unwrap();
    assert_eq!(ids(due), vec![id, second], "the soonest expiry first");
    let due = db
        .store
        .archive_timestamps_due(before, now + 10 * hour - 1000, 1)
        .await
        .unwrap();
    assert_eq!(
        ids(due),
        vec![second],
        "the waiting one took the only place"
    );
    db.finish().await;
}

#[test]
fn the_archive_retry_delay_doubles_up_to_a_week() {
    use vanban::store::outgoing::archive::archive_retry_delay;
    let hour = 3600 * 1000;
    assert_eq!(archive_retry_delay(0), hour);
    assert_eq!(archive_retry_delay(1), hour);
    assert_eq!(archive_retry_delay(2), 2 * hour);
    assert_eq!(archive_retry_delay(4), 8 * hour);
    assert_eq!(archive_retry_delay(8), 128 * hour);
    assert_eq!(archive_retry_delay(9), 7 * 24 * hour);
    assert_eq!(archive_retry_delay(i64::MAX), 7 * 24 * hour);
}

crate::on_both_databases!(
    a_crl_the_sweep_fetched_goes_into_the_dss_at_issue,
    an_issued_file_carries_its_validation_data_and_a_document_timestamp,
    without_an_issuers_crl_the_issue_is_refused_and_the_number_returns,
    an_archived_document_is_timestamped_again_before_its_timestamp_expires,
);

fn vanban(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("run vanban")
}

#[track_caller]
fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn levels(file: &Path, ca: &Path) -> (bool, Vec<(String, bool, bool)>) {
    let out = vanban(&[
        "pdf",
        "verify",
        file.to_str().unwrap(),
        "--trust",
        ca.to_str().unwrap(),
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap().to_string(),
                r["ok"].as_bool().unwrap(),
                r["document_timestamp"].as_bool().unwrap(),
            )
        })
        .collect();
    (out.status.success(), list)
}

/// `vanban pdf ltv IN OUT --trust PEM [--crl FILE]... [--tsa URL]` on files of each cross-reference kind: the
/// DSS alone leaves the signature valid at B-LT, the document timestamp brings it to B-LTA (pyHanko agrees
/// with the trust anchor alone), and bytes changed under the document timestamp fail our verification.
#[test]
fn vanban_pdf_ltv_appends_the_validation_data_and_a_document_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let ca_dir = path("ca");
    ok(vanban(&["pki", "init-ca", "--out", &ca_dir]));
    ok(vanban(&[
        "pki",
        "issue",
        "--ca",
        &ca_dir,
        "--cn",
        "Lê Văn Lưu",
        "--p12",
        &path("k.p12"),
        "--pin",
        "1234",
    ]));
    ok(vanban(&[
        "pki",
        "crl",
        "--ca",
        &ca_dir,
        "--out",
        &path("ca.crl"),
    ]));
    let tsa = crate::timestamps::TsaProcess::start(Path::new(&ca_dir));
    let ca = dir.path().join("ca/ca.pem");
    let corpus = repo().join("shared/tests/corpus");
    for name in [
        "lo-bao-cao-20p.pdf",
        "xrefstream-no-objstm.pdf",
        "hybrid-xrefstm-word.pdf",
    ] {
        let (signed, lt, lta) = (path("s.pdf"), path("lt.pdf"), path("lta.pdf"));
        let _ = std::fs::remove_file(&lt);
        ok(vanban(&[
            "pdf",
            "sign",
            corpus.join(name).to_str().unwrap(),
            &signed,
            "--p12",
            &path("k.p12"),
            "--pin",
            "1234",
            "--tsa",
            &tsa.url(),
        ]));
        // Without the issuer's CRL nothing is written.
        let refused = vanban(&["pdf", "ltv", &signed, &lt, "--trust", ca.to_str().unwrap()]);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("CRL"));
        assert!(!Path::new(&lt).exists());

        ok(vanban(&[
            "pdf",
            "ltv",
            &signed,
            &lt,
            "--trust",
            ca.to_str().unwrap(),
            "--crl",
            &path("ca.crl"),
        ]));
        let (good, l) = levels(Path::new(&lt), &ca);
        assert!(good, "{name}: {l:?}");
        assert_eq!(l, vec![("B-LT".to_string(), true, false)], "{name}");
        crate::printouts::qpdf_check(Path::new(&lt));
        let pdfsig = Command::new("pdfsig").arg(&lt).output().expect("pdfsig");
        assert!(
            String::from_utf8_lossy(&pdfsig.stdout).contains("Signature is Valid."),
            "{name}"
        );

        ok(vanban(&[
            "pdf",
            "ltv",
            &lt,
            &lta,
            "--trust",
            ca.to_str().unwrap(),
            "--crl",
            &path("ca.crl"),
            "--tsa",
            &tsa.url(),
        ]));
        let (good, l) = levels(Path::new(&lta), &ca);
        assert!(good, "{name}: {l:?}");
        assert_eq!(
            l,
            vec![
                ("B-LTA".to_string(), true, false),
                ("B-LTA".to_string(), true, true)
            ],
            "{name}"
        );
        crate::printouts::qpdf_check(Path::new(&lta));
        for s in pyhanko_lta(Path::new(&lta), &ca) {
            assert_eq!(s["status"], "PASSED", "{name}: {s}");
        }

        // One byte of the DSS's CRL changed: under the document timestamp, after the signature.
        let mut bytes = std::fs::read(&lta).unwrap();
        let crl = std::fs::read(path("ca.crl")).unwrap();
        let at = bytes
            .windows(crl.len())
            .rposition(|w| w == crl.as_slice())
            .expect("the CRL is in the DSS");
        bytes[at + crl.len() - 1] ^= 1;
        std::fs::write(path("tampered.pdf"), &bytes).unwrap();
        let (good, l) = levels(Path::new(&path("tampered.pdf")), &ca);
        assert!(!good, "{name}: {l:?}");
        assert!(l.iter().any(|(_, ok, ts)| *ts && !ok), "{name}: {l:?}");
    }
}
