//! Choosing one of the keys kept in this browser, or being told there is none and where to import one.

use leptos::prelude::*;
use shared::worker_protocol::KeySummary;

/// The keys of this browser that have a certificate, and the chosen one.
#[component]
pub fn KeyPicker(
    keys: RwSignal<Vec<KeySummary>>,
    key_id: RwSignal<String>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    let label = StoredValue::new(label);
    let usable = move || keys.with(|k| k.iter().any(|k| k.has_certificate));
    move || {
        usable().then(|| {
            view! {
                <div class="field">
                    <label for=testid>{label.get_value()}</label>
                    <select id=testid data-testid=testid on:change=move |ev| key_id.set(event_target_value(&ev))>
                        {keys
                            .get()
                            .into_iter()
                            .filter(|k| k.has_certificate)
                            .map(|k| {
                                let selected = k.id == key_id.get_untracked();
                                let text = match &k.organization {
                                    Some(o) if *o != k.label => format!("{} — {o}", k.label),
                                    _ => k.label.clone(),
                                };
                                view! { <option value=k.id.clone() selected=selected>{text}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// "No key here": where to import one.
#[component]
pub fn NoKeyNotice(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="alert alert-warning" data-testid="no-key">
            {format!("Trình duyệt này chưa có {what}. ")}
            <a href="/ky-so" data-testid="import-key-link">"Nhập khóa ký số (tệp .p12) tại trang Chữ ký số"</a>
            ", rồi quay lại văn bản này."
        </div>
    }
}
