//! The incoming-document benchmark of docs/BENCHMARKS.md (issue 5), run by `scripts/bench-incoming.sh`.
//!
//! `benchmark_incoming` (ignored) seeds a fresh database with `vanban bench seed` (`VANBAN_BENCH_DOCS`
//! documents over 250 agencies), starts a real `vanban serve` process on it, signs in handlers who have open
//! work, agency leaders and clerks, and then, with `VANBAN_BENCH_CLIENTS` (32) clients on keep-alive
//! connections for `VANBAN_BENCH_SECONDS` (10) each:
//!
//! - `GET /api/queue`, each request as the next of ~256 handlers;
//! - `GET /api/dashboard`, each request as the next of 64 agency leaders;
//! - `POST /api/incoming/{id}/accept` with `{}`, each arrived document once, by its agency's clerk.
//!
//! It prints one `BENCH` line and one markdown table row per endpoint: requests, throughput, p50/p95/p99.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::server::{Conn, Session, start_server, vanban};
use sqlx::{Connection, Row};

const PASSWORD: &str = "vanban-bench-2026";

pub(crate) fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Signs in every account, eight at a time (argon2 is the cost).
pub(crate) async fn login_all(port: u16, usernames: Vec<String>) -> Vec<Session> {
    let limit = Arc::new(tokio::sync::Semaphore::new(8));
    let tasks: Vec<_> = usernames
        .into_iter()
        .map(|u| {
            let limit = limit.clone();
            tokio::spawn(async move {
                let _p = limit.acquire().await.unwrap();
                crate::common::server::login(port, &u, PASSWORD).await
            })
        })
        .collect();
    let mut sessions = Vec::new();
    for t in tasks {
        sessions.push(t.await.unwrap());
    }
    sessions
}

/// What one load run measured.
pub(crate) struct Measured {
    latencies: Vec<Duration>,
    errors: usize,
    wall: Duration,
    bytes: usize,
}

impl Measured {
    fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        self.latencies[i].as_secs_f64() * 1000.0
    }

    pub(crate) fn report(&self, db: &str, docs: i64, endpoint: &str) {
        let n = self.latencies.len();
        let rps = n as f64 / self.wall.as_secs_f64();
        println!(
            "BENCH db={db} docs={docs} endpoint={endpoint:?} requests={n} errors={} wall_s={:.2} per_s={rps:.0} \
             p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} avg_body_bytes={}",
            self.errors,
            self.wall.as_secs_f64(),
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99),
            self.bytes / n.max(1),
        );
        println!(
            "ROW | {db} | {docs} | `{endpoint}` | {n} | {rps:.0} | {:.1} ms | {:.1} ms | {:.1} ms |",
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99),
        );
    }
}

/// `clients` clients, each on its own connection, send requests for `duration` or until `next` runs dry:
/// `next(k)` gives the k-th request overall (method, path, session, body).
pub(crate) async fn load<F>(port: u16, clients: usize, duration: Duration, next: F) -> Measured
where
    F: Fn(usize) -> Option<(&'static str, String, Session, Option<Vec<u8>>)>
        + Send
        + Sync
        + 'static,
{
    let next = Arc::new(next);
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (next, counter) = (next.clone(), counter.clone());
            tokio::spawn(async move {
                let mut conn = Conn::open(port).await.unwrap();
                let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0, 0);
                while started.elapsed() < duration {
                    let Some((method, path, session, body)) =
                        next(counter.fetch_add(1, Ordering::Relaxed))
                    else {
                        break;
                    };
                    let t = Instant::now();
                    match conn
                        .call(method, &path, Some(&session), body.as_deref())
                        .await
                    {
                        Ok((200, reply)) => {
                            latencies.push(t.elapsed());
                            bytes += reply.len();
                        }
                        Ok((status, reply)) => {
                            errors += 1;
                            if errors <= 3 {
                                eprintln!(
                                    "{method} {path}: {status} {}",
                                    String::from_utf8_lossy(&reply)
                                );
                            }
                        }
                        Err(e) => {
                            errors += 1;
                            eprintln!("{method} {path}: {e}");
                            conn = Conn::open(port).await.unwrap();
                        }
                    }
                }
                (latencies, errors, bytes)
            })
        })
        .collect();
    let mut m = Measured {
        latencies: Vec::new(),
        errors: 0,
        wall: Duration::ZERO,
        bytes: 0,
    };
    for t in tasks {
        let (l, e, b) = t.await.unwrap();
        m.latencies.extend(l);
        m.errors += e;
        m.bytes += b;
    }
    m.wall = started.elapsed();
    m.latencies.sort();
    m
}

/// Rows from the benchmark database, whichever it is.
pub(crate) async fn rows(url: &str, sql: &str) -> Vec<(String, i64)> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }
}

/// A fresh benchmark database: SQLite under `dir`, or PostgreSQL database `vanban_bench_{docs}` (dropped and
/// created again) on `VANBAN_TEST_PG_URL`'s server.
/// Runs `vanban ARGS` (a seed or an index build), printing its output lines and its wall time after `prefix`;
/// panics with its error output when it fails.
pub(crate) fn run_bench_command(prefix: &str, args: &[&str]) {
    let t = Instant::now();
    let out = Command::new(vanban())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("{prefix} {line}");
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{prefix} wall {:.1} s", t.elapsed().as_secs_f64());
}

pub(crate) async fn fresh_database(on_pg: bool, docs: i64, dir: &Path) -> String {
    if !on_pg {
        return format!("sqlite://{}", dir.join("bench.db").display());
    }
    let admin = std::env::var("VANBAN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("vanban_bench_{docs}");
    let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await
            .unwrap();
    }
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench-incoming.sh"]
async fn benchmark_incoming() {
    let docs: i64 = env_or("VANBAN_BENCH_DOCS", 10_000);
    let extra: i64 = env_or("VANBAN_BENCH_EXTRA_ARRIVED", 6_000);
    let clients: usize = env_or("VANBAN_BENCH_CLIENTS", 32);
    let seconds: u64 = env_or("VANBAN_BENCH_SECONDS", 10);
    let on_pg = std::env::var("VANBAN_BENCH_DB").as_deref() == Ok("postgres");
    let db = if on_pg { "postgres" } else { "sqlite" };
    let dir = match std::env::var("VANBAN_BENCH_DIR") {
        Ok(d) => tempfile::tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    let url = fresh_database(on_pg, docs, dir.path()).await;

    let (documents, extra_arrived) = (docs.to_string(), extra.to_string());
    run_bench_command(
        &format!("SEED db={db} docs={docs}"),
        &[
            "bench",
            "seed",
            "--database-url",
            &url,
            "--documents",
            &documents,
            "--extra-arrived",
            &extra_arrived,
        ],
    );

    let server = start_server(&url, dir.path()).await;
    let port = server.port;

    // Handlers with open work, spread over the agencies: people with open assignments of their own, and unit
    // leaders whose unit has open work assigned to it as a whole.
    let handlers = rows(
        &url,
        "SELECT u.username, u.id FROM users u WHERE EXISTS (SELECT 1 FROM assignments a \
           WHERE a.user_id = u.id AND a.state <> 'done') \
         OR EXISTS (SELECT 1 FROM user_roles r JOIN assignments a ON a.unit_id = u.unit_id \
           WHERE r.user_id = u.id AND r.role = 'unit_leader' AND a.user_id IS NULL AND a.state <> 'done') \
         ORDER BY (u.id * 7919) % 10007 LIMIT 256",
    )
    .await;
    let leaders = rows(
        &url,
        "SELECT u.username, u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'agency_leader' ORDER BY (u.id * 7919) % 10007 LIMIT 64",
    )
    .await;
    let clerks = rows(
        &url,
        "SELECT u.username, un.agency_id FROM users u JOIN user_roles r ON r.user_id = u.id \
         JOIN units un ON un.id = u.unit_id WHERE r.role = 'clerk' ORDER BY un.agency_id",
    )
    .await;
    let arrived = rows(
        &url,
        "SELECT CAST(agency_id AS TEXT), id FROM incoming_documents WHERE status = 'arrived' ORDER BY id",
    )
    .await;
    println!(
        "SETUP db={db} docs={docs} handlers={} leaders={} clerks={} arrived={}",
        handlers.len(),
        leaders.len(),
        clerks.len(),
        arrived.len()
    );
    assert!(!handlers.is_empty() && !leaders.is_empty() && !arrived.is_empty());

    let t = Instant::now();
    let handler_sessions =
        Arc::new(login_all(port, handlers.iter().map(|h| h.0.clone()).collect()).await);
    let leader_sessions =
        Arc::new(login_all(port, leaders.iter().map(|h| h.0.clone()).collect()).await);
    let clerk_sessions = login_all(port, clerks.iter().map(|h| h.0.clone()).collect()).await;
    println!(
        "SETUP signed in {} accounts in {:.1} s",
        handler_sessions.len() + leader_sessions.len() + clerk_sessions.len(),
        t.elapsed().as_secs_f64()
    );
    let duration = Duration::from_secs(seconds);

    // A short warm-up of each read, not measured (first queries fill the caches and prepare statements).
    for (path, sessions) in [
        ("/api/queue", handler_sessions.clone()),
        ("/api/dashboard", leader_sessions.clone()),
    ] {
        load(port, clients, Duration::from_secs(2), move |k| {
            Some((
                "GET",
                path.to_string(),
                sessions[k % sessions.len()].clone(),
                None,
            ))
        })
        .await;
    }

    let sessions = handler_sessions.clone();
    let queue = load(port, clients, duration, move |k| {
        Some((
            "GET",
            "/api/queue".to_string(),
            sessions[k % sessions.len()].clone(),
            None,
        ))
    })
    .await;
    queue.report(db, docs, "GET /api/queue");

    let sessions = leader_sessions.clone();
    let dashboard = load(port, clients, duration, move |k| {
        Some((
            "GET",
            "/api/dashboard".to_string(),
            sessions[k % sessions.len()].clone(),
            None,
        ))
    })
    .await;
    dashboard.report(db, docs, "GET /api/dashboard");

    // Each arrived document once, by its own agency's clerk; documents in id order alternate agencies.
    let by_agency: std::collections::HashMap<i64, Session> = clerks
        .iter()
        .zip(clerk_sessions)
        .map(|((_, agency), s)| (*agency, s))
        .collect();
    let work: Arc<Vec<(i64, Session)>> = Arc::new(
        arrived
            .iter()
            .map(|(agency, id)| (*id, by_agency[&agency.parse::<i64>().unwrap()].clone()))
            .collect(),
    );
    let accept = load(port, clients, duration, move |k| {
        work.get(k).map(|(id, s)| {
            (
                "POST",
                format!("/api/incoming/{id}/accept"),
                s.clone(),
                Some(b"{}".to_vec()),
            )
        })
    })
    .await;
    accept.report(db, docs, "POST /api/incoming/{id}/accept");

    // Every 200 is a document out of "arrived", with its number (the unique key refuses a duplicate).
    let left = rows(
        &url,
        "SELECT 'arrived', COUNT(*) FROM incoming_documents WHERE status = 'arrived'",
    )
    .await;
    println!(
        "CHECK db={db} docs={docs} accepted {} of {} arrived documents",
        arrived.len() as i64 - left[0].1,
        arrived.len()
    );
    assert_eq!(
        arrived.len() as i64 - left[0].1,
        accept.latencies.len() as i64
    );
    assert_eq!(
        queue.errors + dashboard.errors + accept.errors,
        0,
        "some requests failed"
    );

    drop(server);
    if on_pg && std::env::var("VANBAN_BENCH_KEEP").is_err() {
        let admin = std::env::var("VANBAN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS vanban_bench_{docs} WITH (FORCE)"
        )))
        .execute(&mut c)
        .await
        .unwrap();
    }
    if std::env::var("VANBAN_BENCH_KEEP").is_ok() {
        println!("KEPT {url}");
        std::mem::forget(dir);
    }
}
