//! A remote signing request on the server: checked, recorded pending, then driven in the background by the
//! instance that took it (approval, signature, and for a registration the binding), while the browser asks
//! any instance how it stands. The server never sees a key and cannot sign alone: each signature needs the
//! person's approval on the provider's app, which shows the description the request carries.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use shared::remote_signing::{
    RemoteCredentialDto, RemotePurpose, RemoteSignatureDto, RemoteSignatureRequest,
    RemoteSignatureStatus, RemoteSigningDto,
};
use shared::time::Timestamp;

use super::client::{CscError, Provider};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::store::certificates::{Owner, ParsedCertificate};
use crate::store::remote_signing::{NewRemoteSignature, RemoteOutcome};
use crate::store::{Actor, Store};

/// A person may have this many requests waiting for their approval at once (each pushes to their phone).
const MAX_PENDING: i64 = 3;
/// The longest description sent to the phone.
const MAX_DESCRIPTION: usize = 200;

fn provider(state: &AppState) -> AppResult<&Provider> {
    state.config.remote_signing.as_ref().ok_or_else(|| {
        AppError::Conflict(
            "Hệ thống chưa được cấu hình dịch vụ ký số từ xa; hãy ký bằng khóa trên thiết bị."
                .into(),
        )
    })
}

fn unavailable(e: &CscError) -> AppError {
    AppError::Unavailable {
        message: e.to_string(),
        retry_after_secs: 30,
    }
}

/// The provider, the person's identifier there and their credentials (with whether each is registered).
pub async fn overview(state: &AppState, user_id: i64) -> AppResult<RemoteSigningDto> {
    let Some(p) = state.config.remote_signing.as_ref() else {
        return Ok(RemoteSigningDto {
            configured: false,
            provider: None,
            user_id: None,
            credentials: vec![],
            problem: None,
        });
    };
    let id = state.store.remote_signing_id(user_id).await?;
    let name = p.name().await;
    let (credentials, problem) = match &id {
        None => (vec![], None),
        Some(id) => match p.credentials(id).await {
            Ok(list) => (describe(&state.store, user_id, list).await?, None),
            Err(e) => (vec![], Some(e.to_string())),
        },
    };
    Ok(RemoteSigningDto {
        configured: true,
        provider: Some(name),
        user_id: id,
        credentials,
        problem,
    })
}

async fn describe(
    store: &Store,
    user_id: i64,
    list: Vec<(String, super::wire::CredentialInfo)>,
) -> AppResult<Vec<RemoteCredentialDto>> {
    let bound = store.active_certificates(Owner::User(user_id)).await?;
    let mut out = Vec::new();
    for (credential_id, info) in list {
        let Some(parsed) = info
            .cert
            .certificates
            .first()
            .and_then(|c| ParsedCertificate::parse(c.as_bytes()).ok())
        else {
            continue; // A credential without a readable certificate cannot sign a PDF here.
        };
        out.push(RemoteCredentialDto {
            credential_id,
            subject: parsed.subject.clone(),
            issuer: parsed.issuer.clone(),
            not_before: Timestamp(parsed.not_before),
            not_after: Timestamp(parsed.not_after),
            certificates: info.cert.certificates.clone(),
            registered: bound.contains(&parsed.sha256),
        });
    }
    Ok(out)
}

/// Checks a request, records it pending and starts asking the provider. Answers at once (202); the browser
/// polls [`Store::remote_signature`].
pub async fn start(
    state: &AppState,
    actor: Actor,
    user_id: i64,
    username: &str,
    req: RemoteSignatureRequest,
) -> AppResult<RemoteSignatureDto> {
    let p = provider(state)?.clone();
    let remote_id = state.store.remote_signing_id(user_id).await?.ok_or_else(|| {
        AppError::field(
            "credential_id",
            "Chưa khai báo mã định danh tại nhà cung cấp ký số từ xa (Khóa ký số → Ký số từ xa).",
        )
    })?;
    let (hash, description) = match req.purpose {
        RemotePurpose::Sign => {
            let hash = req.hash.as_deref().and_then(parse_hash).ok_or_else(|| {
                AppError::field("hash", "Mã băm cần ký phải là SHA-256, 64 chữ số hex.")
            })?;
            let description = req
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or("Ký số văn bản trên hệ thống quản lý văn bản");
            if description.chars().count() > MAX_DESCRIPTION {
                return Err(AppError::field(
                    "description",
                    format!("Nội dung hiển thị trên điện thoại tối đa {MAX_DESCRIPTION} ký tự."),
                ));
            }
            (hash, description.to_string())
        }
        RemotePurpose::Register => (
            challenge(username, &req.credential_id),
            format!("Đăng ký chứng thư số cho tài khoản {username} trên hệ thống quản lý văn bản"),
        ),
    };
    if state.store.pending_remote_signatures(user_id).await? >= MAX_PENDING {
        return Err(AppError::Conflict(
            "Đang có yêu cầu ký chờ duyệt trên điện thoại; hãy duyệt hoặc từ chối chúng trước."
                .into(),
        ));
    }
    // The credential must be the person's at the provider: its certificate is what the answer is checked with.
    let credentials = p
        .credentials(&remote_id)
        .await
        .map_err(|e| unavailable(&e))?;
    let Some((_, info)) = credentials
        .into_iter()
        .find(|(id, _)| *id == req.credential_id)
    else {
        return Err(AppError::field(
            "credential_id",
            "Không có chứng thư số này trong tài khoản của anh/chị tại nhà cung cấp.",
        ));
    };
    let certificate = info.cert.certificates.first().cloned().ok_or_else(|| {
        AppError::field("credential_id", "Nhà cung cấp không trả về chứng thư số.")
    })?;
    let approval = p.approval;
    let dto = state
        .store
        .create_remote_signature(&NewRemoteSignature {
            user_id,
            credential_id: &req.credential_id,
            purpose: req.purpose,
            hash_sha256: &shared::hex(&hash),
            description: &description,
            deadline: crate::store::now_ms() + approval.as_millis() as i64,
        })
        .await?;
    let job = Job {
        state: state.clone(),
        provider: p,
        actor,
        user_id,
        id: dto.id,
        credential_id: req.credential_id,
        purpose: req.purpose,
        hash,
        description,
        certificate,
        deadline: Instant::now() + approval,
    };
    tokio::spawn(job.run());
    Ok(dto)
}

/// The server's challenge for a registration: unique, and naming what is being approved.
fn challenge(username: &str, credential_id: &str) -> [u8; 32] {
    use sha2::Digest;
    let mut nonce = [0u8; 16];
    let _ = getrandom::fill(&mut nonce);
    sha2::Sha256::digest(format!(
        "vanban: đăng ký chứng thư {credential_id} cho tài khoản {username}, {} {}",
        crate::store::now_ms(),
        shared::hex(&nonce)
    ))
    .into()
}

fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

struct Job {
    state: AppState,
    provider: Provider,
    actor: Actor,
    user_id: i64,
    id: i64,
    credential_id: String,
    purpose: RemotePurpose,
    hash: [u8; 32],
    description: String,
    /// Base64 DER of the credential's certificate.
    certificate: String,
    deadline: Instant,
}

impl Job {
    async fn run(self) {
        let outcome = self.outcome().await;
        if let Err(e) = self
            .state
            .store
            .finish_remote_signature(self.id, &outcome)
            .await
        {
            tracing::error!(id = self.id, error = %e, "remote signature outcome not recorded");
        }
    }

    async fn outcome(&self) -> RemoteOutcome {
        let ended = |status, message: String| RemoteOutcome {
            status,
            signature: None,
            certificate_der: Some(self.certificate.clone()),
            message: Some(message),
        };
        let signature = match self
            .provider
            .sign_hash(
                &self.credential_id,
                &self.hash,
                &self.description,
                self.deadline,
            )
            .await
        {
            Ok(s) => s,
            Err(e @ CscError::Refused(_)) => {
                return ended(RemoteSignatureStatus::Refused, e.to_string());
            }
            Err(e @ CscError::Expired(_)) => {
                return ended(RemoteSignatureStatus::Expired, e.to_string());
            }
            Err(e) => return ended(RemoteSignatureStatus::Failed, e.to_string()),
        };
        let Ok(parsed) = ParsedCertificate::parse(self.certificate.as_bytes()) else {
            return ended(
                RemoteSignatureStatus::Failed,
                "Chứng thư số của nhà cung cấp không đọc được.".into(),
            );
        };
        if !signature_holds(&parsed.der, &self.hash, &signature) {
            return ended(
                RemoteSignatureStatus::Failed,
                "Chữ ký nhà cung cấp trả về không khớp với chứng thư số của anh/chị.".into(),
            );
        }
        if self.purpose == RemotePurpose::Register
            && let Err(message) = self.register(&parsed).await
        {
            return ended(RemoteSignatureStatus::Failed, message);
        }
        RemoteOutcome {
            status: RemoteSignatureStatus::Signed,
            signature: Some(B64.encode(&signature)),
            certificate_der: Some(self.certificate.clone()),
            message: None,
        }
    }

    /// Binds the credential's certificate to the account: it must chain to a trust anchor like any other.
    async fn register(&self, parsed: &ParsedCertificate) -> Result<(), String> {
        if let Err(e) = crate::routes::certificates::check_trusted(&self.state, parsed) {
            return Err(e.to_string());
        }
        let bound = self
            .state
            .store
            .active_certificates(Owner::User(self.user_id))
            .await
            .map_err(|e| e.to_string())?;
        if bound.contains(&parsed.sha256) {
            return Ok(());
        }
        self.state
            .store
            .bind_certificate(
                &self.actor,
                parsed,
                Owner::User(self.user_id),
                shared::certificate::BindingSource::Remote,
            )
            .await
            .map(|_| ())
            .map_err(|e| match e {
                crate::store::StoreError::Field(_, m) => m.to_string(),
                other => other.to_string(),
            })
    }
}

/// Whether `signature` is the credential's over `hash` ([`shared::pdf::cms::sha256_digest_signature_holds`]).
fn signature_holds(cert_der: &[u8], hash: &[u8; 32], signature: &[u8]) -> bool {
    use der::Decode;
    x509_cert::Certificate::from_der(cert_der)
        .is_ok_and(|cert| shared::pdf::cms::sha256_digest_signature_holds(&cert, hash, signature))
}

/// How long a person has to approve, unless configured (`VANBAN_CSC_APPROVAL_SECONDS`).
pub const DEFAULT_APPROVAL: Duration = Duration::from_secs(120);
