//! PAdES signing as an incremental update: a signature field and widget (with one of the three NĐ 30
//! appearances, or none), a signature dictionary with a reserved /Contents, the SHA-256 of the byte ranges, and
//! the CMS SignedData written into the reserved space.
//!
//! Two steps so that neither the browser nor the server copies the original file: [`prepare`] returns only the
//! bytes to append and the ranges to hash; the caller streams the original through a
//! [`ByteRangeHasher`](super::ByteRangeHasher) (see [`PreparedSignature::hasher`]), then [`PreparedSignature::finish`]
//! inserts the signature.

use super::appearance::{
    DisplayRect, Drawing, Image, Placement, TextLine, display_size, write_appearance,
};
use super::byte_range::{ByteRange, ByteRangeHasher};
use super::cms::{CmsSigner, build_signed_data};
use super::document::{Document, Page};
use super::error::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object, encode_text_string};
use super::update::IncrementalUpdate;
use crate::time::Timestamp;

/// The three appearances of NĐ 30/2020 Phụ lục I.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// The competent person's signature: blue signature image at the signing position.
    Signer,
    /// The agency's seal: red seal image at actual size over the left third of the signer's image.
    Seal,
    /// On a separate attachment: no image, top right of page 1, number/notation and time, serif 10 pt black.
    Attachment,
}

/// What to sign and how it should look.
pub struct SignatureRequest {
    pub kind: SignatureKind,
    /// Page index from 0.
    pub page: usize,
    /// Signer: the image box. Seal: the signer image box it overlaps. Attachment: ignored. None: invisible.
    pub rect: Option<DisplayRect>,
    pub image_png: Option<Vec<u8>>,
    /// Signer/seal: extra lines under the image; attachment: the number and notation of the main document.
    pub text: Option<String>,
    pub signer_name: String,
    pub organization: Option<String>,
    pub time: Timestamp,
}

pub struct PreparedSignature {
    /// The bytes to append to the original (with the /Contents hole still zero).
    pub appended: Vec<u8>,
    original_len: usize,
    /// Offset of the '<' of /Contents within `appended`.
    contents_at: usize,
    /// Length of the hex digits of /Contents.
    contents_hex_len: usize,
    pub field_name: String,
}

const BLUE: [f32; 3] = [0.0, 0.13, 0.6];
const RED: [f32; 3] = [0.85, 0.0, 0.0];
const BLACK: [f32; 3] = [0.0, 0.0, 0.0];

/// Room kept in every signature for a signature timestamp added later (PAdES B-T): the server adds the TSA's
/// token into the signature's `/Contents` in place, so it must fit there. A token with its TSA certificate is
/// about 2 KB; a commercial TSA's with its chain of three certificates about 6 KB.
pub const TIMESTAMP_ROOM: usize = 8192;

/// Bytes kept for the CMS signature: certificates, a margin for the signature and attributes, and room for a
/// signature timestamp.
fn reserve_for(signer: &dyn CmsSigner) -> usize {
    use der::Encode;
    let certs: usize = signer
        .certificates()
        .iter()
        .map(|c| c.encoded_len().map_or(2048, |l| u32::from(l) as usize))
        .sum();
    (certs + 4096 + TIMESTAMP_ROOM).next_multiple_of(1024)
}

/// ISO 8601 with +07:00, as NĐ 30 writes signing times.
pub fn iso_time(t: Timestamp) -> String {
    t.to_iso_vn()
}

/// A PDF date string in Vietnam time: `D:20261126160503+07'00'`.
pub fn pdf_date(t: Timestamp) -> String {
    let c = t.vn_civil();
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+07'00'",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

pub fn prepare(
    doc: &Document,
    request: &SignatureRequest,
    reserve: usize,
) -> PdfResult<PreparedSignature> {
    let pages = doc.pages()?;
    let page_index = if request.kind == SignatureKind::Attachment {
        0
    } else {
        request.page
    };
    let page = pages.get(page_index).ok_or_else(|| {
        PdfError::Signing(format!(
            "văn bản có {} trang, không có trang {}",
            pages.len(),
            page_index + 1
        ))
    })?;
    let field_name = unused_field_name(doc, "ChuKySo")?;

    let mut update = IncrementalUpdate::new(doc);
    let sig_ref = update.alloc();
    let widget_ref = update.alloc();

    // The appearance, when visible.
    let mut widget = signature_widget(&field_name, sig_ref, page);
    match appearance_for(page, request)? {
        Some((placement, drawing)) => {
            let mut chunks = Vec::new();
            let ap = {
                let mut alloc = || update.alloc_writer_ref();
                write_appearance(&drawing, &placement, &mut alloc, &mut chunks)?
            };
            for c in &chunks {
                update.put_chunk(c)?;
            }
            widget.set(b"Rect", rect_object(placement.rect));
            widget.set(
                b"AP",
                Object::Dict(Dict(vec![(
                    b"N".to_vec(),
                    Object::Ref(ObjRef::new(ap.get() as u32, 0)),
                )])),
            );
        }
        None => widget.set(b"Rect", rect_object([0.0; 4])),
    }
    update.put_dict(widget_ref, &widget);
    add_annotation(&mut update, page, widget_ref)?;
    add_field(&mut update, widget_ref, true)?;

    let mut tail = b"/M".to_vec();
    super::object::serialize(
        &Object::String(pdf_date(request.time).into_bytes()),
        &mut tail,
    );
    tail.extend_from_slice(b"/Name");
    super::object::serialize(
        &Object::String(encode_text_string(&request.signer_name)),
        &mut tail,
    );
    tail.extend_from_slice(b"/Reason");
    let reason = match request.kind {
        SignatureKind::Signer => "Ký ban hành văn bản",
        SignatureKind::Seal => "Chữ ký số của cơ quan, tổ chức",
        SignatureKind::Attachment => "Ký văn bản kèm theo",
    };
    super::object::serialize(&Object::String(encode_text_string(reason)), &mut tail);
    let head = b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached";
    with_placeholder(update, sig_ref, head, &tail, reserve, field_name)
}

/// Writes the signature dictionary `head /ByteRange[…]/Contents<00…> tail>>` as `sig_ref`, finishes the
/// update, and patches the byte range in once the layout is known: what [`prepare`] and a document
/// timestamp ([`super::ltv`]) share.
pub(crate) fn with_placeholder(
    mut update: IncrementalUpdate,
    sig_ref: ObjRef,
    head: &[u8],
    tail: &[u8],
    reserve: usize,
    field_name: String,
) -> PdfResult<PreparedSignature> {
    let original_len = update.document().len();
    // The signature dictionary, with fixed-width placeholders patched after layout.
    let hex_len = reserve * 2;
    let mut body = head.to_vec();
    body.extend_from_slice(b"/ByteRange[");
    let byte_range_at = body.len();
    body.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    body.extend_from_slice(b"]/Contents<");
    let contents_at = body.len() - 1;
    body.extend(std::iter::repeat_n(b'0', hex_len));
    body.push(b'>');
    body.extend_from_slice(tail);
    body.extend_from_slice(b">>");
    let body_at = update.put_body(sig_ref, &body);
    let appended = update.finish()?;
    let object_at = appended.offsets[&sig_ref] + body_at;
    let mut prepared = PreparedSignature {
        appended: appended.bytes,
        original_len,
        contents_at: object_at + contents_at,
        contents_hex_len: hex_len,
        field_name,
    };
    let [_, a, b, c] = prepared.byte_range_values();
    let text = format!("0 {a} {b} {c}");
    if text.len() > BYTE_RANGE_WIDTH {
        return Err(PdfError::Unsupported("tệp quá lớn để ký".into()));
    }
    let at = object_at + byte_range_at;
    prepared.appended[at..at + text.len()].copy_from_slice(text.as_bytes());
    Ok(prepared)
}

/// Room for "0 a b c" with three 10-digit numbers (files up to 9.9 GB).
const BYTE_RANGE_WIDTH: usize = 34;

impl PreparedSignature {
    fn byte_range_values(&self) -> [u64; 4] {
        let hole_start = (self.original_len + self.contents_at) as u64;
        let hole_end = hole_start + self.contents_hex_len as u64 + 2;
        let total = (self.original_len + self.appended.len()) as u64;
        [0, hole_start, hole_end, total - hole_end]
    }

    /// The /ByteRange of the signature.
    pub fn byte_ranges(&self) -> [ByteRange; 2] {
        let [a, b, c, d] = self.byte_range_values();
        [
            ByteRange { start: a, len: b },
            ByteRange { start: c, len: d },
        ]
    }

    /// A hasher for the signed ranges: feed it the original file, then [`Self::appended`].
    pub fn hasher(&self) -> ByteRangeHasher {
        ByteRangeHasher::new(&self.byte_ranges()).expect("ranges are increasing by construction")
    }

    /// Writes the DER signature into /Contents and returns the bytes to append.
    pub fn finish(mut self, cms_der: &[u8]) -> PdfResult<Vec<u8>> {
        let hex = crate::hex(cms_der);
        if hex.len() > self.contents_hex_len {
            return Err(PdfError::Signing(format!(
                "chữ ký ({} byte) lớn hơn chỗ dành sẵn ({} byte)",
                cms_der.len(),
                self.contents_hex_len / 2
            )));
        }
        let at = self.contents_at + 1;
        self.appended[at..at + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.appended)
    }
}

/// Signs a document (in memory or read on demand); returns the bytes to append (original ++ returned = signed
/// file). The original is hashed in chunks as it is read, never copied whole.
pub fn sign<'a>(
    data: impl Into<super::source::Src<'a>>,
    request: &SignatureRequest,
    signer: &dyn CmsSigner,
) -> PdfResult<Vec<u8>> {
    sign_with(data.into(), request, signer, None)
}

/// A signature timestamp source: given the signature value, a TSA's token over it (one round trip).
pub type Timestamper<'t> = &'t mut dyn FnMut(&[u8]) -> PdfResult<Vec<u8>>;

/// As [`sign`], with a signature timestamp (PAdES B-T) from `timestamper` in the signer's unsigned attributes.
pub fn sign_timestamped<'a>(
    data: impl Into<super::source::Src<'a>>,
    request: &SignatureRequest,
    signer: &dyn CmsSigner,
    timestamper: Timestamper,
) -> PdfResult<Vec<u8>> {
    sign_with(data.into(), request, signer, Some(timestamper))
}

fn sign_with(
    src: super::source::Src,
    request: &SignatureRequest,
    signer: &dyn CmsSigner,
    timestamper: Option<Timestamper>,
) -> PdfResult<Vec<u8>> {
    let doc = Document::open(src)?;
    let prepared = prepare(&doc, request, reserve_for(signer))?;
    let mut hasher = prepared.hasher();
    src.for_each_chunk(0..src.len(), |c| hasher.update(c));
    hasher.update(&prepared.appended);
    let digest = hasher
        .finish()
        .map_err(|e| PdfError::Signing(format!("không băm được văn bản ({e})")))?;
    let mut cms = build_signed_data(&digest, signer)?;
    if let Some(timestamper) = timestamper {
        let failed =
            |why: String| PdfError::Signing(format!("không gắn được dấu thời gian: {why}"));
        let token = timestamper(&super::timestamp::signature_value(&cms).map_err(failed)?)?;
        cms = super::timestamp::add_to_signature(&cms, &token).map_err(failed)?;
    }
    prepared.finish(&cms)
}

/// A signature whose key is elsewhere (a remote signing service, ký số từ xa): the file is laid out and its
/// byte ranges hashed here, the key's holder signs [`ExternalSignature::hash_to_sign`], and
/// [`ExternalSignature::finish`] puts its answer into the CMS and /Contents. The CMS is the same one [`sign`]
/// builds, so the server's checks do not know the difference.
pub struct ExternalSignature {
    prepared: PreparedSignature,
    certificates: Vec<x509_cert::Certificate>,
    document_digest: [u8; 32],
}

impl ExternalSignature {
    /// Lays out the signature for `certificates` (the signer's first) and hashes the document's byte ranges.
    pub fn begin<'a>(
        data: impl Into<super::source::Src<'a>>,
        request: &SignatureRequest,
        certificates: Vec<x509_cert::Certificate>,
    ) -> PdfResult<Self> {
        let src = data.into();
        if certificates.is_empty() {
            return Err(PdfError::Signing("thiếu chứng thư số của người ký".into()));
        }
        let reserve = reserve_for(&ExternalSigner {
            certificates: &certificates,
            signature: &[],
        });
        let doc = Document::open(src)?;
        let prepared = prepare(&doc, request, reserve)?;
        let mut hasher = prepared.hasher();
        src.for_each_chunk(0..src.len(), |c| hasher.update(c));
        hasher.update(&prepared.appended);
        let document_digest = hasher
            .finish()
            .map_err(|e| PdfError::Signing(format!("không băm được văn bản ({e})")))?;
        Ok(Self {
            prepared,
            certificates,
            document_digest,
        })
    }

    /// SHA-256 of the DER signed attributes: what the key's holder signs (RSA PKCS#1 v1.5 over this digest).
    pub fn hash_to_sign(&self) -> PdfResult<[u8; 32]> {
        use der::Encode;
        let attrs = super::cms::signed_attributes(&self.document_digest, &self.certificates[0])?;
        let der = attrs.to_der().map_err(super::cms::der_err)?;
        use sha2::Digest;
        Ok(sha2::Sha256::digest(&der).into())
    }

    /// Checks `signature` (RSA PKCS#1 v1.5 over [`Self::hash_to_sign`]) against the signer's certificate and
    /// returns the bytes to append. A signature that does not verify is refused here, before anything is sent.
    pub fn finish(self, signature: &[u8]) -> PdfResult<Vec<u8>> {
        let hash = self.hash_to_sign()?;
        if !super::cms::sha256_digest_signature_holds(&self.certificates[0], &hash, signature) {
            return Err(PdfError::Signing(
                "chữ ký dịch vụ ký số từ xa trả về không khớp với chứng thư số đã chọn".into(),
            ));
        }
        let cms = build_signed_data(
            &self.document_digest,
            &ExternalSigner {
                certificates: &self.certificates,
                signature,
            },
        )?;
        self.prepared.finish(&cms)
    }
}

/// The CMS signer of an [`ExternalSignature`]: its signature value was made elsewhere over the same signed
/// attributes [`build_signed_data`] encodes again (DER is deterministic).
struct ExternalSigner<'a> {
    certificates: &'a [x509_cert::Certificate],
    signature: &'a [u8],
}

impl CmsSigner for ExternalSigner<'_> {
    fn certificates(&self) -> &[x509_cert::Certificate] {
        self.certificates
    }

    fn padding(&self) -> super::cms::Padding {
        super::cms::Padding::Pkcs1v15
    }

    fn sign(&self, _message: &[u8]) -> PdfResult<Vec<u8>> {
        Ok(self.signature.to_vec())
    }
}

fn rect_object(r: [f64; 4]) -> Object {
    Object::Array(
        r.iter()
            .map(|v| Object::Real((v * 100.0).round() / 100.0))
            .collect(),
    )
}

/// The first `{prefix}{n}` (n = 1, 2, …) that names no field of `doc` yet.
pub(crate) fn unused_field_name(doc: &Document, prefix: &str) -> PdfResult<String> {
    let fields = doc.fields()?;
    Ok((1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|name| !fields.iter().any(|f| &f.name == name))
        .expect("an unused name exists"))
}

/// The widget of signature field `field_name` on `page`, its value the signature dictionary `sig_ref`; the
/// caller sets `/Rect` (and `/AP` when visible).
pub(crate) fn signature_widget(field_name: &str, sig_ref: ObjRef, page: &Page) -> Dict {
    let mut widget = Dict::default();
    widget.set(b"Type", Object::Name(b"Annot".to_vec()));
    widget.set(b"Subtype", Object::Name(b"Widget".to_vec()));
    widget.set(b"FT", Object::Name(b"Sig".to_vec()));
    widget.set(b"T", Object::String(encode_text_string(field_name)));
    widget.set(b"V", Object::Ref(sig_ref));
    // Print + Locked: shown when printed, not movable.
    widget.set(b"F", Object::Int(132));
    widget.set(b"P", Object::Ref(page.id));
    widget
}

/// Appends `annotation` to the page's /Annots (updating the array object when it is indirect).
pub(crate) fn add_annotation(
    update: &mut IncrementalUpdate,
    page: &Page,
    annotation: ObjRef,
) -> PdfResult<()> {
    let page_dict = update.current_dict(page.id)?;
    match page_dict.get(b"Annots") {
        Some(Object::Ref(r)) => {
            let r = *r;
            let mut annots = update
                .current(r)?
                .as_array()
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            annots.push(Object::Ref(annotation));
            update.put(r, &Object::Array(annots));
        }
        other => {
            let mut annots = other
                .and_then(Object::as_array)
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            annots.push(Object::Ref(annotation));
            let mut dict = page_dict.clone();
            dict.set(b"Annots", Object::Array(annots));
            update.put_dict(page.id, &dict);
        }
    }
    Ok(())
}

/// Adds a field to the AcroForm (creating it when absent) and, for signatures, sets /SigFlags 3.
pub(crate) fn add_field(
    update: &mut IncrementalUpdate,
    field: ObjRef,
    signature: bool,
) -> PdfResult<()> {
    let doc = update.document();
    let root = doc.root_ref();
    let mut catalog = update.current_dict(root)?;
    let (acroform_ref, mut acroform) = match catalog.get(b"AcroForm") {
        Some(Object::Ref(r)) => (Some(*r), update.current_dict(*r)?),
        Some(Object::Dict(d)) => (None, d.clone()),
        _ => (None, Dict::default()),
    };
    let mut acroform_changed = false;
    match acroform.get(b"Fields") {
        Some(Object::Ref(r)) => {
            let r = *r;
            let mut fields = update
                .current(r)?
                .as_array()
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            fields.push(Object::Ref(field));
            update.put(r, &Object::Array(fields));
        }
        other => {
            let mut fields = other
                .and_then(Object::as_array)
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            fields.push(Object::Ref(field));
            acroform.set(b"Fields", Object::Array(fields));
            acroform_changed = true;
        }
    }
    if signature && acroform.int(b"SigFlags") != Some(3) {
        acroform.set(b"SigFlags", Object::Int(3));
        acroform_changed = true;
    }
    if acroform_changed {
        match acroform_ref {
            Some(r) => update.put_dict(r, &acroform),
            None => {
                catalog.set(b"AcroForm", Object::Dict(acroform));
                update.put_dict(root, &catalog);
            }
        }
    }
    Ok(())
}

fn appearance_for(
    page: &Page,
    request: &SignatureRequest,
) -> PdfResult<Option<(Placement, Drawing)>> {
    let time = iso_time(request.time);
    match request.kind {
        SignatureKind::Attachment => {
            let number = request.text.clone().unwrap_or_default();
            let lines: Vec<String> = [number, time]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let font = super::font::FontSubset::new()?;
            let width = lines
                .iter()
                .map(|l| f64::from(font.width(l, 10.0)))
                .fold(0.0, f64::max)
                + 6.0;
            let height = lines.len() as f64 * 12.0 + 6.0;
            let (pw, ph) = display_size(page);
            let margin = 20.0_f64.min(pw / 10.0);
            let rect = DisplayRect {
                x: (pw - margin - width).max(0.0),
                y: (ph - margin - height).max(0.0),
                w: width.min(pw),
                h: height.min(ph),
            };
            let placement = Placement::on(page, rect)?;
            Ok(Some((
                placement,
                text_drawing(lines, 10.0, BLACK, 3.0, height),
            )))
        }
        SignatureKind::Signer => {
            let Some(rect) = request.rect else {
                return Ok(None);
            };
            let placement = Placement::on(page, rect)?;
            let mut lines = Vec::new();
            if let Some(t) = &request.text {
                lines.extend(t.lines().map(str::to_string));
            }
            match &request.image_png {
                Some(png) => {
                    let image = Image::from_png(png)?;
                    let text_h = lines.len() as f64 * 9.0;
                    let mut d = text_drawing(lines, 7.5, BLUE, 1.5, text_h + 1.5);
                    d.image = Some((image, [0.0, text_h, rect.w, (rect.h - text_h).max(1.0)]));
                    Ok(Some((placement, d)))
                }
                None => {
                    // Without an image the box says who signed, for whom and when (the caller's lines first).
                    lines.push(format!("Ký bởi: {}", request.signer_name));
                    if let Some(o) = &request.organization {
                        lines.push(format!("Cơ quan: {o}"));
                    }
                    lines.push(format!("Thời gian ký: {time}"));
                    let size = fit_size(&lines, rect.w, rect.h, 11.0)?;
                    Ok(Some((
                        placement,
                        text_drawing(lines, size, BLUE, size as f64 * 0.25, rect.h),
                    )))
                }
            }
        }
        SignatureKind::Seal => {
            let Some(signer_box) = request.rect else {
                return Ok(None);
            };
            let png = request.image_png.as_ref().ok_or_else(|| {
                PdfError::Signing(
                    "chữ ký số của cơ quan cần ảnh con dấu (PNG nền trong suốt)".into(),
                )
            })?;
            let image = Image::from_png(png)?;
            let (sw, sh) = image.natural_size();
            let mut lines = vec![
                request
                    .organization
                    .clone()
                    .unwrap_or_else(|| request.signer_name.clone()),
            ];
            if let Some(t) = &request.text {
                lines.extend(t.lines().map(str::to_string));
            }
            lines.push(time);
            let text_h = lines.len() as f64 * 7.5;
            let (pw, ph) = display_size(page);
            // The seal's right edge sits one third into the signer's image; centred on it vertically.
            let x = (signer_box.x + signer_box.w / 3.0 - sw).max(0.0);
            let y = (signer_box.y + signer_box.h / 2.0 - sh / 2.0 - text_h).max(0.0);
            let rect = DisplayRect {
                x,
                y,
                w: sw.min(pw - x),
                h: (sh + text_h).min(ph - y),
            };
            let placement = Placement::on(page, rect)?;
            let mut d = text_drawing(lines, 6.0, RED, 1.5, text_h);
            d.image = Some((image, [0.0, text_h, rect.w, (rect.h - text_h).max(1.0)]));
            Ok(Some((placement, d)))
        }
    }
}

fn text_drawing(lines: Vec<String>, size: f32, color: [f32; 3], gap: f64, top: f64) -> Drawing {
    Drawing {
        image: None,
        text_origin: (2.0, top - f64::from(size) - 1.0),
        line_gap: gap,
        lines: lines
            .into_iter()
            .map(|text| TextLine { text, size, color })
            .collect(),
    }
}

/// The largest size up to `max` at which the lines fit the box.
fn fit_size(lines: &[String], w: f64, h: f64, max: f32) -> PdfResult<f32> {
    let font = super::font::FontSubset::new()?;
    let widest = lines
        .iter()
        .map(|l| font.width(l, 1.0))
        .fold(0.0_f32, f32::max)
        .max(1.0);
    let by_width = ((w as f32) - 4.0) / widest;
    let by_height = (h as f32 - 2.0) / (lines.len() as f32 * 1.25);
    Ok(max.min(by_width).min(by_height).max(3.0))
}
