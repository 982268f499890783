//! Incoming documents (Điều 12, 15.4, 16, 17, 20): arrival through every channel, the clerk's accept (số đến)
//! or return, forwarding to the leader, assignment (also inside a unit), the handlers' work with the statuses
//! the sender sees, urging, the leader's dashboard, delegations and account handover.
//!
//! As for outgoing documents, who may do what is decided inside the transaction that changes the row: the
//! incoming document row is locked first, so two people acting at once never both succeed on a stale view.

use async_trait::async_trait;
use shared::civil_date::CivilDate;
use shared::incoming::{
    AssignTarget, DashboardDto, DelegationDto, HandlerAction, HandoverResult, IncomingBucket,
    IncomingCounts, IncomingDto, IncomingRegisterRow, IncomingSummary,
};
use shared::outgoing::{PersonRef, SigningCapacity};
use shared::user::UserDto;

use super::StoreResult;
use super::outgoing::NewFile;

/// A document registered by hand (e-mail, paper, exchange import), checked and validated.
#[derive(Debug, Clone)]
pub struct NewIncoming {
    pub channel: shared::incoming::IncomingChannel,
    pub sender_name: String,
    pub sender_code: Option<String>,
    pub code_text: String,
    pub issued_date: CivilDate,
    pub doc_type: shared::document::DocumentType,
    pub subject: String,
    pub urgency: shared::document::Urgency,
    pub signer_name: Option<String>,
    pub reply_deadline: Option<CivilDate>,
    pub declared_attachments: Option<u32>,
    pub declared_pages: Option<u32>,
    /// Main document first.
    pub files: Vec<NewFile>,
    pub verification: shared::incoming::VerificationDto,
    pub backfilled_arrival: Option<i64>,
    pub note: Option<String>,
}

/// A delegation, validated: `from_user_id` hands assigning (and signing under `signing`) to `to_user_id`.
#[derive(Debug, Clone)]
pub struct NewDelegation {
    pub from_user_id: i64,
    pub to_user_id: i64,
    pub starts_on: CivilDate,
    pub ends_on: CivilDate,
    pub signing: Option<SigningCapacity>,
    pub reason: Option<String>,
}

/// An assignment line with its target resolved.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub instruction: Option<String>,
    pub due_date: Option<CivilDate>,
    pub targets: Vec<AssignTarget>,
}

/// Incoming documents and the work on them. Every method is one transaction.
#[async_trait]
pub trait IncomingStore {
    async fn create_incoming(&self, clerk: &UserDto, doc: NewIncoming) -> StoreResult<i64>;

    /// The document as `viewer` may see it, with what they may do; `NotFound` when they may not see it.
    async fn get_incoming(&self, viewer: &UserDto, id: i64) -> StoreResult<IncomingDto>;

    async fn list_incoming(
        &self,
        user: &UserDto,
        bucket: IncomingBucket,
        limit: i64,
    ) -> StoreResult<Vec<IncomingSummary>>;

    async fn incoming_counts(&self, user: &UserDto) -> StoreResult<IncomingCounts>;

    /// The handler's open work, most pressing first (deadline, then urgency).
    async fn queue(&self, user: &UserDto, limit: i64) -> StoreResult<Vec<IncomingSummary>>;

    /// Vào sổ: the next số đến of the year; forwarded to `forward_to` in the same step when given.
    async fn accept_incoming(
        &self,
        clerk: &UserDto,
        id: i64,
        override_reason: Option<String>,
        forward_to: Option<i64>,
    ) -> StoreResult<()>;

    async fn return_incoming(&self, clerk: &UserDto, id: i64, reason: String) -> StoreResult<()>;

    async fn forward_incoming(
        &self,
        clerk: &UserDto,
        id: i64,
        leader_id: i64,
        comment: Option<String>,
    ) -> StoreResult<()>;

    /// The leader's (or their delegate's) assignment.
    async fn assign_incoming(&self, user: &UserDto, id: i64, a: NewAssignment) -> StoreResult<()>;

    /// A unit leader assigns a unit's assignment to people of the unit.
    async fn assign_in_unit(
        &self,
        user: &UserDto,
        assignment_id: i64,
        a: NewAssignment,
    ) -> StoreResult<i64>;

    /// A handler's step; answers the incoming document's id.
    async fn act_on_assignment(
        &self,
        user: &UserDto,
        assignment_id: i64,
        action: HandlerAction,
        comment: Option<String>,
        record_file: Option<String>,
    ) -> StoreResult<i64>;

    async fn urge(
        &self,
        user: &UserDto,
        assignment_id: i64,
        message: Option<String>,
    ) -> StoreResult<i64>;

    async fn dashboard(
        &self,
        user: &UserDto,
        unit: Option<i64>,
        person: Option<i64>,
    ) -> StoreResult<DashboardDto>;

    async fn incoming_register(
        &self,
        register_id: i64,
        year: i32,
    ) -> StoreResult<Vec<IncomingRegisterRow>>;

    /// The sender's recall, answered from the incoming document (15 withdraws it, 16 keeps it).
    async fn answer_incoming_recall(
        &self,
        clerk: &UserDto,
        id: i64,
        agree: bool,
        reason: Option<String>,
    ) -> StoreResult<()>;

    async fn create_delegation(&self, user: &UserDto, d: NewDelegation) -> StoreResult<i64>;

    async fn list_delegations(&self, user: &UserDto) -> StoreResult<Vec<DelegationDto>>;

    async fn revoke_delegation(&self, user: &UserDto, id: i64) -> StoreResult<()>;

    /// The active delegation letting `to` act for `from` today, with its signing mark if it covers signing.
    async fn active_delegation(
        &self,
        from: i64,
        to: i64,
    ) -> StoreResult<Option<(i64, Option<SigningCapacity>)>>;

    /// Bàn giao: every open piece of work of `from` moves to `to`, in one audited step.
    async fn handover(
        &self,
        admin: &UserDto,
        from: i64,
        to: i64,
        reason: Option<String>,
    ) -> StoreResult<HandoverResult>;
}

pub(crate) fn incoming_label(action: &str) -> &'static str {
    match action {
        "arrived" => "Văn bản đến",
        "registered_by_hand" => "Tiếp nhận văn bản",
        "accepted" => "Vào sổ văn bản đến",
        "accepted_despite" => "Vào sổ dù kiểm tra chữ ký không đạt",
        "returned" => "Trả lại nơi gửi",
        "forwarded" => "Trình lãnh đạo",
        "assigned" => "Phân công xử lý",
        "assigned_in_unit" => "Phân công trong đơn vị",
        "noted" => "Đã đọc, ghi nhận",
        "reported" => "Báo cáo kết quả",
        "filed" => "Đưa vào hồ sơ",
        "reply_drafted" => "Soạn văn bản trả lời",
        "completed" => "Hoàn thành",
        "urged" => "Đôn đốc",
        "handed_over" => "Bàn giao công việc",
        "recall_requested" => "Nơi gửi yêu cầu thu hồi",
        "recall_agreed" => "Đồng ý thu hồi",
        "recall_refused" => "Từ chối thu hồi",
        _ => "Thao tác",
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IncomingRow {
    pub id: i64,
    pub agency_id: i64,
    pub channel: String,
    pub status: String,
    pub delivery_id: Option<i64>,
    pub outgoing_id: Option<i64>,
    pub sender_agency_id: Option<i64>,
    pub sender_name: String,
    pub sender_code: Option<String>,
    pub code_text: String,
    pub issued_date: String,
    pub doc_type: String,
    pub subject: String,
    pub urgency: String,
    pub signer_name: Option<String>,
    pub reply_deadline: Option<String>,
    pub declared_attachments: Option<i64>,
    pub declared_pages: Option<i64>,
    pub received_at: i64,
    pub backfilled: bool,
    pub verification: Option<String>,
    pub verification_ok: bool,
    pub register_id: i64,
    pub arrival_year: Option<i64>,
    pub arrival_number: Option<i64>,
    pub registered_at: Option<i64>,
    pub registered_by: Option<i64>,
    pub override_reason: Option<String>,
    pub return_reason: Option<String>,
    pub assigner_id: Option<i64>,
    pub instruction: Option<String>,
    pub due_date: Option<String>,
    pub due_at: Option<i64>,
    pub note: Option<String>,
    pub delivery_status: Option<String>,
    pub recall_reason: Option<String>,
}

pub(crate) const INCOMING_SELECT: &str = "SELECT i.id, i.agency_id, i.channel, i.status, i.delivery_id, i.outgoing_id, \
     i.sender_agency_id, i.sender_name, i.sender_code, i.code_text, i.issued_date, i.doc_type, i.subject, i.urgency, \
     i.signer_name, i.reply_deadline, i.declared_attachments, i.declared_pages, i.received_at, i.backfilled, \
     i.verification, i.verification_ok, i.register_id, i.arrival_year, i.arrival_number, i.registered_at, \
     i.registered_by, i.override_reason, i.return_reason, i.assigner_id, i.instruction, i.due_date, i.due_at, i.note, \
     dl.status AS delivery_status, o.recall_reason \
     FROM incoming_documents i LEFT JOIN deliveries dl ON dl.id = i.delivery_id \
     LEFT JOIN outgoing_documents o ON o.id = i.outgoing_id ";

/// The columns of a list line: the document, and the caller's assignment when the list is of assignments.
pub(crate) const SUMMARY_COLUMNS: &str = "i.id, i.channel, i.status, i.sender_name, i.code_text, i.issued_date, \
     i.doc_type, i.subject, i.urgency, i.received_at, i.arrival_number, i.backfilled, i.due_date AS doc_due_date, \
     i.due_at AS doc_due_at, dl.status AS delivery_status";

#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    pub id: i64,
    pub channel: String,
    pub status: String,
    pub sender_name: String,
    pub code_text: String,
    pub issued_date: String,
    pub doc_type: String,
    pub subject: String,
    pub urgency: String,
    pub received_at: i64,
    pub arrival_number: Option<i64>,
    pub backfilled: bool,
    pub doc_due_date: Option<String>,
    pub doc_due_at: Option<i64>,
    pub delivery_status: Option<String>,
    pub assignment_id: Option<i64>,
    pub role: Option<String>,
    pub state: Option<String>,
    pub a_due_date: Option<String>,
    pub a_due_at: Option<i64>,
}

pub(crate) fn corrupt(what: &str) -> super::StoreError {
    super::StoreError::Corrupt(what.to_string())
}

pub(crate) fn civil(s: &str) -> StoreResult<CivilDate> {
    CivilDate::parse(s).map_err(|_| corrupt("date"))
}

pub(crate) fn civil_opt(s: Option<&str>) -> StoreResult<Option<CivilDate>> {
    s.map(civil).transpose()
}

impl SummaryRow {
    pub(crate) fn into_dto(self, now: i64) -> StoreResult<IncomingSummary> {
        use shared::incoming::*;
        let status =
            IncomingStatus::from_code(&self.status).ok_or_else(|| corrupt("incoming status"))?;
        let state = self.state.as_deref().map(AssignmentState::from_code);
        let state = match state {
            Some(None) => return Err(corrupt("assignment state")),
            Some(Some(s)) => Some(s),
            None => None,
        };
        let (due_date, due_at) = if self.assignment_id.is_some() {
            (self.a_due_date, self.a_due_at)
        } else {
            (self.doc_due_date, self.doc_due_at)
        };
        let done = state.map_or(
            matches!(
                status,
                IncomingStatus::Completed | IncomingStatus::Returned | IncomingStatus::Withdrawn
            ),
            |s| s == AssignmentState::Done,
        );
        Ok(IncomingSummary {
            id: self.id,
            channel: IncomingChannel::from_code(&self.channel).ok_or_else(|| corrupt("channel"))?,
            status,
            sender_name: self.sender_name,
            code_text: self.code_text,
            issued_date: civil(&self.issued_date)?,
            doc_type: super::outgoing::doc_type_of(&self.doc_type)?,
            subject: self.subject,
            urgency: super::outgoing::urgency_of(&self.urgency)?,
            received_at: shared::time::Timestamp(self.received_at),
            arrival_number: self.arrival_number,
            backfilled: self.backfilled,
            due_date: civil_opt(due_date.as_deref())?,
            due: DueState::at(due_at, done, now),
            assignment_id: self.assignment_id,
            role: match self.role.as_deref() {
                Some(r) => Some(AssignmentRole::from_code(r).ok_or_else(|| corrupt("role"))?),
                None => None,
            },
            assignment_state: state,
            recall_requested: self.delivery_status.as_deref()
                == Some(shared::status::DeliveryStatus::RecallRequested.code()),
        })
    }
}

/// Today in Vietnam as stored (`YYYY-MM-DD`), for delegation ranges.
pub(crate) fn today() -> String {
    CivilDate::of(shared::time::Timestamp(super::now_ms())).to_string()
}

/// The readable line of an assignment for the history: "Chủ trì: Phòng Tổ chức; Phối hợp: Trần Thị B".
pub(crate) fn targets_line(names: &[(shared::incoming::AssignmentRole, String)]) -> String {
    use shared::incoming::AssignmentRole;
    AssignmentRole::ALL
        .iter()
        .filter_map(|role| {
            let of: Vec<&str> = names
                .iter()
                .filter(|(r, _)| r == role)
                .map(|(_, n)| n.as_str())
                .collect();
            (!of.is_empty()).then(|| format!("{}: {}", role.label(), of.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn person(id: i64, full_name: String, position: Option<String>) -> PersonRef {
    PersonRef {
        id,
        full_name,
        position,
    }
}

/// Order of a queue: deadline first (none last), then urgency, then the oldest.
pub(crate) const QUEUE_ORDER: &str =
    "ORDER BY (a.due_at IS NULL), a.due_at, a.urgency_rank DESC, a.id";

/// The SQL implementation of [`IncomingStore`], stamped out per database by `sql_store!`.
macro_rules! incoming_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Locks the incoming document row until commit and reads it.
            async fn lock_incoming(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: i64,
            ) -> $crate::store::StoreResult<$crate::store::incoming::IncomingRow> {
                let touched = sqlx::query("UPDATE incoming_documents SET updated_at = updated_at WHERE id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Err($crate::store::StoreError::NotFound);
                }
                let sql = sqlx::AssertSqlSafe(format!("{}WHERE i.id = $1", $crate::store::incoming::INCOMING_SELECT));
                Ok(sqlx::query_as(sql).bind(id).fetch_one(&mut **tx).await?)
            }

            async fn incoming_history(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                actor: i64,
                on_behalf_of: Option<i64>,
                action: &str,
                comment: Option<&str>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO incoming_history (incoming_id, at, actor_id, on_behalf_of, action, comment) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(doc)
                .bind($crate::store::now_ms())
                .bind(actor)
                .bind(on_behalf_of)
                .bind(action)
                .bind(comment)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Moves the sender-visible status forward when the chain allows it (system channel only).
            async fn sender_status(
                tx: &mut sqlx::Transaction<'_, $db>,
                row: &$crate::store::incoming::IncomingRow,
                next: shared::status::DeliveryStatus,
                actor: i64,
                reason: Option<&str>,
            ) -> $crate::store::StoreResult<bool> {
                let (Some(delivery), Some(current)) = (row.delivery_id, row.delivery_status.as_deref()) else {
                    return Ok(false);
                };
                let current = shared::status::DeliveryStatus::from_code(current)
                    .ok_or_else(|| $crate::store::incoming::corrupt("delivery status"))?;
                if current == next || !current.can_move_to(next) {
                    return Ok(false);
                }
                Self::delivery_event(tx, delivery, next, Some(actor), reason).await?;
                Ok(true)
            }

            /// The delegation letting `to` act for `from` today.
            async fn delegation_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                from: i64,
                to: i64,
            ) -> $crate::store::StoreResult<Option<(i64, Option<String>)>> {
                Ok(sqlx::query_as(
                    "SELECT id, signing FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 \
                     AND revoked_at IS NULL AND starts_on <= $3 AND ends_on >= $3 ORDER BY id DESC LIMIT 1",
                )
                .bind(from)
                .bind(to)
                .bind($crate::store::incoming::today())
                .fetch_optional(&mut **tx)
                .await?)
            }

            /// Who `user` assigns for on `row`: themselves (`None`) or the leader whose delegation they hold.
            async fn assigning_authority(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: &shared::user::UserDto,
                row: &$crate::store::incoming::IncomingRow,
            ) -> $crate::store::StoreResult<Option<i64>> {
                let Some(assigner) = row.assigner_id else {
                    return Err($crate::store::StoreError::State("Văn bản chưa được trình lãnh đạo."));
                };
                if assigner == user.id {
                    return Ok(None);
                }
                if Self::delegation_in(tx, assigner, user.id).await?.is_some() {
                    return Ok(Some(assigner));
                }
                let had: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 AND revoked_at IS NULL",
                )
                .bind(assigner)
                .bind(user.id)
                .fetch_optional(&mut **tx)
                .await?;
                if had.is_some() {
                    return Err($crate::store::StoreError::Forbidden(
                        "Ủy quyền phân công của anh/chị không còn hiệu lực hôm nay.",
                    ));
                }
                Err($crate::store::StoreError::Forbidden(
                    "Văn bản này chờ lãnh đạo được trình (hoặc người được ủy quyền) phân công.",
                ))
            }

            /// A unit of `agency` (its name), or a refusal naming the field.
            async fn unit_of_agency(
                tx: &mut sqlx::Transaction<'_, $db>,
                unit: i64,
                agency: i64,
            ) -> $crate::store::StoreResult<String> {
                let row: Option<(String,)> = sqlx::query_as("SELECT name FROM units WHERE id = $1 AND agency_id = $2")
                    .bind(unit)
                    .bind(agency)
                    .fetch_optional(&mut **tx)
                    .await?;
                row.map(|r| r.0)
                    .ok_or($crate::store::StoreError::Field("targets", "Đơn vị được giao không thuộc cơ quan."))
            }

            /// An unlocked person of `agency`: (unit, name).
            async fn person_of_agency(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: i64,
                agency: i64,
            ) -> $crate::store::StoreResult<(i64, String)> {
                let row: Option<(i64, String)> = sqlx::query_as(
                    "SELECT u.unit_id, u.full_name FROM users u JOIN units un ON un.id = u.unit_id \
                     WHERE u.id = $1 AND un.agency_id = $2 AND u.locked = $3",
                )
                .bind(user)
                .bind(agency)
                .bind(false)
                .fetch_optional(&mut **tx)
                .await?;
                row.ok_or($crate::store::StoreError::Field(
                    "targets",
                    "Người được giao không thuộc cơ quan hoặc tài khoản đã bị khóa.",
                ))
            }

            /// The leaders of a unit (who hear about work given to the unit).
            async fn unit_leaders(
                tx: &mut sqlx::Transaction<'_, $db>,
                unit: i64,
            ) -> $crate::store::StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
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
            async fn insert_assignments(
                tx: &mut sqlx::Transaction<'_, $db>,
                row: &$crate::store::incoming::IncomingRow,
                a: &$crate::store::incoming::NewAssignment,
                parent: Option<(i64, i64)>,
                by: i64,
                on_behalf_of: Option<i64>,
                now: i64,
            ) -> $crate::store::StoreResult<(Vec<i64>, String)> {
                let rank = shared::incoming::urgency_rank($crate::store::outgoing::urgency_of(&row.urgency)?);
                let due_at = a.due_date.map(shared::incoming::due_at);
                let mut notify = Vec::new();
                let mut names = Vec::new();
                for t in &a.targets {
                    let (unit, user, name) = match t.to {
                        shared::incoming::Assignee::Unit(u) => {
                            if parent.is_some() {
                                return Err($crate::store::StoreError::Field(
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
                            if let Some((_, parent_unit)) = parent
                                && unit != parent_unit
                            {
                                return Err($crate::store::StoreError::Field(
                                    "targets",
                                    "Trong đơn vị chỉ giao cho cán bộ của đơn vị.",
                                ));
                            }
                            notify.push(p);
                            (unit, Some(p), name)
                        }
                    };
                    names.push((t.role, name));
                    sqlx::query(
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
                let mut line = $crate::store::incoming::targets_line(&names);
                if let Some(d) = a.due_date {
                    line.push_str(&format!("; hạn xử lý {}", d.display()));
                }
                if let Some(i) = &a.instruction {
                    line = format!("{i}\n{line}");
                }
                Ok((notify, line))
            }

            /// Whether `user` sees the document `row` of their agency.
            async fn sees_incoming(
                &self,
                user: &shared::user::UserDto,
                row: &$crate::store::incoming::IncomingRow,
            ) -> $crate::store::StoreResult<bool> {
                use shared::role::Role;
                if row.agency_id != user.agency.id {
                    return Ok(false);
                }
                if user.has_role(Role::Clerk) || user.has_role(Role::AgencyLeader) || row.assigner_id == Some(user.id) {
                    return Ok(true);
                }
                let unit_leader = user.has_role(Role::UnitLeader);
                let mine: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM assignments WHERE incoming_id = $1 AND (user_id = $2 OR (unit_id = $3 AND $4)) LIMIT 1",
                )
                .bind(row.id)
                .bind(user.id)
                .bind(user.unit.id)
                .bind(unit_leader)
                .fetch_optional(&self.pool)
                .await?;
                if mine.is_some() {
                    return Ok(true);
                }
                if let Some(assigner) = row.assigner_id {
                    let d: Option<(i64,)> = sqlx::query_as(
                        "SELECT id FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 AND revoked_at IS NULL \
                         AND starts_on <= $3 AND ends_on >= $3",
                    )
                    .bind(assigner)
                    .bind(user.id)
                    .bind($crate::store::incoming::today())
                    .fetch_optional(&self.pool)
                    .await?;
                    return Ok(d.is_some());
                }
                Ok(false)
            }

            /// Closes an assignment; for a lead, the one above it (or the document) is finished too.
            async fn finish_assignment(
                tx: &mut sqlx::Transaction<'_, $db>,
                row: &$crate::store::incoming::IncomingRow,
                id: i64,
                result: Option<&str>,
                user: i64,
                now: i64,
            ) -> $crate::store::StoreResult<bool> {
                let mut current = id;
                let mut result = result.map(str::to_string);
                loop {
                    let (role, parent): (String, Option<i64>) = sqlx::query_as(
                        "UPDATE assignments SET state = 'done', done_at = $1, result = COALESCE($2, result), \
                         started_at = COALESCE(started_at, $1) WHERE id = $3 RETURNING role, parent_id",
                    )
                    .bind(now)
                    .bind(result.take())
                    .bind(current)
                    .fetch_one(&mut **tx)
                    .await?;
                    if role != "lead" {
                        return Ok(false);
                    }
                    match parent {
                        Some(p) => current = p,
                        None => break,
                    }
                }
                sqlx::query("UPDATE incoming_documents SET status = 'completed', completed_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(row.id)
                    .execute(&mut **tx)
                    .await?;
                Self::sender_status(tx, row, shared::status::DeliveryStatus::Completed, user, None).await?;
                Ok(true)
            }

            /// Loads an assignment and locks its document (document first, as every writer does).
            async fn lock_assignment(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: i64,
            ) -> $crate::store::StoreResult<($crate::store::incoming::IncomingRow, AssignmentRow)> {
                let doc: Option<(i64,)> = sqlx::query_as("SELECT incoming_id FROM assignments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                let doc = doc.ok_or($crate::store::StoreError::NotFound)?.0;
                let row = Self::lock_incoming(tx, doc).await?;
                let a: AssignmentRow = sqlx::query_as(
                    "SELECT id, role, unit_id, user_id, parent_id, assigned_by, on_behalf_of, state, due_date \
                     FROM assignments WHERE id = $1",
                )
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                Ok((row, a))
            }

            fn audit_actor(user: &shared::user::UserDto) -> $crate::store::Actor {
                $crate::store::Actor { id: Some(user.id), username: Some(user.username.clone()), client_addr: None }
            }

            fn incoming_event(
                kind: &str,
                row: &$crate::store::incoming::IncomingRow,
                users: Vec<i64>,
                actor: i64,
                text: String,
            ) -> shared::live_event::LiveEvent {
                // Work handed to people (a task, an urge) is for them alone; other changes refresh the pages of
                // the agency and of the sender on the system, whose status view moved.
                let mut agencies = Vec::new();
                if !matches!(kind, "task" | "urge") {
                    agencies.push(row.agency_id);
                    if let Some(s) = row.sender_agency_id
                        && row.delivery_id.is_some()
                    {
                        agencies.push(s);
                    }
                }
                shared::live_event::LiveEvent {
                    kind: kind.into(),
                    outgoing_id: row.outgoing_id.unwrap_or(0),
                    delivery_id: row.delivery_id,
                    incoming_id: Some(row.id),
                    agencies,
                    users,
                    actor: Some(actor),
                    text,
                }
            }
        }

        #[derive(sqlx::FromRow)]
        #[allow(dead_code)]
        struct AssignmentRow {
            id: i64,
            role: String,
            unit_id: i64,
            user_id: Option<i64>,
            parent_id: Option<i64>,
            assigned_by: i64,
            on_behalf_of: Option<i64>,
            state: String,
            due_date: Option<String>,
        }

        #[async_trait::async_trait]
        impl $crate::store::IncomingStore for $store {
            async fn create_incoming(
                &self,
                clerk: &shared::user::UserDto,
                doc: $crate::store::incoming::NewIncoming,
            ) -> $crate::store::StoreResult<i64> {
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư mới tiếp nhận được văn bản đến."));
                }
                let now = $crate::store::now_ms();
                let mut tx = self.begin_write().await?;
                let register: (i64,) = sqlx::query_as(
                    "SELECT id FROM registers WHERE agency_id = $1 AND direction = 'incoming' ORDER BY id LIMIT 1",
                )
                .bind(clerk.agency.id)
                .fetch_one(&mut *tx)
                .await?;
                let verification = serde_json::to_string(&doc.verification).map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let (id,): (i64,) = sqlx::query_as(
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
                .bind($crate::store::outgoing::urgency_code(doc.urgency))
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
                    sqlx::query("INSERT INTO incoming_files (incoming_id, position, name, sha256, size) VALUES ($1, $2, $3, $4, $5)")
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
                    if doc.backfilled_arrival.is_some() { " (nhập bù sau sự cố)" } else { "" }
                );
                Self::incoming_history(&mut tx, id, clerk.id, None, "registered_by_hand", Some(&how)).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(clerk),
                        agency_id: Some(clerk.agency.id),
                        action: "incoming.create",
                        target: Some(format!("incoming:{id}")),
                        target_name: Some(doc.subject.clone()),
                        details: serde_json::json!({
                            "channel": doc.channel.code(), "backfilled_arrival": doc.backfilled_arrival,
                            "sha256": doc.files.first().map(|f| f.sha256.clone()), "verified": doc.verification.ok,
                        }),
                    },
                )
                .await?;
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
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

            async fn get_incoming(
                &self,
                viewer: &shared::user::UserDto,
                id: i64,
            ) -> $crate::store::StoreResult<shared::incoming::IncomingDto> {
                use shared::incoming::*;
                use shared::role::Role;
                let sql = sqlx::AssertSqlSafe(format!("{}WHERE i.id = $1", $crate::store::incoming::INCOMING_SELECT));
                let r: Option<$crate::store::incoming::IncomingRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                let r = r.ok_or($crate::store::StoreError::NotFound)?;
                if !self.sees_incoming(viewer, &r).await? {
                    return Err($crate::store::StoreError::NotFound);
                }
                let now = $crate::store::now_ms();
                let people: Vec<(i64, String, Option<String>)> = sqlx::query_as(
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
                        .map(|p| $crate::store::incoming::person(p.0, p.1.clone(), p.2.clone()))
                        .unwrap_or_else(|| $crate::store::incoming::person(id, format!("#{id}"), None))
                };
                let files: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, sha256, size, position FROM incoming_files WHERE incoming_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let verification: Option<VerificationDto> = match &r.verification {
                    Some(v) => Some(serde_json::from_str(v).map_err(|_| $crate::store::incoming::corrupt("verification"))?),
                    None => None,
                };
                let pages_of = |sha: &str| {
                    verification.as_ref().and_then(|v| v.files.iter().find(|f| f.sha256 == sha)).and_then(|f| f.pages)
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
                let arows: Vec<ARow> = sqlx::query_as(
                    "SELECT a.id, a.role, a.unit_id, un.name AS unit_name, a.user_id, a.parent_id, a.assigned_by, a.on_behalf_of, \
                     a.instruction, a.due_date, a.due_at, a.state, a.created_at, a.done_at, a.last_urged_at, a.result \
                     FROM assignments a JOIN units un ON un.id = a.unit_id WHERE a.incoming_id = $1 ORDER BY a.id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let unit_leader = viewer.has_role(Role::UnitLeader);
                let agency_leader = viewer.has_role(Role::AgencyLeader) && r.agency_id == viewer.agency.id;
                let open_doc = IncomingStatus::from_code(&r.status) == Some(IncomingStatus::InProgress);
                let mut assignments = Vec::new();
                let mut assignment_actions = Vec::new();
                for a in arows {
                    let role = AssignmentRole::from_code(&a.role).ok_or_else(|| $crate::store::incoming::corrupt("role"))?;
                    let state = AssignmentState::from_code(&a.state).ok_or_else(|| $crate::store::incoming::corrupt("state"))?;
                    let done = state == AssignmentState::Done;
                    let mine = a.user_id == Some(viewer.id) || (a.user_id.is_none() && a.unit_id == viewer.unit.id && unit_leader);
                    let mut acts: Vec<&str> = Vec::new();
                    if mine && !done && open_doc {
                        if a.user_id.is_none() {
                            acts.push("assign");
                        }
                        if role == AssignmentRole::Inform {
                            acts.extend(["note", "file"]);
                        } else {
                            acts.extend(["reply", "report", "file", "complete"]);
                        }
                    }
                    let may_urge = agency_leader
                        || a.assigned_by == viewer.id
                        || a.on_behalf_of == Some(viewer.id)
                        || (a.parent_id.is_some() && unit_leader && a.unit_id == viewer.unit.id);
                    if !mine && !done && open_doc && may_urge && role != AssignmentRole::Inform {
                        acts.push("urge");
                    }
                    if !acts.is_empty() {
                        assignment_actions.push((a.id, acts.into_iter().map(str::to_string).collect()));
                    }
                    assignments.push(AssignmentDto {
                        id: a.id,
                        incoming_id: id,
                        role,
                        unit: Some(UnitRef { id: a.unit_id, name: a.unit_name }),
                        user: a.user_id.map(&who),
                        parent_id: a.parent_id,
                        assigned_by: who(a.assigned_by),
                        on_behalf_of: a.on_behalf_of.map(&who),
                        instruction: a.instruction,
                        due_date: $crate::store::incoming::civil_opt(a.due_date.as_deref())?,
                        due: DueState::at(a.due_at, done, now),
                        state,
                        created_at: shared::time::Timestamp(a.created_at),
                        done_at: a.done_at.map(shared::time::Timestamp),
                        last_urged_at: a.last_urged_at.map(shared::time::Timestamp),
                        result: a.result,
                    });
                }
                let hrows: Vec<(i64, i64, Option<i64>, String, Option<String>)> = sqlx::query_as(
                    "SELECT at, actor_id, on_behalf_of, action, comment FROM incoming_history WHERE incoming_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let history = hrows
                    .into_iter()
                    .map(|(at, actor, behalf, action, comment)| IncomingHistoryEntry {
                        entry: shared::outgoing::HistoryEntry {
                            at: shared::time::Timestamp(at),
                            actor: who(actor),
                            label: $crate::store::incoming::incoming_label(&action).to_string(),
                            action,
                            comment,
                            version: None,
                        },
                        on_behalf_of: behalf.map(&who),
                    })
                    .collect();
                let replies: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, subject, status, number_text FROM outgoing_documents WHERE answers_incoming_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let sender_statuses: Vec<(String, i64)> = match r.delivery_id {
                    Some(d) => sqlx::query_as("SELECT status, at FROM delivery_events WHERE delivery_id = $1 ORDER BY id")
                        .bind(d)
                        .fetch_all(&self.pool)
                        .await?,
                    None => Vec::new(),
                };
                let status = IncomingStatus::from_code(&r.status).ok_or_else(|| $crate::store::incoming::corrupt("incoming status"))?;
                let is_clerk = viewer.has_role(Role::Clerk) && viewer.agency.id == r.agency_id;
                let recall_pending = r.delivery_status.as_deref() == Some(shared::status::DeliveryStatus::RecallRequested.code());
                let mut actions: Vec<String> = Vec::new();
                if is_clerk && status == IncomingStatus::Arrived && !recall_pending {
                    actions.extend(["accept".to_string(), "return".to_string()]);
                }
                if is_clerk && matches!(status, IncomingStatus::Registered | IncomingStatus::ToAssign) {
                    actions.push("forward".into());
                }
                if is_clerk && recall_pending {
                    actions.push("answer_recall".into());
                }
                if status == IncomingStatus::ToAssign
                    && let Some(assigner) = r.assigner_id
                {
                    let delegated = assigner != viewer.id && self.active_delegation(assigner, viewer.id).await?.is_some();
                    if assigner == viewer.id || delegated {
                        actions.push("assign".into());
                    }
                }
                let done = matches!(status, IncomingStatus::Completed | IncomingStatus::Returned | IncomingStatus::Withdrawn);
                Ok(IncomingDto {
                    id: r.id,
                    agency_id: r.agency_id,
                    channel: IncomingChannel::from_code(&r.channel).ok_or_else(|| $crate::store::incoming::corrupt("channel"))?,
                    status,
                    sender_name: r.sender_name,
                    sender_code: r.sender_code,
                    sender_agency_id: r.sender_agency_id,
                    code_text: r.code_text,
                    issued_date: $crate::store::incoming::civil(&r.issued_date)?,
                    doc_type: $crate::store::outgoing::doc_type_of(&r.doc_type)?,
                    subject: r.subject,
                    urgency: $crate::store::outgoing::urgency_of(&r.urgency)?,
                    signer_name: r.signer_name,
                    reply_deadline: $crate::store::incoming::civil_opt(r.reply_deadline.as_deref())?,
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
                    due_date: $crate::store::incoming::civil_opt(r.due_date.as_deref())?,
                    due: DueState::at(r.due_at, done, now),
                    note: r.note,
                    files,
                    assignments,
                    history,
                    replies: replies
                        .into_iter()
                        .map(|(outgoing_id, subject, status, number_text)| ReplyRef { outgoing_id, subject, status, number_text })
                        .collect(),
                    sender_statuses: sender_statuses
                        .into_iter()
                        .filter_map(|(s, at)| {
                            shared::status::DeliveryStatus::from_code(&s).map(|status| SenderStatus { status, at: shared::time::Timestamp(at) })
                        })
                        .collect(),
                    recall_reason: if recall_pending { r.recall_reason } else { None },
                    actions,
                    assignment_actions,
                })
            }

            async fn list_incoming(
                &self,
                user: &shared::user::UserDto,
                bucket: shared::incoming::IncomingBucket,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<shared::incoming::IncomingSummary>> {
                use shared::incoming::IncomingBucket as B;
                use shared::role::Role;
                let cols = $crate::store::incoming::SUMMARY_COLUMNS;
                let doc_only = "CAST(NULL AS BIGINT) AS assignment_id, CAST(NULL AS TEXT) AS role, CAST(NULL AS TEXT) AS state, \
                     CAST(NULL AS TEXT) AS a_due_date, CAST(NULL AS BIGINT) AS a_due_at";
                let with_a = "a.id AS assignment_id, a.role, a.state, a.due_date AS a_due_date, a.due_at AS a_due_at";
                let from_docs = "FROM incoming_documents i LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
                let from_a = "FROM assignments a JOIN incoming_documents i ON i.id = a.incoming_id LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
                let clerk = user.has_role(Role::Clerk);
                let leader = user.has_role(Role::AgencyLeader);
                let unit_leader = user.has_role(Role::UnitLeader);
                let rows: Vec<$crate::store::incoming::SummaryRow> = match bucket {
                    B::ToRegister => {
                        if !clerk {
                            return Ok(Vec::new());
                        }
                        let sql = sqlx::AssertSqlSafe(format!(
                            "SELECT {cols}, {doc_only} {from_docs} WHERE i.agency_id = $1 AND i.status IN ('arrived', 'registered') \
                             ORDER BY i.urgency_rank DESC, i.received_at LIMIT $2"
                        ));
                        sqlx::query_as(sql).bind(user.agency.id).bind(limit).fetch_all(&self.pool).await?
                    }
                    B::ToAssign => {
                        let sql = sqlx::AssertSqlSafe(format!(
                            "SELECT {cols}, {doc_only} {from_docs} WHERE i.status = 'to_assign' AND (i.assigner_id = $1 OR i.assigner_id IN ( \
                             SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND revoked_at IS NULL AND starts_on <= $2 AND ends_on >= $2)) \
                             ORDER BY i.urgency_rank DESC, i.received_at LIMIT $3"
                        ));
                        let mut docs: Vec<$crate::store::incoming::SummaryRow> = sqlx::query_as(sql)
                            .bind(user.id)
                            .bind($crate::store::incoming::today())
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await?;
                        if unit_leader {
                            let sql = sqlx::AssertSqlSafe(format!(
                                "SELECT {cols}, {with_a} {from_a} WHERE a.unit_id = $1 AND a.user_id IS NULL AND a.state = 'pending' \
                                 {} LIMIT $2",
                                $crate::store::incoming::QUEUE_ORDER
                            ));
                            docs.extend(
                                sqlx::query_as::<_, $crate::store::incoming::SummaryRow>(sql)
                                    .bind(user.unit.id)
                                    .bind(limit)
                                    .fetch_all(&self.pool)
                                    .await?,
                            );
                        }
                        docs
                    }
                    B::Pending | B::Processing | B::Done | B::Inform => {
                        let filter = match bucket {
                            B::Pending => "a.state = 'pending' AND a.role <> 'inform'",
                            B::Processing => "a.state = 'processing' AND a.role <> 'inform'",
                            B::Done => "a.state = 'done'",
                            _ => "a.role = 'inform'",
                        };
                        let order = if bucket == B::Done || bucket == B::Inform {
                            "ORDER BY a.id DESC".to_string()
                        } else {
                            $crate::store::incoming::QUEUE_ORDER.to_string()
                        };
                        let sql = sqlx::AssertSqlSafe(format!(
                            "SELECT {cols}, {with_a} {from_a} WHERE a.user_id = $1 AND {filter} {order} LIMIT $2"
                        ));
                        sqlx::query_as(sql).bind(user.id).bind(limit).fetch_all(&self.pool).await?
                    }
                    B::All => {
                        if !(clerk || leader) {
                            return Ok(Vec::new());
                        }
                        let sql = sqlx::AssertSqlSafe(format!(
                            "SELECT {cols}, {doc_only} {from_docs} WHERE i.agency_id = $1 ORDER BY i.received_at DESC, i.id DESC LIMIT $2"
                        ));
                        sqlx::query_as(sql).bind(user.agency.id).bind(limit).fetch_all(&self.pool).await?
                    }
                };
                let now = $crate::store::now_ms();
                rows.into_iter().map(|r| r.into_dto(now)).collect()
            }

            async fn incoming_counts(
                &self,
                user: &shared::user::UserDto,
            ) -> $crate::store::StoreResult<shared::incoming::IncomingCounts> {
                use shared::role::Role;
                let mut c = shared::incoming::IncomingCounts::default();
                if user.has_role(Role::Clerk) {
                    let (n,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM incoming_documents WHERE agency_id = $1 AND status IN ('arrived', 'registered')",
                    )
                    .bind(user.agency.id)
                    .fetch_one(&self.pool)
                    .await?;
                    c.to_register = n;
                }
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM incoming_documents WHERE status = 'to_assign' AND (assigner_id = $1 OR assigner_id IN ( \
                     SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND revoked_at IS NULL AND starts_on <= $2 AND ends_on >= $2))",
                )
                .bind(user.id)
                .bind($crate::store::incoming::today())
                .fetch_one(&self.pool)
                .await?;
                c.to_assign = n;
                if user.has_role(Role::UnitLeader) {
                    let (n,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM assignments WHERE unit_id = $1 AND user_id IS NULL AND state = 'pending'",
                    )
                    .bind(user.unit.id)
                    .fetch_one(&self.pool)
                    .await?;
                    c.to_assign += n;
                }
                let now = $crate::store::now_ms();
                let rows: Vec<(String, String, Option<i64>)> = sqlx::query_as(
                    "SELECT role, state, due_at FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing')",
                )
                .bind(user.id)
                .fetch_all(&self.pool)
                .await?;
                for (role, state, due_at) in rows {
                    if role == "inform" {
                        c.inform += 1;
                        continue;
                    }
                    if state == "pending" {
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

            async fn queue(
                &self,
                user: &shared::user::UserDto,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<shared::incoming::IncomingSummary>> {
                let cols = $crate::store::incoming::SUMMARY_COLUMNS;
                let with_a = "a.id AS assignment_id, a.role, a.state, a.due_date AS a_due_date, a.due_at AS a_due_at";
                let from_a = "FROM assignments a JOIN incoming_documents i ON i.id = a.incoming_id LEFT JOIN deliveries dl ON dl.id = i.delivery_id";
                let order = $crate::store::incoming::QUEUE_ORDER;
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT {cols}, {with_a} {from_a} WHERE a.user_id = $1 AND a.state IN ('pending', 'processing') {order} LIMIT $2"
                ));
                let mut rows: Vec<$crate::store::incoming::SummaryRow> =
                    sqlx::query_as(sql).bind(user.id).bind(limit).fetch_all(&self.pool).await?;
                if user.has_role(shared::role::Role::UnitLeader) {
                    let sql = sqlx::AssertSqlSafe(format!(
                        "SELECT {cols}, {with_a} {from_a} WHERE a.unit_id = $1 AND a.user_id IS NULL AND a.state IN ('pending', 'processing') {order} LIMIT $2"
                    ));
                    rows.extend(
                        sqlx::query_as::<_, $crate::store::incoming::SummaryRow>(sql)
                            .bind(user.unit.id)
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await?,
                    );
                    // Both lists are in queue order; merged, the most pressing stays first.
                    rows.sort_by_key(|r| (r.a_due_at.is_none(), r.a_due_at, std::cmp::Reverse(r.urgency_rank_hint()), r.assignment_id));
                    rows.truncate(limit as usize);
                }
                let now = $crate::store::now_ms();
                rows.into_iter().map(|r| r.into_dto(now)).collect()
            }

            async fn accept_incoming(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                override_reason: Option<String>,
                forward_to: Option<i64>,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let r = Self::lock_incoming(&mut tx, id).await?;
                if r.agency_id != clerk.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư mới vào sổ văn bản đến."));
                }
                if r.status != "arrived" {
                    return Err($crate::store::StoreError::State("Văn bản này không còn chờ vào sổ."));
                }
                if r.delivery_status.as_deref() == Some(shared::status::DeliveryStatus::RecallRequested.code()) {
                    return Err($crate::store::StoreError::State(
                        "Nơi gửi đang yêu cầu thu hồi văn bản này; hãy trả lời yêu cầu thu hồi trước.",
                    ));
                }
                if !r.verification_ok && override_reason.is_none() {
                    return Err($crate::store::StoreError::Field(
                        "override_reason",
                        "Chữ ký số của văn bản không kiểm tra được là hợp lệ; muốn vào sổ phải ghi rõ lý do.",
                    ));
                }
                if let Some(leader) = forward_to {
                    Self::check_member(&mut tx, leader, r.agency_id, &["agency_leader"], "Chỉ trình được lãnh đạo cơ quan.")
                        .await
                        .map_err(|e| e.on_field("forward_to"))?;
                }
                let now = $crate::store::now_ms();
                let year = i64::from(shared::civil_date::CivilDate::of(shared::time::Timestamp(r.received_at)).year);
                let (number,): (i64,) = sqlx::query_as(
                    "INSERT INTO register_counters (register_id, year, high) VALUES ($1, $2, 1) \
                     ON CONFLICT (register_id, year) DO UPDATE SET high = register_counters.high + 1 RETURNING high",
                )
                .bind(r.register_id)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
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
                Self::sender_status(&mut tx, &r, shared::status::DeliveryStatus::Accepted, clerk.id, None).await?;
                let line = format!("Số đến: {number}/{year}");
                match &override_reason {
                    Some(why) => {
                        Self::incoming_history(&mut tx, id, clerk.id, None, "accepted_despite", Some(&format!("{line}. Lý do: {why}"))).await?
                    }
                    None => Self::incoming_history(&mut tx, id, clerk.id, None, "accepted", Some(&line)).await?,
                }
                if forward_to.is_some() {
                    Self::incoming_history(&mut tx, id, clerk.id, None, "forwarded", None).await?;
                }
                // The audit entry goes last: its chain head is locked only until the commit right after.
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(clerk),
                        agency_id: Some(r.agency_id),
                        action: "incoming.accept",
                        target: Some(format!("incoming:{id}")),
                        target_name: Some(r.subject.clone()),
                        details: serde_json::json!({
                            "arrival_number": number, "year": year, "override_reason": override_reason, "forward_to": forward_to,
                        }),
                    },
                )
                .await?;
                tx.commit().await?;
                let text = format!("Văn bản đến số {number}: {}", r.subject);
                self.announce(Self::incoming_event("incoming", &r, forward_to.into_iter().collect(), clerk.id, text)).await;
                Ok(())
            }

            async fn return_incoming(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                reason: String,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let r = Self::lock_incoming(&mut tx, id).await?;
                if r.agency_id != clerk.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư mới trả lại được văn bản đến."));
                }
                if r.status != "arrived" {
                    return Err($crate::store::StoreError::State("Chỉ trả lại được văn bản chưa vào sổ."));
                }
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE incoming_documents SET status = 'returned', return_reason = $1, updated_at = $2 WHERE id = $3")
                    .bind(&reason)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::sender_status(&mut tx, &r, shared::status::DeliveryStatus::Rejected, clerk.id, Some(&reason)).await?;
                Self::incoming_history(&mut tx, id, clerk.id, None, "returned", Some(&reason)).await?;
                if let Some(outgoing) = r.outgoing_id {
                    Self::history(&mut tx, outgoing, clerk.id, "recipient_returned", Some(&format!("{}: {reason}", clerk.agency.name)), None).await?;
                }
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(clerk),
                        agency_id: Some(r.agency_id),
                        action: "incoming.return",
                        target: Some(format!("incoming:{id}")),
                        target_name: Some(r.subject.clone()),
                        details: serde_json::json!({"reason": reason}),
                    },
                )
                .await?;
                tx.commit().await?;
                let text = format!("{} trả lại văn bản {}: {reason}", clerk.agency.name, r.code_text);
                self.announce(Self::incoming_event("delivery", &r, vec![], clerk.id, text)).await;
                Ok(())
            }

            async fn forward_incoming(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                leader_id: i64,
                comment: Option<String>,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let r = Self::lock_incoming(&mut tx, id).await?;
                if r.agency_id != clerk.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư mới trình được văn bản đến."));
                }
                if !matches!(r.status.as_str(), "registered" | "to_assign") {
                    return Err($crate::store::StoreError::State("Chỉ trình được văn bản đã vào sổ và chưa được phân công."));
                }
                Self::check_member(&mut tx, leader_id, r.agency_id, &["agency_leader"], "Chỉ trình được lãnh đạo cơ quan.")
                    .await
                    .map_err(|e| e.on_field("leader_id"))?;
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE incoming_documents SET status = 'to_assign', assigner_id = $1, forwarded_at = $2, updated_at = $2 WHERE id = $3")
                    .bind(leader_id)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::incoming_history(&mut tx, id, clerk.id, None, "forwarded", comment.as_deref()).await?;
                tx.commit().await?;
                let text = format!("Văn bản đến chờ phân công: {}", r.subject);
                self.announce(Self::incoming_event("task", &r, vec![leader_id], clerk.id, text)).await;
                Ok(())
            }

            async fn assign_incoming(
                &self,
                user: &shared::user::UserDto,
                id: i64,
                a: $crate::store::incoming::NewAssignment,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let r = Self::lock_incoming(&mut tx, id).await?;
                if r.agency_id != user.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                if r.status != "to_assign" {
                    return Err($crate::store::StoreError::State("Văn bản này không chờ phân công."));
                }
                let on_behalf_of = Self::assigning_authority(&mut tx, user, &r).await?;
                let now = $crate::store::now_ms();
                let (notify, line) = Self::insert_assignments(&mut tx, &r, &a, None, user.id, on_behalf_of, now).await?;
                sqlx::query(
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
                Self::sender_status(&mut tx, &r, shared::status::DeliveryStatus::Assigned, user.id, None).await?;
                Self::incoming_history(&mut tx, id, user.id, on_behalf_of, "assigned", Some(&line)).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(user),
                        agency_id: Some(r.agency_id),
                        action: "incoming.assign",
                        target: Some(format!("incoming:{id}")),
                        target_name: Some(r.subject.clone()),
                        details: serde_json::json!({
                            "on_behalf_of": on_behalf_of, "due_date": a.due_date.map(|d| d.to_string()), "assignment": line,
                        }),
                    },
                )
                .await?;
                tx.commit().await?;
                let text = format!("Được giao xử lý: {}", r.subject);
                self.announce(Self::incoming_event("task", &r, notify, user.id, text)).await;
                // Lists and the sender's status view refresh (no notification: the text is empty).
                self.announce(Self::incoming_event("incoming", &r, vec![], user.id, String::new())).await;
                Ok(())
            }

            async fn assign_in_unit(
                &self,
                user: &shared::user::UserDto,
                assignment_id: i64,
                a: $crate::store::incoming::NewAssignment,
            ) -> $crate::store::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let (r, parent) = Self::lock_assignment(&mut tx, assignment_id).await?;
                if r.agency_id != user.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                if parent.user_id.is_some() || parent.unit_id != user.unit.id || !user.has_role(shared::role::Role::UnitLeader) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ lãnh đạo đơn vị được giao mới phân công trong đơn vị."));
                }
                if parent.state == "done" || r.status != "in_progress" {
                    return Err($crate::store::StoreError::State("Việc này đã xong, không phân công thêm được."));
                }
                let already: Option<(i64,)> = sqlx::query_as("SELECT id FROM assignments WHERE parent_id = $1 LIMIT 1")
                    .bind(assignment_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if already.is_some() {
                    return Err($crate::store::StoreError::State("Đơn vị đã phân công việc này."));
                }
                let now = $crate::store::now_ms();
                let due = $crate::store::incoming::NewAssignment {
                    due_date: a.due_date.or($crate::store::incoming::civil_opt(parent.due_date.as_deref())?),
                    ..a
                };
                let (notify, line) =
                    Self::insert_assignments(&mut tx, &r, &due, Some((assignment_id, parent.unit_id)), user.id, None, now).await?;
                sqlx::query("UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1) WHERE id = $2")
                    .bind(now)
                    .bind(assignment_id)
                    .execute(&mut *tx)
                    .await?;
                Self::incoming_history(&mut tx, r.id, user.id, None, "assigned_in_unit", Some(&line)).await?;
                tx.commit().await?;
                let text = format!("Được giao xử lý: {}", r.subject);
                self.announce(Self::incoming_event("task", &r, notify, user.id, text)).await;
                Ok(r.id)
            }

            async fn act_on_assignment(
                &self,
                user: &shared::user::UserDto,
                assignment_id: i64,
                action: shared::incoming::HandlerAction,
                comment: Option<String>,
                record_file: Option<String>,
            ) -> $crate::store::StoreResult<i64> {
                use shared::incoming::HandlerAction as H;
                let mut tx = self.begin_write().await?;
                let (r, a) = Self::lock_assignment(&mut tx, assignment_id).await?;
                if r.agency_id != user.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                let mine = a.user_id == Some(user.id)
                    || (a.user_id.is_none() && a.unit_id == user.unit.id && user.has_role(shared::role::Role::UnitLeader));
                if !mine {
                    return Err($crate::store::StoreError::Forbidden("Việc này không được giao cho anh/chị."));
                }
                if a.state == "done" {
                    return Err($crate::store::StoreError::State("Việc này đã xong."));
                }
                if r.status != "in_progress" {
                    return Err($crate::store::StoreError::State("Văn bản không còn trong quá trình xử lý."));
                }
                let inform = a.role == "inform";
                let now = $crate::store::now_ms();
                let mut completed_doc = false;
                match action {
                    H::Note => {
                        if !inform {
                            return Err($crate::store::StoreError::State(
                                "Chỉ văn bản gửi để biết mới ghi nhận đã đọc; hãy báo cáo kết quả hoặc hoàn thành.",
                            ));
                        }
                        Self::finish_assignment(&mut tx, &r, assignment_id, comment.as_deref(), user.id, now).await?;
                        Self::incoming_history(&mut tx, r.id, user.id, None, "noted", comment.as_deref()).await?;
                    }
                    H::Report | H::File => {
                        if inform && action == H::Report {
                            return Err($crate::store::StoreError::State("Văn bản gửi để biết không cần báo cáo kết quả."));
                        }
                        if !inform {
                            sqlx::query(
                                "UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1), \
                                 result = COALESCE($2, result) WHERE id = $3",
                            )
                            .bind(now)
                            .bind(if action == H::Report { comment.as_deref() } else { None })
                            .bind(assignment_id)
                            .execute(&mut *tx)
                            .await?;
                            Self::sender_status(&mut tx, &r, shared::status::DeliveryStatus::Processing, user.id, None).await?;
                        }
                        let line = match action {
                            H::File => format!(
                                "Hồ sơ: {}{}",
                                record_file.as_deref().unwrap_or_default(),
                                comment.as_deref().map(|c| format!(". {c}")).unwrap_or_default()
                            ),
                            _ => comment.clone().unwrap_or_default(),
                        };
                        let code = if action == H::File { "filed" } else { "reported" };
                        Self::incoming_history(&mut tx, r.id, user.id, None, code, Some(&line)).await?;
                    }
                    H::Complete => {
                        if inform {
                            return Err($crate::store::StoreError::State("Văn bản gửi để biết: hãy ghi nhận đã đọc."));
                        }
                        completed_doc = Self::finish_assignment(&mut tx, &r, assignment_id, comment.as_deref(), user.id, now).await?;
                        Self::incoming_history(&mut tx, r.id, user.id, None, "completed", comment.as_deref()).await?;
                    }
                }
                tx.commit().await?;
                let text = if completed_doc {
                    format!("Đã hoàn thành xử lý: {}", r.subject)
                } else {
                    format!("{}: {}", action.label(), r.subject)
                };
                let assigner = vec![a.assigned_by];
                self.announce(Self::incoming_event("incoming", &r, assigner, user.id, text)).await;
                Ok(r.id)
            }

            async fn urge(
                &self,
                user: &shared::user::UserDto,
                assignment_id: i64,
                message: Option<String>,
            ) -> $crate::store::StoreResult<i64> {
                use shared::role::Role;
                let mut tx = self.begin_write().await?;
                let (r, a) = Self::lock_assignment(&mut tx, assignment_id).await?;
                if r.agency_id != user.agency.id {
                    return Err($crate::store::StoreError::NotFound);
                }
                let may = user.has_role(Role::AgencyLeader)
                    || a.assigned_by == user.id
                    || a.on_behalf_of == Some(user.id)
                    || (a.parent_id.is_some() && a.unit_id == user.unit.id && user.has_role(Role::UnitLeader));
                if !may {
                    return Err($crate::store::StoreError::Forbidden("Chỉ lãnh đạo đã giao việc mới đôn đốc được."));
                }
                if a.state == "done" || r.status != "in_progress" {
                    return Err($crate::store::StoreError::State("Việc này đã xong, không cần đôn đốc."));
                }
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE assignments SET last_urged_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(assignment_id)
                    .execute(&mut *tx)
                    .await?;
                let whom = match a.user_id {
                    Some(u) => vec![u],
                    None => Self::unit_leaders(&mut tx, a.unit_id).await?,
                };
                Self::incoming_history(&mut tx, r.id, user.id, None, "urged", message.as_deref()).await?;
                tx.commit().await?;
                let text = format!(
                    "{} đôn đốc xử lý: {}{}",
                    user.full_name,
                    r.subject,
                    message.map(|m| format!(" — {m}")).unwrap_or_default()
                );
                self.announce(Self::incoming_event("urge", &r, whom, user.id, text)).await;
                Ok(r.id)
            }

            async fn dashboard(
                &self,
                user: &shared::user::UserDto,
                unit: Option<i64>,
                person: Option<i64>,
            ) -> $crate::store::StoreResult<shared::incoming::DashboardDto> {
                use shared::role::Role;
                let scope_unit = if user.has_role(Role::AgencyLeader) {
                    unit
                } else if user.has_role(Role::UnitLeader) {
                    if unit.is_some_and(|u| u != user.unit.id) {
                        return Err($crate::store::StoreError::Forbidden("Lãnh đạo đơn vị chỉ xem được công việc của đơn vị mình."));
                    }
                    Some(user.unit.id)
                } else {
                    return Err($crate::store::StoreError::Forbidden("Chỉ lãnh đạo mới xem được bảng theo dõi."));
                };
                let agency = user.agency.id;
                let now = $crate::store::now_ms();
                let soon = now + shared::incoming::DUE_SOON_MS;
                let unit_filter = scope_unit.map(|_| " AND a.unit_id = $4").unwrap_or("");
                // One pass over the agency's open work (an index-only scan of `assignments_open_work`), grouped by
                // unit and person together; names are looked up for the groups only, and the unit rows are the
                // sums of their people's rows.
                #[derive(sqlx::FromRow)]
                struct G {
                    unit_id: i64,
                    unit_name: String,
                    user_id: Option<i64>,
                    full_name: Option<String>,
                    open: i64,
                    due_soon: i64,
                    overdue: i64,
                    oldest_at: Option<i64>,
                }
                let groups: Vec<G> = {
                    let sql = sqlx::AssertSqlSafe(format!(
                        "SELECT g.unit_id, (SELECT name FROM units WHERE id = g.unit_id) AS unit_name, g.user_id, \
                         (SELECT full_name FROM users WHERE id = g.user_id) AS full_name, g.open, g.due_soon, g.overdue, g.oldest_at \
                         FROM (SELECT a.unit_id, a.user_id, COUNT(*) AS open, \
                         SUM(CASE WHEN a.due_at >= $2 AND a.due_at <= $3 THEN 1 ELSE 0 END) AS due_soon, \
                         SUM(CASE WHEN a.due_at < $2 THEN 1 ELSE 0 END) AS overdue, MIN(a.created_at) AS oldest_at \
                         FROM assignments a WHERE a.agency_id = $1 AND a.state IN ('pending', 'processing') \
                         AND a.role <> 'inform'{unit_filter} GROUP BY a.unit_id, a.user_id) g"
                    ));
                    let q = sqlx::query_as::<_, G>(sql).bind(agency).bind(now).bind(soon);
                    match scope_unit {
                        Some(u) => q.bind(u),
                        None => q,
                    }
                    .fetch_all(&self.pool)
                    .await?
                };
                let add = |into: &mut shared::incoming::BacklogRow, g: &G| {
                    into.open += g.open;
                    into.due_soon += g.due_soon;
                    into.overdue += g.overdue;
                    into.oldest_at = match (into.oldest_at, g.oldest_at.map(shared::time::Timestamp)) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                };
                let empty = |id: i64, name: String| shared::incoming::BacklogRow { id, name, open: 0, due_soon: 0, overdue: 0, oldest_at: None };
                let mut units: Vec<shared::incoming::BacklogRow> = Vec::new();
                let mut people: Vec<shared::incoming::BacklogRow> = Vec::new();
                for g in &groups {
                    match units.iter_mut().find(|u| u.id == g.unit_id) {
                        Some(u) => add(u, g),
                        None => {
                            let mut u = empty(g.unit_id, g.unit_name.clone());
                            add(&mut u, g);
                            units.push(u);
                        }
                    }
                    if let (Some(id), Some(name)) = (g.user_id, &g.full_name) {
                        // A person is in one unit, but handover may have moved work between units: add up.
                        match people.iter_mut().find(|p| p.id == id) {
                            Some(p) => add(p, g),
                            None => {
                                let mut p = empty(id, name.clone());
                                add(&mut p, g);
                                people.push(p);
                            }
                        }
                    }
                }
                let pressing = |r: &shared::incoming::BacklogRow| (std::cmp::Reverse(r.overdue), std::cmp::Reverse(r.open), r.id);
                units.sort_by_key(pressing);
                people.sort_by_key(pressing);
                people.truncate(200);
                #[derive(sqlx::FromRow)]
                struct W {
                    assignment_id: i64,
                    incoming_id: i64,
                    subject: String,
                    code_text: String,
                    arrival_number: Option<i64>,
                    urgency: String,
                    role: String,
                    handler: String,
                    unit: String,
                    due_date: Option<String>,
                    due_at: Option<i64>,
                    created_at: i64,
                    last_urged_at: Option<i64>,
                }
                // The ids are chosen on the assignments alone (the open-work index), then only those rows are
                // joined to their documents, units and people.
                let work_sql = |filter: &str, order: &str| {
                    sqlx::AssertSqlSafe(format!(
                        "SELECT a.id AS assignment_id, i.id AS incoming_id, i.subject, i.code_text, i.arrival_number, i.urgency, a.role, \
                         COALESCE(u.full_name, un.name) AS handler, un.name AS unit, a.due_date, a.due_at, a.created_at, a.last_urged_at \
                         FROM (SELECT a.id FROM assignments a \
                         WHERE a.agency_id = $1 AND a.state IN ('pending', 'processing') AND a.role <> 'inform' {filter} {order}) t \
                         JOIN assignments a ON a.id = t.id JOIN incoming_documents i ON i.id = a.incoming_id \
                         JOIN units un ON un.id = a.unit_id LEFT JOIN users u ON u.id = a.user_id {}",
                        order.split(" LIMIT").next().unwrap_or_default()
                    ))
                };
                let to_dto = |w: W| -> $crate::store::StoreResult<shared::incoming::OpenWork> {
                    Ok(shared::incoming::OpenWork {
                        assignment_id: w.assignment_id,
                        incoming_id: w.incoming_id,
                        subject: w.subject,
                        code_text: w.code_text,
                        arrival_number: w.arrival_number,
                        urgency: $crate::store::outgoing::urgency_of(&w.urgency)?,
                        role: shared::incoming::AssignmentRole::from_code(&w.role).ok_or_else(|| $crate::store::incoming::corrupt("role"))?,
                        handler: w.handler,
                        unit: w.unit,
                        due_date: $crate::store::incoming::civil_opt(w.due_date.as_deref())?,
                        due: shared::incoming::DueState::at(w.due_at, false, now),
                        assigned_at: shared::time::Timestamp(w.created_at),
                        last_urged_at: w.last_urged_at.map(shared::time::Timestamp),
                    })
                };
                let drill_order = format!("{} LIMIT 200", $crate::store::incoming::QUEUE_ORDER);
                let (oldest, overdue_items): (Vec<W>, Vec<W>) = if let Some(p) = person {
                    // A unit leader drills into people of their own unit only.
                    let (filter, u) = match scope_unit {
                        Some(u) => ("AND a.user_id = $2 AND a.unit_id = $3", u),
                        None => ("AND a.user_id = $2 AND $3 = $3", 0),
                    };
                    let all: Vec<W> = sqlx::query_as(work_sql(filter, &drill_order)).bind(agency).bind(p).bind(u).fetch_all(&self.pool).await?;
                    (all, Vec::new())
                } else if let Some(u) = scope_unit.filter(|_| unit.is_some()) {
                    let sql = work_sql("AND a.unit_id = $2", &drill_order);
                    (sqlx::query_as(sql).bind(agency).bind(u).fetch_all(&self.pool).await?, Vec::new())
                } else {
                    let (f_old, f_over) = match scope_unit {
                        Some(_) => ("AND a.unit_id = $2", "AND a.unit_id = $2 AND a.due_at < $3"),
                        None => ("AND $2 = $2", "AND $2 = $2 AND a.due_at < $3"),
                    };
                    let u = scope_unit.unwrap_or(0);
                    let oldest = sqlx::query_as(work_sql(f_old, "ORDER BY a.created_at, a.id LIMIT 10"))
                        .bind(agency)
                        .bind(u)
                        .fetch_all(&self.pool)
                        .await?;
                    let overdue = sqlx::query_as(work_sql(f_over, "ORDER BY a.due_at, a.id LIMIT 20"))
                        .bind(agency)
                        .bind(u)
                        .bind(now)
                        .fetch_all(&self.pool)
                        .await?;
                    (oldest, overdue)
                };
                let (to_register, to_assign): (i64, i64) = sqlx::query_as(
                    "SELECT COALESCE(SUM(CASE WHEN status IN ('arrived', 'registered') THEN 1 ELSE 0 END), 0), \
                     COALESCE(SUM(CASE WHEN status = 'to_assign' THEN 1 ELSE 0 END), 0) \
                     FROM incoming_documents WHERE agency_id = $1 AND status IN ('arrived', 'registered', 'to_assign')",
                )
                .bind(agency)
                .fetch_one(&self.pool)
                .await?;
                // The name of what was drilled into, for the page's breadcrumb (it may have no open work).
                let drill_name: Option<(String,)> = match (person, unit) {
                    (Some(p), _) => sqlx::query_as("SELECT u.full_name FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1 AND un.agency_id = $2")
                        .bind(p)
                        .bind(agency)
                        .fetch_optional(&self.pool)
                        .await?,
                    (None, Some(u)) => sqlx::query_as("SELECT name FROM units WHERE id = $1 AND agency_id = $2")
                        .bind(u)
                        .bind(agency)
                        .fetch_optional(&self.pool)
                        .await?,
                    _ => None,
                };
                Ok(shared::incoming::DashboardDto {
                    drill_name: drill_name.map(|n| n.0),
                    open: units.iter().map(|u| u.open).sum(),
                    due_soon: units.iter().map(|u| u.due_soon).sum(),
                    overdue: units.iter().map(|u| u.overdue).sum(),
                    to_register,
                    to_assign,
                    units,
                    people,
                    oldest: oldest.into_iter().map(to_dto).collect::<Result<_, _>>()?,
                    overdue_items: overdue_items.into_iter().map(to_dto).collect::<Result<_, _>>()?,
                })
            }

            async fn incoming_register(
                &self,
                register_id: i64,
                year: i32,
            ) -> $crate::store::StoreResult<Vec<shared::incoming::IncomingRegisterRow>> {
                #[derive(sqlx::FromRow)]
                struct RegRow {
                    id: i64,
                    received_at: i64,
                    arrival_number: i64,
                    sender_name: String,
                    code_text: String,
                    issued_date: String,
                    doc_type: String,
                    subject: String,
                    forwarded_at: Option<i64>,
                    assigned_at: Option<i64>,
                    registered_by: Option<String>,
                    channel: String,
                    backfilled: bool,
                    note: Option<String>,
                    override_reason: Option<String>,
                }
                let rows: Vec<RegRow> = sqlx::query_as(
                    "SELECT i.id, i.received_at, i.arrival_number, i.sender_name, i.code_text, i.issued_date, i.doc_type, i.subject, \
                     i.forwarded_at, i.assigned_at, u.full_name AS registered_by, i.channel, i.backfilled, i.note, i.override_reason \
                     FROM incoming_documents i LEFT JOIN users u ON u.id = i.registered_by \
                     WHERE i.register_id = $1 AND i.arrival_year = $2 AND i.arrival_number IS NOT NULL ORDER BY i.arrival_number",
                )
                .bind(register_id)
                .bind(i64::from(year))
                .fetch_all(&self.pool)
                .await?;
                let targets: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT a.incoming_id, a.role, COALESCE(u.full_name, un.name) FROM assignments a \
                     JOIN incoming_documents i ON i.id = a.incoming_id JOIN units un ON un.id = a.unit_id \
                     LEFT JOIN users u ON u.id = a.user_id \
                     WHERE i.register_id = $1 AND i.arrival_year = $2 AND a.parent_id IS NULL ORDER BY a.id",
                )
                .bind(register_id)
                .bind(i64::from(year))
                .fetch_all(&self.pool)
                .await?;
                let mut by_doc: std::collections::HashMap<i64, Vec<(shared::incoming::AssignmentRole, String)>> = Default::default();
                for (doc, role, name) in targets {
                    if let Some(role) = shared::incoming::AssignmentRole::from_code(&role) {
                        by_doc.entry(doc).or_default().push((role, name));
                    }
                }
                rows.into_iter()
                    .map(|r| {
                        let channel = shared::incoming::IncomingChannel::from_code(&r.channel)
                            .ok_or_else(|| $crate::store::incoming::corrupt("channel"))?;
                        let mut note = vec![channel.label().to_string()];
                        if r.backfilled {
                            note.push("Nhập bù sau sự cố".into());
                        }
                        if let Some(o) = r.override_reason {
                            note.push(format!("Vào sổ dù chữ ký không hợp lệ: {o}"));
                        }
                        if let Some(n) = r.note {
                            note.push(n);
                        }
                        Ok(shared::incoming::IncomingRegisterRow {
                            incoming_id: r.id,
                            received_at: shared::time::Timestamp(r.received_at),
                            arrival_number: r.arrival_number,
                            sender_name: r.sender_name,
                            code_text: r.code_text,
                            issued_date: $crate::store::incoming::civil(&r.issued_date)?,
                            doc_type: $crate::store::outgoing::doc_type_of(&r.doc_type)?,
                            subject: r.subject,
                            recipients: by_doc.get(&r.id).map(|t| $crate::store::incoming::targets_line(t)).unwrap_or_default(),
                            forwarded_at: r.assigned_at.or(r.forwarded_at).map(shared::time::Timestamp),
                            received_by: r.registered_by,
                            note: note.join(". "),
                            channel,
                            backfilled: r.backfilled,
                        })
                    })
                    .collect()
            }

            async fn answer_incoming_recall(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                agree: bool,
                reason: Option<String>,
            ) -> $crate::store::StoreResult<()> {
                let delivery = {
                    let sql = sqlx::AssertSqlSafe(format!("{}WHERE i.id = $1", $crate::store::incoming::INCOMING_SELECT));
                    let r: Option<$crate::store::incoming::IncomingRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                    let r = r.ok_or($crate::store::StoreError::NotFound)?;
                    if r.agency_id != clerk.agency.id {
                        return Err($crate::store::StoreError::NotFound);
                    }
                    r.delivery_id.ok_or($crate::store::StoreError::State("Văn bản này không có yêu cầu thu hồi."))?
                };
                $crate::store::OutgoingStore::answer_recall(self, clerk, delivery, agree, reason).await
            }

            async fn create_delegation(
                &self,
                user: &shared::user::UserDto,
                d: $crate::store::incoming::NewDelegation,
            ) -> $crate::store::StoreResult<i64> {
                let $crate::store::incoming::NewDelegation { from_user_id, to_user_id, starts_on, ends_on, signing, reason } = d;
                use shared::role::Role;
                let admin = user.has_role(Role::AgencyAdmin) || user.has_role(Role::SystemAdmin);
                if from_user_id != user.id && !admin {
                    return Err($crate::store::StoreError::Forbidden("Chỉ người ủy quyền hoặc quản trị mới tạo được ủy quyền."));
                }
                let mut tx = self.begin_write().await?;
                let from = Self::user_in(&mut *tx, from_user_id).await.map_err(|_| $crate::store::StoreError::Field("from_user_id", "Không tìm thấy người ủy quyền."))?;
                if from.agency.id != user.agency.id && !user.has_role(Role::SystemAdmin) {
                    return Err($crate::store::StoreError::NotFound);
                }
                if !(from.has_role(Role::AgencyLeader) || from.has_role(Role::UnitLeader)) {
                    return Err($crate::store::StoreError::Field("from_user_id", "Chỉ lãnh đạo mới ủy quyền được."));
                }
                Self::check_member(&mut tx, to_user_id, from.agency.id, &["agency_leader", "unit_leader"], "Chỉ ủy quyền được cho lãnh đạo của cơ quan.")
                    .await
                    .map_err(|e| e.on_field("to_user_id"))?;
                if signing.is_some() && !from.has_role(Role::AgencyLeader) {
                    return Err($crate::store::StoreError::Field("signing", "Chỉ lãnh đạo cơ quan mới ủy quyền ký được."));
                }
                let now = $crate::store::now_ms();
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO delegations (agency_id, from_user_id, to_user_id, starts_on, ends_on, signing, reason, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(from.agency.id)
                .bind(from_user_id)
                .bind(to_user_id)
                .bind(starts_on.to_string())
                .bind(ends_on.to_string())
                .bind(signing.map(|s| s.code()))
                .bind(&reason)
                .bind(user.id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(user),
                        agency_id: Some(from.agency.id),
                        action: "delegation.create",
                        target: Some(format!("user:{from_user_id}")),
                        target_name: Some(from.full_name.clone()),
                        details: serde_json::json!({
                            "delegation": id, "to_user_id": to_user_id, "starts_on": starts_on.to_string(),
                            "ends_on": ends_on.to_string(), "signing": signing.map(|s| s.code()), "reason": reason,
                        }),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn list_delegations(
                &self,
                user: &shared::user::UserDto,
            ) -> $crate::store::StoreResult<Vec<shared::incoming::DelegationDto>> {
                use shared::role::Role;
                let everyone = user.has_role(Role::AgencyAdmin) || user.has_role(Role::SystemAdmin) || user.has_role(Role::AgencyLeader);
                #[derive(sqlx::FromRow)]
                struct D {
                    id: i64,
                    from_user_id: i64,
                    from_name: String,
                    from_position: Option<String>,
                    to_user_id: i64,
                    to_name: String,
                    to_position: Option<String>,
                    starts_on: String,
                    ends_on: String,
                    signing: Option<String>,
                    reason: Option<String>,
                    created_by: i64,
                    by_name: String,
                    created_at: i64,
                    revoked_at: Option<i64>,
                }
                let rows: Vec<D> = sqlx::query_as(
                    "SELECT d.id, d.from_user_id, f.full_name AS from_name, f.position AS from_position, d.to_user_id, \
                     t.full_name AS to_name, t.position AS to_position, d.starts_on, d.ends_on, d.signing, d.reason, d.created_by, \
                     b.full_name AS by_name, d.created_at, d.revoked_at \
                     FROM delegations d JOIN users f ON f.id = d.from_user_id JOIN users t ON t.id = d.to_user_id \
                     JOIN users b ON b.id = d.created_by \
                     WHERE d.agency_id = $1 AND ($2 OR d.from_user_id = $3 OR d.to_user_id = $3) ORDER BY d.id DESC LIMIT 200",
                )
                .bind(user.agency.id)
                .bind(everyone)
                .bind(user.id)
                .fetch_all(&self.pool)
                .await?;
                let today = $crate::store::incoming::today();
                rows.into_iter()
                    .map(|d| {
                        let active = d.revoked_at.is_none() && d.starts_on <= today && d.ends_on >= today;
                        Ok(shared::incoming::DelegationDto {
                            id: d.id,
                            from: $crate::store::incoming::person(d.from_user_id, d.from_name, d.from_position),
                            to: $crate::store::incoming::person(d.to_user_id, d.to_name, d.to_position),
                            starts_on: $crate::store::incoming::civil(&d.starts_on)?,
                            ends_on: $crate::store::incoming::civil(&d.ends_on)?,
                            signing: d.signing.as_deref().and_then(shared::outgoing::SigningCapacity::from_code),
                            reason: d.reason,
                            created_by: $crate::store::incoming::person(d.created_by, d.by_name, None),
                            created_at: shared::time::Timestamp(d.created_at),
                            revoked_at: d.revoked_at.map(shared::time::Timestamp),
                            active,
                        })
                    })
                    .collect()
            }

            async fn revoke_delegation(&self, user: &shared::user::UserDto, id: i64) -> $crate::store::StoreResult<()> {
                use shared::role::Role;
                let mut tx = self.begin_write().await?;
                let row: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
                    "UPDATE delegations SET id = id WHERE id = $1 RETURNING agency_id, from_user_id, created_by, revoked_at",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let (agency, from, creator, revoked) = row.ok_or($crate::store::StoreError::NotFound)?;
                if agency != user.agency.id && !user.has_role(Role::SystemAdmin) {
                    return Err($crate::store::StoreError::NotFound);
                }
                let admin = user.has_role(Role::AgencyAdmin) || user.has_role(Role::SystemAdmin);
                if !(admin || from == user.id || creator == user.id) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ người ủy quyền hoặc quản trị mới thu hồi được ủy quyền."));
                }
                if revoked.is_some() {
                    return Err($crate::store::StoreError::State("Ủy quyền này đã bị thu hồi."));
                }
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE delegations SET revoked_at = $1, revoked_by = $2 WHERE id = $3")
                    .bind(now)
                    .bind(user.id)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &Self::audit_actor(user),
                        agency_id: Some(agency),
                        action: "delegation.revoke",
                        target: Some(format!("user:{from}")),
                        target_name: None,
                        details: serde_json::json!({"delegation": id}),
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn active_delegation(
                &self,
                from: i64,
                to: i64,
            ) -> $crate::store::StoreResult<Option<(i64, Option<shared::outgoing::SigningCapacity>)>> {
                let row: Option<(i64, Option<String>)> = sqlx::query_as(
                    "SELECT id, signing FROM delegations WHERE from_user_id = $1 AND to_user_id = $2 \
                     AND revoked_at IS NULL AND starts_on <= $3 AND ends_on >= $3 ORDER BY id DESC LIMIT 1",
                )
                .bind(from)
                .bind(to)
                .bind($crate::store::incoming::today())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, s)| (id, s.as_deref().and_then(shared::outgoing::SigningCapacity::from_code))))
            }

            async fn handover(
                &self,
                admin: &shared::user::UserDto,
                from: i64,
                to: i64,
                reason: Option<String>,
            ) -> $crate::store::StoreResult<shared::incoming::HandoverResult> {
                use shared::role::Role;
                if !(admin.has_role(Role::AgencyAdmin) || admin.has_role(Role::SystemAdmin)) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ quản trị mới bàn giao được công việc."));
                }
                if from == to {
                    return Err($crate::store::StoreError::Field("to_user_id", "Hãy chọn một người khác để nhận bàn giao."));
                }
                let mut tx = self.begin_write().await?;
                let leaving = Self::user_in(&mut *tx, from).await?;
                if leaving.agency.id != admin.agency.id && !admin.has_role(Role::SystemAdmin) {
                    return Err($crate::store::StoreError::NotFound);
                }
                let taking = Self::user_in(&mut *tx, to)
                    .await
                    .map_err(|_| $crate::store::StoreError::Field("to_user_id", "Không tìm thấy người nhận bàn giao."))?;
                if taking.agency.id != leaving.agency.id || taking.locked {
                    return Err($crate::store::StoreError::Field("to_user_id", "Người nhận bàn giao phải là tài khoản đang hoạt động của cùng cơ quan."));
                }
                let moved = |r: <$db as sqlx::Database>::QueryResult| r.rows_affected() as i64;
                let assignments = moved(
                    sqlx::query("UPDATE assignments SET user_id = $1, unit_id = $2 WHERE user_id = $3 AND state IN ('pending', 'processing')")
                        .bind(to)
                        .bind(taking.unit.id)
                        .bind(from)
                        .execute(&mut *tx)
                        .await?,
                );
                // Where the receiver already had open work on the same document, the two become one: the one with
                // the weightier role stays (lead, then co-operating, then for information), the other is closed
                // with a note, so nobody holds a document twice.
                let doubled: Vec<(i64, i64, String)> = sqlx::query_as(
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
                        sqlx::query("UPDATE assignments SET state = 'done', done_at = $1, result = $2 WHERE id = $3")
                            .bind($crate::store::now_ms())
                            .bind(&merged_note)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                // The rest of the leaving account's open work changes hands by one column each.
                const MOVES: [&str; 4] = [
                    "UPDATE incoming_documents SET assigner_id = $1 WHERE assigner_id = $2 AND status = 'to_assign'",
                    "UPDATE outgoing_documents SET drafter_id = $1 WHERE drafter_id = $2 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
                    "UPDATE review_steps SET reviewer_id = $1 WHERE reviewer_id = $2 AND decision IS NULL",
                    "UPDATE outgoing_documents SET signer_id = $1 WHERE signer_id = $2 AND status IN ('draft', 'returned', 'in_review', 'awaiting_signature')",
                ];
                let mut counts = [0_i64; 4];
                for (count, sql) in counts.iter_mut().zip(MOVES) {
                    *count = moved(sqlx::query(sql).bind(to).bind(from).execute(&mut *tx).await?);
                }
                let [to_assign, drafts, reviews, signatures] = counts;
                let result = shared::incoming::HandoverResult { assignments, to_assign, drafts, reviews, signatures };
                let docs: Vec<(i64,)> = sqlx::query_as(
                    "SELECT DISTINCT incoming_id FROM assignments WHERE user_id = $1 AND state IN ('pending', 'processing') \
                     UNION SELECT id FROM incoming_documents WHERE assigner_id = $1 AND status = 'to_assign'",
                )
                .bind(to)
                .fetch_all(&mut *tx)
                .await?;
                let line = format!("{} → {}", leaving.full_name, taking.full_name);
                for (doc,) in docs {
                    Self::incoming_history(&mut tx, doc, admin.id, None, "handed_over", Some(&line)).await?;
                }
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
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
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "task".into(),
                    outgoing_id: 0,
                    delivery_id: None,
                    incoming_id: None,
                    agencies: vec![],
                    users: vec![to, from],
                    actor: Some(admin.id),
                    text: format!("Công việc của {} đã được bàn giao cho {}", leaving.full_name, taking.full_name),
                })
                .await;
                Ok(result)
            }
        }
    };
}
pub(crate) use incoming_impl;

impl SummaryRow {
    /// The urgency weight for merging two queue lists (same order as `urgency_rank`).
    pub(crate) fn urgency_rank_hint(&self) -> i64 {
        super::outgoing::urgency_of(&self.urgency)
            .map(shared::incoming::urgency_rank)
            .unwrap_or(0)
    }
}
