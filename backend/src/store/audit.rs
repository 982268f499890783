//! The append-only, hash-chained audit log. Entries are appended by the other parts of the store inside their
//! own transactions (`Store::append_audit` in `common.rs`; every step on a document through
//! [`Store::audit_document`] here); this part also reads and checks the chain.

use super::Store;
use sha2::{Digest, Sha256};
use shared::audit::AuditEntryDto;

/// The document a step acts on, named as it was at that moment, so the log reads without lookups.
pub(crate) struct AuditedDocument {
    /// `outgoing` or `incoming`.
    kind: &'static str,
    id: i64,
    agency_id: i64,
    /// Số, ký hiệu (the issued number of an outgoing document, the sender's of an incoming one), when it has one.
    number: Option<String>,
    subject: String,
}

impl AuditedDocument {
    pub(crate) fn outgoing(d: &crate::store::outgoing::DocRow) -> Self {
        Self {
            kind: "outgoing",
            id: d.id,
            agency_id: d.agency_id,
            number: d.number_text.clone(),
            subject: d.subject.clone(),
        }
    }

    pub(crate) fn incoming(r: &crate::store::incoming::IncomingRow) -> Self {
        Self {
            kind: "incoming",
            id: r.id,
            agency_id: r.agency_id,
            number: Some(r.code_text.clone()).filter(|c| !c.is_empty()),
            subject: r.subject.clone(),
        }
    }

    /// The same document under the number it has just been given.
    pub(crate) fn numbered(mut self, number: &str) -> Self {
        self.number = Some(number.to_string());
        self
    }
}

impl Store {
    /// Appends the audit entry of one step on a document inside the step's transaction: the target is
    /// `outgoing:<id>` or `incoming:<id>`, the target name its subject, and the details carry its number
    /// (`"number"`) beside what the step adds. The one place every document step is audited from, and so
    /// where the document's search entry is rewritten ([`Store::reindex_document`]).
    #[tracing::instrument(skip_all, fields(action = action))]
    pub(crate) async fn audit_document(
        tx: &mut crate::store::sql::Tx,
        actor: &shared::user::UserDto,
        action: &'static str,
        doc: AuditedDocument,
        details: serde_json::Value,
    ) -> crate::store::StoreResult<()> {
        let mut details = match details {
            serde_json::Value::Object(map) => map,
            serde_json::Value::Null => serde_json::Map::new(),
            other => {
                let mut map = serde_json::Map::new();
                map.insert("detail".into(), other);
                map
            }
        };
        if let Some(number) = doc.number {
            details.insert("number".into(), serde_json::Value::String(number));
        }
        // Every step on a document passes here after its change, so the search index follows each one in the
        // same transaction (a step that changes nothing searchable leaves the entry untouched).
        let kind = shared::search::SearchKind::from_code(doc.kind)
            .ok_or_else(|| crate::store::common::corrupt("document kind"))?;
        Self::reindex_document(tx, kind, doc.id).await?;
        Self::append_audit(
            tx,
            crate::store::AuditEvent {
                actor: &Self::audit_actor(actor),
                agency_id: Some(doc.agency_id),
                action,
                target: Some(format!("{}:{}", doc.kind, doc.id)),
                target_name: Some(doc.subject),
                details: serde_json::Value::Object(details),
            },
        )
        .await
    }
}

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

    /// One page of the audit entries the query's filters keep (newest first), each with the acting person's
    /// name and its sentence, and how many entries they keep in all. `agency_id` is the caller's scope, already
    /// decided by the access rules. Every value is a bound argument.
    #[tracing::instrument(skip_all)]
    pub async fn search_audit(
        &self,
        q: &shared::audit::AuditQuery,
    ) -> crate::store::StoreResult<(Vec<shared::audit::AuditEntryDto>, i64)> {
        use crate::store::sql::Value;
        let mut cond = String::new();
        let mut args: Vec<Value> = Vec::new();
        let mut add = |sql: &str, values: Vec<Value>| {
            let mut sql = sql.to_string();
            for v in values {
                args.push(v);
                sql = sql.replacen("$?", &format!("${}", args.len()), 1);
            }
            cond.push_str(&sql);
        };
        if let Some(a) = q.agency_id {
            add(" AND a.agency_id = $?", vec![a.into()]);
        }
        if let Some(a) = q.actor_id {
            add(" AND a.actor_id = $?", vec![a.into()]);
        }
        if let Some(name) = &q.actor {
            // Names are kept folded (no accents, lower case) in `search_text`, so both databases agree.
            let pattern =
                crate::store::common::contains_pattern(&shared::text::fold_for_search(name));
            add(
                " AND (u.search_text LIKE $? ESCAPE '\\' OR LOWER(a.actor_username) LIKE $? ESCAPE '\\')",
                vec![pattern.clone().into(), pattern.into()],
            );
        }
        if let Some(action) = &q.action {
            if action.contains('.') {
                add(" AND a.action = $?", vec![action.as_str().into()]);
            } else {
                add(" AND a.action LIKE $?", vec![format!("{action}.%").into()]);
            }
        }
        if let Some(t) = &q.target {
            add(" AND a.target = $?", vec![t.as_str().into()]);
        }
        if let Some(d) = &q.document {
            // As the document lists do: both databases fold the ASCII letters only.
            let pattern = crate::store::common::contains_pattern(&d.to_ascii_lowercase());
            let fold = |col: &str| match self.kind() {
                crate::store::DbKind::Sqlite => format!("LOWER({col})"),
                crate::store::DbKind::Postgres => format!("LOWER({col} COLLATE \"C\")"),
            };
            add(
                &format!(
                    " AND (a.target LIKE 'outgoing:%' OR a.target LIKE 'incoming:%') \
                     AND ({} LIKE $? ESCAPE '\\' OR {} LIKE $? ESCAPE '\\')",
                    fold("a.target_name"),
                    fold("a.details")
                ),
                vec![pattern.clone().into(), pattern.into()],
            );
        }
        if let Some(from) = q.from_ms() {
            add(" AND a.at >= $?", vec![from.into()]);
        }
        if let Some(end) = q.to_end_ms() {
            add(" AND a.at < $?", vec![end.into()]);
        }
        if let Some(seq) = q.before_seq {
            add(" AND a.seq < $?", vec![seq.into()]);
        }
        const FROM: &str = " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1";
        let mut count =
            crate::store::sql::query_as::<(i64,)>(format!("SELECT COUNT(*){FROM}{cond}"));
        for v in &args {
            count = count.bind(v.clone());
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        let n = args.len();
        let mut rows = crate::store::sql::query_as::<crate::store::common::AuditRow>(format!(
            "SELECT a.seq, a.at, a.actor_id, a.actor_username, a.agency_id, a.action, a.target, a.target_name, \
             a.details, a.client_addr, a.prev_hash, a.hash, u.full_name AS actor_name{FROM}{cond} \
             ORDER BY a.seq DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ));
        for v in args {
            rows = rows.bind(v);
        }
        let rows = rows
            .bind(i64::from(q.per_page))
            .bind(q.offset())
            .fetch_all(&self.pool)
            .await?;
        Ok((rows.into_iter().map(|r| r.into_dto()).collect(), total))
    }

    /// Re-computes the whole audit chain.
    pub async fn verify_audit_chain(
        &self,
    ) -> crate::store::StoreResult<crate::store::AuditChainReport> {
        Ok(self.verify_audit_chain_finding(&[]).await?.0)
    }

    /// Re-computes the whole audit chain and finds the given entry hashes in it (lower-case hex): for each, the
    /// sequence number of the entry that carries it, or `None` when no entry does. A printed history is checked
    /// this way (`vanban audit verify --hash`, `--entries`).
    #[tracing::instrument(skip_all, fields(wanted = wanted.len()))]
    pub async fn verify_audit_chain_finding(
        &self,
        wanted: &[String],
    ) -> crate::store::StoreResult<(crate::store::AuditChainReport, HashFindings)> {
        let mut found: std::collections::HashMap<String, Option<i64>> = wanted
            .iter()
            .map(|h| (h.to_ascii_lowercase(), None))
            .collect();
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
                if let Some(slot) = found.get_mut(&entry.hash) {
                    slot.get_or_insert(seq);
                }
                prev = entry.hash;
                expected_seq = seq + 1;
            }
        }
        let found = wanted
            .iter()
            .map(|h| {
                (
                    h.clone(),
                    found.get(&h.to_ascii_lowercase()).copied().flatten(),
                )
            })
            .collect();
        Ok((
            crate::store::AuditChainReport {
                entries,
                first_broken_seq,
            },
            found,
        ))
    }

    /// Every audit entry about one document (`target` is `outgoing:<id>` or `incoming:<id>`), oldest first, with
    /// the name of the person each step was taken for under a delegation (`on_behalf_of` in the details).
    #[tracing::instrument(skip_all, fields(target = target))]
    pub async fn document_audit_trail(
        &self,
        target: &str,
    ) -> crate::store::StoreResult<Vec<DocumentTrailEntry>> {
        let rows: Vec<crate::store::common::AuditRow> = crate::store::sql::query_as(
            "SELECT a.seq, a.at, a.actor_id, a.actor_username, a.agency_id, a.action, a.target, a.target_name, \
             a.details, a.client_addr, a.prev_hash, a.hash, u.full_name AS actor_name \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.target = $1 ORDER BY a.seq",
        )
        .bind(target)
        .fetch_all(&self.pool)
        .await?;
        let mut names: std::collections::HashMap<i64, String> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let entry = row.into_dto();
            let behalf = serde_json::from_str::<serde_json::Value>(&entry.details)
                .ok()
                .and_then(|d| d.get("on_behalf_of").and_then(serde_json::Value::as_i64));
            let on_behalf_of = match behalf {
                None => None,
                Some(id) if names.contains_key(&id) => names.get(&id).cloned(),
                Some(id) => {
                    let name: Option<(String,)> =
                        crate::store::sql::query_as("SELECT full_name FROM users WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&self.pool)
                            .await?;
                    let name = name.map_or_else(|| format!("tài khoản #{id}"), |n| n.0);
                    names.insert(id, name.clone());
                    Some(name)
                }
            };
            out.push(DocumentTrailEntry {
                entry,
                on_behalf_of,
            });
        }
        Ok(out)
    }
}

/// For each hash looked for, the sequence number of the entry carrying it (`None`: no entry does).
pub type HashFindings = Vec<(String, Option<i64>)>;

/// One step in a document's audit trail.
#[derive(Debug, Clone)]
pub struct DocumentTrailEntry {
    /// The entry as the chain holds it, with its sentence and the actor's name.
    pub entry: AuditEntryDto,
    /// The person the actor stood in for under a delegation, when they did.
    pub on_behalf_of: Option<String>,
}
