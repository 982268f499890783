//! Request authentication between peers: HMAC-SHA256 over `timestamp || "." || body` with the secret both sides
//! keep under a shared key id, and a replay window. A request outside the window or with another MAC is refused
//! before its body is read as a packet.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header naming the shared secret.
pub const KEY_HEADER: &str = "x-vanban-key";
/// The header with the signing time, seconds since the epoch.
pub const TIMESTAMP_HEADER: &str = "x-vanban-timestamp";
/// The header with the lower-case hex MAC.
pub const SIGNATURE_HEADER: &str = "x-vanban-signature";
/// How far a request's time may be from ours, either way: a captured request cannot be replayed later.
pub const REPLAY_WINDOW_SECS: i64 = 300;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // Any key length is valid for HMAC.
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The MAC of a request, lower-case hex.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    shared::hex(&mac(secret, timestamp, body).finalize().into_bytes())
}

/// Why a request was refused; the sentence goes back to the sender (401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Thiếu tiêu đề xác thực {0} của hệ thống liên thông.")]
    Missing(&'static str),
    #[error("Khóa liên thông không được cấu hình hoặc đang tắt.")]
    UnknownKey,
    #[error(
        "Thời điểm ký của yêu cầu lệch quá 5 phút so với máy chủ nhận (gửi lại hoặc đồng bộ đồng hồ)."
    )]
    OutsideWindow,
    #[error("Chữ ký HMAC của yêu cầu không đúng.")]
    BadSignature,
}

/// Checks a request's MAC (in constant time) and its time against `now_secs`.
pub fn verify(
    secret: &str,
    timestamp: i64,
    signature_hex: &str,
    body: &[u8],
    now_secs: i64,
) -> Result<(), Refusal> {
    if (now_secs - timestamp).abs() > REPLAY_WINDOW_SECS {
        return Err(Refusal::OutsideWindow);
    }
    let given = unhex(signature_hex).ok_or(Refusal::BadSignature)?;
    mac(secret, timestamp, body)
        .verify_slice(&given)
        .map_err(|_| Refusal::BadSignature)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_request_verifies_and_any_change_is_refused() {
        let s = sign("bí mật", 1_700_000_000, b"<edXML/>");
        assert_eq!(
            verify("bí mật", 1_700_000_000, &s, b"<edXML/>", 1_700_000_100),
            Ok(())
        );
        assert_eq!(
            verify("bí mật", 1_700_000_000, &s, b"<edXML />", 1_700_000_100),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify("khác", 1_700_000_000, &s, b"<edXML/>", 1_700_000_100),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify("bí mật", 1_700_000_001, &s, b"<edXML/>", 1_700_000_100),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn a_request_older_or_newer_than_five_minutes_is_refused() {
        let s = sign("k", 1_000, b"x");
        assert_eq!(verify("k", 1_000, &s, b"x", 1_300), Ok(()));
        assert_eq!(
            verify("k", 1_000, &s, b"x", 1_301),
            Err(Refusal::OutsideWindow)
        );
        assert_eq!(
            verify("k", 1_000, &s, b"x", 699),
            Err(Refusal::OutsideWindow)
        );
    }
}
