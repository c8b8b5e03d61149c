//! Where attachment bytes live: one `object_store` handle, built once from the settings at
//! start and kept in `AppState`. The local directory under `GUICHET_DATA_DIR/attachments/`
//! is the default; `GUICHET_ATTACHMENT_STORE=memory` keeps them in memory (tests, trials);
//! S3 will be one more back-end here, not a new interface.
use std::sync::Arc;

use actix_web::web::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};

use crate::config::{AttachmentStore, Settings};

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

/// How much of an upload is held in memory before it is handed to the store as one part:
/// about what the old direct writes held. Local and in-memory stores take parts of any size;
/// S3 will need 5 MiB (its smallest part but the last).
const PART_SIZE: usize = 64 * 1024;
/// Parts being written at once; the body is not read further until one is done.
const PARTS_IN_FLIGHT: usize = 2;

/// The attachment store of the server.
#[derive(Clone, Debug)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// The store the settings ask for. The local directory is created if missing.
    pub fn from_settings(settings: &Settings) -> Result<Self, object_store::Error> {
        let store: Arc<dyn ObjectStore> = match settings.attachment_store {
            AttachmentStore::Local => {
                let root = settings.data_dir.join("attachments");
                std::fs::create_dir_all(&root).map_err(|source| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(source),
                })?;
                // A put writes `<key>#<n>` beside the target and renames it into place once
                // complete; with fsync, the bytes and the directory entry are on disk before
                // the database row that points at them is written.
                Arc::new(LocalFileSystem::new_with_prefix(root)?.with_fsync(true))
            }
            AttachmentStore::Memory => Arc::new(InMemory::new()),
        };
        Ok(Self { store })
    }

    /// Stores `body` under `key`. The object appears whole or not at all: when `body` or the
    /// store fails, the upload is aborted and nothing is left behind (a request dropped
    /// mid-way drops the upload, which removes its staged bytes too).
    pub async fn put<E>(
        &self,
        key: &StorageKey,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<(), PutError<E>> {
        let upload = self
            .store
            .put_multipart(&key.location())
            .await
            .map_err(PutError::Storage)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let ready = match chunk {
                Ok(chunk) => writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map(|()| chunk)
                    .map_err(PutError::Storage),
                Err(error) => Err(PutError::Body(error)),
            };
            match ready {
                Ok(chunk) => writer.put(chunk),
                Err(error) => {
                    if let Err(abort) = writer.abort().await {
                        tracing::warn!(error = %abort, key = key.as_str(), "upload not aborted");
                    }
                    return Err(error);
                }
            }
        }
        // On failure `finish` aborts the upload itself.
        writer.finish().await.map(drop).map_err(PutError::Storage)
    }

    pub async fn open(&self, key: &StorageKey) -> object_store::Result<ByteStream> {
        Ok(self.store.get(&key.location()).await?.into_stream())
    }

    /// Removes the object; one already gone is not an error.
    pub async fn delete(&self, key: &StorageKey) -> object_store::Result<()> {
        match self.store.delete(&key.location()).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            deleted => deleted,
        }
    }
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
}
