//! `/dang-nhap`: sign-in.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use shared::auth::LoginRequest;

use crate::api::Api;
use crate::components::feedback::FormError;
use crate::components::shell::{PRODUCT_NAME, PRODUCT_TAGLINE};
use crate::session::{Phase, Session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let api = Api::get();
    let session = Session::get();
    let phase = Memo::new(move |_| session.phase());

    // Signed in (now or already): leave the sign-in page.
    let navigate = use_navigate();
    Effect::new(move |_| {
        let to = match phase.get() {
            Phase::Ready => "/",
            Phase::MustChangePassword => "/doi-mat-khau",
            _ => return,
        };
        navigate(
            to,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        async move { api.login(&req).await.map(drop) }
    });
    let pending = login.pending();
    let error = Signal::derive(move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message())
    });
    let missing = RwSignal::new(None::<String>);
    let shown_error = Signal::derive(move || missing.get().or_else(|| error.get()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (user, pass) = (
            username.get_untracked().trim().to_string(),
            password.get_untracked(),
        );
        if user.is_empty() || pass.is_empty() {
            missing.set(Some("Vui lòng nhập tên đăng nhập và mật khẩu.".to_string()));
            return;
        }
        missing.set(None);
        login.dispatch(LoginRequest {
            username: user,
            password: pass,
        });
    };

    view! {
        <div class="auth-page">
            <section class="auth-brand" aria-hidden="true">
                <div class="auth-brand-inner">
                    <div class="brand-mark brand-mark-lg">"VB"</div>
                    <p class="auth-brand-name">{PRODUCT_NAME}</p>
                    <p class="auth-brand-tagline">{PRODUCT_TAGLINE}</p>
                    <ul class="auth-brand-points">
                        <li>"Văn bản đến, văn bản đi trên một hệ thống"</li>
                        <li>"Chữ ký số có giá trị pháp lý như bản giấy"</li>
                        <li>"Liên thông văn bản giữa các cơ quan"</li>
                    </ul>
                </div>
            </section>
            <main class="auth-main">
                <form class="auth-card" on:submit=submit novalidate>
                    <header class="auth-card-header">
                        <div class="brand-mark" aria-hidden="true">
                            "VB"
                        </div>
                        <div>
                            <h1>{PRODUCT_NAME} " — " {PRODUCT_TAGLINE}</h1>
                            <p class="muted">"Đăng nhập để tiếp tục"</p>
                        </div>
                    </header>
                    <div class="field">
                        <label for="login-username">"Tên đăng nhập"</label>
                        <input
                            id="login-username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            autofocus
                            data-testid="login-username"
                            bind:value=username
                        />
                    </div>
                    <div class="field">
                        <label for="login-password">"Mật khẩu"</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            data-testid="login-password"
                            bind:value=password
                        />
                    </div>
                    <FormError message=shown_error testid="login-error" />
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        data-testid="login-submit"
                        prop:disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Đang đăng nhập…" } else { "Đăng nhập" }}
                    </button>
                    <p class="hint auth-note">
                        "Quên mật khẩu? Liên hệ quản trị hệ thống của cơ quan để được cấp lại."
                    </p>
                    <p class="auth-card-footer">
                        <a href="/xac-minh" class="btn btn-ghost" data-testid="login-verify-link">
                            "Xác minh văn bản"
                        </a>
                    </p>
                </form>
            </main>
        </div>
    }
}
