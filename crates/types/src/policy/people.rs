//! Who may act on whose account (`/users`): the server refuses with 403 what these refuse,
//! and the SPA offers only what they allow.
//!
//! Administrators do everything to anyone. Agents read customers and referents (the people
//! search behind phone tickets), and create, change, invite, reset and unlock customers, but
//! never give a role, move someone to another company or (de)activate an account. Nobody
//! changes their own role or deactivates themselves. Customers and referents: nothing.
use super::Permission;
use crate::Role;

/// What is done to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAct {
    /// See them in the search and on their page.
    Read,
    /// Change their details; mail them an invitation or a reset link; lift their lockout.
    Manage,
}

/// Whether a caller of role `actor` may `act` on a person of role `person`.
pub fn may_act_on(actor: Role, person: Role, act: PersonAct) -> bool {
    if actor.can(Permission::Admin) {
        return true;
    }
    actor.can(Permission::TicketsWork)
        && match act {
            PersonAct::Read => matches!(person, Role::Customer | Role::Referent),
            PersonAct::Manage => person == Role::Customer,
        }
}

/// Whether a caller of role `actor` may give `role` to a new or existing person.
pub fn may_give(actor: Role, role: Role) -> bool {
    actor.can(Permission::Admin) || (actor.can(Permission::TicketsWork) && role == Role::Customer)
}

/// The roles a caller of role `actor` may give, in the order a form lists them.
pub fn roles_to_give(actor: Role) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|role| may_give(actor, *role))
        .collect()
}

/// Whether a caller may change the role, company or activity of a person (`PATCH /users`'s
/// `role`, `company_id`, `active`): administrators, and never their own role or activity.
pub fn may_change_standing(actor: Role, oneself: bool) -> bool {
    actor.can(Permission::Admin) && !oneself
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_act_on_anyone_and_agents_on_customers() {
        for person in Role::ALL {
            for act in [PersonAct::Read, PersonAct::Manage] {
                assert!(may_act_on(Role::Admin, *person, act));
                assert!(!may_act_on(Role::Customer, *person, act));
                assert!(!may_act_on(Role::Referent, *person, act));
            }
        }
        assert!(may_act_on(Role::Agent, Role::Customer, PersonAct::Manage));
        assert!(may_act_on(Role::Agent, Role::Referent, PersonAct::Read));
        assert!(!may_act_on(Role::Agent, Role::Referent, PersonAct::Manage));
        assert!(!may_act_on(Role::Agent, Role::Agent, PersonAct::Read));
        assert!(!may_act_on(Role::Agent, Role::Admin, PersonAct::Read));
    }

    #[test]
    fn only_admins_give_other_roles_than_customer() {
        assert_eq!(roles_to_give(Role::Admin), Role::ALL);
        assert_eq!(roles_to_give(Role::Agent), [Role::Customer]);
        assert!(roles_to_give(Role::Customer).is_empty());
        assert!(roles_to_give(Role::Referent).is_empty());
    }

    #[test]
    fn nobody_changes_their_own_standing() {
        assert!(may_change_standing(Role::Admin, false));
        assert!(!may_change_standing(Role::Admin, true));
        assert!(!may_change_standing(Role::Agent, false));
    }
}
