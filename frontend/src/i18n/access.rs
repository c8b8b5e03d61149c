//! The strings of consented support access (issue 17): the agents' panel on a ticket, the
//! customer's "Activer l'assistance" panel (ticket and profile) and the assisted session's
//! banner. Kept apart from [`super::Texts`] so that the screens of this domain bring their
//! own table; [`super::I18n::access`] gives the current language's.
use guichet_types::{Locale, SupportAccessState};

use super::{fill, I18n};

pub struct AccessTexts {
    pub heading: &'static str,
    pub ask: &'static str,
    pub asked_done: &'static str,
    pub start_session: &'static str,
    /// `{agent}`, `{requested}`, `{lapses}`.
    pub requested: &'static str,
    /// `{customer}`, `{until}`.
    pub granted: &'static str,
    /// `{customer}`, `{at}`.
    pub refused: &'static str,
    /// `{customer}`, `{at}`.
    pub revoked: &'static str,
    /// `{at}`.
    pub lapsed: &'static str,
    /// `{at}`.
    pub ended: &'static str,
    /// `{customer}`, `{note}`.
    pub note_from: &'static str,
    pub state_requested: &'static str,
    pub state_granted: &'static str,
    pub state_refused: &'static str,
    pub state_revoked: &'static str,
    pub state_lapsed: &'static str,
    pub state_ended: &'static str,
    pub error_open: &'static str,
    pub error_not_a_person: &'static str,
    pub error_not_yours: &'static str,
    pub error_not_granted: &'static str,
    pub error_answered: &'static str,

    // The customer's panel.
    pub enable_heading: &'static str,
    /// `{agent}`, `{lapses}`.
    pub enable_intro: &'static str,
    pub until_label: &'static str,
    pub until_hint: &'static str,
    pub note_label: &'static str,
    pub grant: &'static str,
    pub refuse: &'static str,
    /// `{until}`.
    pub granted_yours: &'static str,
    pub end_access: &'static str,
    pub granted_done: &'static str,
    pub refused_done: &'static str,
    pub revoked_done: &'static str,
    pub error_in_the_past: &'static str,
    pub error_too_far: &'static str,
    pub error_unreadable: &'static str,
    pub error_note_too_long: &'static str,
    /// `{number}`, `{title}`.
    pub ticket_link: &'static str,
    pub profile_heading: &'static str,
    pub profile_none: &'static str,

    // The assisted session.
    /// `{customer}`, `{time}`.
    pub banner: &'static str,
    pub end_session: &'static str,
    /// `{number}`.
    pub back_to_ticket: &'static str,
    pub session_ended: &'static str,
    pub session_cut: &'static str,
    pub dismiss: &'static str,
}

static FR: AccessTexts = AccessTexts {
    heading: "Accès au compte",
    ask: "Demander l'accès au compte",
    asked_done: "La demande d'accès est envoyée au demandeur.",
    start_session: "Ouvrir une session assistée",
    requested: "Demandé par {agent} le {requested}\u{a0}; sans réponse, la demande expire le {lapses}.",
    granted: "Accès autorisé par {customer} jusqu'au {until}.",
    refused: "Accès refusé par {customer} le {at}.",
    revoked: "Accès retiré par {customer} le {at}.",
    lapsed: "Demande restée sans réponse, expirée le {at}.",
    ended: "Accès terminé le {at}.",
    note_from: "Note de {customer}\u{a0}: {note}",
    state_requested: "Demandé",
    state_granted: "Autorisé",
    state_refused: "Refusé",
    state_revoked: "Retiré",
    state_lapsed: "Expiré",
    state_ended: "Terminé",
    error_open: "Ce ticket a déjà une demande d'accès en cours.",
    error_not_a_person: "Le demandeur de ce ticket ne peut pas autoriser d'accès à un compte.",
    error_not_yours: "Seuls l'agent qui a demandé l'accès et l'agent assigné au ticket peuvent ouvrir une session assistée.",
    error_not_granted: "L'accès n'est pas autorisé en ce moment. La page est à jour.",
    error_answered: "Cette demande n'est plus en attente. La page est à jour.",
    enable_heading: "Activer l'assistance",
    enable_intro: "{agent}, de l'équipe d'assistance, demande à utiliser votre compte pour traiter ce ticket, sans connaître votre mot de passe. Sans réponse, la demande expire le {lapses}.",
    until_label: "L'accès au support est possible jusqu'au",
    until_hint: "Au plus 7 jours à partir de maintenant. Vous pourrez y mettre fin à tout moment.",
    note_label: "Note pour l'équipe d'assistance (facultative)",
    grant: "Autoriser l'accès",
    refuse: "Refuser",
    granted_yours: "L'équipe d'assistance peut utiliser votre compte pour ce ticket jusqu'au {until}.",
    end_access: "Mettre fin à l'accès",
    granted_done: "L'accès est autorisé.",
    refused_done: "Vous avez refusé l'accès.",
    revoked_done: "L'accès est terminé.",
    error_in_the_past: "Choisissez une date et une heure à venir.",
    error_too_far: "Choisissez une date dans les 7 jours à venir.",
    error_unreadable: "Saisissez une date et une heure.",
    error_note_too_long: "La note fait au plus 1\u{a0}000 caractères.",
    ticket_link: "Ticket {number}\u{a0}: {title}",
    profile_heading: "Activer l'assistance",
    profile_none: "Aucune demande d'accès à votre compte en cours.",
    banner: "Vous agissez pour {customer} — session assistée jusqu'à {time}",
    end_session: "Terminer la session",
    back_to_ticket: "Revenir au ticket {number}",
    session_ended: "La session assistée est terminée\u{a0}: vous agissez de nouveau en votre nom.",
    session_cut: "La session assistée a pris fin (le client a mis fin à l'accès, ou elle a expiré)\u{a0}: vous agissez de nouveau en votre nom.",
    dismiss: "Fermer",
};

static EN: AccessTexts = AccessTexts {
    heading: "Account access",
    ask: "Ask for access to the account",
    asked_done: "The access request was sent to the requester.",
    start_session: "Start an assisted session",
    requested: "Asked by {agent} on {requested}; unanswered, the request lapses on {lapses}.",
    granted: "Access granted by {customer} until {until}.",
    refused: "Access refused by {customer} on {at}.",
    revoked: "Access withdrawn by {customer} on {at}.",
    lapsed: "The request was not answered and lapsed on {at}.",
    ended: "Access ended on {at}.",
    note_from: "Note from {customer}: {note}",
    state_requested: "Requested",
    state_granted: "Granted",
    state_refused: "Refused",
    state_revoked: "Withdrawn",
    state_lapsed: "Lapsed",
    state_ended: "Ended",
    error_open: "This ticket already has an access request under way.",
    error_not_a_person: "This ticket's requester cannot grant access to an account.",
    error_not_yours: "Only the agent who asked for access and the ticket's assignee may start an assisted session.",
    error_not_granted: "Access is not granted at the moment. The page is up to date.",
    error_answered: "This request is no longer pending. The page is up to date.",
    enable_heading: "Enable support access",
    enable_intro: "{agent}, of the support team, asks to use your account to work on this ticket, without knowing your password. Unanswered, the request lapses on {lapses}.",
    until_label: "Support access is possible until",
    until_hint: "At most 7 days from now. You can end it at any time.",
    note_label: "Note for the support team (optional)",
    grant: "Grant access",
    refuse: "Refuse",
    granted_yours: "The support team may use your account for this ticket until {until}.",
    end_access: "End the access",
    granted_done: "Access is granted.",
    refused_done: "You refused the access.",
    revoked_done: "The access has ended.",
    error_in_the_past: "Choose a date and time in the future.",
    error_too_far: "Choose a date within the next 7 days.",
    error_unreadable: "Enter a date and a time.",
    error_note_too_long: "The note is at most 1,000 characters.",
    ticket_link: "Ticket {number}: {title}",
    profile_heading: "Enable support access",
    profile_none: "No pending or active access to your account.",
    banner: "You are acting for {customer} — assisted session until {time}",
    end_session: "End the session",
    back_to_ticket: "Back to ticket {number}",
    session_ended: "The assisted session has ended: you act in your own name again.",
    session_cut: "The assisted session ended (the customer ended the access, or it expired): you act in your own name again.",
    dismiss: "Dismiss",
};

pub fn access_texts(locale: Locale) -> &'static AccessTexts {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

impl AccessTexts {
    /// The short name of a state, for its badge.
    pub fn state(&self, state: SupportAccessState) -> &'static str {
        match state {
            SupportAccessState::Requested => self.state_requested,
            SupportAccessState::Granted => self.state_granted,
            SupportAccessState::Refused => self.state_refused,
            SupportAccessState::Revoked => self.state_revoked,
            SupportAccessState::Lapsed => self.state_lapsed,
            SupportAccessState::Ended => self.state_ended,
        }
    }

    /// The sentence under a grant's field for an error `code` (found here or answered).
    pub fn field_error(&self, field: &str, code: &str) -> &'static str {
        match (field, code) {
            ("until", "in_the_past") => self.error_in_the_past,
            ("until", "too_far") => self.error_too_far,
            ("until", _) => self.error_unreadable,
            _ => self.error_note_too_long,
        }
    }

    /// `template` with each `{name}` filled.
    pub fn fill_all(template: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(template.to_owned(), |text, (name, value)| {
                fill(&text, name, value)
            })
    }
}

impl I18n {
    /// The support-access strings of the current language (reactive).
    pub fn access(&self) -> &'static AccessTexts {
        access_texts(self.locale())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_grant_error_reads_apart_in_each_language() {
        for locale in Locale::ALL {
            let a = access_texts(*locale);
            let states: Vec<&str> = [
                SupportAccessState::Requested,
                SupportAccessState::Granted,
                SupportAccessState::Refused,
                SupportAccessState::Revoked,
                SupportAccessState::Lapsed,
                SupportAccessState::Ended,
            ]
            .iter()
            .map(|s| a.state(*s))
            .collect();
            let mut unique = states.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 6, "{locale}");
            assert_ne!(
                a.field_error("until", "too_far"),
                a.field_error("until", "in_the_past")
            );
        }
        assert_eq!(
            AccessTexts::fill_all(
                access_texts(Locale::Fr).banner,
                &[("customer", "Claire Martin"), ("time", "14:30")]
            ),
            "Vous agissez pour Claire Martin — session assistée jusqu'à 14:30"
        );
    }
}
