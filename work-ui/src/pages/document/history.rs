//! The read-only parts of a document page: the history (luồng xử lý), the approval circuit, the versions with
//! their files, the recipients and their statuses, and the paper dispatch list (Điều 11.2đ) to print.

use leptos::prelude::*;
use shared::outgoing::{DeliveryChannel, DeliveryDto, OutgoingDto, ReviewDecision};

use crate::api::NETWORK_MESSAGE;

fn decision_label(d: ReviewDecision) -> &'static str {
    match d {
        ReviewDecision::Approve => "Đồng ý",
        ReviewDecision::ReturnToPrevious => "Đã trả lại người trình trước",
        ReviewDecision::ReturnToDrafter => "Đã trả lại",
        ReviewDecision::Forward => "Chuyển tiếp",
    }
}

fn person(name: &str, position: &Option<String>) -> String {
    match position {
        Some(p) if !p.is_empty() => format!("{name} ({p})"),
        _ => name.to_string(),
    }
}

/// Luồng xử lý: who did what, when, with what comment, on which version; newest last as it happened.
#[component]
pub fn Timeline(doc: OutgoingDto) -> impl IntoView {
    // The whole audited history, each step with its audit-chain hash, as a PDF from the server.
    let pdf = shared::api::path(shared::api::OUTGOING_HISTORY_PDF, doc.id);
    view! {
        <section class="doc-section">
            <h2>"Luồng xử lý"</h2>
            <ol class="timeline" data-testid="history">
                {doc.history.into_iter().map(|h| view! {
                    <li class="timeline-entry" data-testid="history-entry" data-action=h.action.clone()>
                        <div class="timeline-when">{h.at.to_display_vn()}</div>
                        <div class="timeline-what">
                            <strong>{person(&h.actor.full_name, &h.actor.position)}</strong>
                            " — " {h.label.clone()}
                            {h.version.map(|v| view! { <span class="chip">{format!("phiên bản {v}")}</span> })}
                        </div>
                        {h.comment.clone().map(|c| view! { <blockquote class="timeline-comment" data-testid="history-comment">{c}</blockquote> })}
                    </li>
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

/// The approval circuit: each reviewer in order, who holds the draft now, and each decision.
#[component]
pub fn Circuit(doc: OutgoingDto) -> impl IntoView {
    // A returned document keeps its returning step only to go back there: that step is "Đã trả lại".
    let current = doc
        .current_step
        .filter(|_| doc.status == shared::outgoing::OutgoingStatus::InReview);
    let signer = person(&doc.signer.full_name, &doc.signer.position);
    view! {
        <section class="doc-section">
            <h2>"Quy trình duyệt, ký"</h2>
            <ol class="circuit" data-testid="circuit">
                {doc.steps.into_iter().map(|s| {
                    let here = current == Some(s.position);
                    let state = match (s.decision, here) {
                        (_, true) => "Đang xử lý".to_string(),
                        (Some(d), _) => decision_label(d).to_string(),
                        (None, _) => "Chờ".to_string(),
                    };
                    view! {
                        <li class=if here { "circuit-step circuit-current" } else { "circuit-step" } data-testid="circuit-step">
                            <span>{format!("{}. {}", s.position, person(&s.reviewer.full_name, &s.reviewer.position))}</span>
                            <span class="chip">{state}</span>
                            {s.decided_at.map(|t| view! { <span class="muted">{t.to_display_vn()}</span> })}
                            {s.comment.clone().map(|c| view! { <div class="timeline-comment">{c}</div> })}
                        </li>
                    }
                }).collect_view()}
                <li class="circuit-step" data-testid="circuit-signer">
                    <span>{format!("Người ký: {signer} — {}", doc.signing_capacity.label())}</span>
                </li>
            </ol>
        </section>
    }
}

/// Every version with its files (links open them).
#[component]
pub fn Versions(doc: OutgoingDto) -> impl IntoView {
    let id = doc.id;
    view! {
        <section class="doc-section">
            <h2>"Các phiên bản"</h2>
            <ul class="versions" data-testid="versions">
                {doc.versions.into_iter().rev().map(|v| {
                    let kind = match v.kind.as_str() {
                        "signed" => "Đã ký",
                        "issued" => "Phát hành",
                        _ => "Dự thảo",
                    };
                    view! {
                        <li class="version" data-testid="version">
                            <div>
                                <strong>{format!("Phiên bản {} — {kind}", v.number)}</strong>
                                <span class="muted">{format!(" · {} · {}", v.created_by.full_name, v.created_at.to_display_vn())}</span>
                            </div>
                            <ul class="version-files">
                                {v.files.into_iter().map(|f| view! {
                                    <li>
                                        <a href=api_file(id, f.id) target="_blank" rel="noopener" data-testid="version-file">{f.name.clone()}</a>
                                        <span class="muted">{format!(" ({}{})", size_text(f.size), if f.position == 0 { ", văn bản chính" } else { ", đính kèm" })}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

pub fn api_file(doc: i64, file: i64) -> String {
    shared::api::outgoing_file(doc, file)
}

fn size_text(size: i64) -> String {
    if size >= 1 << 20 {
        format!("{:.1} MB", size as f64 / 1_048_576.0)
    } else {
        format!("{} KB", (size + 1023) / 1024)
    }
}

fn channel_label(c: DeliveryChannel) -> &'static str {
    match c {
        DeliveryChannel::Internal => "Trong hệ thống",
        DeliveryChannel::External => "Qua trục liên thông",
        DeliveryChannel::Paper => "Bản giấy",
    }
}

fn status_text(d: &DeliveryDto) -> String {
    match (d.status, d.channel) {
        (Some(s), _) => format!("{} ({})", s.label(), s.code()),
        (None, DeliveryChannel::Paper) => "Gửi bản giấy".into(),
        (None, DeliveryChannel::External) => "Chờ gửi qua trục".into(),
        (None, DeliveryChannel::Internal) => "Chưa gửi".into(),
    }
}

/// The recipients of an issued document, their status (live) and the time of each change.
#[component]
pub fn Deliveries(doc: OutgoingDto) -> impl IntoView {
    view! {
        <section class="doc-section">
            <h2>"Nơi nhận và tình trạng"</h2>
            <div class="table-wrap">
                <table class="data-table deliveries" data-testid="deliveries">
                    <thead>
                        <tr><th>"Nơi nhận"</th><th>"Hình thức"</th><th>"Tình trạng"</th><th>"Diễn biến"</th></tr>
                    </thead>
                    <tbody>
                        {doc.deliveries.into_iter().map(|d| {
                            let code = d.status.map(|s| s.code()).unwrap_or("");
                            let status = status_text(&d);
                            let at = d.status_at.map(|t| t.to_display_vn()).unwrap_or_default();
                            view! {
                                <tr data-testid="delivery-row" data-delivery=d.id.to_string()>
                                    <td>{d.recipient_name.clone()}{d.recipient_code.clone().map(|c| view! { <div class="cell-sub">{c}</div> })}</td>
                                    <td>{channel_label(d.channel)}</td>
                                    <td>
                                        <span class=format!("delivery-status status-{code}") data-testid="delivery-status" data-code=code>{status}</span>
                                        <div class="cell-sub">{at}</div>
                                    </td>
                                    <td>
                                        <ul class="delivery-events">
                                            {d.events.iter().map(|e| view! {
                                                <li data-testid="delivery-event">
                                                    {format!("{} — {}", e.at.to_display_vn(), e.status.label())}
                                                    {e.actor_name.clone().map(|n| format!(" · {n}"))}
                                                    {e.reason.clone().map(|r| view! { <div class="delivery-reason">{format!("Lý do: {r}")}</div> })}
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Danh sách gửi văn bản giấy (Điều 11.2đ): the paper recipients, to print and have signed on receipt.
#[component]
pub fn DispatchList(doc: OutgoingDto) -> impl IntoView {
    let mut names: Vec<String> = doc
        .deliveries
        .iter()
        .filter(|d| d.channel == DeliveryChannel::Paper)
        .map(|d| d.recipient_name.clone())
        .collect();
    if names.is_empty() {
        names = doc.paper_recipients.clone();
    }
    let print = move |_| {
        // Only the list prints (html.print-dispatch in document.css), then the page is as it was.
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(r) = &root {
            let _ = r.class_list().add_1("print-dispatch");
        }
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
        if let Some(r) = &root {
            let _ = r.class_list().remove_1("print-dispatch");
        }
    };
    let number = doc
        .number_text
        .clone()
        .unwrap_or_else(|| format!("…/{}", doc.notation));
    let date = doc
        .issued_at
        .map(|t| t.to_date_vn())
        .unwrap_or_else(|| "…".into());
    view! {
        <section class="doc-section dispatch-list" data-testid="dispatch-list">
            <div class="dispatch-head">
                <h2>"Danh sách gửi văn bản giấy"</h2>
                <button type="button" class="btn btn-secondary btn-small no-print" data-testid="print-dispatch" on:click=print>"In danh sách"</button>
            </div>
            <p class="dispatch-meta">
                {format!("{} — Văn bản số {number}, ngày {date}: {} {}", doc.agency_name, doc.doc_type.name(), doc.subject)}
            </p>
            <div class="table-wrap">
            <table class="data-table dispatch-table">
                <thead><tr><th>"STT"</th><th>"Nơi nhận"</th><th>"Số bản"</th><th>"Ngày gửi"</th><th>"Ký nhận"</th></tr></thead>
                <tbody>
                    {names.into_iter().enumerate().map(|(i, n)| view! {
                        <tr data-testid="dispatch-row"><td>{i + 1}</td><td>{n}</td><td>"01"</td><td></td><td></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

/// What the page shows when the document cannot be read.
pub fn load_failed(message: String) -> impl IntoView {
    let message = if message.is_empty() {
        NETWORK_MESSAGE.to_string()
    } else {
        message
    };
    view! { <div class="alert alert-error" role="alert" data-testid="doc-error">{message}</div> }
}
