//! The active-content scan (Điều 22.2: a document with malicious code is never issued), tried the way an
//! attacker hides code: deep `/Next` chains, escaped names, object streams, older revisions, objects the
//! cross-reference does not name, offsets a repairing reader corrects, indirect names. Files are written by hand
//! here, byte by byte, because the writer of the core would not produce them.
#![cfg(feature = "crypto")]

use std::collections::BTreeSet;

use shared::pdf::PdfError;
use shared::pdf::active::{ActiveKind, scan};

const HEADER: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

/// A one-page file: object 1 the catalog (with `catalog` inside), 2 the pages, 3 the page (with `page`
/// inside), then `extra` as objects 4, 5…, with a correct cross-reference table.
fn pdf(catalog: &str, page: &str, extra: &[&str]) -> Vec<u8> {
    let mut bodies = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page} >>"),
    ];
    bodies.extend(extra.iter().map(|s| s.to_string()));
    let mut out = HEADER.to_vec();
    let mut offsets = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", bodies.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            bodies.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// `base` plus an incremental update writing `objects` (number, body) with its own table and `/Prev`.
fn update(base: &[u8], objects: &[(u32, &str)]) -> Vec<u8> {
    let prev = startxref(base);
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap().max(8);
    let mut out = base.to_vec();
    let mut entries = Vec::new();
    for (num, body) in objects {
        entries.push((*num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (num, at) in entries {
        out.extend_from_slice(format!("{num} 1\n{at:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

/// A file whose objects 4… live in an (uncompressed) object stream, with a cross-reference stream.
fn pdf_with_object_stream(catalog: &str, members: &[&str]) -> Vec<u8> {
    let direct = [
        format!("<< /Type /Catalog /Pages 2 0 R {catalog} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_string(),
    ];
    let mut out = HEADER.to_vec();
    let mut offsets = Vec::new();
    for (i, body) in direct.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let stream_num = 4 + members.len() as u32;
    let (mut index, mut data) = (String::new(), String::new());
    for (i, m) in members.iter().enumerate() {
        index.push_str(&format!("{} {} ", 4 + i, data.len()));
        data.push_str(m);
        data.push(' ');
    }
    let body = format!("{index}{data}");
    let stream_at = out.len();
    out.extend_from_slice(
        format!(
            "{stream_num} 0 obj\n<< /Type /ObjStm /N {} /First {} /Length {} >>\nstream\n{body}\nendstream\nendobj\n",
            members.len(),
            index.len(),
            body.len()
        )
        .as_bytes(),
    );
    let xref_num = stream_num + 1;
    let xref_at = out.len();
    let mut rows: Vec<u8> = vec![0, 0, 0, 0, 0, 0xff, 0xff];
    let mut row = |kind: u8, a: u32, b: u16| {
        rows.push(kind);
        rows.extend_from_slice(&a.to_be_bytes());
        rows.extend_from_slice(&b.to_be_bytes());
    };
    for o in &offsets {
        row(1, *o as u32, 0);
    }
    for i in 0..members.len() {
        row(2, stream_num, i as u16);
    }
    row(1, stream_at as u32, 0);
    row(1, xref_at as u32, 0);
    out.extend_from_slice(
        format!(
            "{xref_num} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n",
            xref_num + 1,
            rows.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

fn startxref(data: &[u8]) -> usize {
    let at = data.windows(9).rposition(|w| w == b"startxref").unwrap();
    std::str::from_utf8(&data[at + 9..])
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn kinds(data: &[u8]) -> BTreeSet<ActiveKind> {
    scan(data).unwrap_or_else(|e| panic!("scan failed: {e}"))
}

#[track_caller]
fn finds(data: &[u8], kind: ActiveKind) {
    let found = kinds(data);
    assert!(found.contains(&kind), "expected {kind:?}, found {found:?}");
}

/// An OpenAction whose `/Next` chain is `depth` actions deep, written inline, ending in JavaScript.
fn next_chain_inline(depth: usize) -> String {
    let mut action = "<< /S /JavaScript /JS (app.alert(1)) >>".to_string();
    for _ in 0..depth {
        action = format!("<< /S /GoTo /D [3 0 R /Fit] /Next {action} >>");
    }
    format!("/OpenAction {action}")
}

#[test]
fn a_plain_document_has_nothing() {
    assert!(kinds(&pdf("", "", &[])).is_empty());
}

#[test]
fn javascript_at_the_end_of_a_deep_next_chain_is_found_at_every_depth() {
    for depth in [0, 1, 31, 32, 33, 64, 90] {
        finds(
            &pdf(&next_chain_inline(depth), "", &[]),
            ActiveKind::JavaScript,
        );
    }
}

#[test]
fn a_chain_nested_deeper_than_the_reader_goes_is_refused_not_passed() {
    let e = scan(&pdf(&next_chain_inline(500), "", &[])).unwrap_err();
    assert!(matches!(e, PdfError::Malformed(_)), "{e:?}");
    assert!(e.to_string().contains("đối tượng 1"), "{e}");
}

#[test]
fn javascript_at_the_end_of_a_long_chain_of_indirect_actions_is_found() {
    let n = 2000;
    let mut objects: Vec<String> = (0..n)
        .map(|i| format!("<< /S /GoTo /D [3 0 R /Fit] /Next {} 0 R >>", 5 + i))
        .collect();
    objects.push("<< /S /JavaScript /JS (app.alert(1)) >>".into());
    let refs: Vec<&str> = objects.iter().map(String::as_str).collect();
    finds(&pdf("/OpenAction 4 0 R", "", &refs), ActiveKind::JavaScript);
}

#[test]
fn escaped_and_indirect_names_are_still_javascript() {
    finds(
        &pdf("/OpenAction << /S /Java#53cript /J#53 (x) >>", "", &[]),
        ActiveKind::JavaScript,
    );
    // `/S` held in another object, and no `/JS` key to give it away (the script in a `/Next`-less stream).
    let data = pdf("/OpenAction << /S 4 0 R >>", "", &["/JavaScript"]);
    finds(&data, ActiveKind::JavaScript);
}

#[test]
fn javascript_inside_an_object_stream_is_found() {
    let data = pdf_with_object_stream(
        "/OpenAction 4 0 R",
        &["<< /S /JavaScript /JS (app.alert(1)) >>"],
    );
    finds(&data, ActiveKind::JavaScript);
    let clean = pdf_with_object_stream("", &["<< /Producer (x) >>"]);
    assert!(kinds(&clean).is_empty());
}

#[test]
fn additional_actions_on_the_page_and_document_level_scripts_are_found() {
    finds(
        &pdf(
            "",
            "/AA << /O 4 0 R >>",
            &["<< /S /JavaScript /JS 5 0 R >>", "(a)"],
        ),
        ActiveKind::JavaScript,
    );
    finds(
        &pdf(
            "/Names << /JavaScript << /Names [(a) 4 0 R] >> >>",
            "",
            &["<< /JS (x) >>"],
        ),
        ActiveKind::JavaScript,
    );
}

#[test]
fn an_object_whose_offset_is_off_by_a_few_bytes_is_refused_as_damaged_and_named() {
    let mut data = pdf(
        "/OpenAction 4 0 R",
        "",
        &["<< /S /JavaScript /JS (app.alert(1)) >>"],
    );
    // Point object 4's entry 3 bytes into its body: a repairing reader (qpdf) finds the object anyway.
    let xref = startxref(&data);
    let row = xref + "xref\n0 5\n".len() + 4 * 20;
    let offset: usize = std::str::from_utf8(&data[row..row + 10])
        .unwrap()
        .parse()
        .unwrap();
    data[row..row + 10].copy_from_slice(format!("{:010}", offset + 3).as_bytes());
    let e = scan(&data).unwrap_err();
    assert!(e.to_string().contains("đối tượng 4"), "{e}");
}

#[test]
fn an_object_the_cross_reference_does_not_name_is_still_scanned() {
    let mut data = pdf("", "", &[]);
    // Appended after the last %%EOF, in no table: a repairing reader would still see it.
    data.extend_from_slice(b"9 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n");
    finds(&data, ActiveKind::Launch);
}

#[test]
fn an_older_revision_is_scanned_too() {
    let first = pdf(
        "/OpenAction 4 0 R",
        "",
        &["<< /S /JavaScript /JS (app.alert(1)) >>"],
    );
    // The update replaces both the catalog and the action: the newest revision is clean.
    let data = update(
        &first,
        &[
            (1, "<< /Type /Catalog /Pages 2 0 R >>"),
            (4, "<< /Producer (x) >>"),
        ],
    );
    finds(&data, ActiveKind::JavaScript);
}

#[test]
fn every_refused_kind_is_found_and_web_links_are_allowed() {
    let action = |s: &str| format!("/OpenAction << {s} >>");
    let cases: Vec<(String, &str, ActiveKind)> = vec![
        (action("/S /Launch /F (calc.exe)"), "", ActiveKind::Launch),
        (action("/S /SubmitForm /F << /FS /URL /F (https://x.example) >>"), "", ActiveKind::SubmitForm),
        (action("/S /ImportData /F (data.fdf)"), "", ActiveKind::ImportData),
        (action("/S /GoToR /F (other.pdf) /D [0 /Fit]"), "", ActiveKind::RemoteGoTo),
        (action("/S /GoToE /T << /R /C /N (a) >> /D [0 /Fit]"), "", ActiveKind::RemoteGoTo),
        (action("/S /Rendition /OP 0"), "", ActiveKind::Rendition),
        (action("/S /Movie /T (m)"), "", ActiveKind::Movie),
        (action("/S /Sound /Sound 4 0 R"), "", ActiveKind::Sound),
        (action("/S /RichMediaExecute /TA 4 0 R"), "", ActiveKind::RichMedia),
        (String::new(), "/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]", ActiveKind::RichMedia),
        (String::new(), "/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (a.exe) >> >>]", ActiveKind::FileAttachment),
        (String::new(), "/Annots [<< /Type /Annot /Subtype /3D /Rect [0 0 9 9] >>]", ActiveKind::ThreeD),
        ("/Names << /EmbeddedFiles << /Names [(a) << /Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >>] >> >>".into(), "", ActiveKind::EmbeddedFile),
        ("/AcroForm << /Fields [] /XFA 4 0 R >>".into(), "", ActiveKind::Xfa),
        (String::new(), "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (JavaScript:alert\\(1\\)) >> >>]", ActiveKind::ScriptLink),
        (String::new(), "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (file:///C:/Windows/calc.exe) >> >>]", ActiveKind::ScriptLink),
    ];
    for (catalog, page, kind) in cases {
        let data = pdf(&catalog, page, &["<< /Length 1 >>\nstream\nx\nendstream"]);
        let found = kinds(&data);
        assert!(
            found.contains(&kind),
            "{catalog}{page}: expected {kind:?}, found {found:?}"
        );
    }
    let link = "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://vinhlong.gov.vn/) >> >> << /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [3 0 R /Fit] >> >>]";
    assert!(kinds(&pdf("", link, &[])).is_empty());
}

#[test]
fn the_corpus_is_clean_and_its_bad_files_are_caught() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") {
            let data = std::fs::read(&path).unwrap();
            let found = scan(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(found.is_empty(), "{}: {found:?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 20);
    let bad = |name: &str| std::fs::read(format!("{dir}/bad/{name}")).unwrap();
    finds(&bad("js-openaction.pdf"), ActiveKind::JavaScript);
    // Every offset wrong: refused as damaged, not scanned past.
    assert!(scan(&bad("xref-offsets-shifted.pdf")).is_err());
}
