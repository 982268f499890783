//! The signer's step of an outgoing document (Điều 11, "Trình ký ban hành"): choose one of the keys kept in
//! this browser, place the signature on the page (the last page, lower right, where NĐ 30 puts it), sign the
//! latest main file in the worker, upload the signed revision and hand it to the server, which checks it.
//! Also the pieces the clerk's issue step shares (placement preview, key choice, remembered images) and
//! [`batch::BatchSign`], several documents with one key and PIN.

// Mounted by the list page's "Ký hàng loạt" (not wired yet).
pub mod batch;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use serde_json::json;
use shared::outgoing::{OutgoingDto, SignRequest};
use wasm_bindgen::JsCast;

use super::browser_storage::Storage;
use crate::api;
use crate::page::{KeySummary, ProgressBar, chosen_file, file_bytes, list_keys};
use crate::worker::{self, call};

/// A page as displayed (rotation applied), in points.
#[derive(Clone, Copy, Deserialize, PartialEq)]
pub struct PageInfo {
    pub width: f64,
    pub height: f64,
}

/// A visible signed signature of the file: on which page and where.
#[derive(Clone, Deserialize, PartialEq)]
pub struct SignatureField {
    pub name: String,
    pub page: usize,
    pub rect: [f64; 4],
}

/// What the worker's "inspect" says about a file.
#[derive(Clone, Deserialize, PartialEq)]
pub struct Inspection {
    pub pages: Vec<PageInfo>,
    #[serde(default)]
    pub signature_fields: Vec<SignatureField>,
    #[serde(default)]
    pub active_content: Vec<String>,
}

pub async fn inspect(file: &web_sys::Blob) -> Result<Inspection, String> {
    call("inspect", json!({}), Some(file), None, None)
        .await?
        .parse()
}

/// A rectangle on the displayed page in points, origin bottom left (what the signing core takes).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn array(self) -> [f64; 4] {
        [self.x, self.y, self.w, self.h]
    }

    /// Where NĐ 30 Phụ lục I puts the signature: lower right, under "Nơi nhận"'s column on the right.
    pub fn nd30_signature(p: PageInfo) -> Self {
        let (w, h) = (170.0_f64.min(p.width), 70.0_f64.min(p.height));
        Self {
            x: (p.width - w - 60.0).max(0.0),
            y: (p.height * 0.25).min(p.height - h).max(0.0),
            w,
            h,
        }
    }
}

/// Work in progress: a line and how far along (0..1).
pub type Busy = RwSignal<Option<(String, f64)>>;

pub fn set_busy(busy: Busy, label: &str) {
    busy.set(Some((label.to_string(), 0.0)));
}

/// A progress callback for the worker that moves `busy`'s bar under `label`.
pub fn progress_of(busy: Busy, label: &'static str) -> worker::Progress {
    Box::new(move |d: f64, t: f64| busy.set(Some((label.into(), d / t.max(1.0)))))
}

#[component]
pub fn BusyBar(busy: Busy) -> impl IntoView {
    move || {
        busy.get().map(|(l, f)| {
            view! {
                <ProgressBar label=Signal::derive(move || l.clone()) fraction=Signal::derive(move || f) />
            }
        })
    }
}

// ------------------------------------------------------------------------------ files of a document

thread_local! {
    /// Files by address (their bytes never change): the page view, the signer and the clerk share one download.
    static FILES: std::cell::RefCell<Vec<(String, web_sys::Blob)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One file of an outgoing document as a Blob, downloaded once per page load.
pub async fn file_blob(doc_id: i64, file_id: i64) -> Result<web_sys::Blob, String> {
    blob_at(&shared::api::outgoing_file(doc_id, file_id)).await
}

/// The file at an API address (of an outgoing or an incoming document) as a Blob, downloaded once per page load.
pub async fn blob_at(url: &str) -> Result<web_sys::Blob, String> {
    if let Some(b) = FILES.with(|f| {
        f.borrow()
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, b)| b.clone())
    }) {
        return Ok(b);
    }
    let bytes = api::url_bytes(url).await.map_err(|e| e.message())?;
    let blob = worker::blob_of(&bytes, "application/pdf")?;
    FILES.with(|f| {
        let mut f = f.borrow_mut();
        if f.len() >= 6 {
            f.remove(0);
        }
        f.push((url.to_string(), blob.clone()));
    });
    Ok(blob)
}

/// The files of the latest version: (id, name), main file first.
pub fn latest_files(doc: &OutgoingDto) -> Vec<(i64, String)> {
    doc.versions
        .last()
        .map(|v| {
            let mut files = v.files.clone();
            files.sort_by_key(|f| f.position);
            files.into_iter().map(|f| (f.id, f.name)).collect()
        })
        .unwrap_or_default()
}

/// Hashes and uploads a finished file; returns its SHA-256.
pub async fn upload(blob: &web_sys::Blob, busy: Busy, what: &str) -> Result<String, String> {
    set_busy(busy, &format!("Đang tính mã băm {what}…"));
    let sha = worker::sha256(blob, Some(progress_of(busy, "Đang tính mã băm…"))).await?;
    set_busy(busy, &format!("Đang tải lên {what}…"));
    let bytes = worker::blob_bytes(blob).await?;
    api::upload_bytes(&sha, &bytes)
        .await
        .map_err(|e| e.message())?;
    Ok(sha)
}

// ------------------------------------------------------------------------------ remembered images

/// The signature or seal image (PNG) last used with a key in this browser.
pub fn remembered_image(key_id: &str) -> Option<Vec<u8>> {
    let text = Storage::Local.get(&format!("vanban.image.{key_id}"))?;
    let window = web_sys::window()?;
    let binary = window.atob(&text).ok()?;
    Some(binary.chars().map(|c| c as u32 as u8).collect())
}

pub fn remember_image(key_id: &str, png: &[u8]) {
    let binary: String = png.iter().map(|&b| b as char).collect();
    if let Some(encoded) = web_sys::window().and_then(|w| w.btoa(&binary).ok()) {
        Storage::Local.set(&format!("vanban.image.{key_id}"), &encoded);
    }
}

/// The keys of this browser that have a certificate, and the chosen one.
#[component]
pub fn KeyPicker(
    keys: RwSignal<Vec<KeySummary>>,
    key_id: RwSignal<String>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    let label = StoredValue::new(label);
    let usable = move || keys.with(|k| k.iter().any(|k| k.has_certificate));
    move || {
        usable().then(|| {
            view! {
                <div class="field">
                    <label for=testid>{label.get_value()}</label>
                    <select id=testid data-testid=testid on:change=move |ev| key_id.set(event_target_value(&ev))>
                        {keys
                            .get()
                            .into_iter()
                            .filter(|k| k.has_certificate)
                            .map(|k| {
                                let selected = k.id == key_id.get_untracked();
                                let text = match &k.organization {
                                    Some(o) if *o != k.label => format!("{} — {o}", k.label),
                                    _ => k.label.clone(),
                                };
                                view! { <option value=k.id.clone() selected=selected>{text}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// Loads the keys and picks the first with a certificate that `prefer` likes (else the first one).
pub fn load_keys(
    keys: RwSignal<Vec<KeySummary>>,
    key_id: RwSignal<String>,
    loaded: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    prefer: impl Fn(&KeySummary) -> bool + 'static,
) {
    spawn_local(async move {
        match list_keys().await {
            Ok(k) => {
                let usable: Vec<&KeySummary> = k.iter().filter(|k| k.has_certificate).collect();
                if let Some(first) = usable.iter().find(|k| prefer(k)).or_else(|| usable.first()) {
                    key_id.set(first.id.clone());
                }
                keys.set(k);
            }
            Err(e) => error.set(Some(e)),
        }
        loaded.set(true);
    });
}

/// "No key here": where to import one.
#[component]
pub fn NoKeyNotice(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <div class="alert alert-warning" data-testid="no-key">
            {format!("Trình duyệt này chưa có {what}. ")}
            <a href="/ky-so" data-testid="import-key-link">"Nhập khoá ký số (tệp .p12) tại trang Chữ ký số"</a>
            ", rồi quay lại văn bản này."
        </div>
    }
}

// ------------------------------------------------------------------------------ placement on a page

/// A page of `file` drawn by the worker with a box to place by dragging or tapping; or, while `preview` holds
/// the arguments of a signature, the page as it will look once signed.
#[component]
pub fn PlacementPreview(
    file: Signal<Option<web_sys::Blob>>,
    pages: Signal<Vec<PageInfo>>,
    page: RwSignal<usize>,
    place: RwSignal<Rect>,
    /// Arguments of the worker's "preview" op and the image bytes; `None` shows the page and the box.
    preview: RwSignal<Option<(serde_json::Value, Option<Vec<u8>>)>>,
    label: &'static str,
    busy: Busy,
) -> impl IntoView {
    let wrap = NodeRef::<leptos::html::Div>::new();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let scale = RwSignal::new(0.0f64);
    let notice = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u32);
    let resized = RwSignal::new(0u32);
    let page_info = move || pages.get().get(page.get()).copied();

    let css_width = move || {
        wrap.try_get_untracked()
            .flatten()
            .map(|w| f64::from(w.client_width()))
            .filter(|w| *w > 0.0)
            .unwrap_or(600.0)
            .clamp(200.0, 900.0)
    };
    Effect::new(move |_| {
        resized.track();
        let (Some(f), Some(p)) = (file.get(), page_info()) else {
            return;
        };
        let index = page.get();
        let args = preview.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let width = css_width();
            let (op, mut json_args, image) = match args {
                Some((a, img)) => ("preview", a, img),
                None => ("render", json!({ "page": index }), None),
            };
            json_args["width"] = json!(width * worker::device_ratio());
            set_busy(
                busy,
                if op == "preview" {
                    "Đang dựng hình chữ ký…"
                } else {
                    "Đang hiển thị trang…"
                },
            );
            let answer = call(op, json_args, Some(&f), image.as_deref(), None).await;
            busy.set(None);
            // A newer render was asked for, or the component is gone.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            let Some(c) = canvas.try_get_untracked().flatten() else {
                return;
            };
            match answer {
                Ok(a) => {
                    notice.set(None);
                    worker::paint(&c, a, width);
                }
                Err(e) => {
                    // No picture: an outline of the page at its real proportions still lets the box be placed.
                    let h = width * p.height / p.width;
                    c.set_width(width as u32);
                    c.set_height(h as u32);
                    let _ = c.set_attribute("style", &format!("width:{width}px;height:{h}px"));
                    notice.set(Some(
                        e.strip_prefix("TOO_BIG:")
                            .map(str::to_string)
                            .unwrap_or(format!("Không vẽ được trang: {e}")),
                    ));
                }
            }
            scale.set(width / p.width);
        });
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|r| *r += 1);
    });

    // Dragging and resizing with Pointer Events (mouse, pen and touch alike), in points.
    let drag = StoredValue::new(None::<(bool, f64, f64, Rect)>);
    let start_drag = move |ev: leptos::ev::PointerEvent, resize: bool| {
        ev.prevent_default();
        ev.stop_propagation();
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
        let Some(p) = pages.get_untracked().get(page.get_untracked()).copied() else {
            return;
        };
        let s = scale.get_untracked().max(0.01);
        let (dx, dy) = (
            (f64::from(ev.client_x()) - x0) / s,
            (f64::from(ev.client_y()) - y0) / s,
        );
        let next = if resize {
            let w = (start.w + dx).clamp(20.0, (p.width - start.x).max(20.0));
            let h = (start.h + dy).clamp(10.0, (start.y + start.h).max(10.0));
            Rect {
                w,
                h,
                y: start.y + start.h - h,
                ..start
            }
        } else {
            Rect {
                x: (start.x + dx).clamp(0.0, (p.width - start.w).max(0.0)),
                y: (start.y - dy).clamp(0.0, (p.height - start.h).max(0.0)),
                ..start
            }
        };
        place.set(next);
    };
    let end_drag = move |_ev: leptos::ev::PointerEvent| drag.set_value(None);
    // A tap on the page moves the box there (centred on the finger), which is easier than dragging on a phone.
    let tap = move |ev: leptos::ev::MouseEvent| {
        if preview.get_untracked().is_some() {
            return;
        }
        let (Some(c), Some(p)) = (
            canvas.get_untracked(),
            pages.get_untracked().get(page.get_untracked()).copied(),
        ) else {
            return;
        };
        let r = c.get_bounding_client_rect();
        let s = scale.get_untracked().max(0.01);
        let (px, py) = (
            (f64::from(ev.client_x()) - r.left()) / s,
            (f64::from(ev.client_y()) - r.top()) / s,
        );
        let b = place.get_untracked();
        place.set(Rect {
            x: (px - b.w / 2.0).clamp(0.0, (p.width - b.w).max(0.0)),
            y: (p.height - py - b.h / 2.0).clamp(0.0, (p.height - b.h).max(0.0)),
            ..b
        });
    };
    let count = move || pages.get().len();
    let go = move |delta: i64| {
        let n = count() as i64;
        let next = (page.get_untracked() as i64 + delta).clamp(0, (n - 1).max(0));
        preview.set(None);
        page.set(next as usize);
    };

    view! {
        <div class="placement-preview" node_ref=wrap>
            <div class="page-nav">
                <button type="button" class="btn btn-secondary btn-small" data-testid="page-prev"
                    aria-label="Trang trước" disabled={move || page.get() == 0} on:click=move |_| go(-1)>"‹ Trước"</button>
                <span data-testid="page-indicator">{move || format!("Trang {}/{}", page.get() + 1, count())}</span>
                <button type="button" class="btn btn-secondary btn-small" data-testid="page-next"
                    aria-label="Trang sau" disabled={move || page.get() + 1 >= count()} on:click=move |_| go(1)>"Sau ›"</button>
            </div>
            {move || notice.get().map(|n| view! { <div class="alert alert-warning" role="status">{n}</div> })}
            <div class="preview-wrap">
                <div class="preview" on:pointermove=move_drag on:pointerup=end_drag on:pointercancel=end_drag>
                    <canvas node_ref=canvas data-testid="preview-canvas" on:click=tap></canvas>
                    {move || {
                        let p = page_info()?;
                        let s = scale.get();
                        (preview.get().is_none() && s > 0.0).then(|| {
                            let b = place.get();
                            view! {
                                <div
                                    class="placement"
                                    data-testid="placement-box"
                                    style=format!("left:{}px;top:{}px;width:{}px;height:{}px", b.x * s, (p.height - b.y - b.h) * s, b.w * s, b.h * s)
                                    on:pointerdown=move |ev| start_drag(ev, false)
                                >
                                    <span class="placement-label">{label}</span>
                                    <span class="placement-resize" data-testid="placement-resize" on:pointerdown=move |ev| start_drag(ev, true)></span>
                                </div>
                            }
                        })
                    }}
                </div>
            </div>
            <p class="hint">"Chạm vào trang hoặc kéo khung để đặt vị trí; kéo chấm tròn để đổi cỡ."</p>
        </div>
    }
}

/// A PNG chosen for a key, remembered in this browser for next time.
#[component]
pub fn ImagePicker(
    key_id: RwSignal<String>,
    image: RwSignal<Option<Vec<u8>>>,
    #[prop(into)] label: String,
    testid: &'static str,
) -> impl IntoView {
    Effect::new(move |_| {
        let id = key_id.get();
        if !id.is_empty() {
            image.set(remembered_image(&id));
        }
    });
    view! {
        <div class="field">
            <label for=testid>{label}</label>
            {move || image.get().is_some().then(|| view! {
                <span class="chip" data-testid=format!("{testid}-ready")>"Đã có ảnh (lưu trên máy này)"</span>
            })}
            <input id=testid type="file" accept="image/png" data-testid=testid on:change=move |ev| {
                if let Some(f) = chosen_file(&ev) {
                    spawn_local(async move {
                        if let (Ok(png), Some(id)) = (file_bytes(&f).await, key_id.try_get_untracked()) {
                            remember_image(&id, &png);
                            image.set(Some(png));
                        }
                    });
                }
            } />
        </div>
    }
}

// ------------------------------------------------------------------------------ signing

/// What the signer chose.
#[derive(Clone)]
pub struct SignChoice {
    pub key_id: String,
    pub pin: String,
    pub image: Option<Vec<u8>>,
    /// Page and rectangle; `None`: the last page at the NĐ 30 position.
    pub placement: Option<(usize, Rect)>,
}

/// Signs the latest main file of `doc` and hands the signed revision to the server. The server's refusal comes
/// back as it is.
pub async fn sign_document(
    doc: &OutgoingDto,
    choice: &SignChoice,
    busy: Busy,
) -> Result<OutgoingDto, String> {
    let (main_id, _) = latest_files(doc)
        .into_iter()
        .next()
        .ok_or("Văn bản chưa có tệp.")?;
    set_busy(busy, "Đang tải văn bản…");
    let original = file_blob(doc.id, main_id).await?;
    let (page, rect) = match choice.placement {
        Some(p) => p,
        None => {
            let info = inspect(&original).await?;
            let last = info
                .pages
                .len()
                .checked_sub(1)
                .ok_or("Văn bản không có trang nào.")?;
            (last, Rect::nd30_signature(info.pages[last]))
        }
    };
    set_busy(busy, "Đang mở khoá và ký…");
    let answer = call(
        "sign",
        json!({
            "key_id": choice.key_id,
            "pin": choice.pin,
            "kind": "signer",
            "page": page,
            "rect": rect.array(),
            "text": doc.delegated_signature_line(),
        }),
        Some(&original),
        choice.image.as_deref(),
        Some(progress_of(busy, "Đang ký số…")),
    )
    .await?;
    let appended = answer.bytes.ok_or("Bộ ký số không trả về chữ ký.")?;
    let signed = worker::blob_appended(&original, &appended)?;
    let sha = upload(&signed, busy, "văn bản đã ký").await?;
    set_busy(busy, "Máy chủ đang kiểm tra chữ ký…");
    api::sign(doc.id, &SignRequest { main_sha256: sha })
        .await
        .map_err(|e| e.message())
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
    let pages = RwSignal::new(Vec::<PageInfo>::new());
    let page = RwSignal::new(0usize);
    let place = RwSignal::new(Rect {
        x: 360.0,
        y: 200.0,
        w: 170.0,
        h: 70.0,
    });
    let preview = RwSignal::new(None::<(serde_json::Value, Option<Vec<u8>>)>);
    let doc = StoredValue::new(doc);

    load_keys(keys, key_id, keys_loaded, error, |_| true);
    spawn_local(async move {
        let d = doc.get_value();
        let Some((main_id, _)) = latest_files(&d).into_iter().next() else {
            return;
        };
        set_busy(busy, "Đang tải văn bản…");
        let loaded = async {
            let blob = file_blob(d.id, main_id).await?;
            let info = inspect(&blob).await?;
            Ok::<_, String>((blob, info))
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
            Err(e) => error.set(Some(e)),
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
    let args = move || {
        json!({
            "key_id": key_id.get_untracked(),
            "kind": "signer",
            "page": page.get_untracked(),
            "rect": place.get_untracked().array(),
            "text": capacity_line,
        })
    };
    let show_preview = move |_| {
        error.set(None);
        if key_id.get_untracked().is_empty() {
            return;
        }
        preview.set(Some((args(), image.get_untracked())));
    };
    let sign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if key_id.get_untracked().is_empty() {
            error.set(Some("Chưa có khoá ký số trên máy này.".into()));
            return;
        }
        if pin.get_untracked().is_empty() {
            error.set(Some("Nhập mã PIN của khoá.".into()));
            return;
        }
        let choice = SignChoice {
            key_id: key_id.get_untracked(),
            pin: pin.get_untracked(),
            image: image.get_untracked(),
            placement: Some((page.get_untracked(), place.get_untracked())),
        };
        spawn_local(async move {
            let result = sign_document(&doc.get_value(), &choice, busy).await;
            busy.set(None);
            pin.set(String::new());
            match result {
                Ok(updated) => on_done.run(updated),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let has_key = move || keys.get().iter().any(|k| k.has_certificate);

    view! {
        <form class="task sign-task" data-testid="sign-task" on:submit=sign>
            <h3>"Ký số văn bản"</h3>
            {delegated_notice}
            {move || (keys_loaded.get() && !has_key()).then(|| view! { <NoKeyNotice what="khoá ký số có chứng thư" /> })}
            <KeyPicker keys key_id label="Khoá ký số" testid="sign-key" />
            <PlacementPreview
                file=file.into()
                pages=pages.into()
                page
                place
                preview
                label="Chữ ký"
                busy
            />
            <div class="field-row">
                <button type="button" class="btn btn-secondary" data-testid="preview-button"
                    disabled={move || file.get().is_none() || !has_key()} on:click=show_preview>"Xem trước hình chữ ký"</button>
                {move || preview.get().is_some().then(|| view! {
                    <button type="button" class="btn btn-ghost" data-testid="preview-back" on:click=move |_| preview.set(None)>"Chỉnh lại vị trí"</button>
                })}
            </div>
            <ImagePicker key_id image label="Ảnh chữ ký (PNG nền trong suốt, không bắt buộc)" testid="sign-image" />
            <div class="field">
                <label for="sign-pin">"Mã PIN của khoá"</label>
                <input id="sign-pin" type="password" inputmode="numeric" autocomplete="off" data-testid="sign-pin" bind:value=pin />
            </div>
            <BusyBar busy />
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert" data-testid="sign-error">{e}</div> })}
            // Not before the keys are read (the worker may still be drawing pages when the PIN is typed).
            <button type="submit" class="btn btn-primary btn-block" data-testid="action-sign"
                disabled={move || busy.get().is_some() || file.get().is_none() || key_id.get().is_empty()}>
                {move || if keys_loaded.get() { "Ký số" } else { "Đang đọc khoá ký số…" }}
            </button>
        </form>
    }
}
