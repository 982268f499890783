//! The exchange's data (migration 0013): peers, the transactional outbox and the idempotent inbox. A packet to
//! send is written by the step that causes it, in its transaction (`enqueue_documents` from issuing,
//! `exchange_status_back` from the incoming steps); the delivery loop leases due rows with a compare-and-set on
//! `leased_until`, so several instances on one PostgreSQL never send the same row at once; a received packet is
//! recorded under its unique key in the transaction that applies it, so a redelivery changes nothing.

use crate::exchange::packets::{ArrivedFacts, IssuedFacts, StatusFacts};
use crate::store::{Actor, AuditEvent, Store, StoreError, StoreResult, sql};

/// A peer as configured.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PeerRow {
    pub id: i64,
    pub name: String,
    /// `vanban`, `axis` or `folder`.
    pub kind: String,
    pub endpoint: String,
    pub key_id: String,
    pub secret: String,
    pub enabled: bool,
}

impl PeerRow {
    pub fn endpoint(&self) -> crate::exchange::transport::PeerEndpoint {
        crate::exchange::transport::PeerEndpoint {
            name: self.name.clone(),
            kind: self.kind.clone(),
            endpoint: self.endpoint.clone(),
            key_id: self.key_id.clone(),
            secret: self.secret.clone(),
        }
    }
}

/// A peer to create or replace (by name).
#[derive(Debug, Clone)]
pub struct NewPeer {
    pub name: String,
    pub kind: String,
    pub endpoint: String,
    pub key_id: String,
    pub secret: String,
    /// The organ ids (mã định danh) of the agencies reached through this peer.
    pub organ_ids: Vec<String>,
    pub enabled: bool,
}

impl NewPeer {
    /// The peer a checked request (`SavePeerRequest::validate`) describes; the API and `vanban admin
    /// exchange-peer` both come through here. No secret: keep the existing peer's (refused for a new one).
    pub fn from_request(req: &shared::exchange::SavePeerRequest) -> Self {
        Self {
            name: req.name.as_str().to_string(),
            kind: req.kind.code().to_string(),
            endpoint: req.endpoint.as_str().to_string(),
            key_id: req.key_id.as_str().to_string(),
            secret: req
                .secret
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            organ_ids: req
                .organ_ids
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            enabled: req.enabled,
        }
    }
}

/// An outbox row leased for sending.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub peer: PeerRow,
    /// `document` or `status`.
    pub kind: String,
    pub document_id: String,
    pub outgoing_id: Option<i64>,
    /// Document packets: the recipients this peer serves.
    pub organ_ids: Vec<String>,
    /// Status packets: the XML, built when the row was written.
    pub body: Option<String>,
    pub attempts: i64,
    /// Document packets: the business action (0 new, 1 recall).
    pub action: i64,
}

/// What receiving a packet did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// Applied now: the incoming documents made (document packets) or the deliveries moved (status packets).
    Applied(Vec<i64>),
    /// Received before: acknowledged again, nothing changed.
    Duplicate,
    /// Recorded as refused, with the reason told to the sender.
    Refused(String),
    /// Not applicable yet (a recall or update about a document not arrived): nothing recorded, the sender
    /// retries (409).
    NotYet(String),
}

/// A document packet ready to become incoming documents: its facts, recipients and files already stored.
#[derive(Debug, Clone)]
pub struct ArrivedDocument {
    pub facts: ArrivedFacts,
    pub from_code: String,
    pub from_name: String,
    pub action: i64,
    /// The organ ids of the To list.
    pub to: Vec<String>,
    pub files: Vec<crate::store::NewFile>,
    /// The folded text layer of files whose text is not kept yet (SHA-256, text), for the search index.
    pub texts: Vec<(String, String)>,
    pub verification: shared::incoming::VerificationDto,
    /// A replacement (action 3): the DocumentIds it replaces at the receiving agencies.
    pub replaces: Vec<String>,
}

/// A status packet's content.
#[derive(Debug, Clone)]
pub struct ArrivedStatus {
    pub document_id: String,
    pub from_code: String,
    pub status: shared::status::DeliveryStatus,
    pub description: Option<String>,
}

/// A uniqueness violation as a refusal of the named field.
fn unique_as_field(
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Field(field, message),
        _ => StoreError::Database(e),
    }
}

impl Store {
    /// Creates or replaces the peer named `p.name` and the organ ids it serves; audited.
    #[tracing::instrument(skip_all, fields(peer = %p.name))]
    pub async fn save_peer(&self, actor: &Actor, p: &NewPeer) -> StoreResult<i64> {
        if !matches!(p.kind.as_str(), "vanban" | "axis" | "folder") {
            return Err(StoreError::Field(
                "kind",
                "Loại kết nối là vanban, axis hoặc folder.",
            ));
        }
        let now = crate::store::now_ms();
        let mut tx = self.begin_write().await?;
        let existing: Option<(i64,)> = sql::query_as(
            "UPDATE exchange_peers SET kind = $2, endpoint = $3, key_id = $4, \
             secret = CASE WHEN $5 = '' THEN secret ELSE $5 END, enabled = $6, updated_at = $7 \
             WHERE name = $1 RETURNING id",
        )
        .bind(&p.name)
        .bind(&p.kind)
        .bind(&p.endpoint)
        .bind(&p.key_id)
        .bind(&p.secret)
        .bind(p.enabled)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unique_as_field(
            "key_id",
            "Khóa liên thông này đã dùng cho một kết nối khác.",
        ))?;
        let id = match existing {
            Some((id,)) => id,
            None if p.secret.is_empty() => {
                return Err(StoreError::Field(
                    "secret",
                    "Nhập khóa bí mật cho kết nối mới (ít nhất 16 ký tự).",
                ));
            }
            None => {
                sql::query_as::<(i64,)>(
                    "INSERT INTO exchange_peers (name, kind, endpoint, key_id, secret, enabled, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(&p.name)
                .bind(&p.kind)
                .bind(&p.endpoint)
                .bind(&p.key_id)
                .bind(&p.secret)
                .bind(p.enabled)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(unique_as_field(
                    "key_id",
                    "Khóa liên thông này đã dùng cho một kết nối khác.",
                ))?
                .0
            }
        };
        sql::query("DELETE FROM exchange_peer_organs WHERE peer_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for organ in &p.organ_ids {
            sql::query("INSERT INTO exchange_peer_organs (peer_id, organ_id) VALUES ($1, $2)")
                .bind(id)
                .bind(organ)
                .execute(&mut *tx)
                .await
                .map_err(unique_as_field(
                    "organ_ids",
                    "Một mã định danh đã thuộc một kết nối liên thông khác.",
                ))?;
        }
        Self::append_audit(
            &mut tx,
            AuditEvent {
                actor,
                agency_id: None,
                action: "exchange.peer_save",
                target: Some(format!("exchange_peer:{id}")),
                target_name: Some(p.name.clone()),
                details: serde_json::json!({
                    "kind": p.kind, "endpoint": p.endpoint, "key_id": p.key_id,
                    "organ_ids": p.organ_ids, "enabled": p.enabled,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The peer that signs with `key_id`, enabled or not.
    #[tracing::instrument(skip_all)]
    pub async fn peer_by_key(&self, key_id: &str) -> StoreResult<Option<PeerRow>> {
        Ok(sql::query_as(
            "SELECT id, name, kind, endpoint, key_id, secret, enabled FROM exchange_peers WHERE key_id = $1",
        )
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The enabled peers of a kind (the folder import reads each one's `in` directory).
    #[tracing::instrument(skip_all)]
    pub async fn peers_of_kind(&self, kind: &str) -> StoreResult<Vec<PeerRow>> {
        Ok(sql::query_as(
            "SELECT id, name, kind, endpoint, key_id, secret, enabled FROM exchange_peers \
             WHERE kind = $1 AND enabled = $2 ORDER BY id",
        )
        .bind(kind)
        .bind(true)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Inside the issuing transaction: one document packet per peer serving some of the document's external
    /// recipients. Returns how many were queued.
    #[tracing::instrument(skip_all, fields(outgoing_id = outgoing_id))]
    pub(crate) async fn enqueue_documents(
        tx: &mut sql::Tx,
        outgoing_id: i64,
        now: i64,
    ) -> StoreResult<usize> {
        let routes: Vec<(i64, String)> = sql::query_as(
            "SELECT o.peer_id, dl.recipient_code FROM deliveries dl \
             JOIN exchange_peer_organs o ON o.organ_id = dl.recipient_code \
             JOIN exchange_peers p ON p.id = o.peer_id AND p.enabled = $2 \
             WHERE dl.outgoing_id = $1 AND dl.channel = 'external' ORDER BY o.peer_id, dl.position",
        )
        .bind(outgoing_id)
        .bind(true)
        .fetch_all(&mut **tx)
        .await?;
        if routes.is_empty() {
            return Ok(0);
        }
        let (code, number_text, issued_at): (String, Option<String>, Option<i64>) = sql::query_as(
            "SELECT a.code, o.number_text, o.issued_at FROM outgoing_documents o JOIN agencies a ON a.id = o.agency_id \
             WHERE o.id = $1",
        )
        .bind(outgoing_id)
        .fetch_one(&mut **tx)
        .await?;
        let (Some(number_text), Some(issued_at)) = (number_text, issued_at) else {
            return Err(crate::store::common::corrupt(
                "issued document without number",
            ));
        };
        let document_id = crate::exchange::packets::document_id(&code, issued_at, &number_text);
        let mut by_peer: Vec<(i64, Vec<String>)> = Vec::new();
        for (peer, organ) in routes {
            match by_peer.last_mut() {
                Some((p, organs)) if *p == peer => organs.push(organ),
                _ => by_peer.push((peer, vec![organ])),
            }
        }
        for (peer, organs) in &by_peer {
            sql::query(
                "INSERT INTO exchange_outbox (peer_id, kind, document_id, action, outgoing_id, organ_ids, state, \
                 next_attempt_at, created_at) VALUES ($1, 'document', $2, 0, $3, $4, 'pending', $5, $5)",
            )
            .bind(peer)
            .bind(&document_id)
            .bind(outgoing_id)
            .bind(organs.join(" "))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(by_peer.len())
    }

    /// Leases up to `limit` due rows for this caller: a row is taken only if no other instance holds an
    /// unexpired lease on it (compare-and-set, one row at a time).
    #[tracing::instrument(skip_all)]
    pub async fn lease_due_packets(
        &self,
        now: i64,
        limit: i64,
        lease_ms: i64,
    ) -> StoreResult<Vec<OutboxItem>> {
        let candidates: Vec<(i64,)> = sql::query_as(
            "SELECT id FROM exchange_outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
             AND (leased_until IS NULL OR leased_until < $1) ORDER BY id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for (id,) in candidates {
            let taken = sql::query(
                "UPDATE exchange_outbox SET leased_until = $2 WHERE id = $1 AND state = 'pending' \
                 AND (leased_until IS NULL OR leased_until < $3)",
            )
            .bind(id)
            .bind(now + lease_ms)
            .bind(now)
            .execute(&self.pool)
            .await?;
            if taken.rows_affected() != 1 {
                continue;
            }
            #[allow(clippy::type_complexity)]
            let row: (String, String, Option<i64>, Option<String>, Option<String>, i64, i64, i64) =
                sql::query_as(
                    "SELECT kind, document_id, outgoing_id, organ_ids, body, attempts, peer_id, action FROM exchange_outbox WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
            let peer: PeerRow = sql::query_as(
                "SELECT id, name, kind, endpoint, key_id, secret, enabled FROM exchange_peers WHERE id = $1",
            )
            .bind(row.6)
            .fetch_one(&self.pool)
            .await?;
            out.push(OutboxItem {
                id,
                peer,
                kind: row.0,
                document_id: row.1,
                outgoing_id: row.2,
                organ_ids: row
                    .3
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                body: row.4,
                attempts: row.5,
                action: row.7,
            });
        }
        Ok(out)
    }

    /// The peer acknowledged the packet. A document packet's deliveries are now with the peer.
    #[tracing::instrument(skip_all, fields(id = item.id))]
    pub async fn packet_delivered(&self, item: &OutboxItem) -> StoreResult<()> {
        let now = crate::store::now_ms();
        let mut tx = self.begin_write().await?;
        sql::query(
            "UPDATE exchange_outbox SET state = 'delivered', delivered_at = $2, attempts = attempts + 1, \
             leased_until = NULL, last_error = NULL WHERE id = $1",
        )
        .bind(item.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(outgoing) = item.outgoing_id
            && item.kind == "document"
            && item.action == 0
        {
            for organ in &item.organ_ids {
                sql::query(
                    "UPDATE deliveries SET exchange_state = 'sent' WHERE outgoing_id = $1 AND channel = 'external' \
                     AND recipient_code = $2",
                )
                .bind(outgoing)
                .bind(organ)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A send failed: retried at `retry_at`, or given up (`None`: the peer refused it; an administrator may retry).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn packet_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<()> {
        sql::query(
            "UPDATE exchange_outbox SET attempts = attempts + 1, leased_until = NULL, last_error = $2, \
             next_attempt_at = COALESCE($3, next_attempt_at), state = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Why the issuer recalled a document (the recall packet's reason).
    pub async fn recall_reason(&self, outgoing_id: i64) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> =
            sql::query_as("SELECT recall_reason FROM outgoing_documents WHERE id = $1")
                .bind(outgoing_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// What the document packet of an issued document says, with its issued files.
    #[tracing::instrument(skip_all, fields(outgoing_id = outgoing_id))]
    pub async fn issued_facts(
        &self,
        outgoing_id: i64,
    ) -> StoreResult<(IssuedFacts, Vec<(String, String)>)> {
        #[allow(clippy::type_complexity)]
        let r: (String, String, Option<String>, Option<i64>, String, String, String, Option<String>, String, Option<String>, i64) =
            sql::query_as(
                "SELECT a.code, a.name, o.number_text, o.issued_at, o.doc_type, o.subject, o.urgency, o.reply_deadline, \
                 u.full_name, u.position, o.version FROM outgoing_documents o JOIN agencies a ON a.id = o.agency_id \
                 JOIN users u ON u.id = o.signer_id WHERE o.id = $1",
            )
            .bind(outgoing_id)
            .fetch_one(&self.pool)
            .await?;
        let files: Vec<(String, String)> = sql::query_as(
            "SELECT name, sha256 FROM document_files WHERE document_id = $1 AND version = $2 ORDER BY position",
        )
        .bind(outgoing_id)
        .bind(r.10)
        .fetch_all(&self.pool)
        .await?;
        let recipients: Vec<(Option<String>, String)> = sql::query_as(
            "SELECT recipient_code, recipient_name FROM deliveries WHERE outgoing_id = $1 AND channel = 'external' \
             ORDER BY position",
        )
        .bind(outgoing_id)
        .fetch_all(&self.pool)
        .await?;
        let (Some(number_text), Some(issued_at)) = (r.2, r.3) else {
            return Err(crate::store::common::corrupt(
                "issued document without number",
            ));
        };
        Ok((
            IssuedFacts {
                organ_id: r.0,
                organ_name: r.1,
                number_text,
                issued_at,
                doc_type: r.4,
                subject: r.5,
                urgency: r.6,
                reply_deadline: r.7,
                signer_name: r.8,
                signer_position: r.9,
                files,
            },
            recipients
                .into_iter()
                .filter_map(|(code, name)| Some((code?, name)))
                .collect(),
        ))
    }

    /// Whether a packet with this key was received already (checked before storing its files; the unique key
    /// decides again inside the applying transaction).
    #[tracing::instrument(skip_all)]
    pub async fn packet_received(
        &self,
        document_id: &str,
        action: i64,
        status_code: &str,
        from_organ: &str,
    ) -> StoreResult<bool> {
        let row: Option<(i64,)> = sql::query_as(
            "SELECT id FROM exchange_inbox WHERE document_id = $1 AND action = $2 AND status_code = $3 AND from_organ = $4",
        )
        .bind(document_id)
        .bind(action)
        .bind(status_code)
        .bind(from_organ)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Records the inbox row; `false` when the packet was received before.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn inbox(
        tx: &mut sql::Tx,
        peer: i64,
        kind: &str,
        document_id: &str,
        action: i64,
        status_code: &str,
        from_organ: &str,
        refused: Option<&str>,
    ) -> StoreResult<bool> {
        let row: Option<(i64,)> = sql::query_as(
            "INSERT INTO exchange_inbox (peer_id, kind, document_id, action, status_code, from_organ, state, error, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(peer)
        .bind(kind)
        .bind(document_id)
        .bind(action)
        .bind(status_code)
        .bind(from_organ)
        .bind(if refused.is_some() { "refused" } else { "accepted" })
        .bind(refused)
        .bind(crate::store::now_ms())
        .fetch_optional(&mut **tx)
        .await?;
        Ok(row.is_some())
    }

    /// A document packet arrives: one incoming document per recipient agency of this instance, waiting for its
    /// clerks (the incoming workflow's entry point, channel `exchange`), with the history and the audit naming
    /// the exchange as the actor, and status 01 queued back to the peer for each.
    #[tracing::instrument(skip_all, fields(peer = %peer.name, document_id = %doc.facts.document_id))]
    pub async fn receive_document(
        &self,
        peer: &PeerRow,
        doc: &ArrivedDocument,
    ) -> StoreResult<Receipt> {
        let now = crate::store::now_ms();
        let label = crate::exchange::actor_label(&peer.name);
        let mut tx = self.begin_write().await?;
        let mut agencies: Vec<(i64, String, String, i64)> = Vec::new();
        for organ in &doc.to {
            let found: Option<(i64, String, String, i64)> = sql::query_as(
                "SELECT a.id, a.code, a.name, r.id FROM agencies a JOIN registers r ON r.agency_id = a.id \
                 AND r.direction = 'incoming' WHERE a.code = $1 ORDER BY r.id LIMIT 1",
            )
            .bind(organ)
            .fetch_optional(&mut *tx)
            .await?;
            agencies.extend(found);
        }
        if agencies.is_empty() {
            let reason = format!(
                "Không có cơ quan nhận nào trong gói tin ({}) thuộc hệ thống này.",
                doc.to.join(", ")
            );
            let fresh = Self::inbox(
                &mut tx,
                peer.id,
                "document",
                &doc.facts.document_id,
                doc.action,
                "",
                &doc.from_code,
                Some(&reason),
            )
            .await?;
            tx.commit().await?;
            return Ok(if fresh {
                Receipt::Refused(reason)
            } else {
                Receipt::Duplicate
            });
        }
        if !Self::inbox(
            &mut tx,
            peer.id,
            "document",
            &doc.facts.document_id,
            doc.action,
            "",
            &doc.from_code,
            None,
        )
        .await?
        {
            return Ok(Receipt::Duplicate);
        }
        let verification = serde_json::to_string(&doc.verification)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let f = &doc.facts;
        let audit_actor = crate::store::exchange_actions::exchange_actor(&label);
        let mut made = Vec::new();
        let mut told = crate::store::notifications::Notes::default();
        for (agency, code, name, register) in &agencies {
            let (id,): (i64,) = sql::query_as(
                "INSERT INTO incoming_documents (agency_id, channel, status, sender_name, sender_code, code_text, \
                 issued_date, doc_type, subject, urgency, urgency_rank, signer_name, reply_deadline, declared_attachments, \
                 declared_pages, received_at, backfilled, verification, verification_ok, register_id, created_by, \
                 created_at, updated_at, exchange_peer_id, exchange_document_id, exchange_status) \
                 VALUES ($1, 'exchange', 'arrived', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                 $18, NULL, $14, $14, $19, $20, '01') RETURNING id",
            )
            .bind(agency)
            .bind(&doc.from_name)
            .bind(&doc.from_code)
            .bind(&f.code_text)
            .bind(&f.issued_date)
            .bind(&f.doc_type)
            .bind(&f.subject)
            .bind(crate::store::common::urgency_code(f.urgency))
            .bind(shared::incoming::urgency_rank(f.urgency))
            .bind(&f.signer_name)
            .bind(&f.reply_deadline)
            .bind(doc.files.len().saturating_sub(1) as i64)
            .bind(doc.verification.files.first().and_then(|c| c.pages).map(i64::from))
            .bind(now)
            .bind(false)
            .bind(&verification)
            .bind(doc.verification.ok)
            .bind(register)
            .bind(peer.id)
            .bind(&f.document_id)
            .fetch_one(&mut *tx)
            .await?;
            for (i, file) in doc.files.iter().enumerate() {
                sql::query(
                    "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at, touched_at) \
                     VALUES ($1, $2, 'application/pdf', NULL, $3, $3) ON CONFLICT (sha256) DO UPDATE SET touched_at = $3",
                )
                .bind(&file.sha256)
                .bind(file.size)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sql::query("INSERT INTO blob_holders (sha256, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(&file.sha256)
                    .bind(agency)
                    .execute(&mut *tx)
                    .await?;
                sql::query(
                    "INSERT INTO incoming_files (incoming_id, position, name, sha256, size) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(i as i64)
                .bind(&file.name)
                .bind(&file.sha256)
                .bind(file.size)
                .execute(&mut *tx)
                .await?;
            }
            for (sha256, text) in &doc.texts {
                sql::query(
                    "INSERT INTO blob_texts (sha256, text) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(sha256)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            }
            crate::store::exchange_actions::exchange_history(
                &mut tx,
                id,
                &label,
                "arrived",
                Some(shared::incoming::IncomingChannel::Exchange.label()),
            )
            .await?;
            Self::reindex_document(&mut tx, shared::search::SearchKind::Incoming, id).await?;
            let withdrawn =
                Self::apply_replacements(&mut tx, peer, *agency, (id, &f.code_text), &doc.replaces)
                    .await?;
            Self::append_audit(
                &mut tx,
                AuditEvent {
                    actor: &audit_actor,
                    agency_id: Some(*agency),
                    action: "incoming.exchange_arrival",
                    target: Some(format!("incoming:{id}")),
                    target_name: Some(f.subject.clone()),
                    details: serde_json::json!({
                        "number": f.code_text, "document_id": f.document_id, "peer": peer.name,
                        "sha256": doc.files.first().map(|x| x.sha256.clone()), "verified": doc.verification.ok,
                        "replaces": withdrawn,
                    }),
                },
            )
            .await?;
            let text = format!(
                "Văn bản đến mới qua trục liên thông từ {}, chờ vào sổ: {} — {}",
                doc.from_name, f.code_text, f.subject
            );
            crate::store::exchange_actions::tell_clerks(&mut tx, id, *agency, &text, &mut told)
                .await?;
            // 01 Đã đến goes back at once (QĐ 28: sent automatically on arrival).
            let status = StatusFacts {
                from: (code.clone(), name.clone()),
                sender_code: doc.from_code.clone(),
                code_text: f.code_text.clone(),
                issued_date: f.issued_date.clone(),
                document_id: f.document_id.clone(),
            };
            Self::enqueue_status(
                &mut tx,
                peer.id,
                &status,
                shared::status::DeliveryStatus::Arrived,
                None,
                now,
            )
            .await?;
            made.push((id, *agency));
        }
        tx.commit().await?;
        self.announce_exchange(
            &made,
            &told,
            &format!("Văn bản đến qua trục liên thông: {}", f.subject),
        )
        .await;
        Ok(Receipt::Applied(made.into_iter().map(|m| m.0).collect()))
    }

    /// Writes a status packet to the outbox, inside the causing transaction.
    async fn enqueue_status(
        tx: &mut sql::Tx,
        peer: i64,
        facts: &StatusFacts,
        status: shared::status::DeliveryStatus,
        reason: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let code = edxml::StatusCode::from_code(status.code())
            .ok_or_else(|| crate::store::common::corrupt("status code"))?;
        let body = crate::exchange::packets::status_xml(facts, code, reason, now)
            .map_err(|e| StoreError::Corrupt(format!("status packet: {e}")))?;
        sql::query(
            "INSERT INTO exchange_outbox (peer_id, kind, document_id, action, status_code, body, state, next_attempt_at, \
             created_at) VALUES ($1, 'status', $2, 0, $3, $4, 'pending', $5, $5)",
        )
        .bind(peer)
        .bind(&facts.document_id)
        .bind(status.code())
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Inside an incoming step's transaction: a document that came by exchange sends its new status back to its
    /// peer when the chain allows the move. Returns whether a packet was queued.
    #[tracing::instrument(skip_all, fields(id = row.id))]
    pub(crate) async fn exchange_status_back(
        tx: &mut sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        next: shared::status::DeliveryStatus,
        reason: Option<&str>,
    ) -> StoreResult<bool> {
        #[allow(clippy::type_complexity)]
        let facts: Option<(Option<i64>, Option<String>, Option<String>, String, String)> = sql::query_as(
            "SELECT i.exchange_peer_id, i.exchange_document_id, i.exchange_status, a.code, a.name \
             FROM incoming_documents i JOIN agencies a ON a.id = i.agency_id WHERE i.id = $1",
        )
        .bind(row.id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((Some(peer), Some(document_id), current, code, name)) = facts else {
            return Ok(false);
        };
        if let Some(current) = current
            .as_deref()
            .and_then(shared::status::DeliveryStatus::from_code)
            && (current == next || !current.can_move_to(next))
        {
            return Ok(false);
        }
        sql::query("UPDATE incoming_documents SET exchange_status = $2 WHERE id = $1")
            .bind(row.id)
            .bind(next.code())
            .execute(&mut **tx)
            .await?;
        let status = StatusFacts {
            from: (code, name),
            sender_code: row.sender_code.clone().unwrap_or_default(),
            code_text: row.code_text.clone(),
            issued_date: row.issued_date.clone(),
            document_id,
        };
        Self::enqueue_status(tx, peer, &status, next, reason, crate::store::now_ms()).await?;
        Ok(true)
    }

    /// A status packet arrives about a document this instance sent: the delivery to the agency that sent the
    /// status moves as an internal recipient's would, with the exchange as the actor.
    #[tracing::instrument(skip_all, fields(peer = %peer.name, document_id = %s.document_id))]
    pub async fn receive_status(&self, peer: &PeerRow, s: &ArrivedStatus) -> StoreResult<Receipt> {
        let mut tx = self.begin_write().await?;
        let delivery: Option<(i64, i64, Option<String>, i64)> = sql::query_as(
            "SELECT dl.id, dl.outgoing_id, dl.status, o.agency_id FROM exchange_outbox x \
             JOIN deliveries dl ON dl.outgoing_id = x.outgoing_id AND dl.channel = 'external' AND dl.recipient_code = $2 \
             JOIN outgoing_documents o ON o.id = dl.outgoing_id \
             WHERE x.document_id = $1 AND x.kind = 'document' AND x.peer_id = $3 ORDER BY x.id LIMIT 1",
        )
        .bind(&s.document_id)
        .bind(&s.from_code)
        .bind(peer.id)
        .fetch_optional(&mut *tx)
        .await?;
        let refused = delivery.is_none().then(|| {
            format!(
                "Không có văn bản {} gửi tới {} qua kết nối này.",
                s.document_id, s.from_code
            )
        });
        if !Self::inbox(
            &mut tx,
            peer.id,
            "status",
            &s.document_id,
            0,
            s.status.code(),
            &s.from_code,
            refused.as_deref(),
        )
        .await?
        {
            return Ok(Receipt::Duplicate);
        }
        let Some((delivery, outgoing, current, agency)) = delivery else {
            tx.commit().await?;
            return Ok(Receipt::Refused(refused.unwrap_or_default()));
        };
        // Statuses may arrive out of order after retries: a step backwards is recorded in the inbox only.
        let current = current
            .as_deref()
            .and_then(shared::status::DeliveryStatus::from_code);
        let moves = current.is_none_or(|c| c != s.status && c.can_move_to(s.status));
        if moves {
            Self::delivery_event(&mut tx, delivery, s.status, None, s.description.as_deref())
                .await?;
        }
        tx.commit().await?;
        if moves {
            self.announce(shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "delivery".into(),
                outgoing_id: outgoing,
                delivery_id: Some(delivery),
                incoming_id: None,
                agencies: vec![agency],
                users: vec![],
                actor: None,
                text: format!("{}: {}", s.from_code, s.status.code()),
            })
            .await;
        }
        Ok(Receipt::Applied(vec![delivery]))
    }
}

// The administration's view (system administrators): peers, the latest packets, retry now.

fn peer_dto(p: PeerRow, organs: &[(i64, String)]) -> StoreResult<shared::exchange::PeerDto> {
    Ok(shared::exchange::PeerDto {
        kind: shared::exchange::PeerKind::from_code(&p.kind)
            .ok_or_else(|| crate::store::common::corrupt("peer kind"))?,
        organ_ids: organs
            .iter()
            .filter(|o| o.0 == p.id)
            .map(|o| o.1.clone())
            .collect(),
        id: p.id,
        name: p.name,
        endpoint: p.endpoint,
        key_id: p.key_id,
        enabled: p.enabled,
    })
}

#[allow(clippy::type_complexity)]
type OutboxRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

fn outbox_dto(r: OutboxRow) -> shared::exchange::OutboxItemDto {
    shared::exchange::OutboxItemDto {
        id: r.0,
        peer: r.1,
        kind: r.2,
        document_id: r.3,
        status_code: r.4,
        state: r.5,
        attempts: r.6,
        next_attempt_at: shared::time::Timestamp(r.7),
        last_error: r.8,
        created_at: shared::time::Timestamp(r.9),
        delivered_at: r.10.map(shared::time::Timestamp),
    }
}

const OUTBOX_SELECT: &str = "SELECT x.id, p.name, x.kind, x.document_id, x.status_code, x.state, x.attempts, \
     x.next_attempt_at, x.last_error, x.created_at, x.delivered_at FROM exchange_outbox x \
     JOIN exchange_peers p ON p.id = x.peer_id ";

impl Store {
    /// Every peer, by name, with the organ ids it serves.
    #[tracing::instrument(skip_all)]
    pub async fn list_peers(&self) -> StoreResult<Vec<shared::exchange::PeerDto>> {
        let peers: Vec<PeerRow> = sql::query_as(
            "SELECT id, name, kind, endpoint, key_id, secret, enabled FROM exchange_peers ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let organs: Vec<(i64, String)> =
            sql::query_as("SELECT peer_id, organ_id FROM exchange_peer_organs ORDER BY organ_id")
                .fetch_all(&self.pool)
                .await?;
        peers.into_iter().map(|p| peer_dto(p, &organs)).collect()
    }

    /// The latest 100 packets of each direction, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list_exchange_packets(
        &self,
    ) -> StoreResult<shared::exchange::ExchangePacketsResponse> {
        let outbox: Vec<OutboxRow> =
            sql::query_as(format!("{OUTBOX_SELECT}ORDER BY x.id DESC LIMIT 100"))
                .fetch_all(&self.pool)
                .await?;
        #[allow(clippy::type_complexity)]
        let inbox: Vec<(i64, String, String, String, i64, String, String, String, Option<String>, i64)> =
            sql::query_as(
                "SELECT i.id, p.name, i.kind, i.document_id, i.action, i.status_code, i.from_organ, i.state, i.error, \
                 i.received_at FROM exchange_inbox i JOIN exchange_peers p ON p.id = i.peer_id ORDER BY i.id DESC LIMIT 100",
            )
            .fetch_all(&self.pool)
            .await?;
        Ok(shared::exchange::ExchangePacketsResponse {
            outbox: outbox.into_iter().map(outbox_dto).collect(),
            inbox: inbox
                .into_iter()
                .map(|r| shared::exchange::InboxItemDto {
                    id: r.0,
                    peer: r.1,
                    kind: r.2,
                    document_id: r.3,
                    action: r.4,
                    status_code: Some(r.5).filter(|c| !c.is_empty()),
                    from_organ: r.6,
                    state: r.7,
                    error: r.8,
                    received_at: shared::time::Timestamp(r.9),
                })
                .collect(),
        })
    }

    /// "Thử lại": a pending or failed packet is due now (its attempts are kept); audited.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn retry_packet(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StoreResult<shared::exchange::OutboxItemDto> {
        let now = crate::store::now_ms();
        let mut tx = self.begin_write().await?;
        let state: Option<(String, String)> =
            sql::query_as("SELECT state, document_id FROM exchange_outbox WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (state, document_id) = state.ok_or(StoreError::NotFound)?;
        if state == "delivered" {
            return Err(StoreError::State(
                "Gói tin đã được nơi nhận xác nhận; không cần gửi lại.",
            ));
        }
        sql::query(
            "UPDATE exchange_outbox SET state = 'pending', next_attempt_at = $2, leased_until = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::append_audit(
            &mut tx,
            AuditEvent {
                actor,
                agency_id: None,
                action: "exchange.retry",
                target: Some(format!("exchange_outbox:{id}")),
                target_name: Some(document_id),
                details: serde_json::json!({ "state_before": state }),
            },
        )
        .await?;
        let row: OutboxRow = sql::query_as(format!("{OUTBOX_SELECT}WHERE x.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(outbox_dto(row))
    }
}
