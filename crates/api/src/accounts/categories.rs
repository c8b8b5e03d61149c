//! The category tree, kept in memory: every ticket resource names its category.
//!
//! Every category write calls [`CategoryCache::changed`] in its transaction: it bumps the
//! `categories` row of `cache_versions`, and this instance reads the tree again before its
//! next use. Other instances compare that counter with their copy's every [`CHECK_EVERY`]
//! (the `category_check` job, one primary-key read), so they show a committed change at most
//! `CHECK_EVERY` plus one reload later; requests never pay for the check. Rows written
//! straight in the database, without the bump, still appear after [`MAX_AGE`], or at once
//! when a ticket names a category the copy lacks.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use guichet_types::{CategoryId, Locale};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{cache_versions, categories};
use crate::error::{ApiError, ApiResult};

/// How long a loaded tree is used before it is read again, whatever the counter says.
const MAX_AGE: Duration = Duration::from_secs(300);
/// How often each instance compares the counter with its copy's.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);
/// How long a write of this instance is waited for: past it, its transaction must have
/// been rolled back, and the copy is trusted again (the counter check still applies).
const AWAIT_AT_MOST: Duration = Duration::from_secs(30);
/// The tree's row in `cache_versions`.
const COUNTER: &str = "categories";

/// The categories by id, as read at one moment.
pub struct Categories {
    by_id: HashMap<CategoryId, categories::Model>,
}

impl Categories {
    pub fn get(&self, id: CategoryId) -> Option<&categories::Model> {
        self.by_id.get(&id)
    }

    /// The category's name in `locale`.
    pub fn name(&self, id: CategoryId, locale: Locale) -> Option<&str> {
        self.get(id).map(|c| match locale {
            Locale::Fr => c.name_fr.as_str(),
            Locale::En => c.name_en.as_str(),
        })
    }
}

#[derive(Default)]
pub struct CategoryCache {
    state: RwLock<CacheState>,
}

#[derive(Default)]
struct CacheState {
    loaded: Option<Loaded>,
    /// The counter a category write of this instance set, and when: the copy is not used
    /// until it is read at that counter or later. Set before the write commits, so a reload
    /// racing the commit cannot keep the old tree.
    awaited: Option<(i64, Instant)>,
}

#[derive(Clone)]
struct Loaded {
    at: Instant,
    /// The counter read just before the rows: the rows are at least that recent.
    version: i64,
    categories: Arc<Categories>,
}

impl CacheState {
    fn current(&self) -> Option<Arc<Categories>> {
        let loaded = self.loaded.as_ref()?;
        let awaiting = self.awaited.is_some_and(|(version, since)| {
            version > loaded.version && since.elapsed() < AWAIT_AT_MOST
        });
        (loaded.at.elapsed() < MAX_AGE && !awaiting).then(|| loaded.categories.clone())
    }
}

impl CategoryCache {
    /// The tree, read from the database when it was never read, is older than [`MAX_AGE`],
    /// or misses a write of this instance.
    pub async fn get(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Categories>> {
        match self.state.read().ok().and_then(|state| state.current()) {
            Some(categories) => Ok(categories),
            None => self.reload(db).await,
        }
    }

    /// The tree, read from the database now.
    pub async fn reload(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Categories>> {
        let version = counter(db).await?;
        let rows = categories::Entity::find().all(db).await?;
        let categories = Arc::new(Categories {
            by_id: rows.into_iter().map(|c| (c.id, c)).collect(),
        });
        // Of two reloads racing, the older may land last: its counter is older too, so the
        // next check (or this instance's awaited write) reads the tree again.
        if let Ok(mut state) = self.state.write() {
            state.loaded = Some(Loaded {
                at: Instant::now(),
                version,
                categories: categories.clone(),
            });
        }
        Ok(categories)
    }

    /// The tree with every one of `ids`: read again if the copy lacks one (a category
    /// written since it was read).
    pub async fn with(
        &self,
        db: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = CategoryId>,
    ) -> ApiResult<Arc<Categories>> {
        let categories = self.get(db).await?;
        if ids.into_iter().all(|id| categories.get(id).is_some()) {
            Ok(categories)
        } else {
            self.reload(db).await
        }
    }

    /// To be called in the transaction of every category write (insert, rename, move,
    /// removal): other instances see the bumped counter once it commits, and this one reads
    /// the tree again before its next use.
    pub async fn changed(&self, txn: &impl ConnectionTrait) -> ApiResult<()> {
        cache_versions::Entity::update_many()
            .col_expr(
                cache_versions::Column::Version,
                Expr::col(cache_versions::Column::Version).add(1),
            )
            .filter(cache_versions::Column::Name.eq(COUNTER))
            .exec(txn)
            .await?;
        let version = counter(txn).await?;
        if let Ok(mut state) = self.state.write() {
            state.awaited = Some((version, Instant::now()));
        }
        Ok(())
    }

    /// Reads the tree again if the counter moved since the copy was read (a write of
    /// another instance); returns 1 if it did, for the job's log.
    pub async fn check(&self, db: &impl ConnectionTrait) -> ApiResult<usize> {
        let version = counter(db).await?;
        let current = self
            .state
            .read()
            .ok()
            .and_then(|state| state.loaded.as_ref().map(|l| l.version));
        if current == Some(version) {
            return Ok(0);
        }
        self.reload(db).await?;
        Ok(1)
    }
}

async fn counter(db: &impl ConnectionTrait) -> ApiResult<i64> {
    cache_versions::Entity::find()
        .select_only()
        .column(cache_versions::Column::Version)
        .filter(cache_versions::Column::Name.eq(COUNTER))
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("no categories row in cache_versions"))
}
