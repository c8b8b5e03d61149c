//! Which actions a viewer may take on one ticket, in the server's two layers: [`who_may`]
//! (who they are to the ticket: 403) and the state machine (the status: 409). [`available`]
//! asks both for every action, so the SPA offers a form only when the server would accept
//! what it sends (SPEC.md, "Tickets").
use super::{next_status, Move, Permission};
use crate::{CompanyId, Profile, Role, Ticket, TicketStatus, UserId};

/// The signed-in user, as far as a ticket's actions care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub id: UserId,
    pub role: Role,
    /// `None` for the support team.
    pub company: Option<CompanyId>,
}

impl Viewer {
    fn works(&self) -> bool {
        self.role.can(Permission::TicketsWork)
    }
}

impl From<&Profile> for Viewer {
    fn from(profile: &Profile) -> Self {
        Self {
            id: profile.id,
            role: profile.role,
            company: profile.company.as_ref().map(|c| c.id),
        }
    }
}

/// What the rules need to know of a ticket: built from the API's [`Ticket`], or by the
/// server from its row, without reading the whole resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketFacts {
    pub status: TicketStatus,
    pub requester: UserId,
    pub company: CompanyId,
    pub assignee: Option<UserId>,
    /// The requester has given their satisfaction rating.
    pub rated: bool,
}

impl From<&Ticket> for TicketFacts {
    fn from(ticket: &Ticket) -> Self {
        Self {
            status: ticket.status,
            requester: ticket.requester.id,
            company: ticket.company.id,
            assignee: ticket.assignee.as_ref().map(|a| UserId(a.id)),
            rated: ticket.satisfaction.is_some(),
        }
    }
}

/// Something a person does to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A public follow-up.
    Followup,
    InternalNote,
    Attach,
    ApproveSolution,
    RejectSolution,
    Withdraw,
    /// Share the ticket with an address, or take the share back.
    Share,
    Rate,
    /// The requester's choice of mails about the ticket (`notify`, `notify_email`).
    ChangeNotifications,
    /// Set the status by hand to the one named.
    SetStatus(TicketStatus),
    /// Give the ticket to someone of the support team.
    Assign,
    /// Change the category or the impact.
    Classify,
    ProposeSolution,
    Reopen,
}

impl Action {
    /// The move this action makes in the state machine when `viewer` makes it; `None` for
    /// the actions every status takes.
    pub fn requested_move(self, viewer: &Viewer) -> Option<Move> {
        match self {
            Action::Followup if viewer.works() => Some(Move::AgentFollowup),
            Action::Followup => Some(Move::CustomerFollowup),
            Action::InternalNote => Some(Move::InternalNote),
            Action::Attach => Some(Move::Attach),
            Action::ApproveSolution => Some(Move::ApproveSolution),
            Action::RejectSolution => Some(Move::RejectSolution),
            Action::Withdraw => Some(Move::Withdraw),
            Action::Rate => Some(Move::Rate),
            Action::SetStatus(to) => Some(Move::SetStatus(to)),
            Action::Assign => Some(Move::Assign),
            Action::ProposeSolution => Some(Move::ProposeSolution),
            Action::Reopen => Some(Move::Reopen),
            Action::Share | Action::ChangeNotifications | Action::Classify => None,
        }
    }
}

/// Why an action is not this viewer's to take: the detail of the server's 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forbidden {
    pub reason: &'static str,
}

impl std::fmt::Display for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for Forbidden {}

/// Whether `viewer` may take `action` on a ticket they see, by who they are to it (the
/// support team, the requester, a referent of its company); the status is not looked at.
pub fn who_may(viewer: &Viewer, ticket: &TicketFacts, action: Action) -> Result<(), Forbidden> {
    let works = viewer.works();
    let requester = ticket.requester == viewer.id;
    let referent =
        viewer.role.can(Permission::TicketsViewCompany) && viewer.company == Some(ticket.company);
    let (allowed, reason) = match action {
        Action::Followup | Action::Attach | Action::Share => return Ok(()),
        Action::InternalNote => (works, "only the support team writes internal notes"),
        Action::ApproveSolution | Action::RejectSolution => (
            requester || referent,
            "only the requester or a referent of the company can do this",
        ),
        Action::Withdraw => (requester, "only the requester withdraws a ticket"),
        Action::Rate => (requester, "only the requester rates a ticket"),
        // The support team never chooses a customer's mails, even on a ticket it opened.
        Action::ChangeNotifications => (
            requester && !works,
            "only the requester changes the ticket's notifications",
        ),
        Action::SetStatus(_)
        | Action::Assign
        | Action::Classify
        | Action::ProposeSolution
        | Action::Reopen => (works, "only the support team can do this"),
    };
    if allowed {
        Ok(())
    } else {
        Err(Forbidden { reason })
    }
}

/// Both layers: `viewer` may take `action` on the ticket now.
pub fn may(viewer: &Viewer, ticket: &TicketFacts, action: Action) -> bool {
    who_may(viewer, ticket, action).is_ok()
        && action
            .requested_move(viewer)
            .is_none_or(|requested| next_status(ticket.status, requested).is_ok())
}

/// The actions offered on a ticket's page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    pub followup: bool,
    /// The follow-up may be marked internal.
    pub internal_note: bool,
    pub attach: bool,
    /// Approve or reject the proposed solution.
    pub decide: bool,
    pub withdraw: bool,
    pub share: bool,
    /// Once: not when the ticket is rated already.
    pub rate: bool,
    /// The requester's choice of mails about the ticket.
    pub notifications: bool,
    /// The statuses an agent may set by hand (other than the current one).
    pub set_status: Vec<TicketStatus>,
    pub assign_me: bool,
    /// Assign to anyone of the support team, or to nobody.
    pub assign: bool,
    /// Change the category or the impact.
    pub classify: bool,
    pub propose_solution: bool,
    pub reopen: bool,
}

impl Actions {
    /// Whether the support team's panel has anything to show.
    pub fn agent_panel(&self) -> bool {
        !self.set_status.is_empty()
            || self.assign_me
            || self.assign
            || self.classify
            || self.propose_solution
            || self.reopen
    }
}

/// Every action `viewer` may take on the ticket now.
pub fn available(ticket: &TicketFacts, viewer: &Viewer) -> Actions {
    let allowed = |action| may(viewer, ticket, action);
    let status = ticket.status;
    Actions {
        followup: allowed(Action::Followup),
        internal_note: allowed(Action::InternalNote),
        attach: allowed(Action::Attach),
        decide: allowed(Action::ApproveSolution) && allowed(Action::RejectSolution),
        withdraw: allowed(Action::Withdraw),
        share: allowed(Action::Share),
        rate: allowed(Action::Rate) && !ticket.rated,
        notifications: allowed(Action::ChangeNotifications),
        set_status: TicketStatus::ALL
            .iter()
            .copied()
            .filter(|&to| to != status && allowed(Action::SetStatus(to)))
            .collect(),
        assign_me: allowed(Action::Assign) && ticket.assignee != Some(viewer.id),
        assign: allowed(Action::Assign),
        classify: allowed(Action::Classify),
        propose_solution: allowed(Action::ProposeSolution),
        reopen: allowed(Action::Reopen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NamedRef, Satisfaction};
    use TicketStatus::{Closed, InProgress, New, Resolved, Waiting};

    fn ticket(status: TicketStatus) -> Ticket {
        serde_json::from_value(serde_json::json!({
            "number": "T20261121.0001", "kind": "incident", "status": status.as_str(),
            "urgency": "high", "impact": "medium", "priority": 4,
            "title": "L'imprimante ne répond plus", "description": "Depuis ce matin.",
            "category": {"id": 2, "name": "Lenteur"}, "asset": null,
            "requester": {"id": 1, "name": "Claire Martin", "email": "claire@acme.test"},
            "company": {"id": 1, "name": "Acme Industrie"}, "assignee": null, "watchers": [],
            "notify": true, "notify_email": "claire@acme.test",
            "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z",
            "resolved_at": null, "closed_at": null, "satisfaction": null
        }))
        .expect("a valid ticket")
    }

    fn facts(status: TicketStatus) -> TicketFacts {
        TicketFacts::from(&ticket(status))
    }

    fn on(ticket: &Ticket, viewer: &Viewer) -> Actions {
        available(&TicketFacts::from(ticket), viewer)
    }

    fn viewer(id: i64, role: Role, company: Option<i64>) -> Viewer {
        Viewer {
            id: UserId(id),
            role,
            company: company.map(CompanyId),
        }
    }

    /// The requester of [`ticket`], a customer of its company.
    fn claire() -> Viewer {
        viewer(1, Role::Customer, Some(1))
    }
    /// A referent of the ticket's company.
    fn remi() -> Viewer {
        viewer(2, Role::Referent, Some(1))
    }
    /// A customer of the ticket's company it was shared with.
    fn colleague() -> Viewer {
        viewer(3, Role::Customer, Some(1))
    }
    fn other_referent() -> Viewer {
        viewer(4, Role::Referent, Some(2))
    }
    fn agent() -> Viewer {
        viewer(10, Role::Agent, None)
    }
    fn admin() -> Viewer {
        viewer(11, Role::Admin, None)
    }

    const EVERY_ACTION: [Action; 15] = [
        Action::Followup,
        Action::InternalNote,
        Action::Attach,
        Action::ApproveSolution,
        Action::RejectSolution,
        Action::Withdraw,
        Action::Share,
        Action::Rate,
        Action::ChangeNotifications,
        Action::SetStatus(InProgress),
        Action::SetStatus(Waiting),
        Action::Assign,
        Action::Classify,
        Action::ProposeSolution,
        Action::Reopen,
    ];

    /// Who may take each action, whatever the status: written out, not derived.
    fn expected_people(action: Action) -> &'static [&'static str] {
        const EVERYONE: &[&str] = &[
            "requester",
            "colleague",
            "referent",
            "other referent",
            "agent",
            "admin",
        ];
        const SUPPORT: &[&str] = &["agent", "admin"];
        match action {
            Action::Followup | Action::Attach | Action::Share => EVERYONE,
            Action::ApproveSolution | Action::RejectSolution => &["requester", "referent"],
            Action::Withdraw | Action::Rate | Action::ChangeNotifications => &["requester"],
            Action::InternalNote
            | Action::SetStatus(_)
            | Action::Assign
            | Action::Classify
            | Action::ProposeSolution
            | Action::Reopen => SUPPORT,
        }
    }

    /// The statuses each action is possible in: written out, not derived.
    fn expected_statuses(action: Action) -> &'static [TicketStatus] {
        const ALL: &[TicketStatus] = &[New, InProgress, Waiting, Resolved, Closed];
        const NOT_CLOSED: &[TicketStatus] = &[New, InProgress, Waiting, Resolved];
        const OPEN: &[TicketStatus] = &[New, InProgress, Waiting];
        match action {
            Action::Followup | Action::InternalNote | Action::Attach | Action::Assign => NOT_CLOSED,
            Action::ApproveSolution | Action::RejectSolution => &[Resolved],
            Action::Withdraw | Action::ProposeSolution => OPEN,
            Action::Share | Action::ChangeNotifications | Action::Classify => ALL,
            Action::Rate | Action::Reopen => &[Closed],
            // Setting the status it has already changes nothing, and is accepted.
            Action::SetStatus(InProgress) => &[New, InProgress, Waiting],
            Action::SetStatus(Waiting) => &[InProgress, Waiting],
            Action::SetStatus(_) => &[],
        }
    }

    fn people() -> [(&'static str, Viewer); 6] {
        [
            ("requester", claire()),
            ("colleague", colleague()),
            ("referent", remi()),
            ("other referent", other_referent()),
            ("agent", agent()),
            ("admin", admin()),
        ]
    }

    #[test]
    fn every_action_of_every_viewer_on_every_status() {
        for status in TicketStatus::ALL.iter().copied() {
            let ticket = facts(status);
            for (who, viewer) in people() {
                for action in EVERY_ACTION {
                    let person = expected_people(action).contains(&who);
                    let in_status = expected_statuses(action).contains(&status);
                    assert_eq!(
                        who_may(&viewer, &ticket, action).is_ok(),
                        person,
                        "{who} {action:?} on {status}"
                    );
                    assert_eq!(
                        may(&viewer, &ticket, action),
                        person && in_status,
                        "{who} {action:?} on {status}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_refusal_says_why_as_the_server_answers_it() {
        let ticket = facts(Resolved);
        let reason = |viewer: Viewer, action| who_may(&viewer, &ticket, action).err();
        assert_eq!(
            reason(colleague(), Action::Withdraw).map(|f| f.reason),
            Some("only the requester withdraws a ticket")
        );
        assert_eq!(
            reason(other_referent(), Action::ApproveSolution).map(|f| f.to_string()),
            Some("only the requester or a referent of the company can do this".to_owned())
        );
        assert_eq!(
            reason(claire(), Action::Reopen).map(|f| f.reason),
            Some("only the support team can do this")
        );
        assert_eq!(
            reason(remi(), Action::Rate).map(|f| f.reason),
            Some("only the requester rates a ticket")
        );
        assert_eq!(
            reason(claire(), Action::InternalNote).map(|f| f.reason),
            Some("only the support team writes internal notes")
        );
        assert_eq!(
            reason(agent(), Action::ChangeNotifications).map(|f| f.reason),
            Some("only the requester changes the ticket's notifications")
        );
    }

    #[test]
    fn a_followup_moves_as_its_author_s_side_says() {
        let waiting = facts(Waiting);
        let new = facts(New);
        assert_eq!(
            Action::Followup.requested_move(&claire()),
            Some(Move::CustomerFollowup)
        );
        assert_eq!(
            Action::Followup.requested_move(&admin()),
            Some(Move::AgentFollowup)
        );
        let after = |viewer: Viewer, ticket: &TicketFacts| {
            Action::Followup
                .requested_move(&viewer)
                .and_then(|requested| next_status(ticket.status, requested).ok())
        };
        assert_eq!(after(claire(), &waiting), Some(InProgress));
        assert_eq!(after(agent(), &waiting), Some(Waiting));
        assert_eq!(after(claire(), &new), Some(New));
        assert_eq!(after(agent(), &new), Some(InProgress));
    }

    #[test]
    fn the_facts_come_from_the_ticket_resource() {
        let mut shown = ticket(Closed);
        shown.assignee = Some(NamedRef {
            id: 10,
            name: "Agent".to_owned(),
        });
        shown.satisfaction = Some(Satisfaction {
            rating: 4,
            comment: None,
        });
        assert_eq!(
            TicketFacts::from(&shown),
            TicketFacts {
                status: Closed,
                requester: UserId(1),
                company: CompanyId(1),
                assignee: Some(UserId(10)),
                rated: true,
            }
        );
    }

    #[test]
    fn the_requester_may_withdraw_an_open_ticket_only() {
        for status in [New, InProgress, Waiting] {
            assert!(on(&ticket(status), &claire()).withdraw, "{status}");
        }
        for status in [Resolved, Closed] {
            assert!(!on(&ticket(status), &claire()).withdraw, "{status}");
        }
        assert!(!on(&ticket(New), &colleague()).withdraw);
        assert!(!on(&ticket(New), &agent()).withdraw);
    }

    #[test]
    fn a_solution_is_decided_by_the_requester_or_a_referent_of_the_company() {
        let resolved = ticket(Resolved);
        assert!(on(&resolved, &claire()).decide);
        assert!(on(&resolved, &remi()).decide);
        assert!(!on(&resolved, &colleague()).decide);
        assert!(!on(&resolved, &agent()).decide);
        assert!(!on(&resolved, &other_referent()).decide);
        assert!(!on(&ticket(InProgress), &claire()).decide);
    }

    #[test]
    fn a_closed_ticket_takes_no_followup_but_may_be_rated_once_and_reopened() {
        let mut closed = ticket(Closed);
        let customer = on(&closed, &claire());
        assert!(!customer.followup && !customer.attach);
        assert!(customer.rate);
        assert!(!on(&closed, &colleague()).rate);
        let support = on(&closed, &agent());
        assert!(support.reopen && !support.followup && !support.rate);
        assert!(support.set_status.is_empty() && !support.propose_solution);
        closed.satisfaction = Some(Satisfaction {
            rating: 5,
            comment: None,
        });
        assert!(!on(&closed, &claire()).rate);
    }

    #[test]
    fn agents_move_the_status_as_the_table_allows() {
        let targets = |status| on(&ticket(status), &agent()).set_status;
        assert_eq!(targets(New), [InProgress]);
        assert_eq!(targets(InProgress), [Waiting]);
        assert_eq!(targets(Waiting), [InProgress]);
        assert!(targets(Resolved).is_empty());
        assert!(targets(Closed).is_empty());
        assert!(on(&ticket(Waiting), &agent()).propose_solution);
        assert!(!on(&ticket(Resolved), &agent()).propose_solution);
    }

    #[test]
    fn customers_get_no_agent_panel_and_agents_no_customer_decisions() {
        let customer = on(&ticket(InProgress), &claire());
        assert!(!customer.agent_panel());
        assert!(!customer.internal_note);
        assert!(customer.followup && customer.share && customer.attach);
        for support in [agent(), admin()] {
            let support = on(&ticket(InProgress), &support);
            assert!(support.agent_panel() && support.internal_note);
        }
    }

    #[test]
    fn assign_to_me_is_offered_unless_already_mine() {
        let mut mine = ticket(InProgress);
        assert!(on(&mine, &agent()).assign_me);
        mine.assignee = Some(NamedRef {
            id: 10,
            name: "Agent".to_owned(),
        });
        assert!(!on(&mine, &agent()).assign_me);
        mine.assignee = Some(NamedRef {
            id: 11,
            name: "Autre".to_owned(),
        });
        assert!(on(&mine, &agent()).assign_me);
    }

    #[test]
    fn only_the_requester_chooses_the_ticket_s_mails() {
        for status in TicketStatus::ALL {
            let shown = ticket(*status);
            assert!(on(&shown, &claire()).notifications, "{status}");
            assert!(!on(&shown, &remi()).notifications, "{status}");
            assert!(!on(&shown, &colleague()).notifications, "{status}");
            assert!(!on(&shown, &agent()).notifications, "{status}");
        }
    }

    #[test]
    fn agents_assign_anyone_or_nobody_until_the_ticket_closes() {
        assert!(on(&ticket(New), &agent()).assign);
        assert!(on(&ticket(Resolved), &agent()).assign);
        assert!(!on(&ticket(Closed), &agent()).assign);
        assert!(!on(&ticket(New), &claire()).assign);
    }

    #[test]
    fn agents_classify_a_ticket_in_any_status_as_the_server_accepts() {
        for status in TicketStatus::ALL {
            assert!(on(&ticket(*status), &agent()).classify, "{status}");
            assert!(!on(&ticket(*status), &remi()).classify, "{status}");
        }
        assert!(on(&ticket(Closed), &agent()).agent_panel());
    }
}
