//! `/van-ban-den`: documents other agencies on the system issued to this one (until the incoming workflow
//! registers them): sender, number, type and trích yếu, urgency, status, the files. A recall request shows
//! the sender's reason and lets the clerk agree (15) or refuse with a reason (16).

use leptos::prelude::*;
use shared::outgoing::{ArrivalDto, RecallAnswerRequest};
use shared::status::DeliveryStatus;

use super::list::{error_panel, loading, refetch_on_live, urgency_stamp};
use crate::api;

#[component]
pub fn ArrivalsPage() -> impl IntoView {
    let version = RwSignal::new(0u32);
    refetch_on_live(version);
    let items = LocalResource::new(move || {
        version.track();
        api::arrivals()
    });
    let list = move || {
        match items.get() {
        None => loading(),
        // Officials and unit leaders receive documents by assignment, not from this queue.
        Some(Err(e)) if e.code() == Some(shared::ErrorCode::Forbidden) => view! {
            <p class="empty" data-testid="arrivals-not-clerk">
                "Văn bản đến do văn thư tiếp nhận và lãnh đạo phân công; văn bản được giao cho bạn xử lý sẽ hiện ở đây khi chức năng phân công hoàn thành."
            </p>
        }
        .into_any(),
        Some(Err(e)) => error_panel(e.message(), move || items.refetch()),
        Some(Ok(list)) if list.items.is_empty() => view! {
            <p class="empty" data-testid="arrivals-empty">"Chưa có văn bản nào gửi đến cơ quan."</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <p class="count">{format!("{} văn bản", list.items.len())}</p>
            <ul class="arrival-list">
                {list
                    .items
                    .into_iter()
                    .map(|a| view! { <ArrivalRow arrival=a version /> })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <section class="page work-page">
            <header class="page-header">
                <h1>"Văn bản đến"</h1>
                <p class="muted">"Văn bản các cơ quan trên hệ thống gửi đến cơ quan mình."</p>
            </header>
            {list}
        </section>
    }
}

#[component]
fn ArrivalRow(arrival: ArrivalDto, version: RwSignal<u32>) -> impl IntoView {
    let delivery = arrival.delivery_id;
    let recall = arrival.status == DeliveryStatus::RecallRequested;
    let refusing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let answer = Action::new_local(move |agree: &bool| {
        let body = RecallAnswerRequest {
            agree: *agree,
            reason: (!*agree).then(|| reason.get_untracked()),
        };
        async move { api::answer_recall(delivery, &body).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = answer.value().get() {
            version.update(|v| *v += 1);
        }
    });
    let error = move || {
        answer
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message())
    };
    let files = arrival
        .files
        .iter()
        .map(|f| {
            let label = if f.position == 0 {
                format!("Văn bản: {}", f.name)
            } else {
                format!("Kèm theo: {}", f.name)
            };
            view! {
                <li>
                    <a
                        href=shared::api::outgoing_file(arrival.outgoing_id, f.id)
                        target="_blank"
                        rel="noopener"
                        class="file-link"
                        data-testid="arrival-file"
                    >
                        {label}
                    </a>
                </li>
            }
        })
        .collect_view();
    let recall_box = recall.then(|| {
        view! {
            <div class="recall-box" data-testid="recall-request">
                <p>
                    <strong>"Cơ quan gửi đề nghị thu hồi. "</strong>
                    "Lý do: "
                    {arrival.recall_reason.clone().unwrap_or_else(|| "không ghi".into())}
                </p>
                <div class="row-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="recall-agree"
                        prop:disabled=move || answer.pending().get()
                        on:click=move |_| {
                            answer.dispatch(true);
                        }
                    >
                        "Đồng ý thu hồi"
                    </button>
                    <button
                        type="button"
                        class="btn btn-danger-outline"
                        data-testid="recall-refuse"
                        prop:disabled=move || answer.pending().get()
                        on:click=move |_| refusing.set(true)
                    >
                        "Từ chối thu hồi"
                    </button>
                </div>
                <Show when=move || refusing.get()>
                    <div class="field">
                        <label for=format!("refuse-{delivery}")>"Lý do từ chối"</label>
                        <textarea
                            id=format!("refuse-{delivery}")
                            rows="2"
                            data-testid="recall-refuse-reason"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                        <div class="row-actions">
                            <button
                                type="button"
                                class="btn btn-danger-outline"
                                data-testid="recall-refuse-confirm"
                                prop:disabled=move || {
                                    answer.pending().get() || reason.with(|r| r.trim().is_empty())
                                }
                                on:click=move |_| {
                                    answer.dispatch(false);
                                }
                            >
                                "Gửi từ chối"
                            </button>
                            <button
                                type="button"
                                class="btn btn-ghost"
                                data-testid="recall-refuse-cancel"
                                on:click=move |_| refusing.set(false)
                            >
                                "Thôi"
                            </button>
                        </div>
                    </div>
                </Show>
                {move || {
                    error()
                        .map(|m| {
                            view! {
                                <p class="field-error" role="alert" data-testid="recall-error">
                                    {m}
                                </p>
                            }
                        })
                }}
            </div>
        }
    });
    view! {
        <li
            class="arrival"
            class:arrival-recall=recall
            data-testid="arrival-row"
            data-status=arrival.status.code()
        >
            <div class="arrival-head">
                <span class="arrival-sender">{arrival.sender_agency.clone()}</span>
                <span class="arrival-number">{arrival.number_text.clone()}</span>
                {urgency_stamp(arrival.urgency)}
                <span class="status doc-status">{arrival.status.label()}</span>
            </div>
            <a
                href=format!("/van-ban-di/{}", arrival.outgoing_id)
                class="doc-link"
                data-testid="arrival-link"
            >
                <span class="doc-type">{arrival.doc_type.name()}</span>
                " "
                <span class="doc-subject">{arrival.subject.clone()}</span>
            </a>
            <p class="muted">
                {format!(
                    "Ban hành {} · cập nhật {}",
                    arrival.issued_at.to_display_vn(),
                    arrival.status_at.to_display_vn(),
                )}
            </p>
            <ul class="file-links">{files}</ul>
            <a
                href=format!("/van-ban-di/moi?tra-loi={}", arrival.delivery_id)
                class="btn btn-secondary btn-small"
                data-testid="arrival-reply"
            >
                "Soạn văn bản trả lời"
            </a>
            {recall_box}
        </li>
    }
}
