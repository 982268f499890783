//! The morning peak of a province (issue 18), run by `make bench-scale` (`scripts/bench-scale.sh`), ignored
//! otherwise. It builds the deployment the issue names from real engines and measures it:
//!
//! - one PostgreSQL database seeded by `vanban bench seed` (`VANBAN_SCALE_DOCS` incoming documents, default
//!   100,000, over 250 agencies of 40 people: 10,000 accounts), whose 16 files are real PDFs in
//! - one Garage bucket, behind
//! - three `vanban serve` instances (`VANBAN_BENCH_BIN`, the release build) behind HAProxy
//!   (`deploy/haproxy.cfg`);
//! - `vanban-loadtest` (goose, `VANBAN_LOADTEST_BIN`) then brings `VANBAN_SCALE_USERS` users (default 10,000)
//!   over `VANBAN_SCALE_RAMP_SECONDS` (default 900), until `VANBAN_SCALE_SECONDS` (default 900 + 60) have
//!   passed. Each signs in, keeps its live-events stream open while it stays, and makes the journey
//!   once (home, one document, its first bytes; one in twenty acts). `VANBAN_LOAD_JOURNEYS`,
//!   `VANBAN_LOAD_THINK_MIN`/`MAX` and `VANBAN_LOAD_STAY_SECONDS` (read by the load generator) make people come
//!   back, to measure what the deployment sustains;
//! - pgbench's built-in simple-update runs on the same PostgreSQL (its own database) for 30 s before the load
//!   and all through it, so the database's headroom is measured side by side.
//!
//! It prints `SEED`, `PGBENCH` and `LOAD` lines (docs/BENCHMARKS.md takes them), and fails only when a request
//! failed.

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::bench_incoming::env_or;
use crate::common::TestDb;
use crate::common::garage::Garage;
use crate::common::haproxy::Haproxy;
use crate::common::server::{free_port, start_server_on, vanban};

/// pgbench's simple-update for `seconds` on `database`; its `tps` and average latency line.
fn pgbench(admin: &str, database: &str, seconds: u64) -> std::process::Child {
    let host_url = admin.rsplit_once('/').map_or(admin, |(h, _)| h);
    Command::new("pgbench")
        .args([
            "-b",
            "simple-update",
            "-c",
            "4",
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-n",
            &format!("{host_url}/{database}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pgbench (PostgreSQL's client tools)")
}

fn pgbench_summary(child: std::process::Child) -> String {
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let pick = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_default()
            .to_string()
    };
    format!(
        "{} | {}",
        pick("latency average"),
        pick("tps = ").split(" (").next().unwrap_or_default()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: make bench-scale"]
async fn morning_peak_of_a_province() {
    let docs: i64 = env_or("VANBAN_SCALE_DOCS", 100_000);
    let users: usize = env_or("VANBAN_SCALE_USERS", 10_000);
    let ramp: u64 = env_or("VANBAN_SCALE_RAMP_SECONDS", 900);
    let seconds: u64 = env_or("VANBAN_SCALE_SECONDS", ramp + 60);
    let loadtest = std::env::var("VANBAN_LOADTEST_BIN").expect(
        "VANBAN_LOADTEST_BIN: the release build of vanban-loadtest (scripts/bench-scale.sh)",
    );

    let garage = Garage::start().await;
    let db = TestDb::postgres().await;
    let dir = tempfile::tempdir().unwrap();

    // The province, its files in the bucket.
    let started = Instant::now();
    let mut seed = Command::new(vanban());
    seed.args(["bench", "seed", "--documents", &docs.to_string()])
        .args(["--database-url", &db.url, "--blob-url", &garage.url()])
        .args(["--extra-arrived", &(docs / 50).max(500).to_string()]);
    for (k, v) in garage.env() {
        seed.env(k, v);
    }
    let out = seed.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seeded = started.elapsed().as_secs_f64();
    for line in text.lines() {
        println!("SEED {line}");
    }
    println!(
        "SEED {docs} documents in {seeded:.0} s ({:.0} documents per second, search index included)",
        docs as f64 / seeded
    );
    let size: i64 = {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    println!(
        "SEED database size {:.2} GiB: {:.0} documents per GiB (rows, indexes and search entries; files are in the bucket)",
        size as f64 / (1u64 << 30) as f64,
        docs as f64 / (size as f64 / (1u64 << 30) as f64)
    );

    // pgbench's own tables, in a database of their own on the same server.
    let admin = crate::common::pg_admin_url();
    let pgdb = format!("vanban_t_pgbench_{}", std::process::id());
    let host_url = admin.rsplit_once('/').map_or(admin.as_str(), |(h, _)| h);
    let created = Command::new("psql")
        .args([&admin, "-qc", &format!("CREATE DATABASE {pgdb}")])
        .status()
        .unwrap();
    assert!(created.success());
    let init = Command::new("pgbench")
        .args(["-i", "-s", "10", "-q", &format!("{host_url}/{pgdb}")])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );

    // Three instances behind HAProxy, on the database and the bucket.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let proxy_port = free_port();
    let proxy = Haproxy::start(proxy_port, &ports);
    let trust = dir.path().join("trust");
    std::fs::create_dir_all(&trust).unwrap();
    let s3 = garage.env();
    let mut servers = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let instance = format!("scale-{i}");
        let mut env: Vec<(&str, &str)> = vec![
            ("VANBAN_TRUST_PROXY_HEADERS", "1"),
            ("VANBAN_INSTANCE", &instance),
        ];
        env.extend(s3.iter().map(|(k, v)| (*k, v.as_str())));
        servers.push(start_server_on(*port, &db.url, dir.path(), &[], &env).await);
    }
    Haproxy::wait_until_it_reaches(proxy_port, 3).await;

    // The database alone first, then with the province on it.
    let quiet = pgbench_summary(pgbench(&admin, &pgdb, 30));
    println!("PGBENCH alone, 30 s, 4 clients: {quiet}");
    let beside = pgbench(&admin, &pgdb, seconds);
    let hatch = (users as f64 / ramp.max(1) as f64).max(0.01);
    println!(
        "LOADRUN {users} users arriving at {hatch:.2}/s over {ramp} s, {seconds} s in all, through HAProxy to 3 instances"
    );
    let run = Command::new(&loadtest)
        .args(["--host", &format!("http://127.0.0.1:{proxy_port}")])
        .args(["--users", &users.to_string()])
        .args(["--increase-time", &format!("{ramp}s")])
        .args([
            "--run-time",
            &format!("{}s", seconds.saturating_sub(ramp).max(1)),
        ])
        .args(["--no-telnet", "--no-websocket", "--quiet"])
        .env("VANBAN_BENCH_PASSWORD", "vanban-bench-2026")
        .output()
        .unwrap();
    let goose = String::from_utf8_lossy(&run.stdout).to_string();
    assert!(
        run.status.success(),
        "{goose}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let under_load = pgbench_summary(beside);
    println!("PGBENCH beside the load, {seconds} s, 4 clients: {under_load}");
    let mut errors = 0u64;
    // The load generator's own `LOADRUN` line (how its people behave), then its results.
    for line in goose.lines().filter(|l| l.starts_with("LOADRUN ")) {
        println!("{line}");
    }
    for line in goose.lines().filter(|l| l.starts_with("LOAD ")) {
        println!("{line}");
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 4 && !cells[1].starts_with("all ") {
            errors += cells[3].parse::<u64>().unwrap_or(0);
        }
    }
    for s in servers.iter() {
        let (rss, peak) = s.memory_kib();
        println!(
            "MEMORY instance on port {}: {rss} KiB now, {peak} KiB at peak",
            s.port
        );
    }
    drop(proxy);
    drop(servers);
    let _ = Command::new("psql")
        .args([
            &admin,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {pgdb} WITH (FORCE)"),
        ])
        .status();
    db.finish().await;
    assert_eq!(errors, 0, "requests failed under load");
}
