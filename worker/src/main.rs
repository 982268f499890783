//! The signing web worker. The page posts it requests; it runs the shared PDF/crypto core and the page renderer
//! off the page's thread (the page never freezes), reads files in slices (a 200 MB file is hashed in bounded
//! memory), and keeps the sealed private keys in its own IndexedDB: key material never reaches the page, and the
//! server never receives it.
//!
//! Protocol: typed in `shared::worker_protocol` (a `WorkerRequest` in, `WorkerMessage`s out, with a `Blob` and
//! bytes beside them); `work-ui/src/worker.rs` is the page's side. One function per operation in [`ops`].

mod external;
mod fields;
mod keys;
mod ops;
mod reader;
mod render;

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

    fn finish(&self, result: Result<Answer, WorkerError>) {
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

fn main() {
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some((id, posted)) = parse(&event.data()) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let reply = Reply { id };
            let result = ops::run(&reply, posted).await;
            reply.finish(result);
        });
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    Reply { id: 0.0 }.post(&WorkerMessage::Ready, None);
}
