use guichet_types::Locale;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_mail_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub ip: String,
    pub at: DateTimeUtc,
    pub accepted: bool,
    /// `password_reset` or `access`.
    pub purpose: String,
    pub full_name: String,
    pub service_code: String,
    pub locale: Locale,
    /// When the job acted on it; `None` while pending (or for refused requests).
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
