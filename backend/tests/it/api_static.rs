//! The built frontend is served precompressed, hashed files are cached for a year, client routes get
//! index.html, and unknown API paths never do.

use crate::common::{Client, TestDb};
use axum::http::{Method, StatusCode};
use vanban::config::Config;

async fn client_with_dist() -> (TestDb, Client, tempfile::TempDir) {
    let db = TestDb::sqlite().await;
    let dist = tempfile::tempdir().unwrap();
    let index = "<!doctype html><html><head><script type=\"module\">import init from '/frontend-0123456789abcdef.js';init();</script></head><body></body></html>";
    std::fs::write(dist.path().join("index.html"), index).unwrap();
    std::fs::write(
        dist.path().join("frontend-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("frontend-0123456789abcdef.js.br"),
        b"\x8b\x03\x80brotli\x03",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("frontend-0123456789abcdef.js.gz"),
        b"gzip-bytes",
    )
    .unwrap();
    let config = Config {
        static_dir: Some(dist.path().to_path_buf()),
        ..Config::default()
    };
    let c = Client::with_app(crate::common::app(db.store.clone(), config));
    (db, c, dist)
}

#[tokio::test]
async fn hashed_assets_are_served_precompressed_and_cached_for_a_year() {
    let (db, mut c, _dist) = client_with_dist().await;
    let br = c
        .raw(
            Method::GET,
            "/frontend-0123456789abcdef.js",
            vec![],
            &[("accept-encoding", "gzip, br")],
        )
        .await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers["content-encoding"], "br");
    assert_eq!(
        br.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.headers["vary"], "accept-encoding");
    let gz = c
        .raw(
            Method::GET,
            "/frontend-0123456789abcdef.js",
            vec![],
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    let plain = c
        .raw(Method::GET, "/frontend-0123456789abcdef.js", vec![], &[])
        .await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.body, "export default function init() {}");
    db.finish().await;
}

#[tokio::test]
async fn client_routes_get_index_html_that_is_always_revalidated() {
    let (db, mut c, _dist) = client_with_dist().await;
    for path in ["/", "/dang-nhap", "/quan-tri/tai-khoan"] {
        let a = c.get(path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert!(
            a.body.as_str().unwrap().starts_with("<!doctype html>"),
            "{path}"
        );
        assert_eq!(a.headers["cache-control"], "no-cache");
        let csp = a.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("'sha256-") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(a.headers["x-frame-options"], "DENY");
    }
    let api = c.get("/api/khong-co").await.expect(StatusCode::NOT_FOUND);
    assert_eq!(api.code(), "not_found");
    assert_eq!(
        c.get("/api/health").await.headers["cache-control"],
        "no-store"
    );
    db.finish().await;
}
