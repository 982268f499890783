//! The search benchmark of docs/BENCHMARKS.md (issue 15), run by `scripts/bench-search.sh`.
//!
//! `benchmark_search` (ignored) seeds a fresh database with `vanban bench seed` (the incoming benchmark's
//! province: `VANBAN_BENCH_DOCS` incoming documents and the outgoing documents they are copies of, over 250
//! agencies), which also builds the search index, starts a real `vanban serve` on it, signs in clerks, agency
//! leaders and handlers (people who see only what they took part in), and sends `GET /api/search` with
//! `VANBAN_BENCH_CLIENTS` (32) clients for `VANBAN_BENCH_SECONDS` (10) per kind of query, each request as the
//! next person in turn. It prints one `BENCH` line and one markdown table row per kind of query.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::bench_incoming::{env_or, fresh_database, load, login_all, rows, run_bench_command};
use crate::common::server::start_server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench-search.sh"]
async fn benchmark_search() {
    let docs: i64 = env_or("VANBAN_BENCH_DOCS", 10_000);
    let clients: usize = env_or("VANBAN_BENCH_CLIENTS", 32);
    let seconds: u64 = env_or("VANBAN_BENCH_SECONDS", 10);
    let on_pg = std::env::var("VANBAN_BENCH_DB").as_deref() == Ok("postgres");
    let db = if on_pg { "postgres" } else { "sqlite" };
    let dir = match std::env::var("VANBAN_BENCH_DIR") {
        Ok(d) => tempfile::tempdir_in(d).unwrap(),
        Err(_) => tempfile::tempdir().unwrap(),
    };
    // VANBAN_BENCH_URL: a database seeded earlier (`vanban bench seed`, kept), whose missing search entries are
    // built now with this build's code — a 1,000,000-document seed takes longer than an index rebuild.
    let url = match std::env::var("VANBAN_BENCH_URL") {
        Ok(url) if !url.is_empty() => {
            run_bench_command(
                &format!("SEED db={db} docs={docs} reused:"),
                &["bench", "index", "--database-url", &url],
            );
            url
        }
        _ => {
            let url = fresh_database(on_pg, docs, dir.path()).await;
            let documents = docs.to_string();
            run_bench_command(
                &format!("SEED db={db} docs={docs}"),
                &[
                    "bench",
                    "seed",
                    "--database-url",
                    &url,
                    "--documents",
                    &documents,
                ],
            );
            url
        }
    };
    let entries = rows(&url, "SELECT 'entries', COUNT(*) FROM search_entries").await;
    println!("SETUP db={db} docs={docs} search_entries={}", entries[0].1);

    let server = start_server(&url, dir.path()).await;
    let port = server.port;

    // Who searches: clerks and agency leaders (their agency's every document) and handlers (only what they
    // took part in: the visibility subqueries run for each candidate), each with the số, ký hiệu of a document
    // their agency received, to look up exactly as people type it.
    let people = rows(
        &url,
        "SELECT p.username || '|' || COALESCE((SELECT MIN(i.code_text) FROM incoming_documents i \
           WHERE i.agency_id = un.agency_id), '1'), p.id FROM ( \
           SELECT u.id, u.username, u.unit_id FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.role IN ('clerk', 'agency_leader') \
           UNION SELECT u.id, u.username, u.unit_id FROM users u WHERE EXISTS (SELECT 1 FROM assignments a \
             WHERE a.user_id = u.id)) p JOIN units un ON un.id = p.unit_id \
         ORDER BY (p.id * 7919) % 10007 LIMIT 192",
    )
    .await;
    let (names, numbers): (Vec<String>, Vec<String>) = people
        .iter()
        .map(|(s, _)| {
            let (u, n) = s.split_once('|').unwrap();
            (u.to_string(), n.to_string())
        })
        .unzip();
    let t = Instant::now();
    let sessions = Arc::new(login_all(port, names).await);
    println!(
        "SETUP signed in {} accounts in {:.1} s",
        sessions.len(),
        t.elapsed().as_secs_f64()
    );
    let enc = |q: &str| -> String { shared::list_query::encode_pairs([("q", q)]) };
    // Each kind: its queries, and whether the k-th query belongs to the k-th person (their own number).
    let kinds: Vec<(&str, Vec<String>, bool)> = vec![
        (
            "common phrase",
            vec![
                enc("quyet dinh"),
                enc("chuyen doi so"),
                enc("cai cach hanh chinh"),
            ],
            false,
        ),
        (
            "sender or signer",
            vec![enc("bo tai chinh"), enc("nguyen van hung"), enc("dien luc")],
            false,
        ),
        (
            "exact number",
            numbers.iter().map(|n| enc(n)).collect(),
            true,
        ),
        (
            "short (2 letters)",
            vec![enc("so"), enc("qd"), enc("12")],
            false,
        ),
        (
            "rare or absent",
            vec![enc("thien tai nam 2031"), enc("khong co van ban nay")],
            false,
        ),
        (
            "common, filtered",
            vec![format!(
                "{}&direction=incoming&type=cong_van&page=2",
                enc("bao cao")
            )],
            false,
        ),
    ];
    let duration = Duration::from_secs(seconds);
    for (label, queries, own) in kinds {
        let queries = Arc::new(queries);
        let pick =
            move |k: usize, q: &Arc<Vec<String>>, s: &Arc<Vec<crate::common::server::Session>>| {
                let person = if own {
                    k % s.len()
                } else {
                    (k / q.len()) % s.len()
                };
                Some((
                    "GET",
                    format!("/api/search?{}", q[k % q.len()]),
                    s[person].clone(),
                    None,
                ))
            };
        let (s, q) = (sessions.clone(), queries.clone());
        // Not measured: the first requests prepare statements and fill the caches.
        load(port, clients, Duration::from_secs(2), move |k| {
            pick(k, &q, &s)
        })
        .await;
        let (s, q) = (sessions.clone(), queries.clone());
        let m = load(port, clients, duration, move |k| pick(k, &q, &s)).await;
        m.report(db, docs, &format!("GET /api/search ({label})"));
    }
}
