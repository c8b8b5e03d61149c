//! The lost-account form: tickets opened without signing in still need a company, a
//! requester and a category. This migration writes those three rows into every database,
//! fresh production ones and demo ones alike (the demo seed runs after migrations):
//!
//! - the intake company [`INTAKE_COMPANY`], whose service code is empty: access requests
//!   look companies up by a code of exactly 4 digits, so they can never reach it, and the
//!   unique constraint keeps it the only company without a code;
//! - its system account [`INTAKE_EMAIL`] (reserved `.invalid` domain, role customer), whose
//!   password hash `!` is no hash at all: no password ever opens it, and no link recovers it;
//! - the root request category [`INTAKE_CATEGORY`], placed after the usual top categories.
//!
//! Migration 000013 keys them `lost_account_intake`; the server finds them by that key, so
//! these markers may change.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const INTAKE_COMPANY: &str = "Demandes sans compte";
/// The marker of the intake company: no real company has an empty code.
pub const INTAKE_SERVICE_CODE: &str = "";
pub const INTAKE_EMAIL: &str = "intake@guichet.invalid";
/// The marker of the intake category: its French name, at the root.
pub const INTAKE_CATEGORY: &str = "Accès au support";
const INTAKE_CATEGORY_EN: &str = "Access to support";
/// Not a PHC string: every verification fails (`auth::password::LOCKED_HASH`).
const LOCKED_PASSWORD_HASH: &str = "!";

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Name,
    ServiceCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    CompanyId,
    Role,
    Email,
    PasswordHash,
    MustChangePassword,
    FirstName,
    LastName,
    Locale,
    ShowLandingPage,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    ParentId,
    Kind,
    NameFr,
    NameEn,
    Position,
}

fn intake_company() -> SimpleExpr {
    Expr::col(Companies::ServiceCode).eq(INTAKE_SERVICE_CODE)
}

fn intake_category() -> SimpleExpr {
    Expr::col(Categories::NameFr)
        .eq(INTAKE_CATEGORY)
        .and(Expr::col(Categories::ParentId).is_null())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Companies::Table)
                    .columns([
                        Companies::Name,
                        Companies::ServiceCode,
                        Companies::CreatedAt,
                    ])
                    .values_panic([
                        INTAKE_COMPANY.into(),
                        INTAKE_SERVICE_CODE.into(),
                        Expr::current_timestamp().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        // The account's company id comes from the row just written.
        let account = Query::select()
            .column(Companies::Id)
            .exprs([
                Expr::val("customer"),
                Expr::val(INTAKE_EMAIL),
                Expr::val(LOCKED_PASSWORD_HASH),
                Expr::val(false),
                Expr::val("Formulaire"),
                Expr::val("compte perdu"),
                Expr::val("fr"),
                Expr::val(false),
            ])
            .expr(Expr::current_timestamp())
            .expr(Expr::current_timestamp())
            .from(Companies::Table)
            .and_where(intake_company())
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Users::Table)
                    .columns([
                        Users::CompanyId,
                        Users::Role,
                        Users::Email,
                        Users::PasswordHash,
                        Users::MustChangePassword,
                        Users::FirstName,
                        Users::LastName,
                        Users::Locale,
                        Users::ShowLandingPage,
                        Users::CreatedAt,
                        Users::UpdatedAt,
                    ])
                    .select_from(account)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Categories::Table)
                    .columns([
                        Categories::ParentId,
                        Categories::Kind,
                        Categories::NameFr,
                        Categories::NameEn,
                        Categories::Position,
                    ])
                    .values_panic([
                        Option::<i64>::None.into(),
                        "request".into(),
                        INTAKE_CATEGORY.into(),
                        INTAKE_CATEGORY_EN.into(),
                        100.into(),
                    ])
                    .to_owned(),
            )
            .await
    }

    /// Refused by the foreign keys once tickets use these rows: they are not thrown away.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Categories::Table)
                    .cond_where(intake_category())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Users::Table)
                    .and_where(Expr::col(Users::Email).eq(INTAKE_EMAIL))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Companies::Table)
                    .cond_where(intake_company())
                    .to_owned(),
            )
            .await
    }
}
