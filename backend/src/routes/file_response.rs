//! A stored PDF as an HTTP answer, whole or by byte range: the one place the download routes (a document's
//! files, a received file, the public original) turn a blob into a response. The browser's viewer and the
//! load test read the first bytes of a large PDF with `Range: bytes=0-65535` and get 206; the blob's name, its
//! SHA-256, is its `ETag`, since the bytes under a name never change.

use std::ops::Range;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// What the client asked for with `Range`.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    Whole,
    Part(Range<u64>),
    /// Starts at or past the end: 416.
    Unsatisfiable,
}

/// One `bytes=` range of a `size`-byte file. Several ranges, another unit or a malformed header get the whole
/// file (RFC 9110 lets a server ignore `Range`).
fn wanted(headers: &HeaderMap, size: u64) -> Wanted {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (number(first), number(last), last.trim().is_empty()) {
        // bytes=-N: the last N bytes.
        (None, Some(n), _) if first.trim().is_empty() => {
            if n == 0 {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part(size.saturating_sub(n)..size)
            }
        }
        (Some(start), _, _) if start >= size => Wanted::Unsatisfiable,
        // bytes=A-: from A to the end.
        (Some(start), None, true) => Wanted::Part(start..size),
        (Some(start), Some(end), _) if end >= start => Wanted::Part(start..(end + 1).min(size)),
        _ => Wanted::Whole,
    }
}

/// The PDF stored as `sha256` (`size` bytes), with `disposition` when given: 200 whole, 206 for a range, 416 for
/// a range past the end.
pub async fn pdf(
    state: &AppState,
    headers: &HeaderMap,
    sha256: &str,
    size: i64,
    disposition: Option<String>,
) -> AppResult<Response> {
    let size = size.max(0) as u64;
    let missing = || AppError::Internal(anyhow::anyhow!("blob {sha256} missing"));
    let (status, reader, length, content_range) = match wanted(headers, size) {
        Wanted::Unsatisfiable => {
            let refusal = shared::error::ApiError::new(
                shared::error::ErrorCode::RangeNotSatisfiable,
                format!("Đoạn byte yêu cầu nằm ngoài tệp (tệp dài {size} byte)."),
            );
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
                axum::Json(refusal),
            )
                .into_response());
        }
        Wanted::Whole => {
            let reader = state.blobs.open(sha256).await?.ok_or_else(missing)?;
            (StatusCode::OK, reader, size, None)
        }
        Wanted::Part(range) => {
            let reader = state
                .blobs
                .open_range(sha256, range.clone())
                .await?
                .ok_or_else(missing)?;
            let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
            (
                StatusCode::PARTIAL_CONTENT,
                reader,
                range.end - range.start,
                Some(content_range),
            )
        }
    };
    let mut response = (
        status,
        Body::from_stream(tokio_util::io::ReaderStream::new(reader)),
    )
        .into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        h.insert(header::ETAG, etag);
    }
    if let Some(range) = content_range.and_then(|r| HeaderValue::from_str(&r).ok()) {
        h.insert(header::CONTENT_RANGE, range);
    }
    if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(range: &str, size: u64) -> Wanted {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(range).unwrap());
        wanted(&h, size)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(wanted(&HeaderMap::new(), 100), Wanted::Whole);
        assert_eq!(asking("bytes=0-9", 100), Wanted::Part(0..10));
        assert_eq!(asking("bytes=90-", 100), Wanted::Part(90..100));
        assert_eq!(asking("bytes=-10", 100), Wanted::Part(90..100));
        assert_eq!(asking("bytes=-500", 100), Wanted::Part(0..100));
        assert_eq!(asking("bytes=50-5000", 100), Wanted::Part(50..100));
        assert_eq!(asking("bytes=100-", 100), Wanted::Unsatisfiable);
        assert_eq!(asking("bytes=-0", 100), Wanted::Unsatisfiable);
        assert_eq!(asking("bytes=0-0", 0), Wanted::Unsatisfiable);
        // Ignored: the whole file.
        for whole in [
            "bytes=5-1",
            "bytes=0-1,5-9",
            "items=0-1",
            "bytes=x-y",
            "bytes=+1-2",
            "bytes=",
        ] {
            assert_eq!(asking(whole, 100), Wanted::Whole, "{whole}");
        }
    }
}
