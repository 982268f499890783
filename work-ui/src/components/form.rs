//! Pieces the work forms share: a labelled field with the server's message beside it, and the field errors of
//! an [`ApiError`](shared::ApiError) by field name.

use std::collections::HashMap;

use leptos::prelude::*;

/// Field name → message, as `ApiError.fields` names them.
pub type Errors = HashMap<String, String>;

/// The field errors of a refusal, the first message per field.
pub fn fields_of(e: &shared::ApiError) -> Errors {
    let mut out = Errors::new();
    for f in &e.fields {
        out.entry(f.field.clone()).or_insert(f.message.clone());
    }
    out
}

/// A labelled field with its error below.
#[component]
pub fn Field(
    label: &'static str,
    id: &'static str,
    error: impl Fn() -> Option<String> + Send + Sync + 'static,
    #[prop(optional)] required: bool,
    children: Children,
) -> impl IntoView {
    let error = Signal::derive(error);
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for=id>
                {label}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            {children()}
            {move || error.get().map(|m| view! {
                <p class="field-error" data-testid=format!("error-{id}") aria-live="polite">{m}</p>
            })}
        </div>
    }
}

/// A form's typed work kept in this tab's sessionStorage, so leaving the page or reloading loses nothing
/// (files are picked again). The form says what it holds as a JSON `snapshot` (read tracked) and can put a
/// snapshot back; what it held when it opened is "nothing typed" and is not kept.
#[derive(Clone, Copy)]
pub struct KeptInTab {
    key: StoredValue<String>,
    pristine: StoredValue<String>,
    restore: Callback<String>,
    /// The form opened with kept work put back (the notice shows while this holds).
    pub restored: RwSignal<bool>,
}

impl KeptInTab {
    /// Puts back what `key` kept, if anything, then keeps every change.
    pub fn new(
        key: String,
        snapshot: impl Fn() -> String + Send + Sync + 'static,
        restore: impl Fn(&str) + Send + Sync + 'static,
    ) -> Self {
        use crate::browser_storage::Storage;
        let pristine = untrack(&snapshot);
        let restored = RwSignal::new(false);
        if let Some(json) = Storage::Session.get(&key)
            && json != pristine
        {
            restore(&json);
            restored.set(true);
        }
        let kept = Self {
            key: StoredValue::new(key),
            pristine: StoredValue::new(pristine),
            restore: Callback::new(move |json: String| restore(&json)),
            restored,
        };
        Effect::new(move |_| {
            let now = snapshot();
            kept.key.with_value(|k| {
                if kept.pristine.with_value(|p| *p == now) {
                    Storage::Session.remove(k);
                } else {
                    Storage::Session.set(k, &now);
                }
            });
        });
        kept
    }

    /// The work is saved: nothing is left to keep.
    pub fn forget(self) {
        self.key
            .with_value(|k| crate::browser_storage::Storage::Session.remove(k));
    }

    /// Back to the form as it opened, nothing kept.
    pub fn start_over(self) {
        self.restore.run(self.pristine.get_value());
        self.restored.set(false);
        self.forget();
    }
}

/// "Kept work was put back", with "Bắt đầu lại" (`on_start_over` also clears what the snapshot leaves out).
#[component]
pub fn RestoredNotice(
    kept: KeptInTab,
    text: &'static str,
    testid: &'static str,
    on_start_over: Callback<()>,
) -> impl IntoView {
    move || {
        kept.restored.get().then(|| {
            view! {
                <div class="alert alert-info restored" role="status" data-testid=format!("{testid}-restored")>
                    <span>{text}</span>
                    <button
                        type="button"
                        class="btn btn-small btn-ghost"
                        data-testid=format!("{testid}-start-over")
                        on:click=move |_| {
                            kept.start_over();
                            on_start_over.run(());
                        }
                    >
                        "Bắt đầu lại"
                    </button>
                </div>
            }
        })
    }
}
