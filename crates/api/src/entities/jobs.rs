use sea_orm::entity::prelude::*;

pub use crate::jobs::kind::{JobKind, JobState};

/// The job queue. A done job is deleted; a dead one stays.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: JobKind,
    /// JSON, read by the kind's handler.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub state: JobState,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    /// The worker holding the lease.
    pub leased_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    /// The `X-Request-Id` of the request that queued it, if one did.
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
