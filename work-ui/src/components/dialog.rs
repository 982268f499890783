//! Modal dialogs of the administration pages: a generic frame, the cancel/save row of a form in a dialog, a
//! yes/no confirmation, and the one-time temporary password.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The buttons under a form in a dialog: cancel, and submit, which reads "Đang lưu…" and is disabled while
/// the request is on its way. `create_label` names the submit of a new record; an edit says "Lưu thay đổi".
#[component]
pub fn FormActions(
    pending: Signal<bool>,
    is_new: bool,
    create_label: &'static str,
    submit_testid: &'static str,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="dialog-actions">
            <button type="button" class="btn btn-secondary" on:click=move |_| on_cancel.run(())>
                "Hủy"
            </button>
            <button
                type="submit"
                class="btn btn-primary"
                data-testid=submit_testid
                prop:disabled=move || pending.get()
            >
                {move || match (pending.get(), is_new) {
                    (true, _) => "Đang lưu…",
                    (false, true) => create_label,
                    (false, false) => "Lưu thay đổi",
                }}
            </button>
        </div>
    }
}

/// A modal frame with a title; Escape or the backdrop close it through `on_close`.
#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    on_close: Callback<()>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let class = if wide { "dialog dialog-wide" } else { "dialog" };
    // Escape closes wherever the focus is (it may have left the dialog when a button became disabled).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div
            class="dialog-backdrop"
            on:click=move |ev| {
                // Only a click on the backdrop itself closes, not one inside the dialog.
                if ev.target() == ev.current_target() {
                    on_close.run(());
                }
            }
        >
            <div class=class role="dialog" aria-modal="true" aria-labelledby="dialog-title">
                <header class="dialog-header">
                    <h2 id="dialog-title">{title}</h2>
                    <button
                        type="button"
                        class="icon-button"
                        aria-label="Đóng"
                        on:click=move |_| on_close.run(())
                    >
                        "×"
                    </button>
                </header>
                <div class="dialog-body">{children()}</div>
            </div>
        </div>
    }
}

/// Asks before doing something that cannot be undone.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(into)] confirm_label: String,
    pending: Signal<bool>,
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog title on_close=on_cancel>
            <p>{message}</p>
            <super::text_field::FormError message=error testid="confirm-error" />
            <div class="dialog-actions">
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="confirm-cancel"
                    on:click=move |_| on_cancel.run(())
                >
                    "Hủy"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="confirm-ok"
                    prop:disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { "Đang xử lý…".to_string() } else { confirm_label.clone() }}
                </button>
            </div>
        </Dialog>
    }
}

/// Shows a temporary password once, with a button to copy it.
#[component]
pub fn TemporaryPasswordDialog(
    #[prop(into)] title: String,
    #[prop(into)] username: String,
    #[prop(into)] password: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let to_copy = password.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        leptos::task::spawn_local(async move {
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            let ok = match clipboard {
                Some(c) => JsFuture::from(c.write_text(&text)).await.is_ok(),
                None => false,
            };
            copied.set(Some(ok));
        });
    };
    view! {
        <Dialog title on_close>
            <p>
                "Mật khẩu tạm thời của tài khoản " <strong>{username}</strong>
                " (chỉ hiện một lần; người dùng phải đổi mật khẩu khi đăng nhập lần đầu):"
            </p>
            <div class="temp-password-box">
                <code data-testid="temp-password">{password}</code>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="temp-password-copy"
                    on:click=copy
                >
                    "Sao chép"
                </button>
            </div>
            <p class="hint" aria-live="polite">
                {move || match copied.get() {
                    Some(true) => "Đã sao chép vào bộ nhớ tạm.",
                    Some(false) => "Không sao chép được; hãy chọn và sao chép mật khẩu bằng tay.",
                    None => "",
                }}
            </p>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="temp-password-close"
                    on:click=move |_| on_close.run(())
                >
                    "Đã ghi lại, đóng"
                </button>
            </div>
        </Dialog>
    }
}
