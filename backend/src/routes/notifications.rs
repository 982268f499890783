//! The signed-in person's notifications (the bell): list, mark read. Each person sees only their own; there
//! is nothing here to decide beyond "whose", so no access rule beyond being signed in.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shared::notification::{
    MAX_MARK_IDS, MarkNotificationsReadRequest, NOTIFICATION_PAGE, NotificationListResponse,
};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiQuery};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only notifications older than this id (the next page).
    before: Option<i64>,
    /// At most this many items (0–50, default 50); `limit=0` asks for the unread count alone.
    limit: Option<i64>,
}

pub async fn list_notifications(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> AppResult<Json<NotificationListResponse>> {
    if q.limit
        .is_some_and(|l| !(0..=NOTIFICATION_PAGE).contains(&l))
    {
        return Err(AppError::field(
            "limit",
            "Số thông báo mỗi trang từ 0 đến 50.",
        ));
    }
    Ok(Json(
        state
            .store
            .notifications(
                session.user().id,
                q.before,
                q.limit.unwrap_or(NOTIFICATION_PAGE),
            )
            .await?,
    ))
}

pub async fn mark_notifications_read(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ApiJson(req): ApiJson<MarkNotificationsReadRequest>,
) -> AppResult<Json<NotificationListResponse>> {
    if req.ids.len() > MAX_MARK_IDS {
        return Err(AppError::field(
            "ids",
            "Mỗi lần chỉ đánh dấu được tối đa 1.000 thông báo.",
        ));
    }
    let user = session.user().id;
    state
        .store
        .mark_notifications_read(user, &req.ids, req.all)
        .await?;
    Ok(Json(
        state
            .store
            .notifications(user, None, NOTIFICATION_PAGE)
            .await?,
    ))
}
