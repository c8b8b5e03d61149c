//! What the viewer may do to a ticket now, from its status and who they are to it: the page
//! shows a form only when the server would accept what it sends (SPEC.md, "Tickets").
use guichet_types::{CompanyId, Profile, Role, Ticket, TicketStatus, UserId};

/// The signed-in user, as far as a ticket's actions care.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub id: UserId,
    pub role: Role,
    pub company: Option<CompanyId>,
    /// `tickets.work`: the support team's actions.
    pub works: bool,
}

impl Viewer {
    pub fn of(profile: &Profile) -> Self {
        Self {
            id: profile.id,
            role: profile.role,
            company: profile.company.as_ref().map(|c| c.id),
            works: profile.permissions.iter().any(|p| p == "tickets.work"),
        }
    }
}

/// The actions offered on a ticket's page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actions {
    pub followup: bool,
    /// The follow-up may be marked internal.
    pub internal_note: bool,
    pub attach: bool,
    /// Approve or reject the proposed solution.
    pub decide: bool,
    pub withdraw: bool,
    pub share: bool,
    pub rate: bool,
    /// The requester's choice of mails about the ticket.
    pub notifications: bool,
    /// The statuses an agent may set by hand.
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

pub fn available(ticket: &Ticket, viewer: &Viewer) -> Actions {
    use TicketStatus::*;
    let status = ticket.status;
    let open = status.is_open();
    let closed = status == Closed;
    let requester = ticket.requester.id == viewer.id;
    let referent = viewer.role == Role::Referent && viewer.company == Some(ticket.company.id);
    let works = viewer.works;
    Actions {
        // A closed ticket takes no follow-up: the customer opens a new one.
        followup: !closed,
        internal_note: works && !closed,
        attach: !closed,
        decide: status == Resolved && (requester || referent),
        withdraw: requester && open,
        share: true,
        rate: requester && closed && ticket.satisfaction.is_none(),
        // The server takes these from the requester only, never from the support team.
        notifications: requester && !works,
        set_status: if works {
            match status {
                New => vec![InProgress],
                InProgress => vec![Waiting],
                Waiting => vec![InProgress],
                Resolved | Closed => Vec::new(),
            }
        } else {
            Vec::new()
        },
        assign_me: works
            && !closed
            && ticket
                .assignee
                .as_ref()
                .is_none_or(|assignee| assignee.id != viewer.id.0),
        assign: works && !closed,
        classify: works && !closed,
        propose_solution: works && open,
        reopen: works && closed,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use guichet_types::{NamedRef, Satisfaction};

    pub fn ticket(status: TicketStatus) -> Ticket {
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

    fn viewer(id: i64, role: Role, company: Option<i64>) -> Viewer {
        Viewer {
            id: UserId(id),
            role,
            company: company.map(CompanyId),
            works: role.is_staff(),
        }
    }

    fn claire() -> Viewer {
        viewer(1, Role::Customer, Some(1))
    }
    fn remi() -> Viewer {
        viewer(2, Role::Referent, Some(1))
    }
    fn colleague() -> Viewer {
        viewer(3, Role::Customer, Some(1))
    }
    fn agent() -> Viewer {
        viewer(10, Role::Agent, None)
    }

    #[test]
    fn the_requester_may_withdraw_an_open_ticket_only() {
        for status in [
            TicketStatus::New,
            TicketStatus::InProgress,
            TicketStatus::Waiting,
        ] {
            assert!(available(&ticket(status), &claire()).withdraw, "{status}");
        }
        for status in [TicketStatus::Resolved, TicketStatus::Closed] {
            assert!(!available(&ticket(status), &claire()).withdraw, "{status}");
        }
        assert!(!available(&ticket(TicketStatus::New), &colleague()).withdraw);
        assert!(!available(&ticket(TicketStatus::New), &agent()).withdraw);
    }

    #[test]
    fn a_solution_is_decided_by_the_requester_or_a_referent_of_the_company() {
        let resolved = ticket(TicketStatus::Resolved);
        assert!(available(&resolved, &claire()).decide);
        assert!(available(&resolved, &remi()).decide);
        assert!(!available(&resolved, &colleague()).decide);
        assert!(!available(&resolved, &agent()).decide);
        let other_referent = viewer(4, Role::Referent, Some(2));
        assert!(!available(&resolved, &other_referent).decide);
        assert!(!available(&ticket(TicketStatus::InProgress), &claire()).decide);
    }

    #[test]
    fn a_closed_ticket_takes_no_followup_but_may_be_rated_once_and_reopened() {
        let mut closed = ticket(TicketStatus::Closed);
        let customer = available(&closed, &claire());
        assert!(!customer.followup && !customer.attach);
        assert!(customer.rate);
        assert!(!available(&closed, &colleague()).rate);
        let support = available(&closed, &agent());
        assert!(support.reopen && !support.followup && !support.rate);
        assert!(support.set_status.is_empty() && !support.propose_solution);
        closed.satisfaction = Some(Satisfaction {
            rating: 5,
            comment: None,
        });
        assert!(!available(&closed, &claire()).rate);
    }

    #[test]
    fn agents_move_the_status_as_the_table_allows() {
        let targets = |status| available(&ticket(status), &agent()).set_status;
        assert_eq!(targets(TicketStatus::New), [TicketStatus::InProgress]);
        assert_eq!(targets(TicketStatus::InProgress), [TicketStatus::Waiting]);
        assert_eq!(targets(TicketStatus::Waiting), [TicketStatus::InProgress]);
        assert!(targets(TicketStatus::Resolved).is_empty());
        assert!(available(&ticket(TicketStatus::Waiting), &agent()).propose_solution);
        assert!(!available(&ticket(TicketStatus::Resolved), &agent()).propose_solution);
    }

    #[test]
    fn customers_get_no_agent_panel_and_agents_no_customer_decisions() {
        let customer = available(&ticket(TicketStatus::InProgress), &claire());
        assert!(!customer.agent_panel());
        assert!(!customer.internal_note);
        assert!(customer.followup && customer.share && customer.attach);
        let support = available(&ticket(TicketStatus::InProgress), &agent());
        assert!(support.agent_panel() && support.internal_note);
    }

    #[test]
    fn assign_to_me_is_offered_unless_already_mine() {
        let mut mine = ticket(TicketStatus::InProgress);
        assert!(available(&mine, &agent()).assign_me);
        mine.assignee = Some(NamedRef {
            id: 10,
            name: "Agent".to_owned(),
        });
        assert!(!available(&mine, &agent()).assign_me);
        mine.assignee = Some(NamedRef {
            id: 11,
            name: "Autre".to_owned(),
        });
        assert!(available(&mine, &agent()).assign_me);
    }

    #[test]
    fn only_the_requester_chooses_the_ticket_s_mails() {
        for status in TicketStatus::ALL {
            let shown = ticket(*status);
            assert!(available(&shown, &claire()).notifications, "{status}");
            assert!(!available(&shown, &remi()).notifications, "{status}");
            assert!(!available(&shown, &colleague()).notifications, "{status}");
            assert!(!available(&shown, &agent()).notifications, "{status}");
        }
    }

    #[test]
    fn agents_assign_anyone_or_nobody_until_the_ticket_closes() {
        assert!(available(&ticket(TicketStatus::New), &agent()).assign);
        assert!(available(&ticket(TicketStatus::Resolved), &agent()).assign);
        assert!(!available(&ticket(TicketStatus::Closed), &agent()).assign);
        assert!(!available(&ticket(TicketStatus::New), &claire()).assign);
    }
}
