//! The process's life as the proxy in front of it sees it: serving, or draining. On SIGTERM (or Ctrl-C) the
//! instance starts draining: readiness answers `503` so the proxy sends new requests elsewhere, every live-event
//! stream ends (its browser reconnects, through the proxy, to another instance, and refetches what it shows),
//! and the server stops accepting connections and finishes the requests in flight before it exits. Nothing
//! acknowledged is lost: a write is acknowledged only after its transaction committed.

use tokio::sync::watch;

fn channel() -> &'static watch::Sender<bool> {
    static DRAINING: std::sync::OnceLock<watch::Sender<bool>> = std::sync::OnceLock::new();
    DRAINING.get_or_init(|| watch::channel(false).0)
}

/// Whether the instance is draining.
pub fn draining() -> bool {
    *channel().borrow()
}

/// Starts draining (idempotent).
pub fn start_draining() {
    channel().send_replace(true);
}

/// Resolves once draining has started (at once when it has).
pub async fn drained() {
    let mut rx = channel().subscribe();
    let _ = rx.wait_for(|d| *d).await;
}

/// Raises the soft limit on open files to the hard limit, and returns the limit now in force. Each person with
/// the app open holds a live-events stream, so an instance of a province holds thousands of connections, while
/// a service manager's default soft limit is often 1,024 (systemd's, with a hard limit of 524,288): at that
/// limit the server stops accepting connections. The hard limit is the administrator's to set
/// (`LimitNOFILE=`, docs/OPERATIONS.md); this only stops the process from staying below it.
pub fn raise_open_files_limit() -> std::io::Result<Option<u64>> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    match (limit.current, limit.maximum) {
        (Some(current), Some(maximum)) if current < maximum => {
            setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(maximum),
                    maximum: Some(maximum),
                },
            )?;
            Ok(Some(maximum))
        }
        (current, _) => Ok(current),
    }
}
