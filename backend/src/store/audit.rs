//! The append-only, hash-chained audit log. Entries are appended by the other parts of the store inside their
//! own transactions (`Store::append_audit` in `common.rs`); this part reads and checks the chain.

use super::Store;
use sha2::{Digest, Sha256};
use shared::audit::AuditEntryDto;

// Reading and checking the audit log.

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

impl Store {
    /// Audit entries, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list_audit(
        &self,
        filter: crate::store::AuditFilter,
    ) -> crate::store::StoreResult<Vec<shared::audit::AuditEntryDto>> {
        let rows: Vec<crate::store::common::AuditRow> = crate::store::sql::query_as(
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

    /// Re-computes the whole audit chain.
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit_chain(
        &self,
    ) -> crate::store::StoreResult<crate::store::AuditChainReport> {
        // Read in pages by sequence number, so a long log never sits in memory at once.
        const PAGE: i64 = 5_000;
        let mut prev = "0".repeat(64);
        let mut expected_seq = 1;
        let mut entries = 0;
        let mut first_broken_seq = None;
        let mut after = i64::MIN;
        loop {
            let rows: Vec<crate::store::common::AuditRow> = crate::store::sql::query_as(
                "SELECT seq, at, actor_id, actor_username, agency_id, action, target, target_name, details, \
                 client_addr, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in rows {
                entries += 1;
                let seq = row.seq;
                let stored_prev = row.prev_hash.clone();
                let entry = row.into_dto();
                let ok = seq == expected_seq
                    && stored_prev == prev
                    && crate::store::audit_hash(&prev, &entry) == entry.hash;
                if !ok && first_broken_seq.is_none() {
                    first_broken_seq = Some(seq);
                }
                prev = entry.hash;
                expected_seq = seq + 1;
            }
        }
        Ok(crate::store::AuditChainReport {
            entries,
            first_broken_seq,
        })
    }
}
