//! Signing with a key held elsewhere (ký số từ xa through a CSC service): the file is laid out and hashed here,
//! the key's holder signs the hash of the signed attributes, and the answer is put in. The result must be the
//! same PAdES signature a key in this process makes, and a wrong answer must be refused before it is used.

use std::time::Duration;

use shared::pdf::sign::{ExternalSignature, SignatureKind, SignatureRequest};
use shared::pdf::verify::{VerifyOptions, verify_document};
use shared::pki::{self, CertRole};
use shared::time::Timestamp;

struct Signer {
    ca: pki::X509Certificate,
    key: rsa::PrivateKey,
    chain: Vec<pki::X509Certificate>,
}

fn signer() -> Signer {
    let year = Duration::from_secs(365 * 86400);
    let ca_key = pki::generate_key().unwrap();
    let ca = pki::issue_certificate(
        CertRole::RootCa,
        pki::name("CA kiểm thử ký từ xa", Some("vanban")).unwrap(),
        &ca_key,
        None,
        1,
        year,
    )
    .unwrap();
    let key = pki::generate_key().unwrap();
    let cert = pki::issue_certificate(
        CertRole::Person,
        pki::name("Trần Thị Từ Xa", Some("vanban")).unwrap(),
        &key,
        Some((&ca, &ca_key)),
        2,
        year,
    )
    .unwrap();
    Signer {
        chain: vec![cert, ca.clone()],
        ca,
        key,
    }
}

fn base_pdf() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap()
}

fn request() -> SignatureRequest {
    SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: Some(shared::pdf::appearance::DisplayRect {
            x: 350.0,
            y: 150.0,
            w: 170.0,
            h: 70.0,
        }),
        image_png: None,
        text: None,
        signer_name: "Trần Thị Từ Xa".into(),
        organization: Some("vanban".into()),
        time: Timestamp(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64,
        ),
    }
}

/// What a remote service does with the hash: RSA PKCS#1 v1.5 over a SHA-256 digest it did not compute.
fn remote_sign(key: &rsa::PrivateKey, hash: &[u8]) -> Vec<u8> {
    shared::pdf::cms::RsaSigner {
        key: key.clone(),
        certificates: vec![],
        padding: shared::pdf::cms::Padding::Pkcs1v15,
    }
    .sign_sha256_digest(hash)
    .unwrap()
}

#[test]
fn a_signature_made_elsewhere_over_the_hash_verifies_as_a_pades_signature() {
    let s = signer();
    let data = base_pdf();
    let external = ExternalSignature::begin(&data, &request(), s.chain.clone()).unwrap();
    let hash = external.hash_to_sign().unwrap();
    let appended = external.finish(&remote_sign(&s.key, &hash)).unwrap();
    let file = [data, appended].concat();
    let reports = verify_document(
        &file[..],
        &VerifyOptions {
            trust_anchors: vec![s.ca.clone()],
            crls: vec![],
            ocsps: vec![],
        },
    )
    .unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].ok, "{:?}", reports[0].problems);
    assert_eq!(reports[0].signer, "Trần Thị Từ Xa");
}

#[test]
fn an_answer_over_another_hash_or_from_another_key_is_refused() {
    let s = signer();
    let data = base_pdf();
    let external = ExternalSignature::begin(&data, &request(), s.chain.clone()).unwrap();
    let wrong_hash = remote_sign(&s.key, &[7u8; 32]);
    let err = external.finish(&wrong_hash).unwrap_err().to_string();
    assert!(err.contains("không khớp"), "{err}");

    let other = signer();
    let external = ExternalSignature::begin(&data, &request(), s.chain.clone()).unwrap();
    let hash = external.hash_to_sign().unwrap();
    assert!(external.finish(&remote_sign(&other.key, &hash)).is_err());
    let external = ExternalSignature::begin(&data, &request(), s.chain.clone()).unwrap();
    assert!(external.finish(b"").is_err());
}

#[test]
fn without_a_certificate_nothing_is_laid_out() {
    assert!(ExternalSignature::begin(&base_pdf()[..], &request(), vec![]).is_err());
}
