//! The inter-system exchange's wire answers (issue 16): what a receiving instance says about a packet.

use serde::{Deserialize, Serialize};

/// The answer to a packet delivered to `POST /api/exchange/packets` (an acknowledgement: the sender marks the
/// packet delivered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacketReceipt {
    /// True when this packet (same DocumentId, action, status code and sending agency) was received before and
    /// nothing changed now.
    pub duplicate: bool,
    /// The incoming documents a document packet became, or the deliveries a status packet moved (ids on the
    /// receiving instance; empty for a duplicate).
    pub ids: Vec<i64>,
}
