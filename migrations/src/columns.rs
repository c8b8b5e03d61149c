//! Column shapes the migrations share.
use sea_orm_migration::prelude::*;

/// A 64-bit auto-increment primary key.
pub fn id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A text that is empty rather than absent.
pub fn text(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .string()
        .not_null()
        .default("")
        .to_owned()
}

pub fn time(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn optional_time(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}
