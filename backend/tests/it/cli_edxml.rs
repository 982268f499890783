//! `vanban edxml parse|build` run as separate processes, the way an integrator scripts them: the JSON of `parse`
//! is accepted by `build`, `parse(build(parse(f)))` prints the same JSON as `parse(f)`, the built packet is read
//! by an independent XML parser (Python's) in the QCVN 102 namespace, and invalid packets exit non-zero with the
//! reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn packets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../edxml/tests/packets")
}

fn vanban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn ok(out: Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn parse_build_parse_prints_the_same_json_for_documents_and_statuses() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "vpcp-sdk-document.edxml",
        "bkav-recall-ddmmyyyy.edxml",
        "status-processing-05.edxml",
        "status-soap-rejected-02.xml",
        "soap-mime-document.xml",
    ] {
        let file = packets().join(name);
        let first = ok(vanban(&[
            "edxml",
            "parse",
            file.to_str().unwrap(),
            "--json",
        ]));
        let json_path = dir.path().join(format!("{name}.json"));
        std::fs::write(&json_path, &first).unwrap();
        let built = ok(vanban(&["edxml", "build", json_path.to_str().unwrap()]));
        let built_path = dir.path().join(format!("{name}.built.edxml"));
        std::fs::write(&built_path, &built).unwrap();
        let again = ok(vanban(&[
            "edxml",
            "parse",
            built_path.to_str().unwrap(),
            "--json",
        ]));
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&first),
            "{name}"
        );

        // An independent parser reads the built packet: well-formed, root and header in the QCVN 102 namespace.
        let check = Command::new("python3")
            .args([
                "-c",
                "import sys, xml.etree.ElementTree as E\n\
                 r = E.parse(sys.argv[1]).getroot()\n\
                 ns = '{http://www.mic.gov.vn/TBT/QCVN_102_2016}'\n\
                 assert r.tag == ns + 'edXML', r.tag\n\
                 h = r.find(ns + 'edXMLEnvelope/' + ns + 'edXMLHeader/' + ns + 'MessageHeader')\n\
                 assert h is not None\n\
                 print(h.find(ns + 'From/' + ns + 'OrganId').text)",
                built_path.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&first).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&check.stdout).trim(),
            json["from"]["organ_id"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_json_says_what_the_packet_says_and_stdin_works() {
    let json: serde_json::Value = serde_json::from_slice(&ok(vanban(&[
        "edxml",
        "parse",
        packets().join("vpcp-sdk-document.edxml").to_str().unwrap(),
        "--json",
    ])))
    .unwrap();
    assert_eq!(json["kind"], "document");
    assert_eq!(json["code"]["code_notation"], "VPCP-TTĐT");
    assert_eq!(json["business"]["action"], "new");
    assert_eq!(json["attachments"][0]["name"], "1896_QD-TTg.doc");
    let status: serde_json::Value = serde_json::from_slice(&ok(vanban(&[
        "edxml",
        "parse",
        packets()
            .join("status-processing-05.edxml")
            .to_str()
            .unwrap(),
        "--json",
    ])))
    .unwrap();
    assert_eq!(
        (status["kind"].as_str(), status["status"].as_str()),
        (Some("status"), Some("05"))
    );

    // Standard input, both ways.
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["edxml", "build", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), status.to_string().as_bytes())
        .unwrap();
    let built = child.wait_with_output().unwrap();
    assert!(built.status.success());
    assert!(
        String::from_utf8_lossy(&built.stdout).contains("<edXML:StatusCode>05</edXML:StatusCode>")
    );
}

#[test]
fn invalid_packets_and_json_exit_non_zero_with_the_reason() {
    let cases = [
        (
            "invalid-missing-subject.edxml",
            "thiếu phần tử bắt buộc MessageHeader/Subject",
        ),
        ("invalid-not-xml.edxml", "không phải XML hợp lệ"),
        ("invalid-truncated.edxml", "không phải XML hợp lệ"),
    ];
    for (name, reason) in cases {
        let out = vanban(&[
            "edxml",
            "parse",
            packets().join(name).to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}: nothing printed on stdout");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(reason),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"kind":"status","status":"07"}"#).unwrap();
    let out = vanban(&["edxml", "build", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("không đúng dạng gói tin"));
}
