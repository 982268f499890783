//! The administration's calls (`/quan-tri/tai-khoan`, `/quan-tri/don-vi`, `/quan-tri/nhat-ky`): accounts and units
//! of an agency, the audit log.
//! Reading the agencies and an agency's units is the parent module's (`api::agencies`, `api::units`), shared
//! with the document pages.

use gloo_net::http::Request;
use shared::agency::{CreateUnitRequest, UnitDto, UpdateUnitRequest};
use shared::api;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};

use super::ApiResult;

/// `GET /api/users?agency_id=&q=`: the accounts of an agency (all agencies when `None`), matching `q`.
pub async fn users(agency: Option<i64>, q: &str) -> ApiResult<UserListResponse> {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(id) = agency {
        params.push(("agency_id", id.to_string()));
    }
    if !q.trim().is_empty() {
        params.push(("q", q.trim().to_string()));
    }
    client::read(Request::get(api::USERS).query(params).build()).await
}

pub async fn create_user(body: &CreateUserRequest) -> ApiResult<TemporaryPasswordResponse> {
    client::write(api::USERS, body).await
}

pub async fn update_user(id: i64, body: &UpdateUserRequest) -> ApiResult<UserDto> {
    client::put(&api::path(api::USER, id), body).await
}

/// `POST` to one account's action (`lock`, `unlock`, `reset-password`), no body.
async fn act<T: serde::de::DeserializeOwned>(template: &str, id: i64) -> ApiResult<T> {
    client::read(client::post(&api::path(template, id)).await?.build()).await
}

pub async fn lock_user(id: i64) -> ApiResult<UserDto> {
    act(api::USER_LOCK, id).await
}

pub async fn unlock_user(id: i64) -> ApiResult<UserDto> {
    act(api::USER_UNLOCK, id).await
}

pub async fn reset_password(id: i64) -> ApiResult<TemporaryPasswordResponse> {
    act(api::USER_RESET_PASSWORD, id).await
}

pub async fn create_unit(agency: i64, body: &CreateUnitRequest) -> ApiResult<UnitDto> {
    client::write(&api::path(api::AGENCY_UNITS, agency), body).await
}

pub async fn update_unit(id: i64, body: &UpdateUnitRequest) -> ApiResult<UnitDto> {
    client::put(&api::path(api::UNIT, id), body).await
}

/// `GET /api/audit` under the page's filters: one page of the audit log, newest first, with the total.
pub async fn audit(q: &shared::audit::AuditQuery) -> ApiResult<shared::audit::AuditListResponse> {
    client::read(Request::get(api::AUDIT).query(q.to_pairs(true)).build()).await
}

/// `GET /api/exchange/peers`: the exchange's peers (system administrators).
pub async fn exchange_peers() -> ApiResult<Vec<shared::exchange::PeerDto>> {
    client::read(Request::get(api::EXCHANGE_PEERS).build()).await
}

/// `PUT /api/exchange/peers`: create or replace a peer (the body as the form has it; the server checks it).
pub async fn save_peer(body: &serde_json::Value) -> ApiResult<shared::exchange::PeerDto> {
    client::put(api::EXCHANGE_PEERS, body).await
}

/// `GET /api/exchange/queue`: the latest packets sent and received.
pub async fn exchange_queue() -> ApiResult<shared::exchange::ExchangePacketsResponse> {
    client::read(Request::get(api::EXCHANGE_QUEUE).build()).await
}

/// `POST /api/exchange/outbox/{id}/retry`: send a packet again now.
pub async fn retry_packet(id: i64) -> ApiResult<shared::exchange::OutboxItemDto> {
    client::read(client::post(&api::exchange_retry(id)).await?.build()).await
}
