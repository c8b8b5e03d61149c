//! What each role may do in general, named on the wire as `GET /me` lists them.
use crate::enums::wire_enum;
use crate::Role;

wire_enum!(
    /// Something an account may do; `GET /me` lists the caller's, and the SPA shows its screens
    /// and actions by them.
    Permission {
        TicketsCreate = "tickets.create",
        TicketsViewOwn = "tickets.view_own",
        TicketsViewCompany = "tickets.view_company",
        TicketsViewAll = "tickets.view_all",
        TicketsCreateForCustomer = "tickets.create_for_customer",
        TicketsWork = "tickets.work",
        Admin = "admin",
    }
);

impl Role {
    /// The permissions of this role, in the order `GET /me` lists them.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Customer => &[TicketsCreate, TicketsViewOwn],
            Role::Referent => &[TicketsCreate, TicketsViewOwn, TicketsViewCompany],
            Role::Agent => &[TicketsViewAll, TicketsCreateForCustomer, TicketsWork],
            Role::Admin => &[TicketsViewAll, TicketsCreateForCustomer, TicketsWork, Admin],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_keep_their_wire_names() {
        let names: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "tickets.create",
                "tickets.view_own",
                "tickets.view_company",
                "tickets.view_all",
                "tickets.create_for_customer",
                "tickets.work",
                "admin",
            ]
        );
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(*permission));
            assert_eq!(
                serde_json::to_value(permission).ok(),
                Some(serde_json::json!(permission.as_str()))
            );
        }
    }

    #[test]
    fn each_role_has_the_permissions_of_its_job() {
        let names =
            |role: Role| -> Vec<&str> { role.permissions().iter().map(|p| p.as_str()).collect() };
        assert_eq!(
            names(Role::Customer),
            ["tickets.create", "tickets.view_own"]
        );
        assert_eq!(
            names(Role::Referent),
            ["tickets.create", "tickets.view_own", "tickets.view_company"]
        );
        assert_eq!(
            names(Role::Agent),
            [
                "tickets.view_all",
                "tickets.create_for_customer",
                "tickets.work"
            ]
        );
        assert_eq!(
            names(Role::Admin),
            [
                "tickets.view_all",
                "tickets.create_for_customer",
                "tickets.work",
                "admin"
            ]
        );
    }

    #[test]
    fn only_the_support_team_works_tickets_and_only_admins_administer() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::TicketsWork), role.is_staff(), "{role}");
            assert_eq!(role.can(Permission::Admin), *role == Role::Admin, "{role}");
            assert_eq!(
                role.can(Permission::TicketsViewCompany),
                *role == Role::Referent,
                "{role}"
            );
        }
    }
}
