//! Who sees which ticket, written once: the sets a caller may see ([`visible_to`], the same
//! sets a list shows as [`Reach`]), and "the ticket this request names, if this caller may
//! see it" ([`visible`], [`find_visible`]). A ticket the caller may not see answers exactly
//! as one that does not exist: 404. An assisted session sees its access's ticket alone.
use guichet_types::{CompanyId, Permission, TicketNumber, UserId};
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::SessionUser;
use crate::entities::{ticket_watchers, tickets};
use crate::error::{ApiError, ApiResult};

/// How a request names a ticket: by the number in its path, or by the id of something that
/// belongs to it (an attachment).
#[derive(Debug, Clone, Copy)]
pub enum TicketKey<'a> {
    Number(&'a TicketNumber),
    Id(i64),
}

impl<'a> From<&'a TicketNumber> for TicketKey<'a> {
    fn from(number: &'a TicketNumber) -> Self {
        Self::Number(number)
    }
}

/// Whether a write locks the ticket's row until it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    No,
    /// `FOR UPDATE` on PostgreSQL; SQLite's writers are serialised by the write gate already.
    ForUpdate,
}

/// The condition selecting the ticket `key` names, if `user` may see it.
pub fn visible(user: &SessionUser, key: TicketKey<'_>, backend: DbBackend) -> Condition {
    let which = match key {
        TicketKey::Number(number) => tickets::Column::Number.eq(number.as_str()),
        TicketKey::Id(id) => tickets::Column::Id.eq(id),
    };
    Condition::all().add(which).add(visible_to(user, backend))
}

/// The ticket `key` names if `user` may see it; 404 whether it is hidden or absent.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    key: impl Into<TicketKey<'_>>,
    lock: Lock,
) -> ApiResult<tickets::Model> {
    let backend = db.get_database_backend();
    let mut query = tickets::Entity::find().filter(visible(user, key.into(), backend));
    if lock == Lock::ForUpdate && backend == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(db).await?.ok_or(ApiError::NotFound)
}

/// The tickets `user` may see at all: the ones they requested or that were shared with them,
/// their company's for a referent, every ticket for the support team. The same sets as a
/// list's [`Reach`], all of them at once.
pub fn visible_to(user: &SessionUser, backend: DbBackend) -> Condition {
    // An assisted session sees only the ticket of its access ("used only for that problem"),
    // and only if the customer sees it.
    if let Some(assistance) = &user.assisted {
        let customer = SessionUser {
            assisted: None,
            ..user.clone()
        };
        return Condition::all()
            .add(tickets::Column::Id.eq(assistance.ticket_id))
            .add(visible_to(&customer, backend));
    }
    if user.can(Permission::TicketsViewAll) {
        return Condition::all();
    }
    let reaches = match user.company_id {
        Some(company) if user.can(Permission::TicketsViewCompany) => {
            vec![Reach::RequestedOrShared(user.id), Reach::Company(company)]
        }
        _ => vec![Reach::RequestedOrShared(user.id)],
    };
    reaches
        .iter()
        .flat_map(|reach| reach.branches(backend))
        .fold(Condition::any(), Condition::add)
}

/// The tickets a list may show, as sets that are each found through an index of their own
/// (a single ticket is looked up through all the sets its reader may see: [`visible_to`]).
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    Everything,
    Company(CompanyId),
    AssignedTo(UserId),
    /// Requested by the user, or shared with them.
    RequestedOrShared(UserId),
}

impl Reach {
    /// The sets, to be OR-ed. Each one gets every filter of the list, so that PostgreSQL
    /// plans each on its own index (a filter outside an OR with a sub-query read every open
    /// ticket: docs/BENCHMARKS.md).
    pub(super) fn branches(&self, backend: DbBackend) -> Vec<Condition> {
        let one = |expr: SimpleExpr| vec![Condition::all().add(expr)];
        match *self {
            Reach::Everything => vec![Condition::all()],
            Reach::Company(company) => one(tickets::Column::CompanyId.eq(company)),
            Reach::AssignedTo(user) => one(tickets::Column::AssigneeId.eq(user)),
            Reach::RequestedOrShared(user) => {
                let shared = match backend {
                    // An array computed once, so that the primary key finds the rows; an
                    // `IN (sub-query)` under an OR is checked row by row instead.
                    DbBackend::Postgres => Expr::cust_with_values(
                        r#""tickets"."id" = ANY(ARRAY(SELECT "ticket_id" FROM "ticket_watchers" WHERE "user_id" = $1))"#,
                        [user],
                    ),
                    _ => tickets::Column::Id.in_subquery(
                        Query::select()
                            .column(ticket_watchers::Column::TicketId)
                            .from(ticket_watchers::Entity)
                            .and_where(ticket_watchers::Column::UserId.eq(user))
                            .to_owned(),
                    ),
                };
                vec![
                    Condition::all().add(tickets::Column::RequesterId.eq(user)),
                    Condition::all().add(shared),
                ]
            }
        }
    }
}
