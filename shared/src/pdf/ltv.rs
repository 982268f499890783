//! Long-term validation (PAdES B-LT and B-LTA, ETSI EN 319 142-1 §5.4): the validation data of every signature
//! and timestamp of a file — the certificates of each chain up to its trust anchor and, for each certificate,
//! its issuer's CRL or an OCSP response about it (both when the server holds both) —
//! appended in a document security store (`/DSS`), then a document timestamp (`/Type /DocTimeStamp`, an RFC 3161
//! token over the byte ranges) over the whole file, each as an incremental update that leaves every earlier
//! signature valid (the modification analysis counts both as `none`).
//!
//! The same two steps refresh an archived file before its last timestamp's certificate expires: the DSS gains
//! that timestamp's validation data and a new document timestamp covers it all ([`make_ltv`] again).
//! [`read_dss`] and [`covers`] are what the verifier uses to say B-LT and B-LTA.

use std::collections::BTreeMap;

use der::{Decode, Encode};
use sha1::Digest as _;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use super::chain::issued_by;
use super::cms::parse_cms;
use super::document::Document;
use super::error::{PdfError, PdfResult};
use super::object::{Dict, ObjRef, Object};
use super::ocsp::{OcspStatus, check_response, responder_certificates};
use super::revocation::crl_signed_by;
use super::sign::{
    PreparedSignature, TIMESTAMP_ROOM, add_annotation, add_field, signature_widget,
    unused_field_name, with_placeholder,
};
use super::source::Src;
use super::timestamp::tokens_of;
use super::update::IncrementalUpdate;
use crate::time::Timestamp;

/// A source of document timestamps: given the SHA-256 of the byte ranges, a TSA's token over it.
pub type DigestTimestamper<'t> = &'t mut dyn FnMut(&[u8; 32]) -> PdfResult<Vec<u8>>;

/// Bytes kept for a document timestamp's token: a token with its TSA's chain and a margin.
const DOCUMENT_TIMESTAMP_ROOM: usize = TIMESTAMP_ROOM + 4096;

/// What a file's DSS holds, decoded.
#[derive(Default)]
pub struct Dss {
    /// The DSS object, when it is one of its own.
    pub id: Option<ObjRef>,
    /// `/Certs`: each stream's object and its bytes (DER).
    pub certs: Vec<(ObjRef, Vec<u8>)>,
    /// `/CRLs`, likewise.
    pub crls: Vec<(ObjRef, Vec<u8>)>,
    /// `/OCSPs`, likewise (DER `OCSPResponse`).
    pub ocsps: Vec<(ObjRef, Vec<u8>)>,
    /// `/VRI` as it stands.
    pub vri: Dict,
}

impl Dss {
    /// The certificates that decode.
    pub fn certificates(&self) -> Vec<Certificate> {
        self.certs
            .iter()
            .filter_map(|(_, der)| Certificate::from_der(der).ok())
            .collect()
    }

    /// The CRLs that decode.
    pub fn revocation_lists(&self) -> Vec<CertificateList> {
        self.crls
            .iter()
            .filter_map(|(_, der)| CertificateList::from_der(der).ok())
            .collect()
    }
}

/// The document security store of `doc`, when it has one.
pub fn read_dss(doc: &Document) -> PdfResult<Option<Dss>> {
    let catalog = doc.catalog()?;
    let Some(raw) = catalog.get(b"DSS") else {
        return Ok(None);
    };
    let Some(dict) = doc.resolve(raw)?.as_dict().cloned() else {
        return Ok(None);
    };
    let streams = |key: &[u8]| -> PdfResult<Vec<(ObjRef, Vec<u8>)>> {
        let mut out = Vec::new();
        let Some(list) = doc.lookup(&dict, key)? else {
            return Ok(out);
        };
        for item in list.as_array().unwrap_or_default() {
            let Some(r) = item.as_ref() else { continue };
            if let Object::Stream(s) = doc.get(r)? {
                let raw = doc.stream_bytes(&s);
                out.push((r, super::filter::decode_stream(&s.dict, &raw)?));
            }
        }
        Ok(out)
    };
    Ok(Some(Dss {
        id: raw.as_ref(),
        certs: streams(b"Certs")?,
        crls: streams(b"CRLs")?,
        ocsps: streams(b"OCSPs")?,
        vri: doc
            .lookup(&dict, b"VRI")?
            .and_then(|o| o.as_dict().cloned())
            .unwrap_or_default(),
    }))
}

/// The `/VRI` key of a signature: the upper-case hex SHA-1 of its `/Contents` value (padding included, as
/// pyHanko and Adobe compute it).
pub fn vri_key(contents: &[u8]) -> String {
    crate::hex(&sha1::Sha1::digest(contents)).to_uppercase()
}

/// Every certificate/issuer link from `leaf` up to a trust anchor, through `pool`. Empty when `leaf` is an
/// anchor.
fn chain_links(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
) -> Result<Vec<(Certificate, Certificate)>, String> {
    let mut links = Vec::new();
    let mut current = leaf.clone();
    for _ in 0..8 {
        if anchors.contains(&current) {
            return Ok(links);
        }
        if let Some(anchor) = anchors.iter().find(|a| issued_by(&current, a)) {
            links.push((current, anchor.clone()));
            return Ok(links);
        }
        let Some(parent) = pool
            .iter()
            .find(|c| *c != &current && super::chain::is_ca(c) && issued_by(&current, c))
        else {
            break;
        };
        links.push((current, parent.clone()));
        current = parent.clone();
    }
    Err(format!(
        "chứng thư số \"{}\" không chuỗi được tới tổ chức chứng thực tin cậy",
        crate::pki::subject_names(leaf).0
    ))
}

/// The certificates (signer's or TSA's, from each chain) whose validation data a signature's `/Contents`
/// needs: its signer, and the TSA of each signature timestamp it carries. Each with the certificates its CMS
/// (or token) bundles.
fn leaves(contents: &[u8]) -> Result<Vec<(Certificate, Vec<Certificate>)>, String> {
    let cms = parse_cms(contents)?;
    let mut out = Vec::new();
    let bundled = |c: &super::cms::ParsedCms| -> Vec<Certificate> {
        c.certificates.iter().map(|(c, _)| c.clone()).collect()
    };
    let (signer, _) = cms
        .signer_certificate()
        .ok_or("CMS không kèm chứng thư số của người ký")?;
    out.push((signer.clone(), bundled(&cms)));
    for token in tokens_of(&cms) {
        let t = parse_cms(token)?;
        let (tsa, _) = t
            .signer_certificate()
            .ok_or("dấu thời gian không kèm chứng thư số của đơn vị cấp")?;
        out.push((tsa.clone(), bundled(&t)));
    }
    Ok(out)
}

/// What one signature needs: the certificates of its chains and, for each link, the issuer's CRL or an OCSP
/// response about the certificate (with the responder's certificates it carries).
struct Needs {
    certs: Vec<Certificate>,
    crls: Vec<CertificateList>,
    ocsps: Vec<Vec<u8>>,
}

/// The revocation data a DSS can draw on: what the caller holds and what the DSS already has.
struct Held<'a> {
    crls: &'a [CertificateList],
    ocsps: &'a [Vec<u8>],
}

fn needs(
    contents: &[u8],
    extra_certs: &[Certificate],
    anchors: &[Certificate],
    held: &Held,
) -> Result<Needs, String> {
    let mut out = Needs {
        certs: Vec::new(),
        crls: Vec::new(),
        ocsps: Vec::new(),
    };
    for (leaf, bundled) in leaves(contents)? {
        let pool: Vec<Certificate> = bundled
            .into_iter()
            .chain(extra_certs.iter().cloned())
            .collect();
        let links = chain_links(&leaf, &pool, anchors)?;
        if !out.certs.contains(&leaf) {
            out.certs.push(leaf.clone());
        }
        for (cert, issuer) in links {
            let crl = held.crls.iter().find(|c| crl_signed_by(c, &issuer));
            // An answer that does not know the certificate vouches for nothing; of several, the latest speaks of
            // the most recent time (a "good" answer counts only up to its nextUpdate).
            let ocsp = held
                .ocsps
                .iter()
                .filter_map(|der| {
                    let answer = check_response(der, &cert, &issuer).ok()?;
                    (answer.status != OcspStatus::Unknown).then_some((answer.this_update, der))
                })
                .max_by_key(|(this_update, _)| *this_update)
                .map(|(_, der)| der);
            if crl.is_none() && ocsp.is_none() {
                return Err(format!(
                    "thiếu danh sách thu hồi (CRL) của \"{}\" hoặc trả lời OCSP để kiểm tra chứng thư số \"{}\"",
                    crate::pki::subject_names(&issuer).0,
                    crate::pki::subject_names(&cert).0
                ));
            }
            let responders = ocsp
                .map(|der| responder_certificates(der))
                .unwrap_or_default();
            for c in [cert, issuer].into_iter().chain(responders) {
                if !out.certs.contains(&c) {
                    out.certs.push(c);
                }
            }
            if let Some(crl) = crl
                && !out.crls.contains(crl)
            {
                out.crls.push(crl.clone());
            }
            if let Some(der) = ocsp
                && !out.ocsps.contains(der)
            {
                out.ocsps.push(der.clone());
            }
        }
    }
    Ok(out)
}

/// Whether `dss` holds the validation data of the signature whose `/Contents` value is `contents`: a chain of
/// each of its certificates (signer, signature timestamps' TSAs) to a trust anchor through the certificates it
/// carries and the DSS's, and for every link the issuer's CRL or an OCSP response about it in the DSS.
pub fn covers(dss: &Dss, contents: &[u8], anchors: &[Certificate]) -> bool {
    let ocsps: Vec<Vec<u8>> = dss.ocsps.iter().map(|(_, der)| der.clone()).collect();
    let held = Held {
        crls: &dss.revocation_lists(),
        ocsps: &ocsps,
    };
    needs(contents, &dss.certificates(), anchors, &held).is_ok()
}

/// Every certificate the signatures and timestamps of a file carry (signers', TSAs' and the chains bundled
/// with them): what a verifier looks up the revocation data it holds for.
pub fn certificates_in<'a>(src: impl Into<Src<'a>>) -> PdfResult<Vec<Certificate>> {
    let doc = Document::open(src)?;
    let mut out: Vec<Certificate> = Vec::new();
    for (_, contents) in signatures(&doc)? {
        let Ok(found) = leaves(&contents) else {
            continue;
        };
        for c in found
            .into_iter()
            .flat_map(|(leaf, bundled)| std::iter::once(leaf).chain(bundled))
        {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Each signature and timestamp of the file: its field's name and its `/Contents` value.
fn signatures(doc: &Document) -> PdfResult<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for field in doc.fields()? {
        if field.field_type.as_deref() != Some(b"Sig") {
            continue;
        }
        let Some(value) = &field.value else { continue };
        let sig = doc.resolve(value)?;
        if let Some(contents) = sig
            .as_dict()
            .and_then(|d| d.get(b"Contents"))
            .and_then(Object::as_string)
            .filter(|c| !c.is_empty())
        {
            out.push((field.name.clone(), contents.to_vec()));
        }
    }
    Ok(out)
}

fn stream_body(data: &[u8]) -> Vec<u8> {
    let mut body = format!("<</Length {}>>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

fn der_of<T: Encode>(value: &T) -> PdfResult<Vec<u8>> {
    value
        .to_der()
        .map_err(|e| PdfError::LongTerm(format!("không mã hoá được dữ liệu kiểm tra ({e})")))
}

/// The bytes to append to `src` for a DSS holding the validation data of every signature and timestamp of the
/// file (an existing DSS is kept and extended: its old entries stay as they were). Refused, in Vietnamese,
/// when a chain does not reach `anchors` or a certificate has neither its issuer's CRL nor an OCSP response
/// about it among `crls`, `ocsps` (DER `OCSPResponse`) or the DSS.
pub fn append_dss<'a>(
    src: impl Into<Src<'a>>,
    anchors: &[Certificate],
    crls: &[CertificateList],
    ocsps: &[Vec<u8>],
) -> PdfResult<Vec<u8>> {
    let doc = Document::open(src)?;
    let old = read_dss(&doc)?.unwrap_or_default();
    let known_certs = old.certificates();
    let mut all_crls: Vec<CertificateList> = crls.to_vec();
    all_crls.extend(old.revocation_lists());
    let mut all_ocsps: Vec<Vec<u8>> = ocsps.to_vec();
    all_ocsps.extend(old.ocsps.iter().map(|(_, der)| der.clone()));
    let held = Held {
        crls: &all_crls,
        ocsps: &all_ocsps,
    };

    let mut update = IncrementalUpdate::new(&doc);
    // DER → the stream holding it, old ones first.
    let mut cert_refs: BTreeMap<Vec<u8>, ObjRef> =
        old.certs.iter().map(|(r, d)| (d.clone(), *r)).collect();
    let mut crl_refs: BTreeMap<Vec<u8>, ObjRef> =
        old.crls.iter().map(|(r, d)| (d.clone(), *r)).collect();
    let mut ocsp_refs: BTreeMap<Vec<u8>, ObjRef> =
        old.ocsps.iter().map(|(r, d)| (d.clone(), *r)).collect();
    let mut cert_order: Vec<ObjRef> = old.certs.iter().map(|(r, _)| *r).collect();
    let mut crl_order: Vec<ObjRef> = old.crls.iter().map(|(r, _)| *r).collect();
    let mut ocsp_order: Vec<ObjRef> = old.ocsps.iter().map(|(r, _)| *r).collect();
    let mut vri = old.vri.clone();
    let put_stream = |update: &mut IncrementalUpdate,
                      refs: &mut BTreeMap<Vec<u8>, ObjRef>,
                      order: &mut Vec<ObjRef>,
                      der: Vec<u8>|
     -> ObjRef {
        if let Some(r) = refs.get(&der) {
            return *r;
        }
        let r = update.alloc();
        update.put_body(r, &stream_body(&der));
        refs.insert(der, r);
        order.push(r);
        r
    };
    for (field, contents) in signatures(&doc)? {
        let need = needs(&contents, &known_certs, anchors, &held)
            .map_err(|why| PdfError::LongTerm(format!("chữ ký {field}: {why}")))?;
        let mut entry_certs = Vec::new();
        for c in &need.certs {
            let r = put_stream(&mut update, &mut cert_refs, &mut cert_order, der_of(c)?);
            entry_certs.push(Object::Ref(r));
        }
        let mut entry_crls = Vec::new();
        for c in &need.crls {
            let r = put_stream(&mut update, &mut crl_refs, &mut crl_order, der_of(c)?);
            entry_crls.push(Object::Ref(r));
        }
        let mut entry_ocsps = Vec::new();
        for der in &need.ocsps {
            let r = put_stream(&mut update, &mut ocsp_refs, &mut ocsp_order, der.clone());
            entry_ocsps.push(Object::Ref(r));
        }
        let key = vri_key(&contents);
        if vri.contains(key.as_bytes()) {
            // An entry already written stays as it was (a later change would be a modification).
            continue;
        }
        let mut entry = Dict::default();
        entry.set(b"Cert", Object::Array(entry_certs));
        entry.set(b"CRL", Object::Array(entry_crls));
        if !entry_ocsps.is_empty() {
            entry.set(b"OCSP", Object::Array(entry_ocsps));
        }
        vri.set(key.as_bytes(), Object::Dict(entry));
    }
    let refs = |order: Vec<ObjRef>| Object::Array(order.into_iter().map(Object::Ref).collect());
    let mut dss = Dict::default();
    dss.set(b"Type", Object::Name(b"DSS".to_vec()));
    dss.set(b"Certs", refs(cert_order));
    dss.set(b"CRLs", refs(crl_order));
    if !ocsp_order.is_empty() {
        dss.set(b"OCSPs", refs(ocsp_order));
    }
    dss.set(b"VRI", Object::Dict(vri));
    match old.id {
        Some(id) => update.put_dict(id, &dss),
        None => {
            let id = update.alloc();
            update.put_dict(id, &dss);
            let root = doc.root_ref();
            let mut catalog = update.current_dict(root)?;
            catalog.set(b"DSS", Object::Ref(id));
            update.put_dict(root, &catalog);
        }
    }
    Ok(update.finish()?.bytes)
}

/// A document timestamp's field (invisible, on page 1) and signature dictionary with an empty `/Contents`:
/// what to append and the byte ranges the token must cover.
pub fn prepare_document_timestamp(doc: &Document) -> PdfResult<PreparedSignature> {
    let pages = doc.pages()?;
    let page = pages
        .first()
        .ok_or_else(|| PdfError::Signing("văn bản không có trang nào".into()))?;
    let field_name = unused_field_name(doc, "DauThoiGian")?;
    let mut update = IncrementalUpdate::new(doc);
    let sig_ref = update.alloc();
    let widget_ref = update.alloc();
    let mut widget = signature_widget(&field_name, sig_ref, page);
    widget.set(b"Rect", Object::Array(vec![Object::Int(0); 4]));
    update.put_dict(widget_ref, &widget);
    add_annotation(&mut update, page, widget_ref)?;
    add_field(&mut update, widget_ref, true)?;
    with_placeholder(
        update,
        sig_ref,
        b"<</Type/DocTimeStamp/Filter/Adobe.PPKLite/SubFilter/ETSI.RFC3161",
        b"",
        DOCUMENT_TIMESTAMP_ROOM,
        field_name,
    )
}

/// The bytes to append to `src` for a document timestamp from `timestamper` over the whole file.
pub fn append_document_timestamp<'a>(
    src: impl Into<Src<'a>>,
    timestamper: DigestTimestamper,
) -> PdfResult<Vec<u8>> {
    let src = src.into();
    let doc = Document::open(src)?;
    let prepared = prepare_document_timestamp(&doc)?;
    let mut hasher = prepared.hasher();
    src.for_each_chunk(0..src.len(), |c| hasher.update(c));
    hasher.update(&prepared.appended);
    let digest: [u8; 32] = hasher
        .finish()
        .map_err(|e| PdfError::Signing(format!("không băm được văn bản ({e})")))?;
    let token = timestamper(&digest)?;
    prepared.finish(&token)
}

/// The file with its validation data appended (PAdES B-LT for every signature with a signature timestamp)
/// and, with a timestamper, a document timestamp over it (B-LTA). Run again on an archived file, it adds the
/// validation data of the last document timestamp and a new one over everything.
pub fn make_ltv(
    data: &[u8],
    anchors: &[Certificate],
    crls: &[CertificateList],
    ocsps: &[Vec<u8>],
    timestamper: Option<DigestTimestamper>,
) -> PdfResult<Vec<u8>> {
    let dss = append_dss(data, anchors, crls, ocsps)?;
    let mut out = Vec::with_capacity(data.len() + dss.len() + 2 * DOCUMENT_TIMESTAMP_ROOM + 4096);
    out.extend_from_slice(data);
    out.extend_from_slice(&dss);
    if let Some(timestamper) = timestamper {
        let ts = append_document_timestamp(&out[..], timestamper)?;
        out.extend_from_slice(&ts);
    }
    Ok(out)
}

/// The last document timestamp of a file: its time and when its TSA's certificate expires (what the archive's
/// re-timestamping watches). `None` without one.
pub fn last_document_timestamp<'a>(
    src: impl Into<Src<'a>>,
) -> PdfResult<Option<(Timestamp, Timestamp)>> {
    let doc = Document::open(src)?;
    let mut last: Option<(i64, Timestamp, Timestamp)> = None;
    for field in doc.fields()? {
        let Some(value) = &field.value else { continue };
        let sig = doc.resolve(value)?;
        let Some(dict) = sig.as_dict() else { continue };
        if dict.name(b"Type") != Some(b"DocTimeStamp") {
            continue;
        }
        let end = dict
            .get(b"ByteRange")
            .and_then(Object::as_array)
            .and_then(|a| Some(a.get(2)?.as_int()? + a.get(3)?.as_int()?))
            .unwrap_or(0);
        let Some(contents) = dict.get(b"Contents").and_then(Object::as_string) else {
            continue;
        };
        let Ok(cms) = parse_cms(contents) else {
            continue;
        };
        let Some((cert, _)) = cms.signer_certificate() else {
            continue;
        };
        let econtent = cms.signed_data.encap_content_info.econtent.as_ref();
        let Some(info) = econtent.and_then(|e| super::cms::parse_tst_info(e.value()).ok()) else {
            continue;
        };
        let not_after = Timestamp(
            cert.tbs_certificate()
                .validity()
                .not_after
                .to_unix_duration()
                .as_millis() as i64,
        );
        if last.as_ref().is_none_or(|(e, _, _)| end > *e) {
            last = Some((end, info.gen_time, not_after));
        }
    }
    Ok(last.map(|(_, t, n)| (t, n)))
}
