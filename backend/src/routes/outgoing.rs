//! Outgoing documents (Điều 11): drafts, the approval circuit, signing, numbering and issue, recall; the
//! recipients' arrivals; registers. Signed uploads are verified here (off the async workers) before the one
//! store call that records them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::outgoing::{
    ArrivalListResponse, BatchItemResult, BatchResponse, BatchReviewRequest, DraftRequest,
    EditDraftRequest, IssueRequest, NewVersionRequest, NumberPlacement, NumberReservation,
    OutgoingBucket, OutgoingCounts, OutgoingDto, OutgoingListResponse, OutgoingStatus,
    RecallAnswerRequest, RecallRequest, ReviewRequest, SignRequest,
};
use shared::role::Role;
use shared::user::UserDto;

use crate::access;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, IdPath};
use crate::signing::{self, IssueExpectation, Refusal};
use crate::store::NewFile;
use crate::store::certificates::Owner;
use crate::store::now_ms;
use crate::store::outgoing::{DraftEdit, IssueRecord, NewOutgoing};
use axum::extract::RawQuery;
use shared::list_query::ListKind;

/// How long a number stays held for a document while the clerk's browser fills it in and seals.
pub const RESERVATION_LEASE_MS: i64 = 15 * 60 * 1000;

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Validation(shared::ApiError::new(shared::ErrorCode::Validation, r.0))
    }
}

/// Runs CPU-heavy PDF work (parsing, verification, filling) on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// The whole content of a stored blob that `user`'s agency holds (see [`access::may_reference_blob`]); a blob
/// held only by other agencies is answered exactly as one never uploaded.
pub async fn read_blob(
    state: &AppState,
    user: &UserDto,
    sha256: &str,
    field: &'static str,
) -> AppResult<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    if !shared::blob::is_sha256(sha256) {
        return Err(AppError::field(
            field,
            "Mã băm SHA-256 của tệp không hợp lệ.",
        ));
    }
    let not_uploaded = || {
        AppError::field(
            field,
            "Tệp chưa được tải lên máy chủ (hoặc tải lên chưa xong).",
        )
    };
    if !access::may_reference_blob(state, user, sha256).await? {
        return Err(not_uploaded());
    }
    let mut reader = state.blobs.open(sha256).await?.ok_or_else(not_uploaded)?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .await
        .map_err(|e| AppError::from(crate::blob::BlobError::Io(e)))?;
    Ok(out)
}

/// Stores bytes the server produced (a draft with its number fields reserved).
async fn write_blob(state: &AppState, bytes: Vec<u8>, user: &UserDto) -> AppResult<NewFile> {
    let size = bytes.len() as i64;
    let mut reader = std::io::Cursor::new(bytes);
    let blob = state.blobs.put(&mut reader, None).await?;
    state
        .store
        .record_blob(&blob.sha256, size, "application/pdf", user)
        .await?;
    Ok(NewFile {
        name: String::new(),
        sha256: blob.sha256,
        size,
    })
}

/// The most pages one file of a document may have (the longest real documents, budget annexes, run to a few
/// hundred; a file of 20,000 blank pages is an attack on every reader of it).
pub const MAX_PAGES: usize = 2_000;
/// The most bytes the files of one version may total (each file is at most 300 MiB).
pub const MAX_VERSION_BYTES: i64 = 1024 * 1024 * 1024;

/// Checks an uploaded file is a PDF within the page limit and without active content; returns its page-1
/// displayed size.
fn inspect_pdf(bytes: &[u8], field: &'static str) -> AppResult<(f64, f64)> {
    let doc = shared::pdf::document::Document::open(bytes)
        .map_err(|e| AppError::field(field, format!("Tệp không phải PDF đọc được: {e}")))?;
    let pages = doc
        .pages()
        .map_err(|e| AppError::field(field, format!("Không đọc được các trang của PDF: {e}")))?;
    let first = pages
        .first()
        .ok_or_else(|| AppError::field(field, "Tệp PDF không có trang nào."))?;
    if pages.len() > MAX_PAGES {
        return Err(AppError::field(
            field,
            format!(
                "Tệp PDF có {} trang, vượt giới hạn {MAX_PAGES} trang của một tệp. Hãy tách thành nhiều tệp đính kèm.",
                pages.len()
            ),
        ));
    }
    signing::refuse_active_content(bytes).map_err(|r| AppError::field(field, r.0))?;
    Ok(shared::pdf::appearance::display_size(first))
}

fn rect(r: [f64; 4]) -> shared::pdf::appearance::DisplayRect {
    shared::pdf::appearance::DisplayRect {
        x: r[0],
        y: r[1],
        w: r[2],
        h: r[3],
    }
}

/// Prepares the files of a version: the main PDF gets its number and date fields reserved (a new blob); the
/// attachments are checked and kept as uploaded.
async fn prepare_files(
    state: &AppState,
    user: &UserDto,
    main: &shared::outgoing::FileRef,
    attachments: &[shared::outgoing::FileRef],
    placement: Option<NumberPlacement>,
) -> AppResult<(Vec<NewFile>, NumberPlacement)> {
    let bytes = read_blob(state, user, &main.sha256, "main_file").await?;
    let bytes = crate::search_text::remember(state, &main.sha256, bytes).await?;
    let (reserved, placement) = blocking(move || -> AppResult<(Vec<u8>, NumberPlacement)> {
        let (w, h) = inspect_pdf(&bytes, "main_file")?;
        let placement = placement.unwrap_or_else(|| NumberPlacement::nd30_default(w, h));
        let layout = shared::pdf::fill::NumberFieldLayout {
            page: placement.page,
            number: rect(placement.number),
            date: rect(placement.date),
            verification: true,
        };
        let appended = shared::pdf::fill::reserve_number_fields(&bytes, &layout).map_err(|e| {
            AppError::field(
                "number_placement",
                format!("Không dành được chỗ cho số và ngày: {e}"),
            )
        })?;
        let mut out = bytes;
        out.extend_from_slice(&appended);
        Ok((out, placement))
    })
    .await??;
    let mut main_file = write_blob(state, reserved, user).await?;
    state
        .store
        .copy_blob_text(&main.sha256, &main_file.sha256)
        .await?;
    main_file.name = main.name.to_string();
    let mut total = main_file.size;
    let mut files = vec![main_file];
    for (i, a) in attachments.iter().enumerate() {
        let bytes = read_blob(state, user, &a.sha256, "attachments").await?;
        let bytes = crate::search_text::remember(state, &a.sha256, bytes).await?;
        let size = bytes.len() as i64;
        total += size;
        if total > MAX_VERSION_BYTES {
            return Err(AppError::field(
                "attachments",
                "Các tệp của văn bản cộng lại vượt 1 GiB. Hãy giảm độ phân giải bản quét hoặc bớt tệp đính kèm.",
            ));
        }
        blocking(move || inspect_pdf(&bytes, "attachments"))
            .await?
            .map_err(|e| match e {
                AppError::Validation(mut v) => {
                    v.message = format!("Tệp đính kèm {}: {}", i + 1, v.message);
                    AppError::Validation(v)
                }
                other => other,
            })?;
        files.push(NewFile {
            name: a.name.to_string(),
            sha256: a.sha256.clone(),
            size,
        });
    }
    Ok((files, placement))
}

/// The document as `user` may see it, or 404 (the decision is [`access::outgoing`]).
async fn visible(state: &AppState, user: &UserDto, id: i64) -> AppResult<OutgoingDto> {
    access::outgoing(state, user, id).await
}

pub async fn create_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<DraftRequest>,
) -> AppResult<(StatusCode, Json<OutgoingDto>)> {
    let user = session.user();
    access::may_draft(user)?;
    req.validate(user.id).map_err(AppError::Validation)?;
    let (files, placement) = prepare_files(
        &state,
        user,
        &req.main_file,
        &req.attachments,
        req.number_placement,
    )
    .await?;
    let id = state
        .store
        .create_outgoing(
            user,
            NewOutgoing {
                doc_type: req.doc_type,
                subject: req.subject.to_string(),
                urgency: req.urgency,
                reply_deadline: req.reply_deadline,
                signer_id: req.signer_id,
                signing_capacity: req.signing_capacity,
                register_id: req.register_id,
                answers_delivery_id: req.answers_delivery_id,
                answers_incoming_id: req.answers_incoming_id,
                internal_recipients: req.internal_recipients,
                external_recipients: req
                    .external_recipients
                    .into_iter()
                    .map(|r| (r.code.as_str().to_string(), r.name.to_string()))
                    .collect(),
                paper_recipients: req.paper_recipients.into_iter().map(String::from).collect(),
                reviewers: req.reviewers,
                number_placement: placement,
                files,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(visible(&state, user, id).await?)))
}

/// `GET /api/outgoing?bucket=…`: one page of a bucket, narrowed and sorted by the list parameters.
pub async fn list_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<OutgoingListResponse>> {
    let user = session.user();
    let (filter, route) = super::list_query(ListKind::Outgoing, raw.as_deref(), &["bucket"])?;
    let bucket = match route.as_slice() {
        [(_, code)] => OutgoingBucket::from_code(code).ok_or_else(|| {
            AppError::field("bucket", "Tham số “bucket”: mục văn bản đi không tồn tại.")
        })?,
        [] => {
            return Err(AppError::field(
                "bucket",
                "Tham số “bucket”: hãy chọn mục văn bản đi.",
            ));
        }
        _ => {
            return Err(AppError::field(
                "bucket",
                "Tham số “bucket” chỉ được có một lần.",
            ));
        }
    };
    if matches!(bucket, OutgoingBucket::ToIssue) && !user.has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư mới có hàng chờ phát hành.",
        ));
    }
    let (items, total) = state.store.list_outgoing(user, bucket, &filter).await?;
    Ok(Json(OutgoingListResponse {
        more: filter.offset() + (items.len() as i64) < total,
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
    }))
}

pub async fn outgoing_counts(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<OutgoingCounts>> {
    Ok(Json(state.store.outgoing_counts(session.user()).await?))
}

pub async fn get_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<OutgoingDto>> {
    Ok(Json(visible(&state, session.user(), id).await?))
}

pub async fn submit_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user();
    visible(&state, user, id).await?;
    state.store.submit_outgoing(user, id).await?;
    Ok(Json(visible(&state, user, id).await?))
}

/// `PUT /api/outgoing/{id}`: the drafter changes the metadata of a draft or a returned document.
pub async fn edit_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<EditDraftRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user();
    let doc = visible(&state, user, id).await?;
    access::may_edit_draft(user.id, doc.drafter.id, doc.status)?;
    req.validate(user.id).map_err(AppError::Validation)?;
    state
        .store
        .edit_outgoing(
            user,
            id,
            DraftEdit {
                doc_type: req.doc_type,
                subject: req.subject.to_string(),
                urgency: req.urgency,
                reply_deadline: req.reply_deadline,
                signer_id: req.signer_id,
                signing_capacity: req.signing_capacity,
                internal_recipients: req.internal_recipients,
                external_recipients: req
                    .external_recipients
                    .into_iter()
                    .map(|r| (r.code.as_str().to_string(), r.name.to_string()))
                    .collect(),
                paper_recipients: req.paper_recipients.into_iter().map(String::from).collect(),
                reviewers: req.reviewers,
            },
        )
        .await?;
    Ok(Json(visible(&state, user, id).await?))
}

pub async fn new_version(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<NewVersionRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user();
    let doc = visible(&state, user, id).await?;
    access::may_edit_draft(user.id, doc.drafter.id, doc.status)?;
    let comment =
        shared::outgoing::optional_comment(req.comment.as_deref()).map_err(AppError::Validation)?;
    if req.attachments.len() > shared::outgoing::MAX_ATTACHMENTS {
        return Err(AppError::field("attachments", "Tối đa 50 tệp đính kèm."));
    }
    // A new file may have another page size: the default placement is computed for it unless one is given.
    let (files, _) = prepare_files(
        &state,
        user,
        &req.main_file,
        &req.attachments,
        req.number_placement,
    )
    .await?;
    state.store.add_version(user, id, files, comment).await?;
    Ok(Json(visible(&state, user, id).await?))
}

pub async fn review_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user();
    let comment = req.validate().map_err(AppError::Validation)?;
    visible(&state, user, id).await?;
    state
        .store
        .review_outgoing(user, id, req.decision, comment, req.forward_to)
        .await?;
    Ok(Json(visible(&state, user, id).await?))
}

/// The message a failed item of a batch shows.
fn message_of(e: AppError) -> String {
    let resp = e.into_response();
    match resp.status() {
        StatusCode::NOT_FOUND => "Không tìm thấy văn bản.".into(),
        StatusCode::INTERNAL_SERVER_ERROR => "Lỗi hệ thống khi xử lý văn bản này.".into(),
        _ => "Không thực hiện được với văn bản này.".into(),
    }
}

pub async fn batch_review(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<BatchReviewRequest>,
) -> AppResult<Json<BatchResponse>> {
    let user = session.user();
    if req.ids.is_empty() || req.ids.len() > 100 {
        return Err(AppError::field("ids", "Chọn từ 1 đến 100 văn bản."));
    }
    let comment = req.review.validate().map_err(AppError::Validation)?;
    let mut results = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        // One failure does not stop the others; each result says what happened.
        let outcome = match visible(&state, user, id).await {
            Ok(_) => state
                .store
                .review_outgoing(
                    user,
                    id,
                    req.review.decision,
                    comment.clone(),
                    req.review.forward_to,
                )
                .await
                .map_err(AppError::from),
            Err(e) => Err(e),
        };
        results.push(match outcome {
            Ok(()) => BatchItemResult {
                id,
                ok: true,
                error: None,
            },
            Err(e) => BatchItemResult {
                id,
                ok: false,
                error: Some(readable(e)),
            },
        });
    }
    Ok(Json(BatchResponse { results }))
}

/// The Vietnamese sentence of an error, for per-item results.
fn readable(e: AppError) -> String {
    match &e {
        AppError::Forbidden(m) | AppError::Conflict(m) | AppError::BadRequest(m) => m.clone(),
        AppError::Validation(v) => v.message.clone(),
        _ => message_of(e),
    }
}

pub async fn sign_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<SignRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user().clone();
    let doc = visible(&state, &user, id).await?;
    if !doc.actions.iter().any(|a| a == "sign") && doc.signer.id != user.id {
        return Err(AppError::forbidden(
            "Chỉ người được trình ký (hoặc người được ủy quyền ký còn hiệu lực) mới ký được văn bản này.",
        ));
    }
    if doc.status != OutgoingStatus::AwaitingSignature {
        return Err(AppError::Conflict("Văn bản không ở bước chờ ký.".into()));
    }
    let latest = doc
        .versions
        .last()
        .and_then(|v| v.files.first())
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("document {id} has no files")))?;
    let previous = read_blob(&state, &user, &latest.sha256, "main_sha256").await?;
    let new = read_blob(&state, &user, &req.main_sha256, "main_sha256").await?;
    let options = signing::options_for(&state.store, &state.config.trust_anchors, &[&new]).await?;
    let anchors = options.trust_anchors.clone();
    // The account signing (the expected signer, or the person acting under their delegation: checked above
    // and again in the recording transaction) must own the certificate.
    let expected = signing::ExpectedSigner {
        name: user.full_name.clone(),
        agency: false,
        certificates: state
            .store
            .active_certificates(Owner::User(user.id))
            .await?,
    };
    let sha = req.main_sha256.clone();
    let (signature, to_stamp, new) = blocking(move || {
        let verified = signing::Verified::new(&new, &options);
        let signature = signing::check_signer_revision(&previous, &verified, &sha, &expected)?;
        let to_stamp = signing::needs_timestamp(&verified, &signature.field);
        Ok::<_, Refusal>((signature, to_stamp, new))
    })
    .await??;
    let (mut signature, mut file) = (
        signature,
        NewFile {
            name: latest.name.clone(),
            sha256: req.main_sha256,
            size: new.len() as i64,
        },
    );
    // PAdES B-T: the server's TSA vouches for when the signature existed (see `tsa::stamp`).
    if let (Some(url), Some(range)) = (&state.config.tsa_url, to_stamp) {
        let (stamped, _) = crate::tsa::stamp::stamp_signature(url, &anchors, new, &range).await?;
        let stored = write_blob(&state, stamped, &user).await?;
        signature.file_sha256 = stored.sha256.clone();
        file.sha256 = stored.sha256;
    }
    state
        .store
        .record_signature(&user, id, &latest.sha256, file, signature)
        .await?;
    Ok(Json(visible(&state, &user, id).await?))
}

pub async fn reserve_number(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    headers: axum::http::HeaderMap,
) -> AppResult<Json<NumberReservation>> {
    // The store checks who may (the agency's clerks; other agencies get 404) in the reserving transaction.
    let user = session.user();
    access::require_clerk(
        user,
        "Chỉ văn thư của cơ quan ban hành mới cấp số và phát hành được.",
    )?;
    let mut reservation = state
        .store
        .reserve_number(user, id, now_ms(), RESERVATION_LEASE_MS)
        .await?;
    // The store answers the page's path; the QR code needs the whole address.
    reservation.verification_url = format!(
        "{}{}",
        public_base(&state, &headers),
        reservation.verification_url
    );
    Ok(Json(reservation))
}

/// The address people reach this server at: `VANBAN_PUBLIC_URL`, else the scheme and host the clerk's browser
/// used (the issue page is on this server, so that is where the QR code can send people).
fn public_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if crate::auth::is_tls(headers, state) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub async fn release_number(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    let user = session.user();
    access::require_clerk(
        user,
        "Chỉ văn thư của cơ quan ban hành mới cấp số và phát hành được.",
    )?;
    state.store.release_number(user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn issue_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<IssueRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user().clone();
    let doc = visible(&state, &user, id).await?;
    access::may_issue(&user, &doc)?;
    let held = state.store.held_number(id).await?.ok_or_else(|| {
        AppError::Conflict(
            "Chưa lấy số cho văn bản này (hoặc số giữ đã hết hạn); hãy lấy số trước khi phát hành."
                .into(),
        )
    })?;
    match verify_issue(&state, &user, &doc, &held, req).await {
        Ok(record) => {
            state
                .store
                .issue_outgoing(
                    &user,
                    id,
                    &doc.versions
                        .last()
                        .map(|v| v.files[0].sha256.clone())
                        .unwrap_or_default(),
                    record,
                )
                .await?;
        }
        Err(e) => {
            // Nothing is recorded, and the held number goes back so it is not consumed.
            let _ = state.store.release_number(&user, id).await;
            return Err(e);
        }
    }
    Ok(Json(visible(&state, &user, id).await?))
}

/// Verifies every file of an issue against the signed version and the held number.
async fn verify_issue(
    state: &AppState,
    user: &UserDto,
    doc: &OutgoingDto,
    held: &crate::store::outgoing::HeldNumber,
    req: IssueRequest,
) -> AppResult<IssueRecord> {
    let today = shared::civil_date::CivilDate::of(shared::time::Timestamp(now_ms()));
    if held.year != today.year {
        return Err(AppError::Conflict(
            "Số được giữ từ năm trước; năm mới đánh số lại từ 01. Hãy lấy số lại.".into(),
        ));
    }
    let signed = doc
        .versions
        .last()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("document {} has no version", doc.id)))?;
    if req.attachments.len() + 1 != signed.files.len() {
        return Err(AppError::field(
            "attachments",
            format!(
                "Văn bản có {} tệp đính kèm; cần tải lên đủ {} tệp đã ký.",
                signed.files.len() - 1,
                signed.files.len() - 1
            ),
        ));
    }
    let number_text = shared::pdf::fill::number_text(held.number, &doc.notation);
    let date_text = shared::pdf::fill::date_text(today.year, today.month, today.day);
    let seal = std::sync::Arc::new(signing::ExpectedSigner {
        name: doc.agency_name.clone(),
        agency: true,
        certificates: state
            .store
            .active_certificates(Owner::Agency(doc.agency_id))
            .await?,
    });
    let mut files = Vec::new();
    let mut signatures = Vec::new();
    let mut checks = Vec::new();
    let mut archive_timestamp_until: Option<i64> = None;
    for (i, (before, after)) in signed
        .files
        .iter()
        .zip(std::iter::once(&req.main_sha256).chain(req.attachments.iter()))
        .enumerate()
    {
        let previous = read_blob(
            state,
            user,
            &before.sha256,
            if i == 0 { "main_sha256" } else { "attachments" },
        )
        .await?;
        let new = read_blob(
            state,
            user,
            after,
            if i == 0 { "main_sha256" } else { "attachments" },
        )
        .await?;
        // Each file is judged with the OCSP responses held about the certificates it carries.
        let options = std::sync::Arc::new(
            signing::options_for(&state.store, &state.config.trust_anchors, &[&new]).await?,
        );
        let (opts, sha, agency, seal) = (
            options.clone(),
            after.clone(),
            doc.agency_name.clone(),
            seal.clone(),
        );
        let (nt, dt, code) = (
            number_text.clone(),
            date_text.clone(),
            held.verification_code.clone(),
        );
        let name = before.name.clone();
        let (found, mut check, to_stamp, new) = blocking(move || {
            let verified = signing::Verified::new(&new, &opts);
            // What every recipient on the system is shown with the file: the same check as for any arrival,
            // read from the same verification.
            let check = signing::check_received(
                &name,
                &sha,
                &verified,
                (i == 0).then_some(agency.as_str()),
            );
            let found = if i == 0 {
                signing::check_issued_main(
                    &previous,
                    &verified,
                    &sha,
                    &IssueExpectation {
                        agency: &seal,
                        number_text: &nt,
                        date_text: &dt,
                        verification_code: &code,
                    },
                )
            } else {
                signing::check_signed_attachment(&previous, &verified, &sha, &seal).map(|s| vec![s])
            };
            // The signature this step added (the seal, or the attachment's) is the last one found.
            let to_stamp = found.as_ref().ok().and_then(|f| f.last()).and_then(|s| {
                signing::needs_timestamp(&verified, &s.field).map(|r| (s.field.clone(), r))
            });
            (found, check, to_stamp, new)
        })
        .await?;
        let mut found = found.map_err(|r| {
            if i == 0 {
                AppError::from(r)
            } else {
                AppError::from(Refusal(format!(
                    "Tệp đính kèm {} ({}): {}",
                    i, before.name, r.0
                )))
            }
        })?;
        let mut file = NewFile {
            name: before.name.clone(),
            sha256: after.clone(),
            size: new.len() as i64,
        };
        let (mut bytes, mut changed) = (new, false);
        // PAdES B-T for the agency's signature too (see `tsa::stamp`); the file recipients get is the stamped one.
        if let (Some(url), Some((field, range))) = (&state.config.tsa_url, to_stamp) {
            let (stamped, timestamp) =
                crate::tsa::stamp::stamp_signature(url, &options.trust_anchors, bytes, &range)
                    .await?;
            crate::tsa::stamp::record_in(&mut check, &field, &timestamp);
            (bytes, changed) = (stamped, true);
        }
        // PAdES B-LT/B-LTA: the validation data of every signature and, with a TSA, a document timestamp (see
        // `tsa::ltv`). What is stored, delivered and compared by the public verification is this final file,
        // and the verdict recipients see is of these bytes.
        let held = crate::tsa::ltv::held(&state.store, &state.config, &bytes).await;
        if !held.is_empty() {
            bytes = crate::tsa::ltv::append(
                bytes,
                options.trust_anchors.clone(),
                held,
                state.config.tsa_url.clone(),
            )
            .await?;
            changed = true;
            let (opts, name, agency) = (
                options.clone(),
                before.name.clone(),
                doc.agency_name.clone(),
            );
            let (rechecked, kept, until) = blocking(move || {
                let verified = signing::Verified::new(&bytes, &opts);
                let check = signing::check_received(
                    &name,
                    "",
                    &verified,
                    (i == 0).then_some(agency.as_str()),
                );
                let until = shared::pdf::ltv::last_document_timestamp(&bytes[..])
                    .ok()
                    .flatten()
                    .map(|(_, expires)| expires.0);
                (check, bytes, until)
            })
            .await?;
            (check, bytes) = (rechecked, kept);
            // The archive is renewed before the first of the files' timestamp certificates expires.
            archive_timestamp_until = match (archive_timestamp_until, until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        if changed {
            file.size = bytes.len() as i64;
            let stored = write_blob(state, bytes, user).await?;
            for s in &mut found {
                s.file_sha256 = stored.sha256.clone();
            }
            check.sha256 = stored.sha256.clone();
            file.sha256 = stored.sha256;
        }
        checks.push(check);
        signatures.extend(found);
        files.push(file);
    }
    let _ = user;
    Ok(IssueRecord {
        register_id: held.register_id,
        year: held.year,
        number: held.number,
        number_text,
        verification_code: held.verification_code.clone(),
        files,
        signatures,
        verification: signing::received_verdict(checks, shared::time::Timestamp(now_ms())),
        archive_timestamp_until,
    })
}

pub async fn recall_outgoing(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<RecallRequest>,
) -> AppResult<Json<OutgoingDto>> {
    let user = session.user();
    let reason = shared::outgoing::reason(&req.reason).map_err(AppError::Validation)?;
    visible(&state, user, id).await?;
    state.store.recall_outgoing(user, id, reason).await?;
    Ok(Json(visible(&state, user, id).await?))
}

/// The bytes of one file of a version the caller may see.
pub async fn get_file(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path((id, file)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    let parse = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| AppError::NotFound("Không tìm thấy tệp."))
    };
    let (id, file) = (parse(&id)?, parse(&file)?);
    let doc = visible(&state, session.user(), id).await?;
    let f = doc
        .versions
        .iter()
        .flat_map(|v| v.files.iter())
        .find(|f| f.id == file)
        .cloned()
        .ok_or(AppError::NotFound("Không tìm thấy tệp."))?;
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        f.name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
            .collect::<String>(),
        percent_encode(&f.name)
    );
    crate::routes::file_response::pdf(&state, &headers, &f.sha256, f.size, Some(disposition)).await
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn list_arrivals(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<ArrivalListResponse>> {
    let user = session.user();
    access::may_list_arrivals(user)?;
    Ok(Json(ArrivalListResponse {
        items: state.store.list_arrivals(user.agency.id, 500).await?,
    }))
}

pub async fn answer_recall(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(delivery): IdPath,
    ApiJson(req): ApiJson<RecallAnswerRequest>,
) -> AppResult<StatusCode> {
    access::require_clerk(
        session.user(),
        "Chỉ văn thư của nơi nhận mới trả lời được yêu cầu thu hồi.",
    )?;
    let reason = match req.reason.as_deref().map(str::trim) {
        None | Some("") if req.agree => None,
        None | Some("") => {
            return Err(AppError::field(
                "reason",
                "Cần ghi lý do khi từ chối thu hồi.",
            ));
        }
        Some(r) => Some(shared::outgoing::reason(r).map_err(AppError::Validation)?),
    };
    state
        .store
        .answer_recall(session.user(), delivery, req.agree, reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
