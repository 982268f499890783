//! Issuing: the held number becomes a register entry, the sealed version is recorded with its verified
//! signatures, and every recipient gets its delivery (and, on the system, its incoming copy), in one transaction.

use crate::store::Store;

impl Store {
    /// Records a delivery status change and moves the delivery.
    #[tracing::instrument(skip_all, fields(delivery = delivery))]
    pub(crate) async fn delivery_event(
        tx: &mut crate::store::sql::Tx,
        delivery: i64,
        status: shared::status::DeliveryStatus,
        actor: Option<i64>,
        reason: Option<&str>,
    ) -> crate::store::StoreResult<()> {
        let now = crate::store::now_ms();
        crate::store::sql::query("UPDATE deliveries SET status = $1, status_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(now)
            .bind(delivery)
            .execute(&mut **tx)
            .await?;
        crate::store::sql::query("INSERT INTO delivery_events (delivery_id, status, at, actor_id, reason) VALUES ($1, $2, $3, $4, $5)")
            .bind(delivery)
            .bind(status.code())
            .bind(now)
            .bind(actor)
            .bind(reason)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The agencies that hear about a document: its own and every internal recipient.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn audience(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        own: i64,
    ) -> crate::store::StoreResult<Vec<i64>> {
        let rows: Vec<(Option<i64>,)> = crate::store::sql::query_as(
            "SELECT recipient_agency_id FROM deliveries WHERE outgoing_id = $1 AND channel = 'internal' AND status IS NOT NULL",
        )
        .bind(doc)
        .fetch_all(&mut **tx)
        .await?;
        let mut out = vec![own];
        out.extend(rows.into_iter().filter_map(|r| r.0));
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Records the issue: the held number becomes a register entry, the issued version, the signatures, the
    /// deliveries (internal ones arrive at once as 01). All or nothing.
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn issue_outgoing(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        previous_sha256: &str,
        issue: crate::store::outgoing::IssueRecord,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        Self::check_issuer(clerk, &d)?;
        let files = Self::files_of_version(&mut tx, id, d.version).await?;
        if files.first().map(|f| f.1.as_str()) != Some(previous_sha256) {
            return Err(crate::store::StoreError::State(
                "Văn bản vừa thay đổi; hãy mở lại trước khi phát hành.",
            ));
        }
        // The held number leaves the reservations only if it is still held for this document: an expired
        // hold that another clerk has taken since is gone, and the issue fails without a trace.
        let taken = crate::store::sql::query(
            "DELETE FROM register_numbers WHERE register_id = $1 AND year = $2 AND number = $3 AND state = 'held' AND document_id = $4 \
             AND verification_code = $5",
        )
        .bind(issue.register_id)
        .bind(i64::from(issue.year))
        .bind(i64::from(issue.number))
        .bind(id)
        .bind(&issue.verification_code)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Err(crate::store::StoreError::State(
                "Số giữ cho văn bản này đã hết hạn và được cấp cho văn bản khác; hãy lấy số lại và đóng dấu lại.",
            ));
        }
        let now = crate::store::now_ms();
        crate::store::sql::query("INSERT INTO register_entries (register_id, year, number, document_id, recorded_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(issue.register_id)
            .bind(i64::from(issue.year))
            .bind(i64::from(issue.number))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(crate::store::common::unique_as(crate::store::Conflict::NumberTaken))?;
        let version = d.version + 1;
        Self::insert_files(&mut tx, id, version, "issued", &issue.files, clerk.id).await?;
        for s in &issue.signatures {
            Self::insert_signature(&mut tx, id, s).await?;
        }
        crate::store::sql::query(
            "UPDATE outgoing_documents SET version = $1, status = 'issued', number = $2, year = $3, number_text = $4, \
             issued_at = $5, issued_by = $6, current_step = NULL, updated_at = $5, verification_code = $8, \
             archive_timestamp_until = $9 WHERE id = $7",
        )
        .bind(version)
        .bind(i64::from(issue.number))
        .bind(i64::from(issue.year))
        .bind(&issue.number_text)
        .bind(now)
        .bind(clerk.id)
        .bind(id)
        .bind(&issue.verification_code)
        .bind(issue.archive_timestamp_until)
        .execute(&mut *tx)
        .await?;
        // Every internal recipient arrives at once (01), in two statements whatever their number; external
        // ones are queued for the exchange.
        let internal: Vec<(i64, Option<i64>)> = crate::store::sql::query_as(
            "UPDATE deliveries SET status = '01', status_at = $1 WHERE outgoing_id = $2 AND channel = 'internal' \
             RETURNING id, recipient_agency_id",
        )
        .bind(now)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        crate::store::sql::query(
            "INSERT INTO delivery_events (delivery_id, status, at, actor_id) \
             SELECT id, '01', $1, $2 FROM deliveries WHERE outgoing_id = $3 AND channel = 'internal' ORDER BY position",
        )
        .bind(now)
        .bind(clerk.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        crate::store::sql::query("UPDATE deliveries SET exchange_state = 'queued' WHERE outgoing_id = $1 AND channel = 'external'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::deliver_incoming(&mut tx, &d, id, version, clerk.id, &issue, now).await?;
        // External recipients a peer serves leave through the exchange's outbox, committed with the issue.
        Self::enqueue_documents(&mut tx, id, now).await?;
        Self::history(
            &mut tx,
            id,
            clerk.id,
            "issued",
            Some(&issue.number_text),
            Some(version),
        )
        .await?;
        Self::audit_document(
            &mut tx,
            clerk,
            "outgoing.issue",
            crate::store::audit::AuditedDocument::outgoing(&d).numbered(&issue.number_text),
            serde_json::json!({
                "register_id": issue.register_id, "year": issue.year, "register_number": issue.number,
                "sha256": issue.files.first().map(|f| f.sha256.clone()),
            }),
        )
        .await?;
        let issued = format!("Văn bản {} đã phát hành: {}", issue.number_text, d.subject);
        let notes = crate::store::notifications::Notes::outgoing(id)
            .telling(&[d.drafter_id, d.signer_id], &issued);
        Self::notify(&mut tx, clerk.id, &notes).await?;
        // Each receiving agency's clerks: the document waits for them to register it (vào sổ).
        let arrived: Vec<(i64, i64)> = crate::store::sql::query_as(
            "SELECT id, agency_id FROM incoming_documents WHERE outgoing_id = $1 AND channel = 'system' ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // What each person was told, for their live notice.
        let mut told = notes.clone();
        for (incoming, agency) in arrived {
            // The recipients' copies are found by their people from now on (their own steps reindex them).
            Self::reindex_document(&mut tx, shared::search::SearchKind::Incoming, incoming).await?;
            let clerks = Self::agency_clerks(&mut tx, agency).await?;
            let text = format!(
                "Văn bản đến mới từ {}, chờ vào sổ: {} — {}",
                d.agency_name, issue.number_text, d.subject
            );
            let notes =
                crate::store::notifications::Notes::incoming(incoming).telling(&clerks, &text);
            Self::notify(&mut tx, clerk.id, &notes).await?;
            told.notes.extend(notes.notes);
        }
        tx.commit().await?;
        let mut agencies: Vec<i64> = internal.iter().filter_map(|d| d.1).collect();
        agencies.push(d.agency_id);
        self.announce_noted(
            shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "arrival".into(),
                outgoing_id: id,
                delivery_id: None,
                incoming_id: None,
                agencies,
                users: vec![d.drafter_id, d.signer_id],
                actor: Some(clerk.id),
                text: format!("Văn bản {} đã phát hành: {}", issue.number_text, d.subject),
            },
            &told,
        )
        .await;
        Ok(())
    }
}
