//! The signer's certificate judged at signing time: a chain through the certificates the signature carries to a
//! configured trust anchor (signatures, validity, CA constraints, key usage); revocation at the signing time is
//! [`super::revocation`].

use der::Encode;
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::algorithms::{OID_SHA256, Signed, verify};
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// How the signer's certificate chains to the trust anchors.
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
/// What the CRLs and OCSP responses given say about the signer's certificate.
pub enum RevocationStatus {
    Good,
    Revoked,
    /// Revocation data was given but none from the signer's issuer or about the certificate.
    Unknown,
    NotChecked,
}

/// Whether `cert` was signed by `issuer`'s key.
pub(crate) fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate().to_der() else {
        return false;
    };
    let Some(sig) = cert.signature().as_bytes() else {
        return false;
    };
    verify(
        cert.signature_algorithm(),
        OID_SHA256,
        issuer.tbs_certificate().subject_public_key_info(),
        Signed::Message(&tbs),
        sig,
    )
    .1
}

fn valid_at(cert: &Certificate, at: Timestamp) -> bool {
    let v = cert.tbs_certificate().validity();
    let ms = |t: x509_cert::time::Time| t.to_unix_duration().as_millis() as i64;
    ms(v.not_before) <= at.0 && at.0 <= ms(v.not_after)
}

pub(crate) fn is_ca(cert: &Certificate) -> bool {
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

/// Whether `cert` is a CA certificate issued (signature checked) by one of `issuers`: how a CA certificate
/// learnt from outside (an intermediate fetched from a caIssuers address) is admitted under a trust anchor.
pub fn ca_issued_by_one_of(cert: &Certificate, issuers: &[Certificate]) -> bool {
    is_ca(cert) && issuers.iter().any(|i| i != cert && issued_by(cert, i))
}

/// The chain status at `at`, and why it is not trusted (Vietnamese).
pub fn validate_chain(
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
