//! The page's side of the signing worker (`worker/`): started on first use (never with the sign-in page),
//! requests matched to answers by id, progress reported as it comes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The worker's loader, written by trunk beside the app (see frontend/index.html).
const LOADER: &str = "/vanban_worker_loader.js";

pub type Progress = Box<dyn Fn(f64, f64)>;

struct Pending {
    resolve: js_sys::Function,
    reject: js_sys::Function,
    progress: Option<Progress>,
}

struct Inner {
    worker: web_sys::Worker,
    next_id: f64,
    pending: HashMap<u64, Pending>,
}

thread_local! {
    static WORKER: RefCell<Option<Rc<RefCell<Inner>>>> = const { RefCell::new(None) };
    static READY: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// An answer: its JSON and, for files, bytes.
pub struct Answer {
    pub json: String,
    pub bytes: Option<Vec<u8>>,
}

impl Answer {
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_str(&self.json).map_err(|e| format!("Trả lời không đọc được: {e}"))
    }
}

fn start() -> Result<(Rc<RefCell<Inner>>, Promise), String> {
    let worker = web_sys::Worker::new(LOADER)
        .map_err(|_| "Trình duyệt không chạy được bộ ký số.".to_string())?;
    let inner = Rc::new(RefCell::new(Inner {
        worker: worker.clone(),
        next_id: 1.0,
        pending: HashMap::new(),
    }));
    let mut ready_resolve: Option<js_sys::Function> = None;
    let ready = Promise::new(&mut |resolve, _| ready_resolve = Some(resolve));
    let ready_resolve = ready_resolve.expect("set by Promise::new");
    let for_messages = inner.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).ok();
            let id = get("id").and_then(|v| v.as_f64()).unwrap_or(-1.0);
            let kind = get("kind").and_then(|v| v.as_string()).unwrap_or_default();
            if id == 0.0 {
                let _ = ready_resolve.call0(&JsValue::NULL);
                return;
            }
            let key = id as u64;
            let mut inner = for_messages.borrow_mut();
            match kind.as_str() {
                "progress" => {
                    if let Some(p) = inner.pending.get(&key).and_then(|p| p.progress.as_ref()) {
                        let json = get("json").and_then(|v| v.as_string()).unwrap_or_default();
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&json) {
                            p(
                                v["done"].as_f64().unwrap_or(0.0),
                                v["total"].as_f64().unwrap_or(1.0),
                            );
                        }
                    }
                }
                "ok" => {
                    if let Some(p) = inner.pending.remove(&key) {
                        let _ = p.resolve.call1(&JsValue::NULL, &data);
                    }
                }
                _ => {
                    if let Some(p) = inner.pending.remove(&key) {
                        let _ = p.reject.call1(&JsValue::NULL, &data);
                    }
                }
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    Ok((inner, ready))
}

fn worker() -> Result<(Rc<RefCell<Inner>>, Promise), String> {
    if let Some(found) = WORKER.with(|w| w.borrow().clone()) {
        let ready = READY
            .with(|r| r.borrow().clone())
            .expect("set with the worker");
        return Ok((found, ready));
    }
    let (inner, ready) = start()?;
    WORKER.with(|w| *w.borrow_mut() = Some(inner.clone()));
    READY.with(|r| *r.borrow_mut() = Some(ready.clone()));
    Ok((inner, ready))
}

/// Sends one request and waits for its answer.
pub async fn call(
    op: &str,
    args: serde_json::Value,
    file: Option<&web_sys::Blob>,
    bytes: Option<&[u8]>,
    progress: Option<Progress>,
) -> Result<Answer, String> {
    let (inner, ready) = worker()?;
    JsFuture::from(ready)
        .await
        .map_err(|_| "Bộ ký số không khởi động được.".to_string())?;
    let id = {
        let mut i = inner.borrow_mut();
        let id = i.next_id;
        i.next_id += 1.0;
        id
    };
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"id".into(), &id.into());
    let _ = Reflect::set(&msg, &"op".into(), &op.into());
    let _ = Reflect::set(&msg, &"args".into(), &args.to_string().into());
    if let Some(f) = file {
        let _ = Reflect::set(&msg, &"file".into(), f);
    }
    if let Some(b) = bytes {
        let _ = Reflect::set(&msg, &"bytes".into(), &Uint8Array::from(b));
    }
    let mut pending = None;
    let promise = Promise::new(&mut |resolve, reject| {
        pending = Some(Pending {
            resolve,
            reject,
            progress: None,
        })
    });
    let mut pending = pending.expect("set by Promise::new");
    pending.progress = progress;
    {
        let mut i = inner.borrow_mut();
        i.pending.insert(id as u64, pending);
        i.worker
            .post_message(&msg)
            .map_err(|_| "Không gửi được yêu cầu tới bộ ký số.".to_string())?;
    }
    let field = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).ok();
    match JsFuture::from(promise).await {
        Ok(v) => Ok(Answer {
            json: field(&v, "json")
                .and_then(|j| j.as_string())
                .unwrap_or_default(),
            bytes: field(&v, "bytes")
                .and_then(|b| b.dyn_into::<Uint8Array>().ok())
                .map(|a| a.to_vec()),
        }),
        Err(v) => {
            let json = field(&v, "json")
                .and_then(|j| j.as_string())
                .unwrap_or_default();
            Err(serde_json::from_str::<String>(&json)
                .unwrap_or_else(|_| "Lỗi không xác định.".into()))
        }
    }
}

/// Offers bytes to the user as a file download.
pub fn download(bytes: &[u8], name: &str, mime: &str) {
    download_parts(&js_sys::Array::of1(&Uint8Array::from(bytes)), name, mime);
}

/// Offers `original` followed by `appended` as one file (an incremental update) without joining them in memory.
pub fn download_appended(original: &web_sys::Blob, appended: &[u8], name: &str, mime: &str) {
    let parts = js_sys::Array::of2(original, &Uint8Array::from(appended));
    download_parts(&parts, name, mime);
}

fn download_parts(array: &js_sys::Array, name: &str, mime: &str) {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_blob_sequence_and_options(array, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(a) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A Blob holding `bytes` (a downloaded file handed to the worker).
pub fn blob_of(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, String> {
    blob_of_parts(&js_sys::Array::of1(&Uint8Array::from(bytes)), mime)
}

/// `original` followed by `appended` (an incremental update) as one Blob, without joining them in memory.
pub fn blob_appended(original: &web_sys::Blob, appended: &[u8]) -> Result<web_sys::Blob, String> {
    blob_of_parts(
        &js_sys::Array::of2(original, &Uint8Array::from(appended)),
        "application/pdf",
    )
}

fn blob_of_parts(parts: &js_sys::Array, mime: &str) -> Result<web_sys::Blob, String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(parts, &options)
        .map_err(|_| "Trình duyệt không tạo được tệp.".to_string())
}

/// The bytes of a Blob (to upload it).
pub async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| "Không đọc được tệp.".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The lower-case hex SHA-256 of a Blob, computed by the worker (the name it is uploaded under).
pub async fn sha256(blob: &web_sys::Blob, progress: Option<Progress>) -> Result<String, String> {
    let answer = call("hash", serde_json::json!({}), Some(blob), None, progress).await?;
    let v: serde_json::Value = answer.parse()?;
    v["sha256"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "Không tính được mã băm của tệp.".to_string())
}

/// Draws the RGBA pixels of a "render" or "preview" answer into `canvas`, shown `css_width` pixels wide.
/// Returns the shown height in CSS pixels.
pub fn paint(canvas: &web_sys::HtmlCanvasElement, answer: Answer, css_width: f64) -> Option<f64> {
    let dims: serde_json::Value = answer.parse().ok()?;
    let (w, h) = (
        dims["width"].as_u64().unwrap_or(1) as u32,
        dims["height"].as_u64().unwrap_or(1) as u32,
    );
    let bytes = answer.bytes?;
    canvas.set_width(w);
    canvas.set_height(h);
    let css_height = css_width * f64::from(h) / f64::from(w.max(1));
    let _ = canvas.set_attribute(
        "style",
        &format!("width:{css_width}px;height:{css_height}px"),
    );
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.unchecked_into();
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&bytes[..]),
        w,
        h,
    )
    .ok()?;
    let _ = ctx.put_image_data(&data, 0.0, 0.0);
    Some(css_height)
}

/// The screen's pixels per CSS pixel, at most 2 (sharper pages without huge renders).
pub fn device_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .min(2.0)
}
