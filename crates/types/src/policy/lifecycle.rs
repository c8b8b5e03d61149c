//! The ticket's state machine (SPEC.md, "Status"), as a pure function: given the current
//! status and a move, the next status, or [`InvalidTransition`] naming the current one (the
//! server's 409). Who may make which move is [`super::who_may`]'s question; this module only
//! knows the statuses.
use crate::TicketStatus::{self, Closed, InProgress, New, Resolved, Waiting};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A public message from the support team: a new ticket is then being worked.
    AgentFollowup,
    /// An internal note: changes nothing.
    InternalNote,
    /// A public message from the customer side: back to work if the team was waiting or had
    /// proposed a solution.
    CustomerFollowup,
    /// A file added to the ticket: changes nothing.
    Attach,
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
    /// The requester's satisfaction rating: of a closed ticket, which stays closed.
    Rate,
}

/// The status a move leads to; refused moves carry the status the ticket is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTransition {
    pub current: TicketStatus,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not possible while the ticket is {}", self.current)
    }
}

impl std::error::Error for InvalidTransition {}

pub fn next_status(
    current: TicketStatus,
    requested: Move,
) -> Result<TicketStatus, InvalidTransition> {
    let refused = Err(InvalidTransition { current });
    match (current, requested) {
        (Closed, Move::Reopen) => Ok(InProgress),
        (Closed, Move::Rate) => Ok(Closed),
        (Closed, _) => refused,
        (_, Move::Reopen) => refused,
        (New, Move::AgentFollowup | Move::Assign) => Ok(InProgress),
        (_, Move::AgentFollowup | Move::Assign | Move::InternalNote | Move::Attach) => Ok(current),
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
    fn files_change_nothing_until_the_ticket_closes_and_only_a_closed_one_is_rated() {
        for status in [New, InProgress, Waiting, Resolved] {
            assert_eq!(allowed(status, Move::Attach), Some(status));
            assert_eq!(allowed(status, Move::Rate), None);
        }
        assert_eq!(allowed(Closed, Move::Attach), None);
        assert_eq!(allowed(Closed, Move::Rate), Some(Closed));
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
            assert_eq!(
                next_status(from, requested),
                Err(InvalidTransition { current: from }),
                "{from} {requested:?}"
            );
        }
    }
}
