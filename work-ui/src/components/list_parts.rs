//! The small pieces every work list and page shares: the urgency stamp, the loading and error lines with
//! "Thử lại", and refetching when the app hears a live event.

use leptos::prelude::*;
use shared::document::Urgency;

/// The window event the app sends for each live event (see frontend/src/live.rs).
const LIVE_EVENT: &str = client::window_event::LIVE;

/// Bumps `version` whenever the app hears that something changed, so a list refetches by itself.
pub fn refetch_on_live(version: RwSignal<u32>) {
    let handle = window_event_listener_untyped(LIVE_EVENT, move |_| {
        version.try_update(|v| *v += 1);
    });
    on_cleanup(move || handle.remove());
}

/// The urgency as the stamp is printed (KHẨN, THƯỢNG KHẨN, HỎA TỐC in a red frame); nothing when normal.
pub fn urgency_stamp(urgency: Urgency) -> impl IntoView {
    urgency.stamp().map(|text| {
        view! {
            <span class="urgency-stamp" data-testid="urgency-stamp">
                {text}
            </span>
        }
    })
}

/// A spinner with a sentence.
pub fn loading() -> AnyView {
    view! {
        <p class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            "Đang tải…"
        </p>
    }
    .into_any()
}

/// A failure with a "Thử lại" button.
pub fn error_panel(message: String, retry: impl Fn() + 'static) -> AnyView {
    view! {
        <div class="alert alert-error" role="alert" data-testid="load-error">
            <p>{message}</p>
            <button type="button" class="btn btn-secondary" data-testid="retry-button" on:click=move |_| retry()>
                "Thử lại"
            </button>
        </div>
    }
    .into_any()
}
