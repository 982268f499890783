//! The lists of open work on the dashboard (oldest, overdue, one unit's or person's), each line with its
//! deadline, the document's link and "Đôn đốc" with what became of it.

use std::collections::HashMap;

use leptos::prelude::*;
use shared::incoming::{DueState, OpenWork, UrgeRequest};
use shared::time::Timestamp;

use super::{date_of, due_badge, now_ms};
use crate::api::{self, ClientError};
use crate::components::list_parts::urgency_stamp;

/// What became of the last "Đôn đốc" of each assignment: when it was sent, or why not.
pub(super) type UrgeResults = HashMap<i64, Result<String, ClientError>>;

/// A list of open work, each line with its deadline, the document's link and "Đôn đốc".
#[component]
pub(super) fn WorkList(
    title: String,
    anchor: &'static str,
    testid: &'static str,
    items: Vec<OpenWork>,
    empty: &'static str,
    version: RwSignal<u32>,
    /// What became of each "Đôn đốc" (shared by the lists, kept by the page).
    results: RwSignal<UrgeResults>,
) -> impl IntoView {
    // The line whose urge form is open, its message, and the results.
    let open = RwSignal::new(None::<i64>);
    let message = RwSignal::new(String::new());
    let urge = Action::new_local(move |(id, text): &(i64, String)| {
        let id = *id;
        let body = UrgeRequest {
            message: Some(text.trim().to_string()).filter(|m| !m.is_empty()),
        };
        async move { (id, api::urge(id, &body).await.map(drop)) }
    });
    Effect::new(move |_| {
        if let Some((id, r)) = urge.value().get() {
            let ok = r.is_ok();
            results.update(|m| {
                m.insert(id, r.map(|()| Timestamp(now_ms()).to_display_vn()));
            });
            if ok {
                open.set(None);
                message.set(String::new());
                version.update(|v| *v += 1);
            }
        }
    });
    let count = items.len();
    let line = move |w: OpenWork| {
        let id = w.assignment_id;
        let doc = format!("/van-ban-den/{}", w.incoming_id);
        let number = w
            .arrival_number
            .map_or_else(|| "—".to_string(), |n| n.to_string());
        let due_date = w.due_date.map_or_else(|| "—".to_string(), |d| d.display());
        let urged = w.last_urged_at.map(|t| t.to_display_vn());
        let result = move || {
            results.with(|m| m.get(&id).cloned()).map(|r| match r {
                Ok(at) => view! {
                    <p class="urge-result urge-ok" data-testid="urge-result" data-ok="true" role="status">
                        {format!("Đã đôn đốc lúc {at}.")}
                    </p>
                }
                .into_any(),
                Err(e) => view! {
                    <p class="urge-result urge-bad" data-testid="urge-result" data-ok="false" role="alert">
                        {e.message()}
                    </p>
                }
                .into_any(),
            })
        };
        let form_id = format!("urge-{anchor}-{id}");
        view! {
            <tr
                class="work-row"
                class:row-overdue={w.due == DueState::Overdue}
                data-testid="work-row"
                data-assignment=id
                data-incoming=w.incoming_id
            >
                <td class="w-number" data-label="Số đến">
                    <span class="w-number-label">"Số đến "</span>
                    <strong>{number}</strong>
                </td>
                <td class="w-subject">
                    <a href=doc.clone() class="doc-link" data-testid="work-doc-link">
                        <span class="doc-subject">{w.subject}</span>
                    </a>
                    {urgency_stamp(w.urgency)}
                    <span class="cell-sub">{w.code_text}</span>
                </td>
                <td class="w-handler">
                    <span class="w-handler-name">{w.handler}</span>
                    <span class="cell-sub">{format!("{} · {}", w.unit, w.role.label())}</span>
                </td>
                <td class="w-due">
                    {due_badge(w.due, w.due_date)}
                    <span class="cell-sub">{format!("Hạn {due_date}")}</span>
                </td>
                <td class="w-dates">
                    <span class="cell-sub">{format!("Giao {}", date_of(w.assigned_at))}</span>
                    <span class="cell-sub" data-testid="last-urged">
                        {urged.map(|u| format!("Đôn đốc {u}")).unwrap_or_else(|| "Chưa đôn đốc".into())}
                    </span>
                </td>
                <td class="w-actions">
                    <div class="row-actions">
                        <button
                            type="button"
                            class="btn btn-small btn-danger-outline"
                            data-testid="urge-button"
                            aria-expanded=move || (open.get() == Some(id)).to_string()
                            aria-controls=form_id.clone()
                            on:click=move |_| {
                                message.set(String::new());
                                results.update(|m| {
                                    m.remove(&id);
                                });
                                open.update(|o| *o = if *o == Some(id) { None } else { Some(id) });
                            }
                        >
                            "Đôn đốc"
                        </button>
                        <a href=doc class="btn btn-small btn-secondary w-open" data-testid="work-open">
                            "Mở"
                        </a>
                    </div>
                    <Show when=move || open.get() == Some(id)>
                        <form
                            class="urge-form"
                            id=form_id.clone()
                            data-testid="urge-form"
                            on:submit=move |ev| {
                                ev.prevent_default();
                                urge.dispatch((id, message.get_untracked()));
                            }
                        >
                            <label for=format!("{form_id}-msg")>"Lời nhắn (không bắt buộc)"</label>
                            <textarea
                                id=format!("{form_id}-msg")
                                rows="2"
                                maxlength="500"
                                placeholder="Đề nghị khẩn trương hoàn thành…"
                                data-testid="urge-message"
                                prop:value=move || message.get()
                                on:input=move |ev| message.set(event_target_value(&ev))
                            ></textarea>
                            <div class="form-actions">
                                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| open.set(None)>
                                    "Hủy"
                                </button>
                                <button
                                    type="submit"
                                    class="btn btn-primary btn-small"
                                    data-testid="urge-send"
                                    prop:disabled=move || urge.pending().get()
                                >
                                    {move || if urge.pending().get() { "Đang gửi…" } else { "Gửi đôn đốc" }}
                                </button>
                            </div>
                        </form>
                    </Show>
                    {result}
                </td>
            </tr>
        }
    };
    let list = if items.is_empty() {
        view! { <p class="empty" data-testid=format!("{testid}-empty")>{empty}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="data-table work-table">
                    <thead>
                        <tr>
                            <th>"Số đến"</th>
                            <th>"Trích yếu"</th>
                            <th>"Người xử lý"</th>
                            <th>"Thời hạn"</th>
                            <th>"Ngày giao"</th>
                            <th>
                                <span class="sr-only">"Thao tác"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>{items.into_iter().map(line).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="work-list" id=anchor data-testid=testid>
            <h2>{title} " " <span class="muted h-count">{format!("({count})")}</span></h2>
            {list}
        </section>
    }
}
