//! Closing resolved tickets nobody answered within `GUICHET_AUTO_CLOSE_AFTER`.
use chrono::{SubsecRound, Utc};
use guichet_types::{TicketEvent, TicketStatus};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::timeline::record_and_notify;
use crate::entities::tickets;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Tickets closed per run at most; the next run takes the rest.
const BATCH: u64 = 100;

/// Closes the due tickets, each once even when several instances run this together.
pub async fn close_expired(state: &AppState) -> ApiResult<usize> {
    let now = Utc::now().trunc_subsecs(6);
    let cutoff = now
        - chrono::Duration::from_std(state.settings.auto_close_after)
            .map_err(ApiError::internal)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut due = tickets::Entity::find()
        .filter(tickets::Column::Status.eq(TicketStatus::Resolved))
        .filter(tickets::Column::ResolvedAt.lte(cutoff))
        .order_by_asc(tickets::Column::ResolvedAt)
        .limit(BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        // Rows another instance is closing right now are skipped, not waited for.
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = due.all(&txn).await?;
    let mut closed = 0;
    for ticket in due {
        let changed = tickets::Entity::update_many()
            .col_expr(tickets::Column::Status, Expr::value(TicketStatus::Closed))
            .col_expr(tickets::Column::ClosedAt, Expr::value(now))
            .col_expr(tickets::Column::UpdatedAt, Expr::value(now))
            .col_expr(tickets::Column::Version, Expr::value(ticket.version + 1))
            .filter(tickets::Column::Id.eq(ticket.id))
            .filter(tickets::Column::Status.eq(TicketStatus::Resolved))
            .exec(&txn)
            .await?;
        if changed.rows_affected == 1 {
            let event = TicketEvent::AutoClosed {
                from: TicketStatus::Resolved,
                to: TicketStatus::Closed,
            };
            record_and_notify(&txn, state, &ticket, None, now, vec![event]).await?;
            closed += 1;
        }
    }
    state.commit(txn).await?;
    Ok(closed)
}
