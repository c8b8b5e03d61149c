//! The words of the mails, in French and English, as plain text and HTML. Everything users
//! wrote is escaped in the HTML part.
use guichet_types::{Level, Locale, TicketEvent, TicketKind, TicketStatus};

/// A mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A paragraph of a mail: our sentence, or a quote of what someone wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Says(String),
    Quote(String),
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn status_label(status: TicketStatus, locale: Locale) -> &'static str {
    match (locale, status) {
        (Locale::Fr, TicketStatus::New) => "Nouveau",
        (Locale::Fr, TicketStatus::InProgress) => "En cours",
        (Locale::Fr, TicketStatus::Waiting) => "En attente",
        (Locale::Fr, TicketStatus::Resolved) => "Résolu",
        (Locale::Fr, TicketStatus::Closed) => "Clos",
        (Locale::En, TicketStatus::New) => "New",
        (Locale::En, TicketStatus::InProgress) => "In progress",
        (Locale::En, TicketStatus::Waiting) => "Waiting",
        (Locale::En, TicketStatus::Resolved) => "Resolved",
        (Locale::En, TicketStatus::Closed) => "Closed",
    }
}

/// A colon as the language writes it: French puts a space before it, English does not.
pub fn colon(locale: Locale) -> &'static str {
    match locale {
        Locale::Fr => " :",
        Locale::En => ":",
    }
}

pub fn level_label(level: Level, locale: Locale) -> &'static str {
    match (locale, level) {
        (Locale::Fr, Level::VeryLow) => "Très basse",
        (Locale::Fr, Level::Low) => "Basse",
        (Locale::Fr, Level::Medium) => "Moyenne",
        (Locale::Fr, Level::High) => "Haute",
        (Locale::Fr, Level::VeryHigh) => "Très haute",
        (Locale::En, Level::VeryLow) => "Very low",
        (Locale::En, Level::Low) => "Low",
        (Locale::En, Level::Medium) => "Medium",
        (Locale::En, Level::High) => "High",
        (Locale::En, Level::VeryHigh) => "Very high",
    }
}

fn kind_label(kind: TicketKind, locale: Locale) -> &'static str {
    match (locale, kind) {
        (Locale::Fr, TicketKind::Incident) => "Incident",
        (Locale::Fr, TicketKind::Request) => "Demande",
        (Locale::En, TicketKind::Incident) => "Incident",
        (Locale::En, TicketKind::Request) => "Request",
    }
}

/// How much of a new ticket's description its mails quote.
pub const SUMMARY_DESCRIPTION_CHARS: usize = 300;

/// What a new ticket is about, for the requester's acknowledgement and the support team's
/// alert: both can then act on the mail alone.
pub struct Summary<'a> {
    pub kind: TicketKind,
    pub category_fr: &'a str,
    pub category_en: &'a str,
    pub urgency: Level,
    pub description: &'a str,
}

pub fn summary_lines(summary: &Summary<'_>, locale: Locale) -> Vec<Line> {
    let fr = locale == Locale::Fr;
    let category = if fr {
        summary.category_fr
    } else {
        summary.category_en
    };
    let (kind, urgency) = (
        kind_label(summary.kind, locale),
        level_label(summary.urgency, locale),
    );
    let mut description: String = summary
        .description
        .chars()
        .take(SUMMARY_DESCRIPTION_CHARS)
        .collect();
    if summary.description.chars().count() > SUMMARY_DESCRIPTION_CHARS {
        description.push('…');
    }
    vec![
        Line::Says(if fr {
            format!("Type : {kind} — catégorie : {category} — urgence : {urgency}.")
        } else {
            format!("Type: {kind}, category: {category}, urgency: {urgency}.")
        }),
        Line::Says(if fr { "Description :" } else { "Description:" }.to_owned()),
        Line::Quote(description),
    ]
}

/// The paragraphs telling one event, or `None` for events that send no mail.
/// `acknowledgement` is true for the requester's copy of their own new ticket.
pub fn event_lines(
    event: &TicketEvent,
    actor: &str,
    number: &str,
    locale: Locale,
    acknowledgement: bool,
) -> Option<Vec<Line>> {
    let fr = locale == Locale::Fr;
    let says = |french: String, english: String| Line::Says(if fr { french } else { english });
    let quote = |text: &str| Line::Quote(text.to_owned());
    let lines = match event {
        TicketEvent::Created { .. } if acknowledgement => vec![says(
            format!("Nous avons bien reçu votre demande : elle est enregistrée sous le numéro {number}. Vous serez informé par mail de chacune de ses suites."),
            format!("We have received your request: its number is {number}. You will be told by email of everything that happens to it."),
        )],
        TicketEvent::Created { .. } => vec![says(format!("{actor} a ouvert le ticket {number}."), format!("{actor} opened ticket {number}."))],
        TicketEvent::Followup { body } => vec![says(format!("{actor} a écrit :"), format!("{actor} wrote:")), quote(body)],
        TicketEvent::InternalNote { body } => vec![
            says(format!("{actor} a ajouté une note interne :"), format!("{actor} added an internal note:")),
            quote(body),
        ],
        TicketEvent::AttachmentAdded { attachment } => {
            let name = &attachment.file_name;
            vec![says(format!("{actor} a ajouté le fichier « {name} »."), format!("{actor} attached the file \"{name}\"."))]
        }
        TicketEvent::StatusChanged { from, to } => {
            let (from, to) = (status_label(*from, locale), status_label(*to, locale));
            vec![says(format!("Statut : {from} → {to}."), format!("Status: {from} → {to}."))]
        }
        TicketEvent::Assigned { assignee } => match assignee.as_ref().map(|a| &a.name) {
            Some(name) => vec![says(format!("Le ticket est pris en charge par {name}."), format!("{name} is now handling the ticket."))],
            None => vec![says("Le ticket n'est plus attribué à personne.".to_owned(), "The ticket is no longer assigned to anyone.".to_owned())],
        },
        TicketEvent::CategoryChanged { from, to } => {
            let (from, to) = (&from.name, &to.name);
            vec![says(format!("Catégorie : {from} → {to}."), format!("Category: {from} → {to}."))]
        }
        TicketEvent::ImpactChanged { from, to } => {
            let (from, to) = (level_label(*from, locale), level_label(*to, locale));
            vec![says(format!("Impact : {from} → {to}."), format!("Impact: {from} → {to}."))]
        }
        TicketEvent::SolutionProposed { body, .. } => vec![
            says(format!("{actor} propose une solution :"), format!("{actor} proposes a solution:")),
            quote(body),
            says(
                "Approuvez-la ou refusez-la sur la page du ticket.".to_owned(),
                "Approve or reject it on the ticket's page.".to_owned(),
            ),
        ],
        TicketEvent::SolutionApproved { comment, .. } => {
            let mut lines = vec![says(format!("{actor} a approuvé la solution : le ticket est clos."), format!("{actor} approved the solution: the ticket is closed."))];
            lines.extend(comment.as_deref().map(quote));
            lines
        }
        TicketEvent::SolutionRejected { reason, .. } => vec![
            says(format!("{actor} a refusé la solution :"), format!("{actor} rejected the solution:")),
            quote(reason),
        ],
        TicketEvent::Withdrawn { reason, .. } => vec![says(format!("{actor} a clos le ticket :"), format!("{actor} closed the ticket:")), quote(reason)],
        TicketEvent::AutoClosed { .. } => vec![says(
            "La solution proposée n'ayant pas reçu de réponse, le ticket a été clos automatiquement.".to_owned(),
            "The proposed solution got no answer, so the ticket was closed automatically.".to_owned(),
        )],
        TicketEvent::Reopened { reason, .. } => vec![says(format!("{actor} a rouvert le ticket :"), format!("{actor} reopened the ticket:")), quote(reason)],
        TicketEvent::Shared { email } => {
            vec![says(format!("{actor} a partagé le ticket avec {email}."), format!("{actor} shared the ticket with {email}."))]
        }
        // Nobody is mailed about a watcher's removal or a rating.
        TicketEvent::Unshared { .. } | TicketEvent::Rated { .. } => return None,
    };
    Some(lines)
}

/// Puts paragraphs, the ticket's link and a signature into a mail.
pub fn render(locale: Locale, number: &str, title: &str, lines: &[Line], link: &str) -> Rendered {
    let (see, signature) = match locale {
        Locale::Fr => ("Voir le ticket", "Le support"),
        Locale::En => ("See the ticket", "The support team"),
    };
    let subject = format!("[{number}] {}", one_line(title));
    let mut text = String::new();
    let mut html = String::from("<!DOCTYPE html><html><body>");
    for line in lines {
        match line {
            Line::Says(sentence) => {
                text.push_str(sentence);
                text.push_str("\n\n");
                html.push_str(&format!("<p>{}</p>", escape_html(sentence)));
            }
            Line::Quote(quote) => {
                for row in quote.lines() {
                    text.push_str("> ");
                    text.push_str(row);
                    text.push('\n');
                }
                text.push('\n');
                let quoted = escape_html(quote).replace('\n', "<br>");
                html.push_str(&format!("<blockquote>{quoted}</blockquote>"));
            }
        }
    }
    let colon = colon(locale);
    text.push_str(&format!("{see}{colon} {link}\n\n-- \n{signature}\n"));
    html.push_str(&format!(
        "<p><a href=\"{}\">{see}</a></p><p>-- <br>{signature}</p></body></html>",
        escape_html(link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

/// Says that answering the mail writes on the ticket (mails with a signed Reply-To).
pub fn reply_hint(locale: Locale) -> Line {
    Line::Says(
        match locale {
            Locale::Fr => "Vous pouvez répondre à ce mail : votre réponse sera ajoutée au ticket.",
            Locale::En => "You can reply to this mail: your answer will be added to the ticket.",
        }
        .to_owned(),
    )
}

/// The invitation to rate a closed ticket (seed 003).
pub fn rating_invitation(locale: Locale, number: &str, title: &str, link: &str) -> Rendered {
    let line = match locale {
        Locale::Fr => "Votre ticket est clos. Comment s'est passé son traitement ? Donnez-nous votre avis, de 1 à 5, sur la page du ticket.",
        Locale::En => "Your ticket is closed. How did we do? Rate our service from 1 to 5 on the ticket's page.",
    };
    render(locale, number, title, &[Line::Says(line.to_owned())], link)
}

/// Subjects are one line: CR and LF never reach a header.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html_and_quoted_in_text() {
        let followup = TicketEvent::Followup {
            body: "<script>alert(1)</script>\nligne 2".into(),
        };
        let lines = event_lines(&followup, "Claire", "T20261121.0001", Locale::Fr, false)
            .expect("notifies");
        let mail = render(
            Locale::Fr,
            "T20261121.0001",
            "Écran\r\nBcc: x@y",
            &lines,
            "http://h/tickets/T20261121.0001",
        );
        assert_eq!(mail.subject, "[T20261121.0001] Écran  Bcc: x@y");
        assert!(mail.html.contains("&lt;script&gt;") && !mail.html.contains("<script>"));
        assert!(mail.text.contains("> <script>alert(1)</script>\n> ligne 2"));
        assert!(mail.text.contains("http://h/tickets/T20261121.0001"));
    }

    #[test]
    fn english_has_no_space_before_its_colons_and_french_keeps_it() {
        let link = "http://h/tickets/T1";
        let en = render(Locale::En, "T1", "t", &[], link);
        let fr = render(Locale::Fr, "T1", "t", &[], link);
        assert!(en.text.contains("See the ticket: http://h/"), "{}", en.text);
        assert!(
            fr.text.contains("Voir le ticket : http://h/"),
            "{}",
            fr.text
        );
        let summary = Summary {
            kind: TicketKind::Request,
            category_fr: "Facturation",
            category_en: "Billing",
            urgency: Level::VeryHigh,
            description: &"é".repeat(SUMMARY_DESCRIPTION_CHARS + 1),
        };
        for (locale, expected) in [
            (
                Locale::En,
                "Type: Request, category: Billing, urgency: Very high.",
            ),
            (
                Locale::Fr,
                "Type : Demande — catégorie : Facturation — urgence : Très haute.",
            ),
        ] {
            let lines = summary_lines(&summary, locale);
            assert_eq!(lines[0], Line::Says(expected.to_owned()));
            assert_eq!(
                lines[2],
                Line::Quote(format!("{}…", "é".repeat(SUMMARY_DESCRIPTION_CHARS)))
            );
        }
        let solution = TicketEvent::SolutionProposed {
            body: "b".into(),
            from: TicketStatus::InProgress,
            to: TicketStatus::Resolved,
        };
        for line in event_lines(&solution, "A", "T1", Locale::En, false)
            .into_iter()
            .flatten()
            .chain(summary_lines(&summary, Locale::En))
        {
            if let Line::Says(sentence) = line {
                for mark in [" :", " ?", " !", " ;"] {
                    assert!(!sentence.contains(mark), "{sentence}");
                }
            }
        }
    }

    #[test]
    fn both_languages() {
        let moved = TicketEvent::StatusChanged {
            from: TicketStatus::InProgress,
            to: TicketStatus::Waiting,
        };
        let fr = event_lines(&moved, "Agnès", "T1", Locale::Fr, false);
        let en = event_lines(&moved, "Agnès", "T1", Locale::En, false);
        assert_eq!(
            fr,
            Some(vec![Line::Says("Statut : En cours → En attente.".into())])
        );
        assert_eq!(
            en,
            Some(vec![Line::Says("Status: In progress → Waiting.".into())])
        );
        assert_eq!(
            event_lines(
                &TicketEvent::Rated {
                    rating: 5,
                    comment: None
                },
                "A",
                "T1",
                Locale::Fr,
                false
            ),
            None
        );
    }
}
