//! Files (PDFs, attachments): a content-addressed blob store. A blob's name is the SHA-256 of its bytes; it is
//! written to a temporary file, flushed to disk, then linked into place, so a blob is never half-written and
//! never overwritten. The [`BlobStore`] interface is what an S3-compatible object store would implement.

use std::io;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("content hash {actual} differs from the expected {expected}")]
    HashMismatch { expected: String, actual: String },
    #[error("not a SHA-256 hex digest: {0}")]
    BadName(String),
    #[error("io: {0}")]
    Io(#[from] io::Error),
}

/// Content-addressed storage of immutable blobs.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores the bytes read from `data`; when `expected_sha256` is given and differs, nothing is stored.
    async fn put(
        &self,
        data: &mut (dyn AsyncRead + Unpin + Send),
        expected_sha256: Option<&str>,
    ) -> Result<BlobRef, BlobError>;
    /// Opens a blob for reading, or `None` when absent.
    async fn open(
        &self,
        sha256: &str,
    ) -> Result<Option<Box<dyn AsyncRead + Unpin + Send>>, BlobError>;
    async fn exists(&self, sha256: &str) -> Result<bool, BlobError>;
}

/// Blobs as files under `<data dir>/blobs/ab/cd/abcd…`.
pub struct FsBlobStore {
    root: PathBuf,
}

fn check_name(sha256: &str) -> Result<(), BlobError> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(())
    } else {
        Err(BlobError::BadName(sha256.chars().take(80).collect()))
    }
}

impl FsBlobStore {
    /// A store under `root` (created if missing).
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root })
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
            .root
            .join("tmp")
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

    async fn open(
        &self,
        sha256: &str,
    ) -> Result<Option<Box<dyn AsyncRead + Unpin + Send>>, BlobError> {
        check_name(sha256)?;
        match tokio::fs::File::open(self.path_of(sha256)).await {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        check_name(sha256)?;
        Ok(tokio::fs::try_exists(self.path_of(sha256)).await?)
    }
}
