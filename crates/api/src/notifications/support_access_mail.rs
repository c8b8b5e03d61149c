//! The mails of support access (issue 17), to the customer, in French and English: an agent
//! asks for access, an assisted session starts, an assisted session ends (with the changes
//! made in it).
use guichet_types::{assisted_name, Locale, SupportSessionEnd, TicketEvent};

use super::templates::{event_lines, render, Line, Rendered};

/// The ticket a mail is about, and the link to its page (where the access panel is).
pub struct AccessTicket<'a> {
    pub number: &'a str,
    pub title: &'a str,
    pub link: &'a str,
}

fn says(locale: Locale, french: String, english: String) -> Line {
    Line::Says(match locale {
        Locale::Fr => french,
        Locale::En => english,
    })
}

/// "Agnès Support asks for access to your account for this ticket."
pub fn access_requested(locale: Locale, agent: &str, ticket: &AccessTicket<'_>) -> Rendered {
    let lines = [
        says(
            locale,
            format!("{agent}, de l'équipe d'assistance, demande à accéder à votre compte pour traiter ce ticket, sans connaître votre mot de passe."),
            format!("{agent}, of the support team, asks for access to your account to work on this ticket, without knowing your password."),
        ),
        says(
            locale,
            "Sur la page du ticket, « Activer l'assistance » vous permet d'accepter jusqu'à la date de votre choix (7 jours au plus), ou de refuser. Sans réponse, la demande expire dans 48 heures.".to_owned(),
            "On the ticket's page, \"Enable assistance\" lets you accept until a time of your choice (at most 7 days), or refuse. Unanswered, the request lapses in 48 hours.".to_owned(),
        ),
    ];
    render(locale, ticket.number, ticket.title, &lines, ticket.link)
}

/// An assisted session started: who uses the account now, and how to end it.
pub fn session_started(locale: Locale, agent: &str, ticket: &AccessTicket<'_>) -> Rendered {
    let lines = [
        says(
            locale,
            format!("{agent} utilise maintenant votre compte pour traiter ce ticket."),
            format!("{agent} is now using your account to work on this ticket."),
        ),
        says(
            locale,
            "Vous pouvez mettre fin à l'accès à tout moment sur la page du ticket. Vous recevrez la liste des modifications à la fin de la session.".to_owned(),
            "You can end the access at any time on the ticket's page. You will receive the list of changes when the session ends.".to_owned(),
        ),
    ];
    render(locale, ticket.number, ticket.title, &lines, ticket.link)
}

/// What an assisted session's end mail tells.
pub struct SessionEnd<'a> {
    pub agent: &'a str,
    pub customer: &'a str,
    pub reason: SupportSessionEnd,
    /// The public events made in the session, oldest first.
    pub changes: &'a [TicketEvent],
}

/// An assisted session ended: why, and every change made in it.
pub fn session_ended(locale: Locale, end: &SessionEnd<'_>, ticket: &AccessTicket<'_>) -> Rendered {
    let agent = end.agent;
    let why = match end.reason {
        SupportSessionEnd::Agent => says(
            locale,
            format!("{agent} a terminé la session d'assistance sur votre compte."),
            format!("{agent} ended the assisted session on your account."),
        ),
        SupportSessionEnd::Revoked => says(
            locale,
            format!(
                "Vous avez mis fin à l'accès : la session d'assistance de {agent} est terminée."
            ),
            format!("You ended the access: {agent}'s assisted session is over."),
        ),
        SupportSessionEnd::Expired => says(
            locale,
            format!("La session d'assistance de {agent} sur votre compte a expiré."),
            format!("{agent}'s assisted session on your account has expired."),
        ),
    };
    let mut lines = vec![why];
    let actor = assisted_name(agent, end.customer, locale);
    let changes: Vec<Line> = end
        .changes
        .iter()
        .filter_map(|event| event_lines(event, &actor, ticket.number, locale, false))
        .flatten()
        .collect();
    if changes.is_empty() {
        lines.push(says(
            locale,
            "Aucune modification n'a été faite pendant la session.".to_owned(),
            "No change was made during the session.".to_owned(),
        ));
    } else {
        lines.push(says(
            locale,
            "Modifications faites pendant la session :".to_owned(),
            "Changes made during the session:".to_owned(),
        ));
        lines.extend(changes);
    }
    render(locale, ticket.number, ticket.title, &lines, ticket.link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_and_the_start_are_told_in_the_customers_language() {
        let ticket = AccessTicket {
            number: "T20261121.0001",
            title: "Imprimante",
            link: "https://support.example.com/tickets/T20261121.0001",
        };
        let asked = access_requested(Locale::En, "Agnès Support", &ticket);
        assert!(asked
            .text
            .contains("Agnès Support, of the support team, asks for access"));
        assert!(asked.subject.contains("T20261121.0001"));
        let started = session_started(Locale::Fr, "Agnès Support", &ticket);
        assert!(started
            .text
            .contains("Agnès Support utilise maintenant votre compte"));
        let started = session_started(Locale::En, "Agnès Support", &ticket);
        assert!(started
            .text
            .contains("Agnès Support is now using your account"));
    }

    #[test]
    fn the_end_mail_lists_the_changes_with_both_names_in_each_language() {
        let ticket = AccessTicket {
            number: "T20261121.0001",
            title: "Imprimante",
            link: "https://support.example.com/tickets/T20261121.0001",
        };
        let changes = [TicketEvent::Followup {
            body: "Pilote réinstallé".into(),
        }];
        let end = SessionEnd {
            agent: "Agnès Support",
            customer: "Claire Martin",
            reason: SupportSessionEnd::Agent,
            changes: &changes,
        };
        let french = session_ended(Locale::Fr, &end, &ticket);
        assert!(french
            .text
            .contains("Agnès Support pour Claire Martin a écrit :"));
        assert!(french.text.contains("> Pilote réinstallé"));
        let english = session_ended(Locale::En, &end, &ticket);
        assert!(english
            .text
            .contains("Agnès Support for Claire Martin wrote:"));
        let none = SessionEnd {
            changes: &[],
            reason: SupportSessionEnd::Expired,
            ..end
        };
        assert!(session_ended(Locale::En, &none, &ticket)
            .text
            .contains("No change was made"));
    }
}
