//! The sealed keys in the browser's key store (`client::key_store`: IndexedDB, one JSON record per key). Only
//! the public parts ever leave the worker: the [`KeySummary`], which each record also carries in clear, so that
//! the page lists the keys without starting this worker.

use client::key_store;
use serde::{Deserialize, Serialize};
use shared::keystore::SealedKey;
use shared::worker_protocol::{KeySummary, WorkerError};
use wasm_bindgen::JsCast;

#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    sealed: SealedKey,
    /// What the page shows of the key (its label and its certificate's public fields), written with it. Records
    /// stored before it was have none: `list` writes it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<KeySummary>,
}

fn unavailable(_: key_store::Unavailable) -> WorkerError {
    WorkerError::KeyStoreUnavailable
}

/// The public parts of a sealed key: its label and its certificate's names, serial and end of validity.
fn summary_of(id: &str, sealed: &SealedKey) -> KeySummary {
    let certs = sealed.certificates().unwrap_or_default();
    let first = certs.first();
    KeySummary {
        id: id.to_string(),
        label: sealed.label.clone(),
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
    }
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
    write(id, sealed, summary_of(id, sealed)).await
}

/// Writes a key's record: the sealed key and its summary.
async fn write(id: &str, sealed: &SealedKey, summary: KeySummary) -> Result<(), WorkerError> {
    let json = serde_json::to_string(&Stored {
        id: id.to_string(),
        sealed: sealed.clone(),
        summary: Some(summary),
    })
    .map_err(|e| WorkerError::Core(e.to_string()))?;
    key_store::put(id, &json).await.map_err(unavailable)
}

pub async fn get(id: &str) -> Result<SealedKey, WorkerError> {
    let json = key_store::record(id)
        .await
        .map_err(unavailable)?
        .ok_or(WorkerError::KeyNotFound)?;
    let stored: Stored = serde_json::from_str(&json)
        .map_err(|e| WorkerError::Core(format!("Dữ liệu khóa hỏng: {e}")))?;
    Ok(stored.sealed)
}

pub async fn delete(id: &str) -> Result<(), WorkerError> {
    key_store::delete(id).await.map_err(unavailable)
}

/// Every key's summary. A record without one (stored before summaries were) gets it written in, so that the
/// page reads it without this worker next time.
pub async fn list() -> Result<Vec<KeySummary>, WorkerError> {
    let mut out = Vec::new();
    for json in key_store::records().await.map_err(unavailable)? {
        let Ok(stored) = serde_json::from_str::<Stored>(&json) else {
            continue;
        };
        match stored.summary {
            Some(summary) => out.push(summary),
            None => {
                let summary = summary_of(&stored.id, &stored.sealed);
                // A failed write only means the worker is asked again next time.
                let _ = write(&stored.id, &stored.sealed, summary.clone()).await;
                out.push(summary);
            }
        }
    }
    Ok(out)
}
