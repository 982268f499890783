//! The exchange's routes (issue 16): the receiving end, where peers post edXML packets authenticated by HMAC
//! over the timestamp and body (`exchange::signature`), not by a session; and its administration (peers, the
//! latest packets, retry now) for system administrators.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use shared::exchange::{
    ExchangePacketsResponse, OutboxItemDto, PacketReceipt, PeerDto, SavePeerRequest,
};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::exchange::receive::{ReceiveError, receive_packet};
use crate::exchange::signature::{self, Refusal};
use crate::extract::{ApiJson, IdPath};
use crate::store::exchange::Receipt;

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, Refusal> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or(Refusal::Missing(name))
}

fn unauthenticated(r: Refusal) -> AppError {
    AppError::Unauthenticated(r.to_string().into())
}

/// `POST /api/exchange/packets`: a document or status packet from a peer; `200` acknowledges it (also when it
/// was received before).
pub async fn receive_exchange_packet(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<PacketReceipt>> {
    let key = header(&headers, signature::KEY_HEADER).map_err(unauthenticated)?;
    let timestamp = header(&headers, signature::TIMESTAMP_HEADER)
        .map_err(unauthenticated)?
        .parse::<i64>()
        .map_err(|_| unauthenticated(Refusal::OutsideWindow))?;
    let mac = header(&headers, signature::SIGNATURE_HEADER).map_err(unauthenticated)?;
    let peer = state
        .store
        .peer_by_key(key)
        .await?
        .filter(|p| p.enabled)
        .ok_or_else(|| unauthenticated(Refusal::UnknownKey))?;
    signature::verify(
        &peer.secret,
        timestamp,
        mac,
        &body,
        crate::store::now_ms() / 1000,
    )
    .map_err(unauthenticated)?;
    match receive_packet(
        &state.store,
        &state.blobs,
        &state.config.trust_anchors,
        &peer,
        &body,
    )
    .await
    {
        Ok(Receipt::Applied(ids)) => Ok(Json(PacketReceipt {
            duplicate: false,
            ids,
        })),
        Ok(Receipt::Duplicate) => Ok(Json(PacketReceipt {
            duplicate: true,
            ids: Vec::new(),
        })),
        Ok(Receipt::Refused(why)) => Err(AppError::field("packet", why)),
        Ok(Receipt::NotYet(why)) => Err(AppError::Conflict(why)),
        Err(ReceiveError::Invalid(why)) => Err(AppError::BadRequest(why)),
        Err(ReceiveError::Internal(e)) => Err(AppError::Internal(e)),
        Err(ReceiveError::Unavailable(cause)) => {
            Err(crate::blob::BlobError::Unavailable(cause).into())
        }
    }
}

// The administration of the exchange (system administrators).

/// `GET /api/exchange/peers`.
pub async fn list_exchange_peers(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Vec<PeerDto>>> {
    crate::access::may_administer_exchange(session.user())?;
    Ok(Json(state.store.list_peers().await?))
}

/// `PUT /api/exchange/peers`: creates or replaces (by name) a peer.
pub async fn save_exchange_peer(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<SavePeerRequest>,
) -> AppResult<Json<PeerDto>> {
    crate::access::may_administer_exchange(session.user())?;
    req.validate().map_err(AppError::Validation)?;
    let peer = crate::store::exchange::NewPeer::from_request(&req);
    let id = state.store.save_peer(&session.actor(), &peer).await?;
    let saved = state
        .store
        .list_peers()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound("Không tìm thấy kết nối liên thông."))?;
    Ok(Json(saved))
}

/// `GET /api/exchange/queue`.
pub async fn list_exchange_packets(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<ExchangePacketsResponse>> {
    crate::access::may_administer_exchange(session.user())?;
    Ok(Json(state.store.list_exchange_packets().await?))
}

/// `POST /api/exchange/outbox/{id}/retry`: "Thử lại".
pub async fn retry_exchange_packet(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<OutboxItemDto>> {
    crate::access::may_administer_exchange(session.user())?;
    Ok(Json(state.store.retry_packet(&session.actor(), id).await?))
}
