//! (to be written)

use leptos::prelude::*;

#[component]
pub fn OutgoingListPage(
    #[allow(unused)] bucket: shared::outgoing::OutgoingBucket,
) -> impl IntoView {
    view! { <p class="loading">"Đang xây dựng."</p> }
}
