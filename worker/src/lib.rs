//! The two web workers of the document pages, off the page's thread (the page never freezes), each its own
//! WASM module loaded the first time a page needs it, so a document page that only shows a PDF never downloads
//! the signing core (issue 18: the first visit of a document page on a phone ≤ 2 MB):
//! - the render worker (binary `vanban_render`, `src/bin/render.rs`): draws pages with hayro and inspects a
//!   file (pages, signature fields, active content) with the core's PDF reader — [`pages`];
//! - the signing worker (binary `vanban_worker`, `src/bin/signing.rs`): hashes, verifies, signs, fills the
//!   number, lays out remote signatures, and keeps the sealed private keys in its own IndexedDB: key material
//!   never reaches the page, and the server never receives it — [`signing`]. For the placement preview it lays
//!   the signature out and asks a render worker of its own to draw the page ([`render_worker`]).
//!
//! Both read files in slices (a 200 MB file is hashed in bounded memory) and speak `shared::worker_protocol`
//! (a `WorkerRequest` in, `WorkerMessage`s out, with a `Blob` and bytes beside them); `work-ui/src/worker.rs`
//! is the page's side and sends each request to the worker that does it. This module is their common
//! plumbing: reading a request, answering it.

pub mod external;
pub mod fields;
pub mod keys;
pub mod pages;
pub mod reader;
pub mod render;
pub mod render_worker;
pub mod signing;

use std::future::Future;

use js_sys::{Object, Reflect, Uint8Array};
use shared::worker_protocol::{WorkerError, WorkerMessage, WorkerReply, WorkerRequest};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Where the messages about one request go.
pub struct Reply {
    pub id: f64,
}

impl Reply {
    fn post(&self, message: &WorkerMessage, bytes: Option<&[u8]>) {
        let msg = Object::new();
        let json = serde_json::to_string(message).unwrap_or_default();
        let _ = Reflect::set(&msg, &"id".into(), &self.id.into());
        let _ = Reflect::set(&msg, &"message".into(), &json.into());
        match bytes {
            Some(b) => {
                let array = Uint8Array::from(b);
                let _ = Reflect::set(&msg, &"bytes".into(), &array);
                let transfer = js_sys::Array::of1(&array.buffer());
                let _ = scope().post_message_with_transfer(&msg, &transfer);
            }
            None => {
                let _ = scope().post_message(&msg);
            }
        }
    }

    /// How far a long operation is.
    pub fn progress(&self, done: f64, total: f64) {
        self.post(&WorkerMessage::Progress { done, total }, None);
    }

    /// The final answer (or failure) of the request.
    pub fn finish(&self, result: Result<Answer, WorkerError>) {
        match result {
            Ok(answer) => self.post(&WorkerMessage::Reply(answer.reply), answer.bytes.as_deref()),
            Err(e) => self.post(&WorkerMessage::Failed(e), None),
        }
    }
}

/// What an operation gives back: the typed reply and, for pixels and appended bytes, a buffer to transfer.
pub struct Answer {
    pub reply: WorkerReply,
    pub bytes: Option<Vec<u8>>,
}

impl From<WorkerReply> for Answer {
    fn from(reply: WorkerReply) -> Self {
        Self { reply, bytes: None }
    }
}

/// A request as the page posted it: the operation, and the file and bytes beside it.
pub struct Posted {
    pub request: Result<WorkerRequest, WorkerError>,
    pub file: Option<web_sys::Blob>,
    pub bytes: Option<Vec<u8>>,
}

fn parse(data: &JsValue) -> Option<(f64, Posted)> {
    let get = |k: &str| Reflect::get(data, &k.into()).ok();
    let id = get("id")?.as_f64()?;
    let request = get("request")
        .and_then(|a| a.as_string())
        .ok_or_else(|| WorkerError::BadRequest("không có yêu cầu".into()))
        .and_then(|a| serde_json::from_str(&a).map_err(|e| WorkerError::BadRequest(e.to_string())));
    let file = get("file").and_then(|f| f.dyn_into::<web_sys::Blob>().ok());
    let bytes = get("bytes")
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .map(|a| a.to_vec());
    Some((
        id,
        Posted {
            request,
            file,
            bytes,
        },
    ))
}

/// Starts a worker: every request the page posts is handed to `handle` (which answers it through its
/// [`Reply`]), several at once if the page sends them so; then tells the page the worker is ready.
pub fn serve<F, Fut>(handle: F)
where
    F: Fn(Reply, Posted) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some((id, posted)) = parse(&event.data()) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(handle(Reply { id }, posted));
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    Reply { id: 0.0 }.post(&WorkerMessage::Ready, None);
}

/// A refusal of the signing core, in its own words (the core's errors are Vietnamese sentences).
pub fn core(e: impl std::fmt::Display) -> WorkerError {
    WorkerError::Core(e.to_string())
}

/// A request this worker does not do: the page sent it to the wrong one.
pub fn not_here(request: &WorkerRequest, worker: &str) -> WorkerError {
    let name = serde_json::to_value(request)
        .ok()
        .and_then(|v| v.get("op").and_then(|o| o.as_str()).map(str::to_owned))
        .unwrap_or_default();
    WorkerError::BadRequest(format!("{worker} không làm việc \"{name}\""))
}

/// Diagnostics: how much WASM memory the worker holds (it never shrinks, so this is its peak).
pub fn memory() -> WorkerReply {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    WorkerReply::Memory(shared::worker_protocol::MemoryUse {
        wasm_memory_bytes: f64::from(bytes),
    })
}
