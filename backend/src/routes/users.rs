//! Accounts, managed by administrators within their scope (own agency, or all for the provincial one).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shared::role::Role;
use shared::user::{
    CreateUserRequest, TemporaryPasswordResponse, UpdateUserRequest, UserDto, UserListResponse,
};

use crate::access::AdminScope;
use crate::app::AppState;
use crate::auth::{CurrentUser, Session, hash_password_async, temporary_password};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::store::{NewUser, UserFields, UserFilter};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    agency_id: Option<i64>,
    q: Option<String>,
}

pub async fn list_users(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> AppResult<Json<UserListResponse>> {
    let agency_id = AdminScope::of(session.user())?.agency_filter(q.agency_id)?;
    if q.q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::field(
            "q",
            "Từ khóa tìm kiếm dài tối đa 100 ký tự.",
        ));
    }
    let users = state
        .store
        .list_users(UserFilter {
            agency_id,
            query: q.q,
            limit: 1000,
        })
        .await?;
    Ok(Json(UserListResponse { users }))
}

/// Checks what an administrator may grant: at least one role, and `system_admin` only by a system admin.
fn check_roles(scope: AdminScope, roles: &[Role]) -> AppResult<()> {
    if roles.is_empty() {
        return Err(AppError::field("roles", "Cần chọn ít nhất một vai trò."));
    }
    if roles.contains(&Role::SystemAdmin) && scope != AdminScope::All {
        return Err(AppError::forbidden(
            "Chỉ quản trị hệ thống mới cấp được vai trò quản trị hệ thống.",
        ));
    }
    Ok(())
}

/// Loads the target account and checks the administrator may manage it.
async fn managed_user(
    state: &AppState,
    session: &Session,
    id: i64,
) -> AppResult<(AdminScope, UserDto)> {
    let scope = AdminScope::of(session.user())?;
    let target = state.store.get_user(id).await?;
    scope.reveal(target.agency.id)?;
    if target.has_role(Role::SystemAdmin) && scope != AdminScope::All {
        return Err(AppError::forbidden(
            "Chỉ quản trị hệ thống mới quản lý được tài khoản quản trị hệ thống.",
        ));
    }
    Ok((scope, target))
}

pub async fn create_user(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> AppResult<(StatusCode, Json<TemporaryPasswordResponse>)> {
    let scope = AdminScope::of(session.user())?;
    let unit = state
        .store
        .get_unit(req.unit_id)
        .await
        .map_err(|_| AppError::field("unit_id", "Đơn vị không tồn tại."))?;
    scope.check(unit.agency_id)?;
    check_roles(scope, &req.roles)?;
    let temporary_password = temporary_password();
    let password_hash = hash_password_async(temporary_password.clone()).await?;
    let new_user = NewUser {
        username: req.username.into(),
        fields: UserFields {
            full_name: req.full_name.into(),
            position: req.position.map(Into::into),
            email: req.email.map(Into::into),
            phone: req.phone.map(Into::into),
            unit_id: req.unit_id,
            roles: req.roles,
        },
        password_hash,
        must_change_password: true,
    };
    let user = state.store.create_user(&session.actor(), new_user).await?;
    Ok((
        StatusCode::CREATED,
        Json(TemporaryPasswordResponse {
            user,
            temporary_password,
        }),
    ))
}

pub async fn get_user(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<UserDto>> {
    let scope = AdminScope::of(session.user())?;
    let user = state.store.get_user(id).await?;
    scope.reveal(user.agency.id)?;
    Ok(Json(user))
}

pub async fn update_user(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> AppResult<Json<UserDto>> {
    let (scope, target) = managed_user(&state, &session, id).await?;
    let unit = state
        .store
        .get_unit(req.unit_id)
        .await
        .map_err(|_| AppError::field("unit_id", "Đơn vị không tồn tại."))?;
    scope.check(unit.agency_id)?;
    check_roles(scope, &req.roles)?;
    let was_admin = target.roles.iter().any(|r| r.is_admin());
    let stays_admin = req.roles.iter().any(|r| r.is_admin());
    if target.id == session.user().id && was_admin && !stays_admin {
        return Err(AppError::Conflict(
            "Bạn không thể tự bỏ vai trò quản trị của chính mình.".into(),
        ));
    }
    let fields = UserFields {
        full_name: req.full_name.into(),
        position: req.position.map(Into::into),
        email: req.email.map(Into::into),
        phone: req.phone.map(Into::into),
        unit_id: req.unit_id,
        roles: req.roles,
    };
    Ok(Json(
        state
            .store
            .update_user(&session.actor(), id, fields)
            .await?,
    ))
}

async fn set_locked(
    state: AppState,
    session: Session,
    id: i64,
    locked: bool,
) -> AppResult<Json<UserDto>> {
    let (_, target) = managed_user(&state, &session, id).await?;
    if locked && target.id == session.user().id {
        return Err(AppError::Conflict(
            "Bạn không thể tự khóa tài khoản của chính mình.".into(),
        ));
    }
    Ok(Json(
        state
            .store
            .set_user_locked(&session.actor(), id, locked)
            .await?,
    ))
}

pub async fn lock_user(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<UserDto>> {
    set_locked(state, session, id, true).await
}

pub async fn unlock_user(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<UserDto>> {
    set_locked(state, session, id, false).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Json<TemporaryPasswordResponse>> {
    managed_user(&state, &session, id).await?;
    let temporary_password = temporary_password();
    let hash = hash_password_async(temporary_password.clone()).await?;
    let user = state
        .store
        .reset_password(&session.actor(), id, hash)
        .await?;
    Ok(Json(TemporaryPasswordResponse {
        user,
        temporary_password,
    }))
}
