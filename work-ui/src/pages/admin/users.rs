//! `/quan-tri/tai-khoan`: the accounts of an agency: search, create, edit, lock and unlock, reset password, and
//! the way to hand an account's open work over (`/quan-tri/ban-giao/{id}`, a page of the work bundle).

use leptos::prelude::*;
use shared::role::Role;
use shared::user::{TemporaryPasswordResponse, UserDto};

use super::{Admin, AgencyPicker, chosen_agency, with_admin};
use crate::api::{self, admin as calls};
use crate::components::dialog::{ConfirmDialog, Dialog, TemporaryPasswordDialog};
use crate::components::list_parts::{error_panel, loading};
use crate::components::user_form::{UserForm, UserSubmit};

/// Which dialog is open.
#[derive(Debug, Clone)]
enum Open {
    Nothing,
    Create,
    Edit(UserDto),
    ConfirmLock(UserDto),
    ConfirmReset(UserDto),
    TemporaryPassword {
        title: &'static str,
        username: String,
        password: String,
    },
}

/// What saving the form gave back.
#[derive(Debug, Clone)]
enum Saved {
    Created(TemporaryPasswordResponse),
    Updated(UserDto),
}

/// The state of an account, as a label and a style.
fn status(user: &UserDto) -> (&'static str, &'static str) {
    if user.locked {
        ("Đã khóa", "status status-locked")
    } else if user.must_change_password {
        ("Phải đổi mật khẩu", "status status-pending")
    } else {
        ("Đang hoạt động", "status status-active")
    }
}

/// Tells the app the signed-in administrator's own account changed, so its header shows the new name and roles
/// (the app listens for this window event; see `frontend/src/pages/admin.rs`).
fn tell_app_me_changed() {
    // This bundle asks for its own copy of the session again too.
    client::forget_session();
    client::window_event::tell(client::window_event::ME_CHANGED);
}

#[component]
pub fn UsersPage() -> impl IntoView {
    with_admin(|admin| view! { <UsersTab admin /> }.into_any())
}

#[component]
fn UsersTab(admin: Admin) -> impl IntoView {
    let agency = chosen_agency(&admin);

    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let version = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        let (agency, q) = (agency.get(), query.get());
        version.track();
        async move { calls::users(agency, &q).await }
    });
    let units = LocalResource::new(move || {
        let agency = agency.get();
        async move {
            match agency {
                Some(id) => api::units(id).await,
                None => Ok(Vec::new()),
            }
        }
    });

    let open = RwSignal::new(Open::Nothing);
    let close = Callback::new(move |()| open.set(Open::Nothing));
    let page_error = RwSignal::new(None::<String>);

    // Create and edit.
    let save = Action::new_local(move |submit: &UserSubmit| {
        let submit = submit.clone();
        async move {
            match submit {
                UserSubmit::Create(body) => calls::create_user(&body).await.map(Saved::Created),
                UserSubmit::Update { id, body } => {
                    calls::update_user(id, &body).await.map(Saved::Updated)
                }
            }
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(Saved::Created(r))) => {
            open.set(Open::TemporaryPassword {
                title: "Đã tạo tài khoản",
                username: r.user.username,
                password: r.temporary_password,
            });
            version.update(|v| *v += 1);
        }
        Some(Ok(Saved::Updated(user))) => {
            open.set(Open::Nothing);
            version.update(|v| *v += 1);
            // Editing oneself changes what the header shows.
            if user.id == admin.me.id {
                tell_app_me_changed();
            }
        }
        _ => {}
    });
    let save_pending: Signal<bool> = save.pending().into();
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));

    // Lock and unlock.
    let toggle_lock = Action::new_local(move |&(id, lock): &(i64, bool)| async move {
        if lock {
            calls::lock_user(id).await
        } else {
            calls::unlock_user(id).await
        }
    });
    Effect::new(move |_| match toggle_lock.value().get() {
        Some(Ok(_)) => {
            page_error.set(None);
            open.set(Open::Nothing);
            version.update(|v| *v += 1);
        }
        // A failed lock shows in its confirmation dialog; a failed unlock above the list.
        Some(Err(e)) if !matches!(open.get_untracked(), Open::ConfirmLock(_)) => {
            page_error.set(Some(e.message()))
        }
        _ => {}
    });

    // Password reset.
    let reset = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { calls::reset_password(id).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(r)) = reset.value().get() {
            open.set(Open::TemporaryPassword {
                title: "Đã đặt lại mật khẩu",
                username: r.user.username,
                password: r.temporary_password,
            });
            version.update(|v| *v += 1);
        }
    });

    let on_search = move |ev| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        // Ask the server once typing pauses, not at every key.
        set_timeout(
            move || {
                if typed.get_untracked() == value {
                    query.set(value);
                }
            },
            std::time::Duration::from_millis(300),
        );
    };

    let grantable: StoredValue<Vec<Role>> = StoredValue::new(
        Role::ALL
            .into_iter()
            .filter(|r| *r != Role::SystemAdmin || admin.system)
            .collect(),
    );
    let my_id = admin.me.id;

    let row = move |user: UserDto| {
        let (label, class) = status(&user);
        let id = user.id;
        let busy = move || {
            toggle_lock.pending().get() && toggle_lock.input().get().is_some_and(|(i, _)| i == id)
        };
        let username = user.username.clone();
        let lock_button = if id == my_id {
            None
        } else if user.locked {
            Some(
                view! {
                    <button
                        type="button"
                        class="btn btn-small btn-secondary"
                        data-testid=format!("user-unlock-{username}")
                        prop:disabled=busy
                        on:click=move |_| {
                            toggle_lock.dispatch((id, false));
                        }
                    >
                        "Mở khóa"
                    </button>
                }
                .into_any(),
            )
        } else {
            let lock_user = user.clone();
            Some(
                view! {
                    <button
                        type="button"
                        class="btn btn-small btn-danger-outline"
                        data-testid=format!("user-lock-{username}")
                        prop:disabled=busy
                        on:click=move |_| {
                            toggle_lock.clear();
                            open.set(Open::ConfirmLock(lock_user.clone()));
                        }
                    >
                        "Khóa"
                    </button>
                }
                .into_any(),
            )
        };
        let edit_user = user.clone();
        let reset_user = user.clone();
        view! {
            <tr data-testid="user-row" data-username=username.clone()>
                <td data-label="Họ và tên">
                    <div>
                        <strong>{user.full_name.clone()}</strong>
                        <span class="cell-sub">{user.position.clone().unwrap_or_default()}</span>
                    </div>
                </td>
                <td data-label="Tên đăng nhập" class="nowrap">
                    <code>{username.clone()}</code>
                </td>
                <td data-label="Đơn vị">{user.unit.name.clone()}</td>
                <td data-label="Vai trò">{user.role_labels()}</td>
                <td data-label="Trạng thái">
                    <span class=class data-testid=format!("user-status-{username}")>
                        {label}
                    </span>
                </td>
                <td class="actions-cell">
                    <div class="row-actions">
                        <button
                            type="button"
                            class="btn btn-small btn-secondary"
                            data-testid=format!("user-edit-{username}")
                            on:click=move |_| {
                                save.clear();
                                open.set(Open::Edit(edit_user.clone()));
                            }
                        >
                            "Sửa"
                        </button>
                        {lock_button}
                        <button
                            type="button"
                            class="btn btn-small btn-secondary"
                            data-testid=format!("user-reset-{username}")
                            on:click=move |_| {
                                reset.clear();
                                open.set(Open::ConfirmReset(reset_user.clone()));
                            }
                        >
                            "Đặt lại mật khẩu"
                        </button>
                        <a
                            href=format!("/quan-tri/ban-giao/{id}")
                            class="btn btn-small btn-secondary"
                            data-testid=format!("user-handover-{username}")
                            title="Chuyển công việc đang dở của tài khoản cho người khác (Điều 20.5)"
                        >
                            "Bàn giao"
                        </a>
                    </div>
                </td>
            </tr>
        }
    };

    let list = move || match users.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || users.refetch()),
        Some(Ok(r)) if r.users.is_empty() => {
            view! { <p class="empty">"Không có tài khoản nào phù hợp."</p> }.into_any()
        }
        Some(Ok(r)) => {
            let count = r.users.len();
            view! {
                <p class="muted count">{format!("{count} tài khoản")}</p>
                <div class="table-wrap">
                    <table class="data-table responsive">
                        <thead>
                            <tr>
                                <th>"Họ và tên"</th>
                                <th>"Tên đăng nhập"</th>
                                <th>"Đơn vị"</th>
                                <th>"Vai trò"</th>
                                <th>"Trạng thái"</th>
                                <th>
                                    <span class="sr-only">"Thao tác"</span>
                                </th>
                            </tr>
                        </thead>
                        <tbody>{r.users.into_iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };

    let form = move |initial: Option<UserDto>| {
        move || match units.get() {
            None => view! {
                <p class="loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    "Đang tải danh sách đơn vị…"
                </p>
            }
            .into_any(),
            Some(Err(e)) => view! {
                <div class="alert alert-error" role="alert">
                    <p>{e.message()}</p>
                </div>
            }
            .into_any(),
            Some(Ok(units)) => view! {
                <UserForm
                    initial=initial.clone()
                    units
                    grantable=grantable.get_value()
                    pending=save_pending
                    server_error=save_error
                    on_submit=Callback::new(move |s| {
                        save.dispatch(s);
                    })
                    on_cancel=close
                />
            }
            .into_any(),
        }
    };

    let dialog = move || match open.get() {
        Open::Nothing => ().into_any(),
        Open::Create => view! {
            <Dialog title="Thêm tài khoản" on_close=close wide=true>
                {form(None)}
            </Dialog>
        }
        .into_any(),
        Open::Edit(user) => view! {
            <Dialog title=format!("Sửa tài khoản {}", user.username) on_close=close wide=true>
                {form(Some(user))}
            </Dialog>
        }
        .into_any(),
        Open::ConfirmLock(user) => {
            let id = user.id;
            view! {
                <ConfirmDialog
                    title="Khóa tài khoản"
                    message=format!(
                        "Khóa tài khoản của {} ({})? Người dùng sẽ bị đăng xuất và không đăng nhập được cho đến khi được mở khóa.",
                        user.full_name,
                        user.username,
                    )
                    confirm_label="Khóa tài khoản"
                    pending=toggle_lock.pending().into()
                    error=Signal::derive(move || toggle_lock.value().get().and_then(Result::err).map(|e| e.message()))
                    on_confirm=Callback::new(move |()| {
                        toggle_lock.dispatch((id, true));
                    })
                    on_cancel=close
                />
            }
            .into_any()
        }
        Open::ConfirmReset(user) => {
            let id = user.id;
            view! {
                <ConfirmDialog
                    title="Đặt lại mật khẩu"
                    message=format!(
                        "Đặt lại mật khẩu của {} ({})? Các phiên đăng nhập của tài khoản sẽ kết thúc và người dùng phải đổi mật khẩu khi đăng nhập lại.",
                        user.full_name,
                        user.username,
                    )
                    confirm_label="Đặt lại mật khẩu"
                    pending=reset.pending().into()
                    error=Signal::derive(move || reset.value().get().and_then(Result::err).map(|e| e.message()))
                    on_confirm=Callback::new(move |()| {
                        reset.dispatch(id);
                    })
                    on_cancel=close
                />
            }
            .into_any()
        }
        Open::TemporaryPassword {
            title,
            username,
            password,
        } => {
            view! { <TemporaryPasswordDialog title username password on_close=close /> }.into_any()
        }
    };

    view! {
        <div class="toolbar">
            <AgencyPicker admin=admin.clone() selected=agency />
            <div class="field field-inline field-grow">
                <label for="user-search">"Tìm kiếm"</label>
                <input
                    id="user-search"
                    type="search"
                    placeholder="Họ tên, tên đăng nhập…"
                    data-testid="user-search"
                    prop:value=move || typed.get()
                    on:input=on_search
                />
            </div>
            <button
                type="button"
                class="btn btn-primary"
                data-testid="user-add-button"
                prop:disabled=move || agency.get().is_none()
                on:click=move |_| {
                    save.clear();
                    open.set(Open::Create);
                }
            >
                "+ Thêm tài khoản"
            </button>
        </div>
        <Show when=move || page_error.with(Option::is_some)>
            <div class="alert alert-error" role="alert" data-testid="user-action-error">
                {move || page_error.get().unwrap_or_default()}
            </div>
        </Show>
        {list}
        {dialog}
    }
}
