//! Where attachment bytes live, behind one small interface: `put`, `open`, `delete` by a
//! key the server generated. The local directory under `GUICHET_DATA_DIR/attachments/` is
//! the default; object storage (S3) will be a second implementation of [`Storage`].
use std::future::Future;
use std::io;
use std::path::PathBuf;

use actix_web::web::Bytes;
use futures_util::stream::{LocalBoxStream, Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use crate::config::Settings;

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
}

/// Why `put` failed: the incoming body, or the storage itself.
#[derive(Debug)]
pub enum PutError<E> {
    Body(E),
    Storage(io::Error),
}

/// A stored file's bytes, read as they are sent.
pub type ByteStream = LocalBoxStream<'static, io::Result<Bytes>>;

pub trait Storage {
    /// Stores `body` under `key`. The file appears whole or not at all: when `body` or the
    /// storage fails, nothing is left behind.
    fn put<E>(
        &self,
        key: &StorageKey,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> impl Future<Output = Result<(), PutError<E>>>;

    fn open(&self, key: &StorageKey) -> impl Future<Output = io::Result<ByteStream>>;

    /// Removes the file; a file already gone is not an error.
    fn delete(&self, key: &StorageKey) -> impl Future<Output = io::Result<()>>;
}

/// The storage the settings ask for.
pub fn configured(settings: &Settings) -> LocalDir {
    LocalDir::new(settings.data_dir.join("attachments"))
}

/// Files in one directory, named by their key. Uploads are written under `tmp/` and renamed
/// into place once complete, so a reader never sees half a file.
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, key: &StorageKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    fn partial_path(&self, key: &StorageKey) -> PathBuf {
        self.root.join("tmp").join(key.as_str())
    }

    async fn write<E>(
        &self,
        partial: &PathBuf,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<(), PutError<E>> {
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(partial)
            .await
            .map_err(PutError::Storage)?;
        let mut body = std::pin::pin!(body);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(PutError::Body)?;
            file.write_all(&chunk).await.map_err(PutError::Storage)?;
        }
        // The database row that follows must never point at bytes still in a cache.
        file.sync_all().await.map_err(PutError::Storage)
    }
}

impl Storage for LocalDir {
    async fn put<E>(
        &self,
        key: &StorageKey,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<(), PutError<E>> {
        let partial = self.partial_path(key);
        if let Some(tmp) = partial.parent() {
            tokio::fs::create_dir_all(tmp)
                .await
                .map_err(PutError::Storage)?;
        }
        let written = match self.write(&partial, body).await {
            Ok(()) => tokio::fs::rename(&partial, self.path(key))
                .await
                .map_err(PutError::Storage),
            Err(error) => Err(error),
        };
        if written.is_err() {
            if let Err(error) = remove_if_present(&partial).await {
                tracing::warn!(%error, path = %partial.display(), "partial upload left behind");
            }
        }
        written
    }

    async fn open(&self, key: &StorageKey) -> io::Result<ByteStream> {
        let file = tokio::fs::File::open(self.path(key)).await?;
        Ok(tokio_util::io::ReaderStream::new(file).boxed_local())
    }

    async fn delete(&self, key: &StorageKey) -> io::Result<()> {
        remove_if_present(&self.path(key)).await
    }
}

async fn remove_if_present(path: &PathBuf) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
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
