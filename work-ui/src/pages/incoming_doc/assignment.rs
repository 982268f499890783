//! What the caller does with one of their assignments on an incoming document (`assignment_actions`): assign
//! inside the unit, draft a reply, note, report, file, complete; and the leader's "Đôn đốc" of someone else's.

use leptos::prelude::*;
use shared::incoming::{
    AssignmentDto, HandlerAction, HandlerActionRequest, IncomingDto, UrgeRequest,
};

use super::actions::{error_view, run, text};
use super::assign::{AssignForm, AssignTo};
use crate::api;

/// One of the caller's assignments on this document, with what they may do with it.
#[component]
pub fn AssignmentTask(
    doc_id: i64,
    assignment: AssignmentDto,
    acts: Vec<String>,
    on_done: Callback<IncomingDto>,
) -> impl IntoView {
    let has = |a: &str| acts.iter().any(|x| x == a);
    let aid = assignment.id;
    let unit_id = assignment.unit.as_ref().map(|u| u.id);
    let comment = RwSignal::new(String::new());
    let record = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let act = move |action: HandlerAction| {
        if action == HandlerAction::Report && text(comment).is_none() {
            error.set(Some("Hãy ghi nội dung báo cáo kết quả.".into()));
            return;
        }
        if action == HandlerAction::File && text(record).is_none() {
            error.set(Some("Hãy ghi tên hoặc ký hiệu hồ sơ.".into()));
            return;
        }
        let body = HandlerActionRequest {
            action,
            comment: text(comment),
            record_file: (action == HandlerAction::File)
                .then(|| text(record))
                .flatten(),
        };
        run(busy, error, on_done, async move {
            api::act_on_assignment(aid, &body).await
        });
    };
    let who = assignment
        .user
        .as_ref()
        .map(|u| u.full_name.clone())
        .or_else(|| assignment.unit.as_ref().map(|u| u.name.clone()))
        .unwrap_or_default();
    let in_unit = has("assign").then(|| {
        let people = LocalResource::new(move || async move {
            api::colleagues()
                .await
                .map(|l| {
                    l.users
                        .into_iter()
                        .filter(|u| {
                            Some(u.unit.id) == unit_id
                                && shared::who_may::may_handle(u.into(), u.agency.id)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
        view! {
            <details class="task-inner">
                <summary data-testid="action-assign-in-unit">"Phân công trong đơn vị"</summary>
                {move || people.get().map(|p| view! {
                    <AssignForm to=AssignTo::Assignment(aid) people=p units=vec![] on_done />
                })}
            </details>
        }
    });
    view! {
        <div class="task assignment-task" data-testid="assignment-task" data-assignment=aid>
            <h3>{format!("Phần việc của bạn: {}", assignment.role.label())}</h3>
            <p class="muted">
                {who}
                {assignment.due_date.map(|d| format!(" · hạn {}", d.display()))}
                " " {crate::pages::incoming_list::due_badge(assignment.due)}
            </p>
            {assignment.instruction.clone().map(|i| view! { <blockquote class="timeline-comment">{i}</blockquote> })}
            {in_unit}
            {has("reply").then(|| view! {
                <a class="btn btn-secondary btn-block" data-testid="action-reply" href=format!("/van-ban-di/moi?tra-loi-den={doc_id}")>
                    "Soạn văn bản trả lời"
                </a>
            })}
            {has("note").then(|| view! {
                <button type="button" class="btn btn-primary btn-block" data-testid="action-note" disabled=move || busy.get()
                    on:click=move |_| act(HandlerAction::Note)>"Đã đọc"</button>
            })}
            {(has("report") || has("complete")).then(|| view! {
                <div class="field">
                    <label for=format!("comment-{aid}")>"Nội dung báo cáo, kết quả"</label>
                    <textarea id=format!("comment-{aid}") rows="3" data-testid="handler-comment"
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </div>
                <div class="action-buttons">
                    {has("report").then(|| view! {
                        <button type="button" class="btn btn-secondary" data-testid="action-report" disabled=move || busy.get()
                            on:click=move |_| act(HandlerAction::Report)>"Báo cáo kết quả"</button>
                    })}
                    {has("complete").then(|| view! {
                        <button type="button" class="btn btn-primary" data-testid="action-complete" disabled=move || busy.get()
                            on:click=move |_| act(HandlerAction::Complete)>"Hoàn thành"</button>
                    })}
                </div>
            })}
            {has("file").then(|| view! {
                <details class="task-inner">
                    <summary data-testid="action-file-open">"Đưa vào hồ sơ"</summary>
                    <div class="field">
                        <label for=format!("record-{aid}")>"Tên hoặc ký hiệu hồ sơ"</label>
                        <input id=format!("record-{aid}") type="text" maxlength="200" data-testid="record-file"
                            prop:value=move || record.get() on:input=move |ev| record.set(event_target_value(&ev)) />
                    </div>
                    <button type="button" class="btn btn-secondary btn-block" data-testid="action-file" disabled=move || busy.get()
                        on:click=move |_| act(HandlerAction::File)>"Đưa vào hồ sơ"</button>
                </details>
            })}
            {error_view(error, "assignment-error")}
        </div>
    }
}

/// "Đôn đốc": a reminder to the handler of an assignment, with an optional message.
#[component]
pub fn UrgeAction(assignment: i64, on_done: Callback<IncomingDto>) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UrgeRequest {
            message: text(message),
        };
        run(busy, error, on_done, async move {
            api::urge(assignment, &body).await
        });
    };
    view! {
        <details class="urge">
            <summary class="btn btn-ghost btn-small" data-testid="action-urge-open">"Đôn đốc"</summary>
            <form on:submit=send class="urge-form">
                <label for=format!("urge-{assignment}") class="sr-only">"Lời nhắn"</label>
                <input id=format!("urge-{assignment}") type="text" maxlength="500" placeholder="Lời nhắn (không bắt buộc)"
                    data-testid="urge-message" prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev)) />
                <button type="submit" class="btn btn-secondary" data-testid="action-urge" disabled=move || busy.get()>"Gửi đôn đốc"</button>
            </form>
            {error_view(error, "urge-error")}
        </details>
    }
}
