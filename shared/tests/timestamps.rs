//! Signature timestamps (PAdES B-T, RFC 3161): the TSA's answers, tokens in signatures made at signing or
//! added afterwards in place, and the tokens our verifier must refuse (tampered, over other data, from a
//! certificate whose timeStamping usage is not critical). The TSA here is the real one of `vanban tsa serve`
//! (`tsp::respond`), called in-process.

use std::sync::OnceLock;
use std::time::Duration;

use der::{Decode, Encode};
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::sign::{SignatureKind, SignatureRequest, sign, sign_timestamped};
use shared::pdf::timestamp::{embed_in_pdf, signature_value, verify_token};
use shared::pdf::tsp::{
    self, Authority, DEMO_POLICY, FailInfo, Request, TimeStampReq, TimeStampResp,
};
use shared::pdf::verify::{ChainStatus, SignatureReport, VerifyOptions, verify_document};
use shared::pdf::{PdfError, PdfResult};
use shared::pki::{self, CertRole};
use shared::signature::SignatureLevel;
use shared::time::Timestamp;

struct Keys {
    ca: pki::X509Certificate,
    ca_key: rsa::PrivateKey,
    signer: RsaSigner,
    tsa: RsaSigner,
    /// A TSA whose certificate says timeStamping without marking it critical.
    lax_tsa: RsaSigner,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let year = Duration::from_secs(365 * 86400);
        let ca_key = pki::generate_key().unwrap();
        let ca = pki::issue_certificate(
            CertRole::RootCa,
            pki::name("CA kiểm thử dấu thời gian", Some("vanban")).unwrap(),
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
            ca: ca.clone(),
            ca_key: ca_key.clone(),
            signer: issue(CertRole::Person, "Lê Văn Ký", 2),
            tsa: issue(CertRole::Tsa { eku_critical: true }, "TSA kiểm thử", 3),
            lax_tsa: issue(
                CertRole::Tsa {
                    eku_critical: false,
                },
                "TSA lỏng",
                4,
            ),
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

fn base_pdf() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap()
}

fn request(time: Timestamp) -> SignatureRequest {
    SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: None,
        image_png: None,
        text: None,
        signer_name: "Lê Văn Ký".into(),
        organization: Some("vanban".into()),
        time,
    }
}

/// One round trip to the TSA `tsa` for `data`, as a client makes it (request, reply, checked token).
fn stamp(tsa: &RsaSigner, data: &[u8]) -> PdfResult<Vec<u8>> {
    let req = Request::new(data, 0x5eed_1234).unwrap();
    let authority = Authority {
        signer: tsa,
        policy: DEMO_POLICY,
    };
    let reply = tsp::respond(&authority, &req.der, now(), &[7, 7, 7]);
    req.token_from(&reply).map_err(PdfError::Signing)
}

fn verify(data: &[u8]) -> Vec<SignatureReport> {
    verify_with_crls(data, vec![])
}

fn verify_with_crls(
    data: &[u8],
    crls: Vec<x509_cert::crl::CertificateList>,
) -> Vec<SignatureReport> {
    let options = VerifyOptions {
        trust_anchors: vec![keys().ca.clone()],
        crls,
        ocsps: vec![],
    };
    verify_document(data, &options).unwrap()
}

/// A CRL of the test CA that lists the TSA's certificate as revoked at `revoked_at` (Unix seconds).
fn crl_revoking_the_tsa(revoked_at: u64, reason: u8) -> x509_cert::crl::CertificateList {
    // The TSA's certificate is serial 3 (see `keys`).
    let serial = 3;
    pki::build_crl_with_reasons(
        &keys().ca,
        &keys().ca_key,
        &[pki::CrlEntry {
            serial,
            revoked_at,
            reason: Some(reason),
        }],
        1,
        Duration::from_secs(86400),
    )
    .unwrap()
}

fn signed_with(
    time: Timestamp,
    timestamper: &mut dyn FnMut(&[u8]) -> PdfResult<Vec<u8>>,
) -> Vec<u8> {
    let data = base_pdf();
    let appended = sign_timestamped(&data, &request(time), &keys().signer, timestamper).unwrap();
    [data, appended].concat()
}

#[test]
fn a_signature_timestamped_at_signing_reaches_b_t_with_the_tsa_named() {
    let before = now();
    let file = signed_with(now(), &mut |sig| stamp(&keys().tsa, sig));
    let r = &verify(&file)[0];
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!(r.level, SignatureLevel::BT);
    let ts = r.timestamp.as_ref().expect("a timestamp");
    assert!(ts.valid);
    assert_eq!(ts.tsa, "TSA kiểm thử");
    let t = Timestamp::parse_iso(&ts.time).unwrap();
    assert!(
        t.0 >= before.0 - 1000 && t.0 <= now().0 + 1000,
        "{}",
        ts.time
    );
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["level"], "B-T");
    assert_eq!(json["timestamp"]["valid"], true);
}

#[test]
fn a_signature_without_timestamp_is_b_b_with_a_null_timestamp() {
    let data = base_pdf();
    let file = [
        data.clone(),
        sign(&data, &request(now()), &keys().signer).unwrap(),
    ]
    .concat();
    let r = &verify(&file)[0];
    assert!(r.ok);
    assert_eq!(r.level, SignatureLevel::BB);
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["level"], "B-B");
    assert!(json["timestamp"].is_null());
}

#[test]
fn a_timestamp_added_in_place_keeps_the_file_length_and_the_signature_valid() {
    let data = base_pdf();
    let mut file = [
        data.clone(),
        sign(&data, &request(now()), &keys().signer).unwrap(),
    ]
    .concat();
    let range = verify(&file)[0].byte_range.clone();
    let cms = shared::pdf::timestamp::cms_in_pdf(&file, &range).unwrap();
    let token = stamp(&keys().tsa, &signature_value(&cms).unwrap()).unwrap();
    let len = file.len();
    embed_in_pdf(&mut file, &range, &token).unwrap();
    assert_eq!(file.len(), len);
    let r = &verify(&file)[0];
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!(r.byte_range, range);
    assert_eq!(r.level, SignatureLevel::BT);
    // A second one is refused: the signature already has its timestamp.
    assert!(embed_in_pdf(&mut file, &range, &token).is_err());
}

#[test]
fn a_token_too_big_for_the_reserved_room_is_refused_and_nothing_changes() {
    let data = base_pdf();
    let mut file = [
        data.clone(),
        sign(&data, &request(now()), &keys().signer).unwrap(),
    ]
    .concat();
    let range = verify(&file)[0].byte_range.clone();
    let huge = {
        // A well-formed element far bigger than the room kept for a timestamp.
        let mut e = vec![0x30, 0x83, 0x01, 0x00, 0x00];
        e.resize(5 + 0x10000, 0);
        e
    };
    let before = file.clone();
    let err = embed_in_pdf(&mut file, &range, &huge).unwrap_err();
    assert!(err.contains("không đủ"), "{err}");
    assert_eq!(file, before);
}

#[test]
fn a_tampered_token_is_rejected_and_the_signature_stays_b_b() {
    let file = signed_with(now(), &mut |sig| {
        let mut token = stamp(&keys().tsa, sig)?;
        // The last bytes are the TSA's signature value: flip one.
        let n = token.len();
        token[n - 10] ^= 0x01;
        Ok(token)
    });
    let r = &verify(&file)[0];
    assert!(r.valid, "the signature itself is intact");
    assert!(!r.ok);
    assert_eq!(r.level, SignatureLevel::BB);
    assert!(!r.timestamp.as_ref().unwrap().valid);
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("đơn vị cấp dấu thời gian không khớp")),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_token_over_other_data_is_rejected() {
    let file = signed_with(now(), &mut |_sig| stamp(&keys().tsa, b"another signature"));
    let r = &verify(&file)[0];
    assert_eq!(r.level, SignatureLevel::BB);
    assert!(!r.ok);
    assert!(
        r.problems.iter().any(|p| p.contains("mã băm không khớp")),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_token_from_a_certificate_without_critical_time_stamping_usage_is_rejected() {
    let file = signed_with(now(), &mut |sig| stamp(&keys().lax_tsa, sig));
    let r = &verify(&file)[0];
    assert_eq!(r.level, SignatureLevel::BB);
    assert!(!r.timestamp.as_ref().unwrap().valid);
    assert!(
        r.problems.iter().any(|p| p.contains("critical")),
        "{:?}",
        r.problems
    );
    // A person's certificate is no TSA at all.
    let token = stamp(&keys().signer, b"x").unwrap();
    let check = verify_token(&token, b"x", &[keys().ca.clone()], Default::default());
    assert!(!check.valid);
    assert!(check.problems.iter().any(|p| p.contains("timeStamping")));
}

#[test]
fn the_timestamp_not_the_claimed_time_decides_validity_at_signing() {
    // The signer claims a time before its certificate existed: B-B says expired, B-T trusts the TSA's time.
    let long_ago = Timestamp::parse_iso("2001-01-01T00:00:00+07:00").unwrap();
    let data = base_pdf();
    let plain = [
        data.clone(),
        sign(&data, &request(long_ago), &keys().signer).unwrap(),
    ]
    .concat();
    assert_eq!(verify(&plain)[0].chain_status, ChainStatus::Expired);
    let stamped = signed_with(long_ago, &mut |sig| stamp(&keys().tsa, sig));
    let r = &verify(&stamped)[0];
    assert_eq!(r.chain_status, ChainStatus::Trusted, "{:?}", r.problems);
    assert!(r.ok);
}

#[test]
fn a_tsa_certificate_revoked_after_the_token_still_verifies_with_the_revocation_shown_and_before_it_fails()
 {
    let file = signed_with(now(), &mut |sig| stamp(&keys().tsa, sig));
    let secs = (now().0 / 1000) as u64;

    // Revoked a minute after the token (the TSA's key retired later): the token and the signature hold.
    let later = &verify_with_crls(&file, vec![crl_revoking_the_tsa(secs + 60, 5)])[0];
    assert!(later.ok, "{:?}", later.problems);
    assert_eq!(later.level, SignatureLevel::BT);
    let ts = later.timestamp.as_ref().unwrap();
    assert!(ts.valid);
    let revocation = ts.revocation.as_ref().expect("the revocation is shown");
    assert!(revocation.after_signing);
    assert_eq!(
        revocation.reason,
        shared::revocation::RevocationReason::CessationOfOperation
    );
    assert!(
        ts.sentence().contains("sau thời điểm cấp dấu"),
        "{}",
        ts.sentence()
    );
    let json = serde_json::to_value(later).unwrap();
    assert_eq!(json["timestamp"]["revocation"]["after_signing"], true);
    // The signer's own certificate is not the one revoked.
    assert_eq!(json["revocation"], serde_json::Value::Null);

    // Revoked an hour before the token: the token is refused, the signature falls back to B-B and fails.
    let earlier = &verify_with_crls(&file, vec![crl_revoking_the_tsa(secs - 3600, 1)])[0];
    assert!(!earlier.ok);
    assert_eq!(earlier.level, SignatureLevel::BB);
    let ts = earlier.timestamp.as_ref().unwrap();
    assert!(!ts.valid);
    assert!(!ts.revocation.as_ref().unwrap().after_signing);
    assert!(
        earlier
            .problems
            .iter()
            .any(|p| p.contains("trước thời điểm cấp dấu thời gian")),
        "{:?}",
        earlier.problems
    );

    // No CRL lists it: nothing shown.
    let clean = &verify(&file)[0];
    assert_eq!(clean.timestamp.as_ref().unwrap().revocation, None);
}

#[test]
fn the_tsa_answers_bad_requests_with_a_rejection_and_its_reason() {
    let authority = Authority {
        signer: &keys().tsa,
        policy: DEMO_POLICY,
    };
    let fail_of = |reply: &[u8]| {
        let resp = TimeStampResp::from_der(reply).unwrap();
        assert_eq!(resp.status.status, 2);
        assert!(resp.time_stamp_token.is_none());
        resp.status.fail_info.unwrap()
    };
    let bits = |f: FailInfo| {
        let n = f as usize;
        (n / 8, 0x80u8 >> (n % 8))
    };
    let has = |b: der::asn1::BitString, f: FailInfo| {
        let (i, m) = bits(f);
        b.raw_bytes().get(i).is_some_and(|x| x & m != 0)
    };
    // Not DER at all.
    let reply = tsp::respond(&authority, b"hello", now(), &[1]);
    assert!(has(fail_of(&reply), FailInfo::BadDataFormat));
    // An unknown hash algorithm.
    let mut req = TimeStampReq::from_der(&Request::new(b"x", 1).unwrap().der).unwrap();
    req.message_imprint.hash_algorithm.oid =
        const_oid::ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
    let reply = tsp::respond(&authority, &req.to_der().unwrap(), now(), &[1]);
    assert!(has(fail_of(&reply), FailInfo::BadAlg));
    // A digest of the wrong length for SHA-256.
    let mut req = TimeStampReq::from_der(&Request::new(b"x", 1).unwrap().der).unwrap();
    req.message_imprint.hashed_message = der::asn1::OctetString::new(vec![1; 20]).unwrap();
    let reply = tsp::respond(&authority, &req.to_der().unwrap(), now(), &[1]);
    assert!(has(fail_of(&reply), FailInfo::BadDataFormat));
    // A policy the TSA does not stamp under.
    let mut req = TimeStampReq::from_der(&Request::new(b"x", 1).unwrap().der).unwrap();
    req.req_policy = Some(const_oid::ObjectIdentifier::new_unwrap("1.2.3.4"));
    let reply = tsp::respond(&authority, &req.to_der().unwrap(), now(), &[1]);
    assert!(has(fail_of(&reply), FailInfo::UnacceptedPolicy));
    // A reply to another request's nonce is not taken.
    let ours = Request::new(b"x", 1).unwrap();
    let theirs = Request::new(b"x", 2).unwrap();
    let reply = tsp::respond(&authority, &theirs.der, now(), &[1]);
    assert!(ours.token_from(&reply).unwrap_err().contains("nonce"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever arrives, the TSA answers a well-formed TimeStampResp, and never grants what is not a request.
    #[test]
    fn the_tsa_answers_any_bytes_with_a_well_formed_reply(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let authority = Authority { signer: &keys().tsa, policy: DEMO_POLICY };
        let reply = tsp::respond(&authority, &body, now(), &[1]);
        let resp = TimeStampResp::from_der(&reply).unwrap();
        if TimeStampReq::from_der(&body).is_err() {
            proptest::prop_assert_eq!(resp.status.status, 2);
        }
    }

    /// A token or a CMS made of noise is refused, never a panic.
    #[test]
    fn noise_is_refused_as_a_token_and_as_a_signature(noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let check = verify_token(&noise, b"data", &[keys().ca.clone()], Default::default());
        proptest::prop_assert!(!check.valid);
        let _ = shared::pdf::timestamp::add_to_signature(&noise, b"\x30\x00");
        let _ = signature_value(&noise);
    }
}
