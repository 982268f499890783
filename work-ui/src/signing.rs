//! The signing work the document pages share: a document's files as Blobs (downloaded once per page load),
//! uploading a finished file under its SHA-256, the keys of this browser, and the drawn page with its
//! placement box.

mod placement_preview;
pub mod remote;

pub use placement_preview::{PlacementPreview, render_notice};

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::outgoing::OutgoingDto;
use shared::worker_protocol::KeySummary;

use crate::components::{Busy, progress_of, set_busy};
use crate::{api, files, worker};

thread_local! {
    /// Files by address (their bytes never change): the page view, the signer and the clerk share one download.
    static FILES: std::cell::RefCell<Vec<(String, web_sys::Blob)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One file of an outgoing document as a Blob, downloaded once per page load.
pub async fn file_blob(doc_id: i64, file_id: i64) -> Result<web_sys::Blob, ClientError> {
    blob_at(&shared::api::outgoing_file(doc_id, file_id)).await
}

/// The file at an API address (of an outgoing or an incoming document) as a Blob, downloaded once per page load.
pub async fn blob_at(url: &str) -> Result<web_sys::Blob, ClientError> {
    if let Some(b) = FILES.with(|f| {
        f.borrow()
            .iter()
            .find(|(u, _)| u == url)
            .map(|(_, b)| b.clone())
    }) {
        return Ok(b);
    }
    let bytes = api::url_bytes(url).await?;
    let blob = files::blob_of(&bytes, "application/pdf")?;
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
pub async fn upload(blob: &web_sys::Blob, busy: Busy, what: &str) -> Result<String, ClientError> {
    set_busy(busy, &format!("Đang tính mã băm {what}…"));
    let sha = worker::sha256(blob, Some(progress_of(busy, "Đang tính mã băm…"))).await?;
    set_busy(busy, &format!("Đang tải lên {what}…"));
    let bytes = files::blob_bytes(blob).await?;
    api::upload_bytes(&sha, &bytes).await?;
    Ok(sha)
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
        match worker::list_keys().await {
            Ok(k) => {
                let usable: Vec<&KeySummary> = k.iter().filter(|k| k.has_certificate).collect();
                if let Some(first) = usable.iter().find(|k| prefer(k)).or_else(|| usable.first()) {
                    key_id.set(first.id.clone());
                }
                keys.set(k);
            }
            Err(e) => error.set(Some(e.message())),
        }
        loaded.set(true);
    });
}
