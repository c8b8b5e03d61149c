//! A company's equipment and software ("Mes matériels"), as customers pick it on a ticket and
//! admins manage it, one by one or imported from a CSV file.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{AssetId, CompanyId};

/// A piece of equipment or software of a company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    pub id: AssetId,
    pub name: String,
    /// Inventory or serial number, if known.
    pub reference: String,
    #[serde(default)]
    pub company_id: CompanyId,
    /// What it is: `PC`, `imprimante`, `logiciel`… (free text).
    #[serde(default)]
    pub kind: String,
    /// Where it is: a site, a floor, an office.
    #[serde(default)]
    pub location: String,
    /// A retired asset is no longer offered on new tickets; tickets keep it.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `POST /assets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"company_id": 1, "name": "Copieur du 1er", "reference": "COP-E1-01", "kind": "imprimante", "location": "1er étage"})))]
pub struct NewAsset {
    pub company_id: CompanyId,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub reference: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    pub location: Option<String>,
    /// Left out: active.
    pub active: Option<bool>,
}

/// `PATCH /assets/{id}`: the members given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"location": "Entrepôt", "active": false})))]
pub struct AssetUpdate {
    /// Moves the asset to another company.
    pub company_id: Option<CompanyId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub reference: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    pub location: Option<String>,
    pub active: Option<bool>,
}

/// What a CSV import added: every row, or (422) nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetImport {
    /// How many assets were added.
    pub created: u32,
    pub items: Vec<Asset>,
}

/// The columns of an asset import, in this order after a header row.
pub const ASSET_IMPORT_COLUMNS: [&str; 4] = ["name", "reference", "kind", "location"];
/// The most rows one import takes.
pub const ASSET_IMPORT_MAX_ROWS: usize = 5000;
