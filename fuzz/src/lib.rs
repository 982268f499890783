//! The bodies of the fuzz targets (issue 13), one function per target: each takes whatever bytes the fuzzer
//! makes and must return without panicking. The binaries in `src/bin` hand them to AFL++;
//! `shared/tests/fuzz_regressions.rs` includes this very file and runs every input kept in
//! `fuzz/regressions/<target>/` through the same function, so a crash found once stays fixed.
//!
//! Only `shared`, `edxml` and `serde_json` are used here: the regression test compiles this file inside `shared`'s
//! tests (edxml is a dev-dependency of shared for that).

use shared::pdf::cms::{parse_cms, parse_signed_data, parse_tst_info};
use shared::pdf::document::{Document, XrefEntry, revision_ends};
use shared::pdf::filter::decode_stream;
use shared::pdf::object::{ObjRef, Object};
use shared::pdf::verify::{VerifyOptions, verify_document};

/// A fuzz target: it gets the fuzzer's bytes and must not panic.
pub type Target = fn(&[u8]);

/// Every target, by the name of its binary and of its folders under `fuzz/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("pdf_reader", pdf_reader),
    ("active_content", active_content),
    ("cms", cms),
    ("pkcs12", pkcs12),
    ("validators", validators),
    ("edxml", edxml_packet),
];

/// Pages whose text layer is read per input (each page walks its content streams and fonts).
const TEXT_PAGES: usize = 4;

/// The reader: open, catalog, page tree, form fields, the text layer and content box of the first pages (and the
/// search text of them), then every object the cross-reference names (streams decoded) and the revision
/// boundaries.
pub fn pdf_reader(data: &[u8]) {
    let Ok(doc) = Document::open(data) else {
        return;
    };
    let _ = doc.catalog();
    let _ = doc.next_object_number();
    if let Ok(pages) = doc.pages() {
        for page in pages.iter().take(TEXT_PAGES) {
            let _ = shared::pdf::text::page_lines(&doc, page);
            let _ = shared::pdf::bbox::content_bbox(&doc, page);
        }
        // The search text: annotations' appearances and form values too, within small limits.
        let limits = shared::pdf::text::TextLimits {
            max_chars: 100_000,
            max_pages: TEXT_PAGES,
            max_ops: 1_000_000,
            max_content_bytes: 16 << 20,
        };
        let _ = shared::pdf::text::document_text_of(&doc, &pages, &limits);
    }
    let _ = doc.fields();
    // Sorted: the object-stream cache makes the path depend on the order, and AFL++ wants stable paths.
    let mut numbers: Vec<u32> = doc.object_numbers().collect();
    numbers.sort_unstable();
    for num in numbers {
        let generation = match doc.xref_entry(num) {
            Some(XrefEntry::InFile { generation, .. }) => generation,
            _ => 0,
        };
        if let Ok(Object::Stream(stream)) = doc.get(ObjRef::new(num, generation)) {
            let _ = decode_stream(&stream.dict, &doc.stream_bytes(&stream));
        }
    }
    let _ = revision_ends(doc.src);
}

/// The active-content scanner (Điều 22.2), as the server runs it on every uploaded file.
pub fn active_content(data: &[u8]) {
    let _ = shared::pdf::active::active_content(data);
}

/// The signed file every non-PDF input of [`cms`] is put into: a pyHanko signature of the corpus.
const CMS_TEMPLATE: &[u8] = include_bytes!("../../shared/tests/corpus/signed-pyhanko.pdf");

/// The CMS parser and the verifier. An input that starts like a PDF is verified as a file (byte ranges,
/// revisions, modification analysis, document timestamps); any other input is taken as a CMS: parsed (as a
/// signature and as a timestamp token's TSTInfo), and, when it parses as the verifier will read it, verified in
/// place of the signature of [`CMS_TEMPLATE`], so the certificates, signer identification, attributes and
/// signature check all see it. No trust anchors: chain building is not what is fuzzed.
pub fn cms(data: &[u8]) {
    let options = VerifyOptions {
        trust_anchors: vec![],
        crls: vec![],
        ocsps: vec![],
    };
    if data.starts_with(b"%PDF") {
        let _ = verify_document(data, &options);
        return;
    }
    if let Ok(parsed) = parse_signed_data(data)
        && let Some(econtent) = &parsed.encap_content_info.econtent
    {
        // A timestamp token's content, read as a document timestamp's is.
        let _ = parse_tst_info(econtent.value());
    }
    let Some(hole) = contents_hole(CMS_TEMPLATE) else {
        return;
    };
    // What the verifier will read from /Contents: the input, zero-padded to the reserved space.
    let mut contents = data.to_vec();
    if contents.len() * 2 > hole.len() {
        return;
    }
    contents.resize(hole.len() / 2, 0);
    // Verifying the 60 KB template costs a hundred parses; an input the parser refuses goes no further there.
    if parse_cms(&contents).is_err() {
        return;
    }
    let mut file = CMS_TEMPLATE.to_vec();
    file[hole].copy_from_slice(shared::hex(&contents).as_bytes());
    let _ = verify_document(&file[..], &options);
}

/// Where the hex digits of the first signature's /Contents are in `template`.
fn contents_hole(template: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = template.windows(10).position(|w| w == b"/Contents ")? + 10;
    let open = start + template[start..].iter().position(|&b| b == b'<')? + 1;
    let close = open + template[open..].iter().position(|&b| b == b'>')?;
    Some(open..close).filter(|hole| hole.len() % 2 == 0)
}

/// The PIN of the PKCS#12 seeds (`fuzz/make-seeds.sh`).
pub const PKCS12_PIN: &str = "1234";

/// Importing a key and certificates: a PKCS#12 file with a known PIN, and a certificate file (PEM or DER).
pub fn pkcs12(data: &[u8]) {
    let _ = shared::pki::from_pkcs12(data, PKCS12_PIN);
    let _ = shared::pki::certs_from_pem_or_der(data);
}

/// The shared validators on the input as text, and the request DTOs on it as JSON. Beyond "no panic": what a
/// validator accepts it accepts again unchanged, and a request the server accepts, written back out as JSON
/// (as the browser and the server do), is accepted again.
pub fn validators(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    text_validators(&text);
    json_requests(data);
}

fn text_validators(s: &str) {
    use shared::agency::{AgencyCode, ShortName};
    use shared::text::{Line, clean};
    use shared::user::{Email, NewPassword, Phone, Username};

    for multiline in [false, true] {
        if let Ok(cleaned) = clean(s, 1, 500, multiline) {
            assert_eq!(
                clean(&cleaned, 1, 500, multiline).as_ref(),
                Ok(&cleaned),
                "clean is not idempotent"
            );
        }
    }
    if let Ok(line) = Line::<255>::try_from(s) {
        assert_eq!(Line::<255>::try_from(line.as_str()).as_ref(), Ok(&line));
    }
    if let Ok(v) = ShortName::parse(s) {
        assert_eq!(ShortName::parse(v.as_str()).as_ref(), Ok(&v));
    }
    if let Ok(v) = AgencyCode::parse(s) {
        assert_eq!(AgencyCode::parse(v.as_str()).as_ref(), Ok(&v));
    }
    if let Ok(v) = Username::parse(s) {
        assert_eq!(Username::parse(v.as_str()).as_ref(), Ok(&v));
    }
    if let Ok(v) = Email::parse(s) {
        assert_eq!(Email::parse(v.as_str()).as_ref(), Ok(&v));
    }
    if let Ok(v) = Phone::parse(s) {
        assert_eq!(Phone::parse(v.as_str()).as_ref(), Ok(&v));
    }
    if let Ok(v) = NewPassword::parse(s) {
        assert!(NewPassword::parse(v.expose()).is_ok());
    }
    if let Ok(v) = shared::civil_date::CivilDate::parse(s) {
        assert_eq!(shared::civil_date::CivilDate::parse(&v.to_string()), Ok(v));
    }
    if let Ok(t) = shared::time::Timestamp::parse_iso(s) {
        let _ = t.to_display_vn();
        assert!(
            shared::time::Timestamp::parse_iso(&t.to_iso_vn()).is_ok(),
            "an accepted instant must be readable in the form it is written back"
        );
    }
    let _ = shared::text::fold_for_search(s);
}

/// Deserializes `data` as `T`; when that succeeds, serializes it and deserializes the result again.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(data: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    let written = serde_json::to_vec(&value).expect("a request serializes");
    if let Err(e) = serde_json::from_slice::<T>(&written) {
        panic!(
            "{} accepted, but not as written back: {e}\n{}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&written)
        );
    }
    Some(value)
}

fn json_requests(data: &[u8]) {
    use shared::civil_date::CivilDate;
    use shared::time::Timestamp;
    use shared::{agency, auth, incoming, outgoing, user};

    let now = Timestamp(1_795_671_203_000);
    let today = CivilDate::of(now);
    if let Some(r) = round_trip::<outgoing::DraftRequest>(data) {
        let _ = r.validate(7);
    }
    if let Some(r) = round_trip::<outgoing::ReviewRequest>(data) {
        let _ = r.validate();
    }
    round_trip::<outgoing::BatchReviewRequest>(data);
    round_trip::<outgoing::SignRequest>(data);
    round_trip::<outgoing::NewVersionRequest>(data);
    round_trip::<outgoing::IssueRequest>(data);
    round_trip::<outgoing::RecallRequest>(data);
    round_trip::<outgoing::RecallAnswerRequest>(data);
    if let Some(r) = round_trip::<incoming::NewIncomingRequest>(data) {
        let _ = r.validate(now);
    }
    round_trip::<incoming::AcceptRequest>(data);
    round_trip::<incoming::ReturnRequest>(data);
    round_trip::<incoming::ForwardRequest>(data);
    if let Some(r) = round_trip::<incoming::AssignRequest>(data) {
        let _ = r.validate(today);
    }
    if let Some(r) = round_trip::<incoming::HandlerActionRequest>(data) {
        let _ = r.validate();
    }
    round_trip::<incoming::UrgeRequest>(data);
    if let Some(r) = round_trip::<incoming::DelegationRequest>(data) {
        let _ = r.validate(today, 7);
    }
    round_trip::<incoming::HandoverRequest>(data);
    round_trip::<incoming::PrefillRequest>(data);
    round_trip::<agency::CreateUnitRequest>(data);
    round_trip::<agency::SetStorageQuotaRequest>(data);
    round_trip::<auth::LoginRequest>(data);
    round_trip::<auth::ChangePasswordRequest>(data);
    round_trip::<user::CreateUserRequest>(data);
    round_trip::<user::UpdateUserRequest>(data);
}

/// The edXML parser (issue 16) on packets from other systems. Beyond "no panic": a packet it reads and that
/// `build` accepts is read back from the built XML as the same packet, and built again to the same bytes.
pub fn edxml_packet(data: &[u8]) {
    let Ok(packet) = edxml::parse(data) else {
        return;
    };
    let Ok(built) = edxml::build(&packet) else {
        return;
    };
    let again = edxml::parse(built.as_bytes()).expect("a built packet parses");
    assert_eq!(again, packet, "parse(build(x)) == x");
    assert_eq!(
        edxml::build(&again).expect("builds again"),
        built,
        "canonical"
    );
}
