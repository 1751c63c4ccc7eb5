//! The server's notion of "now". Every rule with a deadline (24 h activation links, token
//! lifetimes, verification windows, CAPTCHA windows) reads time from here so tests can move
//! it instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Unix time in milliseconds (UTC).
pub type Millis = i64;

/// One hour in milliseconds.
pub const HOUR: Millis = 3_600_000;
/// One day in milliseconds.
pub const DAY: Millis = 24 * HOUR;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Current unix time in milliseconds.
    fn now(&self) -> Millis;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock tests can set and advance.
#[derive(Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: Millis) -> Self {
        Self(Arc::new(AtomicI64::new(start)))
    }
    /// Move time forward.
    pub fn advance(&self, by: Millis) {
        self.0.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
}

/// RFC 3339 rendering for the wire (UTC, millisecond precision).
pub fn rfc3339(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// The JST calendar date of an instant (shown to members and operators in Japan).
pub fn jst_date(ms: Millis) -> String {
    rfc3339(ms + 9 * HOUR).chars().take(10).collect()
}
