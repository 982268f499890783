//! The digest and signature algorithms a verifier meets in signatures from other signers: SHA-256/384/512 and
//! SHAKE256 (Ed448's), RSA PKCS#1 v1.5 and RSASSA-PSS, ECDSA on P-256 and P-384, Ed25519 and Ed448. Pure Rust
//! throughout, so the browser verifies exactly as the server does.

use const_oid::ObjectIdentifier;
use der::Encode;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

const fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(s)
}

/// SHA-256 (also the hash of signature algorithms that do not name one, for certificates and CRLs).
pub const OID_SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub const OID_SHA384: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.2");
/// SHA-512 (Ed25519 signers' message digest).
pub const OID_SHA512: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.3");
/// SHAKE256 with a 512-bit output (RFC 8702).
pub const OID_SHAKE256: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.12");
/// SHAKE256 with the output length in bits as parameter (RFC 8419, what Ed448 signers use).
pub const OID_SHAKE256_LEN: ObjectIdentifier = oid("2.16.840.1.101.3.4.2.18");
const OID_RSA_ENCRYPTION: ObjectIdentifier = oid("1.2.840.113549.1.1.1");
const OID_SHA256_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.11");
const OID_SHA384_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.12");
const OID_SHA512_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.13");
const OID_RSASSA_PSS: ObjectIdentifier = oid("1.2.840.113549.1.1.10");
const OID_MGF1: ObjectIdentifier = oid("1.2.840.113549.1.1.8");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
const OID_ECDSA_SHA256: ObjectIdentifier = oid("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = oid("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = oid("1.2.840.10045.4.3.4");
const OID_P256: ObjectIdentifier = oid("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = oid("1.3.132.0.34");
const OID_ED25519: ObjectIdentifier = oid("1.3.101.112");
const OID_ED448: ObjectIdentifier = oid("1.3.101.113");

/// A running digest of one of the accepted algorithms.
pub enum Digester {
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-384.
    Sha384(Sha384),
    /// SHA-512.
    Sha512(Sha512),
    /// SHAKE256 and the output length in bytes.
    Shake256(Box<sha3::Shake256>, usize),
}

impl Digester {
    /// The digest named by an algorithm identifier; `None` for one we do not accept.
    pub fn new(alg: &AlgorithmIdentifierOwned) -> Option<Self> {
        Some(match alg.oid {
            o if o == OID_SHA256 => Self::Sha256(Sha256::new()),
            o if o == OID_SHA384 => Self::Sha384(Sha384::new()),
            o if o == OID_SHA512 => Self::Sha512(Sha512::new()),
            o if o == OID_SHAKE256 => Self::Shake256(Box::default(), 64),
            o if o == OID_SHAKE256_LEN => {
                let bits = alg
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<u32>().ok())?;
                if bits == 0 || bits % 8 != 0 || bits > 8192 {
                    return None;
                }
                Self::Shake256(Box::default(), bits as usize / 8)
            }
            _ => return None,
        })
    }

    /// A digest by its bare OID (no parameters).
    fn by_oid(oid: ObjectIdentifier) -> Option<Self> {
        Self::new(&AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        })
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        use sha3::digest::Update;
        match self {
            Self::Sha256(h) => Digest::update(h, data),
            Self::Sha384(h) => Digest::update(h, data),
            Self::Sha512(h) => Digest::update(h, data),
            Self::Shake256(h, _) => h.update(data),
        }
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Vec<u8> {
        use sha3::digest::ExtendableOutput;
        match self {
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
            Self::Shake256(h, len) => {
                let mut out = vec![0; len];
                h.finalize_xof_into(&mut out);
                out
            }
        }
    }

    /// The digest of `data` in one go.
    pub fn digest(alg: &AlgorithmIdentifierOwned, data: &[u8]) -> Option<Vec<u8>> {
        let mut d = Self::new(alg)?;
        d.update(data);
        Some(d.finish())
    }
}

/// What a signature value signs: the message itself (signed attributes, a certificate's TBS), or, for a CMS
/// without signed attributes, the digest of the document computed with the signer info's digest algorithm.
#[derive(Clone, Copy)]
pub enum Signed<'a> {
    /// The signed bytes themselves.
    Message(&'a [u8]),
    /// A digest of the signed bytes and the algorithm that made it.
    Digest(ObjectIdentifier, &'a [u8]),
}

/// Verifies `signature` by `key` over `signed`; returns a readable algorithm name and whether it holds.
/// `digest_oid` is the signer's digest algorithm, the hash of signature algorithms that do not name one
/// (`rsaEncryption`, `id-ecPublicKey`).
pub fn verify(
    alg: &AlgorithmIdentifierOwned,
    digest_oid: ObjectIdentifier,
    key: &SubjectPublicKeyInfoOwned,
    signed: Signed,
    signature: &[u8],
) -> (String, bool) {
    let key_bytes = key.subject_public_key.raw_bytes();
    match alg.oid {
        o if o == OID_ED25519 => {
            let Signed::Message(message) = signed else {
                return ("Ed25519 (không có thuộc tính được ký)".into(), false);
            };
            let ok = key.algorithm.oid == OID_ED25519
                && <[u8; 32]>::try_from(key_bytes)
                    .ok()
                    .and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
                    .zip(ed25519_dalek::Signature::from_slice(signature).ok())
                    .is_some_and(|(k, s)| k.verify_strict(message, &s).is_ok());
            ("Ed25519".into(), ok)
        }
        o if o == OID_ED448 => {
            let Signed::Message(message) = signed else {
                return ("Ed448 (không có thuộc tính được ký)".into(), false);
            };
            let ok = key.algorithm.oid == OID_ED448
                && <[u8; 57]>::try_from(key_bytes)
                    .ok()
                    .and_then(|k| ed448_goldilocks::VerifyingKey::from_bytes(&k).ok())
                    .zip(ed448_goldilocks::Signature::from_slice(signature).ok())
                    .is_some_and(|(k, s)| k.verify_raw(&s, message).is_ok());
            ("Ed448".into(), ok)
        }
        o if o == OID_ECDSA_SHA256
            || o == OID_ECDSA_SHA384
            || o == OID_ECDSA_SHA512
            || o == OID_EC_PUBLIC_KEY =>
        {
            let hash = match o {
                o if o == OID_ECDSA_SHA256 => OID_SHA256,
                o if o == OID_ECDSA_SHA384 => OID_SHA384,
                o if o == OID_ECDSA_SHA512 => OID_SHA512,
                _ => digest_oid,
            };
            let Some(prehash) = prehash(hash, signed) else {
                return (
                    format!("ECDSA {} (hàm băm không khớp)", hash_name(hash)),
                    false,
                );
            };
            verify_ecdsa(key, hash, &prehash, signature)
        }
        o if o == OID_RSASSA_PSS => verify_pss(alg, key, signed, signature),
        o => {
            let hash = match o {
                o if o == OID_SHA256_WITH_RSA => OID_SHA256,
                o if o == OID_SHA384_WITH_RSA => OID_SHA384,
                o if o == OID_SHA512_WITH_RSA => OID_SHA512,
                o if o == OID_RSA_ENCRYPTION => digest_oid,
                o => return (format!("{o} (không hỗ trợ)"), false),
            };
            let name = format!("RSA PKCS#1 v1.5 {}", hash_name(hash));
            let (Some(key), Some(prehash)) = (rsa_key(key), prehash(hash, signed)) else {
                return (name, false);
            };
            let scheme = match hash {
                h if h == OID_SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                h if h == OID_SHA384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                h if h == OID_SHA512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                _ => return (format!("RSA {hash} (hàm băm không hỗ trợ)"), false),
            };
            let ok = key.verify(scheme, &prehash, signature).is_ok();
            (name, ok)
        }
    }
}

/// The hash `hash` of what was signed: computed over a message, or the given digest when it was made with the
/// same algorithm.
fn prehash(hash: ObjectIdentifier, signed: Signed) -> Option<Vec<u8>> {
    match signed {
        Signed::Message(m) => {
            let mut d = Digester::by_oid(hash)?;
            d.update(m);
            Some(d.finish())
        }
        Signed::Digest(oid, value) => (oid == hash).then(|| value.to_vec()),
    }
}

fn hash_name(hash: ObjectIdentifier) -> &'static str {
    match hash {
        h if h == OID_SHA256 => "SHA-256",
        h if h == OID_SHA384 => "SHA-384",
        h if h == OID_SHA512 => "SHA-512",
        _ => "?",
    }
}

fn rsa_key(key: &SubjectPublicKeyInfoOwned) -> Option<rsa::PublicKey> {
    use rsa::pkcs8::DecodePublicKey;
    let der = key.to_der().ok()?;
    rsa::PublicKey::from_public_key_der(&der).ok()
}

/// RSASSA-PSS-params (RFC 4055); the salt may be longer than 255 bytes (signers using the longest salt the key
/// allows write 334 for RSA-3072 with SHA-384).
#[derive(der::Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

fn verify_pss(
    alg: &AlgorithmIdentifierOwned,
    key: &SubjectPublicKeyInfoOwned,
    signed: Signed,
    signature: &[u8],
) -> (String, bool) {
    let params = alg
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<PssParams>().ok());
    // The defaults (SHA-1) are not accepted: a signer must name its hashes.
    let Some((Some(hash), Some(mask_gen))) = params.as_ref().map(|p| (&p.hash, &p.mask_gen)) else {
        return ("RSASSA-PSS".into(), false);
    };
    let hash = hash.oid;
    let name = format!("RSASSA-PSS {}", hash_name(hash));
    // MGF1 with the same hash: the only combination the rsa crate (and every signer met) uses.
    let mgf_ok = mask_gen.oid == OID_MGF1
        && mask_gen
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<AlgorithmIdentifierOwned>().ok())
            .is_some_and(|p| p.oid == hash);
    let (true, Some(key), Some(prehash)) = (mgf_ok, rsa_key(key), prehash(hash, signed)) else {
        return (name, false);
    };
    let salt = params.and_then(|p| p.salt_len).unwrap_or(20) as usize;
    let ok = match hash {
        h if h == OID_SHA256 => {
            key.verify(rsa::Pss::<Sha256>::new_with_salt(salt), &prehash, signature)
        }
        h if h == OID_SHA384 => {
            key.verify(rsa::Pss::<Sha384>::new_with_salt(salt), &prehash, signature)
        }
        h if h == OID_SHA512 => {
            key.verify(rsa::Pss::<Sha512>::new_with_salt(salt), &prehash, signature)
        }
        _ => return (format!("RSASSA-PSS {hash} (hàm băm không hỗ trợ)"), false),
    }
    .is_ok();
    (name, ok)
}

fn verify_ecdsa(
    key: &SubjectPublicKeyInfoOwned,
    hash: ObjectIdentifier,
    prehash: &[u8],
    signature: &[u8],
) -> (String, bool) {
    use ecdsa::signature::hazmat::PrehashVerifier;
    let curve = key
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let point = key.subject_public_key.raw_bytes();
    let (curve_name, ok) = match curve {
        _ if key.algorithm.oid != OID_EC_PUBLIC_KEY => ("?", false),
        Some(c) if c == OID_P256 => (
            "P-256",
            p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .zip(p256::ecdsa::Signature::from_der(signature).ok())
                .is_some_and(|(k, s)| k.verify_prehash(prehash, &s).is_ok()),
        ),
        Some(c) if c == OID_P384 => (
            "P-384",
            p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .zip(p384::ecdsa::Signature::from_der(signature).ok())
                .is_some_and(|(k, s)| k.verify_prehash(prehash, &s).is_ok()),
        ),
        _ => ("(đường cong không hỗ trợ)", false),
    };
    (format!("ECDSA {curve_name} {}", hash_name(hash)), ok)
}
