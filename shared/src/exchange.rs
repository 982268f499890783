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

use crate::agency::AgencyCode;
use crate::text::Line;
use crate::time::Timestamp;

/// How a peer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeerKind {
    /// Another vanban instance, over HTTP.
    Vanban,
    /// The national document axis (its adapter waits for the operator's credentials).
    Axis,
    /// A directory: packets written to `out/`, read from `in/`.
    Folder,
}

impl PeerKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vanban => "vanban",
            Self::Axis => "axis",
            Self::Folder => "folder",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Vanban, Self::Axis, Self::Folder]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A peer of the exchange as administrators see it (the secret is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerDto {
    pub id: i64,
    /// Shown in histories as "Trục liên thông (name)".
    pub name: String,
    pub kind: PeerKind,
    /// Base URL (vanban, axis) or directory (folder).
    pub endpoint: String,
    /// The key id both sides configure; requests carry it.
    pub key_id: String,
    /// The organ ids (mã định danh) reached through this peer.
    pub organ_ids: Vec<String>,
    pub enabled: bool,
}

/// `PUT /api/exchange/peers`: creates the peer of this name, or replaces it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SavePeerRequest {
    pub name: Line<200>,
    pub kind: PeerKind,
    /// `http://host:port[/prefix]` for vanban and axis; an absolute directory for folder.
    pub endpoint: Line<500>,
    pub key_id: Line<100>,
    /// The shared HMAC secret, 16–500 characters; null or absent when changing a peer keeps its secret.
    #[serde(default)]
    pub secret: Option<Line<500>>,
    /// The organ ids reached through this peer (each at most one peer's; none twice).
    pub organ_ids: Vec<AgencyCode>,
    pub enabled: bool,
}

impl SavePeerRequest {
    /// The rules beyond each field's own: the secret's length, the endpoint's form, no organ id twice.
    pub fn validate(&self) -> Result<(), crate::error::ApiError> {
        let err = |field: &str, msg: &str| Err(crate::error::ApiError::field(field, msg));
        if let Some(secret) = &self.secret
            && secret.as_str().chars().count() < 16
        {
            return err("secret", "Khóa bí mật dài ít nhất 16 ký tự.");
        }
        let endpoint = self.endpoint.as_str();
        match self.kind {
            PeerKind::Folder if !endpoint.starts_with('/') => {
                return err("endpoint", "Thư mục trao đổi phải là đường dẫn tuyệt đối.");
            }
            PeerKind::Vanban | PeerKind::Axis
                if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) =>
            {
                return err(
                    "endpoint",
                    "Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
                );
            }
            _ => {}
        }
        let mut seen = std::collections::HashSet::new();
        if !self.organ_ids.iter().all(|c| seen.insert(c.as_str())) {
            return err("organ_ids", "Một mã định danh được nhập hai lần.");
        }
        Ok(())
    }
}

/// A packet waiting to leave, or gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxItemDto {
    pub id: i64,
    /// The peer's name.
    pub peer: String,
    /// `document` or `status`.
    pub kind: String,
    pub document_id: String,
    /// Status packets: `01`…`16`.
    pub status_code: Option<String>,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    /// Why the last attempt failed, as the peer or the connection said.
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// A packet received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItemDto {
    pub id: i64,
    pub peer: String,
    /// `document` or `status`.
    pub kind: String,
    pub document_id: String,
    /// Business action: 0 new, 1 recall, 2 update, 3 replace.
    pub action: i64,
    /// Status packets: `01`…`16`.
    pub status_code: Option<String>,
    /// The sending agency's organ id.
    pub from_organ: String,
    /// `accepted` or `refused`.
    pub state: String,
    /// Why it was refused.
    pub error: Option<String>,
    pub received_at: Timestamp,
}

/// `GET /api/exchange/queue`: the latest 100 packets of each direction, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExchangePacketsResponse {
    pub outbox: Vec<OutboxItemDto>,
    pub inbox: Vec<InboxItemDto>,
}
