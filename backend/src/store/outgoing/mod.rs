//! Outgoing documents (Điều 11): drafts and their versions, the approval circuit, signing, number
//! reservations, issue with its register entry and deliveries, recall, and the recipients' side of delivery.
//!
//! Who may do what is decided here, inside the transaction that changes the row (the document row is locked
//! first), so two people acting at once can never both succeed on a stale view.

pub mod archive;
mod arrivals;
mod circuit;
mod deliver;
mod draft;
mod edit;
mod issue;
mod numbering;
mod read;
mod recall;
mod register;
mod signing;

pub use edit::DraftEdit;

use super::Store;
use super::common::NewFile;
use shared::outgoing::ReviewDecision;

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
    /// The verification code of the reservation, found in the filled file.
    pub verification_code: String,
    /// Main PDF first, then the attachments (same names as the signed version).
    pub files: Vec<NewFile>,
    pub signatures: Vec<VerifiedSignature>,
    /// The server's verdict on the issued files, which every recipient on the system receives with them.
    pub verification: shared::incoming::VerificationDto,
    /// When the certificate of the files' last document timestamp expires (PAdES B-LTA), if they have one:
    /// the archive job renews the timestamp before then.
    pub archive_timestamp_until: Option<i64>,
}

/// The number currently held for a document, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldNumber {
    pub register_id: i64,
    pub year: i32,
    pub number: u32,
    pub held_by: i64,
    pub expires_at: i64,
    /// The verification code printed with it (issue 15).
    pub verification_code: String,
}

// Outgoing documents and their deliveries. Every method is one transaction.

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
        "edited" => "Sửa thông tin dự thảo",
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
    #[sqlx(try_from = "String")]
    pub status: shared::outgoing::OutgoingStatus,
    pub current_step: Option<i64>,
    pub version: i64,
    pub number: Option<i64>,
    pub year: Option<i64>,
    pub number_text: Option<String>,
    pub issued_at: Option<i64>,
    pub issued_by: Option<i64>,
    pub recall_reason: Option<String>,
    pub verification_code: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const DOC_SELECT: &str = "SELECT d.id, d.agency_id, a.name AS agency_name, a.short_name AS agency_short, \
     un.short_name AS unit_short, un.name AS unit_name, d.drafter_id, d.doc_type, d.subject, d.urgency, \
     d.reply_deadline, d.signer_id, d.signing_capacity, d.register_id, r.name AS register_name, d.answers_delivery_id, d.answers_incoming_id, \
     d.paper_recipients, d.number_placement, d.status, d.current_step, d.version, d.number, d.year, d.number_text, \
     d.issued_at, d.issued_by, d.recall_reason, d.verification_code, d.created_at, d.updated_at \
     FROM outgoing_documents d JOIN agencies a ON a.id = d.agency_id JOIN units un ON un.id = d.unit_id \
     JOIN registers r ON r.id = d.register_id ";

/// The leaders who delegated signing to `$1` today (a sub-select).
pub(crate) fn signing_delegators_sql() -> String {
    format!(
        "SELECT from_user_id FROM delegations WHERE to_user_id = $1 AND signing IS NOT NULL AND revoked_at IS NULL \
         AND starts_on <= '{0}' AND ends_on >= '{0}'",
        super::common::today()
    )
}

pub(crate) fn corrupt(what: &str) -> super::StoreError {
    super::StoreError::Corrupt(what.to_string())
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

impl Store {
    /// Locks the document row until commit (an UPDATE takes the row lock in PostgreSQL; SQLite's
    /// write transaction is already exclusive) and reads it.
    #[tracing::instrument(skip_all, fields(id = id))]
    pub(crate) async fn lock_doc(
        tx: &mut crate::store::sql::Tx,
        id: i64,
    ) -> crate::store::StoreResult<crate::store::outgoing::DocRow> {
        let touched = crate::store::sql::query(
            "UPDATE outgoing_documents SET updated_at = updated_at WHERE id = $1",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if touched.rows_affected() == 0 {
            return Err(crate::store::StoreError::NotFound);
        }
        let sql = format!("{}WHERE d.id = $1", crate::store::outgoing::DOC_SELECT);
        Ok(crate::store::sql::query_as(sql)
            .bind(id)
            .fetch_one(&mut **tx)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn history(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        actor: i64,
        action: &str,
        comment: Option<&str>,
        version: Option<i64>,
    ) -> crate::store::StoreResult<()> {
        crate::store::sql::query(
            "INSERT INTO document_history (document_id, at, actor_id, action, comment, version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(doc)
        .bind(crate::store::now_ms())
        .bind(actor)
        .bind(action)
        .bind(comment)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn set_status(
        tx: &mut crate::store::sql::Tx,
        doc: i64,
        status: shared::outgoing::OutgoingStatus,
        step: Option<i64>,
    ) -> crate::store::StoreResult<()> {
        crate::store::sql::query("UPDATE outgoing_documents SET status = $1, current_step = $2, updated_at = $3 WHERE id = $4")
            .bind(status.code())
            .bind(step)
            .bind(crate::store::now_ms())
            .bind(doc)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

impl Store {}

impl Store {}
