//! Signers that are real (issue 17), on both databases: the certificate registry's flows (a person's key
//! request and certificate, an administrator's registration and revocation, all audited), the one rule of who
//! signed (two officials of the same name cannot sign for each other), revocation judged at the signing time
//! (revoked before fails, revoked after verifies and says so), and the CRL vanban publishes fetched by the
//! sweep from vanban's own URL, judged by openssl; a source that cannot be reached is reported, not fatal.

use axum::http::StatusCode;
use serde_json::{Value, json};
use shared::pdf::sign::SignatureKind;
use shared::pki::{CertRole, CrlEntry};
use shared::role::Role;
use vanban::store::certificates::Owner;
use vanban::store::{Actor, NewUser, UserFields};

use crate::common::docs::{self, LEADER_NAME, pki, sign, upload};
use crate::common::{TestDb, app};

crate::on_both_databases!(
    a_persons_key_request_binds_the_certificate_issued_for_it,
    administrators_register_and_revoke_bindings_within_their_agency,
    two_officials_with_the_same_name_cannot_sign_for_each_other,
    revoked_before_signing_fails_revoked_after_verifies_and_is_shown,
    the_sweep_fetches_the_crl_vanban_publishes_and_reports_a_dead_source,
    the_sweep_asks_the_ocsp_responder_a_registered_certificate_names,
);

fn pem(cert: &x509_cert::Certificate) -> String {
    shared::pki::cert_to_pem(cert).unwrap()
}

async fn a_persons_key_request_binds_the_certificate_issued_for_it(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let app = app(store.clone(), docs::config());
    let mut me = docs::client(&app, "cv.snv").await;
    let key = shared::pki::generate_key().unwrap();
    let csr = shared::keystore::certificate_request(&key, "Tên bất kỳ", None).unwrap();
    let request = me
        .post(shared::api::ME_CERTIFICATE_REQUESTS, json!({ "csr": csr }))
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(request["certificate_id"], Value::Null);
    // A request not signed by its own key proves nothing.
    let other = shared::pki::generate_key().unwrap();
    let forged = csr.replace(
        &csr[40..60],
        &shared::keystore::certificate_request(&other, "X", None).unwrap()[40..60],
    );
    me.post(
        shared::api::ME_CERTIFICATE_REQUESTS,
        json!({ "csr": forged }),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let cert = pki().issue_for_csr(&csr, 9001);
    let bound = me
        .post(
            shared::api::ME_CERTIFICATES,
            json!({ "certificate": pem(&cert) }),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(bound["user_id"], json!(p.base.dept_official));
    assert_eq!(bound["source"], "csr");
    assert_eq!(bound["state"], "active");
    // Presented again (the same key on a second device): the same binding, not an error.
    let again = me
        .post(
            shared::api::ME_CERTIFICATES,
            json!({ "certificate": pem(&cert) }),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(again["id"], bound["id"]);
    let mine = me
        .get(shared::api::ME_CERTIFICATES)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mine["certificates"][0]["id"], bound["id"]);
    assert_eq!(mine["requests"][0]["certificate_id"], bound["id"]);
    // Someone else presenting it: not their key.
    let mut clerk = docs::client(&app, "vanthu.snv").await;
    let e = clerk
        .post(
            shared::api::ME_CERTIFICATES,
            json!({ "certificate": pem(&cert) }),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.body["message"]
            .as_str()
            .unwrap()
            .contains("không cấp cho khóa")
    );
    db.finish().await;
}

async fn administrators_register_and_revoke_bindings_within_their_agency(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let app = app(store.clone(), docs::config());
    let official_cert = pem(&pki().certificate("Nguyễn Chuyên Viên", CertRole::Person));
    let mut dept_admin = docs::client(&app, "quantri.snv").await;
    // The department's administrator cannot register for the province's people.
    dept_admin
        .post(
            shared::api::ADMIN_CERTIFICATES,
            json!({ "certificate": official_cert, "user_id": p.base.province_official }),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    dept_admin
        .post(
            shared::api::ADMIN_CERTIFICATES,
            json!({ "certificate": official_cert, "user_id": p.base.dept_official, "agency_id": p.base.department }),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let bound = dept_admin
        .post(
            shared::api::ADMIN_CERTIFICATES,
            json!({ "certificate": official_cert, "user_id": p.base.dept_official }),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    assert_eq!(bound["source"], "admin");
    // The same certificate cannot also be someone else's.
    dept_admin
        .post(
            shared::api::ADMIN_CERTIFICATES,
            json!({ "certificate": official_cert, "user_id": p.base.dept_clerk }),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    // A certificate from a CA nobody trusts is not registered.
    let stranger_key = shared::pki::generate_key().unwrap();
    let stranger = shared::pki::issue_certificate(
        CertRole::RootCa,
        shared::pki::name("Tự cấp", None).unwrap(),
        &stranger_key,
        None,
        1,
        std::time::Duration::from_secs(86400),
    )
    .unwrap();
    dept_admin
        .post(
            shared::api::ADMIN_CERTIFICATES,
            json!({ "certificate": pem(&stranger), "user_id": p.base.dept_official }),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let id = bound["id"].as_i64().unwrap();
    let revoke = shared::api::ADMIN_CERTIFICATE_REVOKE.replace("{id}", &id.to_string());
    dept_admin
        .post(&revoke, json!({ "reason": "  " }))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = dept_admin
        .post(&revoke, json!({ "reason": "Chuyển công tác" }))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(revoked["state"], "revoked");
    assert_eq!(revoked["revoke_reason"], "Chuyển công tác");
    dept_admin
        .post(&revoke, json!({ "reason": "lần nữa" }))
        .await
        .expect(StatusCode::CONFLICT);
    // Every change is in the hash-chained audit log.
    let actions: Vec<String> = store
        .list_audit(vanban::store::AuditFilter {
            agency_id: None,
            before_seq: None,
            limit: 200,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "certificate.bind"));
    assert!(actions.iter().any(|a| a == "certificate.revoke"));
    assert_eq!(
        store.verify_audit_chain().await.unwrap().first_broken_seq,
        None
    );
    db.finish().await;
}

async fn two_officials_with_the_same_name_cannot_sign_for_each_other(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    // A second "Lê Văn Hùng", leader too, with a certificate of the same name registered to him.
    let namesake = store
        .create_user(
            &Actor::default(),
            NewUser {
                username: "gd2.snv".into(),
                fields: UserFields {
                    full_name: LEADER_NAME.into(),
                    position: None,
                    email: None,
                    phone: None,
                    unit_id: p.base.department_office_unit,
                    roles: vec![Role::AgencyLeader],
                },
                password_hash: vanban::auth::hash_password(crate::common::PASSWORD).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap()
        .id;
    let other = pki().namesake("gd2", LEADER_NAME, CertRole::Person);
    docs::register(
        &store,
        Owner::User(namesake),
        &format!("{LEADER_NAME}\u{0}gd2"),
        CertRole::Person,
    )
    .await;
    let app = app(store.clone(), docs::config());
    let id = docs::awaiting_signature(&app, &p, false).await;
    let mut leader = docs::client(&app, "gd.snv").await;
    let doc = leader.outgoing(id).await.good();
    let draft = docs::main_file_of(&mut leader, &doc).await;
    // The namesake's certificate (same common name, his key) does not sign for gd.snv.
    let forged = sign(&draft, &other, SignatureKind::Signer, None);
    let sha = upload(&mut leader, &forged).await;
    let e = leader
        .sign(id, &shared::outgoing::SignRequest { main_sha256: sha })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e.message
            .contains("chưa được đăng ký cho tài khoản của Lê Văn Hùng"),
        "{}",
        e.message
    );
    assert!(e.message.contains("Trùng tên"), "{}", e.message);
    // His own registered certificate does.
    docs::leader_signs(&app, id).await;
    db.finish().await;
}

fn serial_of(cert: &x509_cert::Certificate) -> u64 {
    shared::pki::serial_decimal(cert).parse().unwrap()
}

async fn revoked_before_signing_fails_revoked_after_verifies_and_is_shown(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let app = app(store.clone(), docs::config());
    let id = docs::awaiting_signature(&app, &p, false).await;
    let signed = docs::leader_signs(&app, id).await;
    let mut leader = docs::client(&app, "gd.snv").await;
    let signed_bytes = docs::latest_main(&mut leader, &signed).await;
    let cert = pki().certificate(LEADER_NAME, CertRole::Person);
    let now_secs = (vanban::store::now_ms() / 1000) as u64;
    let anchors = docs::config().trust_anchors;
    let verdict = |crls: Vec<Vec<u8>>| {
        let options = vanban::signing::options_with(&anchors, &crls);
        shared::pdf::verify::verify_document(&signed_bytes[..], &options)
            .unwrap()
            .remove(0)
    };
    let keep = |der: Vec<u8>| {
        let store = store.clone();
        async move {
            let anchors = vanban::signing::options(&docs::config().trust_anchors).trust_anchors;
            let data = vanban::revocation::checked_crl(&der, &anchors).unwrap();
            store
                .record_revocation_fetch("crl_file", "/test/ca.crl", Ok(data))
                .await
                .unwrap();
        }
    };
    // Revoked a minute after the signature (key compromise found later): still valid, the revocation shown.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    keep(pki().crl(
        &[CrlEntry {
            serial: serial_of(&cert),
            revoked_at: now_secs + 60,
            reason: Some(1),
        }],
        1,
    ))
    .await;
    let after = verdict(store.latest_crls().await.unwrap());
    assert!(after.ok, "{:?}", after.problems);
    let json = serde_json::to_value(&after).unwrap();
    assert_eq!(json["revocation"]["reason"], "key_compromise");
    assert_eq!(json["revocation"]["after_signing"], true);
    assert!(
        after
            .revocation
            .unwrap()
            .sentence()
            .contains("sau thời điểm ký")
    );
    // The browser's verifier gets the CRLs the server holds with the trust anchors, and finds the same.
    let material = leader
        .get(shared::api::TRUST_ANCHORS)
        .await
        .expect(StatusCode::OK)
        .body;
    let crls: Vec<_> = material["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pem| shared::pki::crl_from_pem_or_der(pem.as_str().unwrap().as_bytes()).unwrap())
        .collect();
    assert_eq!(crls.len(), 1);
    let options = shared::pdf::verify::VerifyOptions {
        trust_anchors: vanban::signing::options(&anchors).trust_anchors,
        crls,
        ocsps: vec![],
    };
    let in_browser = shared::pdf::verify::verify_document(&signed_bytes[..], &options)
        .unwrap()
        .remove(0);
    assert_eq!(
        serde_json::to_value(&in_browser.revocation).unwrap(),
        json["revocation"]
    );
    // The verdict on a received file says the same (a clerk of the province registers it as an e-mail arrival).
    let mut pclerk = docs::client(&app, "vanthu.ubnd").await;
    let arrival = received(&mut pclerk, &signed_bytes).await;
    assert_eq!(arrival["ok"], true, "{arrival:#}");
    assert_eq!(arrival["revocation"]["after_signing"], true, "{arrival:#}");
    assert_eq!(arrival["revocation"]["reason"], "key_compromise");
    // A newer CRL says it was revoked an hour before the signature: the signature fails.
    keep(pki().crl(
        &[CrlEntry {
            serial: serial_of(&cert),
            revoked_at: now_secs - 3600,
            reason: Some(3),
        }],
        2,
    ))
    .await;
    let before = verdict(store.latest_crls().await.unwrap());
    assert!(!before.ok);
    assert_eq!(
        before.revocation_status,
        shared::pdf::verify::RevocationStatus::Revoked
    );
    assert!(
        before
            .problems
            .iter()
            .any(|p| p.contains("trước thời điểm ký")),
        "{:?}",
        before.problems
    );
    let arrival = received(&mut pclerk, &signed_bytes).await;
    assert_eq!(arrival["ok"], false, "{arrival:#}");
    assert_eq!(arrival["revocation"]["after_signing"], false, "{arrival:#}");
    assert_eq!(arrival["revocation"]["reason"], "affiliation_changed");
    // The server refuses a new signature with the revoked certificate (422, in Vietnamese).
    let id2 = docs::awaiting_signature(&app, &p, false).await;
    let doc = leader.outgoing(id2).await.good();
    let draft = docs::main_file_of(&mut leader, &doc).await;
    let s = sign(
        &draft,
        &pki().signer(LEADER_NAME, CertRole::Person),
        SignatureKind::Signer,
        None,
    );
    let sha = upload(&mut leader, &s).await;
    let e = leader
        .sign(id2, &shared::outgoing::SignRequest { main_sha256: sha })
        .await
        .refused(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.message.contains("thu hồi"), "{}", e.message);
    // What goes into the DSS at issue: the latest CRL of the signer's issuer.
    let crls = store.latest_crls().await.unwrap();
    assert_eq!(crls.len(), 1);
    let crl = shared::pdf::revocation::parse_crl(&crls[0]).unwrap();
    assert!(shared::pdf::revocation::crl_signed_by(&crl, &pki().ca_cert));
    assert_eq!(
        cert.tbs_certificate().issuer(),
        pki().ca_cert.tbs_certificate().subject()
    );
    db.finish().await;
}

/// The server's verdict on the signature of `pdf` received by e-mail (`SignatureCheck` as JSON).
async fn received(clerk: &mut crate::common::Client, pdf: &[u8]) -> Value {
    let sha = upload(clerk, pdf).await;
    let doc = clerk
        .post(
            "/api/incoming",
            json!({
                "channel": "email",
                "sender_name": docs::DEPT_NAME,
                "code_text": "12/SNV-TC",
                "issued_date": "2026-01-05",
                "doc_type": "cong_van",
                "subject": "Về việc cử cán bộ dự tập huấn",
                "urgency": "normal",
                "main_file": {"sha256": sha, "name": "cv-12.pdf"},
            }),
        )
        .await
        .expect(StatusCode::CREATED)
        .body;
    doc["verification"]["files"][0]["signatures"][0].clone()
}

/// A CA directory as `vanban pki init-ca --crl-url` leaves it, with one issued certificate revoked.
fn ca_dir(
    dir: &std::path::Path,
    crl_url: &str,
) -> (
    x509_cert::Certificate,
    x509_cert::Certificate,
    x509_cert::Certificate,
) {
    let key = shared::pki::generate_key().unwrap();
    let year = std::time::Duration::from_secs(365 * 86400);
    let ca = shared::pki::issue_certificate(
        CertRole::RootCa,
        shared::pki::name("CA của vanban", Some("Kiểm thử")).unwrap(),
        &key,
        None,
        1,
        year,
    )
    .unwrap();
    let issue = |serial, cn: &str| {
        shared::pki::issue_certificate_with_crl(
            CertRole::Person,
            shared::pki::name(cn, None).unwrap(),
            &shared::pki::generate_key().unwrap(),
            Some((&ca, &key)),
            serial,
            year,
            Some(crl_url),
        )
        .unwrap()
    };
    let good = issue(2, "Người còn hiệu lực");
    let revoked = issue(3, "Người bị thu hồi");
    std::fs::write(dir.join("ca.pem"), pem(&ca)).unwrap();
    std::fs::write(
        dir.join("ca-key.pem"),
        shared::pki::key_to_pem(&key).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("serial"), "4\n").unwrap();
    std::fs::write(dir.join("crlnumber"), "1\n").unwrap();
    std::fs::write(dir.join("crl-url"), crl_url).unwrap();
    std::fs::write(
        dir.join("index.tsv"),
        "2\tV\t\tNgười còn hiệu lực\n3\tR\t1700000000\tNgười bị thu hồi\t1\n",
    )
    .unwrap();
    (ca, good, revoked)
}

async fn the_sweep_fetches_the_crl_vanban_publishes_and_reports_a_dead_source(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/pki/ca.crl", listener.local_addr().unwrap());
    let (ca, good, revoked) = ca_dir(dir.path(), &url);
    assert_eq!(shared::pki::crl_distribution_urls(&good), vec![url.clone()]);
    let mut config = docs::config();
    config.trust_anchors.push(pem(&ca));
    config.ca_dir = Some(dir.path().to_path_buf());
    let router = app(store.clone(), config.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    // The certificates are registered, so the sweep knows their distribution point.
    for (cert, user) in [(&good, p.base.dept_official), (&revoked, p.base.dept_clerk)] {
        let parsed =
            vanban::store::certificates::ParsedCertificate::parse(pem(cert).as_bytes()).unwrap();
        store
            .bind_certificate(
                &Actor::default(),
                &parsed,
                Owner::User(user),
                shared::certificate::BindingSource::Admin,
            )
            .await
            .unwrap();
    }
    let report = vanban::revocation::refresh(&store, &config).await.unwrap();
    assert_eq!(report.fetched, vec![url.clone()], "{:?}", report.failed);
    let crls = store.latest_crls().await.unwrap();
    assert_eq!(crls.len(), 1);
    let list = shared::pki::crl_from_pem_or_der(&crls[0]).unwrap();
    let listed: Vec<String> = list
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .map(|r| r.serial_number.to_string())
        .collect();
    assert_eq!(listed.len(), 1);
    // openssl judges what vanban publishes: the CRL's text, and verification with CRL checking.
    let work = tempfile::tempdir().unwrap();
    let path = |n: &str| work.path().join(n);
    std::fs::write(path("ca.crl"), &crls[0]).unwrap();
    std::fs::write(path("ca.pem"), pem(&ca)).unwrap();
    std::fs::write(path("good.pem"), pem(&good)).unwrap();
    std::fs::write(path("revoked.pem"), pem(&revoked)).unwrap();
    let text = std::process::Command::new("openssl")
        .args(["crl", "-inform", "DER", "-noout", "-text", "-in"])
        .arg(path("ca.crl"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(text.contains("Serial Number: 03"), "{text}");
    let pem_crl = std::process::Command::new("openssl")
        .args(["crl", "-inform", "DER", "-outform", "PEM", "-in"])
        .arg(path("ca.crl"))
        .arg("-out")
        .arg(path("ca-crl.pem"))
        .status()
        .unwrap();
    assert!(pem_crl.success());
    let verify = |leaf: &str| {
        let out = std::process::Command::new("openssl")
            .args(["verify", "-crl_check", "-CAfile"])
            .arg(path("ca.pem"))
            .arg("-CRLfile")
            .arg(path("ca-crl.pem"))
            .arg(path(leaf))
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, out) = verify("good.pem");
    assert!(ok, "{out}");
    let (ok, out) = verify("revoked.pem");
    assert!(!ok && out.contains("revoked"), "{out}");
    // A dead source and a missing file are reported, and the CRL held stays in use.
    config.crl_urls = vec!["http://127.0.0.1:9/khong-co.crl".into()];
    config.crl_files = vec![dir.path().join("khong-co.crl")];
    let report = vanban::revocation::refresh(&store, &config).await.unwrap();
    assert_eq!(report.failed.len(), 2, "{:?}", report);
    let sources = store.revocation_sources().await.unwrap();
    let dead = sources
        .iter()
        .find(|s| s.location.contains("khong-co.crl") && s.kind == "crl_url")
        .unwrap();
    assert!(dead.stale && dead.last_error.is_some());
    let live = sources.iter().find(|s| s.location == url).unwrap();
    assert!(!live.stale);
    assert_eq!(store.latest_crls().await.unwrap().len(), 1);
    // Administrators see the same through the API.
    let mut admin = docs::client(&app(store.clone(), config.clone()), "admin").await;
    let listed = admin
        .get(shared::api::ADMIN_REVOCATION_SOURCES)
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    server.abort();
    db.finish().await;
}

/// `openssl` in `dir`, which must succeed.
pub(crate) fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `openssl ocsp` answering for the CA in its directory; stopped (by its own handle, so its PID) when dropped.
pub(crate) struct OcspResponder(std::process::Child);

impl OcspResponder {
    /// A responder on `port` for the CA `ca` (`{ca}.pem`, `{ca}-key.pem` in `dir`), from `dir/index.txt`, signing
    /// its answers with the CA's key and promising the next in an hour.
    pub(crate) fn start(dir: &std::path::Path, port: u16, ca: &str) -> OcspResponder {
        let (cert, key) = (format!("{ca}.pem"), format!("{ca}-key.pem"));
        OcspResponder(
            std::process::Command::new("openssl")
                .args(["ocsp", "-index", "index.txt", "-port"])
                .arg(port.to_string())
                .args(["-rsigner", &cert, "-rkey", &key, "-CA", &cert])
                .args(["-nmin", "60", "-ignore_err"])
                .current_dir(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for OcspResponder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn the_sweep_asks_the_ocsp_responder_a_registered_certificate_names(db: TestDb) {
    let store = db.store.clone();
    let p = docs::people(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let port = crate::common::server::free_port();
    let url = format!("http://127.0.0.1:{port}/");
    // A CA and a certificate naming its OCSP responder, made by openssl as a CA elsewhere would.
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
            "-subj",
            "/CN=CA OCSP thu nghiem",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf-key.pem",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=Nguoi ky OCSP",
        ],
    );
    std::fs::write(
        d.join("ext.cnf"),
        format!("authorityInfoAccess=OCSP;URI:{url}\nkeyUsage=critical,digitalSignature,nonRepudiation\n"),
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-set_serial",
            "5",
            "-days",
            "30",
            "-out",
            "leaf.pem",
            "-extfile",
            "ext.cnf",
        ],
    );
    // Revoked on 1 March 2026 (key compromise), as the CA's index says.
    std::fs::write(
        d.join("index.txt"),
        "R\t351231000000Z\t260301080000Z,keyCompromise\t05\tunknown\t/CN=Nguoi ky OCSP\n",
    )
    .unwrap();
    let _responder = OcspResponder::start(d, port, "ca");
    let ca_pem = std::fs::read_to_string(d.join("ca.pem")).unwrap();
    let leaf_pem = std::fs::read_to_string(d.join("leaf.pem")).unwrap();
    let leaf = shared::pki::certs_from_pem_or_der(leaf_pem.as_bytes())
        .unwrap()
        .remove(0);
    let ca = shared::pki::certs_from_pem_or_der(ca_pem.as_bytes())
        .unwrap()
        .remove(0);
    assert_eq!(shared::pki::ocsp_urls(&leaf), vec![url.clone()]);
    let mut config = docs::config();
    config.trust_anchors.push(ca_pem);
    let parsed =
        vanban::store::certificates::ParsedCertificate::parse(leaf_pem.as_bytes()).unwrap();
    store
        .bind_certificate(
            &Actor::default(),
            &parsed,
            Owner::User(p.base.dept_official),
            shared::certificate::BindingSource::Admin,
        )
        .await
        .unwrap();
    // The responder may take a moment to listen: the sweep runs again on its schedule; here, a few tries.
    let mut report = vanban::revocation::refresh(&store, &config).await.unwrap();
    for _ in 0..50 {
        if report.fetched.contains(&url) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        report = vanban::revocation::refresh(&store, &config).await.unwrap();
    }
    assert!(report.fetched.contains(&url), "{:?}", report.failed);
    // Kept beside the CRLs, found for the chain (what goes into the DSS), and it says revoked, when and why.
    let held = store
        .ocsp_responses_about(&[leaf.clone(), ca.clone()])
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    let answer = shared::pdf::ocsp::check_response(&held[0], &leaf, &ca).unwrap();
    assert_eq!(
        answer.status,
        shared::pdf::ocsp::OcspStatus::Revoked {
            at: shared::time::Timestamp::parse_iso("2026-03-01T15:00:00+07:00")
                .unwrap()
                .0,
            reason: shared::revocation::RevocationReason::KeyCompromise,
        }
    );
    let sources = store.revocation_sources().await.unwrap();
    let source = sources.iter().find(|s| s.location == url).unwrap();
    assert_eq!(source.kind, "ocsp");
    assert!(source.last_error.is_none());
    db.finish().await;
}
