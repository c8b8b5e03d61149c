//! The ticket's state machine (SPEC.md, "Status"), as a pure function: given the current
//! status and a move, the next status or a 409 naming the current one. Who may make which
//! move is checked by the caller; this module only knows the statuses.
use guichet_types::TicketStatus::{self, Closed, InProgress, New, Resolved, Waiting};

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A public message from the support team: a new ticket is then being worked.
    AgentFollowup,
    /// An internal note: changes nothing.
    InternalNote,
    /// A public message from the customer side: back to work if the team was waiting or had
    /// proposed a solution.
    CustomerFollowup,
    /// An agent sets the status by hand (`in_progress` or `waiting`).
    SetStatus(TicketStatus),
    /// An agent takes or is given the ticket.
    Assign,
    ProposeSolution,
    ApproveSolution,
    RejectSolution,
    Withdraw,
    AutoClose,
    Reopen,
}

pub fn next_status(current: TicketStatus, requested: Move) -> ApiResult<TicketStatus> {
    let refused = Err(ApiError::InvalidTransition(current));
    match (current, requested) {
        (Closed, Move::Reopen) => Ok(InProgress),
        (Closed, _) => refused,
        (_, Move::Reopen) => refused,
        (New, Move::AgentFollowup | Move::Assign) => Ok(InProgress),
        (_, Move::AgentFollowup | Move::Assign | Move::InternalNote) => Ok(current),
        (Waiting | Resolved, Move::CustomerFollowup) => Ok(InProgress),
        (_, Move::CustomerFollowup) => Ok(current),
        (from, Move::SetStatus(to)) if from == to => Ok(current),
        (New | Waiting, Move::SetStatus(InProgress)) => Ok(InProgress),
        (InProgress, Move::SetStatus(Waiting)) => Ok(Waiting),
        (_, Move::SetStatus(_)) => refused,
        (New | InProgress | Waiting, Move::ProposeSolution) => Ok(Resolved),
        (Resolved, Move::ApproveSolution | Move::AutoClose) => Ok(Closed),
        (Resolved, Move::RejectSolution) => Ok(InProgress),
        (New | InProgress | Waiting, Move::Withdraw) => Ok(Closed),
        _ => refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(from: TicketStatus, requested: Move) -> Option<TicketStatus> {
        next_status(from, requested).ok()
    }

    #[test]
    fn the_happy_path_of_spec_md() {
        assert_eq!(allowed(New, Move::Assign), Some(InProgress));
        assert_eq!(allowed(InProgress, Move::SetStatus(Waiting)), Some(Waiting));
        assert_eq!(allowed(Waiting, Move::CustomerFollowup), Some(InProgress));
        assert_eq!(allowed(InProgress, Move::ProposeSolution), Some(Resolved));
        assert_eq!(allowed(Resolved, Move::RejectSolution), Some(InProgress));
        assert_eq!(allowed(InProgress, Move::ProposeSolution), Some(Resolved));
        assert_eq!(allowed(Resolved, Move::ApproveSolution), Some(Closed));
        assert_eq!(allowed(Closed, Move::Reopen), Some(InProgress));
    }

    #[test]
    fn other_moves_of_the_table() {
        assert_eq!(allowed(New, Move::AgentFollowup), Some(InProgress));
        assert_eq!(allowed(Waiting, Move::AgentFollowup), Some(Waiting));
        assert_eq!(allowed(New, Move::SetStatus(InProgress)), Some(InProgress));
        assert_eq!(allowed(Resolved, Move::CustomerFollowup), Some(InProgress));
        assert_eq!(allowed(New, Move::CustomerFollowup), Some(New));
        assert_eq!(allowed(Resolved, Move::AutoClose), Some(Closed));
        for open in [New, InProgress, Waiting] {
            assert_eq!(allowed(open, Move::Withdraw), Some(Closed));
            assert_eq!(allowed(open, Move::ProposeSolution), Some(Resolved));
        }
    }

    #[test]
    fn everything_else_is_refused_with_the_current_status() {
        let refused = [
            (Closed, Move::CustomerFollowup),
            (Closed, Move::AgentFollowup),
            (Closed, Move::InternalNote),
            (Closed, Move::Withdraw),
            (Closed, Move::ApproveSolution),
            (InProgress, Move::Reopen),
            (InProgress, Move::ApproveSolution),
            (Waiting, Move::RejectSolution),
            (Resolved, Move::ProposeSolution),
            (Resolved, Move::Withdraw),
            (New, Move::SetStatus(Waiting)),
            (InProgress, Move::SetStatus(Resolved)),
            (Waiting, Move::SetStatus(Closed)),
            (Resolved, Move::SetStatus(InProgress)),
            (InProgress, Move::AutoClose),
        ];
        for (from, requested) in refused {
            match next_status(from, requested) {
                Err(ApiError::InvalidTransition(current)) => assert_eq!(current, from),
                other => panic!("{from} {requested:?}: {other:?}"),
            }
        }
    }
}
