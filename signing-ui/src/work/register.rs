//! (to be written)

use leptos::prelude::*;

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! { <p class="loading">"Đang xây dựng."</p> }
}
