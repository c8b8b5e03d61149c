//! Where webhooks may go (SSRF safety). https only unless `GUICHET_WEBHOOK_ALLOW_HTTP`; no
//! loopback, private, link-local, metadata, CGNAT, multicast, broadcast or unspecified
//! address (nor their IPv4-mapped forms) unless `GUICHET_WEBHOOK_ALLOW_PRIVATE` names it.
//!
//! The check is made on the addresses a name resolves to at every delivery, by the resolver
//! the HTTP client connects through ([`FilteringResolver`]): the client only ever connects
//! to addresses that passed, so a name cannot resolve to a public address for the check and
//! to a private one for the connection.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::config::Settings;

/// How long resolving a name may take when an endpoint is registered.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// What the settings allow.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    pub allow_http: bool,
    pub allowed: Vec<IpNet>,
}

impl AddressPolicy {
    pub fn from_settings(settings: &Settings) -> Self {
        AddressPolicy {
            allow_http: settings.webhook_allow_http,
            allowed: settings.webhook_allow_private.clone(),
        }
    }

    /// Why `ip` may not be reached, if it may not.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        let kind = special(ip)?;
        let listed = self.allowed.iter().any(|net| net.contains(&ip))
            || mapped_v4(ip)
                .is_some_and(|v4| self.allowed.iter().any(|net| net.contains(&IpAddr::V4(v4))));
        (!listed).then_some(kind)
    }

    /// Why `url` may not be an endpoint (scheme, literal address), before any resolution.
    pub fn refusal_of_url(&self, url: &Url) -> Option<String> {
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            _ => return Some(
                "must be an https:// URL (http:// only where GUICHET_WEBHOOK_ALLOW_HTTP is set)"
                    .to_owned(),
            ),
        }
        match url.host() {
            None => Some("must name a host".to_owned()),
            Some(Host::Ipv4(ip)) => self.refusal_message(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.refusal_message(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => None,
        }
    }

    fn refusal_message(&self, ip: IpAddr) -> Option<String> {
        self.refusal(ip).map(|kind| {
            format!("{ip} is a {kind} address, which webhooks may not reach (GUICHET_WEBHOOK_ALLOW_PRIVATE)")
        })
    }

    /// Checks an endpoint being registered: its scheme, and every address its host
    /// resolves to now. The answer says why it is refused.
    pub async fn check(&self, text: &str) -> Result<Url, String> {
        let url = Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
        if let Some(refusal) = self.refusal_of_url(&url) {
            return Err(refusal);
        }
        let Some(Host::Domain(domain)) = url.host() else {
            return Ok(url);
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let resolved = tokio::time::timeout(
            RESOLVE_TIMEOUT,
            tokio::net::lookup_host((domain.to_owned(), port)),
        )
        .await;
        let addresses: Vec<SocketAddr> = match resolved {
            Ok(Ok(addresses)) => addresses.collect(),
            _ => Vec::new(),
        };
        if addresses.is_empty() {
            return Err(format!("the host {domain} does not resolve"));
        }
        for address in addresses {
            if let Some(kind) = self.refusal(address.ip()) {
                return Err(format!(
                    "{domain} resolves to {}, a {kind} address, which webhooks may not reach \
                     (GUICHET_WEBHOOK_ALLOW_PRIVATE)",
                    address.ip()
                ));
            }
        }
        Ok(url)
    }
}

/// The kind of a special-purpose address, `None` for an ordinary public one.
fn special(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => match mapped_v4(IpAddr::V6(v6)) {
            Some(v4) => special_v4(v4),
            None => special_v6(v6),
        },
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some("cloud metadata")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (CGNAT)")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if a == 0 {
        Some("unspecified")
    } else if a >= 240 {
        Some("reserved")
    } else {
        None
    }
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("cloud metadata")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if first & 0xfe00 == 0xfc00 {
        Some("private")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`)
/// or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address.
fn mapped_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    let IpAddr::V6(v6) = ip else {
        return None;
    };
    let s = v6.segments();
    let embedded = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let compatible = s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && s[6] != 0));
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    (compatible || nat64).then_some(embedded)
}

/// The HTTP client's resolver: the system's answer, less the addresses the policy refuses.
/// A name left with none fails to resolve, and the delivery fails with that reason.
pub struct FilteringResolver {
    pub policy: AddressPolicy,
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = Vec::new();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|address| match policy.refusal(address.ip()) {
                    Some(kind) => {
                        refused.push(format!("{} ({kind})", address.ip()));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let reason = if refused.is_empty() {
                    format!("{host} does not resolve")
                } else {
                    format!(
                        "{host} resolves only to refused addresses: {}",
                        refused.join(", ")
                    )
                };
                return Err(reason.into());
            }
            let addresses: Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}

impl FilteringResolver {
    pub fn shared(policy: AddressPolicy) -> Arc<Self> {
        Arc::new(FilteringResolver { policy })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn special_addresses_are_refused_by_default() {
        let policy = AddressPolicy::default();
        for (address, kind) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "cloud metadata"),
            ("169.254.10.1", "link-local"),
            ("100.64.0.1", "shared (CGNAT)"),
            ("0.0.0.0", "unspecified"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd12::1", "private"),
            ("fd00:ec2::254", "cloud metadata"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "cloud metadata"),
            ("64:ff9b::192.168.0.1", "private"),
        ] {
            assert_eq!(policy.refusal(ip(address)), Some(kind), "{address}");
        }
        for public in [
            "93.184.216.34",
            "2606:2800:220:1::1",
            "::ffff:93.184.216.34",
            "100.128.0.1",
        ] {
            assert_eq!(policy.refusal(ip(public)), None, "{public}");
        }
    }

    #[test]
    fn listed_addresses_are_allowed() {
        let policy = AddressPolicy {
            allow_http: true,
            allowed: vec![
                "127.0.0.1/32".parse().expect("net"),
                "10.0.0.0/8".parse().expect("net"),
            ],
        };
        assert_eq!(policy.refusal(ip("127.0.0.1")), None);
        assert_eq!(policy.refusal(ip("::ffff:127.0.0.1")), None);
        assert_eq!(policy.refusal(ip("10.9.9.9")), None);
        assert_eq!(policy.refusal(ip("127.0.0.2")), Some("loopback"));
        assert_eq!(policy.refusal(ip("192.168.0.1")), Some("private"));
    }

    #[tokio::test]
    async fn the_resolver_gives_only_allowed_addresses() {
        let name = |text: &str| text.parse::<Name>().expect("a name");
        let strict = FilteringResolver {
            policy: AddressPolicy::default(),
        };
        let refused = strict
            .resolve(name("localhost"))
            .await
            .err()
            .map(|e| e.to_string());
        assert!(
            refused.as_deref().is_some_and(|e| e.contains("loopback")),
            "{refused:?}"
        );
        let loopback = FilteringResolver {
            policy: AddressPolicy {
                allow_http: true,
                allowed: vec!["127.0.0.0/8".parse().expect("net")],
            },
        };
        let given: Vec<SocketAddr> = loopback
            .resolve(name("localhost"))
            .await
            .map(|addresses| addresses.collect())
            .unwrap_or_default();
        assert!(!given.is_empty());
        assert!(
            given.iter().all(|a| a.ip().is_loopback() && a.is_ipv4()),
            "{given:?}"
        );
    }

    #[test]
    fn urls_are_refused_for_their_scheme_or_literal_address() {
        let strict = AddressPolicy::default();
        let url = |text: &str| Url::parse(text).expect("a URL");
        assert!(strict
            .refusal_of_url(&url("https://example.com/x"))
            .is_none());
        assert!(strict
            .refusal_of_url(&url("http://example.com/x"))
            .is_some_and(|m| m.contains("https")));
        assert!(strict
            .refusal_of_url(&url("https://[::1]:8443/x"))
            .is_some_and(|m| m.contains("loopback")));
        assert!(strict
            .refusal_of_url(&url("https://169.254.169.254/latest"))
            .is_some_and(|m| m.contains("metadata")));
    }
}
