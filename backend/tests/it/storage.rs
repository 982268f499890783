//! Storage under hostile and unlucky conditions (issue 13): the upload limit holds while the bytes stream, an
//! agency's quota holds, crashes leave nothing that breaks a request, and the sweep removes leftovers without
//! touching what a document uses.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::IntoResponse;
use serde_json::Value;
use tower::ServiceExt;
use vanban::app::{AppState, MAX_UPLOAD, router};
use vanban::blob::{BlobStore, FsBlobStore};
use vanban::config::Config;
use vanban::sweep::{SweepPolicy, sweep_blobs};

use crate::common::docs::{self, People};
use crate::common::{Client, TestDb};

/// An app whose blob directory the test can look into.
struct Site {
    db: TestDb,
    p: People,
    app: axum::Router,
    dir: tempfile::TempDir,
    blobs: Arc<FsBlobStore>,
}

impl Site {
    async fn new(db: TestDb, config: Config) -> Self {
        let p = docs::people(db.store.as_ref()).await;
        let dir = tempfile::tempdir().unwrap();
        let blobs = Arc::new(FsBlobStore::new(dir.path()).unwrap());
        let app = router(AppState {
            store: db.store.clone(),
            blobs: blobs.clone(),
            config: Arc::new(config),
        });
        Self {
            db,
            p,
            app,
            dir,
            blobs,
        }
    }

    async fn client(&self, username: &str) -> Client {
        docs::client(&self.app, username).await
    }

    /// Every file under the blob directory (blobs and temporaries).
    fn files(&self) -> Vec<std::path::PathBuf> {
        fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out)
                } else {
                    out.push(p)
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }

    /// `PUT /api/blobs/{sha}` with a body streamed in 1 MiB chunks of `total` bytes, and no declared length.
    async fn put_streamed(&self, c: &Client, sha: &str, total: usize) -> (StatusCode, Value) {
        let chunks = (0..total.div_ceil(1 << 20)).map(move |i| {
            let n = (total - i * (1 << 20)).min(1 << 20);
            Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; n]))
        });
        let req = Request::put(format!("/api/blobs/{sha}"))
            .header(header::HOST, "vanban.test")
            .header(header::CONTENT_TYPE, "application/pdf")
            .header(
                header::COOKIE,
                format!("vanban_session={}", c.cookie.as_ref().unwrap()),
            )
            .header("x-csrf-token", c.csrf.as_ref().unwrap())
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .unwrap()
            .to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

#[tokio::test]
async fn an_upload_past_the_limit_is_refused_while_streaming_and_leaves_nothing() {
    let site = Site::new(TestDb::sqlite().await, docs::config()).await;
    let c = site.client("cv.snv").await;
    let sha = "a".repeat(64);
    let (status, body) = site.put_streamed(&c, &sha, MAX_UPLOAD + 1).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large");
    assert!(
        body["message"].as_str().unwrap().contains("300 MiB"),
        "{body}"
    );
    assert!(site.files().is_empty(), "{:?}", site.files());
    // A declared length over the limit is refused before a byte is read.
    let mut c = c;
    let a = c
        .raw(
            axum::http::Method::PUT,
            &format!("/api/blobs/{sha}"),
            b"%PDF-".to_vec(),
            &[
                ("content-type", "application/pdf"),
                ("content-length", &(MAX_UPLOAD + 1).to_string()),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{:?}", a.body);
    site.db.finish().await;
}

#[tokio::test]
async fn an_agency_cannot_store_past_its_quota_but_known_bytes_cost_nothing() {
    let config = Config {
        agency_quota_mb: 1,
        ..docs::config()
    };
    let site = Site::new(TestDb::sqlite().await, config).await;
    let mut c = site.client("cv.snv").await;
    let first = vec![b'1'; 700 * 1024];
    let second = vec![b'2'; 700 * 1024];
    c.put_blob(&docs::sha256(&first), &first).await.good();
    let e = c
        .put_blob(&docs::sha256(&second), &second)
        .await
        .refused(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(e.code, shared::ErrorCode::QuotaExceeded);
    assert!(e.message.contains("hạn mức"), "{}", e.message);
    // The same bytes again: already stored, nothing more on disk.
    c.put_blob(&docs::sha256(&first), &first).await.good();
    // Another agency has its own quota.
    let mut other = site.client("vanthu.ubnd").await;
    other.put_blob(&docs::sha256(&second), &second).await.good();
    let used = site
        .db
        .store
        .agency_storage(site.p.base.department)
        .await
        .unwrap();
    assert_eq!(used.used_bytes, 700 * 1024);
    site.db.finish().await;
}

/// Writes bytes into the blob store behind the database's back, as a crash between the two would leave them.
async fn stored_without_row(site: &Site, bytes: &[u8]) -> String {
    site.blobs.put(&mut &bytes[..], None).await.unwrap().sha256
}

/// Ages a blob file by `ms`.
fn age_file(site: &Site, sha: &str, ms: u64) {
    let path = site.dir.path().join(&sha[0..2]).join(&sha[2..4]).join(sha);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_millis(ms))
        .unwrap();
}

async fn a_draft_naming_a_file_without_a_record_is_refused_not_a_server_error(db: TestDb) {
    let site = Site::new(db, docs::config()).await;
    let mut c = site.client("cv.snv").await;
    let sha = stored_without_row(&site, &docs::draft_pdf()).await;
    let a = c
        .post("/api/outgoing", docs::draft_body(&site.p, &sha, &[]))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.body);
    site.db.finish().await;
}

async fn a_vanished_reference_is_a_422_not_a_500(db: TestDb) {
    // A row naming a blob that is not there breaks a foreign key; the API turns that into a 422.
    let mut conn = crate::common::raw_connection(&db).await;
    let fk = crate::common::raw_exec(
        &mut conn,
        "INSERT INTO blob_holders (sha256, agency_id) VALUES ('cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc', 1)",
    )
    .await
    .unwrap_err();
    let status = vanban::error::AppError::from(vanban::store::StoreError::Database(fk))
        .into_response()
        .status();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    db.finish().await;
}

async fn the_sweep_removes_leftovers_and_keeps_what_is_used_or_recent(db: TestDb) {
    let site = Site::new(db, docs::config()).await;
    let store = site.db.store.clone();
    let mut c = site.client("cv.snv").await;
    let hour = 3600 * 1000;
    // A file without a row, old: a crash between writing and recording.
    let orphan = stored_without_row(&site, b"%PDF-orphan").await;
    age_file(&site, &orphan, 2 * hour as u64);
    // A file without a row, fresh: an upload about to record it.
    let fresh_orphan = stored_without_row(&site, b"%PDF-fresh").await;
    // Uploaded, never used, long ago.
    let abandoned = docs::upload(&mut c, b"%PDF-abandoned").await;
    // Uploaded for a draft, long ago: the draft keeps the server's copy with the number fields reserved (used),
    // so the upload itself is no longer referenced (removed).
    let uploaded = docs::upload(&mut c, &docs::draft_pdf()).await;
    let draft = c
        .post("/api/outgoing", docs::draft_body(&site.p, &uploaded, &[]))
        .await
        .expect(StatusCode::CREATED);
    let used = draft.body["versions"][0]["files"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(used, uploaded);
    // Uploaded, never used, yesterday: within the grace period.
    let recent = docs::upload(&mut c, b"%PDF-recent").await;
    let mut conn = crate::common::raw_connection(&site.db).await;
    let day = 24 * hour;
    let now = vanban::store::now_ms();
    for (sha, at) in [
        (&abandoned, now - 8 * day),
        (&uploaded, now - 30 * day),
        (&used, now - 30 * day),
        (&recent, now - day),
    ] {
        crate::common::raw_exec(
            &mut conn,
            &format!("UPDATE blobs SET touched_at = {at} WHERE sha256 = '{sha}'"),
        )
        .await
        .unwrap();
    }
    let report = sweep_blobs(&store, site.blobs.as_ref(), SweepPolicy::default(), now)
        .await
        .unwrap();
    assert_eq!(
        (
            report.temporaries,
            report.orphan_files,
            report.unreferenced_blobs
        ),
        (0, 1, 2)
    );
    let exists = |sha: &str| {
        let blobs = site.blobs.clone();
        let sha = sha.to_string();
        async move { blobs.exists(&sha).await.unwrap() }
    };
    assert!(!exists(&orphan).await);
    assert!(exists(&fresh_orphan).await);
    assert!(!exists(&abandoned).await);
    assert!(!store.blob_known(&abandoned).await.unwrap());
    assert!(!exists(&uploaded).await && !store.blob_known(&uploaded).await.unwrap());
    assert!(exists(&used).await && store.blob_known(&used).await.unwrap());
    assert!(exists(&recent).await && store.blob_known(&recent).await.unwrap());
    // Uploading the swept bytes again works (the row and the file come back together).
    docs::upload(&mut c, b"%PDF-abandoned").await;
    assert!(exists(&abandoned).await && store.blob_known(&abandoned).await.unwrap());
    // A second pass finds nothing more.
    let again = sweep_blobs(&store, site.blobs.as_ref(), SweepPolicy::default(), now)
        .await
        .unwrap();
    assert_eq!((again.orphan_files, again.unreferenced_blobs), (0, 0));
    site.db.finish().await;
}

on_both_databases!(
    a_draft_naming_a_file_without_a_record_is_refused_not_a_server_error,
    a_vanished_reference_is_a_422_not_a_500,
    the_sweep_removes_leftovers_and_keeps_what_is_used_or_recent,
);

/// A valid PDF of `pages` empty pages, written by hand.
fn many_pages(pages: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut body = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
    ];
    body.extend(
        (0..pages).map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_string()),
    );
    for (i, b) in body.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{b}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", body.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            body.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[tokio::test]
async fn a_file_over_the_page_limit_is_refused_with_the_count() {
    let site = Site::new(TestDb::sqlite().await, docs::config()).await;
    let mut c = site.client("cv.snv").await;
    let sha = docs::upload(&mut c, &many_pages(2_001)).await;
    let a = c
        .post("/api/outgoing", docs::draft_body(&site.p, &sha, &[]))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "main_file");
    let message = a.body["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("2001 trang") && message.contains("2000"),
        "{message}"
    );
    site.db.finish().await;
}
