//! The client address of a request: the one key of throttling, rate limits, the audit log
//! and the tokens' last use.
//!
//! Behind a reverse proxy the TCP peer is the proxy. Only when the peer is one of
//! `GUICHET_TRUSTED_PROXIES` are its `Forwarded` (RFC 7239, `for=`) or, without it,
//! `X-Forwarded-For` believed: walking the chain from the right (the hop nearest to us), the
//! first address that is not itself a trusted proxy is the client. A client may write any
//! header it likes, but every trusted proxy appends what it saw, so the right-most untrusted
//! entry is one no client can forge. An entry that is not an address (`unknown`, an obfuscated
//! name, garbage) stops the walk, and the peer's address is used.
use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::{HeaderMap, HeaderName};
use actix_web::{web, HttpRequest};
use ipnet::IpNet;

use crate::state::AppState;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client address of `req`, as text (empty if the peer is unknown, as in unit tests).
pub fn client_address(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    resolve(req.peer_addr().map(|a| a.ip()), req.headers(), trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// The client address of a request from `peer` with `headers`.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.map(|ip| ip.to_canonical())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(headers);
    for entry in chain.iter().rev() {
        match entry {
            Some(ip) if is_trusted(ip) => continue,
            Some(ip) => return Some(*ip),
            None => break,
        }
    }
    Some(peer)
}

/// The addresses a request went through, the client's first: from `Forwarded` if present,
/// else from `X-Forwarded-For`; `None` for an entry that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = header_values(headers, &actix_web::http::header::FORWARDED);
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|value| value.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| node_address(value))
            })
            .collect();
    }
    header_values(headers, &X_FORWARDED_FOR)
        .iter()
        .flat_map(|value| value.split(','))
        .map(node_address)
        .collect()
}

/// Every value of a header, in order (a proxy may add a line rather than extend one);
/// a value that is not text counts as garbage.
fn header_values<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Vec<&'a str> {
    headers
        .get_all(name)
        .map(|value| value.to_str().unwrap_or("\u{0}"))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, maybe quoted.
fn node_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(inside, _)| inside.parse::<IpAddr>().ok())
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn networks(items: &[&str]) -> Vec<IpNet> {
        items.iter().map(|n| n.parse().expect("a CIDR")).collect()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("an address"))
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        assert_eq!(
            resolve(ip("198.51.100.7"), &spoofed, &networks(&["10.0.0.0/8"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve(ip("10.0.0.2"), &spoofed, &[]),
            ip("10.0.0.2"),
            "no trusted proxy: headers never believed"
        );
    }

    #[test]
    fn a_trusted_peer_names_the_client() {
        let trusted = networks(&["10.0.0.0/8"]);
        let one_hop = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            resolve(ip("10.0.0.2"), &one_hop, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            resolve(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2"),
            "no header: the proxy itself"
        );
    }

    #[test]
    fn a_chain_is_walked_from_the_right_past_trusted_proxies() {
        let trusted = networks(&["10.0.0.0/8"]);
        // The client wrote 1.1.1.1 itself; 203.0.113.9 is what the first proxy saw.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(resolve(ip("10.0.0.2"), &chain, &trusted), ip("203.0.113.9"));
        let lines = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.5"),
        ]);
        assert_eq!(resolve(ip("10.0.0.2"), &lines, &trusted), ip("203.0.113.9"));
        let all_trusted = headers(&[("x-forwarded-for", "10.0.0.7, 10.0.0.5")]);
        assert_eq!(
            resolve(ip("10.0.0.2"), &all_trusted, &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for() {
        let trusted = networks(&["127.0.0.1/32"]);
        let both = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            (
                "forwarded",
                "for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &both, &trusted),
            ip("2001:db8:cafe::17")
        );
        let with_port = headers(&[("forwarded", "for=\"192.0.2.43:47011\"")]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &with_port, &trusted),
            ip("192.0.2.43")
        );
    }

    #[test]
    fn ipv6_peers_and_mapped_addresses() {
        let trusted = networks(&["::1/128", "fd00::/8", "127.0.0.1/32"]);
        let chain = headers(&[("x-forwarded-for", "2001:db8::5, fd00::3")]);
        assert_eq!(resolve(ip("::1"), &chain, &trusted), ip("2001:db8::5"));
        let mapped_peer = headers(&[("x-forwarded-for", "[2001:db8::6]:443")]);
        assert_eq!(
            resolve(ip("::ffff:127.0.0.1"), &mapped_peer, &trusted),
            ip("2001:db8::6"),
            "an IPv4 peer on a dual-stack socket is still 127.0.0.1"
        );
    }

    #[test]
    fn malformed_entries_stop_the_walk() {
        let trusted = networks(&["10.0.0.0/8"]);
        for value in ["garbage", "203.0.113.9, unknown", "", "203.0.113.9,"] {
            let map = headers(&[("x-forwarded-for", value)]);
            assert_eq!(
                resolve(ip("10.0.0.2"), &map, &trusted),
                ip("10.0.0.2"),
                "{value:?}"
            );
        }
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.0.0.5")]);
        assert_eq!(resolve(ip("10.0.0.2"), &hidden, &trusted), ip("10.0.0.2"));
        let no_for = headers(&[("forwarded", "proto=https")]);
        assert_eq!(resolve(ip("10.0.0.2"), &no_for, &trusted), ip("10.0.0.2"));
    }
}
