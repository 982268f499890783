//! The HTTP plumbing both browser bundles (the app and the work bundle) share: send a request and turn every
//! failure into a [`ClientError`] with a Vietnamese sentence, decode the answer, and keep the signed-in
//! session (with the CSRF token every state-changing request carries) for the page's lifetime. Each bundle's
//! `api.rs` holds its typed endpoint functions on top of this. [`key_store`] is the browser's IndexedDB store of
//! signing keys, which the signing worker and the work bundle both open.

pub mod key_store;

use std::cell::RefCell;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::ApiError;
use shared::api;
use shared::auth::SessionResponse;

pub use shared::client::{ApiResult, ClientError, NETWORK_MESSAGE};

/// A request as gloo builds it (building fails only on a body that cannot be serialized).
pub type Built = Result<Request, gloo_net::Error>;

/// Sends the request; a non-2xx answer becomes the matching [`ClientError`].
pub async fn send(request: Built) -> ApiResult<Response> {
    let request = request.map_err(|_| ClientError::Network)?;
    let response = request.send().await.map_err(|_| ClientError::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response.json::<ApiError>().await {
        Ok(e) => Err(ClientError::Api(e)),
        Err(_) => Err(ClientError::Unreadable(status)),
    }
}

/// The JSON body of a successful answer.
pub async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let status = response.status();
    response
        .json::<T>()
        .await
        .map_err(|_| ClientError::Unreadable(status))
}

/// Sends a request whose answer carries a JSON body.
pub async fn read<T: DeserializeOwned>(request: Built) -> ApiResult<T> {
    decode(send(request).await?).await
}

/// Sends a request whose answer has no body (`204`).
pub async fn write_empty(request: Built) -> ApiResult<()> {
    send(request).await.map(drop)
}

thread_local! {
    static SESSION: RefCell<Option<SessionResponse>> = const { RefCell::new(None) };
}

/// Keeps the session the server just gave (signing in, `GET /api/me`).
pub fn remember_session(session: SessionResponse) {
    SESSION.with(|s| *s.borrow_mut() = Some(session));
}

/// Forgets the session (signed out, or the server said it ended).
pub fn forget_session() {
    SESSION.with(|s| *s.borrow_mut() = None);
}

/// The session kept in this page, if any.
pub fn cached_session() -> Option<SessionResponse> {
    SESSION.with(|s| s.borrow().clone())
}

/// The signed-in session (user and CSRF token): kept, or asked once with `GET /api/me`.
pub async fn session() -> ApiResult<SessionResponse> {
    if let Some(s) = cached_session() {
        return Ok(s);
    }
    let s: SessionResponse = read(Request::get(api::ME).build()).await?;
    remember_session(s.clone());
    Ok(s)
}

/// The CSRF token of the session (asking the server for the session if this page has none yet).
pub async fn csrf_token() -> ApiResult<String> {
    Ok(session().await?.csrf_token)
}

/// `builder` with the CSRF header of the kept session (none if this page has no session: the server refuses).
pub fn with_csrf(builder: RequestBuilder) -> RequestBuilder {
    match cached_session() {
        Some(s) => builder.header(api::CSRF_HEADER, &s.csrf_token),
        None => builder,
    }
}

/// A POST carrying the CSRF token.
pub async fn post(url: &str) -> ApiResult<RequestBuilder> {
    Ok(Request::post(url).header(api::CSRF_HEADER, &csrf_token().await?))
}

/// A DELETE carrying the CSRF token.
pub async fn delete(url: &str) -> ApiResult<RequestBuilder> {
    Ok(Request::delete(url).header(api::CSRF_HEADER, &csrf_token().await?))
}

/// POSTs `body` as JSON and decodes the answer.
pub async fn write<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> ApiResult<T> {
    read(post(url).await?.json(body)).await
}

/// PUTs `body` as JSON with the CSRF token and decodes the answer.
pub async fn put<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> ApiResult<T> {
    read(
        Request::put(url)
            .header(api::CSRF_HEADER, &csrf_token().await?)
            .json(body),
    )
    .await
}

/// The window events by which the app (`frontend`) and the work bundle (`work-ui`) tell each other what
/// changed: two WASM modules on one page, sharing nothing but the window.
pub mod window_event {
    /// The app heard a live event from the server: open work pages refetch.
    pub const LIVE: &str = "vanban-live";
    /// The notifications page marked some read: the bell's count follows.
    pub const NOTIFICATIONS_READ: &str = "vanban-notifications-read";
    /// Someone signed in or out in this tab: the work bundle asks the server for the session again.
    pub const SESSION_CHANGED: &str = "vanban-session-changed";
    /// The signed-in person's own account was edited: the app reloads `GET /api/me` (the header's name).
    pub const ME_CHANGED: &str = "vanban-me-changed";

    /// Sends the window event `name` (nothing happens outside a browser window).
    pub fn tell(name: &str) {
        if let Some(window) = web_sys::window()
            && let Ok(event) = web_sys::Event::new(name)
        {
            let _ = window.dispatch_event(&event);
        }
    }
}
