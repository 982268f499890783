//! "Ký số từ xa" on the keys tab: the person's identifier at the remote signing provider, their credentials
//! there, and the registration of a credential to the account (one request the person approves on their
//! phone; the server then binds the certificate, as it must before accepting signatures made with it).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::remote_signing::{RemotePurpose, RemoteSigningDto};

use crate::api;
use crate::components::{Busy, BusyBar};
use crate::signing::remote;

#[component]
pub fn RemoteSigningPanel() -> impl IntoView {
    let state = RwSignal::new(None::<RemoteSigningDto>);
    let id_input = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy: Busy = RwSignal::new(None);

    let load = move || {
        spawn_local(async move {
            match api::remote_signing().await {
                Ok(r) => {
                    id_input.set(r.user_id.clone().unwrap_or_default());
                    state.set(Some(r));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    load();

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        notice.set(None);
        spawn_local(async move {
            match api::set_remote_signing_id(id_input.get_untracked()).await {
                Ok(r) => {
                    notice.set(Some("Đã lưu mã định danh.".into()));
                    state.set(Some(r));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let register = move |credential_id: String| {
        error.set(None);
        notice.set(None);
        let provider = state
            .get_untracked()
            .and_then(|s| s.provider)
            .unwrap_or_default();
        spawn_local(async move {
            let result = remote::approved(
                credential_id,
                RemotePurpose::Register,
                None,
                None,
                provider,
                busy,
            )
            .await;
            busy.set(None);
            match result {
                Ok(_) => {
                    notice.set(Some(
                        "Đã đăng ký chứng thư số cho tài khoản: có thể ký số từ xa khi trình ký."
                            .into(),
                    ));
                    load();
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    move || {
        let Some(s) = state.get() else {
            return view! { <p class="loading">"Đang đọc cấu hình ký số từ xa…"</p> }.into_any();
        };
        if !s.configured {
            return view! {
                <section class="card" data-testid="remote-signing">
                    <h2>"Ký số từ xa"</h2>
                    <p data-testid="remote-not-configured">"Hệ thống chưa kết nối dịch vụ ký số từ xa nào. Hãy dùng khóa ký số trên thiết bị, hoặc đề nghị quản trị cấu hình nhà cung cấp."</p>
                </section>
            }
            .into_any();
        }
        let provider = s.provider.clone().unwrap_or_default();
        let credentials = s.credentials.clone();
        let has_id = s.user_id.is_some();
        view! {
            <section class="card" data-testid="remote-signing">
                <h2>"Ký số từ xa — " {provider}</h2>
                <p class="hint">"Khóa của anh/chị nằm trong thiết bị bảo mật của nhà cung cấp; mỗi lần ký, anh/chị duyệt yêu cầu trên ứng dụng của nhà cung cấp trên điện thoại."</p>
                <form class="form" on:submit=save data-testid="remote-id-form">
                    <div class="field">
                        <label for="remote-id">"Mã định danh tại nhà cung cấp (thường là số CCCD)"</label>
                        <input id="remote-id" type="text" autocomplete="off" maxlength="64" data-testid="remote-id" bind:value=id_input />
                    </div>
                    <button type="submit" class="btn btn-secondary" data-testid="remote-id-save">"Lưu"</button>
                </form>
                {s.problem.clone().map(|p| view! { <div class="alert alert-error" role="alert" data-testid="remote-problem">{p}</div> })}
                {(has_id && credentials.is_empty() && s.problem.is_none()).then(|| view! {
                    <p data-testid="remote-none">"Nhà cung cấp không có chứng thư số nào cho mã định danh này."</p>
                })}
                <ul class="key-list" data-testid="remote-credentials">
                    {credentials.into_iter().map(|c| {
                        let id = c.credential_id.clone();
                        view! {
                            <li data-testid="remote-credential">
                                <strong>{c.subject.clone()}</strong>
                                <span>{format!(" — {} — hết hạn {}", c.issuer, c.not_after.to_date_vn())}</span>
                                {if c.registered {
                                    view! { <span class="chip state-done" data-testid="remote-registered">"Đã đăng ký cho tài khoản"</span> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="btn btn-primary btn-small" data-testid="remote-register"
                                            disabled=move || busy.get().is_some()
                                            on:click=move |_| register(id.clone())>"Đăng ký chứng thư này"</button>
                                    }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <BusyBar busy />
                {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="remote-error">{e}</div> })}
                {move || notice.get().map(|n| view! { <div class="alert" role="status" data-testid="remote-notice">{n}</div> })}
            </section>
        }
        .into_any()
    }
}
