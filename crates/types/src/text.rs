//! Text as search finds it: the server stores names and ticket texts *folded*, and folds a
//! query the same way.
use unicode_normalization::UnicodeNormalization;

/// `text` in lower case, accents removed, every run of characters other than letters and
/// digits turned into one space: `l'écran — cœur` is `l ecran coeur`.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        let expanded: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' => "d",
            'ł' | 'Ł' => "l",
            _ => "",
        };
        if !expanded.is_empty() || c.is_alphanumeric() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            if expanded.is_empty() {
                folded.extend(c.to_lowercase());
            } else {
                folded.push_str(expanded);
            }
        } else {
            pending_space = true;
        }
    }
    folded
}

/// What a person is found by in the people search: names, address, and phone numbers, also
/// as bare digits so that `0389` finds `03 89 12 34 56`.
pub fn person_search_text(
    first_name: &str,
    last_name: &str,
    email: &str,
    phones: &[&str],
) -> String {
    let mut text = fold(&format!("{first_name} {last_name} {email}"));
    for phone in phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            text.push(' ');
            text.push_str(&digits);
        }
    }
    text
}

/// What a company is found by: its name and service code.
pub fn company_search_text(name: &str, service_code: &str) -> String {
    fold(&format!("{name} {service_code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_found_by_folded_names_and_bare_phone_digits() {
        assert_eq!(
            person_search_text("Rémi", "Lefèvre", "remi@acme.test", &["03 89 12 34 56", ""]),
            "remi lefevre remi acme test 0389123456"
        );
        assert_eq!(
            company_search_text("Boréal Transports", "5678"),
            "boreal transports 5678"
        );
    }
}
