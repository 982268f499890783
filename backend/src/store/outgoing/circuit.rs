//! The approval circuit (Điều 11): submitting a draft, each reviewer's decision, returns and forwards.

use crate::store::Store;

impl Store {
    /// Clears a step's decision: the document is back with that step's reviewer.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn reopen_step(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        position: i64,
    ) -> crate::store::StoreResult<()> {
        crate::store::sql::query("UPDATE review_steps SET decision = NULL, decided_at = NULL WHERE document_id = $1 AND position = $2")
            .bind(doc)
            .bind(position)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The drafter sends a draft (or a returned one) into the circuit: to the step that returned it, else
    /// the first reviewer, else the signer.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn submit_outgoing(
        &self,
        user: &shared::user::UserDto,
        id: i64,
    ) -> crate::store::StoreResult<()> {
        use shared::outgoing::OutgoingStatus as S;
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        if d.drafter_id != user.id {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ người soạn thảo mới trình được dự thảo này.",
            ));
        }
        let status = d.status;
        if !matches!(status, S::Draft | S::Returned) {
            return Err(crate::store::StoreError::State(
                "Văn bản đã được trình; không trình lại được.",
            ));
        }
        // Back to the step that returned it (kept in current_step), else the first pending step.
        let next: Option<(i64,)> = match d.current_step {
            Some(step) => Some((step,)),
            None => crate::store::sql::query_as(
                "SELECT position FROM review_steps WHERE document_id = $1 AND decision IS NULL ORDER BY position LIMIT 1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?,
        };
        let (status, step) = match next {
            Some((0,)) | None => (S::AwaitingSignature, None),
            Some((step,)) => (S::InReview, Some(step)),
        };
        if let Some(step) = step {
            // The reviewer who returned it decides again.
            Self::reopen_step(&mut tx, id, step).await?;
        }
        Self::set_status(&mut tx, id, status, step).await?;
        Self::history(&mut tx, id, user.id, "submitted", None, Some(d.version)).await?;
        Self::audit_document(
            &mut tx,
            user,
            "outgoing.submit",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"version": d.version, "resubmitted": d.status == S::Returned}),
        )
        .await?;
        // Whoever holds the document now is told it waits for them.
        let again = if d.status == S::Returned {
            " (đã sửa, trình lại)"
        } else {
            ""
        };
        let mut notes = crate::store::notifications::Notes::outgoing(id);
        match step {
            Some(position) => {
                let (reviewer,): (i64,) = crate::store::sql::query_as(
                    "SELECT reviewer_id FROM review_steps WHERE document_id = $1 AND position = $2",
                )
                .bind(id)
                .bind(position)
                .fetch_one(&mut *tx)
                .await?;
                notes.tell(
                    reviewer,
                    format!("Dự thảo mới chờ duyệt{again}: {}", d.subject),
                );
            }
            None => notes.tell(
                d.signer_id,
                format!("Văn bản mới chờ ký{again}: {}", d.subject),
            ),
        }
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "task".into(),
                outgoing_id: id,
                delivery_id: None,
                incoming_id: None,
                agencies: vec![d.agency_id],
                // announce_noted adds the people the notes tell.
                users: vec![],
                actor: Some(user.id),
                text: format!("Có dự thảo mới trình: {}", d.subject),
            },
            &notes,
        )
        .await;
        Ok(())
    }

    /// The holder of the current step (or the signer) decides.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn review_outgoing(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        decision: shared::outgoing::ReviewDecision,
        comment: Option<String>,
        forward_to: Option<i64>,
    ) -> crate::store::StoreResult<()> {
        use shared::outgoing::{OutgoingStatus as S, ReviewDecision as D};
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        let status = d.status;
        let now = crate::store::now_ms();
        // Who is told what: the next holder that it waits for them, the drafter how their draft fared.
        let mut notes = crate::store::notifications::Notes::outgoing(id);
        let reason = comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or("không ghi lý do")
            .to_string();
        let subject = d.subject.clone();
        let returned = |notes: &mut crate::store::notifications::Notes, who: i64| {
            notes.tell(who, format!("Dự thảo bị trả lại: {reason} — {subject}"));
        };
        match status {
            S::InReview => {
                let step = d
                    .current_step
                    .ok_or_else(|| crate::store::outgoing::corrupt("step"))?;
                let (reviewer,): (i64,) = crate::store::sql::query_as(
                    "SELECT reviewer_id FROM review_steps WHERE document_id = $1 AND position = $2",
                )
                .bind(id)
                .bind(step)
                .fetch_one(&mut *tx)
                .await?;
                if reviewer != user.id {
                    return Err(crate::store::StoreError::Forbidden(
                        "Dự thảo đang chờ người khác duyệt, không phải bạn.",
                    ));
                }
                // Record the decision on this step (a step decided earlier, then returned to, is reopened).
                crate::store::sql::query("UPDATE review_steps SET decision = $1, comment = $2, decided_at = $3 WHERE document_id = $4 AND position = $5")
                    .bind(crate::store::outgoing::decision_code(decision))
                    .bind(&comment)
                    .bind(now)
                    .bind(id)
                    .bind(step)
                    .execute(&mut *tx)
                    .await?;
                let action = match decision {
                    D::Approve => {
                        let next: Option<(i64, i64)> = crate::store::sql::query_as(
                            "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 AND position > $2 ORDER BY position LIMIT 1",
                        )
                        .bind(id)
                        .bind(step)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match next {
                            Some((pos, who)) => {
                                Self::set_status(&mut tx, id, S::InReview, Some(pos)).await?;
                                notes.tell(who, format!("Dự thảo mới chờ duyệt: {}", d.subject));
                                notes.tell(
                                    d.drafter_id,
                                    format!(
                                        "Đã duyệt, chuyển người duyệt tiếp theo: {}",
                                        d.subject
                                    ),
                                );
                                "approved"
                            }
                            None => {
                                Self::set_status(&mut tx, id, S::AwaitingSignature, None).await?;
                                notes.tell(
                                    d.signer_id,
                                    format!("Văn bản mới chờ ký: {}", d.subject),
                                );
                                notes
                                    .tell(d.drafter_id, format!("Đã duyệt, chờ ký: {}", d.subject));
                                "approved_to_signer"
                            }
                        }
                    }
                    D::ReturnToPrevious if step > 1 => {
                        let prev: (i64, i64) = crate::store::sql::query_as(
                            "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1",
                        )
                        .bind(id)
                        .bind(step)
                        .fetch_one(&mut *tx)
                        .await?;
                        Self::reopen_step(&mut tx, id, prev.0).await?;
                        Self::set_status(&mut tx, id, S::InReview, Some(prev.0)).await?;
                        returned(&mut notes, prev.1);
                        notes.tell(
                            d.drafter_id,
                            format!(
                                "Dự thảo bị trả lại người duyệt trước: {reason} — {}",
                                d.subject
                            ),
                        );
                        "returned_previous"
                    }
                    D::ReturnToPrevious | D::ReturnToDrafter => {
                        // The drafter fixes it; resubmitting brings it back to this step, which keeps the
                        // return (the page shows "Đã trả lại") until then.
                        Self::set_status(&mut tx, id, S::Returned, Some(step)).await?;
                        returned(&mut notes, d.drafter_id);
                        "returned_drafter"
                    }
                    D::Forward => {
                        let to = forward_to.ok_or(crate::store::StoreError::Field(
                            "forward_to",
                            "Chọn người nhận chuyển tiếp.",
                        ))?;
                        if to == user.id || to == d.drafter_id || to == d.signer_id {
                            return Err(crate::store::StoreError::Field(
                                "forward_to",
                                "Chuyển tiếp cho một người duyệt khác (không phải bạn, người soạn hay người ký).",
                            ));
                        }
                        Self::check_member(
                            &mut tx,
                            to,
                            d.agency_id,
                            &["agency_leader", "unit_leader", "official"],
                            "Chỉ chuyển tiếp được cho người đang làm việc tại cơ quan mình.",
                        )
                        .await
                        .map_err(|e| e.on_field("forward_to"))?;
                        // Make room after this step: shift later steps (twice, to keep positions unique
                        // while moving).
                        crate::store::sql::query("UPDATE review_steps SET position = -position WHERE document_id = $1 AND position > $2")
                            .bind(id)
                            .bind(step)
                            .execute(&mut *tx)
                            .await?;
                        crate::store::sql::query("UPDATE review_steps SET position = 1 - position WHERE document_id = $1 AND position < 0")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        crate::store::sql::query("INSERT INTO review_steps (document_id, position, reviewer_id) VALUES ($1, $2, $3)")
                            .bind(id)
                            .bind(step + 1)
                            .bind(to)
                            .execute(&mut *tx)
                            .await?;
                        Self::set_status(&mut tx, id, S::InReview, Some(step + 1)).await?;
                        notes.tell(
                            to,
                            format!("Dự thảo mới chờ duyệt (được chuyển tiếp): {}", d.subject),
                        );
                        notes.tell(
                            d.drafter_id,
                            format!(
                                "Dự thảo được chuyển tiếp cho người duyệt khác: {}",
                                d.subject
                            ),
                        );
                        "forwarded"
                    }
                };
                Self::history(
                    &mut tx,
                    id,
                    user.id,
                    action,
                    comment.as_deref(),
                    Some(d.version),
                )
                .await?;
            }
            S::AwaitingSignature => {
                if d.signer_id != user.id {
                    return Err(crate::store::StoreError::Forbidden(
                        "Văn bản đang chờ người khác ký, không phải bạn.",
                    ));
                }
                match decision {
                    D::Approve | D::Forward => {
                        return Err(crate::store::StoreError::State(
                            "Ở bước ký, người ký ký số văn bản hoặc trả lại; không duyệt hay chuyển tiếp.",
                        ));
                    }
                    D::ReturnToPrevious => {
                        let last: Option<(i64, i64)> = crate::store::sql::query_as(
                            "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 ORDER BY position DESC LIMIT 1",
                        )
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match last {
                            Some((pos, who)) => {
                                Self::reopen_step(&mut tx, id, pos).await?;
                                Self::set_status(&mut tx, id, S::InReview, Some(pos)).await?;
                                notes.tell(
                                    who,
                                    format!("Người ký trả lại dự thảo: {reason} — {}", d.subject),
                                );
                                notes.tell(
                                    d.drafter_id,
                                    format!(
                                        "Người ký trả lại dự thảo cho người duyệt: {reason} — {}",
                                        d.subject
                                    ),
                                );
                                Self::history(
                                    &mut tx,
                                    id,
                                    user.id,
                                    "returned_previous",
                                    comment.as_deref(),
                                    Some(d.version),
                                )
                                .await?;
                            }
                            None => {
                                Self::set_status(&mut tx, id, S::Returned, Some(0)).await?;
                                returned(&mut notes, d.drafter_id);
                                Self::history(
                                    &mut tx,
                                    id,
                                    user.id,
                                    "returned_drafter",
                                    comment.as_deref(),
                                    Some(d.version),
                                )
                                .await?;
                            }
                        }
                    }
                    D::ReturnToDrafter => {
                        // Resubmitting goes straight back to the signer (step 0).
                        Self::set_status(&mut tx, id, S::Returned, Some(0)).await?;
                        returned(&mut notes, d.drafter_id);
                        Self::history(
                            &mut tx,
                            id,
                            user.id,
                            "returned_drafter",
                            comment.as_deref(),
                            Some(d.version),
                        )
                        .await?;
                    }
                }
            }
            _ => {
                return Err(crate::store::StoreError::State(
                    "Văn bản không ở bước duyệt hay ký.",
                ));
            }
        }
        let action = match decision {
            D::Approve => "outgoing.approve",
            D::ReturnToPrevious | D::ReturnToDrafter => "outgoing.return",
            D::Forward => "outgoing.forward",
        };
        Self::audit_document(
            &mut tx,
            user,
            action,
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"decision": crate::store::outgoing::decision_code(decision),
                "comment": comment, "forward_to": forward_to, "version": d.version}),
        )
        .await?;
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        // The drafter's page refreshes whatever the step (announce_noted adds the people the notes tell).
        let users = vec![d.drafter_id];
        self.announce_noted(
            shared::live_event::LiveEvent {
                personal: Vec::new(),
                kind: "task".into(),
                outgoing_id: id,
                delivery_id: None,
                incoming_id: None,
                agencies: vec![d.agency_id],
                users,
                actor: Some(user.id),
                text: format!("Dự thảo đã được xử lý: {}", d.subject),
            },
            &notes,
        )
        .await;
        Ok(())
    }
}
