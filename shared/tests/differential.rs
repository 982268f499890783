//! Differential test against pyHanko: every signature of the files in `tests/corpus/differential` gets the same
//! verdict from our verifier as pyHanko gave it (recorded in `manifest.json` by
//! `scripts/judges/make_differential_corpus.py`; `backend/tests/it/pdf_judges.rs` re-asks pyHanko live).
//!
//! A verdict is one of three: `none` (intact, valid, nothing after it but metadata, DSS or document timestamps),
//! `form_filling` (intact, valid, later revisions fill fields or sign), `rejected` (not intact, not valid, or
//! modified otherwise). Trust in the signer is not part of it: every file chains to the corpus's throwaway root.
#![cfg(feature = "crypto")]

use std::path::{Path, PathBuf};

use serde_json::Value;
use shared::pdf::diff::Modification;
use shared::pdf::verify::{SignatureReport, VerifyOptions, verify_document};
use x509_cert::Certificate;
use x509_cert::der::DecodePem;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/differential")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(corpus().join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest.json is JSON")
}

fn options() -> VerifyOptions {
    let pem = std::fs::read_to_string(corpus().join("pki/ca.pem")).expect("pki/ca.pem");
    VerifyOptions {
        trust_anchors: vec![Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate")],
        crls: vec![],
        ocsps: vec![],
    }
}

/// Our verdict on one signature, in the manifest's words.
fn verdict(r: &SignatureReport) -> &'static str {
    if !r.valid {
        return "rejected";
    }
    match r.modification {
        Modification::None => "none",
        Modification::FormFilling => "form_filling",
        Modification::Other => "rejected",
    }
}

/// What the corpus says of our verdicts: how many signatures, how many of them we judge differently from
/// pyHanko on purpose (their manifest entry says `ours` and why), and one line per signature whose verdict is
/// not the expected one (file, field, expected, ours and why).
struct Comparison {
    total: usize,
    on_purpose: usize,
    wrong: Vec<String>,
}

fn compare() -> Comparison {
    let options = options();
    let mut c = Comparison {
        total: 0,
        on_purpose: 0,
        wrong: Vec::new(),
    };
    for file in manifest()["files"].as_array().expect("files") {
        let name = file["file"].as_str().unwrap();
        let data = std::fs::read(corpus().join(name)).unwrap();
        let ours = verify_document(data.as_slice(), &options);
        for sig in file["signatures"].as_array().unwrap() {
            c.total += 1;
            let field = sig["field"].as_str().unwrap();
            let theirs = sig["pyhanko"].as_str().unwrap();
            let expected = match file["ours"][field].as_str() {
                Some(on_purpose) => {
                    assert_ne!(on_purpose, theirs, "{name} {field}: no difference to keep");
                    c.on_purpose += 1;
                    on_purpose
                }
                None => theirs,
            };
            let (mine, why) = match &ours {
                Err(e) => ("rejected", format!("unreadable: {e}")),
                Ok(reports) => match reports.iter().find(|r| r.field == field) {
                    None => ("missing", String::new()),
                    Some(r) => (verdict(r), r.problems.join("; ")),
                },
            };
            if mine != expected {
                c.wrong.push(format!(
                    "{name} {field}: expected {expected} (pyHanko {theirs}: {}), ours {mine}: {why}",
                    sig["pyhanko_detail"].as_str().unwrap_or("")
                ));
            }
        }
    }
    c
}

#[test]
fn every_signature_of_the_differential_corpus_gets_pyhankos_verdict() {
    let c = compare();
    assert!(
        c.total - c.on_purpose >= 40,
        "the corpus holds only {} signatures",
        c.total
    );
    assert!(
        c.wrong.is_empty(),
        "{} of {} signatures get another verdict than expected:\n{}",
        c.wrong.len(),
        c.total,
        c.wrong.join("\n")
    );
}

/// Where we differ from pyHanko on purpose, the manifest says so with the reason: the shadow attacks pyHanko
/// accepts (a value filled again, an appearance rewritten without its value, a field hidden, an appearance
/// borrowed from another object, the form's fonts removed with /NeedAppearances) are refused; a field filled
/// through the widgets in its /Kids, which pyHanko leaves unexplained, is form filling.
#[test]
fn differences_from_pyhanko_on_purpose_are_listed_with_their_reason() {
    let c = compare();
    assert_eq!(c.on_purpose, 6);
    let m = manifest();
    for file in m["files"].as_array().unwrap() {
        let Some(ours) = file.get("ours") else {
            continue;
        };
        let name = file["file"].as_str().unwrap();
        let verdict = ours.as_object().unwrap().values().next().unwrap();
        if name.starts_with("stricter-") {
            assert_eq!(verdict, "rejected", "{name}");
        } else {
            assert_eq!(name, "fill-text-kids-indirect.pdf");
            assert_eq!(verdict, "form_filling");
        }
        assert!(
            file["ours_why"].as_str().is_some_and(|w| !w.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn the_corpus_covers_every_verdict_and_the_kinds_the_issue_names() {
    let m = manifest();
    let files = m["files"].as_array().unwrap();
    let verdicts: Vec<&str> = files
        .iter()
        .flat_map(|f| f["signatures"].as_array().unwrap())
        .map(|s| s["pyhanko"].as_str().unwrap())
        .collect();
    for v in ["none", "form_filling", "rejected"] {
        assert!(
            verdicts.iter().filter(|x| **x == v).count() >= 5,
            "fewer than 5 signatures judged {v}"
        );
    }
    let names: Vec<&str> = files.iter().map(|f| f["file"].as_str().unwrap()).collect();
    for kind in [
        "alg-ed25519",
        "alg-ed448",
        "alg-ecdsa-p384",
        "cms-ber-indefinite",
        "cms-no-signed-attrs",
        "cms-encapsulated-content",
        "rev-acrobat",
        "rev-extensions-indirect",
        "fill-indirect-ap-in-place",
        "shared-ap-dict-trailer-info",
        "lta-archival-chain",
        "indirect-kids",
    ] {
        assert!(
            names.iter().any(|n| n.starts_with(kind)),
            "no {kind} file in the corpus"
        );
    }
}

/// The CMS of a corpus file, as the bytes of its /Contents (trailing zero padding cut).
fn cms_of(file: &str) -> Vec<u8> {
    let data = std::fs::read(corpus().join(file)).unwrap();
    let at = data.windows(11).position(|w| w == b"/Contents <").unwrap() + 11;
    let hex: Vec<u8> = data[at..]
        .iter()
        .take_while(|b| **b != b'>')
        .copied()
        .collect();
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect();
    shared::pdf::ber::read(&bytes).unwrap().raw.to_vec()
}

/// Every constructed element re-written with an indefinite length.
fn indefinite(der: &[u8]) -> Vec<u8> {
    let t = shared::pdf::ber::read(der).unwrap();
    if !t.constructed {
        return t.raw.to_vec();
    }
    let mut out = t.tag.to_vec();
    out.push(0x80);
    for c in t.children().unwrap() {
        out.extend(indefinite(c.raw));
    }
    out.extend([0, 0]);
    out
}

/// pyHanko cannot read certificates in BER (so no corpus file has them); ours are decoded and chain as in DER,
/// and the signed attributes are kept as they stand.
#[test]
fn ber_everywhere_in_the_cms_and_its_certificates_reads_as_the_der_does() {
    use shared::pdf::chain::{ChainStatus, validate_chain};
    use shared::pdf::cms::parse_cms;
    let der = cms_of("cms-der-by-hand.pdf");
    let ber = indefinite(&der);
    assert!(ber.len() > der.len());
    let (a, b) = (parse_cms(&der).unwrap(), parse_cms(&ber).unwrap());
    assert_eq!(a.signed_data, b.signed_data);
    assert_eq!(a.signer_info, b.signer_info);
    assert_eq!(a.certificates.len(), 2);
    for ((ca, raw_a), (cb, raw_b)) in a.certificates.iter().zip(&b.certificates) {
        assert_eq!(ca, cb);
        assert_ne!(raw_a, raw_b, "the bytes as they stand are kept");
    }
    let attrs = b.signed_attrs.unwrap();
    assert_eq!(
        &attrs[..2],
        [0x31, 0x80],
        "signed attributes as they stand, re-tagged"
    );
    let signer = b
        .certificates
        .iter()
        .map(|(c, _)| c)
        .find(|c| c.tbs_certificate().issuer() != c.tbs_certificate().subject())
        .unwrap();
    let bundled: Vec<_> = b.certificates.iter().map(|(c, _)| c.clone()).collect();
    let (status, _) = validate_chain(
        signer,
        &bundled,
        &options().trust_anchors,
        shared::time::Timestamp(
            signer
                .tbs_certificate()
                .validity()
                .not_before
                .to_unix_duration()
                .as_millis() as i64
                + 86_400_000,
        ),
    );
    assert_eq!(status, ChainStatus::Trusted);
}
