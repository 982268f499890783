//! Long-term validation (PAdES B-LT, B-LTA): the DSS appended with every chain's certificates and CRLs, the
//! document timestamp over it, what the verifier then says of each signature, and what it must refuse. The
//! TSA is the real one of `vanban tsa serve` (`tsp::respond`), called in-process.

use std::sync::OnceLock;
use std::time::Duration;

use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::document::Document;
use shared::pdf::ltv::{append_dss, last_document_timestamp, make_ltv, read_dss, vri_key};
use shared::pdf::sign::{SignatureKind, SignatureRequest, sign_timestamped};
use shared::pdf::tsp::{self, Authority, DEMO_POLICY, Request};
use shared::pdf::verify::{SignatureReport, VerifyOptions, verify_document};
use shared::pdf::{PdfError, PdfResult};
use shared::pki::{self, CertRole, X509Certificate};
use shared::signature::SignatureLevel;
use shared::time::Timestamp;
use x509_cert::crl::CertificateList;

struct Keys {
    ca: X509Certificate,
    crl: CertificateList,
    signer: RsaSigner,
    tsa: RsaSigner,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let year = Duration::from_secs(365 * 86400);
        let ca_key = pki::generate_key().unwrap();
        let ca = pki::issue_certificate(
            CertRole::RootCa,
            pki::name("CA kiểm thử lưu trữ", Some("vanban")).unwrap(),
            &ca_key,
            None,
            1,
            year,
        )
        .unwrap();
        let issue = |role, cn: &str, serial| {
            let key = pki::generate_key().unwrap();
            let cert = pki::issue_certificate(
                role,
                pki::name(cn, Some("vanban")).unwrap(),
                &key,
                Some((&ca, &ca_key)),
                serial,
                year,
            )
            .unwrap();
            RsaSigner {
                key,
                certificates: vec![cert, ca.clone()],
                padding: Padding::Pkcs1v15,
            }
        };
        Keys {
            crl: pki::build_crl(&ca, &ca_key, &[(99, 1_700_000_000)], 1, year).unwrap(),
            ca: ca.clone(),
            signer: issue(CertRole::Person, "Lê Văn Lưu", 2),
            tsa: issue(CertRole::Tsa { eku_critical: true }, "TSA lưu trữ", 3),
        }
    })
}

fn now() -> Timestamp {
    Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}

fn respond(req: Request) -> PdfResult<Vec<u8>> {
    let authority = Authority {
        signer: &keys().tsa,
        policy: DEMO_POLICY,
    };
    let reply = tsp::respond(&authority, &req.der, now(), &[9, 9]);
    req.token_from(&reply).map_err(PdfError::Signing)
}

/// A signed file with a signature timestamp (B-T).
fn signed() -> Vec<u8> {
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap();
    let request = SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: None,
        image_png: None,
        text: None,
        signer_name: "Lê Văn Lưu".into(),
        organization: Some("vanban".into()),
        time: now(),
    };
    let appended = sign_timestamped(&data, &request, &keys().signer, &mut |v| {
        respond(Request::new(v, 1).unwrap())
    })
    .unwrap();
    [data, appended].concat()
}

fn archived(data: &[u8]) -> Vec<u8> {
    make_ltv(
        data,
        std::slice::from_ref(&keys().ca),
        std::slice::from_ref(&keys().crl),
        &[],
        Some(&mut |d| respond(Request::for_digest(*d, 2).unwrap())),
    )
    .unwrap()
}

/// Verified with the trust anchor only: no CRL given, so revocation can only come from the DSS.
fn verify(data: &[u8]) -> Vec<SignatureReport> {
    let options = VerifyOptions {
        trust_anchors: vec![keys().ca.clone()],
        crls: vec![],
        ocsps: vec![],
    };
    verify_document(data, &options).unwrap()
}

#[test]
fn a_dss_and_a_document_timestamp_bring_a_timestamped_signature_to_b_lta() {
    let file = archived(&signed());
    let reports = verify(&file);
    assert_eq!(reports.len(), 2, "{reports:#?}");
    let (sig, ts) = (&reports[0], &reports[1]);
    assert!(sig.ok, "{:?}", sig.problems);
    assert!(!sig.document_timestamp);
    assert_eq!(sig.level, SignatureLevel::BLTA);
    // The CRL in the DSS is what says "not revoked": the verifier was given none.
    assert_eq!(
        sig.revocation_status,
        shared::pdf::verify::RevocationStatus::Good
    );
    assert!(ts.ok, "{:?}", ts.problems);
    assert!(ts.document_timestamp);
    assert_eq!(ts.level, SignatureLevel::BLTA);
    assert_eq!(ts.signer, "TSA lưu trữ");
    assert!(ts.covers_whole_document);
}

#[test]
fn a_dss_alone_is_b_lt_and_leaves_the_earlier_signature_untouched() {
    let data = signed();
    let dss = append_dss(
        &data[..],
        std::slice::from_ref(&keys().ca),
        std::slice::from_ref(&keys().crl),
        &[],
    )
    .unwrap();
    let file = [&data[..], &dss].concat();
    let reports = verify(&file);
    assert_eq!(reports.len(), 1);
    assert!(reports[0].ok, "{:?}", reports[0].problems);
    assert_eq!(
        reports[0].modification,
        shared::pdf::diff::Modification::None
    );
    assert_eq!(reports[0].level, SignatureLevel::BLT);
    // The VRI entry is keyed by the upper-case SHA-1 of the signature's /Contents.
    let doc = Document::open(&file[..]).unwrap();
    let store = read_dss(&doc).unwrap().unwrap();
    let contents = contents_of(&file, &reports[0].byte_range);
    assert!(store.vri.contains(vri_key(&contents).as_bytes()));
    assert_eq!(store.certs.len(), 3, "signer, TSA and CA certificates");
    assert_eq!(store.crls.len(), 1);
}

fn contents_of(file: &[u8], range: &[i64]) -> Vec<u8> {
    shared::pdf::timestamp::cms_in_pdf(file, range).unwrap()
}

#[test]
fn without_the_issuer_s_crl_no_dss_is_written() {
    let err =
        append_dss(&signed()[..], std::slice::from_ref(&keys().ca), &[], &[]).expect_err("refused");
    assert!(err.to_string().contains("CRL"), "{err}");
}

#[test]
fn a_signature_from_outside_the_trust_anchors_gets_no_dss() {
    let other = pki::issue_certificate(
        CertRole::RootCa,
        pki::name("CA khác", None).unwrap(),
        &pki::generate_key().unwrap(),
        None,
        5,
        Duration::from_secs(86400),
    )
    .unwrap();
    let err = append_dss(
        &signed()[..],
        &[other],
        std::slice::from_ref(&keys().crl),
        &[],
    )
    .expect_err("refused");
    assert!(err.to_string().contains("tin cậy"), "{err}");
}

#[test]
fn a_document_timestamp_over_tampered_bytes_fails() {
    let file = archived(&signed());
    // Flip the last byte of the CRL kept in the DSS: after the signature's range, inside the timestamp's.
    let crl = pki::crl_to_der(&keys().crl).unwrap();
    let at = file
        .windows(crl.len())
        .position(|w| w == crl.as_slice())
        .expect("the CRL is in the DSS")
        + crl.len()
        - 1;
    let mut tampered = file.clone();
    tampered[at] ^= 0x01;
    let reports = verify(&tampered);
    let ts = reports.iter().find(|r| r.document_timestamp).unwrap();
    assert!(!ts.integrity);
    assert!(!ts.ok);
    assert_ne!(ts.level, SignatureLevel::BLTA);
    // The signature itself is intact, but nothing valid covers its validation data any more.
    assert_ne!(reports[0].level, SignatureLevel::BLTA);
}

#[test]
fn re_timestamping_adds_a_later_document_timestamp_and_keeps_the_first_valid() {
    let once = archived(&signed());
    let (first, expiry) = last_document_timestamp(&once[..]).unwrap().unwrap();
    let twice = archived(&once);
    let (second, expiry2) = last_document_timestamp(&twice[..]).unwrap().unwrap();
    assert!(second >= first);
    assert_eq!(expiry, expiry2);
    let reports = verify(&twice);
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| r.ok), "{reports:#?}");
    assert!(reports.iter().all(|r| r.level == SignatureLevel::BLTA));
    // The first timestamp's own validation data is in the refreshed DSS.
    let doc = Document::open(&twice[..]).unwrap();
    let store = read_dss(&doc).unwrap().unwrap();
    assert_eq!(store.vri.0.len(), 2);
    assert!(last_document_timestamp(&signed()[..]).unwrap().is_none());
}
