//! "Sửa thông tin": the drafter corrects a draft's or a returned document's metadata before (re)submitting it
//! (`PUT /api/outgoing/{id}`): trích yếu, type, urgency, deadline, signer, signing capacity, the recipient
//! agencies on the system and the reviewers (with the drafting form's pickers); recipients outside the system
//! and paper recipients go back as they are. The shared `EditDraftRequest::validate` checks first, the
//! server again; each change lands in the history beside the reviewer's comment.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::civil_date::CivilDate;
use shared::document::{DocumentType, Urgency};
use shared::outgoing::{
    DeliveryChannel, EditDraftRequest, ExternalRecipient, OutgoingDto, SigningCapacity,
};

use crate::api;

/// The request for `doc` as it is now, with the typed fields put in.
#[allow(clippy::too_many_arguments)] // one per field of the form
fn request(
    doc: &OutgoingDto,
    subject: &str,
    doc_type: &str,
    urgency: usize,
    deadline: &str,
    signer: i64,
    capacity: &str,
    recipients: Vec<i64>,
    reviewers: Vec<i64>,
) -> Result<EditDraftRequest, String> {
    let subject = subject
        .trim()
        .try_into()
        .map_err(|e: shared::text::TextError| format!("Trích yếu: {e}"))?;
    let reply_deadline = match deadline.trim() {
        "" => None,
        d => Some(CivilDate::parse(d).map_err(|_| "Hạn trả lời không hợp lệ.".to_string())?),
    };
    let internal = recipients;
    let mut external = Vec::new();
    let mut paper = Vec::new();
    for d in &doc.deliveries {
        match d.channel {
            DeliveryChannel::Internal => {}
            DeliveryChannel::External => {
                let code = d.recipient_code.as_deref().unwrap_or_default();
                if let (Ok(code), Ok(name)) = (
                    shared::agency::AgencyCode::parse(code),
                    d.recipient_name.as_str().try_into(),
                ) {
                    external.push(ExternalRecipient { code, name });
                }
            }
            DeliveryChannel::Paper => {
                if let Ok(name) = d.recipient_name.as_str().try_into() {
                    paper.push(name);
                }
            }
        }
    }
    Ok(EditDraftRequest {
        doc_type: DocumentType::from_code(doc_type).unwrap_or(doc.doc_type),
        subject,
        urgency: Urgency::ALL.get(urgency).copied().unwrap_or(doc.urgency),
        reply_deadline,
        signer_id: signer,
        signing_capacity: SigningCapacity::from_code(capacity).unwrap_or(doc.signing_capacity),
        internal_recipients: internal,
        external_recipients: external,
        paper_recipients: paper,
        confidentiality: None,
        reviewers,
    })
}

/// The drafter's form, folded until opened.
#[component]
pub fn EditAction(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let subject = RwSignal::new(doc.subject.clone());
    let doc_type = RwSignal::new(doc.doc_type.code().to_string());
    let urgency = RwSignal::new(
        Urgency::ALL
            .iter()
            .position(|u| *u == doc.urgency)
            .unwrap_or(0),
    );
    let deadline = RwSignal::new(
        doc.reply_deadline
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let signer = RwSignal::new(doc.signer.id);
    let recipients = RwSignal::new(
        doc.deliveries
            .iter()
            .filter(|d| d.channel == DeliveryChannel::Internal)
            .filter_map(|d| d.recipient_agency_id)
            .collect::<Vec<i64>>(),
    );
    let reviewers = RwSignal::new(
        doc.steps
            .iter()
            .map(|s| s.reviewer.id)
            .collect::<Vec<i64>>(),
    );
    let drafter_id = doc.drafter.id;
    let excluded = Signal::derive(move || vec![drafter_id, signer.get()]);
    // The agencies and the people the pickers offer: reviewers are leaders of my unit or agency (who_may).
    let choices = LocalResource::new(move || async move {
        let me = api::session().await.ok()?.user;
        let agencies = api::agencies().await.ok()?;
        let pool: Vec<shared::user::UserDto> = api::colleagues()
            .await
            .ok()?
            .users
            .into_iter()
            .filter(|u| shared::who_may::may_review(u.into(), (&me).into()))
            .collect();
        Some((agencies, pool))
    });
    let capacity = RwSignal::new(doc.signing_capacity.code().to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let signers = LocalResource::new(move || async move {
        let me = api::session().await.ok()?.user;
        let people = api::colleagues().await.ok()?.users;
        Some(
            people
                .into_iter()
                .filter(|u| shared::who_may::may_sign(u.into(), me.agency.id))
                .map(|u| (u.id, u.full_name))
                .collect::<Vec<_>>(),
        )
    });
    let current_signer = (doc.signer.id, doc.signer.full_name.clone());
    let id = doc.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = request(
            &doc,
            &subject.get_untracked(),
            &doc_type.get_untracked(),
            urgency.get_untracked(),
            &deadline.get_untracked(),
            signer.get_untracked(),
            &capacity.get_untracked(),
            recipients.get_untracked(),
            reviewers.get_untracked(),
        )
        .and_then(|r| r.validate(doc.drafter.id).map(|_| r).map_err(|e| e.message));
        let req = match req {
            Ok(r) => r,
            Err(m) => {
                error.set(Some(m));
                return;
            }
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::edit_outgoing(id, &req).await;
            busy.set(false);
            match result {
                Ok(d) => on_done.run(d),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <details class="task">
            <summary data-testid="action-edit">"Sửa thông tin dự thảo"</summary>
            <form class="form edit-draft" on:submit=save>
                <div class="field">
                <label for="edit-subject">"Trích yếu"</label>
                <textarea id="edit-subject" rows="3" data-testid="edit-subject"
                    prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                <label for="edit-type">"Loại văn bản"</label>
                <select id="edit-type" data-testid="edit-type"
                    on:change=move |ev| doc_type.set(event_target_value(&ev))>
                    {DocumentType::ALL.iter().map(|t| view! {
                        <option value=t.code() selected=move || doc_type.get() == t.code()>{t.name()}</option>
                    }).collect_view()}
                </select>
                </div>
                <div class="field">
                <label for="edit-urgency">"Độ khẩn"</label>
                <select id="edit-urgency" data-testid="edit-urgency"
                    on:change=move |ev| urgency.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {Urgency::ALL.iter().enumerate().map(|(i, u)| view! {
                        <option value=i.to_string() selected=move || urgency.get() == i>{u.label()}</option>
                    }).collect_view()}
                </select>
                </div>
                <div class="field">
                <label for="edit-deadline">"Hạn trả lời"</label>
                <input id="edit-deadline" type="date" data-testid="edit-deadline"
                    prop:value=move || deadline.get()
                    on:input=move |ev| deadline.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                <label for="edit-signer">"Người ký"</label>
                <select id="edit-signer" data-testid="edit-signer"
                    on:change=move |ev| signer.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {move || {
                        let mut list = signers.get().flatten().unwrap_or_default();
                        if !list.iter().any(|(i, _)| *i == current_signer.0) {
                            list.insert(0, current_signer.clone());
                        }
                        list.into_iter().map(|(i, name)| view! {
                            <option value=i.to_string() selected=move || signer.get() == i>{name}</option>
                        }).collect_view()
                    }}
                </select>
                </div>
                <div class="field">
                <label for="edit-capacity">"Thẩm quyền ký"</label>
                <select id="edit-capacity" data-testid="edit-capacity"
                    on:change=move |ev| capacity.set(event_target_value(&ev))>
                    {SigningCapacity::ALL.iter().map(|c| view! {
                        <option value=c.code() selected=move || capacity.get() == c.code()>{c.label()}</option>
                    }).collect_view()}
                </select>
                </div>
                {move || choices.get().flatten().map(|(agencies, pool)| view! {
                    <div class="field" data-testid="edit-recipients">
                        <label>"Nơi nhận trên hệ thống"</label>
                        <crate::pages::new_draft::pickers::AgencyPicker agencies chosen=recipients />
                    </div>
                    <div class="field" data-testid="edit-reviewers">
                        <label>"Người duyệt, theo thứ tự"</label>
                        <crate::pages::new_draft::pickers::ReviewerPicker people=pool chosen=reviewers excluded />
                    </div>
                })}
                {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="edit-error">{e}</div> })}
                <button type="submit" class="btn btn-primary btn-block" data-testid="edit-save"
                    disabled=move || busy.get()>"Lưu thay đổi"</button>
            </form>
        </details>
    }
}
