//! The Reply-To of ticket mails: `support+t20261121.0001.<signature>@example.com`, the
//! support address tagged with the ticket's number and a signature, an HMAC-SHA256 of the
//! number and the recipient's address under the server's key. A reply to it is a follow-up
//! on that ticket by that recipient, and nobody else: a guessed, altered or forwarded
//! address does not verify for another sender.
//!
//! Everything is lower case, since mail systems may change the case of the local part.
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Settings;

/// 12 bytes (96 bits) of the HMAC, as 24 hex digits: the local part stays under 64 bytes.
const SIGNATURE_BYTES: usize = 12;

/// A ticket address read back from a mail's recipients; not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedAddress {
    /// The number as written in the address, upper-cased back (`T20261121.0001`).
    pub number: String,
    /// Hex digits, possibly none (an unsigned address).
    pub signature: String,
}

fn mac(settings: &Settings, number: &str, recipient: &str) -> Option<Hmac<Sha256>> {
    let key = settings.token_key.as_ref()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose()).ok()?;
    // The prefix keeps these signatures apart from anything else signed with the key.
    mac.update(b"guichet reply-to\n");
    mac.update(number.to_ascii_uppercase().as_bytes());
    mac.update(b"\n");
    mac.update(recipient.trim().to_lowercase().as_bytes());
    Some(mac)
}

fn split_support_address(settings: &Settings) -> Option<(String, String)> {
    let (local, domain) = settings.support_email.trim().rsplit_once('@')?;
    (!local.is_empty() && !domain.is_empty()).then(|| (local.to_lowercase(), domain.to_lowercase()))
}

/// The address `recipient` replies to for ticket `number`; `None` when the support address
/// or the key is missing (the mail then goes without a Reply-To).
pub fn for_recipient(settings: &Settings, number: &str, recipient: &str) -> Option<String> {
    let (local, domain) = split_support_address(settings)?;
    let digest = mac(settings, number, recipient)?.finalize().into_bytes();
    let signature: String = digest[..SIGNATURE_BYTES]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(format!(
        "{local}+{}.{signature}@{domain}",
        number.to_ascii_lowercase()
    ))
}

/// Reads `address` as a ticket address of this server, signed or not.
pub fn parse(settings: &Settings, address: &str) -> Option<TaggedAddress> {
    let (local, domain) = split_support_address(settings)?;
    let address = address.trim().to_lowercase();
    let (their_local, their_domain) = address.rsplit_once('@')?;
    let tag = their_local.strip_prefix(&format!("{local}+"))?;
    if their_domain != domain {
        return None;
    }
    // `t20261121.0001.signature`, or `t20261121.0001` unsigned.
    let mut parts = tag.splitn(3, '.');
    let (day, sequence) = (parts.next()?, parts.next()?);
    let signature = parts.next().unwrap_or_default().to_owned();
    Some(TaggedAddress {
        number: format!("{}.{sequence}", day.to_ascii_uppercase()),
        signature,
    })
}

/// Whether `tagged` was made for `sender`.
pub fn verify(settings: &Settings, tagged: &TaggedAddress, sender: &str) -> bool {
    let Some(expected) = decode_hex(&tagged.signature) else {
        return false;
    };
    expected.len() == SIGNATURE_BYTES
        && mac(settings, &tagged.number, sender)
            .is_some_and(|mac| mac.verify_truncated_left(&expected).is_ok())
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings() -> Settings {
        let mut values = HashMap::new();
        values.insert(
            "GUICHET_SUPPORT_EMAIL".to_owned(),
            "Support@Example.com".to_owned(),
        );
        values.insert(
            "GUICHET_TOKEN_KEY".to_owned(),
            "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5".to_owned(),
        );
        Settings::from_map(&values).expect("settings")
    }

    #[test]
    fn an_address_verifies_for_its_recipient_only() {
        let settings = settings();
        let address =
            for_recipient(&settings, "T20261121.0001", "Claire@Acme.test").expect("address");
        assert!(address.starts_with("support+t20261121.0001."));
        assert!(address.ends_with("@example.com"));
        assert!(address.split('@').next().expect("local").len() <= 64);

        let tagged = parse(&settings, &address.to_uppercase()).expect("ours");
        assert_eq!(tagged.number, "T20261121.0001");
        assert!(verify(&settings, &tagged, "claire@acme.test"));
        assert!(!verify(&settings, &tagged, "paul@boreal.test"));

        let other_ticket = TaggedAddress {
            number: "T20261121.0002".into(),
            ..tagged.clone()
        };
        assert!(!verify(&settings, &other_ticket, "claire@acme.test"));
        let mut altered = tagged.clone();
        altered.signature.replace_range(0..1, "0");
        altered.signature.replace_range(1..2, "0");
        assert!(altered == tagged || !verify(&settings, &altered, "claire@acme.test"));
    }

    #[test]
    fn unsigned_and_foreign_addresses() {
        let settings = settings();
        let unsigned = parse(&settings, "support+t20261121.0001@example.com").expect("ours");
        assert!(!verify(&settings, &unsigned, "claire@acme.test"));
        let garbage = parse(&settings, "support+t20261121.0001.zz@example.com").expect("ours");
        assert!(!verify(&settings, &garbage, "claire@acme.test"));
        assert_eq!(parse(&settings, "support@example.com"), None);
        assert_eq!(parse(&settings, "support+t1.1.ab@elsewhere.com"), None);
        assert_eq!(
            parse(&settings, "sales+t20261121.0001.ab@example.com"),
            None
        );
    }
}
