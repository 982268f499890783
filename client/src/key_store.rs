//! The browser's key store: IndexedDB database `vanban-khoa`, object store `keys`, one JSON record per key under
//! its id. The signing worker writes it (the sealed key, and the key's public summary beside it); the page reads
//! the summaries straight from it, so that listing the keys beside a PIN field does not download the signing
//! core (about 1 MB on a phone's first visit: docs/BENCHMARKS.md, issue 18). One home for the database's name,
//! version and layout: both sides open it here, in a window or in a worker alike.

use serde::Deserialize;
use shared::worker_protocol::KeySummary;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbFactory, IdbObjectStore, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "vanban-khoa";
/// Version 1 made the store; a later layout bumps it and says how to upgrade in `open`.
const VERSION: u32 = 1;
const STORE: &str = "keys";

/// IndexedDB is missing (a private window of some browsers) or refused the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unavailable;

/// Waits for an IndexedDB request to finish and returns its result.
async fn done(request: &IdbRequest) -> Result<JsValue, Unavailable> {
    let req = request.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move |_e: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let fail = Closure::once_into_js(move |_e: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("idb"));
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(|_| Unavailable)
}

/// `indexedDB` of the global scope, the page's window or the worker's scope.
fn factory() -> Result<IdbFactory, Unavailable> {
    js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into())
        .ok()
        .filter(|f| !f.is_undefined() && !f.is_null())
        .map(|f| f.unchecked_into())
        .ok_or(Unavailable)
}

/// Opens the database, making the store on first use. Whoever opens it first (the page listing no keys yet,
/// or the worker storing the first one) makes the same layout.
async fn open() -> Result<IdbDatabase, Unavailable> {
    let request = factory()?
        .open_with_u32(DATABASE, VERSION)
        .map_err(|_| Unavailable)?;
    let upgrade = Closure::once_into_js(move |e: web_sys::Event| {
        let target: web_sys::IdbOpenDbRequest = e.target().expect("target").unchecked_into();
        if let Ok(result) = target.result() {
            let db: IdbDatabase = result.unchecked_into();
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(done(&request).await?.unchecked_into())
}

async fn store(mode: IdbTransactionMode) -> Result<IdbObjectStore, Unavailable> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(|_| Unavailable)?;
    tx.object_store(STORE).map_err(|_| Unavailable)
}

/// Every record, as the JSON text it was stored as.
pub async fn records() -> Result<Vec<String>, Unavailable> {
    let req = store(IdbTransactionMode::Readonly)
        .await?
        .get_all()
        .map_err(|_| Unavailable)?;
    let values: js_sys::Array = done(&req).await?.unchecked_into();
    Ok(values.iter().filter_map(|v| v.as_string()).collect())
}

/// The record of one key, if there is one.
pub async fn record(id: &str) -> Result<Option<String>, Unavailable> {
    let req = store(IdbTransactionMode::Readonly)
        .await?
        .get(&JsValue::from_str(id))
        .map_err(|_| Unavailable)?;
    Ok(done(&req).await?.as_string())
}

/// Writes (or replaces) the record of a key.
pub async fn put(id: &str, json: &str) -> Result<(), Unavailable> {
    let req = store(IdbTransactionMode::Readwrite)
        .await?
        .put_with_key(&JsValue::from_str(json), &JsValue::from_str(id))
        .map_err(|_| Unavailable)?;
    done(&req).await.map(|_| ())
}

pub async fn delete(id: &str) -> Result<(), Unavailable> {
    let req = store(IdbTransactionMode::Readwrite)
        .await?
        .delete(&JsValue::from_str(id))
        .map_err(|_| Unavailable)?;
    done(&req).await.map(|_| ())
}

/// The part of a record the page reads: the summary the worker wrote beside the sealed key. Records written
/// before it did have none.
#[derive(Deserialize)]
struct SummaryOnly {
    #[serde(default)]
    summary: Option<KeySummary>,
}

/// The keys' summaries, read without the signing worker; `None` when a record has no summary yet (the worker
/// then lists the keys, and writes the summaries in for the next time) or the store cannot be read.
pub async fn summaries() -> Option<Vec<KeySummary>> {
    let mut out = Vec::new();
    for json in records().await.ok()? {
        out.push(serde_json::from_str::<SummaryOnly>(&json).ok()?.summary?);
    }
    Some(out)
}
