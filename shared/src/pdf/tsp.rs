//! The time-stamp protocol of RFC 3161: the request a client sends, the reply a time-stamping authority (TSA)
//! gives, and the token it signs (a CMS SignedData whose content is a TSTInfo). Both ends are here: `vanban tsa
//! serve` answers with [`respond`], and signing asks with [`Request`] and reads the reply with
//! [`Request::token_from`]. What a token proves about a signature is checked in [`super::timestamp`].

pub use const_oid::ObjectIdentifier;
use der::asn1::{BitString, OctetString, Uint};
use der::{Any, Decode, Encode, Sequence, Tag, Tagged};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::name::GeneralName;

use super::algorithms::{OID_SHA384, OID_SHA512};
use super::cms::{CmsSigner, OID_SHA256, OID_TST_INFO, build_signed, parse_cms, sha256_algorithm};
use super::error::{PdfError, PdfResult};
use crate::time::Timestamp;

/// The media type of a request (RFC 3161 §3.4).
pub const QUERY_MEDIA_TYPE: &str = "application/timestamp-query";
/// The media type of a reply.
pub const REPLY_MEDIA_TYPE: &str = "application/timestamp-reply";
/// The policy under which the demo TSA stamps: RFC 7229's test certificate policy one (an agency's real TSA
/// names its own).
pub const DEMO_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.13.1");

/// MessageImprint: the hash algorithm and the digest of the data being stamped.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// TimeStampReq (RFC 3161 §2.4.1).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct TimeStampReq {
    /// Always 1.
    pub version: u8,
    pub message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// Whether the TSA's certificate must be in the token.
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// PKIStatusInfo (RFC 3161 §2.4.2): granted (0), grantedWithMods (1), rejection (2), ….
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct PkiStatusInfo {
    pub status: u8,
    /// PKIFreeText: UTF-8 sentences for people.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    #[asn1(optional = "true")]
    pub fail_info: Option<BitString>,
}

/// TimeStampResp: the status and, when granted, the token (a ContentInfo, kept as its bytes).
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct TimeStampResp {
    pub status: PkiStatusInfo,
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// Accuracy of the TSA's clock around genTime.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct Accuracy {
    #[asn1(optional = "true")]
    pub seconds: Option<u32>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

/// TSTInfo (RFC 3161 §2.4.2), the content the TSA signs. `gen_time` is a GeneralizedTime kept as an element
/// because RFC 3161 allows fractions of a second, which X.509's time type refuses.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct TstInfo {
    pub version: u8,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: Uint,
    pub gen_time: Any,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// Why a TSA refuses a request: the PKIFailureInfo bits of RFC 3161 §2.4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailInfo {
    /// An unrecognized or unsupported algorithm.
    BadAlg = 0,
    /// The transaction is not permitted or supported.
    BadRequest = 2,
    /// The data submitted has the wrong format.
    BadDataFormat = 5,
    /// The TSA's time source is not available.
    TimeNotAvailable = 14,
    /// The requested policy is not supported.
    UnacceptedPolicy = 15,
    /// The requested extension is not supported.
    UnacceptedExtension = 16,
    /// The request cannot be handled due to a system failure.
    SystemFailure = 25,
}

impl FailInfo {
    /// The named bit as DER writes a BIT STRING of named bits (no trailing zero bits).
    fn bits(self) -> BitString {
        let n = self as usize;
        let mut bytes = vec![0u8; n / 8 + 1];
        bytes[n / 8] = 0x80 >> (n % 8);
        BitString::new((7 - n % 8) as u8, bytes).expect("fewer than 8 unused bits")
    }
}

fn der_err(e: der::Error) -> PdfError {
    PdfError::Signing(format!("lỗi mã hóa DER ({e})"))
}

/// `YYYYMMDDHHMMSS[.fff]Z` in UTC, the DER form of a GeneralizedTime with milliseconds (no trailing zeros).
pub fn generalized_time(t: Timestamp) -> PdfResult<Any> {
    // Vietnam's civil time of an instant seven hours earlier is the UTC civil time of this one.
    let c = Timestamp(t.0 - 7 * 3600 * 1000).vn_civil();
    let mut text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    let millis = t.0.rem_euclid(1000);
    if millis != 0 {
        text.push_str(format!(".{millis:03}").trim_end_matches('0'));
    }
    text.push('Z');
    Any::new(Tag::GeneralizedTime, text.into_bytes()).map_err(der_err)
}

/// A request about to be sent, kept to check the reply against it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The DER to POST.
    pub der: Vec<u8>,
    /// The SHA-256 of the data being stamped.
    pub digest: [u8; 32],
    /// The nonce the reply must echo.
    pub nonce: u64,
}

impl Request {
    /// A request for a timestamp over `data` (SHA-256), with a nonce and the TSA's certificate asked for.
    pub fn new(data: &[u8], nonce: u64) -> PdfResult<Self> {
        Self::for_digest(Sha256::digest(data).into(), nonce)
    }

    /// A request for a timestamp over data whose SHA-256 is `digest` (a document timestamp's byte ranges,
    /// hashed as they stream by).
    pub fn for_digest(digest: [u8; 32], nonce: u64) -> PdfResult<Self> {
        let request = TimeStampReq {
            version: 1,
            message_imprint: MessageImprint {
                hash_algorithm: sha256_algorithm(),
                hashed_message: OctetString::new(digest.to_vec()).map_err(der_err)?,
            },
            req_policy: None,
            nonce: Some(Uint::new(&nonce.to_be_bytes()).map_err(der_err)?),
            cert_req: true,
            extensions: None,
        };
        Ok(Self {
            der: request.to_der().map_err(der_err)?,
            digest,
            nonce,
        })
    }

    /// The token of a TSA's reply to this request: granted, over this digest, with this nonce. The token is
    /// returned as its bytes in the reply; its signature and certificate are judged by
    /// [`super::timestamp::verify_token`].
    pub fn token_from(&self, reply: &[u8]) -> Result<Vec<u8>, String> {
        let resp = TimeStampResp::from_der(reply)
            .map_err(|e| format!("trả lời của máy chủ cấp dấu thời gian sai định dạng ({e})"))?;
        if resp.status.status > 1 {
            let why = resp
                .status
                .status_string
                .map(|s| s.join("; "))
                .unwrap_or_default();
            return Err(format!(
                "máy chủ cấp dấu thời gian từ chối (trạng thái {}){}",
                resp.status.status,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                }
            ));
        }
        let token = resp
            .time_stamp_token
            .ok_or("máy chủ cấp dấu thời gian không gửi kèm dấu thời gian")?
            .to_der()
            .map_err(|e| e.to_string())?;
        let cms = parse_cms(&token)?;
        let info = cms
            .signed_data
            .encap_content_info
            .econtent
            .as_ref()
            .filter(|_| cms.signed_data.encap_content_info.econtent_type == OID_TST_INFO)
            .ok_or("dấu thời gian không chứa TSTInfo")?;
        let info = TstInfo::from_der(info.value()).map_err(|e| format!("TSTInfo sai ({e})"))?;
        let imprint = &info.message_imprint;
        if imprint.hash_algorithm.oid != OID_SHA256
            || imprint.hashed_message.as_bytes() != self.digest
        {
            return Err("dấu thời gian được cấp cho dữ liệu khác (mã băm không khớp)".into());
        }
        let nonce = Uint::new(&self.nonce.to_be_bytes()).map_err(|e| e.to_string())?;
        if info.nonce.as_ref() != Some(&nonce) {
            return Err("dấu thời gian không mang đúng số ngẫu nhiên (nonce) của yêu cầu".into());
        }
        Ok(token)
    }
}

/// A time-stamping authority: its key and certificate chain, and its policy.
pub struct Authority<'a> {
    /// The TSA's key, its certificate first.
    pub signer: &'a dyn CmsSigner,
    pub policy: ObjectIdentifier,
}

/// The DER TimeStampResp to a request: a token when it is acceptable, else a rejection with its reason. Never
/// fails: a fault while signing is answered as systemFailure. `serial` must be unique per token (RFC 3161
/// §2.4.2); `now` is the TSA's clock.
pub fn respond(authority: &Authority, request: &[u8], now: Timestamp, serial: &[u8]) -> Vec<u8> {
    let outcome = match TimeStampReq::from_der(request) {
        Err(_) => Err((
            FailInfo::BadDataFormat,
            "Yêu cầu không phải TimeStampReq DER (RFC 3161).",
        )),
        Ok(req) => grant(authority, &req, now, serial),
    };
    let resp = match outcome {
        Ok(token) => TimeStampResp {
            status: PkiStatusInfo {
                status: 0,
                status_string: None,
                fail_info: None,
            },
            time_stamp_token: Some(token),
        },
        Err((fail, why)) => rejection(fail, why),
    };
    resp.to_der()
        .or_else(|_| rejection(FailInfo::SystemFailure, "Lỗi mã hóa trả lời.").to_der())
        .unwrap_or_default()
}

/// The DER rejection for a fault of the TSA itself (status 2, failInfo systemFailure).
pub fn system_failure() -> Vec<u8> {
    rejection(
        FailInfo::SystemFailure,
        "Máy chủ cấp dấu thời gian gặp lỗi.",
    )
    .to_der()
    .unwrap_or_default()
}

fn rejection(fail: FailInfo, why: &str) -> TimeStampResp {
    TimeStampResp {
        status: PkiStatusInfo {
            status: 2,
            status_string: Some(vec![why.to_string()]),
            fail_info: Some(fail.bits()),
        },
        time_stamp_token: None,
    }
}

type Refused = (FailInfo, &'static str);

fn grant(
    authority: &Authority,
    req: &TimeStampReq,
    now: Timestamp,
    serial: &[u8],
) -> Result<Any, Refused> {
    if req.version != 1 {
        return Err((FailInfo::BadRequest, "Chỉ hỗ trợ TimeStampReq phiên bản 1."));
    }
    let imprint = &req.message_imprint;
    // SHA-256, SHA-384, SHA-512: the hashes of TT 15/2025 that verifiers here read.
    let expected_len = match imprint.hash_algorithm.oid {
        o if o == OID_SHA256 => 32,
        o if o == OID_SHA384 => 48,
        o if o == OID_SHA512 => 64,
        _ => {
            return Err((
                FailInfo::BadAlg,
                "Thuật toán băm không được hỗ trợ (dùng SHA-256, SHA-384 hoặc SHA-512).",
            ));
        }
    };
    let params_ok = imprint
        .hash_algorithm
        .parameters
        .as_ref()
        .is_none_or(|p| p.tag() == Tag::Null);
    if imprint.hashed_message.as_bytes().len() != expected_len || !params_ok {
        return Err((
            FailInfo::BadDataFormat,
            "Độ dài mã băm không khớp thuật toán băm.",
        ));
    }
    if req.req_policy.is_some_and(|p| p != authority.policy) {
        return Err((
            FailInfo::UnacceptedPolicy,
            "Chính sách cấp dấu thời gian yêu cầu không được hỗ trợ.",
        ));
    }
    if req.extensions.as_ref().is_some_and(|e| !e.is_empty()) {
        return Err((
            FailInfo::UnacceptedExtension,
            "Phần mở rộng trong yêu cầu không được hỗ trợ.",
        ));
    }
    let failed = |_| (FailInfo::SystemFailure, "Không tạo được dấu thời gian.");
    let tsa_cert = authority.signer.certificates().first().ok_or((
        FailInfo::SystemFailure,
        "Máy chủ cấp dấu thời gian chưa có chứng thư số.",
    ))?;
    let info = TstInfo {
        version: 1,
        policy: authority.policy,
        message_imprint: imprint.clone(),
        serial_number: Uint::new(serial).map_err(failed)?,
        gen_time: generalized_time(now).map_err(|_| {
            (
                FailInfo::TimeNotAvailable,
                "Đồng hồ của máy chủ không dùng được.",
            )
        })?,
        accuracy: Some(Accuracy {
            seconds: Some(1),
            millis: None,
            micros: None,
        }),
        ordering: false,
        nonce: req.nonce.clone(),
        tsa: Some(GeneralName::DirectoryName(
            tsa_cert.tbs_certificate().subject().clone(),
        )),
        extensions: None,
    };
    let info = info.to_der().map_err(failed)?;
    let token = build_signed(
        OID_TST_INFO,
        Some(&info),
        &Sha256::digest(&info),
        authority.signer,
        req.cert_req,
    )
    .map_err(|_| (FailInfo::SystemFailure, "Không ký được dấu thời gian."))?;
    Any::from_der(&token).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_times_are_utc_with_trimmed_milliseconds() {
        let t = Timestamp::parse_iso("2026-12-05T19:00:01.250+07:00").unwrap();
        assert_eq!(generalized_time(t).unwrap().value(), b"20261205120001.25Z");
        let whole = Timestamp::parse_iso("2026-12-05T12:00:01Z").unwrap();
        assert_eq!(generalized_time(whole).unwrap().value(), b"20261205120001Z");
    }

    #[test]
    fn fail_info_bits_are_named_bits_without_trailing_zeros() {
        let b = FailInfo::BadDataFormat.bits();
        assert_eq!((b.unused_bits(), b.raw_bytes()), (2, &[0x04][..]));
        let b = FailInfo::SystemFailure.bits();
        assert_eq!((b.unused_bits(), b.raw_bytes()), (6, &[0, 0, 0, 0x40][..]));
    }

    #[test]
    fn requests_round_trip_with_cert_req_and_nonce() {
        let r = Request::new(b"signature value", 0x0102_0304_0506_0708).unwrap();
        let parsed = TimeStampReq::from_der(&r.der).unwrap();
        assert!(parsed.cert_req);
        assert_eq!(parsed.message_imprint.hash_algorithm.oid, OID_SHA256);
        assert_eq!(parsed.message_imprint.hashed_message.as_bytes(), r.digest);
        assert_eq!(parsed.nonce.unwrap().as_bytes(), &[1, 2, 3, 4, 5, 6, 7, 8]);
    }
}
