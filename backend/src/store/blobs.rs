//! Files known to the store: each blob the content-addressed store holds is recorded with its size, media type
//! and first uploader, and with the agencies that hold it (access rule: knowing a SHA-256 gives nothing; an
//! agency may reference a blob only once one of its people uploaded those bytes or it received them through a
//! delivery).

use shared::user::UserDto;

use super::sql;
use super::{Store, StoreResult};

impl Store {
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
        sql::query(
            "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(size)
        .bind(media_type)
        .bind(uploader.id)
        .bind(super::now_ms())
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
}
