//! vanban's side of the CSC API v2: the calls, over HTTP or HTTPS with hyper (the exchange's TLS set-up), and
//! what their answers mean for a person waiting at their phone.
//!
//! Authentication to the provider is the agency's client credentials (`auth/login` with HTTP Basic, the token
//! then as a bearer), never the person's: the person's consent is the approval on the provider's app, asked
//! by `credentials/authorize` in the implicit mode. A provider may answer that call only once the person
//! approved (200 with the SAD) or at once with a handle to poll (202, `credentials/authorizeCheck`); both are
//! followed until the deadline.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::method_url;
use super::wire::{self, CredentialInfo};
use crate::exchange::transport::Target;

/// One call other than the approval may take this long.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// How often a pending approval is asked about.
const POLL_EVERY: Duration = Duration::from_millis(700);
/// The largest answer read (a credential list with chains is tens of KB).
const MAX_ANSWER: usize = 1 << 20;

/// The deployment's provider (`VANBAN_CSC_*`).
#[derive(Debug, Clone)]
pub struct Provider {
    /// The base URL of the calls, ending in `/csc/v2`.
    pub url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// The name people read; when unset, the provider's own (`info`).
    pub name: Option<String>,
    /// How long a person has to approve on their phone.
    pub approval: Duration,
}

/// Why the provider gave no signature, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CscError {
    /// No answer: the provider is down, unreachable or too slow.
    #[error("Không kết nối được dịch vụ ký số từ xa ({0}).")]
    Unreachable(String),
    /// The person refused on the provider's app.
    #[error("Yêu cầu ký đã bị từ chối trên ứng dụng của nhà cung cấp{0}.")]
    Refused(String),
    /// Nobody approved in time.
    #[error("Hết thời gian chờ duyệt yêu cầu ký trên điện thoại{0}.")]
    Expired(String),
    /// Any other error the provider answered.
    #[error("Dịch vụ ký số từ xa báo lỗi: {0}.")]
    Failed(String),
}

enum Auth<'a> {
    None,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
}

impl Provider {
    /// The provider's name as it gives it (`info`), or as configured.
    pub async fn name(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match self
            .call::<_, wire::InfoResponse>("info", &Auth::None, &serde_json::json!({}))
            .await
        {
            Ok(info) if !info.name.trim().is_empty() => info.name,
            _ => "Dịch vụ ký số từ xa".into(),
        }
    }

    /// A bearer token for the agency's client credentials (`auth/login`), or none without credentials.
    async fn token(&self) -> Result<Option<String>, CscError> {
        let (Some(id), Some(secret)) = (&self.client_id, &self.client_secret) else {
            return Ok(None);
        };
        let login: wire::LoginResponse = self
            .call(
                "auth/login",
                &Auth::Basic(id, secret),
                &serde_json::json!({}),
            )
            .await?;
        Ok(Some(login.access_token))
    }

    /// The person's credentials (`credentials/list` with their info, or `credentials/info` for each when the
    /// provider lists only ids), certificate chains included.
    pub async fn credentials(
        &self,
        user_id: &str,
    ) -> Result<Vec<(String, CredentialInfo)>, CscError> {
        let token = self.token().await?;
        let auth = bearer(&token);
        let list: wire::ListResponse = self
            .call(
                "credentials/list",
                &auth,
                &wire::ListRequest {
                    user_id: user_id.to_string(),
                    credential_info: true,
                    certificates: "chain".into(),
                    cert_info: true,
                },
            )
            .await?;
        let mut out = Vec::new();
        for (i, id) in list.credential_ids.iter().enumerate() {
            let given = list
                .credential_infos
                .as_ref()
                .and_then(|infos| {
                    infos
                        .iter()
                        .find(|c| c.credential_id.as_deref() == Some(id))
                        .or_else(|| infos.get(i))
                })
                .filter(|c| !c.cert.certificates.is_empty())
                .cloned();
            let info = match given {
                Some(info) => info,
                None => {
                    self.call(
                        "credentials/info",
                        &auth,
                        &wire::InfoRequest {
                            credential_id: id.clone(),
                            certificates: "chain".into(),
                            cert_info: true,
                        },
                    )
                    .await?
                }
            };
            out.push((id.clone(), info));
        }
        Ok(out)
    }

    /// Asks the person to approve signing `hash` (SHA-256) with `credential_id` and returns the signature
    /// value (RSA PKCS#1 v1.5). Waits for the approval until `deadline`.
    pub async fn sign_hash(
        &self,
        credential_id: &str,
        hash: &[u8; 32],
        description: &str,
        deadline: Instant,
    ) -> Result<Vec<u8>, CscError> {
        let token = self.token().await?;
        let auth = bearer(&token);
        let hash_b64 = B64.encode(hash);
        let authorize = wire::AuthorizeRequest {
            credential_id: credential_id.to_string(),
            num_signatures: 1,
            hashes: vec![hash_b64.clone()],
            hash_algorithm_oid: wire::OID_SHA256.into(),
            description: description.to_string(),
        };
        let wait = deadline.saturating_duration_since(Instant::now());
        let (status, body) =
            tokio::time::timeout(wait, self.post("credentials/authorize", &auth, &authorize))
                .await
                .map_err(|_| CscError::Expired(String::new()))??;
        let mut sad = match status {
            200 => Some(parse::<wire::SadResponse>(&body)?.sad),
            202 => None,
            _ => return Err(error_of(status, &body)),
        };
        if sad.is_none() {
            let handle = parse::<wire::PendingResponse>(&body)?.handle;
            while sad.is_none() {
                if Instant::now() + POLL_EVERY > deadline {
                    return Err(CscError::Expired(String::new()));
                }
                tokio::time::sleep(POLL_EVERY).await;
                let (status, body) = self
                    .post_timed(
                        "credentials/authorizeCheck",
                        &auth,
                        &wire::AuthorizeCheckRequest {
                            handle: handle.clone(),
                        },
                    )
                    .await?;
                match status {
                    200 => sad = Some(parse::<wire::SadResponse>(&body)?.sad),
                    202 => {}
                    _ => return Err(error_of(status, &body)),
                }
            }
        }
        let signed: wire::SignHashResponse = self
            .call(
                "signatures/signHash",
                &auth,
                &wire::SignHashRequest {
                    credential_id: credential_id.to_string(),
                    sad: sad.unwrap_or_default(),
                    hashes: vec![hash_b64],
                    hash_algorithm_oid: wire::OID_SHA256.into(),
                    sign_algo: wire::OID_RSA.into(),
                },
            )
            .await?;
        let first = signed
            .signatures
            .first()
            .ok_or_else(|| CscError::Failed("không trả về chữ ký nào".into()))?;
        B64.decode(first.trim())
            .map_err(|_| CscError::Failed("chữ ký trả về không phải base64".into()))
    }

    /// A call whose answer must be 200 with `T`.
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        auth: &Auth<'_>,
        body: &B,
    ) -> Result<T, CscError> {
        let (status, answer) = self.post_timed(method, auth, body).await?;
        if status != 200 {
            return Err(error_of(status, &answer));
        }
        parse(&answer)
    }

    async fn post_timed<B: Serialize>(
        &self,
        method: &str,
        auth: &Auth<'_>,
        body: &B,
    ) -> Result<(u16, Vec<u8>), CscError> {
        tokio::time::timeout(CALL_TIMEOUT, self.post(method, auth, body))
            .await
            .map_err(|_| {
                CscError::Unreachable(format!(
                    "không trả lời trong {} giây",
                    CALL_TIMEOUT.as_secs()
                ))
            })?
    }

    async fn post<B: Serialize>(
        &self,
        method: &str,
        auth: &Auth<'_>,
        body: &B,
    ) -> Result<(u16, Vec<u8>), CscError> {
        use crate::http_client::{Call, Failure, send};
        let url = method_url(&self.url, method);
        let target = Target::parse(&url).map_err(CscError::Failed)?;
        let body = serde_json::to_vec(body).map_err(|e| CscError::Failed(e.to_string()))?;
        let mut headers = Vec::new();
        match auth {
            Auth::None => {}
            Auth::Basic(id, secret) => headers.push((
                "authorization",
                format!("Basic {}", B64.encode(format!("{id}:{secret}"))),
            )),
            Auth::Bearer(token) => headers.push(("authorization", format!("Bearer {token}"))),
        }
        let call = Call {
            path: &target.prefix,
            body: Some(("application/json", body)),
            headers,
            limit: MAX_ANSWER,
        };
        let answer = send(&target, call).await.map_err(|e| match e {
            Failure::Bad(why) => CscError::Failed(why),
            down => CscError::Unreachable(down.to_string()),
        })?;
        Ok((answer.status, answer.body))
    }
}

fn bearer(token: &Option<String>) -> Auth<'_> {
    token.as_deref().map_or(Auth::None, Auth::Bearer)
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, CscError> {
    serde_json::from_slice(body)
        .map_err(|e| CscError::Failed(format!("câu trả lời không đúng chuẩn CSC ({e})")))
}

/// What an error answer means: the person refused, the approval expired, or something else.
fn error_of(status: u16, body: &[u8]) -> CscError {
    let e: wire::ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let said = e
        .error_description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    match e.error.as_str() {
        "access_denied" => CscError::Refused(said),
        err if err.contains("expired") || err.contains("timeout") => CscError::Expired(said),
        "" if status >= 500 => CscError::Unreachable(format!("trả lời HTTP {status}")),
        "" => CscError::Failed(format!("trả lời HTTP {status}")),
        err => CscError::Failed(format!("{err}{said}")),
    }
}
