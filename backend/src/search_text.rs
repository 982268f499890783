//! The text layer of the files a document is drafted or received with, for the search index: read on the blocking
//! pool before the store transaction that files them, folded ([`shared::text::fold_for_search`]) and kept per
//! blob (`blob_texts`), from where the document's search entry takes it in that transaction.

use shared::pdf::text::{TextLimits, document_text};

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// What is read of one file: enough pages to say what it is about, bounded however the file is built.
fn limits() -> TextLimits {
    TextLimits {
        max_chars: crate::store::search::MAX_CONTENT_CHARS,
        max_pages: 50,
        ..TextLimits::default()
    }
}

/// The folded text of a PDF; empty when it has none or cannot be read (the file's own checks say why).
pub fn folded_text(bytes: &[u8]) -> String {
    document_text(bytes, &limits())
        .map(|t| shared::text::fold_for_search(&t))
        .unwrap_or_default()
}

/// Reads and keeps the text of the stored file `sha256` unless it is known already, and hands the bytes back.
pub async fn remember(state: &AppState, sha256: &str, bytes: Vec<u8>) -> AppResult<Vec<u8>> {
    if state.store.has_blob_text(sha256).await? {
        return Ok(bytes);
    }
    let (bytes, text) = tokio::task::spawn_blocking(move || {
        let text = folded_text(&bytes);
        (bytes, text)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    state.store.save_blob_text(sha256, &text).await?;
    Ok(bytes)
}
