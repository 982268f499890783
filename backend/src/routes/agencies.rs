//! Agencies and their units.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::agency::{AgencyDto, CreateUnitRequest, UnitDto, UpdateUnitRequest};

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
