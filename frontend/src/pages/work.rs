//! The document workflow routes (`/van-ban-di…`, `/van-ban-den`, `/so-van-ban`). Their pages live in the work
//! bundle (`signing-ui/`, loaded the first time one is opened, so the sign-in page never downloads it); here
//! each route only says which page it wants, and [`WorkHost`] mounts it through `window.vanbanMountWork`.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use shared::outgoing::OutgoingBucket;

use crate::components::shell::{BUCKETS, default_bucket};
use crate::pages::signing::mount_or_load;
use crate::session::Session;

/// Mounts the work page described by `route` (a `WorkRoute` as JSON, written by hand: `serde_json::Value`
/// would add its code to the sign-in bundle) and mounts again when it changes.
#[component]
pub fn WorkHost(#[prop(into)] route: Signal<String>) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let route = route.get();
        if let Some(element) = root.get() {
            mount_or_load("vanbanMountWork", &element, Some(&route));
        }
    });
    view! {
        <div id="work-root" class="work-root" node_ref=root data-route=move || route.get() data-testid="work-root">
            <p class="loading">
                <span class="spinner"></span>
                "Đang tải…"
            </p>
        </div>
    }
}

/// `/van-ban-di?muc=…`: one bucket of outgoing documents (by default the one the user's roles make first).
#[component]
pub fn OutgoingListRoute() -> impl IntoView {
    let query = use_location().query;
    let session = Session::get();
    let route = Signal::derive(move || {
        let asked = query.with(|q| q.get("muc"));
        let bucket = asked
            .and_then(|code| BUCKETS.iter().find(|b| b.bucket.code() == code))
            .map(|b| b.bucket)
            .unwrap_or_else(|| {
                session
                    .user()
                    .map_or(OutgoingBucket::Drafts, |u| default_bucket(&u.roles))
            });
        format!(r#"{{"page":"outgoing_list","bucket":"{}"}}"#, bucket.code())
    });
    view! { <WorkHost route /> }
}

/// `/van-ban-di/moi`: a new draft.
#[component]
pub fn OutgoingNewRoute() -> impl IntoView {
    // `?tra-loi=<delivery id>`: a reply to a received document.
    let query = use_location().query;
    let route = Signal::derive(move || {
        match query.with(|q| q.get("tra-loi").and_then(|v| v.parse::<i64>().ok())) {
            Some(d) => format!(r#"{{"page":"outgoing_new","answers":{d}}}"#),
            None => r#"{"page":"outgoing_new"}"#.to_string(),
        }
    });
    view! { <WorkHost route /> }
}

/// `/van-ban-di/:id`: one document.
#[component]
pub fn OutgoingDocRoute() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    move || match id.get() {
        Some(id) => view! { <WorkHost route=format!(r#"{{"page":"outgoing_doc","id":{id}}}"#) /> }
            .into_any(),
        None => view! { <crate::pages::sections::NotFoundPage /> }.into_any(),
    }
}

/// `/van-ban-den`: documents delivered to this agency.
#[component]
pub fn ArrivalsRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"arrivals"}"#.to_string() /> }
}

/// `/so-van-ban`: the outgoing register.
#[component]
pub fn RegisterRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"register"}"#.to_string() /> }
}
