//! `/van-ban-di/moi`: a new draft (Điều 11.1): the main PDF and its attachments (dropped or picked, hashed
//! and uploaded with progress), then the metadata of NĐ 30 Phụ lục VI. The same `DraftRequest::validate`
//! the server runs checks the form first; the server's field errors show beside their fields. "Lưu dự thảo"
//! creates it, "Lưu và trình" creates and submits it; the form keeps what was typed on any error.

mod form;
pub(crate) mod pickers;
mod placement;

use leptos::prelude::*;
use shared::agency::AgencyDto;
use shared::document::{DocumentType, Urgency};
use shared::outgoing::{DraftRequest, RegisterDto, SigningCapacity};
use shared::user::UserDto;
use wasm_bindgen::JsCast;

use self::pickers::{AgencyPicker, ExternalRows, ReviewerPicker, person_label};
use crate::api::{self, ClientError};
use crate::components::form::{Errors, Field, KeptInTab, RestoredNotice, fields_of};
use crate::components::list_parts::{error_panel, loading};
use crate::upload::{FilePickers, FileState};
use form::Form;

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
    // Only people the server will accept (shared::who_may): leaders sign; leaders of my unit or agency review.
    let signers: Vec<UserDto> = people
        .iter()
        .filter(|u| shared::who_may::may_sign((*u).into(), me.agency.id))
        .cloned()
        .collect();
    let reviewer_pool: Vec<UserDto> = people
        .iter()
        .filter(|u| shared::who_may::may_review((*u).into(), (&me).into()))
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
    // A reply starts with the sender as recipient and "V/v trả lời …" as its trích yếu, unless this tab
    // kept what the official typed already.
    if let Some(id) = answers_incoming {
        leptos::task::spawn_local(async move {
            let Ok(d) = api::incoming(id).await else {
                return;
            };
            let (subject, to) = shared::incoming::reply_prefill(&d);
            if form.subject.get_untracked().trim().is_empty() {
                form.subject.set(subject);
            }
            let empty = form.internal.with_untracked(Vec::is_empty)
                && form.external.with_untracked(Vec::is_empty)
                && form.paper.get_untracked().trim().is_empty();
            if empty {
                match to {
                    shared::incoming::ReplyRecipient::Internal(a) => form.internal.set(vec![a]),
                    shared::incoming::ReplyRecipient::External { code, name } => {
                        form.external.set(vec![pickers::ExternalRow {
                            key: 2_000_000,
                            code: RwSignal::new(code),
                            name: RwSignal::new(name),
                        }])
                    }
                    shared::incoming::ReplyRecipient::Paper(name) => form.paper.set(name),
                }
            }
        });
    }
    // The same for a reply to a received document (`?tra-loi=`): its issuing agency is on this system.
    if let (Some(delivery), None) = (answers, answers_incoming) {
        leptos::task::spawn_local(async move {
            let Some(a) = api::arrivals()
                .await
                .ok()
                .and_then(|l| l.items.into_iter().find(|a| a.delivery_id == delivery))
            else {
                return;
            };
            if form.subject.get_untracked().trim().is_empty() {
                form.subject.set(shared::incoming::reply_subject(
                    a.doc_type,
                    &a.number_text,
                    &a.subject,
                ));
            }
            if let Ok(d) = api::outgoing(a.outgoing_id).await
                && form.internal.with_untracked(Vec::is_empty)
            {
                form.internal.set(vec![d.agency_id]);
            }
        });
    }
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
                    <ReviewerPicker people=reviewer_pool.clone() chosen=form.reviewers excluded />
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
