//! The document workflow routes (`/van-ban-di…`, `/van-ban-den`, `/so-van-ban`…) and the administration's
//! accounts and units tabs (`/quan-tri/tai-khoan`, `/quan-tri/don-vi`). Their pages live in the work bundle
//! (`work-ui/`, loaded the first time one is opened, so the sign-in page never downloads it); here each route
//! only says which page it wants, and [`WorkHost`] mounts it through `window.vanbanMountWork`.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use shared::incoming::IncomingBucket;
use shared::outgoing::OutgoingBucket;

use crate::components::shell::{BUCKETS, default_bucket, default_incoming_bucket};
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

/// The address's query string as a `WorkRoute` member (`,"query":"…"`): a list's filters, sort and page,
/// which the work bundle reads (`shared::list_query`). Escaped by hand for the same reason as the route.
fn query_member(search: &str) -> String {
    let q = search.trim_start_matches('?');
    if q.is_empty() {
        return String::new();
    }
    format!(
        r#","query":"{}""#,
        q.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// `/van-ban-di?muc=…`: one bucket of outgoing documents (by default the one the user's roles make first).
#[component]
pub fn OutgoingListRoute() -> impl IntoView {
    let query = use_location().query;
    let search = use_location().search;
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
        format!(
            r#"{{"page":"outgoing_list","bucket":"{}"{}}}"#,
            bucket.code(),
            search.with(|s| query_member(s))
        )
    });
    view! { <WorkHost route /> }
}

/// `/van-ban-di/moi`: a new draft.
#[component]
pub fn OutgoingNewRoute() -> impl IntoView {
    // `?tra-loi=<delivery id>`: a reply to a received document; `?tra-loi-den=<incoming id>`: a reply to an
    // incoming document of this agency (from its page).
    let query = use_location().query;
    let route = Signal::derive(move || {
        let number = |key: &str| query.with(|q| q.get(key).and_then(|v| v.parse::<i64>().ok()));
        let mut route = r#"{"page":"outgoing_new""#.to_string();
        if let Some(d) = number("tra-loi") {
            route.push_str(&format!(r#","answers":{d}"#));
        }
        if let Some(i) = number("tra-loi-den") {
            route.push_str(&format!(r#","answers_incoming":{i}"#));
        }
        route.push('}');
        route
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

/// `/van-ban-den?muc=…`: one bucket of incoming documents (by default the one the user's roles make first).
#[component]
pub fn IncomingListRoute() -> impl IntoView {
    let query = use_location().query;
    let search = use_location().search;
    let session = Session::get();
    let route = Signal::derive(move || {
        let bucket = query
            .with(|q| q.get("muc"))
            .and_then(|code| IncomingBucket::from_code(&code))
            .unwrap_or_else(|| {
                session.user().map_or(IncomingBucket::Pending, |u| {
                    default_incoming_bucket(&u.roles)
                })
            });
        format!(
            r#"{{"page":"incoming_list","bucket":"{}"{}}}"#,
            bucket.code(),
            search.with(|s| query_member(s))
        )
    });
    view! { <WorkHost route /> }
}

/// `/tim-kiem?q=…`: the results of the navigation's search box (the text, filters and page in the address).
#[component]
pub fn SearchRoute() -> impl IntoView {
    let search = use_location().search;
    let route = Signal::derive(move || {
        format!(r#"{{"page":"search"{}}}"#, search.with(|s| query_member(s)))
    });
    view! { <WorkHost route /> }
}

/// `/van-ban-den/moi`: the clerk registers a document received by e-mail, on paper or from the axis.
#[component]
pub fn IncomingNewRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"incoming_new"}"#.to_string() /> }
}

/// `/van-ban-den/:id`: one incoming document.
#[component]
pub fn IncomingDocRoute() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    move || match id.get() {
        Some(id) => view! { <WorkHost route=format!(r#"{{"page":"incoming_doc","id":{id}}}"#) /> }
            .into_any(),
        None => view! { <crate::pages::sections::NotFoundPage /> }.into_any(),
    }
}

/// `/so-van-ban`: the outgoing and incoming registers.
#[component]
pub fn RegisterRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"register"}"#.to_string() /> }
}

/// `/bang-theo-doi?unit=…&user=…`: the leaders' dashboard of open work, or one unit's or person's open work.
#[component]
pub fn DashboardRoute() -> impl IntoView {
    let query = use_location().query;
    let search = use_location().search;
    let route = Signal::derive(move || {
        let number = |key: &str| query.with(|q| q.get(key).and_then(|v| v.parse::<i64>().ok()));
        let mut route = r#"{"page":"dashboard""#.to_string();
        if let Some(u) = number("unit") {
            route.push_str(&format!(r#","unit":{u}"#));
        }
        if let Some(u) = number("user") {
            route.push_str(&format!(r#","user":{u}"#));
        }
        route.push_str(&search.with(|s| query_member(s)));
        route.push('}');
        route
    });
    view! { <WorkHost route /> }
}

/// `/ho-so`: the agency's record files (hồ sơ, Điều 14).
#[component]
pub fn RecordFilesRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"record_files"}"#.to_string() /> }
}

/// `/bao-cao`: the six-month report on sending and receiving documents (Điều 24).
#[component]
pub fn ReportRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"report"}"#.to_string() /> }
}

/// `/uy-quyen`: delegations of assigning (and signing) while a leader is away.
#[component]
pub fn DelegationsRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"delegations"}"#.to_string() /> }
}

/// `/quan-tri/ban-giao/:id`: an administrator hands an account's open work over to a colleague.
#[component]
pub fn HandoverRoute() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    move || match id.get() {
        Some(id) => {
            view! { <WorkHost route=format!(r#"{{"page":"handover","id":{id}}}"#) /> }.into_any()
        }
        None => view! { <crate::pages::sections::NotFoundPage /> }.into_any(),
    }
}

/// `/quan-tri/tai-khoan`: the accounts of an agency (inside the administration's tabs).
#[component]
pub fn AdminUsersRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"admin_users"}"#.to_string() /> }
}

/// `/quan-tri/don-vi`: the units of an agency and its storage (inside the administration's tabs).
#[component]
pub fn AdminUnitsRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"admin_units"}"#.to_string() /> }
}

/// `/quan-tri/nhat-ky`: the audit log (inside the administration's tabs), with the address's filters and page.
#[component]
pub fn AdminAuditRoute() -> impl IntoView {
    let search = use_location().search;
    let route = Signal::derive(move || {
        format!(
            r#"{{"page":"admin_audit"{}}}"#,
            search.with(|s| query_member(s))
        )
    });
    view! { <WorkHost route /> }
}

/// `/quan-tri/lien-thong`: the exchange between systems (inside the administration's tabs; system administrators).
#[component]
pub fn AdminExchangeRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"admin_exchange"}"#.to_string() /> }
}

/// `/thong-bao`: the person's notifications (the bell).
#[component]
pub fn NotificationsRoute() -> impl IntoView {
    view! { <WorkHost route=r#"{"page":"notifications"}"#.to_string() /> }
}
