//! Remote signing (ký số từ xa) through a provider's Cloud Signature Consortium API v2: the key stays in the
//! provider's HSM and the person approves each signature on the provider's app. The browser lays out the
//! signature and computes the hash to sign; the server relays it to the provider with the agency's client
//! credentials and answers how the approval went; the browser puts the returned signature into the file. What
//! the browser uploads is then checked exactly like a signature made with a key in the browser.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// `GET /api/me/remote-signing`: the provider (if the deployment has one) and the person's credentials there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteSigningDto {
    /// Whether this deployment has a remote signing provider (`VANBAN_CSC_URL`).
    pub configured: bool,
    /// The provider's name, as it gives it (CSC `info`) or as configured.
    pub provider: Option<String>,
    /// The person's identifier at the provider (often the citizen ID number); `None` until they set it.
    pub user_id: Option<String>,
    /// The person's credentials at the provider (empty without `user_id`).
    pub credentials: Vec<RemoteCredentialDto>,
    /// Why the credentials could not be read, in Vietnamese (the provider is down, refuses the identifier…).
    pub problem: Option<String>,
}

/// One credential (a key and its certificate) the person holds at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteCredentialDto {
    /// The provider's identifier of the credential (CSC `credentialID`).
    pub credential_id: String,
    /// The certificate's subject common name (shown, not trusted).
    pub subject: String,
    /// The issuing CA's common name.
    pub issuer: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The certificate chain as base64 DER, the signer's certificate first: the browser lays out the signature
    /// with it.
    pub certificates: Vec<String>,
    /// Whether the certificate is bound to this account in the registry (the server accepts signatures only
    /// from bound certificates; binding is one approved request, purpose `register`).
    pub registered: bool,
}

/// `PUT /api/me/remote-signing`: the person's identifier at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteSigningIdRequest {
    /// 1–64 characters; empty clears it.
    pub user_id: String,
}

/// What a request asks the provider to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemotePurpose {
    /// The hash of a document signature the browser laid out (`hash` is required).
    Sign,
    /// The server's own challenge: once signed, the credential's certificate is bound to the account.
    Register,
}

/// `POST /api/me/remote-signing/signatures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteSignatureRequest {
    pub credential_id: String,
    pub purpose: RemotePurpose,
    /// For `sign`: the SHA-256 to sign (of the signature's signed attributes), 64 hex digits.
    #[serde(default)]
    pub hash: Option<String>,
    /// For `sign`: what the person will read on their phone (the document's trích yếu); up to 200 characters.
    #[serde(default)]
    pub description: Option<String>,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemoteSignatureStatus {
    /// Waiting for the person's approval on the provider's app.
    Pending,
    /// The provider signed: `signature` holds the value.
    Signed,
    /// The person refused on the provider's app.
    Refused,
    /// Nobody approved before the deadline (the provider's or the server's, `VANBAN_CSC_APPROVAL_SECONDS`).
    Expired,
    /// The provider answered with an error or not at all: `message` says which.
    Failed,
}

impl RemoteSignatureStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Signed,
        Self::Refused,
        Self::Expired,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Signed => "signed",
            Self::Refused => "refused",
            Self::Expired => "expired",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One request to the provider and how it went (`POST` answers 202 with it; `GET …/{id}` polls it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteSignatureDto {
    pub id: i64,
    pub credential_id: String,
    pub purpose: RemotePurpose,
    pub status: RemoteSignatureStatus,
    /// The signature value, base64 (RSA PKCS#1 v1.5 over `hash`), once `signed`.
    pub signature: Option<String>,
    /// Why it did not sign, in Vietnamese (`refused`, `expired`, `failed`).
    pub message: Option<String>,
    pub created_at: Timestamp,
    /// Until when the approval is awaited.
    pub deadline: Timestamp,
    /// For `register`, once signed: the certificate now bound to the account (its id in the registry).
    pub certificate_id: Option<i64>,
}
