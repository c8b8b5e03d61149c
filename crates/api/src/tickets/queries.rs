//! Database reads of tickets: who sees what, list queries, and turning rows into the
//! ticket resource: a page, its names included, is one query, and its watchers another
//! (no N+1).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guichet_types::{
    priority, AssetId, CategoryId, CompanyId, CompanyRef, Level, Locale, NamedRef, PersonRef,
    Satisfaction, Ticket, TicketKind, TicketNumber, TicketSort, TicketStatus, UserId,
};
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, Order, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::cursor::Cursor;
use super::search;
use super::visibility::Reach;
use crate::auth::extractor::person_name;
use crate::categories::cache::{Categories, CategoryCache};
use crate::entities::{assets, companies, ticket_watchers, tickets, users};
use crate::error::{ApiError, ApiResult};

/// A validated list request.
#[derive(Clone)]
pub struct ListFilter {
    pub reach: Reach,
    pub conditions: Vec<SimpleExpr>,
    pub sort: TicketSort,
    pub after: Option<Cursor>,
    pub limit: u64,
    /// The folded words of a full-text search ([`search::query_words`]), if any.
    pub search: Option<Vec<String>>,
    /// How many tickets a search over every ticket reads one by one first ([`searched`]):
    /// the `search_walk` setting.
    pub search_walk: u64,
}

/// One page of rows, plus the cursor of the next page.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: ListFilter,
) -> ApiResult<(Vec<TicketRow>, Option<Cursor>)> {
    let (column, order) = match filter.sort {
        TicketSort::UpdatedDesc => (tickets::Column::UpdatedAt, Order::Desc),
        TicketSort::UpdatedAsc => (tickets::Column::UpdatedAt, Order::Asc),
        TicketSort::CreatedDesc => (tickets::Column::CreatedAt, Order::Desc),
        TicketSort::CreatedAsc => (tickets::Column::CreatedAt, Order::Asc),
    };
    let mut after = None;
    if let Some(cursor) = &filter.after {
        let key = cursor
            .key()
            .ok_or_else(|| ApiError::field("cursor", "invalid", "this cursor is not valid"))?;
        // (key, id) strictly after the cursor, in the order of the sort: one row comparison,
        // which the indexes on (…, key, id) start from instead of reading the pages before.
        let row = Expr::tuple([
            Expr::col((tickets::Entity, column)).into(),
            Expr::col((tickets::Entity, tickets::Column::Id)).into(),
        ]);
        let bound = Expr::tuple([Expr::value(key), Expr::value(cursor.id)]);
        after = Some(match order {
            Order::Desc => row.lt(bound),
            _ => row.gt(bound),
        });
    }
    let sort = [(column, order.clone()), (tickets::Column::Id, order)];
    let wanted = filter.limit + 1;
    let mut conditions = filter.conditions;
    conditions.extend(after);
    let mut rows = match filter.search {
        Some(words) => {
            let walk = filter.search_walk;
            searched(db, &filter.reach, conditions, &words, &sort, wanted, walk).await?
        }
        None => rows_of(db, &filter.reach, &conditions, &sort, wanted).await?,
    };
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

/// The first `limit` rows in `sort` order of the tickets in `reach` that meet `conditions`.
async fn rows_of(
    db: &impl ConnectionTrait,
    reach: &Reach,
    conditions: &[SimpleExpr],
    sort: &[(tickets::Column, Order)],
    limit: u64,
) -> ApiResult<Vec<TicketRow>> {
    let mut any = Condition::any();
    for branch in reach.branches(db.get_database_backend()) {
        any = any.add(
            conditions
                .iter()
                .cloned()
                .fold(branch, |branch, condition| branch.add(condition)),
        );
    }
    let mut page = page_of(any);
    for (column, order) in sort {
        page.order_by((tickets::Entity, *column), order.clone());
    }
    page.limit(limit);
    with_names(db, page, sort).await
}

/// [`rows_of`] for the tickets that match the words of a full-text search.
///
/// Two frequent word prefixes together (`routeur fibre`) can match thousands of tickets
/// spread over the years, and PostgreSQL then reads and sorts every match to keep the
/// first page, its estimate of their number being far too low (docs/BENCHMARKS.md). So a
/// search over every ticket first reads the `walk` tickets that come first in the
/// order of the list (after the cursor), through the index on (key, id), checking the words
/// on each (`ts_match_vq`, which no index serves, so that the plan stays this walk), and
/// stops at the end of the page. These are a prefix of the list's order, so when they fill
/// the page it is exactly the page of the whole search; otherwise the whole search is run.
async fn searched(
    db: &impl ConnectionTrait,
    reach: &Reach,
    mut conditions: Vec<SimpleExpr>,
    words: &[String],
    sort: &[(tickets::Column, Order); 2],
    limit: u64,
    walk: u64,
) -> ApiResult<Vec<TicketRow>> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres && matches!(reach, Reach::Everything) {
        let mut recent = page_of(
            conditions
                .iter()
                .cloned()
                .fold(Condition::all(), |all, condition| all.add(condition)),
        );
        recent.expr(Expr::col((tickets::Entity, Alias::new("search_vector"))));
        for (column, order) in sort {
            recent.order_by((tickets::Entity, *column), order.clone());
        }
        recent.limit(walk);
        let mut page = Query::select();
        page.columns(TICKET_COLUMNS.map(|column| (tickets::Entity, column)))
            .from_subquery(recent, tickets::Entity)
            .and_where(search::matches_row_by_row(words));
        for (column, order) in sort {
            page.order_by((tickets::Entity, *column), order.clone());
        }
        page.limit(limit);
        let rows = with_names(db, page, sort).await?;
        if rows.len() as u64 >= limit {
            return Ok(rows);
        }
    }
    conditions.push(search::matches(backend, words));
    rows_of(db, reach, &conditions, sort, limit).await
}

/// The ticket resource's row of the ticket `condition` selects (one, or none), its names
/// included: [`super::visibility::visible`] says which ticket a caller may read.
pub async fn row(db: &impl ConnectionTrait, condition: Condition) -> ApiResult<Option<TicketRow>> {
    let mut page = page_of(condition);
    page.limit(1);
    Ok(with_names(db, page, &[]).await?.pop())
}

/// The resource of ticket `id`, in two statements, its category named from `categories`
/// (the copy the caller checked the ticket's category against).
pub async fn resource(
    db: &impl ConnectionTrait,
    categories: &Categories,
    id: i64,
    locale: Locale,
) -> ApiResult<Option<Ticket>> {
    let mut page = page_of(Condition::all().add(tickets::Column::Id.eq(id)));
    page.limit(1);
    let rows = with_names(db, page, &[]).await?;
    Ok(resources_named(db, categories, rows, locale).await?.pop())
}

/// What a ticket resource shows of a ticket (never the folded `search_text`), with the
/// names of its people, company and asset, as [`with_names`] reads them.
#[derive(Debug, FromQueryResult)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub kind: TicketKind,
    pub status: TicketStatus,
    pub urgency: Level,
    pub impact: Level,
    pub title: String,
    pub description: String,
    pub category_id: CategoryId,
    pub asset_id: Option<AssetId>,
    pub requester_id: UserId,
    pub company_id: CompanyId,
    pub assignee_id: Option<UserId>,
    pub notify: bool,
    pub notify_email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub satisfaction_rating: Option<i16>,
    pub satisfaction_comment: Option<String>,
    // Joined: `None` only if a row the ticket refers to is missing.
    pub asset_name: Option<String>,
    pub requester_first_name: Option<String>,
    pub requester_last_name: Option<String>,
    pub requester_email: Option<String>,
    pub company_name: Option<String>,
    pub assignee_first_name: Option<String>,
    pub assignee_last_name: Option<String>,
    pub assignee_email: Option<String>,
}

/// The columns of `tickets` in a [`TicketRow`].
const TICKET_COLUMNS: [tickets::Column; 22] = [
    tickets::Column::Id,
    tickets::Column::Number,
    tickets::Column::Kind,
    tickets::Column::Status,
    tickets::Column::Urgency,
    tickets::Column::Impact,
    tickets::Column::Title,
    tickets::Column::Description,
    tickets::Column::CategoryId,
    tickets::Column::AssetId,
    tickets::Column::RequesterId,
    tickets::Column::CompanyId,
    tickets::Column::AssigneeId,
    tickets::Column::Notify,
    tickets::Column::NotifyEmail,
    tickets::Column::CreatedAt,
    tickets::Column::UpdatedAt,
    tickets::Column::ResolvedAt,
    tickets::Column::ClosedAt,
    tickets::Column::Version,
    tickets::Column::SatisfactionRating,
    tickets::Column::SatisfactionComment,
];

/// `SELECT` [`TICKET_COLUMNS`] `FROM tickets WHERE condition`, to be ordered and limited.
fn page_of(condition: Condition) -> SelectStatement {
    Query::select()
        .columns(TICKET_COLUMNS.map(|column| (tickets::Entity, column)))
        .from(tickets::Entity)
        .cond_where(condition)
        .to_owned()
}

/// The rows of `page` (a [`page_of`]) with their names, in `sort` order, in one statement.
/// The page is a sub-query, so that it is planned alone on its own indexes as it was
/// without the names; each name is then one primary-key lookup per row of the page.
async fn with_names(
    db: &impl ConnectionTrait,
    page: SelectStatement,
    sort: &[(tickets::Column, Order)],
) -> ApiResult<Vec<TicketRow>> {
    let requester = Alias::new("requester");
    let assignee = Alias::new("assignee");
    let on = |table: Alias, key: tickets::Column| {
        Expr::col((table, users::Column::Id)).equals((tickets::Entity, key))
    };
    let mut query = Query::select();
    query
        .columns(TICKET_COLUMNS.map(|column| (tickets::Entity, column)))
        .expr_as(
            Expr::col((assets::Entity, assets::Column::Name)),
            Alias::new("asset_name"),
        )
        .expr_as(
            Expr::col((requester.clone(), users::Column::FirstName)),
            Alias::new("requester_first_name"),
        )
        .expr_as(
            Expr::col((requester.clone(), users::Column::LastName)),
            Alias::new("requester_last_name"),
        )
        .expr_as(
            Expr::col((requester.clone(), users::Column::Email)),
            Alias::new("requester_email"),
        )
        .expr_as(
            Expr::col((companies::Entity, companies::Column::Name)),
            Alias::new("company_name"),
        )
        .expr_as(
            Expr::col((assignee.clone(), users::Column::FirstName)),
            Alias::new("assignee_first_name"),
        )
        .expr_as(
            Expr::col((assignee.clone(), users::Column::LastName)),
            Alias::new("assignee_last_name"),
        )
        .expr_as(
            Expr::col((assignee.clone(), users::Column::Email)),
            Alias::new("assignee_email"),
        )
        .from_subquery(page, tickets::Entity)
        .join_as(
            JoinType::LeftJoin,
            users::Entity,
            requester.clone(),
            on(requester, tickets::Column::RequesterId),
        )
        .join_as(
            JoinType::LeftJoin,
            users::Entity,
            assignee.clone(),
            on(assignee, tickets::Column::AssigneeId),
        )
        .join(
            JoinType::LeftJoin,
            companies::Entity,
            Expr::col((companies::Entity, companies::Column::Id))
                .equals((tickets::Entity, tickets::Column::CompanyId)),
        )
        .join(
            JoinType::LeftJoin,
            assets::Entity,
            Expr::col((assets::Entity, assets::Column::Id))
                .equals((tickets::Entity, tickets::Column::AssetId)),
        );
    for (column, order) in sort {
        query.order_by((tickets::Entity, *column), order.clone());
    }
    let statement = db.get_database_backend().build(&query);
    Ok(TicketRow::find_by_statement(statement).all(db).await?)
}

/// Builds the ticket resources of `rows`: their categories come from `categories`, their
/// watchers from one query.
pub async fn to_resources(
    db: &impl ConnectionTrait,
    categories: &CategoryCache,
    rows: Vec<TicketRow>,
    locale: Locale,
) -> ApiResult<Vec<Ticket>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let categories = categories
        .with(db, rows.iter().map(|t| t.category_id))
        .await?;
    resources_named(db, &categories, rows, locale).await
}

/// [`to_resources`] with the categories of `rows` in `categories`.
async fn resources_named(
    db: &impl ConnectionTrait,
    categories: &Categories,
    rows: Vec<TicketRow>,
    locale: Locale,
) -> ApiResult<Vec<Ticket>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ticket_ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut watchers: HashMap<i64, Vec<String>> = HashMap::new();
    let shares: Vec<(i64, String)> = ticket_watchers::Entity::find()
        .select_only()
        .columns([
            ticket_watchers::Column::TicketId,
            ticket_watchers::Column::Email,
        ])
        .filter(ticket_watchers::Column::TicketId.is_in(ticket_ids))
        .order_by_asc(ticket_watchers::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for (ticket_id, email) in shares {
        watchers.entry(ticket_id).or_default().push(email);
    }

    rows.into_iter()
        .map(|row| {
            let missing =
                || ApiError::internal(format!("ticket {} refers to a missing row", row.number));
            let category = categories
                .name(row.category_id, locale)
                .ok_or_else(missing)?;
            let (Some(requester_email), Some(company_name)) =
                (row.requester_email, row.company_name)
            else {
                return Err(missing());
            };
            let (urgency, impact) = (row.urgency, row.impact);
            let name = |first: Option<String>, last: Option<String>, email: &str| {
                person_name(
                    first.as_deref().unwrap_or_default(),
                    last.as_deref().unwrap_or_default(),
                    email,
                )
            };
            Ok(Ticket {
                number: TicketNumber::try_from(row.number.clone()).map_err(|_| missing())?,
                kind: row.kind,
                status: row.status,
                urgency,
                impact,
                priority: priority(urgency, impact),
                title: row.title,
                description: row.description,
                category: NamedRef {
                    id: row.category_id.0,
                    name: category.to_owned(),
                },
                asset: row
                    .asset_id
                    .zip(row.asset_name)
                    .map(|(id, name)| NamedRef { id: id.0, name }),
                requester: PersonRef {
                    id: row.requester_id,
                    name: name(
                        row.requester_first_name,
                        row.requester_last_name,
                        &requester_email,
                    ),
                    email: requester_email,
                },
                company: CompanyRef {
                    id: row.company_id,
                    name: company_name,
                },
                assignee: row
                    .assignee_id
                    .zip(row.assignee_email)
                    .map(|(id, email)| NamedRef {
                        id: id.0,
                        name: name(row.assignee_first_name, row.assignee_last_name, &email),
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
                    comment: row.satisfaction_comment,
                }),
            })
        })
        .collect()
}
