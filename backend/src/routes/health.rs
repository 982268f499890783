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

/// `GET /api/pki/trust-anchors` (signed in): the CA certificates the browser's verifier should trust, and the
/// CRLs the server holds for them.
pub async fn get_trust_anchors(
    State(state): State<AppState>,
    _user: crate::auth::CurrentUser,
) -> crate::error::AppResult<Json<shared::pdf::TrustAnchorsResponse>> {
    let crls = state
        .store
        .latest_crls()
        .await?
        .iter()
        .filter_map(|der| shared::pki::crl_from_pem_or_der(der).ok())
        .filter_map(|crl| shared::pki::crl_to_pem(&crl).ok())
        .collect();
    Ok(Json(shared::pdf::TrustAnchorsResponse {
        anchors: state.config.trust_anchors.clone(),
        crls,
    }))
}
