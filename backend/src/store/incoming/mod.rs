//! Incoming documents (Điều 12, 15.4, 16, 17, 20): arrival through every channel, the clerk's accept (số đến)
//! or return, forwarding to the leader, assignment (also inside a unit), the handlers' work with the statuses
//! the sender sees, urging, the leader's dashboard, delegations and account handover.
//!
//! As for outgoing documents, who may do what is decided inside the transaction that changes the row: the
//! incoming document row is locked first, so two people acting at once never both succeed on a stale view.

mod assign;
mod dashboard;
mod delegation;
mod handover;
mod intake;
mod read;
mod register;

use super::Store;
use shared::civil_date::CivilDate;
use shared::incoming::{AssignTarget, IncomingSummary};
use shared::outgoing::SigningCapacity;

use super::StoreResult;
use super::common::NewFile;

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

// Incoming documents and the work on them. Every method is one transaction.

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
        "closed" => "Lãnh đạo kết thúc xử lý",
        "urged" => "Đôn đốc",
        "handed_over" => "Bàn giao công việc",
        "recall_requested" => "Nơi gửi yêu cầu thu hồi",
        "recall_agreed" => "Đồng ý thu hồi",
        "recall_refused" => "Từ chối thu hồi",
        "updated_by_sender" => "Nơi gửi cập nhật thông tin",
        "replaced" => "Được thay thế",
        _ => "Thao tác",
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IncomingRow {
    pub id: i64,
    pub agency_id: i64,
    #[sqlx(try_from = "String")]
    pub channel: shared::incoming::IncomingChannel,
    #[sqlx(try_from = "String")]
    pub status: shared::incoming::IncomingStatus,
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
     COALESCE(dl.status, i.exchange_status) AS delivery_status, \
     COALESCE(o.recall_reason, i.exchange_recall_reason) AS recall_reason \
     FROM incoming_documents i LEFT JOIN deliveries dl ON dl.id = i.delivery_id \
     LEFT JOIN outgoing_documents o ON o.id = i.outgoing_id ";

/// The columns of a list line: the document, and the caller's assignment when the list is of assignments.
pub(crate) const SUMMARY_COLUMNS: &str = "i.id, i.channel, i.status, i.sender_name, i.code_text, i.issued_date, \
     i.doc_type, i.subject, i.urgency, i.received_at, i.arrival_number, i.backfilled, i.due_date AS doc_due_date, \
     i.due_at AS doc_due_at, COALESCE(dl.status, i.exchange_status) AS delivery_status";

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
            doc_type: super::common::doc_type_of(&self.doc_type)?,
            subject: self.subject,
            urgency: super::common::urgency_of(&self.urgency)?,
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

/// Order of a queue: deadline first (none last), then urgency, then the oldest.
pub(crate) const QUEUE_ORDER: &str =
    "ORDER BY (a.due_at IS NULL), a.due_at, a.urgency_rank DESC, a.id";

impl Store {
    /// Locks the incoming document row until commit and reads it.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn lock_incoming(
        tx: &mut crate::store::sql::Tx,
        id: i64,
    ) -> crate::store::StoreResult<crate::store::incoming::IncomingRow> {
        let touched = crate::store::sql::query(
            "UPDATE incoming_documents SET updated_at = updated_at WHERE id = $1",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if touched.rows_affected() == 0 {
            return Err(crate::store::StoreError::NotFound);
        }
        let sql = format!("{}WHERE i.id = $1", crate::store::incoming::INCOMING_SELECT);
        Ok(crate::store::sql::query_as(sql)
            .bind(id)
            .fetch_one(&mut **tx)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn incoming_history(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        actor: i64,
        on_behalf_of: Option<i64>,
        action: &str,
        comment: Option<&str>,
    ) -> crate::store::StoreResult<()> {
        crate::store::sql::query(
            "INSERT INTO incoming_history (incoming_id, at, actor_id, on_behalf_of, action, comment) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(doc)
        .bind(crate::store::now_ms())
        .bind(actor)
        .bind(on_behalf_of)
        .bind(action)
        .bind(comment)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Moves the sender-visible status forward when the chain allows it: the delivery of a document issued on this
    /// system, or a status packet back to the peer of one that came by exchange.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn sender_status(
        tx: &mut crate::store::sql::Tx,
        row: &crate::store::incoming::IncomingRow,
        next: shared::status::DeliveryStatus,
        actor: i64,
        reason: Option<&str>,
    ) -> crate::store::StoreResult<bool> {
        if row.channel == shared::incoming::IncomingChannel::Exchange {
            // Its sender is on another system: the status goes back as a packet.
            return Self::exchange_status_back(tx, row, next, reason).await;
        }
        let (Some(delivery), Some(current)) = (row.delivery_id, row.delivery_status.as_deref())
        else {
            return Ok(false);
        };
        let current = shared::status::DeliveryStatus::from_code(current)
            .ok_or_else(|| crate::store::incoming::corrupt("delivery status"))?;
        if current == next || !current.can_move_to(next) {
            return Ok(false);
        }
        Self::delivery_event(tx, delivery, next, Some(actor), reason).await?;
        Ok(true)
    }

    pub(crate) fn audit_actor(user: &shared::user::UserDto) -> crate::store::Actor {
        crate::store::Actor {
            id: Some(user.id),
            username: Some(user.username.clone()),
            client_addr: None,
        }
    }

    pub(crate) fn incoming_event(
        kind: &str,
        row: &crate::store::incoming::IncomingRow,
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
            personal: Vec::new(),
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
pub(crate) struct AssignmentRow {
    id: i64,
    #[sqlx(try_from = "String")]
    role: shared::incoming::AssignmentRole,
    unit_id: i64,
    user_id: Option<i64>,
    parent_id: Option<i64>,
    assigned_by: i64,
    on_behalf_of: Option<i64>,
    #[sqlx(try_from = "String")]
    state: shared::incoming::AssignmentState,
    due_date: Option<String>,
}

impl Store {}

impl SummaryRow {
    /// The urgency weight for merging two queue lists (same order as `urgency_rank`).
    pub(crate) fn urgency_rank_hint(&self) -> i64 {
        super::common::urgency_of(&self.urgency)
            .map(shared::incoming::urgency_rank)
            .unwrap_or(0)
    }
}
