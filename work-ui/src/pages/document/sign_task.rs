//! The signer's step of an outgoing document (Điều 11, "Trình ký ban hành"): choose one of the keys kept in
//! this browser, or a credential at the remote signing provider (ký số từ xa, approved on the phone), place the
//! signature on the page (the last page, lower right, where NĐ 30 puts it), sign the latest main file in the
//! worker, upload the signed revision and hand it to the server, which checks it the same way for both.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::outgoing::{OutgoingDto, SignRequest};
use shared::remote_signing::{RemoteCredentialDto, RemotePurpose};
use shared::worker_protocol::{KeySummary, PageSize, SignOptions, SignatureKind};

use crate::components::{
    Busy, BusyBar, ImagePicker, KeyPicker, NoKeyNotice, Rect, progress_of, set_busy,
};
use crate::signing::{PlacementPreview, file_blob, latest_files, load_keys, remote, upload};
use crate::{api, files, worker};

/// What the signer chose.
#[derive(Clone)]
pub struct SignChoice {
    pub key_id: String,
    pub pin: String,
    pub image: Option<Vec<u8>>,
    /// Page and rectangle; `None`: the last page at the NĐ 30 position.
    pub placement: Option<(usize, Rect)>,
    /// Sign with this credential at the remote signing provider (named) instead of a key of this browser.
    pub remote: Option<(RemoteCredentialDto, String)>,
}

/// The longest description sent to the signer's phone.
const PHONE_DESCRIPTION: usize = 180;

/// Signs the latest main file of `doc` and hands the signed revision to the server. The server's refusal comes
/// back as it is.
pub async fn sign_document(
    doc: &OutgoingDto,
    choice: &SignChoice,
    busy: Busy,
) -> Result<OutgoingDto, ClientError> {
    let (main_id, _) = latest_files(doc)
        .into_iter()
        .next()
        .ok_or("Văn bản chưa có tệp.")?;
    set_busy(busy, "Đang tải văn bản…");
    let original = file_blob(doc.id, main_id).await?;
    let (page, rect) = match choice.placement {
        Some(p) => p,
        None => {
            let info = worker::inspect(&original).await?;
            let last = info
                .pages
                .len()
                .checked_sub(1)
                .ok_or("Văn bản không có trang nào.")?;
            (last, Rect::nd30_signature(info.pages[last]))
        }
    };
    let options = SignOptions {
        key_id: choice.key_id.clone(),
        pin: choice.pin.clone(),
        kind: SignatureKind::Signer,
        page,
        rect: Some(rect.array()),
        text: doc.delegated_signature_line(),
        pss: false,
    };
    let appended = match &choice.remote {
        None => {
            set_busy(busy, "Đang mở khóa và ký…");
            worker::sign(
                &original,
                options,
                choice.image.as_deref(),
                Some(progress_of(busy, "Đang ký số…")),
            )
            .await?
        }
        Some((credential, provider)) => {
            let hash = worker::begin_external(
                &original,
                options,
                credential.certificates.clone(),
                choice.image.as_deref(),
                Some(progress_of(busy, "Đang chuẩn bị chữ ký…")),
            )
            .await?;
            let description: String = format!("Ký văn bản: {}", doc.subject)
                .chars()
                .take(PHONE_DESCRIPTION)
                .collect();
            let signed = remote::approved(
                credential.credential_id.clone(),
                RemotePurpose::Sign,
                Some(hash),
                Some(description),
                provider.clone(),
                busy,
            )
            .await?;
            set_busy(busy, "Đang đặt chữ ký vào văn bản…");
            worker::finish_external(signed.signature.unwrap_or_default()).await?
        }
    };
    let signed = files::blob_appended(&original, &appended.bytes)?;
    let sha = upload(&signed, busy, "văn bản đã ký").await?;
    set_busy(busy, "Máy chủ đang kiểm tra chữ ký…");
    api::sign(doc.id, &SignRequest { main_sha256: sha }).await
}

/// The signer's panel on the document page.
#[component]
pub fn SignTask(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
    let keys = RwSignal::new(Vec::<KeySummary>::new());
    let key_id = RwSignal::new(String::new());
    let keys_loaded = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let image = RwSignal::new(None::<Vec<u8>>);
    let busy: Busy = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let file = RwSignal::new(None::<web_sys::Blob>);
    let pages = RwSignal::new(Vec::<PageSize>::new());
    let page = RwSignal::new(0usize);
    let place = RwSignal::new(Rect {
        x: 360.0,
        y: 200.0,
        w: 170.0,
        h: 70.0,
    });
    let preview = RwSignal::new(None::<(SignOptions, Option<Vec<u8>>)>);
    let doc = StoredValue::new(doc);
    // Remote signing: the provider's name and the person's registered credentials there; `use_remote` is the
    // choice between them and the keys of this browser.
    let provider = RwSignal::new(None::<String>);
    let credentials = RwSignal::new(Vec::<RemoteCredentialDto>::new());
    let credential_id = RwSignal::new(String::new());
    let use_remote = RwSignal::new(false);

    load_keys(keys, key_id, keys_loaded, error, |_| true);
    spawn_local(async move {
        let (name, usable) = remote::usable_credentials().await;
        if let Some(first) = usable.first() {
            credential_id.set(first.credential_id.clone());
        }
        provider.set(name);
        credentials.set(usable);
    });
    let remote_choice = move || {
        if !use_remote.get_untracked() {
            return None;
        }
        let id = credential_id.get_untracked();
        credentials
            .get_untracked()
            .into_iter()
            .find(|c| c.credential_id == id)
            .map(|c| (c, provider.get_untracked().unwrap_or_default()))
    };
    let remote_chain = Signal::derive(move || {
        if !use_remote.get() {
            return vec![];
        }
        let id = credential_id.get();
        credentials
            .get()
            .into_iter()
            .find(|c| c.credential_id == id)
            .map(|c| c.certificates)
            .unwrap_or_default()
    });
    spawn_local(async move {
        let d = doc.get_value();
        let Some((main_id, _)) = latest_files(&d).into_iter().next() else {
            return;
        };
        set_busy(busy, "Đang tải văn bản…");
        let loaded = async {
            let blob = file_blob(d.id, main_id).await?;
            let info = worker::inspect(&blob).await?;
            Ok::<_, ClientError>((blob, info))
        }
        .await;
        busy.set(None);
        match loaded {
            Ok((blob, info)) => {
                if let Some(last) = info.pages.len().checked_sub(1) {
                    place.set(Rect::nd30_signature(info.pages[last]));
                    page.set(last);
                }
                pages.set(info.pages);
                file.set(Some(blob));
            }
            Err(e) => error.set(Some(e.message())),
        }
    });

    // Signing for an absent leader: the box opens with the mark line (KT. GIÁM ĐỐC), in the preview too.
    let capacity_line = doc.with_value(|d| d.delegated_signature_line());
    let delegated_notice = capacity_line.clone().map(|line| {
        let absent = doc.with_value(|d| d.signer.full_name.clone());
        view! {
            <div class="alert alert-info" role="status" data-testid="delegated-signing">
                "Anh/chị ký thay " <strong>{absent}</strong> " theo ủy quyền: hình chữ ký mở đầu bằng dòng “"
                {line} "” và luồng xử lý ghi tên cả hai người."
            </div>
        }
    });
    let args = move || SignOptions {
        key_id: key_id.get_untracked(),
        pin: String::new(),
        kind: SignatureKind::Signer,
        page: page.get_untracked(),
        rect: Some(place.get_untracked().array()),
        text: capacity_line.clone(),
        pss: false,
    };
    let show_preview = move |_| {
        error.set(None);
        if key_id.get_untracked().is_empty() && !use_remote.get_untracked() {
            return;
        }
        preview.set(Some((args(), image.get_untracked())));
    };
    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let remote = remote_choice();
        if use_remote.get_untracked() && remote.is_none() {
            error.set(Some("Chọn chứng thư số tại dịch vụ ký số từ xa.".into()));
            return;
        }
        if remote.is_none() {
            if key_id.get_untracked().is_empty() {
                error.set(Some("Chưa có khóa ký số trên máy này.".into()));
                return;
            }
            if pin.get_untracked().is_empty() {
                error.set(Some("Nhập mã PIN của khóa.".into()));
                return;
            }
        }
        let choice = SignChoice {
            key_id: key_id.get_untracked(),
            pin: pin.get_untracked(),
            image: image.get_untracked(),
            placement: Some((page.get_untracked(), place.get_untracked())),
            remote,
        };
        spawn_local(async move {
            let result = sign_document(&doc.get_value(), &choice, busy).await;
            busy.set(None);
            pin.set(String::new());
            match result {
                Ok(updated) => on_done.run(updated),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let has_key = move || keys.get().iter().any(|k| k.has_certificate);
    let has_remote = move || !credentials.get().is_empty();
    let can_sign = move || {
        if use_remote.get() {
            !credential_id.get().is_empty()
        } else {
            !key_id.get().is_empty()
        }
    };
    let how = move || {
        has_remote().then(|| {
            let name = provider.get().unwrap_or_default();
            view! {
                <fieldset class="field sign-how" data-testid="sign-how">
                    <legend>"Ký bằng"</legend>
                    <div class="checks" role="radiogroup" aria-label="Ký bằng">
                    <label class="check">
                        <input type="radio" name="sign-how" data-testid="sign-how-local"
                            prop:checked=move || !use_remote.get()
                            on:change=move |_| { use_remote.set(false); preview.set(None); } />
                        " Khóa ký số trên máy này"
                    </label>
                    <label class="check">
                        <input type="radio" name="sign-how" data-testid="sign-how-remote"
                            prop:checked=move || use_remote.get()
                            on:change=move |_| { use_remote.set(true); preview.set(None); } />
                        " Ký số từ xa — " {name}
                    </label>
                    </div>
                </fieldset>
            }
        })
    };
    let credential_picker = move || {
        use_remote.get().then(|| view! {
            <div class="field">
                <label for="sign-credential">"Chứng thư số tại nhà cung cấp"</label>
                <select id="sign-credential" data-testid="sign-credential"
                    on:change=move |ev| credential_id.set(event_target_value(&ev))>
                    {move || credentials.get().into_iter().map(|c| {
                        let id = c.credential_id.clone();
                        let selected = id == credential_id.get_untracked();
                        view! {
                            <option value=id selected=selected>
                                {format!("{} — {} (hết hạn {})", c.subject, c.issuer, c.not_after.to_date_vn())}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <p class="hint">"Sau khi bấm “Ký số từ xa”, mở ứng dụng của nhà cung cấp trên điện thoại để duyệt yêu cầu ký."</p>
            </div>
        })
    };

    view! {
        <form class="task sign-task" data-testid="sign-task" on:submit=sign>
            <h3>"Ký số văn bản"</h3>
            {delegated_notice}
            {how}
            {move || (keys_loaded.get() && !has_key() && !use_remote.get()).then(|| view! { <NoKeyNotice what="khóa ký số có chứng thư" /> })}
            {credential_picker}
            <div class:is-hidden=move || use_remote.get()>
                <KeyPicker keys key_id label="Khóa ký số" testid="sign-key" />
            </div>
            <PlacementPreview
                file=file.into()
                pages=pages.into()
                page
                place
                preview
                label="Chữ ký"
                busy
                remote=remote_chain
            />
            <div class="field-row">
                <button type="button" class="btn btn-secondary" data-testid="preview-button"
                    disabled={move || file.get().is_none() || !can_sign()} on:click=show_preview>"Xem trước hình chữ ký"</button>
                {move || preview.get().is_some().then(|| view! {
                    <button type="button" class="btn btn-ghost" data-testid="preview-back" on:click=move |_| preview.set(None)>"Chỉnh lại vị trí"</button>
                })}
            </div>
            <ImagePicker key_id image label="Ảnh chữ ký (PNG nền trong suốt, không bắt buộc)" testid="sign-image" />
            <div class="field" class:is-hidden=move || use_remote.get()>
                <label for="sign-pin">"Mã PIN của khóa"</label>
                <input id="sign-pin" type="password" inputmode="numeric" autocomplete="off" data-testid="sign-pin" bind:value=pin
                    on:focus=move |_| worker::warm_signing() />
            </div>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="sign-error">{e}</div> })}
            // Not before the keys are read (the worker may still be drawing pages when the PIN is typed).
            <button type="submit" class="btn btn-primary btn-block" data-testid="action-sign"
                disabled={move || busy.get().is_some() || file.get().is_none() || !can_sign()}>
                {move || if use_remote.get() { "Ký số từ xa" } else if keys_loaded.get() { "Ký số" } else { "Đang đọc khóa ký số…" }}
            </button>
        </form>
    }
}
