//! CMS SignedData for PAdES (ETSI EN 319 142-1, subfilter `ETSI.CAdES.detached`): built for signing and taken
//! apart for verification. The signed attributes are exactly the three PAdES baseline B-B requires:
//! content-type, message-digest and signing-certificate-v2 (signing time lives in the signature dictionary's /M).

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier,
    SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::error::{PdfError, PdfResult};

pub const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub const OID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
pub const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub const OID_SHA256_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub const OID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// id-aa-signatureTimeStampToken (RFC 3161 Appendix A): the unsigned attribute holding a timestamp token over
/// the signature value (PAdES B-T).
pub const OID_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// RSA signature padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// RSASSA-PKCS1-v1_5 (what most Vietnamese CA tokens produce, and what poppler verifies).
    Pkcs1v15,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    Pss,
}

/// Whoever holds the private key: a key in memory here, a key in the browser's worker, a token later.
pub trait CmsSigner {
    /// The signer's certificate, first, then the rest of its chain (without the root is fine).
    fn certificates(&self) -> &[Certificate];
    fn padding(&self) -> Padding;
    /// Signs `message` (the DER of the signed attributes) with SHA-256 and this signer's padding.
    fn sign(&self, message: &[u8]) -> PdfResult<Vec<u8>>;
}

/// An RSA private key held in memory with its certificate chain.
pub struct RsaSigner {
    pub key: rsa::PrivateKey,
    pub certificates: Vec<Certificate>,
    pub padding: Padding,
}

impl CmsSigner for RsaSigner {
    fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    fn padding(&self) -> Padding {
        self.padding
    }

    fn sign(&self, message: &[u8]) -> PdfResult<Vec<u8>> {
        use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
        let failed =
            |e: rsa::signature::Error| PdfError::Signing(format!("khóa RSA không ký được ({e})"));
        Ok(match self.padding {
            Padding::Pkcs1v15 => rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone())
                .try_sign(message)
                .map_err(failed)?
                .to_vec(),
            Padding::Pss => {
                let mut rng = rsa::rand_core::UnwrapErr(getrandom::SysRng);
                rsa::pss::SigningKey::<Sha256>::new(self.key.clone())
                    .try_sign_with_rng(&mut rng, message)
                    .map_err(failed)?
                    .to_vec()
            }
        })
    }
}

impl RsaSigner {
    /// RSASSA-PKCS1-v1_5 over a SHA-256 digest computed elsewhere: what a remote signing service (CSC
    /// `signatures/signHash`) does with the hash it is sent.
    pub fn sign_sha256_digest(&self, digest: &[u8]) -> PdfResult<Vec<u8>> {
        use rsa::signature::SignatureEncoding;
        use rsa::signature::hazmat::PrehashSigner;
        if digest.len() != 32 {
            return Err(PdfError::Signing("mã băm SHA-256 phải dài 32 byte".into()));
        }
        let signature: rsa::pkcs1v15::Signature =
            rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone())
                .sign_prehash(digest)
                .map_err(|e| PdfError::Signing(format!("khóa RSA không ký được ({e})")))?;
        Ok(signature.to_vec())
    }
}

/// Whether `signature` is RSASSA-PKCS1-v1_5 by `cert`'s key over the SHA-256 `digest`: the check of what a
/// remote signing service returns for a hash it was sent.
pub fn sha256_digest_signature_holds(
    cert: &Certificate,
    digest: &[u8; 32],
    signature: &[u8],
) -> bool {
    let Ok(alg) = signature_algorithm(Padding::Pkcs1v15) else {
        return false;
    };
    super::algorithms::verify(
        &alg,
        OID_SHA256,
        cert.tbs_certificate().subject_public_key_info(),
        super::algorithms::Signed::Digest(OID_SHA256, digest),
        signature,
    )
    .1
}

pub fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    }
}

/// The signature algorithm identifier for SHA-256 with the given padding.
pub fn signature_algorithm(padding: Padding) -> PdfResult<AlgorithmIdentifierOwned> {
    Ok(match padding {
        Padding::Pkcs1v15 => AlgorithmIdentifierOwned {
            oid: OID_SHA256_WITH_RSA,
            parameters: Some(Any::null()),
        },
        Padding::Pss => {
            let params = rsa::pkcs1::RsaPssParams::new::<Sha256>(32);
            AlgorithmIdentifierOwned {
                oid: OID_RSASSA_PSS,
                parameters: Some(Any::encode_from(&params).map_err(der_err)?),
            }
        }
    })
}

pub(crate) fn der_err(e: der::Error) -> PdfError {
    PdfError::Signing(format!("lỗi mã hóa DER ({e})"))
}

/// ESSCertIDv2 (RFC 5035): identifies the signer's certificate inside the signed attributes.
#[derive(Clone, Debug, Sequence)]
pub struct EssCertIdV2 {
    /// Absent means SHA-256 (the DEFAULT, which DER requires to be omitted).
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

#[derive(Clone, Debug, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

fn attribute(oid: ObjectIdentifier, value: Any) -> PdfResult<Attribute> {
    let mut values = SetOfVec::new();
    values
        .insert(AttributeValue::from(value))
        .map_err(der_err)?;
    Ok(Attribute { oid, values })
}

/// The signed attributes for a document digest and signer certificate.
pub fn signed_attributes(
    document_digest: &[u8],
    signer_cert: &Certificate,
) -> PdfResult<SignedAttributes> {
    signed_attributes_for(OID_DATA, document_digest, signer_cert)
}

/// The signed attributes of a SignedData whose content has type `content_type` and digest `digest`:
/// content-type, message-digest and signing-certificate-v2.
pub fn signed_attributes_for(
    content_type: ObjectIdentifier,
    digest: &[u8],
    signer_cert: &Certificate,
) -> PdfResult<SignedAttributes> {
    let cert_der = signer_cert.to_der().map_err(der_err)?;
    let tbs = signer_cert.tbs_certificate();
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(&cert_der).to_vec()).map_err(der_err)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                serial_number: tbs.serial_number().clone(),
            }),
        }],
        policies: None,
    };
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            OID_CONTENT_TYPE,
            Any::encode_from(&content_type).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    attrs
        .insert(attribute(
            OID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(der_err)?)
                .map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    attrs
        .insert(attribute(
            OID_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&ess).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    Ok(attrs)
}

/// A DER ContentInfo(SignedData) over a detached document digest.
pub fn build_signed_data(document_digest: &[u8], signer: &dyn CmsSigner) -> PdfResult<Vec<u8>> {
    build_signed(OID_DATA, None, document_digest, signer, true)
}

/// A DER ContentInfo(SignedData): detached over `digest` when `econtent` is `None` (a PDF signature), or
/// encapsulating `econtent` of type `content_type` whose digest is `digest` (a timestamp token's TSTInfo).
/// `include_certificates`: the signer's chain goes into the SignedData.
pub fn build_signed(
    content_type: ObjectIdentifier,
    econtent: Option<&[u8]>,
    digest: &[u8],
    signer: &dyn CmsSigner,
    include_certificates: bool,
) -> PdfResult<Vec<u8>> {
    let certs = signer.certificates();
    let signer_cert = certs
        .first()
        .ok_or_else(|| PdfError::Signing("thiếu chứng thư số của người ký".into()))?;
    let attrs = signed_attributes_for(content_type, digest, signer_cert)?;
    let to_sign = attrs.to_der().map_err(der_err)?;
    let signature = signer.sign(&to_sign)?;
    let tbs = signer_cert.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(attrs),
        signature_algorithm: signature_algorithm(signer.padding())?,
        signature: OctetString::new(signature).map_err(der_err)?,
        unsigned_attrs: None,
    };
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms
        .insert(sha256_algorithm())
        .map_err(der_err)?;
    let mut cert_set = SetOfVec::new();
    if include_certificates {
        for c in certs {
            cert_set
                .insert(CertificateChoices::Certificate(c.clone()))
                .map_err(der_err)?;
        }
    }
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info).map_err(der_err)?;
    let econtent = econtent
        .map(|bytes| OctetString::new(bytes.to_vec()).and_then(|o| Any::encode_from(&o)))
        .transpose()
        .map_err(der_err)?;
    let signed_data = SignedData {
        // RFC 5652 §5.1: version 3 when the content is not id-data.
        version: if content_type == OID_DATA {
            CmsVersion::V1
        } else {
            CmsVersion::V3
        },
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: content_type,
            econtent,
        },
        certificates: include_certificates.then_some(CertificateSet(cert_set)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    let content_info = ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(der_err)?,
    };
    content_info.to_der().map_err(der_err)
}

/// A SignedData taken from a signature's /Contents (trailing zero padding is allowed and ignored).
pub fn parse_signed_data(contents: &[u8]) -> Result<SignedData, String> {
    parse_cms(contents).map(|c| c.signed_data)
}

/// A CMS SignedData taken apart as a verifier needs it: decoded (from BER as well as DER), and with the bytes
/// that signatures cover as they stand in the file.
pub struct ParsedCms {
    /// The SignedData as decoded (from its DER normalisation).
    pub signed_data: SignedData,
    /// The first signer info, in the file's order.
    pub signer_info: SignerInfo,
    /// Its signed attributes as they stand in the file, re-tagged as SET (what the signature covers,
    /// RFC 5652 §5.4), or `None` when it has none.
    pub signed_attrs: Option<Vec<u8>>,
    /// The certificates carried, each with its bytes as they stand in the file.
    pub certificates: Vec<(Certificate, Vec<u8>)>,
    /// The first signer's unsigned attributes: each attribute's type and the bytes of its values as they stand
    /// in the file (a signature timestamp token is verified over its own bytes, never a re-encoding).
    pub unsigned_attrs: Vec<(ObjectIdentifier, Vec<Vec<u8>>)>,
}

impl ParsedCms {
    /// The signer's certificate among those carried (by issuer and serial, or subject key identifier), with
    /// its bytes as they stand in the file.
    pub fn signer_certificate(&self) -> Option<(&Certificate, &[u8])> {
        let found = self
            .certificates
            .iter()
            .find(|(c, _)| match &self.signer_info.sid {
                SignerIdentifier::IssuerAndSerialNumber(ias) => {
                    c.tbs_certificate().issuer() == &ias.issuer
                        && c.tbs_certificate().serial_number() == &ias.serial_number
                }
                SignerIdentifier::SubjectKeyIdentifier(ski) => c
                    .tbs_certificate()
                    .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                    .ok()
                    .flatten()
                    .is_some_and(|(_, k)| k.0 == ski.0),
            })?;
        Some((&found.0, found.1.as_slice()))
    }
}

/// Takes apart the CMS ContentInfo at the start of `contents` (trailing zero padding is ignored).
pub fn parse_cms(contents: &[u8]) -> Result<ParsedCms, String> {
    let top =
        super::ber::read(contents).map_err(|e| format!("chữ ký không phải dữ liệu ASN.1 ({e})"))?;
    let der = top.to_der()?;
    let content_info =
        ContentInfo::from_der(&der).map_err(|e| format!("cấu trúc CMS sai ({e})"))?;
    if content_info.content_type != OID_SIGNED_DATA {
        return Err("chữ ký không phải CMS SignedData".into());
    }
    let signed_data = content_info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| format!("SignedData sai ({e})"))?;
    // The same structure walked in the file's own bytes: [0] EXPLICIT → SignedData → its parts.
    let parts = top.child(1)?.child(0)?.children()?;
    let signer_infos = parts
        .last()
        .filter(|p| p.tag == [0x31])
        .ok_or("SignedData thiếu signerInfos")?;
    let first = signer_infos
        .children()?
        .into_iter()
        .next()
        .ok_or("CMS không có thông tin người ký")?;
    let signer_info =
        SignerInfo::from_der(&first.to_der()?).map_err(|e| format!("SignerInfo sai ({e})"))?;
    let signer_parts = first.children()?;
    let mut unsigned_attrs = Vec::new();
    if let Some(set) = signer_parts.iter().skip(4).find(|p| p.tag == [0xA1]) {
        for attr in set.children()? {
            let (Ok(oid), Ok(values)) = (attr.child(0), attr.child(1)) else {
                continue;
            };
            let Ok(oid) = ObjectIdentifier::from_bytes(oid.content) else {
                continue;
            };
            let values = values.children()?.iter().map(|v| v.raw.to_vec()).collect();
            unsigned_attrs.push((oid, values));
        }
    }
    let signed_attrs = signer_parts.get(3).filter(|a| a.tag == [0xA0]).map(|a| {
        let mut bytes = a.raw.to_vec();
        bytes[0] = 0x31;
        bytes
    });
    let mut certificates = Vec::new();
    if let Some(set) = parts.iter().skip(3).find(|p| p.tag == [0xA0]) {
        for c in set.children()? {
            if c.tag != [0x30] {
                continue;
            }
            if let Ok(cert) = Certificate::from_der(&c.to_der()?) {
                certificates.push((cert, c.raw.to_vec()));
            }
        }
    }
    Ok(ParsedCms {
        signed_data,
        signer_info,
        signed_attrs,
        certificates,
        unsigned_attrs,
    })
}

/// id-ct-TSTInfo: the content of an RFC 3161 timestamp token.
pub const OID_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// What a verifier reads from a timestamp token's TSTInfo (RFC 3161 §2.4.2).
pub struct TstInfo {
    /// The hash algorithm and value of the timestamped data (for a PDF document timestamp: its byte range).
    pub imprint_algorithm: AlgorithmIdentifierOwned,
    /// The digest itself.
    pub imprint: Vec<u8>,
    /// When the TSA says it saw the imprint.
    pub gen_time: crate::time::Timestamp,
}

#[derive(Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// Reads a TSTInfo (BER or DER): version, policy, messageImprint, serialNumber, genTime, then optional fields.
pub fn parse_tst_info(econtent: &[u8]) -> Result<TstInfo, String> {
    let tst = super::ber::read(econtent)?;
    let parts = tst.children()?;
    let field = |i: usize| {
        parts
            .get(i)
            .ok_or_else(|| "TSTInfo thiếu trường".to_string())
            .and_then(|p| p.to_der())
    };
    let imprint =
        MessageImprint::from_der(&field(2)?).map_err(|e| format!("messageImprint sai ({e})"))?;
    let gen_time = parts
        .get(4)
        .filter(|p| p.tag == [0x18])
        .and_then(|p| generalized_time(p.content))
        .ok_or("genTime sai")?;
    Ok(TstInfo {
        imprint_algorithm: imprint.hash_algorithm,
        imprint: imprint.hashed_message.as_bytes().to_vec(),
        gen_time,
    })
}

/// `YYYYMMDDHHMMSS[.fff…]Z`, the GeneralizedTime form RFC 3161 allows (fractions included, which DER decoders
/// of X.509 times refuse).
fn generalized_time(text: &[u8]) -> Option<crate::time::Timestamp> {
    let text = std::str::from_utf8(text).ok()?.strip_suffix('Z')?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &whole[..4],
        &whole[4..6],
        &whole[6..8],
        &whole[8..10],
        &whole[10..12],
        &whole[12..14]
    );
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    crate::time::Timestamp::parse_iso(&iso)
        .ok()
        .map(|t| crate::time::Timestamp(t.0 + millis))
}
