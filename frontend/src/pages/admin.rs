//! `/quan-tri`: administration of accounts, units and the audit log, for agency and system administrators.
//! The layout holds the tabs; the tabs are pages of the work bundle (`work-ui/src/pages/admin`, mounted by
//! `pages::work::{AdminUsersRoute, AdminUnitsRoute, AdminAuditRoute}`), so the sign-in page does not carry them.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Outlet, Redirect};

use crate::api::Api;
use crate::session::Session;

/// The window event the work bundle's accounts page sends after administrators edited their own account, so
/// the header shows their new name and roles.
pub const ME_CHANGED_EVENT: &str = client::window_event::ME_CHANGED;

#[component]
pub fn AdminLayout() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    let me_changed = window_event_listener_untyped(ME_CHANGED_EVENT, move |_| {
        leptos::task::spawn_local(async move {
            let _ = api.me().await;
        });
    });
    on_cleanup(move || me_changed.remove());

    view! {
        <Show
            when=move || session.is_admin()
            fallback=|| {
                view! {
                    <section class="page">
                        <div class="alert alert-error" role="alert">
                            "Bạn không có quyền truy cập chức năng quản trị."
                        </div>
                    </section>
                }
            }
        >
            <section class="page">
                <header class="page-header">
                    <h1>"Quản trị"</h1>
                </header>
                <nav class="tabs" aria-label="Quản trị">
                    <A href="/quan-tri/tai-khoan" attr:class="tab" attr:data-testid="admin-tab-users">
                        "Tài khoản"
                    </A>
                    <A href="/quan-tri/don-vi" attr:class="tab" attr:data-testid="admin-tab-units">
                        "Đơn vị"
                    </A>
                    <A href="/quan-tri/nhat-ky" attr:class="tab" attr:data-testid="admin-tab-audit">
                        "Nhật ký"
                    </A>
                    <Show when=move || session.is_system_admin()>
                        <A href="/quan-tri/lien-thong" attr:class="tab" attr:data-testid="admin-tab-exchange">
                            "Liên thông"
                        </A>
                    </Show>
                </nav>
                <Outlet />
            </section>
        </Show>
    }
}

/// `/quan-tri` itself opens the first tab.
#[component]
pub fn AdminIndex() -> impl IntoView {
    view! { <Redirect path="/quan-tri/tai-khoan" options=NavigateOptions { replace: true, ..Default::default() } /> }
}
