//! Addresses in what people write (descriptions, messages, solutions) become links: built as
//! elements from the parsed text, never as HTML, and only for `http`, `https` and `mailto`.
use leptos::prelude::*;

/// A run of text, or an address to link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(String),
}

const SCHEMES: [&str; 3] = ["https://", "http://", "mailto:"];

/// Punctuation that ends a sentence rather than an address (`see https://x.test/a.`).
const TRAILING: [char; 9] = ['.', ',', ';', ':', '!', '?', '\'', '"', ')'];

/// Where an address starts at `at`, how long it is.
fn address_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let scheme = SCHEMES.iter().find(|scheme| {
        rest.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })?;
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(rest.len());
    let mut address = &rest[..end];
    while let Some(last) = address.chars().last() {
        // A closing parenthesis belongs to the address when it opened one (Wikipedia's).
        let balanced = last == ')' && address.matches('(').count() >= address.matches(')').count();
        if TRAILING.contains(&last) && !balanced {
            address = &address[..address.len() - last.len_utf8()];
        } else {
            break;
        }
    }
    // Something must follow the scheme.
    (address.len() > scheme.len()).then_some(address.len())
}

/// Cuts `text` into text and addresses; an address starts a word.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut found = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while at < text.len() {
        let starts_word = text[..at]
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '<' | '"' | '\'' | '«'));
        match starts_word.then(|| address_at(text, at)).flatten() {
            Some(len) => {
                if plain_from < at {
                    found.push(Piece::Text(text[plain_from..at].to_owned()));
                }
                found.push(Piece::Link(text[at..at + len].to_owned()));
                at += len;
                plain_from = at;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < text.len() {
        found.push(Piece::Text(text[plain_from..].to_owned()));
    }
    found
}

/// `text` with its addresses as links (the page keeps its line breaks with CSS).
#[component]
pub fn LinkedText(text: String) -> impl IntoView {
    pieces(&text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.into_any(),
            Piece::Link(address) => {
                let href = address.clone();
                view! { <a href=href rel="noopener noreferrer nofollow">{address}</a> }.into_any()
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Piece {
        Piece::Text(s.to_owned())
    }
    fn link(s: &str) -> Piece {
        Piece::Link(s.to_owned())
    }

    #[test]
    fn web_and_mail_addresses_become_links_without_the_sentence_s_punctuation() {
        assert_eq!(
            pieces("Voir https://intranet.acme.test/doc?id=4. Merci"),
            [
                text("Voir "),
                link("https://intranet.acme.test/doc?id=4"),
                text(". Merci")
            ]
        );
        assert_eq!(
            pieces("Écrivez à mailto:support@guichet.test, ou http://x.test"),
            [
                text("Écrivez à "),
                link("mailto:support@guichet.test"),
                text(", ou "),
                link("http://x.test")
            ]
        );
        assert_eq!(
            pieces("(https://fr.wikipedia.org/wiki/Guichet_(homonymie))"),
            [
                text("("),
                link("https://fr.wikipedia.org/wiki/Guichet_(homonymie)"),
                text(")")
            ]
        );
    }

    #[test]
    fn other_schemes_and_bare_schemes_stay_text() {
        for plain in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "https:// rien",
            "voir http://",
            "xhttps://a.test",
            "",
        ] {
            assert!(
                pieces(plain).iter().all(|p| matches!(p, Piece::Text(_))),
                "{plain}"
            );
        }
        assert_eq!(
            pieces("a<https://a.test>b"),
            [text("a<"), link("https://a.test"), text(">b")]
        );
    }

    #[test]
    fn the_text_is_kept_whole_around_the_links() {
        let message = "Ligne 1\nHTTPS://A.test/x\n\nfin «\u{a0}https://b.test\u{a0}»";
        let joined: String = pieces(message)
            .into_iter()
            .map(|p| match p {
                Piece::Text(s) | Piece::Link(s) => s,
            })
            .collect();
        assert_eq!(joined, message);
        assert!(pieces(message).contains(&link("HTTPS://A.test/x")));
    }
}
