//! The OpenAPI document's frame; the paths come from the route table in `app.rs`.
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guichet API",
        description = "The customer support portal's REST API. Authenticate with `POST /api/v1/auth/login` \
            and send the access token as `Authorization: Bearer …`. Errors are RFC 9457 problem+json \
            documents with a stable `code`; validation errors list every invalid member in `errors`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign-in and tokens"),
        (name = "profile", description = "The caller's own account"),
        (name = "reference", description = "Categories and assets"),
        (name = "announcements", description = "News of the support team on the landing page"),
        (name = "tickets", description = "Opening, following and searching tickets"),
        (name = "mail", description = "Reply by email: the mail gateway's entry and the rejected mails"),
        (name = "operations", description = "Health checks"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "gateway",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The mail gateway's token, GUICHET_INBOUND_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// The answer to a call without a valid access token, shared by every signed-in endpoint.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 401,
    description = "Not signed in",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct NotSignedIn(guichet_types::Problem);
