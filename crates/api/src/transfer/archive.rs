//! `guichet backup` and `guichet restore`: one gzip-compressed tar archive holding
//! `tables/<table>.jsonl` (the rows of a consistent snapshot, in `tables::all` order),
//! `files/<key>` (every attachment those rows name) and, last, `manifest.json` (the schema
//! version, each table's rows and checksum, each file's size and SHA-256, the ticket-number
//! state). The token key is not in it: it is a secret, kept apart.
//!
//! The archive is read and written with blocking file I/O: these are commands of their own,
//! with nothing else on their runtime.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::Path;

use actix_web::web::Bytes;
use futures_util::stream::{StreamExt, TryStreamExt};
use guichet_migrations::MigratorTrait;
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::database::{self, Loader, TicketNumbers};
use super::tables::{self, Tally};
use super::{Progress, TransferError};
use crate::attachments::service::{content_disposition, content_type_for, hex};
use crate::attachments::storage::{PutError, ServedAs, Storage, StorageKey};

const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;

/// What an archive holds, written last.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The last migration of the database it was taken from: a restore needs the same.
    pub schema: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub tables: BTreeMap<String, TableEntry>,
    pub files: Vec<FileEntry>,
    pub ticket_numbers: TicketNumbers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub key: String,
    /// The name it is served under (restored objects of S3 keep their disposition).
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

fn schema_version() -> String {
    guichet_migrations::Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}

fn entry(tally: &Tally) -> TableEntry {
    TableEntry {
        rows: tally.rows,
        sha256: tally.checksum(),
    }
}

/// Writes the install (`db` and the attachments of `storage`) to the archive `to`, as of one
/// moment, while the server goes on. The archive appears whole at `to` or not at all.
pub async fn backup(
    db: &DatabaseConnection,
    storage: &Storage,
    to: &Path,
    progress: Progress<'_>,
) -> Result<Manifest, TransferError> {
    let snapshot = database::snapshot(db).await?;
    let numbers = TicketNumbers::read(&snapshot).await?;
    let partial = to.with_extension("partial");
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&partial)?,
        flate2::Compression::fast(),
    ));
    let mut manifest = Manifest {
        format: FORMAT,
        schema: schema_version(),
        created_at: chrono::Utc::now(),
        tables: BTreeMap::new(),
        files: Vec::new(),
        ticket_numbers: numbers,
    };
    for table in tables::all() {
        let mut spool = tempfile::tempfile()?;
        let mut tally = Tally::default();
        {
            let mut writer = std::io::BufWriter::new(&mut spool);
            let mut rows = table.rows(&snapshot).await?;
            while let Some(row) = rows.try_next().await? {
                tally.add(&row);
                // Article images are files of the same store, listed the same way.
                if matches!(table.name(), "attachments" | "article_images") {
                    manifest.files.push(file_entry(&row)?);
                }
                serde_json::to_writer(&mut writer, &row)?;
                writer.write_all(b"\n")?;
            }
            writer.flush()?;
        }
        append(
            &mut archive,
            &format!("tables/{}.jsonl", table.name()),
            &mut spool,
        )?;
        progress(&format!("{}: {} rows", table.name(), tally.rows));
        manifest
            .tables
            .insert(table.name().to_owned(), entry(&tally));
    }
    snapshot.rollback().await?;

    for file in &manifest.files {
        let mut spool = tempfile::tempfile()?;
        let key = key(&file.key)?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut bytes = storage.read(&key).await?;
        while let Some(chunk) = bytes.next().await {
            let chunk = chunk?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
            spool.write_all(&chunk)?;
        }
        if size != file.size || hex(&hasher.finalize()) != file.sha256 {
            return Err(TransferError::Mismatch(format!(
                "the stored file {} differs from its row",
                file.key
            )));
        }
        append(&mut archive, &format!("files/{}", file.key), &mut spool)?;
    }
    progress(&format!("{} attachments", manifest.files.len()));

    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest_bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    archive.append_data(&mut header, MANIFEST, manifest_bytes.as_slice())?;
    let file = archive.into_inner()?.finish()?;
    file.sync_all()?;
    std::fs::rename(&partial, to)?;
    Ok(manifest)
}

fn file_entry(row: &serde_json::Value) -> Result<FileEntry, TransferError> {
    let text = |name: &str| {
        row.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| TransferError::Refused(format!("an attachment row without {name}")))
    };
    Ok(FileEntry {
        key: text("storage_key")?,
        file_name: text("file_name")?,
        size: row
            .get("size")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or_default(),
        sha256: text("sha256")?,
    })
}

fn key(text: &str) -> Result<StorageKey, TransferError> {
    StorageKey::parse(text)
        .ok_or_else(|| TransferError::Refused(format!("{text} is not a storage key")))
}

/// Appends the spooled `file` (rewound) under `name`.
fn append(
    archive: &mut tar::Builder<impl Write>,
    name: &str,
    file: &mut std::fs::File,
) -> Result<(), TransferError> {
    let size = file.stream_position()?;
    file.rewind()?;
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_cksum();
    archive.append_data(&mut header, name, file)?;
    Ok(())
}

fn open(path: &Path) -> Result<tar::Archive<impl Read>, TransferError> {
    Ok(tar::Archive::new(flate2::read::GzDecoder::new(
        BufReader::new(std::fs::File::open(path)?),
    )))
}

/// Reads the whole archive once, without writing anything: every table's rows and checksum
/// and every file's checksum must be those of its manifest.
pub fn check(from: &Path) -> Result<Manifest, TransferError> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut files: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut manifest = None;
    for item in open(from)?.entries()? {
        let mut item = item?;
        let name = item.path()?.to_string_lossy().into_owned();
        if let Some(table) = table_name(&name) {
            let mut tally = Tally::default();
            for line in BufReader::new(&mut item).lines() {
                tally.add(&serde_json::from_str(&line?)?);
            }
            tallies.insert(table.to_owned(), tally);
        } else if let Some(key) = name.strip_prefix("files/") {
            let mut hasher = Sha256::new();
            let size = std::io::copy(&mut item, &mut hasher)?;
            files.insert(key.to_owned(), (size, hex(&hasher.finalize())));
        } else if name == MANIFEST {
            manifest = Some(serde_json::from_reader::<_, Manifest>(&mut item)?);
        }
    }
    let manifest = manifest.ok_or_else(|| {
        TransferError::Refused("no manifest: the archive is cut short or not a backup".into())
    })?;
    if manifest.format != FORMAT {
        return Err(TransferError::Refused(format!(
            "archive format {} (this version reads {FORMAT})",
            manifest.format
        )));
    }
    let mut wrong = Vec::new();
    for (name, expected) in &manifest.tables {
        match tallies.get(name) {
            Some(found) if entry(found) == *expected => {}
            _ => wrong.push(format!("table {name}")),
        }
    }
    for file in &manifest.files {
        if files.get(&file.key) != Some(&(file.size, file.sha256.clone())) {
            wrong.push(format!("file {}", file.key));
        }
    }
    if !wrong.is_empty() {
        return Err(TransferError::Mismatch(format!(
            "the archive does not match its manifest: {}",
            wrong.join(", ")
        )));
    }
    Ok(manifest)
}

fn table_name(entry: &str) -> Option<&str> {
    entry.strip_prefix("tables/")?.strip_suffix(".jsonl")
}

/// Loads the archive `from` into the empty database at `to` (migrated first) and stores its
/// files in `storage`: the archive is checked whole first, the rows are written in one
/// transaction committed once every file is stored, and the result is checked against the
/// manifest.
pub async fn restore(
    from: &Path,
    to: &str,
    storage: &Storage,
    progress: Progress<'_>,
) -> Result<Manifest, TransferError> {
    progress("checking the archive");
    let manifest = check(from)?;
    if manifest.schema != schema_version() {
        return Err(TransferError::Refused(format!(
            "the archive was taken at schema {}; this version is at {}: restore it with the \
             version that took it",
            manifest.schema,
            schema_version()
        )));
    }
    let target = database::open(to).await?;
    database::ensure_empty(&target).await?;
    let txn = target.begin().await?;
    database::clear(&txn).await?;
    let all = tables::all();
    for item in open(from)?.entries()? {
        let mut item = item?;
        let name = item.path()?.to_string_lossy().into_owned();
        if let Some(table_name) = table_name(&name) {
            let table = all
                .iter()
                .find(|table| table.name() == table_name)
                .ok_or_else(|| TransferError::Refused(format!("unknown table {table_name}")))?;
            let mut loader = Loader::new(&txn, table.as_ref());
            for line in BufReader::new(&mut item).lines() {
                loader.push(serde_json::from_str(&line?)?).await?;
            }
            let tally = loader.finish().await?;
            progress(&format!("{table_name}: {} rows", tally.rows));
        } else if let Some(text) = name.strip_prefix("files/") {
            let key = key(text)?;
            let file_name = manifest
                .files
                .iter()
                .find(|file| file.key == text)
                .map(|file| file.file_name.as_str())
                .unwrap_or_default();
            let served = ServedAs {
                content_disposition: &content_disposition(file_name),
                content_type: content_type_for(file_name),
            };
            // One attachment at a time, at most the upload limit.
            let mut bytes = Vec::new();
            item.read_to_end(&mut bytes)?;
            let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
            storage
                .put(&key, &served, body)
                .await
                .map_err(|error| match error {
                    PutError::Body(error) => TransferError::Io(error),
                    PutError::Storage(error) => TransferError::Storage(error),
                })?;
        }
    }
    progress(&format!("{} attachments stored", manifest.files.len()));
    database::finish(&txn, &manifest.ticket_numbers).await?;
    txn.commit().await?;

    progress("verifying every table of the target");
    let expected: BTreeMap<String, TableEntry> = manifest.tables.clone();
    let found = database::tally(&target).await?;
    let found: BTreeMap<String, TableEntry> = found
        .iter()
        .map(|(name, tally)| (name.clone(), entry(tally)))
        .collect();
    let wrong: Vec<&String> = expected
        .iter()
        .filter(|(name, entry)| found.get(*name) != Some(entry))
        .map(|(name, _)| name)
        .collect();
    if !wrong.is_empty() {
        return Err(TransferError::Mismatch(format!(
            "tables differ after the restore: {wrong:?}"
        )));
    }
    Ok(manifest)
}
