//! `/quan-tri`: administration of accounts, units and the audit log, for agency and system administrators.
//! The layout holds the tabs and the agency being administered, shared by the tabs.

pub mod audit;
pub mod units;
pub mod users;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Outlet, Redirect};
use shared::agency::AgencyDto;

use crate::api::{Api, ApiResult};
use crate::session::Session;

/// State shared by the administration tabs.
#[derive(Clone, Copy)]
pub struct AdminContext {
    /// The agency whose accounts and units are shown.
    pub agency_id: RwSignal<Option<i64>>,
    /// Every agency (for a system administrator; empty for an agency administrator, who sees only their own).
    pub agencies: LocalResource<ApiResult<Vec<AgencyDto>>>,
}

impl AdminContext {
    pub fn get() -> Self {
        expect_context::<Self>()
    }
}

#[component]
pub fn AdminLayout() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    let own_agency = session.user().map(|u| u.agency.id);
    let is_system_admin = session.is_system_admin();
    let agencies = LocalResource::new(move || async move {
        if is_system_admin {
            api.agencies().await
        } else {
            Ok(Vec::new())
        }
    });
    provide_context(AdminContext {
        agency_id: RwSignal::new(own_agency),
        agencies,
    });

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

/// The agency chooser of the administration pages: a system administrator picks any agency (or all of them,
/// when `allow_all`); an agency administrator sees their own, fixed.
#[component]
pub fn AgencyPicker(
    selected: RwSignal<Option<i64>>,
    #[prop(optional)] allow_all: bool,
) -> impl IntoView {
    let session = Session::get();
    let ctx = AdminContext::get();
    let on_change = move |ev| selected.set(event_target_value(&ev).parse().ok());
    let options = move || {
        if !session.is_system_admin() {
            let own = session.user().map(|u| (u.agency.id, u.agency.name));
            return own
                .map(|(id, name)| view! { <option value=id.to_string() selected>{name}</option> })
                .into_iter()
                .collect_view()
                .into_any();
        }
        match ctx.agencies.get() {
            Some(Ok(list)) => list
                .into_iter()
                .map(|a| {
                    let id = a.id;
                    view! {
                        <option value=id.to_string() selected=move || selected.get() == Some(id)>
                            {a.name}
                        </option>
                    }
                })
                .collect_view()
                .into_any(),
            Some(Err(e)) => view! { <option value="" disabled>{e.message()}</option> }.into_any(),
            None => view! { <option value="" disabled>"Đang tải…"</option> }.into_any(),
        }
    };
    view! {
        <div class="field field-inline">
            <label for="admin-agency">"Cơ quan"</label>
            <select
                id="admin-agency"
                data-testid="admin-agency-select"
                prop:disabled=move || !session.is_system_admin()
                on:change=on_change
            >
                <Show when=move || allow_all && session.is_system_admin()>
                    <option value="" selected=move || selected.get().is_none()>
                        "Tất cả cơ quan"
                    </option>
                </Show>
                {options}
            </select>
        </div>
    }
}
