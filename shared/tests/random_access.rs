//! The core reading a file on demand (as the browser's worker reads a `File`): the same verdicts as from memory,
//! and a 64 MiB document is signed and verified without ever asking for more than a bounded slice at once.
#![cfg(feature = "crypto")]

use std::cell::Cell;
use std::time::Duration;

use pdf_writer::{Chunk, Ref};
use shared::pdf::active::active_content;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::document::Document;
use shared::pdf::sign::{SignatureKind, SignatureRequest, sign};
use shared::pdf::source::{RandomRead, Src};
use shared::pdf::update::IncrementalUpdate;
use shared::pdf::verify::{VerifyOptions, verify_document};
use shared::pki::{self, CertRole};
use shared::time::Timestamp;

/// A file read through `read_at` only, recording the largest single read and the total.
struct Reader<'a> {
    data: &'a [u8],
    largest: Cell<usize>,
    total: Cell<usize>,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            largest: Cell::new(0),
            total: Cell::new(0),
        }
    }
}

impl RandomRead for Reader<'_> {
    fn len(&self) -> usize {
        self.data.len()
    }
    fn read_at(&self, offset: usize, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.data.len().saturating_sub(offset));
        buf[..n].copy_from_slice(&self.data[offset..offset + n]);
        self.largest.set(self.largest.get().max(n));
        self.total.set(self.total.get() + n);
        n
    }
}

fn signer() -> (RsaSigner, pki::X509Certificate) {
    let year = Duration::from_secs(365 * 86400);
    let ca_key = pki::generate_key().unwrap();
    let ca = pki::issue_certificate(
        CertRole::RootCa,
        pki::name("CA", None).unwrap(),
        &ca_key,
        None,
        1,
        year,
    )
    .unwrap();
    let key = pki::generate_key().unwrap();
    let cert = pki::issue_certificate(
        CertRole::Person,
        pki::name("Người ký", None).unwrap(),
        &key,
        Some((&ca, &ca_key)),
        2,
        year,
    )
    .unwrap();
    (
        RsaSigner {
            key,
            certificates: vec![cert, ca.clone()],
            padding: Padding::Pkcs1v15,
        },
        ca,
    )
}

fn request() -> SignatureRequest {
    SignatureRequest {
        kind: SignatureKind::Signer,
        page: 0,
        rect: Some(shared::pdf::appearance::DisplayRect {
            x: 250.0,
            y: 80.0,
            w: 200.0,
            h: 60.0,
        }),
        image_png: None,
        text: Some("Người ký".into()),
        signer_name: "Người ký".into(),
        organization: None,
        time: Timestamp(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64,
        ),
    }
}

#[test]
fn every_corpus_file_verifies_the_same_from_a_reader_as_from_memory() {
    let (signer, ca) = signer();
    let options = VerifyOptions {
        trust_anchors: vec![ca],
        crls: vec![],
        ocsps: vec![],
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        // Signed from a reader, verified both ways.
        let reader = Reader::new(&data);
        let appended = sign(Src::reader(&reader), &request(), &signer).unwrap();
        let signed = [&data[..], &appended[..]].concat();
        let from_memory =
            serde_json::to_string(&verify_document(&signed, &options).unwrap()).unwrap();
        let signed_reader = Reader::new(&signed);
        let from_reader =
            serde_json::to_string(&verify_document(Src::reader(&signed_reader), &options).unwrap())
                .unwrap();
        assert_eq!(from_memory, from_reader, "{}", path.display());
        assert!(
            from_memory.contains("\"ok\":true"),
            "{}: {from_memory}",
            path.display()
        );
        assert_eq!(
            active_content(&signed).unwrap(),
            active_content(Src::reader(&signed_reader)).unwrap(),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn a_64_mib_document_is_signed_and_verified_in_bounded_reads() {
    let (signer, ca) = signer();
    // A real document with a 64 MiB stream object appended (as a large scan would be).
    let base = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/lo-cong-van-18p.pdf"
    ))
    .unwrap();
    let big = {
        let doc = Document::open(&base).unwrap();
        let mut u = IncrementalUpdate::new(&doc);
        let r = u.alloc_writer_ref();
        let payload = vec![0x41u8; 64 << 20];
        let mut c = Chunk::new();
        c.stream(Ref::new(r.get()), &payload);
        u.put_chunk(&c).unwrap();
        let appended = u.finish().unwrap();
        [&base[..], &appended.bytes[..]].concat()
    };
    let reader = Reader::new(&big);
    let appended = sign(Src::reader(&reader), &request(), &signer).unwrap();
    // Every byte is hashed once; no single read is larger than a chunk of the hashing stream.
    assert!(
        reader.largest.get() <= shared::pdf::source::CHUNK,
        "largest read {}",
        reader.largest.get()
    );
    assert!(
        reader.total.get() < big.len() + 8 * shared::pdf::source::CHUNK,
        "read {} of {}",
        reader.total.get(),
        big.len()
    );

    let signed = [&big[..], &appended[..]].concat();
    let signed_reader = Reader::new(&signed);
    let options = VerifyOptions {
        trust_anchors: vec![ca],
        crls: vec![],
        ocsps: vec![],
    };
    let reports = verify_document(Src::reader(&signed_reader), &options).unwrap();
    assert!(reports[0].ok, "{reports:#?}");
    assert!(
        signed_reader.largest.get() <= shared::pdf::source::CHUNK,
        "largest read {}",
        signed_reader.largest.get()
    );
    let list = active_content(Src::reader(&signed_reader)).unwrap();
    assert!(list.is_empty());
}
