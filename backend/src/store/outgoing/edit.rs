//! The return cycle (Điều 11): the drafter changes the metadata of a draft or a returned document (trích yếu,
//! type, recipients, reviewers, signer, urgency, deadline) before resubmitting it; each change is a line of the
//! history beside the reviewer's comment.

use crate::store::Store;

/// A recipient row as `deliveries` keeps it: channel, agency on this system, code outside it, name.
pub(crate) type RecipientRow = (&'static str, Option<i64>, Option<String>, String);

/// The drafter's new metadata, validated by [`shared::outgoing::EditDraftRequest::validate`].
#[derive(Debug, Clone)]
pub struct DraftEdit {
    pub doc_type: shared::document::DocumentType,
    pub subject: String,
    pub urgency: shared::document::Urgency,
    pub reply_deadline: Option<shared::civil_date::CivilDate>,
    pub signer_id: i64,
    pub signing_capacity: shared::outgoing::SigningCapacity,
    pub internal_recipients: Vec<i64>,
    /// (mã định danh, name).
    pub external_recipients: Vec<(String, String)>,
    pub paper_recipients: Vec<String>,
    pub reviewers: Vec<i64>,
}

/// "«cũ» → «mới»" for a history line.
fn change(what: &str, old: &str, new: &str) -> String {
    format!("Đổi {what}: «{old}» → «{new}»")
}

impl Store {
    /// The recipients of a draft as `deliveries` rows: agencies on the system (never the issuing one), codes
    /// outside it, paper copies.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn resolve_recipients(
        tx: &mut crate::store::sql::Tx,
        agency: i64,
        internal: &[i64],
        external: &[(String, String)],
        paper: &[String],
    ) -> crate::store::StoreResult<Vec<RecipientRow>> {
        let mut recipients = Vec::new();
        for a in internal {
            let row: Option<(String,)> =
                crate::store::sql::query_as("SELECT name FROM agencies WHERE id = $1")
                    .bind(a)
                    .fetch_optional(&mut **tx)
                    .await?;
            let name = row
                .ok_or(crate::store::StoreError::Field(
                    "internal_recipients",
                    "Một nơi nhận không có trong hệ thống.",
                ))?
                .0;
            if *a == agency {
                return Err(crate::store::StoreError::Field(
                    "internal_recipients",
                    "Văn bản đi không gửi cho chính cơ quan ban hành (bản lưu được giữ tự động).",
                ));
            }
            recipients.push(("internal", Some(*a), None::<String>, name));
        }
        for (code, name) in external {
            recipients.push(("external", None, Some(code.clone()), name.clone()));
        }
        for name in paper {
            recipients.push(("paper", None, None, name.clone()));
        }
        Ok(recipients)
    }

    /// Inserts the `deliveries` rows of a draft's recipients, in order.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_recipients(
        tx: &mut crate::store::sql::Tx,
        id: i64,
        recipients: &[RecipientRow],
    ) -> crate::store::StoreResult<()> {
        for (i, (channel, agency_id, code, name)) in recipients.iter().enumerate() {
            crate::store::sql::query(
                "INSERT INTO deliveries (outgoing_id, channel, recipient_agency_id, recipient_code, recipient_name, position) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(*channel)
            .bind(*agency_id)
            .bind(code)
            .bind(name)
            .bind(i as i64)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    async fn full_names(
        tx: &mut crate::store::sql::Tx,
        ids: &[i64],
    ) -> crate::store::StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for id in ids {
            let (name,): (String,) =
                crate::store::sql::query_as("SELECT full_name FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
            out.push(name);
        }
        Ok(out)
    }

    /// The drafter changes a draft's or a returned document's metadata (only the drafter, only in `draft` or
    /// `returned`: [`crate::access::may_edit_draft`]). A reviewer who returned it and stays among the reviewers
    /// gets it back on resubmission, with their decision kept until then; each change is a history line
    /// (`edited`). Answers how many things changed.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn edit_outgoing(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        e: DraftEdit,
    ) -> crate::store::StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        if d.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        crate::access::may_edit_draft(user.id, d.drafter_id, d.status)?;
        Self::check_signer_and_reviewers(&mut tx, user, e.signer_id, &e.reviewers).await?;
        let recipients = Self::resolve_recipients(
            &mut tx,
            d.agency_id,
            &e.internal_recipients,
            &e.external_recipients,
            &e.paper_recipients,
        )
        .await?;
        let mut changes = Vec::new();

        let old_type = crate::store::common::doc_type_of(&d.doc_type)?;
        if old_type != e.doc_type {
            changes.push(change("loại văn bản", old_type.name(), e.doc_type.name()));
        }
        if d.subject != e.subject {
            changes.push(change("trích yếu", &d.subject, &e.subject));
        }
        let old_urgency = crate::store::common::urgency_of(&d.urgency)?;
        if old_urgency != e.urgency {
            changes.push(change("độ khẩn", old_urgency.label(), e.urgency.label()));
        }
        let new_deadline = e.reply_deadline.map(|x| x.to_string());
        if d.reply_deadline != new_deadline {
            let show = |v: Option<shared::civil_date::CivilDate>| {
                v.map(|x| x.display()).unwrap_or_else(|| "không có".into())
            };
            let old = crate::store::incoming::civil_opt(d.reply_deadline.as_deref())?;
            changes.push(change("hạn trả lời", &show(old), &show(e.reply_deadline)));
        }
        if d.signer_id != e.signer_id {
            let names = Self::full_names(&mut tx, &[d.signer_id, e.signer_id]).await?;
            changes.push(change("người ký", &names[0], &names[1]));
        }
        let old_capacity = shared::outgoing::SigningCapacity::from_code(&d.signing_capacity)
            .ok_or_else(|| crate::store::outgoing::corrupt("signing capacity"))?;
        if old_capacity != e.signing_capacity {
            changes.push(change(
                "thẩm quyền ký",
                old_capacity.label(),
                e.signing_capacity.label(),
            ));
        }

        let old_recipients: Vec<(String, Option<i64>, Option<String>, String)> =
            crate::store::sql::query_as(
                "SELECT channel, recipient_agency_id, recipient_code, recipient_name FROM deliveries \
                 WHERE outgoing_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        let same_recipients = old_recipients.len() == recipients.len()
            && old_recipients
                .iter()
                .zip(&recipients)
                .all(|(o, n)| o.0 == n.0 && o.1 == n.1 && o.2 == n.2 && o.3 == n.3);
        if !same_recipients {
            let list = |names: Vec<&str>| names.join("; ");
            changes.push(change(
                "nơi nhận",
                &list(old_recipients.iter().map(|r| r.3.as_str()).collect()),
                &list(recipients.iter().map(|r| r.3.as_str()).collect()),
            ));
            crate::store::sql::query("DELETE FROM deliveries WHERE outgoing_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Self::insert_recipients(&mut tx, id, &recipients).await?;
        }

        // The circuit: reviewers who stay keep their decisions; the one holding the returned step keeps it.
        type Step = (i64, i64, Option<String>, Option<String>, Option<i64>);
        let steps: Vec<Step> = crate::store::sql::query_as(
            "SELECT position, reviewer_id, decision, comment, decided_at FROM review_steps \
             WHERE document_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let old_reviewers: Vec<i64> = steps.iter().map(|s| s.1).collect();
        let mut current_step = d.current_step;
        if old_reviewers != e.reviewers {
            let old_names = Self::full_names(&mut tx, &old_reviewers).await?;
            let new_names = Self::full_names(&mut tx, &e.reviewers).await?;
            let none = |v: Vec<String>| {
                if v.is_empty() {
                    "không có".to_string()
                } else {
                    v.join(", ")
                }
            };
            changes.push(change("người duyệt", &none(old_names), &none(new_names)));
            let holder = d
                .current_step
                .and_then(|p| steps.iter().find(|s| s.0 == p))
                .map(|s| s.1);
            crate::store::sql::query("DELETE FROM review_steps WHERE document_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (i, r) in e.reviewers.iter().enumerate() {
                let kept = steps.iter().find(|s| s.1 == *r);
                crate::store::sql::query(
                    "INSERT INTO review_steps (document_id, position, reviewer_id, decision, comment, decided_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(i as i64 + 1)
                .bind(r)
                .bind(kept.and_then(|s| s.2.clone()))
                .bind(kept.and_then(|s| s.3.clone()))
                .bind(kept.and_then(|s| s.4))
                .execute(&mut *tx)
                .await?;
            }
            // Back to the reviewer who returned it, at their new place; if they left the circuit, to the
            // first reviewer who has not decided (or the signer: 0 stays 0).
            if d.current_step != Some(0) {
                current_step = holder
                    .and_then(|h| e.reviewers.iter().position(|r| *r == h))
                    .map(|p| p as i64 + 1);
            }
        }
        if changes.is_empty() {
            return Ok(0);
        }
        let now = crate::store::now_ms();
        crate::store::sql::query(
            "UPDATE outgoing_documents SET doc_type = $1, subject = $2, urgency = $3, reply_deadline = $4, \
             signer_id = $5, signing_capacity = $6, paper_recipients = $7, current_step = $8, updated_at = $9 \
             WHERE id = $10",
        )
        .bind(e.doc_type.code())
        .bind(&e.subject)
        .bind(crate::store::common::urgency_code(e.urgency))
        .bind(new_deadline)
        .bind(e.signer_id)
        .bind(e.signing_capacity.code())
        .bind(serde_json::to_string(&e.paper_recipients).unwrap_or_else(|_| "[]".into()))
        .bind(current_step)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for c in &changes {
            Self::history(&mut tx, id, user.id, "edited", Some(c), Some(d.version)).await?;
        }
        Self::audit_document(
            &mut tx,
            user,
            "outgoing.edit",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"changes": changes, "version": d.version}),
        )
        .await?;
        tx.commit().await?;
        Ok(changes.len())
    }
}
