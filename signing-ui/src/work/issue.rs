//! (being written)
use leptos::prelude::*;
use shared::outgoing::OutgoingDto;

#[component]
pub fn IssueTask(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let _ = (doc, on_done);
}
