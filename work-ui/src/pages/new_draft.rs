//! `/van-ban-di/moi`: a new draft (Điều 11.1): the main PDF and its attachments (dropped or picked, hashed
//! and uploaded with progress), then the metadata of NĐ 30 Phụ lục VI. The same `DraftRequest::validate`
//! the server runs checks the form first; the server's field errors show beside their fields. "Lưu dự thảo"
//! creates it, "Lưu và trình" creates and submits it; the form keeps what was typed on any error.

mod pickers;
mod placement;

use leptos::prelude::*;
use shared::agency::{AgencyCode, AgencyDto};
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::outgoing::{DraftRequest, ExternalRecipient, RegisterDto, SigningCapacity, Subject};
use shared::role::Role;
use shared::text::OrganName;
use shared::user::UserDto;
use wasm_bindgen::JsCast;

use self::pickers::{AgencyPicker, ExternalRow, ExternalRows, ReviewerPicker, person_label};
use crate::api::{self, ClientError};
use crate::components::form::{Errors, Field, KeptInTab, RestoredNotice, fields_of};
use crate::components::list_parts::{error_panel, loading};
use crate::upload::{FilePickers, FileState, Picked};

/// What the form needs from the server.
#[derive(Clone)]
struct Choices {
    me: UserDto,
    people: Vec<UserDto>,
    agencies: Vec<AgencyDto>,
    registers: Vec<RegisterDto>,
}

async fn choices() -> Result<Choices, ClientError> {
    let me = api::session().await?.user;
    let people = api::colleagues().await?.users;
    let agencies = api::agencies()
        .await?
        .into_iter()
        .filter(|a| a.id != me.agency.id)
        .collect();
    let registers = api::registers()
        .await?
        .into_iter()
        .filter(|r| r.direction == "outgoing")
        .collect();
    Ok(Choices {
        me,
        people,
        agencies,
        registers,
    })
}

/// Opens an app address through the app's router (it handles clicks on links), without reloading the page.
pub fn go_to(href: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(href);
        let _ = body.append_child(&a);
        a.click();
        a.remove();
    }
}

#[component]
pub fn NewDraftPage(
    /// The received document this draft answers (edXML `ResponseFor`), when opened from it.
    answers: Option<i64>,
    /// The incoming document of this agency the draft answers (`?tra-loi-den=`, from its page).
    answers_incoming: Option<i64>,
) -> impl IntoView {
    let data = LocalResource::new(choices);
    view! {
        <section class="page work-page">
            <header class="page-header">
                <h1>"Soạn văn bản đi"</h1>
            </header>
            {move || match data.get() {
                None => loading(),
                Some(Err(e)) => error_panel(e.message(), move || data.refetch()),
                Some(Ok(c)) => view! { <DraftForm choices=c answers=answers answers_incoming=answers_incoming /> }.into_any(),
            }}
        </section>
    }
}

/// The form's values, as typed.
#[derive(Clone, Copy)]
struct Form {
    doc_type: RwSignal<String>,
    subject: RwSignal<String>,
    urgency: RwSignal<String>,
    deadline: RwSignal<String>,
    signer: RwSignal<String>,
    capacity: RwSignal<String>,
    register: RwSignal<String>,
    internal: RwSignal<Vec<i64>>,
    external: RwSignal<Vec<ExternalRow>>,
    paper: RwSignal<String>,
    reviewers: RwSignal<Vec<i64>>,
    main: RwSignal<Option<Picked>>,
    attachments: RwSignal<Vec<Picked>>,
    answers: Option<i64>,
    answers_incoming: Option<i64>,
    boxes: placement::Boxes,
}

impl Form {
    /// The typed choices as JSON (read tracked, so an effect saves on every change): what this tab keeps while
    /// the official works, so leaving the page loses nothing (files are picked again).
    fn snapshot(&self) -> String {
        let mut map = serde_json::Map::new();
        for (name, value) in self.typed() {
            map.insert(name.into(), value.get().into());
        }
        map.insert("internal".into(), serde_json::json!(self.internal.get()));
        map.insert("reviewers".into(), serde_json::json!(self.reviewers.get()));
        let external: Vec<(String, String)> = self
            .external
            .get()
            .iter()
            .map(|r| (r.code.get(), r.name.get()))
            .collect();
        map.insert("external".into(), serde_json::json!(external));
        serde_json::Value::Object(map).to_string()
    }

    fn typed(&self) -> [(&'static str, RwSignal<String>); 8] {
        [
            ("doc_type", self.doc_type),
            ("subject", self.subject),
            ("urgency", self.urgency),
            ("deadline", self.deadline),
            ("signer", self.signer),
            ("capacity", self.capacity),
            ("register", self.register),
            ("paper", self.paper),
        ]
    }

    /// Puts back what `snapshot` kept (unknown ids are kept too: the pickers show only what they know).
    fn restore(&self, json: &str) {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) else {
            return;
        };
        for (name, value) in self.typed() {
            if let Some(v) = map.get(name).and_then(|v| v.as_str()) {
                value.set(v.to_string());
            }
        }
        let ids = |name: &str| -> Vec<i64> {
            map.get(name)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default()
        };
        self.internal.set(ids("internal"));
        self.reviewers.set(ids("reviewers"));
        let external: Vec<(String, String)> = map
            .get("external")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        // Keys far above the picker's own counter, so rows added later never share one.
        self.external.set(
            external
                .into_iter()
                .zip(1_000_000u32..)
                .map(|((code, name), key)| ExternalRow {
                    key,
                    code: RwSignal::new(code),
                    name: RwSignal::new(name),
                })
                .collect(),
        );
    }

    /// The request, or the message of every field that is not right yet.
    fn build(&self, drafter: i64) -> Result<DraftRequest, Errors> {
        let mut errors = Errors::new();
        let mut err = |field: &str, message: String| {
            errors.entry(field.to_string()).or_insert(message);
        };
        let doc_type = DocumentType::from_code(&self.doc_type.get_untracked());
        if doc_type.is_none() {
            err("doc_type", "Chọn loại văn bản.".into());
        }
        let subject = Subject::try_from(self.subject.get_untracked())
            .map_err(|e| err("subject", format!("Trích yếu: {e}")))
            .ok();
        let urgency = Urgency::ALL
            .into_iter()
            .find(|u| format!("{u:?}") == self.urgency.get_untracked());
        let deadline = match self.deadline.get_untracked().trim() {
            "" => None,
            d => CivilDate::parse(d)
                .map_err(|e| err("reply_deadline", e.to_string()))
                .ok(),
        };
        let signer = self.signer.get_untracked().parse::<i64>().ok();
        if signer.is_none() {
            err("signer_id", "Chọn người ký.".into());
        }
        let capacity = SigningCapacity::from_code(&self.capacity.get_untracked());
        let register = self.register.get_untracked().parse::<i64>().ok();
        if register.is_none() {
            err("register_id", "Chọn sổ văn bản đi.".into());
        }
        let mut external = Vec::new();
        for row in self.external.get_untracked() {
            let (code, name) = (row.code.get_untracked(), row.name.get_untracked());
            if code.trim().is_empty() && name.trim().is_empty() {
                continue;
            }
            match (AgencyCode::parse(code.trim()), OrganName::try_from(name)) {
                (Ok(code), Ok(name)) => external.push(ExternalRecipient { code, name }),
                (Err(e), _) => err("external_recipients", format!("{}: {e}", code.trim())),
                (_, Err(e)) => err("external_recipients", format!("Tên cơ quan: {e}")),
            }
        }
        let mut paper = Vec::new();
        for line in self.paper.get_untracked().lines() {
            if line.trim().is_empty() {
                continue;
            }
            match OrganName::try_from(line) {
                Ok(n) => paper.push(n),
                Err(e) => err("paper_recipients", format!("“{}”: {e}", line.trim())),
            }
        }
        let main = match self.main.get_untracked() {
            None => {
                err("main_file", "Chưa chọn tệp văn bản chính (PDF).".into());
                None
            }
            Some(p) => p.file_ref().map_err(|e| err("main_file", e.message())).ok(),
        };
        let mut attachments = Vec::new();
        for p in self.attachments.get_untracked() {
            match p.file_ref() {
                Ok(f) => attachments.push(f),
                Err(e) => err("attachments", e.message()),
            }
        }
        let (
            Some(doc_type),
            Some(subject),
            Some(urgency),
            Some(signer_id),
            Some(signing_capacity),
            Some(register_id),
            Some(main_file),
            true,
        ) = (
            doc_type,
            subject,
            urgency,
            signer,
            capacity,
            register,
            main,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let request = DraftRequest {
            doc_type,
            subject,
            urgency,
            reply_deadline: deadline,
            signer_id,
            signing_capacity,
            register_id,
            answers_delivery_id: self.answers,
            answers_incoming_id: self.answers_incoming,
            internal_recipients: self.internal.get_untracked(),
            external_recipients: external,
            paper_recipients: paper,
            confidentiality: None,
            reviewers: self.reviewers.get_untracked(),
            main_file,
            attachments,
            number_placement: self.boxes.placement(),
        };
        request.validate(drafter).map_err(|e| fields_of(&e))?;
        Ok(request)
    }
}

/// What went wrong after pressing a button.
#[derive(Clone)]
enum Outcome {
    /// Nothing was created.
    Failed(ClientError),
    /// Created, but the submission failed: the draft exists at this id.
    NotSubmitted(i64, ClientError),
}

#[component]
fn DraftForm(
    choices: Choices,
    answers: Option<i64>,
    answers_incoming: Option<i64>,
) -> impl IntoView {
    let Choices {
        me,
        people,
        agencies,
        registers,
    } = choices;
    let drafter = me.id;
    let signers: Vec<UserDto> = people
        .iter()
        .filter(|u| u.has_role(Role::AgencyLeader) || u.has_role(Role::UnitLeader))
        .cloned()
        .collect();
    let form = Form {
        doc_type: RwSignal::new(DocumentType::CongVan.code().into()),
        subject: RwSignal::new(String::new()),
        urgency: RwSignal::new(format!("{:?}", Urgency::Normal)),
        deadline: RwSignal::new(String::new()),
        signer: RwSignal::new(String::new()),
        capacity: RwSignal::new(SigningCapacity::Direct.code().into()),
        register: RwSignal::new(
            registers
                .first()
                .map(|r| r.id.to_string())
                .unwrap_or_default(),
        ),
        internal: RwSignal::new(Vec::new()),
        external: RwSignal::new(Vec::new()),
        paper: RwSignal::new(String::new()),
        reviewers: RwSignal::new(Vec::new()),
        answers,
        answers_incoming,
        boxes: placement::Boxes::new(),
        main: RwSignal::new(None),
        attachments: RwSignal::new(Vec::new()),
    };
    // What the official typed stays in this tab (per account and per document answered) until the draft is
    // saved or they start over.
    let kept = KeptInTab::new(
        format!(
            "vanban.draft.{drafter}.{}.{}",
            answers.unwrap_or(0),
            answers_incoming.unwrap_or(0)
        ),
        move || form.snapshot(),
        move |json| form.restore(json),
    );
    let errors = RwSignal::new(Errors::new());
    let top_error = RwSignal::new(None::<String>);
    let err = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());

    let save = Action::new_local(move |(request, submit): &(DraftRequest, bool)| {
        let (request, submit) = (request.clone(), *submit);
        async move {
            let doc = api::create_outgoing(&request)
                .await
                .map_err(Outcome::Failed)?;
            if submit {
                api::submit(doc.id)
                    .await
                    .map_err(|e| Outcome::NotSubmitted(doc.id, e))?;
            }
            Ok::<i64, Outcome>(doc.id)
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) => {
            kept.forget();
            go_to(&format!("/van-ban-di/{id}"));
        }
        Some(Err(Outcome::Failed(e))) => {
            if let ClientError::Api(api_error) = &e {
                errors.set(fields_of(api_error));
            }
            top_error.set(Some(e.message()));
        }
        Some(Err(Outcome::NotSubmitted(_, e))) => {
            // The draft is saved: nothing typed is left to keep.
            kept.forget();
            top_error.set(Some(format!(
                "Đã lưu dự thảo nhưng chưa trình được: {}",
                e.message()
            )));
        }
        None => {}
    });
    let saved_id = move || match save.value().get() {
        Some(Err(Outcome::NotSubmitted(id, _))) => Some(id),
        _ => None,
    };
    let send = move |submit: bool| {
        top_error.set(None);
        match form.build(drafter) {
            Ok(request) => {
                errors.set(Errors::new());
                save.dispatch((request, submit));
            }
            Err(e) => {
                top_error.set(Some(
                    "Văn bản chưa đủ hoặc chưa đúng; xem các ô được đánh dấu.".into(),
                ));
                errors.set(e);
            }
        }
    };
    let busy = move || {
        save.pending().get()
            || form
                .main
                .with(|m| m.is_some_and(|p| !p.state.with(is_settled)))
            || form
                .attachments
                .with(|a| a.iter().any(|p| !p.state.with(is_settled)))
    };
    // After "Lưu dự thảo" failed to submit, the draft exists: creating it again would duplicate it.
    let locked = move || saved_id().is_some();
    let excluded = Signal::derive(move || {
        let mut v = vec![drafter];
        if let Ok(id) = form.signer.get().parse() {
            v.push(id);
        }
        v
    });

    view! {
        <form class="form draft-form" data-testid="draft-form" on:submit=move |ev| ev.prevent_default()>
            <RestoredNotice
                kept
                text="Đã khôi phục nội dung đang soạn dở; các tệp cần chọn lại."
                testid="draft"
                on_start_over=Callback::new(move |()| {
                    form.main.set(None);
                    form.attachments.set(Vec::new());
                })
            />
            {answers.map(|delivery| view! { <AnswersNotice delivery /> })}
            {answers_incoming.map(|id| view! { <AnswersIncomingNotice id /> })}
            <fieldset class="form-section">
                <legend>"Tệp văn bản"</legend>
                <FilePickers main=form.main attachments=form.attachments errors main_label="Văn bản chính (PDF)" />
                <placement::NumberPlacementPicker main=form.main boxes=form.boxes />
            </fieldset>
            <fieldset class="form-section">
                <legend>"Thông tin văn bản"</legend>
                <div class="field-row">
                    <Field label="Loại văn bản" id="doc_type" error=err("doc_type")>
                        <select id="doc_type" data-testid="doc-type" prop:value=move || form.doc_type.get()
                            on:change=move |ev| form.doc_type.set(event_target_value(&ev))>
                            {DocumentType::ALL
                                .iter()
                                .map(|t| view! { <option value=t.code()>{t.name()}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field label="Độ khẩn" id="urgency" error=err("urgency")>
                        <select id="urgency" data-testid="urgency" prop:value=move || form.urgency.get()
                            on:change=move |ev| form.urgency.set(event_target_value(&ev))>
                            {Urgency::ALL
                                .iter()
                                .map(|u| view! { <option value=format!("{u:?}")>{u.label()}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field label="Hạn trả lời" id="reply_deadline" error=err("reply_deadline")>
                        <input id="reply_deadline" type="date" data-testid="reply-deadline"
                            prop:value=move || form.deadline.get()
                            on:input=move |ev| form.deadline.set(event_target_value(&ev)) />
                    </Field>
                </div>
                <Field label="Trích yếu" id="subject" error=err("subject") required=true>
                    <textarea id="subject" rows="3" maxlength="500" data-testid="subject"
                        placeholder="Về việc …"
                        prop:value=move || form.subject.get()
                        on:input=move |ev| form.subject.set(event_target_value(&ev))></textarea>
                    <span class="hint">{move || format!("{}/500 ký tự", form.subject.with(|s| s.chars().count()))}</span>
                </Field>
                <div class="field-row">
                    <Field label="Người ký" id="signer_id" error=err("signer_id") required=true>
                        <select id="signer_id" data-testid="signer" prop:value=move || form.signer.get()
                            on:change=move |ev| form.signer.set(event_target_value(&ev))>
                            <option value="">"— Chọn người ký —"</option>
                            {signers
                                .iter()
                                .map(|u| view! { <option value=u.id.to_string()>{person_label(u)}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field label="Thẩm quyền ký" id="signing_capacity" error=err("signing_capacity")>
                        <select id="signing_capacity" data-testid="signing-capacity" prop:value=move || form.capacity.get()
                            on:change=move |ev| form.capacity.set(event_target_value(&ev))>
                            {SigningCapacity::ALL
                                .iter()
                                .map(|c| view! { <option value=c.code()>{c.label()}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                    <Field label="Sổ văn bản đi" id="register_id" error=err("register_id") required=true>
                        <select id="register_id" data-testid="register" prop:value=move || form.register.get()
                            on:change=move |ev| form.register.set(event_target_value(&ev))>
                            {registers
                                .iter()
                                .map(|r| view! { <option value=r.id.to_string()>{r.name.clone()}</option> })
                                .collect_view()}
                        </select>
                    </Field>
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>"Nơi nhận"</legend>
                <Field label="Cơ quan trên hệ thống" id="internal_recipients" error=err("internal_recipients")>
                    <AgencyPicker agencies chosen=form.internal />
                </Field>
                <Field label="Cơ quan ngoài hệ thống (qua trục liên thông)" id="external_recipients" error=err("external_recipients")>
                    <ExternalRows rows=form.external />
                </Field>
                <Field label="Gửi bản giấy (mỗi dòng một nơi nhận)" id="paper_recipients" error=err("paper_recipients")>
                    <textarea id="paper_recipients" rows="3" data-testid="paper-recipients"
                        prop:value=move || form.paper.get()
                        on:input=move |ev| form.paper.set(event_target_value(&ev))></textarea>
                </Field>
            </fieldset>
            <fieldset class="form-section">
                <legend>"Trình duyệt"</legend>
                <Field label="Người duyệt, theo thứ tự (có thể bỏ trống)" id="reviewers" error=err("reviewers")>
                    <ReviewerPicker people=people.clone() chosen=form.reviewers excluded />
                </Field>
            </fieldset>
            {move || top_error.get().map(|m| view! {
                <div class="alert alert-error" role="alert" data-testid="draft-error">
                    <p>{m}</p>
                    {saved_id().map(|id| view! {
                        <a href=format!("/van-ban-di/{id}") class="btn btn-secondary" data-testid="open-saved-draft">"Mở dự thảo đã lưu"</a>
                    })}
                </div>
            })}
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" data-testid="save-draft"
                    prop:disabled=move || busy() || locked() on:click=move |_| send(false)>
                    {move || if save.pending().get() { "Đang lưu…" } else { "Lưu dự thảo" }}
                </button>
                <button type="button" class="btn btn-primary" data-testid="save-and-submit"
                    prop:disabled=move || busy() || locked() on:click=move |_| send(true)>
                    "Lưu và trình"
                </button>
            </div>
        </form>
    }
}

fn is_settled(s: &FileState) -> bool {
    matches!(s, FileState::Done(_) | FileState::Failed(_))
}

/// "This draft answers …": the received document, named by its number and sender when this user can list the
/// agency's arrivals.
#[component]
fn AnswersNotice(delivery: i64) -> impl IntoView {
    let arrival = LocalResource::new(move || async move {
        api::arrivals()
            .await
            .ok()
            .and_then(|l| l.items.into_iter().find(|a| a.delivery_id == delivery))
    });
    view! {
        <p class="alert alert-info" data-testid="answers-notice">
            {move || match arrival.get().flatten() {
                Some(a) => format!(
                    "Văn bản trả lời cho văn bản số {} của {}: {}",
                    a.number_text, a.sender_agency, a.subject
                ),
                None => "Văn bản trả lời cho một văn bản đến của cơ quan.".to_string(),
            }}
        </p>
    }
}

/// "This draft answers incoming document …": its số đến, sender and trích yếu, with a link back to it.
#[component]
fn AnswersIncomingNotice(id: i64) -> impl IntoView {
    let doc = LocalResource::new(move || async move { api::incoming(id).await.ok() });
    view! {
        <p class="alert alert-info" data-testid="answers-notice">
            {move || match doc.get().flatten() {
                Some(d) => format!(
                    "Văn bản trả lời văn bản đến{} số {} của {}: {}",
                    d.arrival_number.map(|n| format!(" (số đến {n})")).unwrap_or_default(),
                    d.code_text,
                    d.sender_name,
                    d.subject
                ),
                None => "Văn bản trả lời một văn bản đến của cơ quan.".to_string(),
            }}
            " "
            <a href=format!("/van-ban-den/{id}") data-testid="answers-incoming-link">"Xem văn bản đến"</a>
        </p>
    }
}
