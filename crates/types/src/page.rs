//! Lists: one page shape for every list of the API, and one rule for its `limit`.
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;

/// How many items a page holds when the request does not say.
pub const LIST_LIMIT_DEFAULT: u64 = 25;
/// The most items a page holds; a larger `limit` is refused (422), never silently cut.
pub const LIST_LIMIT_MAX: u64 = 100;

/// One page of a list, in the list's order. Lists are keyset-paginated: `next_cursor` is
/// opaque, and passing it back as `cursor` gives the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The page size a request asks for (`limit`, as given), checked by the one rule of every
/// list: 1 to [`LIST_LIMIT_MAX`], [`LIST_LIMIT_DEFAULT`] when absent.
pub fn page_limit(limit: Option<&str>) -> Result<u64, FieldError> {
    let Some(raw) = limit else {
        return Ok(LIST_LIMIT_DEFAULT);
    };
    match raw.trim().parse::<u64>() {
        Ok(n @ 1..=LIST_LIMIT_MAX) => Ok(n),
        _ => Err(FieldError::new(
            "limit",
            "out_of_range",
            format!("expected a whole number from 1 to {LIST_LIMIT_MAX}"),
        )),
    }
}

/// Each list's page in the OpenAPI document is named after its items (`TicketPage`,
/// `RejectedMailPage`), with the items' schema referenced.
#[cfg(feature = "openapi")]
mod openapi {
    use std::borrow::Cow;

    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::Page;

    impl<T: ToSchema> PartialSchema for Page<T> {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .description(Some(
                    "One page of a list, in the list's order; `next_cursor` continues it.",
                ))
                .property(
                    "items",
                    ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
                )
                .required("items")
                .property(
                    "next_cursor",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                        .description(Some(
                            "Pass as `cursor` to get the next page; `null` on the last page.",
                        )),
                )
                .into()
        }
    }

    impl<T: ToSchema> ToSchema for Page<T> {
        fn name() -> Cow<'static, str> {
            Cow::Owned(format!("{}Page", T::name()))
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((T::name().into_owned(), T::schema()));
            T::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_one_to_a_hundred_and_defaults_to_25() {
        assert_eq!(page_limit(None), Ok(25));
        assert_eq!(page_limit(Some("1")), Ok(1));
        assert_eq!(page_limit(Some(" 100 ")), Ok(100));
        for refused in ["0", "101", "-1", "9223372036854775808", "ten", ""] {
            let error = page_limit(Some(refused)).expect_err(refused);
            assert_eq!(
                (error.field.as_str(), error.code.as_str()),
                ("limit", "out_of_range")
            );
        }
    }
}
