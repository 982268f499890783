//! `/van-ban-den/moi`: the clerk registers a document received by e-mail, on paper or from the axis (Điều
//! 12.1, 15.4). The main PDF and its attachments are hashed and uploaded as they are dropped; once the main
//! file is on the server, what its text layer says fills the empty fields (to check, marked as such). A paper
//! scan shows the format checks and gets the agency signature top right of page 1 before it is saved. "Nhập
//! bù sau sự cố" records the real arrival time. The same `NewIncomingRequest::validate` the server runs checks
//! the form first; the server's field errors show beside their fields; nothing typed is lost on an error.

mod form;
mod paper;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{IncomingChannel, PrefillDto};

use self::paper::{ScanChecks, Seal, SealFields, seal_and_upload};
use super::new_draft::go_to;
use crate::api::{self, ClientError};
use crate::components::form::{Errors, Field, KeptInTab, RestoredNotice, fields_of};
use crate::components::list_parts::{error_panel, loading};
use crate::components::{Busy, BusyBar};
use crate::upload::{FilePickers, FileState};
use form::Form;

/// The channels a clerk registers by hand (the system channel arrives by itself).
const CHANNELS: [IncomingChannel; 3] = [
    IncomingChannel::Email,
    IncomingChannel::Paper,
    IncomingChannel::Exchange,
];

#[component]
pub fn IntakePage() -> impl IntoView {
    let me = LocalResource::new(|| async { api::session().await.map(|s| s.user) });
    view! {
        <section class="page work-page">
            <header class="page-header">
                <h1>"Tiếp nhận văn bản đến"</h1>
                <p class="muted">"Văn bản nhận qua thư điện tử, bản giấy hoặc trục liên thông. Văn bản từ hệ thống tự đến."</p>
            </header>
            {move || match me.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || me.refetch()),
                Some(Ok(u)) => view! { <IntakeForm agency=u.agency.name user_id=u.id /> }.into_any(),
            }}
        </section>
    }
}

fn is_settled(s: &FileState) -> bool {
    matches!(s, FileState::Done(_) | FileState::Failed(_))
}

#[component]
fn IntakeForm(agency: String, user_id: i64) -> impl IntoView {
    let form = Form::new();
    // What the clerk typed stays in this tab (per account) until it is saved or they start over.
    let kept = KeptInTab::new(
        format!("vanban.intake.{user_id}"),
        move || form.snapshot(),
        move |json| form.restore(json),
    );
    let errors = RwSignal::new(Errors::new());
    let top_error = RwSignal::new(None::<String>);
    let busy: Busy = RwSignal::new(None);
    let prefilled = RwSignal::new(false);
    let found = RwSignal::new(None::<PrefillDto>);
    let key_error = RwSignal::new(None::<String>);
    let seal = Seal::load(agency.clone(), key_error);
    let agency = StoredValue::new(agency);
    let err = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let paper = move || form.channel.get() == IncomingChannel::Paper;

    // Once the main file is on the server, read its text layer (once per file).
    let asked = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(p) = form.main.get() else {
            found.set(None);
            return;
        };
        let FileState::Done(sha) = p.state.get() else {
            return;
        };
        if asked.get_value().as_deref() == Some(sha.as_str()) {
            return;
        }
        asked.set_value(Some(sha.clone()));
        spawn_local(async move {
            // Prefill is a help: when it fails, the clerk types everything.
            if let Ok(p) = api::prefill(&sha).await {
                if form.prefill(&p) {
                    prefilled.set(true);
                }
                found.set(Some(p));
            }
        });
    });

    let uploading = move || {
        form.main
            .with(|m| m.is_some_and(|p| !p.state.with(is_settled)))
            || form
                .attachments
                .with(|a| a.iter().any(|p| !p.state.with(is_settled)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        top_error.set(None);
        // Check everything before signing anything.
        if let Err(e) = form.build(None) {
            errors.set(e);
            top_error.set(Some(
                "Văn bản chưa đủ hoặc chưa đúng; xem các ô được đánh dấu.".into(),
            ));
            return;
        }
        let is_paper = form.channel.get_untracked() == IncomingChannel::Paper;
        if is_paper
            && (seal.key_id.get_untracked().is_empty() || seal.pin.get_untracked().is_empty())
        {
            top_error.set(Some(
                "Văn bản giấy: chọn khóa con dấu của cơ quan và nhập mã PIN để ký số bản quét."
                    .into(),
            ));
            return;
        }
        errors.set(Errors::new());
        spawn_local(async move {
            let sealed = if is_paper {
                let Some(blob) = form.main.get_untracked().and_then(|p| p.blob()) else {
                    return;
                };
                match seal_and_upload(&blob, seal, &agency.get_value(), busy).await {
                    Ok(sha) => Some(sha),
                    Err(e) => {
                        busy.set(None);
                        top_error.set(Some(format!("Không ký số được bản quét: {e}")));
                        return;
                    }
                }
            } else {
                None
            };
            seal.pin.set(String::new());
            let request = match form.build(sealed) {
                Ok(r) => r,
                Err(e) => {
                    busy.set(None);
                    errors.set(e);
                    return;
                }
            };
            busy.set(Some(("Máy chủ đang kiểm tra chữ ký và lưu…".into(), 0.0)));
            let result = api::create_incoming(&request).await;
            busy.set(None);
            match result {
                Ok(d) => {
                    kept.forget();
                    go_to(&format!("/van-ban-den/{}", d.id));
                }
                Err(e) => {
                    if let ClientError::Api(a) = &e {
                        errors.set(fields_of(a));
                    }
                    top_error.set(Some(e.message()));
                }
            }
        });
    };
    let text_input = move |id: &'static str,
                           testid: &'static str,
                           value: RwSignal<String>,
                           max: u32| {
        view! {
            <input id=id type="text" maxlength=max.to_string() data-testid=testid
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };

    view! {
        <form class="form intake-form" data-testid="intake-form" on:submit=submit>
            <RestoredNotice
                kept
                text="Đã khôi phục nội dung đang nhập dở; các tệp cần chọn lại."
                testid="intake"
                on_start_over=Callback::new(move |()| {
                    form.main.set(None);
                    form.attachments.set(Vec::new());
                })
            />
            <fieldset class="form-section">
                <legend>"Hình thức nhận"</legend>
                <div class="channel-choice" role="radiogroup" data-testid="intake-channel">
                    {CHANNELS.into_iter().map(|c| view! {
                        <label class="channel-option">
                            <input type="radio" name="channel" value=c.code() data-testid=format!("channel-{}", c.code())
                                prop:checked=move || form.channel.get() == c
                                on:change=move |_| form.channel.set(c) />
                            <span>{c.label()}</span>
                        </label>
                    }).collect_view()}
                </div>
                {move || errors.with(|e| e.get("channel").cloned()).map(|m| view! { <p class="field-error" data-testid="error-channel">{m}</p> })}
            </fieldset>
            <fieldset class="form-section">
                <legend>"Tệp văn bản"</legend>
                <FilePickers
                    main=form.main
                    attachments=form.attachments
                    errors
                    main_label=Signal::derive(move || if paper() { "Bản quét văn bản (PDF)" } else { "Văn bản (PDF)" })
                    main_testid="intake-main-drop"
                    attachment_testid="intake-attachment-drop"
                />
                {move || (paper() && found.get().is_some()).then(|| view! { <ScanChecks found=found.get().unwrap_or_default() /> })}
                {move || paper().then(|| view! { <SealFields seal /> })}
                {move || key_error.get().map(|e| view! { <p class="alert alert-warning">{e}</p> })}
            </fieldset>
            <fieldset class="form-section">
                <legend>"Thông tin văn bản"</legend>
                {move || prefilled.get().then(|| view! {
                    <p class="alert alert-info prefill-note" data-testid="prefill-note">"Đã điền sẵn từ nội dung tệp — hãy kiểm tra."</p>
                })}
                <div class="field-row">
                    <Field label="Cơ quan gửi (tác giả)" id="sender_name" error=err("sender_name") required=true>
                        {text_input("sender_name", "sender-name", form.sender_name, 200)}
                    </Field>
                    <Field label="Mã định danh cơ quan gửi" id="sender_code" error=err("sender_code")>
                        {text_input("sender_code", "sender-code", form.sender_code, 20)}
                    </Field>
                </div>
                <div class="field-row">
                    <Field label="Số, ký hiệu" id="code_text" error=err("code_text") required=true>
                        {text_input("code_text", "code-text", form.code_text, 42)}
                    </Field>
                    <Field label="Ngày văn bản" id="issued_date" error=err("issued_date") required=true>
                        <input id="issued_date" type="date" data-testid="issued-date"
                            prop:value=move || form.issued_date.get() on:input=move |ev| form.issued_date.set(event_target_value(&ev)) />
                    </Field>
                    <Field label="Loại văn bản" id="doc_type" error=err("doc_type") required=true>
                        <select id="doc_type" data-testid="doc-type" prop:value=move || form.doc_type.get()
                            on:change=move |ev| form.doc_type.set(event_target_value(&ev))>
                            {DocumentType::ALL.iter().map(|t| view! { <option value=t.code()>{t.name()}</option> }).collect_view()}
                        </select>
                    </Field>
                </div>
                <Field label="Trích yếu" id="subject" error=err("subject") required=true>
                    <textarea id="subject" rows="3" maxlength="500" data-testid="subject" placeholder="Về việc …"
                        prop:value=move || form.subject.get() on:input=move |ev| form.subject.set(event_target_value(&ev))></textarea>
                </Field>
                <div class="field-row">
                    <Field label="Độ khẩn" id="urgency" error=err("urgency")>
                        <select id="urgency" data-testid="urgency" prop:value=move || form.urgency.get()
                            on:change=move |ev| form.urgency.set(event_target_value(&ev))>
                            {Urgency::ALL.iter().map(|u| view! { <option value=format!("{u:?}")>{u.label()}</option> }).collect_view()}
                        </select>
                    </Field>
                    <Field label="Người ký" id="signer_name" error=err("signer_name")>
                        {text_input("signer_name", "signer-name", form.signer_name, 50)}
                    </Field>
                    <Field label="Hạn trả lời (nếu có)" id="reply_deadline" error=err("reply_deadline")>
                        <input id="reply_deadline" type="date" data-testid="reply-deadline"
                            prop:value=move || form.reply_deadline.get() on:input=move |ev| form.reply_deadline.set(event_target_value(&ev)) />
                    </Field>
                </div>
                <div class="field-row">
                    <Field label="Số tệp kèm theo (theo văn bản)" id="declared_attachments" error=err("declared_attachments")>
                        <input id="declared_attachments" type="number" min="0" inputmode="numeric" data-testid="declared-attachments"
                            prop:value=move || form.declared_attachments.get() on:input=move |ev| form.declared_attachments.set(event_target_value(&ev)) />
                    </Field>
                    <Field label="Tổng số trang (theo văn bản)" id="declared_pages" error=err("declared_pages")>
                        <input id="declared_pages" type="number" min="0" inputmode="numeric" data-testid="declared-pages"
                            prop:value=move || form.declared_pages.get() on:input=move |ev| form.declared_pages.set(event_target_value(&ev)) />
                    </Field>
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>"Vào sổ"</legend>
                <label class="check-inline">
                    <input type="checkbox" data-testid="backfilled" prop:checked=move || form.backfilled.get()
                        on:change=move |ev| form.backfilled.set(event_target_checked(&ev)) />
                    "Nhập bù sau sự cố (Điều 15.4)"
                </label>
                {move || form.backfilled.get().then(|| view! {
                    <Field label="Thời điểm văn bản đến thực tế" id="backfilled_arrival" error=err("backfilled_arrival") required=true>
                        <input id="backfilled_arrival" type="datetime-local" data-testid="backfilled-arrival"
                            prop:value=move || form.arrival.get() on:input=move |ev| form.arrival.set(event_target_value(&ev)) />
                    </Field>
                })}
                <Field label="Ghi chú" id="note" error=err("note")>
                    <textarea id="note" rows="2" maxlength="500" data-testid="note"
                        prop:value=move || form.note.get() on:input=move |ev| form.note.set(event_target_value(&ev))></textarea>
                </Field>
            </fieldset>
            <BusyBar busy />
            {move || top_error.get().map(|m| view! { <div class="alert alert-error" role="alert" data-testid="intake-error">{m}</div> })}
            <div class="form-actions">
                <a href="/van-ban-den" class="btn btn-secondary">"Hủy"</a>
                <button type="submit" class="btn btn-primary" data-testid="intake-submit"
                    prop:disabled=move || uploading() || busy.get().is_some()>
                    {move || if paper() { "Ký số bản quét và lưu" } else { "Lưu văn bản đến" }}
                </button>
            </div>
        </form>
    }
}
