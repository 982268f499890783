//! Agencies and their units.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::agency::{
    AgencyDto, AgencyStorageDto, CreateUnitRequest, SetStorageQuotaRequest, UnitDto,
    UpdateUnitRequest,
};

use crate::access::AdminScope;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{ApiJson, IdPath};
use crate::store::UnitFields;

pub async fn list_agencies(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> AppResult<Json<Vec<AgencyDto>>> {
    Ok(Json(state.store.list_agencies().await?))
}

pub async fn list_units(
    State(state): State<AppState>,
    _user: CurrentUser,
    IdPath(agency_id): IdPath,
) -> AppResult<Json<Vec<UnitDto>>> {
    state.store.get_agency(agency_id).await?;
    Ok(Json(state.store.list_units(agency_id).await?))
}

fn fields(req: CreateUnitRequest) -> UnitFields {
    UnitFields {
        name: req.name.into(),
        short_name: req.short_name.into(),
        kind: req.kind,
    }
}

pub async fn create_unit(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(agency_id): IdPath,
    ApiJson(req): ApiJson<CreateUnitRequest>,
) -> AppResult<(StatusCode, Json<UnitDto>)> {
    AdminScope::of(session.user())?.check(agency_id)?;
    state.store.get_agency(agency_id).await?;
    let unit = state
        .store
        .create_unit(&session.actor(), agency_id, fields(req))
        .await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

pub async fn update_unit(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(unit_id): IdPath,
    ApiJson(req): ApiJson<UpdateUnitRequest>,
) -> AppResult<Json<UnitDto>> {
    let scope = AdminScope::of(session.user())?;
    let unit = state.store.get_unit(unit_id).await?;
    scope.check(unit.agency_id)?;
    Ok(Json(
        state
            .store
            .update_unit(&session.actor(), unit_id, fields(req))
            .await?,
    ))
}

/// `GET /api/agencies/{id}/storage`: for the agency's administrators and system administrators.
pub async fn get_storage(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(agency_id): IdPath,
) -> AppResult<Json<AgencyStorageDto>> {
    AdminScope::of(session.user())?.reveal(agency_id)?;
    storage(&state, agency_id).await.map(Json)
}

/// `PUT /api/agencies/{id}/storage`: a system administrator sets an agency's quota.
pub async fn set_storage_quota(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(agency_id): IdPath,
    ApiJson(req): ApiJson<SetStorageQuotaRequest>,
) -> AppResult<Json<AgencyStorageDto>> {
    let scope = AdminScope::of(session.user())?;
    scope.reveal(agency_id)?;
    if scope != AdminScope::All {
        return Err(crate::error::AppError::forbidden(
            "Chỉ quản trị hệ thống mới đặt được hạn mức lưu trữ của cơ quan.",
        ));
    }
    state
        .store
        .set_agency_quota(&session.actor(), agency_id, req.quota_mb.map(|q| q.get()))
        .await?;
    storage(&state, agency_id).await.map(Json)
}

async fn storage(state: &AppState, agency_id: i64) -> AppResult<AgencyStorageDto> {
    let s = state.store.agency_storage(agency_id).await?;
    Ok(AgencyStorageDto {
        used_bytes: s.used_bytes,
        quota_bytes: s.quota_bytes(state.config.agency_quota_mb),
        quota_mb: s.quota_mb,
        default_quota_mb: state.config.agency_quota_mb,
    })
}
