//! `/thong-bao`: the person's notifications, newest first — what happened while they were away, each linked to
//! its document. Opening one marks it read; "Đánh dấu tất cả đã đọc" marks all; "Xem thêm" pages back. The bell
//! in the header follows (the app refreshes its count on the `vanban-notifications-read` window event).

use leptos::prelude::*;
use shared::notification::{
    MarkNotificationsReadRequest, NotificationDto, NotificationListResponse,
};

use crate::api;
use crate::components::list_parts::{error_panel, loading, refetch_on_live};

/// Tells the app the unread count changed.
fn tell_app() {
    client::window_event::tell(client::window_event::NOTIFICATIONS_READ);
}

/// Where a notification leads.
fn href_of(n: &NotificationDto) -> Option<String> {
    match (n.incoming_id, n.outgoing_id) {
        (Some(i), _) => Some(format!("/van-ban-den/{i}")),
        (None, Some(o)) => Some(format!("/van-ban-di/{o}")),
        _ => None,
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let first = LocalResource::new(move || {
        version.track();
        api::notifications(None)
    });
    // Older pages fetched with "Xem thêm", kept below the first page.
    let older = RwSignal::new(Vec::<NotificationDto>::new());
    let no_more = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let more = Action::new_local(move |before: &i64| {
        let before = *before;
        async move { api::notifications(Some(before)).await }
    });
    Effect::new(move |_| match more.value().get() {
        Some(Ok(page)) => {
            no_more.set(page.items.len() < shared::notification::NOTIFICATION_PAGE as usize);
            older.update(|o| o.extend(page.items));
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let mark = Action::new_local(move |req: &MarkNotificationsReadRequest| {
        let req = req.clone();
        async move { api::mark_notifications_read(&req).await }
    });
    Effect::new(move |_| match mark.value().get() {
        Some(Ok(_)) => {
            tell_app();
            older.update(|o| o.iter_mut().for_each(|n| n.read = true));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let open = move |n: NotificationDto| {
        if !n.read {
            // Marked before leaving; the next page load shows it read even if this request is slow.
            spawn_mark_one(n.id);
        }
    };
    let list = move |page: NotificationListResponse| {
        let unread = page.unread;
        let mut items = page.items;
        // "Xem thêm" while the last page fetched was full.
        let may_have_more = if older.with(Vec::is_empty) {
            items.len() >= shared::notification::NOTIFICATION_PAGE as usize
        } else {
            !no_more.get()
        };
        items.extend(older.get());
        if items.is_empty() {
            return view! {
                <p class="empty" data-testid="notifications-empty">"Bạn chưa có thông báo nào."</p>
            }
            .into_any();
        }
        let oldest = items.last().map(|n| n.id);
        let rows = items
            .into_iter()
            .map(|n| {
                let href = href_of(&n);
                let read = n.read;
                let at = n.at.to_display_vn();
                let text = n.text.clone();
                let body = view! {
                    <span class="notice-text">{text}</span>
                    <span class="notice-at">{at}</span>
                };
                let item = match href {
                    Some(href) => {
                        let n2 = n.clone();
                        view! {
                            <a href=href class="notice-link" data-testid="notification-link" on:click=move |_| open(n2.clone())>
                                {body}
                            </a>
                        }
                        .into_any()
                    }
                    None => view! { <div class="notice-link">{body}</div> }.into_any(),
                };
                view! {
                    <li class="notice" class:is-unread=!read data-testid="notification" data-read=read.to_string()>
                        {item}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="notice-toolbar">
                <span data-testid="notifications-unread-count">
                    {if unread > 0 { format!("{unread} thông báo chưa đọc") } else { "Đã đọc hết".to_string() }}
                </span>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="notifications-read-all"
                    disabled=move || unread == 0 || mark.pending().get()
                    on:click=move |_| {
                        mark.dispatch(MarkNotificationsReadRequest { ids: vec![], all: true });
                    }
                >
                    "Đánh dấu tất cả đã đọc"
                </button>
            </div>
            <ul class="notice-list">{rows}</ul>
            {may_have_more.then(|| view! {
                <p class="more">
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="notifications-more"
                        disabled=move || more.pending().get()
                        on:click=move |_| {
                            if let Some(before) = oldest {
                                more.dispatch(before);
                            }
                        }
                    >
                        "Xem thêm"
                    </button>
                </p>
            })}
        }
        .into_any()
    };
    view! {
        <section class="page work-page notifications-page" data-testid="notifications-page">
            <header class="page-header">
                <h1>"Thông báo"</h1>
                <p class="muted">"Những việc liên quan đến bạn, mới nhất trước. Chọn một thông báo để mở văn bản."</p>
            </header>
            {move || error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || match first.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || first.refetch()),
                Some(Ok(page)) => list(page),
            }}
        </section>
    }
}

/// Marks one notification read in the background (the link navigates at once).
fn spawn_mark_one(id: i64) {
    leptos::task::spawn_local(async move {
        let req = MarkNotificationsReadRequest {
            ids: vec![id],
            all: false,
        };
        if api::mark_notifications_read(&req).await.is_ok() {
            tell_app();
        }
    });
}
