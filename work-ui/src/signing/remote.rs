//! Remote signing (ký số từ xa) on the page: send a request to the provider through the server, then wait for
//! the person's approval on the provider's app, showing the time left, until it is signed, refused or expired.

use leptos::prelude::*;
use shared::client::ClientError;
use shared::remote_signing::{
    RemotePurpose, RemoteSignatureDto, RemoteSignatureRequest, RemoteSignatureStatus,
};

use crate::api;
use crate::components::Busy;

/// How often the page asks how the approval stands.
const POLL_MS: i32 = 1500;

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Asks the provider and waits for the approval; the request once signed. Refused, expired or failed requests
/// come back as the sentence to show.
pub async fn approved(
    credential_id: String,
    purpose: RemotePurpose,
    hash: Option<String>,
    description: Option<String>,
    provider: String,
    busy: Busy,
) -> Result<RemoteSignatureDto, ClientError> {
    busy.set(Some((format!("Đang gửi yêu cầu ký đến {provider}…"), 0.0)));
    let mut request = api::request_remote_signature(&RemoteSignatureRequest {
        credential_id,
        purpose,
        hash,
        description,
    })
    .await?;
    let total = (request.deadline.0 - request.created_at.0).max(1) as f64;
    loop {
        match request.status {
            RemoteSignatureStatus::Signed => return Ok(request),
            RemoteSignatureStatus::Pending => {}
            _ => {
                return Err(ClientError::Invalid(request.message.unwrap_or_else(|| {
                    "Dịch vụ ký số từ xa không ký được yêu cầu này.".into()
                })));
            }
        }
        let left_ms = (request.deadline.0 as f64 - js_sys::Date::now()).max(0.0);
        busy.set(Some((
            format!(
                "Đã gửi yêu cầu ký đến {provider}. Mở ứng dụng của nhà cung cấp trên điện thoại để duyệt (còn {} giây)…",
                (left_ms / 1000.0).ceil()
            ),
            1.0 - left_ms / total,
        )));
        sleep(POLL_MS).await;
        request = api::remote_signature(request.id).await?;
    }
}

/// The remote credentials of the signed-in person that can sign here (registered to their account), with the
/// provider's name; empty when the deployment has no provider or the person none.
pub async fn usable_credentials() -> (
    Option<String>,
    Vec<shared::remote_signing::RemoteCredentialDto>,
) {
    match api::remote_signing().await {
        Ok(r) if r.configured => (
            r.provider,
            r.credentials.into_iter().filter(|c| c.registered).collect(),
        ),
        _ => (None, vec![]),
    }
}
