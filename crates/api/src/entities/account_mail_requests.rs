use guichet_types::{Locale, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
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
    /// An access request the job could not grant (no company has the code, or it does not
    /// know the address): kept and listed for the support team.
    pub refused: bool,
    /// The account the support team made from a refused request.
    pub account_id: Option<UserId>,
    pub handled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
