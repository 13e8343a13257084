//! Rules for webhooks (varsler til registerforvalteres systemer): which
//! addresses may receive them, and when a failed delivery is tried again.

use std::net::IpAddr;
use std::time::Duration;

/// The first retry comes after this long; each next one after twice as long.
pub const FIRST_RETRY: Duration = Duration::from_secs(5);
/// Retries never wait longer than this.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);
/// A delivery is retried for this long, then abandoned (the feed still has it).
pub const RETRY_FOR: Duration = Duration::from_secs(72 * 3600);
/// An endpoint that has failed without a single success for this long is disabled.
pub const DISABLE_AFTER: Duration = Duration::from_secs(72 * 3600);

/// The wait before retry number `attempt` (1 = the first retry), with
/// `jitter` in [0, 1) spreading it by up to ±20 % so that many failed
/// deliveries do not all come back at once.
pub fn retry_delay(attempt: u32, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(20);
    let base = FIRST_RETRY
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_DELAY);
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    base.mul_f64(factor)
}

/// Why an address may not receive webhooks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("the URL must start with https:// (http:// only to loopback in the local default)")]
    NotHttps,
    #[error("the URL has no host")]
    NoHost,
    #[error("the URL points at a private, loopback or link-local address")]
    PrivateAddress,
    #[error("the URL is longer than 2000 characters")]
    TooLong,
}

impl UrlProblem {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> &'static str {
        match self {
            Self::NotHttps => {
                "adressen må begynne med https:// (http:// bare til loopback i det lokale oppsettet)"
            }
            Self::NoHost => "adressen mangler vertsnavn",
            Self::PrivateAddress => "adressen peker på en privat, lokal eller link-local adresse",
            Self::TooLong => "adressen er lengre enn 2000 tegn",
        }
    }
}

/// Whether an address is not on the public internet: loopback, private
/// (RFC 1918), carrier-grade NAT, link-local, unique-local, unspecified,
/// broadcast, multicast, documentation, benchmarking and reserved ranges,
/// and IPv6 forms that carry such an IPv4 address (mapped, compatible,
/// NAT64, 6to4) or tunnel to an unknown one (Teredo).
fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0 // "this network"
                || (a == 100 && (b & 0xc0) == 64) // carrier-grade NAT 100.64.0.0/10
                || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
                || (a == 192 && b == 0 && c == 2) // documentation
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)
                || (a == 198 && (b & 0xfe) == 18) // benchmarking 198.18.0.0/15
                || a >= 240 // reserved
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                is_private(IpAddr::V4(std::net::Ipv4Addr::from(
                    (u32::from(hi) << 16) | u32::from(lo),
                )))
            };
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated) fec0::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2001 && s[1] == 0) // Teredo
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(IpAddr::V4(v4)))
                || (s[..6] == [0; 6] && embedded(s[6], s[7])) // IPv4-compatible
                || (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && embedded(s[6], s[7])) // NAT64
                || (s[0] == 0x2002 && embedded(s[1], s[2])) // 6to4
        }
    }
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host part of an http(s) URL, without brackets or port.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

/// Checks a webhook address. In production only public HTTPS hosts; in the
/// local default also `http://` to loopback (127.0.0.1, ::1, localhost), so a
/// receiver on the developer's machine works.
///
/// Host names are checked as written; a name that resolves to a private
/// address is caught when delivering, not here.
pub fn check_url(url: &str, allow_loopback: bool) -> Result<(), UrlProblem> {
    if url.len() > 2000 {
        return Err(UrlProblem::TooLong);
    }
    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(UrlProblem::NotHttps);
    };
    let host = host_of(rest);
    if host.is_empty() {
        return Err(UrlProblem::NoHost);
    }
    if allow_loopback && is_loopback_host(host) {
        return Ok(());
    }
    if !https {
        return Err(UrlProblem::NotHttps);
    }
    let private = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(is_private);
    if private {
        return Err(UrlProblem::PrivateAddress);
    }
    Ok(())
}

/// Whether a resolved address may receive webhooks (checked at delivery time
/// too, against DNS that changes after registration).
pub fn may_deliver_to(ip: IpAddr, allow_loopback: bool) -> bool {
    (allow_loopback && ip.is_loopback()) || !is_private(ip)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_five_seconds_up_to_an_hour_with_jitter() {
        assert_eq!(retry_delay(1, 0.5), Duration::from_secs(5));
        assert_eq!(retry_delay(2, 0.5), Duration::from_secs(10));
        assert_eq!(retry_delay(3, 0.5), Duration::from_secs(20));
        assert_eq!(retry_delay(30, 0.5), MAX_RETRY_DELAY);
        assert_eq!(retry_delay(1, 0.0), Duration::from_secs(4));
        assert_eq!(retry_delay(1, 1.0), Duration::from_secs(6));
        // the schedule keeps retrying for at least 24 hours before RETRY_FOR ends
        let mut elapsed = Duration::ZERO;
        let mut attempt = 1;
        while elapsed < Duration::from_secs(24 * 3600) {
            elapsed += retry_delay(attempt, 1.0);
            attempt += 1;
        }
        assert!(elapsed < RETRY_FOR, "{attempt} attempts in {elapsed:?}");
        assert!(attempt > 20, "many attempts within a day: {attempt}");
    }

    #[test]
    fn production_takes_public_https_only() {
        assert_eq!(check_url("https://api.fhi.no/hooks/hds", false), Ok(()));
        assert_eq!(check_url("https://193.156.1.10:8443/h", false), Ok(()));
        assert_eq!(
            check_url("http://api.fhi.no/hooks", false),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(
            check_url("ftp://api.fhi.no", false),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(check_url("https://", false), Err(UrlProblem::NoHost));
        for private in [
            "https://10.0.0.5/h",
            "https://192.168.1.1/h",
            "https://172.16.4.4/h",
            "https://127.0.0.1/h",
            "https://localhost/h",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/h",
            "https://[fd00::1]/h",
            "https://[::ffff:10.0.0.1]/h",
            "https://100.64.0.1/h",
            "https://user@10.0.0.5/h",
        ] {
            assert_eq!(
                check_url(private, false),
                Err(UrlProblem::PrivateAddress),
                "{private}"
            );
        }
    }

    #[test]
    fn the_local_default_also_takes_loopback_over_http() {
        assert_eq!(check_url("http://127.0.0.1:9999/hook", true), Ok(()));
        assert_eq!(check_url("http://localhost:9999/hook", true), Ok(()));
        assert_eq!(check_url("http://[::1]:9999/hook", true), Ok(()));
        assert_eq!(
            check_url("http://10.0.0.5/hook", true),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(
            check_url("https://10.0.0.5/hook", true),
            Err(UrlProblem::PrivateAddress)
        );
    }

    #[test]
    fn resolved_addresses_are_checked_too() {
        assert!(may_deliver_to(
            "193.156.1.10".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
            false
        ));
        assert!(!may_deliver_to(IpAddr::from([10, 1, 2, 3]), false));
        assert!(may_deliver_to(IpAddr::from([127, 0, 0, 1]), true));
        assert!(!may_deliver_to(IpAddr::from([127, 0, 0, 1]), false));
    }

    #[test]
    fn only_public_addresses_may_receive_in_production() {
        for public in [
            "193.156.1.10",
            "8.8.8.8",
            "2a02:2121::1",
            "2002:c19c:10a::1",
        ] {
            assert!(may_deliver_to(public.parse().unwrap(), false), "{public}");
        }
        for refused in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::2",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a00:1",
            "2002:0a00:0001::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(
                !may_deliver_to(refused.parse().unwrap(), false),
                "{refused}"
            );
        }
        // loopback is what the local default adds, nothing more
        assert!(may_deliver_to("::1".parse().unwrap(), true));
        assert!(!may_deliver_to("fd00::2".parse().unwrap(), true));
    }
}
