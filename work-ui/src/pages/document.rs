//! `/van-ban-di/{id}`: one outgoing document (DESIGN §6): the PDF on the left (on top on a phone), the facts
//! and what the caller may do now on the right, then the history (luồng xử lý), the approval circuit, the
//! versions, and once issued the recipients with their live status and the paper dispatch list.
//! The page refetches when a server-sent event names this document.

mod actions;
pub mod batch_sign;
mod edit;
mod history;
pub mod issue;
mod sign_task;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::outgoing::{OutgoingDto, OutgoingStatus};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use shared::client::ClientError;
use shared::worker_protocol::WorkerError;

use crate::api;
use crate::signing::{blob_at, latest_files};
use crate::worker;
use issue::IssueTask;
use sign_task::SignTask;

#[component]
pub fn DocumentPage(id: i64) -> impl IntoView {
    let doc = RwSignal::new(None::<OutgoingDto>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::outgoing(id).await {
                Ok(d) => {
                    error.set(None);
                    doc.set(Some(d));
                }
                Err(e) => error.set(Some(e.message())),
            }
        })
    };
    load();
    listen(
        &["outgoing", "delivery", "arrival", "task", "resync"],
        "outgoing_id",
        id,
        load,
    );
    let on_done = Callback::new(move |d: OutgoingDto| {
        // A step that leaves the status as it was (the drafter's edit or new version) saved changes; otherwise
        // the notice says where the document went.
        let before = doc.with_untracked(|old| old.as_ref().map(|o| o.status));
        let text = if before == Some(d.status) {
            "Đã lưu thay đổi."
        } else {
            done_text(d.status)
        };
        notice.set(Some(text.to_string()));
        doc.set(Some(d));
    });

    // Parts that keep their own state (a PIN being typed, a placement) render again only when what they
    // depend on changes, not on every refetch.
    let main_file = Memo::new(move |_| {
        doc.with(|d| d.as_ref().and_then(|d| latest_files(d).into_iter().next()))
    });
    let task_key = Memo::new(move |_| {
        doc.with(|d| {
            d.as_ref()
                .map(|d| (d.status, d.actions.clone(), d.versions.len()))
        })
    });

    view! {
        <section class="page doc-page" data-testid="document-page">
            {move || error.get().map(history::load_failed)}
            {move || {
                doc.get().map(|d| view! { <DocHeader doc=d /> })
            }}
            {move || notice.get().map(|n| view! { <div class="alert" role="status" data-testid="doc-notice">{n}</div> })}
            {move || {
                if doc.with(Option::is_none) && error.get().is_none() {
                    Some(view! { <p class="loading"><span class="spinner"></span>"Đang tải văn bản…"</p> })
                } else {
                    None
                }
            }}
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
                    {move || main_file.get().map(|(file_id, name)| view! { <PdfView url=history::api_file(id, file_id) name /> })}
                </div>
                <aside class="doc-side">
                    {move || doc.get().map(|d| view! { <Facts doc=d /> })}
                </aside>
            </div>
            {move || doc.get().map(|d| {
                let issued = matches!(d.status, OutgoingStatus::Issued | OutgoingStatus::Recalled);
                let paper = !d.paper_recipients.is_empty();
                view! {
                    <div class="doc-below">
                        {issued.then(|| view! {
                            <crate::pages::record_files::file_into::FileIntoRecord
                                kind=shared::record_file::DocumentKind::Outgoing id=d.id agency_id=d.agency_id />
                        })}
                        <history::Timeline doc=d.clone() />
                        <history::Circuit doc=d.clone() />
                        <history::Versions doc=d.clone() />
                        {issued.then(|| view! { <history::Deliveries doc=d.clone() /> })}
                        {paper.then(|| view! { <history::DispatchList doc=d.clone() /> })}
                    </div>
                }
            })}
        </section>
    }
}

fn done_text(status: OutgoingStatus) -> &'static str {
    match status {
        OutgoingStatus::InReview => "Đã chuyển dự thảo.",
        OutgoingStatus::Returned => "Đã trả lại dự thảo.",
        OutgoingStatus::AwaitingSignature => "Đã trình ký.",
        OutgoingStatus::AwaitingIssue => "Đã ký số. Văn bản chuyển văn thư phát hành.",
        OutgoingStatus::Issued => "Đã phát hành văn bản.",
        OutgoingStatus::Recalled => "Đã thu hồi văn bản.",
        OutgoingStatus::Draft => "Đã lưu.",
    }
}

/// Listens to the server's events of `kinds` while the page is shown; `reload` runs when one names document
/// `id` in its field `key` (`outgoing_id`, `incoming_id`), and after a `resync`.
pub fn listen(
    kinds: &'static [&'static str],
    key: &'static str,
    id: i64,
    reload: impl Fn() + Clone + 'static,
) {
    let Some(source) = open_event_source() else {
        return;
    };
    let mut handlers = Vec::new();
    for &kind in kinds {
        let reload = reload.clone();
        let handler =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data().as_string().unwrap_or_default();
                // The stream sends a LiveNotice (`kind`, `outgoing_id`, `incoming_id`, `text`…), not a LiveEvent.
                let ours = kind == "resync"
                    || serde_json::from_str::<serde_json::Value>(&data)
                        .ok()
                        .and_then(|ev| ev[key].as_i64())
                        == Some(id);
                if ours {
                    reload();
                }
            });
        let add = js_sys::Reflect::get(&source, &"addEventListener".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(add) = add {
            let _ = add.call2(&source, &kind.into(), handler.as_ref());
        }
        handlers.push(handler);
    }
    let held = StoredValue::new_local(Some((source, handlers)));
    on_cleanup(move || {
        if let Some(Some((source, _handlers))) = held.try_update_value(Option::take) {
            close_event_source(&source);
        }
    });
}

/// `new EventSource("/api/events")` through Reflect (the bundle does without web-sys's EventSource binding).
fn open_event_source() -> Option<JsValue> {
    let window = web_sys::window()?;
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"EventSource".into())
        .ok()?
        .dyn_into()
        .ok()?;
    js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&shared::api::EVENTS.into())).ok()
}

fn close_event_source(source: &JsValue) {
    if let Some(close) = js_sys::Reflect::get(source, &"close".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = close.call0(source);
    }
}

/// Urgency stamp, type and subject, status.
#[component]
fn DocHeader(doc: OutgoingDto) -> impl IntoView {
    view! {
        <header class="page-header doc-header">
            <div class="doc-title-row">
                {doc.urgency.stamp().map(|s| view! { <span class="urgency-stamp" data-testid="urgency-stamp">{s}</span> })}
                <span class=format!("chip doc-status status-{}", doc.status.code()) data-testid="doc-status" data-status=doc.status.code()>
                    {doc.status.label()}
                </span>
                {doc.number_text.clone().map(|n| view! { <span class="doc-number" data-testid="doc-number">{format!("Số {n}")}</span> })}
            </div>
            <h1 data-testid="doc-title">
                <span class="doc-type">{doc.doc_type.name()}</span>
                " "
                {doc.subject.clone()}
            </h1>
        </header>
    }
}

/// The facts of the document (NĐ 30 Phụ lục VI) as a definition list.
#[component]
fn Facts(doc: OutgoingDto) -> impl IntoView {
    // Where the document is now: a draft or a returned one is with its drafter (the returning step is kept
    // only to send it back there on resubmission).
    let holder = match doc.status {
        OutgoingStatus::Draft | OutgoingStatus::Returned => {
            Some(format!("Người soạn thảo: {}", doc.drafter.full_name))
        }
        OutgoingStatus::AwaitingSignature => Some(format!("Người ký: {}", doc.signer.full_name)),
        OutgoingStatus::InReview => doc
            .current_step
            .and_then(|p| doc.steps.iter().find(|s| s.position == p))
            .map(|s| format!("Người duyệt: {}", s.reviewer.full_name)),
        _ => None,
    };
    let signer = match doc.signing_capacity.mark() {
        "" => doc.signer.full_name.clone(),
        m => format!("{m} {}", doc.signer.full_name),
    };
    view! {
        <dl class="facts" data-testid="facts">
            <dt>"Cơ quan ban hành"</dt><dd>{doc.agency_name.clone()}</dd>
            <dt>"Số, ký hiệu"</dt>
            <dd>{doc.number_text.clone().unwrap_or_else(|| format!("…/{} (cấp khi phát hành)", doc.notation))}</dd>
            {doc.issued_at.map(|t| view! { <dt>"Ngày ban hành"</dt><dd>{t.to_display_vn()}</dd> })}
            <dt>"Độ khẩn"</dt><dd>{doc.urgency.label()}</dd>
            <dt>"Đơn vị soạn thảo"</dt><dd>{format!("{} — {}", doc.drafting_unit, doc.drafter.full_name)}</dd>
            <dt>"Người ký"</dt><dd>{signer}</dd>
            {holder.map(|h| view! { <dt>"Đang ở"</dt><dd data-testid="holder">{h}</dd> })}
            <dt>"Sổ văn bản"</dt><dd>{doc.register_name.clone()}</dd>
            {doc.reply_deadline.map(|d| view! { <dt>"Hạn trả lời"</dt><dd>{d.display()}</dd> })}
            {doc.recall_reason.clone().map(|r| view! { <dt>"Lý do thu hồi"</dt><dd class="recall-reason">{r}</dd> })}
            <dt>"Cập nhật"</dt><dd>{doc.updated_at.to_display_vn()}</dd>
        </dl>
    }
}

/// What the caller may do now (`OutgoingDto.actions`).
#[component]
fn Actions(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let has = |a: &str| doc.actions.iter().any(|x| x == a);
    let mut parts: Vec<AnyView> = Vec::new();
    if has("submit") {
        parts.push(view! { <actions::SubmitAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("new_version") {
        parts.push(view! { <actions::NewVersionAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("edit") {
        parts.push(view! { <edit::EditAction doc=doc.clone() on_done /> }.into_any());
    }
    if has("review") {
        parts.push(
            view! { <actions::ReviewAction doc=doc.clone() signer=false on_done /> }.into_any(),
        );
    }
    if has("sign") {
        parts.push(view! { <SignTask doc=doc.clone() on_done /> }.into_any());
    }
    if has("return") {
        parts.push(
            view! {
                <details class="task">
                    <summary data-testid="action-return">"Trả lại"</summary>
                    <actions::ReviewAction doc=doc.clone() signer=true on_done />
                </details>
            }
            .into_any(),
        );
    }
    if has("issue") {
        parts.push(view! { <IssueTask doc=doc.clone() on_done /> }.into_any());
    }
    if has("recall") {
        parts.push(view! { <actions::RecallAction doc=doc.clone() on_done /> }.into_any());
    }
    let empty = parts.is_empty();
    view! {
        <div class="doc-actions" data-testid="doc-actions">
            {empty.then(|| view! { <p class="muted" data-testid="no-actions">"Bạn không có việc cần làm với văn bản này lúc này."</p> })}
            {parts}
        </div>
    }
}

/// Pages drawn at first; more on request. The worker draws one thing at a time, so a long document drawn whole
/// would make a signature or an issue wait behind its pages.
const FIRST_PAGES: usize = 3;
const MORE_PAGES: usize = 5;

/// Draws pages `range` of `blob` into the view's canvases; stops when the view is gone.
async fn draw_pages(
    wrap: NodeRef<leptos::html::Div>,
    blob: &web_sys::Blob,
    width: f64,
    range: std::ops::Range<usize>,
) -> Result<(), ClientError> {
    for index in range {
        let picture = worker::render(blob, index, width * worker::device_ratio()).await?;
        // A newer version replaced this view (the component is gone): stop drawing.
        if wrap.is_disposed() {
            return Ok(());
        }
        let canvas = wrap
            .try_get_untracked()
            .flatten()
            .and_then(|w| {
                w.query_selector(&format!("canvas.pdf-page[data-index=\"{index}\"]"))
                    .ok()
                    .flatten()
            })
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        if let Some(c) = canvas {
            worker::paint(&c, &picture, width);
        }
    }
    Ok(())
}

/// The pages of a PDF drawn by the worker, one under the other (the first few, more on request), with a link
/// to open the file itself. `url` is the file's API address.
#[component]
pub fn PdfView(url: String, name: String) -> impl IntoView {
    let wrap = NodeRef::<leptos::html::Div>::new();
    // Canvases on the page, and how many pages the file has.
    let pages = RwSignal::new(0usize);
    let total = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let source = StoredValue::new_local(None::<(web_sys::Blob, f64)>);
    let href = url.clone();
    spawn_local(async move {
        let result = async {
            let blob = blob_at(&url).await?;
            let info = worker::inspect(&blob).await?;
            let n = info.pages.len().min(FIRST_PAGES);
            total.set(info.pages.len());
            pages.set(n);
            let width = wrap
                .try_get_untracked()
                .flatten()
                .map(|w| f64::from(w.client_width()))
                .filter(|w| *w > 0.0)
                .unwrap_or(600.0)
                .min(900.0);
            source.set_value(Some((blob.clone(), width)));
            draw_pages(wrap, &blob, width, 0..n).await
        }
        .await;
        loading.set(false);
        if let Err(e) = result {
            error.set(Some(match e {
                ClientError::Worker(too_big @ WorkerError::TooBigToRender { .. }) => {
                    too_big.to_string()
                }
                other => format!("Không hiển thị được văn bản: {other}"),
            }));
        }
    });
    let more = move |_| {
        let Some((blob, width)) = source.get_value() else {
            return;
        };
        let from = pages.get_untracked();
        let to = (from + MORE_PAGES).min(total.get_untracked());
        pages.set(to);
        loading.set(true);
        spawn_local(async move {
            let result = draw_pages(wrap, &blob, width, from..to).await;
            loading.try_set(false);
            if let Err(e) = result {
                error.try_set(Some(format!("Không hiển thị được trang: {e}")));
            }
        });
    };
    view! {
        <div class="pdf-view" node_ref=wrap data-testid="pdf-view">
            <div class="pdf-toolbar">
                <a class="btn btn-secondary btn-small" href=href target="_blank" rel="noopener" data-testid="open-pdf">
                    "Mở tệp PDF"
                </a>
                <span class="muted pdf-name">{name}</span>
            </div>
            {move || loading.get().then(|| view! { <p class="loading"><span class="spinner"></span>"Đang hiển thị văn bản…"</p> })}
            {move || error.get().map(|e| view! { <div class="alert alert-warning" role="status">{e}</div> })}
            <div class="pdf-pages">
                <For each=move || 0..pages.get() key=|i| *i let:i>
                    <canvas class="pdf-page" data-testid="pdf-page" data-index=i.to_string() aria-label=format!("Trang {}", i + 1)></canvas>
                </For>
            </div>
            {move || (pages.get() < total.get()).then(|| view! {
                <button type="button" class="btn btn-secondary btn-block" data-testid="pdf-more"
                    disabled=move || loading.get() on:click=more>
                    {move || format!("Xem thêm trang ({}/{})", pages.get(), total.get())}
                </button>
            })}
        </div>
    }
}
