//! OCSP (RFC 6960): the request for one certificate's status and the responder's answer, checked. The answer
//! counts only when signed by the certificate's issuer or by a responder the issuer delegated (extended key
//! usage OCSPSigning, issued by the issuer), and when it speaks of the certificate asked about. What it says
//! is judged at the signing time like a CRL ([`super::revocation`]): revoked after it, the signature stands.
//!
//! Written with `der` derives: the RustCrypto `x509-ocsp` crate is built against `der 0.7` / `x509-cert 0.2`,
//! not the `der 0.8` / `x509-cert 0.3` this workspace pins.

use der::asn1::{BitString, GeneralizedTime, Null, ObjectIdentifier, OctetString};
use der::{Choice, Decode, Encode, Enumerated, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::{CrlReason, ExtendedKeyUsage};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::algorithms::{OID_SHA256, Signed, verify};
use crate::revocation::RevocationReason;
use crate::time::Timestamp;

const OID_SHA256_ALG: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_OCSP_BASIC: ObjectIdentifier = const_oid::db::rfc6960::ID_PKIX_OCSP_BASIC;
const OID_KP_OCSP_SIGNING: ObjectIdentifier = const_oid::db::rfc5280::ID_KP_OCSP_SIGNING;

/// `CertID`: which certificate, by its issuer's name and key hashes and its serial.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct CertId {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub issuer_name_hash: OctetString,
    pub issuer_key_hash: OctetString,
    pub serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SingleRequest {
    req_cert: CertId,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TbsRequest {
    request_list: Vec<SingleRequest>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct OcspRequest {
    tbs_request: TbsRequest,
}

#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u32)]
enum ResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseBytes {
    response_type: ObjectIdentifier,
    response: OctetString,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct OcspResponse {
    response_status: ResponseStatus,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    response_bytes: Option<ResponseBytes>,
}

/// The signed part is kept as it stands: the signature is checked over these bytes.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct BasicOcspResponse {
    tbs_response_data: der::Any,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    certs: Option<Vec<Certificate>>,
}

#[derive(Clone, Debug, Eq, PartialEq, Choice)]
enum ResponderId {
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseData {
    #[asn1(
        context_specific = "0",
        default = "Default::default",
        tag_mode = "EXPLICIT"
    )]
    version: u8,
    responder_id: ResponderId,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    response_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    revocation_reason: Option<CrlReason>,
}

#[derive(Clone, Debug, Eq, PartialEq, Choice)]
enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SingleResponse {
    cert_id: CertId,
    cert_status: CertStatus,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", optional = "true", tag_mode = "EXPLICIT")]
    single_extensions: Option<Extensions>,
}

/// What a responder said of one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OcspStatus {
    Good,
    /// Revoked at that time (Unix milliseconds), for that reason.
    Revoked {
        at: i64,
        reason: RevocationReason,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// A checked answer about one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OcspAnswer {
    pub status: OcspStatus,
    /// thisUpdate and nextUpdate (Unix milliseconds): when the status was known to be true, and until when
    /// a newer one is promised.
    pub this_update: i64,
    pub next_update: Option<i64>,
}

/// How far clocks may disagree when an answer's times are compared with the signing time (five minutes, as
/// pyHanko's default tolerance does).
pub const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

impl OcspAnswer {
    /// Whether a "good" answer vouches for the certificate at `at` (the signing time): the answer was current
    /// then or made later. RFC 6960 §4.2.2.1: the status is known true at thisUpdate and promised until
    /// nextUpdate; an answer without nextUpdate speaks only of its own moment. So the answer counts when `at`
    /// is no later than its nextUpdate (or its thisUpdate, without one). An answer that had expired before
    /// the signature was made says nothing of the signing time: the certificate may have been revoked in
    /// between and a later answer say so. A "revoked" answer needs no such window: it names when.
    pub fn current_at(&self, at: Timestamp) -> bool {
        at.0 <= self.next_update.unwrap_or(self.this_update) + CLOCK_SKEW_MS
    }
}

/// The `CertID` of `cert` issued by `issuer` (SHA-256 hashes).
pub fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, String> {
    let name = issuer
        .tbs_certificate()
        .subject()
        .to_der()
        .map_err(|e| e.to_string())?;
    let key = issuer
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    let octets = |b: &[u8]| OctetString::new(Sha256::digest(b).to_vec()).map_err(|e| e.to_string());
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: OID_SHA256_ALG,
            parameters: Some(der::Any::from(Null)),
        },
        issuer_name_hash: octets(&name)?,
        issuer_key_hash: octets(key)?,
        serial_number: cert.tbs_certificate().serial_number().clone(),
    })
}

/// An OCSP request (DER, `application/ocsp-request`) for `cert` issued by `issuer`.
pub fn request(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, String> {
    OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![SingleRequest {
                req_cert: cert_id(cert, issuer)?,
            }],
        },
    }
    .to_der()
    .map_err(|e| e.to_string())
}

fn millis(t: &GeneralizedTime) -> i64 {
    t.to_unix_duration().as_millis() as i64
}

/// Whether `responder` may answer for `issuer`'s certificates: the issuer itself, or a certificate the issuer
/// signed with extended key usage OCSPSigning (RFC 6960 §4.2.2.2).
fn authorised(responder: &Certificate, issuer: &Certificate) -> bool {
    if responder == issuer {
        return true;
    }
    if responder.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let eku = matches!(
        responder.tbs_certificate().get_extension::<ExtendedKeyUsage>(),
        Ok(Some((_, eku))) if eku.0.contains(&OID_KP_OCSP_SIGNING)
    );
    let (Ok(tbs), Some(sig)) = (
        responder.tbs_certificate().to_der(),
        responder.signature().as_bytes(),
    ) else {
        return false;
    };
    eku && verify(
        responder.signature_algorithm(),
        OID_SHA256,
        issuer.tbs_certificate().subject_public_key_info(),
        Signed::Message(&tbs),
        sig,
    )
    .1
}

/// Reads and checks a responder's answer (DER) about `cert` issued by `issuer`.
pub fn check_response(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<OcspAnswer, String> {
    let response = OcspResponse::from_der(der).map_err(|e| format!("trả lời OCSP hỏng: {e}"))?;
    if response.response_status != ResponseStatus::Successful {
        return Err(format!(
            "máy chủ OCSP từ chối trả lời ({:?})",
            response.response_status
        ));
    }
    let bytes = response
        .response_bytes
        .ok_or("trả lời OCSP không có nội dung")?;
    if bytes.response_type != OID_OCSP_BASIC {
        return Err("trả lời OCSP không thuộc loại cơ bản (id-pkix-ocsp-basic)".into());
    }
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
        .map_err(|e| format!("trả lời OCSP hỏng: {e}"))?;
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|e| e.to_string())?;
    let data = ResponseData::from_der(&tbs).map_err(|e| format!("trả lời OCSP hỏng: {e}"))?;
    let signature = basic
        .signature
        .as_bytes()
        .ok_or("chữ ký của trả lời OCSP hỏng")?;
    // The responder: the issuer, or a certificate the answer carries that the issuer delegated.
    let candidates = std::iter::once(issuer).chain(basic.certs.iter().flatten());
    let signed_by = candidates.filter(|c| authorised(c, issuer)).find(|c| {
        verify(
            &basic.signature_algorithm,
            OID_SHA256,
            c.tbs_certificate().subject_public_key_info(),
            Signed::Message(&tbs),
            signature,
        )
        .1
    });
    if signed_by.is_none() {
        return Err(
            "trả lời OCSP không được ký bởi tổ chức cấp chứng thư hoặc máy chủ OCSP được ủy quyền"
                .into(),
        );
    }
    let wanted = cert_id(cert, issuer)?;
    let single = data
        .responses
        .iter()
        .find(|r| {
            r.cert_id.serial_number == wanted.serial_number
                && r.cert_id.hash_algorithm.oid == OID_SHA256_ALG
                && r.cert_id.issuer_name_hash == wanted.issuer_name_hash
                && r.cert_id.issuer_key_hash == wanted.issuer_key_hash
        })
        .ok_or("trả lời OCSP không nói về chứng thư số được hỏi")?;
    let status = match &single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Unknown(_) => OcspStatus::Unknown,
        CertStatus::Revoked(info) => OcspStatus::Revoked {
            at: millis(&info.revocation_time),
            reason: info
                .revocation_reason
                .map(|r| RevocationReason::from_code(r as u8))
                .unwrap_or(RevocationReason::Unspecified),
        },
    };
    let (this_update, next_update) = (
        millis(&single.this_update),
        single.next_update.as_ref().map(millis),
    );
    if next_update.is_some_and(|next| next < this_update) {
        return Err("trả lời OCSP hỏng: nextUpdate trước thisUpdate".into());
    }
    Ok(OcspAnswer {
        status,
        this_update,
        next_update,
    })
}

/// The certificates a response carries (a delegated responder's, with its chain): what a DSS needs beside
/// the response to check its signature later. Empty for noise.
pub fn responder_certificates(der: &[u8]) -> Vec<Certificate> {
    let Ok(response) = OcspResponse::from_der(der) else {
        return Vec::new();
    };
    response
        .response_bytes
        .and_then(|b| BasicOcspResponse::from_der(b.response.as_bytes()).ok())
        .and_then(|basic| basic.certs)
        .unwrap_or_default()
}

/// The revocation an answer shows, judged at `at` (the signing time): `None` unless it says revoked.
pub fn revocation_at(answer: &OcspAnswer, at: Timestamp) -> Option<crate::revocation::Revocation> {
    match answer.status {
        OcspStatus::Revoked { at: when, reason } => Some(crate::revocation::Revocation {
            revoked_at: Timestamp(when).to_iso_vn(),
            reason,
            after_signing: when > at.0,
            source: "ocsp".into(),
        }),
        _ => None,
    }
}
