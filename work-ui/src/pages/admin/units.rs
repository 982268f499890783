//! `/quan-tri/don-vi`: the units (phòng, ban, trung tâm…) of an agency: list, add, edit; and the agency's
//! storage against its quota (`agency_storage`).

use leptos::prelude::*;
use shared::agency::{CreateUnitRequest, UnitDto};

use super::{Admin, AgencyPicker, chosen_agency, with_admin};
use crate::api::{self, admin as calls};
use crate::components::dialog::Dialog;
use crate::components::list_parts::{error_panel, loading};
use crate::components::unit_form::UnitForm;
use crate::pages::agency_storage::AgencyStoragePage;

/// Which dialog is open.
#[derive(Debug, Clone)]
enum Open {
    Nothing,
    Create,
    Edit(UnitDto),
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    with_admin(|admin| view! { <UnitsTab admin /> }.into_any())
}

#[component]
fn UnitsTab(admin: Admin) -> impl IntoView {
    let agency = chosen_agency(&admin);
    let version = RwSignal::new(0u32);
    let units = LocalResource::new(move || {
        let agency = agency.get();
        version.track();
        async move {
            match agency {
                Some(id) => api::units(id).await,
                None => Ok(Vec::new()),
            }
        }
    });

    let open = RwSignal::new(Open::Nothing);
    let close = Callback::new(move |()| open.set(Open::Nothing));

    // `None` as the unit id creates a unit in the chosen agency.
    let save = Action::new_local(move |(unit_id, body): &(Option<i64>, CreateUnitRequest)| {
        let (unit_id, body, agency) = (*unit_id, body.clone(), agency.get_untracked());
        async move {
            match (unit_id, agency) {
                (Some(id), _) => calls::update_unit(id, &body).await,
                (None, Some(agency)) => calls::create_unit(agency, &body).await,
                (None, None) => Err(api::ClientError::Api(shared::ApiError::new(
                    shared::ErrorCode::Validation,
                    "Hãy chọn cơ quan trước.",
                ))),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            open.set(Open::Nothing);
            version.update(|v| *v += 1);
        }
    });
    let pending: Signal<bool> = save.pending().into();
    let server_error = Signal::derive(move || save.value().get().and_then(Result::err));

    let row = move |unit: UnitDto| {
        let edit = unit.clone();
        view! {
            <tr data-testid="unit-row" data-short-name=unit.short_name.clone()>
                <td data-label="Tên đơn vị">
                    <strong>{unit.name.clone()}</strong>
                </td>
                <td data-label="Viết tắt">
                    <code>{unit.short_name.clone()}</code>
                </td>
                <td data-label="Loại">{unit.kind.label()}</td>
                <td data-label="Số tài khoản" class="num">
                    {unit.user_count}
                </td>
                <td class="actions-cell">
                    <div class="row-actions">
                        <button
                            type="button"
                            class="btn btn-small btn-secondary"
                            data-testid=format!("unit-edit-{}", unit.short_name)
                            on:click=move |_| {
                                save.clear();
                                open.set(Open::Edit(edit.clone()));
                            }
                        >
                            "Sửa"
                        </button>
                    </div>
                </td>
            </tr>
        }
    };

    let list = move || match units.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || units.refetch()),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty">"Cơ quan chưa có đơn vị nào."</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <div class="table-wrap">
                <table class="data-table responsive">
                    <thead>
                        <tr>
                            <th>"Tên đơn vị"</th>
                            <th>"Viết tắt"</th>
                            <th>"Loại"</th>
                            <th class="num">"Số tài khoản"</th>
                            <th>
                                <span class="sr-only">"Thao tác"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
    };

    let dialog = move || {
        let (title, initial) = match open.get() {
            Open::Nothing => return ().into_any(),
            Open::Create => ("Thêm đơn vị".to_string(), None),
            Open::Edit(unit) => (format!("Sửa đơn vị {}", unit.short_name), Some(unit)),
        };
        let unit_id = initial.as_ref().map(|u| u.id);
        view! {
            <Dialog title on_close=close>
                <UnitForm
                    initial
                    pending
                    server_error
                    on_submit=Callback::new(move |body| {
                        save.dispatch((unit_id, body));
                    })
                    on_cancel=close
                />
            </Dialog>
        }
        .into_any()
    };

    view! {
        <div class="toolbar">
            <AgencyPicker admin selected=agency />
            <div class="toolbar-spacer"></div>
            <button
                type="button"
                class="btn btn-primary"
                data-testid="unit-add-button"
                prop:disabled=move || agency.get().is_none()
                on:click=move |_| {
                    save.clear();
                    open.set(Open::Create);
                }
            >
                "+ Thêm đơn vị"
            </button>
        </div>
        // Use against quota (and the quota form for a system administrator).
        {move || agency.get().map(|agency| view! { <AgencyStoragePage agency /> })}
        {list}
        {dialog}
    }
}
