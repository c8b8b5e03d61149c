//! The tables an install is made of, in an order where every row comes after the rows it
//! refers to, and the one row format: each row is its entity's typed model as JSON, so a row
//! read from SQLite is written to PostgreSQL with the types of the entity, not the driver's
//! guess.
use async_trait::async_trait;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, Iterable,
    PrimaryKeyToColumn, QueryOrder,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::TransferError;
use crate::entities::*;

/// One table: read in a fixed order, written in batches, emptied.
#[async_trait]
pub trait Table: Send + Sync {
    fn name(&self) -> &'static str;

    /// Every row, in primary-key order (parents first where the table refers to itself), as
    /// JSON in the row format.
    async fn rows<'a>(
        &self,
        txn: &'a DatabaseTransaction,
    ) -> Result<BoxStream<'a, Result<Value, TransferError>>, TransferError>;

    /// Writes `rows` (in the row format), keeping their ids.
    async fn insert(
        &self,
        txn: &DatabaseTransaction,
        rows: Vec<Value>,
    ) -> Result<(), TransferError>;
}

/// The table of entity `E`; `parent` names a column referring to the same table, whose rows
/// must then be written after the row they name.
struct EntityTable<E> {
    name: &'static str,
    parent: Option<&'static str>,
    entity: std::marker::PhantomData<fn() -> E>,
}

#[async_trait]
impl<E> Table for EntityTable<E>
where
    E: EntityTrait,
    E::Model: serde::Serialize + serde::de::DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    fn name(&self) -> &'static str {
        self.name
    }

    async fn rows<'a>(
        &self,
        txn: &'a DatabaseTransaction,
    ) -> Result<BoxStream<'a, Result<Value, TransferError>>, TransferError> {
        let mut query = E::find();
        for key in E::PrimaryKey::iter() {
            query = query.order_by_asc(key.into_column());
        }
        let name = self.name;
        let rows = query.stream(txn).await?.map(move |row| {
            let mut value = serde_json::to_value(row?)?;
            prepare(name, &mut value);
            Ok(value)
        });
        match self.parent {
            None => Ok(rows.boxed()),
            // A table that refers to itself is small (the category tree): sorted in memory.
            Some(parent) => {
                let all: Vec<Value> = rows.try_collect().await?;
                Ok(
                    futures_util::stream::iter(parents_first(all, parent).into_iter().map(Ok))
                        .boxed(),
                )
            }
        }
    }

    async fn insert(
        &self,
        txn: &DatabaseTransaction,
        rows: Vec<Value>,
    ) -> Result<(), TransferError> {
        if rows.is_empty() {
            return Ok(());
        }
        let models = rows
            .into_iter()
            .map(|row| Ok(serde_json::from_value::<E::Model>(row)?.into_active_model()))
            .collect::<Result<Vec<_>, TransferError>>()?;
        E::insert_many(models).exec_without_returning(txn).await?;
        Ok(())
    }
}

fn table<E>(name: &'static str) -> Box<dyn Table>
where
    E: EntityTrait,
    E::Model: serde::Serialize + serde::de::DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    Box::new(EntityTable::<E> {
        name,
        parent: None,
        entity: std::marker::PhantomData,
    })
}

/// Every table of an install, each after the tables it refers to. Left out, on purpose: the
/// migrations' own table (the target is migrated first), SQLite's full-text indexes (their
/// triggers fill them as tickets and articles are written; PostgreSQL computes its search column), and the
/// ticket-number state, kept differently by each database (`database::TicketNumbers`).
pub fn all() -> Vec<Box<dyn Table>> {
    vec![
        table::<companies::Entity>("companies"),
        table::<users::Entity>("users"),
        Box::new(EntityTable::<categories::Entity> {
            name: "categories",
            parent: Some("parent_id"),
            entity: std::marker::PhantomData,
        }),
        table::<assets::Entity>("assets"),
        table::<contracts::Entity>("contracts"),
        table::<contract_categories::Entity>("contract_categories"),
        table::<company_contacts::Entity>("company_contacts"),
        table::<sessions::Entity>("sessions"),
        table::<refresh_tokens::Entity>("refresh_tokens"),
        table::<account_tokens::Entity>("account_tokens"),
        table::<api_tokens::Entity>("api_tokens"),
        table::<account_mail_requests::Entity>("account_mail_requests"),
        table::<login_failures::Entity>("login_failures"),
        table::<idempotency_keys::Entity>("idempotency_keys"),
        table::<tickets::Entity>("tickets"),
        table::<support_accesses::Entity>("support_accesses"),
        table::<support_sessions::Entity>("support_sessions"),
        table::<ticket_events::Entity>("ticket_events"),
        table::<ticket_watchers::Entity>("ticket_watchers"),
        table::<attachments::Entity>("attachments"),
        table::<inbound_mails::Entity>("inbound_mails"),
        table::<rejected_mails::Entity>("rejected_mails"),
        table::<announcements::Entity>("announcements"),
        table::<audit_events::Entity>("audit_events"),
        table::<outbox_messages::Entity>("outbox_messages"),
        table::<jobs::Entity>("jobs"),
        table::<webhooks::Entity>("webhooks"),
        table::<webhook_deliveries::Entity>("webhook_deliveries"),
        Box::new(EntityTable::<articles::Entity> {
            name: "articles",
            parent: Some("translation_of"),
            entity: std::marker::PhantomData,
        }),
        table::<article_companies::Entity>("article_companies"),
        table::<article_revisions::Entity>("article_revisions"),
        table::<article_feedback::Entity>("article_feedback"),
        table::<article_images::Entity>("article_images"),
        table::<provider_pages::Entity>("provider_pages"),
        table::<cache_versions::Entity>("cache_versions"),
    ]
}

/// The tables of a migrated database that `all` leaves out, by design.
pub const NOT_COPIED: &[&str] = &[
    "seaql_migrations",
    "ticket_day_counters",
    "ticket_number_days",
    "ticket_search",
    "ticket_search_config",
    "ticket_search_data",
    "ticket_search_docsize",
    "ticket_search_idx",
    "article_search",
    "article_search_config",
    "article_search_data",
    "article_search_docsize",
    "article_search_idx",
    "sqlite_sequence",
];

/// What a row becomes on its way out, whatever the database: the feed's transaction ids are
/// those of the source's PostgreSQL and mean nothing to the target, whose own ids may be
/// lower. 0 puts the copied events before every new one, in id order (their order).
fn prepare(table: &str, row: &mut Value) {
    if table == "ticket_events" {
        if let Some(txid) = row.get_mut("txid") {
            *txid = Value::from(0);
        }
    }
}

/// `rows` with every row after the row its `parent` column names, then by id.
fn parents_first(rows: Vec<Value>, parent: &str) -> Vec<Value> {
    let id = |row: &Value| row.get("id").and_then(Value::as_i64);
    let parent_of = |row: &Value| row.get(parent).and_then(Value::as_i64);
    let parents: std::collections::HashMap<i64, Option<i64>> = rows
        .iter()
        .filter_map(|row| Some((id(row)?, parent_of(row))))
        .collect();
    let depth = |row: &Value| {
        let mut depth = 0usize;
        let mut current = parent_of(row);
        while let Some(up) = current {
            depth += 1;
            if depth > parents.len() {
                break;
            }
            current = parents.get(&up).copied().flatten();
        }
        depth
    };
    let mut ordered: Vec<(usize, i64, Value)> = rows
        .into_iter()
        .map(|row| (depth(&row), id(&row).unwrap_or_default(), row))
        .collect();
    ordered.sort_by_key(|(depth, id, _)| (*depth, *id));
    ordered.into_iter().map(|(_, _, row)| row).collect()
}

/// A table's rows seen so far: their number and a SHA-256 of their canonical form.
#[derive(Default, Clone)]
pub struct Tally {
    pub rows: u64,
    hasher: Sha256,
}

impl Tally {
    pub fn add(&mut self, row: &Value) {
        self.rows += 1;
        self.hasher.update(canonical(row).to_string().as_bytes());
        self.hasher.update(b"\n");
    }

    pub fn checksum(&self) -> String {
        crate::attachments::service::hex(&self.hasher.clone().finalize())
    }
}

/// The row as both databases keep it: times to the microsecond (PostgreSQL's precision; a
/// SQLite row can hold nanoseconds), so that a faithful copy has the source's checksum.
fn canonical(row: &Value) -> Value {
    match row {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(name, value)| (name.clone(), canonical(value)))
                .collect(),
        ),
        Value::String(text) => match chrono::DateTime::parse_from_rfc3339(text) {
            Ok(time) => {
                use chrono::SubsecRound;
                Value::String(time.trunc_subsecs(6).to_rfc3339())
            }
            Err(_) => row.clone(),
        },
        _ => row.clone(),
    }
}

/// The tables of the database behind `db` (user tables only).
pub async fn present(db: &impl ConnectionTrait) -> Result<Vec<String>, TransferError> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let rows = db
        .query_all(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    rows.iter()
        .map(|row| Ok(row.try_get_by_index::<String>(0)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_category_comes_after_its_parent_whatever_the_ids() {
        let rows = vec![
            json!({"id": 1, "parent_id": 5}),
            json!({"id": 2, "parent_id": null}),
            json!({"id": 5, "parent_id": 2}),
            json!({"id": 3, "parent_id": 1}),
        ];
        let ids: Vec<i64> = parents_first(rows, "parent_id")
            .iter()
            .filter_map(|row| row["id"].as_i64())
            .collect();
        assert_eq!(ids, [2, 5, 1, 3]);
    }

    #[test]
    fn checksums_ignore_nanoseconds_only() {
        let mut sqlite = Tally::default();
        sqlite.add(&json!({"at": "2026-12-05T03:38:12.533647123Z", "title": "a"}));
        let mut postgres = Tally::default();
        postgres.add(&json!({"at": "2026-12-05T03:38:12.533647Z", "title": "a"}));
        assert_eq!(sqlite.checksum(), postgres.checksum());
        let mut other = Tally::default();
        other.add(&json!({"at": "2026-12-05T03:38:12.533648Z", "title": "a"}));
        assert_ne!(sqlite.checksum(), other.checksum());
    }

    #[test]
    fn copied_events_lose_their_transaction_id() {
        let mut event = json!({"id": 7, "txid": 123456});
        prepare("ticket_events", &mut event);
        assert_eq!(event["txid"], 0);
        let mut ticket = json!({"id": 7, "txid": 123456});
        prepare("tickets", &mut ticket);
        assert_eq!(ticket["txid"], 123456);
    }
}
