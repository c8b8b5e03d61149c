//! Where attachment bytes live: one `object_store` handle, built once from
//! `GUICHET_STORAGE_URL` at start and kept in `AppState`: a local directory (the default,
//! `GUICHET_DATA_DIR/attachments/`), `memory:` (tests, trials) or `s3://bucket/prefix` on any
//! S3-compatible service. The rest of the server sees one interface whatever the back-end.
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::signer::{SignedUrlOptions, Signer};
use object_store::{
    Attribute, Attributes, BackoffConfig, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    RetryConfig, WriteMultipart,
};

use crate::config::{AwsSettings, Settings, StorageUrl};

/// The name a stored file goes by: a random UUID, never anything a user typed, so that it
/// is safe as a file name or an object key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageKey(String);

impl StorageKey {
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// A key read back from the database; `None` unless it has the generated shape.
    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == 32
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The object's location: the key alone, at the store's root.
    fn location(&self) -> Path {
        Path::from(self.0.as_str())
    }
}

/// Why `put` failed: the incoming body, or the storage itself.
#[derive(Debug)]
pub enum PutError<E> {
    Body(E),
    Storage(object_store::Error),
}

/// A stored file's bytes, read as they are sent.
pub type ByteStream = BoxStream<'static, object_store::Result<Bytes>>;

/// How much of an upload is held in memory before it is handed to the store as one part.
/// Local and in-memory stores take parts of any size: small ones keep memory low.
const LOCAL_PART_SIZE: usize = 64 * 1024;
/// S3 refuses parts under 5 MiB but the last one.
const S3_PART_SIZE: usize = 5 * 1024 * 1024;
/// Parts being written at once; the body is not read further until one is done.
const PARTS_IN_FLIGHT: usize = 2;
/// A store that does not answer fails the request within this time rather than the
/// library's default of three minutes: the client is told to retry instead of waiting.
const S3_RETRY: RetryConfig = RetryConfig {
    backoff: BackoffConfig {
        init_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(2),
        base: 2.0,
    },
    max_retries: 3,
    retry_timeout: Duration::from_secs(20),
};

/// The attachment store of the server.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    part_size: usize,
    /// The S3 client itself and the prefix, for presigned URLs; `None` on other back-ends.
    s3: Option<(Arc<AmazonS3>, Path)>,
    /// How long presigned download URLs live, when downloads are redirected.
    presign: Option<Duration>,
}

/// The headers a file is served with.
pub struct ServedAs<'a> {
    pub content_disposition: &'a str,
    pub content_type: &'a str,
}

/// How a download is answered.
pub enum Download {
    /// The bytes, streamed by this server.
    Stream(ByteStream),
    /// A presigned URL of the object at the store, valid a short time.
    Redirect(String),
}

impl Storage {
    /// The store the settings ask for, downloads presigned if `GUICHET_STORAGE_PRESIGN` says
    /// so. The local directory is created if missing.
    pub fn from_settings(settings: &Settings) -> Result<Self, object_store::Error> {
        let storage = Self::open(&settings.storage, &settings.aws)?;
        Ok(Self {
            presign: settings.storage_presign,
            ..storage
        })
    }

    /// The store at `url`; an S3 one with the endpoint and credentials of `aws`.
    pub fn open(url: &StorageUrl, aws: &AwsSettings) -> Result<Self, object_store::Error> {
        let local = |store: Arc<dyn ObjectStore>| Self {
            store,
            part_size: LOCAL_PART_SIZE,
            s3: None,
            presign: None,
        };
        Ok(match url {
            StorageUrl::Local(root) => {
                std::fs::create_dir_all(root).map_err(|source| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(source),
                })?;
                // A put writes `<key>#<n>` beside the target and renames it into place once
                // complete; with fsync, the bytes and the directory entry are on disk before
                // the database row that points at them is written.
                local(Arc::new(
                    LocalFileSystem::new_with_prefix(root)?.with_fsync(true),
                ))
            }
            StorageUrl::Memory => local(Arc::new(InMemory::new())),
            StorageUrl::S3 { bucket, prefix } => {
                let s3 = Arc::new(s3_client(bucket, aws)?);
                let prefix = Path::from(prefix.as_str());
                let store: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
                    s3.clone()
                } else {
                    Arc::new(PrefixStore::new(s3.clone(), prefix.clone()))
                };
                Self {
                    store,
                    part_size: S3_PART_SIZE,
                    s3: Some((s3, prefix)),
                    presign: None,
                }
            }
        })
    }

    /// Stores `body` under `key`. The object appears whole or not at all: when `body` or the
    /// store fails, or the request is dropped mid-way, the upload is aborted and nothing is
    /// left behind (no staged file, no pending S3 multipart upload).
    /// An S3 object also keeps how it is to be served, for presigned downloads.
    pub async fn put<E>(
        &self,
        key: &StorageKey,
        served: &ServedAs<'_>,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<(), PutError<E>> {
        let mut options = PutMultipartOptions::default();
        // Local files have no attributes; their downloads go through the server.
        if self.s3.is_some() {
            options.attributes = Attributes::from_iter([
                (
                    Attribute::ContentDisposition,
                    served.content_disposition.to_owned(),
                ),
                (Attribute::ContentType, served.content_type.to_owned()),
            ]);
        }
        let upload = self
            .store
            .put_multipart_opts(&key.location(), options)
            .await
            .map_err(PutError::Storage)?;
        let mut writer = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(
            upload,
            self.part_size,
        )));
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let ready = match chunk {
                Ok(chunk) => writer
                    .get()
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map(|()| chunk)
                    .map_err(PutError::Storage),
                Err(error) => Err(PutError::Body(error)),
            };
            match ready {
                Ok(chunk) => writer.get().put(chunk),
                Err(error) => {
                    if let Err(abort) = writer.take().abort().await {
                        tracing::warn!(error = %abort, key = key.as_str(), "upload not aborted");
                    }
                    return Err(error);
                }
            }
        }
        // On failure `finish` aborts the upload itself.
        writer
            .take()
            .finish()
            .await
            .map(drop)
            .map_err(PutError::Storage)
    }

    pub async fn read(&self, key: &StorageKey) -> object_store::Result<ByteStream> {
        Ok(self.store.get(&key.location()).await?.into_stream())
    }

    /// A download of the object: a presigned URL when the settings ask for them, whose
    /// signature also fixes the `Content-Disposition` and `Content-Type` the store answers
    /// with (over those kept with the object, which some S3-compatible servers use
    /// instead); else its bytes.
    pub async fn download(
        &self,
        key: &StorageKey,
        content_disposition: &str,
        content_type: &str,
    ) -> object_store::Result<Download> {
        let (Some(lifetime), Some((s3, prefix))) = (self.presign, &self.s3) else {
            return Ok(Download::Stream(self.read(key).await?));
        };
        let location: Path = prefix.parts().chain(key.location().parts()).collect();
        let options = SignedUrlOptions::default().with_query([
            ("response-content-disposition", content_disposition),
            ("response-content-type", content_type),
        ]);
        let url = s3
            .signed_url_opts(http::Method::GET, &location, lifetime, &options)
            .await?;
        Ok(Download::Redirect(url.into()))
    }

    /// Removes the object; one already gone is not an error.
    pub async fn delete(&self, key: &StorageKey) -> object_store::Result<()> {
        match self.store.delete(&key.location()).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            deleted => deleted,
        }
    }
}

/// An upload in progress; dropped before it was finished or aborted (the request went
/// away), it is aborted in the background. A local store's staged file goes with its
/// writer anyway, but an S3 multipart upload stays pending, and billed, until aborted.
struct AbortOnDrop(Option<WriteMultipart>);

impl AbortOnDrop {
    fn get(&mut self) -> &mut WriteMultipart {
        self.0
            .as_mut()
            .expect("the upload is in progress until taken")
    }

    fn take(&mut self) -> WriteMultipart {
        self.0.take().expect("the upload is taken once")
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        let Some(writer) = self.0.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(%error, "dropped upload not aborted");
                }
            });
        }
    }
}

/// Whether a failed write is the store being full or read-only (the local disk: ENOSPC,
/// EDQUOT, EROFS, or no permission), rather than the store being unreachable.
pub fn is_full(error: &object_store::Error) -> bool {
    const ENOSPC: i32 = 28;
    const EROFS: i32 = 30;
    const EDQUOT: i32 = 122;
    const EACCES: i32 = 13;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            if matches!(
                io.kind(),
                ErrorKind::StorageFull
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::PermissionDenied
            ) || matches!(io.raw_os_error(), Some(ENOSPC | EROFS | EDQUOT | EACCES))
            {
                return true;
            }
        }
        cause = error.source();
    }
    false
}

fn s3_client(bucket: &str, aws: &AwsSettings) -> object_store::Result<AmazonS3> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_allow_http(aws.allow_http)
        .with_virtual_hosted_style_request(aws.virtual_hosted_style)
        .with_retry(S3_RETRY);
    if let Some(endpoint) = &aws.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(region) = &aws.region {
        builder = builder.with_region(region);
    }
    if let Some(id) = &aws.access_key_id {
        builder = builder.with_access_key_id(id);
    }
    if let Some(secret) = &aws.secret_access_key {
        builder = builder.with_secret_access_key(secret.expose_str());
    }
    if let Some(token) = &aws.session_token {
        builder = builder.with_token(token.expose_str());
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_generated_hex_and_nothing_else() {
        let key = StorageKey::generate();
        assert_eq!(StorageKey::parse(key.as_str()), Some(key));
        for bad in [
            "",
            "../../etc/passwd",
            "0123456789abcdef0123456789abcde/",
            "0123456789ABCDEF0123456789ABCDEF",
        ] {
            assert_eq!(StorageKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_full_disk_is_told_from_other_failures() {
        let wrapped = |error: std::io::Error| object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(error),
        };
        for full in [
            std::io::Error::from_raw_os_error(28),
            std::io::Error::from_raw_os_error(122),
            std::io::Error::from(std::io::ErrorKind::ReadOnlyFilesystem),
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ] {
            assert!(is_full(&wrapped(full)));
        }
        assert!(!is_full(&wrapped(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        ))));
    }
}
