//! The exchange's receiving end (issue 16): peers post edXML packets here, authenticated by HMAC over the
//! timestamp and body (`exchange::signature`), not by a session.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use shared::exchange::PacketReceipt;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::exchange::receive::{ReceiveError, receive_packet};
use crate::exchange::signature::{self, Refusal};
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
        Err(ReceiveError::Invalid(why)) => Err(AppError::BadRequest(why)),
        Err(ReceiveError::Internal(e)) => Err(AppError::Internal(e)),
    }
}
