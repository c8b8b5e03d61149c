//! What an assisted session may call (issue 17): an agent acting as a customer sees and does
//! what the customer could on the ticket of the access ("used only for that problem"), and
//! nothing that touches the customer's account: no password, no profile change, no tokens,
//! no support-access grants, no other ticket, no staff route.
//!
//! The server asks [`assisted_may`] with the route's template before the request is read;
//! a route it does not allow is a 403 `assisted_session_forbidden`. Ticket routes are further
//! limited to the access's ticket by the visibility rule (another ticket answers 404).

/// Whether an assisted session may call the operation `method` on `route` (its template,
/// as `/api/v1/tickets/{number}`). Closed by default: a route not listed here is refused.
pub fn assisted_may(method: &str, route: &str) -> bool {
    let Some(path) = route.strip_prefix("/api/v1") else {
        return false;
    };
    let reads = method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD");
    let deletes = method.eq_ignore_ascii_case("DELETE");
    match path {
        // What the ticket page reads around the ticket.
        "/me" | "/categories" | "/assets" | "/announcements" | "/attachments/{id}" => reads,
        // The agent ends the session with its own token.
        "/support-access/{id}/sessions/current" => deletes,
        // The support-access panel of the ticket is the customer's, not the session's.
        "/tickets/{number}/support-access" => false,
        // Everything the customer may do on one ticket (the visibility rule keeps it to the
        // access's ticket); not the list, not opening a new ticket.
        _ => path.starts_with("/tickets/{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn may(method: &str, route: &str) -> bool {
        assisted_may(method, &format!("/api/v1{route}"))
    }

    #[test]
    fn the_ticket_and_what_its_page_reads_are_allowed() {
        for (method, route) in [
            ("GET", "/tickets/{number}"),
            ("GET", "/tickets/{number}/timeline"),
            ("POST", "/tickets/{number}/followups"),
            ("POST", "/tickets/{number}/attachments"),
            ("POST", "/tickets/{number}/solution/approve"),
            ("DELETE", "/tickets/{number}/watchers/{email}"),
            ("GET", "/attachments/{id}"),
            ("GET", "/me"),
            ("GET", "/categories"),
            ("DELETE", "/support-access/{id}/sessions/current"),
        ] {
            assert!(may(method, route), "{method} {route}");
        }
    }

    #[test]
    fn the_customers_credentials_and_everything_else_are_refused() {
        for (method, route) in [
            ("PATCH", "/me"),
            ("POST", "/me/password"),
            ("GET", "/me/tokens"),
            ("POST", "/me/tokens"),
            ("DELETE", "/me/tokens/{id}"),
            ("GET", "/me/support-access"),
            ("POST", "/support-access/{id}/grant"),
            ("POST", "/support-access/{id}/revoke"),
            ("POST", "/support-access/{id}/sessions"),
            ("GET", "/tickets/{number}/support-access"),
            ("POST", "/tickets/{number}/support-access"),
            ("GET", "/tickets"),
            ("POST", "/tickets"),
            ("GET", "/events"),
            ("GET", "/exports/tickets.csv"),
            ("POST", "/webhooks"),
            ("GET", "/service-accounts"),
            ("GET", "/users"),
            ("POST", "/categories"),
            ("POST", "/auth/logout"),
        ] {
            assert!(!may(method, route), "{method} {route}");
        }
        assert!(!assisted_may("GET", "/healthz"));
    }
}
