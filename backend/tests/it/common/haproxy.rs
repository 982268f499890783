//! HAProxy from Debian in front of `vanban serve` instances, with the repository's own configuration
//! (`deploy/haproxy.cfg`, its ports replaced): what the scale-out crash test and the morning-peak benchmark run.

use std::time::Duration;

use super::server::Conn;

/// HAProxy from Debian running `deploy/haproxy.cfg` with the test's ports; stopped when dropped (its
/// configuration lives in `_dir` until then).
pub struct Haproxy {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    pub fn start(port: u16, instances: &[u16]) -> Haproxy {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = std::fs::read_to_string(repo.join("deploy/haproxy.cfg")).unwrap();
        let mut out = Vec::new();
        let mut servers = instances.iter();
        for line in config.lines() {
            let t = line.trim_start();
            if t.starts_with("bind 127.0.0.1:") {
                out.push(format!("    bind 127.0.0.1:{port}"));
            } else if t.starts_with("server vanban") {
                if let Some(p) = servers.next() {
                    out.push(format!("    server vanban{p} 127.0.0.1:{p} check"));
                }
            } else {
                out.push(line.to_string());
            }
        }
        assert!(
            servers.next().is_none(),
            "deploy/haproxy.cfg lists fewer servers"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
        let check = std::process::Command::new("haproxy")
            .arg("-c")
            .arg("-f")
            .arg(&path)
            .output()
            .expect("haproxy is installed (scripts/test.sh installs it)");
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        let child = std::process::Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        Haproxy { child, _dir: dir }
    }
}

impl Haproxy {
    /// The proxy checks each instance every second: waits until it sends to all `instances` of them (twice
    /// as many ready answers in a row through it).
    pub async fn wait_until_it_reaches(port: u16, instances: usize) {
        let mut in_a_row = 0;
        for _ in 0..300 {
            let ok = match Conn::open(port).await {
                Ok(mut c) => matches!(
                    c.call("GET", "/health/ready", None, None).await,
                    Ok((200, _))
                ),
                Err(_) => false,
            };
            in_a_row = if ok { in_a_row + 1 } else { 0 };
            if in_a_row >= 2 * instances {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("HAProxy does not reach the instances");
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
