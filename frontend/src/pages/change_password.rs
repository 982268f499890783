//! `/doi-mat-khau`: change one's own password. Forced after an administrator created the account or reset
//! its password: until then the other pages send the user here.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::auth::ChangePasswordRequest;
use shared::user::NewPassword;

use crate::api::{Api, ClientError};
use crate::app::check_session;
use crate::components::feedback::{ErrorPanel, FormError, Loading};
use crate::components::shell::PRODUCT_NAME;
use crate::components::text_field::TextField;
use crate::session::{Phase, Session};

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    let phase = Memo::new(move |_| session.phase());

    let navigate = use_navigate();
    Effect::new(move |_| {
        if phase.get() == Phase::SignedOut {
            navigate(
                "/dang-nhap",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // One branch for both "forced" and "by choice": when the change succeeds the phase moves from the first to
    // the second, and the form (with its pending navigation) must stay mounted through that.
    let forced = Signal::derive(move || phase.get() == Phase::MustChangePassword);
    let waiting = Memo::new(move |_| match phase.get() {
        Phase::Checking | Phase::SignedOut => Some(None),
        Phase::Unreachable(message) => Some(Some(message)),
        Phase::MustChangePassword | Phase::Ready => None,
    });
    move || match waiting.get() {
        Some(None) => view! { <Loading /> }.into_any(),
        Some(Some(message)) => {
            let retry = Callback::new(move |()| check_session(api, session));
            view! {
                <main class="auth-main">
                    <ErrorPanel message on_retry=retry />
                </main>
            }
            .into_any()
        }
        None => view! { <ChangePasswordForm forced /> }.into_any(),
    }
}

#[component]
fn ChangePasswordForm(forced: Signal<bool>) -> impl IntoView {
    let api = Api::get();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let current_error = RwSignal::new(None::<String>);
    let new_error = RwSignal::new(None::<String>);
    let confirm_error = RwSignal::new(None::<String>);

    let change = Action::new_local(move |req: &ChangePasswordRequest| {
        let req = req.clone();
        async move {
            api.change_password(&req).await?;
            // The session now knows the password was changed (must_change_password is false).
            api.me().await.map(drop)
        }
    });
    let pending = change.pending();
    let server_error = Signal::derive(move || change.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            navigate(
                "/",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let field = move |own: RwSignal<Option<String>>, name: &'static str| {
        Signal::derive(move || {
            own.get()
                .or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.field(name))))
        })
    };
    let general_error =
        Signal::derive(move || server_error.with(|e| e.as_ref().map(ClientError::message)));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let cur = current.get_untracked();
        current_error.set(
            cur.is_empty()
                .then(|| "Hãy nhập mật khẩu hiện tại.".to_string()),
        );
        let parsed = NewPassword::parse(&new.get_untracked());
        new_error.set(parsed.as_ref().err().map(ToString::to_string));
        let matches = confirm.get_untracked() == new.get_untracked();
        confirm_error.set((!matches).then(|| "Mật khẩu nhập lại không khớp.".to_string()));
        if let (false, Ok(new_password), true) = (cur.is_empty(), parsed, matches) {
            change.dispatch(ChangePasswordRequest {
                current_password: cur,
                new_password,
            });
        }
    };

    let logout = Action::new_local(move |_: &()| async move { api.logout().await });

    view! {
        <div class="auth-page auth-page-single">
            <main class="auth-main">
                <form class="auth-card" on:submit=submit novalidate>
                    <header class="auth-card-header">
                        <div class="brand-mark" aria-hidden="true">
                            "VB"
                        </div>
                        <div>
                            <h1>"Đổi mật khẩu"</h1>
                            <p class="muted">{PRODUCT_NAME}</p>
                        </div>
                    </header>
                    <Show when=move || forced.get()>
                        <div class="alert alert-warning" role="status">
                            "Bạn cần đổi mật khẩu tạm thời trước khi sử dụng hệ thống."
                        </div>
                    </Show>
                    <TextField
                        id="cp-current"
                        label="Mật khẩu hiện tại"
                        input_type="password"
                        autocomplete="current-password"
                        testid="change-current"
                        value=current
                        error=field(current_error, "current_password")
                    />
                    <TextField
                        id="cp-new"
                        label="Mật khẩu mới"
                        input_type="password"
                        autocomplete="new-password"
                        hint="Từ 10 đến 128 ký tự, có cả chữ cái và chữ số."
                        testid="change-new"
                        value=new
                        error=field(new_error, "new_password")
                    />
                    <TextField
                        id="cp-confirm"
                        label="Nhập lại mật khẩu mới"
                        input_type="password"
                        autocomplete="new-password"
                        testid="change-confirm"
                        value=confirm
                        error=confirm_error.into()
                    />
                    <FormError message=general_error testid="change-error" />
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        data-testid="change-submit"
                        prop:disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Đang lưu…" } else { "Đổi mật khẩu" }}
                    </button>
                    <div class="auth-card-footer">
                        {move || if forced.get() {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-ghost"
                                    data-testid="logout-button"
                                    prop:disabled=move || logout.pending().get()
                                    on:click=move |_| {
                                        logout.dispatch(());
                                    }
                                >
                                    "Đăng xuất"
                                </button>
                            }
                                .into_any()
                        } else {
                            view! { <A href="/" attr:class="btn btn-ghost">"← Quay lại trang chủ"</A> }.into_any()
                        }}
                    </div>
                    <FormError
                        message=Signal::derive(move || {
                            logout.value().get().and_then(Result::err).map(|e| e.message())
                        })
                        testid="logout-error"
                    />
                </form>
            </main>
        </div>
    }
}
