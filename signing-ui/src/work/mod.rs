//! The document workflow pages (Điều 11: văn bản đi; arrivals; registers), mounted by the app's routes through
//! `window.vanbanMountWork(element, route)`: the app keeps routing and the navigation, this bundle renders the
//! page. They live here, beside the signing pages and the worker client, because signing and issuing are part
//! of them, and so the sign-in page never downloads them.

pub mod arrivals;
pub mod document;
pub mod issue;
pub mod list;
pub mod new_draft;
pub mod register;
pub mod sign_task;

use leptos::prelude::*;
use serde::Deserialize;
use shared::outgoing::OutgoingBucket;

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
    },
    /// `/van-ban-di/{id}`: one document.
    OutgoingDoc { id: i64 },
    /// `/van-ban-den`: documents delivered to this agency.
    Arrivals,
    /// `/so-van-ban`: the outgoing register.
    Register,
}

#[component]
pub fn WorkRoot(route: WorkRoute) -> impl IntoView {
    match route {
        WorkRoute::OutgoingList { bucket } => {
            view! { <list::OutgoingListPage bucket=bucket /> }.into_any()
        }
        WorkRoute::OutgoingNew { answers } => {
            view! { <new_draft::NewDraftPage answers=answers /> }.into_any()
        }
        WorkRoute::OutgoingDoc { id } => view! { <document::DocumentPage id=id /> }.into_any(),
        WorkRoute::Arrivals => view! { <arrivals::ArrivalsPage /> }.into_any(),
        WorkRoute::Register => view! { <register::RegisterPage /> }.into_any(),
    }
}
