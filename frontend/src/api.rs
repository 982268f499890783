//! The one typed client of the vanban JSON API (docs/API.md). Every call returns `Result<T, ClientError>`;
//! a [`ClientError`] always has a Vietnamese sentence to show, so no failure ends in a blank page.
//!
//! The session cookie travels by itself (same origin); the CSRF token from the session context goes in the
//! `X-CSRF-Token` header of every state-changing request. Sending and decoding are the `client` crate's,
//! shared with the work bundle.

use client::{decode, send};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use shared::ErrorCode;
use shared::agency::{AgencyDto, CreateUnitRequest, UnitDto, UpdateUnitRequest};
use shared::api;
use shared::audit::AuditListResponse;
use shared::auth::{ChangePasswordRequest, LoginRequest, SessionResponse};
use shared::incoming::IncomingCounts;
use shared::outgoing::OutgoingCounts;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};

use crate::session::Session;

pub use client::{ApiResult, ClientError};

/// The API client. `Copy`: it only holds the session context it reads the CSRF token from and reports an
/// ended session to.
#[derive(Clone, Copy)]
pub struct Api {
    session: Session,
}

impl Api {
    pub fn new(session: Session) -> Self {
        Self { session }
    }

    /// The client from the context provided by [`crate::app::App`].
    pub fn get() -> Self {
        leptos::prelude::expect_context::<Self>()
    }

    // --- session ---

    /// `POST /api/auth/login`; on success the session context holds the new session.
    pub async fn login(&self, body: &LoginRequest) -> ApiResult<SessionResponse> {
        let request = Request::post(api::LOGIN).json(body);
        let session: SessionResponse = decode(send(request).await?).await?;
        self.session.signed_in(session.clone());
        Ok(session)
    }

    /// `GET /api/me`; refreshes the session context.
    pub async fn me(&self) -> ApiResult<SessionResponse> {
        let session: SessionResponse = self.read(Request::get(api::ME).build()).await?;
        self.session.signed_in(session.clone());
        Ok(session)
    }

    /// `POST /api/auth/logout`; the session context is cleared whatever the answer.
    pub async fn logout(&self) -> ApiResult<()> {
        let result = self.write_empty(self.post(api::LOGOUT).build()).await;
        match result {
            Ok(()) => {
                self.session.signed_out();
                Ok(())
            }
            Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/me/password`.
    pub async fn change_password(&self, body: &ChangePasswordRequest) -> ApiResult<()> {
        self.write_empty(self.post(api::ME_PASSWORD).json(body))
            .await
    }

    // --- agencies and units ---

    pub async fn agencies(&self) -> ApiResult<Vec<AgencyDto>> {
        self.read(Request::get(api::AGENCIES).build()).await
    }

    pub async fn units(&self, agency_id: i64) -> ApiResult<Vec<UnitDto>> {
        self.read(Request::get(&api::path(api::AGENCY_UNITS, agency_id)).build())
            .await
    }

    pub async fn create_unit(
        &self,
        agency_id: i64,
        body: &CreateUnitRequest,
    ) -> ApiResult<UnitDto> {
        self.read(
            self.post(&api::path(api::AGENCY_UNITS, agency_id))
                .json(body),
        )
        .await
    }

    pub async fn update_unit(&self, unit_id: i64, body: &UpdateUnitRequest) -> ApiResult<UnitDto> {
        self.read(self.put(&api::path(api::UNIT, unit_id)).json(body))
            .await
    }

    // --- accounts ---

    pub async fn users(&self, agency_id: Option<i64>, q: &str) -> ApiResult<UserListResponse> {
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(id) = agency_id {
            params.push(("agency_id", id.to_string()));
        }
        if !q.trim().is_empty() {
            params.push(("q", q.trim().to_string()));
        }
        self.read(Request::get(api::USERS).query(params).build())
            .await
    }

    pub async fn create_user(
        &self,
        body: &CreateUserRequest,
    ) -> ApiResult<TemporaryPasswordResponse> {
        self.read(self.post(api::USERS).json(body)).await
    }

    pub async fn update_user(&self, user_id: i64, body: &UpdateUserRequest) -> ApiResult<UserDto> {
        self.read(self.put(&api::path(api::USER, user_id)).json(body))
            .await
    }

    pub async fn lock_user(&self, user_id: i64) -> ApiResult<UserDto> {
        self.read(self.post(&api::path(api::USER_LOCK, user_id)).build())
            .await
    }

    pub async fn unlock_user(&self, user_id: i64) -> ApiResult<UserDto> {
        self.read(self.post(&api::path(api::USER_UNLOCK, user_id)).build())
            .await
    }

    pub async fn reset_password(&self, user_id: i64) -> ApiResult<TemporaryPasswordResponse> {
        self.read(
            self.post(&api::path(api::USER_RESET_PASSWORD, user_id))
                .build(),
        )
        .await
    }

    // --- documents ---

    /// `GET /api/outgoing/counts`: the navigation counters.
    pub async fn outgoing_counts(&self) -> ApiResult<OutgoingCounts> {
        self.read(Request::get(api::OUTGOING_COUNTS).build()).await
    }

    /// `GET /api/incoming/counts`: the counters of "Văn bản đến".
    pub async fn incoming_counts(&self) -> ApiResult<IncomingCounts> {
        self.read(Request::get(api::INCOMING_COUNTS).build()).await
    }

    // --- audit log ---

    pub async fn audit(
        &self,
        agency_id: Option<i64>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> ApiResult<AuditListResponse> {
        let mut params: Vec<(&str, String)> = vec![("limit", limit.to_string())];
        if let Some(id) = agency_id {
            params.push(("agency_id", id.to_string()));
        }
        if let Some(seq) = before_seq {
            params.push(("before_seq", seq.to_string()));
        }
        self.read(Request::get(api::AUDIT).query(params).build())
            .await
    }

    // --- plumbing ---

    fn post(&self, url: &str) -> RequestBuilder {
        self.with_csrf(Request::post(url))
    }

    fn put(&self, url: &str) -> RequestBuilder {
        self.with_csrf(Request::put(url))
    }

    fn with_csrf(&self, builder: RequestBuilder) -> RequestBuilder {
        client::with_csrf(builder)
    }

    /// Sends a request whose answer carries a JSON body.
    async fn read<T: DeserializeOwned>(
        &self,
        request: Result<Request, gloo_net::Error>,
    ) -> ApiResult<T> {
        let response = self.checked(send(request).await).await?;
        decode(response).await
    }

    /// Sends a request whose answer has no body (`204`).
    async fn write_empty(&self, request: Result<Request, gloo_net::Error>) -> ApiResult<()> {
        self.checked(send(request).await).await.map(drop)
    }

    /// An ended session shows the sign-in page wherever it is noticed.
    async fn checked(&self, response: ApiResult<Response>) -> ApiResult<Response> {
        if let Err(e) = &response
            && e.code() == Some(ErrorCode::Unauthenticated)
        {
            self.session.signed_out();
        }
        response
    }
}
