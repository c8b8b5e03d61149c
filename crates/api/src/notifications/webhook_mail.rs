//! The notice of a webhook endpoint disabled after failing for days, mailed to the admin who
//! registered it, in French and English, plain text and HTML.
use chrono::{DateTime, Utc};
use guichet_types::Locale;

use super::templates::{colon, escape_html, Rendered};

/// What the notice tells.
pub struct DisabledNotice<'a> {
    pub url: &'a str,
    pub failing_since: DateTime<Utc>,
    pub last_error: &'a str,
    /// The administration's page of webhooks.
    pub link: &'a str,
}

/// The notice to `name`, in `locale`.
pub fn disabled_notice(locale: Locale, name: &str, notice: &DisabledNotice<'_>) -> Rendered {
    let (url, error) = (notice.url, notice.last_error);
    let (subject, lines, portal, signature) = match locale {
        Locale::Fr => (
            "Webhook désactivé : l'adresse ne répond plus".to_owned(),
            vec![
                format!("Bonjour {name},"),
                format!(
                    "Le webhook vers {url} échoue depuis le {} (UTC) : il a été désactivé et ne reçoit plus d'événements.",
                    notice.failing_since.format("%d/%m/%Y %H:%M")
                ),
                format!("Dernière erreur : {error}"),
                "Une fois l'adresse réparée, réactivez-le dans l'administration ; les livraisons manquées peuvent être renvoyées depuis son historique.".to_owned(),
            ],
            "L'administration",
            "Guichet",
        ),
        Locale::En => (
            "Webhook disabled: the endpoint no longer answers".to_owned(),
            vec![
                format!("Hello {name},"),
                format!(
                    "The webhook to {url} has been failing since {} (UTC): it has been disabled and receives no more events.",
                    notice.failing_since.format("%-d %B %Y %H:%M")
                ),
                format!("Last error: {error}"),
                "Once the endpoint is fixed, activate it again in the administration; missed deliveries can be sent again from its history.".to_owned(),
            ],
            "The administration",
            "Guichet",
        ),
    };
    let mut text = String::new();
    let mut html = String::from("<!DOCTYPE html><html><body>");
    for line in &lines {
        text.push_str(&format!("{line}\n\n"));
        html.push_str(&format!("<p>{}</p>", escape_html(line)));
    }
    let link = notice.link;
    text.push_str(&format!(
        "{portal}{} {link}\n\n-- \n{signature}\n",
        colon(locale)
    ));
    html.push_str(&format!(
        "<p><a href=\"{}\">{portal}</a></p><p>-- <br>{signature}</p></body></html>",
        escape_html(link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_endpoint_and_the_error_in_both_languages() {
        let notice = DisabledNotice {
            url: "https://hooks.example.com/<in>",
            failing_since: DateTime::parse_from_rfc3339("2026-11-21T09:30:00Z")
                .expect("a time")
                .with_timezone(&Utc),
            last_error: "HTTP 503",
            link: "https://support.example.com/admin/webhooks",
        };
        let french = disabled_notice(Locale::Fr, "Alice", &notice);
        assert!(french.text.contains("depuis le 21/11/2026 09:30"));
        assert!(french.text.contains("Dernière erreur : HTTP 503"));
        assert!(french.html.contains("https://hooks.example.com/&lt;in&gt;"));
        let english = disabled_notice(Locale::En, "Alice", &notice);
        assert!(english.subject.starts_with("Webhook disabled"));
        assert!(english.text.contains("since 21 November 2026 09:30"));
    }
}
