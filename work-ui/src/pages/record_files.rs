//! `/ho-so`: the agency's record files (hồ sơ, Điều 14): the catalogue of a year (danh mục hồ sơ) with each
//! file's code, title, retention period, creator, dates and state; the reminder of closed files due for
//! hand-over; a form to open a file; a file opened to see its documents in order, arrange them, close it and
//! hand it over (the archive package downloads; its first download records the hand-over).
//! `file_into` is the "Đưa vào hồ sơ" action of the document pages.

mod detail;
pub mod file_into;
mod form;

use leptos::prelude::*;
use shared::civil_date::CivilDate;
use shared::record_file::{RecordFileDto, RecordFileState, retention_label};
use shared::time::Timestamp;

use crate::api::record_files as api;
use crate::components::list_parts::{error_panel, loading};
use detail::FileDetail;
use form::NewFileForm;

fn this_year() -> i32 {
    CivilDate::of(Timestamp(js_sys::Date::now() as i64)).year
}

/// The CSS class and label of a file's state.
pub(crate) fn state_chip(state: RecordFileState) -> (&'static str, &'static str) {
    let class = match state {
        RecordFileState::Open => "status status-active",
        RecordFileState::Closed => "status status-pending",
        RecordFileState::HandedOver => "status status-locked",
    };
    (class, state.label())
}

#[component]
pub fn RecordFilesPage() -> impl IntoView {
    let year = RwSignal::new(this_year());
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        api::list(Some(year.get()), None)
    });
    let open_id = RwSignal::new(None::<i64>);
    let form_open = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let refresh = Callback::new(move |()| version.update(|v| *v += 1));
    let on_created = Callback::new(move |f: RecordFileDto| {
        form_open.set(false);
        notice.set(Some(format!("Đã lập hồ sơ {}.", f.code)));
        year.set(f.year);
        open_id.set(Some(f.id));
        version.update(|v| *v += 1);
    });

    let year_nav = move || {
        view! {
            <div class="rf-year" role="group" aria-label="Năm hình thành hồ sơ">
                <button type="button" class="btn btn-ghost rf-year-step" data-testid="record-files-prev-year"
                    aria-label="Năm trước" on:click=move |_| { open_id.set(None); year.update(|y| *y -= 1) }>"‹"</button>
                <span class="rf-year-value" data-testid="record-files-year">{move || format!("Năm {}", year.get())}</span>
                <button type="button" class="btn btn-ghost rf-year-step" data-testid="record-files-next-year"
                    aria-label="Năm sau" on:click=move |_| { open_id.set(None); year.update(|y| *y += 1) }>"›"</button>
            </div>
        }
    };

    let body = move || match list.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || list.refetch()),
        Some(Ok(l)) => {
            let due = l.due_for_handover;
            let may_create = l.may_create;
            let items = l.items;
            view! {
                {(due > 0)
                    .then(|| {
                        view! {
                            <div class="alert alert-warning" role="status" data-testid="record-files-due">
                                {format!(
                                    "Có {due} hồ sơ đã đóng quá một năm, đến hạn nộp lưu vào lưu trữ cơ quan (Điều 14)."
                                )}
                            </div>
                        }
                    })}
                {may_create
                    .then(|| {
                        view! {
                            <div class="toolbar">
                                <button type="button" class="btn btn-primary" data-testid="record-file-new"
                                    aria-expanded=move || form_open.get().to_string()
                                    on:click=move |_| { notice.set(None); form_open.update(|o| *o = !*o) }>
                                    "+ Lập hồ sơ"
                                </button>
                            </div>
                        }
                    })}
                <Show when=move || form_open.get()>
                    <NewFileForm year=year.get_untracked() on_created on_cancel=Callback::new(move |()| form_open.set(false)) />
                </Show>
                {if items.is_empty() {
                    view! { <p class="empty" data-testid="record-files-empty">"Chưa có hồ sơ nào trong năm này."</p> }.into_any()
                } else {
                    view! {
                        <ul class="rf-list" data-testid="record-file-list">
                            {items
                                .into_iter()
                                .map(|f| view! { <FileCard f open_id refresh /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            }
                .into_any()
        }
    };

    view! {
        <section class="page work-page record-files-page" data-testid="record-files-page">
            <header class="page-header">
                <h1>"Hồ sơ"</h1>
                <p class="muted">
                    "Danh mục hồ sơ của cơ quan theo năm. Văn bản đã phát hành hoặc đã vào sổ được đưa vào hồ sơ; hồ sơ đã đóng được nộp lưu vào lưu trữ cơ quan trong vòng một năm."
                </p>
            </header>
            {year_nav}
            {move || notice.get().map(|m| view! { <div class="alert alert-info" role="status" data-testid="record-file-notice">{m}</div> })}
            {body}
        </section>
    }
}

/// One line of the catalogue; opened, the file's documents and actions below it.
#[component]
fn FileCard(
    f: RecordFileDto,
    open_id: RwSignal<Option<i64>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let id = f.id;
    let (class, label) = state_chip(f.state);
    let is_open = move || open_id.get() == Some(id);
    let dates = match (f.start_date, f.end_date) {
        (Some(a), Some(b)) if a == b => a.display(),
        (Some(a), Some(b)) => format!("{} – {}", a.display(), b.display()),
        _ => "Chưa có văn bản".into(),
    };
    view! {
        <li class="rf-card" class:rf-card-open=is_open data-testid="record-file" data-id=id data-code=f.code.clone()
            data-state=f.state.code()>
            <button type="button" class="rf-head" data-testid="record-file-open" aria-expanded=move || is_open().to_string()
                on:click=move |_| open_id.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>
                <span class="rf-code" data-testid="record-file-code">{f.code.clone()}</span>
                <span class="rf-title">{f.title.clone()}</span>
                <span class="rf-meta">
                    <span class=class data-testid="record-file-state">{label}</span>
                    {f.overdue_for_handover.then(|| view! { <span class="chip rf-due" data-testid="record-file-overdue">"Đến hạn nộp lưu"</span> })}
                    <span class="chip">{format!("{} văn bản", f.document_count)}</span>
                    <span class="chip">{format!("Bảo quản: {}", retention_label(f.retention_years))}</span>
                </span>
                <span class="cell-sub">{format!("Người lập: {} · {dates}", f.creator.full_name)}</span>
            </button>
            <Show when=is_open>
                <FileDetail id refresh />
            </Show>
        </li>
    }
}
