//! Loading, error and empty states, shown the same way everywhere.

use leptos::prelude::*;

/// A spinner with a sentence, for data on its way.
#[component]
pub fn Loading(#[prop(into, default = "Đang tải…".into())] text: String) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{text}</span>
        </div>
    }
}

/// A failure people can read, optionally with a button to try again.
#[component]
pub fn ErrorPanel(
    #[prop(into)] message: String,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
    #[prop(optional, into)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="alert alert-error" role="alert" data-testid=testid>
            <p>{message}</p>
            {on_retry
                .map(|retry| {
                    view! {
                        <button type="button" class="btn btn-secondary" on:click=move |_| retry.run(())>
                            "Thử lại"
                        </button>
                    }
                })}
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
