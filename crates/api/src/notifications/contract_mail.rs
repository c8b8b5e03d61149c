//! The notice of a contract ending soon, mailed to the company's referents, in French and
//! English, plain text and HTML. Names come from users and are escaped in the HTML part.
use chrono::NaiveDate;
use guichet_types::{AccountManagerContact, Locale};

use super::templates::{colon, escape_html, Rendered};

/// What the notice tells.
pub struct EndingNotice<'a> {
    pub contract: &'a str,
    pub company: &'a str,
    pub ends_on: NaiveDate,
    pub days_left: i64,
    /// Whom to call to renew it; the support address otherwise.
    pub account_manager: Option<&'a AccountManagerContact>,
    pub support_email: &'a str,
    pub link: &'a str,
}

fn date(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Fr => day.format("%d/%m/%Y").to_string(),
        Locale::En => day.format("%-d %B %Y").to_string(),
    }
}

/// The notice to `name`, in `locale`.
pub fn ending_notice(locale: Locale, name: &str, notice: &EndingNotice<'_>) -> Rendered {
    let ends = date(notice.ends_on, locale);
    let (contract, company, days) = (notice.contract, notice.company, notice.days_left);
    let renew = match (locale, notice.account_manager) {
        (Locale::Fr, Some(manager)) if !manager.phone.is_empty() => format!(
            "Pour le renouveler, contactez votre responsable de compte, {}, au {}.",
            manager.name, manager.phone
        ),
        (Locale::Fr, Some(manager)) => format!(
            "Pour le renouveler, contactez votre responsable de compte, {}.",
            manager.name
        ),
        (Locale::Fr, None) => format!(
            "Pour le renouveler, écrivez-nous à {}.",
            notice.support_email
        ),
        (Locale::En, Some(manager)) if !manager.phone.is_empty() => format!(
            "To renew it, call your account manager, {}, at {}.",
            manager.name, manager.phone
        ),
        (Locale::En, Some(manager)) => format!(
            "To renew it, contact your account manager, {}.",
            manager.name
        ),
        (Locale::En, None) => format!("To renew it, write to us at {}.", notice.support_email),
    };
    let (subject, lines, portal, signature) = match locale {
        Locale::Fr => (
            format!("Votre contrat d'assistance se termine le {ends}"),
            vec![
                format!("Bonjour {name},"),
                format!(
                    "Le contrat d'assistance « {contract} » de {company} se termine le {ends}, dans {days} jour(s)."
                ),
                "Après cette date, vous pourrez toujours suivre vos tickets sur le portail, mais plus en ouvrir de nouveaux.".to_owned(),
                renew,
            ],
            "Le portail",
            "Le support",
        ),
        Locale::En => (
            format!("Your support contract ends on {ends}"),
            vec![
                format!("Hello {name},"),
                format!(
                    "The support contract \"{contract}\" of {company} ends on {ends}, in {days} day(s)."
                ),
                "After that day you can still follow your tickets on the portal, but not open new ones.".to_owned(),
                renew,
            ],
            "The portal",
            "The support team",
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

    fn notice<'a>(manager: Option<&'a AccountManagerContact>) -> EndingNotice<'a> {
        EndingNotice {
            contract: "Réseau <standard>",
            company: "Boréal & Fils",
            ends_on: NaiveDate::from_ymd_opt(2027, 3, 9).expect("a date"),
            days_left: 20,
            account_manager: manager,
            support_email: "support@guichet.test",
            link: "https://support.example.com/",
        }
    }

    #[test]
    fn the_notice_tells_the_date_and_whom_to_call_in_both_languages() {
        let manager = AccountManagerContact {
            name: "Agnès Support".into(),
            phone: "03 89 00 00 00".into(),
        };
        let french = ending_notice(Locale::Fr, "Rémi", &notice(Some(&manager)));
        assert_eq!(
            french.subject,
            "Votre contrat d'assistance se termine le 09/03/2027"
        );
        assert!(french.text.contains("dans 20 jour(s)"));
        assert!(french.text.contains("Agnès Support, au 03 89 00 00 00"));
        assert!(french
            .text
            .contains("Le portail : https://support.example.com/"));
        assert!(french.html.contains("Réseau &lt;standard&gt;"));
        assert!(french.html.contains("Boréal &amp; Fils"));
        let english = ending_notice(Locale::En, "Paul", &notice(None));
        assert_eq!(
            english.subject,
            "Your support contract ends on 9 March 2027"
        );
        assert!(english.text.contains("write to us at support@guichet.test"));
    }
}
