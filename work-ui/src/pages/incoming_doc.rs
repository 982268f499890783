//! `/van-ban-den/{id}`: one incoming document (DESIGN §6): the PDF on the left (on top on a phone), the facts
//! and what the caller may do on the right; below, the check of what arrived (signatures on the server and in
//! this browser, Điều 12.2–12.3), the assignments with their deadlines, the replies, the statuses the sender
//! saw, and the history (luồng xử lý) with "thay mặt" when someone acted under a delegation.
//! The page refetches when a server-sent event names this document.

mod actions;
mod assign;
mod assignment;
mod verify;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::incoming::{AssignmentDto, IncomingDto, IncomingStatus};

use self::actions::{
    AcceptAction, AssignAction, CloseAction, ForwardAction, RecallAnswer, ReturnAction,
};
use self::assignment::{AssignmentTask, UrgeAction};
use super::document::{PdfView, listen};
use super::incoming_list::due_badge;
use crate::api;
use crate::components::list_parts::urgency_stamp;

fn done_text(status: IncomingStatus) -> &'static str {
    match status {
        IncomingStatus::Registered => "Đã vào sổ.",
        IncomingStatus::ToAssign => "Đã trình lãnh đạo.",
        IncomingStatus::InProgress => "Đã ghi nhận.",
        IncomingStatus::Completed => "Văn bản đã hoàn thành xử lý.",
        IncomingStatus::Returned => "Đã trả lại nơi gửi.",
        IncomingStatus::Withdrawn => "Văn bản đã được thu hồi.",
        IncomingStatus::Arrived => "Đã ghi nhận.",
    }
}

#[component]
pub fn IncomingDocPage(id: i64) -> impl IntoView {
    let doc = RwSignal::new(None::<IncomingDto>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::incoming(id).await {
                Ok(d) => {
                    error.try_set(None);
                    doc.try_set(Some(d));
                }
                Err(e) => {
                    error.try_set(Some(e.message()));
                }
            }
        })
    };
    load();
    listen(
        &["incoming", "urge", "task", "delivery", "resync"],
        "incoming_id",
        id,
        load,
    );
    let on_done = Callback::new(move |d: IncomingDto| {
        notice.set(Some(done_text(d.status).to_string()));
        doc.set(Some(d));
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    // Parts that keep their own state (a reason being typed, a form) render again only when what they
    // depend on changes, not on every refetch.
    let main_file = Memo::new(move |_| {
        doc.with(|d| {
            d.as_ref().and_then(|d| {
                d.files
                    .iter()
                    .min_by_key(|f| f.position)
                    .map(|f| (shared::api::incoming_file(d.id, f.id), f.name.clone()))
            })
        })
    });
    let task_key = Memo::new(move |_| {
        doc.with(|d| {
            d.as_ref().map(|d| {
                (
                    d.status,
                    d.actions.clone(),
                    d.assignment_actions.clone(),
                    d.assignments.len(),
                )
            })
        })
    });
    let files_key = Memo::new(move |_| doc.with(|d| d.as_ref().map(|d| d.files.clone())));

    view! {
        <section class="page doc-page incoming-doc" data-testid="incoming-page">
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="doc-error">{e}</div> })}
            {move || doc.get().map(|d| view! { <Header doc=d /> })}
            {move || notice.get().map(|n| view! { <div class="alert alert-ok" role="status" data-testid="doc-notice">{n}</div> })}
            {move || (doc.with(Option::is_none) && error.get().is_none()).then(|| view! {
                <p class="loading"><span class="spinner"></span>"Đang tải văn bản…"</p>
            })}
            // The next action first in the reading order (on a phone its button stays at the bottom of the
            // screen: the action bar); the PDF and the facts after it.
            <div class="doc-layout">
                <div class="doc-act">
                    {move || {
                        task_key.get()?;
                        let d = doc.get_untracked()?;
                        Some(view! { <Actions doc=d on_done /> })
                    }}
                </div>
                <div class="doc-pdf">
                    {move || main_file.get().map(|(url, name)| view! { <PdfView url name /> })}
                </div>
                <aside class="doc-side">
                    {move || doc.get().map(|d| view! { <Facts doc=d /> })}
                </aside>
            </div>
            <div class="doc-below">
                {move || {
                    files_key.get()?;
                    let d = doc.get_untracked()?;
                    Some(view! {
                        <verify::VerificationPanel doc=d.clone() />
                        <verify::CountCheck doc=d />
                    })
                }}
                {move || doc.get().and_then(|d| d.arrival_number.map(|_| view! {
                    <crate::pages::record_files::file_into::FileIntoRecord
                        kind=shared::record_file::DocumentKind::Incoming id=d.id agency_id=d.agency_id />
                }))}
                {move || doc.get().map(|d| view! {
                    <Assignments doc=d.clone() on_done />
                    <Replies doc=d.clone() />
                    <SenderStatuses doc=d.clone() />
                    <History doc=d />
                })}
            </div>
        </section>
    }
}

#[component]
fn Header(doc: IncomingDto) -> impl IntoView {
    view! {
        <header class="page-header doc-header">
            <div class="doc-title-row">
                {urgency_stamp(doc.urgency)}
                <span class=format!("chip doc-status status-{}", doc.status.code()) data-testid="doc-status" data-status=doc.status.code()>
                    {doc.status.label()}
                </span>
                {doc.arrival_number.map(|n| view! {
                    <span class="doc-number" data-testid="arrival-number">
                        {format!("Số đến {n}{}", doc.arrival_year.map(|y| format!("/{y}")).unwrap_or_default())}
                    </span>
                })}
                {due_badge(doc.due)}
                {doc.recall_reason.is_some().then(|| view! { <span class="chip chip-recall" data-testid="recall-mark">"Nơi gửi đề nghị thu hồi"</span> })}
            </div>
            <h1 data-testid="doc-title">
                <span class="doc-type">{doc.doc_type.name()}</span>
                " "
                {doc.subject.clone()}
            </h1>
        </header>
    }
}

#[component]
fn Facts(doc: IncomingDto) -> impl IntoView {
    let received = format!(
        "{}{}",
        doc.received_at.to_display_vn(),
        if doc.backfilled { " (nhập bù)" } else { "" }
    );
    // The lead finished but a co-operating part has not reported: the document is not completed yet.
    let leads_done = doc
        .assignments
        .iter()
        .filter(|a| a.role == shared::incoming::AssignmentRole::Lead && a.parent_id.is_none())
        .all(|a| a.state == shared::incoming::AssignmentState::Done);
    let waiting: Vec<String> = doc
        .assignments
        .iter()
        .filter(|a| {
            a.role == shared::incoming::AssignmentRole::Cooperate
                && a.state != shared::incoming::AssignmentState::Done
                && a.result.is_none()
        })
        .map(assignee)
        .collect();
    let waiting = (doc.status == IncomingStatus::InProgress
        && !doc.assignments.is_empty()
        && leads_done
        && !waiting.is_empty())
    .then(|| waiting.join(", "));
    view! {
        <dl class="facts" data-testid="facts">
            {waiting.map(|w| view! {
                <dt>"Chờ phối hợp"</dt>
                <dd data-testid="fact-waiting-cooperation">{format!("Chủ trì đã hoàn thành; chờ báo cáo của: {w}")}</dd>
            })}
            <dt>"Nơi gửi"</dt>
            <dd data-testid="fact-sender">
                {doc.sender_name.clone()}
                {doc.sender_code.clone().map(|c| view! { <div class="cell-sub">{c}</div> })}
            </dd>
            <dt>"Số, ký hiệu"</dt><dd data-testid="fact-code">{doc.code_text.clone()}</dd>
            <dt>"Ngày văn bản"</dt><dd>{doc.issued_date.display()}</dd>
            <dt>"Loại văn bản"</dt><dd>{doc.doc_type.name()}</dd>
            <dt>"Độ khẩn"</dt><dd>{doc.urgency.label()}</dd>
            {doc.signer_name.clone().map(|s| view! { <dt>"Người ký"</dt><dd>{s}</dd> })}
            <dt>"Hình thức nhận"</dt><dd data-testid="fact-channel">{doc.channel.label()}</dd>
            <dt>"Thời điểm đến"</dt>
            <dd data-testid="fact-received">
                {received}
                {doc.backfilled.then(|| view! { <span class="chip chip-backfilled" data-testid="backfilled-mark">"Nhập bù"</span> })}
            </dd>
            {doc.arrival_number.map(|n| view! {
                <dt>"Số đến"</dt>
                <dd>{format!("{n}{}", doc.arrival_year.map(|y| format!(" / năm {y}")).unwrap_or_default())}
                    {doc.registered_at.map(|t| view! { <div class="cell-sub">{format!("Vào sổ {}{}", t.to_display_vn(), doc.registered_by.as_ref().map(|p| format!(" — {}", p.full_name)).unwrap_or_default())}</div> })}
                </dd>
            })}
            {doc.reply_deadline.map(|d| view! { <dt>"Hạn trả lời (nơi gửi)"</dt><dd>{d.display()}</dd> })}
            {doc.assigner.clone().map(|p| view! { <dt>"Lãnh đạo phân công"</dt><dd data-testid="fact-assigner">{p.full_name}</dd> })}
            {doc.instruction.clone().map(|i| view! { <dt>"Ý kiến chỉ đạo"</dt><dd class="pre-line" data-testid="fact-instruction">{i}</dd> })}
            {doc.due_date.map(|d| view! {
                <dt>"Thời hạn xử lý"</dt>
                <dd data-testid="fact-due">{d.display()} " " {due_badge(doc.due)}</dd>
            })}
            {doc.override_reason.clone().map(|r| view! { <dt>"Lý do vào sổ dù chữ ký lỗi"</dt><dd class="recall-reason">{r}</dd> })}
            {doc.return_reason.clone().map(|r| view! { <dt>"Lý do trả lại"</dt><dd class="recall-reason" data-testid="fact-return-reason">{r}</dd> })}
            {doc.recall_reason.clone().map(|r| view! { <dt>"Lý do thu hồi"</dt><dd class="recall-reason">{r}</dd> })}
            {doc.note.clone().map(|n| view! { <dt>"Ghi chú"</dt><dd>{n}</dd> })}
        </dl>
    }
}

/// What the caller may do now.
#[component]
fn Actions(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    let has = |a: &str| doc.actions.iter().any(|x| x == a);
    let mut parts: Vec<AnyView> = Vec::new();
    if has("answer_recall") {
        parts.push(view! { <RecallAnswer doc=doc.clone() on_done /> }.into_any());
    }
    if has("accept") {
        parts.push(view! { <AcceptAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("return") {
        parts.push(view! { <ReturnAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("forward") {
        parts.push(view! { <ForwardAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("assign") {
        parts.push(view! { <AssignAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("close") {
        parts.push(view! { <CloseAction doc=doc.clone() on_done /> }.into_any());
    }
    for (aid, acts) in &doc.assignment_actions {
        // Urging is offered on the assignment's line below; the rest is the caller's own work.
        let own: Vec<String> = acts
            .iter()
            .filter(|a| *a != "urge")
            .map(|a| a.code().to_string())
            .collect();
        if own.is_empty() {
            continue;
        }
        if let Some(a) = doc.assignments.iter().find(|a| a.id == *aid) {
            parts.push(
                view! { <AssignmentTask doc_id=doc.id assignment=a.clone() acts=own on_done /> }
                    .into_any(),
            );
        }
    }
    let empty = parts.is_empty();
    view! {
        <div class="doc-actions" data-testid="doc-actions">
            {empty.then(|| view! { <p class="muted" data-testid="no-actions">"Bạn không có việc cần làm với văn bản này lúc này."</p> })}
            {parts}
        </div>
    }
}

fn assignee(a: &AssignmentDto) -> String {
    match (&a.user, &a.unit) {
        (Some(u), Some(unit)) => format!("{} ({})", u.full_name, unit.name),
        (Some(u), None) => u.full_name.clone(),
        (None, Some(unit)) => unit.name.clone(),
        (None, None) => "—".into(),
    }
}

/// Who takes part, with role, deadline, state, and "Đôn đốc" for whoever may urge.
#[component]
fn Assignments(doc: IncomingDto, on_done: Callback<IncomingDto>) -> impl IntoView {
    if doc.assignments.is_empty() {
        return None;
    }
    let urgeable: Vec<i64> = doc
        .assignment_actions
        .iter()
        .filter(|(_, acts)| acts.iter().any(|a| a == "urge"))
        .map(|(id, _)| *id)
        .collect();
    Some(view! {
        <section class="doc-section">
            <h2>"Phân công xử lý"</h2>
            <ul class="assignments" data-testid="assignments">
                {doc.assignments.into_iter().map(|a| {
                    let urge = urgeable.contains(&a.id).then(|| view! { <UrgeAction assignment=a.id on_done /> });
                    view! {
                        <li class="assignment" class:assignment-sub=a.parent_id.is_some() data-testid="assignment" data-role=a.role.code() data-state=a.state.code()>
                            <div class="assignment-head">
                                <span class=format!("chip role-chip role-{}", a.role.code())>{a.role.label()}</span>
                                <strong class="assignment-who">{assignee(&a)}</strong>
                                <span class=format!("chip state-{}", a.state.code()) data-testid="assignment-state">{a.state.label()}</span>
                                {due_badge(a.due)}
                            </div>
                            <div class="cell-sub">
                                {a.due_date.map(|d| format!("Hạn {} · ", d.display()))}
                                {format!("Giao bởi {}{} lúc {}",
                                    a.assigned_by.full_name,
                                    a.on_behalf_of.as_ref().map(|p| format!(" (thay mặt {})", p.full_name)).unwrap_or_default(),
                                    a.created_at.to_display_vn())}
                                {a.done_at.map(|t| format!(" · xong {}", t.to_display_vn()))}
                                {a.last_urged_at.map(|t| view! { <span class="urged" data-testid="last-urged">{format!(" · đôn đốc lần cuối {}", t.to_display_vn())}</span> })}
                            </div>
                            {a.instruction.clone().filter(|_| a.parent_id.is_some()).map(|i| view! { <div class="timeline-comment">{i}</div> })}
                            {a.result.clone().map(|r| view! { <div class="timeline-comment" data-testid="assignment-result">{format!("Kết quả: {r}")}</div> })}
                            {urge}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// Outgoing documents drafted in answer.
#[component]
fn Replies(doc: IncomingDto) -> impl IntoView {
    (!doc.replies.is_empty()).then(|| {
        view! {
            <section class="doc-section">
                <h2>"Văn bản trả lời"</h2>
                <ul class="replies" data-testid="replies">
                    {doc.replies.into_iter().map(|r| {
                        // Only an issued reply answers the document; anything before is still being drafted.
                        let answered = r.status == "issued";
                        view! {
                            <li>
                                <span class=if answered { "chip chip-ok" } else { "chip" } data-testid="reply-state">
                                    {if answered { "Đã trả lời" } else { "Đang soạn trả lời" }}
                                </span>
                                " "
                                <a href=format!("/van-ban-di/{}", r.outgoing_id) data-testid="reply-link">
                                    {r.number_text.clone().map(|n| format!("{n} — ")).unwrap_or_else(|| "Dự thảo — ".into())}
                                    {r.subject.clone()}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// What the sender saw (system channel): đã đến, đã tiếp nhận, phân công, đang xử lý, hoàn thành…
#[component]
fn SenderStatuses(doc: IncomingDto) -> impl IntoView {
    (!doc.sender_statuses.is_empty()).then(|| {
        view! {
            <section class="doc-section">
                <h2>"Tình trạng nơi gửi nhận được"</h2>
                <ol class="timeline" data-testid="sender-statuses">
                    {doc.sender_statuses.into_iter().map(|s| view! {
                        <li class="timeline-entry" data-testid="sender-status" data-code=s.status.code()>
                            <div class="timeline-when">{s.at.to_display_vn()}</div>
                            <div class="timeline-what">{format!("{} ({})", s.status.label(), s.status.code())}</div>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}

/// Luồng xử lý: who, what, when, comment, and under whose delegation.
#[component]
fn History(doc: IncomingDto) -> impl IntoView {
    // The whole audited history, each step with its audit-chain hash, as a PDF from the server.
    let pdf = shared::api::path(shared::api::INCOMING_HISTORY_PDF, doc.id);
    view! {
        <section class="doc-section">
            <h2>"Luồng xử lý"</h2>
            <ol class="timeline" data-testid="history">
                {doc.history.into_iter().map(|h| {
                    let e = h.entry;
                    let actor = match &e.actor.position {
                        Some(p) if !p.is_empty() => format!("{} ({p})", e.actor.full_name),
                        _ => e.actor.full_name.clone(),
                    };
                    view! {
                        <li class="timeline-entry" data-testid="history-entry" data-action=e.action.clone()>
                            <div class="timeline-when">{e.at.to_display_vn()}</div>
                            <div class="timeline-what">
                                <strong>{actor}</strong>
                                {h.on_behalf_of.map(|p| view! { <span class="behalf" data-testid="history-behalf">{format!(" (thay mặt {})", p.full_name)}</span> })}
                                " — " {e.label.clone()}
                            </div>
                            {e.comment.clone().map(|c| view! { <blockquote class="timeline-comment" data-testid="history-comment">{c}</blockquote> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <a
                href=pdf
                class="btn btn-secondary history-pdf"
                download=""
                data-testid="history-pdf"
                title="Mỗi bước kèm mã băm của nhật ký kiểm tra, đối chiếu được bằng lệnh vanban audit verify"
            >
                "Tải lịch sử (PDF)"
            </a>
        </section>
    }
}
