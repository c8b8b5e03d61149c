//! Extractors for signed-in callers. An absent, invalid, expired or revoked token is a 401,
//! never an anonymous call.
use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use guichet_types::policy::{scopes, Needs, Viewer};
use guichet_types::{
    CompanyId, Locale, Permission, Role, TokenScope, UserId, UserRef, TOKEN_PREFIX,
};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A caller with a valid session, whether or not they must still change their password.
/// Only the password-change endpoint takes this; everything else takes [`AuthUser`].
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: UserId,
    pub session_id: i64,
    pub role: Role,
    pub company_id: Option<CompanyId>,
    pub email: String,
    pub name: String,
    pub locale: Locale,
    pub must_change_password: bool,
    /// The client address of the request (the audit log's `actor_address`); empty for mail.
    pub address: String,
    /// Signed in with an API token rather than a session: the token and its scopes.
    pub token: Option<TokenGrant>,
    /// An agent acting as this customer in an assisted session (support access): who, and
    /// under which access. Every write knows it (the timeline's `assisted_by`, the audit).
    pub assisted: Option<Assistance>,
}

/// The agent behind an assisted session, and what the session is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assistance {
    pub session_id: i64,
    pub access_id: i64,
    /// The ticket of the access: the only one the session sees.
    pub ticket_id: i64,
    pub agent: UserRef,
}

/// The API token a caller signed in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: i64,
    pub scopes: Vec<TokenScope>,
}

impl TokenGrant {
    /// Whether the token may call `method` on `route` (the route's template), by the
    /// shared table of `guichet_types::policy::scopes`; a route it does not know is kept
    /// for sessions.
    pub fn allows(&self, method: &str, route: &str) -> ApiResult<()> {
        match scopes::needed(method, route).unwrap_or(Needs::Session) {
            Needs::AnyToken => Ok(()),
            Needs::Scope(scope) if self.scopes.contains(&scope) => Ok(()),
            Needs::Scope(scope) => Err(ApiError::InsufficientScope(Some(scope))),
            Needs::Session => Err(ApiError::InsufficientScope(None)),
        }
    }
}

impl SessionUser {
    /// `user` acting in session `session_id`; mail from a user acts in no session (0).
    pub fn of_account(user: users::Model, session_id: i64) -> ApiResult<Self> {
        Ok(SessionUser {
            id: user.id,
            session_id,
            role: user.role,
            company_id: user.company_id,
            name: display_name(&user),
            locale: user.locale,
            must_change_password: user.must_change_password,
            email: user.email,
            address: String::new(),
            token: None,
            assisted: None,
        })
    }

    /// The caller as the shared policy sees them (`guichet_types::policy`).
    pub fn viewer(&self) -> Viewer {
        Viewer {
            id: self.id,
            role: self.role,
            company: self.company_id,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }

    /// The one guard of a whole operation: a 403 naming the permission the caller lacks.
    pub fn require(&self, permission: Permission) -> ApiResult<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs the permission {permission}"
            )))
        }
    }
}

/// A signed-in caller who may use the API (their password is not due for a change).
#[derive(Debug, Clone)]
pub struct AuthUser(pub SessionUser);

impl std::ops::Deref for AuthUser {
    type Target = SessionUser;

    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

pub fn display_name(user: &users::Model) -> String {
    person_name(&user.first_name, &user.last_name, &user.email)
}

/// [`display_name`] from the three columns it reads.
pub fn person_name(first_name: &str, last_name: &str, email: &str) -> String {
    let name = format!("{first_name} {last_name}");
    let name = name.trim();
    if name.is_empty() {
        email.to_owned()
    } else {
        name.to_owned()
    }
}

async fn authenticate(req: HttpRequest) -> ApiResult<SessionUser> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("state missing"))?;
    // Only ever from the header: a token in a URL would end up in logs and histories.
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ApiError::Unauthenticated)?;
    let address = crate::operations::client_address::client_address(&req);
    // An API token, or an assisted session's token: recognised, and what it may call
    // checked, by `tokens::guard` or `support_access::guard` before the request was read.
    let checked = req.extensions().get::<SessionUser>().cloned();
    if let Some(caller) = checked {
        return Ok(caller);
    }
    if bearer.starts_with(TOKEN_PREFIX) {
        return req
            .extensions()
            .get::<SessionUser>()
            .cloned()
            .ok_or(ApiError::Unauthenticated);
    }
    let claims = state
        .tokens
        .verify_access(bearer)
        .ok_or(ApiError::Unauthenticated)?;
    let user_id = UserId(claims.sub.parse().map_err(|_| ApiError::Unauthenticated)?);
    // The user, if the token's session is still live: one query, of the columns a caller needs
    // (it runs on every request; the password hash and the profile stay in the database).
    let live_session = Query::select()
        .column(sessions::Column::UserId)
        .from(sessions::Entity)
        .and_where(sessions::Column::Id.eq(claims.sid))
        .and_where(sessions::Column::RevokedAt.is_null())
        .to_owned();
    let caller: Option<CallerColumns> = users::Entity::find_by_id(user_id)
        .filter(users::Column::Id.in_subquery(live_session))
        .select_only()
        .columns(CALLER_COLUMNS)
        .into_tuple()
        .one(&state.db)
        .await?;
    let caller = caller.ok_or(ApiError::Unauthenticated)?;
    Ok(SessionUser::of_columns(caller, claims.sid, address, None))
}

/// The columns of `users` a caller is made of, in the order of [`CallerColumns`].
pub const CALLER_COLUMNS: [users::Column; 8] = [
    users::Column::Id,
    users::Column::Role,
    users::Column::CompanyId,
    users::Column::Email,
    users::Column::FirstName,
    users::Column::LastName,
    users::Column::Locale,
    users::Column::MustChangePassword,
];

impl SessionUser {
    /// The caller read as [`CALLER_COLUMNS`], in session `session_id` (0 for a token).
    pub fn of_columns(
        (id, role, company_id, email, first_name, last_name, locale, must_change_password): CallerColumns,
        session_id: i64,
        address: String,
        token: Option<TokenGrant>,
    ) -> Self {
        SessionUser {
            id,
            session_id,
            role,
            company_id,
            name: person_name(&first_name, &last_name, &email),
            locale,
            must_change_password,
            email,
            address,
            token,
            assisted: None,
        }
    }
}

/// id, role, company, email, first and last name, locale, must change password.
pub type CallerColumns = (
    UserId,
    Role,
    Option<CompanyId>,
    String,
    String,
    String,
    Locale,
    bool,
);

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            if user.must_change_password {
                return Err(ApiError::PasswordChangeRequired);
            }
            Ok(AuthUser(user))
        })
    }
}

/// A caller who may or may not be signed in, for what readers without an account may read
/// (public articles): no `Authorization` header is an anonymous caller, but a header with an
/// invalid, expired or revoked token is still a 401, never a silent fall back to anonymous.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<SessionUser>);

impl OptionalUser {
    pub fn user(&self) -> Option<&SessionUser> {
        self.0.as_ref()
    }
}

impl FromRequest for OptionalUser {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return Box::pin(async { Ok(OptionalUser(None)) });
        }
        let signed_in = AuthUser::from_request(req, payload);
        Box::pin(async move { Ok(OptionalUser(Some(signed_in.await?.0))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> SessionUser {
        SessionUser {
            id: UserId(1),
            session_id: 1,
            role,
            company_id: None,
            email: "someone@example.test".to_owned(),
            name: "Someone".to_owned(),
            locale: Locale::Fr,
            must_change_password: false,
            address: String::new(),
            token: None,
            assisted: None,
        }
    }

    #[test]
    fn a_missing_permission_is_a_403_naming_it() {
        let refused = |role, permission| {
            caller(role)
                .require(permission)
                .err()
                .map(|e| e.problem())
                .map(|p| (p.status, p.detail))
        };
        assert_eq!(
            refused(Role::Referent, Permission::TicketsWork),
            Some((
                403,
                Some("this needs the permission tickets.work".to_owned())
            ))
        );
        assert_eq!(
            refused(Role::Agent, Permission::Admin),
            Some((403, Some("this needs the permission admin".to_owned())))
        );
        assert_eq!(refused(Role::Agent, Permission::TicketsWork), None);
        assert_eq!(refused(Role::Admin, Permission::Admin), None);
    }
}
