//! "Đưa vào hồ sơ" on the outgoing and incoming document pages: choose one of the agency's open files the
//! person may add to, and the document goes at its end (one document may go into several files).

use leptos::prelude::*;
use shared::record_file::{DocumentKind, RecordFileAction};

use crate::api::record_files as api;

/// Shown to people of `agency_id` (the document's own agency) who file documents; nothing for anyone else.
#[component]
pub fn FileIntoRecord(kind: DocumentKind, id: i64, agency_id: i64) -> impl IntoView {
    let me = LocalResource::new(crate::api::session);
    let mine = move || {
        me.get().and_then(Result::ok).is_some_and(|s| {
            use shared::role::Role;
            s.user.agency.id == agency_id
                && [
                    Role::Clerk,
                    Role::AgencyLeader,
                    Role::UnitLeader,
                    Role::Official,
                ]
                .iter()
                .any(|r| s.user.has_role(*r))
        })
    };
    view! { <Show when=mine>{move || view! { <FilePicker kind id /> }}</Show> }
}

#[component]
fn FilePicker(kind: DocumentKind, id: i64) -> impl IntoView {
    let open = RwSignal::new(false);
    let files = LocalResource::new(move || async move {
        if open.get() {
            Some(api::list(None, Some("open")).await)
        } else {
            None
        }
    });
    let chosen = RwSignal::new(None::<i64>);
    let message = RwSignal::new(None::<(bool, String)>);
    let add = Action::new_local(move |file: &i64| {
        let file = *file;
        async move { api::file_document(file, kind, id, None).await }
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(f)) => {
            message.set(Some((
                true,
                format!("Đã đưa vào hồ sơ {} «{}».", f.code, f.title),
            )));
            open.set(false);
        }
        Some(Err(e)) => message.set(Some((false, e.message()))),
        None => {}
    });
    let picker = move || {
        files.get().flatten().map(|r| match r {
            Err(e) => view! { <p class="field-error">{e.message()}</p> }.into_any(),
            Ok(l) => {
                let usable: Vec<_> = l
                    .items
                    .into_iter()
                    .filter(|f| f.actions.contains(&RecordFileAction::Add))
                    .collect();
                if usable.is_empty() {
                    return view! {
                        <p class="cell-sub" data-testid="file-into-none">
                            "Chưa có hồ sơ nào đang mở. Lập hồ sơ ở trang "
                            <a href="/ho-so">"Hồ sơ"</a>
                            "."
                        </p>
                    }
                    .into_any();
                }
                if chosen.get_untracked().is_none() {
                    chosen.set(usable.first().map(|f| f.id));
                }
                view! {
                    <div class="field-row rf-into">
                        <div class="field field-grow">
                            <label for=format!("file-into-{id}")>"Hồ sơ"</label>
                            <select id=format!("file-into-{id}") data-testid="file-into-select"
                                prop:value=move || chosen.get().map(|i| i.to_string()).unwrap_or_default()
                                on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                                {usable.into_iter().map(|f| view! {
                                    <option value=f.id.to_string()>{format!("{} — {}", f.code, f.title)}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="button" class="btn btn-primary" data-testid="file-into-submit"
                            prop:disabled=move || add.pending().get() || chosen.get().is_none()
                            on:click=move |_| { if let Some(f) = chosen.get_untracked() { add.dispatch(f); } }>
                            "Đưa vào"
                        </button>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <div class="rf-file-into" data-testid="file-into">
            <button type="button" class="btn btn-secondary" data-testid="file-into-open"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| { message.set(None); open.update(|o| *o = !*o) }>
                "Đưa vào hồ sơ"
            </button>
            <Show when=move || open.get()>{picker}</Show>
            {move || message.get().map(|(ok, m)| {
                let class = if ok { "alert alert-ok" } else { "alert alert-error" };
                view! { <div class=class role="status" data-testid="file-into-message">{m}</div> }
            })}
        </div>
    }
}
