//! Numbering under concurrency, with real server processes: 200 issuances sent at once, alternating between
//! two `vanban serve` instances sharing one PostgreSQL database (and sessions: a clerk signed in on one
//! instance works on the other), give exactly the numbers 1..200 in the register; the same with one instance
//! on SQLite. No in-process lock can be what guarantees it: the instances are separate processes.
//!
//! `benchmark_issuing` (ignored; `scripts/bench-issue.sh`) is the throughput harness of docs/BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::TestDb;
use crate::common::docs::{self, People, pki, sign};
use crate::common::server::{Session, free_port};
use serde_json::{Value, json};
use shared::pdf::sign::SignatureKind;
use shared::pki::CertRole;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vanban::app::{AppState, router};
use vanban::blob::FsBlobStore;

/// A `vanban serve` process, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(database_url: &str, data_dir: &Path, trust_dir: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--static-dir",
            "/nonexistent",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--trust-dir")
        .arg(trust_dir)
        .args(["--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the vanban binary starts");
    let server = Server { child, port };
    for _ in 0..200 {
        if let Ok((200, _, _)) = http(port, "GET", "/api/health", None, None, None).await {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("vanban serve did not answer on port {port}");
}

type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`), enough for JSON and PDF bodies.
pub(crate) async fn http(
    port: u16,
    method: &str,
    path: &str,
    session: Option<&Session>,
    body: Option<(&str, &[u8])>,
    extra: Option<&str>,
) -> std::io::Result<Reply> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(s) = session {
        head.push_str(&format!(
            "Cookie: vanban_session={}\r\nX-CSRF-Token: {}\r\n",
            s.cookie, s.csrf
        ));
    }
    if let Some(e) = extra {
        head.push_str(e);
    }
    let payload = match body {
        Some((content_type, bytes)) => {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                bytes.len()
            ));
            bytes
        }
        None => &[][..],
    };
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(payload).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok((status, headers, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

async fn json_call(
    port: u16,
    method: &str,
    path: &str,
    session: &Session,
    body: Value,
) -> (u16, Value) {
    let bytes = serde_json::to_vec(&body).unwrap();
    let (status, _, reply) = http(
        port,
        method,
        path,
        Some(session),
        Some(("application/json", &bytes)),
        None,
    )
    .await
    .unwrap();
    (
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    )
}

/// Signs in through the shared real-server harness (the cookie and CSRF token a browser would hold).
pub(crate) async fn login(port: u16, username: &str) -> Session {
    crate::common::server::login(port, username, crate::common::PASSWORD).await
}

/// A province with `n` documents signed by the leader and waiting for the clerks, prepared in-process on the
/// database the servers will use; blobs go to `data_dir/blobs`, where the servers look.
pub(crate) async fn documents_waiting(
    db: &TestDb,
    data_dir: &Path,
    n: usize,
) -> (People, Vec<i64>, Vec<u8>) {
    let p = docs::people(db.store.as_ref()).await;
    let app = router(AppState {
        store: db.store.clone(),
        blobs: Arc::new(FsBlobStore::new(data_dir.join("blobs")).unwrap()),
        config: Arc::new(docs::config()),
    });
    let mut official = crate::common::Client::with_app(app.clone());
    official.login_ok("cv.snv").await;
    let mut leader = crate::common::Client::with_app(app);
    leader.login_ok("gd.snv").await;
    let main = docs::upload(&mut official, &docs::draft_pdf()).await;
    let mut ids = Vec::with_capacity(n);
    let mut signed: Option<(String, Vec<u8>)> = None;
    for _ in 0..n {
        let doc = official
            .post("/api/outgoing", docs::draft_body(&p, &main, &[]))
            .await
            .body;
        let id = doc["id"].as_i64().unwrap();
        official
            .post(&format!("/api/outgoing/{id}/submit"), json!({}))
            .await;
        // Every draft's reserved revision is the same bytes, so one signed revision serves all of them.
        if signed.is_none() {
            let draft = docs::latest_main(&mut leader, &doc).await;
            let bytes = sign(
                &draft,
                &pki().signer(docs::LEADER_NAME, CertRole::Person),
                SignatureKind::Signer,
                None,
            );
            signed = Some((docs::upload(&mut leader, &bytes).await, bytes));
        }
        let (sha, _) = signed.as_ref().unwrap();
        let a = leader
            .post(
                &format!("/api/outgoing/{id}/sign"),
                json!({"main_sha256": sha}),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        ids.push(id);
    }
    (p, ids, signed.unwrap().1)
}

pub(crate) fn trust_dir(root: &Path) -> PathBuf {
    let dir = root.join("trust");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("test-ca.pem"), pki().ca_pem()).unwrap();
    dir
}

/// Reserve, fill and seal (the browser's part, here in the test), upload, issue: the number issued.
pub(crate) async fn issue_one(
    ports: (u16, u16),
    session: &Session,
    id: i64,
    signed: Arc<Vec<u8>>,
) -> (u32, Duration) {
    let started = Instant::now();
    let (status, reservation) = json_call(
        ports.0,
        "POST",
        &format!("/api/outgoing/{id}/reservation"),
        session,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{reservation}");
    let reserved_in = started.elapsed();
    let sealed = tokio::task::spawn_blocking(move || {
        docs::number_and_seal(
            &signed,
            &reservation,
            &pki().signer(docs::DEPT_NAME, CertRole::Seal),
        )
    })
    .await
    .unwrap();
    let sha = docs::sha256(&sealed);
    let started = Instant::now();
    let (status, _, reply) = http(
        ports.1,
        "PUT",
        &format!("/api/blobs/{sha}"),
        Some(session),
        Some(("application/pdf", &sealed)),
        None,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&reply));
    let (status, doc) = json_call(
        ports.1,
        "POST",
        &format!("/api/outgoing/{id}/issue"),
        session,
        json!({"main_sha256": sha}),
    )
    .await;
    assert_eq!(status, 200, "{doc}");
    (
        doc["number"].as_u64().unwrap() as u32,
        reserved_in + started.elapsed(),
    )
}

/// Issues every document at once: half the clerks' requests on each instance, reservation on one and the issue
/// on the other. Returns the issued numbers, sorted.
async fn issue_all(ports: (u16, u16), ids: &[i64], signed: Vec<u8>) -> Vec<u32> {
    let clerks = [
        login(ports.0, "vanthu.snv").await,
        login(ports.1, "vanthu2.snv").await,
    ];
    let signed = Arc::new(signed);
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().copied().enumerate() {
        let session = clerks[i % 2].clone();
        let ports = if i % 2 == 0 {
            ports
        } else {
            (ports.1, ports.0)
        };
        let signed = signed.clone();
        tasks.push(tokio::spawn(async move {
            issue_one(ports, &session, id, signed).await.0
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    numbers
}

async fn register_numbers(db: &TestDb, register: i64) -> Vec<u32> {
    let year =
        shared::civil_date::CivilDate::of(shared::time::Timestamp(vanban::store::now_ms())).year;
    db.store
        .outgoing_register(register, year, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.number as u32)
        .collect()
}

const N: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgresql_issue_200_documents_at_once_as_numbers_1_to_200() {
    let db = TestDb::postgres().await;
    let root = tempfile::tempdir().unwrap();
    let (p, ids, signed) = documents_waiting(&db, root.path(), N).await;
    let trust = trust_dir(root.path());
    let a = start_server(&db.url, root.path(), &trust).await;
    let b = start_server(&db.url, root.path(), &trust).await;
    let numbers = issue_all((a.port, b.port), &ids, signed).await;
    assert_eq!(numbers, (1..=N as u32).collect::<Vec<_>>());
    assert_eq!(
        register_numbers(&db, p.dept_register).await,
        (1..=N as u32).collect::<Vec<_>>()
    );
    drop((a, b));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_on_sqlite_issues_200_documents_at_once_as_numbers_1_to_200() {
    let db = TestDb::sqlite().await;
    let root = tempfile::tempdir().unwrap();
    let (p, ids, signed) = documents_waiting(&db, root.path(), N).await;
    let trust = trust_dir(root.path());
    let a = start_server(&db.url, root.path(), &trust).await;
    let numbers = issue_all((a.port, a.port), &ids, signed).await;
    assert_eq!(numbers, (1..=N as u32).collect::<Vec<_>>());
    assert_eq!(
        register_numbers(&db, p.dept_register).await,
        (1..=N as u32).collect::<Vec<_>>()
    );
    drop(a);
    db.finish().await;
}

/// Throughput of issuing, the browser's part excluded: `VANBAN_BENCH_DB=sqlite|postgres`, `VANBAN_BENCH_N`.
/// Numbers are reserved for every document at once, then the sealed files are made (not timed), then every
/// issue is sent at once with 32 in flight; reported: documents per second over the timed phases, and the
/// latency of reserve + issue per document (p50, p99).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench-issue.sh"]
async fn benchmark_issuing() {
    let n: usize = std::env::var("VANBAN_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let on_pg = std::env::var("VANBAN_BENCH_DB").as_deref() == Ok("postgres");
    let db = if on_pg {
        TestDb::postgres().await
    } else {
        TestDb::sqlite().await
    };
    let root = tempfile::tempdir().unwrap();
    let (_, ids, signed) = documents_waiting(&db, root.path(), n).await;
    let trust = trust_dir(root.path());
    let server = start_server(&db.url, root.path(), &trust).await;
    let port = server.port;
    let clerk = login(port, "vanthu.snv").await;
    let limit = Arc::new(tokio::sync::Semaphore::new(32));

    let started = Instant::now();
    let mut tasks = Vec::new();
    for &id in &ids {
        let (clerk, limit) = (clerk.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let t = Instant::now();
            let (status, r) = json_call(
                port,
                "POST",
                &format!("/api/outgoing/{id}/reservation"),
                &clerk,
                json!({}),
            )
            .await;
            assert_eq!(status, 200, "{r}");
            (r, t.elapsed())
        }));
    }
    let mut reservations = Vec::new();
    for t in tasks {
        reservations.push(t.await.unwrap());
    }
    let reserve_wall = started.elapsed();

    // The browser's part: fill, seal, upload (not timed).
    let signed = Arc::new(signed);
    let mut sealed = Vec::new();
    for ((r, _), id) in reservations.iter().zip(&ids) {
        let bytes =
            docs::number_and_seal(&signed, r, &pki().signer(docs::DEPT_NAME, CertRole::Seal));
        let sha = docs::sha256(&bytes);
        let (status, _, _) = http(
            port,
            "PUT",
            &format!("/api/blobs/{sha}"),
            Some(&clerk),
            Some(("application/pdf", &bytes)),
            None,
        )
        .await
        .unwrap();
        assert_eq!(status, 200);
        sealed.push((*id, sha));
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (id, sha) in sealed {
        let (clerk, limit) = (clerk.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let t = Instant::now();
            let (status, doc) = json_call(
                port,
                "POST",
                &format!("/api/outgoing/{id}/issue"),
                &clerk,
                json!({"main_sha256": sha}),
            )
            .await;
            assert_eq!(status, 200, "{doc}");
            t.elapsed()
        }));
    }
    let mut issue_latency = Vec::new();
    for t in tasks {
        issue_latency.push(t.await.unwrap());
    }
    let issue_wall = started.elapsed();
    let mut per_doc: Vec<Duration> = reservations
        .iter()
        .map(|(_, d)| *d)
        .zip(&issue_latency)
        .map(|(a, b)| a + *b)
        .collect();
    per_doc.sort();
    let pct = |p: f64| {
        per_doc[((per_doc.len() as f64 * p).ceil() as usize).saturating_sub(1)].as_secs_f64()
            * 1000.0
    };
    let timed = reserve_wall + issue_wall;
    println!(
        "BENCH issue db={} n={n} reserve_wall_s={:.3} issue_wall_s={:.3} docs_per_s={:.1} p50_ms={:.2} p99_ms={:.2}",
        if on_pg { "postgres" } else { "sqlite" },
        reserve_wall.as_secs_f64(),
        issue_wall.as_secs_f64(),
        n as f64 / timed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
    );
    drop(server);
    db.finish().await;
}
