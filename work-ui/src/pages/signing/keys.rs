//! The keys tab: the keys kept (sealed under a PIN) in this browser, importing a PKCS#12 file, making a key
//! pair with its certificate request (sent to the server, which binds the certificate issued for it to the
//! account), and attaching the certificate the CA issued (registered to the account too).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::worker_protocol::KeySummary;

use crate::files::{blob_bytes, chosen_file, download};
use crate::{api, worker};

#[component]
pub fn KeysPanel() -> impl IntoView {
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let refresh = move || {
        spawn_local(async move {
            match worker::list_keys().await {
                Ok(k) => keys.set(k),
                Err(e) => error.set(Some(e.message())),
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
            busy.set(Some("Đang nhập khóa và mã hóa bằng mã PIN mới…".into()));
            let result = async {
                let bytes = blob_bytes(&file).await?;
                worker::import_p12(&bytes, p12_pin.get_untracked(), new_pin.get_untracked()).await
            }
            .await;
            busy.set(None);
            match result {
                Ok(k) => {
                    keys.set(k);
                    notice.set(Some(
                        "Đã nhập khóa. Khóa chỉ được lưu trong trình duyệt này.".into(),
                    ));
                    p12_pin.set(String::new());
                    new_pin.set(String::new());
                    new_pin2.set(String::new());
                }
                Err(e) => error.set(Some(e.message())),
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
                "Đang tạo cặp khóa RSA 2048 bit trong trình duyệt (có thể mất vài giây)…".into(),
            ));
            let result = worker::generate_key(
                gen_name.get_untracked(),
                Some(gen_org.get_untracked()),
                gen_pin.get_untracked(),
            )
            .await;
            busy.set(None);
            match result {
                Ok(generated) => {
                    let pem = generated.csr;
                    download(
                        pem.as_bytes(),
                        "yeu-cau-cap-chung-thu.csr",
                        "application/pkcs10",
                    );
                    csr.set(Some(pem.clone()));
                    gen_pin.set(String::new());
                    gen_pin2.set(String::new());
                    refresh();
                    // The server records the request, so the certificate issued for this key is bound to
                    // this account (and to nobody else).
                    busy.set(Some("Đang gửi yêu cầu cấp chứng thư lên máy chủ…".into()));
                    let sent = api::submit_certificate_request(pem).await;
                    busy.set(None);
                    match sent {
                        Ok(_) => notice.set(Some(
                            "Đã tạo khóa và gửi yêu cầu cấp chứng thư số lên máy chủ: chứng thư cấp cho khóa này sẽ gắn với tài khoản của bạn. Gửi tệp yêu cầu (.csr) vừa tải về cho quản trị CA, rồi nạp chứng thư nhận được."
                                .into(),
                        )),
                        Err(e) => error.set(Some(format!(
                            "Đã tạo khóa trên máy này nhưng chưa gửi được yêu cầu cấp chứng thư lên máy chủ: {} Chứng thư cấp cho khóa này sẽ chưa được nhận là của bạn; hãy tạo lại khóa khi kết nối ổn định, hoặc nhờ quản trị đăng ký chứng thư cho bạn.",
                            e.message()
                        ))),
                    }
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    // The certificate goes into the key on this device first (the worker checks it is this key's), then is
    // registered to the account: the server accepts signatures only from certificates registered to the signer.
    let attach = move |id: String, file: web_sys::File| {
        error.set(None);
        notice.set(None);
        spawn_local(async move {
            let result = async {
                let bytes = blob_bytes(&file).await?;
                let pem = String::from_utf8(bytes)
                    .map_err(|_| ClientError::from("Tệp chứng thư phải ở dạng PEM."))?;
                let k = worker::attach_certificate(id, pem.clone()).await?;
                Ok::<_, ClientError>((k, pem))
            }
            .await;
            let (k, pem) = match result {
                Ok(done) => done,
                Err(e) => {
                    error.set(Some(e.message()));
                    return;
                }
            };
            keys.set(k);
            busy.set(Some(
                "Đang đăng ký chứng thư số cho tài khoản của bạn…".into(),
            ));
            let registered = api::present_certificate(pem).await;
            busy.set(None);
            match registered {
                Ok(_) => notice.set(Some(
                    "Đã nạp chứng thư số và đăng ký cho tài khoản của bạn: khóa sẵn sàng để ký.".into(),
                )),
                Err(e) => error.set(Some(format!(
                    "Đã nạp chứng thư số vào khóa trên máy này, nhưng máy chủ chưa đăng ký chứng thư cho tài khoản của bạn: {} Khi chưa đăng ký, văn bản bạn ký sẽ bị từ chối; hãy nhờ quản trị đăng ký chứng thư này cho bạn.",
                    e.message()
                ))),
            }
        })
    };
    let remove = move |id: String| {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Xoá khóa này khỏi trình duyệt? Không thể hoàn tác.")
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match worker::delete_key(id).await {
                Ok(k) => keys.set(k),
                Err(e) => error.set(Some(e.message())),
            }
        })
    };

    view! {
        <div class="signing-panel">
            <div class="alert alert-warning" data-testid="device-warning">
                "Khóa ký số chỉ được lưu trong trình duyệt này, mã hóa bằng mã PIN của bạn; máy chủ không bao giờ nhận khóa. "
                "Nếu mất hoặc thay thiết bị, xoá dữ liệu trình duyệt hoặc quên mã PIN, khóa không thể khôi phục: bạn phải "
                "đề nghị cơ quan cấp lại chứng thư số."
            </div>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="keys-error">{e}</div> })}
            {move || notice.get().map(|n| view! { <div class="alert" role="status" data-testid="keys-notice">{n}</div> })}
            {move || busy.get().map(|b| view! { <div class="loading" data-testid="keys-busy"><span class="spinner"></span>{b}</div> })}
            <h2>"Khóa trên máy này"</h2>
            {move || {
                let list = keys.get();
                if list.is_empty() {
                    view! { <p data-testid="no-keys">"Chưa có khóa nào."</p> }.into_any()
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
                                                    "Chờ chứng thư số: gửi tệp yêu cầu (.csr) cho quản trị CA, rồi nạp chứng thư nhận được (chứng thư được đăng ký cho tài khoản của bạn)."
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
                        <label for="p12-file">"Tệp khóa"</label>
                        <input id="p12-file" type="file" accept=".p12,.pfx" data-testid="p12-file"
                            on:change=move |ev| p12_file.set(chosen_file(&ev)) />
                    </div>
                    <div class="field">
                        <label for="p12-pin">"Mật khẩu của tệp"</label>
                        <input id="p12-pin" type="password" autocomplete="off" data-testid="p12-pin" bind:value=p12_pin />
                    </div>
                    <p class="hint" data-testid="p12-pin-explained">
                        "Mã PIN bạn đặt bây giờ bảo vệ khóa trên thiết bị này: mỗi lần ký số bạn nhập mã PIN này, không phải mật khẩu của tệp. Mỗi thiết bị (máy tính, điện thoại) nhập khóa riêng và có thể đặt mã PIN riêng."
                    </p>
                    <div class="field">
                        <label for="p12-new-pin">"Mã PIN mới cho thiết bị này (ít nhất 6 ký tự)"</label>
                        <input id="p12-new-pin" type="password" autocomplete="new-password" data-testid="p12-new-pin" bind:value=new_pin />
                    </div>
                    <div class="field">
                        <label for="p12-new-pin2">"Nhập lại mã PIN mới"</label>
                        <input id="p12-new-pin2" type="password" autocomplete="new-password" data-testid="p12-new-pin2" bind:value=new_pin2 />
                    </div>
                    <button type="submit" class="btn btn-primary" data-testid="import-submit">"Nhập khóa"</button>
                </form>
                <form class="form card" on:submit=generate data-testid="generate-form">
                    <h2>"Tạo khóa mới trong trình duyệt"</h2>
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
                    <button type="submit" class="btn btn-primary" data-testid="generate-submit">"Tạo khóa và tải yêu cầu cấp chứng thư"</button>
                    {move || csr.get().map(|c| view! { <pre class="csr" data-testid="csr">{c}</pre> })}
                </form>
            </div>
        </div>
    }
}
