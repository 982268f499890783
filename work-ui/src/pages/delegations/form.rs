//! The form that makes a delegation: from whom (an administrator may choose the leader), to which leader, the
//! days, whether signing is included (and under KT. or TUQ.), and why; checked here first, then by the server,
//! whose field errors show beside their fields.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::incoming::{DelegationDto, DelegationRequest};
use shared::outgoing::SigningCapacity;
use shared::role::Role;
use shared::user::UserDto;

use super::{is_admin, is_leader, today};
use crate::api::{self, ClientError};

/// Field name → message, from the server's refusal or the form's own checks.
type Errors = HashMap<&'static str, String>;

/// The server's field errors, keyed by the form's field names.
fn errors_of(e: &ClientError) -> Errors {
    let mut out = Errors::new();
    if let ClientError::Api(api) = e {
        for f in &api.fields {
            for name in [
                "from_user_id",
                "to_user_id",
                "starts_on",
                "ends_on",
                "signing",
                "reason",
            ] {
                if f.field == name {
                    out.entry(name).or_insert(f.message.clone());
                }
            }
        }
    }
    out
}

/// The message of a field, below its input.
fn field_error(errors: RwSignal<Errors>, name: &'static str) -> impl IntoView {
    move || {
        errors.with(|e| e.get(name).cloned()).map(|m| {
            view! {
                <p class="field-error" data-testid=format!("error-{name}") aria-live="polite">
                    {m}
                </p>
            }
        })
    }
}

#[component]
pub(super) fn DelegationForm(
    me: UserDto,
    leaders: Vec<UserDto>,
    on_created: Callback<Vec<DelegationDto>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let admin = is_admin(&me);
    let me_leader = is_leader(&me);
    let me_id = me.id;
    let leaders = StoredValue::new(leaders);
    // From: the caller when a leader; an administrator chooses.
    let from = RwSignal::new(if me_leader { Some(me_id) } else { None });
    let to = RwSignal::new(None::<i64>);
    let start = RwSignal::new(today().to_string());
    let end = RwSignal::new(today().to_string());
    let signs = RwSignal::new(false);
    let capacity = RwSignal::new(SigningCapacity::Kt);
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Errors::new());
    let general = RwSignal::new(None::<String>);

    let from_user = move || {
        from.get()
            .and_then(|id| leaders.with_value(|l| l.iter().find(|u| u.id == id).cloned()))
    };
    // Only an agency leader may hand over signing (the server says so too).
    let may_sign = move || from_user().is_some_and(|u| u.has_role(Role::AgencyLeader));

    let create = Action::new_local(move |body: &DelegationRequest| {
        let body = body.clone();
        async move { api::create_delegation(&body).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(r)) => on_created.run(r.items),
        Some(Err(e)) => {
            let fields = errors_of(&e);
            general.set(fields.is_empty().then(|| e.message()));
            errors.set(fields);
        }
        None => {}
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = Errors::new();
        let from_id = from.get_untracked();
        if from_id.is_none() {
            e.insert("from_user_id", "Hãy chọn lãnh đạo ủy quyền.".into());
        }
        let to_id = to.get_untracked();
        match to_id {
            None => {
                e.insert("to_user_id", "Hãy chọn người được ủy quyền.".into());
            }
            Some(t) if Some(t) == from_id => {
                e.insert("to_user_id", "Không thể ủy quyền cho chính mình.".into());
            }
            _ => {}
        }
        let starts = CivilDate::parse(&start.get_untracked());
        let ends = CivilDate::parse(&end.get_untracked());
        if starts.is_err() {
            e.insert("starts_on", "Hãy chọn ngày bắt đầu.".into());
        }
        match (starts, ends) {
            (_, Err(_)) => {
                e.insert("ends_on", "Hãy chọn ngày kết thúc.".into());
            }
            (Ok(s), Ok(en)) if en < s => {
                e.insert(
                    "ends_on",
                    "Ngày kết thúc phải từ ngày bắt đầu trở đi.".into(),
                );
            }
            (_, Ok(en)) if en < today() => {
                e.insert("ends_on", "Thời gian ủy quyền đã qua.".into());
            }
            _ => {}
        }
        if reason.get_untracked().chars().count() > 500 {
            e.insert("reason", "Lý do tối đa 500 ký tự.".into());
        }
        general.set(None);
        let (Some(f), Some(t), Ok(s), Ok(en)) = (from_id, to_id, starts, ends) else {
            errors.set(e);
            return;
        };
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(Errors::new());
        let text = reason.get_untracked().trim().to_string();
        create.dispatch(DelegationRequest {
            // The server takes the caller when absent; say it only when an administrator chose.
            from_user_id: (f != me_id).then_some(f),
            to_user_id: t,
            starts_on: s,
            ends_on: en,
            signing: (signs.get_untracked() && may_sign()).then(|| capacity.get_untracked()),
            reason: (!text.is_empty()).then_some(text),
        });
    };

    let options = move |exclude: Option<i64>| {
        leaders.with_value(|l| {
            l.iter()
                .filter(|u| Some(u.id) != exclude)
                .map(|u| {
                    let label = match &u.position {
                        Some(p) => format!("{} — {p}", u.full_name),
                        None => u.full_name.clone(),
                    };
                    view! { <option value=u.id.to_string()>{label}</option> }
                })
                .collect_view()
        })
    };
    let invalid = move |name: &'static str| errors.with(|e| e.contains_key(name));
    let from_field = if admin {
        view! {
            <div class="field" class:field-invalid=move || invalid("from_user_id")>
                <label for="dl-from">"Người ủy quyền"<span class="req" aria-hidden="true">" *"</span></label>
                <select
                    id="dl-from"
                    data-testid="delegation-from"
                    prop:value=move || from.get().map(|i| i.to_string()).unwrap_or_default()
                    on:change=move |ev| from.set(event_target_value(&ev).parse().ok())
                >
                    <option value="">"— Chọn lãnh đạo —"</option>
                    {options(None)}
                </select>
                {field_error(errors, "from_user_id")}
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="field">
                <span class="field-label">"Người ủy quyền"</span>
                <span data-testid="delegation-from-me">{me.full_name.clone()}</span>
            </div>
        }
        .into_any()
    };

    view! {
        <form class="form-section delegation-form" data-testid="delegation-form" on:submit=submit novalidate>
            <h2>"Tạo ủy quyền"</h2>
            {move || general.get().map(|m| view! { <div class="alert alert-error" role="alert" data-testid="delegation-error">{m}</div> })}
            <div class="field-row">
                {from_field}
                <div class="field" class:field-invalid=move || invalid("to_user_id")>
                    <label for="dl-to">"Ủy quyền cho"<span class="req" aria-hidden="true">" *"</span></label>
                    <select
                        id="dl-to"
                        data-testid="delegation-to"
                        aria-invalid=move || invalid("to_user_id").to_string()
                        prop:value=move || to.get().map(|i| i.to_string()).unwrap_or_default()
                        on:change=move |ev| {
                            to.set(event_target_value(&ev).parse().ok());
                            errors.update(|e| {
                                e.remove("to_user_id");
                            });
                        }
                    >
                        <option value="">"— Chọn lãnh đạo —"</option>
                        {move || options(from.get())}
                    </select>
                    {field_error(errors, "to_user_id")}
                </div>
            </div>
            <div class="field-row">
                <div class="field" class:field-invalid=move || invalid("starts_on")>
                    <label for="dl-start">"Từ ngày"<span class="req" aria-hidden="true">" *"</span></label>
                    <input
                        id="dl-start"
                        type="date"
                        data-testid="delegation-start"
                        aria-invalid=move || invalid("starts_on").to_string()
                        prop:value=move || start.get()
                        on:input=move |ev| {
                            start.set(event_target_value(&ev));
                            errors.update(|e| {
                                e.remove("starts_on");
                            });
                        }
                    />
                    {field_error(errors, "starts_on")}
                </div>
                <div class="field" class:field-invalid=move || invalid("ends_on")>
                    <label for="dl-end">"Đến hết ngày"<span class="req" aria-hidden="true">" *"</span></label>
                    <input
                        id="dl-end"
                        type="date"
                        data-testid="delegation-end"
                        aria-invalid=move || invalid("ends_on").to_string()
                        prop:value=move || end.get()
                        on:input=move |ev| {
                            end.set(event_target_value(&ev));
                            errors.update(|e| {
                                e.remove("ends_on");
                            });
                        }
                    />
                    {field_error(errors, "ends_on")}
                </div>
            </div>
            <fieldset class="field" class:field-invalid=move || invalid("signing")>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="delegation-signing"
                        prop:checked=move || signs.get()
                        prop:disabled=move || !may_sign()
                        on:change=move |ev| signs.set(event_target_checked(&ev))
                    />
                    "Ủy quyền cả ký văn bản"
                </label>
                <Show
                    when=move || may_sign()
                    fallback=|| view! { <p class="cell-sub">"Chỉ lãnh đạo cơ quan mới ủy quyền ký văn bản."</p> }
                >
                    <Show when=move || signs.get()>
                        <div class="checks dl-marks" role="radiogroup" aria-label="Hình thức ký">
                            {[SigningCapacity::Kt, SigningCapacity::Tuq]
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <label class="check">
                                            <input
                                                type="radio"
                                                name="dl-capacity"
                                                data-testid=format!("delegation-capacity-{}", c.code())
                                                prop:checked=move || capacity.get() == c
                                                on:change=move |_| capacity.set(c)
                                            />
                                            {c.label()}
                                        </label>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </Show>
                </Show>
                {field_error(errors, "signing")}
            </fieldset>
            <div class="field" class:field-invalid=move || invalid("reason")>
                <label for="dl-reason">"Lý do"</label>
                <textarea
                    id="dl-reason"
                    rows="2"
                    maxlength="500"
                    placeholder="Đi công tác, nghỉ phép…"
                    data-testid="delegation-reason"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
                {field_error(errors, "reason")}
            </div>
            <div class="form-actions">
                <button type="button" class="btn btn-ghost" data-testid="delegation-cancel" on:click=move |_| on_cancel.run(())>
                    "Hủy"
                </button>
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="delegation-submit"
                    prop:disabled=move || create.pending().get()
                >
                    {move || if create.pending().get() { "Đang lưu…" } else { "Ủy quyền" }}
                </button>
            </div>
        </form>
    }
}
