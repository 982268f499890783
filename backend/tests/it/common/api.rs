//! The typed test client: one method per endpoint of the API, built on the route constants of `shared::api`
//! and the shared DTOs, answering a [`Response<T>`] whose [`Response::good`] is the decoded DTO and whose
//! failures point at the test line (`#[track_caller]`). [`Response::good`] insists on the endpoint's documented
//! success status (201 for a creation, 204 for an answer without body, else 200). A request body is the DTO the
//! browser would send; tests of malformed or hostile input send raw JSON with [`Client::send_json`] (typed
//! answer) or [`Client::send`].

use std::marker::PhantomData;

use axum::http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::agency::{AgencyDto, CreateUnitRequest, UnitDto};
use shared::api::{self, path};
use shared::audit::AuditListResponse;
use shared::auth::{ChangePasswordRequest, SessionResponse};
use shared::health::HealthResponse;
use shared::incoming::{
    AcceptRequest, AssignRequest, DashboardDto, DelegationListResponse, DelegationRequest,
    ForwardRequest, HandlerActionRequest, HandoverRequest, HandoverResult, IncomingCounts,
    IncomingDto, IncomingListResponse, IncomingRegisterResponse, NewIncomingRequest, PrefillDto,
    PrefillRequest, QueueResponse, ReturnRequest, UrgeRequest, VerificationDto,
};
use shared::outgoing::{
    ArrivalListResponse, BatchResponse, BatchReviewRequest, DraftRequest, EditDraftRequest,
    IssueRequest, NewVersionRequest, NumberReservation, OutgoingCounts, OutgoingDto,
    OutgoingListResponse, OutgoingRegisterResponse, RecallAnswerRequest, RecallRequest,
    RegisterDto, ReviewRequest, SignRequest,
};
use shared::pdf::TrustAnchorsResponse;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};
use shared::{ApiError, ErrorCode};

use super::{Answer, Client};

/// An answer of an endpoint whose success body is a `T` (`()` for 204).
#[derive(Debug)]
pub struct Response<T> {
    pub answer: Answer,
    /// The endpoint's documented success status (200, 201 for a creation, 204 without a body); `None` takes
    /// any 2xx.
    success: Option<StatusCode>,
    body: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Response<T> {
    fn new(answer: Answer) -> Self {
        Self {
            answer,
            success: None,
            body: PhantomData,
        }
    }

    /// The success status [`Response::good`] insists on.
    pub fn expecting(mut self, status: StatusCode) -> Self {
        self.success = Some(status);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.answer.status
    }

    /// A header of the answer, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.answer.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The decoded body of the endpoint's success answer (exactly its documented status when the endpoint has
    /// one, else any 2xx); fails at the caller's line with the body otherwise.
    #[track_caller]
    pub fn good(self) -> T {
        match self.success {
            Some(status) => assert_eq!(
                self.answer.status, status,
                "expected {status}, got {}: {}",
                self.answer.status, self.answer.body
            ),
            None => assert!(
                self.answer.status.is_success(),
                "expected success, got {}: {}",
                self.answer.status,
                self.answer.body
            ),
        }
        let body = if self.answer.body.is_null() {
            Value::Null
        } else {
            self.answer.body
        };
        serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("the answer is not the documented type ({e}): {body}"))
    }

    /// [`Response::good`] with the answer's headers (cookies, `Retry-After`).
    #[track_caller]
    pub fn good_with_headers(mut self) -> (T, HeaderMap) {
        let headers = std::mem::take(&mut self.answer.headers);
        (self.good(), headers)
    }

    /// The API error of a refused request, after checking its status (and the error shape, see
    /// [`Answer::expect`]).
    #[track_caller]
    pub fn refused(self, status: StatusCode) -> ApiError {
        let body = self.answer.expect(status).body;
        serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("a refusal not in the ApiError shape ({e}): {body}"))
    }

    /// Asserts a refusal's status and error code.
    #[track_caller]
    pub fn refused_with(self, status: StatusCode, code: ErrorCode) -> ApiError {
        let e = self.refused(status);
        assert_eq!(e.code, code, "{}", e.message);
        e
    }

    /// The answer without decoding (status, headers, JSON).
    pub fn raw(self) -> Answer {
        self.answer
    }
}

fn json<B: Serialize>(body: &B) -> Option<Value> {
    Some(serde_json::to_value(body).expect("a request DTO serializes"))
}

fn with_query(base: &str, pairs: &[(&str, Option<String>)]) -> String {
    let q: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", urlencode(v))))
        .collect();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

/// The route's own pairs followed by a list query's.
fn join_query(route: &str, q: &shared::list_query::ListQuery) -> String {
    match q.to_query() {
        list if list.is_empty() => route.to_string(),
        list => format!("{route}&{list}"),
    }
}

fn urlencode(s: &str) -> String {
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

fn bucket_code<B: Serialize>(bucket: B) -> String {
    serde_json::to_value(bucket)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("a bucket is a string")
}

impl Client {
    /// An endpoint answering 200 with a `T`.
    async fn call<T: DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Response<T> {
        Response::new(self.send(method, path, body).await).expecting(StatusCode::OK)
    }

    /// An endpoint that creates something: 201 with a `T`.
    async fn create<T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: Option<Value>,
    ) -> Response<T> {
        Response::new(self.send(Method::POST, path, body).await).expecting(StatusCode::CREATED)
    }

    /// An endpoint answering 204 without a body.
    async fn call_empty(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Response<()> {
        Response::new(self.send(method, path, body).await).expecting(StatusCode::NO_CONTENT)
    }

    /// A request whose body is raw JSON, for the tests that send what the DTO cannot express on purpose
    /// (malformed, hostile, or not yet normalised input); the answer is still read as a `T`. Any 2xx is a
    /// success unless [`Response::expecting`] says which.
    pub async fn send_json<T: DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
        body: Value,
    ) -> Response<T> {
        Response::new(self.send(method, path, Some(body)).await)
    }

    // Health, session, self.

    pub async fn health(&mut self) -> Response<HealthResponse> {
        self.call(Method::GET, api::HEALTH, None).await
    }
    pub async fn openapi(&mut self) -> Response<Value> {
        self.call(Method::GET, api::OPENAPI, None).await
    }
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Response<SessionResponse> {
        Response::new(self.login(username, password).await).expecting(StatusCode::OK)
    }
    pub async fn sign_out(&mut self) -> Response<()> {
        self.call_empty(Method::POST, api::LOGOUT, None).await
    }
    pub async fn me(&mut self) -> Response<SessionResponse> {
        self.call(Method::GET, api::ME, None).await
    }
    pub async fn change_password(&mut self, req: &ChangePasswordRequest) -> Response<()> {
        self.call_empty(Method::POST, api::ME_PASSWORD, json(req))
            .await
    }
    pub async fn trust_anchors(&mut self) -> Response<TrustAnchorsResponse> {
        self.call(Method::GET, api::TRUST_ANCHORS, None).await
    }

    // Agencies, units, accounts, audit.

    pub async fn agencies(&mut self) -> Response<Vec<AgencyDto>> {
        self.call(Method::GET, api::AGENCIES, None).await
    }
    pub async fn units(&mut self, agency: i64) -> Response<Vec<UnitDto>> {
        self.call(Method::GET, &path(api::AGENCY_UNITS, agency), None)
            .await
    }
    pub async fn create_unit(&mut self, agency: i64, req: &CreateUnitRequest) -> Response<UnitDto> {
        self.create(&path(api::AGENCY_UNITS, agency), json(req))
            .await
    }
    pub async fn update_unit(&mut self, unit: i64, req: &CreateUnitRequest) -> Response<UnitDto> {
        self.call(Method::PUT, &path(api::UNIT, unit), json(req))
            .await
    }
    pub async fn users(
        &mut self,
        agency_id: Option<i64>,
        q: Option<&str>,
    ) -> Response<UserListResponse> {
        let url = with_query(
            api::USERS,
            &[
                ("agency_id", agency_id.map(|a| a.to_string())),
                ("q", q.map(str::to_string)),
            ],
        );
        self.call(Method::GET, &url, None).await
    }
    pub async fn create_user(
        &mut self,
        req: &CreateUserRequest,
    ) -> Response<TemporaryPasswordResponse> {
        self.create(api::USERS, json(req)).await
    }
    pub async fn user(&mut self, id: i64) -> Response<UserDto> {
        self.call(Method::GET, &path(api::USER, id), None).await
    }
    pub async fn update_user(&mut self, id: i64, req: &UpdateUserRequest) -> Response<UserDto> {
        self.call(Method::PUT, &path(api::USER, id), json(req))
            .await
    }
    pub async fn lock_user(&mut self, id: i64) -> Response<UserDto> {
        self.call(Method::POST, &path(api::USER_LOCK, id), None)
            .await
    }
    pub async fn unlock_user(&mut self, id: i64) -> Response<UserDto> {
        self.call(Method::POST, &path(api::USER_UNLOCK, id), None)
            .await
    }
    pub async fn reset_password(&mut self, id: i64) -> Response<TemporaryPasswordResponse> {
        self.call(Method::POST, &path(api::USER_RESET_PASSWORD, id), None)
            .await
    }
    pub async fn handover(&mut self, from: i64, req: &HandoverRequest) -> Response<HandoverResult> {
        self.call(Method::POST, &path(api::USER_HANDOVER, from), json(req))
            .await
    }
    pub async fn audit(
        &mut self,
        agency_id: Option<i64>,
        before_seq: Option<i64>,
    ) -> Response<AuditListResponse> {
        self.audit_page(agency_id, before_seq, None).await
    }
    /// The audit log with an explicit page size.
    pub async fn audit_page(
        &mut self,
        agency_id: Option<i64>,
        before_seq: Option<i64>,
        limit: Option<i64>,
    ) -> Response<AuditListResponse> {
        let url = with_query(
            api::AUDIT,
            &[
                ("agency_id", agency_id.map(|a| a.to_string())),
                ("before_seq", before_seq.map(|a| a.to_string())),
                ("limit", limit.map(|a| a.to_string())),
            ],
        );
        self.call(Method::GET, &url, None).await
    }
    /// The audit log under a filter (`shared::audit::AuditQuery`, page included).
    pub async fn audit_search(
        &mut self,
        q: &shared::audit::AuditQuery,
    ) -> Response<AuditListResponse> {
        let url = format!("{}?{}", api::AUDIT, q.to_query(true));
        self.call(Method::GET, &url, None).await
    }
    /// The CSV export under a filter: status and the raw bytes.
    pub async fn audit_csv(&mut self, q: &shared::audit::AuditQuery) -> (StatusCode, Vec<u8>) {
        let url = format!("{}?{}", api::AUDIT_EXPORT, q.to_query(false));
        self.download(&url).await
    }
    pub async fn colleagues(&mut self) -> Response<UserListResponse> {
        self.call(Method::GET, api::COLLEAGUES, None).await
    }

    // Registers.

    pub async fn registers(&mut self) -> Response<Vec<RegisterDto>> {
        self.call(Method::GET, api::REGISTERS, None).await
    }
    pub async fn outgoing_register(
        &mut self,
        register: i64,
        year: Option<i32>,
    ) -> Response<OutgoingRegisterResponse> {
        let url = with_query(
            &path(api::REGISTER_ENTRIES, register),
            &[("year", year.map(|y| y.to_string()))],
        );
        self.call(Method::GET, &url, None).await
    }
    pub async fn incoming_register(
        &mut self,
        register: i64,
        year: Option<i32>,
    ) -> Response<IncomingRegisterResponse> {
        let url = with_query(
            &path(api::REGISTER_ENTRIES, register),
            &[("year", year.map(|y| y.to_string()))],
        );
        self.call(Method::GET, &url, None).await
    }

    // Outgoing documents.

    pub async fn outgoing_list(
        &mut self,
        bucket: shared::outgoing::OutgoingBucket,
    ) -> Response<OutgoingListResponse> {
        let url = with_query(api::OUTGOING, &[("bucket", Some(bucket_code(bucket)))]);
        self.call(Method::GET, &url, None).await
    }
    /// One page of a bucket under a list query (filters, sort, page).
    pub async fn outgoing_page(
        &mut self,
        bucket: shared::outgoing::OutgoingBucket,
        q: &shared::list_query::ListQuery,
    ) -> Response<OutgoingListResponse> {
        self.outgoing_list_raw(&join_query(&format!("bucket={}", bucket_code(bucket)), q))
            .await
    }
    /// `GET /api/outgoing?<query>` with the query as written (to send what the typed query cannot).
    pub async fn outgoing_list_raw(&mut self, query: &str) -> Response<OutgoingListResponse> {
        self.call(Method::GET, &format!("{}?{query}", api::OUTGOING), None)
            .await
    }
    pub async fn create_outgoing(&mut self, req: &DraftRequest) -> Response<OutgoingDto> {
        self.create(api::OUTGOING, json(req)).await
    }
    pub async fn outgoing_counts(&mut self) -> Response<OutgoingCounts> {
        self.call(Method::GET, api::OUTGOING_COUNTS, None).await
    }
    pub async fn batch_review(&mut self, req: &BatchReviewRequest) -> Response<BatchResponse> {
        self.call(Method::POST, api::OUTGOING_BATCH_REVIEW, json(req))
            .await
    }
    pub async fn outgoing(&mut self, id: i64) -> Response<OutgoingDto> {
        self.call(Method::GET, &path(api::OUTGOING_ONE, id), None)
            .await
    }
    pub async fn submit(&mut self, id: i64) -> Response<OutgoingDto> {
        self.call(Method::POST, &path(api::OUTGOING_SUBMIT, id), None)
            .await
    }
    pub async fn edit_outgoing(
        &mut self,
        id: i64,
        req: &EditDraftRequest,
    ) -> Response<OutgoingDto> {
        self.call(Method::PUT, &path(api::OUTGOING_ONE, id), json(req))
            .await
    }
    pub async fn new_version(&mut self, id: i64, req: &NewVersionRequest) -> Response<OutgoingDto> {
        self.call(
            Method::POST,
            &path(api::OUTGOING_NEW_VERSION, id),
            json(req),
        )
        .await
    }
    pub async fn review(&mut self, id: i64, req: &ReviewRequest) -> Response<OutgoingDto> {
        self.call(Method::POST, &path(api::OUTGOING_REVIEW, id), json(req))
            .await
    }
    pub async fn sign(&mut self, id: i64, req: &SignRequest) -> Response<OutgoingDto> {
        self.call(Method::POST, &path(api::OUTGOING_SIGN, id), json(req))
            .await
    }
    pub async fn reserve_number(&mut self, id: i64) -> Response<NumberReservation> {
        self.call(Method::POST, &path(api::OUTGOING_RESERVATION, id), None)
            .await
    }
    pub async fn release_number(&mut self, id: i64) -> Response<()> {
        self.call_empty(Method::DELETE, &path(api::OUTGOING_RESERVATION, id), None)
            .await
    }
    pub async fn issue(&mut self, id: i64, req: &IssueRequest) -> Response<OutgoingDto> {
        self.call(Method::POST, &path(api::OUTGOING_ISSUE, id), json(req))
            .await
    }
    pub async fn recall(&mut self, id: i64, req: &RecallRequest) -> Response<OutgoingDto> {
        self.call(Method::POST, &path(api::OUTGOING_RECALL, id), json(req))
            .await
    }
    /// Uploads a PDF to the content-addressed store under its SHA-256.
    pub async fn put_blob(&mut self, sha256: &str, bytes: &[u8]) -> Response<Value> {
        Response::new(
            self.raw(
                Method::PUT,
                &api::BLOB.replace("{sha256}", sha256),
                bytes.to_vec(),
                &[("content-type", "application/pdf")],
            )
            .await,
        )
    }
    /// What a verification code says (no sign-in needed).
    pub async fn public_verify(
        &mut self,
        code: &str,
    ) -> Response<shared::verification::PublicVerification> {
        self.call(Method::GET, &api::public_verify_code(code), None)
            .await
    }
    /// Whether a PDF is an issued original (no sign-in needed).
    pub async fn public_verify_file(
        &mut self,
        bytes: &[u8],
    ) -> Response<shared::verification::PublicVerification> {
        Response::new(
            self.raw(
                Method::POST,
                api::PUBLIC_VERIFY,
                bytes.to_vec(),
                &[("content-type", "application/pdf")],
            )
            .await,
        )
    }
    /// The bytes of a file of an outgoing document's version.
    pub async fn outgoing_file(&mut self, id: i64, file: i64) -> (StatusCode, Vec<u8>) {
        self.download(&api::outgoing_file(id, file)).await
    }
    pub async fn arrivals(&mut self) -> Response<ArrivalListResponse> {
        self.call(Method::GET, api::ARRIVALS, None).await
    }
    pub async fn answer_delivery_recall(
        &mut self,
        delivery: i64,
        req: &RecallAnswerRequest,
    ) -> Response<()> {
        self.call_empty(
            Method::POST,
            &path(api::DELIVERY_RECALL_ANSWER, delivery),
            json(req),
        )
        .await
    }

    // Incoming documents and the work on them.

    pub async fn incoming_list(
        &mut self,
        bucket: shared::incoming::IncomingBucket,
    ) -> Response<IncomingListResponse> {
        let url = with_query(api::INCOMING, &[("bucket", Some(bucket_code(bucket)))]);
        self.call(Method::GET, &url, None).await
    }
    /// One page of a bucket under a list query (filters, sort, page).
    pub async fn incoming_page(
        &mut self,
        bucket: shared::incoming::IncomingBucket,
        q: &shared::list_query::ListQuery,
    ) -> Response<IncomingListResponse> {
        self.incoming_list_raw(&join_query(&format!("bucket={}", bucket_code(bucket)), q))
            .await
    }
    /// `GET /api/incoming?<query>` with the query as written.
    pub async fn incoming_list_raw(&mut self, query: &str) -> Response<IncomingListResponse> {
        self.call(Method::GET, &format!("{}?{query}", api::INCOMING), None)
            .await
    }
    /// `GET /api/dashboard?<query>` with the query as written (drill-down and list parameters).
    pub async fn dashboard_raw(&mut self, query: &str) -> Response<DashboardDto> {
        self.call(Method::GET, &format!("{}?{query}", api::DASHBOARD), None)
            .await
    }
    pub async fn create_incoming(&mut self, req: &NewIncomingRequest) -> Response<IncomingDto> {
        self.create(api::INCOMING, json(req)).await
    }
    pub async fn incoming_counts(&mut self) -> Response<IncomingCounts> {
        self.call(Method::GET, api::INCOMING_COUNTS, None).await
    }
    pub async fn prefill(&mut self, req: &PrefillRequest) -> Response<PrefillDto> {
        self.call(Method::POST, api::INCOMING_PREFILL, json(req))
            .await
    }
    pub async fn incoming(&mut self, id: i64) -> Response<IncomingDto> {
        self.call(Method::GET, &path(api::INCOMING_ONE, id), None)
            .await
    }
    pub async fn verify_incoming(&mut self, id: i64) -> Response<VerificationDto> {
        self.call(Method::GET, &path(api::INCOMING_VERIFY, id), None)
            .await
    }
    /// The bytes of a received file.
    pub async fn incoming_file(&mut self, id: i64, file: i64) -> (StatusCode, Vec<u8>) {
        self.download(&api::incoming_file(id, file)).await
    }
    pub async fn accept(&mut self, id: i64, req: &AcceptRequest) -> Response<IncomingDto> {
        self.call(Method::POST, &path(api::INCOMING_ACCEPT, id), json(req))
            .await
    }
    pub async fn return_incoming(&mut self, id: i64, req: &ReturnRequest) -> Response<IncomingDto> {
        self.call(Method::POST, &path(api::INCOMING_RETURN, id), json(req))
            .await
    }
    pub async fn close_incoming(&mut self, id: i64, req: &ReturnRequest) -> Response<IncomingDto> {
        self.call(Method::POST, &path(api::INCOMING_CLOSE, id), json(req))
            .await
    }
    pub async fn forward(&mut self, id: i64, req: &ForwardRequest) -> Response<IncomingDto> {
        self.call(Method::POST, &path(api::INCOMING_FORWARD, id), json(req))
            .await
    }
    pub async fn assign(&mut self, id: i64, req: &AssignRequest) -> Response<IncomingDto> {
        self.call(Method::POST, &path(api::INCOMING_ASSIGN, id), json(req))
            .await
    }
    pub async fn answer_incoming_recall(
        &mut self,
        id: i64,
        req: &RecallAnswerRequest,
    ) -> Response<IncomingDto> {
        self.call(
            Method::POST,
            &path(api::INCOMING_RECALL_ANSWER, id),
            json(req),
        )
        .await
    }
    pub async fn queue(&mut self) -> Response<QueueResponse> {
        self.call(Method::GET, api::QUEUE, None).await
    }
    pub async fn assign_in_unit(
        &mut self,
        assignment: i64,
        req: &AssignRequest,
    ) -> Response<IncomingDto> {
        self.call(
            Method::POST,
            &path(api::ASSIGNMENT_ASSIGN, assignment),
            json(req),
        )
        .await
    }
    pub async fn act(
        &mut self,
        assignment: i64,
        req: &HandlerActionRequest,
    ) -> Response<IncomingDto> {
        self.call(
            Method::POST,
            &path(api::ASSIGNMENT_ACT, assignment),
            json(req),
        )
        .await
    }
    pub async fn urge(&mut self, assignment: i64, req: &UrgeRequest) -> Response<IncomingDto> {
        self.call(
            Method::POST,
            &path(api::ASSIGNMENT_URGE, assignment),
            json(req),
        )
        .await
    }
    pub async fn dashboard(&mut self, unit: Option<i64>) -> Response<DashboardDto> {
        self.dashboard_drill(unit, None).await
    }
    /// The dashboard drilled down to a unit or to one person.
    pub async fn dashboard_drill(
        &mut self,
        unit: Option<i64>,
        user: Option<i64>,
    ) -> Response<DashboardDto> {
        let url = with_query(
            api::DASHBOARD,
            &[
                ("unit", unit.map(|u| u.to_string())),
                ("user", user.map(|u| u.to_string())),
            ],
        );
        self.call(Method::GET, &url, None).await
    }
    pub async fn delegations(&mut self) -> Response<DelegationListResponse> {
        self.call(Method::GET, api::DELEGATIONS, None).await
    }
    pub async fn create_delegation(
        &mut self,
        req: &DelegationRequest,
    ) -> Response<DelegationListResponse> {
        self.create(api::DELEGATIONS, json(req)).await
    }
    pub async fn revoke_delegation(&mut self, id: i64) -> Response<()> {
        self.call_empty(Method::DELETE, &path(api::DELEGATION, id), None)
            .await
    }
    pub async fn notifications(
        &mut self,
        before: Option<i64>,
    ) -> Response<shared::notification::NotificationListResponse> {
        let url = with_query(
            api::NOTIFICATIONS,
            &[("before", before.map(|b| b.to_string()))],
        );
        self.call(Method::GET, &url, None).await
    }
    pub async fn mark_notifications_read(
        &mut self,
        req: &shared::notification::MarkNotificationsReadRequest,
    ) -> Response<shared::notification::NotificationListResponse> {
        self.call(Method::POST, api::NOTIFICATIONS_READ, json(req))
            .await
    }
}

/// Record files (hồ sơ).
impl Client {
    pub async fn record_files(
        &mut self,
        year: Option<i32>,
        state: Option<&str>,
    ) -> Response<shared::record_file::RecordFileListResponse> {
        let url = with_query(
            api::RECORD_FILES,
            &[
                ("year", year.map(|y| y.to_string())),
                ("state", state.map(str::to_string)),
            ],
        );
        self.call(Method::GET, &url, None).await
    }
    pub async fn create_record_file(
        &mut self,
        req: &shared::record_file::CreateRecordFileRequest,
    ) -> Response<shared::record_file::RecordFileDto> {
        self.create(api::RECORD_FILES, json(req)).await
    }
    pub async fn record_file(
        &mut self,
        id: i64,
    ) -> Response<shared::record_file::RecordFileDetailResponse> {
        self.call(Method::GET, &path(api::RECORD_FILE, id), None)
            .await
    }
    pub async fn file_document(
        &mut self,
        id: i64,
        req: &shared::record_file::RecordFileDocumentRequest,
    ) -> Response<shared::record_file::RecordFileDto> {
        self.call(
            Method::POST,
            &path(api::RECORD_FILE_DOCUMENTS, id),
            json(req),
        )
        .await
    }
    pub async fn unfile_document(
        &mut self,
        id: i64,
        kind: &str,
        doc: i64,
    ) -> Response<shared::record_file::RecordFileDto> {
        let url = path(api::RECORD_FILE_DOCUMENT, id)
            .replace("{kind}", kind)
            .replace("{doc}", &doc.to_string());
        self.call(Method::DELETE, &url, None).await
    }
    pub async fn close_record_file(
        &mut self,
        id: i64,
    ) -> Response<shared::record_file::RecordFileDto> {
        self.call(Method::POST, &path(api::RECORD_FILE_CLOSE, id), None)
            .await
    }
    /// The archive package: status and bytes (a ZIP when 200).
    pub async fn record_file_package(&mut self, id: i64) -> (StatusCode, Vec<u8>) {
        self.download(&path(api::RECORD_FILE_PACKAGE, id)).await
    }
}
