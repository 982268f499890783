//! Notifications: what happened that a person should know (a draft returned with the reviewer's reason, a
//! document waiting for their signature, work assigned to them), kept on the server so what arrived while they
//! were away is still there, each linked to its document.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// One notification as `GET /api/notifications` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationDto {
    pub id: i64,
    /// What happened, in Vietnamese ("Dự thảo bị trả lại: <lý do> — <trích yếu>").
    pub text: String,
    /// When it happened.
    pub at: Timestamp,
    /// The person has marked it read.
    pub read: bool,
    /// The outgoing document it is about (`/van-ban-di/{id}`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outgoing_id: Option<i64>,
    /// The incoming document it is about (`/van-ban-den/{id}`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_id: Option<i64>,
}

/// `GET /api/notifications`: the caller's notifications, newest first (at most [`NOTIFICATION_PAGE`]; `before`
/// pages further back), and how many of all of them are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationListResponse {
    pub items: Vec<NotificationDto>,
    pub unread: i64,
}

/// How many notifications one `GET /api/notifications` returns.
pub const NOTIFICATION_PAGE: i64 = 50;

/// `POST /api/notifications/read`: marks the caller's notifications `ids` read (ids of other people's are
/// ignored); `{"all": true}` marks every one read. Answers the new list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkNotificationsReadRequest {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// At most this many ids in one request.
pub const MAX_MARK_IDS: usize = 1000;
