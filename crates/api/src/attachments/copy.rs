//! `guichet storage copy`: every stored file (every `attachments` and `article_images` row)
//! copied from the store of the settings to another one, each copy read back and checked
//! against the row's SHA-256. Files already there with the right checksum are skipped, so that a second
//! pass after the switch copies only those written meanwhile.
use actix_web::web::Bytes;
use futures_util::stream::{self, StreamExt};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

use super::service;
use super::storage::{ByteStream, PutError, ServedAs, Storage, StorageKey};
use crate::entities::{article_images, attachments};

/// Rows read from the database at once.
const BATCH: u64 = 500;

/// The tables whose rows name the objects of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Attachment,
    ArticleImage,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Attachment => "attachment",
            FileKind::ArticleImage => "article image",
        })
    }
}

/// One stored file, as its row describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub kind: FileKind,
    pub id: i64,
    pub size: i64,
    pub file_name: String,
    pub sha256: String,
    pub storage_key: String,
}

impl From<attachments::Model> for StoredFile {
    fn from(row: attachments::Model) -> Self {
        StoredFile {
            kind: FileKind::Attachment,
            id: row.id,
            size: row.size,
            file_name: row.file_name,
            sha256: row.sha256,
            storage_key: row.storage_key,
        }
    }
}

impl From<article_images::Model> for StoredFile {
    fn from(row: article_images::Model) -> Self {
        StoredFile {
            kind: FileKind::ArticleImage,
            id: row.id.0,
            size: row.size,
            file_name: row.file_name,
            sha256: row.sha256,
            storage_key: row.storage_key,
        }
    }
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    Copied,
    /// Already in the target store with the right checksum.
    AlreadyThere,
    /// Not copied, or copied wrong: the reason. The pass goes on with the next file.
    Failed(String),
}

/// The totals of a pass; it succeeded when `failed` is empty.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CopyReport {
    pub copied: u64,
    pub already_there: u64,
    /// `(kind, row id, reason)`.
    pub failed: Vec<(FileKind, i64, String)>,
}

/// Copies every stored file from `from` to `to`, the attachments then the article images,
/// calling `progress` after each one with its row and what became of it.
pub async fn copy_all(
    db: &DatabaseConnection,
    from: &Storage,
    to: &Storage,
    mut progress: impl FnMut(&StoredFile, &FileOutcome),
) -> Result<CopyReport, sea_orm::DbErr> {
    let mut report = CopyReport::default();
    for kind in [FileKind::Attachment, FileKind::ArticleImage] {
        let mut after = 0i64;
        loop {
            let rows = batch(db, kind, after).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id;
            for row in &rows {
                let outcome = copy_one(row, from, to).await;
                progress(row, &outcome);
                match outcome {
                    FileOutcome::Copied => report.copied += 1,
                    FileOutcome::AlreadyThere => report.already_there += 1,
                    FileOutcome::Failed(reason) => report.failed.push((kind, row.id, reason)),
                }
            }
        }
    }
    Ok(report)
}

/// The next rows of `kind` after id `after`, in id order.
async fn batch(
    db: &DatabaseConnection,
    kind: FileKind,
    after: i64,
) -> Result<Vec<StoredFile>, sea_orm::DbErr> {
    Ok(match kind {
        FileKind::Attachment => attachments::Entity::find()
            .filter(attachments::Column::Id.gt(after))
            .order_by_asc(attachments::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?
            .into_iter()
            .map(StoredFile::from)
            .collect(),
        FileKind::ArticleImage => article_images::Entity::find()
            .filter(article_images::Column::Id.gt(after))
            .order_by_asc(article_images::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?
            .into_iter()
            .map(StoredFile::from)
            .collect(),
    })
}

async fn copy_one(row: &StoredFile, from: &Storage, to: &Storage) -> FileOutcome {
    let Some(key) = StorageKey::parse(&row.storage_key) else {
        return FileOutcome::Failed(format!("malformed storage key {:?}", row.storage_key));
    };
    if let Ok(Some(present)) = sha256_of(to, &key).await {
        if present == row.sha256 {
            return FileOutcome::AlreadyThere;
        }
    }
    let source = match from.read(&key).await {
        Ok(source) => source,
        Err(object_store::Error::NotFound { .. }) => {
            return FileOutcome::Failed("missing from the source store".to_owned())
        }
        Err(error) => return FileOutcome::Failed(format!("unreadable at the source: {error}")),
    };
    // A source whose bytes are not those of the row fails the upload at its end, so that
    // the target never holds them.
    let served = ServedAs {
        content_disposition: &service::content_disposition(&row.file_name),
        content_type: service::content_type_for(&row.file_name),
    };
    match to
        .put(&key, &served, checked(source, row.sha256.clone()))
        .await
    {
        Ok(()) => {}
        Err(PutError::Body(reason)) => return FileOutcome::Failed(reason),
        Err(PutError::Storage(error)) => {
            return FileOutcome::Failed(format!("not written to the target: {error}"))
        }
    }
    match sha256_of(to, &key).await {
        Ok(Some(copied)) if copied == row.sha256 => FileOutcome::Copied,
        Ok(Some(copied)) => FileOutcome::Failed(format!(
            "the copy's SHA-256 is {copied}, expected {}",
            row.sha256
        )),
        Ok(None) => FileOutcome::Failed("the copy is not in the target store".to_owned()),
        Err(error) => FileOutcome::Failed(format!("the copy cannot be read back: {error}")),
    }
}

/// `source`'s bytes, then an error instead of the end if their SHA-256 is not `expected`.
fn checked(
    source: ByteStream,
    expected: String,
) -> impl futures_util::Stream<Item = Result<Bytes, String>> {
    stream::unfold(
        (source, Some(Sha256::new())),
        move |(mut source, mut hasher)| {
            let expected = expected.clone();
            async move {
                let running = hasher.as_mut()?;
                match source.next().await {
                    Some(Ok(chunk)) => {
                        running.update(&chunk);
                        Some((Ok(chunk), (source, hasher)))
                    }
                    Some(Err(error)) => Some((
                        Err(format!("unreadable at the source: {error}")),
                        (source, None),
                    )),
                    None => {
                        let actual = hex(&hasher.take()?.finalize());
                        (actual != expected).then(|| {
                            let reason = format!(
                                "checksum mismatch at the source: SHA-256 {actual}, expected {expected}"
                            );
                            (Err(reason), (source, None))
                        })
                    }
                }
            }
        },
    )
}

/// The SHA-256 of the object `key` in `storage`; `None` if there is none.
async fn sha256_of(storage: &Storage, key: &StorageKey) -> object_store::Result<Option<String>> {
    let mut bytes = match storage.read(key).await {
        Ok(bytes) => bytes,
        Err(object_store::Error::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut hasher = Sha256::new();
    while let Some(chunk) = bytes.next().await {
        hasher.update(&chunk?);
    }
    Ok(Some(hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
