//! The sealed keys in the worker's IndexedDB (database `vanban-khoa`, store `keys`): one JSON record per key.
//! Only the public parts ever leave the worker (in [`KeySummary`]).

use serde::{Deserialize, Serialize};
use shared::keystore::SealedKey;
use shared::worker_protocol::{KeySummary, WorkerError};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DB: &str = "vanban-khoa";
const STORE: &str = "keys";

#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    sealed: SealedKey,
}

fn unavailable() -> WorkerError {
    WorkerError::KeyStoreUnavailable
}

/// Waits for an IndexedDB request to finish and returns its result.
async fn done(request: &IdbRequest) -> Result<JsValue, WorkerError> {
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
    JsFuture::from(promise).await.map_err(|_| unavailable())
}

async fn open() -> Result<IdbDatabase, WorkerError> {
    let scope: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let factory = scope.indexed_db().ok().flatten().ok_or_else(unavailable)?;
    let request = factory.open_with_u32(DB, 1).map_err(|_| unavailable())?;
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

async fn store(mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, WorkerError> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(|_| unavailable())?;
    tx.object_store(STORE).map_err(|_| unavailable())
}

fn new_id() -> String {
    let mut b = [0u8; 12];
    getrandom_fill(&mut b);
    shared::hex(&b)
}

fn getrandom_fill(b: &mut [u8]) {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).expect("crypto");
    let array = js_sys::Uint8Array::new_with_length(b.len() as u32);
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into()).expect("getRandomValues");
    let _ = get
        .unchecked_ref::<js_sys::Function>()
        .call1(&crypto, &array);
    array.copy_to(b);
}

/// Stores a new key; returns its id.
pub async fn put(sealed: &SealedKey) -> Result<String, WorkerError> {
    let id = new_id();
    replace(&id, sealed).await?;
    Ok(id)
}

pub async fn replace(id: &str, sealed: &SealedKey) -> Result<(), WorkerError> {
    let json = serde_json::to_string(&Stored {
        id: id.to_string(),
        sealed: sealed.clone(),
    })
    .map_err(|e| WorkerError::Core(e.to_string()))?;
    let s = store(IdbTransactionMode::Readwrite).await?;
    let req = s
        .put_with_key(&JsValue::from_str(&json), &JsValue::from_str(id))
        .map_err(|_| unavailable())?;
    done(&req).await?;
    Ok(())
}

pub async fn get(id: &str) -> Result<SealedKey, WorkerError> {
    let s = store(IdbTransactionMode::Readonly).await?;
    let req = s.get(&JsValue::from_str(id)).map_err(|_| unavailable())?;
    let value = done(&req).await?;
    let json = value.as_string().ok_or(WorkerError::KeyNotFound)?;
    let stored: Stored = serde_json::from_str(&json)
        .map_err(|e| WorkerError::Core(format!("Dữ liệu khóa hỏng: {e}")))?;
    Ok(stored.sealed)
}

pub async fn delete(id: &str) -> Result<(), WorkerError> {
    let s = store(IdbTransactionMode::Readwrite).await?;
    let req = s
        .delete(&JsValue::from_str(id))
        .map_err(|_| unavailable())?;
    done(&req).await?;
    Ok(())
}

pub async fn list() -> Result<Vec<KeySummary>, WorkerError> {
    let s = store(IdbTransactionMode::Readonly).await?;
    let req = s.get_all().map_err(|_| unavailable())?;
    let values: js_sys::Array = done(&req).await?.unchecked_into();
    let mut out = Vec::new();
    for v in values.iter() {
        let Some(json) = v.as_string() else { continue };
        let Ok(stored) = serde_json::from_str::<Stored>(&json) else {
            continue;
        };
        let certs = stored.sealed.certificates().unwrap_or_default();
        let first = certs.first();
        out.push(KeySummary {
            id: stored.id,
            label: stored.sealed.label.clone(),
            has_certificate: first.is_some(),
            organization: first.and_then(|c| shared::pki::subject_names(c).1),
            issuer: first.map(|c| shared::pki::name_parts(c.tbs_certificate().issuer()).0),
            serial: first.map(shared::pki::serial_decimal),
            valid_until: first.map(|c| {
                let t = c
                    .tbs_certificate()
                    .validity()
                    .not_after
                    .to_unix_duration()
                    .as_millis() as i64;
                shared::time::Timestamp(t).to_display_vn()
            }),
        });
    }
    Ok(out)
}
