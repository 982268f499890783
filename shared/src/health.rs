//! `GET /api/health`.

use serde::{Deserialize, Serialize};

/// Which database the server runs on and how far its schema has been migrated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The version of the last migration applied.
    pub schema_version: i64,
    pub version: String,
}
