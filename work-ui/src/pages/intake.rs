//! `/van-ban-den/moi`: the clerk registers a document received by e-mail, on paper or from the axis (Điều
//! 12.1, 15.4). The main PDF and its attachments are hashed and uploaded as they are dropped; once the main
//! file is on the server, what its text layer says fills the empty fields (to check, marked as such). A paper
//! scan shows the format checks and gets the agency signature top right of page 1 before it is saved. "Nhập
//! bù sau sự cố" records the real arrival time. The same `NewIncomingRequest::validate` the server runs checks
//! the form first; the server's field errors show beside their fields; nothing typed is lost on an error.

mod paper;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::incoming::{IncomingChannel, NewIncomingRequest, PrefillDto};
use shared::time::Timestamp;

use self::paper::{ScanChecks, Seal, SealFields, seal_and_upload};
use super::new_draft::go_to;
use crate::api::{self, ClientError};
use crate::components::form::{Errors, Field, KeptInTab, RestoredNotice, fields_of};
use crate::components::list_parts::{error_panel, loading};
use crate::components::{Busy, BusyBar};
use crate::upload::{FilePickers, FileState, Picked};

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

/// The form's values, as typed.
#[derive(Clone, Copy)]
struct Form {
    channel: RwSignal<IncomingChannel>,
    sender_name: RwSignal<String>,
    sender_code: RwSignal<String>,
    code_text: RwSignal<String>,
    issued_date: RwSignal<String>,
    doc_type: RwSignal<String>,
    subject: RwSignal<String>,
    urgency: RwSignal<String>,
    signer_name: RwSignal<String>,
    reply_deadline: RwSignal<String>,
    declared_attachments: RwSignal<String>,
    declared_pages: RwSignal<String>,
    backfilled: RwSignal<bool>,
    arrival: RwSignal<String>,
    note: RwSignal<String>,
    main: RwSignal<Option<Picked>>,
    attachments: RwSignal<Vec<Picked>>,
}

fn optional(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked().trim().to_string()).filter(|t| !t.is_empty())
}

impl Form {
    fn new() -> Self {
        Self {
            channel: RwSignal::new(IncomingChannel::Email),
            sender_name: RwSignal::new(String::new()),
            sender_code: RwSignal::new(String::new()),
            code_text: RwSignal::new(String::new()),
            issued_date: RwSignal::new(String::new()),
            doc_type: RwSignal::new(DocumentType::CongVan.code().into()),
            subject: RwSignal::new(String::new()),
            urgency: RwSignal::new(format!("{:?}", Urgency::Normal)),
            signer_name: RwSignal::new(String::new()),
            reply_deadline: RwSignal::new(String::new()),
            declared_attachments: RwSignal::new(String::new()),
            declared_pages: RwSignal::new(String::new()),
            backfilled: RwSignal::new(false),
            arrival: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
            main: RwSignal::new(None),
            attachments: RwSignal::new(Vec::new()),
        }
    }

    /// The typed fields by name: what this tab keeps while the clerk works, so leaving the page by mistake
    /// loses nothing (files are not kept: they are picked again).
    fn typed(&self) -> [(&'static str, RwSignal<String>); 13] {
        [
            ("sender_name", self.sender_name),
            ("sender_code", self.sender_code),
            ("code_text", self.code_text),
            ("issued_date", self.issued_date),
            ("doc_type", self.doc_type),
            ("subject", self.subject),
            ("urgency", self.urgency),
            ("signer_name", self.signer_name),
            ("reply_deadline", self.reply_deadline),
            ("declared_attachments", self.declared_attachments),
            ("declared_pages", self.declared_pages),
            ("arrival", self.arrival),
            ("note", self.note),
        ]
    }

    /// The typed values as JSON (read tracked, so an effect saves on every change).
    fn snapshot(&self) -> String {
        let mut map = serde_json::Map::new();
        for (name, value) in self.typed() {
            map.insert(name.into(), value.get().into());
        }
        map.insert("channel".into(), self.channel.get().code().into());
        map.insert("backfilled".into(), self.backfilled.get().into());
        serde_json::Value::Object(map).to_string()
    }

    /// Puts back what `snapshot` kept.
    fn restore(&self, json: &str) {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) else {
            return;
        };
        for (name, value) in self.typed() {
            if let Some(v) = map.get(name).and_then(|v| v.as_str()) {
                value.set(v.to_string());
            }
        }
        if let Some(c) = map
            .get("channel")
            .and_then(|c| c.as_str())
            .and_then(IncomingChannel::from_code)
            .filter(|c| CHANNELS.contains(c))
        {
            self.channel.set(c);
        }
        self.backfilled
            .set(map.get("backfilled").and_then(|b| b.as_bool()) == Some(true));
    }

    /// Fills the fields still empty from what the text layer suggested; says whether any text was filled.
    fn prefill(&self, p: &PrefillDto) -> bool {
        let mut filled = false;
        let mut put = |field: RwSignal<String>, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.trim().is_empty())
                && field.with_untracked(|f| f.trim().is_empty())
            {
                field.set(v);
                filled = true;
            }
        };
        put(self.sender_name, p.sender_name.clone());
        put(self.code_text, p.code_text.clone());
        put(self.issued_date, p.issued_date.map(|d| d.to_string()));
        put(self.subject, p.subject.clone());
        put(self.signer_name, p.signer_name.clone());

        if let Some(t) = p.doc_type
            && self.doc_type.get_untracked() == DocumentType::CongVan.code()
            && t != DocumentType::CongVan
        {
            self.doc_type.set(t.code().into());
            filled = true;
        }
        // The page count is what was received, not what was read: filled in, but no reason for the note.
        if let Some(n) = p.pages
            && self.declared_pages.with_untracked(|f| f.trim().is_empty())
        {
            self.declared_pages.set(n.to_string());
        }
        filled
    }

    /// The request with `main_sha` as the main file (the sealed scan for paper), or every field's message.
    fn build(&self, main_sha: Option<String>) -> Result<NewIncomingRequest, Errors> {
        let mut errors = Errors::new();
        let mut err = |field: &str, message: String| {
            errors.entry(field.to_string()).or_insert(message);
        };
        let sender_name = self
            .sender_name
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("sender_name", format!("Cơ quan gửi: {e}")))
            .ok();
        let code_text = self
            .code_text
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("code_text", format!("Số, ký hiệu: {e}")))
            .ok();
        let issued_date = CivilDate::parse(self.issued_date.get_untracked().trim())
            .map_err(|e| err("issued_date", e.to_string()))
            .ok();
        let doc_type = DocumentType::from_code(&self.doc_type.get_untracked());
        if doc_type.is_none() {
            err("doc_type", "Chọn loại văn bản.".into());
        }
        let subject = self
            .subject
            .get_untracked()
            .as_str()
            .try_into()
            .map_err(|e| err("subject", format!("Trích yếu: {e}")))
            .ok();
        let urgency = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == self.urgency.get_untracked());
        let signer_name = match optional(self.signer_name) {
            None => None,
            Some(s) => s
                .as_str()
                .try_into()
                .map_err(|e| err("signer_name", format!("Người ký: {e}")))
                .ok(),
        };
        let reply_deadline = match optional(self.reply_deadline) {
            None => None,
            Some(d) => CivilDate::parse(&d)
                .map_err(|e| err("reply_deadline", e.to_string()))
                .ok(),
        };
        let mut count = |field: &'static str, s: RwSignal<String>| match optional(s) {
            None => None,
            Some(n) => n
                .parse::<u32>()
                .map_err(|_| err(field, "Nhập một số nguyên không âm.".into()))
                .ok(),
        };
        let declared_attachments = count("declared_attachments", self.declared_attachments);
        let declared_pages = count("declared_pages", self.declared_pages);
        let backfilled_arrival = if self.backfilled.get_untracked() {
            match optional(self.arrival) {
                None => {
                    err(
                        "backfilled_arrival",
                        "Nhập ngày giờ văn bản đến thực tế.".into(),
                    );
                    None
                }
                // `datetime-local` gives `2026-11-26T08:30`: a time in Vietnam.
                Some(t) => {
                    let iso = if t.len() == 16 {
                        format!("{t}:00+07:00")
                    } else {
                        format!("{t}+07:00")
                    };
                    Timestamp::parse_iso(&iso)
                        .map_err(|_| err("backfilled_arrival", "Ngày giờ không hợp lệ.".into()))
                        .ok()
                }
            }
        } else {
            None
        };
        let main = match self.main.get_untracked() {
            None => {
                err("main_file", "Chưa chọn tệp văn bản (PDF).".into());
                None
            }
            Some(p) => match p.file_ref() {
                Ok(mut f) => {
                    if let Some(sha) = main_sha {
                        f.sha256 = sha;
                    }
                    Some(f)
                }
                Err(e) => {
                    err("main_file", e.message());
                    None
                }
            },
        };
        let mut attachments = Vec::new();
        for p in self.attachments.get_untracked() {
            match p.file_ref() {
                Ok(f) => attachments.push(f),
                Err(e) => err("attachments", e.message()),
            }
        }
        let (
            Some(sender_name),
            Some(code_text),
            Some(issued_date),
            Some(doc_type),
            Some(subject),
            Some(urgency),
            Some(main_file),
            true,
        ) = (
            sender_name,
            code_text,
            issued_date,
            doc_type,
            subject,
            urgency,
            main,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let request = NewIncomingRequest {
            channel: self.channel.get_untracked(),
            sender_name,
            sender_code: optional(self.sender_code),
            code_text,
            issued_date,
            doc_type,
            subject,
            urgency,
            signer_name,
            reply_deadline,
            declared_attachments,
            declared_pages,
            main_file,
            attachments,
            backfilled_arrival,
            note: optional(self.note),
        };
        request
            .validate(Timestamp(js_sys::Date::now() as i64))
            .map_err(|e| fields_of(&e))?;
        Ok(request)
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
                "Văn bản giấy: chọn khoá con dấu của cơ quan và nhập mã PIN để ký số bản quét."
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
                <a href="/van-ban-den" class="btn btn-secondary">"Huỷ"</a>
                <button type="submit" class="btn btn-primary" data-testid="intake-submit"
                    prop:disabled=move || uploading() || busy.get().is_some()>
                    {move || if paper() { "Ký số bản quét và lưu" } else { "Lưu văn bản đến" }}
                </button>
            </div>
        </form>
    }
}
