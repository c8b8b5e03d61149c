//! `guichet migrate-data`: one database into another, empty one.
use std::collections::BTreeMap;

use futures_util::stream::TryStreamExt;
use sea_orm::TransactionTrait;

use super::database::{self, Loader, TicketNumbers};
use super::tables::{self, Tally};
use super::{Progress, TransferError};

/// What was copied: each table's rows.
#[derive(Debug)]
pub struct Copied {
    pub rows: BTreeMap<String, u64>,
}

/// Copies every table of the database at `from` into the database at `to` (migrated first,
/// refused unless empty), in one transaction, then checks that each table of the target has
/// the source's rows and checksum. The source should not be written meanwhile (stop the
/// server): rows written after the snapshot would not be copied.
pub async fn migrate_data(
    from: &str,
    to: &str,
    progress: Progress<'_>,
) -> Result<Copied, TransferError> {
    let source = database::open(from).await?;
    let target = database::open(to).await?;
    database::ensure_empty(&target).await?;
    let snapshot = database::snapshot(&source).await?;
    let counts = database::counts(&snapshot).await?;
    let numbers = TicketNumbers::read(&snapshot).await?;

    let txn = target.begin().await?;
    database::clear(&txn).await?;
    let mut copied: BTreeMap<String, Tally> = BTreeMap::new();
    for table in tables::all() {
        let total = counts.get(table.name()).copied().unwrap_or_default();
        let mut loader = Loader::new(&txn, table.as_ref());
        let mut rows = table.rows(&snapshot).await?;
        while let Some(row) = rows.try_next().await? {
            if loader.push(row).await? {
                progress(&format!(
                    "{}: {}/{total} rows",
                    table.name(),
                    loader.tally.rows
                ));
            }
        }
        drop(rows);
        let tally = loader.finish().await?;
        progress(&format!("{}: {} rows copied", table.name(), tally.rows));
        copied.insert(table.name().to_owned(), tally);
    }
    database::finish(&txn, &numbers).await?;
    txn.commit().await?;
    snapshot.rollback().await?;

    progress("verifying every table of the target");
    verify(&copied, &database::tally(&target).await?)?;
    Ok(Copied {
        rows: copied
            .into_iter()
            .map(|(name, tally)| (name, tally.rows))
            .collect(),
    })
}

/// Every table of `found` has the rows and checksum `expected` says.
pub fn verify(
    expected: &BTreeMap<String, Tally>,
    found: &BTreeMap<String, Tally>,
) -> Result<(), TransferError> {
    let mut wrong = Vec::new();
    for (name, tally) in expected {
        match found.get(name) {
            Some(found) if found.rows == tally.rows && found.checksum() == tally.checksum() => {}
            Some(found) => wrong.push(format!(
                "{name} ({} rows expected, {} found{})",
                tally.rows,
                found.rows,
                if found.rows == tally.rows {
                    ", different contents"
                } else {
                    ""
                }
            )),
            None => wrong.push(format!("{name} (missing)")),
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(TransferError::Mismatch(wrong.join(", ")))
    }
}
