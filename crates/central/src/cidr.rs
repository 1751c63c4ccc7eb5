//! IP whitelist entries: a single address or a CIDR network, parsed with the standard
//! library only. Networks are stored by their network address (`192.0.2.7/24` is kept as
//! `192.0.2.0/24`) so one network has one spelling and the UNIQUE column catches repeats;
//! a single address keeps its plain form, so entries made before CIDR support still match.

use std::net::IpAddr;

/// Shortest prefixes accepted: a wider entry would exempt a large part of the Internet from
/// the CAPTCHA, which no union's office needs.
const MIN_PREFIX_V4: u8 = 8;
const MIN_PREFIX_V6: u8 = 32;

/// An address or network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

/// Why an entry was refused (Japanese, shown next to the field).
pub type CidrError = &'static str;

const INVALID: CidrError =
    "IPアドレス（IPv4/IPv6）またはCIDR表記（例: 192.0.2.0/24, 2001:db8::/32）で入力してください";
const TOO_WIDE: CidrError =
    "範囲が広すぎます（IPv4は/8以上、IPv6は/32以上のプレフィックス長で指定してください）";

fn bits(addr: IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

fn masked(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(a) & mask).into())
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(a) & mask).into())
        }
    }
}

impl Net {
    /// Parse `addr` or `addr/prefix`, normalising to the network address.
    pub fn parse(input: &str) -> Result<Net, CidrError> {
        let s = input.trim();
        let (addr, prefix) = match s.split_once('/') {
            None => {
                let a: IpAddr = s.parse().map_err(|_| INVALID)?;
                (a, bits(a))
            }
            Some((a, p)) => {
                let a: IpAddr = a.parse().map_err(|_| INVALID)?;
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(INVALID);
                }
                let p: u8 = p.parse().map_err(|_| INVALID)?;
                if p > bits(a) {
                    return Err(INVALID);
                }
                (a, p)
            }
        };
        let min = match addr {
            IpAddr::V4(_) => MIN_PREFIX_V4,
            IpAddr::V6(_) => MIN_PREFIX_V6,
        };
        if prefix < min {
            return Err(TOO_WIDE);
        }
        Ok(Net {
            addr: masked(addr, prefix),
            prefix,
        })
    }

    /// Whether `ip` is inside (an IPv4-mapped IPv6 peer counts as its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        bits(ip) == bits(self.addr) && masked(ip, self.prefix) == self.addr
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix == bits(self.addr) {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

/// Whether any stored entry matches `ip` (unparseable text never matches).
pub fn any_contains<'a>(entries: impl IntoIterator<Item = &'a str>, ip: &str) -> bool {
    let Ok(ip) = ip.trim().parse::<IpAddr>() else {
        return false;
    };
    entries
        .into_iter()
        .filter_map(|e| Net::parse(e).ok())
        .any(|n| n.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_their_plain_form() {
        assert_eq!(Net::parse(" 192.0.2.7 ").unwrap().to_string(), "192.0.2.7");
        assert_eq!(
            Net::parse("2001:DB8::1").unwrap().to_string(),
            "2001:db8::1"
        );
        assert_eq!(Net::parse("192.0.2.7/32").unwrap().to_string(), "192.0.2.7");
    }

    #[test]
    fn networks_are_normalised_to_their_network_address() {
        assert_eq!(
            Net::parse("192.0.2.77/24").unwrap().to_string(),
            "192.0.2.0/24"
        );
        assert_eq!(Net::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(
            Net::parse("2001:db8:abcd:12::5/48").unwrap().to_string(),
            "2001:db8:abcd::/48"
        );
    }

    #[test]
    fn malformed_or_too_wide_entries_are_refused() {
        for bad in [
            "",
            "192.0.2",
            "192.0.2.1/",
            "192.0.2.1/33",
            "::1/129",
            "1.2.3.4/+8",
            "a/24",
            "192.0.2.1/024x",
        ] {
            assert_eq!(Net::parse(bad), Err(INVALID), "{bad:?}");
        }
        assert_eq!(Net::parse("0.0.0.0/0"), Err(TOO_WIDE));
        assert_eq!(Net::parse("2001::/16"), Err(TOO_WIDE));
    }

    #[test]
    fn membership_follows_the_prefix() {
        let n = Net::parse("192.0.2.0/25").unwrap();
        assert!(n.contains("192.0.2.0".parse().unwrap()));
        assert!(n.contains("192.0.2.127".parse().unwrap()));
        assert!(!n.contains("192.0.2.128".parse().unwrap()));
        assert!(
            n.contains("::ffff:192.0.2.5".parse().unwrap()),
            "IPv4-mapped peer"
        );
        assert!(!n.contains("2001:db8::1".parse().unwrap()));
        let v6 = Net::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        assert!(any_contains(
            ["192.0.2.9", "198.51.100.0/24"],
            "198.51.100.200"
        ));
        assert!(
            any_contains(["192.0.2.9"], "192.0.2.9"),
            "exact entries still match"
        );
        assert!(!any_contains(["192.0.2.9", "not an ip"], "192.0.2.10"));
    }
}
