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
            |e: rsa::signature::Error| PdfError::Signing(format!("khoá RSA không ký được ({e})"));
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
    PdfError::Signing(format!("lỗi mã hoá DER ({e})"))
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
            Any::encode_from(&OID_DATA).map_err(der_err)?,
        )?)
        .map_err(der_err)?;
    attrs
        .insert(attribute(
            OID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(document_digest.to_vec()).map_err(der_err)?)
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
    let certs = signer.certificates();
    let signer_cert = certs
        .first()
        .ok_or_else(|| PdfError::Signing("thiếu chứng thư số của người ký".into()))?;
    let attrs = signed_attributes(document_digest, signer_cert)?;
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
    for c in certs {
        cert_set
            .insert(CertificateChoices::Certificate(c.clone()))
            .map_err(der_err)?;
    }
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info).map_err(der_err)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: OID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(cert_set)),
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
    let len = der_length(contents).ok_or("chữ ký không phải dữ liệu DER")?;
    let content_info =
        ContentInfo::from_der(&contents[..len]).map_err(|e| format!("cấu trúc CMS sai ({e})"))?;
    if content_info.content_type != OID_SIGNED_DATA {
        return Err("chữ ký không phải CMS SignedData".into());
    }
    content_info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| format!("SignedData sai ({e})"))
}

/// The length of the DER element at the start of `data` (header included).
fn der_length(data: &[u8]) -> Option<usize> {
    if data.len() < 2 {
        return None;
    }
    let first = data[1];
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7F) as usize;
        if n == 0 || n > 4 || data.len() < 2 + n {
            return None;
        }
        (
            data[2..2 + n]
                .iter()
                .fold(0usize, |a, b| (a << 8) | *b as usize),
            2 + n,
        )
    };
    let total = header.checked_add(len)?;
    (total <= data.len()).then_some(total)
}
