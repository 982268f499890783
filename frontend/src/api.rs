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
use shared::api;
use shared::auth::{ChangePasswordRequest, LoginRequest, SessionResponse};
use shared::incoming::IncomingCounts;
use shared::outgoing::OutgoingCounts;

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

    // --- documents ---

    /// `GET /api/outgoing/counts`: the navigation counters.
    pub async fn outgoing_counts(&self) -> ApiResult<OutgoingCounts> {
        self.read(Request::get(api::OUTGOING_COUNTS).build()).await
    }

    /// `GET /api/incoming/counts`: the counters of "Văn bản đến".
    pub async fn incoming_counts(&self) -> ApiResult<IncomingCounts> {
        self.read(Request::get(api::INCOMING_COUNTS).build()).await
    }

    /// `GET /api/notifications?limit=0`: how many of the caller's notifications are unread (the bell).
    pub async fn unread_notifications(&self) -> ApiResult<i64> {
        let url = format!("{}?limit=0", api::NOTIFICATIONS);
        let list: shared::notification::NotificationListResponse =
            self.read(Request::get(&url).build()).await?;
        Ok(list.unread)
    }

    // --- public verification (no sign-in) ---

    /// `GET /api/public/verify/{code}`.
    pub async fn public_verify(
        &self,
        code: &str,
    ) -> ApiResult<shared::verification::PublicVerification> {
        let url = api::public_verify_code(
            &code.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""),
        );
        self.read(Request::get(&url).build()).await
    }

    /// `POST /api/public/verify` with a PDF the person chose.
    pub async fn public_verify_file(
        &self,
        file: &web_sys::File,
    ) -> ApiResult<shared::verification::PublicVerification> {
        let request = Request::post(api::PUBLIC_VERIFY)
            .header("Content-Type", "application/pdf")
            .body(file.clone());
        self.read(request).await
    }

    // --- plumbing ---

    fn post(&self, url: &str) -> RequestBuilder {
        self.with_csrf(Request::post(url))
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
