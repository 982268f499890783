//! What a proxy and a monitoring system see of an instance (issue 18): liveness and readiness, Prometheus
//! metrics (per matched route, never per raw path; loopback only unless the bearer token is given; a request
//! relayed by a proxy is not loopback), JSON logs, and a graceful shutdown on SIGTERM that ends the live-event
//! streams instead of waiting on them forever. On a real `vanban serve` process over real sockets.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::TestDb;
use crate::common::server::{Conn, free_port, login, start_server_under, start_server_with};

crate::on_both_databases!(an_instance_answers_probes_counts_routes_and_drains_on_sigterm,);

const PASSWORD: &str = "vanban-ops-2026";

/// One raw request with extra header lines; status and body.
async fn get(port: u16, path: &str, extra: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).await.unwrap();
    let text = String::from_utf8_lossy(&reply).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The value of the sample `line_start …` in the exposition text.
fn sample(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn an_instance_answers_probes_counts_routes_and_drains_on_sigterm(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start_server_with(
        &db.url,
        dir.path(),
        &["--seed-demo-if-empty"],
        &[
            ("VANBAN_LOG_JSON", "1"),
            ("VANBAN_SECURE_COOKIES", "no"),
            ("VANBAN_DEMO_PASSWORD", PASSWORD),
            ("VANBAN_METRICS_TOKEN", "bi-mat-giam-sat"),
            ("RUST_LOG", "info,sqlx=warn"),
        ],
    )
    .await;
    let port = server.port;

    let (status, body) = get(port, "/health/live", "").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(port, "/health/ready", "").await;
    assert_eq!(status, 200, "{body}");
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"], true);
    assert_eq!(ready["blob_store"], true);

    // Traffic on a route with an id: counted under its template.
    let session = login(port, "chuyenvien1.snv", PASSWORD).await;
    let mut c = Conn::open(port).await.unwrap();
    for id in [987_654, 987_655] {
        let (status, _) = c
            .call("GET", &format!("/api/outgoing/{id}"), Some(&session), None)
            .await
            .unwrap();
        assert_eq!(status, 404);
    }
    // A live-event stream, open as a browser holds it.
    let mut events = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    events
        .write_all(
            format!(
                "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: vanban_session={}\r\n\r\n",
                session.cookie
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = [0u8; 12];
    events.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");

    // Loopback reads the metrics; so does anyone with the token; a request a proxy relayed does not.
    let (status, text) = get(port, "/metrics", "").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        sample(
            &text,
            "vanban_http_requests_total{method=\"GET\",route=\"/api/outgoing/{id}\",status=\"4xx\"}"
        ),
        Some(2.0),
        "{text}"
    );
    assert!(!text.contains("987654"), "no raw path becomes a series");
    assert!(
        sample(
            &text,
            "vanban_http_request_duration_seconds_count{method=\"POST\",route=\"/api/auth/login\",status=\"2xx\"}"
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "vanban_live_streams "), Some(1.0), "{text}");
    assert_eq!(sample(&text, "vanban_db_up "), Some(1.0));
    assert_eq!(sample(&text, "vanban_blob_store_up "), Some(1.0));
    assert_eq!(sample(&text, "vanban_exchange_outbox "), Some(0.0));
    assert_eq!(sample(&text, "vanban_draining "), Some(0.0));
    let (status, body) = get(port, "/metrics", "X-Forwarded-For: 203.0.113.7\r\n").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("VANBAN_METRICS_TOKEN"), "{body}");
    let (status, _) = get(
        port,
        "/metrics",
        "X-Forwarded-For: 203.0.113.7\r\nAuthorization: Bearer sai-ma\r\n",
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = get(
        port,
        "/metrics",
        "X-Forwarded-For: 203.0.113.7\r\nAuthorization: Bearer bi-mat-giam-sat\r\n",
    )
    .await;
    assert_eq!(status, 200);

    // SIGTERM: the stream ends (the browser reconnects elsewhere) and the process exits on its own.
    let pid = server.child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), events.read_to_end(&mut rest))
        .await
        .expect("the live-event stream ends when the instance drains")
        .unwrap();
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = server.child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exited = exited.expect("vanban serve exits within 10 s of SIGTERM");
    assert!(exited.success(), "{exited:?}");

    // The log is JSON lines, each request's with its id.
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    let requests: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "request")
        .collect();
    assert!(!requests.is_empty(), "{log}");
    for r in &requests {
        let id = r["span"]["request_id"].as_str().unwrap_or_default();
        assert_eq!(id.len(), 24, "{r}");
    }
    db.finish().await;
}

/// Started with a soft limit of 64 open files (a service manager's default is 1,024) under a hard limit of
/// 4,096, an instance raises its own limit and holds 300 browsers' connections at once: one instance of a
/// province holds a live-events stream for each person with the app open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_raises_its_open_files_limit_and_holds_many_connections() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start_server_under(
        &["prlimit", "--nofile=64:4096"],
        free_port(),
        &db.url,
        dir.path(),
        &[],
        &[],
    )
    .await;
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>()[3..5],
        ["4096", "4096"],
        "{line}"
    );
    // 300 connections, each answered and kept open: at 64 files the server could not accept the 60th.
    let mut held = Vec::new();
    for i in 0..300 {
        let mut c = Conn::open(server.port).await.unwrap();
        let answer = tokio::time::timeout(
            Duration::from_secs(10),
            c.call("GET", "/health/live", None, None),
        )
        .await
        .unwrap_or_else(|_| panic!("connection {i} not answered within 10 s"))
        .unwrap();
        assert_eq!(answer.0, 200, "connection {i}");
        held.push(c);
    }
    // And every one of them is still served.
    for c in held.iter_mut() {
        let (status, _) = c.call("GET", "/health/live", None, None).await.unwrap();
        assert_eq!(status, 200);
    }
    drop(held);
    drop(server);
    db.finish().await;
}
