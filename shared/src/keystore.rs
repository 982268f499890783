//! A signing key as the browser keeps it: the PKCS#8 private key sealed with AES-256-GCM under a key derived
//! from the user's PIN by Argon2id (memory-hard, so a stolen IndexedDB copy cannot be brute-forced cheaply),
//! next to the public parts (certificates, public key) in clear. The server never sees any of it.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use der::{Decode, Encode};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use serde::{Deserialize, Serialize};

use crate::pki::{PkiError, X509Certificate};

/// Argon2id cost: OWASP's 2023 recommendation for interactive use (64 MiB, 3 passes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    pub const INTERACTIVE: Self = Self {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
}

/// What IndexedDB stores for one key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedKey {
    pub version: u8,
    /// Who the key belongs to (the certificate's subject, or the name given when it was generated).
    pub label: String,
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub nonce: Vec<u8>,
    /// AES-256-GCM of the PKCS#8 DER private key; the public key DER is the associated data.
    pub ciphertext: Vec<u8>,
    /// SubjectPublicKeyInfo DER: matches an imported certificate to this key without the PIN.
    pub public_key: Vec<u8>,
    /// The certificate chain, signer first (empty until the CA's certificate is imported).
    pub certificates: Vec<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    #[error("Mã PIN không đúng.")]
    WrongPin,
    #[error("Mã PIN phải có ít nhất 6 ký tự.")]
    WeakPin,
    #[error("Chứng thư số không khớp với khóa này.")]
    CertificateMismatch,
    #[error("Khóa chưa có chứng thư số: hãy nạp chứng thư do CA cấp.")]
    NoCertificate,
    #[error("{0}")]
    Pki(#[from] PkiError),
    #[error("Dữ liệu khóa hỏng: {0}")]
    Corrupt(String),
}

fn derive(pin: &str, salt: &[u8], p: KdfParams) -> Result<[u8; 32], KeystoreError> {
    let params = argon2::Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    argon
        .hash_password_into(pin.as_bytes(), salt, &mut out)
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
    Ok(out)
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the platform has a random source");
    b
}

pub fn seal(
    key: &rsa::PrivateKey,
    certificates: &[X509Certificate],
    label: &str,
    pin: &str,
    kdf: KdfParams,
) -> Result<SealedKey, KeystoreError> {
    if pin.chars().count() < 6 {
        return Err(KeystoreError::WeakPin);
    }
    let pkcs8 = key
        .to_pkcs8_der()
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
    let public_key = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))?
        .as_bytes()
        .to_vec();
    let salt = random::<16>();
    let nonce = random::<12>();
    let k = derive(pin, &salt, kdf)?;
    let cipher = Aes256Gcm::new_from_slice(&k).expect("32-byte key");
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: pkcs8.as_bytes(),
                aad: &public_key,
            },
        )
        .map_err(|_| KeystoreError::Corrupt("mã hóa thất bại".into()))?;
    let certificates = certificates
        .iter()
        .map(|c| {
            c.to_der()
                .map_err(|e| KeystoreError::Corrupt(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SealedKey {
        version: 1,
        label: label.to_string(),
        kdf,
        salt: salt.to_vec(),
        nonce: nonce.to_vec(),
        ciphertext,
        public_key,
        certificates,
    })
}

impl SealedKey {
    /// The private key, when the PIN is right.
    pub fn open(&self, pin: &str) -> Result<rsa::PrivateKey, KeystoreError> {
        let k = derive(pin, &self.salt, self.kdf)?;
        let cipher = Aes256Gcm::new_from_slice(&k).expect("32-byte key");
        if self.nonce.len() != 12 {
            return Err(KeystoreError::Corrupt("nonce".into()));
        }
        let pkcs8 = cipher
            .decrypt(
                Nonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.ciphertext,
                    aad: &self.public_key,
                },
            )
            .map_err(|_| KeystoreError::WrongPin)?;
        rsa::PrivateKey::from_pkcs8_der(&pkcs8).map_err(|e| KeystoreError::Corrupt(e.to_string()))
    }

    pub fn certificates(&self) -> Result<Vec<X509Certificate>, KeystoreError> {
        self.certificates
            .iter()
            .map(|d| {
                X509Certificate::from_der(d).map_err(|e| KeystoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// Attaches the certificate the CA issued for this key (and its chain), after checking it is this key's.
    pub fn attach_certificates(
        &mut self,
        chain: Vec<X509Certificate>,
    ) -> Result<(), KeystoreError> {
        let first = chain.first().ok_or(KeystoreError::NoCertificate)?;
        let spki = first
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
        if spki != self.public_key {
            return Err(KeystoreError::CertificateMismatch);
        }
        self.label = crate::pki::subject_names(first).0;
        self.certificates = chain
            .iter()
            .map(|c| {
                c.to_der()
                    .map_err(|e| KeystoreError::Corrupt(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok(())
    }
}

/// A PKCS#10 certificate request for `key`, PEM, to send to the agency CA.
pub fn certificate_request(
    key: &rsa::PrivateKey,
    common_name: &str,
    organization: Option<&str>,
) -> Result<String, KeystoreError> {
    use der::EncodePem;
    use x509_cert::builder::{Builder, RequestBuilder};
    let subject = crate::pki::name(common_name, organization)?;
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone());
    let builder =
        RequestBuilder::new(subject).map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
    let csr = builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))?;
    csr.to_pem(der::pem::LineEnding::LF)
        .map_err(|e| KeystoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn sealed_key_opens_only_with_its_pin_and_takes_only_its_certificate() {
        let key = crate::pki::generate_key().unwrap();
        let mut sealed = seal(&key, &[], "Nguyễn Văn A", "123456", FAST).unwrap();
        assert!(matches!(
            sealed.open("654321"),
            Err(KeystoreError::WrongPin)
        ));
        assert_eq!(sealed.open("123456").unwrap(), key);
        assert!(matches!(
            seal(&key, &[], "x", "123", FAST),
            Err(KeystoreError::WeakPin)
        ));
        // Tampering with the stored public key (to swap certificates) breaks decryption.
        let mut swapped = sealed.clone();
        swapped.public_key[40] ^= 1;
        assert!(swapped.open("123456").is_err());

        let other = crate::pki::generate_key().unwrap();
        let name = crate::pki::name("Nguyễn Văn A", None).unwrap();
        let year = std::time::Duration::from_secs(365 * 86400);
        let ca_key = crate::pki::generate_key().unwrap();
        let ca = crate::pki::issue_certificate(
            crate::pki::CertRole::RootCa,
            crate::pki::name("CA", None).unwrap(),
            &ca_key,
            None,
            1,
            year,
        )
        .unwrap();
        let wrong = crate::pki::issue_certificate(
            crate::pki::CertRole::Person,
            name.clone(),
            &other,
            Some((&ca, &ca_key)),
            2,
            year,
        )
        .unwrap();
        assert!(matches!(
            sealed.attach_certificates(vec![wrong]),
            Err(KeystoreError::CertificateMismatch)
        ));
        let right = crate::pki::issue_certificate(
            crate::pki::CertRole::Person,
            name,
            &key,
            Some((&ca, &ca_key)),
            3,
            year,
        )
        .unwrap();
        sealed.attach_certificates(vec![right, ca]).unwrap();
        assert_eq!(sealed.certificates().unwrap().len(), 2);
        assert_eq!(sealed.label, "Nguyễn Văn A");
    }

    #[test]
    fn certificate_requests_are_pem() {
        let key = crate::pki::generate_key().unwrap();
        let pem = certificate_request(&key, "Lê Thị B", Some("Sở Y tế")).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    }
}
