//! `/van-ban-den/moi`: stub.
use leptos::prelude::*;

#[component]
pub fn IntakePage() -> impl IntoView {
    view! { <p>"…"</p> }
}
