//! The administration forms' field shapes (`UserForm`, `UnitForm`): a labelled text input with its hint and
//! error line, the error line itself, and the message line under a form. They are the app's own
//! (`frontend/src/components/{text_field,feedback}.rs`, which the sign-in and password pages keep), so the
//! forms look and read the same in both bundles.

use leptos::prelude::*;

/// A text input bound to `value`, with its label, an optional hint and the error line below it. The error
/// line's id is `<id>-err` and the input is described by it (and by the hint) for screen readers.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    /// The message to show under the field, if any.
    error: Signal<Option<String>>,
    testid: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// Marks the field as required in the label.
    #[prop(optional)]
    required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    /// `none` or `characters` for codes and names typed exactly (also turns spell-checking off).
    #[prop(optional)]
    autocapitalize: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>
                {label}
                {required.then(|| view! { " " <span class="req">"*"</span> })}
            </label>
            <input
                id=id
                type=input_type
                autocomplete=autocomplete
                autocapitalize=autocapitalize
                spellcheck=autocapitalize.map(|_| "false")
                data-testid=testid
                aria-describedby=described_by
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldError id=error_id message=error />
        </div>
    }
}

/// A message line under a form: shows nothing while `message` is `None`.
#[component]
pub fn FormError(message: Signal<Option<String>>, testid: &'static str) -> impl IntoView {
    view! {
        <Show when=move || message.with(Option::is_some)>
            <div class="alert alert-error" role="alert" data-testid=testid>
                {move || message.get().unwrap_or_default()}
            </div>
        </Show>
    }
}

/// The message beside one form field; nothing at all while the field is fine.
#[component]
pub fn FieldError(id: String, message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="field-error" id=id.clone() aria-live="polite">
                    {m}
                </p>
            }
        })
    }
}
