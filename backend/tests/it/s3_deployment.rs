//! A deployment whose files live in an S3 bucket (issue 18), on a real `vanban serve` and a real Garage:
//! uploads land in the bucket and nowhere on the server's disk, files are served whole and by ranges, an
//! object store that goes away turns what needs it into a 503 in Vietnamese with nothing half-recorded while
//! the rest keeps working, and `vanban admin copy-blobs` moves a file store into a bucket, checking every hash.

use serde_json::{Value, json};

use crate::common::TestDb;
use crate::common::docs;
use crate::common::garage::Garage;
use crate::common::server::{Conn, Session, login, start_server_with, vanban};

const PASSWORD: &str = "vanban-s3-2026";

async fn call(
    port: u16,
    who: &Session,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut c = Conn::open(port).await.unwrap();
    let bytes = body.map(|b| serde_json::to_vec(&b).unwrap());
    let (status, reply) = c
        .call(method, path, Some(who), bytes.as_deref())
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    )
}

async fn upload(port: u16, who: &Session, bytes: &[u8]) -> (u16, Value) {
    let mut c = Conn::open(port).await.unwrap();
    let (status, _, reply) = c
        .exchange_with(
            "PUT",
            &format!("/api/blobs/{}", docs::sha256(bytes)),
            Some(who),
            &[("Content-Type", "application/pdf")],
            Some(bytes),
        )
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    )
}

async fn blob_rows(db: &TestDb, sha: &str) -> i64 {
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM blobs WHERE sha256 = $1")
        .bind(sha)
        .fetch_one(&mut c)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_garage_serves_ranges_and_refuses_cleanly_while_the_bucket_is_away() {
    let db = TestDb::postgres().await;
    let mut garage = Garage::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut env: Vec<(&str, String)> = garage.env();
    env.push(("VANBAN_DEMO_PASSWORD", PASSWORD.into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = start_server_with(&db.url, dir.path(), &["--seed-demo-if-empty"], &env_refs).await;
    let port = server.port;
    let official = login(port, "chuyenvien1.snv", PASSWORD).await;
    let leader = login(port, "lanhdao.snv", PASSWORD).await;

    // An upload lands in the bucket, not on the server's disk.
    let pdf = docs::draft_pdf();
    let sha = docs::sha256(&pdf);
    let (status, body) = upload(port, &official, &pdf).await;
    assert_eq!(status, 200, "{body}");
    assert!(garage.keys().await.contains(&format!("blobs/{sha}")));
    let on_disk = dir.path().join("blobs");
    assert!(
        !on_disk.exists() || walk(&on_disk).is_empty(),
        "nothing on the server's disk: {:?}",
        walk(&on_disk)
    );

    // A draft made from it, and its file read whole and by ranges.
    let (_, me) = call(port, &leader, "GET", "/api/me", None).await;
    let recipient = login(port, "vanthu.ubnd", PASSWORD).await;
    let (_, them) = call(port, &recipient, "GET", "/api/me", None).await;
    let (_, registers) = call(port, &official, "GET", "/api/registers", None).await;
    let register = registers
        .as_array()
        .and_then(|r| r.iter().find(|r| r["direction"] == "outgoing"))
        .map(|r| r["id"].clone());
    let (status, doc) = call(
        port,
        &official,
        "POST",
        "/api/outgoing",
        Some(json!({
            "doc_type": "cong_van",
            "subject": "Văn bản lưu trên kho S3",
            "urgency": "normal",
            "signer_id": me["user"]["id"],
            "signing_capacity": "kt",
            "register_id": register,
            "internal_recipients": [them["user"]["agency"]["id"]],
            "reviewers": [],
            "main_file": {"sha256": sha, "name": "s3.pdf"},
        })),
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    let id = doc["id"].as_i64().unwrap();
    let file = &doc["versions"].as_array().unwrap().last().unwrap()["files"][0];
    let path = shared::api::outgoing_file(id, file["id"].as_i64().unwrap());
    let stored = file["sha256"].as_str().unwrap().to_string();
    let mut c = Conn::open(port).await.unwrap();
    let (status, headers, whole) = c
        .exchange_with("GET", &path, Some(&official), &[], None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(docs::sha256(&whole), stored);
    assert!(headers.contains(&("accept-ranges".into(), "bytes".into())));
    let (status, headers, first) = c
        .exchange_with(
            "GET",
            &path,
            Some(&official),
            &[("Range", "bytes=0-1023")],
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 206);
    assert_eq!(first, whole[..1024]);
    assert!(
        headers.contains(&(
            "content-range".into(),
            format!("bytes 0-1023/{}", whole.len())
        )),
        "{headers:?}"
    );
    let (status, _, last) = c
        .exchange_with(
            "GET",
            &path,
            Some(&official),
            &[("Range", "bytes=-100")],
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (status, last.as_slice()),
        (206, &whole[whole.len() - 100..])
    );
    let past = format!("bytes={}-", whole.len());
    let (status, headers, _) = c
        .exchange_with("GET", &path, Some(&official), &[("Range", &past)], None)
        .await
        .unwrap();
    assert_eq!(status, 416);
    assert!(headers.contains(&("content-range".into(), format!("bytes */{}", whole.len()))));

    // The bucket goes away.
    garage.stop();
    let other = [pdf.as_slice(), b"\n% another file\n"].concat();
    let (status, body) = upload(port, &official, &other).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Kho lưu trữ tệp"),
        "{body}"
    );
    assert_eq!(
        blob_rows(&db, &docs::sha256(&other)).await,
        0,
        "nothing recorded"
    );
    let (status, _, _) = Conn::open(port)
        .await
        .unwrap()
        .exchange_with("GET", &path, Some(&official), &[], None)
        .await
        .unwrap();
    assert_eq!(status, 503, "a file cannot be read, and says so");
    // What needs no file keeps working; readiness names the blob store.
    let (status, _) = call(port, &official, "GET", "/api/me", None).await;
    assert_eq!(status, 200);
    let (status, _) = call(port, &official, "GET", "/api/outgoing?bucket=drafts", None).await;
    assert_eq!(status, 200);
    let (status, ready) = Conn::open(port)
        .await
        .unwrap()
        .call("GET", "/health/ready", None, None)
        .await
        .unwrap();
    let ready: Value = serde_json::from_slice(&ready).unwrap();
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "unavailable");
    assert_eq!(ready["blob_store"], false, "{ready}");
    assert_eq!(ready["database"], true, "{ready}");

    // Back: everything works again.
    garage.restart().await;
    let (status, body) = upload(port, &official, &other).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = Conn::open(port)
        .await
        .unwrap()
        .call("GET", "/health/ready", None, None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    drop(server);
    db.finish().await;
}

fn walk(d: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(d) {
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `vanban admin copy-blobs --to s3://…` copies a deployment's files into a bucket and checks every hash; the
/// deployment then runs on the bucket (`admin check-blobs` passes there), a second run copies nothing, and a
/// file damaged on disk is named and not copied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_blobs_moves_a_file_store_into_a_bucket_and_checks_every_hash() {
    let db = TestDb::sqlite().await;
    let garage = Garage::start().await;
    let dir = tempfile::tempdir().unwrap();
    // Files as the server stores them, recorded in the database.
    let files = vanban::blob::FsBlobStore::new(dir.path().join("blobs")).unwrap();
    let people = docs::people(&db.store).await;
    let uploader = db.store.get_user(people.leader).await.unwrap();
    let mut shas = Vec::new();
    for i in 0..5 {
        let bytes = [docs::draft_pdf(), format!("\n% tệp {i}\n").into_bytes()].concat();
        let b = vanban::blob::BlobStore::put(&files, &mut bytes.as_slice(), None)
            .await
            .unwrap();
        db.store
            .record_blob(&b.sha256, b.size as i64, "application/pdf", &uploader)
            .await
            .unwrap();
        shas.push(b.sha256);
    }
    let run = |args: &[&str], with_bucket: bool| {
        let mut cmd = std::process::Command::new(vanban());
        cmd.args(args)
            .args(["--database-url", &db.url, "--data-dir"])
            .arg(dir.path())
            .env_remove("VANBAN_BLOB_URL");
        for (k, v) in garage.env() {
            if k != "VANBAN_BLOB_URL" || with_bucket {
                cmd.env(k, v);
            }
        }
        cmd.output().unwrap()
    };
    let text = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
    };
    let out = run(&["admin", "copy-blobs", "--to", &garage.url()], false);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Đã sao chép 5 tệp"), "{}", text(&out));
    let mut keys = garage.keys().await;
    keys.sort();
    let mut want: Vec<String> = shas.iter().map(|s| format!("blobs/{s}")).collect();
    want.sort();
    assert_eq!(keys, want);
    // The deployment on the bucket: every recorded file is there and hashes to its name.
    let out = run(&["admin", "check-blobs"], true);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Đã kiểm tra 5 tệp"), "{}", text(&out));
    // Again: nothing to copy, all checked.
    let out = run(&["admin", "copy-blobs", "--to", &garage.url()], false);
    assert!(text(&out).contains("Đã sao chép 0 tệp"), "{}", text(&out));
    assert!(text(&out).contains("5 tệp đã có sẵn"), "{}", text(&out));
    // A file damaged on disk is not copied, and the run fails naming it.
    let damaged = vanban::blob::BlobStore::put(&files, &mut &b"%PDF-1.7 hong"[..], None)
        .await
        .unwrap();
    let path = dir
        .path()
        .join("blobs")
        .join(&damaged.sha256[0..2])
        .join(&damaged.sha256[2..4])
        .join(&damaged.sha256);
    std::fs::write(&path, b"%PDF-1.7 bi sua").unwrap();
    let out = run(&["admin", "copy-blobs", "--to", &garage.url()], false);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&damaged.sha256), "{}", text(&out));
    assert!(
        !garage
            .keys()
            .await
            .contains(&format!("blobs/{}", damaged.sha256))
    );
    db.finish().await;
}

/// The hourly sweep on a bucket: a file without a row is removed once past its grace, a recorded upload that
/// no document uses only after its own, and both leave the rest alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orphan_sweep_works_on_the_bucket() {
    use vanban::blob::BlobStore;
    let db = TestDb::sqlite().await;
    let garage = Garage::start().await;
    let blobs = garage.store("sweep");
    let people = docs::people(&db.store).await;
    let uploader = db.store.get_user(people.leader).await.unwrap();
    let recorded = blobs.put(&mut &b"%PDF-1.7 da ghi"[..], None).await.unwrap();
    db.store
        .record_blob(
            &recorded.sha256,
            recorded.size as i64,
            "application/pdf",
            &uploader,
        )
        .await
        .unwrap();
    let orphan = blobs.put(&mut &b"%PDF-1.7 mo coi"[..], None).await.unwrap();
    let hour = 3_600_000;
    let policy = vanban::sweep::SweepPolicy::default();
    let now = vanban::store::now_ms();
    // Within the grace: nothing goes.
    let r = vanban::sweep::sweep_blobs(&db.store, &blobs, policy, now)
        .await
        .unwrap();
    assert_eq!((r.orphan_files, r.unreferenced_blobs), (0, 0));
    // Two hours on: the file without a row goes, the recorded one stays.
    let r = vanban::sweep::sweep_blobs(&db.store, &blobs, policy, now + 2 * hour)
        .await
        .unwrap();
    assert_eq!((r.orphan_files, r.unreferenced_blobs), (1, 0));
    assert!(!blobs.exists(&orphan.sha256).await.unwrap());
    assert!(blobs.exists(&recorded.sha256).await.unwrap());
    // Eight days on: the upload no document used goes with its row.
    let r = vanban::sweep::sweep_blobs(&db.store, &blobs, policy, now + 8 * 24 * hour)
        .await
        .unwrap();
    assert_eq!(r.unreferenced_blobs, 1);
    assert!(garage.keys().await.is_empty(), "{:?}", garage.keys().await);
    db.finish().await;
}

/// Backup and restore of a deployment on a bucket (OPERATIONS "Backups"): `pg_dump`, and the bucket copied out
/// with `copy-blobs --to file://…`; restored into a fresh database and a fresh Garage with `pg_restore` and
/// `copy-blobs --to s3://…`; `audit verify` and `check-blobs` on the restored deployment pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_on_a_bucket_is_backed_up_and_restored_into_a_fresh_one() {
    let db = TestDb::postgres().await;
    let first = Garage::start().await;
    let p = docs::people(db.store.as_ref()).await;
    let app = vanban::app::router(vanban::app::AppState {
        store: db.store.clone(),
        blobs: std::sync::Arc::new(first.store("app")),
        config: std::sync::Arc::new(docs::config()),
    });
    let id = docs::awaiting_signature(&app, &p, false).await;
    docs::leader_signature(&app, id).await.good();
    let recorded = db.store.recorded_blobs().await.unwrap();
    assert!(recorded.len() >= 2, "{recorded:?}");

    let backup = tempfile::tempdir().unwrap();
    let dump = backup.path().join("vanban.dump");
    let run = |program: &str, args: &[&str], env: &[(&str, String)]| {
        let out = std::process::Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{program} {args:?}: {text}");
        text
    };
    let dir = backup.path().to_str().unwrap().to_string();
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--no-owner",
            "--file",
            dump.to_str().unwrap(),
            &db.url,
        ],
        &[],
    );
    let copy_out = format!("file://{dir}/blobs");
    run(
        &vanban(),
        &[
            "admin",
            "copy-blobs",
            "--database-url",
            &db.url,
            "--data-dir",
            &dir,
            "--to",
            &copy_out,
        ],
        &first.env(),
    );

    // The fresh deployment.
    let second = Garage::start().await;
    let admin = crate::common::pg_admin_url();
    let name = format!("vanban_t_restore_s3_{}", std::process::id());
    run(
        "psql",
        &[
            &admin,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ],
        &[],
    );
    run(
        "psql",
        &[&admin, "-qc", &format!("CREATE DATABASE {name}")],
        &[],
    );
    let restored = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    run(
        "pg_restore",
        &[
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            &restored,
            dump.to_str().unwrap(),
        ],
        &[],
    );
    let mut from_backup = second.env();
    from_backup.retain(|(k, _)| *k != "VANBAN_BLOB_URL");
    from_backup.push(("VANBAN_BLOB_URL", copy_out.clone()));
    let text = run(
        &vanban(),
        &[
            "admin",
            "copy-blobs",
            "--database-url",
            &restored,
            "--data-dir",
            &dir,
            "--to",
            &second.url(),
        ],
        &from_backup,
    );
    assert!(
        text.contains(&format!("Đã sao chép {} tệp", recorded.len())),
        "{text}"
    );
    let fresh = tempfile::tempdir().unwrap();
    let fresh_dir = fresh.path().to_str().unwrap();
    run(
        &vanban(),
        &[
            "audit",
            "verify",
            "--database-url",
            &restored,
            "--data-dir",
            fresh_dir,
        ],
        &second.env(),
    );
    let text = run(
        &vanban(),
        &[
            "admin",
            "check-blobs",
            "--database-url",
            &restored,
            "--data-dir",
            fresh_dir,
        ],
        &second.env(),
    );
    assert!(
        text.contains(&format!("Đã kiểm tra {} tệp", recorded.len())),
        "{text}"
    );
    run(
        "psql",
        &[
            &admin,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ],
        &[],
    );
    db.finish().await;
}
