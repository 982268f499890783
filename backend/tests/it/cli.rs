//! The `vanban` command line, run as a separate process like an operator would.

use std::process::Command;

use crate::common::{TestDb, fixture};
use sqlx::Connection;

/// A CA directory made by `vanban pki init-ca` at `DIR/ca`.
fn init_ca(dir: &std::path::Path) -> std::path::PathBuf {
    let ca = dir.join("ca");
    let out = vanban(&["pki", "init-ca", "--out", ca.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ca
}

fn vanban(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

#[tokio::test]
async fn audit_verify_passes_an_intact_log_and_names_the_altered_entry() {
    let db = TestDb::sqlite().await;
    fixture(db.store.as_ref()).await;
    let ok = vanban(&["audit", "verify", "--database-url", &db.url]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("10 mục, chuỗi băm khớp"));

    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor_username = 'ai-do' WHERE seq = 7")
        .execute(&mut conn)
        .await
        .unwrap();
    let broken = vanban(&["audit", "verify", "--database-url", &db.url]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("mục số 7"));
    db.finish().await;
}

#[tokio::test]
async fn migrate_reports_the_schema_version_and_seed_demo_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let migrated = vanban(&["migrate", "--data-dir", data]);
    assert!(migrated.status.success());
    let version = format!("phiên bản {}", vanban::store::latest_schema_version());
    assert!(String::from_utf8_lossy(&migrated.stdout).contains(&version));
    assert!(dir.path().join("vanban.db").exists());
    let first = Command::new(env!("CARGO_BIN_EXE_vanban"))
        .args(["seed-demo", "--data-dir", data])
        .env("VANBAN_DEMO_PASSWORD", "Demo2026vanban")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success());
    assert!(
        out.contains("mật khẩu chung: Demo2026vanban")
            && out.contains("admin")
            && out.contains("vanthu.snv")
    );
    let second = vanban(&["seed-demo", "--data-dir", data]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("đã có sẵn"));
}

#[test]
fn pdf_hash_prints_the_sha256_of_a_large_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lon.pdf");
    let data: Vec<u8> = (0..5_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&path, &data).unwrap();
    let out = vanban(&["pdf", "hash", path.to_str().unwrap()]);
    assert!(out.status.success());
    // Judged by an independent implementation: coreutils' sha256sum.
    let judge = Command::new("sha256sum").arg(&path).output().unwrap();
    let expected = String::from_utf8_lossy(&judge.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expected);
    let missing = vanban(&["pdf", "hash", "/khong/co/tep.pdf"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("không mở được tệp"));
}

#[test]
fn pdf_verify_speaks_vietnamese_throughout() {
    // A signature with a text field filled after it, trusted by the corpus root, no CRL given.
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/corpus/differential"
    );
    let file = format!("{corpus}/fill-new-appearance.pdf");
    let ca = format!("{corpus}/pki/ca.pem");
    let out = vanban(&["pdf", "verify", &file, "--trust", &ca]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Số sê-ri chứng thư: "), "{text}");
    assert!(
        text.contains("Sửa đổi sau khi ký: chỉ điền số, ngày văn bản hoặc ký thêm (được phép)"),
        "{text}"
    );
    assert!(
        text.contains("Chứng thư số: được cấp bởi tổ chức chứng thực mà tỉnh tin cậy"),
        "{text}"
    );
    assert!(
        text.contains("Thu hồi: chưa kiểm tra tình trạng thu hồi"),
        "{text}"
    );
    for english in [
        "FormFilling",
        "Trusted",
        "NotChecked",
        "Untrusted",
        "None",
        "Other",
    ] {
        assert!(!text.contains(english), "«{english}» in: {text}");
    }
}

/// `vanban admin exchange-peer` checks what the admin page checks (one rule: `SavePeerRequest::validate`): a
/// short secret and a relative folder are refused with the reason; changing a peer without `--secret` keeps it.
#[tokio::test]
async fn exchange_peer_is_checked_like_the_admin_page_and_keeps_its_secret_when_changed() {
    let db = TestDb::sqlite().await;
    let base = [
        "admin",
        "exchange-peer",
        "--database-url",
        &db.url,
        "--name",
        "Bộ Nội vụ",
        "--key-id",
        "vl-bnv",
        "--organ-id",
        "000.00.00.G09",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        vanban(&args)
    };
    let short = run(&["--endpoint", "http://127.0.0.1:9", "--secret", "ngắn"]);
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("Khóa bí mật dài ít nhất 16 ký tự"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    let folder = run(&[
        "--kind",
        "folder",
        "--endpoint",
        "trao-doi",
        "--secret",
        "khóa bí mật đủ dài ở đây",
    ]);
    assert!(!folder.status.success());
    assert!(String::from_utf8_lossy(&folder.stderr).contains("đường dẫn tuyệt đối"));
    let new_without_secret = run(&["--endpoint", "http://127.0.0.1:9"]);
    assert!(!new_without_secret.status.success());
    assert!(String::from_utf8_lossy(&new_without_secret.stderr).contains("Nhập khóa bí mật"));

    let made = run(&[
        "--endpoint",
        "http://127.0.0.1:9",
        "--secret",
        "khóa bí mật đủ dài ở đây",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let changed = run(&["--endpoint", "https://bnv.example.gov.vn"]);
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    let peer = db.store.peer_by_key("vl-bnv").await.unwrap().unwrap();
    assert_eq!(
        (peer.endpoint.as_str(), peer.secret.as_str()),
        ("https://bnv.example.gov.vn", "khóa bí mật đủ dài ở đây")
    );
    db.finish().await;
}

/// Processes started at once on one CA directory (`tsa serve` beside `csc serve` in `make run`, an operator's
/// `pki issue`) take its lock: every certificate gets its own serial and the index lists each once.
#[test]
fn concurrent_issues_on_one_ca_directory_never_share_a_serial() {
    let dir = tempfile::tempdir().unwrap();
    let ca = init_ca(dir.path());
    let ca_arg = ca.to_str().unwrap().to_string();
    let children: Vec<_> = (0..4)
        .map(|i| {
            let p12 = dir.path().join(format!("p{i}.p12"));
            Command::new(env!("CARGO_BIN_EXE_vanban"))
                .args(["pki", "issue", "--ca", &ca_arg, "--pin", "1234"])
                .args(["--cn", &format!("Người {i}")])
                .arg("--p12")
                .arg(&p12)
                .env("RUST_LOG", "error")
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let index = std::fs::read_to_string(ca.join("index.tsv")).unwrap();
    let mut serials: Vec<&str> = index
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(serials.len(), 4, "{index}");
    serials.sort();
    serials.dedup();
    assert_eq!(serials.len(), 4, "a serial issued twice: {index}");
    let next: u64 = std::fs::read_to_string(ca.join("serial"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let highest: u64 = serials
        .iter()
        .map(|s| s.parse::<u64>().unwrap())
        .max()
        .unwrap();
    assert_eq!(next, highest + 1);
    // Each PEM beside its PKCS#12 carries the serial the index gives it.
    for i in 0..4 {
        let pem = std::fs::read(dir.path().join(format!("p{i}.pem"))).unwrap();
        let cert = shared::pki::certs_from_pem_or_der(&pem).unwrap().remove(0);
        assert!(serials.contains(&shared::pki::serial_decimal(&cert).as_str()));
    }
}

/// Backup and restore (issue 18), as docs/OPERATIONS.md "Backups" tells an operator: `pg_dump` of the database
/// and a copy of the blob directory, restored into a fresh database and directory. `vanban audit verify` and
/// `vanban admin check-blobs` pass on the restored deployment; a file changed afterwards is named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_and_the_blob_directory_restore_into_a_fresh_deployment() {
    use crate::common::docs;
    let db = TestDb::postgres().await;
    let p = docs::people(db.store.as_ref()).await;
    let data = tempfile::tempdir().unwrap();
    let blobs =
        std::sync::Arc::new(vanban::blob::FsBlobStore::new(data.path().join("blobs")).unwrap());
    let app = vanban::app::router(vanban::app::AppState {
        store: db.store.clone(),
        blobs,
        config: std::sync::Arc::new(docs::config()),
    });
    // Documents with files and an audit trail.
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let recorded = db.store.recorded_blobs().await.unwrap();
    assert!(recorded.len() >= 2, "{recorded:?}");

    let dump = data.path().join("vanban.dump");
    let out = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(&db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A fresh deployment: an empty database and a copy of the blob directory.
    let admin = crate::common::pg_admin_url();
    let name = format!("vanban_t_restore_{}", std::process::id());
    let psql = |sql: &str| {
        let out = Command::new("psql")
            .args([admin.as_str(), "-qAtc", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    psql(&format!("CREATE DATABASE {name}"));
    let restored_url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let out = Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname", &restored_url])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = tempfile::tempdir().unwrap();
    let out = Command::new("cp")
        .arg("-a")
        .arg(data.path().join("blobs"))
        .arg(restored.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let dir = restored.path().to_str().unwrap().to_string();
    let on_restored = |what: &[&str]| {
        let mut args: Vec<&str> = what.to_vec();
        args.extend(["--database-url", &restored_url, "--data-dir", &dir]);
        vanban(&args)
    };
    let out = on_restored(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = on_restored(&["admin", "check-blobs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("Đã kiểm tra {} tệp", recorded.len())),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // One byte of one file changed, another file gone: both named, exit 1.
    let path = |sha: &str| {
        restored
            .path()
            .join("blobs")
            .join(&sha[0..2])
            .join(&sha[2..4])
            .join(sha)
    };
    let mut bytes = std::fs::read(path(&recorded[0])).unwrap();
    bytes[10] ^= 1;
    std::fs::write(path(&recorded[0]), bytes).unwrap();
    std::fs::remove_file(path(&recorded[1])).unwrap();
    let out = on_restored(&["admin", "check-blobs"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&recorded[0]) && said.contains("bị thay đổi"),
        "{said}"
    );
    assert!(
        said.contains(&recorded[1]) && said.contains("không có trong kho tệp"),
        "{said}"
    );
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    db.finish().await;
}

/// Children stopped (each by its own handle, so its PID) when dropped, even when an assertion fails first.
struct Children(Vec<std::process::Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The first start of `tsa serve` and of `csc serve` issues their certificates from the CA directory. Three of
/// each started at the same moment on one fresh directory (an operator's `make run` twice, a restart loop)
/// take the directory's lock: one issues the TSA's certificate and one the person's, the others find them and
/// serve the very same ones; the index lists each once.
#[tokio::test]
async fn first_starts_of_tsa_and_csc_serve_at_once_issue_one_certificate_each() {
    let dir = tempfile::tempdir().unwrap();
    let ca = init_ca(dir.path());
    let ca_arg = ca.to_str().unwrap().to_string();
    let ports: Vec<u16> = (0..6).map(|_| crate::common::server::free_port()).collect();
    let spawn = |args: &[&str], port: u16| {
        Command::new(env!("CARGO_BIN_EXE_vanban"))
            .args(args)
            .args(["--ca", &ca_arg, "--addr", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut children = Children(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        children.0.push(if i % 2 == 0 {
            spawn(&["tsa", "serve"], *port)
        } else {
            spawn(&["csc", "serve", "--user", "an=Nguyễn Văn An"], *port)
        });
    }
    // Each issues (an RSA key) or waits for the lock, then listens.
    for (i, port) in ports.iter().enumerate() {
        let mut up = false;
        for _ in 0..600 {
            if std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok() {
                up = true;
                break;
            }
            if let Ok(Some(status)) = children.0[i].try_wait() {
                panic!("process {i} exited at start: {status}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(up, "process {i} did not start");
    }

    let index = std::fs::read_to_string(ca.join("index.tsv")).unwrap();
    let lines: Vec<&str> = index.lines().collect();
    assert_eq!(lines.len(), 2, "one TSA and one person: {index}");
    let read = |path: std::path::PathBuf| {
        shared::pki::certs_from_pem_or_der(&std::fs::read(path).unwrap())
            .unwrap()
            .remove(0)
    };
    let (tsa_cert, person_cert) = (read(ca.join("tsa.pem")), read(ca.join("csc/an.pem")));
    let serials = [
        shared::pki::serial_decimal(&tsa_cert),
        shared::pki::serial_decimal(&person_cert),
    ];
    for serial in &serials {
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.split('\t').next() == Some(serial.as_str()))
                .count(),
            1,
            "{index}"
        );
    }
    assert_ne!(serials[0], serials[1]);

    // Every process serves the certificates on disk: none kept one that another then overwrote.
    for (i, port) in ports.iter().enumerate() {
        if i % 2 == 0 {
            let token = vanban::tsa::client::request_digest_token(
                &format!("http://127.0.0.1:{port}/tsa"),
                &[7; 32],
                None,
            )
            .await
            .unwrap();
            let cms = shared::pdf::cms::parse_cms(&token).unwrap();
            assert_eq!(cms.signer_certificate().unwrap().0, &tsa_cert, "TSA {i}");
        } else {
            let provider = vanban::csc::client::Provider {
                url: format!("http://127.0.0.1:{port}/csc/v2"),
                client_id: Some("vanban".into()),
                client_secret: Some("vanban-demo-secret".into()),
                name: None,
                approval: std::time::Duration::from_secs(5),
            };
            let credentials = provider.credentials("an").await.unwrap();
            assert_eq!(credentials.len(), 1);
            let first = &credentials[0].1.cert.certificates[0];
            let der =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, first).unwrap();
            assert_eq!(
                shared::pki::certs_from_pem_or_der(&der).unwrap().remove(0),
                person_cert,
                "provider {i}"
            );
        }
    }
}
