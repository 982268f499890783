//! The content-addressed blob store's contract, one suite run on both stores: files on disk and a real
//! S3 server (Garage). Names are SHA-256; nothing is stored under a name before its hash is checked; nothing
//! is overwritten or half-written; ranges read the right bytes; the sweep finds what it must.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use vanban::blob::{BlobError, BlobStore, FsBlobStore, S3BlobStore};

use crate::common::garage::Garage;

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    shared::hex(&sha2::Sha256::digest(data))
}

/// A store under test and a way to see everything it holds, temporaries included.
enum Rig {
    Files(tempfile::TempDir, FsBlobStore),
    Garage(Garage, S3BlobStore),
}

impl Rig {
    async fn files() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let store = FsBlobStore::for_instance(dir.path(), "test-1").unwrap();
        Rig::Files(dir, store)
    }

    async fn garage() -> Rig {
        let garage = Garage::start().await;
        let store = garage.store("test-1");
        Rig::Garage(garage, store)
    }

    fn store(&self) -> &dyn BlobStore {
        match self {
            Rig::Files(_, s) => s,
            Rig::Garage(_, s) => s,
        }
    }

    /// Every file or object the store holds (paths or keys).
    async fn everything(&self) -> Vec<String> {
        match self {
            Rig::Files(dir, _) => files_under(dir.path())
                .into_iter()
                .map(|p| p.display().to_string())
                .collect(),
            Rig::Garage(g, _) => g.keys().await,
        }
    }

    /// A temporary upload another instance left (killed mid-upload), `age` ago.
    async fn leave_temporary_of_another_instance(&self) {
        match self {
            Rig::Files(dir, _) => {
                let d = dir.path().join("tmp").join("other-instance");
                std::fs::create_dir_all(&d).unwrap();
                std::fs::write(d.join("abandoned.part"), b"half an upload").unwrap();
            }
            Rig::Garage(g, _) => {
                use object_store::{ObjectStoreExt, PutPayload};
                let s3 = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(crate::common::garage::BUCKET)
                    .with_region(crate::common::garage::REGION)
                    .with_endpoint(format!("http://127.0.0.1:{}", g.s3_port))
                    .with_allow_http(true)
                    .with_access_key_id(&g.key_id)
                    .with_secret_access_key(&g.secret)
                    .build()
                    .unwrap();
                s3.put(
                    &object_store::path::Path::from("tmp/other-instance/abandoned"),
                    PutPayload::from_static(b"half an upload"),
                )
                .await
                .unwrap();
            }
        }
    }
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p))
        } else {
            out.push(p)
        }
    }
    out
}

async fn read_all(store: &dyn BlobStore, sha: &str) -> Vec<u8> {
    let mut r = store.open(sha).await.unwrap().expect("blob exists");
    let mut out = Vec::new();
    r.read_to_end(&mut out).await.unwrap();
    out
}

async fn read_range(store: &dyn BlobStore, sha: &str, range: std::ops::Range<u64>) -> Vec<u8> {
    let mut r = store
        .open_range(sha, range)
        .await
        .unwrap()
        .expect("blob exists");
    let mut out = Vec::new();
    r.read_to_end(&mut out).await.unwrap();
    out
}

/// Bytes that differ at every offset that matters (so a range off by one reads different bytes).
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 13) as u8)
        .collect()
}

/// A reader that gives `n` reads of up to 1 KiB and then fails, as a cut connection does.
struct Failing(usize);
impl tokio::io::AsyncRead for Failing {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.0 == 0 {
            return std::task::Poll::Ready(Err(std::io::Error::other("connection reset")));
        }
        self.0 -= 1;
        let n = buf.remaining().min(1024);
        buf.put_slice(&[7u8; 1024][..n]);
        std::task::Poll::Ready(Ok(()))
    }
}

/// A small blob (one request on S3) and a large one (a multipart upload through a temporary key) are named by
/// their hash, read back whole and by ranges, and leave nothing else behind.
async fn blobs_are_named_by_their_sha256_and_read_back_whole_and_by_ranges(rig: Rig) {
    let store = rig.store();
    // 20 MiB: three parts of 8 MiB on S3.
    for (len, seed) in [(0usize, 1u32), (100_000, 2), (20 * 1024 * 1024 + 17, 3)] {
        let data = pattern(len, seed);
        let blob = store.put(&mut data.as_slice(), None).await.unwrap();
        assert_eq!(blob.sha256, sha256_hex(&data));
        assert_eq!(blob.size, len as u64);
        assert!(store.exists(&blob.sha256).await.unwrap());
        assert!(read_all(store, &blob.sha256).await == data, "{len} bytes");
        if len > 0 {
            let n = len as u64;
            for r in [
                0..1,
                0..n.min(65_536),
                n / 2..n / 2 + 1000.min(n / 2),
                n - 1..n,
            ] {
                assert!(
                    read_range(store, &blob.sha256, r.clone()).await
                        == data[r.start as usize..r.end as usize],
                    "range {r:?} of {len}"
                );
            }
        }
    }
    let absent = sha256_hex(b"other");
    assert!(!store.exists(&absent).await.unwrap());
    assert!(store.open(&absent).await.unwrap().is_none());
    assert!(store.open_range(&absent, 0..10).await.unwrap().is_none());
    let everything = rig.everything().await;
    assert_eq!(
        everything.len(),
        3,
        "three blobs and nothing else: {everything:?}"
    );
}

/// A wrong expected hash stores nothing, neither under a name nor as a temporary; the right one stores.
async fn a_wrong_expected_hash_stores_nothing(rig: Rig) {
    let store = rig.store();
    let wrong = sha256_hex(b"something else");
    for data in [pattern(1000, 4), pattern(9 * 1024 * 1024, 5)] {
        let err = store
            .put(&mut data.as_slice(), Some(&wrong))
            .await
            .unwrap_err();
        assert!(matches!(err, BlobError::HashMismatch { .. }), "{err}");
        let everything = rig.everything().await;
        assert!(everything.is_empty(), "{everything:?}");
    }
    let data = b"%PDF-1.7 ...";
    let right = sha256_hex(data);
    assert_eq!(
        store
            .put(&mut &data[..], Some(&right))
            .await
            .unwrap()
            .sha256,
        right
    );
}

/// Sixteen writers of the same content at once: one blob, the same answer to each.
async fn storing_the_same_content_at_once_keeps_one_blob(rig: Rig) {
    let store = rig.store();
    let first = store.put(&mut &b"noi dung"[..], None).await.unwrap();
    let written_before = store.list().await.unwrap();
    let results = futures_util::future::join_all(
        (0..16).map(|_| async { store.put(&mut &b"noi dung"[..], None).await.unwrap() }),
    )
    .await;
    assert!(results.iter().all(|r| *r == first));
    assert_eq!(
        store.list().await.unwrap(),
        written_before,
        "the stored blob was not rewritten"
    );
    assert_eq!(rig.everything().await.len(), 1);
}

async fn names_that_are_not_digests_are_refused(rig: Rig) {
    let store = rig.store();
    for bad in [
        "../../etc/passwd",
        "ABC",
        &"G".repeat(64),
        &"a".repeat(63),
        &"A".repeat(64),
    ] {
        assert!(
            matches!(store.open(bad).await, Err(BlobError::BadName(_))),
            "{bad}"
        );
        assert!(matches!(
            store.exists(bad).await,
            Err(BlobError::BadName(_))
        ));
        assert!(matches!(
            store.open_range(bad, 0..1).await,
            Err(BlobError::BadName(_))
        ));
        assert!(matches!(
            store.delete(bad).await,
            Err(BlobError::BadName(_))
        ));
    }
}

/// An upload cut short leaves nothing, small or large.
async fn a_failing_reader_leaves_nothing(rig: Rig) {
    let store = rig.store();
    for kib in [100, 12 * 1024] {
        assert!(store.put(&mut Failing(kib), None).await.is_err());
        let everything = rig.everything().await;
        assert!(everything.is_empty(), "after {kib} KiB: {everything:?}");
    }
}

/// The listing the orphan sweep reads, deletion, and the removal of temporaries: another instance's stale
/// ones by the sweep, this instance's own at start.
async fn the_sweep_lists_deletes_and_removes_temporaries(rig: Rig) {
    let store = rig.store();
    let before = vanban::store::now_ms();
    let a = store.put(&mut &b"mot"[..], None).await.unwrap();
    let b = store.put(&mut &b"hai"[..], None).await.unwrap();
    let mut listed = store.list().await.unwrap();
    listed.sort_by(|x, y| x.sha256.cmp(&y.sha256));
    let mut names = vec![a.sha256.clone(), b.sha256.clone()];
    names.sort();
    assert_eq!(
        listed.iter().map(|s| s.sha256.clone()).collect::<Vec<_>>(),
        names
    );
    for s in &listed {
        assert!(
            (before - 5_000..=vanban::store::now_ms() + 5_000).contains(&s.written_at),
            "written_at {} is now",
            s.written_at
        );
    }
    store.delete(&a.sha256).await.unwrap();
    store.delete(&a.sha256).await.unwrap();
    assert!(!store.exists(&a.sha256).await.unwrap());
    assert!(store.exists(&b.sha256).await.unwrap());

    rig.leave_temporary_of_another_instance().await;
    // Not stale yet.
    assert_eq!(
        store
            .sweep_temporaries(Duration::from_secs(3600))
            .await
            .unwrap(),
        0
    );
    // This instance's own temporaries are not the other's.
    assert_eq!(store.remove_own_temporaries().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        store
            .sweep_temporaries(Duration::from_secs(1))
            .await
            .unwrap(),
        1
    );
    let everything = rig.everything().await;
    assert_eq!(everything.len(), 1, "only the blob is left: {everything:?}");
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod on_files {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Rig::files().await).await; } )*
        }
        mod on_garage {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name(super::Rig::garage().await).await; } )*
        }
    };
}

on_both_stores!(
    blobs_are_named_by_their_sha256_and_read_back_whole_and_by_ranges,
    a_wrong_expected_hash_stores_nothing,
    storing_the_same_content_at_once_keeps_one_blob,
    names_that_are_not_digests_are_refused,
    a_failing_reader_leaves_nothing,
    the_sweep_lists_deletes_and_removes_temporaries,
);

/// On files: a second writer of the same content never replaces the file (the same inode), which is what
/// keeps a reader of it safe.
#[tokio::test]
async fn on_files_the_stored_file_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(FsBlobStore::new(dir.path()).unwrap());
    let first = store.put(&mut &b"noi dung"[..], None).await.unwrap();
    let path = files_under(dir.path())
        .into_iter()
        .find(|p| p.ends_with(&first.sha256))
        .unwrap();
    let inode =
        |p: &std::path::Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let before = inode(&path);
    store.put(&mut &b"noi dung"[..], None).await.unwrap();
    assert_eq!(before, inode(&path), "the stored file was replaced");
}

/// An object store that goes away is `Unavailable` within seconds, for every operation, and works again
/// when it comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_garage_an_unreachable_store_is_unavailable_within_seconds() {
    let mut garage = Garage::start().await;
    let store = garage.store("test-1");
    let kept = store.put(&mut &b"giu lai"[..], None).await.unwrap();
    garage.stop();
    let started = std::time::Instant::now();
    let unavailable = |r: Result<(), BlobError>| matches!(r, Err(BlobError::Unavailable(_)));
    assert!(unavailable(
        store.put(&mut &b"moi"[..], None).await.map(|_| ())
    ));
    assert!(unavailable(store.open(&kept.sha256).await.map(|_| ())));
    assert!(unavailable(store.exists(&kept.sha256).await.map(|_| ())));
    assert!(unavailable(store.list().await.map(|_| ())));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "refused in {:?}",
        started.elapsed()
    );
    garage.restart().await;
    assert_eq!(read_all(&store, &kept.sha256).await, b"giu lai");
    store.put(&mut &b"moi"[..], None).await.unwrap();
}
