//! The clerk's step (Điều 11, "Chờ phát hành"): take the next number of the register (held for this document),
//! write it and the date into the reserved fields of the signed file, apply the agency's seal overlapping a
//! third of the signer's image, sign each attachment, upload everything and issue. Everything is added
//! incrementally in the worker, so the leader's signature stays valid. On any failure the held number is
//! released so it is not consumed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::outgoing::{IssueRequest, NumberReservation, OutgoingDto};
use shared::worker_protocol::{
    FillNumber, KeySummary, PageSize, SignOptions, SignatureKind, VerificationStamp,
};

use crate::components::{
    Busy, BusyBar, ImagePicker, KeyPicker, NoKeyNotice, Rect, progress_of, set_busy,
};
use crate::signing::{PlacementPreview, file_blob, latest_files, load_keys, upload};
use crate::{api, files, worker};

/// What the clerk chose for the seal.
#[derive(Clone)]
struct SealChoice {
    key_id: String,
    pin: String,
    image: Vec<u8>,
    page: usize,
    /// The signer's signature box; the core puts the seal one third into it, on the left.
    signer_box: Rect,
}

/// Numbers, seals and signs every file, uploads them and issues. The caller releases the number on failure.
async fn number_seal_issue(
    doc: &OutgoingDto,
    held: &NumberReservation,
    seal: &SealChoice,
    busy: Busy,
) -> Result<OutgoingDto, ClientError> {
    let files = latest_files(doc);
    let (main_id, _) = files.first().cloned().ok_or("Văn bản chưa có tệp.")?;
    set_busy(busy, "Đang tải văn bản đã ký…");
    let signed = file_blob(doc.id, main_id).await?;

    set_busy(
        busy,
        &format!(
            "Đang điền số {}, ngày và mã xác minh {}…",
            held.number_text, held.verification_code
        ),
    );
    let number = FillNumber {
        number: held.number,
        notation: held.notation.clone(),
        year: held.date.year,
        month: held.date.month,
        day: held.date.day,
        // The code and its QR go into the same revision, so the seal covers them (issue 15).
        verification: Some(VerificationStamp {
            code: held.verification_code.clone(),
            url: held.verification_url.clone(),
        }),
    };
    let filled = worker::fill(&signed, number).await?;
    let numbered = files::blob_appended(&signed, &filled.bytes)?;

    set_busy(busy, "Đang mở khóa và đóng dấu…");
    let options = SignOptions {
        key_id: seal.key_id.clone(),
        pin: seal.pin.clone(),
        kind: SignatureKind::Seal,
        page: seal.page,
        rect: Some(seal.signer_box.array()),
        text: None,
        pss: false,
    };
    let sealed = worker::sign(
        &numbered,
        options,
        Some(&seal.image),
        Some(progress_of(busy, "Đang ký số của cơ quan…")),
    )
    .await?;
    let main = files::blob_appended(&numbered, &sealed.bytes)?;
    let main_sha = upload(&main, busy, "văn bản chính").await?;

    let mut attachments = Vec::new();
    let count = files.len().saturating_sub(1);
    for (i, (file_id, name)) in files.iter().skip(1).enumerate() {
        set_busy(
            busy,
            &format!("Đang ký tệp đính kèm {}/{count}: {name}…", i + 1),
        );
        let original = file_blob(doc.id, *file_id).await?;
        let options = SignOptions {
            key_id: seal.key_id.clone(),
            pin: seal.pin.clone(),
            kind: SignatureKind::Attachment,
            page: 0,
            rect: None,
            text: Some(held.number_text.clone()),
            pss: false,
        };
        let answer = worker::sign(
            &original,
            options,
            None,
            Some(progress_of(busy, "Đang ký tệp đính kèm…")),
        )
        .await
        .map_err(|e| ClientError::Invalid(format!("Tệp đính kèm {name}: {e}")))?;
        let signed = files::blob_appended(&original, &answer.bytes)?;
        attachments.push(upload(&signed, busy, &format!("tệp đính kèm {name}")).await?);
    }

    set_busy(busy, "Máy chủ đang kiểm tra và phát hành…");
    api::issue(
        doc.id,
        &IssueRequest {
            main_sha256: main_sha,
            attachments,
        },
    )
    .await
}

/// Whether a key looks like the seal of `agency` (its certificate names the agency).
pub(crate) fn is_seal_of(k: &KeySummary, agency: &str) -> bool {
    let norm = |s: &str| s.trim().to_lowercase();
    let a = norm(agency);
    [Some(&k.label), k.organization.as_ref()]
        .into_iter()
        .flatten()
        .any(|n| norm(n).contains(&a) || a.contains(&norm(n)))
}

#[component]
pub fn IssueTask(doc: OutgoingDto, on_done: Callback<OutgoingDto>) -> impl IntoView {
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
    let found = RwSignal::new(None::<bool>);
    let preview = RwSignal::new(None::<(SignOptions, Option<Vec<u8>>)>);
    let held = RwSignal::new(None::<NumberReservation>);
    let agency = doc.agency_name.clone();
    let attachments = latest_files(&doc).len().saturating_sub(1);
    let doc = StoredValue::new(doc);

    load_keys(keys, key_id, keys_loaded, error, move |k| {
        is_seal_of(k, &agency)
    });
    spawn_local(async move {
        let d = doc.get_value();
        let Some((main_id, _)) = latest_files(&d).into_iter().next() else {
            return;
        };
        set_busy(busy, "Đang tải văn bản đã ký…");
        let loaded = async {
            let blob = file_blob(d.id, main_id).await?;
            let info = worker::inspect(&blob).await?;
            Ok::<_, ClientError>((blob, info))
        }
        .await;
        busy.set(None);
        match loaded {
            Ok((blob, info)) => {
                // The seal goes against the signer's signature: its box, if the file shows one.
                match info.signature_fields.last() {
                    Some(f) => {
                        place.set(Rect::from_array(f.rect));
                        page.set(f.page);
                        found.set(Some(true));
                    }
                    None => {
                        if let Some(last) = info.pages.len().checked_sub(1) {
                            place.set(Rect::nd30_signature(info.pages[last]));
                            page.set(last);
                        }
                        found.set(Some(false));
                    }
                }
                pages.set(info.pages);
                file.set(Some(blob));
            }
            Err(e) => error.set(Some(e.message())),
        }
    });

    let reserve = move |_| {
        error.set(None);
        spawn_local(async move {
            set_busy(busy, "Đang lấy số…");
            let result = api::reserve_number(doc.with_value(|d| d.id)).await;
            busy.set(None);
            match result {
                Ok(r) => held.set(Some(r)),
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let release = move |_| {
        spawn_local(async move {
            let _ = api::release_number(doc.with_value(|d| d.id)).await;
            held.set(None);
        });
    };
    let show_preview = move |_| {
        error.set(None);
        let Some(img) = image.get_untracked() else {
            error.set(Some("Chọn ảnh con dấu (PNG) để xem trước.".into()));
            return;
        };
        let seal = SignOptions {
            key_id: key_id.get_untracked(),
            pin: String::new(),
            kind: SignatureKind::Seal,
            page: page.get_untracked(),
            rect: Some(place.get_untracked().array()),
            text: None,
            pss: false,
        };
        preview.set(Some((seal, Some(img))));
    };
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(number) = held.get_untracked() else {
            error.set(Some("Lấy số trước khi phát hành.".into()));
            return;
        };
        if key_id.get_untracked().is_empty() {
            error.set(Some(
                "Chưa có khóa con dấu của cơ quan trên máy này.".into(),
            ));
            return;
        }
        let Some(img) = image.get_untracked() else {
            error.set(Some(
                "Chọn ảnh con dấu của cơ quan (PNG nền trong suốt, đúng kích thước thật).".into(),
            ));
            return;
        };
        if pin.get_untracked().is_empty() {
            error.set(Some("Nhập mã PIN của khóa con dấu.".into()));
            return;
        }
        let seal = SealChoice {
            key_id: key_id.get_untracked(),
            pin: pin.get_untracked(),
            image: img,
            page: page.get_untracked(),
            signer_box: place.get_untracked(),
        };
        spawn_local(async move {
            let d = doc.get_value();
            let result = number_seal_issue(&d, &number, &seal, busy).await;
            busy.set(None);
            pin.set(String::new());
            match result {
                Ok(updated) => {
                    held.set(None);
                    on_done.run(updated)
                }
                Err(e) => {
                    // The number goes back to the register: the next document gets it, no gap.
                    let _ = api::release_number(d.id).await;
                    held.set(None);
                    error.set(Some(format!(
                        "{e} Số {} chưa được dùng và đã trả lại sổ.",
                        number.number_text
                    )));
                }
            }
        });
    };
    let has_key = move || keys.get().iter().any(|k| k.has_certificate);

    view! {
        <form class="task issue-task" data-testid="issue-task" on:submit=issue>
            <h3>"Phát hành văn bản"</h3>
            {move || (keys_loaded.get() && !has_key()).then(|| view! { <NoKeyNotice what="khóa con dấu (chữ ký số) của cơ quan" /> })}
            <KeyPicker keys key_id label="Khóa con dấu của cơ quan" testid="seal-key" />
            <ImagePicker key_id image label="Ảnh con dấu (PNG nền trong suốt)" testid="seal-image" />
            {move || found.get().map(|f| if f {
                view! { <p class="hint" data-testid="signer-found">"Khung là vị trí chữ ký của người ký; dấu đặt chồng 1/3 bên trái khung. Có thể chỉnh lại nếu cần."</p> }.into_any()
            } else {
                view! { <p class="alert alert-warning" data-testid="signer-not-found">"Không tìm thấy hình chữ ký của người ký trong tệp: đặt khung vào đúng chữ ký trên trang; dấu sẽ chồng 1/3 bên trái khung."</p> }.into_any()
            })}
            <PlacementPreview
                file=file.into()
                pages=pages.into()
                page
                place
                preview
                label="Chữ ký của người ký (dấu chồng 1/3 bên trái)"
                busy
            />
            <div class="field-row">
                <button type="button" class="btn btn-secondary" data-testid="seal-preview"
                    disabled={move || file.get().is_none() || image.get().is_none()} on:click=show_preview>"Xem trước con dấu"</button>
                {move || preview.get().is_some().then(|| view! {
                    <button type="button" class="btn btn-ghost" data-testid="preview-back" on:click=move |_| preview.set(None)>"Chỉnh lại vị trí"</button>
                })}
            </div>
            {(attachments > 0).then(|| view! {
                <p class="hint">{format!("{attachments} tệp đính kèm sẽ được ký số của cơ quan (góc trên bên phải trang 1).")}</p>
            })}
            {move || match held.get() {
                None => view! {
                    <button type="button" class="btn btn-secondary btn-block" data-testid="action-reserve"
                        disabled={move || busy.get().is_some()} on:click=reserve>"Lấy số"</button>
                }.into_any(),
                Some(r) => view! {
                    <div class="held-number" data-testid="held-number">
                        <div>"Số sẽ cấp: " <strong data-testid="held-number-text">{r.number_text.clone()}</strong></div>
                        <div class="muted">{format!("{}, {}", r.date_text, "giữ cho văn bản này đến khi phát hành")}</div>
                        <button type="button" class="btn btn-ghost btn-small" data-testid="action-release" on:click=release>"Trả số"</button>
                    </div>
                }.into_any(),
            }}
            <div class="field">
                <label for="seal-pin">"Mã PIN của khóa con dấu"</label>
                <input id="seal-pin" type="password" inputmode="numeric" autocomplete="off" data-testid="seal-pin" bind:value=pin
                    on:focus=move |_| worker::warm_signing() />
            </div>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="issue-error">{e}</div> })}
            // Not before the seal key is read (the worker may still be drawing pages).
            <button type="submit" class="btn btn-primary btn-block" data-testid="action-issue"
                disabled={move || busy.get().is_some() || held.get().is_none() || file.get().is_none() || key_id.get().is_empty()}>
                {move || if keys_loaded.get() { "Đóng dấu và phát hành" } else { "Đang đọc khóa con dấu…" }}
            </button>
        </form>
    }
}
