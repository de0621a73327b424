//! Links into the user's own machine or network. A gateway on the internet that hands
//! out `http://127.0.0.1:8080/admin` or `http://169.254.169.254/` as "the video" (or
//! redirects there) would make the app fetch things only this computer can reach.
//! A gateway that is itself on such an address (the demo gateway, a LAN box) may.

use std::net::{Ipv4Addr, Ipv6Addr};

use reqwest::Url;

use super::errors::{ErrorKind, GatewayError};
use super::texts;
use super::url::BaseUrl;
use crate::problem::Problem;

/// Decides which links leaving the gateway's origin may be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkGuard {
    gateway_is_local: bool,
}

/// How the app came to a link, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The job's result link.
    Link,
    /// A redirect the gateway or a CDN answered with.
    Redirect,
}

impl LinkGuard {
    pub fn for_gateway(base: &BaseUrl) -> LinkGuard {
        LinkGuard {
            gateway_is_local: is_local_host(&base.host_name()),
        }
    }

    /// `Err(local_link_refused)` for a local address, unless the gateway is local too.
    pub fn check(self, url: &Url, via: Via) -> Result<(), GatewayError> {
        let host = url.host_str().unwrap_or_default();
        if self.gateway_is_local || !is_local_host(host) {
            return Ok(());
        }
        let text = match via {
            Via::Link => texts::LOCAL_LINK_REFUSED,
            Via::Redirect => texts::LOCAL_REDIRECT_REFUSED,
        };
        Err(GatewayError::new(
            ErrorKind::LocalLinkRefused,
            Problem::new(text).with("host", host),
        ))
    }
}

/// Loopback, link-local, private, unspecified and similar addresses, and names that
/// only mean something on this machine or network. `host` is as `Url::host_str` gives
/// it: IPv6 in brackets, IPv4 already in dotted form.
pub(crate) fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    if let Ok(v4) = bare.parse::<Ipv4Addr>() {
        return is_local_v4(v4);
    }
    if let Ok(v6) = bare.parse::<Ipv6Addr>() {
        return is_local_v6(v6);
    }
    is_local_name(bare)
}

fn is_local_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || a == 0
        // Shared address space (carrier-grade NAT, also VPNs such as Tailscale).
        || (a == 100 && (64..128).contains(&b))
}

fn is_local_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (first & 0xffc0) == 0xfec0 // the old site-local fec0::/10
        || ip.to_ipv4_mapped().is_some_and(is_local_v4)
}

fn is_local_name(name: &str) -> bool {
    const NAMES: [&str; 4] = [
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
    ];
    const SUFFIXES: [&str; 5] = [".localhost", ".local", ".internal", ".lan", ".home.arpa"];
    // A name without a dot ("nas", "router") is resolved on the local network.
    NAMES.contains(&name) || SUFFIXES.iter().any(|s| name.ends_with(s)) || !name.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(url: &str) -> String {
        Url::parse(url).unwrap().host_str().unwrap().to_string()
    }

    #[test]
    fn loopback_private_and_link_local_addresses_are_local() {
        for url in [
            "http://127.0.0.1/",
            "http://127.8.9.10/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.20/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0/",
            "http://100.100.1.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fe80::1]/",
            "http://[fd12:3456::1]/",
            "http://[fc00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:10.0.0.1]/",
            // Other spellings of 127.0.0.1 that the URL parser normalises.
            "http://2130706433/",
            "http://0x7f.1/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://printer.local/",
            "http://metadata.google.internal/",
            "http://nas/",
        ] {
            assert!(is_local_host(&host_of(url)), "{url} is local");
        }
    }

    #[test]
    fn public_addresses_and_names_are_not() {
        for url in [
            "https://api.example.com/",
            "https://cdn.example/v.mp4",
            "http://8.8.8.8/",
            "http://172.32.0.1/",
            "http://100.128.0.1/",
            "http://192.169.0.1/",
            "http://[2001:db8::1]/",
            "http://[::ffff:8.8.8.8]/",
            "https://storage.googleapis.com/x.mp4",
        ] {
            assert!(!is_local_host(&host_of(url)), "{url} is public");
        }
    }

    #[test]
    fn a_public_gateway_may_not_link_into_the_local_network_but_a_local_one_may() {
        let url = |s: &str| Url::parse(s).unwrap();
        let public = LinkGuard::for_gateway(&BaseUrl::parse("https://api.example.com").unwrap());
        let e = public
            .check(&url("http://127.0.0.1:9000/x.mp4"), Via::Link)
            .unwrap_err();
        assert_eq!(e.code(), "local_link_refused");
        assert!(e.message().contains("127.0.0.1"), "{}", e.message());
        assert!(
            e.message().contains("nothing was downloaded"),
            "{}",
            e.message()
        );
        let e = public
            .check(&url("http://[fe80::1]/"), Via::Redirect)
            .unwrap_err();
        assert!(e.message().contains("redirected"), "{}", e.message());
        assert!(public
            .check(&url("https://cdn.example/x.mp4"), Via::Link)
            .is_ok());

        for local in [
            "http://127.0.0.1:3000",
            "http://localhost:3000",
            "http://192.168.1.5",
        ] {
            let guard = LinkGuard::for_gateway(&BaseUrl::parse(local).unwrap());
            assert!(
                guard
                    .check(&url("http://127.0.0.1:9000/x.mp4"), Via::Link)
                    .is_ok(),
                "{local}"
            );
        }
    }
}
