//! Outgoing documents (văn bản đi, Điều 11 of the regulation): the draft's metadata (NĐ 30 Phụ lục VI), the
//! approval circuit, signing, numbering and issue, deliveries to recipients and recall. The same validation
//! runs in the browser form and on the server.

use serde::{Deserialize, Serialize};

use crate::agency::AgencyCode;
use crate::blob::is_sha256;
use crate::civil_date::CivilDate;
use crate::document::{DocumentType, Urgency};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::status::DeliveryStatus;
use crate::text::{Line, OrganName, clean};
use crate::time::Timestamp;

/// Trích yếu (edXML `Subject`, at most 500 characters).
pub type Subject = Line<500>;

/// Where an outgoing document is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutgoingStatus {
    /// Dự thảo: the drafter is still preparing it.
    Draft,
    /// Chờ duyệt: with a reviewer of the circuit.
    InReview,
    /// Bị trả lại: returned to the drafter with comments.
    Returned,
    /// Chờ ký: approved, with the signer.
    AwaitingSignature,
    /// Chờ phát hành: signed, with the clerks.
    AwaitingIssue,
    /// Đã phát hành: numbered, sealed, delivered.
    Issued,
    /// Đã thu hồi: the issuer recalled it (recipients answer 15 or 16).
    Recalled,
}

impl OutgoingStatus {
    pub const ALL: [OutgoingStatus; 7] = [
        Self::Draft,
        Self::InReview,
        Self::Returned,
        Self::AwaitingSignature,
        Self::AwaitingIssue,
        Self::Issued,
        Self::Recalled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Returned => "returned",
            Self::AwaitingSignature => "awaiting_signature",
            Self::AwaitingIssue => "awaiting_issue",
            Self::Issued => "issued",
            Self::Recalled => "recalled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Dự thảo",
            Self::InReview => "Chờ duyệt",
            Self::Returned => "Bị trả lại",
            Self::AwaitingSignature => "Chờ ký",
            Self::AwaitingIssue => "Chờ phát hành",
            Self::Issued => "Đã phát hành",
            Self::Recalled => "Đã thu hồi",
        }
    }
}

/// The signing authority mark before the signer's title (NĐ 30 Art. 13): signing for the collective (TM.),
/// as deputy (KT.), by order (TL.), by authorisation (TUQ.), as acting head (Q.), or in one's own name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SigningCapacity {
    /// Head of the agency signing in their own name: no mark.
    Direct,
    Tm,
    Kt,
    Tl,
    Tuq,
    Q,
}

impl SigningCapacity {
    pub const ALL: [SigningCapacity; 6] = [
        Self::Direct,
        Self::Tm,
        Self::Kt,
        Self::Tl,
        Self::Tuq,
        Self::Q,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Tm => "tm",
            Self::Kt => "kt",
            Self::Tl => "tl",
            Self::Tuq => "tuq",
            Self::Q => "q",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The mark as printed ("KT."), empty for a direct signature.
    pub fn mark(self) -> &'static str {
        match self {
            Self::Direct => "",
            Self::Tm => "TM.",
            Self::Kt => "KT.",
            Self::Tl => "TL.",
            Self::Tuq => "TUQ.",
            Self::Q => "Q.",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Direct => "Ký trực tiếp",
            Self::Tm => "TM. (thay mặt tập thể)",
            Self::Kt => "KT. (ký thay người đứng đầu)",
            Self::Tl => "TL. (thừa lệnh)",
            Self::Tuq => "TUQ. (thừa ủy quyền)",
            Self::Q => "Q. (quyền)",
        }
    }
}

/// The notation after the number (NĐ 30 Phụ lục I): `QĐ-UBND` for a typed document, `UBND-VP` for a công văn
/// (agency, then the drafting unit).
pub fn notation(doc_type: DocumentType, agency_short: &str, unit_short: &str) -> String {
    match doc_type.abbreviation() {
        Some(abbr) => format!("{abbr}-{agency_short}"),
        None => format!("{agency_short}-{unit_short}"),
    }
}

/// A file already uploaded to the content-addressed store (`PUT /api/blobs/{sha256}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Lower-case hex SHA-256 of the bytes, computed in the browser and checked by the server.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
    /// The file name as the user chose it.
    pub name: Line<255>,
}

/// A recipient outside the system, reached later through the national document axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExternalRecipient {
    pub code: AgencyCode,
    /// The recipient's name as it appears on the dispatch list.
    pub name: OrganName,
}

/// Where the number and date go on the draft, in points on the displayed page (from its bottom left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberPlacement {
    /// The page, from 0.
    pub page: usize,
    /// `[x, y, width, height]` of the number box.
    #[cfg_attr(feature = "openapi", schema(min_items = 4, max_items = 4))]
    pub number: [f64; 4],
    /// `[x, y, width, height]` of the date box.
    #[cfg_attr(feature = "openapi", schema(min_items = 4, max_items = 4))]
    pub date: [f64; 4],
}

impl NumberPlacement {
    /// NĐ 30 Phụ lục I on A4 portrait: "Số: …" under the agency name on the left, the place and date under the
    /// national motto on the right, both about 45 mm below the top edge.
    pub fn nd30_default(page_width: f64, page_height: f64) -> Self {
        let top = page_height - 128.0;
        Self {
            page: 0,
            number: [70.0, top, 210.0, 18.0],
            date: [page_width * 0.5, top, page_width * 0.5 - 50.0, 18.0],
        }
    }
}

/// `POST /api/outgoing`: a new draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// Loại văn bản (its abbreviation goes into the notation).
    pub doc_type: DocumentType,
    /// Trích yếu, at most 500 characters.
    pub subject: Subject,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// Hạn trả lời (edXML `DueDate`), when recipients must answer.
    #[serde(default)]
    pub reply_deadline: Option<CivilDate>,
    /// Who will sign (a leader of this agency).
    pub signer_id: i64,
    /// The mark before the signer's title.
    pub signing_capacity: SigningCapacity,
    /// The outgoing register it will be numbered in.
    pub register_id: i64,
    /// The received document (a delivery to this agency) this one answers, if any (edXML `ResponseFor`).
    #[serde(default)]
    pub answers_delivery_id: Option<i64>,
    /// The incoming document of this agency it answers (drafted from the handler's queue): the server links
    /// the delivery from it and moves the handler's assignment to "đang xử lý".
    #[serde(default)]
    pub answers_incoming_id: Option<i64>,
    /// Agencies on this system that receive it at once when issued.
    #[serde(default)]
    pub internal_recipients: Vec<i64>,
    /// Recipients outside the system (queued for the national exchange at issue).
    #[serde(default)]
    pub external_recipients: Vec<ExternalRecipient>,
    /// Recipients sent a paper copy (Điều 11.2đ), one per line of the dispatch list.
    #[serde(default)]
    pub paper_recipients: Vec<OrganName>,
    /// Độ mật. State-secret documents may not be handled by this system; any mark is refused.
    #[serde(default)]
    pub confidentiality: Option<String>,
    /// Reviewers in order (trình duyệt), before the signer.
    #[serde(default)]
    pub reviewers: Vec<i64>,
    /// The main PDF (only when creating or with a new version).
    pub main_file: FileRef,
    /// Uploaded attachments (PDF), at most 50.
    #[serde(default)]
    pub attachments: Vec<FileRef>,
    /// Where to reserve the number and date; the NĐ 30 default when absent.
    #[serde(default)]
    pub number_placement: Option<NumberPlacement>,
}

/// The most recipients, reviewers and attachments one document may carry.
pub const MAX_RECIPIENTS: usize = 300;
pub const MAX_REVIEWERS: usize = 10;
pub const MAX_ATTACHMENTS: usize = 50;

/// `PUT /api/outgoing/{id}`: the drafter changes the metadata of a draft or a returned document before
/// (re)submitting it (Điều 11). The same fields and rules as [`DraftRequest`], without the files (a new
/// version replaces those), the register and the document answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EditDraftRequest {
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu, at most 500 characters.
    pub subject: Subject,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// Hạn trả lời.
    #[serde(default)]
    pub reply_deadline: Option<CivilDate>,
    /// Who will sign (a leader of this agency).
    pub signer_id: i64,
    /// The mark before the signer's title.
    pub signing_capacity: SigningCapacity,
    /// Agencies on this system that receive it.
    #[serde(default)]
    pub internal_recipients: Vec<i64>,
    /// Recipients outside the system.
    #[serde(default)]
    pub external_recipients: Vec<ExternalRecipient>,
    /// Recipients sent a paper copy.
    #[serde(default)]
    pub paper_recipients: Vec<OrganName>,
    /// Độ mật: refused, as on a new draft.
    #[serde(default)]
    pub confidentiality: Option<String>,
    /// Reviewers in order. A reviewer who returned the document and stays in the list gets it back on
    /// resubmission.
    #[serde(default)]
    pub reviewers: Vec<i64>,
}

impl EditDraftRequest {
    /// The same rules that span fields as a new draft's ([`DraftRequest::validate`]).
    pub fn validate(&self, drafter_id: i64) -> Result<(), ApiError> {
        let mut fields = Vec::new();
        metadata_rules(
            &mut fields,
            Metadata {
                confidentiality: self.confidentiality.as_deref(),
                internal: &self.internal_recipients,
                external: &self.external_recipients,
                paper: self.paper_recipients.len(),
                reviewers: &self.reviewers,
                signer_id: self.signer_id,
                drafter_id,
            },
        );
        fields_result(fields)
    }
}

/// What [`metadata_rules`] checks, shared by a new draft and an edit.
struct Metadata<'a> {
    confidentiality: Option<&'a str>,
    internal: &'a [i64],
    external: &'a [ExternalRecipient],
    paper: usize,
    reviewers: &'a [i64],
    signer_id: i64,
    drafter_id: i64,
}

/// The rules on recipients, reviewers, signer and confidentiality that a new draft and an edit share.
fn metadata_rules(fields: &mut Vec<FieldError>, m: Metadata<'_>) {
    let mut err = |field: &str, message: &str| {
        fields.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if let Some(mark) = m.confidentiality
        && !mark.trim().is_empty()
    {
        err(
            "confidentiality",
            "Hệ thống không xử lý văn bản mật (Điều 4 Quy chế; Luật Bảo vệ bí mật nhà nước): văn bản có độ mật phải soạn, trình và gửi theo quy định về bảo vệ bí mật nhà nước, ngoài hệ thống.",
        );
    }
    let total = m.internal.len() + m.external.len() + m.paper;
    if total == 0 {
        err(
            "internal_recipients",
            "Cần ít nhất một nơi nhận (trong hệ thống, ngoài hệ thống hoặc bản giấy).",
        );
    }
    if total > MAX_RECIPIENTS {
        err("internal_recipients", "Tối đa 300 nơi nhận.");
    }
    if has_duplicates(m.internal) {
        err("internal_recipients", "Một cơ quan được chọn hai lần.");
    }
    let codes: Vec<&str> = m.external.iter().map(|r| r.code.as_str()).collect();
    if has_duplicates(&codes) {
        err("external_recipients", "Một mã định danh được nhập hai lần.");
    }
    if m.reviewers.len() > MAX_REVIEWERS {
        err("reviewers", "Tối đa 10 người duyệt.");
    }
    if has_duplicates(m.reviewers) {
        err("reviewers", "Một người duyệt được chọn hai lần.");
    }
    if m.reviewers.contains(&m.drafter_id) {
        err(
            "reviewers",
            "Người soạn thảo không tự duyệt dự thảo của mình.",
        );
    }
    if m.reviewers.contains(&m.signer_id) {
        err(
            "reviewers",
            "Người ký đã xem văn bản ở bước ký; không cần chọn làm người duyệt.",
        );
    }
}

fn fields_result(fields: Vec<FieldError>) -> Result<(), ApiError> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError {
            code: ErrorCode::Validation,
            message: fields[0].message.clone(),
            fields,
        })
    }
}

impl DraftRequest {
    /// The rules that span fields (each field's own rules ran when it was parsed). `drafter_id` is who asks.
    pub fn validate(&self, drafter_id: i64) -> Result<(), ApiError> {
        let mut fields = Vec::new();
        metadata_rules(
            &mut fields,
            Metadata {
                confidentiality: self.confidentiality.as_deref(),
                internal: &self.internal_recipients,
                external: &self.external_recipients,
                paper: self.paper_recipients.len(),
                reviewers: &self.reviewers,
                signer_id: self.signer_id,
                drafter_id,
            },
        );
        let mut err = |field: &str, message: &str| {
            fields.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if !is_sha256(&self.main_file.sha256) {
            err("main_file", "Chưa tải lên tệp văn bản chính (PDF).");
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            err("attachments", "Tối đa 50 tệp đính kèm.");
        }
        if self.attachments.iter().any(|a| !is_sha256(&a.sha256)) {
            err("attachments", "Một tệp đính kèm chưa được tải lên đủ.");
        }
        if let Some(p) = &self.number_placement {
            let ok = [p.number, p.date]
                .iter()
                .all(|r| r.iter().all(|v| v.is_finite()) && r[2] >= 20.0 && r[3] >= 8.0);
            if !ok {
                err(
                    "number_placement",
                    "Ô số và ngày phải rộng ít nhất 20 và cao ít nhất 8 điểm.",
                );
            }
        }
        fields_result(fields)
    }
}

fn has_duplicates<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .any(|(i, a)| items[..i].contains(a))
}

/// What a reviewer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Đồng ý: to the next reviewer, or to the signer after the last.
    Approve,
    /// Trả lại người trình trước (the previous reviewer, or the drafter from the first step).
    ReturnToPrevious,
    /// Trả lại người soạn thảo.
    ReturnToDrafter,
    /// Chuyển tiếp: to another reviewer, inserted after this step.
    Forward,
}

/// `POST /api/outgoing/{id}/review`: the decision of the reviewer holding the draft (or of the signer, who
/// may return it instead of signing).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// What the reviewer decides.
    pub decision: ReviewDecision,
    /// Ý kiến, at most 2000 characters; required to return.
    #[serde(default)]
    pub comment: Option<String>,
    /// With `forward`: who reviews next.
    #[serde(default)]
    pub forward_to: Option<i64>,
}

impl ReviewRequest {
    /// A comment is required when returning (the drafter must know what to change).
    pub fn validate(&self) -> Result<Option<String>, ApiError> {
        let comment = optional_comment(self.comment.as_deref())?;
        match self.decision {
            ReviewDecision::ReturnToPrevious | ReviewDecision::ReturnToDrafter
                if comment.is_none() =>
            {
                Err(ApiError::field(
                    "comment",
                    "Cần ghi ý kiến khi trả lại để người soạn biết phải sửa gì.",
                ))
            }
            ReviewDecision::Forward if self.forward_to.is_none() => Err(ApiError::field(
                "forward_to",
                "Chọn người nhận chuyển tiếp.",
            )),
            _ => Ok(comment),
        }
    }
}

/// `POST /api/outgoing/batch-review`: the same decision on several documents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchReviewRequest {
    /// 1–100 outgoing document ids.
    pub ids: Vec<i64>,
    /// The decision applied to each document.
    pub review: ReviewRequest,
}

/// The outcome for one document of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchItemResult {
    pub id: i64,
    /// Whether the decision was recorded for this document.
    pub ok: bool,
    /// Why it failed, in Vietnamese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResponse {
    pub results: Vec<BatchItemResult>,
}

/// `POST /api/outgoing/{id}/sign`: the signer's signed revision, uploaded first as a blob.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// The signed main file, uploaded first.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub main_sha256: String,
}

/// `POST /api/outgoing/{id}/new-version`: the drafter's corrected files after a return.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVersionRequest {
    /// The corrected main PDF, uploaded first.
    pub main_file: FileRef,
    /// The attachments of the new version (they replace the previous ones), at most 50.
    #[serde(default)]
    pub attachments: Vec<FileRef>,
    /// What changed, at most 2000 characters.
    #[serde(default)]
    pub comment: Option<String>,
    /// Where to reserve the number and date; the NĐ 30 default when absent.
    #[serde(default)]
    pub number_placement: Option<NumberPlacement>,
}

/// `POST /api/outgoing/{id}/reservation` answer: the number held for this document while the clerk's
/// browser fills it in and seals. Held numbers are handed to no one else until issued, released or expired;
/// a released or expired number goes to the next document first, so the register has no gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NumberReservation {
    pub register_id: i64,
    /// The register year (numbers restart at 1 each year).
    pub year: i32,
    /// The number held.
    pub number: u32,
    /// The notation after the number, e.g. `QĐ-UBND`.
    pub notation: String,
    /// "05/QĐ-UBND", exactly as it must be filled into the PDF.
    pub number_text: String,
    /// The issue date (today in Vietnam).
    pub date: CivilDate,
    /// "ngày 05 tháng 02 năm 2026", exactly as it must be filled into the PDF.
    pub date_text: String,
    /// When the hold ends unless renewed or used (15 minutes).
    pub expires_at: Timestamp,
    /// The verification code printed with the number and its QR code (`XXXX-XXXX-XXXX`, 60 random bits; issue
    /// 15). Renewing a hold keeps it; a new reservation gets a new one.
    pub verification_code: String,
    /// `{public address}/xac-minh/{code}`: what the QR code holds.
    pub verification_url: String,
}

/// `POST /api/outgoing/{id}/issue`: the numbered and sealed main file and the signed attachments, in the
/// order of the draft's attachments, all uploaded first as blobs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// The numbered and sealed main file, uploaded first.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub main_sha256: String,
    /// Each signed-version attachment plus one agency signature, in the order of the signed version.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256_list))]
    pub attachments: Vec<String>,
}

/// `POST /api/outgoing/{id}/recall`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// Why, 1–1000 characters; recipients see it.
    pub reason: String,
}

/// `POST /api/deliveries/{id}/recall-answer`: the recipient clerk agrees (15) or refuses (16).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecallAnswerRequest {
    /// `true` agrees (15), `false` refuses (16).
    pub agree: bool,
    /// Required to refuse, at most 1000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A comment typed by a person (review, new version): blank means none; otherwise 1..=2000 characters.
pub fn optional_comment(comment: Option<&str>) -> Result<Option<String>, ApiError> {
    match comment.map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => clean(c, 1, 2000, true)
            .map(Some)
            .map_err(|e| ApiError::field("comment", e.to_string())),
    }
}

/// Checks a reason typed by a person (recall, refusal): 1..=1000 characters.
pub fn reason(s: &str) -> Result<String, ApiError> {
    clean(s, 1, 1000, true).map_err(|e| ApiError::field("reason", format!("Lý do: {e}")))
}

/// A person as documents show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: i64,
    /// Họ và tên.
    pub full_name: String,
    /// Chức vụ, if recorded.
    pub position: Option<String>,
}

/// A file of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileDto {
    pub id: i64,
    /// File name as uploaded.
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sha256))]
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// 0 for the main document, then the attachments.
    pub position: i64,
}

/// One version of the document's files (dự thảo v1, v2…, the signed one, the issued one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionDto {
    /// 1, 2, … in order.
    pub number: i64,
    /// `draft`, `signed` or `issued`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::version_kind))]
    pub kind: String,
    /// Who uploaded or signed it.
    pub created_by: PersonRef,
    /// When.
    pub created_at: Timestamp,
    /// Its files; `position` 0 is the main document.
    pub files: Vec<FileDto>,
}

/// One step of the approval circuit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewStepDto {
    /// Order in the circuit, from 1.
    pub position: i64,
    /// Who reviews at this step.
    pub reviewer: PersonRef,
    /// `None` while pending; otherwise `approve`, `return_to_previous`, `return_to_drafter`, `forward`.
    pub decision: Option<ReviewDecision>,
    /// The reviewer's comment.
    pub comment: Option<String>,
    /// When the step was decided.
    pub decided_at: Option<Timestamp>,
}

/// One entry of the history (luồng xử lý).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When.
    pub at: Timestamp,
    /// Who acted.
    pub actor: PersonRef,
    /// Stable code: `created`, `submitted`, `approved`, `returned`, `forwarded`, `new_version`, `signed`,
    /// `issued`, `recalled`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::history_action))]
    pub action: String,
    /// Readable in Vietnamese ("Trả lại người soạn thảo").
    pub label: String,
    /// The comment or reason given.
    pub comment: Option<String>,
    /// The version it concerns, if any.
    pub version: Option<i64>,
}

/// How a recipient is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    /// Another agency on this system: delivered at issue.
    Internal,
    /// Through the national axis (queued for the exchange).
    External,
    /// A paper copy (dispatch list).
    Paper,
}

impl DeliveryChannel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::External => "external",
            Self::Paper => "paper",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Internal, Self::External, Self::Paper]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// A status change of a delivery, with its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryEventDto {
    /// The status the delivery moved to.
    pub status: DeliveryStatus,
    /// When.
    pub at: Timestamp,
    /// The reason given (a refusal `rejected`, a recall, a refused recall).
    pub reason: Option<String>,
    /// Who made the change, when known.
    pub actor_name: Option<String>,
}

/// One recipient of an issued document and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryDto {
    /// The delivery id (used by `POST /api/deliveries/{id}/recall-answer`).
    pub id: i64,
    /// How the recipient is reached.
    pub channel: DeliveryChannel,
    /// The recipient agency on this system (`internal` only).
    pub recipient_agency_id: Option<i64>,
    /// The recipient's mã định danh, when known.
    pub recipient_code: Option<String>,
    /// The recipient's name.
    pub recipient_name: String,
    /// `None` before issue, for paper copies, and for external ones still queued for the exchange.
    pub status: Option<DeliveryStatus>,
    /// When the current status was reached.
    pub status_at: Option<Timestamp>,
    /// Every status change, oldest first.
    pub events: Vec<DeliveryEventDto>,
}

/// A summary line of a list (queues, buckets, registers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingSummary {
    pub id: i64,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// Where it is in its life.
    pub status: OutgoingStatus,
    /// Who drafted it.
    pub drafter: PersonRef,
    /// Who holds it now (reviewer, signer), when someone does.
    pub holder: Option<PersonRef>,
    /// `05/QĐ-UBND` once issued.
    pub number_text: Option<String>,
    /// Last change.
    pub updated_at: Timestamp,
}

/// Everything about one outgoing document the caller may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingDto {
    pub id: i64,
    /// The issuing agency.
    pub agency_id: i64,
    /// Its name.
    pub agency_name: String,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// Hạn trả lời asked of recipients.
    pub reply_deadline: Option<CivilDate>,
    /// Where it is in its life.
    pub status: OutgoingStatus,
    /// Người soạn thảo.
    pub drafter: PersonRef,
    /// The drafter's unit (its short name goes into a công văn's notation).
    pub drafting_unit: String,
    /// Người ký.
    pub signer: PersonRef,
    /// The mark before the signer's title.
    pub signing_capacity: SigningCapacity,
    /// The outgoing register it is numbered in.
    pub register_id: i64,
    /// Its name.
    pub register_name: String,
    /// The notation the number will carry (`QĐ-UBND`).
    pub notation: String,
    /// The delivery (to this agency) it answers.
    pub answers_delivery_id: Option<i64>,
    /// The incoming document of this agency it answers.
    pub answers_incoming_id: Option<i64>,
    /// Số, once issued.
    pub number: Option<i64>,
    /// The register year of the number.
    pub year: Option<i32>,
    /// `05/QĐ-UBND`, once issued.
    pub number_text: Option<String>,
    /// When it was issued.
    pub issued_at: Option<Timestamp>,
    /// The clerk who issued it.
    pub issued_by: Option<PersonRef>,
    /// Why it was recalled.
    pub recall_reason: Option<String>,
    /// The verification code printed on it, once issued (anyone holding a copy can check it with it).
    pub verification_code: Option<String>,
    /// Recipients sent a paper copy.
    pub paper_recipients: Vec<String>,
    /// Where the number and date fields are on the page.
    pub number_placement: NumberPlacement,
    /// The `position` of the review step holding it (`in_review`).
    pub current_step: Option<i64>,
    /// The approval circuit.
    pub steps: Vec<ReviewStepDto>,
    /// Every version, oldest first (recipients: the issued one only).
    pub versions: Vec<VersionDto>,
    /// Luồng xử lý, oldest first (recipients: the issue and recall entries only).
    pub history: Vec<HistoryEntry>,
    /// Recipients and their statuses (a recipient agency sees only its own).
    pub deliveries: Vec<DeliveryDto>,
    /// When the draft was created.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// What the caller may do now.
    pub actions: Vec<crate::action::OutgoingAction>,
    /// Set when the caller signs for the absent signer under a delegation (Điều 16.4): the mark their
    /// signature carries (KT. or TUQ.).
    #[serde(default)]
    pub signs_as: Option<SigningCapacity>,
}

impl OutgoingDto {
    /// The capacity line the caller's signature box opens with when they sign under a delegation.
    pub fn delegated_signature_line(&self) -> Option<String> {
        capacity_line(self.signs_as?, &self.signer)
    }
}

/// The capacity line above a signature as NĐ 30 prints it (`KT. GIÁM ĐỐC`): the mark, then the position of
/// the one signed for, in capitals (their name when the account has no position). `None` for a direct
/// signature, which has no such line.
pub fn capacity_line(capacity: SigningCapacity, signed_for: &PersonRef) -> Option<String> {
    let mark = capacity.mark();
    if mark.is_empty() {
        return None;
    }
    let whom = match signed_for.position.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => p.to_uppercase(),
        _ => signed_for.full_name.clone(),
    };
    Some(format!("{mark} {whom}"))
}

/// The buckets of "Văn bản đi" in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutgoingBucket {
    /// My drafts (dự thảo, including returned ones).
    Drafts,
    /// Waiting for my review.
    ToReview,
    /// Waiting for my signature.
    ToSign,
    /// Signed, waiting for my agency's clerks.
    ToIssue,
    /// Issued by my agency.
    Issued,
    /// Returned to me.
    Returned,
    /// Everything I drafted, reviewed or signed.
    Mine,
}

impl OutgoingBucket {
    pub fn code(self) -> &'static str {
        match self {
            Self::Drafts => "drafts",
            Self::ToReview => "to_review",
            Self::ToSign => "to_sign",
            Self::ToIssue => "to_issue",
            Self::Issued => "issued",
            Self::Returned => "returned",
            Self::Mine => "mine",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Drafts,
            Self::ToReview,
            Self::ToSign,
            Self::ToIssue,
            Self::Issued,
            Self::Returned,
            Self::Mine,
        ]
        .into_iter()
        .find(|b| b.code() == code)
    }
}

/// `GET /api/outgoing?bucket=…` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingListResponse {
    pub items: Vec<OutgoingSummary>,
    /// More lines follow this page (`page * per_page < total`).
    #[serde(default)]
    pub more: bool,
    /// Lines of the bucket that match the filters, over every page (only documents the caller may open).
    #[serde(default)]
    pub total: i64,
    /// This page, from 1.
    #[serde(default = "crate::list_query::first_page")]
    pub page: u32,
    /// Lines per page.
    #[serde(default = "crate::list_query::default_per_page")]
    pub per_page: u32,
}

/// `GET /api/outgoing/counts`: the navigation counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingCounts {
    pub drafts: i64,
    /// Waiting for my review.
    pub to_review: i64,
    /// Waiting for my signature (also under a signing delegation).
    pub to_sign: i64,
    /// Signed, waiting for the clerks (clerks only).
    pub to_issue: i64,
    /// Returned to me.
    pub returned: i64,
    /// Deliveries to my agency that have arrived (01) and wait for the clerk, plus recall requests (13).
    pub arrived: i64,
}

/// A register (sổ văn bản).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterDto {
    pub id: i64,
    /// The agency that keeps it.
    pub agency_id: i64,
    /// `outgoing` or `incoming`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::register_direction))]
    pub direction: String,
    /// `Sổ văn bản đi` or `Sổ văn bản đến`.
    pub name: String,
}

/// One line of the outgoing register with the 10 columns of NĐ 30 Phụ lục IV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingRegisterRow {
    pub document_id: i64,
    /// (1) Số, ký hiệu văn bản.
    pub number_text: String,
    /// The number; a row is found by (register, year, number), which is unique.
    pub number: i64,
    /// (2) Ngày tháng văn bản.
    pub date: CivilDate,
    /// (3) Tên loại và trích yếu nội dung.
    pub type_and_subject: String,
    /// (4) Người ký.
    pub signer: String,
    /// (5) Nơi nhận văn bản.
    pub recipients: String,
    /// (6) Đơn vị, người nhận bản lưu.
    pub file_copy: String,
    /// (7) Số lượng bản.
    pub copies: i64,
    /// (8) Ngày chuyển.
    pub sent_at: Timestamp,
    /// (9) Ký nhận (electronic delivery: who received it on the system).
    pub received_by: String,
    /// (10) Ghi chú.
    pub note: String,
}

/// `GET /api/registers/{id}/entries` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutgoingRegisterResponse {
    pub register: RegisterDto,
    /// The year listed.
    pub year: i32,
    /// By number.
    pub rows: Vec<OutgoingRegisterRow>,
}

/// A document delivered to the caller's agency (the incoming queue until the incoming workflow registers it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArrivalDto {
    pub delivery_id: i64,
    /// The issued document (`GET /api/outgoing/{id}` works for the recipient).
    pub outgoing_id: i64,
    /// The issuing agency's name.
    pub sender_agency: String,
    /// `05/QĐ-UBND`.
    pub number_text: String,
    /// Loại văn bản.
    pub doc_type: DocumentType,
    /// Trích yếu.
    pub subject: String,
    /// Độ khẩn.
    pub urgency: Urgency,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// This agency's delivery status.
    pub status: DeliveryStatus,
    /// When that status was reached.
    pub status_at: Timestamp,
    /// The sender's reason while a recall is pending.
    pub recall_reason: Option<String>,
    /// The issued files.
    pub files: Vec<FileDto>,
}

/// `GET /api/arrivals` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArrivalListResponse {
    pub items: Vec<ArrivalDto>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> DraftRequest {
        serde_json::from_value(serde_json::json!({
            "doc_type": "quyet_dinh", "subject": "Về việc ban hành quy chế", "urgency": "normal",
            "signer_id": 2, "signing_capacity": "kt", "register_id": 1,
            "internal_recipients": [5], "reviewers": [3],
            "main_file": {"sha256": "a".repeat(64), "name": "qd.pdf"}
        }))
        .unwrap()
    }

    #[test]
    fn a_delegate_signs_under_the_mark_and_the_absent_signers_position() {
        let director = PersonRef {
            id: 7,
            full_name: "Phan Thị Thanh Thảo".into(),
            position: Some("Giám đốc Sở".into()),
        };
        assert_eq!(
            capacity_line(SigningCapacity::Kt, &director).as_deref(),
            Some("KT. GIÁM ĐỐC SỞ")
        );
        let unnamed = PersonRef {
            position: Some("  ".into()),
            ..director.clone()
        };
        assert_eq!(
            capacity_line(SigningCapacity::Tuq, &unnamed).as_deref(),
            Some("TUQ. Phan Thị Thanh Thảo")
        );
        assert_eq!(capacity_line(SigningCapacity::Direct, &director), None);
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(draft().validate(1), Ok(()));
    }

    #[test]
    fn a_confidentiality_mark_is_refused_with_an_explanation() {
        let mut d = draft();
        d.confidentiality = Some("Mật".into());
        let e = d.validate(1).unwrap_err();
        assert!(
            e.message_for("confidentiality")
                .unwrap()
                .contains("bí mật nhà nước")
        );
    }

    #[test]
    fn cross_field_rules_name_their_fields() {
        let mut d = draft();
        d.internal_recipients.clear();
        d.reviewers = vec![1, 2];
        let e = d.validate(1).unwrap_err();
        assert!(e.message_for("internal_recipients").is_some());
        assert!(e.message_for("reviewers").is_some());
    }

    #[test]
    fn subject_length_and_nfc_are_checked_while_parsing() {
        let long = "a".repeat(501);
        let v = serde_json::json!({
            "doc_type": "quyet_dinh", "subject": long, "urgency": "normal", "signer_id": 2,
            "signing_capacity": "kt", "register_id": 1, "main_file": {"sha256": "a".repeat(64), "name": "x.pdf"}
        });
        assert!(serde_json::from_value::<DraftRequest>(v).is_err());
    }

    #[test]
    fn notation_follows_nd30() {
        assert_eq!(notation(DocumentType::QuyetDinh, "UBND", "VP"), "QĐ-UBND");
        assert_eq!(notation(DocumentType::CongVan, "SNV", "TCBC"), "SNV-TCBC");
        assert_eq!(notation(DocumentType::ToTrinh, "STC", "QLNS"), "TTr-STC");
    }

    #[test]
    fn returning_needs_a_comment() {
        let r = ReviewRequest {
            decision: ReviewDecision::ReturnToDrafter,
            comment: Some("  ".into()),
            forward_to: None,
        };
        assert!(r.validate().unwrap_err().message_for("comment").is_some());
    }
}

crate::incoming::try_from_code!(OutgoingStatus, SigningCapacity, DeliveryChannel);
