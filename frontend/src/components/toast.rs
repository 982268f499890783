//! Small notifications in a corner (a document waits for you, one arrived): a line of text, a link to the
//! document, and a button to dismiss it.

use leptos::prelude::*;

/// One notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub text: String,
    /// Where "Mở văn bản" leads.
    pub href: Option<String>,
    /// An urge (đôn đốc): shown in red.
    pub urgent: bool,
}

/// The notifications of `items`, newest last; dismissing one removes it from `items`.
#[component]
pub fn Toasts(items: RwSignal<Vec<Toast>>) -> impl IntoView {
    let dismiss = move |id: u64| items.update(|v| v.retain(|t| t.id != id));
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            {move || items.get().into_iter().map(|toast| view! {
                <div class="toast" class:toast-urgent=toast.urgent data-testid="toast" data-urgent=toast.urgent.to_string()>
                    <p class="toast-text">{toast.text.clone()}</p>
                    <div class="toast-actions">
                        {toast
                            .href
                            .clone()
                            .map(|href| {
                                view! {
                                    <a
                                        href=href
                                        class="btn btn-small btn-primary"
                                        data-testid="toast-open"
                                        on:click=move |_| dismiss(toast.id)
                                    >
                                        "Mở văn bản"
                                    </a>
                                }
                            })}
                        <button
                            type="button"
                            class="icon-button"
                            aria-label="Đóng thông báo"
                            data-testid="toast-dismiss"
                            on:click=move |_| dismiss(toast.id)
                        >
                            "×"
                        </button>
                    </div>
                </div>
            }).collect_view()}
        </div>
    }
}
