//! Inter-system exchange (liên thông, issue 16; Điều 3.3, 11.3b, 23 of the regulation): edXML packets between
//! this instance and its peers (another vanban instance, an axis endpoint, a folder).
//!
//! How a packet walks: a workflow step that causes one (issuing to a recipient a peer serves; a clerk's or
//! handler's step on a document that came by exchange) writes an `exchange_outbox` row in its own transaction
//! (`store/exchange.rs`). [`delivery::run`], a task of `vanban serve`, leases due rows, builds the packet
//! ([`packets`], through the `edxml` crate), sends it through the peer's [`transport::Transport`] and marks the row
//! delivered on acknowledgement, or retries with exponential backoff and jitter. The receiving instance's
//! `POST /api/exchange/packets` (`routes/exchange.rs`) checks the request's HMAC ([`signature`]), parses the
//! packet and records it once (`exchange_inbox`, keyed by DocumentId, action, status code and sender).

pub mod delivery;
pub mod packets;
pub mod receive;
pub mod signature;
pub mod transport;

/// The name an arrival's history and audit entries give the exchange, which has no person behind it.
pub fn actor_label(peer_name: &str) -> String {
    format!("Trục liên thông ({peer_name})")
}
