//! Which work page the app's route asks for and the page it mounts: the app keeps routing and the navigation
//! and calls `window.vanbanMountWork(element, route)`; this bundle renders the page. The document pages live
//! here, beside the signing pages and the worker client, because signing and issuing are part of them, and so
//! the sign-in page never downloads them.

use leptos::prelude::*;
use serde::Deserialize;
use shared::incoming::IncomingBucket;
use shared::outgoing::OutgoingBucket;

use crate::pages::{
    admin, dashboard, delegations, document, handover, incoming_doc, incoming_list, intake,
    new_draft, notifications, outgoing_list, record_files, register, report, search,
};

/// Which page the app's route asks for (JSON from the host: `{"page": "outgoing_doc", "id": 5}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "page", rename_all = "snake_case")]
pub enum WorkRoute {
    /// `/van-ban-di?muc=…`: a bucket of outgoing documents; `query` is the address's query string (its
    /// filters, sort and page, see `shared::list_query`).
    OutgoingList {
        bucket: OutgoingBucket,
        #[serde(default)]
        query: String,
    },
    /// `/van-ban-di/moi`: a new draft.
    OutgoingNew {
        /// The received document (a delivery to this agency) the draft answers (`?tra-loi=`).
        #[serde(default)]
        answers: Option<i64>,
        /// The incoming document of this agency the draft answers (`?tra-loi-den=`).
        #[serde(default)]
        answers_incoming: Option<i64>,
    },
    /// `/van-ban-di/{id}`: one document.
    OutgoingDoc { id: i64 },
    /// `/van-ban-den?muc=…`: a bucket of incoming documents, with the address's query string.
    IncomingList {
        bucket: IncomingBucket,
        #[serde(default)]
        query: String,
    },
    /// `/van-ban-den/moi`: the clerk registers a document received by e-mail, on paper or from the axis.
    IncomingNew,
    /// `/van-ban-den/{id}`: one incoming document.
    IncomingDoc { id: i64 },
    /// `/so-van-ban`: the outgoing register.
    Register,
    /// `/bang-theo-doi`: the leaders' dashboard, or one unit's (`unit`) or person's (`user`) open work.
    Dashboard {
        #[serde(default)]
        unit: Option<i64>,
        #[serde(default)]
        user: Option<i64>,
        /// The address's query string (a drill-down's filters, sort and page).
        #[serde(default)]
        query: String,
    },
    /// `/bao-cao`: the six-month report (Điều 24).
    Report,
    /// `/ho-so`: the agency's record files (hồ sơ, Điều 14).
    RecordFiles,
    /// `/tim-kiem?q=…`: the results of the navigation's search box, with the address's query string (the
    /// text, filters and page, see `shared::search::SearchQuery`).
    Search {
        #[serde(default)]
        query: String,
    },
    /// `/uy-quyen`: delegations.
    Delegations,
    /// `/quan-tri/ban-giao/{id}`: hand an account's open work over.
    Handover { id: i64 },
    /// `/thong-bao`: the person's notifications.
    Notifications,
    /// `/quan-tri/tai-khoan`: the administration's accounts tab.
    AdminUsers,
    /// `/quan-tri/don-vi`: the administration's units tab, with the agency's storage.
    AdminUnits,
    /// `/quan-tri/lien-thong`: the exchange between systems (peers, packets, retry).
    AdminExchange,
    /// `/quan-tri/nhat-ky`: the audit log, with the address's query string (its filters and page, see
    /// `shared::audit::AuditQuery`).
    AdminAudit {
        #[serde(default)]
        query: String,
    },
}

#[component]
pub fn WorkRoot(route: WorkRoute) -> impl IntoView {
    match route {
        WorkRoute::OutgoingList { bucket, query } => {
            view! { <outgoing_list::OutgoingListPage bucket=bucket query=query /> }.into_any()
        }
        WorkRoute::OutgoingNew {
            answers,
            answers_incoming,
        } => {
            view! { <new_draft::NewDraftPage answers=answers answers_incoming=answers_incoming /> }
                .into_any()
        }
        WorkRoute::OutgoingDoc { id } => view! { <document::DocumentPage id=id /> }.into_any(),
        WorkRoute::IncomingList { bucket, query } => {
            view! { <incoming_list::IncomingListPage bucket=bucket query=query /> }.into_any()
        }
        WorkRoute::IncomingNew => view! { <intake::IntakePage /> }.into_any(),
        WorkRoute::IncomingDoc { id } => {
            view! { <incoming_doc::IncomingDocPage id=id /> }.into_any()
        }
        WorkRoute::Register => view! { <register::RegisterPage /> }.into_any(),
        WorkRoute::Dashboard { unit, user, query } => {
            view! { <dashboard::DashboardPage unit user query /> }.into_any()
        }
        WorkRoute::Report => view! { <report::ReportPage /> }.into_any(),
        WorkRoute::RecordFiles => view! { <record_files::RecordFilesPage /> }.into_any(),
        WorkRoute::Search { query } => view! { <search::SearchPage query /> }.into_any(),
        WorkRoute::Delegations => view! { <delegations::DelegationsPage /> }.into_any(),
        WorkRoute::Handover { id } => view! { <handover::HandoverPage id /> }.into_any(),
        WorkRoute::Notifications => view! { <notifications::NotificationsPage /> }.into_any(),
        WorkRoute::AdminUsers => view! { <admin::users::UsersPage /> }.into_any(),
        WorkRoute::AdminUnits => view! { <admin::units::UnitsPage /> }.into_any(),
        WorkRoute::AdminAudit { query } => view! { <admin::audit::AuditPage query /> }.into_any(),
        WorkRoute::AdminExchange => view! { <admin::exchange::ExchangePage /> }.into_any(),
    }
}
