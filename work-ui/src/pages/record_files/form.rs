//! The form that opens a record file: title, year, retention period (vĩnh viễn or years) and the clerk's
//! optional mark; checked by the same `CreateRecordFileRequest::validate` the server runs.

use leptos::prelude::*;
use shared::record_file::{CreateRecordFileRequest, RecordFileDto, retention_label};

use crate::api::{ClientError, record_files as api};

/// The retention periods offered (0 = permanent); common terms of the agencies' retention tables.
const RETENTION: [i32; 10] = [0, 70, 50, 30, 20, 15, 10, 5, 3, 2];

#[component]
pub(super) fn NewFileForm(
    year: i32,
    on_created: Callback<RecordFileDto>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let year_text = RwSignal::new(year.to_string());
    let retention = RwSignal::new(10i32);
    let mark = RwSignal::new(String::new());
    let error = RwSignal::new(None::<(Option<String>, String)>);

    let create = Action::new_local(move |body: &CreateRecordFileRequest| {
        let body = body.clone();
        async move { api::create(&body).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(f)) => on_created.run(f),
        Some(Err(e)) => {
            let field = match &e {
                ClientError::Api(a) => a.fields.first().map(|f| f.field.clone()),
                _ => None,
            };
            error.set(Some((field, e.message())));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = match shared::record_file::FileTitle::try_from(title.get_untracked()) {
            Ok(t) => t,
            Err(_) => {
                error.set(Some((
                    Some("title".into()),
                    "Hãy nhập tiêu đề hồ sơ (tối đa 500 ký tự).".into(),
                )));
                return;
            }
        };
        let Ok(y) = year_text.get_untracked().trim().parse::<i32>() else {
            error.set(Some((
                Some("year".into()),
                "Năm phải là một số, vd. 2026.".into(),
            )));
            return;
        };
        let m = mark.get_untracked().trim().to_uppercase();
        let body = CreateRecordFileRequest {
            title: t,
            year: y,
            retention_years: retention.get_untracked(),
            notation: (!m.is_empty()).then_some(m),
        };
        if let Err((field, message)) = body.validate() {
            error.set(Some((Some(field.into()), message.into())));
            return;
        }
        error.set(None);
        create.dispatch(body);
    };
    let field_error = move |name: &'static str| {
        move || {
            error.get().and_then(|(f, m)| (f.as_deref() == Some(name)).then(|| {
                view! { <p class="field-error" data-testid=format!("error-{name}") aria-live="polite">{m}</p> }
            }))
        }
    };
    let general = move || {
        error.get().and_then(|(f, m)| {
            let known = matches!(f.as_deref(), Some("title" | "year" | "retention_years" | "notation"));
            (!known).then(|| view! { <div class="alert alert-error" role="alert" data-testid="record-file-error">{m}</div> })
        })
    };
    view! {
        <form class="form-section rf-form" data-testid="record-file-form" on:submit=submit novalidate>
            <h2>"Lập hồ sơ"</h2>
            {general}
            <div class="field">
                <label for="rf-title">"Tiêu đề hồ sơ"<span class="req" aria-hidden="true">" *"</span></label>
                <input id="rf-title" type="text" maxlength="500" data-testid="record-file-title"
                    placeholder="Hồ sơ về việc …"
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                {field_error("title")}
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="rf-year">"Năm"<span class="req" aria-hidden="true">" *"</span></label>
                    <input id="rf-year" type="number" inputmode="numeric" min="2000" max="9999" data-testid="record-file-year"
                        prop:value=move || year_text.get() on:input=move |ev| year_text.set(event_target_value(&ev)) />
                    {field_error("year")}
                </div>
                <div class="field">
                    <label for="rf-retention">"Thời hạn bảo quản"<span class="req" aria-hidden="true">" *"</span></label>
                    <select id="rf-retention" data-testid="record-file-retention"
                        prop:value=move || retention.get().to_string()
                        on:change=move |ev| retention.set(event_target_value(&ev).parse().unwrap_or(10))>
                        {RETENTION.iter().map(|y| view! { <option value=y.to_string()>{retention_label(*y)}</option> }).collect_view()}
                    </select>
                    {field_error("retention_years")}
                </div>
                <div class="field">
                    <label for="rf-mark">"Ký hiệu (không bắt buộc)"</label>
                    <input id="rf-mark" type="text" maxlength="16" autocapitalize="characters" data-testid="record-file-mark"
                        placeholder="vd. TCCB"
                        prop:value=move || mark.get() on:input=move |ev| mark.set(event_target_value(&ev)) />
                    {field_error("notation")}
                </div>
            </div>
            <p class="cell-sub">"Mã hồ sơ do hệ thống cấp: mã cơ quan.năm.số thứ tự (và ký hiệu nếu có)."</p>
            <div class="form-actions">
                <button type="button" class="btn btn-ghost" data-testid="record-file-cancel" on:click=move |_| on_cancel.run(())>"Hủy"</button>
                <button type="submit" class="btn btn-primary" data-testid="record-file-submit" prop:disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Đang lưu…" } else { "Lập hồ sơ" }}
                </button>
            </div>
        </form>
    }
}
