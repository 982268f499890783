//! Reading outgoing documents: one document whole, the navigation's buckets and their counts.

use crate::store::Store;

/// A review step: position, reviewer, decision, comment, decided at.
type StepRow = (i64, i64, Option<String>, Option<String>, Option<i64>);

/// A file of a version, as selected below.
type FileRow = (i64, i64, String, i64, String, String, i64, i64, i64);

/// A history line: at, actor, action, comment, version.
type HistRow = (i64, i64, String, Option<String>, Option<i64>);

/// A delivery, as selected below.
type DeliveryRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
);

/// A delivery event: delivery, status, at, reason, actor name.
type EventRow = (i64, String, i64, Option<String>, Option<String>);

impl Store {
    /// The document with its steps, versions, history and deliveries (`actions` left empty).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get_outgoing(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<shared::outgoing::OutgoingDto> {
        use crate::store::outgoing as o;
        let sql = format!("{}WHERE d.id = $1", o::DOC_SELECT);
        let row: Option<o::DocRow> = crate::store::sql::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let d = row.ok_or(crate::store::StoreError::NotFound)?;
        // Everyone the document mentions, in one query (not one per line of its history).
        let people: Vec<(i64, String, Option<String>)> = crate::store::sql::query_as(
            "SELECT id, full_name, position FROM users WHERE id IN ( \
             SELECT drafter_id FROM outgoing_documents WHERE id = $1 \
             UNION SELECT signer_id FROM outgoing_documents WHERE id = $1 \
             UNION SELECT issued_by FROM outgoing_documents WHERE id = $1 AND issued_by IS NOT NULL \
             UNION SELECT reviewer_id FROM review_steps WHERE document_id = $1 \
             UNION SELECT created_by FROM document_files WHERE document_id = $1 \
             UNION SELECT actor_id FROM document_history WHERE document_id = $1)",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let people: std::collections::HashMap<i64, shared::outgoing::PersonRef> = people
            .into_iter()
            .map(|(id, full_name, position)| {
                (
                    id,
                    shared::outgoing::PersonRef {
                        id,
                        full_name,
                        position,
                    },
                )
            })
            .collect();
        let person = |id: i64| people.get(&id).cloned().ok_or_else(|| o::corrupt("person"));
        let steps: Vec<StepRow> = crate::store::sql::query_as(
            "SELECT position, reviewer_id, decision, comment, decided_at FROM review_steps WHERE document_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut step_dtos = Vec::new();
        for (position, reviewer, decision, comment, decided_at) in steps {
            step_dtos.push(shared::outgoing::ReviewStepDto {
                position,
                reviewer: person(reviewer)?,
                decision: decision.as_deref().and_then(o::decision_of),
                comment,
                decided_at: decided_at.map(shared::time::Timestamp),
            });
        }
        let files: Vec<FileRow> = crate::store::sql::query_as(
            "SELECT id, version, kind, position, name, sha256, size, created_by, created_at FROM document_files \
             WHERE document_id = $1 ORDER BY version, position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut versions: Vec<shared::outgoing::VersionDto> = Vec::new();
        for (fid, version, kind, position, name, sha256, size, by, at) in files {
            if versions.last().map(|v| v.number) != Some(version) {
                versions.push(shared::outgoing::VersionDto {
                    number: version,
                    kind,
                    created_by: person(by)?,
                    created_at: shared::time::Timestamp(at),
                    files: Vec::new(),
                });
            }
            if let Some(v) = versions.last_mut() {
                v.files.push(shared::outgoing::FileDto {
                    id: fid,
                    name,
                    sha256,
                    size,
                    position,
                });
            }
        }
        let hist: Vec<HistRow> = crate::store::sql::query_as(
            "SELECT at, actor_id, action, comment, version FROM document_history WHERE document_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut history = Vec::new();
        for (at, actor, action, comment, version) in hist {
            history.push(shared::outgoing::HistoryEntry {
                at: shared::time::Timestamp(at),
                actor: person(actor)?,
                label: o::history_label(&action).to_string(),
                action,
                comment,
                version,
            });
        }
        let dels: Vec<DeliveryRow> = crate::store::sql::query_as(
            "SELECT id, channel, recipient_agency_id, recipient_code, recipient_name, status, status_at \
             FROM deliveries WHERE outgoing_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        // Every status change of every recipient, in one query.
        let all_events: Vec<EventRow> = crate::store::sql::query_as(
            "SELECT ev.delivery_id, ev.status, ev.at, ev.reason, u.full_name FROM delivery_events ev \
             JOIN deliveries dl ON dl.id = ev.delivery_id LEFT JOIN users u ON u.id = ev.actor_id \
             WHERE dl.outgoing_id = $1 ORDER BY ev.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut deliveries = Vec::new();
        for (did, channel, agency_id, code, name, status, status_at) in dels {
            let evs = all_events
                .iter()
                .filter(|e| e.0 == did)
                .map(|e| (e.1.clone(), e.2, e.3.clone(), e.4.clone()));
            deliveries.push(shared::outgoing::DeliveryDto {
                id: did,
                channel: shared::outgoing::DeliveryChannel::from_code(&channel)
                    .ok_or_else(|| o::corrupt("channel"))?,
                recipient_agency_id: agency_id,
                recipient_code: code,
                recipient_name: name,
                status: status
                    .as_deref()
                    .and_then(shared::status::DeliveryStatus::from_code),
                status_at: status_at.map(shared::time::Timestamp),
                events: evs
                    .filter_map(|(s, at, reason, actor_name)| {
                        Some(shared::outgoing::DeliveryEventDto {
                            status: shared::status::DeliveryStatus::from_code(&s)?,
                            at: shared::time::Timestamp(at),
                            reason,
                            actor_name,
                        })
                    })
                    .collect(),
            });
        }
        Ok(shared::outgoing::OutgoingDto {
            id: d.id,
            agency_id: d.agency_id,
            agency_name: d.agency_name,
            doc_type: crate::store::common::doc_type_of(&d.doc_type)?,
            subject: d.subject,
            urgency: crate::store::common::urgency_of(&d.urgency)?,
            reply_deadline: d
                .reply_deadline
                .as_deref()
                .and_then(|s| shared::civil_date::CivilDate::parse(s).ok()),
            status: d.status,
            drafter: person(d.drafter_id)?,
            drafting_unit: d.unit_name,
            signer: person(d.signer_id)?,
            signing_capacity: shared::outgoing::SigningCapacity::from_code(&d.signing_capacity)
                .ok_or_else(|| o::corrupt("signing capacity"))?,
            register_id: d.register_id,
            register_name: d.register_name,
            notation: shared::outgoing::notation(
                crate::store::common::doc_type_of(&d.doc_type)?,
                &d.agency_short,
                &d.unit_short,
            ),
            answers_delivery_id: d.answers_delivery_id,
            answers_incoming_id: d.answers_incoming_id,
            number: d.number,
            year: d.year.map(|y| y as i32),
            number_text: d.number_text,
            issued_at: d.issued_at.map(shared::time::Timestamp),
            issued_by: match d.issued_by {
                Some(u) => Some(person(u)?),
                None => None,
            },
            recall_reason: d.recall_reason,
            verification_code: d.verification_code,
            paper_recipients: serde_json::from_str(&d.paper_recipients)
                .map_err(|_| o::corrupt("paper recipients"))?,
            number_placement: serde_json::from_str(&d.number_placement)
                .map_err(|_| o::corrupt("placement"))?,
            current_step: d.current_step,
            steps: step_dtos,
            versions,
            history,
            deliveries,
            created_at: shared::time::Timestamp(d.created_at),
            updated_at: shared::time::Timestamp(d.updated_at),
            actions: Vec::new(),
            signs_as: None,
        })
    }

    /// A bucket of the navigation, for `user`.
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn list_outgoing(
        &self,
        user: &shared::user::UserDto,
        bucket: shared::outgoing::OutgoingBucket,
        filter: &shared::list_query::ListQuery,
    ) -> crate::store::StoreResult<(Vec<shared::outgoing::OutgoingSummary>, i64)> {
        use shared::outgoing::OutgoingBucket as B;
        let to_sign = format!(
            "d.status = 'awaiting_signature' AND (d.signer_id = $1 OR d.signer_id IN ({}))",
            crate::store::outgoing::signing_delegators_sql()
        );
        let (cond, with_agency) = match bucket {
            B::Drafts => ("d.drafter_id = $1 AND d.status = 'draft'", false),
            B::Returned => ("d.drafter_id = $1 AND d.status = 'returned'", false),
            B::ToReview => (
                "d.status = 'in_review' AND EXISTS (SELECT 1 FROM review_steps s WHERE s.document_id = d.id \
                 AND s.position = d.current_step AND s.reviewer_id = $1)",
                false,
            ),
            B::ToSign => (to_sign.as_str(), false),
            B::ToIssue => (
                "d.status = 'awaiting_issue' AND d.agency_id = $2 AND $1 = $1",
                true,
            ),
            // The agency's clerks and leaders see every issued document of it; anyone else only those they
            // took part in (the ones they may open).
            B::Issued if crate::access::is_agency_staff(user, user.agency.id) => (
                "d.status IN ('issued', 'recalled') AND d.agency_id = $2 AND $1 = $1",
                true,
            ),
            B::Issued => (
                "d.status IN ('issued', 'recalled') AND d.agency_id = $2 AND (d.drafter_id = $1 \
                 OR d.signer_id = $1 OR EXISTS (SELECT 1 FROM review_steps s WHERE s.document_id = d.id \
                 AND s.reviewer_id = $1) OR EXISTS (SELECT 1 FROM document_history h \
                 WHERE h.document_id = d.id AND h.actor_id = $1))",
                true,
            ),
            B::Mine => (
                "(d.drafter_id = $1 OR d.signer_id = $1 OR EXISTS (SELECT 1 FROM review_steps s \
                 WHERE s.document_id = d.id AND s.reviewer_id = $1))",
                false,
            ),
        };
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            doc_type: String,
            subject: String,
            urgency: String,
            #[sqlx(try_from = "String")]
            status: shared::outgoing::OutgoingStatus,
            number_text: Option<String>,
            updated_at: i64,
            drafter_id: i64,
            drafter_name: String,
            drafter_position: Option<String>,
            holder_id: Option<i64>,
            holder_name: Option<String>,
            holder_position: Option<String>,
        }
        // The holder is the reviewer of the current step in review, the signer while awaiting signature.
        let base = format!(
            "SELECT d.id, d.doc_type, d.subject, d.urgency, d.status, d.number_text, d.updated_at, \
             d.unit_id, d.reply_deadline, d.year, d.number, \
             dr.id AS drafter_id, dr.full_name AS drafter_name, dr.position AS drafter_position, \
             h.id AS holder_id, h.full_name AS holder_name, h.position AS holder_position \
             FROM outgoing_documents d JOIN users dr ON dr.id = d.drafter_id \
             LEFT JOIN review_steps cs ON cs.document_id = d.id AND cs.position = d.current_step AND d.status = 'in_review' \
             LEFT JOIN users h ON h.id = CASE WHEN d.status = 'awaiting_signature' THEN d.signer_id ELSE cs.reviewer_id END \
             WHERE {cond}"
        );
        let mut args: Vec<crate::store::sql::Value> = vec![user.id.into()];
        if with_agency {
            args.push(user.agency.id.into());
        }
        let (rows, total) = crate::store::list::page::<Row>(
            &self.pool,
            &base,
            args,
            filter,
            &crate::store::list::Columns {
                date: "x.updated_at",
                deadline: "x.reply_deadline",
                year: "x.year",
                number: "x.number",
                doc_type: "x.doc_type",
                urgency: "x.urgency",
                status: "x.status",
                agency: None,
                unit: Some("x.unit_id"),
                tie: "x.id",
            },
            "x.updated_at DESC, x.id DESC",
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(shared::outgoing::OutgoingSummary {
                id: r.id,
                doc_type: crate::store::common::doc_type_of(&r.doc_type)?,
                subject: r.subject,
                urgency: crate::store::common::urgency_of(&r.urgency)?,
                status: r.status,
                drafter: shared::outgoing::PersonRef {
                    id: r.drafter_id,
                    full_name: r.drafter_name,
                    position: r.drafter_position,
                },
                holder: match (r.holder_id, r.holder_name) {
                    (Some(id), Some(full_name)) => Some(shared::outgoing::PersonRef {
                        id,
                        full_name,
                        position: r.holder_position,
                    }),
                    _ => None,
                },
                number_text: r.number_text,
                updated_at: shared::time::Timestamp(r.updated_at),
            });
        }
        Ok((out, total))
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn outgoing_counts(
        &self,
        user: &shared::user::UserDto,
    ) -> crate::store::StoreResult<shared::outgoing::OutgoingCounts> {
        let row: (i64, i64, i64, i64, i64, i64) = crate::store::sql::query_as(format!(
            "SELECT \
             (SELECT COUNT(*) FROM outgoing_documents WHERE drafter_id = $1 AND status = 'draft'), \
             (SELECT COUNT(*) FROM outgoing_documents d JOIN review_steps s ON s.document_id = d.id AND s.position = d.current_step \
              WHERE d.status = 'in_review' AND s.reviewer_id = $1), \
             (SELECT COUNT(*) FROM outgoing_documents WHERE status = 'awaiting_signature' AND (signer_id = $1 OR signer_id IN ({}))), \
             (SELECT COUNT(*) FROM outgoing_documents WHERE status = 'awaiting_issue' AND agency_id = $2), \
             (SELECT COUNT(*) FROM outgoing_documents WHERE drafter_id = $1 AND status = 'returned'), \
             (SELECT COUNT(*) FROM deliveries WHERE recipient_agency_id = $2 AND status IN ('01', '13'))",
            crate::store::outgoing::signing_delegators_sql()
        ))
        .bind(user.id)
        .bind(user.agency.id)
        .fetch_one(&self.pool)
        .await?;
        let clerk = user.has_role(shared::role::Role::Clerk);
        Ok(shared::outgoing::OutgoingCounts {
            drafts: row.0,
            to_review: row.1,
            to_sign: row.2,
            to_issue: if clerk { row.3 } else { 0 },
            returned: row.4,
            arrived: if clerk { row.5 } else { 0 },
        })
    }

    /// Whether `agency_id` received document `id` (its issued files are then visible to it).
    #[tracing::instrument(skip_all, fields(id = id, agency_id = agency_id))]
    pub async fn is_recipient(&self, id: i64, agency_id: i64) -> crate::store::StoreResult<bool> {
        let row: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT id FROM deliveries WHERE outgoing_id = $1 AND recipient_agency_id = $2 AND status IS NOT NULL",
        )
        .bind(id)
        .bind(agency_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }
}
