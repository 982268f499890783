//! The page for an unknown address (sections not built yet are not offered at all).

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="center-page">
            <div class="placeholder">
                <h1>"Không tìm thấy trang"</h1>
                <p>"Địa chỉ này không có trong hệ thống."</p>
                <A href="/" attr:class="btn btn-primary">
                    "Về trang chủ"
                </A>
            </div>
        </main>
    }
}
