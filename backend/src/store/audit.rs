//! The append-only, hash-chained audit log. Entries are appended by the other parts of the store inside their
//! own transactions (`append_audit`, stamped out by `sql_store!`); this part reads and checks the chain.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use shared::audit::AuditEntryDto;

use super::{AuditChainReport, AuditFilter, StoreResult};

/// Reading and checking the audit log.
#[async_trait]
pub trait AuditStore {
    /// Audit entries, newest first.
    async fn list_audit(&self, filter: AuditFilter) -> StoreResult<Vec<AuditEntryDto>>;
    /// Re-computes the whole audit chain.
    async fn verify_audit_chain(&self) -> StoreResult<AuditChainReport>;
}

/// The hash of an audit entry: SHA-256 over the previous hash and every field, each length-prefixed so no two
/// different entries can serialise to the same bytes.
pub fn audit_hash(prev_hash: &str, e: &AuditEntryDto) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&e.seq.to_be_bytes());
    field(&e.at.0.to_be_bytes());
    field(
        e.actor_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.actor_username.as_deref().unwrap_or("").as_bytes());
    field(
        e.agency_id
            .map(|v| v.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(e.action.as_bytes());
    field(e.target.as_deref().unwrap_or("").as_bytes());
    field(e.target_name.as_deref().unwrap_or("").as_bytes());
    field(e.details.as_bytes());
    field(e.client_addr.as_deref().unwrap_or("").as_bytes());
    shared::hex(&h.finalize())
}

/// The SQL implementation of [`AuditStore`], stamped out per database by `sql_store!`.
macro_rules! audit_impl {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AuditStore for $store {
            async fn list_audit(
                &self,
                filter: $crate::store::AuditFilter,
            ) -> $crate::store::StoreResult<Vec<shared::audit::AuditEntryDto>> {
                let rows: Vec<$crate::store::common::AuditRow> = sqlx::query_as(
                    "SELECT seq, at, actor_id, actor_username, agency_id, action, target, target_name, details, client_addr, \
                     prev_hash, hash FROM audit_log WHERE ($1 IS NULL OR agency_id = $1) AND ($2 IS NULL OR seq < $2) \
                     ORDER BY seq DESC LIMIT $3",
                )
                .bind(filter.agency_id)
                .bind(filter.before_seq)
                .bind(filter.limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|r| r.into_dto()).collect())
            }

            async fn verify_audit_chain(&self) -> $crate::store::StoreResult<$crate::store::AuditChainReport> {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query_as::<_, $crate::store::common::AuditRow>(
                    "SELECT seq, at, actor_id, actor_username, agency_id, action, target, target_name, details, client_addr, \
                     prev_hash, hash FROM audit_log ORDER BY seq",
                )
                .fetch(&self.pool);
                let mut prev = "0".repeat(64);
                let mut expected_seq = 1;
                let mut entries = 0;
                let mut first_broken_seq = None;
                while let Some(row) = rows.try_next().await? {
                    entries += 1;
                    let seq = row.seq;
                    let stored_prev = row.prev_hash.clone();
                    let entry = row.into_dto();
                    let ok = seq == expected_seq
                        && stored_prev == prev
                        && $crate::store::audit_hash(&prev, &entry) == entry.hash;
                    if !ok && first_broken_seq.is_none() {
                        first_broken_seq = Some(seq);
                    }
                    prev = entry.hash;
                    expected_seq = seq + 1;
                }
                Ok($crate::store::AuditChainReport { entries, first_broken_seq })
            }
        }
    };
}
pub(crate) use audit_impl;
