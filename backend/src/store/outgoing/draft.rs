//! Drafting: a new outgoing document (version 1) and the versions that follow a return, with their files.

use crate::store::Store;

impl Store {
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_files(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        version: i64,
        kind: &str,
        files: &[crate::store::common::NewFile],
        by: i64,
    ) -> crate::store::StoreResult<()> {
        let now = crate::store::now_ms();
        for (i, f) in files.iter().enumerate() {
            crate::store::sql::query(
                "INSERT INTO document_files (document_id, version, kind, position, name, sha256, size, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(doc)
            .bind(version)
            .bind(kind)
            .bind(i as i64)
            .bind(&f.name)
            .bind(&f.sha256)
            .bind(f.size)
            .bind(by)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn files_of_version(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        version: i64,
    ) -> crate::store::StoreResult<Vec<(String, String, i64)>> {
        Ok(crate::store::sql::query_as(
            "SELECT name, sha256, size FROM document_files WHERE document_id = $1 AND version = $2 ORDER BY position",
        )
        .bind(doc)
        .bind(version)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// A user of `agency_id` holding one of `roles` (checks for signers and reviewers).
    #[tracing::instrument(skip_all, fields(user_id = user_id, agency_id = agency_id))]
    pub(crate) async fn check_member(
        tx: &mut crate::store::sql::Tx,
        user_id: i64,
        agency_id: i64,
        roles: &[&str],
        refusal: &'static str,
    ) -> crate::store::StoreResult<()> {
        let row: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT u.id FROM users u JOIN units un ON un.id = u.unit_id \
             WHERE u.id = $1 AND un.agency_id = $2 AND u.locked = $3",
        )
        .bind(user_id)
        .bind(agency_id)
        .bind(false)
        .fetch_optional(&mut **tx)
        .await?;
        if row.is_none() {
            return Err(crate::store::StoreError::Rule(refusal));
        }
        let held: Vec<(String,)> =
            crate::store::sql::query_as("SELECT role FROM user_roles WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut **tx)
                .await?;
        if !held.iter().any(|(r,)| roles.contains(&r.as_str())) {
            return Err(crate::store::StoreError::Rule(refusal));
        }
        Ok(())
    }

    /// The signer must be a leader of the drafter's agency, each reviewer a leader of the drafter's unit or
    /// agency ([`shared::who_may`], the rule the browser's pickers follow too).
    pub(crate) async fn check_signer_and_reviewers(
        tx: &mut crate::store::sql::Tx,
        drafter: &shared::user::UserDto,
        signer_id: i64,
        reviewers: &[i64],
    ) -> crate::store::StoreResult<()> {
        let agency = drafter.agency.id;
        Self::check_step_rule(
            tx,
            signer_id,
            |m| shared::who_may::may_sign(m, agency),
            "Người ký phải là lãnh đạo đang làm việc tại cơ quan mình.",
        )
        .await
        .map_err(|e| e.on_field("signer_id"))?;
        let drafter = shared::who_may::Member::from(drafter);
        for r in reviewers {
            Self::check_step_rule(
                tx,
                *r,
                |m| shared::who_may::may_review(m, drafter),
                "Người duyệt phải là lãnh đạo đơn vị của người soạn thảo hoặc lãnh đạo cơ quan.",
            )
            .await
            .map_err(|e| e.on_field("reviewers"))?;
        }
        Ok(())
    }

    /// Creates a draft (version 1) by `drafter`; checks that the signer, reviewers and register belong to the
    /// drafter's agency and the recipients exist.
    #[tracing::instrument(skip_all, fields(drafter_id = drafter.id))]
    pub async fn create_outgoing(
        &self,
        drafter: &shared::user::UserDto,
        doc: crate::store::outgoing::NewOutgoing,
    ) -> crate::store::StoreResult<i64> {
        let agency = drafter.agency.id;
        let mut tx = self.begin_write().await?;
        let register: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT id FROM registers WHERE id = $1 AND agency_id = $2 AND direction = 'outgoing'",
        )
        .bind(doc.register_id)
        .bind(agency)
        .fetch_optional(&mut *tx)
        .await?;
        if register.is_none() {
            return Err(crate::store::StoreError::Field(
                "register_id",
                "Chọn một sổ văn bản đi của cơ quan mình.",
            ));
        }
        Self::check_signer_and_reviewers(&mut tx, drafter, doc.signer_id, &doc.reviewers).await?;
        let recipients = Self::resolve_recipients(
            &mut tx,
            agency,
            &doc.internal_recipients,
            &doc.external_recipients,
            &doc.paper_recipients,
        )
        .await?;
        // A reply drafted from an incoming document links its delivery (edXML ResponseFor) and puts the
        // drafter's assignment on it under way (05 for the sender).
        let mut answers_delivery_id = doc.answers_delivery_id;
        let mut answering = None;
        if let Some(inc) = doc.answers_incoming_id {
            let r = Self::lock_incoming(&mut tx, inc).await.map_err(|_| {
                crate::store::StoreError::Field(
                    "answers_incoming_id",
                    "Không tìm thấy văn bản đến được trả lời.",
                )
            })?;
            if r.agency_id != agency {
                return Err(crate::store::StoreError::Field(
                    "answers_incoming_id",
                    "Văn bản được trả lời không phải văn bản cơ quan mình đã nhận.",
                ));
            }
            answers_delivery_id = r.delivery_id.or(answers_delivery_id);
            let mine: Option<(i64,)> = crate::store::sql::query_as(
                "SELECT id FROM assignments WHERE incoming_id = $1 AND state IN ('pending', 'processing') AND role <> 'inform' \
                 AND (user_id = $2 OR (user_id IS NULL AND unit_id = $3 AND $4)) ORDER BY id LIMIT 1",
            )
            .bind(inc)
            .bind(drafter.id)
            .bind(drafter.unit.id)
            .bind(drafter.has_role(shared::role::Role::UnitLeader))
            .fetch_optional(&mut *tx)
            .await?;
            answering = Some((r, mine.map(|m| m.0)));
        }
        if let Some(d) = doc.answers_delivery_id {
            let row: Option<(i64,)> = crate::store::sql::query_as(
                "SELECT id FROM deliveries WHERE id = $1 AND recipient_agency_id = $2",
            )
            .bind(d)
            .bind(agency)
            .fetch_optional(&mut *tx)
            .await?;
            if row.is_none() {
                return Err(crate::store::StoreError::Field(
                    "answers_delivery_id",
                    "Văn bản được trả lời không phải văn bản cơ quan mình đã nhận.",
                ));
            }
        }
        let now = crate::store::now_ms();
        let (id,): (i64,) = crate::store::sql::query_as(
            "INSERT INTO outgoing_documents (agency_id, unit_id, drafter_id, doc_type, subject, urgency, reply_deadline, \
             signer_id, signing_capacity, register_id, answers_delivery_id, paper_recipients, number_placement, status, \
             current_step, version, created_at, updated_at, answers_incoming_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', NULL, 1, $14, $14, $15) RETURNING id",
        )
        .bind(agency)
        .bind(drafter.unit.id)
        .bind(drafter.id)
        .bind(doc.doc_type.code())
        .bind(&doc.subject)
        .bind(crate::store::common::urgency_code(doc.urgency))
        .bind(doc.reply_deadline.map(|d| d.to_string()))
        .bind(doc.signer_id)
        .bind(doc.signing_capacity.code())
        .bind(doc.register_id)
        .bind(answers_delivery_id)
        .bind(serde_json::to_string(&doc.paper_recipients).unwrap_or_else(|_| "[]".into()))
        .bind(serde_json::to_string(&doc.number_placement).unwrap_or_default())
        .bind(now)
        .bind(doc.answers_incoming_id)
        .fetch_one(&mut *tx)
        .await?;
        for (i, r) in doc.reviewers.iter().enumerate() {
            crate::store::sql::query(
                "INSERT INTO review_steps (document_id, position, reviewer_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i64 + 1)
            .bind(r)
            .execute(&mut *tx)
            .await?;
        }
        Self::insert_recipients(&mut tx, id, &recipients).await?;
        Self::insert_files(&mut tx, id, 1, "draft", &doc.files, drafter.id).await?;
        Self::history(&mut tx, id, drafter.id, "created", None, Some(1)).await?;
        let created = Self::lock_doc(&mut tx, id).await?;
        Self::audit_document(
            &mut tx,
            drafter,
            "outgoing.create",
            crate::store::audit::AuditedDocument::outgoing(&created),
            serde_json::json!({"answers_incoming_id": doc.answers_incoming_id, "files": doc.files.len()}),
        )
        .await?;
        if let Some((r, assignment)) = &answering {
            if let Some(a) = assignment {
                crate::store::sql::query("UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1) WHERE id = $2")
                    .bind(now)
                    .bind(a)
                    .execute(&mut *tx)
                    .await?;
                Self::sender_status(
                    &mut tx,
                    r,
                    shared::status::DeliveryStatus::Processing,
                    drafter.id,
                    None,
                )
                .await?;
            }
            Self::incoming_history(
                &mut tx,
                r.id,
                drafter.id,
                None,
                "reply_drafted",
                Some(&doc.subject),
            )
            .await?;
            // The reply's trích yếu is now among the answered document's handling comments.
            Self::reindex_document(&mut tx, shared::search::SearchKind::Incoming, r.id).await?;
        }
        tx.commit().await?;
        if let Some((r, _)) = &answering {
            let text = format!("Đang soạn văn bản trả lời: {}", r.subject);
            self.announce(Self::incoming_event(
                "incoming",
                r,
                vec![],
                drafter.id,
                text,
            ))
            .await;
        }
        Ok(id)
    }

    /// The drafter replaces the files of a draft or a returned document: a new version.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn add_version(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        files: Vec<crate::store::common::NewFile>,
        comment: Option<String>,
    ) -> crate::store::StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        crate::access::may_edit_draft(user.id, d.drafter_id, d.status)?;
        let version = d.version + 1;
        Self::insert_files(&mut tx, id, version, "draft", &files, user.id).await?;
        crate::store::sql::query(
            "UPDATE outgoing_documents SET version = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(version)
        .bind(crate::store::now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::history(
            &mut tx,
            id,
            user.id,
            "new_version",
            comment.as_deref(),
            Some(version),
        )
        .await?;
        Self::audit_document(
            &mut tx,
            user,
            "outgoing.new_version",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"version": version, "comment": comment,
                "sha256": files.first().map(|f| f.sha256.clone())}),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }
}
