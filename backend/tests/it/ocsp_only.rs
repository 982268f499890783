//! A CA that vouches for its people's certificates by OCSP alone (issue 17): the intermediate that issues them
//! publishes no CRL, only a responder, so the answers the sweep kept are the only revocation evidence a file's
//! signer has. At issue the DSS must carry the signer's answer (`/OCSPs` and the signature's VRI entry), and a
//! verifier with the national root alone and no network must use it: ours (good, or revoked before the signing
//! time), pyHanko's PAdES B-LTA validation with revocation information required (PASSED for the good answer,
//! not for the revoked one) and poppler's `pdfsig`.

use std::path::Path;
use std::process::Command;

use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::verify::{RevocationStatus, VerifyOptions, verify_document};
use shared::pki;
use shared::signature::SignatureLevel;
use vanban::store::Actor;
use vanban::store::certificates::{Owner, ParsedCertificate};

use crate::certificates::{OcspResponder, openssl};
use crate::common::TestDb;
use crate::common::docs;
use crate::common::server::free_port;
use crate::intermediate_ocsp::{issue, read_cert, read_key, serve_files, signed_by, start_tsa};
use crate::long_term::pyhanko_lta;

crate::on_both_databases!(
    a_signer_known_only_to_ocsp_validates_at_b_lta_from_the_answer_in_the_dss,
);

/// `pdfsig`'s report of `file` (poppler): every signature's verdict, without a trust store.
fn pdfsig(file: &Path) -> String {
    let out = Command::new("pdfsig").arg(file).output().expect("pdfsig");
    String::from_utf8_lossy(&out.stdout).to_string()
}

async fn a_signer_known_only_to_ocsp_validates_at_b_lta_from_the_answer_in_the_dss(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ocsp_port, files_port) = (free_port(), free_port());
    let ocsp_url = format!("http://127.0.0.1:{ocsp_port}/");
    let files = format!("http://127.0.0.1:{files_port}");

    // The national root (with a CRL, listing nothing), its intermediate (no CRL at all, a responder), two
    // signers of the intermediate, and a TSA of the root.
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "root-key.pem",
            "-out",
            "root.pem",
            "-subj",
            "/CN=Root CA quoc gia (chi OCSP)",
            "-days",
            "60",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    issue(
        d,
        "inter",
        "/CN=CA trung gian chi OCSP",
        "root",
        "200",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n",
    );
    let leaf_ext = format!(
        "authorityInfoAccess=OCSP;URI:{ocsp_url},caIssuers;URI:{files}/inter.cer\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
    );
    issue(d, "good", "/CN=Nguoi ky chi OCSP", "inter", "5", &leaf_ext);
    issue(
        d,
        "revoked",
        "/CN=Nguoi ky bi thu hoi",
        "inter",
        "6",
        &leaf_ext,
    );
    // 6 revoked for key compromise a moment after it was issued and before it signs (so that a validator that
    // looks for proof of existence before the revocation finds the chain valid then): only the responder says so.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let c = shared::time::Timestamp(vanban::store::now_ms() - 7 * 3600 * 1000).vn_civil();
    let revoked_at = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        c.year % 100,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second
    );
    std::fs::write(
        d.join("index.txt"),
        format!(
            "V\t351231000000Z\t\t05\tunknown\t/CN=good\nR\t351231000000Z\t{revoked_at},keyCompromise\t06\tunknown\t/CN=revoked\n"
        ),
    )
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let _responder = OcspResponder::start(d, ocsp_port, "inter");
    let (root, inter) = (
        read_cert(&d.join("root.pem")),
        read_cert(&d.join("inter.pem")),
    );
    let root_key = read_key(&d.join("root-key.pem"));
    let year = std::time::Duration::from_secs(365 * 86400);
    let root_crl = pki::build_crl(&root, &root_key, &[], 1, year).unwrap();
    let served: Vec<(&str, Vec<u8>)> = vec![
        ("/inter.cer", der::Encode::to_der(&inter).unwrap()),
        ("/root.crl", pki::crl_to_der(&root_crl).unwrap()),
    ];
    let server = serve_files(files_port, served).await;
    let (tsa, tsa_url, tsa_server) = start_tsa("TSA của Root CA", &root, &root_key).await;

    let mut config = docs::config();
    config.trust_anchors = vec![std::fs::read_to_string(d.join("root.pem")).unwrap()];
    config.crl_urls = vec![format!("{files}/root.crl")];
    config.tsa_url = Some(tsa_url);
    for (name, owner) in [("good", p.base.dept_official), ("revoked", p.leader)] {
        let parsed =
            ParsedCertificate::parse(&std::fs::read(d.join(format!("{name}.pem"))).unwrap())
                .unwrap();
        store
            .bind_certificate(
                &Actor::default(),
                &parsed,
                Owner::User(owner),
                shared::certificate::BindingSource::Admin,
            )
            .await
            .unwrap();
    }
    // The responder may take a moment to listen.
    let mut report = vanban::revocation::refresh(&store, &config).await.unwrap();
    for _ in 0..50 {
        if report.failed.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        report = vanban::revocation::refresh(&store, &config).await.unwrap();
    }
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.fetched.contains(&ocsp_url), "{report:?}");

    let signer = |name: &str| RsaSigner {
        key: read_key(&d.join(format!("{name}-key.pem"))),
        certificates: vec![read_cert(&d.join(format!("{name}.pem"))), inter.clone()],
        padding: Padding::Pkcs1v15,
    };
    let alone = VerifyOptions {
        trust_anchors: vec![root.clone()],
        ..Default::default()
    };
    for (name, expect_ok) in [("good", true), ("revoked", false)] {
        let signed = signed_by(&signer(name), &tsa, name);
        // What the issue step holds and writes: the root's CRL (the TSA's and the intermediate's links) and
        // the signer's answer; nothing signed by the intermediate but that answer.
        let held = vanban::tsa::ltv::held(&store, &config, &signed).await;
        assert_eq!((held.crls.len(), held.ocsps.len()), (1, 1), "{name}");
        let archived = vanban::tsa::ltv::append(
            signed.clone(),
            vec![root.clone()],
            held,
            config.tsa_url.clone(),
        )
        .await
        .unwrap();
        let doc = shared::pdf::document::Document::open(&archived[..]).unwrap();
        let dss = shared::pdf::ltv::read_dss(&doc).unwrap().unwrap();
        assert_eq!(dss.ocsps.len(), 1, "{name}: the answer is in /OCSPs");
        let crls = dss.revocation_lists();
        assert_eq!(crls.len(), 1, "{name}");
        assert!(shared::pdf::revocation::crl_signed_by(&crls[0], &root));
        // Ours, with the root alone: the answer in the DSS decides.
        let reports = verify_document(&archived[..], &alone).unwrap();
        assert_eq!(reports.len(), 2, "the signature and the document timestamp");
        let (sig, doc_ts) = (&reports[0], &reports[1]);
        assert!(doc_ts.ok, "{:?}", doc_ts.problems);
        assert_eq!(doc_ts.level, SignatureLevel::BLTA);
        assert_eq!(sig.ok, expect_ok, "{name}: {:?}", sig.problems);
        if expect_ok {
            assert_eq!(sig.revocation_status, RevocationStatus::Good);
            assert_eq!(sig.level, SignatureLevel::BLTA);
        } else {
            assert_eq!(sig.revocation_status, RevocationStatus::Revoked);
            assert_eq!(sig.revocation.as_ref().unwrap().source, "ocsp");
        }
        // The signature's VRI entry names the answer.
        let contents = shared::pdf::timestamp::cms_in_pdf(&archived, &sig.byte_range).unwrap();
        let entry = dss
            .vri
            .get(shared::pdf::ltv::vri_key(&contents).as_bytes())
            .expect("a VRI entry for the signature");
        assert!(
            entry
                .as_dict()
                .and_then(|e| e.get(b"OCSP"))
                .and_then(|o| o.as_array())
                .is_some_and(|a| a.len() == 1),
            "{entry:?}"
        );
        // Without the DSS (the signed bytes alone, the root alone) nothing is known of revocation.
        let bare = &verify_document(&signed[..], &alone).unwrap()[0];
        assert_eq!(bare.revocation_status, RevocationStatus::NotChecked);

        // pyHanko: B-LTA with the root alone and nothing fetched; revocation information required.
        let (pdf, ca) = (d.join(format!("{name}.pdf")), d.join("root.pem"));
        std::fs::write(&pdf, &archived).unwrap();
        let judged = pyhanko_lta(&pdf, &ca);
        assert_eq!(judged.len(), 1, "{judged:?}");
        if expect_ok {
            assert_eq!(judged[0]["status"], "PASSED", "{}", judged[0]);
        } else {
            // pyHanko reads the answer and finds the certificate revoked before the signing time; with no proof
            // of existence from before the revocation, it cannot place the signature earlier: not PASSED
            // (INDETERMINATE in pyHanko 0.38).
            assert_ne!(judged[0]["status"], "PASSED", "{}", judged[0]);
        }
        // pdfsig: the signature intact; the document timestamp, which poppler cannot check ("not yet
        // verified"), covers the whole file.
        let said = pdfsig(&pdf);
        assert_eq!(said.matches("Signature is Valid.").count(), 1, "{said}");
        assert!(said.contains("Total document signed"), "{said}");
        assert!(said.contains("Field Name: DauThoiGian1"), "{said}");
    }
    server.abort();
    tsa_server.abort();
    db.finish().await;
}
