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
