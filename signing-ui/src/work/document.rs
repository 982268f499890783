//! (to be written)

use leptos::prelude::*;

#[component]
pub fn DocumentPage(#[allow(unused)] id: i64) -> impl IntoView {
    view! { <p class="loading">"Đang xây dựng."</p> }
}
