//! The OpenAPI document's frame; the paths come from the route table in `app.rs`.
use guichet_types::policy::{scopes, Needs};
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, Object, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder, Schema};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guichet API",
        description = "The customer support portal's REST API. Authenticate with `POST /api/v1/auth/login` \
            and send the access token as `Authorization: Bearer …`, or make an API token (`gch_…`, \
            `POST /api/v1/me/tokens`) for an integration: each operation names the token scope it needs. Errors are RFC 9457 problem+json \
            documents with a stable `code`; validation errors list every invalid member in `errors`.",
        license(name = "AGPL-3.0-or-later"),
    ),
    // The ticket list's query parameters: its route takes the query string as a map.
    // The webhooks' body, which no operation answers: what endpoints receive.
    components(schemas(guichet_types::Scope, guichet_types::TicketSort, guichet_types::WebhookPayload)),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Sign-in and tokens"),
        (name = "profile", description = "The caller's own account"),
        (name = "reference", description = "Categories and assets"),
        (name = "announcements", description = "News of the support team on the landing page"),
        (name = "tickets", description = "Opening, following and searching tickets"),
        (name = "mail", description = "Reply by email: the mail gateway's entry and the rejected mails"),
        (name = "administration", description = "What the provider manages: companies, people, contracts, categories, assets, the audit log"),
        (name = "integrations", description = "API tokens and service accounts for integrations"),
        (name = "support access", description = "Consented support access: an agent asks, the customer grants until a time or refuses, the agent works in assisted sessions (a bearer token acting as the customer on that ticket, RFC 8693 `act`), every call audited"),
        (name = "webhooks", description = "Endpoints that receive the events of tickets, signed as Standard Webhooks says (the body is `WebhookPayload`), and their deliveries"),
        (name = "knowledge base", description = "The help centre: articles customers read before opening a ticket (public ones without signing in), their votes, and the provider's page (\"Votre prestataire\")"),
        (name = "operations", description = "Health checks and metrics"),
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
                    .description(Some(
                        "A session's access token (`POST /api/v1/auth/login`), or an assisted \
                         session's token (`POST /api/v1/support-access/{id}/sessions`): the \
                         customer as subject, the agent as actor (RFC 8693 `act`). An assisted \
                         token reaches the access's ticket and what its page reads only; \
                         anything else is 403 `assisted_session_forbidden`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("gch_")
                    .description(Some(
                        "An API token (`gch_…`, from `POST /api/v1/me/tokens` or a service \
                         account's). Each operation names the scope it needs; a token without \
                         it gets 403 `insufficient_scope`.",
                    ))
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
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The metrics scraper's token, GUICHET_METRICS_TOKEN"))
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

/// The answer about a ticket the caller may not see, the same as about one that does not
/// exist, shared by every operation on a ticket.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 404,
    description = "No such ticket, or not visible to the caller",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct TicketNotFound(guichet_types::Problem);

/// The refusal of a file the attachment store has no room for (or cannot write), shared by
/// the operations that store files.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 507,
    description = "The file store is full or cannot be written (`storage_full`); nothing is stored, reads go on",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct StorageFull(guichet_types::Problem);

/// The answer when the attachment store does not answer, shared by the operations on files.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 503,
    description = "The file store is unavailable (`storage_unavailable`); nothing is stored; retry after `Retry-After` seconds",
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait"))
)]
#[allow(dead_code)]
pub struct StorageUnavailable(guichet_types::Problem);

/// The refusal of any signed-in operation while the caller's password must be changed.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "The password must be changed first (`password_change_required`)",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct PasswordChangeRequired(guichet_types::Problem);

/// The refusal of the support team's operations to anyone else.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "Support team only; or the password must be changed first",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct SupportTeamOnly(guichet_types::Problem);

/// The refusal of the administrators' operations to anyone else.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "Administrators only; or the password must be changed first",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct AdminsOnly(guichet_types::Problem);

/// The problem answers every operation can give by its traits, added to the collected routes
/// (the `modifiers` of `ApiDoc` run before the route table adds its paths):
/// a JSON body → 400 (unparsable), 413 (over 256 KB), 415 (not sent as JSON), 422 (invalid
/// members); a bearer → 401; query parameters → 422 (wrong type or out of range); any API
/// operation → 429 (rate limits) and 503 (database unavailable). An answer an
/// operation documents itself keeps its own, more precise, description.
struct SharedProblems;

const PROBLEM_JSON: &str = "application/problem+json";

/// The shared answers: (status, component name, description).
const MALFORMED_JSON: (&str, &str, &str) = ("400", "MalformedJson", "Unparsable JSON");
const NOT_SIGNED_IN: (&str, &str, &str) = (
    "401",
    "NotSignedIn",
    "Not signed in: no access token, or an expired or revoked one",
);
const INSUFFICIENT_SCOPE: (&str, &str, &str) = (
    "403",
    "InsufficientScope",
    "The API token lacks the scope the operation names (`insufficient_scope`)",
);
const BODY_TOO_LARGE: (&str, &str, &str) = ("413", "BodyTooLarge", "Body over 256 KB");
const NOT_JSON: (&str, &str, &str) = (
    "415",
    "NotJson",
    "The body was not sent as `application/json`",
);
const INVALID_INPUT: (&str, &str, &str) = (
    "422",
    "InvalidInput",
    "Invalid members or parameters, each named in `errors`",
);
const RATE_LIMITED: (&str, &str, &str) = (
    "429",
    "RateLimited",
    "Over a rate limit of the API, per credential or per client address (`rate_limited`); \
     nothing was done. Retry after `Retry-After` seconds",
);

const DATABASE_UNAVAILABLE: (&str, &str, &str) = (
    "503",
    "DatabaseUnavailable",
    "The database is unreachable or busy past a short wait (`database_unavailable`); \
     nothing was done. Retry after `Retry-After` seconds",
);

/// The headers of the rate limits, on every answer of the API: (name, description).
const RATE_LIMIT_HEADERS: [(&str, &str); 2] = [
    (
        "RateLimit-Policy",
        "The limits that apply to the request, e.g. `\"credential\";q=1200;w=60, \
         \"address\";q=3000;w=60`: `q` requests per `w` seconds",
    ),
    (
        "RateLimit",
        "What is left of each, e.g. `\"credential\";r=1187;t=13`: `r` requests now, `t` \
         seconds until the whole quota is back",
    ),
];

fn rate_limit_headers() -> impl Iterator<Item = (String, Header)> {
    RATE_LIMIT_HEADERS.into_iter().map(|(name, description)| {
        (
            name.to_owned(),
            HeaderBuilder::new()
                .schema(Object::with_type(Type::String))
                .description(Some(description))
                .build(),
        )
    })
}

impl Modify for SharedProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let retry_later = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    Content::new(Some(Ref::from_schema_name("Problem"))),
                )
                .header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Object::with_type(Type::Integer))
                        .description(Some("Seconds to wait"))
                        .build(),
                )
        };
        let mut rate_limited = retry_later(RATE_LIMITED.2);
        for (name, header) in rate_limit_headers() {
            rate_limited = rate_limited.header(name, header);
        }
        components
            .responses
            .insert(RATE_LIMITED.1.to_owned(), rate_limited.build().into());
        components.responses.insert(
            DATABASE_UNAVAILABLE.1.to_owned(),
            retry_later(DATABASE_UNAVAILABLE.2).build().into(),
        );
        for (_, name, description) in [
            MALFORMED_JSON,
            NOT_SIGNED_IN,
            INSUFFICIENT_SCOPE,
            BODY_TOO_LARGE,
            NOT_JSON,
            INVALID_INPUT,
        ] {
            components.responses.insert(
                name.to_owned(),
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM_JSON,
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    )
                    .build()
                    .into(),
            );
        }
        let mut closed_bodies = Vec::new();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = path.starts_with("/api/");
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_shared_problems(operation, limited);
                closed_bodies.extend(json_body_schema(operation));
            }
        }
        // `ValidJson` refuses members a body does not define (`unknown_field`).
        if let Some(components) = openapi.components.as_mut() {
            for name in closed_bodies {
                if let Some(RefOr::T(Schema::Object(body))) = components.schemas.get_mut(&name) {
                    body.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
            }
        }
    }
}

/// The component name of an operation's JSON body.
fn json_body_schema(operation: &Operation) -> Option<String> {
    let body = operation
        .request_body
        .as_ref()?
        .content
        .get("application/json")?;
    match body.schema.as_ref()? {
        RefOr::Ref(reference) => reference
            .ref_location
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        RefOr::T(_) => None,
    }
}

/// The shared answers of `operation`; with `limited` (an operation of the API), the 429 of the
/// rate limits and their headers on each answer the operation describes itself, and the 503 of
/// an unreachable database.
fn add_shared_problems(operation: &mut Operation, limited: bool) {
    let has_json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/json"));
    let needs_bearer = needs_bearer(operation);
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|parameter| matches!(parameter.parameter_in, ParameterIn::Query));
    let mut shared = Vec::new();
    if has_json_body {
        shared.extend([MALFORMED_JSON, BODY_TOO_LARGE, NOT_JSON, INVALID_INPUT]);
    }
    if needs_bearer {
        shared.push(NOT_SIGNED_IN);
    }
    if has_query {
        shared.push(INVALID_INPUT);
    }
    if limited {
        shared.extend([RATE_LIMITED, DATABASE_UNAVAILABLE]);
        for response in operation.responses.responses.values_mut() {
            if let RefOr::T(response) = response {
                response.headers.extend(rate_limit_headers());
            }
        }
    }
    for (status, name, _) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| Ref::from_response_name(name).into());
    }
}

/// Each signed-in operation accepts the access JWT and, unless it is kept for sessions, an
/// API token with the scope the shared table (`guichet_types::policy::scopes`) gives it: the
/// same table the server enforces.
struct TokenScopes;

impl Modify for TokenScopes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in [
                ("GET", &mut item.get),
                ("PUT", &mut item.put),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
            ] {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                if !needs_bearer(operation) {
                    continue;
                }
                let needs = scopes::needed(method, path).unwrap_or(Needs::Session);
                // An operation open to anonymous callers keeps its empty requirement.
                let mut accepted: Vec<SecurityRequirement> = operation
                    .security
                    .iter()
                    .flatten()
                    .filter(|requirement| is_anonymous(requirement))
                    .take(1)
                    .cloned()
                    .collect();
                accepted.push(SecurityRequirement::new("bearer", Vec::<String>::new()));
                let note = match needs {
                    Needs::Session => {
                        "API tokens: not accepted; sign in with a password.".to_owned()
                    }
                    Needs::AnyToken => {
                        accepted.push(SecurityRequirement::new("api_token", Vec::<String>::new()));
                        "API tokens: any scope.".to_owned()
                    }
                    Needs::Scope(scope) => {
                        accepted.push(SecurityRequirement::new("api_token", [scope.as_str()]));
                        format!("API tokens: scope `{scope}`.")
                    }
                };
                operation.security = Some(accepted);
                let description = operation.description.take().unwrap_or_default();
                operation.description = Some(if description.is_empty() {
                    note
                } else {
                    format!("{description}\n\n{note}")
                });
                operation
                    .responses
                    .responses
                    .entry("403".to_owned())
                    .or_insert_with(|| Ref::from_response_name(INSUFFICIENT_SCOPE.1).into());
            }
        }
    }
}

/// The empty requirement `{}`: no credentials at all.
fn is_anonymous(requirement: &SecurityRequirement) -> bool {
    serde_json::to_value(requirement)
        .is_ok_and(|value| value.as_object().is_some_and(|members| members.is_empty()))
}

fn needs_bearer(operation: &Operation) -> bool {
    operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement).is_ok_and(|value| value.get("bearer").is_some())
    })
}

/// A download is served with a type from a list by extension: the document lists each one,
/// with the schema the handler documents for its bytes.
struct DownloadTypes;

impl Modify for DownloadTypes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(RefOr::T(served)) = openapi
            .paths
            .paths
            .get_mut("/api/v1/attachments/{id}")
            .and_then(|item| item.get.as_mut())
            .and_then(|operation| operation.responses.responses.get_mut("200"))
        else {
            return;
        };
        let Some(bytes) = served.content.values().next().cloned() else {
            return;
        };
        served.content = crate::attachments::service::served_content_types()
            .map(|content_type| (content_type.to_owned(), bytes.clone()))
            .collect();
    }
}

/// What the `#[utoipa::path]` of each route cannot say alone; applied once the route table
/// has added its paths.
pub fn complete(openapi: &mut utoipa::openapi::OpenApi) {
    TokenScopes.modify(openapi);
    SharedProblems.modify(openapi);
    DownloadTypes.modify(openapi);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signed_in_operation_has_a_rule_in_the_scope_table() {
        let openapi = crate::app::openapi();
        let mut unknown = Vec::new();
        for (path, item) in &openapi.paths.paths {
            for (method, operation) in [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ] {
                if operation.as_ref().is_some_and(needs_bearer)
                    && scopes::needed(method, path).is_none()
                {
                    unknown.push(format!("{method} {path}"));
                }
            }
        }
        assert_eq!(unknown, Vec::<String>::new());
    }
}
