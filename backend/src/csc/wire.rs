//! CSC API v2 bodies (Cloud Signature Consortium, "Architectures and protocols for remote signature
//! applications", v2.0.0.2): only the fields vanban sends or reads. Field names are the specification's.

use serde::{Deserialize, Serialize};

/// SHA-256 (`hashAlgorithmOID`).
pub const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
/// rsaEncryption (`signAlgo`): PKCS#1 v1.5 over the given hash, with `hashAlgorithmOID` naming it.
pub const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// sha256WithRSAEncryption, which some providers name instead.
pub const OID_SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";

/// An error answer: `{"error": "...", "error_description": "..."}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InfoResponse {
    #[serde(default)]
    pub specs: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub methods: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRequest {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub credential_info: bool,
    /// `none`, `single` or `chain`.
    pub certificates: String,
    pub cert_info: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    #[serde(rename = "credentialIDs", default)]
    pub credential_ids: Vec<String>,
    #[serde(default)]
    pub credential_infos: Option<Vec<CredentialInfo>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InfoRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub certificates: String,
    pub cert_info: bool,
}

/// `credentials/info`, also an item of `credentials/list` with `credentialInfo` (then with `credentialID`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    #[serde(
        rename = "credentialID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
    #[serde(default)]
    pub key: KeyInfo,
    #[serde(default)]
    pub cert: CertInfo,
    #[serde(default)]
    pub auth: Option<AuthInfo>,
    #[serde(rename = "SCAL", default, skip_serializing_if = "Option::is_none")]
    pub scal: Option<String>,
    #[serde(default)]
    pub multisign: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KeyInfo {
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub algo: Vec<String>,
    #[serde(default)]
    pub len: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertInfo {
    /// `valid`, `expired`, `revoked` or `suspended`.
    #[serde(default)]
    pub status: Option<String>,
    /// Base64 DER, the signer's certificate first.
    #[serde(default)]
    pub certificates: Vec<String>,
    #[serde(rename = "subjectDN", default, skip_serializing_if = "Option::is_none")]
    pub subject_dn: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthInfo {
    /// `implicit` (the provider asks the person itself), `explicit` or `oauth2code`.
    pub mode: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub num_signatures: u32,
    /// Base64 of each hash the SAD will be good for (SCAL2).
    pub hashes: Vec<String>,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    /// Shown to the person on the provider's app.
    pub description: String,
}

/// `credentials/authorize` (200) and `credentials/authorizeCheck` (200): the signature activation data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SadResponse {
    #[serde(rename = "SAD")]
    pub sad: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// `credentials/authorize` answered 202: the approval is under way; poll with the handle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingResponse {
    pub handle: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizeCheckRequest {
    pub handle: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignHashRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    #[serde(rename = "SAD")]
    pub sad: String,
    pub hashes: Vec<String>,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    pub sign_algo: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignHashResponse {
    pub signatures: Vec<String>,
}
