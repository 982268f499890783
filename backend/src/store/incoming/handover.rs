//! Handover: a leaving official's open work moves to another account in one transaction.

use crate::store::Store;

impl Store {
    /// Bàn giao: every open piece of work of `from` moves to `to`, in one audited step.
    #[tracing::instrument(skip_all, fields(admin_id = admin.id, from = from, to = to))]
    pub async fn handover(
        &self,
        admin: &shared::user::UserDto,
        from: i64,
        to: i64,
        reason: Option<String>,
    ) -> crate::store::StoreResult<shared::incoming::HandoverResult> {
        use shared::role::Role;
        if !(admin.has_role(Role::AgencyAdmin) || admin.has_role(Role::SystemAdmin)) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ quản trị mới bàn giao được công việc.",
            ));
        }
        if from == to {
            return Err(crate::store::StoreError::Field(
                "to_user_id",
                "Hãy chọn một người khác để nhận bàn giao.",
            ));
        }
        let mut tx = self.begin_write().await?;
        let leaving = Self::user_in(&mut *tx, from).await?;
        if leaving.agency.id != admin.agency.id && !admin.has_role(Role::SystemAdmin) {
            return Err(crate::store::StoreError::NotFound);
        }
        let taking = Self::user_in(&mut *tx, to).await.map_err(|_| {
            crate::store::StoreError::Field("to_user_id", "Không tìm thấy người nhận bàn giao.")
        })?;
        if taking.agency.id != leaving.agency.id || taking.locked {
            return Err(crate::store::StoreError::Field(
                "to_user_id",
                "Người nhận bàn giao phải là tài khoản đang hoạt động của cùng cơ quan.",
            ));
        }
        // Work goes only to an account whose roles may do it: an administrator taking a leader's work must not
        // gain the sign action (access rule 1 of issue 12).
        const OPEN_WORK: [&str; 5] = [
            "SELECT COUNT(*) FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing')",
            "SELECT COUNT(*) FROM outgoing_documents WHERE drafter_id = $1 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
            "SELECT COUNT(*) FROM review_steps WHERE reviewer_id = $1 AND decision IS NULL",
            "SELECT COUNT(*) FROM outgoing_documents WHERE signer_id = $1 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
            "SELECT COUNT(*) FROM incoming_documents WHERE assigner_id = $1 AND status = 'to_assign'",
        ];
        for (sql, (_, roles, refusal)) in OPEN_WORK
            .into_iter()
            .zip(crate::access::handover_requirements())
        {
            let (open,): (i64,) = crate::store::sql::query_as(sql)
                .bind(from)
                .fetch_one(&mut *tx)
                .await?;
            if open > 0 && !crate::access::may_take_over(&taking, roles) {
                return Err(crate::store::StoreError::Field("to_user_id", refusal));
            }
        }
        let moved = |r: crate::store::sql::Done| r.rows_affected() as i64;
        let assignments = moved(
            crate::store::sql::query("UPDATE assignments SET user_id = $1, unit_id = $2 WHERE user_id = $3 AND state IN ('pending', 'processing')")
                .bind(to)
                .bind(taking.unit.id)
                .bind(from)
                .execute(&mut *tx)
                .await?,
        );
        // Where the receiver already had open work on the same document, the two become one: the one with
        // the weightier role stays (lead, then co-operating, then for information), the other is closed
        // with a note, so nobody holds a document twice.
        let doubled: Vec<(i64, i64, String)> = crate::store::sql::query_as(
            "SELECT id, incoming_id, role FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing') \
             AND incoming_id IN (SELECT incoming_id FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing') \
             GROUP BY incoming_id HAVING COUNT(*) > 1) ORDER BY incoming_id, id",
        )
        .bind(to)
        .fetch_all(&mut *tx)
        .await?;
        let weight = |r: &str| match r {
            "lead" => 0,
            "cooperate" => 1,
            _ => 2,
        };
        let mut by_doc: std::collections::BTreeMap<i64, Vec<(i64, String)>> = Default::default();
        for (id, doc, role) in doubled {
            by_doc.entry(doc).or_default().push((id, role));
        }
        let merged_note = format!("Gộp khi bàn giao cho {}", taking.full_name);
        for (_, mut list) in by_doc {
            list.sort_by_key(|(id, role)| (weight(role), *id));
            for (id, _) in list.into_iter().skip(1) {
                crate::store::sql::query("UPDATE assignments SET state = 'done', done_at = $1, result = $2 WHERE id = $3")
                    .bind(crate::store::now_ms())
                    .bind(&merged_note)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        // Documents whose signer changes: the signer's name is part of their search entry.
        let resigned: Vec<(i64,)> = crate::store::sql::query_as(
            "SELECT id FROM outgoing_documents WHERE signer_id = $1 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
        )
        .bind(from)
        .fetch_all(&mut *tx)
        .await?;
        // The rest of the leaving account's open work changes hands by one column each.
        const MOVES: [&str; 4] = [
            "UPDATE incoming_documents SET assigner_id = $1 WHERE assigner_id = $2 AND status = 'to_assign'",
            "UPDATE outgoing_documents SET drafter_id = $1 WHERE drafter_id = $2 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
            "UPDATE review_steps SET reviewer_id = $1 WHERE reviewer_id = $2 AND decision IS NULL",
            "UPDATE outgoing_documents SET signer_id = $1 WHERE signer_id = $2 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
        ];
        let mut counts = [0_i64; 4];
        for (count, sql) in counts.iter_mut().zip(MOVES) {
            *count = moved(
                crate::store::sql::query(sql)
                    .bind(to)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?,
            );
        }
        let [to_assign, drafts, reviews, signatures] = counts;
        for (id,) in resigned {
            Self::reindex_document(&mut tx, shared::search::SearchKind::Outgoing, id).await?;
        }
        let result = shared::incoming::HandoverResult {
            assignments,
            to_assign,
            drafts,
            reviews,
            signatures,
        };
        let docs: Vec<(i64,)> = crate::store::sql::query_as(
            "SELECT DISTINCT incoming_id FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing') \
             UNION SELECT id FROM incoming_documents WHERE assigner_id = $1 AND status = 'to_assign'",
        )
        .bind(to)
        .fetch_all(&mut *tx)
        .await?;
        let line = format!("{} → {}", leaving.full_name, taking.full_name);
        for (doc,) in docs {
            Self::incoming_history(&mut tx, doc, admin.id, None, "handed_over", Some(&line))
                .await?;
        }
        Self::append_audit(
            &mut tx,
            crate::store::AuditEvent {
                actor: &Self::audit_actor(admin),
                agency_id: Some(leaving.agency.id),
                action: "user.handover",
                target: Some(format!("user:{from}")),
                target_name: Some(leaving.full_name.clone()),
                details: serde_json::json!({
                    "to_user_id": to, "to_name": taking.full_name, "reason": reason,
                    "assignments": assignments, "to_assign": to_assign, "drafts": drafts, "reviews": reviews,
                    "signatures": signatures,
                }),
            },
        )
        .await?;
        let text = format!(
            "Công việc của {} đã được bàn giao cho {}",
            leaving.full_name, taking.full_name
        );
        let notes = crate::store::notifications::Notes::default().telling(&[to, from], &text);
        Self::notify(&mut tx, admin.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "task".into(),
                outgoing_id: 0,
                delivery_id: None,
                incoming_id: None,
                agencies: vec![],
                users: vec![to, from],
                actor: Some(admin.id),
                text,
            },
            &notes,
        )
        .await;
        Ok(result)
    }
}
