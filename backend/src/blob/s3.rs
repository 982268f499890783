//! Blobs in an S3-compatible bucket (Garage, MinIO, a cloud's S3), through `object_store`: what lets several
//! hosts serve one province's files.
//!
//! Keys: `blobs/<sha256>` for blobs and `tmp/<instance>/<random>` for uploads in flight. An upload is hashed as
//! it streams. One that fits in [`SINGLE_PUT`] is held in memory, hashed, and then written under its final key
//! in one request. A larger one streams as a multipart upload to a temporary key, and only once its hash is
//! checked is it copied (server-side) to its final key. Either way a name is never written before its hash is
//! known to match.
//!
//! Any failure to reach the bucket is [`BlobError::Unavailable`]: the caller answers 503 and records nothing.
//! Retries are few and short, so that an unreachable store refuses within seconds instead of holding the
//! request for minutes (object_store's default).

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, GetOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
    WriteMultipart,
};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt};

use super::{BlobError, BlobReader, BlobRef, BlobStore, StoredBlob, check_name};

/// Uploads up to this size are written in one request; larger ones as multipart uploads of parts this size
/// (S3 asks at least 5 MiB for every part but the last).
pub const SINGLE_PUT: usize = 8 * 1024 * 1024;
/// Parts of one upload sent at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Where the bucket is: `s3://BUCKET?endpoint=http://HOST:PORT&region=REGION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// The S3 endpoint (`http://127.0.0.1:3900`); `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
}

impl S3Location {
    pub fn parse(url: &str) -> anyhow::Result<S3Location> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| anyhow::anyhow!("an S3 blob URL starts with s3://"))?;
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        let bucket = bucket.trim_end_matches('/');
        if bucket.is_empty()
            || !bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
        {
            anyhow::bail!(
                "the S3 bucket name in VANBAN_BLOB_URL is missing or not a valid bucket name"
            );
        }
        let mut location = S3Location {
            bucket: bucket.to_string(),
            endpoint: None,
            region: "us-east-1".to_string(),
        };
        for (key, value) in serde_urlencoded::from_str::<Vec<(String, String)>>(query)? {
            match key.as_str() {
                "endpoint" => {
                    if !(value.starts_with("http://") || value.starts_with("https://")) {
                        anyhow::bail!(
                            "endpoint= in VANBAN_BLOB_URL must be an http:// or https:// URL"
                        );
                    }
                    location.endpoint = Some(value.trim_end_matches('/').to_string());
                }
                "region" => location.region = value,
                other => {
                    anyhow::bail!("VANBAN_BLOB_URL: unknown parameter {other:?} (endpoint, region)")
                }
            }
        }
        Ok(location)
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if let Some(e) = &self.endpoint {
            write!(f, " at {e}")?;
        }
        Ok(())
    }
}

pub struct S3BlobStore {
    /// Requests with a small answer (HEAD, DELETE, LIST, copy): a short timeout.
    meta: Arc<AmazonS3>,
    /// Requests that carry a blob's bytes, at the pace of the browser reading them: a long timeout.
    data: Arc<AmazonS3>,
    location: S3Location,
    /// This instance's prefix for uploads in flight.
    tmp: String,
}

impl S3BlobStore {
    pub fn new(
        location: S3Location,
        key_id: &str,
        secret: &str,
        instance: &str,
    ) -> anyhow::Result<S3BlobStore> {
        // reqwest is built without a TLS provider of its own: it uses ring, as the exchange's TLS does (see
        // exchange::transport for why ring).
        #[allow(deprecated)]
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let build = |timeout: Duration| -> anyhow::Result<AmazonS3> {
            let mut b = AmazonS3Builder::new()
                .with_bucket_name(&location.bucket)
                .with_region(&location.region)
                .with_access_key_id(key_id)
                .with_secret_access_key(secret)
                .with_virtual_hosted_style_request(false)
                .with_retry(RetryConfig {
                    backoff: BackoffConfig {
                        init_backoff: Duration::from_millis(100),
                        max_backoff: Duration::from_secs(1),
                        base: 2.0,
                    },
                    max_retries: 2,
                    retry_timeout: Duration::from_secs(10),
                })
                .with_client_options(
                    ClientOptions::new()
                        .with_connect_timeout(Duration::from_secs(2))
                        .with_timeout(timeout),
                );
            if let Some(endpoint) = &location.endpoint {
                b = b
                    .with_endpoint(endpoint)
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            Ok(b.build()?)
        };
        Ok(S3BlobStore {
            meta: Arc::new(build(Duration::from_secs(15))?),
            data: Arc::new(build(Duration::from_secs(30 * 60))?),
            tmp: format!("tmp/{}", super::instance_label(instance)),
            location,
        })
    }

    fn key(sha256: &str) -> Path {
        Path::from(format!("blobs/{sha256}"))
    }

    async fn upload_large(
        &self,
        first: Vec<u8>,
        data: &mut (dyn AsyncRead + Unpin + Send),
        hasher: &mut Sha256,
    ) -> Result<(Path, u64), BlobError> {
        let tmp = Path::from(format!("{}/{}", self.tmp, crate::auth::random_token(16)));
        let upload = self.data.put_multipart(&tmp).await.map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, SINGLE_PUT);
        let mut size = first.len() as u64;
        writer.write(&first);
        let mut buf = vec![0u8; 256 * 1024];
        let result = async {
            loop {
                let n = data.read(&mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                hasher.update(&buf[..n]);
                size += n as u64;
                writer.write(&buf[..n]);
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(unavailable)?;
            }
        }
        .await;
        if let Err(e) = result {
            let _ = writer.abort().await;
            return Err(e);
        }
        writer.finish().await.map_err(unavailable)?;
        Ok((tmp, size))
    }
}

fn unavailable(e: object_store::Error) -> BlobError {
    BlobError::Unavailable(e.to_string())
}

/// Reads until `buf` is full or the input ends; how many bytes.
async fn fill(data: &mut (dyn AsyncRead + Unpin + Send), buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = data.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

fn reader(result: object_store::GetResult) -> BlobReader {
    let stream = result.into_stream().map_err(std::io::Error::other);
    Box::new(tokio_util::io::StreamReader::new(stream))
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn put(
        &self,
        data: &mut (dyn AsyncRead + Unpin + Send),
        expected_sha256: Option<&str>,
    ) -> Result<BlobRef, BlobError> {
        let mut hasher = Sha256::new();
        let mut first = vec![0u8; SINGLE_PUT];
        let n = fill(data, &mut first).await?;
        first.truncate(n);
        hasher.update(&first);
        // One more byte tells whether the upload fits in one request.
        let mut probe = [0u8; 1];
        let more = data.read(&mut probe).await?;
        let (staged, size) = if more == 0 {
            (None, n as u64)
        } else {
            hasher.update(&probe[..more]);
            first.extend_from_slice(&probe[..more]);
            let (tmp, size) = self.upload_large(first, data, &mut hasher).await?;
            first = Vec::new();
            (Some(tmp), size)
        };
        let sha256 = shared::hex(&hasher.finalize());
        let discard = |staged: Option<Path>| async move {
            if let Some(tmp) = staged {
                let _ = self.meta.delete(&tmp).await;
            }
        };
        if let Some(expected) = expected_sha256
            && expected != sha256
        {
            discard(staged).await;
            return Err(BlobError::HashMismatch {
                expected: expected.to_string(),
                actual: sha256,
            });
        }
        let key = Self::key(&sha256);
        // Already there (same name, so the same bytes): never rewritten.
        let present = match self.meta.head(&key).await {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => {
                discard(staged).await;
                return Err(unavailable(e));
            }
        };
        if !present {
            let written = match &staged {
                None => self
                    .data
                    .put(&key, PutPayload::from(first))
                    .await
                    .map(|_| ()),
                Some(tmp) => self.data.copy(tmp, &key).await,
            };
            if let Err(e) = written {
                discard(staged).await;
                return Err(unavailable(e));
            }
        }
        discard(staged).await;
        Ok(BlobRef { sha256, size })
    }

    async fn open(&self, sha256: &str) -> Result<Option<BlobReader>, BlobError> {
        check_name(sha256)?;
        match self.data.get(&Self::key(sha256)).await {
            Ok(r) => Ok(Some(reader(r))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn open_range(
        &self,
        sha256: &str,
        range: Range<u64>,
    ) -> Result<Option<BlobReader>, BlobError> {
        check_name(sha256)?;
        if range.is_empty() {
            return Ok(self
                .exists(sha256)
                .await?
                .then(|| Box::new(tokio::io::empty()) as BlobReader));
        }
        let options = GetOptions::new().with_range(Some(range));
        match self.data.get_opts(&Self::key(sha256), options).await {
            Ok(r) => Ok(Some(reader(r))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        check_name(sha256)?;
        match self.meta.head(&Self::key(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn list(&self) -> Result<Vec<StoredBlob>, BlobError> {
        let mut out = Vec::new();
        let mut listing = self.meta.list(Some(&Path::from("blobs")));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(unavailable)?;
            let Some(name) = meta.location.filename() else {
                continue;
            };
            if check_name(name).is_ok() {
                out.push(StoredBlob {
                    sha256: name.to_string(),
                    written_at: meta.last_modified.timestamp_millis(),
                });
            }
        }
        Ok(out)
    }

    async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        check_name(sha256)?;
        match self.meta.delete(&Self::key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn sweep_temporaries(&self, idle: Duration) -> Result<usize, BlobError> {
        let cutoff = crate::store::now_ms() - idle.as_millis() as i64;
        self.remove_under("tmp", Some(cutoff)).await
    }

    async fn remove_own_temporaries(&self) -> Result<usize, BlobError> {
        let own = self.tmp.clone();
        self.remove_under(&own, None).await
    }

    fn describe(&self) -> String {
        format!("S3 bucket {}", self.location)
    }
}

impl S3BlobStore {
    /// Deletes the objects under `prefix` (written before `cutoff`, or all); how many.
    async fn remove_under(&self, prefix: &str, cutoff: Option<i64>) -> Result<usize, BlobError> {
        let stale: Vec<Path> = self
            .meta
            .list(Some(&Path::from(prefix)))
            .try_filter(|m| {
                let old = cutoff.is_none_or(|c| m.last_modified.timestamp_millis() < c);
                async move { old }
            })
            .map_ok(|m| m.location)
            .try_collect()
            .await
            .map_err(unavailable)?;
        for key in &stale {
            match self.meta.delete(key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(stale.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blob_url_names_bucket_endpoint_and_region() {
        let l =
            S3Location::parse("s3://vanban?endpoint=http://127.0.0.1:3900/&region=garage").unwrap();
        assert_eq!(l.bucket, "vanban");
        assert_eq!(l.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(l.region, "garage");
        assert_eq!(S3Location::parse("s3://b").unwrap().region, "us-east-1");
        for bad in [
            "s3://",
            "s3://Bad_Bucket",
            "s3://b?endpoint=ftp://x",
            "s3://b?colour=red",
            "http://b",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }
}
