//! The events' readable names, kept out of the shared texts: only the webhook screens and
//! the failed deliveries show them.
use guichet_types::{Locale, TicketEvent};

/// The name of the event `name` (of [`TicketEvent::NAMES`], or `ping`) in `locale`; an
/// unknown name as it is.
pub fn event_label(locale: Locale, name: &str) -> String {
    let (fr, en) = match name {
        "created" => ("Ticket ouvert", "Ticket opened"),
        "followup" => ("Suivi", "Follow-up"),
        "internal_note" => ("Note interne", "Internal note"),
        "attachment_added" => ("Pièce jointe", "Attachment"),
        "status_changed" => ("Changement d'état", "Status changed"),
        "assigned" => ("Attribution", "Assigned"),
        "category_changed" => ("Changement de catégorie", "Category changed"),
        "impact_changed" => ("Changement d'impact", "Impact changed"),
        "solution_proposed" => ("Solution proposée", "Solution proposed"),
        "solution_approved" => ("Solution approuvée", "Solution approved"),
        "solution_rejected" => ("Solution refusée", "Solution rejected"),
        "withdrawn" => ("Ticket retiré", "Ticket withdrawn"),
        "auto_closed" => ("Clôture automatique", "Closed automatically"),
        "reopened" => ("Réouverture", "Reopened"),
        "shared" => ("Partage", "Shared"),
        "unshared" => ("Fin de partage", "Unshared"),
        "rated" => ("Évaluation", "Rated"),
        "ping" => ("Test", "Test"),
        other => return other.to_owned(),
    };
    match locale {
        Locale::Fr => fr.to_owned(),
        Locale::En => en.to_owned(),
    }
}

/// The known event names.
pub fn all_events() -> &'static [&'static str] {
    &TicketEvent::NAMES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_name_in_each_language() {
        for locale in Locale::ALL {
            for name in all_events() {
                assert_ne!(event_label(*locale, name), *name, "{name} in {locale}");
            }
        }
        assert_eq!(event_label(Locale::En, "escalated"), "escalated");
    }
}
