//! `/ky-so`: check the signatures of any PDF, sign one with a key kept in this browser (placing the signature on
//! a preview of the page), and manage those keys. The heavy work runs in the signing worker.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsCast;

use super::worker::{call, download, download_appended};

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Verify,
    Sign,
    Keys,
}

#[component]
pub fn SigningPage() -> impl IntoView {
    let tab = RwSignal::new(Tab::Verify);
    let tab_button = move |t: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="tab"
                data-testid=testid
                aria-current=move || (tab.get() == t).then_some("page")
                on:click=move |_| tab.set(t)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>"Chữ ký số"</h1>
            </header>
            <nav class="tabs" aria-label="Chức năng chữ ký số">
                {tab_button(Tab::Verify, "Kiểm tra chữ ký", "tab-verify")}
                {tab_button(Tab::Sign, "Ký văn bản", "tab-sign")}
                {tab_button(Tab::Keys, "Khoá ký số của tôi", "tab-keys")}
            </nav>
            {move || match tab.get() {
                Tab::Verify => view! { <VerifyPanel /> }.into_any(),
                Tab::Sign => view! { <SignPanel /> }.into_any(),
                Tab::Keys => view! { <KeysPanel /> }.into_any(),
            }}
        </section>
    }
}

/// The file chosen in an `<input type=file>` of an event.
pub(crate) fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

pub(crate) async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "Không đọc được tệp.".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A progress bar for a long operation (reading, hashing, signing).
#[component]
pub(crate) fn ProgressBar(label: Signal<String>, fraction: Signal<f64>) -> impl IntoView {
    view! {
        <div class="progress" data-testid="progress">
            <div class="progress-label">{label}</div>
            <progress max="1" value=move || fraction.get().to_string()></progress>
        </div>
    }
}

// ------------------------------------------------------------------------------------------ verification

/// The CA certificates the province trusts, from the server (a GET with the session cookie; no CSRF needed).
pub(crate) async fn trust_anchors() -> Vec<String> {
    let response = gloo_net::http::Request::get(shared::api::TRUST_ANCHORS)
        .send()
        .await;
    match response {
        Ok(r) if r.ok() => r
            .json::<shared::pdf::TrustAnchorsResponse>()
            .await
            .map(|t| t.anchors)
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// One signature as the worker's verifier reports it.
#[derive(Clone, Deserialize)]
pub(crate) struct Report {
    pub(crate) field: String,
    pub(crate) signer: String,
    pub(crate) organization: Option<String>,
    pub(crate) issuer: String,
    pub(crate) serial: String,
    pub(crate) signing_time: Option<String>,
    pub(crate) algorithm: String,
    pub(crate) covers_whole_document: bool,
    pub(crate) modification: String,
    pub(crate) filled_fields: Vec<(String, String)>,
    pub(crate) chain_status: String,
    pub(crate) revocation_status: String,
    pub(crate) valid: bool,
    pub(crate) ok: bool,
    pub(crate) problems: Vec<String>,
}

#[derive(Clone, Deserialize)]
struct HashResult {
    sha256: String,
    size: f64,
    millis: f64,
}

/// Green when fully good; red when broken, modified beyond form filling or revoked; amber otherwise.
pub(crate) fn level(r: &Report) -> (&'static str, &'static str) {
    if r.ok {
        ("ok", "Hợp lệ")
    } else if !r.valid || r.modification == "other" || r.revocation_status == "revoked" {
        ("bad", "Không hợp lệ")
    } else {
        ("warn", "Cần lưu ý")
    }
}

fn chain_text(r: &Report) -> &'static str {
    match r.chain_status.as_str() {
        "trusted" => "được cấp bởi tổ chức chứng thực mà tỉnh tin cậy",
        "expired" => "đã hết hạn hoặc chưa có hiệu lực vào thời điểm ký",
        "invalid" => "không hợp lệ (chữ ký của tổ chức cấp sai hoặc không dùng để ký)",
        _ => "không thuộc tổ chức chứng thực mà tỉnh tin cậy",
    }
}

fn modification_text(r: &Report) -> String {
    match r.modification.as_str() {
        "none" => "Không có: văn bản giữ nguyên như lúc ký.".into(),
        "form_filling" => {
            let filled: Vec<String> = r
                .filled_fields
                .iter()
                .map(|(k, v)| format!("{k} = “{v}”"))
                .collect();
            if filled.is_empty() {
                "Chỉ có thêm chữ ký số sau chữ ký này (được phép).".into()
            } else {
                format!(
                    "Chỉ điền số, ngày văn bản hoặc ký thêm (được phép): {}.",
                    filled.join("; ")
                )
            }
        }
        _ => "Văn bản đã bị sửa sau khi ký: chữ ký này không còn bảo đảm nội dung bạn đang xem."
            .into(),
    }
}

#[component]
pub(crate) fn ReportCard(report: Report) -> impl IntoView {
    let (class, verdict) = level(&report);
    let revocation = match report.revocation_status.as_str() {
        "good" => "chưa bị thu hồi (theo danh sách thu hồi)",
        "revoked" => "ĐÃ BỊ THU HỒI",
        "unknown" => "không có danh sách thu hồi của tổ chức cấp",
        _ => "chưa kiểm tra tình trạng thu hồi",
    };
    view! {
        <article class=format!("sig-card sig-{class}") data-testid="signature-card" data-level=class>
            <header>
                <strong class="sig-verdict" data-testid="signature-verdict">{verdict}</strong>
                <span class="sig-field">{report.field.clone()}</span>
            </header>
            <dl>
                <dt>"Người ký"</dt>
                <dd data-testid="signature-signer">{report.signer.clone()}</dd>
                <dt>"Cơ quan"</dt>
                <dd>{report.organization.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Thời điểm ký"</dt>
                <dd>{report.signing_time.clone().unwrap_or_else(|| "không ghi".into())}</dd>
                <dt>"Chứng thư số"</dt>
                <dd>{format!("{}, số hiệu {}: {}; {}", report.issuer, report.serial, chain_text(&report), revocation)}</dd>
                <dt>"Toàn vẹn"</dt>
                <dd>
                    {if report.valid {
                        "Nội dung được ký không thay đổi; chữ ký khớp khoá của người ký."
                    } else {
                        "Chữ ký hỏng hoặc nội dung được ký đã bị thay đổi."
                    }}
                </dd>
                <dt>"Sửa đổi sau khi ký"</dt>
                <dd data-testid="signature-modification" data-modification=report.modification.clone()>
                    {modification_text(&report)}
                </dd>
                <dt>"Phạm vi"</dt>
                <dd>
                    {if report.covers_whole_document {
                        "Chữ ký bao toàn bộ tệp."
                    } else {
                        "Chữ ký bao một phiên bản trước của tệp; phần sau đã được kiểm tra ở mục trên."
                    }}
                </dd>
                <dt>"Thuật toán"</dt>
                <dd>{report.algorithm.clone()}</dd>
            </dl>
            {(!report.problems.is_empty())
                .then(|| {
                    view! {
                        <ul class="sig-problems">
                            {report.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}
                        </ul>
                    }
                })}
        </article>
    }
}

#[component]
fn VerifyPanel() -> impl IntoView {
    let busy = RwSignal::new(None::<(String, f64)>);
    let error = RwSignal::new(None::<String>);
    let reports = RwSignal::new(None::<Vec<Report>>);
    let hash = RwSignal::new(None::<HashResult>);
    let file_name = RwSignal::new(String::new());

    let check = move |file: web_sys::File| {
        error.set(None);
        reports.set(None);
        hash.set(None);
        file_name.set(file.name());
        spawn_local(async move {
            busy.set(Some(("Đang băm tệp (SHA-256)…".into(), 0.0)));
            let progress = move |label: &'static str| {
                Box::new(move |d: f64, t: f64| busy.set(Some((label.into(), d / t.max(1.0)))))
                    as Box<dyn Fn(f64, f64)>
            };
            let hashed = call(
                "hash",
                json!({}),
                Some(&file),
                None,
                Some(progress("Đang băm tệp (SHA-256)…")),
            )
            .await;
            match hashed.and_then(|a| a.parse::<HashResult>()) {
                Ok(h) => hash.set(Some(h)),
                Err(e) => {
                    busy.set(None);
                    error.set(Some(e));
                    return;
                }
            }
            let trust = trust_anchors().await;
            busy.set(Some(("Đang kiểm tra chữ ký…".into(), 0.0)));
            let verified = call(
                "verify",
                json!({ "trust": trust }),
                Some(&file),
                None,
                Some(progress("Đang đọc tệp…")),
            )
            .await;
            busy.set(None);
            match verified.and_then(|a| a.parse::<Vec<Report>>()) {
                Ok(r) => reports.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(f) = chosen_file(&ev) {
            check(f);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(f) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            check(f);
        }
    };
    view! {
        <div class="signing-panel">
            <label
                class="dropzone"
                data-testid="verify-dropzone"
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=on_drop
            >
                <span>"Kéo thả tệp PDF vào đây hoặc bấm để chọn tệp cần kiểm tra chữ ký số"</span>
                <input type="file" accept="application/pdf,.pdf" data-testid="verify-file" on:change=on_change />
            </label>
            {move || busy.get().map(|(l, f)| view! { <ProgressBar label=Signal::derive(move || l.clone()) fraction=Signal::derive(move || f) /> })}
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="verify-error">{e}</div> })}
            {move || {
                hash.get()
                    .map(|h| {
                        view! {
                            <p class="file-facts" data-testid="file-hash">
                                {format!(
                                    "{} — {:.1} MB — SHA-256 {} ({} ms)",
                                    file_name.get(),
                                    h.size / 1_048_576.0,
                                    h.sha256,
                                    h.millis.round(),
                                )}
                            </p>
                        }
                    })
            }}
            {move || {
                reports.get()
                    .map(|r| {
                        if r.is_empty() {
                            view! { <div class="alert alert-warning" data-testid="no-signatures">"Tệp này không có chữ ký số nào."</div> }
                                .into_any()
                        } else {
                            view! {
                                <div class="sig-list">
                                    {r.into_iter().map(|report| view! { <ReportCard report /> }).collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
            <details class="explain">
                <summary>"“Sửa đổi sau khi ký” nghĩa là gì?"</summary>
                <p>
                    "Một tệp PDF có thể được ghi thêm sau khi ký mà không xoá chữ ký cũ. Việc ghi thêm hợp lệ gồm: điền số và ngày "
                    "văn bản vào ô dành sẵn, và ký thêm (ví dụ văn thư đóng dấu cơ quan sau khi lãnh đạo ký). Mọi thay đổi khác — "
                    "sửa chữ, thay trang, thêm hình, đổi phông chữ, hiện nội dung bị ẩn — làm chữ ký không còn bảo đảm nội dung "
                    "đang hiển thị, và hệ thống báo đỏ."
                </p>
            </details>
        </div>
    }
}

// ------------------------------------------------------------------------------------------ keys

/// A key kept sealed in this browser, as the worker describes it (never the private part).
#[derive(Clone, Deserialize)]
pub(crate) struct KeySummary {
    pub id: String,
    pub label: String,
    pub has_certificate: bool,
    pub organization: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    pub valid_until: Option<String>,
}

pub(crate) async fn list_keys() -> Result<Vec<KeySummary>, String> {
    call("keys.list", json!({}), None, None, None)
        .await?
        .parse()
}

#[component]
fn KeysPanel() -> impl IntoView {
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let refresh = move || {
        spawn_local(async move {
            match list_keys().await {
                Ok(k) => keys.set(k),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    refresh();

    // Import a PKCS#12.
    let p12_file = RwSignal::new(None::<web_sys::File>);
    let p12_pin = RwSignal::new(String::new());
    let new_pin = RwSignal::new(String::new());
    let new_pin2 = RwSignal::new(String::new());
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        notice.set(None);
        let Some(file) = p12_file.get() else {
            error.set(Some("Chọn tệp PKCS#12 (.p12, .pfx).".into()));
            return;
        };
        if new_pin.get() != new_pin2.get() {
            error.set(Some("Hai lần nhập mã PIN mới không khớp.".into()));
            return;
        }
        spawn_local(async move {
            busy.set(Some("Đang nhập khoá và mã hoá bằng mã PIN mới…".into()));
            let result = async {
                let bytes = file_bytes(&file).await?;
                call(
                    "keys.import_p12",
                    json!({ "p12_pin": p12_pin.get_untracked(), "pin": new_pin.get_untracked() }),
                    None,
                    Some(&bytes),
                    None,
                )
                .await?
                .parse::<Vec<KeySummary>>()
            }
            .await;
            busy.set(None);
            match result {
                Ok(k) => {
                    keys.set(k);
                    notice.set(Some(
                        "Đã nhập khoá. Khoá chỉ được lưu trong trình duyệt này.".into(),
                    ));
                    p12_pin.set(String::new());
                    new_pin.set(String::new());
                    new_pin2.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Generate a key pair and a certificate request.
    let gen_name = RwSignal::new(String::new());
    let gen_org = RwSignal::new(String::new());
    let gen_pin = RwSignal::new(String::new());
    let gen_pin2 = RwSignal::new(String::new());
    let csr = RwSignal::new(None::<String>);
    let generate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        notice.set(None);
        if gen_pin.get() != gen_pin2.get() {
            error.set(Some("Hai lần nhập mã PIN không khớp.".into()));
            return;
        }
        spawn_local(async move {
            busy.set(Some(
                "Đang tạo cặp khoá RSA 2048 bit trong trình duyệt (có thể mất vài giây)…".into(),
            ));
            let result = call(
                "keys.generate",
                json!({ "name": gen_name.get_untracked(), "organization": gen_org.get_untracked(), "pin": gen_pin.get_untracked() }),
                None,
                None,
                None,
            )
            .await
            .and_then(|a| a.parse::<serde_json::Value>());
            busy.set(None);
            match result {
                Ok(v) => {
                    let pem = v["csr"].as_str().unwrap_or_default().to_string();
                    download(
                        pem.as_bytes(),
                        "yeu-cau-cap-chung-thu.csr",
                        "application/pkcs10",
                    );
                    csr.set(Some(pem));
                    gen_pin.set(String::new());
                    gen_pin2.set(String::new());
                    refresh();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let attach = move |id: String, file: web_sys::File| {
        spawn_local(async move {
            let result = async {
                let bytes = file_bytes(&file).await?;
                let pem = String::from_utf8(bytes)
                    .map_err(|_| "Tệp chứng thư phải ở dạng PEM.".to_string())?;
                call(
                    "keys.attach_certificate",
                    json!({ "id": id, "pem": pem }),
                    None,
                    None,
                    None,
                )
                .await?
                .parse::<Vec<KeySummary>>()
            }
            .await;
            match result {
                Ok(k) => {
                    keys.set(k);
                    notice.set(Some("Đã nạp chứng thư số: khoá sẵn sàng để ký.".into()));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let remove = move |id: String| {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Xoá khoá này khỏi trình duyệt? Không thể hoàn tác.")
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match call("keys.delete", json!({ "id": id }), None, None, None)
                .await
                .and_then(|a| a.parse())
            {
                Ok(k) => keys.set(k),
                Err(e) => error.set(Some(e)),
            }
        })
    };

    view! {
        <div class="signing-panel">
            <div class="alert alert-warning" data-testid="device-warning">
                "Khoá ký số chỉ được lưu trong trình duyệt này, mã hoá bằng mã PIN của bạn; máy chủ không bao giờ nhận khoá. "
                "Nếu mất hoặc thay thiết bị, xoá dữ liệu trình duyệt hoặc quên mã PIN, khoá không thể khôi phục: bạn phải "
                "đề nghị cơ quan cấp lại chứng thư số."
            </div>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="keys-error">{e}</div> })}
            {move || notice.get().map(|n| view! { <div class="alert" role="status" data-testid="keys-notice">{n}</div> })}
            {move || busy.get().map(|b| view! { <div class="loading" data-testid="keys-busy"><span class="spinner"></span>{b}</div> })}
            <h2>"Khoá trên máy này"</h2>
            {move || {
                let list = keys.get();
                if list.is_empty() {
                    view! { <p data-testid="no-keys">"Chưa có khoá nào."</p> }.into_any()
                } else {
                    view! {
                        <ul class="key-list" data-testid="key-list">
                            {list
                                .into_iter()
                                .map(|k| {
                                    let id_attach = k.id.clone();
                                    let id_remove = k.id.clone();
                                    view! {
                                        <li class="card" data-testid="key-item">
                                            <strong>{k.label.clone()}</strong>
                                            {k.organization.clone().map(|o| view! { <span>{format!(" — {o}")}</span> })}
                                            <div class="key-facts">
                                                {if k.has_certificate {
                                                    format!(
                                                        "Chứng thư số {} do {} cấp, hiệu lực đến {}",
                                                        k.serial.clone().unwrap_or_default(),
                                                        k.issuer.clone().unwrap_or_default(),
                                                        k.valid_until.clone().unwrap_or_default(),
                                                    )
                                                } else {
                                                    "Chờ chứng thư số: gửi tệp yêu cầu (.csr) cho quản trị CA, rồi nạp chứng thư nhận được."
                                                        .to_string()
                                                }}
                                            </div>
                                            <div class="key-actions">
                                                {(!k.has_certificate)
                                                    .then(|| {
                                                        let id = id_attach.clone();
                                                        view! {
                                                            <label class="btn btn-secondary btn-small">
                                                                "Nạp chứng thư (.pem)"
                                                                <input
                                                                    type="file"
                                                                    class="visually-hidden"
                                                                    accept=".pem,.crt,.cer"
                                                                    data-testid="attach-certificate"
                                                                    on:change=move |ev| {
                                                                        if let Some(f) = chosen_file(&ev) {
                                                                            attach(id.clone(), f);
                                                                        }
                                                                    }
                                                                />
                                                            </label>
                                                        }
                                                    })}
                                                <button
                                                    type="button"
                                                    class="btn btn-danger-outline btn-small"
                                                    on:click=move |_| remove(id_remove.clone())
                                                >
                                                    "Xoá"
                                                </button>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            <div class="card-grid">
                <form class="form card" on:submit=import data-testid="import-form">
                    <h2>"Nhập tệp PKCS#12 (.p12, .pfx)"</h2>
                    <div class="field">
                        <label for="p12-file">"Tệp khoá"</label>
                        <input id="p12-file" type="file" accept=".p12,.pfx" data-testid="p12-file"
                            on:change=move |ev| p12_file.set(chosen_file(&ev)) />
                    </div>
                    <div class="field">
                        <label for="p12-pin">"Mật khẩu của tệp"</label>
                        <input id="p12-pin" type="password" autocomplete="off" data-testid="p12-pin" bind:value=p12_pin />
                    </div>
                    <div class="field">
                        <label for="p12-new-pin">"Mã PIN mới (ít nhất 6 ký tự)"</label>
                        <input id="p12-new-pin" type="password" autocomplete="new-password" data-testid="p12-new-pin" bind:value=new_pin />
                    </div>
                    <div class="field">
                        <label for="p12-new-pin2">"Nhập lại mã PIN mới"</label>
                        <input id="p12-new-pin2" type="password" autocomplete="new-password" data-testid="p12-new-pin2" bind:value=new_pin2 />
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="import-submit">"Nhập khoá"</button>
                </form>
                <form class="form card" on:submit=generate data-testid="generate-form">
                    <h2>"Tạo khoá mới trong trình duyệt"</h2>
                    <div class="field">
                        <label for="gen-name">"Họ và tên (như trên chứng thư)"</label>
                        <input id="gen-name" type="text" data-testid="gen-name" bind:value=gen_name />
                    </div>
                    <div class="field">
                        <label for="gen-org">"Cơ quan"</label>
                        <input id="gen-org" type="text" data-testid="gen-org" bind:value=gen_org />
                    </div>
                    <div class="field">
                        <label for="gen-pin">"Mã PIN (ít nhất 6 ký tự)"</label>
                        <input id="gen-pin" type="password" autocomplete="new-password" data-testid="gen-pin" bind:value=gen_pin />
                    </div>
                    <div class="field">
                        <label for="gen-pin2">"Nhập lại mã PIN"</label>
                        <input id="gen-pin2" type="password" autocomplete="new-password" data-testid="gen-pin2" bind:value=gen_pin2 />
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="generate-submit">"Tạo khoá và tải yêu cầu cấp chứng thư"</button>
                    {move || csr.get().map(|c| view! { <pre class="csr" data-testid="csr">{c}</pre> })}
                </form>
            </div>
        </div>
    }
}

// ------------------------------------------------------------------------------------------ signing

#[derive(Clone, Deserialize)]
struct PageInfo {
    /// Size as displayed (rotation applied), in points.
    width: f64,
    height: f64,
}

#[derive(Clone, Deserialize)]
struct Inspection {
    pages: Vec<PageInfo>,
    signatures: usize,
    active_content: Vec<String>,
}

/// The placement in points of the page as displayed, origin bottom left: what the signing core takes. The box on
/// screen is derived from it with the current scale, so turning a phone (a new scale) keeps it on the same spot.
#[derive(Clone, Copy, PartialEq)]
struct PlacementPt {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

#[component]
fn SignPanel() -> impl IntoView {
    let file = RwSignal::new(None::<web_sys::File>);
    let info = RwSignal::new(None::<Inspection>);
    let page = RwSignal::new(0usize);
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let key_id = RwSignal::new(String::new());
    let kind = RwSignal::new("signer".to_string());
    let text = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let image = RwSignal::new(None::<Vec<u8>>);
    let busy = RwSignal::new(None::<(String, f64)>);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let previewing = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    // CSS pixels per PDF point of the preview.
    let scale = RwSignal::new(1.0f64);
    let place = RwSignal::new(PlacementPt {
        x: 330.0,
        y: 90.0,
        w: 180.0,
        h: 70.0,
    });
    let page_info = move || info.get().and_then(|i| i.pages.get(page.get()).cloned());

    spawn_local(async move {
        if let Ok(k) = list_keys().await {
            if let Some(first) = k.iter().find(|k| k.has_certificate) {
                key_id.set(first.id.clone());
            }
            keys.set(k);
        }
    });

    // Draws RGBA pixels from the worker into the canvas at `css_width`.
    let paint = move |answer: super::worker::Answer, css_width: f64, page_width_pt: f64| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let dims: serde_json::Value = answer.parse().unwrap_or_default();
        let (w, h) = (
            dims["width"].as_u64().unwrap_or(1) as u32,
            dims["height"].as_u64().unwrap_or(1) as u32,
        );
        let Some(bytes) = answer.bytes else { return };
        canvas.set_width(w);
        canvas.set_height(h);
        let css_height = css_width * f64::from(h) / f64::from(w);
        let _ = canvas.set_attribute(
            "style",
            &format!("width:{css_width}px;height:{css_height}px"),
        );
        scale.set(css_width / page_width_pt);
        if let Ok(Some(ctx)) = canvas.get_context("2d") {
            let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
            if let Ok(data) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
                wasm_bindgen::Clamped(&bytes[..]),
                w,
                h,
            ) {
                let _ = ctx.put_image_data(&data, 0.0, 0.0);
            }
        }
    };
    let outline = move |css_width: f64, page_w: f64, page_h: f64| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let css_height = css_width * page_h / page_w;
        canvas.set_width(css_width as u32);
        canvas.set_height(css_height as u32);
        let _ = canvas.set_attribute(
            "style",
            &format!("width:{css_width}px;height:{css_height}px"),
        );
        scale.set(css_width / page_w);
        if let Ok(Some(ctx)) = canvas.get_context("2d") {
            let ctx: web_sys::CanvasRenderingContext2d = ctx.unchecked_into();
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, css_width, css_height);
        }
    };
    let preview_width = move || {
        // The panel's width (the canvas itself may still be small before the first render).
        let panel = canvas_ref
            .get_untracked()
            .and_then(|c| c.closest(".signing-panel").ok().flatten())
            .map(|e| e.client_width() as f64)
            .unwrap_or(600.0);
        panel.clamp(200.0, 900.0)
    };
    let device_ratio = || {
        web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .min(2.0)
    };

    let render_page = move || {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let Some(p) = info
            .get_untracked()
            .and_then(|i| i.pages.get(page.get_untracked()).cloned())
        else {
            return;
        };
        let index = page.get_untracked();
        previewing.set(false);
        spawn_local(async move {
            let css_width = preview_width();
            busy.set(Some(("Đang hiển thị trang…".into(), 0.0)));
            let rendered = call(
                "render",
                json!({ "page": index, "width": css_width * device_ratio() }),
                Some(&f),
                None,
                None,
            )
            .await;
            busy.set(None);
            match rendered {
                Ok(answer) => paint(answer, css_width, p.width),
                Err(e) => {
                    // No picture (a very large file, or a page the renderer cannot draw): an outline of the page
                    // at its real proportions still lets the box be placed.
                    outline(css_width, p.width, p.height);
                    let message = e
                        .strip_prefix("TOO_BIG:")
                        .map(str::to_string)
                        .unwrap_or(format!("Không vẽ được trang: {e}"));
                    notice.set(Some(message));
                }
            }
        });
    };
    // A phone turned sideways (or a resized window): render again at the new width; the placement stays in points.
    let _resize = window_event_listener(leptos::ev::resize, move |_| {
        if info.get_untracked().is_some() {
            render_page();
        }
    });

    let choose = move |ev: leptos::ev::Event| {
        let Some(f) = chosen_file(&ev) else { return };
        error.set(None);
        done.set(None);
        notice.set(None);
        info.set(None);
        file.set(Some(f.clone()));
        page.set(0);
        spawn_local(async move {
            busy.set(Some(("Đang đọc văn bản…".into(), 0.0)));
            let result = call("inspect", json!({}), Some(&f), None, None)
                .await
                .and_then(|a| a.parse::<Inspection>());
            busy.set(None);
            match result {
                Ok(i) => {
                    // Start at the lower right, where NĐ 30 puts the signature.
                    if let Some(p) = i.pages.first() {
                        place.set(PlacementPt {
                            x: (p.width - 230.0).max(0.0),
                            y: (p.height * 0.2).max(0.0),
                            w: 180.0_f64.min(p.width),
                            h: 70.0_f64.min(p.height),
                        });
                    }
                    info.set(Some(i));
                    render_page();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Dragging and resizing with Pointer Events (mouse, pen and touch alike), in points.
    let drag = StoredValue::new(None::<(bool, f64, f64, PlacementPt)>);
    let start_drag = move |ev: leptos::ev::PointerEvent, resize: bool| {
        ev.prevent_default();
        ev.stop_propagation();
        if previewing.get_untracked() {
            render_page();
        }
        if let Some(t) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        drag.set_value(Some((
            resize,
            f64::from(ev.client_x()),
            f64::from(ev.client_y()),
            place.get_untracked(),
        )));
    };
    let move_drag = move |ev: leptos::ev::PointerEvent| {
        let Some((resize, x0, y0, start)) = drag.get_value() else {
            return;
        };
        let Some(p) = info
            .get_untracked()
            .and_then(|i| i.pages.get(page.get_untracked()).cloned())
        else {
            return;
        };
        let s = scale.get_untracked().max(0.01);
        let (dx, dy) = (
            (f64::from(ev.client_x()) - x0) / s,
            (f64::from(ev.client_y()) - y0) / s,
        );
        let next = if resize {
            let w = (start.w + dx).clamp(20.0, p.width - start.x);
            let h = (start.h + dy).clamp(10.0, start.y + start.h);
            // Growing downwards on screen lowers the bottom edge in PDF space.
            PlacementPt {
                w,
                h,
                y: start.y + start.h - h,
                ..start
            }
        } else {
            PlacementPt {
                x: (start.x + dx).clamp(0.0, (p.width - start.w).max(0.0)),
                y: (start.y - dy).clamp(0.0, (p.height - start.h).max(0.0)),
                ..start
            }
        };
        place.set(next);
    };
    let end_drag = move |_ev: leptos::ev::PointerEvent| drag.set_value(None);

    let pdf_rect = move || {
        page_info()?;
        let p = place.get();
        Some([p.x, p.y, p.w, p.h])
    };
    let request_args = move || {
        let rect_pt = if kind.get_untracked() == "attachment" {
            None
        } else {
            pdf_rect()
        };
        json!({
            "key_id": key_id.get_untracked(),
            "pin": pin.get_untracked(),
            "kind": kind.get_untracked(),
            "page": page.get_untracked(),
            "rect": rect_pt,
            "text": Some(text.get_untracked()).filter(|t| !t.is_empty()),
        })
    };

    let preview = move |_| {
        error.set(None);
        let Some(f) = file.get_untracked() else {
            return;
        };
        if key_id.get_untracked().is_empty() {
            error.set(Some("Chọn khoá ký số để xem trước tên người ký.".into()));
            return;
        }
        let Some(p) = info.get_untracked().and_then(|i| {
            i.pages
                .get(if kind.get_untracked() == "attachment" {
                    0
                } else {
                    page.get_untracked()
                })
                .cloned()
        }) else {
            return;
        };
        let mut args = request_args();
        let css_width = preview_width();
        args["width"] = json!(css_width * device_ratio());
        let image_bytes = image.get_untracked();
        spawn_local(async move {
            busy.set(Some(("Đang dựng hình chữ ký…".into(), 0.0)));
            let rendered = call("preview", args, Some(&f), image_bytes.as_deref(), None).await;
            busy.set(None);
            match rendered {
                Ok(answer) => {
                    paint(answer, css_width, p.width);
                    previewing.set(true);
                }
                Err(e) => error.set(Some(
                    e.strip_prefix("TOO_BIG:").map(str::to_string).unwrap_or(e),
                )),
            }
        });
    };

    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(None);
        let Some(f) = file.get_untracked() else {
            error.set(Some("Chọn văn bản PDF cần ký.".into()));
            return;
        };
        if key_id.get_untracked().is_empty() {
            error.set(Some(
                "Chưa có khoá ký số có chứng thư trên máy này (xem thẻ “Khoá ký số của tôi”)."
                    .into(),
            ));
            return;
        }
        let args = request_args();
        let image_bytes = image.get_untracked();
        spawn_local(async move {
            busy.set(Some(("Đang mở khoá và ký…".into(), 0.0)));
            let progress = Box::new(move |d: f64, t: f64| {
                busy.set(Some(("Đang đọc văn bản…".into(), d / t.max(1.0))))
            });
            let result = call(
                "sign",
                args,
                Some(&f),
                image_bytes.as_deref(),
                Some(progress),
            )
            .await;
            busy.set(None);
            match result {
                Ok(answer) => {
                    pin.set(String::new());
                    let name = f.name();
                    let stem = name.strip_suffix(".pdf").unwrap_or(&name);
                    let out = format!("{stem}-da-ky.pdf");
                    let size = answer
                        .parse::<serde_json::Value>()
                        .ok()
                        .and_then(|v| v["size"].as_f64())
                        .unwrap_or(0.0);
                    if let Some(appended) = answer.bytes {
                        download_appended(&f, &appended, &out, "application/pdf");
                        done.set(Some(format!(
                            "Đã ký. Tệp {out} đã được tải về ({:.0} KB).",
                            size / 1024.0
                        )));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <form class="signing-panel form" on:submit=sign data-testid="sign-form">
            <div class="field">
                <label for="sign-file">"Văn bản PDF"</label>
                <input id="sign-file" type="file" accept="application/pdf,.pdf" data-testid="sign-file" on:change=choose />
            </div>
            {move || busy.get().map(|(l, f)| view! { <ProgressBar label=Signal::derive(move || l.clone()) fraction=Signal::derive(move || f) /> })}
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="sign-error">{e}</div> })}
            {move || done.get().map(|d| view! { <div class="alert" role="status" data-testid="sign-done">{d}</div> })}
            {move || notice.get().map(|n| view! { <div class="alert alert-warning" role="status" data-testid="sign-notice">{n}</div> })}
            {move || {
                info.get()
                    .map(|i| {
                        let pages = i.pages.len();
                        view! {
                            <div class="sign-facts" data-testid="sign-facts">
                                {format!("{pages} trang; {} chữ ký số có sẵn.", i.signatures)}
                                {(!i.active_content.is_empty())
                                    .then(|| view! {
                                        <div class="alert alert-warning">
                                            {format!("Văn bản chứa nội dung chủ động, sẽ bị từ chối khi phát hành: {}.", i.active_content.join(", "))}
                                        </div>
                                    })}
                            </div>
                            <div class="field-row">
                                <button type="button" class="btn btn-secondary btn-small" disabled={move || page.get() == 0}
                                    on:click=move |_| { page.update(|p| *p = p.saturating_sub(1)); render_page(); }>"‹ Trang trước"</button>
                                <span data-testid="page-indicator">{move || format!("Trang {}/{pages}", page.get() + 1)}</span>
                                <button type="button" class="btn btn-secondary btn-small" disabled={move || page.get() + 1 >= pages}
                                    on:click=move |_| { page.update(|p| *p += 1); render_page(); }>"Trang sau ›"</button>
                            </div>
                        }
                    })
            }}
            <div class="preview-wrap">
                <div class="preview" on:pointermove=move_drag on:pointerup=end_drag on:pointercancel=end_drag>
                    <canvas node_ref=canvas_ref data-testid="preview-canvas"></canvas>
                    {move || {
                        let p = page_info()?;
                        (kind.get() != "attachment" && !previewing.get()).then(|| {
                            let s = scale.get();
                            let b = place.get();
                            view! {
                                <div
                                    class="placement"
                                    data-testid="placement-box"
                                    style=format!("left:{}px;top:{}px;width:{}px;height:{}px", b.x * s, (p.height - b.y - b.h) * s, b.w * s, b.h * s)
                                    on:pointerdown=move |ev| start_drag(ev, false)
                                >
                                    <span class="placement-label">{move || if kind.get() == "seal" { "Chữ ký của lãnh đạo (dấu chồng 1/3 bên trái)" } else { "Chữ ký" }}</span>
                                    <span class="placement-resize" data-testid="placement-resize" on:pointerdown=move |ev| start_drag(ev, true)></span>
                                </div>
                            }
                        })
                    }}
                </div>
            </div>
            <p class="placement-coords" data-testid="placement-coords">
                {move || pdf_rect().map(|[x, y, w, h]| format!("Vị trí trên trang (điểm PDF): x={x:.0}, y={y:.0}, rộng {w:.0}, cao {h:.0}"))}
            </p>
            <div class="field-row">
                <button type="button" class="btn btn-secondary" data-testid="preview-button" on:click=preview
                    disabled={move || info.get().is_none()}>"Xem trước hình chữ ký"</button>
                {move || previewing.get().then(|| view! {
                    <button type="button" class="btn btn-ghost" data-testid="preview-back" on:click=move |_| render_page()>"Chỉnh lại vị trí"</button>
                })}
            </div>
            <div class="field">
                <label for="sign-kind">"Loại chữ ký"</label>
                <select id="sign-kind" data-testid="sign-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="signer">"Chữ ký của người có thẩm quyền (ảnh chữ ký màu xanh)"</option>
                    <option value="seal">"Chữ ký số của cơ quan (ảnh con dấu màu đỏ)"</option>
                    <option value="attachment">"Ký văn bản kèm theo (góc trên bên phải trang 1)"</option>
                </select>
            </div>
            <div class="field">
                <label for="sign-image">"Ảnh chữ ký hoặc con dấu (PNG nền trong suốt, không bắt buộc với chữ ký)"</label>
                <input id="sign-image" type="file" accept="image/png" data-testid="sign-image" on:change=move |ev| {
                    if let Some(f) = chosen_file(&ev) {
                        spawn_local(async move { image.set(file_bytes(&f).await.ok()); });
                    }
                } />
            </div>
            <div class="field">
                <label for="sign-text">"Dòng chữ kèm theo (không bắt buộc; với văn bản kèm theo: số, ký hiệu văn bản chính)"</label>
                <input id="sign-text" type="text" data-testid="sign-text" bind:value=text />
            </div>
            <div class="field">
                <label for="sign-key">"Khoá ký số"</label>
                <select id="sign-key" data-testid="sign-key" on:change=move |ev| key_id.set(event_target_value(&ev))>
                    {move || keys.get().into_iter().filter(|k| k.has_certificate).map(|k| {
                        let selected = k.id == key_id.get_untracked();
                        view! { <option value=k.id.clone() selected=selected>{k.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="sign-pin">"Mã PIN của khoá"</label>
                <input id="sign-pin" type="password" autocomplete="off" data-testid="sign-pin" bind:value=pin />
            </div>
            <button type="submit" class="btn btn-primary" data-testid="sign-submit">"Ký số"</button>
        </form>
    }
}
