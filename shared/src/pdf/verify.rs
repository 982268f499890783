//! Verifying every signature of a PDF: the structure of its byte range (against signature wrapping and universal
//! signature forgery), the digest of the covered bytes, the CMS signature, the certificate chain to configured
//! trust anchors at signing time, revocation from CRLs, and what later revisions changed ([`super::diff`]).

use der::Encode;
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::byte_range::{ByteRange, ByteRangeHasher};
use super::cms::{
    OID_CONTENT_TYPE, OID_DATA, OID_MESSAGE_DIGEST, OID_RSA_ENCRYPTION, OID_RSASSA_PSS, OID_SHA256,
    OID_SHA256_WITH_RSA, OID_SIGNING_CERTIFICATE_V2, SigningCertificateV2, parse_signed_data,
};
use super::diff::{Modification, analyse};
use super::document::{Document, XrefEntry, revision_ends};
use super::error::PdfResult;
use super::object::{Object, decode_text_string};
use crate::time::Timestamp;

const OID_SHA384_WITH_RSA: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_WITH_RSA: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_SHA384: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// A valid chain to a configured trust anchor, every certificate valid at signing time.
    Trusted,
    /// No chain to a trust anchor (or none configured).
    Untrusted,
    /// The chain exists but a certificate was not valid at signing time.
    Expired,
    /// A certificate's signature or constraints are wrong.
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationStatus {
    Good,
    Revoked,
    /// CRLs were given but none from the signer's issuer.
    Unknown,
    NotChecked,
}

/// What a verifier trusts and knows.
#[derive(Default)]
pub struct VerifyOptions {
    pub trust_anchors: Vec<Certificate>,
    pub crls: Vec<CertificateList>,
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
}

pub fn verify_document<'a>(
    data: impl Into<super::source::Src<'a>>,
    options: &VerifyOptions,
) -> PdfResult<Vec<SignatureReport>> {
    let doc = Document::open(data)?;
    // Where each revision ends: a pass over the whole file, made once and only if a signature needs it.
    let ends = std::cell::OnceCell::new();
    let mut reports = Vec::new();
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
        reports.push(verify_one(
            &doc,
            &ends,
            &field.name,
            sig_ref,
            sig_dict,
            options,
        )?);
    }
    Ok(reports)
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

    // 2. CMS.
    let signed_data = match parse_signed_data(contents) {
        Ok(s) => s,
        Err(why) => {
            report.problems.push(why);
            return Ok(report);
        }
    };
    let certs: Vec<Certificate> = signed_data
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(signer_info) = signed_data.signer_infos.0.iter().next() else {
        report
            .problems
            .push("CMS không có thông tin người ký".into());
        return Ok(report);
    };
    let signer_cert = match &signer_info.sid {
        cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate().issuer() == &ias.issuer
                && c.tbs_certificate().serial_number() == &ias.serial_number
        }),
        cms::signed_data::SignerIdentifier::SubjectKeyIdentifier(ski) => certs.iter().find(|c| {
            c.tbs_certificate()
                .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, k)| k.0 == ski.0)
        }),
    };
    let Some(signer_cert) = signer_cert.cloned() else {
        report
            .problems
            .push("CMS không kèm chứng thư số của người ký".into());
        return Ok(report);
    };
    let (cn, org) = crate::pki::subject_names(&signer_cert);
    report.signer = cn;
    report.organization = org;
    report.issuer = crate::pki::name_parts(signer_cert.tbs_certificate().issuer()).0;
    report.serial = crate::pki::serial_decimal(&signer_cert);

    // 3. The digest of the covered bytes against the message-digest attribute.
    let digest_oid = signer_info.digest_alg.oid;
    let mut hasher = ByteRangeHasher::new(&[
        ByteRange {
            start: 0,
            len: b as u64,
        },
        ByteRange {
            start: c as u64,
            len: d as u64,
        },
    ])
    .map_err(|e| super::error::PdfError::malformed(e.to_string()))?;
    let document_digest = if digest_oid == OID_SHA256 {
        src.for_each_chunk(0..end, |chunk| hasher.update(chunk));
        hasher
            .finish()
            .map_err(|e| super::error::PdfError::malformed(e.to_string()))?
            .to_vec()
    } else if digest_oid == OID_SHA384 {
        let mut h = Sha384::new();
        src.for_each_chunk(0..b, |chunk| h.update(chunk));
        src.for_each_chunk(c..end, |chunk| h.update(chunk));
        h.finalize().to_vec()
    } else if digest_oid == OID_SHA512 {
        let mut h = Sha512::new();
        src.for_each_chunk(0..b, |chunk| h.update(chunk));
        src.for_each_chunk(c..end, |chunk| h.update(chunk));
        h.finalize().to_vec()
    } else {
        report
            .problems
            .push(format!("thuật toán băm {digest_oid} không được chấp nhận"));
        return Ok(report);
    };
    let Some(attrs) = &signer_info.signed_attrs else {
        report
            .problems
            .push("chữ ký không có thuộc tính được ký (không đúng chuẩn PAdES)".into());
        return Ok(report);
    };
    let attr = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let message_digest =
        attr(OID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<der::asn1::OctetString>().ok());
    report.integrity = message_digest
        .as_ref()
        .is_some_and(|m| m.as_bytes() == document_digest.as_slice());
    if !report.integrity {
        report
            .problems
            .push("nội dung đã ký bị thay đổi: mã băm không khớp".into());
    }
    let content_type_ok = attr(OID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<const_oid::ObjectIdentifier>().ok())
        .is_some_and(|o| o == OID_DATA);
    if !content_type_ok {
        report.problems.push("thuộc tính content-type sai".into());
    }
    let cert_der = signer_cert.to_der().map_err(super::cms::der_err)?;
    if let Some(v) = attr(OID_SIGNING_CERTIFICATE_V2) {
        let matches = v.decode_as::<SigningCertificateV2>().ok().is_some_and(|s| {
            s.certs.first().is_some_and(|id| {
                let alg = id.hash_algorithm.as_ref().map_or(OID_SHA256, |a| a.oid);
                alg == OID_SHA256 && id.cert_hash.as_bytes() == Sha256::digest(&cert_der).as_slice()
            })
        });
        if !matches {
            report
                .problems
                .push("thuộc tính signing-certificate-v2 không khớp chứng thư số người ký".into());
        }
    }

    // 4. The signature over the signed attributes.
    let signed_attrs_der = attrs.to_der().map_err(super::cms::der_err)?;
    let (algorithm, signature_ok) = verify_rsa(
        &signer_info.signature_algorithm,
        digest_oid,
        &signer_cert,
        &signed_attrs_der,
        signer_info.signature.as_bytes(),
    );
    report.algorithm = algorithm;
    if !signature_ok {
        report
            .problems
            .push("chữ ký số không khớp với khoá công khai của người ký".into());
    }
    report.valid =
        report.integrity && content_type_ok && signature_ok && report.problems.is_empty();

    // 5. Chain and revocation at signing time (now when the signature does not say).
    let at = claimed_time.unwrap_or_else(now);
    let (chain_status, chain_problem) =
        validate_chain(&signer_cert, &certs, &options.trust_anchors, at);
    report.chain_status = chain_status;
    if let Some(p) = chain_problem {
        report.problems.push(p);
    }
    report.revocation_status =
        check_revocation(&signer_cert, &certs, &options.trust_anchors, &options.crls);
    if report.revocation_status == RevocationStatus::Revoked {
        report
            .problems
            .push("chứng thư số của người ký đã bị thu hồi".into());
    }

    // 6. What changed afterwards.
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
        && report.chain_status == ChainStatus::Trusted
        && report.revocation_status != RevocationStatus::Revoked
        && report.modification != Modification::Other;
    Ok(report)
}

/// Verifies an RSA signature of `message` under `cert`'s key; returns a readable algorithm name and the result.
fn verify_rsa(
    alg: &AlgorithmIdentifierOwned,
    digest_oid: const_oid::ObjectIdentifier,
    cert: &Certificate,
    message: &[u8],
    signature: &[u8],
) -> (String, bool) {
    use rsa::pkcs8::DecodePublicKey;
    let Ok(spki_der) = cert.tbs_certificate().subject_public_key_info().to_der() else {
        return ("?".into(), false);
    };
    let Ok(key) = rsa::PublicKey::from_public_key_der(&spki_der) else {
        return ("khoá không phải RSA".into(), false);
    };
    if alg.oid == OID_RSASSA_PSS {
        let params = alg
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<rsa::pkcs1::RsaPssParamsOwned>().ok());
        let Some(params) = params else {
            return ("RSASSA-PSS".into(), false);
        };
        if params.hash.oid != OID_SHA256 {
            return ("RSASSA-PSS (hàm băm không hỗ trợ)".into(), false);
        }
        let scheme = rsa::Pss::<Sha256>::new_with_salt(usize::from(params.salt_len));
        let ok = key
            .verify(scheme, &Sha256::digest(message), signature)
            .is_ok();
        return ("RSASSA-PSS SHA-256".into(), ok);
    }
    let hash_oid = match alg.oid {
        o if o == OID_SHA256_WITH_RSA => OID_SHA256,
        o if o == OID_SHA384_WITH_RSA => OID_SHA384,
        o if o == OID_SHA512_WITH_RSA => OID_SHA512,
        o if o == OID_RSA_ENCRYPTION => digest_oid,
        o => return (format!("{o} (không hỗ trợ)"), false),
    };
    let ok = match hash_oid {
        o if o == OID_SHA256 => key.verify(
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(message),
            signature,
        ),
        o if o == OID_SHA384 => key.verify(
            rsa::Pkcs1v15Sign::new::<Sha384>(),
            &Sha384::digest(message),
            signature,
        ),
        o if o == OID_SHA512 => key.verify(
            rsa::Pkcs1v15Sign::new::<Sha512>(),
            &Sha512::digest(message),
            signature,
        ),
        _ => return ("RSA (hàm băm không hỗ trợ)".into(), false),
    }
    .is_ok();
    let name = match hash_oid {
        o if o == OID_SHA384 => "RSA PKCS#1 v1.5 SHA-384",
        o if o == OID_SHA512 => "RSA PKCS#1 v1.5 SHA-512",
        _ => "RSA PKCS#1 v1.5 SHA-256",
    };
    (name.into(), ok)
}

/// Whether `cert` was signed by `issuer`'s key.
fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate().to_der() else {
        return false;
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return false;
    };
    verify_rsa(cert.signature_algorithm(), OID_SHA256, issuer, &tbs, sig).1
}

fn valid_at(cert: &Certificate, at: Timestamp) -> bool {
    let v = cert.tbs_certificate().validity();
    let ms = |t: x509_cert::time::Time| t.to_unix_duration().as_millis() as i64;
    ms(v.not_before) <= at.0 && at.0 <= ms(v.not_after)
}

fn is_ca(cert: &Certificate) -> bool {
    let tbs = cert.tbs_certificate();
    let basic = tbs
        .get_extension::<BasicConstraints>()
        .ok()
        .flatten()
        .is_some_and(|(_, b)| b.ca);
    let usage_ok = tbs
        .get_extension::<KeyUsage>()
        .ok()
        .flatten()
        .is_none_or(|(_, u)| u.0.contains(KeyUsages::KeyCertSign));
    basic && usage_ok
}

fn validate_chain(
    signer: &Certificate,
    bundled: &[Certificate],
    anchors: &[Certificate],
    at: Timestamp,
) -> (ChainStatus, Option<String>) {
    let signing_usage = signer
        .tbs_certificate()
        .get_extension::<KeyUsage>()
        .ok()
        .flatten()
        .is_none_or(|(_, u)| {
            u.0.contains(KeyUsages::DigitalSignature) || u.0.contains(KeyUsages::NonRepudiation)
        });
    if !signing_usage {
        return (
            ChainStatus::Invalid,
            Some("chứng thư số không được phép dùng để ký".into()),
        );
    }
    let mut expired = !valid_at(signer, at);
    let mut current = signer.clone();
    for _ in 0..8 {
        if let Some(anchor) = anchors
            .iter()
            .find(|a| a == &&current || issued_by(&current, a))
        {
            if anchor != &current && !valid_at(anchor, at) {
                expired = true;
            }
            return if expired {
                (
                    ChainStatus::Expired,
                    Some("chứng thư số hết hạn hoặc chưa có hiệu lực vào thời điểm ký".into()),
                )
            } else {
                (ChainStatus::Trusted, None)
            };
        }
        let Some(parent) = bundled
            .iter()
            .find(|c| *c != &current && is_ca(c) && issued_by(&current, c))
        else {
            break;
        };
        if !valid_at(parent, at) {
            expired = true;
        }
        current = parent.clone();
    }
    (
        ChainStatus::Untrusted,
        Some("chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy".into()),
    )
}

fn check_revocation(
    signer: &Certificate,
    bundled: &[Certificate],
    anchors: &[Certificate],
    crls: &[CertificateList],
) -> RevocationStatus {
    if crls.is_empty() {
        return RevocationStatus::NotChecked;
    }
    let issuer_name = signer.tbs_certificate().issuer();
    let issuer = bundled
        .iter()
        .chain(anchors)
        .find(|c| c.tbs_certificate().subject() == issuer_name);
    let Some(issuer) = issuer else {
        return RevocationStatus::Unknown;
    };
    let mut seen_valid_crl = false;
    for crl in crls {
        if &crl.tbs_cert_list.issuer != issuer_name {
            continue;
        }
        let Ok(tbs) = crl.tbs_cert_list.to_der() else {
            continue;
        };
        let Some(sig) = crl.signature.as_bytes() else {
            continue;
        };
        if !verify_rsa(&crl.signature_algorithm, OID_SHA256, issuer, &tbs, sig).1 {
            continue;
        }
        seen_valid_crl = true;
        let serial = signer.tbs_certificate().serial_number();
        if crl
            .tbs_cert_list
            .revoked_certificates
            .as_ref()
            .is_some_and(|list| list.iter().any(|r| &r.serial_number == serial))
        {
            return RevocationStatus::Revoked;
        }
    }
    if seen_valid_crl {
        RevocationStatus::Good
    } else {
        RevocationStatus::Unknown
    }
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

/// Whether the document contains content that must not be issued (Điều 22.2): JavaScript, launch, submit or
/// import actions, embedded files, XFA. Returns what was found, in Vietnamese.
pub fn active_content<'a>(data: impl Into<super::source::Src<'a>>) -> PdfResult<Vec<String>> {
    let doc = Document::open(data)?;
    let mut found = std::collections::BTreeSet::new();
    for num in doc.object_numbers().collect::<Vec<_>>() {
        let generation = match doc.xref_entry(num) {
            Some(XrefEntry::InFile { generation, .. }) => generation,
            _ => 0,
        };
        let Ok(obj) = doc.get(super::object::ObjRef::new(num, generation)) else {
            continue;
        };
        scan_active(&obj, &mut found, 0);
    }
    Ok(found.into_iter().collect())
}

fn scan_active(o: &Object, found: &mut std::collections::BTreeSet<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    match o {
        Object::Dict(d) | Object::Stream(super::object::Stream { dict: d, .. }) => {
            match d.name(b"S") {
                Some(b"JavaScript") => found.insert("mã JavaScript".into()),
                Some(b"Launch") => found.insert("lệnh mở chương trình (Launch)".into()),
                Some(b"SubmitForm") => {
                    found.insert("lệnh gửi biểu mẫu ra ngoài (SubmitForm)".into())
                }
                Some(b"ImportData") => found.insert("lệnh nhập dữ liệu (ImportData)".into()),
                _ => false,
            };
            if d.contains(b"JS") {
                found.insert("mã JavaScript".into());
            }
            if d.contains(b"XFA") {
                found.insert("biểu mẫu XFA".into());
            }
            if d.contains(b"EmbeddedFiles")
                || d.is_type(b"EmbeddedFile")
                || d.is_type(b"Filespec") && d.contains(b"EF")
            {
                found.insert("tệp đính kèm nhúng bên trong PDF".into());
            }
            for (_, v) in d.iter() {
                scan_active(v, found, depth + 1);
            }
        }
        Object::Array(items) => items.iter().for_each(|i| scan_active(i, found, depth + 1)),
        _ => {}
    }
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
