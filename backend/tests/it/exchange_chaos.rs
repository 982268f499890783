//! The exchange under crashes (issue 16): two `vanban serve` processes with separate databases exchange 1,000
//! documents on PostgreSQL and 300 on SQLite (`VANBAN_CHAOS_DOCS` to change it) while the receiver is killed (SIGKILL) and restarted at random
//! moments several times, and the sender once, in the middle of issuing. At the end every document arrived
//! exactly once, its 01 came back, no outbox holds anything, and both audit logs verify and count what happened.
//! The random moments come from a seed printed at the start (`VANBAN_CHAOS_SEED` replays one).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use vanban::store::Actor;

use crate::common::TestDb;
use crate::common::server::{Server, Session, free_port, start_server_on};
use crate::exchange::{DEPARTMENT, MINISTRY, count, ministry, peer};
use crate::issue_concurrency::{documents_waiting, http, login};

/// A small deterministic generator for the moments of the kills (xorshift64*).
struct Chaos(u64);

impl Chaos {
    fn between(&mut self, low_ms: u64, high_ms: u64) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        Duration::from_millis(low_ms + r % (high_ms - low_ms + 1))
    }
}

async fn start(db: &TestDb, dir: &Path, port: u16) -> Server {
    start_server_on(
        port,
        &db.url,
        dir,
        &[],
        &[
            ("VANBAN_EXCHANGE_POLL_MS", "50"),
            ("VANBAN_EXCHANGE_BACKOFF_MS", "100"),
            ("VANBAN_EXCHANGE_MAX_BACKOFF_MS", "1000"),
            // A killed sender's leased packets are taken over after 4 s.
            ("VANBAN_EXCHANGE_LEASE_MS", "4000"),
        ],
    )
    .await
}

/// One call that may meet a killed server: `None` when the connection failed.
async fn call(
    port: u16,
    method: &str,
    path: &str,
    session: &Session,
    body: Option<(&str, &[u8])>,
) -> Option<(u16, Value)> {
    let (status, _, reply) = http(port, method, path, Some(session), body, None)
        .await
        .ok()?;
    Some((
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    ))
}

/// Whether the document is issued already (its issue committed, the answer lost with the server).
async fn issued(port: u16, session: &Session, id: i64) -> bool {
    matches!(
        call(port, "GET", &format!("/api/outgoing/{id}"), session, None).await,
        Some((200, doc)) if doc["status"] == "issued"
    )
}

/// Reserve, seal, upload and issue as a clerk whose server may be killed at any step: each step is retried
/// until the document is issued (once).
async fn issue_surviving(port: u16, session: Session, id: i64, signed: Arc<Vec<u8>>) {
    for _ in 0..600 {
        if issued(port, &session, id).await {
            return;
        }
        let Some((status, reservation)) = call(
            port,
            "POST",
            &format!("/api/outgoing/{id}/reservation"),
            &session,
            Some(("application/json", b"{}")),
        )
        .await
        else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        if status != 200 {
            assert!(
                status >= 500 || status == 409,
                "reservation {status}: {reservation}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        let signed = signed.clone();
        let sealed = tokio::task::spawn_blocking(move || {
            crate::common::docs::number_and_seal(
                &signed,
                &reservation,
                &crate::common::docs::pki()
                    .signer(crate::common::docs::DEPT_NAME, shared::pki::CertRole::Seal),
            )
        })
        .await
        .unwrap();
        let sha = crate::common::docs::sha256(&sealed);
        if !matches!(
            call(
                port,
                "PUT",
                &format!("/api/blobs/{sha}"),
                &session,
                Some(("application/pdf", &sealed))
            )
            .await,
            Some((200, _))
        ) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        let body = serde_json::to_vec(&json!({"main_sha256": sha})).unwrap();
        match call(
            port,
            "POST",
            &format!("/api/outgoing/{id}/issue"),
            &session,
            Some(("application/json", &body)),
        )
        .await
        {
            Some((200, _)) => return,
            Some((status, body)) => {
                assert!(status >= 500 || status == 409, "issue {status}: {body}")
            }
            None => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("document {id} was never issued");
}

/// Waits (up to `limit`) until `check` holds, printing what it saw last when it never does.
async fn settle<F, Fut>(limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    loop {
        match check().await {
            Ok(()) => return,
            Err(why) if started.elapsed() > limit => panic!("the exchange did not settle: {why}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

/// Two provinces' worth of setup: `n` documents signed and waiting for A's clerks, the ministry on B, two free
/// ports and each side's peer record naming the other.
struct Pair {
    a_dir: tempfile::TempDir,
    b_dir: tempfile::TempDir,
    ids: Vec<i64>,
    signed: Arc<Vec<u8>>,
    a_port: u16,
    b_port: u16,
}

async fn pair(a_db: &TestDb, b_db: &TestDb, n: usize) -> Pair {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [a_dir.path(), b_dir.path()] {
        crate::issue_concurrency::trust_dir(d);
    }
    let prepared = Instant::now();
    let (_, ids, signed) = documents_waiting(a_db, a_dir.path(), n).await;
    eprintln!("exchange: {n} documents signed in {:?}", prepared.elapsed());
    ministry(b_db).await;
    let (a_port, b_port) = (free_port(), free_port());
    let sys = Actor::default();
    b_db.store
        .save_peer(&sys, &peer("Sở Nội vụ Vĩnh Long", a_port, DEPARTMENT))
        .await
        .unwrap();
    a_db.store
        .save_peer(&sys, &peer("Bộ Nội vụ", b_port, MINISTRY))
        .await
        .unwrap();
    Pair {
        a_dir,
        b_dir,
        ids,
        signed: Arc::new(signed),
        a_port,
        b_port,
    }
}

async fn a_thousand_documents_cross_while_both_instances_are_killed(a_db: TestDb) {
    // 1,000 on PostgreSQL (the distributed setup); 300 on SQLite keeps `make test` within its time (the same
    // code paths; `VANBAN_CHAOS_DOCS=1000` runs the full count there too).
    let n: usize = std::env::var("VANBAN_CHAOS_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(match a_db.kind {
            vanban::store::DbKind::Postgres => 1000,
            vanban::store::DbKind::Sqlite => 300,
        });
    let seed: u64 = std::env::var("VANBAN_CHAOS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| vanban::store::now_ms() as u64 | 1);
    eprintln!("exchange chaos: {n} documents, VANBAN_CHAOS_SEED={seed}");
    let mut chaos = Chaos(seed);
    let b_db = match a_db.kind {
        vanban::store::DbKind::Sqlite => TestDb::sqlite().await,
        vanban::store::DbKind::Postgres => TestDb::postgres().await,
    };
    let Pair {
        a_dir,
        b_dir,
        ids,
        signed,
        a_port,
        b_port,
    } = pair(&a_db, &b_db, n).await;
    let mut a = start(&a_db, a_dir.path(), a_port).await;
    let mut b = start(&b_db, b_dir.path(), b_port).await;
    let clerk = login(a_port, "vanthu.snv").await;

    // The clerks issue everything, four at a time, while the servers die under them: the receiver around each
    // sixth of the way (at a random point of it), the sender once around the middle.
    let started = Instant::now();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let issuing = {
        let (clerk, signed, done) = (clerk.clone(), signed.clone(), done.clone());
        tokio::spawn(async move {
            use futures_util::StreamExt;
            futures_util::stream::iter(ids)
                .map(|id| {
                    let (clerk, signed, done) = (clerk.clone(), signed.clone(), done.clone());
                    async move {
                        issue_surviving(a_port, clerk, id, signed).await;
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                })
                .buffer_unordered(4)
                .collect::<Vec<()>>()
                .await;
        })
    };
    let step = (n / 6).max(1) as u64;
    for round in 0..5u64 {
        let at = step * (round + 1) - step / 2 + chaos.between(0, step).as_millis() as u64;
        while (done.load(std::sync::atomic::Ordering::Relaxed) as u64) < at
            && !issuing.is_finished()
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(chaos.between(0, 500)).await;
        eprintln!(
            "exchange chaos: receiver killed after {} issued",
            done.load(std::sync::atomic::Ordering::Relaxed)
        );
        b.kill();
        tokio::time::sleep(chaos.between(100, 1500)).await;
        b = start(&b_db, b_dir.path(), b_port).await;
        if round == 2 {
            tokio::time::sleep(chaos.between(100, 1000)).await;
            eprintln!(
                "exchange chaos: sender killed after {} issued",
                done.load(std::sync::atomic::Ordering::Relaxed)
            );
            a.kill();
            tokio::time::sleep(chaos.between(100, 1000)).await;
            a = start(&a_db, a_dir.path(), a_port).await;
        }
    }
    issuing.await.unwrap();
    eprintln!("exchange chaos: issued in {:?}", started.elapsed());
    // Once more while the last packets are on their way.
    tokio::time::sleep(chaos.between(0, 1000)).await;
    b.kill();
    tokio::time::sleep(chaos.between(100, 1000)).await;
    let _b = start(&b_db, b_dir.path(), b_port).await;

    let want = n.to_string();
    settle(Duration::from_secs(600), || async {
        let pending_a = count(&a_db, "SELECT COUNT(*) FROM exchange_outbox WHERE state <> 'delivered'").await;
        let pending_b = count(&b_db, "SELECT COUNT(*) FROM exchange_outbox WHERE state <> 'delivered'").await;
        let arrived = count(&b_db, "SELECT COUNT(*) FROM incoming_documents WHERE channel = 'exchange'").await;
        let back = count(
            &a_db,
            "SELECT COUNT(*) FROM deliveries WHERE channel = 'external' AND status = '01'",
        )
        .await;
        if pending_a == "0" && pending_b == "0" && arrived == want && back == want {
            Ok(())
        } else {
            Err(format!(
                "A outbox not delivered {pending_a}, B outbox not delivered {pending_b}, arrived {arrived}, 01 back {back}"
            ))
        }
    })
    .await;
    eprintln!("exchange chaos: settled in {:?}", started.elapsed());

    // Exactly once: one incoming document per DocumentId, one packet row per document and per 01.
    let distinct = count(
        &b_db,
        "SELECT COUNT(DISTINCT exchange_document_id) FROM incoming_documents",
    )
    .await;
    assert_eq!(distinct, want);
    assert_eq!(
        count(
            &a_db,
            "SELECT COUNT(*) FROM exchange_outbox WHERE kind = 'document'"
        )
        .await,
        want
    );
    assert_eq!(
        count(
            &b_db,
            "SELECT COUNT(*) FROM exchange_outbox WHERE kind = 'status' AND status_code = '01'"
        )
        .await,
        want
    );
    assert_eq!(
        count(
            &a_db,
            "SELECT COUNT(*) FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id \
             WHERE d.channel = 'external' AND e.status = '01'"
        )
        .await,
        want,
        "a redelivered 01 moved a delivery twice"
    );
    assert_eq!(
        count(
            &b_db,
            "SELECT COUNT(*) FROM exchange_inbox WHERE kind = 'document'"
        )
        .await,
        want
    );
    // Both audit logs are whole and say the same story: n issues on A, n arrivals on B.
    for db in [&a_db, &b_db] {
        let report = db.store.verify_audit_chain().await.unwrap();
        assert_eq!(report.first_broken_seq, None, "the audit chain is broken");
    }
    assert_eq!(
        count(
            &a_db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'outgoing.issue'"
        )
        .await,
        want
    );
    assert_eq!(
        count(
            &b_db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'incoming.exchange_arrival'"
        )
        .await,
        want
    );
    drop((a, _b));
    a_db.finish().await;
    b_db.finish().await;
}

on_both_databases!(a_thousand_documents_cross_while_both_instances_are_killed);

/// `make bench` (scripts/bench-exchange.sh, release build): end-to-end speed of the exchange between two
/// instances on loopback. `VANBAN_BENCH_DOCS` documents (default 500) are issued on A while B is down, so they
/// wait in A's outbox; B starts and the clock runs until every document has arrived on B and every 01 is back on
/// A. Prints `ROW` lines for docs/BENCHMARKS.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench-exchange.sh"]
async fn benchmark_exchange() {
    let n: usize = std::env::var("VANBAN_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let (a_db, b_db) = match std::env::var("VANBAN_BENCH_DB").as_deref() {
        Ok("postgres") => (TestDb::postgres().await, TestDb::postgres().await),
        _ => (TestDb::sqlite().await, TestDb::sqlite().await),
    };
    let Pair {
        a_dir,
        b_dir,
        ids,
        signed,
        a_port,
        b_port,
    } = pair(&a_db, &b_db, n).await;
    let a = start(&a_db, a_dir.path(), a_port).await;
    let clerk = login(a_port, "vanthu.snv").await;
    {
        use futures_util::StreamExt;
        futures_util::stream::iter(ids)
            .map(|id| issue_surviving(a_port, clerk.clone(), id, signed.clone()))
            .buffer_unordered(4)
            .collect::<Vec<()>>()
            .await;
    }
    // Every packet is due now.
    let mut raw = crate::common::raw_connection(&a_db).await;
    crate::common::raw_exec(
        &mut raw,
        "UPDATE exchange_outbox SET next_attempt_at = 0, attempts = 0, last_error = NULL",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let b = start(&b_db, b_dir.path(), b_port).await;
    let want = n.to_string();
    let arrived_at = std::cell::Cell::new(None);
    settle(Duration::from_secs(1800), || {
        let (a_db, b_db, want) = (&a_db, &b_db, &want);
        let arrived_at = &arrived_at;
        async move {
            let arrived = count(
                b_db,
                "SELECT COUNT(*) FROM incoming_documents WHERE channel = 'exchange'",
            )
            .await;
            if arrived == *want && arrived_at.get().is_none() {
                arrived_at.set(Some(started.elapsed()));
            }
            let back = count(
                a_db,
                "SELECT COUNT(*) FROM deliveries WHERE channel = 'external' AND status = '01'",
            )
            .await;
            if arrived == *want && back == *want {
                Ok(())
            } else {
                Err(format!("arrived {arrived}, 01 back {back}"))
            }
        }
    })
    .await;
    let total = started.elapsed();
    let arrived = arrived_at.get().unwrap_or(total);
    let db = format!("{:?}", a_db.kind).to_lowercase();
    println!(
        "ROW | {db} | {n} | {:.1} s | {:.0} | {:.1} s | {:.0} |",
        arrived.as_secs_f64(),
        n as f64 / arrived.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    drop((a, b));
    a_db.finish().await;
    b_db.finish().await;
}
