//! Login attempts and CAPTCHA challenges: the evidence CAPTCHA escalation is computed
//! from (per IP and per account, within a sliding window).

use super::StoreResult;
use crate::clock::Millis;

/// A login attempt.
#[derive(Clone, Debug)]
pub struct LoginAttemptRow {
    pub at: Millis,
    pub ip: String,
    pub account_id: Option<i64>,
    pub client: String,
    pub captcha_level: i64,
    pub outcome: String,
}

/// A CAPTCHA challenge.
#[derive(Clone, Debug)]
pub struct CaptchaRow {
    pub id: String,
    pub level: i64,
    pub answer_hash: String,
    pub ip: String,
    pub created_at: Millis,
    pub used_at: Option<Millis>,
}

/// Login storage.
pub trait LoginRepo {
    /// Record an attempt.
    fn insert_login_attempt(&mut self, a: &LoginAttemptRow) -> StoreResult<()>;
    /// Failed attempts from `ip` since `since`.
    fn ip_failures_since(&mut self, ip: &str, since: Millis) -> StoreResult<i64>;
    /// All attempts from `ip` since `since` (traffic).
    fn ip_attempts_since(&mut self, ip: &str, since: Millis) -> StoreResult<i64>;
    /// Failed attempts on an account since `since`.
    fn account_failures_since(&mut self, account_id: i64, since: Millis) -> StoreResult<i64>;
    /// Attempts on an account, newest first.
    fn login_attempts_for_account(
        &mut self,
        account_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<LoginAttemptRow>>;
    /// Store a challenge.
    fn insert_captcha(&mut self, c: &CaptchaRow) -> StoreResult<()>;
    /// Consume a challenge (single use): returns it if it existed and was unused.
    fn take_captcha(&mut self, id: &str, now: Millis) -> StoreResult<Option<CaptchaRow>>;
}
