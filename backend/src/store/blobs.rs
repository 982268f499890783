//! Files known to the store: each blob the content-addressed store holds is recorded with its size, media type
//! and first uploader, and with the agencies that hold it (access rule: knowing a SHA-256 gives nothing; an
//! agency may reference a blob only once one of its people uploaded those bytes or it received them through a
//! delivery).

use shared::user::UserDto;

use super::sql;
use super::{Store, StoreResult};

impl Store {
    /// Every blob the database records (SHA-256): what a restore's check expects to find in the blob store.
    #[tracing::instrument(skip_all)]
    pub async fn recorded_blobs(&self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sql::query_as("SELECT sha256 FROM blobs ORDER BY sha256")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    /// Notes that `uploader` stored these bytes (idempotent): the blob is known, and the uploader's agency holds
    /// it from now on.
    #[tracing::instrument(skip_all, fields(sha256 = %sha256, user_id = uploader.id))]
    pub async fn record_blob(
        &self,
        sha256: &str,
        size: i64,
        media_type: &str,
        uploader: &UserDto,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // A later upload of the same bytes only renews `touched_at`: the sweep leaves the blob alone for its
        // grace period from now.
        let now = super::now_ms();
        sql::query(
            "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at, touched_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (sha256) DO UPDATE SET touched_at = $5",
        )
        .bind(sha256)
        .bind(size)
        .bind(media_type)
        .bind(uploader.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sql::query(
            "INSERT INTO blob_holders (sha256, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(sha256)
        .bind(uploader.agency.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The size of a blob `agency_id` holds; `None` both when nobody uploaded it and when only other agencies
    /// did, so the answer never tells whether someone else has the file.
    #[tracing::instrument(skip_all, fields(sha256 = %sha256, agency_id = agency_id))]
    pub async fn held_blob_size(&self, sha256: &str, agency_id: i64) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> = sql::query_as(
            "SELECT b.size FROM blobs b JOIN blob_holders h ON h.sha256 = b.sha256 AND h.agency_id = $2 \
             WHERE b.sha256 = $1",
        )
        .bind(sha256)
        .bind(agency_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Whether the store has a row for these bytes (the sweep's test for a file on disk).
    #[tracing::instrument(skip_all, fields(sha256 = %sha256))]
    pub async fn blob_known(&self, sha256: &str) -> StoreResult<bool> {
        let row: Option<(i64,)> = sql::query_as("SELECT size FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Blobs no document references and nobody has uploaded since `touched_before`, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn unreferenced_blobs(
        &self,
        touched_before: i64,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sql::query_as(
            "SELECT b.sha256 FROM blobs b WHERE b.touched_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM document_files f WHERE f.sha256 = b.sha256) \
             AND NOT EXISTS (SELECT 1 FROM incoming_files f WHERE f.sha256 = b.sha256) \
             ORDER BY b.touched_at LIMIT $2",
        )
        .bind(touched_before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Forgets a blob if it is still unreferenced and untouched since `touched_before`, calling `remove` (which
    /// deletes the bytes) while the row's deletion is not yet committed: an upload recording the same bytes
    /// meanwhile waits for this transaction, then finds the file gone and says so (see `routes::blobs`); a
    /// document cannot reference the row once it is deleted (foreign key). `false` when the blob was kept.
    #[tracing::instrument(skip_all, fields(sha256 = %sha256))]
    pub async fn forget_blob<F, Fut>(
        &self,
        sha256: &str,
        touched_before: i64,
        remove: F,
    ) -> StoreResult<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = std::io::Result<()>>,
    {
        let mut tx = self.begin_write().await?;
        let still: Option<(i64,)> = sql::query_as(
            "SELECT b.size FROM blobs b WHERE b.sha256 = $1 AND b.touched_at < $2 \
             AND NOT EXISTS (SELECT 1 FROM document_files f WHERE f.sha256 = b.sha256) \
             AND NOT EXISTS (SELECT 1 FROM incoming_files f WHERE f.sha256 = b.sha256)",
        )
        .bind(sha256)
        .bind(touched_before)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Ok(false);
        }
        sql::query("DELETE FROM blob_holders WHERE sha256 = $1")
            .bind(sha256)
            .execute(&mut *tx)
            .await?;
        sql::query("DELETE FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .execute(&mut *tx)
            .await?;
        remove()
            .await
            .map_err(|e| super::StoreError::Corrupt(format!("blob {sha256} not removed: {e}")))?;
        tx.commit().await?;
        Ok(true)
    }

    /// What an agency stores and may store: the bytes of the blobs its people uploaded first (a file another
    /// agency already stored costs nothing more on disk, so it is not counted twice) and its own quota.
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn agency_storage(&self, agency_id: i64) -> StoreResult<AgencyStorage> {
        let (used, quota_mb): (Option<i64>, Option<i64>) = sql::query_as(
            "SELECT (SELECT CAST(SUM(b.size) AS BIGINT) FROM blobs b JOIN users u ON u.id = b.uploaded_by \
             JOIN units un ON un.id = u.unit_id WHERE un.agency_id = a.id), a.storage_quota_mb \
             FROM agencies a WHERE a.id = $1",
        )
        .bind(agency_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(super::StoreError::NotFound)?;
        Ok(AgencyStorage {
            used_bytes: used.unwrap_or(0),
            quota_mb,
        })
    }

    /// Sets an agency's own quota (`None`: the server's default).
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn set_agency_quota(
        &self,
        actor: &super::Actor,
        agency_id: i64,
        quota_mb: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let n = sql::query("UPDATE agencies SET storage_quota_mb = $1 WHERE id = $2")
            .bind(quota_mb)
            .bind(agency_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(super::StoreError::NotFound);
        }
        Self::append_audit(
            &mut tx,
            super::AuditEvent {
                actor,
                agency_id: Some(agency_id),
                action: "agency.quota",
                target: Some(format!("agency:{agency_id}")),
                target_name: None,
                details: serde_json::json!({ "storage_quota_mb": quota_mb }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An agency's storage: used bytes and its own quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyStorage {
    pub used_bytes: i64,
    /// The agency's own quota in MiB; `None` means the server's default.
    pub quota_mb: Option<i64>,
}

impl AgencyStorage {
    pub fn quota_bytes(&self, default_mb: i64) -> i64 {
        self.quota_mb
            .unwrap_or(default_mb)
            .saturating_mul(1024 * 1024)
    }
}
