//! The administration's accounts, units and audit tabs (`/quan-tri/tai-khoan`, `/quan-tri/don-vi`,
//! `/quan-tri/nhat-ky`), mounted by the app inside its administration layout (`frontend/src/pages/admin.rs`: the
//! tabs and the check that the person administers). What the two tabs share lives here: who is administering, the agency they
//! are looking at (kept from one tab to the other) and the agency picker.

pub mod audit;
pub mod exchange;
pub mod units;
pub mod users;

use std::cell::Cell;

use leptos::prelude::*;
use shared::role::Role;
use shared::user::UserDto;

use crate::api;
use crate::components::list_parts::{error_panel, loading};

/// The signed-in administrator.
#[derive(Debug, Clone)]
pub struct Admin {
    pub me: UserDto,
    /// A system administrator sees every agency; an agency administrator only their own.
    pub system: bool,
}

thread_local! {
    /// The agency a system administrator last chose on either tab, so the other tab (and coming back) shows
    /// the same one while the page lives: (who chose, which agency).
    static CHOSEN: Cell<Option<(i64, i64)>> = const { Cell::new(None) };
}

/// Asks who is signed in, then shows `page` for them.
pub fn with_admin(page: fn(Admin) -> AnyView) -> impl IntoView {
    let session = LocalResource::new(api::session);
    move || match session.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || session.refetch()),
        Some(Ok(s)) => page(Admin {
            system: s.user.has_role(Role::SystemAdmin),
            me: s.user,
        }),
    }
}

/// The agency a tab shows: for a system administrator the one they chose last in this page, else (and always
/// for an agency administrator) their own. Choosing another is remembered for the other tab.
pub fn chosen_agency(admin: &Admin) -> RwSignal<Option<i64>> {
    let (me, own) = (admin.me.id, admin.me.agency.id);
    let kept = CHOSEN
        .with(Cell::get)
        .filter(|(who, _)| admin.system && *who == me)
        .map(|(_, agency)| agency);
    let agency = RwSignal::new(Some(kept.unwrap_or(own)));
    Effect::new(move |_| {
        if let Some(a) = agency.get() {
            CHOSEN.with(|c| c.set(Some((me, a))));
        }
    });
    agency
}

/// The agency chooser of the tabs: a system administrator picks any agency; an agency administrator sees their
/// own, fixed.
#[component]
pub fn AgencyPicker(admin: Admin, selected: RwSignal<Option<i64>>) -> impl IntoView {
    let system = admin.system;
    let agencies = LocalResource::new(move || async move {
        if system {
            api::agencies().await
        } else {
            Ok(Vec::new())
        }
    });
    let own = (admin.me.agency.id, admin.me.agency.name);
    let on_change = move |ev| selected.set(event_target_value(&ev).parse().ok());
    let options = move || {
        if !system {
            let (id, name) = own.clone();
            return view! { <option value=id.to_string() selected>{name}</option> }.into_any();
        }
        match agencies.get() {
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
                prop:disabled=!system
                on:change=on_change
            >
                {options}
            </select>
        </div>
    }
}
