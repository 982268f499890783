//! The morning peak of a province (issue 18), with goose: every simulated user is one of the benchmark
//! province's 10,000 accounts (`vanban bench seed`: 250 agencies × 40 people). Users arrive over the ramp-up
//! (`--increase-time`) and sign in once, which opens their live-events stream (`/api/events`, as the browser's
//! `EventSource` does), kept open while they stay (`VANBAN_LOAD_STAY_SECONDS`). Then each journey opens their
//! home (counters and their queue: the clerk's documents to register, the leader's to assign, everyone else's
//! assignments), one document of it and the first 64 KiB of its main file (what the phone's viewer asks
//! first). One user in twenty acts once, on its first journey: a clerk registers an arrival, a leader assigns a
//! document to a unit, a handler reports on an assignment.
//!
//! The morning is one journey per person (`VANBAN_LOAD_JOURNEYS=1`, the default); with more, each
//! person comes back after thinking (`VANBAN_LOAD_THINK_MIN`..`MAX` seconds), which measures what the
//! deployment sustains rather than the morning.
//!
//! Latencies are recorded per kind of request by this program (goose's own tables have no 95th percentile) and
//! printed at the end as `LOAD` lines: reads and writes apart, p50/p95/p99, errors. Run by
//! `scripts/bench-scale.sh`; e.g. `vanban-loadtest --host http://127.0.0.1:8080 --users 10000 --increase-time 15m
//! --run-time 1m`.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use goose::prelude::*;
use serde_json::{Value, json};

/// The benchmark province's password (`vanban bench seed`), or `VANBAN_BENCH_PASSWORD`.
fn password() -> String {
    std::env::var("VANBAN_BENCH_PASSWORD").unwrap_or_else(|_| "vanban-bench-2026".into())
}

const AGENCIES: usize = 250;
const PEOPLE: usize = 40;

/// What a signed-in user keeps between requests.
#[derive(Clone)]
struct Session {
    csrf: String,
    role: Role,
    acted: bool,
    unit: Option<i64>,
    journeys: usize,
}

/// A number from the environment, or `default`.
fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How people behave, from the environment, read once (every idle person asks on each wake-up).
struct Behaviour {
    /// Journeys per person (`VANBAN_LOAD_JOURNEYS`): 1 is the morning.
    journeys: usize,
    /// Seconds between sign-in and a journey, and between two (`VANBAN_LOAD_THINK_MIN`, `_MAX`).
    think: (u64, u64),
    /// How long each person's page, and so its live-events stream, stays open (`VANBAN_LOAD_STAY_SECONDS`).
    stay: Duration,
}

fn behaviour() -> &'static Behaviour {
    static B: OnceLock<Behaviour> = OnceLock::new();
    B.get_or_init(|| Behaviour {
        journeys: env_or("VANBAN_LOAD_JOURNEYS", 1),
        think: (
            env_or("VANBAN_LOAD_THINK_MIN", 2),
            env_or("VANBAN_LOAD_THINK_MAX", 10),
        ),
        stay: Duration::from_secs(env_or("VANBAN_LOAD_STAY_SECONDS", 300)),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Leader,
    Clerk,
    Handler,
}

/// Account `index` of the province (0-based): agency `index / 40 + 1`, person `index % 40 + 1`, named as
/// `vanban bench seed` names them.
fn account(index: usize) -> (String, Role) {
    let a = (index / PEOPLE) % AGENCIES + 1;
    let j = index % PEOPLE + 1;
    match j {
        1 => (format!("ld.a{a}"), Role::Leader),
        2 => (format!("vt.a{a}"), Role::Clerk),
        3..=8 => (format!("tp{}.a{a}", j - 2), Role::Handler),
        _ => (format!("cv{j}.a{a}"), Role::Handler),
    }
}

/// Latencies (µs) and failures per kind of request.
#[derive(Default)]
struct Tally {
    micros: Vec<u64>,
    errors: u64,
}

fn tallies() -> &'static Mutex<BTreeMap<&'static str, Tally>> {
    static T: OnceLock<Mutex<BTreeMap<&'static str, Tally>>> = OnceLock::new();
    T.get_or_init(Default::default)
}

fn tally(name: &'static str, micros: u64, failed: bool) {
    let mut t = tallies().lock().unwrap();
    let tally = t.entry(name).or_default();
    tally.micros.push(micros);
    if failed {
        tally.errors += 1;
    }
}

/// What the live-events streams saw: events received, and streams that ended before the person left
/// (an instance stopped or the proxy cut them; a browser would reconnect, so they are counted apart).
#[derive(Default)]
struct Streams {
    events: u64,
    cut: u64,
}

fn streams() -> &'static Mutex<Streams> {
    static S: OnceLock<Mutex<Streams>> = OnceLock::new();
    S.get_or_init(Default::default)
}

const EVENTS: &str = "GET /api/events (stream open)";

/// The browser's `EventSource`: opened after sign-in with the session's cookie, read until the person leaves
/// (`stay`). Tallied as a read by the time its answer's head arrived.
fn open_events(user: &GooseUser, stay: Duration) {
    let client = user.client.clone();
    let Ok(url) = user.base_url.join("/api/events") else {
        return;
    };
    tokio::spawn(async move {
        let started = Instant::now();
        // The client's own timeout (goose's 60 s) would end the stream: it lasts the stay.
        let answer = client
            .get(url)
            .timeout(stay + Duration::from_secs(60))
            .send()
            .await;
        let mut response = match answer {
            Ok(r) if r.status().is_success() => r,
            _ => {
                tally(EVENTS, started.elapsed().as_micros() as u64, true);
                return;
            }
        };
        tally(EVENTS, started.elapsed().as_micros() as u64, false);
        let read = async {
            while let Ok(Some(chunk)) = response.chunk().await {
                let events = chunk
                    .split(|b| *b == b'\n')
                    .filter(|l| l.starts_with(b"event:"))
                    .count();
                streams().lock().unwrap().events += events as u64;
            }
        };
        if tokio::time::timeout(stay, read).await.is_ok() {
            streams().lock().unwrap().cut += 1;
        }
    });
}

/// One request, timed and tallied under `name`; the answer's JSON (or `Null`), or `None` on a failure.
async fn call(
    user: &mut GooseUser,
    name: &'static str,
    method: GooseMethod,
    path: &str,
    body: Option<Value>,
    range: Option<&str>,
) -> Result<Option<Value>, Box<TransactionError>> {
    let mut builder = user.get_request_builder(&method, path)?;
    if let Some(s) = user.get_session_data::<Session>() {
        builder = builder.header("X-CSRF-Token", s.csrf.clone());
    }
    if let Some(r) = range {
        builder = builder.header("Range", r);
    }
    if let Some(b) = body {
        builder = builder.json(&b);
    }
    let request = GooseRequest::builder()
        .method(method)
        .path(path)
        .name(name)
        .set_request_builder(builder)
        .build();
    let started = Instant::now();
    let mut goose = user.request(request).await?;
    let answer = match goose.response {
        Ok(r) if r.status().is_success() => {
            let bytes = r.bytes().await.unwrap_or_default();
            Some(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        }
        Ok(r) => {
            let status = r.status();
            let text = r.text().await.unwrap_or_default();
            let _ = user.set_failure(
                &format!("{name}: {status}"),
                &mut goose.request,
                None,
                Some(&text),
            );
            None
        }
        Err(_) => None,
    };
    tally(name, started.elapsed().as_micros() as u64, answer.is_none());
    Ok(answer)
}

async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let (username, role) = account(user.weighted_users_index);
    let body = json!({"username": username, "password": password()});
    let Some(reply) = call(
        user,
        "POST /api/auth/login",
        GooseMethod::Post,
        "/api/auth/login",
        Some(body),
        None,
    )
    .await?
    else {
        return Ok(());
    };
    let csrf = reply["csrf_token"].as_str().unwrap_or_default().to_string();
    user.set_session_data(Session {
        csrf,
        role,
        acted: false,
        unit: None,
        journeys: 0,
    });
    open_events(user, behaviour().stay);
    let me = call(user, "GET /api/me", GooseMethod::Get, "/api/me", None, None).await?;
    if let (Some(me), Some(s)) = (me, user.get_session_data_mut::<Session>()) {
        s.unit = me["user"]["unit"]["id"].as_i64();
    }
    Ok(())
}

/// Home, one document, its first bytes, and (one user in twenty, once) an action; nothing once the person's
/// journeys are done (the page stays open, its events stream read).
async fn morning(user: &mut GooseUser) -> TransactionResult {
    let journeys = behaviour().journeys;
    let Some(session) = user.get_session_data_mut::<Session>() else {
        return Ok(()); // not signed in (its sign-in failed and was counted)
    };
    if session.journeys >= journeys {
        return Ok(());
    }
    session.journeys += 1;
    let role = session.role;
    call(
        user,
        "GET /api/incoming/counts",
        GooseMethod::Get,
        "/api/incoming/counts",
        None,
        None,
    )
    .await?;
    call(
        user,
        "GET /api/outgoing/counts",
        GooseMethod::Get,
        "/api/outgoing/counts",
        None,
        None,
    )
    .await?;
    let (name, path) = match role {
        Role::Clerk => (
            "GET /api/incoming?bucket=to_register",
            "/api/incoming?bucket=to_register",
        ),
        Role::Leader => (
            "GET /api/incoming?bucket=to_assign",
            "/api/incoming?bucket=to_assign",
        ),
        Role::Handler => ("GET /api/queue", "/api/queue"),
    };
    let Some(list) = call(user, name, GooseMethod::Get, path, None, None).await? else {
        return Ok(());
    };
    let items = list["items"].as_array().cloned().unwrap_or_default();
    // Each journey opens the next document of the list, as a person works down it.
    let journey = user.get_session_data::<Session>().map_or(0, |s| s.journeys);
    let Some(item) = items
        .get((user.weighted_users_index + journey) % items.len().max(1))
        .cloned()
    else {
        return Ok(());
    };
    let Some(id) = item["id"].as_i64() else {
        return Ok(());
    };
    let Some(doc) = call(
        user,
        "GET /api/incoming/{id}",
        GooseMethod::Get,
        &format!("/api/incoming/{id}"),
        None,
        None,
    )
    .await?
    else {
        return Ok(());
    };
    if let Some(file) = doc["files"][0]["id"].as_i64() {
        call(
            user,
            "GET /api/incoming/{id}/files/{file} (first 64 KiB)",
            GooseMethod::Get,
            &format!("/api/incoming/{id}/files/{file}"),
            None,
            Some("bytes=0-65535"),
        )
        .await?;
    }
    // One in twenty, spread over every kind of person: the position that acts shifts with the agency.
    let i = user.weighted_users_index;
    let acts = (i + i / PEOPLE).is_multiple_of(20)
        && user.get_session_data::<Session>().is_some_and(|s| !s.acted);
    if acts {
        if let Some(s) = user.get_session_data_mut::<Session>() {
            s.acted = true;
        }
        act(user, role, id, &item).await?;
    }
    Ok(())
}

async fn act(
    user: &mut GooseUser,
    role: Role,
    id: i64,
    item: &Value,
) -> Result<(), Box<TransactionError>> {
    match role {
        Role::Clerk => {
            call(
                user,
                "POST /api/incoming/{id}/accept",
                GooseMethod::Post,
                &format!("/api/incoming/{id}/accept"),
                Some(json!({})),
                None,
            )
            .await?;
        }
        Role::Leader => {
            let Some(unit) = user.get_session_data::<Session>().and_then(|s| s.unit) else {
                return Ok(());
            };
            call(
                user,
                "POST /api/incoming/{id}/assign",
                GooseMethod::Post,
                &format!("/api/incoming/{id}/assign"),
                Some(json!({
                    "instruction": "Giao phòng chủ trì xử lý.",
                    "targets": [{"role": "lead", "to": {"kind": "unit", "id": unit}}],
                })),
                None,
            )
            .await?;
        }
        Role::Handler => {
            let Some(assignment) = item["assignment_id"].as_i64() else {
                return Ok(());
            };
            let action = if item["role"] == "inform" {
                json!({"action": "note"})
            } else {
                json!({"action": "report", "comment": "Đang phối hợp xử lý, sẽ báo cáo kết quả."})
            };
            call(
                user,
                "POST /api/assignments/{id}/act",
                GooseMethod::Post,
                &format!("/api/assignments/{assignment}/act"),
                Some(action),
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// The `LOAD` lines: one per kind of request, then reads and writes together.
fn report() {
    let t = tallies().lock().unwrap();
    let pct = |sorted: &[u64], p: f64| -> f64 {
        if sorted.is_empty() {
            return 0.0;
        }
        let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i] as f64 / 1000.0
    };
    let mut reads = (Vec::new(), 0u64);
    let mut writes = (Vec::new(), 0u64);
    println!("LOAD | request | count | errors | p50 ms | p95 ms | p99 ms |");
    for (name, tally) in t.iter() {
        let mut sorted = tally.micros.clone();
        sorted.sort_unstable();
        println!(
            "LOAD | {name} | {} | {} | {:.1} | {:.1} | {:.1} |",
            sorted.len(),
            tally.errors,
            pct(&sorted, 0.5),
            pct(&sorted, 0.95),
            pct(&sorted, 0.99)
        );
        let bucket = if name.starts_with("GET") {
            &mut reads
        } else {
            &mut writes
        };
        bucket.0.extend_from_slice(&tally.micros);
        bucket.1 += tally.errors;
    }
    let s = streams().lock().unwrap();
    // Events received, and (as errors) streams that ended before the person left.
    println!(
        "LOAD | live events received (streams cut early) | {} | {} | | | |",
        s.events, s.cut
    );
    for (label, (mut all, errors)) in [("all reads", reads), ("all writes", writes)] {
        all.sort_unstable();
        println!(
            "LOAD | {label} | {} | {errors} | {:.1} | {:.1} | {:.1} |",
            all.len(),
            pct(&all, 0.5),
            pct(&all, 0.95),
            pct(&all, 0.99)
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    // Between sign-in and the journey, and between two journeys: a person looks at the page for a while.
    let b = behaviour();
    let (think_min, think_max) = (
        Duration::from_secs(b.think.0),
        Duration::from_secs(b.think.1),
    );
    // The harness prints this line with the results (the defaults live here only).
    println!(
        "LOADRUN {} journey(s) each, {}–{} s apart, live events open {} s",
        b.journeys,
        b.think.0,
        b.think.1,
        b.stay.as_secs()
    );
    GooseAttack::initialize()?
        .register_scenario(
            scenario!("Buổi sáng của tỉnh")
                .set_wait_time(think_min, think_max)?
                .register_transaction(transaction!(sign_in).set_on_start().set_name("sign in"))
                .register_transaction(transaction!(morning).set_name("morning")),
        )
        .execute()
        .await?;
    report();
    Ok(())
}
