//! Files in the browser: the file a person chose, Blobs handed to the worker or uploaded, and downloads. A
//! signed file is the original Blob followed by the appended bytes, never joined in memory.

use js_sys::Uint8Array;
use shared::client::ClientError;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The file chosen in an `<input type=file>` of an event.
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// The bytes of a Blob (a chosen file, to upload it or hand it to the worker).
pub async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, ClientError> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| ClientError::FileUnreadable)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Offers bytes to the user as a file download.
pub fn download(bytes: &[u8], name: &str, mime: &str) {
    download_parts(&js_sys::Array::of1(&Uint8Array::from(bytes)), name, mime);
}

/// Offers `original` followed by `appended` as one file (an incremental update) without joining them in memory.
pub fn download_appended(original: &web_sys::Blob, appended: &[u8], name: &str, mime: &str) {
    let parts = js_sys::Array::of2(original, &Uint8Array::from(appended));
    download_parts(&parts, name, mime);
}

fn download_parts(array: &js_sys::Array, name: &str, mime: &str) {
    let Ok(blob) = blob_of_parts(array, mime) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(a) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A Blob holding `bytes` (a downloaded file handed to the worker).
pub fn blob_of(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, ClientError> {
    blob_of_parts(&js_sys::Array::of1(&Uint8Array::from(bytes)), mime)
}

/// `original` followed by `appended` (an incremental update) as one Blob, without joining them in memory.
pub fn blob_appended(
    original: &web_sys::Blob,
    appended: &[u8],
) -> Result<web_sys::Blob, ClientError> {
    blob_of_parts(
        &js_sys::Array::of2(original, &Uint8Array::from(appended)),
        "application/pdf",
    )
}

fn blob_of_parts(parts: &js_sys::Array, mime: &str) -> Result<web_sys::Blob, ClientError> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_blob_sequence_and_options(parts, &options)
        .map_err(|_| ClientError::FileNotCreated)
}
