//! The category tree, kept in memory: every ticket resource names its category.
//!
//! Every category write calls [`CategoryCache::changed`] in its transaction, which bumps the
//! `categories` row of `cache_versions`. Each use of the tree first reads that counter (one
//! primary-key read of a one-row table) and reads the tree again when it moved, so a rename
//! or a retirement committed on any instance is seen at once by every instance. Rows written
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

    pub fn all(&self) -> impl Iterator<Item = &categories::Model> {
        self.by_id.values()
    }

    /// The category's name in `locale`.
    pub fn name(&self, id: CategoryId, locale: Locale) -> Option<&str> {
        self.get(id).map(|c| match locale {
            Locale::Fr => c.name_fr.as_str(),
            Locale::En => c.name_en.as_str(),
        })
    }

    /// Whether the category is offered for new tickets: it and every category above it
    /// are active.
    pub fn offered(&self, id: CategoryId) -> bool {
        let mut current = self.get(id);
        let mut hops = 0;
        while let Some(category) = current {
            if !category.active || hops > self.by_id.len() {
                return false;
            }
            hops += 1;
            current = category.parent_id.and_then(|parent| self.get(parent));
        }
        hops > 0
    }
}

#[derive(Default)]
pub struct CategoryCache {
    loaded: RwLock<Option<Loaded>>,
}

#[derive(Clone)]
struct Loaded {
    at: Instant,
    /// The counter read just before the rows: the rows are at least that recent.
    version: i64,
    categories: Arc<Categories>,
}

impl CategoryCache {
    /// The tree, read again from the database when a write moved the counter since the
    /// copy was read, or the copy is older than [`MAX_AGE`].
    pub async fn get(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Categories>> {
        let version = counter(db).await?;
        let current = self.loaded.read().ok().and_then(|loaded| {
            loaded
                .as_ref()
                .filter(|l| l.version == version && l.at.elapsed() < MAX_AGE)
                .map(|l| l.categories.clone())
        });
        match current {
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
        // next use reads the tree again.
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Some(Loaded {
                at: Instant::now(),
                version,
                categories: categories.clone(),
            });
        }
        Ok(categories)
    }

    /// The tree with every one of `ids`: read again if the copy lacks one (a category
    /// written straight in the database since it was read).
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
    /// retirement): every instance reads the tree again at its next use after the commit.
    pub async fn changed(&self, txn: &impl ConnectionTrait) -> ApiResult<()> {
        cache_versions::Entity::update_many()
            .col_expr(
                cache_versions::Column::Version,
                Expr::col(cache_versions::Column::Version).add(1),
            )
            .filter(cache_versions::Column::Name.eq(COUNTER))
            .exec(txn)
            .await?;
        Ok(())
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
