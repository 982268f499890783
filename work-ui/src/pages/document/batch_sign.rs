//! Ký hàng loạt: several documents signed in sequence with one key and one PIN, each at the NĐ 30 position of
//! its last page; one failure is reported for its document and does not stop the others.

use leptos::prelude::*;
use leptos::task::spawn_local;

use shared::client::ClientError;
use shared::worker_protocol::KeySummary;

use super::sign_task::{SignChoice, sign_document};
use crate::api;
use crate::components::{Busy, BusyBar, ImagePicker, KeyPicker, NoKeyNotice, set_busy};
use crate::signing::load_keys;

/// How one document of a batch ended.
#[derive(Clone, PartialEq)]
pub struct BatchOutcome {
    pub id: i64,
    pub title: String,
    pub result: Result<String, ClientError>,
}

/// Signs `ids` one after the other with one key and PIN, each at the NĐ 30 position of its last page. A failure
/// is reported for its document and the others go on; `report` hears each outcome as it comes.
pub async fn sign_batch(
    ids: &[i64],
    key_id: &str,
    pin: &str,
    image: Option<Vec<u8>>,
    busy: Busy,
    report: impl Fn(BatchOutcome),
) {
    let choice = SignChoice {
        key_id: key_id.to_string(),
        pin: pin.to_string(),
        image,
        placement: None,
        remote: None,
    };
    for (i, id) in ids.iter().enumerate() {
        set_busy(busy, &format!("Văn bản {}/{}…", i + 1, ids.len()));
        let (title, result) = match api::outgoing(*id).await {
            Err(e) => (format!("Văn bản #{id}"), Err(e)),
            Ok(doc) => {
                let title = doc.subject.clone();
                let result = if !doc.actions.iter().any(|a| a == "sign") {
                    Err(ClientError::from("Văn bản không (còn) chờ bạn ký."))
                } else {
                    sign_document(&doc, &choice, busy)
                        .await
                        .map(|_| "Đã ký.".to_string())
                };
                (title, result)
            }
        };
        report(BatchOutcome {
            id: *id,
            title,
            result,
        });
    }
    busy.set(None);
}

/// Ký hàng loạt: one key, one PIN, every document in `ids`; results per document.
#[component]
pub fn BatchSign(
    ids: Vec<i64>,
    /// Runs when the batch has ended (the list refetches).
    #[prop(optional)]
    on_finished: Option<Callback<()>>,
) -> impl IntoView {
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let key_id = RwSignal::new(String::new());
    let keys_loaded = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let image = RwSignal::new(None::<Vec<u8>>);
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let outcomes = RwSignal::new(Vec::<BatchOutcome>::new());
    let ids = StoredValue::new(ids);
    load_keys(keys, key_id, keys_loaded, error, |_| true);

    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if key_id.get_untracked().is_empty() || pin.get_untracked().is_empty() {
            error.set(Some("Chọn khóa và nhập mã PIN.".into()));
            return;
        }
        outcomes.set(Vec::new());
        let (key, code, img) = (
            key_id.get_untracked(),
            pin.get_untracked(),
            image.get_untracked(),
        );
        spawn_local(async move {
            sign_batch(&ids.get_value(), &key, &code, img, busy, |o| {
                outcomes.update(|list| list.push(o))
            })
            .await;
            pin.set(String::new());
            if let Some(f) = on_finished {
                f.run(());
            }
        });
    };
    view! {
        <form class="task batch-sign" data-testid="batch-sign" on:submit=run>
            <h3>{move || format!("Ký số {} văn bản", ids.with_value(Vec::len))}</h3>
            <p class="hint">"Mỗi văn bản được ký ở vị trí chữ ký theo Nghị định 30 trên trang cuối. Văn bản nào lỗi sẽ được báo riêng, các văn bản khác vẫn được ký."</p>
            {move || (keys_loaded.get() && !keys.get().iter().any(|k| k.has_certificate)).then(|| view! { <NoKeyNotice what="khóa ký số có chứng thư" /> })}
            <KeyPicker keys key_id label="Khóa ký số" testid="batch-key" />
            <ImagePicker key_id image label="Ảnh chữ ký (PNG, không bắt buộc)" testid="batch-image" />
            <div class="field">
                <label for="batch-pin">"Mã PIN của khóa"</label>
                <input id="batch-pin" type="password" inputmode="numeric" autocomplete="off" data-testid="batch-pin" bind:value=pin
                    on:focus=move |_| crate::worker::warm_signing() />
            </div>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            <button type="submit" class="btn btn-primary btn-block" data-testid="batch-sign-submit"
                disabled={move || busy.get().is_some() || key_id.get().is_empty()}>
                {move || if keys_loaded.get() { "Ký tất cả" } else { "Đang đọc khóa ký số…" }}
            </button>
            <ul class="batch-results" data-testid="batch-results">
                {move || outcomes.get().into_iter().map(|o| {
                    let ok = o.result.is_ok();
                    let text = match &o.result { Ok(t) => t.clone(), Err(e) => e.message() };
                    view! {
                        <li class=if ok { "batch-ok" } else { "batch-bad" } data-testid="batch-result" data-ok=ok.to_string()>
                            <a href=format!("/van-ban-di/{}", o.id)>{o.title.clone()}</a>
                            ": " {text}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </form>
    }
}
