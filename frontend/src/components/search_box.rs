//! The navigation's search box, on every signed-in page: a text field in the header that opens the results page
//! (`/tim-kiem?q=…`, in the work bundle). On a phone it folds behind a magnifier button and opens as a row under
//! the header.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

const MAGNIFIER: &str = "M10 2a8 8 0 0 1 6.32 12.9l5.39 5.4-1.42 1.41-5.39-5.39A8 8 0 1 1 10 2Zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12Z";

#[component]
pub fn SearchBox() -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    // On the results page the box shows what was searched.
    let location = use_location();
    Effect::new(move |_| {
        if location.pathname.get() == "/tim-kiem" {
            text.set(location.query.with(|q| q.get("q")).unwrap_or_default());
        }
    });
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked();
        if q.trim().is_empty() {
            if let Some(i) = input.get() {
                let _ = i.focus();
            }
            return;
        }
        open.set(false);
        navigate(
            &format!(
                "/tim-kiem?{}",
                shared::list_query::encode_pairs([("q", q.trim())])
            ),
            Default::default(),
        );
    };
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked()
            && let Some(i) = input.get()
        {
            let _ = i.focus();
        }
    };
    view! {
        <button
            type="button"
            class="icon-button search-toggle"
            data-testid="nav-search-toggle"
            aria-label="Tìm kiếm văn bản"
            aria-controls="nav-search"
            aria-expanded=move || open.get().to_string()
            on:click=toggle
        >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path fill="currentColor" d=MAGNIFIER />
            </svg>
        </button>
        <form
            id="nav-search"
            class="topbar-search"
            class:search-open=move || open.get()
            role="search"
            action="/tim-kiem"
            data-testid="nav-search"
            on:submit=submit
        >
            <input
                type="search"
                name="q"
                node_ref=input
                class="topbar-search-input"
                placeholder="Tìm văn bản: số, trích yếu, nội dung…"
                aria-label="Tìm văn bản"
                maxlength="200"
                autocomplete="off"
                data-testid="nav-search-input"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <button type="submit" class="icon-button topbar-search-submit" aria-label="Tìm" data-testid="nav-search-submit">
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path fill="currentColor" d=MAGNIFIER />
                </svg>
            </button>
        </form>
    }
}
