//! Host and origin rules, as pure functions: which host names the server
//! answers to, and whether a state-changing request comes from the app itself.

use std::{collections::BTreeSet, net::SocketAddr};

/// The host names (`host[:port]`, lowercased) the server answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts(BTreeSet<String>);

impl AllowedHosts {
    /// From the bound address (loopback or all-interfaces adds the localhost
    /// names), `PUBLIC_URL` and `ALLOWED_HOSTS`.
    pub fn new(bound: SocketAddr, public_url: Option<&str>, extra: &[String]) -> Self {
        let port = bound.port();
        let mut hosts = BTreeSet::new();
        let ip = bound.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                hosts.insert(format!("{name}:{port}"));
            }
        } else {
            hosts.insert(SocketAddr::new(ip, port).to_string());
        }
        if let Some(authority) = public_url.and_then(authority_of_url) {
            hosts.insert(authority);
        }
        hosts.extend(extra.iter().map(|h| normalise(h)));
        Self(hosts)
    }

    pub fn allows(&self, host: &str) -> bool {
        self.0.contains(&normalise(host))
    }

    pub fn list(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }
}

/// Lowercased, without a trailing dot on the name.
fn normalise(host: &str) -> String {
    host.trim()
        .to_ascii_lowercase()
        .replace(".:", ":")
        .trim_end_matches('.')
        .to_string()
}

/// `host[:port]` of a URL, the port left out when it is the scheme's default.
pub fn authority_of_url(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?;
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// What the request's `Origin` and `Sec-Fetch-Site` say of where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The app's own pages.
    SameOrigin,
    /// Another site: refused.
    CrossSite,
    /// Neither header: not sent by a current browser (curl, scripts).
    Unknown,
}

pub fn provenance(
    origin: Option<&str>,
    fetch_site: Option<&str>,
    allowed: &AllowedHosts,
) -> Provenance {
    match origin.map(str::trim) {
        // Browsers send "null" from sandboxed frames and some redirects: never ours.
        Some(origin) => match authority_of_url(origin) {
            Some(authority) if allowed.allows(&authority) => Provenance::SameOrigin,
            _ => Provenance::CrossSite,
        },
        None => match fetch_site.map(|s| s.trim().to_ascii_lowercase()) {
            Some(site) if site == "same-origin" || site == "none" => Provenance::SameOrigin,
            Some(_) => Provenance::CrossSite,
            None => Provenance::Unknown,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> AllowedHosts {
        AllowedHosts::new("127.0.0.1:3000".parse().unwrap(), None, &[])
    }

    #[test]
    fn loopback_allows_the_localhost_names_with_the_port() {
        let hosts = local();
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in [
            "evil.example",
            "127.0.0.1:3001",
            "localhost",
            "evil.example:3000",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn public_url_and_extra_hosts_are_allowed() {
        let hosts = AllowedHosts::new(
            "0.0.0.0:3000".parse().unwrap(),
            Some("https://Planner.Example.com"),
            &["10.0.0.5:3000".into()],
        );
        assert!(hosts.allows("planner.example.com"));
        assert!(hosts.allows("10.0.0.5:3000"));
        assert!(hosts.allows("localhost:3000"));
        assert!(!hosts.allows("planner.example.com.evil.example"));
    }

    #[test]
    fn origins_are_judged_by_their_host() {
        let hosts = local();
        let judge = |origin, site| provenance(origin, site, &hosts);
        assert_eq!(
            judge(Some("http://127.0.0.1:3000"), None),
            Provenance::SameOrigin
        );
        assert_eq!(
            judge(Some("http://localhost:3000"), Some("same-origin")),
            Provenance::SameOrigin
        );
        assert_eq!(
            judge(Some("https://evil.example"), Some("same-origin")),
            Provenance::CrossSite
        );
        assert_eq!(judge(Some("null"), None), Provenance::CrossSite);
        assert_eq!(judge(None, Some("cross-site")), Provenance::CrossSite);
        assert_eq!(judge(None, Some("same-site")), Provenance::CrossSite);
        assert_eq!(judge(None, Some("same-origin")), Provenance::SameOrigin);
        assert_eq!(judge(None, None), Provenance::Unknown);
    }

    #[test]
    fn urls_give_their_authority_without_default_ports() {
        assert_eq!(
            authority_of_url("https://a.example:443/x").unwrap(),
            "a.example"
        );
        assert_eq!(
            authority_of_url("http://a.example:8080").unwrap(),
            "a.example:8080"
        );
        assert_eq!(authority_of_url("http://[::1]:3000").unwrap(), "[::1]:3000");
        assert_eq!(authority_of_url("javascript:alert(1)"), None);
    }
}
