//! An opened record file: its documents in order (mục lục văn bản), moved up or down and removed while the
//! file is open, closing it, and the hand-over: the archive package downloads as a plain link (streamed to
//! disk), and the catalogue is asked again shortly after so it shows the file as handed over.

use leptos::prelude::*;
use shared::record_file::{
    DocumentKind, RecordFileAction, RecordFileDetailResponse, RecordFileDocumentDto,
    RecordFileState,
};

use crate::api::{ClientError, record_files as api};
use crate::components::list_parts::{error_panel, loading};

/// A change to the file the detail makes.
#[derive(Clone)]
enum Change {
    Move(DocumentKind, i64, i64),
    Remove(DocumentKind, i64),
    Close,
}

#[component]
pub(super) fn FileDetail(id: i64, refresh: Callback<()>) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        version.track();
        api::detail(id)
    });
    let error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let change = Action::new_local(move |c: &Change| {
        let c = c.clone();
        async move {
            match c {
                Change::Move(kind, doc, to) => api::file_document(id, kind, doc, Some(to)).await,
                Change::Remove(kind, doc) => api::unfile_document(id, kind, doc).await,
                Change::Close => api::close(id).await,
            }
        }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            confirming.set(false);
            version.update(|v| *v += 1);
            refresh.run(());
        }
        Some(Err(e)) => error.set(Some(e.message())),
        None => {}
    });
    let busy = move || change.pending().get();

    let view_of = move |d: RecordFileDetailResponse| {
        let actions = d.file.actions.clone();
        let arrange = actions.contains(&RecordFileAction::Arrange);
        let may_close = actions.contains(&RecordFileAction::Close);
        let hand_over = actions.contains(&RecordFileAction::HandOver);
        let state = d.file.state;
        let count = d.documents.len() as i64;
        let hidden = d.hidden_documents;
        let due = d.file.handover_due;
        let docs = d
            .documents
            .into_iter()
            .map(|doc| document_line(doc, count, arrange, change, busy))
            .collect_view();
        view! {
            <div class="rf-detail" data-testid="record-file-detail">
                {if count == 0 {
                    view! { <p class="empty" data-testid="record-file-no-documents">"Hồ sơ chưa có văn bản. Mở một văn bản đi đã phát hành hoặc văn bản đến đã vào sổ và chọn “Đưa vào hồ sơ”."</p> }.into_any()
                } else {
                    view! { <ol class="rf-docs" data-testid="record-file-documents">{docs}</ol> }.into_any()
                }}
                {(hidden > 0).then(|| view! { <p class="cell-sub">{format!("Còn {hidden} văn bản bạn không có quyền xem.")}</p> })}
                {match (state, due) {
                    (RecordFileState::Closed, Some(d)) => Some(view! { <p class="cell-sub" data-testid="record-file-due-on">{format!("Hạn nộp lưu: {}", d.display())}</p> }.into_any()),
                    (RecordFileState::HandedOver, _) => Some(view! { <p class="cell-sub" data-testid="record-file-handed-over">"Đã nộp lưu vào lưu trữ cơ quan; hồ sơ chỉ còn đọc."</p> }.into_any()),
                    _ => None,
                }}
                {move || error.get().map(|m| view! { <div class="alert alert-error" role="alert" data-testid="record-file-detail-error">{m}</div> })}
                <div class="rf-actions">
                    {may_close.then(|| view! {
                        <Show when=move || confirming.get() fallback=move || view! {
                            <button type="button" class="btn btn-secondary" data-testid="record-file-close" on:click=move |_| confirming.set(true)>"Đóng hồ sơ"</button>
                        }>
                            <div class="confirm-inline" role="group" data-testid="record-file-close-confirm">
                                <span>"Đóng hồ sơ? Sau khi đóng không thêm, bớt hay sắp xếp văn bản được nữa."</span>
                                <div class="row-actions">
                                    <button type="button" class="btn btn-small btn-ghost" on:click=move |_| confirming.set(false)>"Không"</button>
                                    <button type="button" class="btn btn-small btn-primary" data-testid="record-file-close-yes"
                                        prop:disabled=busy on:click=move |_| { change.dispatch(Change::Close); }>"Đóng hồ sơ"</button>
                                </div>
                            </div>
                        </Show>
                    })}
                    {hand_over.then(|| {
                        let label = if state == RecordFileState::HandedOver { "Tải lại gói nộp lưu" } else { "Nộp lưu (tải gói hồ sơ)" };
                        view! {
                            <a class="btn btn-primary" data-testid="record-file-package" href=api::package_url(id) download
                                on:click=move |_| {
                                    // The download records the hand-over on the server; show it once it has.
                                    set_timeout(move || { version.update(|v| *v += 1); refresh.run(()); }, std::time::Duration::from_millis(1500));
                                }>
                                {label}
                            </a>
                        }
                    })}
                </div>
            </div>
        }
        .into_any()
    };
    move || match detail.get() {
        None => loading(),
        Some(Err(e)) => error_panel(e.message(), move || detail.refetch()),
        Some(Ok(d)) => view_of(d),
    }
}

fn document_line(
    doc: RecordFileDocumentDto,
    count: i64,
    arrange: bool,
    change: Action<Change, Result<shared::record_file::RecordFileDto, ClientError>>,
    busy: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (kind, id, position) = (doc.kind, doc.id, doc.position);
    let href = match kind {
        DocumentKind::Outgoing => format!("/van-ban-di/{id}"),
        DocumentKind::Incoming => format!("/van-ban-den/{id}"),
    };
    let kind_label = match kind {
        DocumentKind::Outgoing => "Văn bản đi",
        DocumentKind::Incoming => "Văn bản đến",
    };
    view! {
        <li class="rf-doc" data-testid="record-file-document" data-kind=kind.code() data-id=id data-position=position>
            <span class="rf-pos" aria-hidden="true">{position}</span>
            <div class="rf-doc-body">
                <a class="doc-link" href=href data-testid="record-file-document-link">
                    <strong>{doc.number_text.clone().unwrap_or_else(|| "(không số)".into())}</strong>
                    " "
                    <span>{doc.subject.clone()}</span>
                </a>
                <span class="cell-sub">
                    {format!(
                        "{kind_label} · {} · {} · {}",
                        doc.type_name,
                        doc.date.map(|d| d.display()).unwrap_or_default(),
                        doc.organ_name
                    )}
                </span>
            </div>
            {arrange.then(|| view! {
                <div class="rf-doc-actions">
                    <button type="button" class="icon-button" data-testid="record-file-document-up" aria-label="Chuyển lên"
                        prop:disabled=move || { busy() || position <= 1 }
                        on:click=move |_| { change.dispatch(Change::Move(kind, id, position - 1)); }>"↑"</button>
                    <button type="button" class="icon-button" data-testid="record-file-document-down" aria-label="Chuyển xuống"
                        prop:disabled=move || { busy() || position >= count }
                        on:click=move |_| { change.dispatch(Change::Move(kind, id, position + 1)); }>"↓"</button>
                    <button type="button" class="btn btn-small btn-danger-outline" data-testid="record-file-document-remove"
                        prop:disabled=busy on:click=move |_| { change.dispatch(Change::Remove(kind, id)); }>"Rút"</button>
                </div>
            })}
        </li>
    }
}
