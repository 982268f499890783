//! The page's side of the two workers (`worker/`), speaking `shared::worker_protocol`: each started on first
//! use (never with the sign-in page), requests matched to answers by id, progress reported as it comes, pixels
//! and appended bytes transferred rather than copied. One function per operation. Drawing and inspecting go to
//! the render worker, everything else to the signing worker, so a document page that only shows its PDF, or
//! lists the keys beside a signing task's PIN field, never downloads the signing core.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Uint8Array};
use shared::client::ClientError;
use shared::worker_protocol::{
    FillNumber, GeneratedKey, HashEngine, HashResult, Inspection, KeySummary, Pixels, SignOptions,
    SignatureCheck, WorkerMessage, WorkerReply, WorkerRequest,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Which worker does an operation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// hayro and the PDF reader: what a document page needs to show its file.
    Render,
    /// The signing core and the keys.
    Signing,
}

impl Kind {
    fn of(request: &WorkerRequest) -> Self {
        match request {
            WorkerRequest::Inspect | WorkerRequest::Render { .. } => Self::Render,
            _ => Self::Signing,
        }
    }

    /// The worker's loader, written beside the app by scripts/build-frontend.sh.
    fn loader(self) -> &'static str {
        match self {
            Self::Render => "/vanban_render_loader.js",
            Self::Signing => "/vanban_worker_loader.js",
        }
    }
}

/// Called with (bytes done, bytes in all) while a long operation runs.
pub type Progress = Box<dyn Fn(f64, f64)>;

struct Pending {
    resolve: js_sys::Function,
    progress: Option<Progress>,
}

struct Inner {
    worker: web_sys::Worker,
    pending: HashMap<u64, Pending>,
}

/// A started worker, and the promise it resolves once ready.
type Started = (Rc<RefCell<Inner>>, Promise);

thread_local! {
    static WORKERS: RefCell<HashMap<Kind, Started>> = RefCell::new(HashMap::new());
    /// Request ids, one sequence for both workers (their answers meet in `SETTLED`).
    static NEXT_ID: Cell<f64> = const { Cell::new(1.0) };
}

/// A finished operation: the typed reply and, for pixels and appended bytes, the buffer beside it.
pub struct Answer {
    pub reply: WorkerReply,
    pub bytes: Option<Vec<u8>>,
}

/// A message as it arrived: the parsed message and the transferred bytes.
fn read_message(data: &JsValue) -> Option<(u64, WorkerMessage, Option<Vec<u8>>)> {
    let get = |k: &str| Reflect::get(data, &k.into()).ok();
    let id = get("id")?.as_f64()? as u64;
    let message = serde_json::from_str(&get("message")?.as_string()?).ok()?;
    let bytes = get("bytes")
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .map(|a| a.to_vec());
    Some((id, message, bytes))
}

/// What a pending request's promise resolves with: the message and the bytes, kept on the Rust side.
type Settled = Rc<RefCell<HashMap<u64, (WorkerMessage, Option<Vec<u8>>)>>>;

thread_local! {
    static SETTLED: Settled = Rc::new(RefCell::new(HashMap::new()));
}

fn start(kind: Kind) -> Result<Started, ClientError> {
    let worker = web_sys::Worker::new(kind.loader()).map_err(|_| ClientError::WorkerUnavailable)?;
    let inner = Rc::new(RefCell::new(Inner {
        worker: worker.clone(),
        pending: HashMap::new(),
    }));
    let mut ready_resolve: Option<js_sys::Function> = None;
    let ready = Promise::new(&mut |resolve, _| ready_resolve = Some(resolve));
    let ready_resolve = ready_resolve.expect("set by Promise::new");
    let for_messages = inner.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some((id, message, bytes)) = read_message(&e.data()) else {
                return;
            };
            let mut inner = for_messages.borrow_mut();
            match message {
                WorkerMessage::Ready => {
                    let _ = ready_resolve.call0(&JsValue::NULL);
                }
                WorkerMessage::Progress { done, total } => {
                    if let Some(p) = inner.pending.get(&id).and_then(|p| p.progress.as_ref()) {
                        p(done, total);
                    }
                }
                finished => {
                    if let Some(p) = inner.pending.remove(&id) {
                        SETTLED.with(|s| s.borrow_mut().insert(id, (finished, bytes)));
                        let _ = p.resolve.call0(&JsValue::NULL);
                    }
                }
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    Ok((inner, ready))
}

fn worker(kind: Kind) -> Result<Started, ClientError> {
    if let Some(found) = WORKERS.with(|w| w.borrow().get(&kind).cloned()) {
        return Ok(found);
    }
    let started = start(kind)?;
    WORKERS.with(|w| w.borrow_mut().insert(kind, started.clone()));
    Ok(started)
}

/// Sends one request (with the file it reads and small bytes beside it) and waits for its answer.
pub async fn call(
    request: &WorkerRequest,
    file: Option<&web_sys::Blob>,
    bytes: Option<&[u8]>,
    progress: Option<Progress>,
) -> Result<Answer, ClientError> {
    let (inner, ready) = worker(Kind::of(request))?;
    JsFuture::from(ready)
        .await
        .map_err(|_| ClientError::WorkerUnavailable)?;
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1.0));
    let json = serde_json::to_string(request).map_err(|_| ClientError::WorkerUnavailable)?;
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"id".into(), &id.into());
    let _ = Reflect::set(&msg, &"request".into(), &json.into());
    if let Some(f) = file {
        let _ = Reflect::set(&msg, &"file".into(), f);
    }
    if let Some(b) = bytes {
        let _ = Reflect::set(&msg, &"bytes".into(), &Uint8Array::from(b));
    }
    let mut resolve = None;
    let promise = Promise::new(&mut |ok, _| resolve = Some(ok));
    let pending = Pending {
        resolve: resolve.expect("set by Promise::new"),
        progress,
    };
    {
        let mut i = inner.borrow_mut();
        i.pending.insert(id as u64, pending);
        i.worker
            .post_message(&msg)
            .map_err(|_| ClientError::WorkerUnavailable)?;
    }
    JsFuture::from(promise)
        .await
        .map_err(|_| ClientError::WorkerUnavailable)?;
    let settled = SETTLED.with(|s| s.borrow_mut().remove(&(id as u64)));
    match settled {
        Some((WorkerMessage::Reply(reply), bytes)) => Ok(Answer { reply, bytes }),
        Some((WorkerMessage::Failed(e), _)) => Err(ClientError::Worker(e)),
        _ => Err(ClientError::WorkerUnavailable),
    }
}

/// The worker answered with another kind of reply than the operation has (a page and a worker of different
/// versions).
fn unexpected() -> ClientError {
    ClientError::WorkerUnavailable
}

/// The lower-case hex SHA-256 of a Blob, with how it was computed.
pub async fn hash(
    blob: &web_sys::Blob,
    progress: Option<Progress>,
) -> Result<HashResult, ClientError> {
    let request = WorkerRequest::Hash {
        engine: HashEngine::Auto,
    };
    match call(&request, Some(blob), None, progress).await?.reply {
        WorkerReply::Hashed(h) => Ok(h),
        _ => Err(unexpected()),
    }
}

/// The lower-case hex SHA-256 of a Blob (the name it is uploaded under).
pub async fn sha256(
    blob: &web_sys::Blob,
    progress: Option<Progress>,
) -> Result<String, ClientError> {
    Ok(hash(blob, progress).await?.sha256)
}

/// Pages, signatures and active content of a PDF.
pub async fn inspect(blob: &web_sys::Blob) -> Result<Inspection, ClientError> {
    match call(&WorkerRequest::Inspect, Some(blob), None, None)
        .await?
        .reply
    {
        WorkerReply::Inspected(i) => Ok(i),
        _ => Err(unexpected()),
    }
}

/// Every signature of a PDF checked against the province's trust anchors, and revocation at the signing time
/// against the CRLs the server holds.
pub async fn verify(
    blob: &web_sys::Blob,
    trust: shared::pdf::TrustAnchorsResponse,
    progress: Option<Progress>,
) -> Result<Vec<SignatureCheck>, ClientError> {
    let request = WorkerRequest::Verify {
        trust: trust.anchors,
        crls: trust.crls,
    };
    match call(&request, Some(blob), None, progress).await?.reply {
        WorkerReply::Verified(r) => Ok(r),
        _ => Err(unexpected()),
    }
}

/// A page drawn by the worker: its size in device pixels and the RGBA bytes.
pub struct Picture {
    pub pixels: Pixels,
    pub rgba: Vec<u8>,
}

fn picture(answer: Answer) -> Result<Picture, ClientError> {
    match (answer.reply, answer.bytes) {
        (WorkerReply::Rendered(pixels), Some(rgba)) => Ok(Picture { pixels, rgba }),
        _ => Err(unexpected()),
    }
}

/// Draws page `page` (from 0) `width` device pixels wide.
pub async fn render(blob: &web_sys::Blob, page: usize, width: f64) -> Result<Picture, ClientError> {
    picture(
        call(
            &WorkerRequest::Render { page, width },
            Some(blob),
            None,
            None,
        )
        .await?,
    )
}

/// Draws the page as it will look once signed with `sign` (and the image PNG), without opening the key. With
/// `certificates` (a remote credential's chain), the names come from them instead of a key of this browser.
pub async fn preview(
    blob: &web_sys::Blob,
    sign: SignOptions,
    certificates: Vec<String>,
    image: Option<&[u8]>,
    width: f64,
) -> Result<Picture, ClientError> {
    picture(
        call(
            &WorkerRequest::Preview {
                sign,
                width,
                certificates,
            },
            Some(blob),
            image,
            None,
        )
        .await?,
    )
}

/// An incremental update made by the worker: the size of the whole updated file and the bytes to append.
pub struct Appended {
    pub size: f64,
    pub bytes: Vec<u8>,
}

fn appended(answer: Answer) -> Result<Appended, ClientError> {
    match (answer.reply, answer.bytes) {
        (WorkerReply::Appended(a), Some(bytes)) => Ok(Appended {
            size: a.size,
            bytes,
        }),
        _ => Err(unexpected()),
    }
}

/// Signs a PDF with a key of this browser (and the image PNG).
pub async fn sign(
    blob: &web_sys::Blob,
    options: SignOptions,
    image: Option<&[u8]>,
    progress: Option<Progress>,
) -> Result<Appended, ClientError> {
    appended(call(&WorkerRequest::Sign(options), Some(blob), image, progress).await?)
}

/// Lays out a signature for a remote credential (its chain, base64 DER) and hashes it; the worker keeps the
/// layout for [`finish_external`]. Returns the SHA-256 the service must sign (hex).
pub async fn begin_external(
    blob: &web_sys::Blob,
    sign: SignOptions,
    certificates: Vec<String>,
    image: Option<&[u8]>,
    progress: Option<Progress>,
) -> Result<String, ClientError> {
    match call(
        &WorkerRequest::BeginExternal { sign, certificates },
        Some(blob),
        image,
        progress,
    )
    .await?
    .reply
    {
        WorkerReply::ExternalHash { hash } => Ok(hash),
        _ => Err(unexpected()),
    }
}

/// Puts the service's signature value (base64) into the layout of the last [`begin_external`].
pub async fn finish_external(signature: String) -> Result<Appended, ClientError> {
    appended(
        call(
            &WorkerRequest::FinishExternal { signature },
            None,
            None,
            None,
        )
        .await?,
    )
}

/// Writes the number and date into the reserved fields of a signed PDF.
pub async fn fill(blob: &web_sys::Blob, number: FillNumber) -> Result<Appended, ClientError> {
    appended(call(&WorkerRequest::Fill(number), Some(blob), None, None).await?)
}

async fn keys_reply(
    request: WorkerRequest,
    bytes: Option<&[u8]>,
) -> Result<Vec<KeySummary>, ClientError> {
    match call(&request, None, bytes, None).await?.reply {
        WorkerReply::Keys(k) => Ok(k),
        _ => Err(unexpected()),
    }
}

/// Starts the signing worker ahead of its first request, when a PIN field gets the focus: the signing core
/// downloads while the PIN is typed rather than after the button, and not at all for who only reads.
pub fn warm_signing() {
    let _ = worker(Kind::Signing);
}

/// The keys kept in this browser: their summaries read from the key store when every key has one, so that a
/// signing task shows its keys without downloading the signing core (it comes with the PIN, when signing);
/// else from the signing worker, which writes the missing summaries in.
pub async fn list_keys() -> Result<Vec<KeySummary>, ClientError> {
    if let Some(keys) = client::key_store::summaries().await {
        return Ok(keys);
    }
    keys_reply(WorkerRequest::ListKeys, None).await
}

/// Forgets a key; the keys left.
pub async fn delete_key(id: String) -> Result<Vec<KeySummary>, ClientError> {
    keys_reply(WorkerRequest::DeleteKey { id }, None).await
}

/// Imports a PKCS#12 file sealed under a new PIN; the keys now.
pub async fn import_p12(
    p12: &[u8],
    p12_pin: String,
    pin: String,
) -> Result<Vec<KeySummary>, ClientError> {
    keys_reply(WorkerRequest::ImportP12 { p12_pin, pin }, Some(p12)).await
}

/// Attaches the certificate chain (PEM) issued for a key; the keys now.
pub async fn attach_certificate(id: String, pem: String) -> Result<Vec<KeySummary>, ClientError> {
    keys_reply(WorkerRequest::AttachCertificate { id, pem }, None).await
}

/// Makes a key pair sealed under `pin` and its certificate request.
pub async fn generate_key(
    name: String,
    organization: Option<String>,
    pin: String,
) -> Result<GeneratedKey, ClientError> {
    let request = WorkerRequest::GenerateKey {
        name,
        organization,
        pin,
    };
    match call(&request, None, None, None).await?.reply {
        WorkerReply::KeyGenerated(k) => Ok(k),
        _ => Err(unexpected()),
    }
}

/// Draws a picture into `canvas`, shown `css_width` pixels wide. Returns the shown height in CSS pixels.
pub fn paint(
    canvas: &web_sys::HtmlCanvasElement,
    picture: &Picture,
    css_width: f64,
) -> Option<f64> {
    let Pixels {
        width: w,
        height: h,
    } = picture.pixels;
    canvas.set_width(w);
    canvas.set_height(h);
    let css_height = css_width * f64::from(h) / f64::from(w.max(1));
    let _ = canvas.set_attribute(
        "style",
        &format!("width:{css_width}px;height:{css_height}px"),
    );
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.unchecked_into();
    let data = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&picture.rgba[..]),
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
