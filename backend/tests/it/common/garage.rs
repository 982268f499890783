//! A real S3 server for the tests: Garage (a distributed object store in Rust, installed by `scripts/test.sh`
//! with `cargo install garage`), started as its own process with a one-node layout, one bucket and one key,
//! and stopped when dropped. `stop` and `restart` let a test take the object store away and bring it back on
//! the same ports with the same data.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use vanban::blob::{S3BlobStore, S3Location};

use super::server::free_port;

pub const BUCKET: &str = "vanban-test";
pub const REGION: &str = "garage";

pub struct Garage {
    child: Option<Child>,
    dir: tempfile::TempDir,
    config: PathBuf,
    pub s3_port: u16,
    pub key_id: String,
    pub secret: String,
}

/// The garage binary: `VANBAN_GARAGE_BIN`, else `garage` on the PATH or in ~/.cargo/bin.
fn binary() -> String {
    if let Ok(b) = std::env::var("VANBAN_GARAGE_BIN") {
        return b;
    }
    let cargo_bin = std::env::var("HOME")
        .map(|h| format!("{h}/.cargo/bin/garage"))
        .unwrap_or_default();
    if Path::new(&cargo_bin).exists() {
        cargo_bin
    } else {
        "garage".into()
    }
}

impl Garage {
    pub async fn start() -> Garage {
        let dir = tempfile::tempdir().unwrap();
        let (rpc, s3, admin) = (free_port(), free_port(), free_port());
        let secret: String = (0..32)
            .map(|i| format!("{:02x}", (i * 37 + rpc as usize) % 256))
            .collect();
        let d = dir.path();
        let config = d.join("garage.toml");
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{meta}"
data_dir = "{data}"
db_engine = "lmdb"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "{REGION}"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
"#,
                meta = d.join("meta").display(),
                data = d.join("data").display(),
            ),
        )
        .unwrap();
        let mut garage = Garage {
            child: None,
            dir,
            config,
            s3_port: s3,
            key_id: String::new(),
            secret: String::new(),
        };
        garage.spawn();
        // The node answers its CLI once its RPC is up.
        let id = garage.wait_for(|g| {
            let out = g.cli(&["node", "id", "-q"]);
            out.status.success().then(|| {
                String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
        });
        garage.ok(&["layout", "assign", "-z", "dc1", "-c", "1G", &id]);
        garage.ok(&["layout", "apply", "--version", "1"]);
        garage.ok(&["bucket", "create", BUCKET]);
        let key = garage.ok(&["key", "create", "vanban-test"]);
        garage.key_id = field(&key, "Key ID");
        garage.secret = field(&key, "Secret key");
        garage.ok(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            BUCKET,
            "--key",
            "vanban-test",
        ]);
        // The bucket answers over S3 (the layout takes a moment to reach the S3 side).
        let store = garage.store("probe");
        for _ in 0..100 {
            if vanban::blob::BlobStore::list(&store).await.is_ok() {
                return garage;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Garage does not answer S3 requests on port {s3}");
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("garage.log"))
            .unwrap();
        let child = Command::new(binary())
            .arg("-c")
            .arg(&self.config)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("garage is installed (scripts/test.sh runs `cargo install garage`)");
        self.child = Some(child);
    }

    fn cli(&self, args: &[&str]) -> Output {
        Command::new(binary())
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "garage {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for<T>(&self, mut f: impl FnMut(&Self) -> Option<T>) -> T {
        for _ in 0..200 {
            if let Some(t) = f(self) {
                return t;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.dir.path().join("garage.log")).unwrap_or_default();
        panic!("Garage did not start; its log:\n{log}");
    }

    /// `s3://…` as `VANBAN_BLOB_URL` takes it.
    pub fn url(&self) -> String {
        format!(
            "s3://{BUCKET}?endpoint=http://127.0.0.1:{}&region={REGION}",
            self.s3_port
        )
    }

    /// The environment a `vanban` process needs to use the bucket.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("VANBAN_BLOB_URL", self.url()),
            ("AWS_ACCESS_KEY_ID", self.key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
        ]
    }

    pub fn store(&self, instance: &str) -> S3BlobStore {
        S3BlobStore::new(
            S3Location::parse(&self.url()).unwrap(),
            &self.key_id,
            &self.secret,
            instance,
        )
        .unwrap()
    }

    /// Every key in the bucket (blobs, temporaries, anything), read with object_store directly.
    pub async fn keys(&self) -> Vec<String> {
        use futures_util::TryStreamExt;
        use object_store::ObjectStore;
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_region(REGION)
            .with_endpoint(format!("http://127.0.0.1:{}", self.s3_port))
            .with_allow_http(true)
            .with_access_key_id(&self.key_id)
            .with_secret_access_key(&self.secret)
            .build()
            .unwrap();
        let metas: Vec<_> = s3.list(None).try_collect().await.unwrap();
        metas.into_iter().map(|m| m.location.to_string()).collect()
    }

    /// Takes the object store away (SIGKILL).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same ports with the same data.
    pub async fn restart(&mut self) {
        self.stop();
        self.spawn();
        let store = self.store("probe");
        for _ in 0..200 {
            if vanban::blob::BlobStore::list(&store).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Garage did not come back");
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `Key ID: GK…` from `garage key create`'s answer.
fn field(out: &str, name: &str) -> String {
    out.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
        .unwrap_or_else(|| panic!("no {name:?} in garage's answer:\n{out}"))
}
