//! The signing work the document pages share: a document's files as Blobs (downloaded once per page load),
//! uploading a finished file under its SHA-256, the keys of this browser, and the drawn page with its
//! placement box.

mod placement_preview;
pub mod remote;

pub use placement_preview::{PlacementPreview, render_notice};

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::client::ClientError;
use shared::outgoing::OutgoingDto;
use shared::worker_protocol::KeySummary;

use crate::components::{Busy, progress_of, set_busy};
use crate::{api, files, worker};

/// A file's download, which every page part asking for it while it runs awaits too.
type Download = Shared<LocalBoxFuture<'static, Result<web_sys::Blob, ClientError>>>;

thread_local! {
    /// Files by address (their bytes never change), with the downloads still running: the page view, the signer
    /// and the clerk share one download, also when they ask at the same moment as a signing task opens (a
    /// leader's phone fetched its document twice before).
    static FILES: std::cell::RefCell<Vec<(String, Download)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One file of an outgoing document as a Blob, downloaded once per page load.
pub async fn file_blob(doc_id: i64, file_id: i64) -> Result<web_sys::Blob, ClientError> {
    blob_at(&shared::api::outgoing_file(doc_id, file_id)).await
}

/// The file at an API address (of an outgoing or an incoming document) as a Blob, downloaded once per page load.
pub async fn blob_at(url: &str) -> Result<web_sys::Blob, ClientError> {
    let download = FILES.with(|f| {
        let mut f = f.borrow_mut();
        if let Some((_, d)) = f.iter().find(|(u, _)| u == url) {
            return d.clone();
        }
        let owned = url.to_string();
        let d = async move {
            let bytes = api::url_bytes(&owned).await?;
            files::blob_of(&bytes, "application/pdf")
        }
        .boxed_local()
        .shared();
        if f.len() >= 6 {
            drop(f.remove(0));
        }
        f.push((url.to_string(), d.clone()));
        d
    });
    let result = download.await;
    if result.is_err() {
        // A failed download is not kept: the next ask tries again.
        FILES.with(|f| f.borrow_mut().retain(|(u, _)| u != url));
    }
    result
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
