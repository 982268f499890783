//! Verifying every signature of a PDF: the structure of its byte range (against signature wrapping and universal
//! signature forgery), the digest of the covered bytes, the CMS signature (BER or DER, with or without signed
//! attributes; the algorithms in [`super::algorithms`]), document timestamps and signature timestamps
//! (RFC 3161, [`super::timestamp`]), the certificate chain to
//! configured trust anchors at signing time and revocation from CRLs and OCSP ([`super::chain`],
//! [`super::revocation`]), and what later
//! revisions changed ([`super::diff`]). `shared/tests/differential.rs` holds the verdicts to pyHanko's.

use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

use super::algorithms::{Digester, Signed, verify};
use super::chain::validate_chain;
pub use super::chain::{ChainStatus, RevocationStatus};
use super::cms::{
    OID_CONTENT_TYPE, OID_DATA, OID_MESSAGE_DIGEST, OID_SIGNING_CERTIFICATE_V2, OID_TST_INFO,
    SigningCertificateV2, parse_cms, parse_tst_info,
};
use super::diff::{Modification, analyse};
use super::document::{Document, revision_ends};
use super::error::PdfResult;
use super::object::{Object, decode_text_string};
use super::revocation::revocation_at;
use super::timestamp::{tokens_of, verify_token};
use crate::signature::{SignatureLevel, SignatureTimestamp};
use crate::time::Timestamp;

/// What a verifier trusts and knows.
#[derive(Default)]
pub struct VerifyOptions {
    pub trust_anchors: Vec<Certificate>,
    pub crls: Vec<CertificateList>,
    /// OCSP responses (DER `OCSPResponse`), each counting only for the certificate it is about.
    pub ocsps: Vec<Vec<u8>>,
}

impl VerifyOptions {
    /// The revocation evidence these options hold.
    pub fn evidence(&self) -> super::revocation::Evidence<'_> {
        super::revocation::Evidence {
            crls: &self.crls,
            ocsps: &self.ocsps,
        }
    }
}

/// The verdict on one signature. `valid` means intact and cryptographically correct (whatever the trust);
/// [`SignatureReport::ok`] is what `vanban pdf verify` exits on.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub field: String,
    pub signer: String,
    pub organization: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub signing_time: Option<String>,
    pub algorithm: String,
    pub byte_range: Vec<i64>,
    pub covers_whole_document: bool,
    pub modification: Modification,
    pub filled_fields: Vec<(String, String)>,
    pub chain_status: ChainStatus,
    pub revocation_status: RevocationStatus,
    pub integrity: bool,
    pub valid: bool,
    pub ok: bool,
    /// Why it is not fully good, in Vietnamese (empty when it is).
    pub problems: Vec<String>,
    /// The signature timestamp (RFC 3161 token in the unsigned attributes), when it carries one.
    pub timestamp: Option<SignatureTimestamp>,
    /// The PAdES baseline level reached. For a document timestamp: `B-LTA` when it is valid, else `B-B`.
    pub level: SignatureLevel,
    /// A document timestamp (`/Type /DocTimeStamp`, an archive timestamp over the file), not a person's or an
    /// agency's signature.
    pub document_timestamp: bool,
    /// Lower-case hex SHA-256 of the signer's certificate (DER): what the certificate registry binds.
    pub certificate_sha256: String,
    /// When a CRL lists the signer's certificate: when and why, and whether after the signing time.
    pub revocation: Option<crate::revocation::Revocation>,
}

pub fn verify_document<'a>(
    data: impl Into<super::source::Src<'a>>,
    options: &VerifyOptions,
) -> PdfResult<Vec<SignatureReport>> {
    let doc = Document::open(data)?;
    // Where each revision ends: a pass over the whole file, made once and only if a signature needs it.
    let ends = std::cell::OnceCell::new();
    let mut reports = Vec::new();
    // The CRLs and OCSP responses the file keeps in its DSS count beside the verifier's own: that is what lets
    // an archived file be checked without fetching anything, years later.
    let dss = super::ltv::read_dss(&doc)?;
    let merged;
    let options = match &dss {
        Some(d) if !d.crls.is_empty() || !d.ocsps.is_empty() => {
            merged = VerifyOptions {
                trust_anchors: options.trust_anchors.clone(),
                crls: options
                    .crls
                    .iter()
                    .cloned()
                    .chain(d.revocation_lists())
                    .collect(),
                ocsps: options
                    .ocsps
                    .iter()
                    .cloned()
                    .chain(d.ocsps.iter().map(|(_, der)| der.clone()))
                    .collect(),
            };
            &merged
        }
        _ => options,
    };
    let mut contents_of = Vec::new();
    for field in doc.fields()? {
        if field.field_type.as_deref() != Some(b"Sig") {
            continue;
        }
        let Some(value) = &field.value else { continue };
        let sig = doc.resolve(value)?;
        let Some(sig_dict) = sig.as_dict() else {
            reports.push(broken(
                &field.name,
                "giá trị của trường chữ ký không phải từ điển chữ ký",
            ));
            continue;
        };
        let sig_ref = value.as_ref();
        if let Some(c) = sig_dict.get(b"Contents").and_then(Object::as_string) {
            contents_of.push((reports.len(), c.to_vec()));
        }
        reports.push(verify_one(
            &doc,
            &ends,
            &field.name,
            sig_ref,
            sig_dict,
            options,
        )?);
    }
    if let Some(dss) = &dss {
        long_term_levels(&doc, dss, &mut reports, &contents_of, options)?;
    }
    Ok(reports)
}

/// B-LT for a B-T signature whose validation data the DSS holds; B-LTA when a valid document timestamp after
/// it covers a DSS that held it then.
fn long_term_levels(
    doc: &Document,
    dss: &super::ltv::Dss,
    reports: &mut [SignatureReport],
    contents_of: &[(usize, Vec<u8>)],
    options: &VerifyOptions,
) -> PdfResult<()> {
    let range_end = |r: &SignatureReport| match r.byte_range[..] {
        [_, _, c, d] => (c + d) as usize,
        _ => 0,
    };
    // The DSS each valid document timestamp covers.
    let mut archived = Vec::new();
    for r in reports.iter().filter(|r| r.document_timestamp && r.ok) {
        let end = range_end(r);
        let covered = Document::open(doc.src.prefix(end))?;
        if let Some(d) = super::ltv::read_dss(&covered)? {
            archived.push((end, d));
        }
    }
    let anchors = &options.trust_anchors;
    for (i, contents) in contents_of {
        let r = &mut reports[*i];
        if r.document_timestamp || r.level != SignatureLevel::BT || !r.ok {
            continue;
        }
        let end = range_end(r);
        if archived
            .iter()
            .any(|(e, d)| *e > end && super::ltv::covers(d, contents, anchors))
        {
            r.level = SignatureLevel::BLTA;
        } else if super::ltv::covers(dss, contents, anchors) {
            r.level = SignatureLevel::BLT;
        }
    }
    Ok(())
}

fn ends_of<'c>(cell: &'c std::cell::OnceCell<Vec<usize>>, src: super::source::Src) -> &'c [usize] {
    cell.get_or_init(|| revision_ends(src))
}

fn broken(field: &str, why: &str) -> SignatureReport {
    SignatureReport {
        field: field.to_string(),
        signer: String::new(),
        organization: None,
        issuer: String::new(),
        serial: String::new(),
        signing_time: None,
        algorithm: String::new(),
        byte_range: vec![],
        covers_whole_document: false,
        modification: Modification::Other,
        filled_fields: vec![],
        chain_status: ChainStatus::Invalid,
        revocation_status: RevocationStatus::NotChecked,
        integrity: false,
        valid: false,
        ok: false,
        problems: vec![why.to_string()],
        timestamp: None,
        level: SignatureLevel::BB,
        document_timestamp: false,
        certificate_sha256: String::new(),
        revocation: None,
    }
}

fn verify_one(
    doc: &Document,
    revision_ends: &std::cell::OnceCell<Vec<usize>>,
    field: &str,
    sig_ref: Option<super::object::ObjRef>,
    sig: &super::object::Dict,
    options: &VerifyOptions,
) -> PdfResult<SignatureReport> {
    let src = doc.src;
    let mut report = broken(field, "");
    report.problems.clear();
    let claimed_time = sig
        .get(b"M")
        .and_then(Object::as_string)
        .and_then(parse_pdf_date);
    report.signing_time = claimed_time.map(Timestamp::to_iso_vn);

    // 1. The byte range: [0 a b c] with the hole exactly the /Contents hex string of this very dictionary.
    let range: Option<Vec<i64>> = sig
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().map(|o| o.as_int().unwrap_or(-1)).collect());
    let Some(range) = range.filter(|r| r.len() == 4 && r.iter().all(|v| *v >= 0)) else {
        report
            .problems
            .push("chữ ký thiếu hoặc sai /ByteRange (dấu hiệu giả mạo chữ ký)".into());
        return Ok(report);
    };
    report.byte_range = range.clone();
    let (a, b, c, d) = (
        range[0] as usize,
        range[1] as usize,
        range[2] as usize,
        range[3] as usize,
    );
    let Some(contents) = sig
        .get(b"Contents")
        .and_then(Object::as_string)
        .filter(|c| !c.is_empty())
    else {
        report
            .problems
            .push("chữ ký thiếu /Contents (dấu hiệu giả mạo chữ ký)".into());
        return Ok(report);
    };
    let end = c.saturating_add(d);
    let structure_ok = a == 0
        && b > 0
        && c > b
        && end <= src.len()
        && src.byte(b) == Some(b'<')
        && src.byte(c - 1) == Some(b'>');
    if !structure_ok {
        report.problems.push(
            "/ByteRange không bao đúng toàn bộ tệp trừ chỗ chữ ký (dấu hiệu bọc chữ ký)".into(),
        );
        return Ok(report);
    }
    let hole = src.bytes(b + 1..c - 1);
    let hole_is_hex = hole.iter().all(|x| x.is_ascii_hexdigit());
    let hole_matches = hole_is_hex
        && hole.len() == contents.len() * 2
        && crate::hex(contents).as_bytes().eq_ignore_ascii_case(&hole);
    // The signature dictionary must itself be inside the signed bytes, around the hole.
    let dict_around_hole = match sig_ref.and_then(|r| doc.offset_of(r.num)) {
        Some(off) if off < b => match super::document::parse_indirect(src, off, &|_| None) {
            Ok((_, _, after)) => after > c && after <= end,
            Err(_) => false,
        },
        _ => false,
    };
    if !hole_matches || !dict_around_hole {
        report.problems.push(
            "vùng không được ký không phải đúng chữ ký của từ điển này (dấu hiệu bọc chữ ký / signature wrapping)".into(),
        );
        return Ok(report);
    }
    let at_revision_end = end == src.len() || ends_of(revision_ends, src).contains(&end);
    if !at_revision_end {
        report
            .problems
            .push("phần được ký không kết thúc ở cuối một phiên bản của tệp".into());
        return Ok(report);
    }
    report.covers_whole_document = src.all_whitespace(end..src.len());

    // 2. CMS (BER or DER).
    let cms = match parse_cms(contents) {
        Ok(c) => c,
        Err(why) => {
            report.problems.push(why);
            return Ok(report);
        }
    };
    let signer_info = &cms.signer_info;
    let Some((signer_cert, signer_cert_bytes)) = cms.signer_certificate() else {
        report
            .problems
            .push("CMS không kèm chứng thư số của người ký".into());
        return Ok(report);
    };
    let certs: Vec<Certificate> = cms.certificates.iter().map(|(c, _)| c.clone()).collect();
    let (cn, org) = crate::pki::subject_names(signer_cert);
    report.signer = cn;
    report.organization = org;
    report.issuer = crate::pki::name_parts(signer_cert.tbs_certificate().issuer()).0;
    report.serial = crate::pki::serial_decimal(signer_cert);
    report.certificate_sha256 = der::Encode::to_der(signer_cert)
        .map(|der| crate::hex(&Sha256::digest(der)))
        .unwrap_or_default();

    // 3. What the signature vouches for: the covered bytes directly, or (a document timestamp) a TSTInfo whose
    //    message imprint is their digest.
    // ISO 32000-2 §12.8.5: a document timestamp says so in /Type (pyHanko goes by it too).
    let timestamp = sig.name(b"Type") == Some(b"DocTimeStamp");
    report.document_timestamp = timestamp;
    let encap = &cms.signed_data.encap_content_info;
    let econtent = encap.econtent.as_ref().map(|c| c.value());
    let tst = if timestamp {
        let tst = (encap.econtent_type == OID_TST_INFO)
            .then_some(econtent)
            .flatten()
            .ok_or_else(|| "dấu thời gian không chứa TSTInfo".to_string())
            .and_then(parse_tst_info);
        match tst {
            Ok(t) => Some(t),
            Err(why) => {
                report.problems.push(why);
                return Ok(report);
            }
        }
    } else {
        if econtent.is_some() {
            // A detached signature that also carries content: which of the two was signed is ambiguous.
            report
                .problems
                .push("chữ ký tách rời nhưng CMS lại chứa nội dung đóng gói".into());
            return Ok(report);
        }
        None
    };
    let document_alg = tst
        .as_ref()
        .map_or(&signer_info.digest_alg, |t| &t.imprint_algorithm);
    let Some(mut digester) = Digester::new(document_alg) else {
        report.problems.push(format!(
            "thuật toán băm {} không được chấp nhận",
            document_alg.oid
        ));
        return Ok(report);
    };
    src.for_each_chunk(0..b, |chunk| digester.update(chunk));
    src.for_each_chunk(c..end, |chunk| digester.update(chunk));
    let document_digest = digester.finish();
    // What the message-digest attribute must hold: the document's digest, or the TSTInfo's.
    let (content, content_type) = match (&tst, econtent) {
        (Some(_), Some(tst_bytes)) => {
            let Some(d) = Digester::digest(&signer_info.digest_alg, tst_bytes) else {
                report.problems.push(format!(
                    "thuật toán băm {} không được chấp nhận",
                    signer_info.digest_alg.oid
                ));
                return Ok(report);
            };
            (d, OID_TST_INFO)
        }
        _ => (document_digest.clone(), OID_DATA),
    };
    if let Some(t) = &tst {
        report.signing_time = Some(gen_time(t).to_iso_vn());
    }

    // 4. The signature: over the signed attributes as they stand in the file, or (legacy, no signed attributes)
    //    over the document digest itself.
    let key = signer_cert.tbs_certificate().subject_public_key_info();
    let digest_oid = signer_info.digest_alg.oid;
    let signature = signer_info.signature.as_bytes();
    let (content_ok, content_type_ok, (algorithm, signature_ok)) =
        match (&signer_info.signed_attrs, &cms.signed_attrs) {
            (Some(attrs), Some(attrs_bytes)) => {
                let attr = |oid| {
                    attrs
                        .iter()
                        .find(|a| a.oid == oid)
                        .and_then(|a| a.values.iter().next())
                };
                let content_ok = attr(OID_MESSAGE_DIGEST)
                    .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
                    .is_some_and(|m| m.as_bytes() == content.as_slice());
                let content_type_ok = attr(OID_CONTENT_TYPE)
                    .and_then(|v| v.decode_as::<const_oid::ObjectIdentifier>().ok())
                    .is_some_and(|o| o == content_type);
                if let Some(v) = attr(OID_SIGNING_CERTIFICATE_V2)
                    && !signing_certificate_matches(v, signer_cert_bytes)
                {
                    report.problems.push(
                        "thuộc tính signing-certificate-v2 không khớp chứng thư số người ký".into(),
                    );
                }
                let checked = verify(
                    &signer_info.signature_algorithm,
                    digest_oid,
                    key,
                    Signed::Message(attrs_bytes),
                    signature,
                );
                (content_ok, content_type_ok, checked)
            }
            _ if tst.is_some() => {
                report
                    .problems
                    .push("dấu thời gian không có thuộc tính được ký".into());
                return Ok(report);
            }
            _ => {
                let checked = verify(
                    &signer_info.signature_algorithm,
                    digest_oid,
                    key,
                    Signed::Digest(digest_oid, &document_digest),
                    signature,
                );
                // Without signed attributes the signature itself is the only link to the content.
                (checked.1, true, checked)
            }
        };
    let imprint_ok = tst.as_ref().is_none_or(|t| t.imprint == document_digest);
    report.integrity = content_ok && imprint_ok;
    if !report.integrity {
        report
            .problems
            .push("nội dung đã ký bị thay đổi: mã băm không khớp".into());
    }
    if !content_type_ok {
        report.problems.push("thuộc tính content-type sai".into());
    }
    report.algorithm = if timestamp {
        format!("dấu thời gian RFC 3161, {algorithm}")
    } else {
        algorithm
    };
    if !signature_ok {
        report
            .problems
            .push("chữ ký số không khớp với khóa công khai của người ký".into());
    }
    report.valid =
        report.integrity && content_type_ok && signature_ok && report.problems.is_empty();

    // 5. A signature timestamp (PAdES B-T): a TSA's token over the signature value proves the signature
    //    existed then; its time, not the claimed /M, is when the certificate must have been valid.
    let mut trusted_time = None;
    if !timestamp && let Some(token) = tokens_of(&cms).first() {
        let check = verify_token(token, signature, &options.trust_anchors, options.evidence());
        report.timestamp = Some(SignatureTimestamp {
            time: check.time.map(Timestamp::to_iso_vn).unwrap_or_default(),
            tsa: check.tsa,
            valid: check.valid,
            revocation: check.revocation,
        });
        if check.valid {
            report.level = SignatureLevel::BT;
            trusted_time = check.time;
        } else {
            report.problems.extend(
                check
                    .problems
                    .into_iter()
                    .map(|p| format!("dấu thời gian không hợp lệ: {p}")),
            );
        }
    }

    // 6. Chain and revocation at signing time (now when the signature does not say).
    let at = tst
        .as_ref()
        .map(gen_time)
        .or(trusted_time)
        .or(claimed_time)
        .unwrap_or_else(now);
    let (chain_status, chain_problem) =
        validate_chain(signer_cert, &certs, &options.trust_anchors, at);
    report.chain_status = chain_status;
    if let Some(p) = chain_problem {
        report.problems.push(p);
    }
    // Revoked after the signing time, the signature keeps its value (the revocation is reported).
    let (revocation_status, revocation) = revocation_at(
        signer_cert,
        &certs,
        &options.trust_anchors,
        options.evidence(),
        at,
    );
    report.revocation_status = revocation_status;
    if report.revocation_status == RevocationStatus::Revoked {
        report.problems.push(match &revocation {
            Some(r) => format!(
                "chứng thư số của người ký đã bị thu hồi lúc {} ({}), trước thời điểm ký",
                r.revoked_at,
                r.reason.label()
            ),
            None => "chứng thư số của người ký đã bị thu hồi".into(),
        });
    }
    report.revocation = revocation;

    // 7. What changed afterwards.
    if report.covers_whole_document {
        report.modification = Modification::None;
    } else {
        let analysed = Document::open(src.prefix(end))
            .and_then(|signed| analyse(&signed, doc, end, ends_of(revision_ends, src)));
        let m = match analysed {
            Ok(m) => m,
            Err(e) => super::diff::ModificationReport::unreadable(e.to_string()),
        };
        report.modification = m.level;
        report.filled_fields = m.filled_fields;
        if m.level == Modification::Other {
            report.problems.push(format!(
                "tài liệu bị sửa sau khi ký, ngoài việc điền biểu mẫu và ký thêm: {}",
                m.reasons.join("; ")
            ));
        }
    }
    report.ok = report.valid
        && report.timestamp.as_ref().is_none_or(|t| t.valid)
        && report.chain_status == ChainStatus::Trusted
        && report.revocation_status != RevocationStatus::Revoked
        && report.modification != Modification::Other;
    if timestamp && report.ok {
        report.level = SignatureLevel::BLTA;
    }
    Ok(report)
}

/// Whether a signing-certificate-v2 attribute names the certificate whose bytes are `cert_bytes` (hashed as
/// they stand in the file, SHA-256 unless the attribute says otherwise).
fn signing_certificate_matches(value: &der::Any, cert_bytes: &[u8]) -> bool {
    let Ok(s) = value.decode_as::<SigningCertificateV2>() else {
        return false;
    };
    s.certs.first().is_some_and(|id| {
        let hash = match &id.hash_algorithm {
            Some(alg) => Digester::digest(alg, cert_bytes),
            None => Some(Sha256::digest(cert_bytes).to_vec()),
        };
        hash.is_some_and(|h| h.as_slice() == id.cert_hash.as_bytes())
    })
}

fn gen_time(t: &super::cms::TstInfo) -> Timestamp {
    t.gen_time
}

fn now() -> Timestamp {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
    #[cfg(target_arch = "wasm32")]
    {
        Timestamp(0)
    }
}

/// `D:YYYYMMDDHHmmSSOHH'mm'` (every part after the year optional) as a timestamp.
pub fn parse_pdf_date(raw: &[u8]) -> Option<Timestamp> {
    let s = decode_text_string(raw);
    let s = s.strip_prefix("D:").unwrap_or(&s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    let part = |from: usize, len: usize, default: u32| -> u32 {
        digits
            .get(from..from + len)
            .and_then(|p| p.parse().ok())
            .unwrap_or(default)
    };
    let (y, mo, d, h, mi, se) = (
        part(0, 4, 0),
        part(4, 2, 1),
        part(6, 2, 1),
        part(8, 2, 0),
        part(10, 2, 0),
        part(12, 2, 0),
    );
    let rest = &s[digits.len()..];
    let offset_min: i64 = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let nums: Vec<i64> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            let m = nums.first().copied().unwrap_or(0) * 60 + nums.get(1).copied().unwrap_or(0);
            if sign == '-' { -m } else { m }
        }
        _ => 0,
    };
    let iso = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z");
    let utc = Timestamp::parse_iso(&iso).ok()?;
    Some(Timestamp(utc.0 - offset_min * 60_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_with_offsets() {
        let t = parse_pdf_date(b"D:20261126160503+07'00'").unwrap();
        assert_eq!(t.to_iso_vn(), "2026-11-26T16:05:03+07:00");
        let z = parse_pdf_date(b"D:20261126090503Z").unwrap();
        assert_eq!(z, t);
        assert!(parse_pdf_date(b"garbage").is_none());
    }
}
