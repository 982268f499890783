//! Blobs as files under `<data dir>/blobs/ab/cd/abcd…`: written to a temporary file, flushed to disk, then
//! linked into place, so a blob is never half-written and never overwritten.

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{BlobError, BlobReader, BlobRef, BlobStore, StoredBlob, check_name};

/// Blobs as files under `<data dir>/blobs/ab/cd/abcd…`, written first under `tmp/`.
pub struct FsBlobStore {
    root: PathBuf,
    /// Where this process writes its temporary files: its own directory, so that at start it can remove what a
    /// killed run left without touching the uploads of another instance sharing the store.
    tmp: PathBuf,
}

impl FsBlobStore {
    /// A store under `root` (created if missing).
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        Ok(Self { root, tmp })
    }

    /// A store whose temporary files go to `tmp/<instance>/` (instances sharing one blob directory over a
    /// network file system each name themselves, e.g. host and port).
    pub fn for_instance(root: impl Into<PathBuf>, instance: &str) -> io::Result<Self> {
        let root = root.into();
        let name = super::instance_label(instance);
        let tmp = root.join("tmp").join(name);
        std::fs::create_dir_all(&tmp)?;
        Ok(Self { root, tmp })
    }

    /// Removes the temporary files an interrupted upload of this instance left (a killed server, a crash).
    /// Call at start, before serving: no upload of this instance is running then. Returns how many.
    pub fn remove_temporaries(&self) -> io::Result<usize> {
        remove_parts(&self.tmp, None)
    }

    /// Removes temporary files of any instance not written to for `idle` (an instance that never came back).
    pub fn remove_stale_temporaries(&self, idle: std::time::Duration) -> io::Result<usize> {
        remove_stale_under(&self.root, idle)
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256)
    }

    async fn write_temp(
        &self,
        data: &mut (dyn AsyncRead + Unpin + Send),
    ) -> Result<(PathBuf, BlobRef), BlobError> {
        let tmp = self
            .tmp
            .join(format!("{}.part", crate::auth::random_token(16)));
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .await?;
        let result = async {
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut buf = vec![0u8; 256 * 1024];
            loop {
                let n = data.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                file.write_all(&buf[..n]).await?;
                size += n as u64;
            }
            file.sync_all().await?;
            let sha256 = shared::hex(&hasher.finalize());
            Ok::<_, io::Error>(BlobRef { sha256, size })
        }
        .await;
        match result {
            Ok(r) => Ok((tmp, r)),
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e.into())
            }
        }
    }
}

/// The stale temporaries of every instance under `root/tmp` (the instances' own directories included).
fn remove_stale_under(root: &Path, idle: std::time::Duration) -> io::Result<usize> {
    let tmp = root.join("tmp");
    let mut removed = remove_parts(&tmp, Some(idle))?;
    for entry in std::fs::read_dir(&tmp)? {
        let path = entry?.path();
        if path.is_dir() {
            removed += remove_parts(&path, Some(idle))?;
        }
    }
    Ok(removed)
}

/// Removes the `.part` files directly in `dir` (those idle for `idle`, or all).
fn remove_parts(dir: &Path, idle: Option<std::time::Duration>) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "part") {
            continue;
        }
        let stale = match idle {
            None => true,
            Some(idle) => entry
                .metadata()?
                .modified()?
                .elapsed()
                .is_ok_and(|age| age >= idle),
        };
        if stale {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(removed)
}

async fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn put(
        &self,
        data: &mut (dyn AsyncRead + Unpin + Send),
        expected_sha256: Option<&str>,
    ) -> Result<BlobRef, BlobError> {
        let (tmp, blob) = self.write_temp(data).await?;
        if let Some(expected) = expected_sha256
            && expected != blob.sha256
        {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(BlobError::HashMismatch {
                expected: expected.to_string(),
                actual: blob.sha256,
            });
        }
        let target = self.path_of(&blob.sha256);
        let dir = target
            .parent()
            .expect("blob paths have a parent")
            .to_path_buf();
        tokio::fs::create_dir_all(&dir).await?;
        // A hard link fails when the target exists, unlike rename: an existing blob (same content, by
        // construction) is never replaced, not even by a concurrent writer.
        let linked = tokio::fs::hard_link(&tmp, &target).await;
        let _ = tokio::fs::remove_file(&tmp).await;
        match linked {
            Ok(()) => sync_dir(&dir).await?,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        Ok(blob)
    }

    async fn open(&self, sha256: &str) -> Result<Option<BlobReader>, BlobError> {
        check_name(sha256)?;
        match tokio::fs::File::open(self.path_of(sha256)).await {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn open_range(
        &self,
        sha256: &str,
        range: Range<u64>,
    ) -> Result<Option<BlobReader>, BlobError> {
        check_name(sha256)?;
        match tokio::fs::File::open(self.path_of(sha256)).await {
            Ok(mut f) => {
                f.seek(io::SeekFrom::Start(range.start)).await?;
                Ok(Some(Box::new(
                    f.take(range.end.saturating_sub(range.start)),
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        check_name(sha256)?;
        Ok(tokio::fs::try_exists(self.path_of(sha256)).await?)
    }

    async fn list(&self) -> Result<Vec<StoredBlob>, BlobError> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || list_dir(&root))
            .await
            .map_err(io::Error::other)?
            .map_err(BlobError::Io)
    }

    async fn sweep_temporaries(&self, idle: std::time::Duration) -> Result<usize, BlobError> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || remove_stale_under(&root, idle))
            .await
            .map_err(io::Error::other)?
            .map_err(BlobError::Io)
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        check_name(sha256)?;
        match tokio::fs::remove_file(self.path_of(sha256)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn remove_own_temporaries(&self) -> Result<usize, BlobError> {
        Ok(self.remove_temporaries()?)
    }

    fn describe(&self) -> String {
        format!("files in {}", self.root.display())
    }
}

/// The blobs under `root/ab/cd/abcd…` (temporary files and anything not named by a hash are not blobs).
fn list_dir(root: &Path) -> io::Result<Vec<StoredBlob>> {
    let mut out = Vec::new();
    let two_hex = |name: &str| name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit());
    for a in std::fs::read_dir(root)? {
        let a = a?;
        if !two_hex(&a.file_name().to_string_lossy()) {
            continue;
        }
        for b in std::fs::read_dir(a.path())? {
            let b = b?;
            if !two_hex(&b.file_name().to_string_lossy()) {
                continue;
            }
            for f in std::fs::read_dir(b.path())? {
                let f = f?;
                let name = f.file_name().to_string_lossy().into_owned();
                if check_name(&name).is_err() {
                    continue;
                }
                let written_at = f
                    .metadata()?
                    .modified()?
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                out.push(StoredBlob {
                    sha256: name,
                    written_at,
                });
            }
        }
    }
    Ok(out)
}
