//! What the caller may do with an incoming document (`IncomingDto.actions`): the clerk's vào sổ (with a
//! reason when a signature failed, and optionally trình lãnh đạo at once), trả lại with its reason, trình lãnh
//! đạo, the answer to a recall; the leader's assignment. What is done per assignment is in `assignment`.
//! Each calls one endpoint and hands the updated document back to the page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::incoming::{AcceptRequest, ForwardRequest, IncomingDto, ReturnRequest};
use shared::outgoing::RecallAnswerRequest;
use shared::role::Role;
use shared::user::UserDto;

use super::assign::{AssignForm, AssignTo};
use crate::api::{self, ApiResult};

/// Runs `call`; on success hands the document to `on_done`, else shows the message in `error`.
pub(super) fn run(
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    on_done: Callback<IncomingDto>,
    call: impl std::future::Future<Output = ApiResult<IncomingDto>> + 'static,
) {
    error.set(None);
    busy.set(true);
    spawn_local(async move {
        let r = call.await;
        busy.try_set(false);
        match r {
            Ok(d) => on_done.run(d),
            Err(e) => {
                error.try_set(Some(e.message()));
            }
        }
    });
}

pub(super) fn error_view(error: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    move || {
        error.get().map(
            |e| view! { <div class="alert alert-error" role="alert" data-testid=testid>{e}</div> },
        )
    }
}

pub(super) fn text(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked()).filter(|t| !t.trim().is_empty())
}

/// The agency's leaders (to trình), loaded once by whoever asks.
pub(super) fn leaders() -> LocalResource<Vec<UserDto>> {
    LocalResource::new(|| async {
        api::colleagues()
            .await
            .map(|l| {
                l.users
                    .into_iter()
                    .filter(|u| u.has_role(Role::AgencyLeader) && !u.locked)
                    .collect()
            })
            .unwrap_or_default()
    })
}

pub(super) fn leader_select(
    list: LocalResource<Vec<UserDto>>,
    chosen: RwSignal<String>,
    id: &'static str,
    empty: &'static str,
) -> impl IntoView {
    view! {
        <select id=id data-testid=id prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
            <option value="">{empty}</option>
            {move || list.get().unwrap_or_default().into_iter().map(|u| {
                let label = match &u.position { Some(p) if !p.is_empty() => format!("{} — {p}", u.full_name), _ => u.full_name.clone() };
                view! { <option value=u.id.to_string()>{label}</option> }
            }).collect_view()}
        </select>
    }
}

/// "Vào sổ": the next số đến of the year; a failed verification needs the clerk's reason.
#[component]
pub fn AcceptAction(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let problems = doc
        .verification
        .as_ref()
        .filter(|v| !v.ok)
        .map(|v| v.problems());
    let failed = problems.is_some();
    let reason = RwSignal::new(String::new());
    let forward = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let list = leaders();
    let accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if failed && text(reason).is_none() {
            error.set(Some(
                "Chữ ký số không hợp lệ: ghi lý do vẫn vào sổ (sẽ lưu trong sổ và lịch sử).".into(),
            ));
            return;
        }
        let body = AcceptRequest {
            override_reason: text(reason),
            forward_to: forward.get_untracked().parse().ok(),
        };
        run(busy, error, on_done, async move {
            api::accept_incoming(id, &body).await
        });
    };
    view! {
        <form class="task accept-task" data-testid="accept-task" on:submit=accept>
            <h3>"Vào sổ văn bản đến"</h3>
            {problems.map(|p| view! {
                <div class="alert alert-error" data-testid="accept-verification-failed">
                    <p><strong>"Kiểm tra chữ ký số không đạt:"</strong></p>
                    <ul>{p.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                    <p>"Chỉ vào sổ khi đã xác minh được văn bản với nơi gửi; ghi rõ lý do."</p>
                </div>
                <div class="field">
                    <label for="override-reason">"Lý do vẫn vào sổ" <span class="req">" *"</span></label>
                    <textarea id="override-reason" rows="3" data-testid="override-reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
            })}
            <div class="field">
                <label for="accept-forward">"Trình lãnh đạo (có thể chọn sau)"</label>
                {leader_select(list, forward, "accept-forward", "— Chưa trình —")}
            </div>
            {error_view(error, "accept-error")}
            <button type="submit" class="btn btn-primary btn-block" data-testid="action-accept" disabled=move || busy.get()>
                {move || if busy.get() { "Đang vào sổ…" } else if forward.with(String::is_empty) { "Vào sổ" } else { "Vào sổ và trình" }}
            </button>
        </form>
    }
}

/// "Trả lại": refused, with the reason the sender sees (02).
#[component]
pub fn ReturnAction(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = text(reason) else {
            error.set(Some("Hãy ghi lý do trả lại.".into()));
            return;
        };
        run(busy, error, on_done, async move {
            api::return_incoming(id, &ReturnRequest { reason: r }).await
        });
    };
    view! {
        <details class="task">
            <summary data-testid="action-return-open">"Trả lại nơi gửi"</summary>
            <form on:submit=send>
                <div class="field">
                    <label for="return-reason">"Lý do trả lại (nơi gửi sẽ thấy)" <span class="req">" *"</span></label>
                    <textarea id="return-reason" rows="3" data-testid="return-reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                {error_view(error, "return-error")}
                <button type="submit" class="btn btn-danger-outline btn-block" data-testid="action-return" disabled=move || busy.get()>"Trả lại"</button>
            </form>
        </details>
    }
}

/// "Kết thúc xử lý": the leader closes the handling although a lead or a co-operating part has not finished,
/// with the reason kept in the history; the sender then sees 06.
#[component]
pub fn CloseAction(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = text(reason) else {
            error.set(Some("Hãy ghi lý do kết thúc xử lý.".into()));
            return;
        };
        run(busy, error, on_done, async move {
            api::close_incoming(id, &ReturnRequest { reason: r }).await
        });
    };
    view! {
        <details class="task">
            <summary data-testid="action-close-open">"Kết thúc xử lý"</summary>
            <form on:submit=send>
                <p class="hint">"Văn bản được coi là đã hoàn thành dù chủ trì hoặc đơn vị phối hợp chưa báo cáo xong."</p>
                <div class="field">
                    <label for="close-reason">"Lý do" <span class="req">" *"</span></label>
                    <textarea id="close-reason" rows="3" data-testid="close-reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                {error_view(error, "close-error")}
                <button type="submit" class="btn btn-secondary btn-block" data-testid="action-close" disabled=move || busy.get()>"Kết thúc xử lý"</button>
            </form>
        </details>
    }
}

/// "Trình lãnh đạo": the clerk hands a registered document to the leader who assigns.
#[component]
pub fn ForwardAction(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let leader = RwSignal::new(
        doc.assigner
            .as_ref()
            .map(|p| p.id.to_string())
            .unwrap_or_default(),
    );
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let list = leaders();
    let again = doc.assigner.is_some();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(leader_id) = leader.get_untracked().parse() else {
            error.set(Some("Chọn lãnh đạo để trình.".into()));
            return;
        };
        let body = ForwardRequest {
            leader_id,
            comment: text(comment),
        };
        run(busy, error, on_done, async move {
            api::forward_incoming(id, &body).await
        });
    };
    view! {
        <form class="task" data-testid="forward-task" on:submit=send>
            <h3>{if again { "Trình lại lãnh đạo khác" } else { "Trình lãnh đạo" }}</h3>
            <div class="field">
                <label for="forward-leader">"Lãnh đạo phân công"</label>
                {leader_select(list, leader, "forward-leader", "— Chọn lãnh đạo —")}
            </div>
            <div class="field">
                <label for="forward-comment">"Ghi chú"</label>
                <textarea id="forward-comment" rows="2" data-testid="forward-comment"
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </div>
            {error_view(error, "forward-error")}
            <button type="submit" class="btn btn-primary btn-block" data-testid="action-forward" disabled=move || busy.get()>"Trình lãnh đạo"</button>
        </form>
    }
}

/// The sender asked to recall it: agree (15) or refuse with a reason (16).
#[component]
pub fn RecallAnswer(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let answer = move |agree: bool| {
        if !agree && text(reason).is_none() {
            error.set(Some("Hãy ghi lý do không đồng ý thu hồi.".into()));
            return;
        }
        let body = RecallAnswerRequest {
            agree,
            reason: text(reason),
        };
        run(busy, error, on_done, async move {
            api::answer_incoming_recall(id, &body).await
        });
    };
    view! {
        <div class="task recall-box" data-testid="recall-answer">
            <h3>"Nơi gửi đề nghị thu hồi"</h3>
            {doc.recall_reason.clone().map(|r| view! { <p class="recall-reason">{format!("Lý do: {r}")}</p> })}
            <div class="field">
                <label for="recall-reason">"Ý kiến (bắt buộc khi không đồng ý)"</label>
                <textarea id="recall-reason" rows="2" data-testid="recall-answer-reason"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            {error_view(error, "recall-answer-error")}
            <div class="action-buttons">
                <button type="button" class="btn btn-primary" data-testid="recall-agree" disabled=move || busy.get() on:click=move |_| answer(true)>"Đồng ý thu hồi"</button>
                <button type="button" class="btn btn-danger-outline" data-testid="recall-refuse" disabled=move || busy.get() on:click=move |_| answer(false)>"Không đồng ý"</button>
            </div>
        </div>
    }
}

/// The leader's assignment of the document: people of the agency and its units.
#[component]
pub fn AssignAction(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let id = doc.id;
    let agency = doc.agency_id;
    let data = LocalResource::new(move || async move {
        let people = api::colleagues().await?.users;
        let units = api::units(agency).await?;
        Ok::<_, api::ClientError>((people, units))
    });
    move || match data.get() {
        None => crate::components::list_parts::loading(),
        Some(Err(e)) => {
            crate::components::list_parts::error_panel(e.message(), move || data.refetch())
        }
        Some(Ok((people, units))) => {
            // Only people who handle documents (shared::who_may): not clerks or administrators.
            let people: Vec<UserDto> = people
                .into_iter()
                .filter(|u| shared::who_may::may_handle(u.into(), agency))
                .collect();
            view! { <AssignForm to=AssignTo::Document(id) people units on_done /> }.into_any()
        }
    }
}
