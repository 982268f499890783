//! Prometheus metrics (`GET /metrics`, text exposition format 0.0.4): per route, how many requests ended in each
//! status class and how long they took (a histogram); and, read at each scrape, the database pool, whether the
//! blob store answers, the exchange outbox and the remote signatures waiting, the open live-event streams and
//! whether the instance is draining. Counted in the process (no dependency): each instance is scraped on its own
//! and Prometheus sums them.
//!
//! Who may read it is [`crate::routes::ops::get_metrics`]'s rule: loopback without sign-in, anyone else only
//! with `VANBAN_METRICS_TOKEN` as a bearer token.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds (the SLO is 200 ms for reads, 500 ms for writes).
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    count: AtomicU64,
    sum_micros: AtomicU64,
    /// Requests at or under each bound of [`BUCKETS`] (not cumulative here; summed when written).
    buckets: [AtomicU64; BUCKETS.len()],
}

/// (method, route template, status class such as `2xx`).
type Key = (String, String, &'static str);

#[derive(Default)]
struct Registry {
    routes: RwLock<HashMap<Key, RouteStats>>,
    live_streams: AtomicI64,
}

fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::default)
}

fn class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Counts one request of `method` to `route` (the matched template, so ids do not multiply the series).
pub fn record(method: &str, route: &str, status: u16, latency: Duration) {
    let key: Key = (method.to_string(), route.to_string(), class(status));
    let micros = latency.as_micros().min(u128::from(u64::MAX)) as u64;
    let secs = latency.as_secs_f64();
    let bump = |s: &RouteStats| {
        s.count.fetch_add(1, Ordering::Relaxed);
        s.sum_micros.fetch_add(micros, Ordering::Relaxed);
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            s.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
    };
    let r = registry();
    if let Some(s) = r.routes.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        bump(s);
        return;
    }
    let mut routes = r.routes.write().unwrap_or_else(|e| e.into_inner());
    bump(routes.entry(key).or_default());
}

/// A live-event stream open while this guard lives.
pub struct LiveStream(());

impl LiveStream {
    pub fn open() -> Self {
        registry().live_streams.fetch_add(1, Ordering::Relaxed);
        Self(())
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        registry().live_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a scrape reads beside the counters.
pub struct Gauges {
    pub pool_size: u32,
    pub pool_idle: usize,
    pub database_up: bool,
    pub blob_store_up: bool,
    /// Deliveries to other systems waiting to be sent.
    pub exchange_outbox: i64,
    /// Remote signature requests waiting for the person's approval.
    pub remote_signatures_pending: i64,
}

/// Label values escaped as the exposition format requires.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The exposition text.
pub fn render(g: &Gauges) -> String {
    let mut out = String::new();
    let r = registry();
    let routes = r.routes.read().unwrap_or_else(|e| e.into_inner());
    let mut keys: Vec<&Key> = routes.keys().collect();
    keys.sort();
    out.push_str("# HELP vanban_http_requests_total HTTP requests answered, by method, route and status class.\n");
    out.push_str("# TYPE vanban_http_requests_total counter\n");
    for k in &keys {
        let s = &routes[*k];
        let _ = writeln!(
            out,
            "vanban_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}",
            label(&k.0),
            label(&k.1),
            k.2,
            s.count.load(Ordering::Relaxed)
        );
    }
    out.push_str("# HELP vanban_http_request_duration_seconds Time to answer, by method, route and status class.\n");
    out.push_str("# TYPE vanban_http_request_duration_seconds histogram\n");
    for k in &keys {
        let s = &routes[*k];
        let labels = format!(
            "method=\"{}\",route=\"{}\",status=\"{}\"",
            label(&k.0),
            label(&k.1),
            k.2
        );
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += s.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "vanban_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
            );
        }
        let count = s.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "vanban_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "vanban_http_request_duration_seconds_sum{{{labels}}} {}",
            s.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "vanban_http_request_duration_seconds_count{{{labels}}} {count}"
        );
    }
    let gauge = |out: &mut String, name: &str, help: &str, value: String| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    };
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    gauge(
        &mut out,
        "vanban_db_pool_connections",
        "Connections the database pool holds.",
        g.pool_size.to_string(),
    );
    gauge(
        &mut out,
        "vanban_db_pool_idle",
        "Idle connections in the database pool.",
        g.pool_idle.to_string(),
    );
    gauge(
        &mut out,
        "vanban_db_up",
        "Whether the database answered this scrape.",
        flag(g.database_up),
    );
    gauge(
        &mut out,
        "vanban_blob_store_up",
        "Whether the blob store answered this scrape.",
        flag(g.blob_store_up),
    );
    gauge(
        &mut out,
        "vanban_exchange_outbox",
        "Deliveries to other systems waiting to be sent.",
        g.exchange_outbox.to_string(),
    );
    gauge(
        &mut out,
        "vanban_remote_signatures_pending",
        "Remote signature requests waiting for approval.",
        g.remote_signatures_pending.to_string(),
    );
    gauge(
        &mut out,
        "vanban_live_streams",
        "Open live-event streams.",
        r.live_streams.load(Ordering::Relaxed).to_string(),
    );
    gauge(
        &mut out,
        "vanban_draining",
        "Whether this instance is draining for shutdown.",
        flag(crate::lifecycle::draining()),
    );
    out
}
