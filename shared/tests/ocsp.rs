//! OCSP (RFC 6960) against a real responder: `openssl ocsp` serving an index of the test CA, started and
//! stopped by this test. Our requests must be understood by it, and its answers read and checked by us: good,
//! revoked (when and why, judged at the signing time), and refused when tampered with, about another
//! certificate, or signed by a key that may not answer for the issuer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use shared::pdf::ocsp::{self, OcspStatus};
use shared::pki::{self, CertRole, X509Certificate};
use shared::revocation::RevocationReason;
use shared::time::Timestamp;

/// The responder process, stopped (by its own handle, so by its PID) when dropped.
struct Responder {
    child: Child,
    port: u16,
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_responder(dir: &Path) -> Responder {
    let port = free_port();
    let child = Command::new("openssl")
        .args(["ocsp", "-index", "index.txt", "-port"])
        .arg(port.to_string())
        .args([
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca-key.pem",
            "-CA",
            "ca.pem",
            "-nmin",
            "60",
            "-ignore_err",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl");
    Responder { child, port }
}

/// One HTTP POST of an OCSP request; the body of the answer.
fn ask(port: u16, request: &[u8]) -> Vec<u8> {
    let mut last = None;
    for _ in 0..100 {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(mut s) => {
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                write!(
                    s,
                    "POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\n\r\n",
                    request.len()
                )
                .unwrap();
                s.write_all(request).unwrap();
                let mut reply = Vec::new();
                s.read_to_end(&mut reply).unwrap();
                let at = reply
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .expect("an HTTP answer");
                assert!(
                    reply.starts_with(b"HTTP/1.0 200"),
                    "{:?}",
                    String::from_utf8_lossy(&reply[..at])
                );
                return reply[at + 4..].to_vec();
            }
            Err(e) => {
                last = Some(e);
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    panic!("the responder did not start: {last:?}");
}

/// A CA, and two certificates it issued: serial 2 in force, serial 3 revoked for key compromise at `revoked`,
/// with their keys.
struct Ca {
    cert: X509Certificate,
    good: X509Certificate,
    revoked: X509Certificate,
    keys: [pki::PrivateKey; 2],
}

fn make_ca(dir: &Path, revoked_at: &str) -> Ca {
    let year = Duration::from_secs(365 * 86400);
    let key = pki::generate_key().unwrap();
    let cert = pki::issue_certificate(
        CertRole::RootCa,
        pki::name("CA kiểm thử OCSP", Some("vanban")).unwrap(),
        &key,
        None,
        1,
        year,
    )
    .unwrap();
    let issue = |serial, cn: &str| {
        let subject_key = pki::generate_key().unwrap();
        let cert = pki::issue_certificate(
            CertRole::Person,
            pki::name(cn, None).unwrap(),
            &subject_key,
            Some((&cert, &key)),
            serial,
            year,
        )
        .unwrap();
        (cert, subject_key)
    };
    let (good, good_key) = issue(2, "Người còn hiệu lực");
    let (revoked, revoked_key) = issue(3, "Người bị thu hồi");
    std::fs::write(dir.join("ca.pem"), pki::cert_to_pem(&cert).unwrap()).unwrap();
    std::fs::write(dir.join("ca-key.pem"), pki::key_to_pem(&key).unwrap()).unwrap();
    // openssl's index: status, expiry, revocation time[,reason], serial (hex), file, subject.
    std::fs::write(
        dir.join("index.txt"),
        format!(
            "V\t351231000000Z\t\t02\tunknown\t/CN=good\nR\t351231000000Z\t{revoked_at},keyCompromise\t03\tunknown\t/CN=revoked\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").unwrap();
    Ca {
        cert,
        good,
        revoked,
        keys: [good_key, revoked_key],
    }
}

#[test]
fn openssl_answers_our_requests_and_we_read_good_revoked_and_refuse_what_does_not_hold() {
    let dir = tempfile::tempdir().unwrap();
    // Revoked on 1 March 2026, 08:00 UTC.
    let ca = make_ca(dir.path(), "260301080000Z");
    let responder = start_responder(dir.path());

    let good = ask(responder.port, &ocsp::request(&ca.good, &ca.cert).unwrap());
    let answer = ocsp::check_response(&good, &ca.good, &ca.cert).unwrap();
    assert_eq!(answer.status, OcspStatus::Good);
    let next = answer.next_update.expect("-nmin gives a nextUpdate");
    assert!(next > answer.this_update);

    let revoked = ask(
        responder.port,
        &ocsp::request(&ca.revoked, &ca.cert).unwrap(),
    );
    let answer = ocsp::check_response(&revoked, &ca.revoked, &ca.cert).unwrap();
    let when = Timestamp::parse_iso("2026-03-01T15:00:00+07:00").unwrap().0;
    assert_eq!(
        answer.status,
        OcspStatus::Revoked {
            at: when,
            reason: RevocationReason::KeyCompromise
        }
    );
    // Judged at the signing time: signed the day before it stands, signed the day after it does not.
    let day = 24 * 3600 * 1000;
    let before = ocsp::revocation_at(&answer, Timestamp(when - day)).unwrap();
    assert!(before.after_signing);
    assert_eq!(before.source, "ocsp");
    assert!(
        !ocsp::revocation_at(&answer, Timestamp(when + day))
            .unwrap()
            .after_signing
    );

    // An answer about another certificate is not an answer about this one.
    let e = ocsp::check_response(&good, &ca.revoked, &ca.cert).unwrap_err();
    assert!(e.contains("không nói về"), "{e}");

    // One byte changed inside the signed part: the signature no longer holds.
    let mut tampered = revoked.clone();
    let at = tampered.len() / 3;
    tampered[at] ^= 0x01;
    assert!(ocsp::check_response(&tampered, &ca.revoked, &ca.cert).is_err());

    // A responder of another CA may not answer for this one.
    let other_dir = tempfile::tempdir().unwrap();
    let other = make_ca(other_dir.path(), "260301080000Z");
    let stranger = start_responder(other_dir.path());
    let theirs = ask(
        stranger.port,
        &ocsp::request(&other.good, &other.cert).unwrap(),
    );
    assert!(ocsp::check_response(&theirs, &other.good, &other.cert).is_ok());
    let e = ocsp::check_response(&theirs, &other.good, &ca.cert).unwrap_err();
    assert!(e.contains("không được ký"), "{e}");

    // Noise is refused with a sentence, never a panic.
    assert!(ocsp::check_response(b"not ocsp", &ca.good, &ca.cert).is_err());
}

/// `the_pdf` signed (PAdES B-B) by `cert` with `key` now, bundling the CA's certificate.
fn signed_by(cert: &X509Certificate, key: &pki::PrivateKey, ca: &X509Certificate) -> Vec<u8> {
    signed_at(cert, key, ca, now())
}

fn now() -> Timestamp {
    Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}

/// `the_pdf` signed (PAdES B-B) by `cert` with `key`, claiming (`/M`, the signing time without a timestamp) `at`.
fn signed_at(
    cert: &X509Certificate,
    key: &pki::PrivateKey,
    ca: &X509Certificate,
    at: Timestamp,
) -> Vec<u8> {
    use shared::pdf::cms::{Padding, RsaSigner};
    use shared::pdf::sign::{SignatureKind, SignatureRequest, sign};
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap();
    let signer = RsaSigner {
        key: key.clone(),
        certificates: vec![cert.clone(), ca.clone()],
        padding: Padding::Pkcs1v15,
    };
    let request = SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: None,
        image_png: None,
        text: None,
        signer_name: pki::subject_names(cert).0,
        organization: None,
        time: at,
    };
    let appended = sign(&data[..], &request, &signer).unwrap();
    [data, appended].concat()
}

#[test]
fn answers_alone_judge_a_signature_and_vouch_for_it_in_a_dss() {
    use shared::pdf::ltv::{append_dss, read_dss, vri_key};
    use shared::pdf::verify::{RevocationStatus, VerifyOptions, verify_document};
    let dir = tempfile::tempdir().unwrap();
    let ca = make_ca(dir.path(), "260301080000Z");
    let responder = start_responder(dir.path());
    let good_answer = ask(responder.port, &ocsp::request(&ca.good, &ca.cert).unwrap());
    let revoked_answer = ask(
        responder.port,
        &ocsp::request(&ca.revoked, &ca.cert).unwrap(),
    );
    let good = signed_by(&ca.good, &ca.keys[0], &ca.cert);
    let revoked = signed_by(&ca.revoked, &ca.keys[1], &ca.cert);

    // No CRL anywhere: the answers are the evidence, each only for the certificate it is about.
    let options = VerifyOptions {
        trust_anchors: vec![ca.cert.clone()],
        crls: vec![],
        ocsps: vec![good_answer.clone(), revoked_answer.clone()],
    };
    let r = &verify_document(&good[..], &options).unwrap()[0];
    assert!(r.ok, "{r:?}");
    assert_eq!(r.revocation_status, RevocationStatus::Good);
    let r = &verify_document(&revoked[..], &options).unwrap()[0];
    assert!(!r.ok);
    assert_eq!(r.revocation_status, RevocationStatus::Revoked);
    assert_eq!(r.revocation.as_ref().unwrap().source, "ocsp");
    // The answer about the other certificate says nothing of this one.
    let other_only = VerifyOptions {
        trust_anchors: vec![ca.cert.clone()],
        crls: vec![],
        ocsps: vec![good_answer.clone()],
    };
    let r = &verify_document(&revoked[..], &other_only).unwrap()[0];
    assert_eq!(r.revocation_status, RevocationStatus::Unknown);

    // A DSS from an answer alone: /OCSPs holds it, the signature's VRI entry points at it.
    let anchors = std::slice::from_ref(&ca.cert);
    let dss = append_dss(&good[..], anchors, &[], std::slice::from_ref(&good_answer)).unwrap();
    let file = [&good[..], &dss].concat();
    let doc = shared::pdf::document::Document::open(&file[..]).unwrap();
    let store = read_dss(&doc).unwrap().unwrap();
    assert_eq!(store.ocsps.len(), 1);
    assert_eq!(store.ocsps[0].1, good_answer);
    assert!(store.crls.is_empty());
    let reports = verify_document(
        &file[..],
        &VerifyOptions {
            trust_anchors: vec![ca.cert.clone()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        reports[0].revocation_status,
        RevocationStatus::Good,
        "read from the DSS"
    );
    let contents = shared::pdf::timestamp::cms_in_pdf(&file, &reports[0].byte_range).unwrap();
    let entry = store.vri.get(vri_key(&contents).as_bytes()).unwrap();
    assert!(
        entry
            .as_dict()
            .and_then(|d| d.get(b"OCSP"))
            .and_then(|o| o.as_array())
            .is_some_and(|a| a.len() == 1),
        "{entry:?}"
    );
    // An answer about another certificate vouches for nothing: refused, naming what is missing.
    let err = append_dss(
        &good[..],
        anchors,
        &[],
        std::slice::from_ref(&revoked_answer),
    )
    .unwrap_err();
    assert!(err.to_string().contains("OCSP"), "{err}");
    // The revoked signer's DSS carries the answer that condemns it, read years later with the anchor alone.
    let dss = append_dss(
        &revoked[..],
        anchors,
        &[],
        std::slice::from_ref(&revoked_answer),
    )
    .unwrap();
    let file = [&revoked[..], &dss].concat();
    let r = &verify_document(
        &file[..],
        &VerifyOptions {
            trust_anchors: vec![ca.cert.clone()],
            ..Default::default()
        },
    )
    .unwrap()[0];
    assert_eq!(r.revocation_status, RevocationStatus::Revoked);
}

/// thisUpdate and nextUpdate: a "good" answer vouches for a signature made while it was current (or before it
/// was made); one that had expired before the signing time says nothing of it, since the certificate may have
/// been revoked in between. A "revoked" answer names when, and counts whenever it was made. Read from the DSS
/// alike.
#[test]
fn a_good_answer_vouches_only_until_its_next_update_a_revoked_one_always() {
    use shared::pdf::ltv::append_dss;
    use shared::pdf::verify::{RevocationStatus, VerifyOptions, verify_document};
    let dir = tempfile::tempdir().unwrap();
    let ca = make_ca(dir.path(), "260301080000Z");
    let responder = start_responder(dir.path());
    let good_answer = ask(responder.port, &ocsp::request(&ca.good, &ca.cert).unwrap());
    let revoked_answer = ask(
        responder.port,
        &ocsp::request(&ca.revoked, &ca.cert).unwrap(),
    );
    let answer = ocsp::check_response(&good_answer, &ca.good, &ca.cert).unwrap();
    // -nmin 60: promised for an hour.
    let next = answer.next_update.unwrap();
    assert!((55..=65).contains(&((next - answer.this_update) / 60_000)));
    let minute = 60_000;
    let options = VerifyOptions {
        trust_anchors: vec![ca.cert.clone()],
        crls: vec![],
        ocsps: vec![good_answer.clone(), revoked_answer.clone()],
    };
    let judged = |pdf: &[u8], options: &VerifyOptions| {
        let r = verify_document(pdf, options).unwrap().remove(0);
        (r.revocation_status, r.ok)
    };
    // Signed before the answer was made, or while it was current: good.
    for at in [answer.this_update - 60 * minute, next - 30 * minute] {
        let pdf = signed_at(&ca.good, &ca.keys[0], &ca.cert, Timestamp(at));
        assert_eq!(judged(&pdf, &options), (RevocationStatus::Good, true));
    }
    // Signed ten minutes after its nextUpdate (past the five minutes clocks may disagree): no evidence, which
    // is not a refusal.
    let late = signed_at(
        &ca.good,
        &ca.keys[0],
        &ca.cert,
        Timestamp(next + 10 * minute),
    );
    assert_eq!(judged(&late, &options), (RevocationStatus::Unknown, true));
    // The same from the file's DSS, with the anchor alone.
    let dss = append_dss(
        &late[..],
        std::slice::from_ref(&ca.cert),
        &[],
        std::slice::from_ref(&good_answer),
    )
    .unwrap();
    let alone = VerifyOptions {
        trust_anchors: vec![ca.cert.clone()],
        ..Default::default()
    };
    let file = [&late[..], &dss].concat();
    assert_eq!(judged(&file, &alone), (RevocationStatus::Unknown, true));
    // A day past the revoked answer's nextUpdate, it still says revoked (on 1 March 2026, before the signing).
    let revoked = signed_at(
        &ca.revoked,
        &ca.keys[1],
        &ca.cert,
        Timestamp(next + 24 * 60 * minute),
    );
    assert_eq!(
        judged(&revoked, &options),
        (RevocationStatus::Revoked, false)
    );
}

#[test]
fn an_answer_is_current_up_to_its_next_update_or_without_one_its_this_update() {
    let at = |this_update, next_update| ocsp::OcspAnswer {
        status: OcspStatus::Good,
        this_update,
        next_update,
    };
    let skew = ocsp::CLOCK_SKEW_MS;
    let hour = 3_600_000;
    let with_next = at(10 * hour, Some(11 * hour));
    assert!(with_next.current_at(Timestamp(9 * hour)));
    assert!(with_next.current_at(Timestamp(11 * hour + skew)));
    assert!(!with_next.current_at(Timestamp(11 * hour + skew + 1)));
    let without = at(10 * hour, None);
    assert!(without.current_at(Timestamp(10 * hour + skew)));
    assert!(!without.current_at(Timestamp(10 * hour + skew + 1)));
}
