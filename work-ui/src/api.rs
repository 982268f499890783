//! The work bundle's typed client of the JSON API (docs/API.md): outgoing and incoming documents, registers,
//! arrivals, assignments, blobs; the administration's accounts and units in [`admin`].
//! The plumbing (send, decode, the session and its CSRF token, asked once per page load with `GET /api/me`) is
//! the `client` crate's, shared with the app. Every failure has a Vietnamese sentence.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use shared::agency::UnitDto;
use shared::api;
use shared::incoming::{
    AcceptRequest, AssignRequest, ForwardRequest, HandlerActionRequest, IncomingBucket,
    IncomingDto, IncomingListResponse, IncomingRegisterResponse, NewIncomingRequest, PrefillDto,
    PrefillRequest, ReturnRequest, UrgeRequest, VerificationDto,
};
use shared::outgoing::{
    ArrivalListResponse, BatchResponse, BatchReviewRequest, DraftRequest, IssueRequest,
    NewVersionRequest, NumberReservation, OutgoingBucket, OutgoingCounts, OutgoingDto,
    OutgoingListResponse, OutgoingRegisterResponse, RecallAnswerRequest, RecallRequest,
    RegisterDto, ReviewRequest, SignRequest,
};
use shared::user::UserListResponse;

pub use client::{ApiResult, ClientError, NETWORK_MESSAGE, session};
use client::{send, write};

pub mod admin;
pub mod record_files;

async fn csrf() -> ApiResult<String> {
    client::csrf_token().await
}

async fn post(url: &str) -> ApiResult<RequestBuilder> {
    client::post(url).await
}

async fn read<T: DeserializeOwned>(request: Result<Request, gloo_net::Error>) -> ApiResult<T> {
    client::read(request).await
}

/// The CA certificates the province trusts and the CRLs the server holds for them (PEM), for the worker's
/// verifier; none if the server cannot say (every signature then shows as untrusted, which is the safe side).
pub async fn trust_anchors() -> shared::pdf::TrustAnchorsResponse {
    read::<shared::pdf::TrustAnchorsResponse>(Request::get(api::TRUST_ANCHORS).build())
        .await
        .unwrap_or_default()
}

fn path(template: &str, id: i64) -> String {
    api::path(template, id)
}

// --- reading ---

pub async fn colleagues() -> ApiResult<UserListResponse> {
    read(Request::get(api::COLLEAGUES).build()).await
}

pub async fn agencies() -> ApiResult<Vec<shared::agency::AgencyDto>> {
    read(Request::get(api::AGENCIES).build()).await
}

pub async fn registers() -> ApiResult<Vec<RegisterDto>> {
    read(Request::get(api::REGISTERS).build()).await
}

pub async fn register_entries(id: i64, year: Option<i32>) -> ApiResult<OutgoingRegisterResponse> {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(y) = year {
        params.push(("year", y.to_string()));
    }
    read(
        Request::get(&path(api::REGISTER_ENTRIES, id))
            .query(params)
            .build(),
    )
    .await
}

/// One page of a bucket under the list's filters and sort.
pub async fn outgoing_list(
    bucket: OutgoingBucket,
    q: &shared::list_query::ListQuery,
) -> ApiResult<OutgoingListResponse> {
    let mut params = vec![("bucket", bucket.code().to_string())];
    params.extend(q.to_pairs());
    read(Request::get(api::OUTGOING).query(params).build()).await
}

pub async fn outgoing_counts() -> ApiResult<OutgoingCounts> {
    read(Request::get(api::OUTGOING_COUNTS).build()).await
}

pub async fn outgoing(id: i64) -> ApiResult<OutgoingDto> {
    read(Request::get(&path(api::OUTGOING_ONE, id)).build()).await
}

pub async fn arrivals() -> ApiResult<ArrivalListResponse> {
    read(Request::get(api::ARRIVALS).build()).await
}

/// The bytes of one file of a document.
pub async fn file_bytes(id: i64, file: i64) -> ApiResult<Vec<u8>> {
    url_bytes(&api::outgoing_file(id, file)).await
}

// --- writing ---

pub async fn create_outgoing(body: &DraftRequest) -> ApiResult<OutgoingDto> {
    write(api::OUTGOING, body).await
}

pub async fn submit(id: i64) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_SUBMIT, id), &serde_json::json!({})).await
}

/// `PUT /api/outgoing/{id}`: the drafter's corrected metadata.
pub async fn edit_outgoing(
    id: i64,
    body: &shared::outgoing::EditDraftRequest,
) -> ApiResult<OutgoingDto> {
    client::put(&path(api::OUTGOING_ONE, id), body).await
}

pub async fn new_version(id: i64, body: &NewVersionRequest) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_NEW_VERSION, id), body).await
}

pub async fn review(id: i64, body: &ReviewRequest) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_REVIEW, id), body).await
}

pub async fn batch_review(body: &BatchReviewRequest) -> ApiResult<BatchResponse> {
    write(api::OUTGOING_BATCH_REVIEW, body).await
}

pub async fn sign(id: i64, body: &SignRequest) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_SIGN, id), body).await
}

pub async fn reserve_number(id: i64) -> ApiResult<NumberReservation> {
    write(&path(api::OUTGOING_RESERVATION, id), &serde_json::json!({})).await
}

pub async fn release_number(id: i64) -> ApiResult<()> {
    let request = Request::delete(&path(api::OUTGOING_RESERVATION, id))
        .header(api::CSRF_HEADER, &csrf().await?)
        .build();
    send(request).await.map(drop)
}

pub async fn issue(id: i64, body: &IssueRequest) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_ISSUE, id), body).await
}

pub async fn recall(id: i64, body: &RecallRequest) -> ApiResult<OutgoingDto> {
    write(&path(api::OUTGOING_RECALL, id), body).await
}

pub async fn answer_recall(delivery: i64, body: &RecallAnswerRequest) -> ApiResult<()> {
    let request = post(&path(api::DELIVERY_RECALL_ANSWER, delivery))
        .await?
        .json(body);
    send(request).await.map(drop)
}

/// Uploads bytes already in memory (a signed revision) under their SHA-256 name.
pub async fn upload_bytes(sha256: &str, bytes: &[u8]) -> ApiResult<()> {
    let array = js_sys::Uint8Array::from(bytes);
    let request = Request::put(&api::BLOB.replace("{sha256}", sha256))
        .header(api::CSRF_HEADER, &csrf().await?)
        .header("content-type", "application/pdf")
        .body(array);
    send(request).await.map(drop)
}

// --- certificates of one's own keys ---

/// Sends the certificate request of a key this browser made: the certificate a CA issues for it will be
/// bound to the signed-in account.
pub async fn submit_certificate_request(
    csr: String,
) -> ApiResult<shared::certificate::CertificateRequestDto> {
    write(
        api::ME_CERTIFICATE_REQUESTS,
        &shared::certificate::CertificateRequestBody { csr },
    )
    .await
}

/// Registers to the signed-in account the certificate a CA issued for one of their key requests.
pub async fn present_certificate(
    certificate: String,
) -> ApiResult<shared::certificate::CertificateDto> {
    write(
        api::ME_CERTIFICATES,
        &shared::certificate::PresentCertificateRequest { certificate },
    )
    .await
}

// --- remote signing (ký số từ xa) ---

/// The remote signing provider and the signed-in person's credentials there.
pub async fn remote_signing() -> ApiResult<shared::remote_signing::RemoteSigningDto> {
    read(Request::get(api::ME_REMOTE_SIGNING).build()).await
}

/// Sets the person's identifier at the provider; the credentials found with it.
pub async fn set_remote_signing_id(
    user_id: String,
) -> ApiResult<shared::remote_signing::RemoteSigningDto> {
    client::put(
        api::ME_REMOTE_SIGNING,
        &shared::remote_signing::RemoteSigningIdRequest { user_id },
    )
    .await
}

/// Asks the provider to sign (or to register the credential); the request comes back pending.
pub async fn request_remote_signature(
    request: &shared::remote_signing::RemoteSignatureRequest,
) -> ApiResult<shared::remote_signing::RemoteSignatureDto> {
    write(api::ME_REMOTE_SIGNATURES, request).await
}

/// How a remote signing request stands.
pub async fn remote_signature(id: i64) -> ApiResult<shared::remote_signing::RemoteSignatureDto> {
    read(Request::get(&api::me_remote_signature(id)).build()).await
}

// --- incoming documents (văn bản đến) ---

/// One page of a bucket under the list's filters and sort.
pub async fn incoming_list(
    bucket: IncomingBucket,
    q: &shared::list_query::ListQuery,
) -> ApiResult<IncomingListResponse> {
    let mut params = vec![("bucket", bucket.code().to_string())];
    params.extend(q.to_pairs());
    read(Request::get(api::INCOMING).query(params).build()).await
}

/// `GET /api/search`: one page of the documents the caller may open that match.
pub async fn search(q: &shared::search::SearchQuery) -> ApiResult<shared::search::SearchResponse> {
    read(Request::get(api::SEARCH).query(q.to_pairs()).build()).await
}

pub async fn incoming(id: i64) -> ApiResult<IncomingDto> {
    read(Request::get(&path(api::INCOMING_ONE, id)).build()).await
}

/// The server verifies the received files again, now.
pub async fn incoming_verification(id: i64) -> ApiResult<VerificationDto> {
    read(Request::get(&path(api::INCOMING_VERIFY, id)).build()).await
}

/// The bytes of one received file.
pub async fn incoming_file_bytes(id: i64, file: i64) -> ApiResult<Vec<u8>> {
    url_bytes(&api::incoming_file(id, file)).await
}

/// `GET /api/reports/summary`: the six-month report as JSON.
pub async fn summary_report(
    q: &shared::report::ReportQuery,
) -> ApiResult<shared::report::SummaryReport> {
    let q = shared::report::ReportQuery {
        format: shared::report::ReportFormat::Json,
        ..*q
    };
    read(
        Request::get(api::REPORTS_SUMMARY)
            .query(q.to_pairs())
            .build(),
    )
    .await
}

/// The bytes at an API address (a file of a document).
pub async fn url_bytes(url: &str) -> ApiResult<Vec<u8>> {
    let response = send(Request::get(url).build()).await?;
    response.binary().await.map_err(|_| ClientError::Network)
}

/// The units of an agency (to assign to).
pub async fn units(agency: i64) -> ApiResult<Vec<UnitDto>> {
    read(Request::get(&path(api::AGENCY_UNITS, agency)).build()).await
}

/// The incoming register's entries for a year (10 columns of NĐ 30).
pub async fn incoming_register_entries(
    id: i64,
    year: Option<i32>,
) -> ApiResult<IncomingRegisterResponse> {
    let params: Vec<(&str, String)> = year.map(|y| ("year", y.to_string())).into_iter().collect();
    read(
        Request::get(&path(api::REGISTER_ENTRIES, id))
            .query(params)
            .build(),
    )
    .await
}

pub async fn prefill(sha256: &str) -> ApiResult<PrefillDto> {
    write(
        api::INCOMING_PREFILL,
        &PrefillRequest {
            sha256: sha256.to_string(),
        },
    )
    .await
}

pub async fn create_incoming(body: &NewIncomingRequest) -> ApiResult<IncomingDto> {
    write(api::INCOMING, body).await
}

pub async fn accept_incoming(id: i64, body: &AcceptRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_ACCEPT, id), body).await
}

/// Kết thúc xử lý: the leader closes the handling with a reason.
pub async fn close_incoming(id: i64, body: &ReturnRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_CLOSE, id), body).await
}

pub async fn return_incoming(id: i64, body: &ReturnRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_RETURN, id), body).await
}

pub async fn forward_incoming(id: i64, body: &ForwardRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_FORWARD, id), body).await
}

pub async fn assign_incoming(id: i64, body: &AssignRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_ASSIGN, id), body).await
}

pub async fn answer_incoming_recall(id: i64, body: &RecallAnswerRequest) -> ApiResult<IncomingDto> {
    write(&path(api::INCOMING_RECALL_ANSWER, id), body).await
}

/// A unit leader assigns inside the unit.
pub async fn assign_in_unit(assignment: i64, body: &AssignRequest) -> ApiResult<IncomingDto> {
    write(&path(api::ASSIGNMENT_ASSIGN, assignment), body).await
}

pub async fn act_on_assignment(
    assignment: i64,
    body: &HandlerActionRequest,
) -> ApiResult<IncomingDto> {
    write(&path(api::ASSIGNMENT_ACT, assignment), body).await
}

pub async fn urge(assignment: i64, body: &UrgeRequest) -> ApiResult<IncomingDto> {
    write(&path(api::ASSIGNMENT_URGE, assignment), body).await
}

// --- the leaders' dashboard, delegations, handover ---

/// `GET /api/dashboard`, or one unit's (`unit`) or person's (`user`) open work.
pub async fn dashboard(
    unit: Option<i64>,
    user: Option<i64>,
    q: &shared::list_query::ListQuery,
) -> ApiResult<shared::incoming::DashboardDto> {
    let mut params: Vec<(&str, String)> = q.to_pairs();
    if let Some(u) = unit {
        params.push(("unit", u.to_string()));
    }
    if let Some(u) = user {
        params.push(("user", u.to_string()));
    }
    read(Request::get(api::DASHBOARD).query(params).build()).await
}

pub async fn delegations() -> ApiResult<shared::incoming::DelegationListResponse> {
    read(Request::get(api::DELEGATIONS).build()).await
}

pub async fn create_delegation(
    body: &shared::incoming::DelegationRequest,
) -> ApiResult<shared::incoming::DelegationListResponse> {
    write(api::DELEGATIONS, body).await
}

pub async fn revoke_delegation(id: i64) -> ApiResult<()> {
    let request = Request::delete(&path(api::DELEGATION, id))
        .header(api::CSRF_HEADER, &csrf().await?)
        .build();
    send(request).await.map(drop)
}

/// One account (administrators).
pub async fn user(id: i64) -> ApiResult<shared::user::UserDto> {
    read(Request::get(&path(api::USER, id)).build()).await
}

/// The accounts of an agency (administrators).
pub async fn agency_users(agency_id: i64) -> ApiResult<UserListResponse> {
    read(
        Request::get(api::USERS)
            .query([("agency_id", agency_id.to_string())])
            .build(),
    )
    .await
}

pub async fn handover(
    user: i64,
    body: &shared::incoming::HandoverRequest,
) -> ApiResult<shared::incoming::HandoverResult> {
    write(&path(api::USER_HANDOVER, user), body).await
}

/// `GET /api/agencies/{id}/storage`: what the agency stores against its quota.
pub async fn agency_storage(agency: i64) -> ApiResult<shared::agency::AgencyStorageDto> {
    read(Request::get(&api::path(api::AGENCY_STORAGE, agency)).build()).await
}

/// `PUT /api/agencies/{id}/storage`: the agency's own quota (system administrators), `None` for the default.
pub async fn set_agency_quota(
    agency: i64,
    body: &shared::agency::SetStorageQuotaRequest,
) -> ApiResult<shared::agency::AgencyStorageDto> {
    client::put(&api::path(api::AGENCY_STORAGE, agency), body).await
}

/// `GET /api/notifications`: the caller's notifications, newest first (`before`: older than this id).
pub async fn notifications(
    before: Option<i64>,
) -> ApiResult<shared::notification::NotificationListResponse> {
    let url = match before {
        Some(b) => format!("{}?before={b}", api::NOTIFICATIONS),
        None => api::NOTIFICATIONS.to_string(),
    };
    read(Request::get(&url).build()).await
}

/// `POST /api/notifications/read`.
pub async fn mark_notifications_read(
    body: &shared::notification::MarkNotificationsReadRequest,
) -> ApiResult<shared::notification::NotificationListResponse> {
    client::write(api::NOTIFICATIONS_READ, body).await
}
