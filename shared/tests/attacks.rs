//! The known attacks on PDF signatures, one test per class, each built for real against a document signed by
//! the core: incremental saving (ISA), signature wrapping (SWA) and universal signature forgery (USF) from
//! Mladenov et al., "1 Trillion Dollar Refund" (CCS 2019); shadow attacks hide, replace and hide-and-replace
//! from Mainka et al. (NDSS 2021). Each must be reported as invalid or as modified (`other`), never as fine —
//! and the legitimate changes next to them (form filling, another signature, metadata) must not be.
#![cfg(feature = "crypto")]

use std::sync::OnceLock;
use std::time::Duration;

use pdf_writer::{Chunk, Ref};
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::diff::Modification;
use shared::pdf::document::Document;
use shared::pdf::object::{Dict, ObjRef, Object, encode_text_string};
use shared::pdf::sign::{SignatureKind, SignatureRequest, sign};
use shared::pdf::update::IncrementalUpdate;
use shared::pdf::verify::{SignatureReport, VerifyOptions, verify_document};
use shared::pki::{self, CertRole};
use shared::time::Timestamp;

struct Keys {
    ca: pki::X509Certificate,
    signer: RsaSigner,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let year = Duration::from_secs(365 * 86400);
        let ca_key = pki::generate_key().unwrap();
        let ca = pki::issue_certificate(
            CertRole::RootCa,
            pki::name("CA kiểm thử", Some("vanban")).unwrap(),
            &ca_key,
            None,
            1,
            year,
        )
        .unwrap();
        let key = pki::generate_key().unwrap();
        let cert = pki::issue_certificate(
            CertRole::Person,
            pki::name("Lê Văn Ký", Some("Sở Tư pháp")).unwrap(),
            &key,
            Some((&ca, &ca_key)),
            2,
            year,
        )
        .unwrap();
        Keys {
            ca: ca.clone(),
            signer: RsaSigner {
                key,
                certificates: vec![cert, ca],
                padding: Padding::Pkcs1v15,
            },
        }
    })
}

/// Byte offset of the first occurrence of `needle`.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("present")
}

fn base_pdf() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/gs-pdfwrite-1.7.pdf"
    ))
    .unwrap()
}

fn signed(data: &[u8]) -> Vec<u8> {
    let request = SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: Some(shared::pdf::appearance::DisplayRect {
            x: 300.0,
            y: 80.0,
            w: 200.0,
            h: 60.0,
        }),
        image_png: None,
        text: None,
        signer_name: "Lê Văn Ký".into(),
        organization: Some("Sở Tư pháp".into()),
        time: Timestamp(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64,
        ),
    };
    let appended = sign(data, &request, &keys().signer).unwrap();
    [data, &appended[..]].concat()
}

/// Applies an incremental update made by `f` and returns the whole new file.
fn update(data: &[u8], f: impl FnOnce(&mut IncrementalUpdate, &Document)) -> Vec<u8> {
    let doc = Document::open(data).unwrap();
    let mut u = IncrementalUpdate::new(&doc);
    f(&mut u, &doc);
    let appended = u.finish().unwrap();
    [data, &appended.bytes[..]].concat()
}

fn verify(data: &[u8]) -> Vec<SignatureReport> {
    let options = VerifyOptions {
        trust_anchors: vec![keys().ca.clone()],
        crls: vec![],
        ocsps: vec![],
    };
    verify_document(data, &options).unwrap()
}

fn first_page(doc: &Document) -> shared::pdf::document::Page {
    doc.pages().unwrap().remove(0)
}

/// A content stream object written with pdf-writer; returns its reference.
fn put_stream(u: &mut IncrementalUpdate, content: &[u8]) -> ObjRef {
    let r = u.alloc_writer_ref();
    let mut c = Chunk::new();
    c.stream(r, content);
    u.put_chunk(&c).unwrap();
    ObjRef::new(r.get() as u32, 0)
}

/// How an attack must show: the signed bytes are intact but what was shown changed (`Modified`), or the
/// signature itself no longer holds (`Invalid`).
enum Caught {
    Modified,
    Invalid,
}

fn assert_caught(reports: &[SignatureReport], what: &str, how: Caught) {
    let r = &reports[0];
    assert!(!r.ok, "{what}: reported fine: {r:#?}");
    match how {
        Caught::Modified => assert!(
            r.valid && r.integrity && r.modification == Modification::Other,
            "{what}: must be an intact signature over a revision modified beyond form filling: {r:#?}"
        ),
        Caught::Invalid => assert!(!r.valid, "{what}: must be invalid: {r:#?}"),
    }
    assert!(!r.problems.is_empty(), "{what}: the report must say why");
}

// ---------------------------------------------------------------- legitimate changes (controls)

#[test]
fn untouched_signature_is_fine() {
    let r = verify(&signed(&base_pdf()));
    assert!(
        r[0].ok && r[0].covers_whole_document && r[0].modification == Modification::None,
        "{r:#?}"
    );
}

#[test]
fn a_second_signature_and_a_metadata_update_are_not_tampering() {
    let once = signed(&base_pdf());
    let with_info = update(&once, |u, doc| {
        let info = u.alloc();
        u.put_dict(
            info,
            &Dict(vec![(
                b"Producer".to_vec(),
                Object::String(b"vanban".to_vec()),
            )]),
        );
        let _ = doc;
    });
    // A new /Info only counts when the trailer points at it; the next update keeps the original /Info.
    let twice = signed(&with_info);
    let r = verify(&twice);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].modification, Modification::FormFilling, "{r:#?}");
    assert!(r[0].ok && r[1].ok, "{r:#?}");
}

// ---------------------------------------------------------------- incremental saving attack

#[test]
fn isa_new_page_content_after_signing() {
    let attacked = update(&signed(&base_pdf()), |u, doc| {
        let page = first_page(doc);
        let evil = put_stream(u, b"BT /F1 40 Tf 100 400 Td (REFUND 1000000) Tj ET");
        let mut dict = page.dict.clone();
        let mut contents = match dict.get(b"Contents") {
            Some(Object::Array(a)) => a.clone(),
            Some(o) => vec![o.clone()],
            None => vec![],
        };
        contents.push(Object::Ref(evil));
        dict.set(b"Contents", Object::Array(contents));
        u.put_dict(page.id, &dict);
    });
    let r = verify(&attacked);
    assert_caught(&r, "ISA page content", Caught::Modified);
    assert!(r[0].valid, "the signed bytes themselves are intact");
    assert_eq!(r[0].modification, Modification::Other);
}

#[test]
fn isa_objects_appended_without_cross_reference() {
    let mut attacked = signed(&base_pdf());
    attacked.extend_from_slice(b"\n4 0 obj\n<< /Type /Page /Contents 99 0 R >>\nendobj\n");
    let r = verify(&attacked);
    assert_caught(&r, "ISA without xref", Caught::Modified);
}

#[test]
fn isa_catalog_replaced_with_open_action() {
    let attacked = update(&signed(&base_pdf()), |u, doc| {
        let mut catalog = doc.catalog().unwrap();
        catalog.set(
            b"OpenAction",
            Object::Dict(Dict(vec![(
                b"S".to_vec(),
                Object::Name(b"JavaScript".to_vec()),
            )])),
        );
        u.put_dict(doc.root_ref(), &catalog);
    });
    assert_caught(&verify(&attacked), "ISA catalog", Caught::Modified);
}

// ---------------------------------------------------------------- signature wrapping attack

#[test]
fn swa_byte_range_widened_to_hide_inserted_bytes() {
    let mut attacked = signed(&base_pdf());
    // Find the ByteRange and move its second number back by 10 (same width): the hole now covers signed bytes.
    let at = find(&attacked, b"/ByteRange[0 ") + "/ByteRange[0 ".len();
    let end = at + find(&attacked[at..], b" ");
    let b: usize = std::str::from_utf8(&attacked[at..end])
        .unwrap()
        .parse()
        .unwrap();
    let widened = format!("{:0width$}", b - 10, width = end - at);
    attacked[at..end].copy_from_slice(widened.as_bytes());
    assert_caught(&verify(&attacked), "SWA widened hole", Caught::Invalid);
}

#[test]
fn swa_signature_dictionary_moved_outside_the_signed_bytes() {
    let original = signed(&base_pdf());
    let doc = Document::open(&original).unwrap();
    let field = doc
        .fields()
        .unwrap()
        .into_iter()
        .find(|f| f.field_type.as_deref() == Some(b"Sig"))
        .unwrap();
    let old_sig = doc.resolve(field.value.as_ref().unwrap()).unwrap();
    // The attacker copies the valid /ByteRange and /Contents into a new dictionary after new content.
    let attacked = update(&original, |u, doc| {
        let copy = u.alloc();
        u.put_dict(copy, old_sig.as_dict().unwrap());
        let mut f = doc.get_dict(field.id).unwrap();
        f.set(b"V", Object::Ref(copy));
        u.put_dict(field.id, &f);
        let page = first_page(doc);
        let evil = put_stream(u, b"BT /F1 40 Tf 100 400 Td (PAID) Tj ET");
        let mut dict = page.dict.clone();
        dict.set(b"Contents", Object::Ref(evil));
        u.put_dict(page.id, &dict);
    });
    assert_caught(
        &verify(&attacked),
        "SWA relocated dictionary",
        Caught::Invalid,
    );
}

#[test]
fn swa_byte_range_not_ending_at_a_revision() {
    let mut attacked = signed(&base_pdf());
    let start = find(&attacked, b"/ByteRange[0 ") + "/ByteRange[0 ".len();
    let end = start + find(&attacked[start..], b"]");
    let nums: Vec<usize> = std::str::from_utf8(&attacked[start..end])
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let shorter = format!("{} {} {}", nums[0], nums[1], nums[2] - 40);
    let padded = format!("{shorter:<width$}", width = end - start);
    attacked[start..end].copy_from_slice(padded.as_bytes());
    assert_caught(
        &verify(&attacked),
        "SWA range short of the revision end",
        Caught::Invalid,
    );
}

// ---------------------------------------------------------------- universal signature forgery

#[test]
fn usf_every_malformed_signature_dictionary_is_invalid() {
    type Entries = Vec<(&'static [u8], Object)>;
    let variants: Vec<(&str, Entries)> = vec![
        (
            "no /Contents",
            vec![(b"ByteRange", Object::Array(vec![Object::Int(0); 4]))],
        ),
        (
            "no /ByteRange",
            vec![(b"Contents", Object::String(vec![0x30, 0x80]))],
        ),
        (
            "empty /Contents",
            vec![
                (b"Contents", Object::String(vec![])),
                (
                    b"ByteRange",
                    Object::Array(vec![
                        Object::Int(0),
                        Object::Int(10),
                        Object::Int(20),
                        Object::Int(30),
                    ]),
                ),
            ],
        ),
        (
            "zero /ByteRange",
            vec![
                (b"Contents", Object::String(vec![0; 64])),
                (b"ByteRange", Object::Array(vec![Object::Int(0); 4])),
            ],
        ),
        (
            "negative /ByteRange",
            vec![
                (b"Contents", Object::String(vec![1; 8])),
                (
                    b"ByteRange",
                    Object::Array(vec![
                        Object::Int(0),
                        Object::Int(-5),
                        Object::Int(7),
                        Object::Int(9),
                    ]),
                ),
            ],
        ),
        (
            "/ByteRange beyond the file",
            vec![
                (b"Contents", Object::String(vec![1; 8])),
                (
                    b"ByteRange",
                    Object::Array(vec![
                        Object::Int(0),
                        Object::Int(10),
                        Object::Int(20),
                        Object::Int(99_999_999),
                    ]),
                ),
            ],
        ),
        (
            "/ByteRange of names",
            vec![
                (b"Contents", Object::String(vec![1; 8])),
                (
                    b"ByteRange",
                    Object::Array(vec![Object::Name(b"a".to_vec()); 4]),
                ),
            ],
        ),
    ];
    for (what, entries) in variants {
        let forged = update(&base_pdf(), |u, doc| {
            let sig = u.alloc();
            let mut d = Dict(vec![
                (b"Type".to_vec(), Object::Name(b"Sig".to_vec())),
                (b"Filter".to_vec(), Object::Name(b"Adobe.PPKLite".to_vec())),
                (
                    b"SubFilter".to_vec(),
                    Object::Name(b"ETSI.CAdES.detached".to_vec()),
                ),
            ]);
            for (k, v) in entries {
                d.set(k, v);
            }
            u.put_dict(sig, &d);
            let field = u.alloc();
            u.put_dict(
                field,
                &Dict(vec![
                    (b"FT".to_vec(), Object::Name(b"Sig".to_vec())),
                    (b"T".to_vec(), Object::String(encode_text_string("Giả mạo"))),
                    (b"V".to_vec(), Object::Ref(sig)),
                    (b"Type".to_vec(), Object::Name(b"Annot".to_vec())),
                    (b"Subtype".to_vec(), Object::Name(b"Widget".to_vec())),
                    (b"Rect".to_vec(), Object::Array(vec![Object::Int(0); 4])),
                ]),
            );
            let mut catalog = doc.catalog().unwrap();
            catalog.set(
                b"AcroForm",
                Object::Dict(Dict(vec![
                    (b"Fields".to_vec(), Object::Array(vec![Object::Ref(field)])),
                    (b"SigFlags".to_vec(), Object::Int(3)),
                ])),
            );
            u.put_dict(doc.root_ref(), &catalog);
        });
        let r = verify(&forged);
        assert_eq!(r.len(), 1, "{what}");
        assert!(!r[0].valid && !r[0].ok, "{what}: {r:#?}");
    }
}

// ---------------------------------------------------------------- shadow attacks

/// A document prepared by the attacker before signing: hidden content already inside, waiting to be shown.
fn with_hidden_overlay(data: &[u8]) -> (Vec<u8>, ObjRef) {
    let mut hidden = ObjRef::new(0, 0);
    let prepared = update(data, |u, _| {
        hidden = put_stream(
            u,
            b"q 1 1 1 rg 0 0 612 792 re f Q BT /F1 40 Tf 100 400 Td (DA THANH TOAN) Tj ET",
        );
    });
    (prepared, hidden)
}

#[test]
fn shadow_hide_signed_overlay_shown_by_a_later_update() {
    let (prepared, hidden) = with_hidden_overlay(&base_pdf());
    let attacked = update(&signed(&prepared), |u, doc| {
        let page = first_page(doc);
        let mut dict = page.dict.clone();
        let mut contents = match dict.get(b"Contents") {
            Some(Object::Array(a)) => a.clone(),
            Some(o) => vec![o.clone()],
            None => vec![],
        };
        contents.push(Object::Ref(hidden));
        dict.set(b"Contents", Object::Array(contents));
        u.put_dict(page.id, &dict);
    });
    assert_caught(
        &verify(&attacked),
        "shadow hide (overlay revealed)",
        Caught::Modified,
    );
}

#[test]
fn shadow_hide_by_removing_a_covering_annotation() {
    // Signed with a white square annotation covering text; afterwards the annotation is removed.
    let prepared = update(&base_pdf(), |u, doc| {
        let page = first_page(doc);
        let annot = u.alloc();
        u.put_dict(
            annot,
            &Dict(vec![
                (b"Type".to_vec(), Object::Name(b"Annot".to_vec())),
                (b"Subtype".to_vec(), Object::Name(b"Square".to_vec())),
                (
                    b"Rect".to_vec(),
                    Object::Array(vec![
                        Object::Int(50),
                        Object::Int(600),
                        Object::Int(500),
                        Object::Int(700),
                    ]),
                ),
                (
                    b"IC".to_vec(),
                    Object::Array(vec![Object::Int(1), Object::Int(1), Object::Int(1)]),
                ),
            ]),
        );
        let mut dict = page.dict.clone();
        dict.set(b"Annots", Object::Array(vec![Object::Ref(annot)]));
        u.put_dict(page.id, &dict);
    });
    let attacked = update(&signed(&prepared), |u, doc| {
        let page = first_page(doc);
        let mut dict = page.dict.clone();
        let annots: Vec<Object> = doc
            .resolve(dict.get(b"Annots").unwrap())
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .cloned()
            .collect();
        dict.set(b"Annots", Object::Array(annots));
        u.put_dict(page.id, &dict);
    });
    assert_caught(
        &verify(&attacked),
        "shadow hide (annotation removed)",
        Caught::Modified,
    );
}

#[test]
fn shadow_hide_dangling_reference_resolved_later() {
    // Signed with the page referring to an object that does not exist yet (null); the attacker defines it later.
    let mut dangling = 0;
    let prepared = update(&base_pdf(), |u, doc| {
        let page = first_page(doc);
        dangling = doc.next_object_number() + 50;
        let mut dict = page.dict.clone();
        let mut contents = match dict.get(b"Contents") {
            Some(Object::Array(a)) => a.clone(),
            Some(o) => vec![o.clone()],
            None => vec![],
        };
        contents.push(Object::Ref(ObjRef::new(dangling, 0)));
        dict.set(b"Contents", Object::Array(contents));
        u.put_dict(page.id, &dict);
    });
    let signed_doc = signed(&prepared);
    let attacked = update(&signed_doc, |u, _| {
        // Allocate up to the dangling number, then write the evil content there.
        let mut r = u.alloc();
        while r.num < dangling {
            r = u.alloc();
        }
        let mut c = Chunk::new();
        c.stream(
            Ref::new(dangling as i32),
            b"BT /F1 40 Tf 100 400 Td (DA DUYET) Tj ET",
        );
        u.put_chunk(&c).unwrap();
    });
    assert_caught(
        &verify(&attacked),
        "shadow hide (dangling reference)",
        Caught::Modified,
    );
}

/// A text field already filled in when signed.
fn with_filled_field(data: &[u8]) -> (Vec<u8>, ObjRef) {
    let mut field = ObjRef::new(0, 0);
    let prepared = update(data, |u, doc| {
        let page = first_page(doc);
        field = u.alloc();
        u.put_dict(
            field,
            &Dict(vec![
                (b"FT".to_vec(), Object::Name(b"Tx".to_vec())),
                (b"T".to_vec(), Object::String(b"so_tien".to_vec())),
                (b"V".to_vec(), Object::String(b"100.000 dong".to_vec())),
                (b"Type".to_vec(), Object::Name(b"Annot".to_vec())),
                (b"Subtype".to_vec(), Object::Name(b"Widget".to_vec())),
                (b"P".to_vec(), Object::Ref(page.id)),
                (
                    b"Rect".to_vec(),
                    Object::Array(vec![
                        Object::Int(50),
                        Object::Int(600),
                        Object::Int(300),
                        Object::Int(620),
                    ]),
                ),
            ]),
        );
        let mut dict = page.dict.clone();
        dict.set(b"Annots", Object::Array(vec![Object::Ref(field)]));
        u.put_dict(page.id, &dict);
        let mut catalog = doc.catalog().unwrap();
        catalog.set(
            b"AcroForm",
            Object::Dict(Dict(vec![(
                b"Fields".to_vec(),
                Object::Array(vec![Object::Ref(field)]),
            )])),
        );
        u.put_dict(doc.root_ref(), &catalog);
    });
    (prepared, field)
}

#[test]
fn shadow_replace_a_value_that_was_signed() {
    let (prepared, field) = with_filled_field(&base_pdf());
    let attacked = update(&signed(&prepared), |u, doc| {
        let mut d = doc.get_dict(field).unwrap();
        d.set(b"V", Object::String(b"100.000.000 dong".to_vec()));
        let ap = put_stream(u, b"BT /F1 12 Tf 2 5 Td (100.000.000 dong) Tj ET");
        d.set(
            b"AP",
            Object::Dict(Dict(vec![(b"N".to_vec(), Object::Ref(ap))])),
        );
        u.put_dict(field, &d);
    });
    assert_caught(
        &verify(&attacked),
        "shadow replace (signed field value)",
        Caught::Modified,
    );
}

#[test]
fn shadow_replace_the_form_font() {
    let (prepared, _) = with_filled_field(&base_pdf());
    let attacked = update(&signed(&prepared), |u, doc| {
        let mut catalog = doc.catalog().unwrap();
        let mut form = catalog.get(b"AcroForm").unwrap().as_dict().unwrap().clone();
        form.set(
            b"DR",
            Object::Dict(Dict(vec![(
                b"Font".to_vec(),
                Object::Dict(Dict::default()),
            )])),
        );
        form.set(b"NeedAppearances", Object::Bool(true));
        catalog.set(b"AcroForm", Object::Dict(form));
        u.put_dict(doc.root_ref(), &catalog);
    });
    assert_caught(
        &verify(&attacked),
        "shadow replace (form font and regenerated appearances)",
        Caught::Modified,
    );
}

#[test]
fn shadow_hide_and_replace_the_whole_page_tree() {
    // The attacker signs a document that secretly holds a second page tree, then points the catalog at it.
    let mut other_pages = ObjRef::new(0, 0);
    let prepared = update(&base_pdf(), |u, doc| {
        let page = first_page(doc);
        let evil_content = put_stream(u, b"BT /F1 40 Tf 100 400 Td (HOP DONG KHAC) Tj ET");
        let evil_page = u.alloc();
        other_pages = u.alloc();
        let mut p = page.dict.clone();
        p.set(b"Contents", Object::Ref(evil_content));
        p.set(b"Parent", Object::Ref(other_pages));
        u.put_dict(evil_page, &p);
        u.put_dict(
            other_pages,
            &Dict(vec![
                (b"Type".to_vec(), Object::Name(b"Pages".to_vec())),
                (
                    b"Kids".to_vec(),
                    Object::Array(vec![Object::Ref(evil_page)]),
                ),
                (b"Count".to_vec(), Object::Int(1)),
            ]),
        );
    });
    let attacked = update(&signed(&prepared), |u, doc| {
        let mut catalog = doc.catalog().unwrap();
        catalog.set(b"Pages", Object::Ref(other_pages));
        u.put_dict(doc.root_ref(), &catalog);
    });
    assert_caught(
        &verify(&attacked),
        "shadow hide-and-replace (page tree swapped)",
        Caught::Modified,
    );
}

#[test]
fn shadow_hide_and_replace_by_rewriting_an_object_in_place() {
    // Same object number, new body: the page's content stream itself is replaced.
    let attacked = update(&signed(&base_pdf()), |u, doc| {
        let page = first_page(doc);
        let content = match page.dict.get(b"Contents") {
            Some(Object::Ref(r)) => *r,
            Some(Object::Array(a)) => a[0].as_ref().unwrap(),
            _ => panic!("page without content"),
        };
        let mut c = Chunk::new();
        c.stream(
            Ref::new(content.num as i32),
            b"BT /F1 40 Tf 100 400 Td (NOI DUNG MOI) Tj ET",
        );
        u.put_chunk(&c).unwrap();
    });
    assert_caught(
        &verify(&attacked),
        "shadow hide-and-replace (content rewritten)",
        Caught::Modified,
    );
}

#[test]
fn one_flipped_byte_anywhere_in_the_signed_range_is_caught() {
    let original = signed(&base_pdf());
    let r = verify(&original);
    let range = &r[0].byte_range;
    let (b, c) = (range[1] as usize, range[2] as usize);
    for at in [0, b / 2, b - 1, c, original.len() - 10] {
        let mut t = original.clone();
        t[at] ^= 0x20;
        let options = VerifyOptions {
            trust_anchors: vec![keys().ca.clone()],
            crls: vec![],
            ocsps: vec![],
        };
        // A flip that breaks the file's structure makes it unreadable (an error), which is also not "valid".
        if let Ok(reports) = verify_document(&t, &options) {
            assert!(reports.iter().all(|r| !r.ok), "byte {at}: {reports:#?}");
        }
    }
}
