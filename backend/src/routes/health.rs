//! `GET /api/health`: liveness, database kind and schema version.

use axum::Json;
use axum::extract::State;
use shared::health::HealthResponse;

use crate::app::AppState;
use crate::error::AppResult;

pub async fn get_health(State(state): State<AppState>) -> AppResult<Json<HealthResponse>> {
    let schema_version = state.store.schema_version().await?;
    Ok(Json(HealthResponse {
        status: "ok".into(),
        database: state.store.kind().name().into(),
        schema_version,
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
