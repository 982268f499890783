//! The workflow buttons of a document page that need no key: submit (trình), a new version of the draft,
//! a reviewer's decision (or the signer's return), recall. Each calls one endpoint and hands the updated
//! document back to the page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::outgoing::{
    FileRef, NewVersionRequest, OutgoingDto, RecallRequest, ReviewDecision, ReviewRequest,
};
use shared::user::UserDto;

use crate::api;
use crate::components::{Busy, BusyBar, set_busy};
use crate::files::chosen_file;
use crate::signing::upload;

fn error_view(error: RwSignal<Option<String>>, testid: &'static str) -> impl IntoView {
    move || {
        error.get().map(
            |e| view! { <div class="alert alert-error" role="alert" data-testid=testid>{e}</div> },
        )
    }
}

/// "Trình": the drafter sends the draft to the first reviewer (or the signer).
#[component]
pub fn SubmitAction(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = doc.id;
    let next = doc
        .steps
        .first()
        .map(|s| s.reviewer.full_name.clone())
        .unwrap_or_else(|| doc.signer.full_name.clone());
    let submit = move |_| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::submit(id).await;
            busy.set(false);
            match result {
                Ok(d) => on_done.run(d),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <div class="task">
            <p class="hint">{format!("Trình dự thảo tới {next}.")}</p>
            {error_view(error, "submit-error")}
            <button type="button" class="btn btn-primary btn-block" data-testid="action-submit"
                disabled=move || busy.get() on:click=submit>"Trình"</button>
        </div>
    }
}

/// A corrected draft: a new main PDF (the attachments stay), hashed here, uploaded, then recorded.
#[component]
pub fn NewVersionAction(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let file = RwSignal::new(None::<web_sys::File>);
    let comment = RwSignal::new(String::new());
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let id = doc.id;
    let attachments: Vec<FileRef> = doc
        .versions
        .last()
        .map(|v| {
            v.files
                .iter()
                .filter(|f| f.position > 0)
                .filter_map(|f| {
                    Some(FileRef {
                        sha256: f.sha256.clone(),
                        name: f.name.as_str().try_into().ok()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let attachments = StoredValue::new(attachments);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(f) = file.get_untracked() else {
            error.set(Some("Chọn tệp PDF của dự thảo mới.".into()));
            return;
        };
        let Ok(name) = f.name().try_into() else {
            error.set(Some("Tên tệp không hợp lệ.".into()));
            return;
        };
        spawn_local(async move {
            let result = async {
                set_busy(busy, "Đang đọc tệp…");
                let sha = upload(&f, busy, "dự thảo mới").await?;
                set_busy(busy, "Đang ghi phiên bản mới…");
                let text = comment.try_get_untracked().unwrap_or_default();
                api::new_version(
                    id,
                    &NewVersionRequest {
                        main_file: FileRef { sha256: sha, name },
                        attachments: attachments.get_value(),
                        comment: Some(text).filter(|t| !t.trim().is_empty()),
                        number_placement: None,
                    },
                )
                .await
            }
            .await;
            busy.set(None);
            match result {
                Ok(d) => {
                    comment.set(String::new());
                    on_done.run(d)
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <details class="task">
            <summary data-testid="action-new-version">"Cập nhật dự thảo (phiên bản mới)"</summary>
            <form class="form" on:submit=send>
                <div class="field">
                    <label for="nv-file">"Tệp PDF dự thảo mới (tệp đính kèm giữ nguyên)"</label>
                    <input id="nv-file" type="file" accept="application/pdf,.pdf" data-testid="new-version-file"
                        on:change=move |ev| file.set(chosen_file(&ev)) />
                </div>
                <div class="field">
                    <label for="nv-comment">"Ghi chú (không bắt buộc)"</label>
                    <textarea id="nv-comment" rows="2" data-testid="new-version-comment" bind:value=comment></textarea>
                </div>
                <BusyBar busy />
                {error_view(error, "new-version-error")}
                <button type="submit" class="btn btn-secondary btn-block" data-testid="new-version-submit"
                    disabled=move || busy.get().is_some()>"Tải lên phiên bản mới"</button>
            </form>
        </details>
    }
}

/// The reviewer's decision; with `signer`, only the two ways back (the signer returns instead of signing).
#[component]
pub fn ReviewAction(
    doc: OutgoingDto,
    signer: bool,
    on_done: Callback<OutgoingDto>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let forward_to = RwSignal::new(String::new());
    let colleagues = RwSignal::new(Vec::<UserDto>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = doc.id;
    let (drafter, signer_id) = (doc.drafter.id, doc.signer.id);
    if !signer {
        spawn_local(async move {
            let me = api::session().await.map(|s| s.user.id).unwrap_or(0);
            if let Ok(list) = api::colleagues().await {
                colleagues.set(
                    list.users
                        .into_iter()
                        .filter(|u| u.id != me && u.id != drafter && u.id != signer_id)
                        .collect(),
                );
            }
        });
    }
    let decide = move |decision: ReviewDecision| {
        error.set(None);
        let text = comment.get_untracked();
        let returning = matches!(
            decision,
            ReviewDecision::ReturnToPrevious | ReviewDecision::ReturnToDrafter
        );
        if returning && text.trim().is_empty() {
            error.set(Some(
                "Cần ghi ý kiến khi trả lại để người soạn biết phải sửa gì.".into(),
            ));
            return;
        }
        let forward = forward_to.get_untracked().parse::<i64>().ok();
        if decision == ReviewDecision::Forward && forward.is_none() {
            error.set(Some("Chọn người nhận chuyển tiếp.".into()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::review(
                id,
                &ReviewRequest {
                    decision,
                    comment: Some(text).filter(|t| !t.trim().is_empty()),
                    forward_to: forward.filter(|_| decision == ReviewDecision::Forward),
                },
            )
            .await;
            busy.set(false);
            match result {
                Ok(d) => {
                    comment.set(String::new());
                    on_done.run(d)
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <div class="task review-task" data-testid=if signer { "return-task" } else { "review-task" }>
            {if signer {
                view! { <h3>"Trả lại thay vì ký"</h3> }.into_any()
            } else {
                view! { <h3>"Ý kiến duyệt"</h3> }.into_any()
            }}
            <div class="field">
                <label for="review-comment">{if signer { "Lý do trả lại (bắt buộc)" } else { "Ý kiến (bắt buộc khi trả lại)" }}</label>
                <textarea id="review-comment" rows="3" data-testid="review-comment" bind:value=comment></textarea>
            </div>
            {error_view(error, "review-error")}
            <div class="action-buttons">
                {(!signer).then(|| view! {
                    <button type="button" class="btn btn-primary" data-testid="action-approve"
                        disabled=move || busy.get() on:click=move |_| decide(ReviewDecision::Approve)>"Duyệt"</button>
                })}
                <button type="button" class="btn btn-secondary" data-testid="action-return-previous"
                    disabled=move || busy.get() on:click=move |_| decide(ReviewDecision::ReturnToPrevious)>"Trả lại người trình trước"</button>
                <button type="button" class="btn btn-danger-outline" data-testid="action-return-drafter"
                    disabled=move || busy.get() on:click=move |_| decide(ReviewDecision::ReturnToDrafter)>"Trả lại"</button>
            </div>
            {(!signer).then(|| view! {
                <div class="forward-row">
                    <div class="field">
                        <label for="forward-to">"Chuyển tiếp cho"</label>
                        <select id="forward-to" data-testid="forward-to" on:change=move |ev| forward_to.set(event_target_value(&ev))>
                            <option value="">"— chọn người —"</option>
                            {move || colleagues.get().into_iter().map(|u| {
                                let text = match &u.position {
                                    Some(p) => format!("{} — {p}", u.full_name),
                                    None => format!("{} — {}", u.full_name, u.unit.name),
                                };
                                view! { <option value=u.id.to_string()>{text}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="button" class="btn btn-secondary" data-testid="action-forward"
                        disabled=move || busy.get() on:click=move |_| decide(ReviewDecision::Forward)>"Chuyển tiếp"</button>
                </div>
            })}
        </div>
    }
}

/// Thu hồi: the issuer recalls an issued document, with a reason the recipients see.
#[component]
pub fn RecallAction(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = doc.id;
    let recall = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            error.set(Some("Ghi lý do thu hồi.".into()));
            return;
        }
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(
                    "Thu hồi văn bản này? Các nơi nhận sẽ được yêu cầu hủy văn bản.",
                )
                .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::recall(id, &RecallRequest { reason: text }).await;
            busy.set(false);
            match result {
                Ok(d) => on_done.run(d),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <details class="task">
            <summary data-testid="recall-open">"Thu hồi văn bản"</summary>
            <form class="form" on:submit=recall>
                <div class="field">
                    <label for="recall-reason">"Lý do thu hồi"</label>
                    <textarea id="recall-reason" rows="2" data-testid="recall-reason" bind:value=reason></textarea>
                </div>
                {error_view(error, "recall-error")}
                <button type="submit" class="btn btn-danger-outline btn-block" data-testid="action-recall"
                    disabled=move || busy.get()>"Thu hồi"</button>
            </form>
        </details>
    }
}
