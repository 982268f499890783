//! `/xac-minh/{code}` (and `/xac-minh` to type a code): anyone, without signing in, checks a printed copy by
//! the code and QR code on it — authentic or not, number, date, agency, signers, the original to download — or
//! checks a PDF file they hold. Small on purpose: it lives in the sign-in bundle, which a phone that scanned the
//! QR code downloads anyway.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::ErrorCode;
use shared::verification::{PublicVerification, VerificationCode};
use wasm_bindgen::JsCast;

use crate::api::{Api, ClientError};
use crate::components::feedback::Loading;
use crate::components::shell::PRODUCT_NAME;

/// `2026-12-04T09:05:00+07:00` as people read it: `09:05 ngày 04/12/2026` (other text as it is).
fn when(iso: &str) -> String {
    let b = iso.as_bytes();
    if iso.len() >= 16 && iso.is_ascii() && b[4] == b'-' && b[10] == b'T' {
        format!(
            "{} ngày {}/{}/{}",
            &iso[11..16],
            &iso[8..10],
            &iso[5..7],
            &iso[0..4]
        )
    } else {
        iso.to_string()
    }
}

/// What a code or a file was found to be.
#[component]
fn Verdict(v: PublicVerification, testid: &'static str) -> impl IntoView {
    let (class, title, text) = if v.authentic {
        (
            "verify-verdict verify-ok",
            "Văn bản xác thực",
            "Văn bản này đã được ban hành trên hệ thống, chữ ký số hợp lệ. Hãy đối chiếu nội dung bản bạn đang có với bản gốc.",
        )
    } else if v.recalled {
        (
            "verify-verdict verify-bad",
            "Văn bản đã bị thu hồi",
            "Cơ quan ban hành đã thu hồi văn bản này; văn bản không còn giá trị.",
        )
    } else {
        (
            "verify-verdict verify-bad",
            "Không xác thực",
            "Tệp này không phải bản gốc đã ban hành trên hệ thống (hoặc đã bị sửa đổi).",
        )
    };
    let date = v
        .date
        .map(|d| format!("{:02}/{:02}/{}", d.day, d.month, d.year));
    let fact = |label: &'static str, value: Option<String>, id: &'static str| {
        value.map(|value| {
            view! {
                <div class="verify-fact">
                    <dt>{label}</dt>
                    <dd data-testid=id>{value}</dd>
                </div>
            }
        })
    };
    let signers = (!v.signers.is_empty()).then(|| {
        let items = v
            .signers
            .iter()
            .map(|s| {
                let time = s.time.as_deref().map(when).unwrap_or_default();
                view! {
                    <li data-testid="verify-signer">
                        <strong>{s.name.clone()}</strong>
                        <span class="muted">{time}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="verify-fact">
                <dt>"Chữ ký số"</dt>
                <dd><ul class="verify-signers">{items}</ul></dd>
            </div>
        }
    });
    view! {
        <section class=class data-testid=testid data-authentic=v.authentic.to_string()>
            <h2>{title}</h2>
            <p>{text}</p>
            <dl class="verify-facts">
                {fact("Số, ký hiệu", v.number_text.clone(), "verify-number")}
                {fact("Ngày ban hành", date, "verify-date")}
                {fact("Cơ quan ban hành", v.agency.clone(), "verify-agency")}
                {fact("Trích yếu", v.subject.clone(), "verify-subject")}
                {signers}
            </dl>
            {v.download.clone().map(|href| view! {
                <a class="btn btn-primary btn-block" href=href download data-testid="verify-download">
                    "Tải bản gốc (PDF)"
                </a>
            })}
        </section>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let api = Api::get();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let by_code = LocalResource::new(move || {
        let code = code();
        async move {
            if code.is_empty() {
                None
            } else {
                Some(api.public_verify(&code).await)
            }
        }
    });

    let typed = RwSignal::new(String::new());
    let typed_error = RwSignal::new(None::<&'static str>);
    let navigate = use_navigate();
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match VerificationCode::parse(&typed.get_untracked()) {
            Some(c) => {
                typed_error.set(None);
                navigate(
                    &format!("{}{c}", shared::verification::PAGE_PREFIX),
                    Default::default(),
                );
            }
            None => typed_error.set(Some("Mã xác minh gồm 12 chữ và số, ví dụ 7K3M-Q9XD-2FHB.")),
        }
    };

    let file_result = RwSignal::new(None::<Result<PublicVerification, ClientError>>);
    let checking = RwSignal::new(false);
    let chosen_name = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    // A chosen or dropped file goes to the server as it is (nothing to sign in for).
    let check = move |file: web_sys::File| {
        chosen_name.set(Some(file.name()));
        checking.set(true);
        file_result.set(None);
        leptos::task::spawn_local(async move {
            let answer = api.public_verify_file(&file).await;
            checking.set(false);
            file_result.set(Some(answer));
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            check(file);
        }
        // The same file chosen again is checked again.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            check(file);
        }
    };

    view! {
        <div class="auth-page auth-page-single verify-page">
            <main class="auth-main">
                <div class="auth-card verify-card">
                    <header class="auth-card-header">
                        <div class="brand-mark" aria-hidden="true">"VB"</div>
                        <div>
                            <h1>"Xác minh văn bản"</h1>
                            <p class="muted">{PRODUCT_NAME} " — kiểm tra bản in hoặc tệp văn bản đã ban hành"</p>
                        </div>
                    </header>
                    {move || {
                        let c = code();
                        (!c.is_empty()).then(|| view! {
                            <p class="verify-code">"Mã xác minh: " <strong data-testid="verify-code">{c.to_uppercase()}</strong></p>
                        })
                    }}
                    <Suspense fallback=|| view! { <Loading text="Đang tra cứu…" /> }>
                        {move || by_code.get().flatten().map(|answer| match answer {
                            Ok(v) => view! { <Verdict v=v testid="verify-result" /> }.into_any(),
                            Err(e) => {
                                let title = if e.code() == Some(ErrorCode::NotFound) {
                                    "Không tìm thấy văn bản"
                                } else {
                                    "Chưa tra cứu được"
                                };
                                view! {
                                    <section class="verify-verdict verify-bad" data-testid="verify-missing">
                                        <h2>{title}</h2>
                                        <p>{e.message()}</p>
                                    </section>
                                }
                                .into_any()
                            }
                        })}
                    </Suspense>
                    <form class="verify-form" on:submit=go novalidate>
                        <div class="field">
                            <label for="verify-code-input">"Nhập mã xác minh in trên văn bản"</label>
                            <input id="verify-code-input" type="text" autocapitalize="characters" spellcheck="false"
                                placeholder="XXXX-XXXX-XXXX" data-testid="verify-code-input" bind:value=typed />
                        </div>
                        {move || typed_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        <button type="submit" class="btn btn-secondary btn-block" data-testid="verify-code-submit">"Tra cứu"</button>
                    </form>
                    <section class="verify-form">
                        // The browser's own file button speaks the browser's language (often English): the
                        // input is hidden and the label, in Vietnamese, opens it; a file can also be dropped.
                        <label class="verify-drop" class:over=move || over.get() for="verify-file"
                            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
                            on:dragleave=move |_| over.set(false)
                            on:drop=on_drop>
                            <strong>"Kiểm tra một tệp PDF"</strong>
                            <span class="muted">"Chọn hoặc kéo thả tệp vào đây: hệ thống cho biết đó có đúng là bản gốc đã ban hành, chưa bị sửa đổi."</span>
                            <input id="verify-file" type="file" class="sr-only" accept="application/pdf,.pdf" data-testid="verify-file" on:change=on_file />
                            <span class="btn btn-secondary verify-choose" aria-hidden="true">"Chọn tệp PDF…"</span>
                            {move || chosen_name.get().map(|n| view! { <span class="muted verify-chosen" data-testid="verify-file-name">{n}</span> })}
                        </label>
                        {move || checking.get().then(|| view! { <Loading text="Đang kiểm tra tệp…" /> })}
                        {move || file_result.get().map(|answer| match answer {
                            Ok(v) => view! { <Verdict v=v testid="verify-file-result" /> }.into_any(),
                            Err(e) => view! {
                                <p class="alert alert-error" role="alert" data-testid="verify-file-error">{e.message()}</p>
                            }
                            .into_any(),
                        })}
                    </section>
                    <p class="hint auth-note">
                        <a href="/dang-nhap" data-testid="verify-sign-in">"Đăng nhập hệ thống"</a>
                    </p>
                </div>
            </main>
        </div>
    }
}
