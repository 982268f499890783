//! Incoming documents (Điều 12, 15.4, 16, 17, 20): registering what arrived by e-mail, on paper or through
//! the exchange (files verified here, off the async workers), the clerk's accept or return, forwarding,
//! assignment, the handlers' queue and actions, urging, the dashboard, delegations and handover.
//!
//! Who may do what is decided by the store inside the transaction that changes the row; the handlers here
//! parse, check uploads, and make one store call.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use shared::civil_date::CivilDate;
use shared::incoming::{
    AcceptRequest, AssignRequest, DashboardDto, DelegationListResponse, DelegationRequest,
    FileCheck, ForwardRequest, HandlerActionRequest, HandoverRequest, HandoverResult,
    IncomingBucket, IncomingChannel, IncomingCounts, IncomingDto, IncomingListResponse,
    NewIncomingRequest, PrefillDto, PrefillRequest, QueueResponse, ReturnRequest, UrgeRequest,
    VerificationDto, optional_text, required_reason,
};
use shared::outgoing::RecallAnswerRequest;
use shared::role::Role;
use shared::time::Timestamp;
use shared::user::UserDto;

use super::LIST_LIMIT;
use crate::access;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, IdPath};
use crate::routes::outgoing::read_blob;
use crate::signing;
use crate::store::NewFile;
use crate::store::incoming::{NewAssignment, NewDelegation, NewIncoming};
use crate::store::now_ms;
use axum::extract::RawQuery;
use shared::list_query::ListKind;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

fn today() -> CivilDate {
    CivilDate::of(Timestamp(now_ms()))
}

/// The server's check of received files: signatures and pages, and for a paper scan the format rules
/// (PDF ≥ 1.4 refused below, under 200 dpi warned) and the agency signature the clerk applied.
async fn check_files(
    state: &AppState,
    user: &UserDto,
    files: &[(String, String)],
    channel: IncomingChannel,
    issuing_agency: String,
) -> AppResult<(VerificationDto, Vec<NewFile>)> {
    let mut checks: Vec<FileCheck> = Vec::new();
    let mut stored = Vec::new();
    for (i, (name, sha)) in files.iter().enumerate() {
        let field = if i == 0 { "main_file" } else { "attachments" };
        let bytes = read_blob(state, user, sha, field).await?;
        let bytes = crate::search_text::remember(state, sha, bytes).await?;
        let size = bytes.len() as i64;
        let opts =
            signing::options_for(&state.store, &state.config.trust_anchors, &[&bytes]).await?;
        let (name2, sha2, agency) = (name.clone(), sha.clone(), issuing_agency.clone());
        let (check, refusals) = blocking(move || {
            let main = i == 0;
            let verified = signing::Verified::new(&bytes, &opts);
            let mut check =
                signing::check_received(&name2, &sha2, &verified, main.then_some(agency.as_str()));
            let mut refusals = Vec::new();
            if channel == IncomingChannel::Paper && main {
                let found = shared::pdf::prefill::prefill(&bytes);
                let (refuse, warn) = shared::pdf::prefill::scan_problems(&found);
                refusals = refuse;
                check.warnings.extend(warn);
            }
            // A received document is registered as it came (it is the sender's act), but the clerk and every
            // reader are told what it carries, or that it could not be checked.
            match shared::pdf::active::active_content(bytes.as_slice()) {
                Ok(found) if found.is_empty() => {}
                Ok(found) => check.warnings.push(format!(
                    "Tệp có nội dung chủ động ({}); không mở các thành phần này.",
                    found.join(", ")
                )),
                Err(e) => check.warnings.push(format!(
                    "Không kiểm tra được nội dung chủ động của tệp: {e} Chỉ mở tệp bằng trình xem an toàn."
                )),
            }
            (check, refusals)
        })
        .await?;
        if let Some(r) = refusals.into_iter().next() {
            return Err(AppError::field(field, r));
        }
        if check.pages.is_none() {
            return Err(AppError::field(
                field,
                format!("Tệp {name} không phải là tệp PDF đọc được."),
            ));
        }
        checks.push(check);
        stored.push(NewFile {
            name: name.clone(),
            sha256: sha.clone(),
            size,
        });
    }
    Ok((
        signing::received_verdict(checks, Timestamp(now_ms())),
        stored,
    ))
}

/// `POST /api/incoming`: a clerk registers a document that arrived by e-mail, on paper or from the exchange.
pub async fn create_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<NewIncomingRequest>,
) -> AppResult<(StatusCode, Json<IncomingDto>)> {
    let user = session.user().clone();
    if !user.has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư mới tiếp nhận được văn bản đến.",
        ));
    }
    req.validate(Timestamp(now_ms()))
        .map_err(AppError::Validation)?;
    let note = optional_text(req.note.as_deref(), "note", 500).map_err(AppError::Validation)?;
    let files: Vec<(String, String)> = std::iter::once(&req.main_file)
        .chain(req.attachments.iter())
        .map(|f| (f.name.as_str().to_string(), f.sha256.clone()))
        .collect();
    // A scan carries the receiving agency's signature (the clerk applied it); anything else the sender's.
    let signer_agency = if req.channel == IncomingChannel::Paper {
        user.agency.name.clone()
    } else {
        req.sender_name.as_str().to_string()
    };
    let (verification, stored) =
        check_files(&state, &user, &files, req.channel, signer_agency).await?;
    let id = state
        .store
        .create_incoming(
            &user,
            NewIncoming {
                channel: req.channel,
                sender_name: req.sender_name.as_str().to_string(),
                sender_code: req.sender_code.filter(|c| !c.trim().is_empty()),
                code_text: req.code_text.as_str().to_string(),
                issued_date: req.issued_date,
                doc_type: req.doc_type,
                subject: req.subject.as_str().to_string(),
                urgency: req.urgency,
                signer_name: req.signer_name.map(|s| s.as_str().to_string()),
                reply_deadline: req.reply_deadline,
                declared_attachments: req.declared_attachments,
                declared_pages: req.declared_pages,
                files: stored,
                verification,
                backfilled_arrival: req.backfilled_arrival.map(|t| t.0),
                note,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.get_incoming(&user, id).await?),
    ))
}

/// `POST /api/incoming/prefill`: what the text layer of an uploaded PDF suggests for the form.
pub async fn prefill(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<PrefillRequest>,
) -> AppResult<Json<PrefillDto>> {
    if !session.user().has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư mới tiếp nhận được văn bản đến.",
        ));
    }
    let bytes = read_blob(&state, session.user(), &req.sha256, "sha256").await?;
    Ok(Json(
        blocking(move || shared::pdf::prefill::prefill(&bytes)).await?,
    ))
}

/// `GET /api/incoming?bucket=…`: one page of a bucket, narrowed and sorted by the list parameters.
pub async fn list_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<IncomingListResponse>> {
    let user = session.user();
    let (filter, route) =
        crate::routes::list_query(ListKind::Incoming, raw.as_deref(), &["bucket"])?;
    let bucket = match route.as_slice() {
        [] => IncomingBucket::Pending,
        [(_, code)] => IncomingBucket::from_code(code).ok_or_else(|| {
            AppError::field("bucket", "Tham số “bucket”: mục văn bản đến không tồn tại.")
        })?,
        _ => {
            return Err(AppError::field(
                "bucket",
                "Tham số “bucket” chỉ được có một lần.",
            ));
        }
    };
    if matches!(bucket, IncomingBucket::ToRegister) && !user.has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư mới xem được văn bản chờ vào sổ.",
        ));
    }
    let (items, total) = state.store.list_incoming(user, bucket, &filter).await?;
    Ok(Json(IncomingListResponse {
        more: filter.offset() + (items.len() as i64) < total,
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
    }))
}

pub async fn incoming_counts(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<IncomingCounts>> {
    Ok(Json(state.store.incoming_counts(session.user()).await?))
}

/// `GET /api/queue`: the handler's open work, most pressing first.
pub async fn queue(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<QueueResponse>> {
    Ok(Json(QueueResponse {
        items: state.store.queue(session.user(), LIST_LIMIT).await?,
    }))
}

pub async fn get_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<IncomingDto>> {
    Ok(Json(state.store.get_incoming(session.user(), id).await?))
}

/// `GET /api/incoming/{id}/verification`: the server verifies what arrived again, now.
pub async fn verify_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<VerificationDto>> {
    let doc = state.store.get_incoming(session.user(), id).await?;
    let files: Vec<(String, String)> = doc
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    let signer_agency = if doc.channel == IncomingChannel::Paper {
        session.user().agency.name.clone()
    } else {
        doc.sender_name.clone()
    };
    let (verification, _) =
        check_files(&state, session.user(), &files, doc.channel, signer_agency).await?;
    Ok(Json(verification))
}

pub async fn accept_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<AcceptRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming(&state, user, id).await?;
    let why = optional_text(req.override_reason.as_deref(), "override_reason", 1000)
        .map_err(AppError::Validation)?;
    state
        .store
        .accept_incoming(user, id, why, req.forward_to)
        .await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

pub async fn return_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReturnRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming(&state, user, id).await?;
    let reason = required_reason(Some(&req.reason), "reason").map_err(AppError::Validation)?;
    state.store.return_incoming(user, id, reason).await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

pub async fn forward_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ForwardRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming(&state, user, id).await?;
    let comment =
        optional_text(req.comment.as_deref(), "comment", 2000).map_err(AppError::Validation)?;
    state
        .store
        .forward_incoming(user, id, req.leader_id, comment)
        .await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

fn assignment(req: AssignRequest) -> AppResult<NewAssignment> {
    let instruction = req.validate(today()).map_err(AppError::Validation)?;
    Ok(NewAssignment {
        instruction,
        due_date: req.due_date,
        targets: req.targets,
    })
}

pub async fn assign_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<AssignRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming(&state, user, id).await?;
    let a = assignment(req)?;
    state.store.assign_incoming(user, id, a).await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

/// The leader closes the handling with a reason (the same `{"reason"}` body as a return).
pub async fn close_incoming(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReturnRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming(&state, user, id).await?;
    let reason = required_reason(Some(&req.reason), "reason").map_err(AppError::Validation)?;
    state.store.close_incoming(user, id, reason).await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

pub async fn assign_in_unit(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<AssignRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming_of_assignment(&state, user, id).await?;
    let a = assignment(req)?;
    let doc = state.store.assign_in_unit(user, id, a).await?;
    Ok(Json(state.store.get_incoming(user, doc).await?))
}

pub async fn act(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<HandlerActionRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming_of_assignment(&state, user, id).await?;
    let (comment, record) = req.validate().map_err(AppError::Validation)?;
    let doc = state
        .store
        .act_on_assignment(user, id, req.action, comment, record)
        .await?;
    Ok(Json(state.store.get_incoming(user, doc).await?))
}

pub async fn urge(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<UrgeRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    access::incoming_of_assignment(&state, user, id).await?;
    let message =
        optional_text(req.message.as_deref(), "message", 500).map_err(AppError::Validation)?;
    let doc = state.store.urge(user, id, message).await?;
    Ok(Json(state.store.get_incoming(user, doc).await?))
}

pub async fn answer_recall(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<RecallAnswerRequest>,
) -> AppResult<Json<IncomingDto>> {
    let user = session.user();
    let reason = if req.agree {
        optional_text(req.reason.as_deref(), "reason", 1000).map_err(AppError::Validation)?
    } else {
        Some(required_reason(req.reason.as_deref(), "reason").map_err(AppError::Validation)?)
    };
    if !user.has_role(Role::Clerk) {
        return Err(AppError::forbidden(
            "Chỉ văn thư của nơi nhận mới trả lời được yêu cầu thu hồi.",
        ));
    }
    state
        .store
        .answer_incoming_recall(user, id, req.agree, reason)
        .await?;
    Ok(Json(state.store.get_incoming(user, id).await?))
}

/// The bytes of one received file the caller may see.
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
    let doc = state.store.get_incoming(session.user(), id).await?;
    let f = doc
        .files
        .iter()
        .find(|f| f.id == file)
        .cloned()
        .ok_or(AppError::NotFound("Không tìm thấy tệp."))?;
    crate::routes::file_response::pdf(&state, &headers, &f.sha256, f.size, None).await
}

/// `GET /api/dashboard`: the leader's view of the backlog; `?unit=` or `?user=` drills down, and a drill-down
/// takes the list parameters.
pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    RawQuery(raw): RawQuery,
) -> AppResult<Json<DashboardDto>> {
    let (filter, route) =
        crate::routes::list_query(ListKind::Dashboard, raw.as_deref(), &["unit", "user"])?;
    let (mut unit, mut user) = (None, None);
    for (key, value) in route {
        let slot = if key == "unit" { &mut unit } else { &mut user };
        if slot.is_some() {
            return Err(AppError::field(
                &key,
                format!("Tham số “{key}” chỉ được có một lần."),
            ));
        }
        *slot =
            Some(value.parse::<i64>().map_err(|_| {
                AppError::field(&key, format!("Tham số “{key}” phải là một mã số."))
            })?);
    }
    Ok(Json(
        state
            .store
            .dashboard(session.user(), unit, user, &filter)
            .await?,
    ))
}

pub async fn list_delegations(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<DelegationListResponse>> {
    Ok(Json(DelegationListResponse {
        items: state.store.list_delegations(session.user()).await?,
    }))
}

pub async fn create_delegation(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<DelegationRequest>,
) -> AppResult<(StatusCode, Json<DelegationListResponse>)> {
    let user = session.user();
    let reason = req
        .validate(today(), user.id)
        .map_err(AppError::Validation)?;
    state
        .store
        .create_delegation(
            user,
            NewDelegation {
                from_user_id: req.from_user_id.unwrap_or(user.id),
                to_user_id: req.to_user_id,
                starts_on: req.starts_on,
                ends_on: req.ends_on,
                signing: req.signing,
                reason,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DelegationListResponse {
            items: state.store.list_delegations(user).await?,
        }),
    ))
}

pub async fn revoke_delegation(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<StatusCode> {
    state.store.revoke_delegation(session.user(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/users/{id}/handover`: an administrator moves the open work of account `id` to another.
pub async fn handover(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<HandoverRequest>,
) -> AppResult<Json<HandoverResult>> {
    let reason =
        optional_text(req.reason.as_deref(), "reason", 500).map_err(AppError::Validation)?;
    Ok(Json(
        state
            .store
            .handover(session.user(), id, req.to_user_id, reason)
            .await?,
    ))
}
