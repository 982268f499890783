//! Search (`GET /api/search`): the index of every document's searchable text, kept in the transaction of each
//! change to the document, and the query over it that returns only what the person may open.
//!
//! One row of `search_entries` per document holds its text folded by [`shared::text::fold_for_search`] (the
//! same fold the query gets): `meta` (number and notation, trích yếu, issuing agency, signer, recipients,
//! instructions and handling comments, record-file titles) and `content` (the text layer of its files, read
//! from `blob_texts`, which the handlers fill on the blocking pool before the transaction). Their words, tagged
//! with the agency ([`search_words`]), go to SQLite's FTS5 table `search_words` and PostgreSQL's `words`
//! tsvector: a query is a phrase of whole words, the last one a prefix, looked up in its agency's posting lists
//! only (docs/ARCHITECTURE.md, "Search").
//!
//! Who may open what is the access module's rule (`access::outgoing_view`, `access::sees_incoming`), written
//! here once more as SQL ([`visible_entry_ids`]); `tests/it/search.rs` and `tests/it/access_matrix.rs` prove that
//! every hit opens and that nothing else is counted. A search covers the person's own agency: the documents it
//! issued and those it received (a document another agency issued to it is found as its incoming copy).

use shared::list_query::{ListKind, statuses};
use shared::search::{SearchHighlights, SearchHit, SearchKind, SearchQuery};

use crate::store::search_words;
use crate::store::sql::{self, Tx, Value};
use crate::store::{DbKind, Store, StoreResult};

/// The most folded text of a document's files that is indexed (the first pages say what it is about).
pub const MAX_CONTENT_CHARS: usize = 60_000;

/// The SQL set of the ids of the search entries that the person `$1` (agency `$2`, unit `$3`, unit leader `$4`,
/// today `$5`), who is not agency staff, may open in their own agency: for an outgoing document
/// [`crate::access::outgoing_view`] is `Some`, for an incoming one [`crate::access::sees_incoming`]. Agency staff
/// open every document of their agency and need no set (see [`Store::search`]).
///
/// They open what they took part in: what they were assigned, assigned to their unit when they lead it,
/// assigned by them or by someone who delegated to them; what they drafted, signed, reviewed, acted on, or may
/// sign for its signer today. Each is mapped to its entry's id ([`entry_id`] in the person's agency), so the
/// search starts from these few hundred entries and tests each against the words, instead of reading each of
/// the thousands of entries a common phrase matches to test it against the sets (a handler's filtered search at
/// a million documents read ten entries for each one it could show). `tests/it/access_matrix.rs`
/// (`run_search`) proves it against the access module for every actor.
pub(crate) fn visible_entry_ids() -> String {
    let incoming = |doc: &str| entry_id_sql("$2", SearchKind::Incoming, doc);
    let outgoing = |doc: &str| entry_id_sql("$2", SearchKind::Outgoing, doc);
    format!(
        "SELECT {a} FROM assignments a WHERE a.user_id = $1 \
         UNION ALL SELECT {a} FROM assignments a WHERE $4 AND a.unit_id = $3 \
         UNION ALL SELECT {i} FROM incoming_documents i WHERE i.assigner_id = $1 \
         UNION ALL SELECT {i} FROM delegations g JOIN incoming_documents i ON i.assigner_id = g.from_user_id \
             WHERE g.to_user_id = $1 AND g.revoked_at IS NULL AND g.starts_on <= $5 AND g.ends_on >= $5 \
         UNION ALL SELECT {d} FROM outgoing_documents d WHERE d.drafter_id = $1 OR d.signer_id = $1 \
         UNION ALL SELECT {s} FROM review_steps s WHERE s.reviewer_id = $1 \
         UNION ALL SELECT {h} FROM document_history h WHERE h.actor_id = $1 \
         UNION ALL SELECT {d} FROM outgoing_documents d WHERE d.status = 'awaiting_signature' \
             AND d.signer_id IN (SELECT g.from_user_id FROM delegations g WHERE g.to_user_id = $1 \
                 AND g.signing IS NOT NULL AND g.id = (SELECT MAX(g2.id) FROM delegations g2 \
                 WHERE g2.from_user_id = g.from_user_id AND g2.to_user_id = $1 AND g2.revoked_at IS NULL \
                 AND g2.starts_on <= $5 AND g2.ends_on >= $5))",
        a = incoming("a.incoming_id"),
        i = incoming("i.id"),
        d = outgoing("d.id"),
        s = outgoing("s.document_id"),
        h = outgoing("h.document_id"),
    )
}

/// The arguments `$1`…`$5` of [`visible_entry_ids`] for `user`.
fn visibility_args(user: &shared::user::UserDto) -> Vec<Value> {
    use shared::role::Role;
    vec![
        user.id.into(),
        user.agency.id.into(),
        user.unit.id.into(),
        user.has_role(Role::UnitLeader).into(),
        crate::store::common::today().into(),
    ]
}

/// The number part of a folded `số, ký hiệu` (`12/qd-ubnd` → `12`).
fn number_head(number_key: &str) -> String {
    number_key
        .split('/')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// What one row of `search_entries` holds (its text already folded).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    agency_id: i64,
    doc_date: i64,
    unit_id: Option<i64>,
    doc_type: String,
    urgency: String,
    number_key: String,
    number_head: String,
    title: String,
    meta: String,
    content: String,
}

/// Folds the non-empty parts into one line each.
fn fold_lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let lines: Vec<String> = parts
        .into_iter()
        .map(shared::text::fold_for_search)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    lines.join("\n")
}

/// Cuts folded text at [`MAX_CONTENT_CHARS`] characters.
fn cap(mut s: String) -> String {
    if let Some((at, _)) = s.char_indices().nth(MAX_CONTENT_CHARS) {
        s.truncate(at);
    }
    s
}

/// The id of the search entry of document `doc_id` of `kind` in `agency`: the agency first, so that an agency's
/// entries are neighbours in SQLite's table (migration 0014). Documents and agencies are numbered far below
/// 2^40 and 2^22.
pub(crate) fn entry_id(agency: i64, kind: SearchKind, doc_id: i64) -> i64 {
    (agency << 41) + kind_bit(kind) + doc_id
}

/// The part of [`entry_id`] that tells an incoming document's entry from an outgoing one's.
fn kind_bit(kind: SearchKind) -> i64 {
    match kind {
        SearchKind::Outgoing => 0,
        SearchKind::Incoming => 1 << 40,
    }
}

/// [`entry_id`] as SQL over the columns `agency` and `doc_id` (both databases multiply the same way).
fn entry_id_sql(agency: &str, kind: SearchKind, doc_id: &str) -> String {
    format!(
        "({agency} * {} + {} + {doc_id})",
        1_i64 << 41,
        kind_bit(kind)
    )
}

impl Store {
    /// Writes the search entry of document `id` from its rows as they are now in `tx`: every store method that
    /// changes what a document is found by (its text, its files, its number, its instructions, its recipients,
    /// the record files it is in, its lead unit) calls it before committing, so the index never disagrees with
    /// the document. Record files call it when a document is filed or removed from a file.
    #[tracing::instrument(skip_all, fields(kind = kind.code(), id = id))]
    pub(crate) async fn reindex_document(
        tx: &mut Tx,
        kind: SearchKind,
        id: i64,
    ) -> StoreResult<()> {
        let Some(entry) = Self::entry_of(tx, kind, id).await? else {
            return Ok(());
        };
        let row_id = entry_id(entry.agency_id, kind, id);
        let facets = search_words::Facets {
            kind: Some(kind),
            doc_type: Some(&entry.doc_type),
            urgency: Some(&entry.urgency),
            unit_id: entry.unit_id,
        };
        let words =
            search_words::index_text(entry.agency_id, &[&entry.meta, &entry.content], &facets);
        let words_sha = shared::hex(&<sha2::Sha256 as sha2::Digest>::digest(words.as_bytes()));
        #[derive(sqlx::FromRow, PartialEq, Eq)]
        struct Stored {
            doc_date: i64,
            unit_id: Option<i64>,
            doc_type: String,
            urgency: String,
            number_key: String,
            number_head: String,
            title: String,
            words_sha256: String,
        }
        let old: Option<Stored> = sql::query_as(
            "SELECT doc_date, unit_id, doc_type, urgency, number_key, number_head, title, words_sha256 \
             FROM search_entries WHERE agency_id = $1 AND id = $2",
        )
        .bind(entry.agency_id)
        .bind(row_id)
        .fetch_optional(&mut *tx)
        .await?;
        let new = Stored {
            doc_date: entry.doc_date,
            unit_id: entry.unit_id,
            doc_type: entry.doc_type.clone(),
            urgency: entry.urgency.clone(),
            number_key: entry.number_key,
            number_head: entry.number_head,
            title: entry.title,
            words_sha256: words_sha,
        };
        if old.as_ref() == Some(&new) {
            return Ok(());
        }
        let words_changed = old
            .as_ref()
            .is_none_or(|o| o.words_sha256 != new.words_sha256);
        let pg = tx.kind() == DbKind::Postgres;
        let mut write = (if old.is_some() {
            sql::query(format!(
                "UPDATE search_entries SET doc_date = $1, unit_id = $2, number_key = $3, number_head = $4, \
                 title = $5, words_sha256 = $6, doc_type = $9, urgency = $10{} WHERE agency_id = $7 AND id = $8",
                if pg && words_changed { ", words = CAST($11 AS tsvector)" } else { "" }
            ))
        } else {
            sql::query(format!(
                "INSERT INTO search_entries (doc_date, unit_id, number_key, number_head, title, words_sha256, \
                 agency_id, id, doc_type, urgency, kind, doc_id{}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}', {id}{})",
                if pg { ", words" } else { "" },
                kind.code(),
                if pg { ", CAST($11 AS tsvector)" } else { "" },
            ))
        })
        .bind(new.doc_date)
        .bind(new.unit_id)
        .bind(&new.number_key)
        .bind(&new.number_head)
        .bind(&new.title)
        .bind(&new.words_sha256)
        .bind(entry.agency_id)
        .bind(row_id)
        .bind(&new.doc_type)
        .bind(&new.urgency);
        if pg && words_changed {
            write = write.bind(search_words::pg_terms(
                entry.agency_id,
                &[&entry.meta, &entry.content],
                &facets,
            ));
        }
        write.execute(&mut *tx).await?;
        // SQLite keeps the words in the FTS table beside the entry, under the entry's id.
        if !pg && words_changed {
            if old.is_some() {
                sql::query("DELETE FROM search_words WHERE rowid = $1")
                    .bind(row_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sql::query("INSERT INTO search_words (rowid, words) VALUES ($1, $2)")
                .bind(row_id)
                .bind(&words)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    /// The entry of a document from its rows; `None` when it does not exist.
    async fn entry_of(tx: &mut Tx, kind: SearchKind, id: i64) -> StoreResult<Option<Entry>> {
        match kind {
            SearchKind::Outgoing => Self::outgoing_entry(tx, id).await,
            SearchKind::Incoming => Self::incoming_entry(tx, id).await,
        }
    }

    async fn outgoing_entry(tx: &mut Tx, id: i64) -> StoreResult<Option<Entry>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            agency_id: i64,
            doc_date: i64,
            unit_id: i64,
            number_text: Option<String>,
            doc_type: String,
            urgency: String,
            subject: String,
            agency_name: String,
            agency_short: String,
            unit_short: String,
            signer_name: String,
            paper_recipients: String,
        }
        let row: Option<Row> = sql::query_as(
            "SELECT d.agency_id, COALESCE(d.issued_at, d.created_at) AS doc_date, d.unit_id, d.number_text, \
             d.doc_type, d.urgency, d.subject, a.name AS agency_name, a.short_name AS agency_short, u.short_name AS unit_short, \
             s.full_name AS signer_name, d.paper_recipients \
             FROM outgoing_documents d JOIN agencies a ON a.id = d.agency_id JOIN units u ON u.id = d.unit_id \
             JOIN users s ON s.id = d.signer_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let recipients: Vec<(String,)> = sql::query_as(
            "SELECT recipient_name FROM deliveries WHERE outgoing_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let paper: Vec<String> = serde_json::from_str(&r.paper_recipients).unwrap_or_default();
        let files = Self::record_file_titles(tx, "outgoing_id", id).await?;
        let texts = Self::outgoing_texts(tx, id).await?;
        let notation = crate::store::common::doc_type_of(&r.doc_type)
            .map(|t| shared::outgoing::notation(t, &r.agency_short, &r.unit_short))
            .unwrap_or_default();
        let number_key = shared::text::fold_for_search(r.number_text.as_deref().unwrap_or(""))
            .trim()
            .to_string();
        let mut parts: Vec<&str> = vec![
            r.number_text.as_deref().unwrap_or(""),
            &notation,
            &r.subject,
            &r.agency_name,
            &r.signer_name,
        ];
        parts.extend(recipients.iter().map(|(n,)| n.as_str()));
        parts.extend(paper.iter().map(String::as_str));
        parts.extend(files.iter().map(String::as_str));
        Ok(Some(Entry {
            agency_id: r.agency_id,
            doc_date: r.doc_date,
            unit_id: Some(r.unit_id),
            doc_type: r.doc_type,
            urgency: r.urgency,
            number_head: number_head(&number_key),
            number_key,
            title: shared::text::fold_for_search(&r.subject),
            meta: fold_lines(parts),
            content: cap(texts
                .into_iter()
                .map(|(t,)| t)
                .collect::<Vec<_>>()
                .join("\n")),
        }))
    }

    async fn incoming_entry(tx: &mut Tx, id: i64) -> StoreResult<Option<Entry>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            agency_id: i64,
            received_at: i64,
            doc_type: String,
            urgency: String,
            code_text: String,
            sender_name: String,
            subject: String,
            signer_name: Option<String>,
            instruction: Option<String>,
            note: Option<String>,
            lead_unit: Option<i64>,
            outgoing_id: Option<i64>,
        }
        let row: Option<Row> = sql::query_as(
            "SELECT i.agency_id, i.received_at, i.doc_type, i.urgency, i.code_text, i.sender_name, i.subject, i.signer_name, i.instruction, \
             i.note, i.outgoing_id, (SELECT a.unit_id FROM assignments a WHERE a.incoming_id = i.id AND a.role = 'lead' \
             AND a.parent_id IS NULL ORDER BY a.id LIMIT 1) AS lead_unit \
             FROM incoming_documents i WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        // The instructions of every assignment and the comments of the handling (reports, notes, reasons).
        let notes: Vec<(String,)> = sql::query_as(
            "SELECT instruction FROM assignments WHERE incoming_id = $1 AND instruction IS NOT NULL \
             UNION ALL SELECT comment FROM incoming_history WHERE incoming_id = $1 AND comment IS NOT NULL",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let files = Self::record_file_titles(tx, "incoming_id", id).await?;
        let mut texts: Vec<(String,)> = sql::query_as(
            "SELECT t.text FROM incoming_files f JOIN blob_texts t ON t.sha256 = f.sha256 \
             WHERE f.incoming_id = $1 ORDER BY f.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // A copy issued on the system reads as the document it is a copy of.
        if texts.is_empty()
            && let Some(outgoing) = r.outgoing_id
        {
            texts = Self::outgoing_texts(tx, outgoing).await?;
        }
        let number_key = shared::text::fold_for_search(&r.code_text)
            .trim()
            .to_string();
        let mut parts: Vec<&str> = vec![
            &r.code_text,
            &r.subject,
            &r.sender_name,
            r.signer_name.as_deref().unwrap_or(""),
            r.instruction.as_deref().unwrap_or(""),
            r.note.as_deref().unwrap_or(""),
        ];
        parts.extend(notes.iter().map(|(n,)| n.as_str()));
        parts.extend(files.iter().map(String::as_str));
        Ok(Some(Entry {
            agency_id: r.agency_id,
            doc_date: r.received_at,
            unit_id: r.lead_unit,
            doc_type: r.doc_type,
            urgency: r.urgency,
            number_head: number_head(&number_key),
            number_key,
            title: shared::text::fold_for_search(&r.subject),
            meta: fold_lines(parts),
            content: cap(texts
                .into_iter()
                .map(|(t,)| t)
                .collect::<Vec<_>>()
                .join("\n")),
        }))
    }

    /// The text of an outgoing document's files: of its latest version whose text was read (a signed, numbered
    /// or issued version is the draft with revisions appended, so it reads as the draft did).
    async fn outgoing_texts(tx: &mut Tx, id: i64) -> StoreResult<Vec<(String,)>> {
        Ok(sql::query_as(
            "SELECT t.text FROM document_files f JOIN blob_texts t ON t.sha256 = f.sha256 \
             WHERE f.document_id = $1 AND f.version = (SELECT MAX(f2.version) FROM document_files f2 \
             JOIN blob_texts t2 ON t2.sha256 = f2.sha256 WHERE f2.document_id = $1) ORDER BY f.position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?)
    }

    /// The titles and codes of the record files a document is filed in (`column`: `outgoing_id` or
    /// `incoming_id` of `record_file_documents`).
    async fn record_file_titles(
        tx: &mut Tx,
        column: &'static str,
        id: i64,
    ) -> StoreResult<Vec<String>> {
        let rows: Vec<(String, String)> = sql::query_as(format!(
            "SELECT f.title, f.code FROM record_file_documents rd JOIN record_files f ON f.id = rd.file_id \
             WHERE rd.{column} = $1 ORDER BY f.id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        Ok(rows
            .into_iter()
            .flat_map(|(title, code)| [title, code])
            .collect())
    }

    /// Whether the folded text of the stored file `sha256` is known already.
    #[tracing::instrument(skip_all)]
    pub async fn has_blob_text(&self, sha256: &str) -> StoreResult<bool> {
        let row: Option<(String,)> =
            sql::query_as("SELECT sha256 FROM blob_texts WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.is_some())
    }

    /// Keeps the folded text layer of the stored file `sha256` (read once; a blob never changes).
    #[tracing::instrument(skip_all)]
    pub async fn save_blob_text(&self, sha256: &str, folded: &str) -> StoreResult<()> {
        sql::query(
            "INSERT INTO blob_texts (sha256, text) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(cap(folded.to_string()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives the stored file `to` the text of `from` (a draft with its number fields reserved reads as the upload).
    #[tracing::instrument(skip_all)]
    pub async fn copy_blob_text(&self, from: &str, to: &str) -> StoreResult<()> {
        sql::query(
            "INSERT INTO blob_texts (sha256, text) SELECT $2, text FROM blob_texts WHERE sha256 = $1 \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(from)
        .bind(to)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Indexes every document that has no search entry yet (a database from before the index, or a bulk load),
    /// `batch` documents per transaction; returns how many it indexed.
    #[tracing::instrument(skip_all)]
    pub async fn index_missing_documents(&self, batch: usize) -> StoreResult<u64> {
        let mut done = 0;
        for kind in SearchKind::ALL {
            let table = match kind {
                SearchKind::Outgoing => "outgoing_documents",
                SearchKind::Incoming => "incoming_documents",
            };
            let mut after = 0_i64;
            loop {
                let mut ids: Vec<(i64, i64)> = sql::query_as(format!(
                    "SELECT d.id, d.agency_id FROM {table} d WHERE d.id > $1 AND NOT EXISTS (SELECT 1 FROM \
                     search_entries e WHERE e.agency_id = d.agency_id AND e.id = {}) ORDER BY d.id LIMIT $2",
                    entry_id_sql("d.agency_id", kind, "d.id")
                ))
                .bind(after)
                .bind(batch as i64)
                .fetch_all(&self.pool)
                .await?;
                if ids.is_empty() {
                    break;
                }
                // Onwards from the last one: a document that has no entry after reindexing (none) is not
                // read again, and each batch starts where the last ended instead of rescanning the indexed.
                after = ids.last().map_or(after, |(id, _)| *id);
                // Written in the order of the entries' ids: FTS5 flushes its pending terms to a new segment
                // whenever a rowid is not above the last one, and ids interleave agencies, so document order
                // made a segment (and merge work) per document: 1M documents slowed to ~1,000 a second.
                ids.sort_by_key(|&(id, agency)| entry_id(agency, kind, id));
                let mut tx = self.begin_write().await?;
                for (id, _) in &ids {
                    Self::reindex_document(&mut tx, kind, *id).await?;
                }
                tx.commit().await?;
                done += ids.len() as u64;
            }
        }
        Ok(done)
    }

    /// After entries were added in bulk ([`Self::index_missing_documents`] after an upgrade): fresh planner
    /// statistics, and on PostgreSQL the visibility map and hint bits of the new rows, which autovacuum would
    /// set only later. Until then each search re-checked every row it read against the transaction log: the
    /// first 32-client run after a rebuild of 1,100,000 entries was 30–60 % slower (docs/BENCHMARKS.md).
    #[tracing::instrument(skip_all)]
    pub async fn settle_search_index(&self) -> StoreResult<()> {
        match &self.pool {
            // VACUUM cannot run in a transaction, nor as a prepared statement's implicit one.
            sql::Pool::Postgres(p) => {
                sqlx::raw_sql("VACUUM (ANALYZE) search_entries")
                    .execute(p)
                    .await?;
            }
            sql::Pool::Sqlite(p) => {
                sqlx::raw_sql("ANALYZE search_entries").execute(p).await?;
            }
        }
        Ok(())
    }

    /// One page of the documents `user` may open that match `q`, best first (exact number, then the
    /// trích yếu, then anything else; newest first within each), and how many match in all.
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn search(
        &self,
        user: &shared::user::UserDto,
        q: &SearchQuery,
    ) -> StoreResult<(Vec<SearchHit>, i64)> {
        let needle = q.folded();
        let kind = self.pool.kind();
        let mut args = visibility_args(user);
        let arg = |v: Value, args: &mut Vec<Value>| -> String {
            args.push(v);
            format!("${}", args.len())
        };
        let p_needle = arg(needle.clone().into(), &mut args);
        // Direction, type, urgency and unit are terms of the index beside the words (search_words::Facets).
        let facets = search_words::Facets {
            kind: q.direction,
            doc_type: q.list.doc_type.map(|t| t.code()),
            urgency: q.list.urgency.map(shared::list_query::urgency_code),
            unit_id: q.unit_id,
        };
        // Which rows match: the agency's words and the facets asked for (search_words.rs). A query without a
        // letter or digit finds nothing.
        let matching = match kind {
            DbKind::Postgres => match search_words::tsquery(user.agency.id, &needle, &facets) {
                Some(t) => {
                    let p = arg(t.into(), &mut args);
                    format!("e.words @@ CAST({p} AS tsquery)")
                }
                None => return Ok((Vec::new(), 0)),
            },
            DbKind::Sqlite => match search_words::fts5_match(user.agency.id, &needle, &facets) {
                Some(m) => {
                    let p = arg(m.into(), &mut args);
                    format!("e.id IN (SELECT rowid FROM search_words WHERE search_words MATCH {p})")
                }
                None => return Ok((Vec::new(), 0)),
            },
        };
        let title_has = match kind {
            DbKind::Postgres => format!("strpos(e.title, {p_needle}) > 0"),
            DbKind::Sqlite => format!("instr(e.title, {p_needle}) > 0"),
        };
        let mut entry_filters = String::new();
        if let Some(from) = q.list.from_ms() {
            let p = arg(from.into(), &mut args);
            entry_filters.push_str(&format!(" AND e.doc_date >= {p}"));
        }
        if let Some(end) = q.list.to_end_ms() {
            let p = arg(end.into(), &mut args);
            entry_filters.push_str(&format!(" AND e.doc_date < {p}"));
        }
        // The status changes at every step, so it is read from the documents as the set of the agency's in that
        // status (type and urgency change only in an audited edit, which reindexes: they are facets).
        let doc_filters = match &q.list.status {
            None => String::new(),
            Some(s) => {
                let p = arg(s.clone().into(), &mut args);
                let in_status = |kind: SearchKind| {
                    let table = match kind {
                        SearchKind::Outgoing => "outgoing_documents",
                        SearchKind::Incoming => "incoming_documents",
                    };
                    format!(
                        "(e.kind = '{}' AND e.doc_id IN (SELECT x.id FROM {table} x \
                         WHERE x.agency_id = $2 AND x.status = {p}))",
                        kind.code()
                    )
                };
                // Only the set of the direction asked for: the other kind's entries are filtered out already.
                match q.direction {
                    Some(kind) => format!(" AND {}", in_status(kind)),
                    None => format!(
                        " AND ({} OR {})",
                        in_status(SearchKind::Outgoing),
                        in_status(SearchKind::Incoming)
                    ),
                }
            }
        };
        // Agency staff see every entry of the agency: the words choose the rows. Anyone else sees the few
        // hundred entries of what they took part in: those choose the rows (looked up by id), and each is
        // tested against the words. SQLite: the `+` keeps the words' list of ids from choosing the rows as well.
        // PostgreSQL: the set is computed first as an array (`ANY(ARRAY(…))`, an init plan) and probed through
        // the primary key; as `IN (…)` it was planned as a join from the estimated size of the sets (thousands)
        // and compared each of the words' 3,904 matches with each of 351 ids (182 ms instead of 2).
        let staff = crate::access::is_agency_staff(user, user.agency.id);
        let chosen = match (staff, kind) {
            (true, _) => matching,
            (false, DbKind::Sqlite) => format!("e.id IN ({}) AND +{matching}", visible_entry_ids()),
            (false, DbKind::Postgres) => {
                format!("e.id = ANY(ARRAY({})) AND {matching}", visible_entry_ids())
            }
        };
        let matches = format!(
            "FROM search_entries e WHERE e.agency_id = $2 AND {chosen}{entry_filters}{doc_filters}"
        );
        let filter_args = args.len();
        let p_limit = arg(i64::from(q.list.per_page).into(), &mut args);
        let p_offset = arg(q.list.offset().into(), &mut args);
        // The page is chosen and counted over the entries alone; only its rows are then read from the documents
        // (a second statement by id: joined in one, PostgreSQL's generic plan may hash-join whole tables).
        let sql = format!(
            "SELECT e.kind, e.doc_id, e.doc_date, \
               CAST(CASE WHEN e.number_key = {p_needle} OR e.number_head = {p_needle} THEN 0 \
                    WHEN {title_has} THEN 1 ELSE 2 END AS BIGINT) AS rank, \
               COUNT(*) OVER () AS total {matches} \
             ORDER BY rank, e.doc_date DESC, e.id DESC LIMIT {p_limit} OFFSET {p_offset}",
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(try_from = "String")]
            kind: SearchKind,
            doc_id: i64,
            doc_date: i64,
            rank: i64,
            total: i64,
        }
        let mut query = sql::query_as::<Row>(sql);
        for v in &args {
            query = query.bind(v.clone());
        }
        let rows = query.fetch_all(&self.pool).await?;
        let total = match rows.first() {
            Some(r) => r.total,
            // Past the last page the window count has no row to ride on: count alone (no ranking, no sort), as
            // a handler's page 2 of a filtered search often is, instead of searching page 1 again.
            None if q.list.page > 1 => {
                let mut count = sql::query_as::<(i64,)>(format!("SELECT COUNT(*) {matches}"));
                for v in &args[..filter_args] {
                    count = count.bind(v.clone());
                }
                return Ok((Vec::new(), count.fetch_one(&self.pool).await?.0));
            }
            None => 0,
        };
        let label = |kind: SearchKind, code: &str| {
            let list = match kind {
                SearchKind::Outgoing => ListKind::Outgoing,
                SearchKind::Incoming => ListKind::Incoming,
            };
            statuses(list)
                .into_iter()
                .find(|(c, _)| *c == code)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| code.to_string())
        };
        // What the page shows, read by id.
        let db = self.pool.kind();
        #[derive(sqlx::FromRow)]
        struct Shown {
            id: i64,
            number_text: Option<String>,
            subject: String,
            agency: String,
            status: String,
        }
        let mut shown = std::collections::HashMap::new();
        for (kind, select) in [
            (
                SearchKind::Outgoing,
                "SELECT d.id, d.number_text, d.subject, a.name AS agency, d.status \
                 FROM outgoing_documents d JOIN agencies a ON a.id = d.agency_id WHERE d.id IN",
            ),
            (
                SearchKind::Incoming,
                "SELECT i.id, i.code_text AS number_text, i.subject, i.sender_name AS agency, i.status \
                 FROM incoming_documents i WHERE i.id IN",
            ),
        ] {
            let ids: Vec<String> = rows
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.doc_id.to_string())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let found: Vec<Shown> = sql::query_as(format!("{select} ({})", db.ids_in("$1")))
                .bind(format!("[{}]", ids.join(",")))
                .fetch_all(&self.pool)
                .await?;
            shown.extend(found.into_iter().map(|f| ((kind, f.id), f)));
        }
        let items = rows
            .into_iter()
            .filter_map(|r| shown.remove(&(r.kind, r.doc_id)).map(|d| (r, d)))
            .map(|(r, d)| SearchHit {
                kind: r.kind,
                id: r.doc_id,
                highlights: SearchHighlights::of(
                    &needle,
                    d.number_text.as_deref(),
                    &d.subject,
                    &d.agency,
                ),
                exact_number: r.rank == 0,
                status_label: label(r.kind, &d.status),
                number_text: d.number_text,
                subject: d.subject,
                agency: d.agency,
                date: shared::civil_date::CivilDate::of(shared::time::Timestamp(r.doc_date))
                    .to_string(),
                status: d.status,
            })
            .collect();
        Ok((items, total))
    }
}
