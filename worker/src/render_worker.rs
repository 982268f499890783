//! The signing worker's own render worker, for the placement preview: the signing worker lays the signature
//! out, a render worker (started on the first preview, then kept) draws the page of the result. hayro is thus
//! in the render worker only, and the signing worker stays the signing core. It speaks the same protocol as
//! the page does with it (`work-ui/src/worker.rs`): a `Ready` first, then answers matched to requests by id.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use shared::worker_protocol::{Pixels, WorkerError, WorkerMessage, WorkerReply, WorkerRequest};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::{Answer, core};

/// The render worker's loader, beside the page's (scripts/build-frontend.sh writes it).
const LOADER: &str = "/vanban_render_loader.js";

/// A message of the render worker: the parsed message and the transferred pixels.
type Settled = (WorkerMessage, Option<Vec<u8>>);

struct Renderer {
    worker: web_sys::Worker,
    ready: Promise,
    next_id: f64,
    /// Each request's promise resolver, until its answer arrives.
    pending: HashMap<u64, js_sys::Function>,
    settled: HashMap<u64, Settled>,
}

thread_local! {
    static RENDERER: RefCell<Option<Rc<RefCell<Renderer>>>> = const { RefCell::new(None) };
}

fn unavailable() -> WorkerError {
    core("không khởi động được bộ hiển thị trang")
}

fn start() -> Result<Rc<RefCell<Renderer>>, WorkerError> {
    let worker = web_sys::Worker::new(LOADER).map_err(|_| unavailable())?;
    let mut ready_resolve: Option<js_sys::Function> = None;
    let ready = Promise::new(&mut |resolve, _| ready_resolve = Some(resolve));
    let ready_resolve = ready_resolve.expect("set by Promise::new");
    let renderer = Rc::new(RefCell::new(Renderer {
        worker: worker.clone(),
        ready,
        next_id: 1.0,
        pending: HashMap::new(),
        settled: HashMap::new(),
    }));
    let for_messages = renderer.clone();
    let onmessage =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).ok();
            let Some(id) = get("id").and_then(|i| i.as_f64()) else {
                return;
            };
            let Some(message) = get("message")
                .and_then(|m| m.as_string())
                .and_then(|m| serde_json::from_str::<WorkerMessage>(&m).ok())
            else {
                return;
            };
            let bytes = get("bytes")
                .and_then(|b| b.dyn_into::<Uint8Array>().ok())
                .map(|a| a.to_vec());
            let mut r = for_messages.borrow_mut();
            match message {
                WorkerMessage::Ready => {
                    let _ = ready_resolve.call0(&JsValue::NULL);
                }
                // Reading a preview's bytes is quick; the page shows the signing worker's own progress.
                WorkerMessage::Progress { .. } => {}
                finished => {
                    let id = id as u64;
                    if let Some(resolve) = r.pending.remove(&id) {
                        r.settled.insert(id, (finished, bytes));
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                }
            }
        });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as this one; so does its handler.
    onmessage.forget();
    Ok(renderer)
}

fn renderer() -> Result<Rc<RefCell<Renderer>>, WorkerError> {
    if let Some(found) = RENDERER.with(|r| r.borrow().clone()) {
        return Ok(found);
    }
    let started = start()?;
    RENDERER.with(|r| *r.borrow_mut() = Some(started.clone()));
    Ok(started)
}

/// Draws page `page` of the file made of `parts` (the document and what the signature appends), `width`
/// device pixels wide.
pub async fn render(parts: &[&[u8]], page: usize, width: f64) -> Result<Answer, WorkerError> {
    let renderer = renderer()?;
    let ready = renderer.borrow().ready.clone();
    JsFuture::from(ready).await.map_err(|_| unavailable())?;
    let sequence = Array::new();
    for part in parts {
        sequence.push(&Uint8Array::from(*part));
    }
    let file = web_sys::Blob::new_with_u8_array_sequence(&sequence).map_err(|_| unavailable())?;
    let request = serde_json::to_string(&WorkerRequest::Render { page, width })
        .map_err(|e| WorkerError::BadRequest(e.to_string()))?;
    let mut resolve = None;
    let answered = Promise::new(&mut |ok, _| resolve = Some(ok));
    let id = {
        let mut r = renderer.borrow_mut();
        let id = r.next_id;
        r.next_id += 1.0;
        r.pending
            .insert(id as u64, resolve.expect("set by Promise::new"));
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &id.into());
        let _ = Reflect::set(&msg, &"request".into(), &request.into());
        let _ = Reflect::set(&msg, &"file".into(), &file);
        r.worker.post_message(&msg).map_err(|_| unavailable())?;
        id as u64
    };
    JsFuture::from(answered).await.map_err(|_| unavailable())?;
    let settled = renderer.borrow_mut().settled.remove(&id);
    match settled {
        Some((WorkerMessage::Reply(WorkerReply::Rendered(Pixels { width, height })), bytes)) => {
            Ok(Answer {
                reply: WorkerReply::Rendered(Pixels { width, height }),
                bytes,
            })
        }
        Some((WorkerMessage::Failed(e), _)) => Err(e),
        _ => Err(WorkerError::Unrenderable),
    }
}
