//! What only a socket can send to a real `vanban serve` process (issue 13): a malformed chunked body, an upload
//! that streams past the limit, a 299 MiB upload measured against the server's resident memory.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use crate::common::server::{Conn, Server, Session, login, start_server_with};

const PASSWORD: &str = "vanban-wire-2026";

async fn demo_server(dir: &std::path::Path) -> Server {
    let url = format!("sqlite://{}", dir.join("vanban.db").display());
    start_server_with(
        &url,
        dir,
        &["--seed-demo-if-empty"],
        &[("VANBAN_DEMO_PASSWORD", PASSWORD)],
    )
    .await
}

/// Sends a `PUT /api/blobs/{sha}` head and then `body` as it is (already framed), and reads the status line.
async fn put_raw(port: u16, s: &Session, sha: &str, framing: &str, body: &[u8]) -> u16 {
    let mut c = Conn::open(port).await.unwrap();
    let head = format!(
        "PUT /api/blobs/{sha} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: vanban_session={}\r\n\
         X-CSRF-Token: {}\r\nContent-Type: application/pdf\r\n{framing}\r\n",
        s.cookie, s.csrf
    );
    c.stream.get_mut().write_all(head.as_bytes()).await.unwrap();
    // The server may answer and close before reading everything: a failed write is fine, the status is what counts.
    let _ = c.stream.get_mut().write_all(body).await;
    status_line(&mut c).await
}

async fn status_line(c: &mut Conn) -> u16 {
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), c.stream.read_line(&mut line))
        .await
        .expect("an answer within a minute")
        .unwrap();
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{line:?}"))
}

/// Streams `total` bytes of `x` with a declared length, 1 MiB per write; the status, and whether the whole body
/// was sent before the answer.
async fn put_streamed(port: u16, s: &Session, sha: &str, total: usize) -> (u16, bool) {
    let mut c = Conn::open(port).await.unwrap();
    let head = format!(
        "PUT /api/blobs/{sha} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: vanban_session={}\r\n\
         X-CSRF-Token: {}\r\nContent-Type: application/pdf\r\nContent-Length: {total}\r\n\r\n",
        s.cookie, s.csrf
    );
    c.stream.get_mut().write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut sent = 0;
    while sent < total {
        let n = (total - sent).min(chunk.len());
        if c.stream.get_mut().write_all(&chunk[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    (status_line(&mut c).await, sent == total)
}

fn sha_of_x(total: usize) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let chunk = vec![b'x'; 1 << 20];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len());
        h.update(&chunk[..n]);
        left -= n;
    }
    shared::hex(&h.finalize())
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    fn walk(d: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out)
            } else {
                out.push(p.display().to_string())
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir.join("blobs"), &mut out);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_chunked_body_is_a_400_and_one_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let s = login(server.port, "chuyenvien1.snv", PASSWORD).await;
    // A chunk size that is not hexadecimal, after a first good chunk.
    let status = put_raw(
        server.port,
        &s,
        &"d".repeat(64),
        "Transfer-Encoding: chunked\r\n",
        b"5\r\n%PDF-\r\nzz\r\nxyz\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400);
    // A chunk announced longer than what arrives before the connection ends.
    let mut c = Conn::open(server.port).await.unwrap();
    let head = format!(
        "PUT /api/blobs/{} HTTP/1.1\r\nHost: x\r\nCookie: vanban_session={}\r\nX-CSRF-Token: {}\r\n\
         Content-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\nffff\r\nabc",
        "e".repeat(64),
        s.cookie,
        s.csrf
    );
    c.stream.get_mut().write_all(head.as_bytes()).await.unwrap();
    c.stream.get_mut().shutdown().await.unwrap();
    let mut rest = Vec::new();
    let _ = c.stream.read_to_end(&mut rest).await;
    let answer = String::from_utf8_lossy(&rest);
    assert!(!answer.contains(" 500 "), "{answer}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
    assert!(!log.contains("internal error"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(!log.contains("stack backtrace"), "{log}");
    assert!(leftovers(dir.path()).iter().all(|p| !p.ends_with(".part")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_past_the_limit_stop_early_and_a_299_mib_upload_keeps_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = demo_server(dir.path()).await;
    let s = login(server.port, "chuyenvien1.snv", PASSWORD).await;
    let mib = 1 << 20;
    // Declared over the limit: refused before the body is read.
    let (status, _) = put_streamed(server.port, &s, &"a".repeat(64), 301 * mib).await;
    assert_eq!(status, 413);
    // Streamed without a declared length, past the limit: refused at the limit, nothing kept.
    let mut chunked = Vec::new();
    let block = vec![b'x'; mib];
    for _ in 0..301 {
        chunked.extend_from_slice(format!("{:x}\r\n", mib).as_bytes());
        chunked.extend_from_slice(&block);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let status = put_raw(
        server.port,
        &s,
        &"b".repeat(64),
        "Transfer-Encoding: chunked\r\n",
        &chunked,
    )
    .await;
    drop(chunked);
    assert_eq!(status, 413);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    // A 299 MiB upload: stored, and the server's peak resident memory grows by less than 64 MiB.
    let (small_status, _) = put_streamed(server.port, &s, &sha_of_x(mib), mib).await;
    assert_eq!(small_status, 200);
    let (before, _) = server.memory_kib();
    let total = 299 * mib;
    let (status, whole) = put_streamed(server.port, &s, &sha_of_x(total), total).await;
    assert_eq!((status, whole), (200, true));
    let (_, peak) = server.memory_kib();
    let growth_mib = peak.saturating_sub(before) / 1024;
    println!("MEMORY rss_before={before} KiB peak_after={peak} KiB growth={growth_mib} MiB");
    assert!(growth_mib < 64, "resident memory grew by {growth_mib} MiB");
}
