//! `/quan-tri/ban-giao/{id}`: bàn giao (Điều 20.5). When an official moves or leaves, an administrator hands all
//! the account's open work — assignments being handled, documents waiting for their assignment, drafts, reviews
//! and signatures — to a colleague of the same agency, and sees what moved.

use leptos::prelude::*;
use shared::incoming::{HandoverRequest, HandoverResult};
use shared::user::UserDto;

use crate::api::{self, ClientError};
use crate::components::list_parts::{error_panel, loading};

/// The account and the active colleagues who may take its work.
async fn load(id: i64) -> Result<(UserDto, Vec<UserDto>), ClientError> {
    let leaving = api::user(id).await?;
    let mut others = api::agency_users(leaving.agency.id).await?.users;
    others.retain(|u| u.id != id && !u.locked);
    others.sort_by(|a, b| (&a.unit.name, &a.full_name).cmp(&(&b.unit.name, &b.full_name)));
    Ok((leaving, others))
}

/// "3 việc đang xử lý, 1 văn bản chờ phân công, 2 dự thảo": what moved, nothing for zero counts.
pub fn moved_text(r: &HandoverResult) -> String {
    let parts: Vec<String> = [
        (r.assignments, "việc đang xử lý"),
        (r.to_assign, "văn bản chờ phân công"),
        (r.drafts, "dự thảo"),
        (r.reviews, "lượt duyệt đang chờ"),
        (r.signatures, "văn bản chờ ký"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "Tài khoản không có công việc nào đang dở.".into()
    } else {
        format!("Đã chuyển: {}.", parts.join(", "))
    }
}

#[component]
pub fn HandoverPage(id: i64) -> impl IntoView {
    let data = LocalResource::new(move || load(id));
    view! {
        <section class="work-page handover-page" data-testid="handover-page">
            <p class="crumbs-back">
                <a href="/quan-tri/tai-khoan" data-testid="handover-back">
                    "← Danh sách tài khoản"
                </a>
            </p>
            <h2>"Bàn giao công việc"</h2>
            {move || match data.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || data.refetch()),
                Some(Ok((leaving, others))) => view! { <HandoverForm leaving others /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn HandoverForm(leaving: UserDto, others: Vec<UserDto>) -> impl IntoView {
    let id = leaving.id;
    let to = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let field_error = RwSignal::new(None::<String>);
    let general = RwSignal::new(None::<String>);
    let others = StoredValue::new(others);
    let chosen = move || {
        to.get()
            .and_then(|t| others.with_value(|o| o.iter().find(|u| u.id == t).cloned()))
    };
    let send = Action::new_local(move |body: &HandoverRequest| {
        let body = body.clone();
        async move { api::handover(id, &body).await }
    });
    let result = RwSignal::new(None::<(String, HandoverResult)>);
    Effect::new(move |_| match send.value().get() {
        Some(Ok(r)) => {
            confirming.set(false);
            let name = chosen().map(|u| u.full_name).unwrap_or_default();
            result.set(Some((name, r)));
        }
        Some(Err(e)) => {
            confirming.set(false);
            match e.field("to_user_id") {
                Some(m) => field_error.set(Some(m)),
                None => general.set(Some(e.message())),
            }
        }
        None => {}
    });
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        general.set(None);
        if to.get_untracked().is_none() {
            field_error.set(Some("Hãy chọn người nhận bàn giao.".into()));
            return;
        }
        if reason.get_untracked().chars().count() > 500 {
            general.set(Some("Lý do tối đa 500 ký tự.".into()));
            return;
        }
        field_error.set(None);
        confirming.set(true);
    };
    let confirm = move |_| {
        let Some(t) = to.get_untracked() else { return };
        let text = reason.get_untracked().trim().to_string();
        send.dispatch(HandoverRequest {
            to_user_id: t,
            reason: (!text.is_empty()).then_some(text),
        });
    };
    let leaving_name = StoredValue::new(leaving.full_name.clone());
    let options = move || {
        others.with_value(|o| {
            o.iter()
                .map(|u| {
                    let label = format!("{} — {} ({})", u.full_name, u.unit.name, u.role_labels());
                    view! { <option value=u.id.to_string()>{label}</option> }
                })
                .collect_view()
        })
    };

    view! {
        <div class="handover-who card" data-testid="handover-user">
            <strong>{leaving.full_name.clone()}</strong>
            <span class="cell-sub">
                {format!(
                    "{} · {} · {}{}",
                    leaving.username,
                    leaving.unit.name,
                    leaving.role_labels(),
                    if leaving.locked { " · Đã khóa" } else { "" },
                )}
            </span>
        </div>
        <p class="muted">
            "Mọi công việc đang dở của tài khoản này — việc được giao đang xử lý, văn bản đến chờ phân công, dự thảo, lượt duyệt và văn bản chờ ký — sẽ chuyển cho người nhận. Luồng xử lý của từng văn bản ghi lại việc bàn giao."
        </p>
        {move || {
            result
                .get()
                .map(|(name, r)| {
                    view! {
                        <div class="alert alert-info handover-result" role="status" data-testid="handover-result">
                            <p>
                                <strong>{format!("Đã bàn giao cho {name}.")}</strong>
                            </p>
                            <p data-testid="handover-moved">{moved_text(&r)}</p>
                            <a href="/quan-tri/tai-khoan" class="btn btn-secondary btn-small">
                                "Về danh sách tài khoản"
                            </a>
                        </div>
                    }
                })
        }}
        <Show when=move || result.with(Option::is_none)>
            <form class="form-section handover-form" data-testid="handover-form" on:submit=ask novalidate>
                {move || general.get().map(|m| view! { <div class="alert alert-error" role="alert" data-testid="handover-error">{m}</div> })}
                <div class="field" class:field-invalid=move || field_error.with(Option::is_some)>
                    <label for="ho-to">"Người nhận bàn giao"<span class="req" aria-hidden="true">" *"</span></label>
                    <select
                        id="ho-to"
                        data-testid="handover-to"
                        aria-invalid=move || field_error.with(Option::is_some).to_string()
                        prop:disabled=move || confirming.get()
                        on:change=move |ev| {
                            to.set(event_target_value(&ev).parse().ok());
                            field_error.set(None);
                        }
                    >
                        <option value="">"— Chọn người cùng cơ quan —"</option>
                        {options()}
                    </select>
                    {move || field_error.get().map(|m| view! { <p class="field-error" data-testid="error-to_user_id">{m}</p> })}
                </div>
                <div class="field">
                    <label for="ho-reason">"Lý do"</label>
                    <textarea
                        id="ho-reason"
                        rows="2"
                        maxlength="500"
                        placeholder="Chuyển công tác, nghỉ hưu…"
                        data-testid="handover-reason"
                        prop:disabled=move || confirming.get()
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <Show
                    when=move || confirming.get()
                    fallback=|| {
                        view! {
                            <div class="form-actions">
                                <button type="submit" class="btn btn-primary" data-testid="handover-submit">
                                    "Bàn giao…"
                                </button>
                            </div>
                        }
                    }
                >
                    <div class="confirm-inline" role="group" data-testid="handover-confirm">
                        <span>
                            {move || {
                                format!(
                                    "Chuyển toàn bộ công việc đang dở của {} cho {}? Việc này không tự hoàn tác được.",
                                    leaving_name.get_value(),
                                    chosen().map(|u| u.full_name).unwrap_or_default(),
                                )
                            }}
                        </span>
                        <div class="row-actions">
                            <button type="button" class="btn btn-small btn-ghost" data-testid="handover-no" on:click=move |_| confirming.set(false)>
                                "Quay lại"
                            </button>
                            <button
                                type="button"
                                class="btn btn-small btn-danger"
                                data-testid="handover-yes"
                                prop:disabled=move || send.pending().get()
                                on:click=confirm
                            >
                                {move || if send.pending().get() { "Đang bàn giao…" } else { "Xác nhận bàn giao" }}
                            </button>
                        </div>
                    </div>
                </Show>
            </form>
        </Show>
    }
}
