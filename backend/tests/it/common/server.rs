//! A real `vanban serve` process and raw HTTP/1.1 connections to it: what only a socket shows (a malformed
//! chunked body, the server's resident memory, SIGKILL and restart) and the benchmarks' load.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The `vanban` binary: `VANBAN_BENCH_BIN` (the benchmark script runs a copy, so a rebuild meanwhile changes
/// nothing), or the one built with this test.
pub fn vanban() -> String {
    std::env::var("VANBAN_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_vanban").to_string())
}

/// A `vanban serve` process, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    /// The server process's resident memory now and at its peak, in KiB (`/proc/PID/status`).
    pub fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap()
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Kills the process at once (SIGKILL), as a power cut or the OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start_server(database_url: &str, data_dir: &Path) -> Server {
    start_server_with(database_url, data_dir, &[], &[]).await
}

/// [`start_server`] with extra arguments (`--seed-demo-if-empty`) and environment variables. The server's log
/// (warnings and errors) goes to `DATA_DIR/server.log`, appended across restarts.
pub async fn start_server_with(
    database_url: &str,
    data_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Server {
    let port = free_port();
    start_server_on(port, database_url, data_dir, args, env).await
}

/// A port free now on loopback, chosen below the kernel's ephemeral range. A port from that range (what binding
/// port 0 gives) is also what the kernel hands to outgoing connections — the proxy's, the database clients',
/// the tests' own: once the server on it is killed, such a connection may take the port (even connecting to
/// itself) before the server is restarted there, and the restart fails. Below the range only another test's
/// `free_port` could pick it, and the pick is random over thousands of ports.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let (from, span) = if low > 12_000 {
        (low - 10_000, 10_000)
    } else {
        (1024, low.saturating_sub(1024).max(1))
    };
    // Seeded by the clock and the process, so that concurrent test binaries start their picks apart.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ ((std::process::id() as u64) << 32);
    let _ = STATE.compare_exchange(0, seed | 1, Ordering::Relaxed, Ordering::Relaxed);
    for _ in 0..1000 {
        let mut x = STATE.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        STATE.store(x, Ordering::Relaxed);
        let port = from + (x % span as u64) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!(
        "no free port below the ephemeral range ({from}..{})",
        from + span
    );
}

/// [`start_server_with`] on a given port: a restarted instance comes back where its peers look for it.
pub async fn start_server_on(
    port: u16,
    database_url: &str,
    data_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Server {
    start_server_under(&[], port, database_url, data_dir, args, env).await
}

/// [`start_server_on`] run by a launcher that then executes it, as `prlimit --nofile=64:4096` does (the
/// process keeps its pid): `launcher` is the launcher's program and arguments.
pub async fn start_server_under(
    launcher: &[&str],
    port: u16,
    database_url: &str,
    data_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Server {
    let trust = data_dir.join("trust");
    std::fs::create_dir_all(&trust).unwrap();
    let mut command = match launcher.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(vanban());
            c
        }
        None => Command::new(vanban()),
    };
    let child = command
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args([
            "--static-dir",
            "/nonexistent",
            "--database-url",
            database_url,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--trust-dir")
        .arg(&trust)
        .args(args)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(data_dir.join("server.log"))
                .unwrap(),
        )
        .spawn()
        .expect("the vanban binary starts");
    let mut server = Server { child, port };
    for _ in 0..600 {
        // Exited (its port taken, a bad setting): say so now, and never take another process on the port for it.
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "vanban serve on port {port} exited ({status}); the end of its log:\n{}",
                log_tail(data_dir)
            );
        }
        if let Ok(mut c) = Conn::open(port).await
            && let Ok((200, _)) = c.call("GET", "/api/health", None, None).await
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "vanban serve did not answer on port {port}; the end of its log:\n{}",
        log_tail(data_dir)
    );
}

/// The last lines the servers started on `data_dir` wrote.
fn log_tail(data_dir: &Path) -> String {
    let log = std::fs::read_to_string(data_dir.join("server.log")).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(30).collect();
    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// A signed-in account: the session cookie and its CSRF token.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// One keep-alive HTTP/1.1 connection, as a browser holds it.
pub struct Conn {
    pub port: u16,
    pub stream: BufReader<TcpStream>,
}

impl Conn {
    pub async fn open(port: u16) -> std::io::Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            port,
            stream: BufReader::new(stream),
        })
    }

    /// Sends one request and reads the whole answer: status, headers (lower-case names) and body.
    pub async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        session: Option<&Session>,
        body: Option<&[u8]>,
    ) -> std::io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let extra: &[(&str, &str)] = if body.is_some() {
            &[("Content-Type", "application/json")]
        } else {
            &[]
        };
        self.exchange_with(method, path, session, extra, body).await
    }

    /// [`Conn::exchange`] with header lines of the caller's (a `Range`, a `Content-Type`).
    pub async fn exchange_with(
        &mut self,
        method: &str,
        path: &str,
        session: Option<&Session>,
        extra: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        if let Some(s) = session {
            head.push_str(&format!(
                "Cookie: vanban_session={}\r\nX-CSRF-Token: {}\r\n",
                s.cookie, s.csrf
            ));
        }
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(b) = body {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body.unwrap_or_default());
        self.stream.get_mut().write_all(&out).await?;

        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("no status line: {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut body = Vec::new();
        if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(len, 0);
            self.stream.read_exact(&mut body).await?;
        } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(std::io::Error::other)?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        }
        Ok((status, headers, body))
    }

    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        session: Option<&Session>,
        body: Option<&[u8]>,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let (status, _, body) = self.exchange(method, path, session, body).await?;
        Ok((status, body))
    }
}

pub async fn login(port: u16, username: &str, password: &str) -> Session {
    let mut c = Conn::open(port).await.unwrap();
    let body = serde_json::to_vec(&json!({"username": username, "password": password})).unwrap();
    let (status, headers, reply) = c
        .exchange("POST", "/api/auth/login", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(
        status,
        200,
        "{username}: {}",
        String::from_utf8_lossy(&reply)
    );
    let cookie = headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("vanban_session="))
        .map(|(_, v)| {
            v["vanban_session=".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .expect("a session cookie");
    let csrf = serde_json::from_slice::<Value>(&reply).unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    Session { cookie, csrf }
}
