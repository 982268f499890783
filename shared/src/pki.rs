//! A small agency PKI for demos and tests: a root CA, signing certificates for people and seal certificates for
//! agencies (as PKCS#12), revocation and CRLs. Production keys come from a licensed Vietnamese CA; this exists so
//! that every workflow can be exercised end to end without one. Pure functions: the CLI keeps the CA's files.

use std::str::FromStr;
use std::time::Duration;

use der::{Decode, DecodePem, Encode, EncodePem};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use sha2::Sha256;
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder, CrlBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::crl::RevokedCert;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, crl::CertificateList};

pub use rsa::PrivateKey;
pub use x509_cert::Certificate as X509Certificate;
pub use x509_cert::crl::CertificateList as X509Crl;

/// Why a PKI operation failed (Vietnamese: it reaches administrators on the command line).
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("Không tạo được khóa RSA: {0}")]
    Key(String),
    #[error("Không tạo được chứng thư số: {0}")]
    Certificate(String),
    #[error("Tệp PKCS#12 không mở được: sai mã PIN hoặc tệp hỏng ({0})")]
    Pkcs12(String),
    #[error("Tệp PKCS#12 không có khóa riêng kèm chứng thư số")]
    NoKeyInPkcs12,
    #[error("Dữ liệu PEM/DER không hợp lệ: {0}")]
    Encoding(String),
}

fn cert_err(e: impl std::fmt::Display) -> PkiError {
    PkiError::Certificate(e.to_string())
}

/// PBKDF2 / MAC iterations of the PKCS#12 files this PKI writes (see [`to_pkcs12`]).
pub const PKCS12_ITERATIONS: u32 = 2048;

/// RSA modulus size for every key this PKI makes.
pub const KEY_BITS: usize = 2048;

pub fn generate_key() -> Result<rsa::PrivateKey, PkiError> {
    let mut rng = rsa::rand_core::UnwrapErr(getrandom::SysRng);
    rsa::PrivateKey::new(&mut rng, KEY_BITS).map_err(|e| PkiError::Key(e.to_string()))
}

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertRole {
    RootCa,
    /// A person's signing certificate.
    Person,
    /// An agency's seal certificate (chữ ký số của cơ quan, tổ chức).
    Seal,
    /// A time-stamping authority (RFC 3161 §2.3): extended key usage timeStamping only, which the RFC requires
    /// to be marked critical (`eku_critical: false` makes the faulty certificate verifiers must refuse; tests).
    Tsa {
        eku_critical: bool,
    },
}

/// id-kp-timeStamping (RFC 5280 §4.2.1.12): the one extended key usage of a TSA's certificate.
pub const OID_KP_TIME_STAMPING: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

struct Profile {
    issuer: Name,
    subject: Name,
    issuer_spki: Option<SubjectPublicKeyInfoOwned>,
    role: CertRole,
    /// Where the issuer publishes its CRL (the CRL distribution point written into the certificate).
    crl_url: Option<String>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, subject: &Name) -> Name {
        if self.role == CertRole::RootCa {
            subject.clone()
        } else {
            self.issuer.clone()
        }
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut ext: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        let issuer_key = match &self.issuer_spki {
            Some(i) => SubjectKeyIdentifier::try_from(i.owned_to_ref())?,
            None => SubjectKeyIdentifier::try_from(issuer_spk)?,
        };
        let subject = tbs.subject();
        ext.push(
            AuthorityKeyIdentifier {
                key_identifier: Some(issuer_key.0.clone()),
                ..Default::default()
            }
            .to_extension(subject, &ext)?,
        );
        let ca = self.role == CertRole::RootCa;
        ext.push(
            BasicConstraints {
                ca,
                path_len_constraint: ca.then_some(0),
            }
            .to_extension(subject, &ext)?,
        );
        let usage = if ca {
            KeyUsages::KeyCertSign | KeyUsages::CRLSign
        } else {
            KeyUsages::DigitalSignature | KeyUsages::NonRepudiation
        };
        ext.push(KeyUsage(usage).to_extension(subject, &ext)?);
        if let CertRole::Tsa { eku_critical } = self.role {
            let mut eku =
                ExtendedKeyUsage(vec![OID_KP_TIME_STAMPING]).to_extension(subject, &ext)?;
            eku.critical = eku_critical;
            ext.push(eku);
        }
        if let Some(url) = self.crl_url.as_deref().filter(|_| !ca) {
            use x509_cert::ext::pkix::crl::dp::DistributionPoint;
            use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
            let uri = der::asn1::Ia5String::new(url)?;
            ext.push(
                x509_cert::ext::pkix::CrlDistributionPoints(vec![DistributionPoint {
                    distribution_point: Some(DistributionPointName::FullName(vec![
                        GeneralName::UniformResourceIdentifier(uri),
                    ])),
                    reasons: None,
                    crl_issuer: None,
                }])
                .to_extension(subject, &ext)?,
            );
        }
        ext.push(ski.to_extension(subject, &ext)?);
        Ok(ext)
    }
}

trait OwnedToRef {
    fn owned_to_ref(&self) -> SubjectPublicKeyInfoRef<'_>;
}

impl OwnedToRef for SubjectPublicKeyInfoOwned {
    fn owned_to_ref(&self) -> SubjectPublicKeyInfoRef<'_> {
        der::referenced::OwnedToRef::owned_to_ref(self)
    }
}

/// An RFC 4514 attribute value with its special characters escaped.
fn escape(value: &str) -> String {
    let mut out = String::new();
    for (i, ch) in value.chars().enumerate() {
        if matches!(ch, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(ch, '#' | ' '))
        {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

pub fn name(common_name: &str, organization: Option<&str>) -> Result<Name, PkiError> {
    let mut s = format!("CN={}", escape(common_name));
    if let Some(o) = organization.filter(|o| !o.is_empty()) {
        s.push_str(&format!(",O={}", escape(o)));
    }
    s.push_str(",C=VN");
    Name::from_str(&s).map_err(cert_err)
}

fn spki_of(key: &rsa::PrivateKey) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let der = key.to_public_key().to_public_key_der().map_err(cert_err)?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(cert_err)
}

/// Issues a certificate for `subject_key`. `issuer` is None for the self-signed root.
pub fn issue_certificate(
    role: CertRole,
    subject: Name,
    subject_key: &rsa::PrivateKey,
    issuer: Option<(&Certificate, &rsa::PrivateKey)>,
    serial: u64,
    valid_for: Duration,
) -> Result<Certificate, PkiError> {
    issue_certificate_with_crl(role, subject, subject_key, issuer, serial, valid_for, None)
}

/// [`issue_certificate`] with the issuer's CRL distribution point (`crl_url`) written into the certificate.
pub fn issue_certificate_with_crl(
    role: CertRole,
    subject: Name,
    subject_key: &rsa::PrivateKey,
    issuer: Option<(&Certificate, &rsa::PrivateKey)>,
    serial: u64,
    valid_for: Duration,
    crl_url: Option<&str>,
) -> Result<Certificate, PkiError> {
    issue_for_public_key(
        role,
        subject,
        spki_of(subject_key)?,
        issuer,
        subject_key,
        serial,
        valid_for,
        crl_url,
    )
}

/// The public key (DER SubjectPublicKeyInfo) and subject (RFC 4514) of a PKCS#10 request (PEM), after checking
/// that the request is signed by that key (proof of possession).
pub fn csr_public_key(csr_pem: &str) -> Result<(Vec<u8>, String), PkiError> {
    let csr = parse_checked_csr(csr_pem)?;
    Ok((
        csr.info.public_key.to_der().map_err(cert_err)?,
        csr.info.subject.to_string(),
    ))
}

fn parse_checked_csr(csr_pem: &str) -> Result<x509_cert::request::CertReq, PkiError> {
    use rsa::pkcs8::DecodePublicKey;
    use sha2::Digest;
    let csr = x509_cert::request::CertReq::from_pem(csr_pem.trim())
        .map_err(|e| PkiError::Encoding(e.to_string()))?;
    // Proof of possession: the request must be signed by the key it carries.
    let spki_der = csr.info.public_key.to_der().map_err(cert_err)?;
    let public =
        rsa::PublicKey::from_public_key_der(&spki_der).map_err(|e| PkiError::Key(e.to_string()))?;
    let info = csr.info.to_der().map_err(cert_err)?;
    let sig = csr
        .signature
        .as_bytes()
        .ok_or_else(|| PkiError::Encoding("chữ ký của yêu cầu".into()))?;
    public
        .verify(
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(&info),
            sig,
        )
        .map_err(|_| {
            PkiError::Certificate(
                "yêu cầu cấp chứng thư không được ký bằng khóa của chính nó".into(),
            )
        })?;
    Ok(csr)
}

/// A certificate for the public key of a PKCS#10 request: a key generated in the browser never leaves it.
pub fn issue_for_csr(
    role: CertRole,
    csr_pem: &str,
    issuer: (&Certificate, &rsa::PrivateKey),
    serial: u64,
    valid_for: Duration,
) -> Result<Certificate, PkiError> {
    issue_for_csr_with_crl(role, csr_pem, issuer, serial, valid_for, None)
}

/// [`issue_for_csr`] with the issuer's CRL distribution point written into the certificate.
pub fn issue_for_csr_with_crl(
    role: CertRole,
    csr_pem: &str,
    issuer: (&Certificate, &rsa::PrivateKey),
    serial: u64,
    valid_for: Duration,
    crl_url: Option<&str>,
) -> Result<Certificate, PkiError> {
    let csr = parse_checked_csr(csr_pem)?;
    issue_for_public_key(
        role,
        csr.info.subject.clone(),
        csr.info.public_key.clone(),
        Some(issuer),
        issuer.1,
        serial,
        valid_for,
        crl_url,
    )
}

#[allow(clippy::too_many_arguments)]
fn issue_for_public_key(
    role: CertRole,
    subject: Name,
    subject_spki: SubjectPublicKeyInfoOwned,
    issuer: Option<(&Certificate, &rsa::PrivateKey)>,
    self_key: &rsa::PrivateKey,
    serial: u64,
    valid_for: Duration,
    crl_url: Option<&str>,
) -> Result<Certificate, PkiError> {
    let (issuer_name, issuer_spki, signing_key) = match issuer {
        Some((cert, key)) => (
            cert.tbs_certificate().subject().clone(),
            Some(cert.tbs_certificate().subject_public_key_info().clone()),
            key.clone(),
        ),
        None => (subject.clone(), None, self_key.clone()),
    };
    let profile = Profile {
        issuer: issuer_name,
        subject,
        issuer_spki,
        role,
        crl_url: crl_url.map(str::to_string),
    };
    // Back-date by an hour so a certificate made just now is valid on a machine whose clock is a little behind.
    let mut validity =
        Validity::from_now(valid_for + Duration::from_secs(3600)).map_err(cert_err)?;
    let start = std::time::SystemTime::now() - Duration::from_secs(3600);
    validity.not_before = Time::try_from(start).map_err(cert_err)?;
    let builder =
        CertificateBuilder::new(profile, SerialNumber::from(serial), validity, subject_spki)
            .map_err(cert_err)?;
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(signing_key);
    builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .map_err(cert_err)
}

/// A PKCS#12 (PBES2 AES-256-CBC, HMAC-SHA-256 MAC) holding the key and its chain, protected by `pin`.
pub fn to_pkcs12(
    key: &rsa::PrivateKey,
    chain: &[Certificate],
    pin: &str,
) -> Result<Vec<u8>, PkiError> {
    use p12_keystore::{
        Certificate as P12Cert, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain,
    };
    let key_der = key
        .to_pkcs8_der()
        .map_err(|e| PkiError::Key(e.to_string()))?;
    let certs = chain
        .iter()
        .map(|c| {
            P12Cert::from_der(&c.to_der().map_err(cert_err)?)
                .map_err(|e| PkiError::Pkcs12(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key =
        PrivateKey::from_der(key_der.as_bytes()).map_err(|e| PkiError::Pkcs12(e.to_string()))?;
    let local_key_id = {
        use sha2::Digest;
        Sha256::digest(
            chain
                .first()
                .map(|c| c.to_der().unwrap_or_default())
                .unwrap_or_default(),
        )[..20]
            .to_vec()
    };
    let mut store = KeyStore::new();
    store.add_entry(
        "1",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(local_key_id, key, certs)),
    );
    // 2,048 PBKDF2 iterations: OpenSSL 3's default for PKCS#12 (Windows exports use 2,000). The file's PIN is
    // not what protects a real key (a token or the browser key store does), and opening it is paid per signature
    // on the command line.
    store
        .writer(pin)
        .encryption_iterations(PKCS12_ITERATIONS)
        .mac_iterations(PKCS12_ITERATIONS)
        .write()
        .map_err(|e| PkiError::Pkcs12(e.to_string()))
}

/// The key and certificate chain (signer first) in a PKCS#12 file.
pub fn from_pkcs12(
    data: &[u8],
    pin: &str,
) -> Result<(rsa::PrivateKey, Vec<Certificate>), PkiError> {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
    let store = KeyStore::from_pkcs12(data, pin, Pkcs12ImportPolicy::Relaxed)
        .map_err(|e| PkiError::Pkcs12(e.to_string()))?;
    let (_, chain) = store.private_key_chain().ok_or(PkiError::NoKeyInPkcs12)?;
    let key = rsa::PrivateKey::from_pkcs8_der(chain.key().as_der())
        .map_err(|e| PkiError::Key(e.to_string()))?;
    let mut certs = chain
        .certs()
        .iter()
        .map(|c| Certificate::from_der(c.as_der()).map_err(|e| PkiError::Encoding(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // Put the certificate that matches the key first, whatever order the file uses.
    let public = spki_of(&key)?;
    if let Some(i) = certs
        .iter()
        .position(|c| c.tbs_certificate().subject_public_key_info() == &public)
    {
        certs.swap(0, i);
    } else {
        return Err(PkiError::NoKeyInPkcs12);
    }
    Ok((key, certs))
}

/// A signed CRL listing `revoked` (serial, revocation time as Unix seconds).
pub fn build_crl(
    ca_cert: &Certificate,
    ca_key: &rsa::PrivateKey,
    revoked: &[(u64, u64)],
    crl_number: u64,
    valid_for: Duration,
) -> Result<CertificateList, PkiError> {
    let entries: Vec<CrlEntry> = revoked
        .iter()
        .map(|(serial, at)| CrlEntry {
            serial: *serial,
            revoked_at: *at,
            reason: None,
        })
        .collect();
    build_crl_with_reasons(ca_cert, ca_key, &entries, crl_number, valid_for)
}

/// One revoked certificate of a CRL: serial, revocation time (Unix seconds) and RFC 5280 reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrlEntry {
    pub serial: u64,
    pub revoked_at: u64,
    pub reason: Option<u8>,
}

/// A signed CRL whose entries carry their reason code (the CRLReason entry extension) when one is given.
pub fn build_crl_with_reasons(
    ca_cert: &Certificate,
    ca_key: &rsa::PrivateKey,
    revoked: &[CrlEntry],
    crl_number: u64,
    valid_for: Duration,
) -> Result<CertificateList, PkiError> {
    let now = std::time::SystemTime::now();
    let this_update = Time::try_from(now - Duration::from_secs(60)).map_err(cert_err)?;
    let next_update = Time::try_from(now + valid_for).map_err(cert_err)?;
    let entries = revoked
        .iter()
        .map(|e| {
            let crl_entry_extensions = match e.reason {
                None => None,
                Some(code) => Some(vec![Extension {
                    extn_id: const_oid::db::rfc5280::ID_CE_CRL_REASONS,
                    critical: false,
                    extn_value: der::asn1::OctetString::new(
                        crl_reason(code).to_der().map_err(cert_err)?,
                    )
                    .map_err(cert_err)?,
                }]),
            };
            Ok(RevokedCert {
                serial_number: SerialNumber::from(e.serial),
                revocation_date: Time::try_from(
                    std::time::UNIX_EPOCH + Duration::from_secs(e.revoked_at),
                )
                .map_err(cert_err)?,
                crl_entry_extensions,
            })
        })
        .collect::<Result<Vec<_>, PkiError>>()?;
    let number = x509_cert::ext::pkix::CrlNumber(
        der::asn1::Uint::new(&crl_number.to_be_bytes()).map_err(cert_err)?,
    );
    let builder = CrlBuilder::new_with_this_update(ca_cert, number, this_update)
        .map_err(cert_err)?
        .with_next_update(Some(next_update))
        .with_certificates(entries.into_iter());
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(ca_key.clone());
    builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .map_err(cert_err)
}

fn crl_reason(code: u8) -> x509_cert::ext::pkix::CrlReason {
    use x509_cert::ext::pkix::CrlReason as R;
    match code {
        1 => R::KeyCompromise,
        2 => R::CaCompromise,
        3 => R::AffiliationChanged,
        4 => R::Superseded,
        5 => R::CessationOfOperation,
        6 => R::CertificateHold,
        8 => R::RemoveFromCRL,
        9 => R::PrivilegeWithdrawn,
        10 => R::AaCompromise,
        _ => R::Unspecified,
    }
}

/// The URLs of a certificate's CRL distribution points (RFC 5280 §4.2.1.13), `http(s)` ones only.
pub fn crl_distribution_urls(cert: &Certificate) -> Vec<String> {
    use x509_cert::ext::pkix::CrlDistributionPoints;
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    let Ok(Some(points)) = cert
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for point in points.1.0 {
        if let Some(DistributionPointName::FullName(names)) = point.distribution_point {
            for name in names {
                if let GeneralName::UniformResourceIdentifier(uri) = name {
                    let uri = uri.as_str().to_string();
                    if uri.starts_with("http://") || uri.starts_with("https://") {
                        out.push(uri);
                    }
                }
            }
        }
    }
    out
}

/// The OCSP responders a certificate names (authority information access, id-ad-ocsp), `http(s)` ones only.
pub fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    const ID_AD_OCSP: const_oid::ObjectIdentifier =
        const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
    access_urls(cert, ID_AD_OCSP)
}

/// Where a certificate's issuer's certificate can be fetched (authority information access, id-ad-caIssuers,
/// RFC 5280 §4.2.2.1), `http(s)` ones only: how a server that trusts only a root learns an intermediate CA.
pub fn ca_issuer_urls(cert: &Certificate) -> Vec<String> {
    const ID_AD_CA_ISSUERS: const_oid::ObjectIdentifier =
        const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
    access_urls(cert, ID_AD_CA_ISSUERS)
}

fn access_urls(cert: &Certificate, method: const_oid::ObjectIdentifier) -> Vec<String> {
    use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;
    use x509_cert::ext::pkix::name::GeneralName;
    let Ok(Some(aia)) = cert
        .tbs_certificate()
        .get_extension::<AuthorityInfoAccessSyntax>()
    else {
        return Vec::new();
    };
    aia.1
        .0
        .into_iter()
        .filter(|d| d.access_method == method)
        .filter_map(|d| match d.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.as_str().to_string()),
            _ => None,
        })
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .collect()
}

pub fn cert_to_pem(cert: &Certificate) -> Result<String, PkiError> {
    cert.to_pem(LineEnding::LF)
        .map_err(|e| PkiError::Encoding(e.to_string()))
}

/// Every certificate in a PEM bundle (or one DER certificate).
pub fn certs_from_pem_or_der(data: &[u8]) -> Result<Vec<Certificate>, PkiError> {
    if data.starts_with(b"-----") || data.iter().take(64).all(|b| b.is_ascii()) {
        let text = std::str::from_utf8(data).map_err(|e| PkiError::Encoding(e.to_string()))?;
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let end_marker = "-----END CERTIFICATE-----";
            let end = rest[start..]
                .find(end_marker)
                .ok_or_else(|| PkiError::Encoding("PEM thiếu dòng END".into()))?;
            let block = &rest[start..start + end + end_marker.len()];
            out.push(Certificate::from_pem(block).map_err(|e| PkiError::Encoding(e.to_string()))?);
            rest = &rest[start + end + end_marker.len()..];
        }
        if out.is_empty() {
            return Err(PkiError::Encoding(
                "không có chứng thư số nào trong tệp PEM".into(),
            ));
        }
        return Ok(out);
    }
    Ok(vec![
        Certificate::from_der(data).map_err(|e| PkiError::Encoding(e.to_string()))?,
    ])
}

pub fn key_to_pem(key: &rsa::PrivateKey) -> Result<String, PkiError> {
    Ok(key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| PkiError::Key(e.to_string()))?
        .to_string())
}

pub fn key_from_pem(pem: &str) -> Result<rsa::PrivateKey, PkiError> {
    rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| PkiError::Key(e.to_string()))
}

pub fn crl_to_der(crl: &CertificateList) -> Result<Vec<u8>, PkiError> {
    crl.to_der().map_err(|e| PkiError::Encoding(e.to_string()))
}

/// A CRL as PEM (`X509 CRL`), as the server hands the CRLs it holds to the browser's verifier.
pub fn crl_to_pem(crl: &CertificateList) -> Result<String, PkiError> {
    use der::EncodePem;
    crl.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| PkiError::Encoding(e.to_string()))
}

/// The common name and organization of a certificate's subject, as text.
pub fn subject_names(cert: &Certificate) -> (String, Option<String>) {
    name_parts(cert.tbs_certificate().subject())
}

pub fn name_parts(name: &Name) -> (String, Option<String>) {
    let cn = name
        .common_name()
        .ok()
        .flatten()
        .map(|d| d.value().into_owned())
        .unwrap_or_default();
    let org = name
        .organization()
        .ok()
        .flatten()
        .map(|d| d.value().into_owned());
    (cn, org)
}

/// A CRL from DER or PEM (`X509 CRL`).
pub fn crl_from_pem_or_der(data: &[u8]) -> Result<CertificateList, PkiError> {
    if data.starts_with(b"-----") {
        let text = std::str::from_utf8(data).map_err(|e| PkiError::Encoding(e.to_string()))?;
        return CertificateList::from_pem(text).map_err(|e| PkiError::Encoding(e.to_string()));
    }
    CertificateList::from_der(data).map_err(|e| PkiError::Encoding(e.to_string()))
}

/// A certificate's serial number in decimal, as `vanban pki revoke --serial` takes it and CRL tools print it.
pub fn serial_decimal(cert: &Certificate) -> String {
    let mut digits = cert.tbs_certificate().serial_number().as_bytes().to_vec();
    let mut out = Vec::new();
    while digits.iter().any(|d| *d != 0) {
        let mut remainder = 0u32;
        for d in digits.iter_mut() {
            let value = (remainder << 8) | u32::from(*d);
            *d = (value / 10) as u8;
            remainder = value % 10;
        }
        out.push(b'0' + remainder as u8);
    }
    if out.is_empty() {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// Base64 (standard alphabet, padded), as the remote signing service (CSC API) writes certificates and
/// signature values.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// Certificates given as base64 DER (a CSC credential's chain), in order; `None` if one does not read.
pub fn certs_from_base64(encoded: &[String]) -> Option<Vec<X509Certificate>> {
    use der::Decode;
    encoded
        .iter()
        .map(|c| base64_decode(c).and_then(|der| X509Certificate::from_der(&der).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_print_in_decimal() {
        let key = generate_key().unwrap();
        let year = Duration::from_secs(365 * 86400);
        for serial in [1u64, 10, 255, 256, 1_000_000_007, u64::MAX] {
            let cert = issue_certificate(
                CertRole::RootCa,
                name("CA", None).unwrap(),
                &key,
                None,
                serial,
                year,
            )
            .unwrap();
            assert_eq!(serial_decimal(&cert), serial.to_string());
        }
    }
}
