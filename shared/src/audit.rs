//! The append-only, hash-chained audit log: who did what, when, from which address.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// One entry of the audit log as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryDto {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened.
    pub at: Timestamp,
    /// The account that acted (`None` for a failed sign-in with an unknown name, or the system itself).
    pub actor_id: Option<i64>,
    /// The name typed or the account's username, as it was at that moment.
    pub actor_username: Option<String>,
    /// The agency the action concerns, when there is one.
    pub agency_id: Option<i64>,
    /// A stable action code, e.g. `user.create`, `auth.login_failed`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::audit_action))]
    pub action: String,
    /// What was acted on, e.g. `user:17`.
    pub target: Option<String>,
    /// A readable name of what was acted on, as it was then (username, unit or agency name).
    pub target_name: Option<String>,
    /// Details as JSON text (never secrets).
    pub details: String,
    /// The client address the request came from.
    pub client_addr: Option<String>,
    /// Hex SHA-256 of this entry chained to the previous one.
    pub hash: String,
}

/// `GET /api/audit` answer, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditListResponse {
    pub entries: Vec<AuditEntryDto>,
}
