//! The mails of accounts by email: the password-reset link, the set-password link of a
//! granted access request and the invitation to an account the support team made, in French
//! and English, plain text and HTML. Names come from users
//! and are escaped in the HTML part; the link is ours, but escaped all the same.
use guichet_types::Locale;

use super::templates::{colon, escape_html, Rendered};

/// Which link a mail carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountLink {
    /// `/reset-password#token=…`, valid 1 hour.
    PasswordReset,
    /// `/set-password#token=…` for a new account, valid 24 hours.
    SetPassword,
    /// `/set-password#token=…` for an account the support team made, valid 7 days.
    Invitation,
}

/// The mail carrying `link` to `name`; `company` names the company of a new account (empty
/// for the support team).
pub fn render(
    kind: AccountLink,
    locale: Locale,
    name: &str,
    company: &str,
    link: &str,
) -> Rendered {
    let (subject, greeting, lines, action, signature) = match (kind, locale) {
        (AccountLink::Invitation, Locale::Fr) => (
            "Invitation au portail de support",
            format!("Bonjour {name},"),
            vec![
                match company {
                    "" => "Un compte du portail de support vous a été ouvert.".to_owned(),
                    company => format!("Un compte du portail de support vous a été ouvert pour {company}."),
                },
                "Ce lien vous permet de choisir votre mot de passe. Il est valable 7 jours et ne sert qu'une fois ; passé ce délai, demandez un nouveau lien par « mot de passe oublié ».".to_owned(),
                "Si vous ne vous attendiez pas à ce message, ignorez-le.".to_owned(),
            ],
            "Choisir mon mot de passe",
            "Le support",
        ),
        (AccountLink::Invitation, Locale::En) => (
            "Your invitation to the support portal",
            format!("Hello {name},"),
            vec![
                match company {
                    "" => "A support portal account was made for you.".to_owned(),
                    company => format!("A support portal account was made for you at {company}."),
                },
                "This link lets you choose your password. It is valid for 7 days and works once; after that, ask for a new link with \"forgot password\".".to_owned(),
                "If you did not expect this message, ignore it.".to_owned(),
            ],
            "Choose my password",
            "The support team",
        ),
        (AccountLink::PasswordReset, Locale::Fr) => (
            "Réinitialisation de votre mot de passe",
            format!("Bonjour {name},"),
            vec![
                "Une demande de réinitialisation du mot de passe de votre compte du portail de support a été faite.".to_owned(),
                "Ce lien vous permet de choisir un nouveau mot de passe. Il est valable une heure et ne sert qu'une fois ; toutes vos sessions ouvertes seront fermées.".to_owned(),
                "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.".to_owned(),
            ],
            "Choisir un nouveau mot de passe",
            "Le support",
        ),
        (AccountLink::PasswordReset, Locale::En) => (
            "Reset your password",
            format!("Hello {name},"),
            vec![
                "Someone asked to reset the password of your support portal account.".to_owned(),
                "This link lets you choose a new password. It is valid for one hour and works once; every open session will be signed out.".to_owned(),
                "If you did not ask for it, ignore this message: your password stays as it is.".to_owned(),
            ],
            "Choose a new password",
            "The support team",
        ),
        (AccountLink::SetPassword, Locale::Fr) => (
            "Votre accès au portail de support",
            format!("Bonjour {name},"),
            vec![
                format!("Votre compte du portail de support pour {company} est créé."),
                "Ce lien vous permet de choisir votre mot de passe. Il est valable 24 heures et ne sert qu'une fois.".to_owned(),
                "Si vous n'avez rien demandé, ignorez ce message.".to_owned(),
            ],
            "Choisir mon mot de passe",
            "Le support",
        ),
        (AccountLink::SetPassword, Locale::En) => (
            "Your access to the support portal",
            format!("Hello {name},"),
            vec![
                format!("Your support portal account for {company} is ready."),
                "This link lets you choose your password. It is valid for 24 hours and works once.".to_owned(),
                "If you did not ask for it, ignore this message.".to_owned(),
            ],
            "Choose my password",
            "The support team",
        ),
    };
    let mut text = format!("{greeting}\n\n");
    let mut html = format!(
        "<!DOCTYPE html><html><body><p>{}</p>",
        escape_html(&greeting)
    );
    let (first, rest) = lines.split_at(1);
    for line in first {
        text.push_str(&format!("{line}\n\n"));
        html.push_str(&format!("<p>{}</p>", escape_html(line)));
    }
    text.push_str(&format!("{action}{} {link}\n\n", colon(locale)));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        escape_html(link),
        escape_html(action)
    ));
    for line in rest {
        text.push_str(&format!("{line}\n\n"));
        html.push_str(&format!("<p>{}</p>", escape_html(line)));
    }
    text.push_str(&format!("-- \n{signature}\n"));
    html.push_str(&format!("<p>-- <br>{signature}</p></body></html>"));
    Rendered {
        subject: subject.to_owned(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_the_link_is_in_both_parts() {
        let link = "https://support.example.com/set-password#token=abc-DEF_123";
        let mail = render(
            AccountLink::SetPassword,
            Locale::Fr,
            "<b>Agnès</b>",
            "Acme & Cie",
            link,
        );
        assert!(mail.html.contains("&lt;b&gt;Agnès&lt;/b&gt;"));
        assert!(mail.html.contains("Acme &amp; Cie"));
        assert!(!mail.html.contains("<b>"));
        assert!(mail.text.contains(link) && mail.html.contains(link));
        let english = render(AccountLink::PasswordReset, Locale::En, "Paul", "", link);
        assert_eq!(english.subject, "Reset your password");
        assert!(english.text.contains("one hour"));
        assert!(english
            .text
            .contains(&format!("Choose a new password: {link}")));
        assert!(mail
            .text
            .contains(&format!("Choisir mon mot de passe : {link}")));
    }

    #[test]
    fn an_invitation_says_how_long_it_lasts_in_both_languages() {
        let link = "https://support.example.com/set-password#token=abc";
        let french = render(AccountLink::Invitation, Locale::Fr, "Julie", "Acme", link);
        assert_eq!(french.subject, "Invitation au portail de support");
        assert!(french.text.contains("pour Acme.") && french.text.contains("7 jours"));
        let english = render(AccountLink::Invitation, Locale::En, "Julie", "", link);
        assert!(english.text.contains("made for you.") && english.text.contains("7 days"));
        assert!(english
            .text
            .contains(&format!("Choose my password: {link}")));
    }
}
