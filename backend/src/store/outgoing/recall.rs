//! Recall (thu hồi): the issuing agency asks for an issued document back; each recipient's clerk agrees or refuses.

use crate::store::Store;

impl Store {
    /// The issuer's agency recalls an issued document (13 to every delivered recipient).
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn recall_outgoing(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        reason: String,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        if d.agency_id != user.agency.id {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ cơ quan ban hành mới thu hồi được văn bản.",
            ));
        }
        let may = user.has_role(shared::role::Role::Clerk)
            || user.has_role(shared::role::Role::AgencyLeader)
            || d.signer_id == user.id;
        if !may {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư, lãnh đạo cơ quan hoặc người ký mới thu hồi được văn bản.",
            ));
        }
        if d.status != shared::outgoing::OutgoingStatus::Issued {
            return Err(crate::store::StoreError::State(
                "Chỉ thu hồi được văn bản đã phát hành và chưa bị thu hồi.",
            ));
        }
        let now = crate::store::now_ms();
        crate::store::sql::query("UPDATE outgoing_documents SET status = 'recalled', recall_reason = $1, recalled_at = $2, updated_at = $2 WHERE id = $3")
            .bind(&reason)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let delivered: Vec<(i64, String)> = crate::store::sql::query_as(
            "SELECT id, status FROM deliveries WHERE outgoing_id = $1 AND channel = 'internal' AND status IS NOT NULL",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (delivery, status) in delivered {
            let from = shared::status::DeliveryStatus::from_code(&status)
                .ok_or_else(|| crate::store::outgoing::corrupt("delivery status"))?;
            if from.can_move_to(shared::status::DeliveryStatus::RecallRequested) {
                Self::delivery_event(
                    &mut tx,
                    delivery,
                    shared::status::DeliveryStatus::RecallRequested,
                    Some(user.id),
                    Some(&reason),
                )
                .await?;
            }
        }
        // Recipients on other systems are asked through the exchange (action 1), in this transaction.
        Self::enqueue_recalls(&mut tx, id, user.id, &reason, now).await?;
        Self::history(&mut tx, id, user.id, "recalled", Some(&reason), None).await?;
        Self::audit_document(
            &mut tx,
            user,
            "outgoing.recall",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"reason": reason}),
        )
        .await?;
        let agencies = Self::audience(&mut tx, id, d.agency_id).await?;
        tx.commit().await?;
        self.announce(shared::live_event::LiveEvent {
            personal: Vec::new(),
            kind: "arrival".into(),
            outgoing_id: id,
            delivery_id: None,
            incoming_id: None,
            agencies,
            users: vec![],
            actor: Some(user.id),
            text: format!(
                "Yêu cầu thu hồi văn bản {}",
                d.number_text.unwrap_or_default()
            ),
        })
        .await;
        Ok(())
    }

    /// The recipient's clerk answers a recall: 15 (agree: frozen, hidden from queues) or 16 (refuse).
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, delivery_id = delivery_id))]
    pub async fn answer_recall(
        &self,
        clerk: &shared::user::UserDto,
        delivery_id: i64,
        agree: bool,
        reason: Option<String>,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, Option<i64>, Option<String>)> = crate::store::sql::query_as(
            "UPDATE deliveries SET status_at = status_at WHERE id = $1 RETURNING outgoing_id, recipient_agency_id, status",
        )
        .bind(delivery_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (outgoing, agency, status) = row.ok_or(crate::store::StoreError::NotFound)?;
        if agency != Some(clerk.agency.id) {
            return Err(crate::store::StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư của nơi nhận mới trả lời được yêu cầu thu hồi.",
            ));
        }
        if status.as_deref() != Some(shared::status::DeliveryStatus::RecallRequested.code()) {
            return Err(crate::store::StoreError::State(
                "Văn bản này không có yêu cầu thu hồi đang chờ trả lời.",
            ));
        }
        let next = if agree {
            shared::status::DeliveryStatus::RecallAgreed
        } else {
            shared::status::DeliveryStatus::RecallRefused
        };
        Self::delivery_event(
            &mut tx,
            delivery_id,
            next,
            Some(clerk.id),
            reason.as_deref(),
        )
        .await?;
        // The recipient's copy: withdrawn (its open work closed) when the recall is agreed.
        let copy: Option<(i64,)> =
            crate::store::sql::query_as("SELECT id FROM incoming_documents WHERE delivery_id = $1")
                .bind(delivery_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((copy,)) = copy {
            let now = crate::store::now_ms();
            if agree {
                crate::store::exchange_actions::withdraw(&mut tx, copy, now).await?;
            }
            Self::incoming_history(
                &mut tx,
                copy,
                clerk.id,
                None,
                if agree {
                    "recall_agreed"
                } else {
                    "recall_refused"
                },
                reason.as_deref(),
            )
            .await?;
        }
        Self::history(
            &mut tx,
            outgoing,
            clerk.id,
            if agree {
                "recall_agreed"
            } else {
                "recall_refused"
            },
            reason.as_deref(),
            None,
        )
        .await?;
        // Audited on the recipient's copy (its agency's log), or on the document itself when it had none.
        let (action, audited) = match copy {
            Some((copy,)) => (
                "incoming.recall_answer",
                crate::store::audit::AuditedDocument::incoming(
                    &Self::lock_incoming(&mut tx, copy).await?,
                ),
            ),
            None => (
                "outgoing.recall_answer",
                crate::store::audit::AuditedDocument::outgoing(
                    &Self::lock_doc(&mut tx, outgoing).await?,
                ),
            ),
        };
        Self::audit_document(
            &mut tx,
            clerk,
            action,
            audited,
            serde_json::json!({"agree": agree, "reason": reason, "delivery_id": delivery_id}),
        )
        .await?;
        let (sender,): (i64,) =
            crate::store::sql::query_as("SELECT agency_id FROM outgoing_documents WHERE id = $1")
                .bind(outgoing)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        self.announce(shared::live_event::LiveEvent {
            personal: Vec::new(),
            kind: "delivery".into(),
            outgoing_id: outgoing,
            delivery_id: Some(delivery_id),
            incoming_id: None,
            agencies: vec![sender, clerk.agency.id],
            users: vec![],
            actor: Some(clerk.id),
            text: format!("{}: {}", clerk.agency.name, next.label()),
        })
        .await;
        Ok(())
    }
}
