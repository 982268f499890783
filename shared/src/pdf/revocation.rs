//! Revocation judged at the signing time: a CRL of the signer's issuer (its signature checked with the issuer's
//! key) that lists the certificate, or an OCSP response about it signed by the issuer or its delegated responder
//! ([`super::ocsp`]), says when and why it was revoked. Revoked at or before the signing time (the trusted
//! timestamp's time when there is one), the signature fails; revoked after it, the signature still verifies and
//! the revocation is shown ([`crate::revocation::Revocation`]). Both kinds of evidence weigh the same: a CA
//! that publishes only OCSP (common for national CAs' subscriber certificates) is judged as one that publishes
//! CRLs. A "good" OCSP answer counts only when it was current at the signing time or made after it
//! ([`super::ocsp::OcspAnswer::current_at`]).

use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::CrlReason;

use super::algorithms::{OID_SHA256, Signed, verify};
use super::chain::RevocationStatus;
use super::ocsp::OcspStatus;
use crate::revocation::{Revocation, RevocationReason};
use crate::time::Timestamp;

/// The issuer of `cert` among `bundled` and `anchors`.
fn issuer_of<'a>(
    cert: &Certificate,
    bundled: &'a [Certificate],
    anchors: &'a [Certificate],
) -> Option<&'a Certificate> {
    let name = cert.tbs_certificate().issuer();
    bundled
        .iter()
        .chain(anchors)
        .find(|c| c.tbs_certificate().subject() == name)
}

/// Whether `crl` is signed by `issuer`'s key and names it as issuer.
pub fn crl_signed_by(crl: &CertificateList, issuer: &Certificate) -> bool {
    if &crl.tbs_cert_list.issuer != issuer.tbs_certificate().subject() {
        return false;
    }
    let (Ok(tbs), Some(sig)) = (crl.tbs_cert_list.to_der(), crl.signature.as_bytes()) else {
        return false;
    };
    verify(
        &crl.signature_algorithm,
        OID_SHA256,
        issuer.tbs_certificate().subject_public_key_info(),
        Signed::Message(&tbs),
        sig,
    )
    .1
}

/// What a verifier knows of revocation: CRLs and OCSP responses (DER `OCSPResponse`), from its own store and
/// from the file's DSS. Each counts only for the certificates whose issuer signed it.
#[derive(Clone, Copy, Default)]
pub struct Evidence<'a> {
    pub crls: &'a [CertificateList],
    pub ocsps: &'a [Vec<u8>],
}

impl Evidence<'_> {
    fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsps.is_empty()
    }
}

fn millis(t: x509_cert::time::Time) -> i64 {
    t.to_unix_duration().as_millis() as i64
}

/// The signer's revocation status at `at` from `evidence` (only CRLs signed by its issuer and OCSP responses
/// about it from its issuer or their delegated responder count), and the revocation when one of them says the
/// certificate is revoked (the earliest time said).
pub fn revocation_at(
    signer: &Certificate,
    bundled: &[Certificate],
    anchors: &[Certificate],
    evidence: Evidence,
    at: Timestamp,
) -> (RevocationStatus, Option<Revocation>) {
    if evidence.is_empty() {
        return (RevocationStatus::NotChecked, None);
    }
    let Some(issuer) = issuer_of(signer, bundled, anchors) else {
        return (RevocationStatus::Unknown, None);
    };
    let serial = signer.tbs_certificate().serial_number();
    let mut seen_valid = false;
    let mut earliest: Option<(i64, RevocationReason, &'static str)> = None;
    for crl in evidence.crls.iter().filter(|c| crl_signed_by(c, issuer)) {
        seen_valid = true;
        let Some(entry) = crl
            .tbs_cert_list
            .revoked_certificates
            .as_ref()
            .and_then(|list| list.iter().find(|r| &r.serial_number == serial))
        else {
            continue;
        };
        let reason = entry
            .crl_entry_extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_CRL_REASONS)
            .and_then(|e| CrlReason::from_der(e.extn_value.as_bytes()).ok())
            .map(|r| RevocationReason::from_code(r as u8))
            .unwrap_or(RevocationReason::Unspecified);
        let when = millis(entry.revocation_date);
        if earliest.is_none_or(|(t, _, _)| when < t) {
            earliest = Some((when, reason, "crl"));
        }
    }
    for der in evidence.ocsps {
        // An answer about another certificate, or from a responder that may not speak for the issuer, is no
        // evidence; "unknown" is none either, and neither is "good" from an answer that had expired before the
        // signing time.
        let Ok(answer) = super::ocsp::check_response(der, signer, issuer) else {
            continue;
        };
        match answer.status {
            OcspStatus::Good if answer.current_at(at) => seen_valid = true,
            OcspStatus::Revoked { at: when, reason } => {
                seen_valid = true;
                if earliest.is_none_or(|(t, _, _)| when < t) {
                    earliest = Some((when, reason, "ocsp"));
                }
            }
            OcspStatus::Good | OcspStatus::Unknown => {}
        }
    }
    match earliest {
        // A certificate on hold and later released is removed from the next CRL; while listed, it counts.
        Some((when, reason, source)) => {
            let after_signing = when > at.0;
            let revocation = Revocation {
                revoked_at: Timestamp(when).to_iso_vn(),
                reason,
                after_signing,
                source: source.into(),
            };
            let status = if after_signing {
                RevocationStatus::Good
            } else {
                RevocationStatus::Revoked
            };
            (status, Some(revocation))
        }
        None if seen_valid => (RevocationStatus::Good, None),
        None => (RevocationStatus::Unknown, None),
    }
}

/// The issuer's key check for CRLs arriving from outside (the server's sweep): the trust anchor that signed
/// `crl`, if any.
pub fn crl_issuer_among<'a>(
    crl: &CertificateList,
    anchors: &'a [Certificate],
) -> Option<&'a Certificate> {
    anchors.iter().find(|a| crl_signed_by(crl, a))
}

/// A CRL from DER, for callers without the PKI module.
pub fn parse_crl(der: &[u8]) -> Option<CertificateList> {
    CertificateList::from_der(der).ok()
}
