//! `GET /api/health`.

use serde::{Deserialize, Serialize};

/// Which database the server runs on and how far its schema has been migrated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::health_status))]
    pub status: String,
    /// `sqlite` or `postgres`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::database_kind))]
    pub database: String,
    /// The version of the last migration applied.
    pub schema_version: i64,
    /// The server's version.
    pub version: String,
}
