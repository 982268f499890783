//! Intake (Điều 12–14): documents entered by the clerk (e-mail, paper, exchange), and the clerk's answer to a
//! document that arrived on the system: accept (with its số đến), return with a reason, or forward to a leader.

use shared::incoming::IncomingStatus;

use crate::store::Store;

impl Store {
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id))]
    pub async fn create_incoming(
        &self,
        clerk: &shared::user::UserDto,
        doc: crate::store::incoming::NewIncoming,
    ) -> crate::store::StoreResult<i64> {
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư mới tiếp nhận được văn bản đến.",
            ));
        }
        let now = crate::store::now_ms();
        let mut tx = self.begin_write().await?;
        let register: (i64,) = crate::store::sql::query_as(
            "SELECT id FROM registers WHERE agency_id = $1 AND direction = 'incoming' ORDER BY id LIMIT 1",
        )
        .bind(clerk.agency.id)
        .fetch_one(&mut *tx)
        .await?;
        let verification = serde_json::to_string(&doc.verification)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let (id,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO incoming_documents (agency_id, channel, status, sender_name, sender_code, code_text, \
             issued_date, doc_type, subject, urgency, urgency_rank, signer_name, reply_deadline, declared_attachments, \
             declared_pages, received_at, backfilled, verification, verification_ok, register_id, note, created_by, \
             created_at, updated_at) \
             VALUES ($1, $2, 'arrived', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22) \
             RETURNING id",
        )
        .bind(clerk.agency.id)
        .bind(doc.channel.code())
        .bind(&doc.sender_name)
        .bind(&doc.sender_code)
        .bind(&doc.code_text)
        .bind(doc.issued_date.to_string())
        .bind(doc.doc_type.code())
        .bind(&doc.subject)
        .bind(crate::store::common::urgency_code(doc.urgency))
        .bind(shared::incoming::urgency_rank(doc.urgency))
        .bind(&doc.signer_name)
        .bind(doc.reply_deadline.map(|d| d.to_string()))
        .bind(doc.declared_attachments.map(i64::from))
        .bind(doc.declared_pages.map(i64::from))
        .bind(doc.backfilled_arrival.unwrap_or(now))
        .bind(doc.backfilled_arrival.is_some())
        .bind(verification)
        .bind(doc.verification.ok)
        .bind(register.0)
        .bind(&doc.note)
        .bind(clerk.id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (i, f) in doc.files.iter().enumerate() {
            crate::store::sql::query("INSERT INTO incoming_files (incoming_id, position, name, sha256, size) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(i as i64)
                .bind(&f.name)
                .bind(&f.sha256)
                .bind(f.size)
                .execute(&mut *tx)
                .await?;
        }
        let how = format!(
            "{}{}",
            doc.channel.label(),
            if doc.backfilled_arrival.is_some() {
                " (nhập bù sau sự cố)"
            } else {
                ""
            }
        );
        Self::incoming_history(
            &mut tx,
            id,
            clerk.id,
            None,
            "registered_by_hand",
            Some(&how),
        )
        .await?;
        let created = Self::lock_incoming(&mut tx, id).await?;
        Self::audit_document(
            &mut tx,
            clerk,
            "incoming.create",
            crate::store::audit::AuditedDocument::incoming(&created),
            serde_json::json!({
                "channel": doc.channel.code(), "backfilled_arrival": doc.backfilled_arrival,
                "sha256": doc.files.first().map(|f| f.sha256.clone()), "verified": doc.verification.ok,
            }),
        )
        .await?;
        tx.commit().await?;
        self.announce(shared::live_event::LiveEvent {
            personal: Vec::new(),
            kind: "incoming".into(),
            outgoing_id: 0,
            delivery_id: None,
            incoming_id: Some(id),
            agencies: vec![clerk.agency.id],
            users: vec![],
            actor: Some(clerk.id),
            text: format!("Văn bản đến: {}", doc.subject),
        })
        .await;
        Ok(id)
    }

    /// Vào sổ: the next số đến of the year; forwarded to `forward_to` in the same step when given.
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn accept_incoming(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        override_reason: Option<String>,
        forward_to: Option<i64>,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let r = Self::lock_incoming(&mut tx, id).await?;
        if r.agency_id != clerk.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư mới vào sổ văn bản đến.",
            ));
        }
        if r.status != IncomingStatus::Arrived {
            return Err(crate::store::StoreError::State(
                "Văn bản này không còn chờ vào sổ.",
            ));
        }
        if r.delivery_status.as_deref()
            == Some(shared::status::DeliveryStatus::RecallRequested.code())
        {
            return Err(crate::store::StoreError::State(
                "Nơi gửi đang yêu cầu thu hồi văn bản này; hãy trả lời yêu cầu thu hồi trước.",
            ));
        }
        if !r.verification_ok && override_reason.is_none() {
            return Err(crate::store::StoreError::Field(
                "override_reason",
                "Chữ ký số của văn bản không kiểm tra được là hợp lệ; muốn vào sổ phải ghi rõ lý do.",
            ));
        }
        if let Some(leader) = forward_to {
            Self::check_member(
                &mut tx,
                leader,
                r.agency_id,
                &["agency_leader"],
                "Chỉ trình được lãnh đạo cơ quan.",
            )
            .await
            .map_err(|e| e.on_field("forward_to"))?;
        }
        let now = crate::store::now_ms();
        let year = i64::from(
            shared::civil_date::CivilDate::of(shared::time::Timestamp(r.received_at)).year,
        );
        let (number,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO register_counters (register_id, year, high) VALUES ($1, $2, 1) \
             ON CONFLICT (register_id, year) DO UPDATE SET high = register_counters.high + 1 RETURNING high",
        )
        .bind(r.register_id)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        crate::store::sql::query(
            "UPDATE incoming_documents SET status = $1, arrival_year = $2, arrival_number = $3, registered_at = $4, \
             registered_by = $5, override_reason = $6, assigner_id = $7, forwarded_at = $8, updated_at = $4 WHERE id = $9",
        )
        .bind(if forward_to.is_some() { "to_assign" } else { "registered" })
        .bind(year)
        .bind(number)
        .bind(now)
        .bind(clerk.id)
        .bind(&override_reason)
        .bind(forward_to)
        .bind(forward_to.map(|_| now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::sender_status(
            &mut tx,
            &r,
            shared::status::DeliveryStatus::Accepted,
            clerk.id,
            None,
        )
        .await?;
        let line = format!("Số đến: {number}/{year}");
        match &override_reason {
            Some(why) => {
                Self::incoming_history(
                    &mut tx,
                    id,
                    clerk.id,
                    None,
                    "accepted_despite",
                    Some(&format!("{line}. Lý do: {why}")),
                )
                .await?
            }
            None => {
                Self::incoming_history(&mut tx, id, clerk.id, None, "accepted", Some(&line)).await?
            }
        }
        if forward_to.is_some() {
            Self::incoming_history(&mut tx, id, clerk.id, None, "forwarded", None).await?;
        }
        // The audit entry goes last: its chain head is locked only until the commit right after.
        Self::audit_document(
            &mut tx,
            clerk,
            "incoming.accept",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({
                "arrival_number": number, "year": year, "override_reason": override_reason, "forward_to": forward_to,
            }),
        )
        .await?;
        let leaders: Vec<i64> = forward_to.into_iter().collect();
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(
            &leaders,
            &format!("Văn bản đến số {number} chờ phân công: {}", r.subject),
        );
        Self::notify(&mut tx, clerk.id, &notes).await?;
        tx.commit().await?;
        let text = format!("Văn bản đến số {number}: {}", r.subject);
        self.announce_noted(
            Self::incoming_event("incoming", &r, leaders, clerk.id, text),
            &notes,
        )
        .await;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn return_incoming(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        reason: String,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let r = Self::lock_incoming(&mut tx, id).await?;
        if r.agency_id != clerk.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư mới trả lại được văn bản đến.",
            ));
        }
        if r.status != IncomingStatus::Arrived {
            return Err(crate::store::StoreError::State(
                "Chỉ trả lại được văn bản chưa vào sổ.",
            ));
        }
        let now = crate::store::now_ms();
        crate::store::sql::query("UPDATE incoming_documents SET status = 'returned', return_reason = $1, updated_at = $2 WHERE id = $3")
            .bind(&reason)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::sender_status(
            &mut tx,
            &r,
            shared::status::DeliveryStatus::Rejected,
            clerk.id,
            Some(&reason),
        )
        .await?;
        Self::incoming_history(&mut tx, id, clerk.id, None, "returned", Some(&reason)).await?;
        if let Some(outgoing) = r.outgoing_id {
            Self::history(
                &mut tx,
                outgoing,
                clerk.id,
                "recipient_returned",
                Some(&format!("{}: {reason}", clerk.agency.name)),
                None,
            )
            .await?;
        }
        Self::audit_document(
            &mut tx,
            clerk,
            "incoming.return",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"reason": reason}),
        )
        .await?;
        tx.commit().await?;
        let text = format!(
            "{} trả lại văn bản {}: {reason}",
            clerk.agency.name, r.code_text
        );
        self.announce(Self::incoming_event("delivery", &r, vec![], clerk.id, text))
            .await;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id, leader_id = leader_id))]
    pub async fn forward_incoming(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        leader_id: i64,
        comment: Option<String>,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let r = Self::lock_incoming(&mut tx, id).await?;
        if r.agency_id != clerk.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        if !clerk.has_role(shared::role::Role::Clerk) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ văn thư mới trình được văn bản đến.",
            ));
        }
        if !matches!(
            r.status,
            IncomingStatus::Registered | IncomingStatus::ToAssign
        ) {
            return Err(crate::store::StoreError::State(
                "Chỉ trình được văn bản đã vào sổ và chưa được phân công.",
            ));
        }
        Self::check_member(
            &mut tx,
            leader_id,
            r.agency_id,
            &["agency_leader"],
            "Chỉ trình được lãnh đạo cơ quan.",
        )
        .await
        .map_err(|e| e.on_field("leader_id"))?;
        let now = crate::store::now_ms();
        crate::store::sql::query("UPDATE incoming_documents SET status = 'to_assign', assigner_id = $1, forwarded_at = $2, updated_at = $2 WHERE id = $3")
            .bind(leader_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::incoming_history(&mut tx, id, clerk.id, None, "forwarded", comment.as_deref())
            .await?;
        Self::audit_document(
            &mut tx,
            clerk,
            "incoming.forward",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"leader_id": leader_id, "comment": comment}),
        )
        .await?;
        let text = format!("Văn bản đến chờ phân công: {}", r.subject);
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&[leader_id], &text);
        Self::notify(&mut tx, clerk.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("task", &r, vec![leader_id], clerk.id, text),
            &notes,
        )
        .await;
        Ok(())
    }

    /// The sender's recall, answered from the incoming document (15 withdraws it, 16 keeps it).
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn answer_incoming_recall(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        agree: bool,
        reason: Option<String>,
    ) -> crate::store::StoreResult<()> {
        let delivery = {
            let sql = format!("{}WHERE i.id = $1", crate::store::incoming::INCOMING_SELECT);
            let r: Option<crate::store::incoming::IncomingRow> = crate::store::sql::query_as(sql)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            let r = r.ok_or(crate::store::StoreError::NotFound)?;
            if r.agency_id != clerk.agency.id {
                return Err(crate::store::StoreError::NotFound);
            }
            if r.channel == shared::incoming::IncomingChannel::Exchange {
                // The sender is on another system: the answer goes back as a status packet.
                return self.answer_exchange_recall(clerk, id, agree, reason).await;
            }
            r.delivery_id.ok_or(crate::store::StoreError::State(
                "Văn bản này không có yêu cầu thu hồi.",
            ))?
        };
        self.answer_recall(clerk, delivery, agree, reason).await
    }
}
