//! Who is really calling when a reverse proxy (TLS, load balancer) sits in
//! front: the proxies named in `CAREKEYS_TRUSTED_PROXIES` are believed when
//! they say, in `X-Forwarded-For` or `Forwarded`, whom they forward for.
//! Nobody else is: a client could write any address into those headers, so
//! without the setting they are ignored.

use http::HeaderMap;
use std::net::IpAddr;

/// The address rate limits and the audit trail should see for a request from `peer`.
///
/// From the right of the forwarding chain, addresses of trusted proxies are
/// skipped; the first other one is the client (left of it, anyone may have
/// written anything).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let chain = forwarded_for(headers);
    chain
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .or_else(|| chain.first())
        .copied()
        .unwrap_or(peer)
}

/// The forwarding chain, oldest first: `X-Forwarded-For` if present, else `Forwarded`'s `for=`.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(',').map(|part| part.trim().to_owned()))
            .collect()
    };
    let xff = values("x-forwarded-for");
    if !xff.is_empty() {
        return xff.iter().filter_map(|a| parse_node(a)).collect();
    }
    values("forwarded")
        .iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim()))?
            })
        })
        .collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `"[2001:db8::1]:4711"` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn forwarded_headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            client_ip(ip("203.0.113.7"), &spoofed, &[]),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_ip(ip("203.0.113.7"), &spoofed, &[ip("127.0.0.1")]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_first_untrusted_address_from_the_right_is_the_client() {
        let proxy = [ip("127.0.0.1"), ip("10.0.0.2")];
        // The client wrote a fake address first; the proxies appended the real one.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.9, 10.0.0.2")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &chain, &proxy),
            ip("198.51.100.9")
        );
        let rfc = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=https, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &rfc, &proxy),
            ip("2001:db8:cafe::17")
        );
        let with_port = headers(&[("x-forwarded-for", "198.51.100.9:5000")]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &with_port, &proxy),
            ip("198.51.100.9")
        );
        // A trusted proxy that forwards nothing is itself the caller.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &HeaderMap::new(), &proxy),
            ip("127.0.0.1")
        );
    }
}
