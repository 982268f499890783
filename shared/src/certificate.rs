//! The certificate registry (issue 17, "signers that are real"): which certificate belongs to which account
//! (a person) or agency (its seal). The server accepts a signature only from a certificate bound to the account
//! the step expects; the names written in a certificate are shown, never trusted.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// How a binding came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BindingSource {
    /// The account generated the key and sent its certificate request (CSR) while signed in; the certificate
    /// the CA issued for that key was then presented.
    Csr,
    /// An administrator registered a certificate a person or agency brought (PEM/DER).
    Admin,
    /// The demo province's seed.
    Seed,
    /// The account proved through the remote signing service (CSC API) that it holds the credential: the
    /// provider signed the server's challenge after the person approved it on their phone.
    Remote,
}

/// Whether a binding still lets its certificate sign for its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BindingState {
    Active,
    /// An administrator ended the binding: signatures with this certificate are refused from then on.
    Revoked,
}

/// A registered certificate and its owner: exactly one of `user_id` and `agency_id` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateDto {
    pub id: i64,
    /// Lower-case hex SHA-256 of the DER certificate (its fingerprint).
    pub sha256: String,
    /// The subject's common name, as written in the certificate (shown, not trusted).
    pub subject: String,
    /// The subject's organisation, when it names one.
    pub organization: Option<String>,
    /// The issuing CA's common name.
    pub issuer: String,
    /// The serial number, decimal.
    pub serial: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The account the certificate signs for (a person's certificate).
    pub user_id: Option<i64>,
    /// The agency the certificate seals for (an agency's seal certificate).
    pub agency_id: Option<i64>,
    /// The owner's name today (the account's full name or the agency's name).
    pub owner_name: String,
    pub source: BindingSource,
    pub state: BindingState,
    pub registered_at: Timestamp,
    /// Who registered it (`None` for the person's own CSR flow without an administrator, and the seed).
    pub registered_by: Option<i64>,
    pub revoked_at: Option<Timestamp>,
    pub revoke_reason: Option<String>,
}

/// `POST /api/me/certificate-requests`: the PKCS#10 request (PEM) of a key generated in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRequestBody {
    pub csr: String,
}

/// A key request of the signed-in person: the certificate a CA issues for its key is bound to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRequestDto {
    pub id: i64,
    /// Lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo.
    pub spki_sha256: String,
    /// The request's subject as written (RFC 4514).
    pub subject: String,
    pub created_at: Timestamp,
    /// The certificate bound through this request, once presented.
    pub certificate_id: Option<i64>,
}

/// `POST /api/me/certificates`: a certificate (PEM or base64 DER) the CA issued for one of the person's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresentCertificateRequest {
    pub certificate: String,
}

/// `GET /api/me/certificates`: the person's certificates and key requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyCertificatesResponse {
    pub certificates: Vec<CertificateDto>,
    pub requests: Vec<CertificateRequestDto>,
}

/// `POST /api/admin/certificates`: register a certificate (PEM or base64 DER) for exactly one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterCertificateRequest {
    pub certificate: String,
    #[serde(default)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub agency_id: Option<i64>,
}

/// `POST /api/admin/certificates/{id}/revoke`: end a binding, with the reason people will read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeBindingRequest {
    pub reason: String,
}

/// `GET /api/admin/certificates` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct CertificateQuery {
    #[serde(default)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub agency_id: Option<i64>,
}

/// What the server knows of one revocation source (`GET /api/admin/revocation-sources`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevocationSourceDto {
    /// `crl_url`, `crl_file` or `ocsp`.
    pub kind: String,
    /// The URL or file path.
    pub location: String,
    pub last_attempt_at: Option<Timestamp>,
    pub last_success_at: Option<Timestamp>,
    /// Why the last attempt failed, in Vietnamese (`None` after a success).
    pub last_error: Option<String>,
    /// The `nextUpdate` of the last CRL kept from it.
    pub next_update: Option<Timestamp>,
    /// No fresh data: the last attempt failed, or the last CRL is past its `nextUpdate`.
    pub stale: bool,
}
