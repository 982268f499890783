//! Assignments (Điều 15–18): a leader assigns a document to units and people (lead, cooperate, inform) with a
//! deadline; unit leaders assign further; handlers report and complete; leaders urge.

use super::AssignmentRow;
use shared::incoming::{AssignmentRole, AssignmentState, IncomingStatus};

use crate::store::Store;

impl Store {
    /// Who `user` assigns for on `row`: themselves (`None`) or the leader whose delegation they hold.
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub(crate) async fn assigning_authority(
        tx: &mut crate::store::sql::Tx,
        user: &shared::user::UserDto,
        row: &crate::store::incoming::IncomingRow,
    ) -> crate::store::StoreResult<Option<i64>> {
        let Some(assigner) = row.assigner_id else {
            return Err(crate::store::StoreError::State(
                "Văn bản chưa được trình lãnh đạo.",
            ));
        };
        if assigner == user.id {
            return Ok(None);
        }
        if Self::delegation_in(tx, assigner, user.id).await?.is_some() {
            return Ok(Some(assigner));
        }
        let had: Option<(i64,)> = crate::store::sql::query_as(
            "SELECT id FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 AND revoked_at IS NULL",
        )
        .bind(assigner)
        .bind(user.id)
        .fetch_optional(&mut **tx)
        .await?;
        if had.is_some() {
            return Err(crate::store::StoreError::Forbidden(
                "Ủy quyền phân công của anh/chị không còn hiệu lực hôm nay.",
            ));
        }
        Err(crate::store::StoreError::Forbidden(
            "Văn bản này chờ lãnh đạo được trình (hoặc người được ủy quyền) phân công.",
        ))
    }

    /// A unit of `agency` (its name), or a refusal naming the field.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn unit_of_agency(
        tx: &mut crate::store::sql::Tx,
        unit: i64,
        agency: i64,
    ) -> crate::store::StoreResult<String> {
        let row: Option<(String,)> =
            crate::store::sql::query_as("SELECT name FROM units WHERE id = $1 AND agency_id = $2")
                .bind(unit)
                .bind(agency)
                .fetch_optional(&mut **tx)
                .await?;
        row.map(|r| r.0).ok_or(crate::store::StoreError::Field(
            "targets",
            "Đơn vị được giao không thuộc cơ quan.",
        ))
    }

    /// An unlocked person of `agency`: (unit, name).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn person_of_agency(
        tx: &mut crate::store::sql::Tx,
        user: i64,
        agency: i64,
    ) -> crate::store::StoreResult<(i64, String)> {
        let row: Option<(i64, String)> = crate::store::sql::query_as(
            "SELECT u.unit_id, u.full_name FROM users u JOIN units un ON un.id = u.unit_id \
             WHERE u.id = $1 AND un.agency_id = $2 AND u.locked = $3",
        )
        .bind(user)
        .bind(agency)
        .bind(false)
        .fetch_optional(&mut **tx)
        .await?;
        row.ok_or(crate::store::StoreError::Field(
            "targets",
            "Người được giao không thuộc cơ quan hoặc tài khoản đã bị khóa.",
        ))
    }

    /// The leaders of a unit (who hear about work given to the unit).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn unit_leaders(
        tx: &mut crate::store::sql::Tx,
        unit: i64,
    ) -> crate::store::StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = crate::store::sql::query_as(
            "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE u.unit_id = $1 AND r.role = 'unit_leader' AND u.locked = $2",
        )
        .bind(unit)
        .bind(false)
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Inserts the assignments of `a` (under `parent`, inside a unit, when given) and answers who
    /// should hear about them and the history line.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_assignments(
        tx: &mut crate::store::sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        a: &crate::store::incoming::NewAssignment,
        parent: Option<(i64, i64)>,
        by: i64,
        on_behalf_of: Option<i64>,
        now: i64,
    ) -> crate::store::StoreResult<(Vec<i64>, String)> {
        let rank = shared::incoming::urgency_rank(crate::store::common::urgency_of(&row.urgency)?);
        let due_at = a.due_date.map(shared::incoming::due_at);
        let mut notify = Vec::new();
        let mut names = Vec::new();
        for t in &a.targets {
            let (unit, user, name) = match t.to {
                shared::incoming::Assignee::Unit(u) => {
                    if parent.is_some() {
                        return Err(crate::store::StoreError::Field(
                            "targets",
                            "Trong đơn vị chỉ giao cho cán bộ của đơn vị.",
                        ));
                    }
                    let name = Self::unit_of_agency(tx, u, row.agency_id).await?;
                    notify.extend(Self::unit_leaders(tx, u).await?);
                    (u, None, name)
                }
                shared::incoming::Assignee::User(p) => {
                    let (unit, name) = Self::person_of_agency(tx, p, row.agency_id).await?;
                    let agency = row.agency_id;
                    Self::check_step_rule(
                        tx,
                        p,
                        |m| shared::who_may::may_handle(m, agency),
                        "Chỉ giao xử lý cho chuyên viên hoặc lãnh đạo; văn thư và quản trị không nhận việc xử lý.",
                    )
                    .await
                    .map_err(|e| e.on_field("targets"))?;
                    if let Some((_, parent_unit)) = parent
                        && unit != parent_unit
                    {
                        return Err(crate::store::StoreError::Field(
                            "targets",
                            "Trong đơn vị chỉ giao cho cán bộ của đơn vị.",
                        ));
                    }
                    notify.push(p);
                    (unit, Some(p), name)
                }
            };
            names.push((t.role, name));
            crate::store::sql::query(
                "INSERT INTO assignments (incoming_id, agency_id, role, unit_id, user_id, parent_id, assigned_by, \
                 on_behalf_of, instruction, due_date, due_at, urgency_rank, state, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13)",
            )
            .bind(row.id)
            .bind(row.agency_id)
            .bind(t.role.code())
            .bind(unit)
            .bind(user)
            .bind(parent.map(|p| p.0))
            .bind(by)
            .bind(on_behalf_of)
            .bind(&a.instruction)
            .bind(a.due_date.map(|d| d.to_string()))
            .bind(due_at)
            .bind(rank)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        let mut line = crate::store::incoming::targets_line(&names);
        if let Some(d) = a.due_date {
            line.push_str(&format!("; hạn xử lý {}", d.display()));
        }
        if let Some(i) = &a.instruction {
            line = format!("{i}\n{line}");
        }
        Ok((notify, line))
    }

    /// Closes an assignment; for a lead, the one above it (or the document) is finished too.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn finish_assignment(
        tx: &mut crate::store::sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        id: i64,
        result: Option<&str>,
        user: i64,
        now: i64,
    ) -> crate::store::StoreResult<bool> {
        let mut current = id;
        let mut result = result.map(str::to_string);
        loop {
            let (role, parent): (String, Option<i64>) = crate::store::sql::query_as(
                "UPDATE assignments SET state = 'done', done_at = $1, result = COALESCE($2, result), \
                 started_at = COALESCE(started_at, $1) WHERE id = $3 RETURNING role, parent_id",
            )
            .bind(now)
            .bind(result.take())
            .bind(current)
            .fetch_one(&mut **tx)
            .await?;
            if AssignmentRole::try_from(role).map_err(crate::store::StoreError::Corrupt)?
                != AssignmentRole::Lead
            {
                break;
            }
            match parent {
                Some(p) => current = p,
                None => break,
            }
        }
        Self::complete_when_all_reported(tx, row, user, now).await
    }

    /// Completes the document (06 for the sender) once every lead at the top is done and every co-operating
    /// part has reported or finished (Điều 12–20); answers whether it did.
    #[tracing::instrument(skip_all, fields(id = row.id))]
    pub(crate) async fn complete_when_all_reported(
        tx: &mut crate::store::sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        user: i64,
        now: i64,
    ) -> crate::store::StoreResult<bool> {
        let (leads, open_leads, unreported): (i64, i64, i64) = crate::store::sql::query_as(
            "SELECT \
             COALESCE(SUM(CASE WHEN role = 'lead' AND parent_id IS NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN role = 'lead' AND parent_id IS NULL AND state <> 'done' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN role = 'cooperate' AND state <> 'done' AND result IS NULL THEN 1 ELSE 0 END), 0) \
             FROM assignments WHERE incoming_id = $1",
        )
        .bind(row.id)
        .fetch_one(&mut **tx)
        .await?;
        if leads == 0 || open_leads > 0 || unreported > 0 {
            return Ok(false);
        }
        Self::mark_completed(tx, row, user, now).await?;
        Ok(true)
    }

    /// Marks the document completed and tells the sender (06).
    #[tracing::instrument(skip_all, fields(id = row.id))]
    pub(crate) async fn mark_completed(
        tx: &mut crate::store::sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        user: i64,
        now: i64,
    ) -> crate::store::StoreResult<()> {
        // Co-operating parts that reported (or work a leader closed) are finished with the document, so the
        // dashboard stops counting them.
        crate::store::sql::query(
            "UPDATE assignments SET state = 'done', done_at = $1 WHERE incoming_id = $2 AND role <> 'inform' \
             AND state <> 'done'",
        )
        .bind(now)
        .bind(row.id)
        .execute(&mut **tx)
        .await?;
        crate::store::sql::query("UPDATE incoming_documents SET status = 'completed', completed_at = $1, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(row.id)
            .execute(&mut **tx)
            .await?;
        Self::sender_status(
            tx,
            row,
            shared::status::DeliveryStatus::Completed,
            user,
            None,
        )
        .await?;
        Ok(())
    }

    /// Loads an assignment and locks its document (document first, as every writer does).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn lock_assignment(
        tx: &mut crate::store::sql::Tx,
        id: i64,
    ) -> crate::store::StoreResult<(crate::store::incoming::IncomingRow, AssignmentRow)> {
        let doc: Option<(i64,)> =
            crate::store::sql::query_as("SELECT incoming_id FROM assignments WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        let doc = doc.ok_or(crate::store::StoreError::NotFound)?.0;
        let row = Self::lock_incoming(tx, doc).await?;
        let a: AssignmentRow = crate::store::sql::query_as(
            "SELECT id, role, unit_id, user_id, parent_id, assigned_by, on_behalf_of, state, due_date \
             FROM assignments WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        Ok((row, a))
    }

    /// The leader's (or their delegate's) assignment.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn assign_incoming(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        a: crate::store::incoming::NewAssignment,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let r = Self::lock_incoming(&mut tx, id).await?;
        if r.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        if r.status != IncomingStatus::ToAssign {
            return Err(crate::store::StoreError::State(
                "Văn bản này không chờ phân công.",
            ));
        }
        let on_behalf_of = Self::assigning_authority(&mut tx, user, &r).await?;
        let now = crate::store::now_ms();
        let (notify, line) =
            Self::insert_assignments(&mut tx, &r, &a, None, user.id, on_behalf_of, now).await?;
        crate::store::sql::query(
            "UPDATE incoming_documents SET status = 'in_progress', instruction = $1, due_date = $2, due_at = $3, \
             assigned_at = $4, updated_at = $4 WHERE id = $5",
        )
        .bind(&a.instruction)
        .bind(a.due_date.map(|d| d.to_string()))
        .bind(a.due_date.map(shared::incoming::due_at))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::sender_status(
            &mut tx,
            &r,
            shared::status::DeliveryStatus::Assigned,
            user.id,
            None,
        )
        .await?;
        Self::incoming_history(&mut tx, id, user.id, on_behalf_of, "assigned", Some(&line)).await?;
        Self::audit_document(
            &mut tx,
            user,
            "incoming.assign",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({
                "on_behalf_of": on_behalf_of, "due_date": a.due_date.map(|d| d.to_string()), "assignment": line,
            }),
        )
        .await?;
        let text = format!("Văn bản được giao xử lý: {}", r.subject);
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&notify, &text);
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("task", &r, notify, user.id, text),
            &notes,
        )
        .await;
        // Lists and the sender's status view refresh (no notification: the text is empty).
        self.announce(Self::incoming_event(
            "incoming",
            &r,
            vec![],
            user.id,
            String::new(),
        ))
        .await;
        Ok(())
    }

    /// A unit leader assigns a unit's assignment to people of the unit.
    #[tracing::instrument(skip_all, fields(user_id = user.id, assignment_id = assignment_id))]
    pub async fn assign_in_unit(
        &self,
        user: &shared::user::UserDto,
        assignment_id: i64,
        a: crate::store::incoming::NewAssignment,
    ) -> crate::store::StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (r, parent) = Self::lock_assignment(&mut tx, assignment_id).await?;
        if r.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        if parent.user_id.is_some()
            || parent.unit_id != user.unit.id
            || !user.has_role(shared::role::Role::UnitLeader)
        {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ lãnh đạo đơn vị được giao mới phân công trong đơn vị.",
            ));
        }
        if parent.state == AssignmentState::Done || r.status != IncomingStatus::InProgress {
            return Err(crate::store::StoreError::State(
                "Việc này đã xong, không phân công thêm được.",
            ));
        }
        let already: Option<(i64,)> =
            crate::store::sql::query_as("SELECT id FROM assignments WHERE parent_id = $1 LIMIT 1")
                .bind(assignment_id)
                .fetch_optional(&mut *tx)
                .await?;
        if already.is_some() {
            return Err(crate::store::StoreError::State(
                "Đơn vị đã phân công việc này.",
            ));
        }
        let now = crate::store::now_ms();
        let due = crate::store::incoming::NewAssignment {
            due_date: a.due_date.or(crate::store::incoming::civil_opt(
                parent.due_date.as_deref(),
            )?),
            ..a
        };
        let (notify, line) = Self::insert_assignments(
            &mut tx,
            &r,
            &due,
            Some((assignment_id, parent.unit_id)),
            user.id,
            None,
            now,
        )
        .await?;
        crate::store::sql::query("UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1) WHERE id = $2")
            .bind(now)
            .bind(assignment_id)
            .execute(&mut *tx)
            .await?;
        Self::incoming_history(
            &mut tx,
            r.id,
            user.id,
            None,
            "assigned_in_unit",
            Some(&line),
        )
        .await?;
        Self::audit_document(
            &mut tx,
            user,
            "incoming.assign_in_unit",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"assignment_id": assignment_id, "due_date": due.due_date.map(|d| d.to_string()),
                "assignment": line}),
        )
        .await?;
        let text = format!("Văn bản được giao xử lý: {}", r.subject);
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&notify, &text);
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("task", &r, notify, user.id, text),
            &notes,
        )
        .await;
        Ok(r.id)
    }

    /// A handler's step; answers the incoming document's id.
    #[tracing::instrument(skip_all, fields(user_id = user.id, assignment_id = assignment_id))]
    pub async fn act_on_assignment(
        &self,
        user: &shared::user::UserDto,
        assignment_id: i64,
        action: shared::incoming::HandlerAction,
        comment: Option<String>,
        record_file: Option<String>,
    ) -> crate::store::StoreResult<i64> {
        use shared::incoming::HandlerAction as H;
        let mut tx = self.begin_write().await?;
        let (r, a) = Self::lock_assignment(&mut tx, assignment_id).await?;
        if r.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        let mine = a.user_id == Some(user.id)
            || (a.user_id.is_none()
                && a.unit_id == user.unit.id
                && user.has_role(shared::role::Role::UnitLeader));
        if !mine {
            return Err(crate::store::StoreError::Forbidden(
                "Việc này không được giao cho anh/chị.",
            ));
        }
        if a.state == AssignmentState::Done {
            return Err(crate::store::StoreError::State("Việc này đã xong."));
        }
        if r.status != IncomingStatus::InProgress {
            return Err(crate::store::StoreError::State(
                "Văn bản không còn trong quá trình xử lý.",
            ));
        }
        let inform = a.role == AssignmentRole::Inform;
        let now = crate::store::now_ms();
        let mut completed_doc = false;
        match action {
            H::Note => {
                if !inform {
                    return Err(crate::store::StoreError::State(
                        "Chỉ văn bản gửi để biết mới ghi nhận đã đọc; hãy báo cáo kết quả hoặc hoàn thành.",
                    ));
                }
                Self::finish_assignment(
                    &mut tx,
                    &r,
                    assignment_id,
                    comment.as_deref(),
                    user.id,
                    now,
                )
                .await?;
                Self::incoming_history(&mut tx, r.id, user.id, None, "noted", comment.as_deref())
                    .await?;
            }
            H::Report | H::File => {
                if inform && action == H::Report {
                    return Err(crate::store::StoreError::State(
                        "Văn bản gửi để biết không cần báo cáo kết quả.",
                    ));
                }
                if !inform {
                    crate::store::sql::query(
                        "UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1), \
                         result = COALESCE($2, result) WHERE id = $3",
                    )
                    .bind(now)
                    .bind(if action == H::Report { comment.as_deref() } else { None })
                    .bind(assignment_id)
                    .execute(&mut *tx)
                    .await?;
                    Self::sender_status(
                        &mut tx,
                        &r,
                        shared::status::DeliveryStatus::Processing,
                        user.id,
                        None,
                    )
                    .await?;
                }
                // The last co-operating report may be what the finished lead waited for.
                let reported = action == H::Report && a.role == AssignmentRole::Cooperate;
                let line = match action {
                    H::File => format!(
                        "Hồ sơ: {}{}",
                        record_file.as_deref().unwrap_or_default(),
                        comment
                            .as_deref()
                            .map(|c| format!(". {c}"))
                            .unwrap_or_default()
                    ),
                    _ => comment.clone().unwrap_or_default(),
                };
                let code = if action == H::File {
                    "filed"
                } else {
                    "reported"
                };
                Self::incoming_history(&mut tx, r.id, user.id, None, code, Some(&line)).await?;
                if reported {
                    completed_doc =
                        Self::complete_when_all_reported(&mut tx, &r, user.id, now).await?;
                }
            }
            H::Complete => {
                if inform {
                    return Err(crate::store::StoreError::State(
                        "Văn bản gửi để biết: hãy ghi nhận đã đọc.",
                    ));
                }
                completed_doc = Self::finish_assignment(
                    &mut tx,
                    &r,
                    assignment_id,
                    comment.as_deref(),
                    user.id,
                    now,
                )
                .await?;
                Self::incoming_history(
                    &mut tx,
                    r.id,
                    user.id,
                    None,
                    "completed",
                    comment.as_deref(),
                )
                .await?;
            }
        }
        let audited = match action {
            H::Note => "incoming.note",
            H::Report => "incoming.report",
            H::File => "incoming.file",
            H::Complete => "incoming.complete",
        };
        Self::audit_document(
            &mut tx,
            user,
            audited,
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"assignment_id": assignment_id, "comment": comment, "record_file": record_file,
                "document_completed": completed_doc}),
        )
        .await?;
        let text = if completed_doc {
            format!("Đã hoàn thành xử lý: {}", r.subject)
        } else {
            format!("{}: {}", action.label(), r.subject)
        };
        let assigner = vec![a.assigned_by];
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&assigner, &text);
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("incoming", &r, assigner, user.id, text),
            &notes,
        )
        .await;
        Ok(r.id)
    }

    #[tracing::instrument(skip_all, fields(user_id = user.id, assignment_id = assignment_id))]
    pub async fn urge(
        &self,
        user: &shared::user::UserDto,
        assignment_id: i64,
        message: Option<String>,
    ) -> crate::store::StoreResult<i64> {
        use shared::role::Role;
        let mut tx = self.begin_write().await?;
        let (r, a) = Self::lock_assignment(&mut tx, assignment_id).await?;
        if r.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        let may = user.has_role(Role::AgencyLeader)
            || a.assigned_by == user.id
            || a.on_behalf_of == Some(user.id)
            || (a.parent_id.is_some()
                && a.unit_id == user.unit.id
                && user.has_role(Role::UnitLeader));
        if !may {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ lãnh đạo đã giao việc mới đôn đốc được.",
            ));
        }
        if a.state == AssignmentState::Done || r.status != IncomingStatus::InProgress {
            return Err(crate::store::StoreError::State(
                "Việc này đã xong, không cần đôn đốc.",
            ));
        }
        let now = crate::store::now_ms();
        crate::store::sql::query("UPDATE assignments SET last_urged_at = $1 WHERE id = $2")
            .bind(now)
            .bind(assignment_id)
            .execute(&mut *tx)
            .await?;
        let whom = match a.user_id {
            Some(u) => vec![u],
            None => Self::unit_leaders(&mut tx, a.unit_id).await?,
        };
        Self::incoming_history(&mut tx, r.id, user.id, None, "urged", message.as_deref()).await?;
        Self::audit_document(
            &mut tx,
            user,
            "incoming.urge",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"assignment_id": assignment_id, "message": message, "to": whom}),
        )
        .await?;
        let text = format!(
            "{} đôn đốc xử lý: {}{}",
            user.full_name,
            r.subject,
            message.map(|m| format!(" — {m}")).unwrap_or_default()
        );
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&whom, &text);
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("urge", &r, whom, user.id, text),
            &notes,
        )
        .await;
        Ok(r.id)
    }

    /// The leader closes the handling explicitly, with a reason, although a lead or a co-operating part has not
    /// finished (Điều 12–20): the document is completed, the sender sees 06, the reason is in the history and
    /// the audit log.
    #[tracing::instrument(skip_all, fields(user_id = user.id, id = id))]
    pub async fn close_incoming(
        &self,
        user: &shared::user::UserDto,
        id: i64,
        reason: String,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let r = Self::lock_incoming(&mut tx, id).await?;
        if r.agency_id != user.agency.id {
            return Err(crate::store::StoreError::NotFound);
        }
        let delegate = match r.assigner_id {
            Some(a) if a != user.id => Self::delegation_in(&mut tx, a, user.id).await?.is_some(),
            _ => false,
        };
        let facts = crate::access::IncomingFacts {
            agency_id: r.agency_id,
            assigner_id: r.assigner_id,
            has_assignment: false,
            delegate_of_assigner: delegate,
        };
        if !crate::access::may_close_incoming(user, &facts) {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ lãnh đạo đã phân công (hoặc lãnh đạo cơ quan) mới kết thúc xử lý văn bản được.",
            ));
        }
        if r.status != IncomingStatus::InProgress {
            return Err(crate::store::StoreError::State(
                "Văn bản không còn trong quá trình xử lý.",
            ));
        }
        let now = crate::store::now_ms();
        let open: Vec<(i64,)> = crate::store::sql::query_as(
            "SELECT DISTINCT COALESCE(user_id, 0) FROM assignments WHERE incoming_id = $1 AND state <> 'done'",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        Self::mark_completed(&mut tx, &r, user.id, now).await?;
        Self::incoming_history(&mut tx, id, user.id, None, "closed", Some(&reason)).await?;
        Self::audit_document(
            &mut tx,
            user,
            "incoming.close",
            crate::store::audit::AuditedDocument::incoming(&r),
            serde_json::json!({"reason": reason}),
        )
        .await?;
        let whom: Vec<i64> = open.into_iter().map(|o| o.0).filter(|u| *u != 0).collect();
        let text = format!("Lãnh đạo kết thúc xử lý: {} — {reason}", r.subject);
        let notes = crate::store::notifications::Notes::incoming(r.id).telling(&whom, &text);
        Self::notify(&mut tx, user.id, &notes).await?;
        tx.commit().await?;
        self.announce_noted(
            Self::incoming_event("incoming", &r, whom, user.id, text),
            &notes,
        )
        .await;
        Ok(())
    }

    /// The incoming document an assignment belongs to.
    #[tracing::instrument(skip_all, fields(assignment_id = assignment_id))]
    pub async fn assignment_document(&self, assignment_id: i64) -> crate::store::StoreResult<i64> {
        let row: Option<(i64,)> =
            crate::store::sql::query_as("SELECT incoming_id FROM assignments WHERE id = $1")
                .bind(assignment_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| r.0).ok_or(crate::store::StoreError::NotFound)
    }
}
