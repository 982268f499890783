//! The account form, for a new account and for editing one. Every field is checked with the same parser the
//! server uses (`shared::user`, `shared::text`), and the server's own field messages show beside the inputs.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::agency::UnitDto;
use shared::role::Role;
use shared::text::{PersonName, Position};
use shared::user::{CreateUserRequest, Email, Phone, UpdateUserRequest, UserDto, Username};

use super::dialog::FormActions;
use super::text_field::{FieldError, FormError, TextField};
use crate::api::ClientError;

/// What the form asks the page to send.
#[derive(Debug, Clone)]
pub enum UserSubmit {
    Create(CreateUserRequest),
    Update { id: i64, body: UpdateUserRequest },
}

/// Field name (as the API names it) → message.
type Errors = BTreeMap<&'static str, String>;

/// An optional text field: empty means "none".
fn optional<T, E>(s: &str, parse: impl Fn(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse(s).map(Some)
    }
}

/// The account form. `initial` is `None` for a new account.
#[component]
pub fn UserForm(
    initial: Option<UserDto>,
    units: Vec<UnitDto>,
    /// The roles the signed-in administrator may grant.
    grantable: Vec<Role>,
    pending: Signal<bool>,
    server_error: Signal<Option<ClientError>>,
    on_submit: Callback<UserSubmit>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let editing_id = initial.as_ref().map(|u| u.id);
    let text = |f: fn(&UserDto) -> Option<String>| {
        RwSignal::new(initial.as_ref().and_then(f).unwrap_or_default())
    };
    let username = text(|u| Some(u.username.clone()));
    let full_name = text(|u| Some(u.full_name.clone()));
    let position = text(|u| u.position.clone());
    let email = text(|u| u.email.clone());
    let phone = text(|u| u.phone.clone());
    let unit_id = RwSignal::new(initial.as_ref().map(|u| u.unit.id));
    let roles = RwSignal::new(
        initial
            .as_ref()
            .map(|u| u.roles.clone())
            .unwrap_or_default(),
    );
    let errors = RwSignal::new(Errors::new());

    // A message for a field: our own check first, then what the server said.
    let message = move |field: &'static str| {
        Signal::derive(move || {
            errors
                .with(|e| e.get(field).cloned())
                .or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.field(field))))
        })
    };
    let general_error = Signal::derive(move || {
        server_error
            .with(|e| e.as_ref().map(ClientError::message))
            .or_else(|| {
                errors.with(|e| {
                    (!e.is_empty()).then(|| "Vui lòng sửa các mục được đánh dấu.".to_string())
                })
            })
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let mut errs = Errors::new();
        let parsed_username = if editing_id.is_none() {
            Username::parse(&username.get_untracked())
                .map_err(|e| errs.insert("username", e.to_string()))
                .ok()
        } else {
            None
        };
        let name = PersonName::try_from(full_name.get_untracked().as_str())
            .map_err(|e| errs.insert("full_name", e.to_string()))
            .ok();
        let pos = optional(&position.get_untracked(), |s| Position::try_from(s))
            .map_err(|e| errs.insert("position", e.to_string()))
            .ok();
        let mail = optional(&email.get_untracked(), Email::parse)
            .map_err(|e| errs.insert("email", e.to_string()))
            .ok();
        let tel = optional(&phone.get_untracked(), Phone::parse)
            .map_err(|e| errs.insert("phone", e.to_string()))
            .ok();
        let unit = unit_id.get_untracked();
        if unit.is_none() {
            errs.insert("unit_id", "Hãy chọn đơn vị.".to_string());
        }
        let chosen: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| roles.with_untracked(|rs| rs.contains(r)))
            .collect();
        if chosen.is_empty() {
            errs.insert("roles", "Hãy chọn ít nhất một vai trò.".to_string());
        }
        let ok = errs.is_empty();
        errors.set(errs);
        if !ok {
            return;
        }
        let (Some(full_name), Some(position), Some(email), Some(phone), Some(unit_id)) =
            (name, pos, mail, tel, unit)
        else {
            return;
        };
        let submit = match (editing_id, parsed_username) {
            (Some(id), _) => UserSubmit::Update {
                id,
                body: UpdateUserRequest {
                    full_name,
                    position,
                    email,
                    phone,
                    unit_id,
                    roles: chosen,
                },
            },
            (None, Some(username)) => UserSubmit::Create(CreateUserRequest {
                username,
                full_name,
                position,
                email,
                phone,
                unit_id,
                roles: chosen,
            }),
            (None, None) => return,
        };
        on_submit.run(submit);
    };

    let unit_options = units
        .into_iter()
        .map(|u| {
            let id = u.id;
            view! {
                <option value=id.to_string() selected=move || unit_id.get() == Some(id)>
                    {format!("{} ({})", u.name, u.short_name)}
                </option>
            }
        })
        .collect_view();

    let role_boxes = grantable
        .into_iter()
        .map(|role| {
            let checked = move || roles.with(|rs| rs.contains(&role));
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                roles.update(|rs| {
                    rs.retain(|r| *r != role);
                    if on {
                        rs.push(role);
                    }
                });
            };
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("user-form-role-{}", role.code())
                        prop:checked=checked
                        on:change=toggle
                    />
                    <span>{role.label()}</span>
                </label>
            }
        })
        .collect_view();

    let is_new = editing_id.is_none();
    view! {
        <form class="form" on:submit=submit novalidate>
            <Show when=move || is_new>
                <TextField
                    id="uf-username"
                    label="Tên đăng nhập"
                    required=true
                    autocapitalize="none"
                    testid="user-form-username"
                    value=username
                    error=message("username")
                />
            </Show>
            <TextField
                id="uf-fullname"
                label="Họ và tên"
                required=true
                testid="user-form-fullname"
                value=full_name
                error=message("full_name")
            />
            <TextField
                id="uf-position"
                label="Chức vụ"
                testid="user-form-position"
                value=position
                error=message("position")
            />
            <div class="field-row">
                <TextField
                    id="uf-email"
                    label="Thư điện tử"
                    input_type="email"
                    autocapitalize="none"
                    testid="user-form-email"
                    value=email
                    error=message("email")
                />
                <TextField
                    id="uf-phone"
                    label="Điện thoại"
                    input_type="tel"
                    testid="user-form-phone"
                    value=phone
                    error=message("phone")
                />
            </div>
            <div class="field">
                <label for="uf-unit">"Đơn vị" <span class="req">"*"</span></label>
                <select
                    id="uf-unit"
                    data-testid="user-form-unit"
                    aria-describedby="uf-unit-err"
                    on:change=move |ev| unit_id.set(event_target_value(&ev).parse().ok())
                >
                    <option value="" selected=move || unit_id.get().is_none()>
                        "— Chọn đơn vị —"
                    </option>
                    {unit_options}
                </select>
                <FieldError id="uf-unit-err".into() message=message("unit_id") />
            </div>
            <fieldset class="field">
                <legend>"Vai trò" <span class="req">"*"</span></legend>
                <div class="checks">{role_boxes}</div>
                <FieldError id="uf-roles-err".into() message=message("roles") />
            </fieldset>
            <FormError message=general_error testid="user-form-error" />
            <FormActions
                pending=pending
                is_new=is_new
                create_label="Tạo tài khoản"
                submit_testid="user-form-submit"
                on_cancel=on_cancel
            />
        </form>
    }
}
