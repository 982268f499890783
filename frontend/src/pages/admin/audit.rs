//! `/quan-tri/nhat-ky`: the audit log, newest first, page by page ("Xem thêm").

use leptos::prelude::*;
use shared::audit::AuditEntryDto;

use super::AgencyPicker;
use crate::api::{Api, ApiResult};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::session::Session;

const PAGE: u32 = 50;

/// The Vietnamese name of an action code (the code itself when it is not known yet).
pub fn action_label(code: &str) -> &str {
    match code {
        "auth.login" => "Đăng nhập",
        "auth.login_failed" => "Đăng nhập thất bại",
        "auth.logout" => "Đăng xuất",
        "auth.password_change" => "Đổi mật khẩu",
        "user.create" => "Tạo tài khoản",
        "user.update" => "Sửa tài khoản",
        "user.lock" => "Khóa tài khoản",
        "user.unlock" => "Mở khóa tài khoản",
        "user.password_reset" => "Đặt lại mật khẩu",
        "unit.create" => "Tạo đơn vị",
        "unit.update" => "Sửa đơn vị",
        "agency.create" => "Tạo cơ quan",
        "agency.update" => "Sửa cơ quan",
        other => other,
    }
}

/// `user:17` with name `cv.snv` → `Tài khoản cv.snv`; without a name, `Tài khoản #17`.
fn target_label(target: &str, name: Option<&str>) -> String {
    let (kind, id) = match target.split_once(':') {
        Some(("user", id)) => ("Tài khoản", id),
        Some(("unit", id)) => ("Đơn vị", id),
        Some(("agency", id)) => ("Cơ quan", id),
        _ => return target.to_string(),
    };
    match name {
        Some(name) => format!("{kind} {name}"),
        None => format!("{kind} #{id}"),
    }
}

/// One page as asked for: the filter and the cursor it was asked with, and the answer.
type Loaded = (Option<i64>, Option<i64>, ApiResult<Vec<AuditEntryDto>>);

#[component]
pub fn AuditPage() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    // A system administrator starts with every agency; an agency administrator sees their own.
    let initial = if session.is_system_admin() {
        None
    } else {
        session.user().map(|u| u.agency.id)
    };
    let agency = RwSignal::new(initial);
    let entries = RwSignal::new(Vec::<AuditEntryDto>::new());
    let has_more = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let loaded_once = RwSignal::new(false);

    let load = Action::new_local(
        move |&(agency, before): &(Option<i64>, Option<i64>)| async move {
            let result = api.audit(agency, before, PAGE).await.map(|r| r.entries);
            (agency, before, result) as Loaded
        },
    );
    Effect::new(move |_| {
        let Some((for_agency, before, result)) = load.value().get() else {
            return;
        };
        // An answer for a filter that has since changed is stale.
        if for_agency != agency.get_untracked() {
            return;
        }
        match result {
            Ok(page) => {
                error.set(None);
                has_more.set(page.len() == PAGE as usize);
                if before.is_none() {
                    entries.set(page);
                } else {
                    entries.update(|e| e.extend(page));
                }
                loaded_once.set(true);
            }
            Err(e) => error.set(Some(e.message())),
        }
    });
    // Load the first page now and whenever the filter changes.
    Effect::new(move |_| {
        let agency = agency.get();
        loaded_once.set(false);
        entries.set(Vec::new());
        load.dispatch((agency, None));
    });
    let more = move |_| {
        let last = entries.with_untracked(|e| e.last().map(|e| e.seq));
        load.dispatch((agency.get_untracked(), last));
    };

    let row = |e: AuditEntryDto| {
        let failed = e.action == "auth.login_failed";
        view! {
            <tr data-testid="audit-row" class:row-warn=failed>
                <td data-label="Thời gian" class="nowrap">
                    {e.at.to_display_vn()}
                </td>
                <td data-label="Người thực hiện">{e.actor_username.unwrap_or_else(|| "—".into())}</td>
                <td data-label="Hành động">{action_label(&e.action).to_string()}</td>
                <td data-label="Đối tượng">{e.target.as_deref().map(|t| target_label(t, e.target_name.as_deref())).unwrap_or_else(|| "—".into())}</td>
                <td data-label="Địa chỉ máy">
                    <code>{e.client_addr.unwrap_or_else(|| "—".into())}</code>
                </td>
            </tr>
        }
    };

    let table = move || {
        if !loaded_once.get() {
            return match error.get() {
                Some(message) => view! {
                    <ErrorPanel
                        message
                        on_retry=Callback::new(move |()| {
                            load.dispatch((agency.get_untracked(), None));
                        })
                    />
                }
                .into_any(),
                None => view! { <Loading /> }.into_any(),
            };
        }
        if entries.with(Vec::is_empty) {
            return view! { <p class="empty">"Chưa có mục nào trong nhật ký."</p> }.into_any();
        }
        view! {
            <div class="table-wrap">
                <table class="data-table responsive">
                    <thead>
                        <tr>
                            <th>"Thời gian"</th>
                            <th>"Người thực hiện"</th>
                            <th>"Hành động"</th>
                            <th>"Đối tượng"</th>
                            <th>"Địa chỉ máy"</th>
                        </tr>
                    </thead>
                    <tbody>{move || entries.get().into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
            <Show when=move || error.with(Option::is_some)>
                <div class="alert alert-error" role="alert">
                    {move || error.get().unwrap_or_default()}
                </div>
            </Show>
            <Show when=move || has_more.get()>
                <div class="more">
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="audit-more"
                        prop:disabled=move || load.pending().get()
                        on:click=more
                    >
                        {move || if load.pending().get() { "Đang tải…" } else { "Xem thêm" }}
                    </button>
                </div>
            </Show>
        }
        .into_any()
    };

    view! {
        <div class="toolbar">
            <AgencyPicker selected=agency allow_all=true />
        </div>
        {table}
    }
}
