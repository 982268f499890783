//! Signature timestamps (PAdES B-T): an RFC 3161 token over a signature's value, carried in the signer's
//! unsigned attribute `signature-time-stamp-token`. What a token proves is checked here ([`verify_token`]);
//! putting one into a signature already in a PDF ([`embed_in_pdf`]) rewrites only the `/Contents` hex of that
//! signature, inside the room reserved for it: the unsigned attributes are not covered by the signature, and
//! the byte ranges do not change, so the signature stays valid.

use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use super::algorithms::{Digester, Signed, verify};
use super::ber::{self, Tlv};
use super::chain::{ChainStatus, RevocationStatus, validate_chain};
use super::cms::{
    OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNATURE_TIME_STAMP_TOKEN,
    OID_SIGNING_CERTIFICATE_V2, OID_TST_INFO, ParsedCms, SigningCertificateV2, parse_cms,
    parse_tst_info,
};
use super::revocation::{Evidence, revocation_at};
use crate::pki::OID_KP_TIME_STAMPING;
use crate::revocation::Revocation;
use crate::time::Timestamp;

/// What a token says and whether it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCheck {
    /// genTime, when the TSTInfo could be read.
    pub time: Option<Timestamp>,
    /// The TSA's certificate's common name (empty when absent).
    pub tsa: String,
    /// Intact, over the given data, signed by a TSA certificate fit for timestamping that chains to a trust
    /// anchor, valid and unrevoked at genTime.
    pub valid: bool,
    /// Why not, in Vietnamese.
    pub problems: Vec<String>,
    /// When a CRL lists the TSA's certificate: revoked after genTime, the token still holds (the revocation is
    /// shown); at or before it, the token is refused.
    pub revocation: Option<Revocation>,
}

/// Verifies a timestamp token (as its bytes stand) over `data`: the TSTInfo's message imprint is `data`'s
/// digest, the signed attributes cover the TSTInfo and name the TSA's certificate, the signature verifies,
/// the certificate has the extended key usage timeStamping (only) marked critical (RFC 3161 §2.3) and chains
/// to `anchors` at genTime, and the revocation `evidence` does not say it was revoked at or before genTime
/// (the same rule as for a signer at the signing time).
pub fn verify_token(
    token: &[u8],
    data: &[u8],
    anchors: &[Certificate],
    evidence: Evidence,
) -> TokenCheck {
    verify_token_with(token, &|alg| Digester::digest(alg, data), anchors, evidence)
}

/// As [`verify_token`], for data known by its SHA-256 (a document timestamp's byte ranges): a token whose
/// imprint uses another hash does not match.
pub fn verify_token_over_sha256(
    token: &[u8],
    digest: &[u8; 32],
    anchors: &[Certificate],
    evidence: Evidence,
) -> TokenCheck {
    let sha256 = super::algorithms::OID_SHA256;
    verify_token_with(
        token,
        &|alg| (alg.oid == sha256).then(|| digest.to_vec()),
        anchors,
        evidence,
    )
}

fn verify_token_with(
    token: &[u8],
    digest_of_data: &dyn Fn(&spki::AlgorithmIdentifierOwned) -> Option<Vec<u8>>,
    anchors: &[Certificate],
    evidence: Evidence,
) -> TokenCheck {
    let mut check = TokenCheck {
        time: None,
        tsa: String::new(),
        valid: false,
        problems: Vec::new(),
        revocation: None,
    };
    let cms = match parse_cms(token) {
        Ok(c) => c,
        Err(why) => {
            check.problems.push(format!("dấu thời gian hỏng: {why}"));
            return check;
        }
    };
    let encap = &cms.signed_data.encap_content_info;
    let Some(econtent) = encap
        .econtent
        .as_ref()
        .filter(|_| encap.econtent_type == OID_TST_INFO)
        .map(|c| c.value())
    else {
        check
            .problems
            .push("dấu thời gian không chứa TSTInfo".into());
        return check;
    };
    let info = match parse_tst_info(econtent) {
        Ok(i) => i,
        Err(why) => {
            check.problems.push(format!("dấu thời gian hỏng: {why}"));
            return check;
        }
    };
    check.time = Some(info.gen_time);
    let Some((tsa_cert, tsa_cert_bytes)) = cms.signer_certificate() else {
        check
            .problems
            .push("dấu thời gian không kèm chứng thư số của đơn vị cấp dấu thời gian".into());
        return check;
    };
    check.tsa = crate::pki::subject_names(tsa_cert).0;

    // What was stamped: this data.
    if digest_of_data(&info.imprint_algorithm).as_deref() != Some(info.imprint.as_slice()) {
        check
            .problems
            .push("dấu thời gian không được cấp cho chữ ký này (mã băm không khớp)".into());
    }
    // The TSA's signature over the signed attributes, which must bind the TSTInfo and the certificate.
    let signer_info = &cms.signer_info;
    match (&signer_info.signed_attrs, &cms.signed_attrs) {
        (Some(attrs), Some(attrs_bytes)) => {
            let attr = |oid| {
                attrs
                    .iter()
                    .find(|a| a.oid == oid)
                    .and_then(|a| a.values.iter().next())
            };
            let content_ok = Digester::digest(&signer_info.digest_alg, econtent).is_some_and(|d| {
                attr(OID_MESSAGE_DIGEST)
                    .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
                    .is_some_and(|m| m.as_bytes() == d.as_slice())
            });
            let type_ok = attr(OID_CONTENT_TYPE)
                .and_then(|v| v.decode_as::<const_oid::ObjectIdentifier>().ok())
                .is_some_and(|o| o == OID_TST_INFO);
            if !content_ok || !type_ok {
                check
                    .problems
                    .push("nội dung dấu thời gian bị thay đổi (mã băm TSTInfo không khớp)".into());
            }
            if !attr(OID_SIGNING_CERTIFICATE_V2)
                .is_some_and(|v| names_certificate(v, tsa_cert_bytes))
            {
                check.problems.push(
                    "dấu thời gian không có thuộc tính signing-certificate-v2 khớp chứng thư số của đơn vị cấp".into(),
                );
            }
            let key = tsa_cert.tbs_certificate().subject_public_key_info();
            let (_, ok) = verify(
                &signer_info.signature_algorithm,
                signer_info.digest_alg.oid,
                key,
                Signed::Message(attrs_bytes),
                signer_info.signature.as_bytes(),
            );
            if !ok {
                check.problems.push(
                    "chữ ký của đơn vị cấp dấu thời gian không khớp (dấu thời gian bị sửa)".into(),
                );
            }
        }
        _ => check
            .problems
            .push("dấu thời gian không có thuộc tính được ký".into()),
    }
    // A certificate for timestamping and nothing else, said critically.
    match tsa_cert
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
    {
        Ok(Some((true, eku))) if eku.0 == [OID_KP_TIME_STAMPING] => {}
        Ok(Some((false, _))) => check.problems.push(
            "chứng thư số của đơn vị cấp dấu thời gian không đánh dấu mục đích timeStamping là bắt buộc (critical)".into(),
        ),
        _ => check.problems.push(
            "chứng thư số của đơn vị cấp dấu thời gian không dành riêng cho cấp dấu thời gian (timeStamping)".into(),
        ),
    }
    let bundled: Vec<Certificate> = cms.certificates.iter().map(|(c, _)| c.clone()).collect();
    let (status, problem) = validate_chain(tsa_cert, &bundled, anchors, info.gen_time);
    if status != ChainStatus::Trusted {
        check.problems.push(format!(
            "đơn vị cấp dấu thời gian: {}",
            problem.unwrap_or_else(|| status_text(status).into())
        ));
    }
    let (revocation_status, revocation) =
        revocation_at(tsa_cert, &bundled, anchors, evidence, info.gen_time);
    if revocation_status == RevocationStatus::Revoked {
        check.problems.push(match &revocation {
            Some(r) => format!(
                "chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi lúc {} ({}), trước thời điểm cấp dấu thời gian",
                r.revoked_at,
                r.reason.label()
            ),
            None => "chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi".into(),
        });
    }
    check.revocation = revocation;
    check.valid = check.problems.is_empty();
    check
}

fn status_text(status: ChainStatus) -> &'static str {
    match status {
        ChainStatus::Trusted => "tin cậy",
        ChainStatus::Untrusted => "không được tin cậy",
        ChainStatus::Expired => "hết hạn",
        ChainStatus::Invalid => "không hợp lệ",
    }
}

fn names_certificate(value: &der::Any, cert_bytes: &[u8]) -> bool {
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

/// The signature timestamp tokens a signer info carries, as their bytes stand.
pub fn tokens_of(cms: &ParsedCms) -> Vec<&[u8]> {
    cms.unsigned_attrs
        .iter()
        .filter(|(oid, _)| *oid == OID_SIGNATURE_TIME_STAMP_TOKEN)
        .flat_map(|(_, values)| values.iter().map(Vec::as_slice))
        .collect()
}

/// The signature value of the (only) signer of a CMS: what a signature timestamp is taken over.
pub fn signature_value(cms: &[u8]) -> Result<Vec<u8>, String> {
    Ok(parse_cms(cms)?.signer_info.signature.as_bytes().to_vec())
}

/// The CMS with `token` added as the signer's `signature-time-stamp-token` unsigned attribute. Everything
/// else keeps its bytes (a signature from elsewhere may be BER); only the lengths of the elements around the
/// signer info grow. Refused when the CMS has more than one signer, an indefinite length on that path, or a
/// timestamp already.
pub fn add_to_signature(cms: &[u8], token: &[u8]) -> Result<Vec<u8>, String> {
    let content_info = ber::read(cms)?;
    let explicit = content_info.child(1)?;
    let signed_data = explicit.child(0)?;
    let parts = signed_data.children()?;
    let infos = *parts
        .last()
        .filter(|p| p.tag == [0x31])
        .ok_or("SignedData thiếu signerInfos")?;
    let signers = infos.children()?;
    let [signer] = signers[..] else {
        return Err("chữ ký có nhiều người ký trong một CMS; không gắn được dấu thời gian".into());
    };
    for element in [&content_info, &explicit, &signed_data, &infos, &signer] {
        if element.raw.get(element.tag.len()) == Some(&0x80) {
            return Err("CMS dùng độ dài không xác định; không gắn được dấu thời gian".into());
        }
    }
    let mut oid = vec![0x06, OID_SIGNATURE_TIME_STAMP_TOKEN.as_bytes().len() as u8];
    oid.extend_from_slice(OID_SIGNATURE_TIME_STAMP_TOKEN.as_bytes());
    let attribute = element(&[0x30], &[oid, element(&[0x31], token)].concat());
    let signer_parts = signer.children()?;
    let new_signer = match signer_parts.iter().find(|p| p.tag == [0xA1]) {
        Some(unsigned) => {
            let mut attrs = unsigned.content.to_vec();
            if unsigned.children()?.iter().any(|a| {
                a.child(0)
                    .is_ok_and(|o| o.content == OID_SIGNATURE_TIME_STAMP_TOKEN.as_bytes())
            }) {
                return Err("chữ ký đã có dấu thời gian".into());
            }
            attrs.extend_from_slice(&attribute);
            replace(&signer, unsigned, &element(&[0xA1], &attrs))
        }
        None => element(
            signer.tag,
            &[signer.content, &element(&[0xA1], &attribute)].concat(),
        ),
    };
    let new_infos = replace(&infos, &signer, &new_signer);
    let new_signed_data = replace(&signed_data, &infos, &new_infos);
    let new_explicit = replace(&explicit, &signed_data, &new_signed_data);
    Ok(replace(&content_info, &explicit, &new_explicit))
}

/// A DER element: identifier, definite length, contents.
fn element(tag: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = tag.to_vec();
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// `parent` with its child `old` (a sub-slice of its contents) replaced by `new`, re-lengthed.
fn replace(parent: &Tlv, old: &Tlv, new: &[u8]) -> Vec<u8> {
    let at = old.raw.as_ptr() as usize - parent.content.as_ptr() as usize;
    let content = [
        &parent.content[..at],
        new,
        &parent.content[at + old.raw.len()..],
    ]
    .concat();
    element(parent.tag, &content)
}

/// Where a signature's CMS sits in a file: the hex digits of its `/Contents`, between the two byte ranges.
fn hole(pdf_len: usize, byte_range: &[i64]) -> Result<std::ops::Range<usize>, String> {
    match byte_range {
        [0, b, c, d] if *b >= 0 && c > b && *d >= 0 && (*c + *d) as usize <= pdf_len => {
            Ok(*b as usize + 1..*c as usize - 1)
        }
        _ => Err("chữ ký có /ByteRange không đúng dạng".into()),
    }
}

fn unhex(hex: &[u8]) -> Result<Vec<u8>, String> {
    if !hex.len().is_multiple_of(2) || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err("/Contents của chữ ký không phải chuỗi hex".into());
    }
    let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    Ok(hex
        .chunks(2)
        .map(|p| digit(p[0]) << 4 | digit(p[1]))
        .collect())
}

/// The CMS of the signature whose byte range is `byte_range` (trailing zero padding included).
pub fn cms_in_pdf(pdf: &[u8], byte_range: &[i64]) -> Result<Vec<u8>, String> {
    unhex(&pdf[hole(pdf.len(), byte_range)?])
}

/// Adds `token` to the signature of `pdf` whose byte range is `byte_range`, in place: the `/Contents` hex is
/// rewritten within its reserved length (zero-padded), so no byte outside the hole moves. Refused, with
/// nothing changed, when the token does not fit.
pub fn embed_in_pdf(pdf: &mut [u8], byte_range: &[i64], token: &[u8]) -> Result<(), String> {
    let hole = hole(pdf.len(), byte_range)?;
    let cms = unhex(&pdf[hole.clone()])?;
    let used = ber::read(&cms)?.raw.len();
    let with_token = add_to_signature(&cms[..used], token)?;
    let hex = crate::hex(&with_token);
    if hex.len() > hole.len() {
        return Err(format!(
            "chỗ dành cho chữ ký ({} byte) không đủ cho chữ ký kèm dấu thời gian ({} byte)",
            hole.len() / 2,
            with_token.len()
        ));
    }
    let room = &mut pdf[hole];
    room[..hex.len()].copy_from_slice(hex.as_bytes());
    room[hex.len()..].fill(b'0');
    Ok(())
}
