//! "Cet article a-t-il été utile ?": one vote per person, or per browser for readers not
//! signed in, a second vote replacing the first; the tickets a suggested article avoided;
//! the support team's reading of the votes.
use chrono::{SubsecRound, Utc};
use guichet_types::{
    ArticleFeedback, ArticleFeedbackInput, ArticleFeedbackPage, ArticleVote, Page, Permission,
    UserRef,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::queries::{self, Reader};
use crate::auth::SessionUser;
use crate::companies::service::names_of;
use crate::entities::{article_feedback, articles};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

/// Whose vote it is.
enum Voter {
    Person(guichet_types::UserId),
    Browser(String),
}

/// Records `input` as the vote of `user` (or of the browser `input.voter` when nobody is
/// signed in) on the article `slug`, replacing their earlier vote; the article's counts
/// follow in the same transaction.
pub async fn vote(
    state: &AppState,
    user: Option<&SessionUser>,
    slug: &str,
    input: ArticleFeedbackInput,
) -> ApiResult<ArticleVote> {
    let voter = match (user, input.voter) {
        (Some(user), _) => Voter::Person(user.id),
        (None, Some(voter)) => Voter::Browser(voter.to_ascii_lowercase()),
        (None, None) => {
            return Err(ApiError::field(
                "voter",
                "required",
                "without signing in, send the browser's voter id",
            ))
        }
    };
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    // The article's row is locked: two votes of one voter at once are taken in turn.
    let article = queries::find_readable(&txn, Reader::of(user), slug, true).await?;
    let mine = article_feedback::Entity::find()
        .filter(article_feedback::Column::ArticleId.eq(article.id))
        .filter(match &voter {
            Voter::Person(id) => article_feedback::Column::UserId.eq(*id),
            Voter::Browser(voter) => article_feedback::Column::Voter.eq(voter.as_str()),
        })
        .one(&txn)
        .await?;
    let (helpful_delta, unhelpful_delta) = match &mine {
        Some(earlier) if earlier.helpful == input.helpful => (0, 0),
        Some(_) if input.helpful => (1, -1),
        Some(_) => (-1, 1),
        None if input.helpful => (1, 0),
        None => (0, 1),
    };
    let replaced = mine.is_some();
    match mine {
        Some(earlier) => {
            let mut row: article_feedback::ActiveModel = earlier.into();
            row.helpful = Set(input.helpful);
            row.comment = Set(comment.clone());
            row.updated_at = Set(now);
            row.update(&txn).await?;
        }
        None => {
            let (user_id, voter) = match voter {
                Voter::Person(id) => (Some(id), None),
                Voter::Browser(voter) => (None, Some(voter)),
            };
            article_feedback::ActiveModel {
                article_id: Set(article.id),
                user_id: Set(user_id),
                voter: Set(voter),
                helpful: Set(input.helpful),
                comment: Set(comment.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    if (helpful_delta, unhelpful_delta) != (0, 0) {
        articles::Entity::update_many()
            .col_expr(
                articles::Column::HelpfulCount,
                Expr::col(articles::Column::HelpfulCount).add(helpful_delta),
            )
            .col_expr(
                articles::Column::UnhelpfulCount,
                Expr::col(articles::Column::UnhelpfulCount).add(unhelpful_delta),
            )
            .filter(articles::Column::Id.eq(article.id))
            .exec(&txn)
            .await?;
    }
    state.commit(txn).await?;
    Ok(ArticleVote {
        helpful: input.helpful,
        comment,
        replaced,
    })
}

/// A customer opened the article from the new-ticket form's suggestions and left without
/// opening a ticket.
pub async fn ticket_avoided(state: &AppState, user: &SessionUser, slug: &str) -> ApiResult<()> {
    if user.can(Permission::TicketsWork) {
        return Err(ApiError::Forbidden(
            "only customers avoid tickets".to_owned(),
        ));
    }
    let article = queries::find_readable(&state.db, Reader::of(Some(user)), slug, false).await?;
    let _turn = state.writes.turn().await;
    articles::Entity::update_many()
        .col_expr(
            articles::Column::AvoidedTickets,
            Expr::col(articles::Column::AvoidedTickets).add(1),
        )
        .filter(articles::Column::Id.eq(article.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// The support team: the votes on an article, newest first, with their comments.
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    slug: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ArticleFeedbackPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let article = queries::find_readable(&state.db, Reader::Staff, slug, false).await?;
    let rows = newest_first(
        article_feedback::Entity::find().filter(article_feedback::Column::ArticleId.eq(article.id)),
        article_feedback::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let names = names_of(&state.db, rows.iter().filter_map(|r| r.user_id)).await?;
    let page = request.page(rows, |row| row.id);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| ArticleFeedback {
                id: row.id,
                helpful: row.helpful,
                comment: row.comment,
                user: row.user_id.map(|id| UserRef {
                    id,
                    name: names.get(&id).cloned().unwrap_or_default(),
                }),
                at: row.updated_at,
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}
