//! Failed sign-ins are slowed per account and per address (governor's GCRA
//! limiters, keyed): a few tries go through at once, then one more per interval.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock, clock::DefaultClock};

/// Tries an account may fail at once, then one more every `ACCOUNT_EVERY`.
const ACCOUNT_BURST: u32 = 5;
const ACCOUNT_EVERY: Duration = Duration::from_secs(30);
/// An office behind one address gets more room than one account.
const ADDRESS_BURST: u32 = 20;
const ADDRESS_EVERY: Duration = Duration::from_secs(6);

pub struct LoginLimiter {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginLimiter")
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self {
            accounts: RateLimiter::keyed(quota(ACCOUNT_BURST, ACCOUNT_EVERY)),
            addresses: RateLimiter::keyed(quota(ADDRESS_BURST, ADDRESS_EVERY)),
            clock: DefaultClock::default(),
        }
    }
}

impl LoginLimiter {
    /// Whether a sign-in for `email` from `address` may be tried now; if not,
    /// how long to wait. A try uses up one unit of both allowances; a
    /// successful sign-in gives nothing back, so a burst of correct sign-ins
    /// is limited too (five at once is plenty for a person).
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = self.clock.now();
        let wait = |denied: governor::NotUntil<_>| denied.wait_time_from(now);
        if let Some(address) = address {
            self.addresses.check_key(&address).map_err(wait)?;
        }
        self.accounts.check_key(&email.to_lowercase()).map_err(wait)
    }

    /// Forgets allowances that are full again, so the maps stay small.
    pub fn forget_idle(&self) {
        self.accounts.retain_recent();
        self.addresses.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tries_then_the_account_waits() {
        let limiter = LoginLimiter::default();
        let here = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..ACCOUNT_BURST {
            assert!(limiter.check("ana@example.com", here).is_ok());
        }
        let wait = limiter.check("ANA@example.com", here).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= ACCOUNT_EVERY);
        // Another account from the same address is not held up.
        assert!(limiter.check("bo@example.com", here).is_ok());
    }

    #[test]
    fn one_address_is_limited_across_accounts() {
        let limiter = LoginLimiter::default();
        let there = Some(IpAddr::from([10, 0, 0, 9]));
        let tried = (0..ADDRESS_BURST + 1)
            .filter(|i| {
                limiter
                    .check(&format!("user{i}@example.com"), there)
                    .is_ok()
            })
            .count();
        assert_eq!(tried, ADDRESS_BURST as usize);
    }
}
