//! (to be written)

use leptos::prelude::*;

#[component]
pub fn ArrivalsPage() -> impl IntoView {
    view! { <p class="loading">"Đang xây dựng."</p> }
}
