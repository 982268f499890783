//! The content-addressed blob store: names are SHA-256, nothing is overwritten or half-written.

use vanban::blob::{BlobError, BlobStore, FsBlobStore};

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    shared::hex(&sha2::Sha256::digest(data))
}

async fn read_all(store: &FsBlobStore, sha: &str) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut r = store.open(sha).await.unwrap().expect("blob exists");
    let mut out = Vec::new();
    r.read_to_end(&mut out).await.unwrap();
    out
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

#[tokio::test]
async fn a_blob_is_named_by_its_sha256_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::new(dir.path()).unwrap();
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let blob = store.put(&mut data.as_slice(), None).await.unwrap();
    assert_eq!(blob.sha256, sha256_hex(&data));
    assert_eq!(blob.size, data.len() as u64);
    assert!(store.exists(&blob.sha256).await.unwrap());
    assert_eq!(read_all(&store, &blob.sha256).await, data);
    assert!(!store.exists(&sha256_hex(b"other")).await.unwrap());
    assert!(store.open(&sha256_hex(b"other")).await.unwrap().is_none());
    db_has_no_temp_files(dir.path());
}

#[tokio::test]
async fn a_wrong_expected_hash_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::new(dir.path()).unwrap();
    let wrong = sha256_hex(b"something else");
    let err = store
        .put(&mut &b"%PDF-1.7 ..."[..], Some(&wrong))
        .await
        .unwrap_err();
    assert!(matches!(err, BlobError::HashMismatch { .. }));
    assert!(
        files_under(dir.path()).is_empty(),
        "{:?}",
        files_under(dir.path())
    );
    let right = sha256_hex(b"%PDF-1.7 ...");
    assert_eq!(
        store
            .put(&mut &b"%PDF-1.7 ..."[..], Some(&right))
            .await
            .unwrap()
            .sha256,
        right
    );
}

#[tokio::test]
async fn storing_the_same_content_twice_keeps_the_first_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(FsBlobStore::new(dir.path()).unwrap());
    let first = store.put(&mut &b"noi dung"[..], None).await.unwrap();
    let path = files_under(dir.path())
        .into_iter()
        .find(|p| p.ends_with(&first.sha256))
        .unwrap();
    let inode_before = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.put(&mut &b"noi dung"[..], None).await.unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), first);
    }
    let inode_after = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());
    assert_eq!(inode_before, inode_after, "the stored file was replaced");
    db_has_no_temp_files(dir.path());
}

#[tokio::test]
async fn names_that_are_not_digests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::new(dir.path()).unwrap();
    for bad in ["../../etc/passwd", "ABC", &"G".repeat(64), &"a".repeat(63)] {
        assert!(
            matches!(store.open(bad).await, Err(BlobError::BadName(_))),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_failing_reader_leaves_no_partial_file() {
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
            buf.put_slice(&[7u8; 1024]);
            std::task::Poll::Ready(Ok(()))
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store = FsBlobStore::new(dir.path()).unwrap();
    assert!(store.put(&mut Failing(100), None).await.is_err());
    assert!(files_under(dir.path()).is_empty());
}

fn db_has_no_temp_files(root: &std::path::Path) {
    let tmp: Vec<_> = std::fs::read_dir(root.join("tmp")).unwrap().collect();
    assert!(tmp.is_empty(), "temporary files left behind");
}
