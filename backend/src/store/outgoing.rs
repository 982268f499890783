//! Outgoing documents (Điều 11): drafts and their versions, the approval circuit, signing, number
//! reservations, issue with its register entry and deliveries, recall, and the recipients' side of delivery.
//!
//! Who may do what is decided here, inside the transaction that changes the row (the document row is locked
//! first), so two people acting at once can never both succeed on a stale view.

use async_trait::async_trait;
use shared::outgoing::{
    ArrivalDto, NumberReservation, OutgoingCounts, OutgoingDto, OutgoingRegisterRow,
    OutgoingSummary, RegisterDto, ReviewDecision,
};
use shared::user::UserDto;

use super::StoreResult;

/// A file of a new version, already in the blob store.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// A new draft, validated.
#[derive(Debug, Clone)]
pub struct NewOutgoing {
    pub doc_type: shared::document::DocumentType,
    pub subject: String,
    pub urgency: shared::document::Urgency,
    pub reply_deadline: Option<shared::civil_date::CivilDate>,
    pub signer_id: i64,
    pub signing_capacity: shared::outgoing::SigningCapacity,
    pub register_id: i64,
    pub answers_delivery_id: Option<i64>,
    /// The incoming document it answers (drafted from the handler's queue).
    pub answers_incoming_id: Option<i64>,
    pub internal_recipients: Vec<i64>,
    pub external_recipients: Vec<(String, String)>,
    pub paper_recipients: Vec<String>,
    pub reviewers: Vec<i64>,
    pub number_placement: shared::outgoing::NumberPlacement,
    /// Main PDF first (with its number fields already reserved), then the attachments.
    pub files: Vec<NewFile>,
}

/// A signature the server verified, to be recorded with the version it belongs to.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    pub file_sha256: String,
    pub field: String,
    /// `signer`, `seal` or `attachment`.
    pub kind: &'static str,
    pub signer: String,
    pub serial: String,
    pub issuer: String,
    pub signing_time: Option<String>,
}

/// What issuing records, once every signature has been verified.
#[derive(Debug, Clone)]
pub struct IssueRecord {
    pub register_id: i64,
    pub year: i32,
    pub number: u32,
    pub number_text: String,
    /// Main PDF first, then the attachments (same names as the signed version).
    pub files: Vec<NewFile>,
    pub signatures: Vec<VerifiedSignature>,
    /// The server's verdict on the issued files, which every recipient on the system receives with them.
    pub verification: shared::incoming::VerificationDto,
}

/// The number currently held for a document, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldNumber {
    pub register_id: i64,
    pub year: i32,
    pub number: u32,
    pub held_by: i64,
    pub expires_at: i64,
}

/// Outgoing documents and their deliveries. Every method is one transaction.
#[async_trait]
pub trait OutgoingStore {
    /// Notes a file the blob store now holds (idempotent).
    async fn record_blob(
        &self,
        sha256: &str,
        size: i64,
        media_type: &str,
        user_id: i64,
    ) -> StoreResult<()>;
    /// The size of a known blob.
    async fn blob_size(&self, sha256: &str) -> StoreResult<Option<i64>>;

    async fn list_registers(&self, agency_id: i64) -> StoreResult<Vec<RegisterDto>>;
    async fn get_register(&self, id: i64) -> StoreResult<RegisterDto>;
    /// The outgoing register's lines for a year, by number.
    async fn outgoing_register(
        &self,
        register_id: i64,
        year: i32,
    ) -> StoreResult<Vec<OutgoingRegisterRow>>;

    /// Creates a draft (version 1) by `drafter`; checks that the signer, reviewers and register belong to the
    /// drafter's agency and the recipients exist.
    async fn create_outgoing(&self, drafter: &UserDto, doc: NewOutgoing) -> StoreResult<i64>;
    /// The document with its steps, versions, history and deliveries (`actions` left empty).
    async fn get_outgoing(&self, id: i64) -> StoreResult<OutgoingDto>;
    /// A bucket of the navigation, for `user`.
    async fn list_outgoing(
        &self,
        user: &UserDto,
        bucket: shared::outgoing::OutgoingBucket,
        limit: i64,
    ) -> StoreResult<Vec<OutgoingSummary>>;
    async fn outgoing_counts(&self, user: &UserDto) -> StoreResult<OutgoingCounts>;

    /// The drafter sends a draft (or a returned one) into the circuit: to the step that returned it, else
    /// the first reviewer, else the signer.
    async fn submit_outgoing(&self, user: &UserDto, id: i64) -> StoreResult<()>;
    /// The drafter replaces the files of a draft or a returned document: a new version.
    async fn add_version(
        &self,
        user: &UserDto,
        id: i64,
        files: Vec<NewFile>,
        comment: Option<String>,
    ) -> StoreResult<i64>;
    /// The holder of the current step (or the signer) decides.
    async fn review_outgoing(
        &self,
        user: &UserDto,
        id: i64,
        decision: ReviewDecision,
        comment: Option<String>,
        forward_to: Option<i64>,
    ) -> StoreResult<()>;
    /// Records the signer's verified signed revision: a new version, and the document goes to the clerks.
    /// `previous_sha256` is the main file the verification started from; a stale one is refused.
    async fn record_signature(
        &self,
        user: &UserDto,
        id: i64,
        previous_sha256: &str,
        file: NewFile,
        signature: VerifiedSignature,
    ) -> StoreResult<()>;

    /// Holds the next free number of the document's register for this year for `lease_ms` (or renews the
    /// one it holds). Only the agency's clerks, only for a signed document.
    async fn reserve_number(
        &self,
        clerk: &UserDto,
        id: i64,
        now: i64,
        lease_ms: i64,
    ) -> StoreResult<NumberReservation>;
    /// Gives the held number back (it goes to the next document first).
    async fn release_number(&self, clerk: &UserDto, id: i64) -> StoreResult<()>;
    /// The number held for a document, if any (expired or not).
    async fn held_number(&self, id: i64) -> StoreResult<Option<HeldNumber>>;
    /// Records the issue: the held number becomes a register entry, the issued version, the signatures, the
    /// deliveries (internal ones arrive at once as 01). All or nothing.
    async fn issue_outgoing(
        &self,
        clerk: &UserDto,
        id: i64,
        previous_sha256: &str,
        issue: IssueRecord,
    ) -> StoreResult<()>;
    /// The issuer's agency recalls an issued document (13 to every delivered recipient).
    async fn recall_outgoing(&self, user: &UserDto, id: i64, reason: String) -> StoreResult<()>;

    /// Documents delivered to `agency_id` (arrived, under recall, or answered).
    async fn list_arrivals(&self, agency_id: i64, limit: i64) -> StoreResult<Vec<ArrivalDto>>;
    /// The recipient's clerk answers a recall: 15 (agree: frozen, hidden from queues) or 16 (refuse).
    async fn answer_recall(
        &self,
        clerk: &UserDto,
        delivery_id: i64,
        agree: bool,
        reason: Option<String>,
    ) -> StoreResult<()>;
    /// Whether `agency_id` received document `id` (its issued files are then visible to it).
    async fn is_recipient(&self, id: i64, agency_id: i64) -> StoreResult<bool>;
}

/// Who is the reviewer of a step that is "the previous one" for a return.
pub(crate) fn history_label(action: &str) -> &'static str {
    match action {
        "created" => "Tạo dự thảo",
        "submitted" => "Trình duyệt",
        "approved" => "Đồng ý",
        "approved_to_signer" => "Đồng ý, trình ký",
        "returned_previous" => "Trả lại người trình trước",
        "returned_drafter" => "Trả lại người soạn thảo",
        "forwarded" => "Chuyển tiếp",
        "new_version" => "Cập nhật dự thảo",
        "signed" => "Ký số",
        "issued" => "Phát hành",
        "recalled" => "Thu hồi",
        "recall_agreed" => "Nơi nhận đồng ý thu hồi",
        "recall_refused" => "Nơi nhận từ chối thu hồi",
        "recipient_returned" => "Nơi nhận trả lại",
        _ => "Thao tác",
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DocRow {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_short: String,
    pub unit_short: String,
    pub unit_name: String,
    pub drafter_id: i64,
    pub doc_type: String,
    pub subject: String,
    pub urgency: String,
    pub reply_deadline: Option<String>,
    pub signer_id: i64,
    pub signing_capacity: String,
    pub register_id: i64,
    pub register_name: String,
    pub answers_delivery_id: Option<i64>,
    pub answers_incoming_id: Option<i64>,
    pub paper_recipients: String,
    pub number_placement: String,
    pub status: String,
    pub current_step: Option<i64>,
    pub version: i64,
    pub number: Option<i64>,
    pub year: Option<i64>,
    pub number_text: Option<String>,
    pub issued_at: Option<i64>,
    pub issued_by: Option<i64>,
    pub recall_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const DOC_SELECT: &str = "SELECT d.id, d.agency_id, a.name AS agency_name, a.short_name AS agency_short, \
     un.short_name AS unit_short, un.name AS unit_name, d.drafter_id, d.doc_type, d.subject, d.urgency, \
     d.reply_deadline, d.signer_id, d.signing_capacity, d.register_id, r.name AS register_name, d.answers_delivery_id, d.answers_incoming_id, \
     d.paper_recipients, d.number_placement, d.status, d.current_step, d.version, d.number, d.year, d.number_text, \
     d.issued_at, d.issued_by, d.recall_reason, d.created_at, d.updated_at \
     FROM outgoing_documents d JOIN agencies a ON a.id = d.agency_id JOIN units un ON un.id = d.unit_id \
     JOIN registers r ON r.id = d.register_id ";

/// The leaders who delegated signing to `$1` today (a sub-select).
pub(crate) fn signing_delegators_sql() -> String {
    format!(
        "SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND signing IS NOT NULL AND revoked_at IS NULL \
         AND starts_on <= '{0}' AND ends_on >= '{0}'",
        super::incoming::today()
    )
}

pub(crate) fn corrupt(what: &str) -> super::StoreError {
    super::StoreError::Corrupt(what.to_string())
}

pub(crate) fn status_of(code: &str) -> StoreResult<shared::outgoing::OutgoingStatus> {
    shared::outgoing::OutgoingStatus::from_code(code).ok_or_else(|| corrupt("outgoing status"))
}

pub(crate) fn doc_type_of(code: &str) -> StoreResult<shared::document::DocumentType> {
    shared::document::DocumentType::from_code(code).ok_or_else(|| corrupt("document type"))
}

pub(crate) fn urgency_of(code: &str) -> StoreResult<shared::document::Urgency> {
    serde_json::from_value(serde_json::Value::String(code.to_string()))
        .map_err(|_| corrupt("urgency"))
}

pub(crate) fn urgency_code(u: shared::document::Urgency) -> String {
    serde_json::to_value(u)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(crate) fn decision_code(d: ReviewDecision) -> &'static str {
    match d {
        ReviewDecision::Approve => "approve",
        ReviewDecision::ReturnToPrevious => "return_to_previous",
        ReviewDecision::ReturnToDrafter => "return_to_drafter",
        ReviewDecision::Forward => "forward",
    }
}

pub(crate) fn decision_of(code: &str) -> Option<ReviewDecision> {
    [
        ReviewDecision::Approve,
        ReviewDecision::ReturnToPrevious,
        ReviewDecision::ReturnToDrafter,
        ReviewDecision::Forward,
    ]
    .into_iter()
    .find(|d| decision_code(*d) == code)
}

/// The SQL implementation of [`OutgoingStore`], stamped out per database by `sql_store!`.
macro_rules! outgoing_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Locks the document row until commit (an UPDATE takes the row lock in PostgreSQL; SQLite's
            /// write transaction is already exclusive) and reads it.
            async fn lock_doc(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: i64,
            ) -> $crate::store::StoreResult<$crate::store::outgoing::DocRow> {
                let touched = sqlx::query("UPDATE outgoing_documents SET updated_at = updated_at WHERE id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Err($crate::store::StoreError::NotFound);
                }
                let sql = sqlx::AssertSqlSafe(format!("{}WHERE d.id = $1", $crate::store::outgoing::DOC_SELECT));
                Ok(sqlx::query_as(sql).bind(id).fetch_one(&mut **tx).await?)
            }

            async fn history(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                actor: i64,
                action: &str,
                comment: Option<&str>,
                version: Option<i64>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO document_history (document_id, at, actor_id, action, comment, version) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(doc)
                .bind($crate::store::now_ms())
                .bind(actor)
                .bind(action)
                .bind(comment)
                .bind(version)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Clears a step's decision: the document is back with that step's reviewer.
            async fn reopen_step(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                position: i64,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE review_steps SET decision = NULL, decided_at = NULL WHERE document_id = $1 AND position = $2")
                    .bind(doc)
                    .bind(position)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn set_status(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                status: shared::outgoing::OutgoingStatus,
                step: Option<i64>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE outgoing_documents SET status = $1, current_step = $2, updated_at = $3 WHERE id = $4")
                    .bind(status.code())
                    .bind(step)
                    .bind($crate::store::now_ms())
                    .bind(doc)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn insert_files(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                version: i64,
                kind: &str,
                files: &[$crate::store::outgoing::NewFile],
                by: i64,
            ) -> $crate::store::StoreResult<()> {
                let now = $crate::store::now_ms();
                for (i, f) in files.iter().enumerate() {
                    sqlx::query(
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

            async fn files_of_version(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                version: i64,
            ) -> $crate::store::StoreResult<Vec<(String, String, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT name, sha256, size FROM document_files WHERE document_id = $1 AND version = $2 ORDER BY position",
                )
                .bind(doc)
                .bind(version)
                .fetch_all(&mut **tx)
                .await?)
            }

            /// A user of `agency_id` holding one of `roles` (checks for signers and reviewers).
            async fn check_member(
                tx: &mut sqlx::Transaction<'_, $db>,
                user_id: i64,
                agency_id: i64,
                roles: &[&str],
                refusal: &'static str,
            ) -> $crate::store::StoreResult<()> {
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT u.id FROM users u JOIN units un ON un.id = u.unit_id \
                     WHERE u.id = $1 AND un.agency_id = $2 AND u.locked = $3",
                )
                .bind(user_id)
                .bind(agency_id)
                .bind(false)
                .fetch_optional(&mut **tx)
                .await?;
                if row.is_none() {
                    return Err($crate::store::StoreError::Rule(refusal));
                }
                let held: Vec<(String,)> = sqlx::query_as("SELECT role FROM user_roles WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_all(&mut **tx)
                    .await?;
                if !held.iter().any(|(r,)| roles.contains(&r.as_str())) {
                    return Err($crate::store::StoreError::Rule(refusal));
                }
                Ok(())
            }

            /// Records a delivery status change and moves the delivery.
            async fn delivery_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                delivery: i64,
                status: shared::status::DeliveryStatus,
                actor: Option<i64>,
                reason: Option<&str>,
            ) -> $crate::store::StoreResult<()> {
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE deliveries SET status = $1, status_at = $2 WHERE id = $3")
                    .bind(status.code())
                    .bind(now)
                    .bind(delivery)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO delivery_events (delivery_id, status, at, actor_id, reason) VALUES ($1, $2, $3, $4, $5)")
                    .bind(delivery)
                    .bind(status.code())
                    .bind(now)
                    .bind(actor)
                    .bind(reason)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// The agencies that hear about a document: its own and every internal recipient.
            async fn audience(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                own: i64,
            ) -> $crate::store::StoreResult<Vec<i64>> {
                let rows: Vec<(Option<i64>,)> = sqlx::query_as(
                    "SELECT recipient_agency_id FROM deliveries WHERE outgoing_id = $1 AND channel = 'internal' AND status IS NOT NULL",
                )
                .bind(doc)
                .fetch_all(&mut **tx)
                .await?;
                let mut out = vec![own];
                out.extend(rows.into_iter().filter_map(|r| r.0));
                out.sort();
                out.dedup();
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::OutgoingStore for $store {
            async fn record_blob(&self, sha256: &str, size: i64, media_type: &str, user_id: i64) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO blobs (sha256, size, media_type, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(sha256)
                .bind(size)
                .bind(media_type)
                .bind(user_id)
                .bind($crate::store::now_ms())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn blob_size(&self, sha256: &str) -> $crate::store::StoreResult<Option<i64>> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT size FROM blobs WHERE sha256 = $1")
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| r.0))
            }

            async fn list_registers(&self, agency_id: i64) -> $crate::store::StoreResult<Vec<shared::outgoing::RegisterDto>> {
                let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
                    "SELECT id, agency_id, direction, name FROM registers WHERE agency_id = $1 ORDER BY direction DESC, name",
                )
                .bind(agency_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, agency_id, direction, name)| shared::outgoing::RegisterDto { id, agency_id, direction, name })
                    .collect())
            }

            async fn get_register(&self, id: i64) -> $crate::store::StoreResult<shared::outgoing::RegisterDto> {
                let row: Option<(i64, i64, String, String)> =
                    sqlx::query_as("SELECT id, agency_id, direction, name FROM registers WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                let (id, agency_id, direction, name) = row.ok_or($crate::store::StoreError::NotFound)?;
                Ok(shared::outgoing::RegisterDto { id, agency_id, direction, name })
            }

            async fn outgoing_register(
                &self,
                register_id: i64,
                year: i32,
            ) -> $crate::store::StoreResult<Vec<shared::outgoing::OutgoingRegisterRow>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    document_id: i64,
                    number: i64,
                    number_text: String,
                    issued_at: i64,
                    doc_type: String,
                    subject: String,
                    signer: String,
                    paper_recipients: String,
                    unit_name: String,
                    drafter: String,
                    recall_reason: Option<String>,
                }
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT e.document_id, e.number, d.number_text, d.issued_at, d.doc_type, d.subject, \
                     s.full_name AS signer, d.paper_recipients, un.name AS unit_name, dr.full_name AS drafter, d.recall_reason \
                     FROM register_entries e JOIN outgoing_documents d ON d.id = e.document_id \
                     JOIN users s ON s.id = d.signer_id JOIN users dr ON dr.id = d.drafter_id JOIN units un ON un.id = d.unit_id \
                     WHERE e.register_id = $1 AND e.year = $2 ORDER BY e.number",
                )
                .bind(register_id)
                .bind(i64::from(year))
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let deliveries: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
                        "SELECT dl.recipient_name, dl.status, \
                         (SELECT u.full_name FROM delivery_events ev JOIN users u ON u.id = ev.actor_id \
                          WHERE ev.delivery_id = dl.id AND ev.status = '03' ORDER BY ev.id LIMIT 1) \
                         FROM deliveries dl WHERE dl.outgoing_id = $1 ORDER BY dl.position",
                    )
                    .bind(r.document_id)
                    .fetch_all(&self.pool)
                    .await?;
                    let doc_type = $crate::store::outgoing::doc_type_of(&r.doc_type)?;
                    let received_by: Vec<String> = deliveries
                        .iter()
                        .filter_map(|(name, _, by)| by.as_ref().map(|b| format!("{b} ({name})")))
                        .collect();
                    let paper: Vec<String> = serde_json::from_str(&r.paper_recipients).unwrap_or_default();
                    let copies = deliveries.len() as i64 + 1;
                    out.push(shared::outgoing::OutgoingRegisterRow {
                        document_id: r.document_id,
                        number_text: r.number_text,
                        number: r.number,
                        date: shared::civil_date::CivilDate::of(shared::time::Timestamp(r.issued_at)),
                        type_and_subject: format!("{} {}", doc_type.name(), r.subject),
                        signer: r.signer,
                        recipients: deliveries.iter().map(|d| d.0.clone()).collect::<Vec<_>>().join("; "),
                        file_copy: format!("{} ({}); Lưu: VT", r.unit_name, r.drafter),
                        copies,
                        sent_at: shared::time::Timestamp(r.issued_at),
                        received_by: received_by.join("; "),
                        note: match r.recall_reason {
                            Some(reason) => format!("Đã thu hồi: {reason}"),
                            None if !paper.is_empty() => format!("Gửi bản giấy: {}", paper.len()),
                            None => String::new(),
                        },
                    });
                }
                Ok(out)
            }

            async fn create_outgoing(
                &self,
                drafter: &shared::user::UserDto,
                doc: $crate::store::outgoing::NewOutgoing,
            ) -> $crate::store::StoreResult<i64> {
                let agency = drafter.agency.id;
                let mut tx = self.begin_write().await?;
                let register: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM registers WHERE id = $1 AND agency_id = $2 AND direction = 'outgoing'",
                )
                .bind(doc.register_id)
                .bind(agency)
                .fetch_optional(&mut *tx)
                .await?;
                if register.is_none() {
                    return Err($crate::store::StoreError::Field("register_id", "Chọn một sổ văn bản đi của cơ quan mình."));
                }
                Self::check_member(&mut tx, doc.signer_id, agency, &["agency_leader", "unit_leader"],
                    "Người ký phải là lãnh đạo đang làm việc tại cơ quan mình.").await
                    .map_err(|e| e.on_field("signer_id"))?;
                for r in &doc.reviewers {
                    Self::check_member(&mut tx, *r, agency, &["agency_leader", "unit_leader", "official"],
                        "Người duyệt phải là người đang làm việc tại cơ quan mình.").await
                        .map_err(|e| e.on_field("reviewers"))?;
                }
                let mut recipients = Vec::new();
                for a in &doc.internal_recipients {
                    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM agencies WHERE id = $1")
                        .bind(a)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let name = row
                        .ok_or($crate::store::StoreError::Field("internal_recipients", "Một nơi nhận không có trong hệ thống."))?
                        .0;
                    if *a == agency {
                        return Err($crate::store::StoreError::Field(
                            "internal_recipients",
                            "Văn bản đi không gửi cho chính cơ quan ban hành (bản lưu được giữ tự động).",
                        ));
                    }
                    recipients.push(("internal", Some(*a), None::<String>, name));
                }
                for (code, name) in &doc.external_recipients {
                    recipients.push(("external", None, Some(code.clone()), name.clone()));
                }
                for name in &doc.paper_recipients {
                    recipients.push(("paper", None, None, name.clone()));
                }
                // A reply drafted from an incoming document links its delivery (edXML ResponseFor) and puts the
                // drafter's assignment on it under way (05 for the sender).
                let mut answers_delivery_id = doc.answers_delivery_id;
                let mut answering = None;
                if let Some(inc) = doc.answers_incoming_id {
                    let r = Self::lock_incoming(&mut tx, inc)
                        .await
                        .map_err(|_| $crate::store::StoreError::Field("answers_incoming_id", "Không tìm thấy văn bản đến được trả lời."))?;
                    if r.agency_id != agency {
                        return Err($crate::store::StoreError::Field("answers_incoming_id", "Văn bản được trả lời không phải văn bản cơ quan mình đã nhận."));
                    }
                    answers_delivery_id = r.delivery_id.or(answers_delivery_id);
                    let mine: Option<(i64,)> = sqlx::query_as(
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
                    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM deliveries WHERE id = $1 AND recipient_agency_id = $2")
                        .bind(d)
                        .bind(agency)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if row.is_none() {
                        return Err($crate::store::StoreError::Field("answers_delivery_id", "Văn bản được trả lời không phải văn bản cơ quan mình đã nhận."));
                    }
                }
                let now = $crate::store::now_ms();
                let (id,): (i64,) = sqlx::query_as(
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
                .bind($crate::store::outgoing::urgency_code(doc.urgency))
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
                    sqlx::query("INSERT INTO review_steps (document_id, position, reviewer_id) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(i as i64 + 1)
                        .bind(r)
                        .execute(&mut *tx)
                        .await?;
                }
                for (i, (channel, agency_id, code, name)) in recipients.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO deliveries (outgoing_id, channel, recipient_agency_id, recipient_code, recipient_name, position) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(*channel)
                    .bind(*agency_id)
                    .bind(code)
                    .bind(name)
                    .bind(i as i64)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::insert_files(&mut tx, id, 1, "draft", &doc.files, drafter.id).await?;
                Self::history(&mut tx, id, drafter.id, "created", None, Some(1)).await?;
                if let Some((r, assignment)) = &answering {
                    if let Some(a) = assignment {
                        sqlx::query("UPDATE assignments SET state = 'processing', started_at = COALESCE(started_at, $1) WHERE id = $2")
                            .bind(now)
                            .bind(a)
                            .execute(&mut *tx)
                            .await?;
                        Self::sender_status(&mut tx, r, shared::status::DeliveryStatus::Processing, drafter.id, None).await?;
                    }
                    Self::incoming_history(&mut tx, r.id, drafter.id, None, "reply_drafted", Some(&doc.subject)).await?;
                }
                tx.commit().await?;
                if let Some((r, _)) = &answering {
                    let text = format!("Đang soạn văn bản trả lời: {}", r.subject);
                    self.announce(Self::incoming_event("incoming", r, vec![], drafter.id, text)).await;
                }
                Ok(id)
            }

            async fn get_outgoing(&self, id: i64) -> $crate::store::StoreResult<shared::outgoing::OutgoingDto> {
                use $crate::store::outgoing as o;
                let sql = sqlx::AssertSqlSafe(format!("{}WHERE d.id = $1", o::DOC_SELECT));
                let row: Option<o::DocRow> = sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
                let d = row.ok_or($crate::store::StoreError::NotFound)?;
                // Everyone the document mentions, in one query (not one per line of its history).
                let people: Vec<(i64, String, Option<String>)> = sqlx::query_as(
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
                    .map(|(id, full_name, position)| (id, shared::outgoing::PersonRef { id, full_name, position }))
                    .collect();
                let person = |id: i64| people.get(&id).cloned().ok_or_else(|| o::corrupt("person"));
                let steps: Vec<(i64, i64, Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
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
                let files: Vec<(i64, i64, String, i64, String, String, i64, i64, i64)> = sqlx::query_as(
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
                        v.files.push(shared::outgoing::FileDto { id: fid, name, sha256, size, position });
                    }
                }
                let hist: Vec<(i64, i64, String, Option<String>, Option<i64>)> = sqlx::query_as(
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
                let dels: Vec<(i64, String, Option<i64>, Option<String>, String, Option<String>, Option<i64>)> = sqlx::query_as(
                    "SELECT id, channel, recipient_agency_id, recipient_code, recipient_name, status, status_at \
                     FROM deliveries WHERE outgoing_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                // Every status change of every recipient, in one query.
                let all_events: Vec<(i64, String, i64, Option<String>, Option<String>)> = sqlx::query_as(
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
                        channel: shared::outgoing::DeliveryChannel::from_code(&channel).ok_or_else(|| o::corrupt("channel"))?,
                        recipient_agency_id: agency_id,
                        recipient_code: code,
                        recipient_name: name,
                        status: status.as_deref().and_then(shared::status::DeliveryStatus::from_code),
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
                    doc_type: o::doc_type_of(&d.doc_type)?,
                    subject: d.subject,
                    urgency: o::urgency_of(&d.urgency)?,
                    reply_deadline: d.reply_deadline.as_deref().and_then(|s| shared::civil_date::CivilDate::parse(s).ok()),
                    status: o::status_of(&d.status)?,
                    drafter: person(d.drafter_id)?,
                    drafting_unit: d.unit_name,
                    signer: person(d.signer_id)?,
                    signing_capacity: shared::outgoing::SigningCapacity::from_code(&d.signing_capacity)
                        .ok_or_else(|| o::corrupt("signing capacity"))?,
                    register_id: d.register_id,
                    register_name: d.register_name,
                    notation: shared::outgoing::notation(o::doc_type_of(&d.doc_type)?, &d.agency_short, &d.unit_short),
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
                    paper_recipients: serde_json::from_str(&d.paper_recipients).map_err(|_| o::corrupt("paper recipients"))?,
                    number_placement: serde_json::from_str(&d.number_placement).map_err(|_| o::corrupt("placement"))?,
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

            async fn list_outgoing(
                &self,
                user: &shared::user::UserDto,
                bucket: shared::outgoing::OutgoingBucket,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<shared::outgoing::OutgoingSummary>> {
                use shared::outgoing::OutgoingBucket as B;
                let to_sign = format!(
                    "d.status = 'awaiting_signature' AND (d.signer_id = $1 OR d.signer_id IN ({}))",
                    $crate::store::outgoing::signing_delegators_sql()
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
                    B::ToIssue => ("d.status = 'awaiting_issue' AND d.agency_id = $2 AND $1 = $1", true),
                    B::Issued => ("d.status IN ('issued', 'recalled') AND d.agency_id = $2 AND $1 = $1", true),
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
                    status: String,
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
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT d.id, d.doc_type, d.subject, d.urgency, d.status, d.number_text, d.updated_at, \
                     dr.id AS drafter_id, dr.full_name AS drafter_name, dr.position AS drafter_position, \
                     h.id AS holder_id, h.full_name AS holder_name, h.position AS holder_position \
                     FROM outgoing_documents d JOIN users dr ON dr.id = d.drafter_id \
                     LEFT JOIN review_steps cs ON cs.document_id = d.id AND cs.position = d.current_step AND d.status = 'in_review' \
                     LEFT JOIN users h ON h.id = CASE WHEN d.status = 'awaiting_signature' THEN d.signer_id ELSE cs.reviewer_id END \
                     WHERE {cond} ORDER BY d.updated_at DESC LIMIT {}",
                    if with_agency { "$3" } else { "$2" }
                ));
                let mut q = sqlx::query_as::<_, Row>(sql).bind(user.id);
                if with_agency {
                    q = q.bind(user.agency.id);
                }
                let rows = q.bind(limit).fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    out.push(shared::outgoing::OutgoingSummary {
                        id: r.id,
                        doc_type: $crate::store::outgoing::doc_type_of(&r.doc_type)?,
                        subject: r.subject,
                        urgency: $crate::store::outgoing::urgency_of(&r.urgency)?,
                        status: $crate::store::outgoing::status_of(&r.status)?,
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
                Ok(out)
            }

            async fn outgoing_counts(&self, user: &shared::user::UserDto) -> $crate::store::StoreResult<shared::outgoing::OutgoingCounts> {
                let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT \
                     (SELECT COUNT(*) FROM outgoing_documents WHERE drafter_id = $1 AND status = 'draft'), \
                     (SELECT COUNT(*) FROM outgoing_documents d JOIN review_steps s ON s.document_id = d.id AND s.position = d.current_step \
                      WHERE d.status = 'in_review' AND s.reviewer_id = $1), \
                     (SELECT COUNT(*) FROM outgoing_documents WHERE status = 'awaiting_signature' AND (signer_id = $1 OR signer_id IN ({}))), \
                     (SELECT COUNT(*) FROM outgoing_documents WHERE status = 'awaiting_issue' AND agency_id = $2), \
                     (SELECT COUNT(*) FROM outgoing_documents WHERE drafter_id = $1 AND status = 'returned'), \
                     (SELECT COUNT(*) FROM deliveries WHERE recipient_agency_id = $2 AND status IN ('01', '13'))",
                    $crate::store::outgoing::signing_delegators_sql()
                )))
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

            async fn submit_outgoing(&self, user: &shared::user::UserDto, id: i64) -> $crate::store::StoreResult<()> {
                use shared::outgoing::OutgoingStatus as S;
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                if d.drafter_id != user.id {
                    return Err($crate::store::StoreError::Forbidden("Chỉ người soạn thảo mới trình được dự thảo này."));
                }
                let status = $crate::store::outgoing::status_of(&d.status)?;
                if !matches!(status, S::Draft | S::Returned) {
                    return Err($crate::store::StoreError::State("Văn bản đã được trình; không trình lại được."));
                }
                // Back to the step that returned it (kept in current_step), else the first pending step.
                let next: Option<(i64,)> = match d.current_step {
                    Some(step) => Some((step,)),
                    None => sqlx::query_as(
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
                Self::set_status(&mut tx, id, status, step).await?;
                Self::history(&mut tx, id, user.id, "submitted", None, Some(d.version)).await?;
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "task".into(),
                    outgoing_id: id,
                    delivery_id: None,
                    incoming_id: None,
                    agencies: vec![d.agency_id],
                    users: vec![],
                    actor: Some(user.id),
                    text: format!("Có dự thảo mới trình: {}", d.subject),
                })
                .await;
                Ok(())
            }

            async fn add_version(
                &self,
                user: &shared::user::UserDto,
                id: i64,
                files: Vec<$crate::store::outgoing::NewFile>,
                comment: Option<String>,
            ) -> $crate::store::StoreResult<i64> {
                use shared::outgoing::OutgoingStatus as S;
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                if d.drafter_id != user.id {
                    return Err($crate::store::StoreError::Forbidden("Chỉ người soạn thảo mới cập nhật được dự thảo."));
                }
                if !matches!($crate::store::outgoing::status_of(&d.status)?, S::Draft | S::Returned) {
                    return Err($crate::store::StoreError::State(
                        "Dự thảo đang được duyệt hoặc ký; chỉ cập nhật được khi còn là dự thảo hoặc bị trả lại.",
                    ));
                }
                let version = d.version + 1;
                Self::insert_files(&mut tx, id, version, "draft", &files, user.id).await?;
                sqlx::query("UPDATE outgoing_documents SET version = $1, updated_at = $2 WHERE id = $3")
                    .bind(version)
                    .bind($crate::store::now_ms())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::history(&mut tx, id, user.id, "new_version", comment.as_deref(), Some(version)).await?;
                tx.commit().await?;
                Ok(version)
            }

            async fn review_outgoing(
                &self,
                user: &shared::user::UserDto,
                id: i64,
                decision: shared::outgoing::ReviewDecision,
                comment: Option<String>,
                forward_to: Option<i64>,
            ) -> $crate::store::StoreResult<()> {
                use shared::outgoing::{OutgoingStatus as S, ReviewDecision as D};
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                let status = $crate::store::outgoing::status_of(&d.status)?;
                let now = $crate::store::now_ms();
                let mut notify = vec![d.drafter_id];
                match status {
                    S::InReview => {
                        let step = d.current_step.ok_or_else(|| $crate::store::outgoing::corrupt("step"))?;
                        let (reviewer,): (i64,) = sqlx::query_as(
                            "SELECT reviewer_id FROM review_steps WHERE document_id = $1 AND position = $2",
                        )
                        .bind(id)
                        .bind(step)
                        .fetch_one(&mut *tx)
                        .await?;
                        if reviewer != user.id {
                            return Err($crate::store::StoreError::Forbidden("Dự thảo đang chờ người khác duyệt, không phải bạn."));
                        }
                        // Record the decision on this step (a step decided earlier, then returned to, is reopened).
                        sqlx::query("UPDATE review_steps SET decision = $1, comment = $2, decided_at = $3 WHERE document_id = $4 AND position = $5")
                            .bind($crate::store::outgoing::decision_code(decision))
                            .bind(&comment)
                            .bind(now)
                            .bind(id)
                            .bind(step)
                            .execute(&mut *tx)
                            .await?;
                        let action = match decision {
                            D::Approve => {
                                let next: Option<(i64, i64)> = sqlx::query_as(
                                    "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 AND position > $2 ORDER BY position LIMIT 1",
                                )
                                .bind(id)
                                .bind(step)
                                .fetch_optional(&mut *tx)
                                .await?;
                                match next {
                                    Some((pos, who)) => {
                                        Self::set_status(&mut tx, id, S::InReview, Some(pos)).await?;
                                        notify.push(who);
                                        "approved"
                                    }
                                    None => {
                                        Self::set_status(&mut tx, id, S::AwaitingSignature, None).await?;
                                        notify.push(d.signer_id);
                                        "approved_to_signer"
                                    }
                                }
                            }
                            D::ReturnToPrevious if step > 1 => {
                                let prev: (i64, i64) = sqlx::query_as(
                                    "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1",
                                )
                                .bind(id)
                                .bind(step)
                                .fetch_one(&mut *tx)
                                .await?;
                                Self::reopen_step(&mut tx, id, prev.0).await?;
                                Self::set_status(&mut tx, id, S::InReview, Some(prev.0)).await?;
                                notify.push(prev.1);
                                "returned_previous"
                            }
                            D::ReturnToPrevious | D::ReturnToDrafter => {
                                // The drafter fixes it; resubmitting brings it back to this step.
                                Self::reopen_step(&mut tx, id, step).await?;
                                Self::set_status(&mut tx, id, S::Returned, Some(step)).await?;
                                "returned_drafter"
                            }
                            D::Forward => {
                                let to = forward_to.ok_or($crate::store::StoreError::Field("forward_to", "Chọn người nhận chuyển tiếp."))?;
                                if to == user.id || to == d.drafter_id || to == d.signer_id {
                                    return Err($crate::store::StoreError::Field(
                                        "forward_to",
                                        "Chuyển tiếp cho một người duyệt khác (không phải bạn, người soạn hay người ký).",
                                    ));
                                }
                                Self::check_member(&mut tx, to, d.agency_id, &["agency_leader", "unit_leader", "official"],
                                    "Chỉ chuyển tiếp được cho người đang làm việc tại cơ quan mình.").await
                                    .map_err(|e| e.on_field("forward_to"))?;
                                // Make room after this step: shift later steps (twice, to keep positions unique
                                // while moving).
                                sqlx::query("UPDATE review_steps SET position = -position WHERE document_id = $1 AND position > $2")
                                    .bind(id)
                                    .bind(step)
                                    .execute(&mut *tx)
                                    .await?;
                                sqlx::query("UPDATE review_steps SET position = 1 - position WHERE document_id = $1 AND position < 0")
                                    .bind(id)
                                    .execute(&mut *tx)
                                    .await?;
                                sqlx::query("INSERT INTO review_steps (document_id, position, reviewer_id) VALUES ($1, $2, $3)")
                                    .bind(id)
                                    .bind(step + 1)
                                    .bind(to)
                                    .execute(&mut *tx)
                                    .await?;
                                Self::set_status(&mut tx, id, S::InReview, Some(step + 1)).await?;
                                notify.push(to);
                                "forwarded"
                            }
                        };
                        Self::history(&mut tx, id, user.id, action, comment.as_deref(), Some(d.version)).await?;
                    }
                    S::AwaitingSignature => {
                        if d.signer_id != user.id {
                            return Err($crate::store::StoreError::Forbidden("Văn bản đang chờ người khác ký, không phải bạn."));
                        }
                        match decision {
                            D::Approve | D::Forward => {
                                return Err($crate::store::StoreError::State(
                                    "Ở bước ký, người ký ký số văn bản hoặc trả lại; không duyệt hay chuyển tiếp.",
                                ));
                            }
                            D::ReturnToPrevious => {
                                let last: Option<(i64, i64)> = sqlx::query_as(
                                    "SELECT position, reviewer_id FROM review_steps WHERE document_id = $1 ORDER BY position DESC LIMIT 1",
                                )
                                .bind(id)
                                .fetch_optional(&mut *tx)
                                .await?;
                                match last {
                                    Some((pos, who)) => {
                                        Self::reopen_step(&mut tx, id, pos).await?;
                                        Self::set_status(&mut tx, id, S::InReview, Some(pos)).await?;
                                        notify.push(who);
                                        Self::history(&mut tx, id, user.id, "returned_previous", comment.as_deref(), Some(d.version)).await?;
                                    }
                                    None => {
                                        Self::set_status(&mut tx, id, S::Returned, Some(0)).await?;
                                        Self::history(&mut tx, id, user.id, "returned_drafter", comment.as_deref(), Some(d.version)).await?;
                                    }
                                }
                            }
                            D::ReturnToDrafter => {
                                // Resubmitting goes straight back to the signer (step 0).
                                Self::set_status(&mut tx, id, S::Returned, Some(0)).await?;
                                Self::history(&mut tx, id, user.id, "returned_drafter", comment.as_deref(), Some(d.version)).await?;
                            }
                        }
                    }
                    _ => {
                        return Err($crate::store::StoreError::State("Văn bản không ở bước duyệt hay ký."));
                    }
                }
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "task".into(),
                    outgoing_id: id,
                    delivery_id: None,
                    incoming_id: None,
                    agencies: vec![d.agency_id],
                    users: notify,
                    actor: Some(user.id),
                    text: format!("Dự thảo đã được xử lý: {}", d.subject),
                })
                .await;
                Ok(())
            }

            async fn record_signature(
                &self,
                user: &shared::user::UserDto,
                id: i64,
                previous_sha256: &str,
                file: $crate::store::outgoing::NewFile,
                signature: $crate::store::outgoing::VerifiedSignature,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                // Signing for an absent signer takes a delegation in force today that covers signing; the
                // document then carries its mark (KT. or TUQ.) and the history names both people.
                let mut on_behalf_of = None;
                if d.signer_id != user.id {
                    match Self::delegation_in(&mut tx, d.signer_id, user.id).await? {
                        Some((_, Some(mark))) => {
                            on_behalf_of = Some(d.signer_id);
                            sqlx::query("UPDATE outgoing_documents SET signing_capacity = $1 WHERE id = $2")
                                .bind(mark)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        _ => return Err($crate::store::StoreError::Forbidden("Chỉ người được trình ký (hoặc người được ủy quyền ký còn hiệu lực) mới ký được văn bản này.")),
                    }
                }
                if $crate::store::outgoing::status_of(&d.status)? != shared::outgoing::OutgoingStatus::AwaitingSignature {
                    return Err($crate::store::StoreError::State("Văn bản không ở bước chờ ký."));
                }
                let mut files = Self::files_of_version(&mut tx, id, d.version).await?;
                if files.first().map(|f| f.1.as_str()) != Some(previous_sha256) {
                    return Err($crate::store::StoreError::State("Văn bản vừa có phiên bản mới; hãy mở lại và ký phiên bản đó."));
                }
                let version = d.version + 1;
                files[0] = (files[0].0.clone(), file.sha256.clone(), file.size);
                let new_files: Vec<_> = files
                    .into_iter()
                    .map(|(name, sha256, size)| $crate::store::outgoing::NewFile { name, sha256, size })
                    .collect();
                Self::insert_files(&mut tx, id, version, "signed", &new_files, user.id).await?;
                Self::insert_signature(&mut tx, id, &signature).await?;
                sqlx::query("UPDATE outgoing_documents SET version = $1, status = 'awaiting_issue', current_step = NULL, updated_at = $2 WHERE id = $3")
                    .bind(version)
                    .bind($crate::store::now_ms())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let for_whom = match on_behalf_of {
                    Some(absent) => {
                        let (name,): (String,) = sqlx::query_as("SELECT full_name FROM users WHERE id = $1")
                            .bind(absent)
                            .fetch_one(&mut *tx)
                            .await?;
                        Some(format!("Ký thay {name} (theo ủy quyền)"))
                    }
                    None => None,
                };
                Self::history(&mut tx, id, user.id, "signed", for_whom.as_deref(), Some(version)).await?;
                if let Some(absent) = on_behalf_of {
                    sqlx::query("UPDATE document_history SET on_behalf_of = $1 WHERE id = (SELECT MAX(id) FROM document_history WHERE document_id = $2)")
                        .bind(absent)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &$crate::store::Actor { id: Some(user.id), username: Some(user.username.clone()), client_addr: None },
                        agency_id: Some(d.agency_id),
                        action: "outgoing.sign",
                        target: Some(format!("outgoing:{id}")),
                        target_name: Some(d.subject.clone()),
                        details: serde_json::json!({"sha256": file.sha256, "signer": signature.signer, "serial": signature.serial, "on_behalf_of": on_behalf_of}),
                    },
                )
                .await?;
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "task".into(),
                    outgoing_id: id,
                    delivery_id: None,
                    incoming_id: None,
                    agencies: vec![d.agency_id],
                    users: vec![d.drafter_id],
                    actor: Some(user.id),
                    text: format!("Văn bản đã ký, chờ phát hành: {}", d.subject),
                })
                .await;
                Ok(())
            }

            async fn reserve_number(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                now: i64,
                lease_ms: i64,
            ) -> $crate::store::StoreResult<shared::outgoing::NumberReservation> {
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                Self::check_issuer(clerk, &d)?;
                let date = shared::civil_date::CivilDate::of(shared::time::Timestamp(now));
                let year = i64::from(date.year);
                let register = d.register_id;
                let expires = now + lease_ms;
                // A number held in another year (across New Year's Eve) is given back first.
                sqlx::query("UPDATE register_numbers SET state = 'free', document_id = NULL, held_by = NULL, expires_at = NULL \
                             WHERE document_id = $1 AND NOT (register_id = $2 AND year = $3)")
                    .bind(id)
                    .bind(register)
                    .bind(year)
                    .execute(&mut *tx)
                    .await?;
                // Already holding one: renew it.
                let renewed: Option<(i64,)> = sqlx::query_as(
                    "UPDATE register_numbers SET expires_at = $1, held_by = $2 \
                     WHERE register_id = $3 AND year = $4 AND state = 'held' AND document_id = $5 RETURNING number",
                )
                .bind(expires)
                .bind(clerk.id)
                .bind(register)
                .bind(year)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let number = match renewed {
                    Some((n,)) => n,
                    None => loop {
                        // The lowest number given back (released, or held past its lease) goes first, so the
                        // register keeps no gap. Taking it is a conditional update: when another clerk takes the
                        // same one at the same moment, the row lock makes one of them see it taken (0 rows), and
                        // that one looks again.
                        let free: Option<(i64,)> = sqlx::query_as(
                            "SELECT number FROM register_numbers WHERE register_id = $1 AND year = $2 \
                             AND (state = 'free' OR (state = 'held' AND expires_at < $3)) ORDER BY number LIMIT 1",
                        )
                        .bind(register)
                        .bind(year)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match free {
                            Some((n,)) => {
                                let taken = sqlx::query(
                                    "UPDATE register_numbers SET state = 'held', document_id = $1, held_by = $2, expires_at = $3 \
                                     WHERE register_id = $4 AND year = $5 AND number = $6 \
                                     AND (state = 'free' OR (state = 'held' AND expires_at < $7))",
                                )
                                .bind(id)
                                .bind(clerk.id)
                                .bind(expires)
                                .bind(register)
                                .bind(year)
                                .bind(n)
                                .bind(now)
                                .execute(&mut *tx)
                                .await?;
                                if taken.rows_affected() == 1 {
                                    break n;
                                }
                            }
                            None => {
                                // A new number: the counter row is updated (and so locked) only here, and only for
                                // the two statements before commit, so concurrent clerks queue briefly.
                                sqlx::query("INSERT INTO register_counters (register_id, year, high) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
                                    .bind(register)
                                    .bind(year)
                                    .execute(&mut *tx)
                                    .await?;
                                let (n,): (i64,) = sqlx::query_as(
                                    "UPDATE register_counters SET high = high + 1 WHERE register_id = $1 AND year = $2 RETURNING high",
                                )
                                .bind(register)
                                .bind(year)
                                .fetch_one(&mut *tx)
                                .await?;
                                sqlx::query(
                                    "INSERT INTO register_numbers (register_id, year, number, state, document_id, held_by, expires_at) \
                                     VALUES ($1, $2, $3, 'held', $4, $5, $6)",
                                )
                                .bind(register)
                                .bind(year)
                                .bind(n)
                                .bind(id)
                                .bind(clerk.id)
                                .bind(expires)
                                .execute(&mut *tx)
                                .await?;
                                break n;
                            }
                        }
                    },
                };
                tx.commit().await?;
                let doc_type = $crate::store::outgoing::doc_type_of(&d.doc_type)?;
                let notation = shared::outgoing::notation(doc_type, &d.agency_short, &d.unit_short);
                Ok(shared::outgoing::NumberReservation {
                    register_id: register,
                    year: date.year,
                    number: number as u32,
                    number_text: shared::pdf::fill::number_text(number as u32, &notation),
                    notation,
                    date,
                    date_text: shared::pdf::fill::date_text(date.year, date.month, date.day),
                    expires_at: shared::time::Timestamp(expires),
                })
            }

            async fn release_number(&self, clerk: &shared::user::UserDto, id: i64) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                Self::check_issuer(clerk, &d)?;
                sqlx::query("UPDATE register_numbers SET state = 'free', document_id = NULL, held_by = NULL, expires_at = NULL \
                             WHERE document_id = $1 AND state = 'held'")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn held_number(&self, id: i64) -> $crate::store::StoreResult<Option<$crate::store::outgoing::HeldNumber>> {
                let row: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT register_id, year, number, held_by, expires_at FROM register_numbers WHERE document_id = $1 AND state = 'held'",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(register_id, year, number, held_by, expires_at)| $crate::store::outgoing::HeldNumber {
                    register_id,
                    year: year as i32,
                    number: number as u32,
                    held_by,
                    expires_at,
                }))
            }

            async fn issue_outgoing(
                &self,
                clerk: &shared::user::UserDto,
                id: i64,
                previous_sha256: &str,
                issue: $crate::store::outgoing::IssueRecord,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                Self::check_issuer(clerk, &d)?;
                let files = Self::files_of_version(&mut tx, id, d.version).await?;
                if files.first().map(|f| f.1.as_str()) != Some(previous_sha256) {
                    return Err($crate::store::StoreError::State("Văn bản vừa thay đổi; hãy mở lại trước khi phát hành."));
                }
                // The held number leaves the reservations only if it is still held for this document: an expired
                // hold that another clerk has taken since is gone, and the issue fails without a trace.
                let taken = sqlx::query(
                    "DELETE FROM register_numbers WHERE register_id = $1 AND year = $2 AND number = $3 AND state = 'held' AND document_id = $4",
                )
                .bind(issue.register_id)
                .bind(i64::from(issue.year))
                .bind(i64::from(issue.number))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if taken.rows_affected() != 1 {
                    return Err($crate::store::StoreError::State(
                        "Số giữ cho văn bản này đã hết hạn và được cấp cho văn bản khác; hãy lấy số lại và đóng dấu lại.",
                    ));
                }
                let now = $crate::store::now_ms();
                sqlx::query("INSERT INTO register_entries (register_id, year, number, document_id, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(issue.register_id)
                    .bind(i64::from(issue.year))
                    .bind(i64::from(issue.number))
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::store::common::unique_as($crate::store::Conflict::NumberTaken))?;
                let version = d.version + 1;
                Self::insert_files(&mut tx, id, version, "issued", &issue.files, clerk.id).await?;
                for s in &issue.signatures {
                    Self::insert_signature(&mut tx, id, s).await?;
                }
                sqlx::query(
                    "UPDATE outgoing_documents SET version = $1, status = 'issued', number = $2, year = $3, number_text = $4, \
                     issued_at = $5, issued_by = $6, current_step = NULL, updated_at = $5 WHERE id = $7",
                )
                .bind(version)
                .bind(i64::from(issue.number))
                .bind(i64::from(issue.year))
                .bind(&issue.number_text)
                .bind(now)
                .bind(clerk.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                // Every internal recipient arrives at once (01), in two statements whatever their number; external
                // ones are queued for the exchange.
                let internal: Vec<(i64, Option<i64>)> = sqlx::query_as(
                    "UPDATE deliveries SET status = '01', status_at = $1 WHERE outgoing_id = $2 AND channel = 'internal' \
                     RETURNING id, recipient_agency_id",
                )
                .bind(now)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO delivery_events (delivery_id, status, at, actor_id) \
                     SELECT id, '01', $1, $2 FROM deliveries WHERE outgoing_id = $3 AND channel = 'internal' ORDER BY position",
                )
                .bind(now)
                .bind(clerk.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE deliveries SET exchange_state = 'queued' WHERE outgoing_id = $1 AND channel = 'external'")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::deliver_incoming(&mut tx, &d, id, version, clerk.id, &issue, now).await?;
                Self::history(&mut tx, id, clerk.id, "issued", Some(&issue.number_text), Some(version)).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &$crate::store::Actor { id: Some(clerk.id), username: Some(clerk.username.clone()), client_addr: None },
                        agency_id: Some(d.agency_id),
                        action: "outgoing.issue",
                        target: Some(format!("outgoing:{id}")),
                        target_name: Some(d.subject.clone()),
                        details: serde_json::json!({
                            "register_id": issue.register_id, "year": issue.year, "number": issue.number,
                            "number_text": issue.number_text, "sha256": issue.files.first().map(|f| f.sha256.clone()),
                        }),
                    },
                )
                .await?;
                tx.commit().await?;
                let mut agencies: Vec<i64> = internal.iter().filter_map(|d| d.1).collect();
                agencies.push(d.agency_id);
                self.announce(shared::live_event::LiveEvent {
                    kind: "arrival".into(),
                    outgoing_id: id,
                    delivery_id: None,
                    incoming_id: None,
                    agencies,
                    users: vec![d.drafter_id, d.signer_id],
                    actor: Some(clerk.id),
                    text: format!("Văn bản {} đã phát hành: {}", issue.number_text, d.subject),
                })
                .await;
                Ok(())
            }

            async fn recall_outgoing(&self, user: &shared::user::UserDto, id: i64, reason: String) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let d = Self::lock_doc(&mut tx, id).await?;
                if d.agency_id != user.agency.id {
                    return Err($crate::store::StoreError::Forbidden("Chỉ cơ quan ban hành mới thu hồi được văn bản."));
                }
                let may = user.has_role(shared::role::Role::Clerk)
                    || user.has_role(shared::role::Role::AgencyLeader)
                    || d.signer_id == user.id;
                if !may {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư, lãnh đạo cơ quan hoặc người ký mới thu hồi được văn bản."));
                }
                if $crate::store::outgoing::status_of(&d.status)? != shared::outgoing::OutgoingStatus::Issued {
                    return Err($crate::store::StoreError::State("Chỉ thu hồi được văn bản đã phát hành và chưa bị thu hồi."));
                }
                let now = $crate::store::now_ms();
                sqlx::query("UPDATE outgoing_documents SET status = 'recalled', recall_reason = $1, recalled_at = $2, updated_at = $2 WHERE id = $3")
                    .bind(&reason)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let delivered: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, status FROM deliveries WHERE outgoing_id = $1 AND channel = 'internal' AND status IS NOT NULL",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for (delivery, status) in delivered {
                    let from = shared::status::DeliveryStatus::from_code(&status).ok_or_else(|| $crate::store::outgoing::corrupt("delivery status"))?;
                    if from.can_move_to(shared::status::DeliveryStatus::RecallRequested) {
                        Self::delivery_event(&mut tx, delivery, shared::status::DeliveryStatus::RecallRequested, Some(user.id), Some(&reason)).await?;
                    }
                }
                Self::history(&mut tx, id, user.id, "recalled", Some(&reason), None).await?;
                Self::append_audit(
                    &mut tx,
                    $crate::store::AuditEvent {
                        actor: &$crate::store::Actor { id: Some(user.id), username: Some(user.username.clone()), client_addr: None },
                        agency_id: Some(d.agency_id),
                        action: "outgoing.recall",
                        target: Some(format!("outgoing:{id}")),
                        target_name: Some(d.subject.clone()),
                        details: serde_json::json!({"reason": reason}),
                    },
                )
                .await?;
                let agencies = Self::audience(&mut tx, id, d.agency_id).await?;
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "arrival".into(),
                    outgoing_id: id,
                    delivery_id: None,
                    incoming_id: None,
                    agencies,
                    users: vec![],
                    actor: Some(user.id),
                    text: format!("Yêu cầu thu hồi văn bản {}", d.number_text.unwrap_or_default()),
                })
                .await;
                Ok(())
            }

            async fn list_arrivals(&self, agency_id: i64, limit: i64) -> $crate::store::StoreResult<Vec<shared::outgoing::ArrivalDto>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    delivery_id: i64,
                    outgoing_id: i64,
                    sender: String,
                    number_text: Option<String>,
                    doc_type: String,
                    subject: String,
                    urgency: String,
                    issued_at: Option<i64>,
                    status: String,
                    status_at: i64,
                    recall_reason: Option<String>,
                    version: i64,
                }
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT dl.id AS delivery_id, d.id AS outgoing_id, a.name AS sender, d.number_text, d.doc_type, d.subject, \
                     d.urgency, d.issued_at, dl.status, dl.status_at, d.recall_reason, d.version \
                     FROM deliveries dl JOIN outgoing_documents d ON d.id = dl.outgoing_id JOIN agencies a ON a.id = d.agency_id \
                     WHERE dl.recipient_agency_id = $1 AND dl.channel = 'internal' AND dl.status IS NOT NULL AND dl.status <> '15' \
                     ORDER BY dl.status_at DESC LIMIT $2",
                )
                .bind(agency_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let files: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
                        "SELECT f.id, f.name, f.sha256, f.size, f.position FROM document_files f WHERE f.document_id = $1 \
                         AND f.kind = 'issued' ORDER BY f.position",
                    )
                    .bind(r.outgoing_id)
                    .fetch_all(&self.pool)
                    .await?;
                    let _ = r.version;
                    out.push(shared::outgoing::ArrivalDto {
                        delivery_id: r.delivery_id,
                        outgoing_id: r.outgoing_id,
                        sender_agency: r.sender,
                        number_text: r.number_text.unwrap_or_default(),
                        doc_type: $crate::store::outgoing::doc_type_of(&r.doc_type)?,
                        subject: r.subject,
                        urgency: $crate::store::outgoing::urgency_of(&r.urgency)?,
                        issued_at: shared::time::Timestamp(r.issued_at.unwrap_or(0)),
                        status: shared::status::DeliveryStatus::from_code(&r.status).ok_or_else(|| $crate::store::outgoing::corrupt("delivery status"))?,
                        status_at: shared::time::Timestamp(r.status_at),
                        recall_reason: r.recall_reason,
                        files: files
                            .into_iter()
                            .map(|(id, name, sha256, size, position)| shared::outgoing::FileDto { id, name, sha256, size, position })
                            .collect(),
                    });
                }
                Ok(out)
            }

            async fn answer_recall(
                &self,
                clerk: &shared::user::UserDto,
                delivery_id: i64,
                agree: bool,
                reason: Option<String>,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let row: Option<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
                    "UPDATE deliveries SET status_at = status_at WHERE id = $1 RETURNING outgoing_id, recipient_agency_id, status",
                )
                .bind(delivery_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (outgoing, agency, status) = row.ok_or($crate::store::StoreError::NotFound)?;
                if agency != Some(clerk.agency.id) {
                    return Err($crate::store::StoreError::NotFound);
                }
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư của nơi nhận mới trả lời được yêu cầu thu hồi."));
                }
                if status.as_deref() != Some(shared::status::DeliveryStatus::RecallRequested.code()) {
                    return Err($crate::store::StoreError::State("Văn bản này không có yêu cầu thu hồi đang chờ trả lời."));
                }
                let next = if agree {
                    shared::status::DeliveryStatus::RecallAgreed
                } else {
                    shared::status::DeliveryStatus::RecallRefused
                };
                Self::delivery_event(&mut tx, delivery_id, next, Some(clerk.id), reason.as_deref()).await?;
                // The recipient's copy: withdrawn (its open work closed) when the recall is agreed.
                let copy: Option<(i64,)> = sqlx::query_as("SELECT id FROM incoming_documents WHERE delivery_id = $1")
                    .bind(delivery_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((copy,)) = copy {
                    let now = $crate::store::now_ms();
                    if agree {
                        sqlx::query("UPDATE incoming_documents SET status = 'withdrawn', updated_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(copy)
                            .execute(&mut *tx)
                            .await?;
                        sqlx::query("UPDATE assignments SET state = 'done', done_at = $1 WHERE incoming_id = $2 AND state <> 'done'")
                            .bind(now)
                            .bind(copy)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Self::incoming_history(&mut tx, copy, clerk.id, None, if agree { "recall_agreed" } else { "recall_refused" }, reason.as_deref()).await?;
                }
                Self::history(&mut tx, outgoing, clerk.id, if agree { "recall_agreed" } else { "recall_refused" }, reason.as_deref(), None).await?;
                let (sender,): (i64,) = sqlx::query_as("SELECT agency_id FROM outgoing_documents WHERE id = $1")
                    .bind(outgoing)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.announce(shared::live_event::LiveEvent {
                    kind: "delivery".into(),
                    outgoing_id: outgoing,
                    delivery_id: Some(delivery_id),
                    incoming_id: None,
                    agencies: vec![sender, clerk.agency.id],
                    users: vec![],
                    actor: Some(clerk.id),
                    text: format!("{}: {}", clerk.agency.name, next.label()),
                })
                .await;
                Ok(())
            }

            async fn is_recipient(&self, id: i64, agency_id: i64) -> $crate::store::StoreResult<bool> {
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM deliveries WHERE outgoing_id = $1 AND recipient_agency_id = $2 AND status IS NOT NULL",
                )
                .bind(id)
                .bind(agency_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.is_some())
            }
        }

        impl $store {
            /// Each internal recipient's copy: an incoming document waiting for its clerk, with the sender's
            /// metadata (edXML header), the issued files and the server's verdict on them.
            #[allow(clippy::too_many_arguments)]
            async fn deliver_incoming(
                tx: &mut sqlx::Transaction<'_, $db>,
                d: &$crate::store::outgoing::DocRow,
                id: i64,
                version: i64,
                clerk: i64,
                issue: &$crate::store::outgoing::IssueRecord,
                now: i64,
            ) -> $crate::store::StoreResult<()> {
                let issued_date = shared::civil_date::CivilDate::of(shared::time::Timestamp(now)).to_string();
                let signer = issue.signatures.iter().find(|s| s.kind == "signer").map(|s| s.signer.clone());
                let pages = issue.verification.files.first().and_then(|f| f.pages).map(i64::from);
                let verification = serde_json::to_string(&issue.verification).map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let urgency = $crate::store::outgoing::urgency_of(&d.urgency)?;
                sqlx::query(
                    "INSERT INTO incoming_documents (agency_id, channel, status, delivery_id, outgoing_id, sender_agency_id, sender_name, \
                     sender_code, code_text, issued_date, doc_type, subject, urgency, urgency_rank, signer_name, reply_deadline, \
                     declared_attachments, declared_pages, received_at, backfilled, verification, verification_ok, register_id, \
                     created_by, created_at, updated_at) \
                     SELECT dl.recipient_agency_id, 'system', 'arrived', dl.id, $1, $2, a.name, a.code, $3, $4, $5, $6, $7, $8, $9, $10, \
                     $11, $12, $13, $14, $15, $16, \
                     (SELECT r.id FROM registers r WHERE r.agency_id = dl.recipient_agency_id AND r.direction = 'incoming' ORDER BY r.id LIMIT 1), \
                     $17, $13, $13 \
                     FROM deliveries dl JOIN agencies a ON a.id = $2 WHERE dl.outgoing_id = $1 AND dl.channel = 'internal' ORDER BY dl.position",
                )
                .bind(id)
                .bind(d.agency_id)
                .bind(&issue.number_text)
                .bind(issued_date)
                .bind(&d.doc_type)
                .bind(&d.subject)
                .bind(&d.urgency)
                .bind(shared::incoming::urgency_rank(urgency))
                .bind(signer)
                .bind(&d.reply_deadline)
                .bind(issue.files.len() as i64 - 1)
                .bind(pages)
                .bind(now)
                .bind(false)
                .bind(verification)
                .bind(issue.verification.ok)
                .bind(clerk)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO incoming_files (incoming_id, position, name, sha256, size) \
                     SELECT i.id, f.position, f.name, f.sha256, f.size FROM incoming_documents i \
                     JOIN document_files f ON f.document_id = i.outgoing_id AND f.version = $2 \
                     WHERE i.outgoing_id = $1 AND i.channel = 'system'",
                )
                .bind(id)
                .bind(version)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO incoming_history (incoming_id, at, actor_id, action, comment) \
                     SELECT id, $2, $3, 'arrived', $4 FROM incoming_documents WHERE outgoing_id = $1 AND channel = 'system'",
                )
                .bind(id)
                .bind(now)
                .bind(clerk)
                .bind(shared::incoming::IncomingChannel::System.label())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            fn check_issuer(
                clerk: &shared::user::UserDto,
                d: &$crate::store::outgoing::DocRow,
            ) -> $crate::store::StoreResult<()> {
                if d.agency_id != clerk.agency.id {
                    // Another agency's document does not exist for this caller.
                    return Err($crate::store::StoreError::NotFound);
                }
                if !clerk.has_role(shared::role::Role::Clerk) {
                    return Err($crate::store::StoreError::Forbidden("Chỉ văn thư của cơ quan ban hành mới cấp số và phát hành được."));
                }
                if $crate::store::outgoing::status_of(&d.status)? != shared::outgoing::OutgoingStatus::AwaitingIssue {
                    return Err($crate::store::StoreError::State(
                        "Chỉ phát hành được văn bản đã được ký số và đang chờ phát hành.",
                    ));
                }
                Ok(())
            }

            async fn insert_signature(
                tx: &mut sqlx::Transaction<'_, $db>,
                doc: i64,
                s: &$crate::store::outgoing::VerifiedSignature,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO signatures (document_id, file_sha256, field, kind, signer, serial, issuer, signing_time, verified_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(doc)
                .bind(&s.file_sha256)
                .bind(&s.field)
                .bind(s.kind)
                .bind(&s.signer)
                .bind(&s.serial)
                .bind(&s.issuer)
                .bind(&s.signing_time)
                .bind($crate::store::now_ms())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use outgoing_impl;
