//! Keeping only what a reply says: the quoted history mail clients append below (or
//! interleave as `>` lines) and the signature are dropped.

/// Lines that open the quoted history in common clients, French and English.
const HISTORY_MARKERS: &[&str] = &[
    "-----original message-----",
    "-----message d'origine-----",
    "-------- original message --------",
    "-------- message original --------",
    "-------- forwarded message --------",
    "________________________________",
];

/// Outlook's header block: `From:` / `De :` followed by `Sent:` / `Envoyé :` or `Date:`.
fn opens_header_block(line: &str, next: &[&str]) -> bool {
    let lower = line.to_lowercase();
    let from = lower.starts_with("from:") || lower.starts_with("de :") || lower.starts_with("de:");
    from && next.iter().take(3).any(|l| {
        let l = l.trim().to_lowercase();
        l.starts_with("sent:")
            || l.starts_with("envoyé :")
            || l.starts_with("envoyé:")
            || l.starts_with("date:")
            || l.starts_with("date :")
    })
}

/// "On Sat, 21 Nov 2026, Guichet <…> wrote:" or "Le … a écrit :", possibly wrapped over two
/// lines; returns how many lines the attribution takes.
fn attribution_lines(line: &str, next: Option<&str>) -> Option<usize> {
    let ends = |l: &str| {
        let l = l.trim_end().to_lowercase();
        l.ends_with("wrote:") || l.ends_with("a écrit :") || l.ends_with("a écrit:")
    };
    let lower = line.trim_start().to_lowercase();
    let opens = lower.starts_with("on ") || lower.starts_with("le ");
    if ends(line) && (opens || line.len() < 200) {
        return Some(1);
    }
    (opens && next.is_some_and(ends)).then_some(2)
}

/// The new text of a reply, without its quoted history and signature.
pub fn strip(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        // The signature delimiter is "-- "; some clients drop its space.
        if trimmed == "--" {
            break;
        }
        if HISTORY_MARKERS.contains(&trimmed.to_lowercase().as_str())
            || opens_header_block(trimmed, &lines[i + 1..])
            || attribution_lines(line, lines.get(i + 1).copied()).is_some()
        {
            break;
        }
        if trimmed.starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    let text = kept.join("\n");
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn drops_the_history_below_an_attribution() {
        let body = "Merci, c'est réparé.\n\nLe sam. 21 nov. 2026 à 10:00, Guichet <support@example.com> a écrit :\n> Bonjour,\n> Agnès a écrit :\n";
        assert_eq!(strip(body), "Merci, c'est réparé.");
        let wrapped = "Thanks!\n\nOn Sat, Nov 21, 2026 at 10:00 AM Guichet <\nsupport@example.com> wrote:\n> old";
        assert_eq!(strip(wrapped), "Thanks!");
    }

    #[test]
    fn drops_outlook_blocks_signatures_and_quoted_lines() {
        let outlook = "Voici le fichier.\r\n\r\nDe : Guichet <support@example.com>\r\nEnvoyé : samedi 21 novembre 2026 10:00\r\nÀ : Claire\r\nObjet : [T20261121.0001] Imprimante\r\n\r\nBonjour";
        assert_eq!(strip(outlook), "Voici le fichier.");
        let signed = "Oui.\n-- \nClaire Martin\nAcme";
        assert_eq!(strip(signed), "Oui.");
        let interleaved = "> Avez-vous redémarré ?\nOui, deux fois.\n> Et le câble ?\nBranché.";
        assert_eq!(strip(interleaved), "Oui, deux fois.\nBranché.");
        let original = "Top.\n\n-----Original Message-----\nFrom: x";
        assert_eq!(strip(original), "Top.");
    }

    #[test]
    fn keeps_a_plain_message_whole() {
        let body = "Bonjour,\n\nL'imprimante du 2e étage ne répond plus.\nDe plus, le scanner fait du bruit.\n";
        assert_eq!(
            strip(body),
            "Bonjour,\n\nL'imprimante du 2e étage ne répond plus.\nDe plus, le scanner fait du bruit."
        );
    }
}
