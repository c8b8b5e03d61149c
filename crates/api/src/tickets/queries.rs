//! Database reads of tickets: who sees what, list queries, and turning rows into the
//! ticket resource with a fixed number of queries per page (no N+1).
use std::collections::{HashMap, HashSet};

use guichet_types::{
    priority, CompanyId, CompanyRef, Level, Locale, NamedRef, PersonRef, Role, Satisfaction,
    Ticket, TicketKind, TicketNumber, TicketSort, TicketStatus, UserId,
};
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::cursor::Cursor;
use crate::auth::extractor::display_name;
use crate::auth::SessionUser;
use crate::entities::{assets, categories, companies, ticket_watchers, tickets, users};
use crate::error::{ApiError, ApiResult};

/// The tickets `user` may see at all: their own, their company's for a referent, every
/// ticket for the support team.
pub fn visible_to(user: &SessionUser) -> Condition {
    match (user.role, user.company_id) {
        (Role::Agent | Role::Admin, _) => Condition::all(),
        (Role::Referent, Some(company)) => {
            mine(user.id).add(tickets::Column::CompanyId.eq(company))
        }
        _ => mine(user.id),
    }
}

/// The tickets `user_id` requested or that were shared with them, as one `id IN (… UNION
/// ALL …)`: written `requester_id = $1 OR id IN (…)`, PostgreSQL could use no index for the
/// OR and read every ticket for each customer's list (docs/BENCHMARKS.md).
pub fn mine(user_id: i64) -> Condition {
    let requested = Query::select()
        .column(tickets::Column::Id)
        .from(tickets::Entity)
        .and_where(tickets::Column::RequesterId.eq(user_id))
        .to_owned();
    let requested_or_shared = Query::select()
        .column(ticket_watchers::Column::TicketId)
        .from(ticket_watchers::Entity)
        .and_where(ticket_watchers::Column::UserId.eq(user_id))
        .union(UnionType::All, requested)
        .to_owned();
    Condition::any().add(tickets::Column::Id.in_subquery(requested_or_shared))
}

/// Category names in `locale`, by id.
pub async fn category_names(
    db: &impl ConnectionTrait,
    locale: Locale,
) -> ApiResult<HashMap<i64, String>> {
    let rows = categories::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let name = match locale {
                Locale::Fr => c.name_fr,
                Locale::En => c.name_en,
            };
            (c.id, name)
        })
        .collect())
}

/// The ticket `number` if `user` may see it; `None` whether it is hidden or absent.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<Option<tickets::Model>> {
    Ok(tickets::Entity::find()
        .filter(tickets::Column::Number.eq(number.as_str()))
        .filter(visible_to(user))
        .one(db)
        .await?)
}

/// The tickets a list may show, as sets that are each found through an index of their own.
pub enum Reach {
    Everything,
    Company(i64),
    AssignedTo(i64),
    /// Requested by the user, or shared with them.
    RequestedOrShared(i64),
}

impl Reach {
    /// The sets, to be OR-ed. Each one gets every filter of the list, so that PostgreSQL
    /// plans each on its own index (a filter outside an OR with a sub-query read every open
    /// ticket: docs/BENCHMARKS.md).
    fn branches(&self, backend: DbBackend) -> Vec<Condition> {
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

/// A validated list request.
pub struct ListFilter {
    pub reach: Reach,
    pub conditions: Vec<SimpleExpr>,
    pub sort: TicketSort,
    pub after: Option<Cursor>,
    pub limit: u64,
}

/// One page of rows, plus the cursor of the next page.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: ListFilter,
) -> ApiResult<(Vec<tickets::Model>, Option<Cursor>)> {
    let (column, order) = match filter.sort {
        TicketSort::UpdatedDesc => (tickets::Column::UpdatedAt, Order::Desc),
        TicketSort::UpdatedAsc => (tickets::Column::UpdatedAt, Order::Asc),
        TicketSort::CreatedDesc => (tickets::Column::CreatedAt, Order::Desc),
        TicketSort::CreatedAsc => (tickets::Column::CreatedAt, Order::Asc),
    };
    let mut conditions = filter.conditions;
    if let Some(after) = &filter.after {
        let key = after
            .key()
            .ok_or_else(|| ApiError::field("cursor", "invalid", "this cursor is not valid"))?;
        // (key, id) strictly after the cursor, in the order of the sort: one row comparison,
        // which the indexes on (…, key, id) start from instead of reading the pages before.
        let row = Expr::tuple([
            Expr::col((tickets::Entity, column)).into(),
            Expr::col((tickets::Entity, tickets::Column::Id)).into(),
        ]);
        let bound = Expr::tuple([Expr::value(key), Expr::value(after.id)]);
        conditions.push(match order {
            Order::Desc => row.lt(bound),
            _ => row.gt(bound),
        });
    }
    let mut reach = Condition::any();
    for branch in filter.reach.branches(db.get_database_backend()) {
        reach = reach.add(
            conditions
                .iter()
                .cloned()
                .fold(branch, |branch, condition| branch.add(condition)),
        );
    }
    let mut rows = tickets::Entity::find()
        .filter(reach)
        .order_by(column, order.clone())
        .order_by(tickets::Column::Id, order)
        .limit(filter.limit + 1)
        .all(db)
        .await?;
    let next = if rows.len() as u64 > filter.limit {
        rows.truncate(filter.limit as usize);
        rows.last().map(|last| {
            let key = match filter.sort {
                TicketSort::UpdatedDesc | TicketSort::UpdatedAsc => last.updated_at,
                TicketSort::CreatedDesc | TicketSort::CreatedAsc => last.created_at,
            };
            Cursor::new(filter.sort, key, last.id)
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Builds the ticket resources of `rows`, loading their categories, assets, people and
/// companies in one query each.
/// Category names are in `locale`.
pub async fn to_resources(
    db: &impl ConnectionTrait,
    rows: Vec<tickets::Model>,
    locale: Locale,
) -> ApiResult<Vec<Ticket>> {
    fn ids(values: impl Iterator<Item = i64>) -> Vec<i64> {
        values.collect::<HashSet<_>>().into_iter().collect()
    }
    let category_ids = ids(rows.iter().map(|t| t.category_id));
    let asset_ids = ids(rows.iter().filter_map(|t| t.asset_id));
    let user_ids = ids(rows
        .iter()
        .flat_map(|t| [Some(t.requester_id), t.assignee_id])
        .flatten());
    let company_ids = ids(rows.iter().map(|t| t.company_id));

    let categories: HashMap<i64, categories::Model> = categories::Entity::find()
        .filter(categories::Column::Id.is_in(category_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let assets: HashMap<i64, assets::Model> = if asset_ids.is_empty() {
        HashMap::new()
    } else {
        assets::Entity::find()
            .filter(assets::Column::Id.is_in(asset_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect()
    };
    let people: HashMap<i64, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let companies: HashMap<i64, companies::Model> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(company_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let ticket_ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut watchers: HashMap<i64, Vec<String>> = HashMap::new();
    for watcher in ticket_watchers::Entity::find()
        .filter(ticket_watchers::Column::TicketId.is_in(ticket_ids))
        .order_by_asc(ticket_watchers::Column::Id)
        .all(db)
        .await?
    {
        watchers
            .entry(watcher.ticket_id)
            .or_default()
            .push(watcher.email);
    }

    rows.into_iter()
        .map(|row| {
            let missing =
                || ApiError::internal(format!("ticket {} refers to a missing row", row.number));
            let category = categories.get(&row.category_id).ok_or_else(missing)?;
            let requester = people.get(&row.requester_id).ok_or_else(missing)?;
            let company = companies.get(&row.company_id).ok_or_else(missing)?;
            let urgency = Level::parse(&row.urgency).ok_or_else(missing)?;
            let impact = Level::parse(&row.impact).ok_or_else(missing)?;
            Ok(Ticket {
                number: TicketNumber::try_from(row.number.clone()).map_err(|_| missing())?,
                kind: TicketKind::parse(&row.kind).ok_or_else(missing)?,
                status: TicketStatus::parse(&row.status).ok_or_else(missing)?,
                urgency,
                impact,
                priority: priority(urgency, impact),
                title: row.title,
                description: row.description,
                category: NamedRef {
                    id: category.id,
                    name: match locale {
                        Locale::Fr => category.name_fr.clone(),
                        Locale::En => category.name_en.clone(),
                    },
                },
                asset: row
                    .asset_id
                    .and_then(|id| assets.get(&id))
                    .map(|a| NamedRef {
                        id: a.id,
                        name: a.name.clone(),
                    }),
                requester: PersonRef {
                    id: UserId(requester.id),
                    name: display_name(requester),
                    email: requester.email.clone(),
                },
                company: CompanyRef {
                    id: CompanyId(company.id),
                    name: company.name.clone(),
                },
                assignee: row
                    .assignee_id
                    .and_then(|id| people.get(&id))
                    .map(|u| NamedRef {
                        id: u.id,
                        name: display_name(u),
                    }),
                watchers: watchers.remove(&row.id).unwrap_or_default(),
                notify: row.notify,
                notify_email: row.notify_email,
                created_at: row.created_at,
                updated_at: row.updated_at,
                resolved_at: row.resolved_at,
                closed_at: row.closed_at,
                satisfaction: row.satisfaction_rating.map(|rating| Satisfaction {
                    rating: u8::try_from(rating).unwrap_or_default(),
                    comment: row.satisfaction_comment.clone(),
                }),
            })
        })
        .collect()
}
