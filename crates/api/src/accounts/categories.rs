//! The category tree, kept in memory: every ticket resource names its category, and the
//! tree changes only through migrations and the demo data, both written before the server
//! starts. Rows added straight in the database appear after [`MAX_AGE`], or at once when a
//! ticket names a category the copy lacks.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use guichet_types::Locale;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::entities::categories;
use crate::error::ApiResult;

/// How long a loaded tree is used before it is read again.
const MAX_AGE: Duration = Duration::from_secs(300);

/// The categories by id, as read at one moment.
pub struct Categories {
    by_id: HashMap<i64, categories::Model>,
}

impl Categories {
    pub fn get(&self, id: i64) -> Option<&categories::Model> {
        self.by_id.get(&id)
    }

    /// The category's name in `locale`.
    pub fn name(&self, id: i64, locale: Locale) -> Option<&str> {
        self.get(id).map(|c| match locale {
            Locale::Fr => c.name_fr.as_str(),
            Locale::En => c.name_en.as_str(),
        })
    }
}

#[derive(Default)]
pub struct CategoryCache {
    loaded: RwLock<Option<(Instant, Arc<Categories>)>>,
}

impl CategoryCache {
    /// The tree, read from the database when it was never read or is older than [`MAX_AGE`].
    pub async fn get(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Categories>> {
        let fresh = self
            .loaded
            .read()
            .ok()
            .and_then(|loaded| loaded.clone())
            .filter(|(at, _)| at.elapsed() < MAX_AGE);
        match fresh {
            Some((_, categories)) => Ok(categories),
            None => self.reload(db).await,
        }
    }

    /// The tree, read from the database now.
    pub async fn reload(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Categories>> {
        let rows = categories::Entity::find().all(db).await?;
        let categories = Arc::new(Categories {
            by_id: rows.into_iter().map(|c| (c.id, c)).collect(),
        });
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Some((Instant::now(), categories.clone()));
        }
        Ok(categories)
    }

    /// The tree with every one of `ids`: read again if the copy lacks one (a category
    /// written since it was read).
    pub async fn with(
        &self,
        db: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = i64>,
    ) -> ApiResult<Arc<Categories>> {
        let categories = self.get(db).await?;
        if ids.into_iter().all(|id| categories.get(id).is_some()) {
            Ok(categories)
        } else {
            self.reload(db).await
        }
    }
}
