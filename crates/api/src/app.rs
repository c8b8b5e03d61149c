//! The one route table, and the middleware around it.
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{body::MessageBody, middleware, web, App, Error, HttpResponse};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::operations::{self, request_id};
use crate::state::AppState;
use crate::{
    accounts, announcements, articles, assets, attachments, audit, auth, categories, companies,
    contracts, db_work, exports, feed, inbound, jobs, people, provider, rate_limit, support_access,
    tickets, tokens, web as site, webhooks,
};

/// Every route of the API, each documented by its handler's `#[utoipa::path]`.
fn routes<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.service(site::healthz)
        .service(site::readyz)
        .service(operations::routes::metrics)
        .service(articles::routes::sitemap)
        .service(
            scope::scope("/api/v1")
                .service(auth::routes::login)
                .service(auth::routes::refresh)
                .service(auth::routes::logout)
                .service(auth::routes::change_password)
                .service(auth::recovery_routes::request_password_reset)
                .service(auth::recovery_routes::inspect_password_link)
                .service(auth::recovery_routes::confirm_password_reset)
                .service(auth::recovery_routes::request_access)
                .service(tickets::routes::request_account_recovery)
                .service(accounts::routes::me)
                .service(accounts::routes::update_me)
                .service(categories::routes::list)
                .service(categories::routes::create)
                .service(categories::routes::update)
                .service(assets::routes::list)
                .service(assets::routes::create)
                .service(assets::routes::update)
                .service(assets::routes::import)
                .service(accounts::routes::staff)
                .service(announcements::routes::list)
                .service(announcements::routes::create)
                .service(announcements::routes::replace)
                .service(announcements::routes::remove)
                .service(tickets::routes::create)
                .service(tickets::routes::list)
                .service(tickets::routes::get)
                .service(tickets::routes::timeline)
                .service(feed::routes::list)
                .service(exports::routes::tickets)
                .service(attachments::routes::upload)
                .service(attachments::routes::list)
                .service(attachments::routes::download)
                .service(tickets::routes::add_followup)
                .service(tickets::routes::update)
                .service(tickets::routes::propose_solution)
                .service(tickets::routes::approve_solution)
                .service(tickets::routes::reject_solution)
                .service(tickets::routes::withdraw)
                .service(tickets::routes::reopen)
                .service(tickets::routes::share)
                .service(tickets::routes::unshare)
                .service(tickets::routes::rate)
                .service(support_access::routes::list_for_ticket)
                .service(support_access::routes::request)
                .service(support_access::routes::list_mine)
                .service(support_access::routes::grant)
                .service(support_access::routes::revoke)
                .service(support_access::routes::start_session)
                .service(support_access::routes::end_session)
                .service(inbound::routes::receive)
                .service(inbound::routes::list_rejected)
                .service(inbound::routes::rejected_raw)
                .service(audit::routes::list_events)
                .service(jobs::routes::list)
                .service(jobs::routes::retry)
                .service(companies::routes::list)
                .service(companies::routes::create)
                .service(companies::routes::get)
                .service(companies::routes::update)
                .service(companies::routes::list_contacts)
                .service(companies::routes::create_contact)
                .service(companies::routes::update_contact)
                .service(companies::routes::delete_contact)
                .service(contracts::routes::list)
                .service(contracts::routes::create)
                .service(contracts::routes::update)
                .service(people::routes::list)
                .service(people::routes::create)
                .service(people::routes::get)
                .service(people::routes::update)
                .service(people::routes::send_invitation)
                .service(people::routes::send_password_reset)
                .service(people::routes::lift_lockout)
                .service(people::routes::list_access_requests)
                .service(people::routes::create_account)
                .service(tokens::routes::list_mine)
                .service(tokens::routes::create_mine)
                .service(tokens::routes::revoke_mine)
                .service(tokens::routes::list_accounts)
                .service(tokens::routes::create_account)
                .service(tokens::routes::get_account)
                .service(tokens::routes::update_account)
                .service(tokens::routes::list_account_tokens)
                .service(tokens::routes::create_account_token)
                .service(tokens::routes::revoke_account_token)
                .service(webhooks::routes::list)
                .service(webhooks::routes::create)
                .service(webhooks::routes::get)
                .service(webhooks::routes::update)
                .service(webhooks::routes::remove)
                .service(webhooks::routes::rotate_secret)
                .service(webhooks::routes::deliveries)
                .service(webhooks::routes::redeliver)
                .service(webhooks::routes::test)
                .service(articles::routes::list)
                // Before `/articles/{slug}`, which would take `suggestions` for a slug.
                .service(articles::routes::suggestions)
                .service(articles::routes::preview)
                .service(articles::routes::create)
                .service(articles::routes::get)
                .service(articles::routes::update)
                .service(articles::routes::remove)
                .service(articles::routes::revisions)
                .service(articles::routes::vote)
                .service(articles::routes::feedback_list)
                .service(articles::routes::avoided_ticket)
                .service(articles::routes::upload_image)
                .service(articles::routes::download_image)
                .service(provider::routes::get)
                .service(provider::routes::put),
        )
}

/// The OpenAPI document, built from the route table (`guichet openapi` prints it).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut openapi = routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi()))
        .split_for_parts()
        .1;
    crate::openapi::complete(&mut openapi);
    openapi
}

/// One worker's application: routes, API docs, SPA, middleware; `rate_limits` is shared by
/// every worker of the instance.
pub fn build(
    state: web::Data<AppState>,
    rate_limits: web::Data<rate_limit::RateLimits>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let query_errors = web::QueryConfig::default().error_handler(|error, _| {
        ApiError::field("query", "invalid_type", &error.to_string()).into()
    });
    // A path segment of the wrong shape (a malformed ticket number, an id that is not a
    // number) names nothing that exists: 404, as for a missing ticket.
    let path_errors = web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into());
    let (app, mut openapi) =
        routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    crate::openapi::complete(&mut openapi);
    app.app_data(state)
        .app_data(rate_limits)
        .app_data(query_errors)
        .app_data(path_errors)
        // Only `POST /inbound-email` reads a whole raw body; JSON has its own limit.
        .app_data(inbound::routes::raw_mail_limit())
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi))
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::MovedPermanently()
                    .insert_header(("Location", "/api/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(site::fallback))
        .wrap(middleware::from_fn(tokens::guard::check))
        .wrap(middleware::from_fn(support_access::guard::check))
        .wrap(middleware::from_fn(rate_limit::enforce))
        .wrap(middleware::from_fn(db_work::report))
        .wrap(middleware::from_fn(site::security_headers))
        .wrap(middleware::Compress::default())
        .wrap(tracing_actix_web::TracingLogger::<request_id::RequestSpan>::new())
        .wrap(middleware::from_fn(operations::routes::observe))
        .wrap(middleware::from_fn(request_id::assign))
}
