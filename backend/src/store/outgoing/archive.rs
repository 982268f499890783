//! The archive's document timestamps (PAdES B-LTA): which issued documents' last timestamp certificate is
//! about to expire, and recording their renewed files as a new issued version (every earlier version is kept,
//! so a copy someone downloaded before the renewal stays an authentic original for the public verification).

impl crate::store::Store {
    /// Issued (or recalled) documents whose last document timestamp's certificate expires before `before`
    /// (ms), soonest first, leaving out those whose last renewal failed and whose retry time is after `now`: id,
    /// current version, and that expiry.
    #[tracing::instrument(skip_all)]
    pub async fn archive_timestamps_due(
        &self,
        before: i64,
        now: i64,
        limit: i64,
    ) -> crate::store::StoreResult<Vec<(i64, i64, i64)>> {
        Ok(crate::store::sql::query_as(
            "SELECT id, version, archive_timestamp_until FROM outgoing_documents WHERE archive_timestamp_until IS NOT NULL \
             AND archive_timestamp_until < $1 AND status IN ('issued', 'recalled') \
             AND (archive_timestamp_retry_at IS NULL OR archive_timestamp_retry_at <= $2) \
             ORDER BY archive_timestamp_until, id LIMIT $3",
        )
        .bind(before)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The files (name, SHA-256, size; main first) of an issued document's version.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn issued_files(
        &self,
        id: i64,
        version: i64,
    ) -> crate::store::StoreResult<Vec<(String, String, i64)>> {
        Ok(crate::store::sql::query_as(
            "SELECT name, sha256, size FROM document_files WHERE document_id = $1 AND version = $2 \
             AND kind = 'issued' ORDER BY position",
        )
        .bind(id)
        .bind(version)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records an issued document's files with a renewed document timestamp as its next version, issued like
    /// the one before, with when the new timestamp's certificate expires; audited as the archive's own step.
    /// Refused when the document changed since `version` was read.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn renew_archive_timestamp(
        &self,
        id: i64,
        version: i64,
        files: &[crate::store::common::NewFile],
        until: Option<i64>,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        let issued = matches!(
            d.status,
            shared::outgoing::OutgoingStatus::Issued | shared::outgoing::OutgoingStatus::Recalled
        );
        if d.version != version || !issued {
            return Err(crate::store::StoreError::State(
                "Văn bản vừa thay đổi; gia hạn dấu thời gian lưu trữ ở lượt sau.",
            ));
        }
        let by = d.issued_by.unwrap_or(d.drafter_id);
        let now = crate::store::now_ms();
        // The renewed files are the agency's, recorded as the issuing clerk's, like the issued ones.
        for f in files {
            crate::store::sql::query(
                "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at, touched_at) \
                 VALUES ($1, $2, 'application/pdf', $3, $4, $4) ON CONFLICT (sha256) DO UPDATE SET touched_at = $4",
            )
            .bind(&f.sha256)
            .bind(f.size)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            crate::store::sql::query(
                "INSERT INTO blob_holders (sha256, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(&f.sha256)
            .bind(d.agency_id)
            .execute(&mut *tx)
            .await?;
        }
        Self::insert_files(&mut tx, id, version + 1, "issued", files, by).await?;
        crate::store::sql::query(
            "UPDATE outgoing_documents SET version = $1, archive_timestamp_until = $2, \
             archive_timestamp_failures = 0, archive_timestamp_retry_at = NULL WHERE id = $3",
        )
        .bind(version + 1)
        .bind(until)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({
            "version": version + 1,
            "sha256": files.first().map(|f| f.sha256.clone()),
            "archive_timestamp_until": until,
        });
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor: &crate::store::Actor {
                    id: None,
                    username: Some("vanban-archive".into()),
                    client_addr: None,
                },
                agency_id: Some(d.agency_id),
                action: "outgoing.archive_timestamp",
                target: Some(format!("outgoing:{id}")),
                target_name: Some(d.subject.clone()),
                details,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that renewing `id`'s archive timestamp failed at `now`: it is tried again after
    /// [`archive_retry_delay`] of its failures so far, not at every pass. Returns when.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn archive_timestamp_failed(
        &self,
        id: i64,
        now: i64,
    ) -> crate::store::StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (failures,): (i64,) = crate::store::sql::query_as(
            "UPDATE outgoing_documents SET archive_timestamp_failures = archive_timestamp_failures + 1 \
             WHERE id = $1 RETURNING archive_timestamp_failures",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let retry_at = now + archive_retry_delay(failures);
        crate::store::sql::query(
            "UPDATE outgoing_documents SET archive_timestamp_retry_at = $1 WHERE id = $2",
        )
        .bind(retry_at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(retry_at)
    }
}

/// How long the archive job waits before trying a document again after its `failures`-th failure in a row
/// (ms): one hour, doubling, at most seven days. The renewal margin (90 days by default) leaves room for
/// many tries, and the first ones come soon after a short outage of the TSA.
pub fn archive_retry_delay(failures: i64) -> i64 {
    const HOUR: i64 = 3600 * 1000;
    const MAX: i64 = 7 * 24 * HOUR;
    let doublings = failures.clamp(1, 16) - 1;
    (HOUR << doublings).min(MAX)
}
