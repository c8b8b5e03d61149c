//! What an API token may do: its scopes, and the one table of the scope each operation needs.
//!
//! A token acts as its owner, so it never does more than the owner may (the role's
//! permissions and the ticket rules still apply); its scopes narrow that further. The server's
//! authentication asks [`needed`] with the route of the request, and the OpenAPI document
//! names the same scope on each operation, so what is documented is what is enforced.
use crate::enums::wire_enum;
use crate::Role;

wire_enum!(
    /// A right an API token carries (`tickets:read`, ...).
    TokenScope {
        TicketsRead = "tickets:read",
        TicketsWrite = "tickets:write",
        AttachmentsRead = "attachments:read",
        AttachmentsWrite = "attachments:write",
        AdminRead = "admin:read",
        AdminWrite = "admin:write",
        WebhooksManage = "webhooks:manage",
        ExportsRead = "exports:read",
    }
);

impl TokenScope {
    /// Whether an account of `role` can use the scope at all: a customer's token with
    /// `admin:write` could never do anything with it, so it is not offered.
    pub fn usable_by(self, role: Role) -> bool {
        use TokenScope::*;
        match self {
            TicketsRead | TicketsWrite | AttachmentsRead | AttachmentsWrite | ExportsRead => true,
            AdminRead | AdminWrite => role.is_staff(),
            WebhooksManage => role == Role::Admin,
        }
    }

    /// The scopes an account of `role` may give its tokens, in the order of [`TokenScope::ALL`].
    pub fn usable(role: Role) -> Vec<TokenScope> {
        TokenScope::ALL
            .iter()
            .copied()
            .filter(|scope| scope.usable_by(role))
            .collect()
    }
}

/// What an operation asks of a caller signed in with an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Any valid token (reading one's own profile).
    AnyToken,
    /// A token carrying this scope.
    Scope(TokenScope),
    /// A signed-in session: tokens are refused. Managing credentials and one's password is
    /// kept from tokens, so a leaked token cannot make itself new ones or lock its owner out.
    Session,
}

/// The scope the operation `method` on `route` (the route's template, as
/// `/api/v1/tickets/{number}`) needs; `None` for a route this table does not know, which the
/// server treats as [`Needs::Session`] (closed by default) and a test keeps empty.
pub fn needed(method: &str, route: &str) -> Option<Needs> {
    use TokenScope::*;
    let path = route.strip_prefix("/api/v1")?;
    let reads = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
    let read_or_write = |read, write| Some(Needs::Scope(if reads { read } else { write }));
    let first = path.trim_start_matches('/').split('/').next()?;
    match first {
        "me" if path == "/me" && reads => Some(Needs::AnyToken),
        "me" => Some(Needs::Session),
        "tickets" if path.ends_with("/attachments") => {
            read_or_write(AttachmentsRead, AttachmentsWrite)
        }
        "attachments" if reads => Some(Needs::Scope(AttachmentsRead)),
        "tickets" => read_or_write(TicketsRead, TicketsWrite),
        // What a ticket form and the landing page read.
        "categories" | "assets" | "announcements" | "staff" if reads => {
            Some(Needs::Scope(TicketsRead))
        }
        "events" if reads => Some(Needs::Scope(TicketsRead)),
        "exports" if reads => Some(Needs::Scope(ExportsRead)),
        // The knowledge base has no scopes of its own (a new scope would need its label in
        // every token screen): customers read and vote with the tickets' scopes, the
        // support team's writes and readings of revisions and votes are administration.
        "articles" if reads && (path.ends_with("/revisions") || path.ends_with("/feedback")) => {
            Some(Needs::Scope(AdminRead))
        }
        "articles" if reads => Some(Needs::Scope(TicketsRead)),
        // The editor's preview writes nothing, but only writers of articles need it.
        "articles" if path.ends_with("/feedback") || path.ends_with("/avoided-tickets") => {
            Some(Needs::Scope(TicketsWrite))
        }
        "articles" => Some(Needs::Scope(AdminWrite)),
        "provider-page" => read_or_write(TicketsRead, AdminWrite),
        "webhooks" => Some(Needs::Scope(WebhooksManage)),
        // A customer's consent is theirs to give in person: a token cannot grant or end it.
        "support-access" if path.ends_with("/grant") || path.ends_with("/revoke") => {
            Some(Needs::Session)
        }
        // The agents' side: assisted sessions started and ended.
        "support-access" => Some(Needs::Scope(TicketsWrite)),
        "service-accounts" if reads => Some(Needs::Scope(AdminRead)),
        "service-accounts" => Some(Needs::Session),
        // Asking for an account is a public form: nobody is signed in.
        "access-requests" if path == "/access-requests" && !reads => None,
        "categories" | "assets" | "announcements" | "companies" | "contacts" | "contracts"
        | "users" | "access-requests" | "audit-events" | "rejected-mails" | "dead-jobs" => {
            read_or_write(AdminRead, AdminWrite)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(method: &str, route: &str) -> Option<Needs> {
        needed(method, &format!("/api/v1{route}"))
    }

    #[test]
    fn scopes_keep_their_wire_names() {
        let names: Vec<&str> = TokenScope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "tickets:read",
                "tickets:write",
                "attachments:read",
                "attachments:write",
                "admin:read",
                "admin:write",
                "webhooks:manage",
                "exports:read"
            ]
        );
    }

    #[test]
    fn each_scope_allows_its_operations() {
        use TokenScope::*;
        let scope = |method, route| match needs(method, route) {
            Some(Needs::Scope(scope)) => Some(scope),
            _ => None,
        };
        assert_eq!(scope("GET", "/tickets"), Some(TicketsRead));
        assert_eq!(
            scope("GET", "/tickets/{number}/timeline"),
            Some(TicketsRead)
        );
        assert_eq!(scope("POST", "/tickets"), Some(TicketsWrite));
        assert_eq!(scope("PATCH", "/tickets/{number}"), Some(TicketsWrite));
        assert_eq!(
            scope("DELETE", "/tickets/{number}/watchers/{email}"),
            Some(TicketsWrite)
        );
        assert_eq!(
            scope("POST", "/tickets/{number}/attachments"),
            Some(AttachmentsWrite)
        );
        assert_eq!(
            scope("GET", "/tickets/{number}/attachments"),
            Some(AttachmentsRead)
        );
        assert_eq!(scope("GET", "/attachments/{id}"), Some(AttachmentsRead));
        assert_eq!(scope("GET", "/categories"), Some(TicketsRead));
        assert_eq!(scope("POST", "/categories"), Some(AdminWrite));
        assert_eq!(scope("GET", "/companies/{id}"), Some(AdminRead));
        assert_eq!(scope("PATCH", "/users/{id}"), Some(AdminWrite));
        assert_eq!(scope("GET", "/audit-events"), Some(AdminRead));
        assert_eq!(scope("GET", "/events"), Some(TicketsRead));
        assert_eq!(scope("GET", "/exports/tickets.csv"), Some(ExportsRead));
        assert_eq!(scope("POST", "/webhooks"), Some(WebhooksManage));
        assert_eq!(
            scope("GET", "/webhooks/{id}/deliveries"),
            Some(WebhooksManage)
        );
        assert_eq!(scope("GET", "/service-accounts"), Some(AdminRead));
        assert_eq!(scope("GET", "/articles"), Some(TicketsRead));
        assert_eq!(scope("GET", "/articles/{slug}"), Some(TicketsRead));
        assert_eq!(
            scope("GET", "/articles/{slug}/images/{id}"),
            Some(TicketsRead)
        );
        assert_eq!(
            scope("POST", "/articles/{slug}/feedback"),
            Some(TicketsWrite)
        );
        assert_eq!(
            scope("POST", "/articles/{slug}/avoided-tickets"),
            Some(TicketsWrite)
        );
        assert_eq!(scope("GET", "/articles/{slug}/feedback"), Some(AdminRead));
        assert_eq!(scope("GET", "/articles/{slug}/revisions"), Some(AdminRead));
        assert_eq!(scope("POST", "/articles"), Some(AdminWrite));
        assert_eq!(scope("GET", "/articles/suggestions"), Some(TicketsRead));
        assert_eq!(scope("POST", "/articles/preview"), Some(AdminWrite));
        assert_eq!(scope("PATCH", "/articles/{slug}"), Some(AdminWrite));
        assert_eq!(scope("POST", "/articles/{slug}/images"), Some(AdminWrite));
        assert_eq!(scope("GET", "/provider-page"), Some(TicketsRead));
        assert_eq!(scope("PUT", "/provider-page/{locale}"), Some(AdminWrite));
        assert_eq!(
            scope("POST", "/tickets/{number}/support-access"),
            Some(TicketsWrite)
        );
        assert_eq!(
            scope("POST", "/support-access/{id}/sessions"),
            Some(TicketsWrite)
        );
        assert_eq!(
            scope("DELETE", "/support-access/{id}/sessions/current"),
            Some(TicketsWrite)
        );
    }

    #[test]
    fn credentials_and_passwords_need_a_session() {
        assert_eq!(needs("GET", "/me"), Some(Needs::AnyToken));
        for (method, route) in [
            ("PATCH", "/me"),
            ("POST", "/me/password"),
            ("GET", "/me/tokens"),
            ("POST", "/me/tokens"),
            ("DELETE", "/me/tokens/{id}"),
            ("POST", "/service-accounts"),
            ("POST", "/service-accounts/{id}/tokens"),
            ("GET", "/me/support-access"),
            ("POST", "/support-access/{id}/grant"),
            ("POST", "/support-access/{id}/revoke"),
        ] {
            assert_eq!(
                needs(method, route),
                Some(Needs::Session),
                "{method} {route}"
            );
        }
    }

    #[test]
    fn routes_without_a_caller_have_no_rule() {
        assert_eq!(needs("GET", "/nothing-here"), None);
        assert_eq!(needs("POST", "/auth/login"), None);
        assert_eq!(needs("POST", "/access-requests"), None);
        assert_eq!(needed("GET", "/healthz"), None);
        assert_eq!(
            needs("GET", "/access-requests"),
            Some(Needs::Scope(TokenScope::AdminRead))
        );
    }

    #[test]
    fn customers_are_not_offered_the_administrators_scopes() {
        let names = |role| -> Vec<&str> {
            TokenScope::usable(role)
                .into_iter()
                .map(TokenScope::as_str)
                .collect()
        };
        assert_eq!(
            names(Role::Customer),
            [
                "tickets:read",
                "tickets:write",
                "attachments:read",
                "attachments:write",
                "exports:read"
            ]
        );
        assert_eq!(names(Role::Admin).len(), TokenScope::ALL.len());
        assert!(!names(Role::Agent).contains(&"webhooks:manage"));
    }
}
