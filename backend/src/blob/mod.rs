//! Files (PDFs, attachments): a content-addressed blob store. A blob's name is the SHA-256 of its bytes, and a
//! blob is never stored under its name before its bytes were hashed and the hash checked, so a name always
//! means its content. Two stores implement [`BlobStore`]: files on a (possibly shared) disk ([`FsBlobStore`],
//! the default) and an S3-compatible object store such as Garage ([`S3BlobStore`]), chosen by
//! `VANBAN_BLOB_URL` ([`open`]).

pub mod copy;
mod fs;
mod s3;

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::io::AsyncRead;

pub use fs::FsBlobStore;
pub use s3::{S3BlobStore, S3Location};

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
    /// The store cannot be reached or refused the request (an object store down, a network cut, bad
    /// credentials): the request that needed it is refused with 503, nothing recorded.
    #[error("blob store unavailable: {0}")]
    Unavailable(String),
}

/// Bytes of a blob, read as they arrive.
pub type BlobReader = Box<dyn AsyncRead + Unpin + Send>;

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
    async fn open(&self, sha256: &str) -> Result<Option<BlobReader>, BlobError>;
    /// Opens the bytes `range` of a blob (the caller checked the range against the blob's size), or `None`
    /// when absent: the browser's viewer reads a large PDF by ranges.
    async fn open_range(
        &self,
        sha256: &str,
        range: Range<u64>,
    ) -> Result<Option<BlobReader>, BlobError>;
    async fn exists(&self, sha256: &str) -> Result<bool, BlobError>;
    /// Every stored blob with when it was written (for the orphan sweep).
    async fn list(&self) -> Result<Vec<StoredBlob>, BlobError>;
    /// Deletes a blob; deleting an absent one is not an error.
    async fn delete(&self, sha256: &str) -> Result<(), BlobError>;
    /// Removes unfinished uploads of any instance not written to for `idle`; how many.
    async fn sweep_temporaries(&self, idle: std::time::Duration) -> Result<usize, BlobError>;
    /// Removes what an interrupted run of this instance left (a killed server). Call at start, before
    /// serving: no upload of this instance is running then. How many.
    async fn remove_own_temporaries(&self) -> Result<usize, BlobError>;
    /// Where the blobs are, for logs and operators ("files in /srv/vanban/blobs", "bucket vanban at …").
    fn describe(&self) -> String;
}

/// A blob as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    /// When the bytes were written, in milliseconds since the epoch.
    pub written_at: i64,
}

/// A blob name is 64 lower-case hex digits: anything else never reaches a path or an object key.
pub(crate) fn check_name(sha256: &str) -> Result<(), BlobError> {
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

/// An instance's name made safe for a directory or a key prefix.
pub(crate) fn instance_label(instance: &str) -> String {
    instance
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The blob store `url` names, for the instance `instance` (its temporary uploads are its own):
/// - none, or `file://PATH`: files under PATH (default `<data dir>/blobs`);
/// - `s3://BUCKET?endpoint=http://HOST:PORT&region=REGION`: an S3-compatible bucket, with the credentials in
///   `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
pub fn open(
    url: Option<&str>,
    data_dir: &Path,
    instance: &str,
) -> anyhow::Result<Arc<dyn BlobStore>> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    match url {
        None => Ok(Arc::new(FsBlobStore::for_instance(
            data_dir.join("blobs"),
            instance,
        )?)),
        Some(u) if u.starts_with("file://") => Ok(Arc::new(FsBlobStore::for_instance(
            &u["file://".len()..],
            instance,
        )?)),
        Some(u) if u.starts_with("s3://") => {
            let location = S3Location::parse(u)?;
            let key_id = std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_default();
            let secret = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_default();
            if key_id.is_empty() || secret.is_empty() {
                anyhow::bail!(
                    "VANBAN_BLOB_URL names an S3 bucket: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                );
            }
            Ok(Arc::new(S3BlobStore::new(
                location, &key_id, &secret, instance,
            )?))
        }
        Some(u) => anyhow::bail!(
            "VANBAN_BLOB_URL must start with file:// or s3:// (got {:?})",
            u.chars().take(60).collect::<String>()
        ),
    }
}

/// The SHA-256 (hex) and size of everything `reader` gives.
pub async fn hash_of(mut reader: BlobReader) -> io::Result<(String, u64)> {
    use sha2::Digest;
    use tokio::io::AsyncReadExt;
    let mut hasher = sha2::Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            return Ok((shared::hex(&hasher.finalize()), size));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}
