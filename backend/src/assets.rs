//! The built frontend: files from `frontend/dist` (`scripts/build-frontend.sh`), served precompressed (brotli,
//! gzip — written at build time by `scripts/compress-assets.sh`), cached for a year when their name carries a
//! content hash, and `index.html` for every other path so client-side routes load the app.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};

/// Routes serving `dir`, for merging under the API.
pub fn static_router<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    let index = dir.join("index.html");
    let csp = content_security_policy(&std::fs::read_to_string(&index).unwrap_or_default());
    let serve = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    let csp = HeaderValue::from_str(&csp).expect("CSP is ASCII");
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            let csp = csp.clone();
            async move { cache_headers(req, next, csp).await }
        }))
}

async fn cache_headers(req: Request, next: Next, csp: HeaderValue) -> Response {
    let hashed = is_hashed_asset(req.uri().path());
    let mut resp = next.run(req).await;
    let value = if hashed && resp.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        // index.html and unhashed files: always revalidate, so a new release is picked up at once.
        "no-cache"
    };
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // The same URL answers brotli, gzip or plain bytes: caches must key on Accept-Encoding.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    resp
}

/// Whether a path names a file whose name carries a content hash (`frontend-0123456789abcdef.js`,
/// `frontend-0123456789abcdef_bg.wasm`, `app-0123456789abcdef.css`): its content never changes. The build
/// writes 16 hex digits; trunk, which built the frontend before issue 18, wrote its 64-bit hash without
/// leading zeros, so a shorter hash is accepted too.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A Content-Security-Policy allowing only this origin's scripts plus the inline start script(s) the build
/// writes into `index.html`, pinned by their SHA-256.
pub fn content_security_policy(index_html: &str) -> String {
    let mut hashes = String::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body_and_more[close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/frontend-3b2a9c8d1e0f4a5b.js"));
        assert!(is_hashed_asset("/frontend-3b2a9c8d1e0f4a5b_bg.wasm"));
        assert!(is_hashed_asset("/main-8f7e6d5c4b3a2910.css"));
        assert!(is_hashed_asset("/dialog-a5077b250886e4f.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/van-ban-den"));
        assert!(!is_hashed_asset("/logo-vanban.svg"));
    }

    #[test]
    fn inline_scripts_are_pinned_by_hash_and_external_ones_are_not() {
        let html = r#"<script type="module">import init from '/a.js';</script><script src="/x.js"></script>"#;
        let csp = content_security_policy(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/a.js';"));
        assert!(csp.contains(&format!("'sha256-{expected}'")));
        assert_eq!(csp.matches("'sha256-").count(), 1);
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
