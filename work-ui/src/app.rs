//! Which work page the app's route asks for and the page it mounts: the app keeps routing and the navigation
//! and calls `window.vanbanMountWork(element, route)`; this bundle renders the page. The document pages live
//! here, beside the signing pages and the worker client, because signing and issuing are part of them, and so
//! the sign-in page never downloads them.

use leptos::prelude::*;
use serde::Deserialize;
use shared::incoming::IncomingBucket;
use shared::outgoing::OutgoingBucket;

use crate::pages::{
    dashboard, delegations, document, handover, incoming_doc, incoming_list, intake, new_draft,
    outgoing_list, register,
};

/// Which page the app's route asks for (JSON from the host: `{"page": "outgoing_doc", "id": 5}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "page", rename_all = "snake_case")]
pub enum WorkRoute {
    /// `/van-ban-di?muc=…`: a bucket of outgoing documents.
    OutgoingList { bucket: OutgoingBucket },
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
    /// `/van-ban-den?muc=…`: a bucket of incoming documents.
    IncomingList { bucket: IncomingBucket },
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
    },
    /// `/uy-quyen`: delegations.
    Delegations,
    /// `/quan-tri/ban-giao/{id}`: hand an account's open work over.
    Handover { id: i64 },
}

#[component]
pub fn WorkRoot(route: WorkRoute) -> impl IntoView {
    match route {
        WorkRoute::OutgoingList { bucket } => {
            view! { <outgoing_list::OutgoingListPage bucket=bucket /> }.into_any()
        }
        WorkRoute::OutgoingNew {
            answers,
            answers_incoming,
        } => {
            view! { <new_draft::NewDraftPage answers=answers answers_incoming=answers_incoming /> }
                .into_any()
        }
        WorkRoute::OutgoingDoc { id } => view! { <document::DocumentPage id=id /> }.into_any(),
        WorkRoute::IncomingList { bucket } => {
            view! { <incoming_list::IncomingListPage bucket=bucket /> }.into_any()
        }
        WorkRoute::IncomingNew => view! { <intake::IntakePage /> }.into_any(),
        WorkRoute::IncomingDoc { id } => {
            view! { <incoming_doc::IncomingDocPage id=id /> }.into_any()
        }
        WorkRoute::Register => view! { <register::RegisterPage /> }.into_any(),
        WorkRoute::Dashboard { unit, user } => {
            view! { <dashboard::DashboardPage unit user /> }.into_any()
        }
        WorkRoute::Delegations => view! { <delegations::DelegationsPage /> }.into_any(),
        WorkRoute::Handover { id } => view! { <handover::HandoverPage id /> }.into_any(),
    }
}
