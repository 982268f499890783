//! A province's real chain (issue 17): people's certificates come from an intermediate CA under the national
//! root, and the server trusts the root alone. Made by openssl as a CA elsewhere would: root → intermediate →
//! two signers whose certificates name an OCSP responder (`openssl ocsp` for the intermediate) and where the
//! intermediate's certificate can be fetched (caIssuers). The sweep must learn the intermediate from that
//! address, take the intermediate's CRL (signed by a CA that is not an anchor), and ask the responder about
//! the registered certificates; verification must weigh the answers (a certificate revoked only in OCSP fails)
//! and the DSS at issue must carry them, so that pyHanko's B-LTA validation passes with the root alone.

use std::path::Path;
use std::sync::Arc;

use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::sign::{SignatureKind, SignatureRequest, sign_timestamped};
use shared::pdf::tsp::{self, Authority, DEMO_POLICY, Request};
use shared::pdf::verify::{RevocationStatus, verify_document};
use shared::pki::{self, CertRole, X509Certificate};
use shared::signature::SignatureLevel;
use vanban::store::Actor;
use vanban::store::certificates::{Owner, ParsedCertificate};

use crate::certificates::{OcspResponder, openssl};
use crate::common::TestDb;
use crate::common::docs;
use crate::common::server::free_port;
use crate::long_term::pyhanko_lta;

crate::on_both_databases!(
    the_sweep_learns_an_intermediate_asks_ocsp_and_the_answers_count_and_go_into_the_dss,
);

pub(crate) fn read_cert(path: &Path) -> X509Certificate {
    pki::certs_from_pem_or_der(&std::fs::read(path).unwrap())
        .unwrap()
        .remove(0)
}

pub(crate) fn read_key(path: &Path) -> pki::PrivateKey {
    pki::key_from_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `subj`'s key and certificate in `d`, issued by `ca` with the extensions in `ext`.
pub(crate) fn issue(d: &Path, name: &str, subj: &str, ca: &str, serial: &str, ext: &str) {
    let key = format!("{name}-key.pem");
    let csr = format!("{name}.csr");
    let pem = format!("{name}.pem");
    openssl(
        d,
        &[
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", subj,
        ],
    );
    std::fs::write(d.join(format!("{name}.cnf")), ext).unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}-key.pem"),
            "-set_serial",
            serial,
            "-days",
            "60",
            "-out",
            &pem,
            "-extfile",
            &format!("{name}.cnf"),
        ],
    );
}

/// Serves `served` (path → body) over HTTP on `port`, where a CA publishes its certificates and CRLs.
pub(crate) async fn serve_files(
    port: u16,
    served: Vec<(&'static str, Vec<u8>)>,
) -> tokio::task::JoinHandle<()> {
    let mut router = axum::Router::new();
    for (path, body) in served {
        router = router.route(path, axum::routing::get(move || async move { body }));
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() })
}

/// A TSA named `name`, issued by `issuer`, served in-process on a loopback port: its signer (for tokens made
/// in the test), its URL and its server task.
pub(crate) async fn start_tsa(
    name: &str,
    issuer: &X509Certificate,
    issuer_key: &pki::PrivateKey,
) -> (RsaSigner, String, tokio::task::JoinHandle<()>) {
    let year = std::time::Duration::from_secs(365 * 86400);
    let tsa_key = pki::generate_key().unwrap();
    let tsa_cert = pki::issue_certificate(
        CertRole::Tsa { eku_critical: true },
        pki::name(name, None).unwrap(),
        &tsa_key,
        Some((issuer, issuer_key)),
        7,
        year,
    )
    .unwrap();
    let tsa = RsaSigner {
        key: tsa_key,
        certificates: vec![tsa_cert, issuer.clone()],
        padding: Padding::Pkcs1v15,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let service = Arc::new(vanban::tsa::service::Tsa {
        signer: RsaSigner {
            key: tsa.key.clone(),
            certificates: tsa.certificates.clone(),
            padding: Padding::Pkcs1v15,
        },
        policy: DEMO_POLICY,
    });
    let server = tokio::spawn(async move {
        axum::serve(listener, vanban::tsa::service::router(service))
            .await
            .unwrap()
    });
    (tsa, url, server)
}

/// A PDF signed by `signer` with a signature timestamp from `tsa` (PAdES B-T).
pub(crate) fn signed_by(signer: &RsaSigner, tsa: &RsaSigner, name: &str) -> Vec<u8> {
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap();
    let request = SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: None,
        image_png: None,
        text: None,
        signer_name: name.into(),
        organization: None,
        time: shared::time::Timestamp(vanban::store::now_ms()),
    };
    let appended = sign_timestamped(&data, &request, signer, &mut |value| {
        let req = Request::new(value, 1).unwrap();
        let authority = Authority {
            signer: tsa,
            policy: DEMO_POLICY,
        };
        let reply = tsp::respond(
            &authority,
            &req.der,
            shared::time::Timestamp(vanban::store::now_ms()),
            &[7, 7],
        );
        req.token_from(&reply)
            .map_err(shared::pdf::PdfError::Signing)
    })
    .unwrap();
    [data, appended].concat()
}

async fn the_sweep_learns_an_intermediate_asks_ocsp_and_the_answers_count_and_go_into_the_dss(
    db: TestDb,
) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ocsp_port, files_port) = (free_port(), free_port());
    let ocsp_url = format!("http://127.0.0.1:{ocsp_port}/");
    let files = format!("http://127.0.0.1:{files_port}");

    // The national root, its intermediate, and two signers of the intermediate.
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
            "/CN=Root CA quoc gia thu nghiem",
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
        "/CN=CA trung gian thu nghiem",
        "root",
        "100",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n",
    );
    let leaf_ext = format!(
        "authorityInfoAccess=OCSP;URI:{ocsp_url},caIssuers;URI:{files}/inter.cer\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
    );
    issue(
        d,
        "good",
        "/CN=Nguoi ky con hieu luc",
        "inter",
        "5",
        &leaf_ext,
    );
    issue(
        d,
        "revoked",
        "/CN=Nguoi ky bi thu hoi",
        "inter",
        "6",
        &leaf_ext,
    );
    // The intermediate's index: 6 revoked on 1 March 2026 for key compromise. Its CRL lists nothing: only the
    // responder knows.
    std::fs::write(
        d.join("index.txt"),
        "V\t351231000000Z\t\t05\tunknown\t/CN=good\nR\t351231000000Z\t260301080000Z,keyCompromise\t06\tunknown\t/CN=revoked\n",
    )
    .unwrap();
    let _responder = OcspResponder::start(d, ocsp_port, "inter");
    let (root, inter) = (
        read_cert(&d.join("root.pem")),
        read_cert(&d.join("inter.pem")),
    );
    let (root_key, inter_key) = (
        read_key(&d.join("root-key.pem")),
        read_key(&d.join("inter-key.pem")),
    );
    let year = std::time::Duration::from_secs(365 * 86400);
    let root_crl = pki::build_crl(&root, &root_key, &[], 1, year).unwrap();
    let inter_crl = pki::build_crl(&inter, &inter_key, &[], 1, year).unwrap();
    // The intermediate's certificate and both CRLs, where a CA publishes them.
    let served: Vec<(&str, Vec<u8>)> = vec![
        ("/inter.cer", der::Encode::to_der(&inter).unwrap()),
        ("/root.crl", pki::crl_to_der(&root_crl).unwrap()),
        ("/inter.crl", pki::crl_to_der(&inter_crl).unwrap()),
    ];
    let server = serve_files(files_port, served).await;
    // The TSA, issued by the intermediate, served in-process.
    let (tsa, tsa_url, tsa_server) = start_tsa("TSA của CA trung gian", &inter, &inter_key).await;

    // The server trusts the root alone and learns CRLs from their addresses.
    let mut config = docs::config();
    config.trust_anchors = vec![std::fs::read_to_string(d.join("root.pem")).unwrap()];
    config.crl_urls = vec![format!("{files}/root.crl"), format!("{files}/inter.crl")];
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
    // The responder may take a moment to listen; the sweep runs again on its schedule, here a few tries.
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
    // The intermediate's CRL is kept only because the intermediate was admitted under the root.
    assert!(
        report.fetched.contains(&format!("{files}/inter.crl")),
        "{report:?}"
    );
    assert_eq!(store.latest_crls().await.unwrap().len(), 2);

    let signer = |name: &str| RsaSigner {
        key: read_key(&d.join(format!("{name}-key.pem"))),
        certificates: vec![read_cert(&d.join(format!("{name}.pem"))), inter.clone()],
        padding: Padding::Pkcs1v15,
    };
    let good = signed_by(&signer("good"), &tsa, "Người ký còn hiệu lực");
    let revoked = signed_by(&signer("revoked"), &tsa, "Người ký bị thu hồi");

    // Verification weighs the answers held: revoked before the signing time in OCSP only, so it fails.
    let options = vanban::signing::options_for(&store, &config.trust_anchors, &[&revoked])
        .await
        .unwrap();
    assert_eq!(options.ocsps.len(), 1);
    let r = &verify_document(&revoked[..], &options).unwrap()[0];
    assert_eq!(r.revocation_status, RevocationStatus::Revoked, "{r:?}");
    assert_eq!(r.revocation.as_ref().unwrap().source, "ocsp");
    assert!(!r.ok);
    assert!(r.problems.iter().any(|p| p.contains("thu hồi")), "{r:?}");
    // With the CRLs alone (which list nothing) it would have passed: the answer made the difference.
    let crls_only =
        vanban::signing::options_with(&config.trust_anchors, &store.latest_crls().await.unwrap());
    let r = &verify_document(&revoked[..], &crls_only).unwrap()[0];
    assert_eq!(r.revocation_status, RevocationStatus::Good);
    let options = vanban::signing::options_for(&store, &config.trust_anchors, &[&good])
        .await
        .unwrap();
    let r = &verify_document(&good[..], &options).unwrap()[0];
    assert!(r.ok, "{r:?}");
    assert_eq!(r.revocation_status, RevocationStatus::Good);

    // At issue: the DSS takes the signer's OCSP answer (its issuer's CRL lists nothing of it either way), the
    // CRLs for the TSA's and the intermediate's links, and a document timestamp over it all.
    let held = vanban::tsa::ltv::held(&store, &config, &good).await;
    assert_eq!((held.crls.len(), held.ocsps.len()), (2, 1));
    let archived = vanban::tsa::ltv::append(
        good.clone(),
        vec![root.clone()],
        held,
        config.tsa_url.clone(),
    )
    .await
    .unwrap();
    let doc = shared::pdf::document::Document::open(&archived[..]).unwrap();
    let dss = shared::pdf::ltv::read_dss(&doc).unwrap().unwrap();
    assert_eq!(dss.ocsps.len(), 1, "the signer's OCSP answer is in /OCSPs");
    assert!(dss.certs.len() >= 4, "signer, TSA, intermediate, root");
    // With the root alone and nothing else given, our verifier reads it all from the DSS.
    let alone = shared::pdf::verify::VerifyOptions {
        trust_anchors: vec![root.clone()],
        ..Default::default()
    };
    let reports = verify_document(&archived[..], &alone).unwrap();
    assert_eq!(reports.len(), 2, "the signature and the document timestamp");
    for r in &reports {
        assert!(r.ok, "{}: {:?}", r.field, r.problems);
        assert_eq!(r.level, SignatureLevel::BLTA, "{}", r.field);
    }
    // Without the intermediate's CRL and the OCSP answer, the signer's and the TSA's links have nothing to vouch
    // for them: no DSS, and the refusal names what is missing.
    let no_ocsp = vanban::tsa::ltv::Held {
        crls: vec![root_crl.clone()],
        ocsps: vec![],
    };
    let refused = vanban::tsa::ltv::append(good.clone(), vec![root.clone()], no_ocsp, None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("OCSP"), "{refused}");

    // The judge: pyHanko's long-term validation with the root alone, nothing fetched.
    let (pdf, ca) = (d.join("archived.pdf"), d.join("root.pem"));
    std::fs::write(&pdf, &archived).unwrap();
    for s in pyhanko_lta(&pdf, &ca) {
        assert_eq!(s["status"], "PASSED", "{s}");
    }
    // And openssl reads the DSS's answer: signed for the intermediate under the root, the certificate good.
    std::fs::write(d.join("answer.der"), &dss.ocsps[0].1).unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "ocsp",
            "-respin",
            "answer.der",
            "-issuer",
            "inter.pem",
            "-sha256",
            "-cert",
            "good.pem",
        ])
        .args(["-CAfile", "root.pem", "-verify_other", "inter.pem"])
        .current_dir(d)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Response verify OK"), "{said}");
    assert!(said.contains("good.pem: good"), "{said}");
    server.abort();
    tsa_server.abort();
    db.finish().await;
}
