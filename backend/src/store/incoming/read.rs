//! Reading incoming documents: one document whole, the buckets and counts, the handler's queue, and who sees a
//! document of their agency.

use crate::access;
use crate::store::Store;

/// A history line: at, actor, on behalf of, action, comment.
/// at, actor (none for the exchange), the exchange's name then, on behalf of, action, comment.
type HistoryRow = (
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
);

impl Store {
    /// The facts [`access::sees_incoming`] decides on, for `user` and the document `row`.
    #[tracing::instrument(skip_all, fields(user_id = user.id, incoming_id = row.id))]
    pub(crate) async fn incoming_facts(
        &self,
        user: &shared::user::UserDto,
        row: &crate::store::incoming::IncomingRow,
    ) -> crate::store::StoreResult<access::IncomingFacts> {
        let mut facts = access::IncomingFacts {
            agency_id: row.agency_id,
            assigner_id: row.assigner_id,
            ..Default::default()
        };
        if row.agency_id != user.agency.id {
            return Ok(facts);
        }
        let unit_leader = user.has_role(shared::role::Role::UnitLeader);
        let mine: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT id FROM assignments WHERE incoming_id = $1 AND (user_id = $2 OR (unit_id = $3 AND $4)) LIMIT 1",
        )
        .bind(row.id)
        .bind(user.id)
        .bind(user.unit.id)
        .bind(unit_leader)
        .fetch_optional(&self.pool)
        .await?;
        facts.has_assignment = mine.is_some();
        if let Some(assigner) = row.assigner_id
            && assigner != user.id
        {
            facts.delegate_of_assigner = self.active_delegation(assigner, user.id).await?.is_some();
        }
        Ok(facts)
    }

    /// Whether `user` may open the incoming document `id` ([`access::sees_incoming`] on its facts): the light
    /// check a write makes before it acts, so a hidden document answers as an absent one.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn sees_incoming(
        &self,
        user: &shared::user::UserDto,
        id: i64,
    ) -> crate::store::StoreResult<bool> {
        let sql = format!("{}WHERE i.id = $1", crate::store::incoming::INCOMING_SELECT);
        let row: Option<crate::store::incoming::IncomingRow> = crate::store::sql::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(access::sees_incoming(
                user,
                &self.incoming_facts(user, &row).await?,
            )),
            None => Ok(false),
        }
    }

    /// Whether `user` may open some copy, in their own agency, of the outgoing document `outgoing_id` (so also
    /// the document it is a copy of and its issued files).
    #[tracing::instrument(skip_all, fields(user_id = user.id, outgoing_id = outgoing_id))]
    pub async fn sees_incoming_copy(
        &self,
        user: &shared::user::UserDto,
        outgoing_id: i64,
    ) -> crate::store::StoreResult<bool> {
        let sql = format!(
            "{}WHERE i.outgoing_id = $1 AND i.agency_id = $2 ORDER BY i.id",
            crate::store::incoming::INCOMING_SELECT
        );
        let rows: Vec<crate::store::incoming::IncomingRow> = crate::store::sql::query_as(sql)
            .bind(outgoing_id)
            .bind(user.agency.id)
            .fetch_all(&self.pool)
            .await?;
        for row in &rows {
            if access::sees_incoming(user, &self.incoming_facts(user, row).await?) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The document as `viewer` may see it, with what they may do; `NotFound` when they may not see it.
    #[tracing::instrument(skip_all, fields(viewer_id = viewer.id, id = id))]
    pub async fn get_incoming(
        &self,
        viewer: &shared::user::UserDto,
        id: i64,
    ) -> crate::store::StoreResult<shared::incoming::IncomingDto> {
        use shared::incoming::*;

        let sql = format!("{}WHERE i.id = $1", crate::store::incoming::INCOMING_SELECT);
        let r: Option<crate::store::incoming::IncomingRow> = crate::store::sql::query_as(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let r = r.ok_or(crate::store::StoreError::NotFound)?;
        let facts = self.incoming_facts(viewer, &r).await?;
        if !access::sees_incoming(viewer, &facts) {
            return Err(crate::store::StoreError::NotFound);
        }
        let now = crate::store::now_ms();
        let people: Vec<(i64, String, Option<String>)> = crate::store::sql::query_as(
            "SELECT u.id, u.full_name, u.position FROM users u WHERE u.id IN ( \
             SELECT actor_id FROM incoming_history WHERE incoming_id = $1 \
             UNION SELECT on_behalf_of FROM incoming_history WHERE incoming_id = $1 \
             UNION SELECT assigned_by FROM assignments WHERE incoming_id = $1 \
             UNION SELECT on_behalf_of FROM assignments WHERE incoming_id = $1 \
             UNION SELECT user_id FROM assignments WHERE incoming_id = $1 \
             UNION SELECT assigner_id FROM incoming_documents WHERE id = $1 \
             UNION SELECT registered_by FROM incoming_documents WHERE id = $1)",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let who = |id: i64| {
            people
                .iter()
                .find(|p| p.0 == id)
                .map(|p| crate::store::common::person(p.0, p.1.clone(), p.2.clone()))
                .unwrap_or_else(|| crate::store::common::person(id, format!("#{id}"), None))
        };
        let files: Vec<(i64, String, String, i64, i64)> = crate::store::sql::query_as(
            "SELECT id, name, sha256, size, position FROM incoming_files WHERE incoming_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let verification: Option<VerificationDto> = match &r.verification {
            Some(v) => Some(
                serde_json::from_str(v)
                    .map_err(|_| crate::store::incoming::corrupt("verification"))?,
            ),
            None => None,
        };
        let pages_of = |sha: &str| {
            verification
                .as_ref()
                .and_then(|v| v.files.iter().find(|f| f.sha256 == sha))
                .and_then(|f| f.pages)
        };
        let files: Vec<IncomingFileDto> = files
            .into_iter()
            .map(|(fid, name, sha256, size, position)| IncomingFileDto {
                id: fid,
                pages: pages_of(&sha256),
                name,
                sha256,
                size,
                position,
            })
            .collect();
        #[derive(sqlx::FromRow)]
        struct ARow {
            id: i64,
            role: String,
            unit_id: i64,
            unit_name: String,
            user_id: Option<i64>,
            parent_id: Option<i64>,
            assigned_by: i64,
            on_behalf_of: Option<i64>,
            instruction: Option<String>,
            due_date: Option<String>,
            due_at: Option<i64>,
            state: String,
            created_at: i64,
            done_at: Option<i64>,
            last_urged_at: Option<i64>,
            result: Option<String>,
        }
        let arows: Vec<ARow> = crate::store::sql::query_as(
            "SELECT a.id, a.role, a.unit_id, un.name AS unit_name, a.user_id, a.parent_id, a.assigned_by, a.on_behalf_of, \
             a.instruction, a.due_date, a.due_at, a.state, a.created_at, a.done_at, a.last_urged_at, a.result \
             FROM assignments a JOIN units un ON un.id = a.unit_id WHERE a.incoming_id = $1 ORDER BY a.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let open_doc = r.status == IncomingStatus::InProgress;
        let mut assignments = Vec::new();
        let mut assignment_actions = Vec::new();
        for a in arows {
            let role = AssignmentRole::from_code(&a.role)
                .ok_or_else(|| crate::store::incoming::corrupt("role"))?;
            let state = AssignmentState::from_code(&a.state)
                .ok_or_else(|| crate::store::incoming::corrupt("state"))?;
            let done = state == AssignmentState::Done;
            let acts = access::assignment_actions(
                viewer,
                r.agency_id,
                open_doc,
                &access::AssignmentFacts {
                    role,
                    user_id: a.user_id,
                    unit_id: a.unit_id,
                    has_parent: a.parent_id.is_some(),
                    assigned_by: a.assigned_by,
                    on_behalf_of: a.on_behalf_of,
                    done,
                },
            );
            if !acts.is_empty() {
                assignment_actions.push((a.id, acts));
            }
            assignments.push(AssignmentDto {
                id: a.id,
                incoming_id: id,
                role,
                unit: Some(UnitRef {
                    id: a.unit_id,
                    name: a.unit_name,
                }),
                user: a.user_id.map(&who),
                parent_id: a.parent_id,
                assigned_by: who(a.assigned_by),
                on_behalf_of: a.on_behalf_of.map(&who),
                instruction: a.instruction,
                due_date: crate::store::incoming::civil_opt(a.due_date.as_deref())?,
                due: DueState::at(a.due_at, done, now),
                state,
                created_at: shared::time::Timestamp(a.created_at),
                done_at: a.done_at.map(shared::time::Timestamp),
                last_urged_at: a.last_urged_at.map(shared::time::Timestamp),
                result: a.result,
            });
        }
        let hrows: Vec<HistoryRow> = crate::store::sql::query_as(
            "SELECT at, actor_id, actor_label, on_behalf_of, action, comment FROM incoming_history WHERE incoming_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let history = hrows
            .into_iter()
            .map(
                |(at, actor, label, behalf, action, comment)| IncomingHistoryEntry {
                    entry: shared::outgoing::HistoryEntry {
                        at: shared::time::Timestamp(at),
                        // The exchange acts with no person behind it: shown by its name, id 0.
                        actor: match actor {
                            Some(id) => who(id),
                            None => crate::store::common::person(
                                0,
                                label.unwrap_or_else(|| "Trục liên thông".into()),
                                None,
                            ),
                        },
                        label: crate::store::incoming::incoming_label(&action).to_string(),
                        action,
                        comment,
                        version: None,
                    },
                    on_behalf_of: behalf.map(&who),
                },
            )
            .collect();
        let replies: Vec<(i64, String, String, Option<String>)> = crate::store::sql::query_as(
            "SELECT id, subject, status, number_text FROM outgoing_documents WHERE answers_incoming_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let sender_statuses: Vec<(String, i64)> = match r.delivery_id {
            Some(d) => {
                crate::store::sql::query_as(
                    "SELECT status, at FROM delivery_events WHERE delivery_id = $1 ORDER BY id",
                )
                .bind(d)
                .fetch_all(&self.pool)
                .await?
            }
            None => Vec::new(),
        };
        let status = r.status;
        let recall_pending = r.delivery_status.as_deref()
            == Some(shared::status::DeliveryStatus::RecallRequested.code());
        let actions = access::incoming_actions(viewer, &facts, status, recall_pending);
        let done = matches!(
            status,
            IncomingStatus::Completed | IncomingStatus::Returned | IncomingStatus::Withdrawn
        );
        Ok(IncomingDto {
            id: r.id,
            agency_id: r.agency_id,
            channel: r.channel,
            status,
            sender_name: r.sender_name,
            sender_code: r.sender_code,
            sender_agency_id: r.sender_agency_id,
            code_text: r.code_text,
            issued_date: crate::store::incoming::civil(&r.issued_date)?,
            doc_type: crate::store::common::doc_type_of(&r.doc_type)?,
            subject: r.subject,
            urgency: crate::store::common::urgency_of(&r.urgency)?,
            signer_name: r.signer_name,
            reply_deadline: crate::store::incoming::civil_opt(r.reply_deadline.as_deref())?,
            declared_attachments: r.declared_attachments.and_then(|n| u32::try_from(n).ok()),
            declared_pages: r.declared_pages.and_then(|n| u32::try_from(n).ok()),
            outgoing_id: r.outgoing_id,
            delivery_id: r.delivery_id,
            received_at: shared::time::Timestamp(r.received_at),
            backfilled: r.backfilled,
            register_id: r.register_id,
            arrival_number: r.arrival_number,
            arrival_year: r.arrival_year.map(|y| y as i32),
            registered_at: r.registered_at.map(shared::time::Timestamp),
            registered_by: r.registered_by.map(&who),
            verification,
            override_reason: r.override_reason,
            return_reason: r.return_reason,
            assigner: r.assigner_id.map(&who),
            instruction: r.instruction,
            due_date: crate::store::incoming::civil_opt(r.due_date.as_deref())?,
            due: DueState::at(r.due_at, done, now),
            note: r.note,
            files,
            assignments,
            history,
            replies: replies
                .into_iter()
                .map(|(outgoing_id, subject, status, number_text)| ReplyRef {
                    outgoing_id,
                    subject,
                    status,
                    number_text,
                })
                .collect(),
            sender_statuses: sender_statuses
                .into_iter()
                .filter_map(|(s, at)| {
                    shared::status::DeliveryStatus::from_code(&s).map(|status| SenderStatus {
                        status,
                        at: shared::time::Timestamp(at),
                    })
                })
                .collect(),
            recall_reason: if recall_pending {
                r.recall_reason
            } else {
                None
            },
            actions,
            assignment_actions,
        })
    }

    /// A bucket of the navigation for `user`, narrowed, sorted and paged by `filter`, with the bucket's total
    /// under the filters.
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn list_incoming(
        &self,
        user: &shared::user::UserDto,
        bucket: shared::incoming::IncomingBucket,
        filter: &shared::list_query::ListQuery,
    ) -> crate::store::StoreResult<(Vec<shared::incoming::IncomingSummary>, i64)> {
        use crate::store::sql::Value;
        use shared::incoming::IncomingBucket as B;
        use shared::role::Role;
        let cols = crate::store::incoming::SUMMARY_COLUMNS;
        // Beside the summary: what the outer filters and sorts read, the same for a document and an assignment.
        let doc_only = "CAST(NULL AS BIGINT) AS assignment_id, CAST(NULL AS TEXT) AS role, CAST(NULL AS TEXT) AS state, \
             CAST(NULL AS TEXT) AS a_due_date, CAST(NULL AS BIGINT) AS a_due_at, \
             i.due_at AS k_due, i.urgency_rank AS k_rank, i.arrival_year AS k_year, CAST(0 AS BIGINT) AS k_tie";
        let with_a = "a.id AS assignment_id, a.role, a.state, a.due_date AS a_due_date, a.due_at AS a_due_at, \
             a.due_at AS k_due, a.urgency_rank AS k_rank, i.arrival_year AS k_year, a.id AS k_tie";
        let from_docs =
            "FROM incoming_documents i LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
        let from_a = "FROM assignments a JOIN incoming_documents i ON i.id = a.incoming_id LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
        let clerk = user.has_role(Role::Clerk);
        let leader = user.has_role(Role::AgencyLeader);
        let unit_leader = user.has_role(Role::UnitLeader);
        let pressing = "(CASE WHEN x.k_due IS NULL THEN 1 ELSE 0 END), x.k_due, x.k_rank DESC, x.received_at, x.id, x.k_tie";
        let (base, args, order): (String, Vec<Value>, &str) = match bucket {
            B::ToRegister => {
                if !clerk {
                    return Ok((Vec::new(), 0));
                }
                (
                    format!(
                        "SELECT {cols}, {doc_only} {from_docs} WHERE i.agency_id = $1 AND i.status IN ('arrived', 'registered')"
                    ),
                    vec![user.agency.id.into()],
                    "x.k_rank DESC, x.received_at, x.id",
                )
            }
            B::ToAssign => {
                let docs = format!(
                    "SELECT {cols}, {doc_only} {from_docs} WHERE i.status = 'to_assign' AND (i.assigner_id = $1 OR i.assigner_id IN ( \
                     SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND revoked_at IS NULL AND starts_on <= $2 AND ends_on >= $2))"
                );
                let mut args: Vec<Value> =
                    vec![user.id.into(), crate::store::common::today().into()];
                // A unit leader also hands out the work assigned to their unit.
                let base = if unit_leader {
                    args.push(user.unit.id.into());
                    format!(
                        "{docs} UNION ALL SELECT {cols}, {with_a} {from_a} WHERE a.unit_id = $3 AND a.user_id IS NULL AND a.state = 'pending'"
                    )
                } else {
                    docs
                };
                (base, args, pressing)
            }
            B::Pending | B::Processing | B::Done | B::Inform => {
                let filter = match bucket {
                    B::Pending => "a.state = 'pending' AND a.role <> 'inform'",
                    B::Processing => "a.state = 'processing' AND a.role <> 'inform'",
                    B::Done => "a.state = 'done'",
                    _ => "a.role = 'inform'",
                };
                let order = if bucket == B::Done || bucket == B::Inform {
                    "x.k_tie DESC"
                } else {
                    pressing
                };
                (
                    format!("SELECT {cols}, {with_a} {from_a} WHERE a.user_id = $1 AND {filter}"),
                    vec![user.id.into()],
                    order,
                )
            }
            B::All => {
                if !(clerk || leader) {
                    return Ok((Vec::new(), 0));
                }
                (
                    format!("SELECT {cols}, {doc_only} {from_docs} WHERE i.agency_id = $1"),
                    vec![user.agency.id.into()],
                    "x.received_at DESC, x.id DESC",
                )
            }
        };
        let (rows, total) = crate::store::list::page::<crate::store::incoming::SummaryRow>(
            &self.pool,
            &base,
            args,
            filter,
            &crate::store::list::Columns {
                date: "x.received_at",
                deadline: "x.k_due",
                year: "x.k_year",
                number: "x.arrival_number",
                doc_type: "x.doc_type",
                urgency: "x.urgency",
                status: "x.status",
                agency: Some("x.sender_name"),
                unit: None,
                tie: "x.id",
            },
            order,
        )
        .await?;
        let now = crate::store::now_ms();
        let items = rows
            .into_iter()
            .map(|r| r.into_dto(now))
            .collect::<crate::store::StoreResult<_>>()?;
        Ok((items, total))
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn incoming_counts(
        &self,
        user: &shared::user::UserDto,
    ) -> crate::store::StoreResult<shared::incoming::IncomingCounts> {
        use shared::role::Role;
        let mut c = shared::incoming::IncomingCounts::default();
        if user.has_role(Role::Clerk) {
            let (n,): (i64,) = crate::store::sql::query_as(
                "SELECT COUNT(*) FROM incoming_documents WHERE agency_id = $1 AND status IN ('arrived', 'registered')",
            )
            .bind(user.agency.id)
            .fetch_one(&self.pool)
            .await?;
            c.to_register = n;
        }
        let (n,): (i64,) = crate::store::sql::query_as(
            "SELECT COUNT(*) FROM incoming_documents WHERE status = 'to_assign' AND (assigner_id = $1 OR assigner_id IN ( \
             SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND revoked_at IS NULL AND starts_on <= $2 AND ends_on >= $2))",
        )
        .bind(user.id)
        .bind(crate::store::common::today())
        .fetch_one(&self.pool)
        .await?;
        c.to_assign = n;
        if user.has_role(Role::UnitLeader) {
            let (n,): (i64,) = crate::store::sql::query_as(
                "SELECT COUNT(*) FROM assignments WHERE unit_id = $1 AND user_id IS NULL AND state = 'pending'",
            )
            .bind(user.unit.id)
            .fetch_one(&self.pool)
            .await?;
            c.to_assign += n;
        }
        let now = crate::store::now_ms();
        let agency_leader = user.has_role(Role::AgencyLeader);
        if agency_leader || user.has_role(Role::UnitLeader) {
            let (n,): (i64,) = crate::store::sql::query_as(
                "SELECT COUNT(DISTINCT a.incoming_id) FROM assignments a \
                 JOIN incoming_documents d ON d.id = a.incoming_id \
                 WHERE a.state IN ('pending', 'processing') AND a.role <> 'inform' AND a.due_at < $1 \
                 AND ((d.agency_id = $2 AND $3) OR a.unit_id = $4)",
            )
            .bind(now)
            .bind(user.agency.id)
            .bind(agency_leader)
            .bind(user.unit.id)
            .fetch_one(&self.pool)
            .await?;
            c.overseen_overdue = n;
        }
        let rows: Vec<(String, String, Option<i64>)> = crate::store::sql::query_as(
            "SELECT role, state, due_at FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing')",
        )
        .bind(user.id)
        .fetch_all(&self.pool)
        .await?;
        for (role, state, due_at) in rows {
            let role = shared::incoming::AssignmentRole::try_from(role)
                .map_err(crate::store::StoreError::Corrupt)?;
            let state = shared::incoming::AssignmentState::try_from(state)
                .map_err(crate::store::StoreError::Corrupt)?;
            if role == shared::incoming::AssignmentRole::Inform {
                c.inform += 1;
                continue;
            }
            if state == shared::incoming::AssignmentState::Pending {
                c.pending += 1;
            } else {
                c.processing += 1;
            }
            match shared::incoming::DueState::at(due_at, false, now) {
                shared::incoming::DueState::Overdue => c.overdue += 1,
                shared::incoming::DueState::DueSoon => c.due_soon += 1,
                _ => {}
            }
        }
        Ok(c)
    }

    /// The handler's open work, most pressing first (deadline, then urgency).
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn queue(
        &self,
        user: &shared::user::UserDto,
        limit: i64,
    ) -> crate::store::StoreResult<Vec<shared::incoming::IncomingSummary>> {
        let cols = crate::store::incoming::SUMMARY_COLUMNS;
        let with_a = "a.id AS assignment_id, a.role, a.state, a.due_date AS a_due_date, a.due_at AS a_due_at";
        let from_a = "FROM assignments a JOIN incoming_documents i ON i.id = a.incoming_id LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
        let order = crate::store::incoming::QUEUE_ORDER;
        let sql = format!(
            "SELECT {cols}, {with_a} {from_a} WHERE a.user_id = $1 AND a.state IN ('pending', 'processing') {order} LIMIT $2"
        );
        let mut rows: Vec<crate::store::incoming::SummaryRow> = crate::store::sql::query_as(sql)
            .bind(user.id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        if user.has_role(shared::role::Role::UnitLeader) {
            let sql = format!(
                "SELECT {cols}, {with_a} {from_a} WHERE a.unit_id = $1 AND a.user_id IS NULL AND a.state IN ('pending', 'processing') {order} LIMIT $2"
            );
            rows.extend(
                crate::store::sql::query_as::<crate::store::incoming::SummaryRow>(sql)
                    .bind(user.unit.id)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?,
            );
            // Both lists are in queue order; merged, the most pressing stays first.
            rows.sort_by_key(|r| {
                (
                    r.a_due_at.is_none(),
                    r.a_due_at,
                    std::cmp::Reverse(r.urgency_rank_hint()),
                    r.assignment_id,
                )
            });
            rows.truncate(limit as usize);
        }
        let now = crate::store::now_ms();
        rows.into_iter().map(|r| r.into_dto(now)).collect()
    }
}
