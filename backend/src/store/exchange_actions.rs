//! The business actions of the exchange beyond a new document (QCVN 102 `TraceHeaderList/Business`, QĐ 28 status
//! codes): the sender's recall (action 1) and its answer, the handshake 13 → 15 / 16 across systems; an update of
//! the document's information (action 2); a replacement (action 3: a new document that withdraws the ones it
//! names).
//!
//! The sender writes its recall packets in the recall's own transaction (`enqueue_recalls`). The receiver applies
//! each packet once (the inbox key holds the action) and answers through the same outbox as every other status.
//! A recall or update about a document that has not arrived yet is not recorded: it is answered 409, and the
//! sender's outbox retries it after the document packet (which may be behind it after a failure) has arrived.

use crate::exchange::packets::ArrivedFacts;
use crate::store::exchange::{PeerRow, Receipt};
use crate::store::{Actor, AuditEvent, Store, StoreError, StoreResult, sql};
use shared::status::DeliveryStatus;

/// The incoming documents of this instance that came from `peer` as `document_id` (one per recipient agency).
async fn arrivals_of(
    tx: &mut sql::Tx,
    peer: i64,
    document_id: &str,
) -> StoreResult<Vec<crate::store::incoming::IncomingRow>> {
    let sql = format!(
        "{}WHERE i.exchange_peer_id = $1 AND i.exchange_document_id = $2 ORDER BY i.id",
        crate::store::incoming::INCOMING_SELECT
    );
    Ok(sql::query_as(sql)
        .bind(peer)
        .bind(document_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// A history line written by the exchange (no person behind it).
pub(crate) async fn exchange_history(
    tx: &mut sql::Tx,
    incoming: i64,
    label: &str,
    action: &str,
    comment: Option<&str>,
) -> StoreResult<()> {
    sql::query(
        "INSERT INTO incoming_history (incoming_id, at, actor_id, actor_label, action, comment) \
         VALUES ($1, $2, NULL, $3, $4, $5)",
    )
    .bind(incoming)
    .bind(crate::store::now_ms())
    .bind(label)
    .bind(action)
    .bind(comment)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Withdraws a received copy: hidden from the queues, its open work closed (a recall agreed here or across
/// systems, a replacement).
pub(crate) async fn withdraw(tx: &mut sql::Tx, incoming: i64, now: i64) -> StoreResult<()> {
    sql::query("UPDATE incoming_documents SET status = 'withdrawn', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(incoming)
        .execute(&mut **tx)
        .await?;
    sql::query(
        "UPDATE assignments SET state = 'done', done_at = $1 WHERE incoming_id = $2 AND state <> 'done'",
    )
    .bind(now)
    .bind(incoming)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit actor of a step the exchange took (no person behind it).
pub(crate) fn exchange_actor(label: &str) -> Actor {
    Actor {
        id: None,
        username: Some(label.to_string()),
        client_addr: None,
    }
}

/// Notifies the agency's clerks of an exchange step on `incoming`, in its transaction; the notes are kept in
/// `told` for the live announcement after the commit.
pub(crate) async fn tell_clerks(
    tx: &mut sql::Tx,
    incoming: i64,
    agency: i64,
    text: &str,
    told: &mut crate::store::notifications::Notes,
) -> StoreResult<()> {
    let clerks = Store::agency_clerks(tx, agency).await?;
    let notes = crate::store::notifications::Notes::incoming(incoming).telling(&clerks, text);
    Store::notify(tx, 0, &notes).await?;
    told.notes.extend(notes.notes);
    Ok(())
}

/// What an action packet about a received document finds.
enum Claim {
    /// The document has not arrived: nothing recorded, the sender retries.
    NotYet,
    /// This packet was applied before.
    Duplicate,
    /// The inbox row is written; these copies are to be changed.
    Copies(Vec<crate::store::incoming::IncomingRow>),
}

/// Finds the copies an action packet (`action`, keyed by `key`) is about and records it in the inbox once.
async fn claim(
    tx: &mut sql::Tx,
    peer: &PeerRow,
    document_id: &str,
    action: i64,
    key: &str,
    from_code: &str,
) -> StoreResult<Claim> {
    let copies = arrivals_of(tx, peer.id, document_id).await?;
    if copies.is_empty() {
        return Ok(Claim::NotYet);
    }
    let fresh = Store::inbox(
        tx,
        peer.id,
        "document",
        document_id,
        action,
        key,
        from_code,
        None,
    )
    .await?;
    Ok(if fresh {
        Claim::Copies(copies)
    } else {
        Claim::Duplicate
    })
}

/// The changes an update packet makes, as (column, old, new) for the history's sentence.
fn changed_fields(
    row: &crate::store::incoming::IncomingRow,
    f: &ArrivedFacts,
) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if row.subject != f.subject {
        changed.push("trích yếu");
    }
    if row.code_text != f.code_text {
        changed.push("số, ký hiệu");
    }
    if row.issued_date != f.issued_date {
        changed.push("ngày ban hành");
    }
    if row.doc_type != f.doc_type {
        changed.push("loại văn bản");
    }
    if row.urgency != crate::store::common::urgency_code(f.urgency) {
        changed.push("độ khẩn");
    }
    if row.signer_name != f.signer_name {
        changed.push("người ký");
    }
    if row.reply_deadline != f.reply_deadline {
        changed.push("hạn trả lời");
    }
    changed
}

impl Store {
    /// Inside the recall's transaction, on the sender: every external delivery that left by exchange moves to 13
    /// (recall requested) and each peer gets one recall packet (action 1) for its recipients. Returns how many
    /// packets were queued.
    #[tracing::instrument(skip_all, fields(outgoing_id = outgoing_id))]
    pub(crate) async fn enqueue_recalls(
        tx: &mut sql::Tx,
        outgoing_id: i64,
        actor: i64,
        reason: &str,
        now: i64,
    ) -> StoreResult<usize> {
        // Each external delivery with the packet of the peer that carried it to its recipient.
        let rows: Vec<(i64, Option<String>, String, i64, String)> = sql::query_as(
            "SELECT dl.id, dl.status, dl.recipient_code, x.peer_id, x.document_id FROM deliveries dl \
             JOIN exchange_outbox x ON x.outgoing_id = dl.outgoing_id AND x.kind = 'document' AND x.action = 0 \
             AND (' ' || x.organ_ids || ' ') LIKE ('% ' || dl.recipient_code || ' %') \
             WHERE dl.outgoing_id = $1 AND dl.channel = 'external' AND dl.exchange_state IS NOT NULL \
             ORDER BY x.peer_id, dl.position",
        )
        .bind(outgoing_id)
        .fetch_all(&mut **tx)
        .await?;
        let mut by_peer: Vec<(i64, String, Vec<String>)> = Vec::new();
        for (delivery, status, organ, peer, document_id) in rows {
            let current = status.as_deref().and_then(DeliveryStatus::from_code);
            if current.is_none_or(|c| c.can_move_to(DeliveryStatus::RecallRequested)) {
                Self::delivery_event(
                    tx,
                    delivery,
                    DeliveryStatus::RecallRequested,
                    Some(actor),
                    Some(reason),
                )
                .await?;
            }
            match by_peer.last_mut() {
                Some((p, _, organs)) if *p == peer => organs.push(organ),
                _ => by_peer.push((peer, document_id, vec![organ])),
            }
        }
        for (peer, document_id, organs) in &by_peer {
            sql::query(
                "INSERT INTO exchange_outbox (peer_id, kind, document_id, action, outgoing_id, organ_ids, state, \
                 next_attempt_at, created_at) VALUES ($1, 'document', $2, 1, $3, $4, 'pending', $5, $5)",
            )
            .bind(peer)
            .bind(document_id)
            .bind(outgoing_id)
            .bind(organs.join(" "))
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(by_peer.len())
    }

    /// A recall packet (action 1) arrives: each copy of the document waits for its clerk's answer (13), or is
    /// answered 15 at once when it was already returned or withdrawn. `NotYet` when the document has not arrived.
    #[tracing::instrument(skip_all, fields(peer = %peer.name, document_id = %document_id))]
    pub async fn receive_recall(
        &self,
        peer: &PeerRow,
        document_id: &str,
        from_code: &str,
        reason: Option<&str>,
    ) -> StoreResult<Receipt> {
        let label = crate::exchange::actor_label(&peer.name);
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or("Thu hồi văn bản điện tử");
        let mut tx = self.begin_write().await?;
        let copies = match claim(&mut tx, peer, document_id, 1, "", from_code).await? {
            Claim::NotYet => {
                return Ok(Receipt::NotYet(format!(
                    "Chưa nhận được văn bản {document_id}: yêu cầu thu hồi sẽ được xử lý khi văn bản đến."
                )));
            }
            Claim::Duplicate => return Ok(Receipt::Duplicate),
            Claim::Copies(copies) => copies,
        };
        let now = crate::store::now_ms();
        let mut applied = Vec::new();
        let mut told = crate::store::notifications::Notes::default();
        for row in &copies {
            use shared::incoming::IncomingStatus;
            if matches!(
                row.status,
                IncomingStatus::Returned | IncomingStatus::Withdrawn
            ) {
                // Nothing is held here any more: agreed at once, so the sender is not left waiting.
                sql::query("UPDATE incoming_documents SET exchange_status = '13', exchange_recall_reason = $2 WHERE id = $1")
                    .bind(row.id)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                Self::exchange_status_back(
                    &mut tx,
                    row,
                    DeliveryStatus::RecallAgreed,
                    Some("Văn bản không còn được xử lý tại nơi nhận."),
                )
                .await?;
                exchange_history(
                    &mut tx,
                    row.id,
                    &label,
                    "recall_agreed",
                    Some("Tự động: văn bản đã trả lại hoặc đã thu hồi."),
                )
                .await?;
                continue;
            }
            sql::query(
                "UPDATE incoming_documents SET exchange_status = '13', exchange_recall_reason = $2, updated_at = $3 \
                 WHERE id = $1",
            )
            .bind(row.id)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            exchange_history(&mut tx, row.id, &label, "recall_requested", Some(reason)).await?;
            Self::append_audit(
                &mut tx,
                AuditEvent {
                    actor: &exchange_actor(&label),
                    agency_id: Some(row.agency_id),
                    action: "incoming.exchange_recall",
                    target: Some(format!("incoming:{}", row.id)),
                    target_name: Some(row.subject.clone()),
                    details: serde_json::json!({
                        "number": row.code_text, "document_id": document_id, "peer": peer.name, "reason": reason,
                    }),
                },
            )
            .await?;
            let text = format!(
                "Nơi gửi ({}) yêu cầu thu hồi văn bản {}: {reason}",
                row.sender_name, row.code_text
            );
            tell_clerks(&mut tx, row.id, row.agency_id, &text, &mut told).await?;
            applied.push((row.id, row.agency_id));
        }
        tx.commit().await?;
        self.announce_exchange(&applied, &told, "Yêu cầu thu hồi qua trục liên thông")
            .await;
        Ok(Receipt::Applied(copies.iter().map(|r| r.id).collect()))
    }

    /// The clerk answers the sender's recall of a document that came by exchange: 15 withdraws the copy, 16 keeps
    /// it; the answer goes back to the sender as a status packet.
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn answer_exchange_recall(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        agree: bool,
        reason: Option<String>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = Self::lock_incoming(&mut tx, id).await?;
        if row.agency_id != clerk.agency.id {
            return Err(StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(StoreError::Forbidden(
                "Chỉ văn thư của nơi nhận mới trả lời được yêu cầu thu hồi.",
            ));
        }
        if row.delivery_status.as_deref() != Some(DeliveryStatus::RecallRequested.code()) {
            return Err(StoreError::State(
                "Văn bản này không có yêu cầu thu hồi đang chờ trả lời.",
            ));
        }
        let now = crate::store::now_ms();
        if agree {
            withdraw(&mut tx, id, now).await?;
        }
        let (next, action) = if agree {
            (DeliveryStatus::RecallAgreed, "recall_agreed")
        } else {
            (DeliveryStatus::RecallRefused, "recall_refused")
        };
        Self::incoming_history(&mut tx, id, clerk.id, None, action, reason.as_deref()).await?;
        Self::exchange_status_back(&mut tx, &row, next, reason.as_deref()).await?;
        Self::audit_document(
            &mut tx,
            clerk,
            "incoming.recall_answer",
            crate::store::audit::AuditedDocument::incoming(&row),
            serde_json::json!({"agree": agree, "reason": reason, "exchange": true}),
        )
        .await?;
        tx.commit().await?;
        self.announce(Self::incoming_event(
            "incoming",
            &row,
            Vec::new(),
            clerk.id,
            format!("{}: {}", clerk.agency.name, next.label()),
        ))
        .await;
        Ok(())
    }

    /// An update packet (action 2) arrives: the copies of the document take the packet's information (trích yếu,
    /// số/ký hiệu, dates, type, urgency, signer); the history says what changed and why. The files stay: a
    /// changed content comes as a replacement. `key` names this update (its packet's digest), so a redelivery is
    /// a duplicate and a later update is applied.
    #[tracing::instrument(skip_all, fields(peer = %peer.name, document_id = %document_id))]
    pub async fn receive_update(
        &self,
        peer: &PeerRow,
        document_id: &str,
        key: &str,
        from_code: &str,
        facts: &ArrivedFacts,
        reason: Option<&str>,
    ) -> StoreResult<Receipt> {
        let label = crate::exchange::actor_label(&peer.name);
        let mut tx = self.begin_write().await?;
        let copies = match claim(&mut tx, peer, document_id, 2, key, from_code).await? {
            Claim::NotYet => {
                return Ok(Receipt::NotYet(format!(
                    "Chưa nhận được văn bản {document_id}: bản cập nhật sẽ được áp dụng khi văn bản đến."
                )));
            }
            Claim::Duplicate => return Ok(Receipt::Duplicate),
            Claim::Copies(copies) => copies,
        };
        let now = crate::store::now_ms();
        let mut applied = Vec::new();
        let mut told = crate::store::notifications::Notes::default();
        for row in &copies {
            let changed = changed_fields(row, facts);
            sql::query(
                "UPDATE incoming_documents SET subject = $2, code_text = $3, issued_date = $4, doc_type = $5, \
                 urgency = $6, urgency_rank = $7, signer_name = $8, reply_deadline = $9, updated_at = $10 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&facts.subject)
            .bind(&facts.code_text)
            .bind(&facts.issued_date)
            .bind(&facts.doc_type)
            .bind(crate::store::common::urgency_code(facts.urgency))
            .bind(shared::incoming::urgency_rank(facts.urgency))
            .bind(&facts.signer_name)
            .bind(&facts.reply_deadline)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let what = if changed.is_empty() {
                "không thay đổi thông tin nào".to_string()
            } else {
                format!("thay đổi {}", changed.join(", "))
            };
            let comment = match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => format!("{r} ({what})"),
                None => format!("Cập nhật văn bản điện tử ({what})"),
            };
            exchange_history(&mut tx, row.id, &label, "updated_by_sender", Some(&comment)).await?;
            Self::reindex_document(&mut tx, shared::search::SearchKind::Incoming, row.id).await?;
            Self::append_audit(
                &mut tx,
                AuditEvent {
                    actor: &exchange_actor(&label),
                    agency_id: Some(row.agency_id),
                    action: "incoming.exchange_update",
                    target: Some(format!("incoming:{}", row.id)),
                    target_name: Some(facts.subject.clone()),
                    details: serde_json::json!({
                        "document_id": document_id, "peer": peer.name, "changed": changed,
                    }),
                },
            )
            .await?;
            let text = format!("Nơi gửi cập nhật văn bản {}: {comment}", facts.code_text);
            tell_clerks(&mut tx, row.id, row.agency_id, &text, &mut told).await?;
            applied.push((row.id, row.agency_id));
        }
        tx.commit().await?;
        self.announce_exchange(&applied, &told, "Nơi gửi cập nhật văn bản")
            .await;
        Ok(Receipt::Applied(copies.iter().map(|r| r.id).collect()))
    }

    /// Inside the arrival of a replacement (action 3), for one receiving agency: its copies of the replaced
    /// documents are withdrawn, each history naming the document that replaces it.
    pub(crate) async fn apply_replacements(
        tx: &mut sql::Tx,
        peer: &PeerRow,
        agency: i64,
        replacement: (i64, &str),
        replaced: &[String],
    ) -> StoreResult<Vec<i64>> {
        let label = crate::exchange::actor_label(&peer.name);
        let now = crate::store::now_ms();
        let mut withdrawn = Vec::new();
        for document_id in replaced {
            for row in arrivals_of(tx, peer.id, document_id).await? {
                if row.agency_id != agency
                    || row.status == shared::incoming::IncomingStatus::Withdrawn
                {
                    continue;
                }
                withdraw(tx, row.id, now).await?;
                let comment = format!(
                    "Được thay thế bởi văn bản {} (văn bản đến #{}).",
                    replacement.1, replacement.0
                );
                exchange_history(tx, row.id, &label, "replaced", Some(&comment)).await?;
                Self::append_audit(
                    tx,
                    AuditEvent {
                        actor: &exchange_actor(&label),
                        agency_id: Some(agency),
                        action: "incoming.exchange_replaced",
                        target: Some(format!("incoming:{}", row.id)),
                        target_name: Some(row.subject.clone()),
                        details: serde_json::json!({
                            "document_id": document_id, "replaced_by": replacement.0, "peer": peer.name,
                        }),
                    },
                )
                .await?;
                withdrawn.push(row.id);
            }
        }
        Ok(withdrawn)
    }

    /// Tells the pages of the agencies concerned (after the commit).
    pub(crate) async fn announce_exchange(
        &self,
        applied: &[(i64, i64)],
        told: &crate::store::notifications::Notes,
        text: &str,
    ) {
        for (id, agency) in applied {
            self.announce_noted(
                shared::live_event::LiveEvent {
                    personal: Vec::new(),
                    kind: "incoming".into(),
                    outgoing_id: 0,
                    delivery_id: None,
                    incoming_id: Some(*id),
                    agencies: vec![*agency],
                    users: vec![],
                    actor: None,
                    text: text.to_string(),
                },
                told,
            )
            .await;
        }
    }
}
