//! The signing web worker. The page posts it requests; it runs the shared PDF/crypto core and the page renderer
//! off the page's thread (the page never freezes), reads files in slices (a 200 MB file is hashed in bounded
//! memory), and keeps the sealed private keys in its own IndexedDB: key material never reaches the page, and the
//! server never receives it.
//!
//! Protocol: the page posts `{id, op, args (JSON text), file?: Blob, bytes?: Uint8Array}`; the worker answers
//! `{id, kind: "progress" | "ok" | "error", json (text), bytes?: Uint8Array}`. See `frontend/src/signing/worker.rs`.

mod keys;
mod ops;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// One answer to the page.
pub struct Reply {
    pub id: f64,
}

impl Reply {
    fn post(&self, kind: &str, json: &str, bytes: Option<&[u8]>) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &self.id.into());
        let _ = Reflect::set(&msg, &"kind".into(), &kind.into());
        let _ = Reflect::set(&msg, &"json".into(), &json.into());
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

    pub fn progress(&self, done: f64, total: f64) {
        self.post(
            "progress",
            &format!("{{\"done\":{done},\"total\":{total}}}"),
            None,
        );
    }

    pub fn ok(&self, value: &impl serde::Serialize, bytes: Option<&[u8]>) {
        let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
        self.post("ok", &json, bytes);
    }

    pub fn error(&self, message: &str) {
        let json = serde_json::to_string(message).unwrap_or_default();
        self.post("error", &json, None);
    }
}

/// A request as the page sent it.
pub struct Request {
    pub op: String,
    pub args: serde_json::Value,
    pub file: Option<web_sys::Blob>,
    pub bytes: Option<Vec<u8>>,
}

fn parse(data: &JsValue) -> Option<(f64, Request)> {
    let get = |k: &str| Reflect::get(data, &k.into()).ok();
    let id = get("id")?.as_f64()?;
    let op = get("op")?.as_string()?;
    let args = get("args")
        .and_then(|a| a.as_string())
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or(serde_json::Value::Null);
    let file = get("file").and_then(|f| f.dyn_into::<web_sys::Blob>().ok());
    let bytes = get("bytes")
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .map(|a| a.to_vec());
    Some((
        id,
        Request {
            op,
            args,
            file,
            bytes,
        },
    ))
}

fn main() {
    console_error_panic_hook::set_once();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some((id, request)) = parse(&event.data()) else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let reply = Reply { id };
            if let Err(message) = ops::handle(&reply, request).await {
                reply.error(&message);
            }
        });
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    Reply { id: 0.0 }.ok(&"ready", None);
}
