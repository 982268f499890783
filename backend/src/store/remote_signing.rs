//! Remote signing requests (migration 0018): the person's identifier at the provider and each request to it,
//! recorded pending before the provider is asked, so any instance can answer how it stands.

use shared::remote_signing::{RemotePurpose, RemoteSignatureDto, RemoteSignatureStatus};
use shared::time::Timestamp;

use crate::store::{Actor, AuditEvent, Store, StoreError, StoreResult, sql};

/// A request about to be sent to the provider.
pub struct NewRemoteSignature<'a> {
    pub user_id: i64,
    pub credential_id: &'a str,
    pub purpose: RemotePurpose,
    pub hash_sha256: &'a str,
    pub description: &'a str,
    pub deadline: i64,
}

/// How a request ended.
pub struct RemoteOutcome {
    pub status: RemoteSignatureStatus,
    pub signature: Option<String>,
    pub certificate_der: Option<String>,
    pub message: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    credential_id: String,
    purpose: String,
    status: String,
    signature: Option<String>,
    message: Option<String>,
    created_at: i64,
    deadline: i64,
    certificate_der: Option<String>,
}

/// A pending request this long past its deadline was lost with its instance: it reads as expired.
const LOST_AFTER_MS: i64 = 30_000;

impl Store {
    /// The person's identifier at the remote signing provider.
    #[tracing::instrument(skip_all)]
    pub async fn remote_signing_id(&self, user_id: i64) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> =
            sql::query_as("SELECT remote_signing_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Sets (or, with `None`, clears) the person's identifier at the provider; audited.
    #[tracing::instrument(skip_all)]
    pub async fn set_remote_signing_id(
        &self,
        actor: &Actor,
        user_id: i64,
        value: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = Self::user_in(&mut *tx, user_id).await?;
        sql::query("UPDATE users SET remote_signing_id = $1, updated_at = $2 WHERE id = $3")
            .bind(value)
            .bind(crate::store::now_ms())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Self::append_audit(
            &mut tx,
            AuditEvent {
                actor,
                agency_id: Some(user.agency.id),
                action: "remote_signing.identifier",
                target: Some(format!("user:{user_id}")),
                target_name: Some(user.full_name),
                details: serde_json::json!({ "remote_signing_id": value }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a request as pending.
    #[tracing::instrument(skip_all)]
    pub async fn create_remote_signature(
        &self,
        new: &NewRemoteSignature<'_>,
    ) -> StoreResult<RemoteSignatureDto> {
        let now = crate::store::now_ms();
        let (id,): (i64,) = sql::query_as(
            "INSERT INTO remote_signatures (user_id, credential_id, purpose, hash_sha256, description, \
             status, created_at, deadline) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.credential_id)
        .bind(purpose_text(new.purpose))
        .bind(new.hash_sha256)
        .bind(new.description)
        .bind(now)
        .bind(new.deadline)
        .fetch_one(&self.pool)
        .await?;
        self.remote_signature(new.user_id, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Records how a pending request ended (a request that already ended stays as it was).
    #[tracing::instrument(skip_all)]
    pub async fn finish_remote_signature(
        &self,
        id: i64,
        outcome: &RemoteOutcome,
    ) -> StoreResult<()> {
        sql::query(
            "UPDATE remote_signatures SET status = $1, signature = $2, certificate_der = $3, message = $4, \
             finished_at = $5 WHERE id = $6 AND status = 'pending'",
        )
        .bind(outcome.status.as_str())
        .bind(&outcome.signature)
        .bind(&outcome.certificate_der)
        .bind(&outcome.message)
        .bind(crate::store::now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// One of the person's requests; `None` when it is not theirs. A pending request well past its deadline
    /// (its instance stopped) reads as expired.
    #[tracing::instrument(skip_all)]
    pub async fn remote_signature(
        &self,
        user_id: i64,
        id: i64,
    ) -> StoreResult<Option<RemoteSignatureDto>> {
        let row: Option<Row> = sql::query_as(
            "SELECT id, credential_id, purpose, status, signature, message, created_at, deadline, \
             certificate_der FROM remote_signatures WHERE id = $1 AND user_id = $2",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut status = RemoteSignatureStatus::parse(&row.status).ok_or_else(|| {
            StoreError::Corrupt(format!("remote signature status {}", row.status))
        })?;
        let mut message = row.message;
        if status == RemoteSignatureStatus::Pending
            && crate::store::now_ms() > row.deadline + LOST_AFTER_MS
        {
            status = RemoteSignatureStatus::Expired;
            message = Some("Hết thời gian chờ duyệt yêu cầu ký trên điện thoại.".into());
        }
        let purpose = match row.purpose.as_str() {
            "register" => RemotePurpose::Register,
            _ => RemotePurpose::Sign,
        };
        // For a registration, the certificate it bound (looked up by the fingerprint of what was signed with).
        let certificate_id = match (purpose, status, &row.certificate_der) {
            (RemotePurpose::Register, RemoteSignatureStatus::Signed, Some(der)) => {
                use base64::Engine;
                use sha2::Digest;
                let der = base64::engine::general_purpose::STANDARD
                    .decode(der)
                    .unwrap_or_default();
                let sha = shared::hex(&sha2::Sha256::digest(&der));
                let found: Option<(i64,)> =
                    sql::query_as("SELECT id FROM certificates WHERE sha256 = $1 AND user_id = $2")
                        .bind(sha)
                        .bind(user_id)
                        .fetch_optional(&self.pool)
                        .await?;
                found.map(|f| f.0)
            }
            _ => None,
        };
        Ok(Some(RemoteSignatureDto {
            id: row.id,
            credential_id: row.credential_id,
            purpose,
            status,
            signature: row.signature,
            message,
            created_at: Timestamp(row.created_at),
            deadline: Timestamp(row.deadline),
            certificate_id,
        }))
    }

    /// How many of the person's requests are still pending (a person has at most a few at once).
    #[tracing::instrument(skip_all)]
    pub async fn pending_remote_signatures(&self, user_id: i64) -> StoreResult<i64> {
        let (n,): (i64,) = sql::query_as(
            "SELECT COUNT(*) FROM remote_signatures WHERE user_id = $1 AND status = 'pending' \
             AND deadline > $2",
        )
        .bind(user_id)
        .bind(crate::store::now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }
}

fn purpose_text(p: RemotePurpose) -> &'static str {
    match p {
        RemotePurpose::Sign => "sign",
        RemotePurpose::Register => "register",
    }
}
