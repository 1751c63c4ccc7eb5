//! Server settings: lifetimes, thresholds and windows the rules depend on. Defaults
//! follow the seed (24 h activation links) or are our choices, each with its reason.

use crate::clock::{Millis, DAY, HOUR};
use crate::sealing::{MasterKey, TotpKey};

/// Settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Activation link lifetime: 24 h (seed).
    pub activation_ttl: Millis,
    /// Access token lifetime: short, so a revoked operator is out within minutes.
    pub access_ttl: Millis,
    /// Refresh token lifetime: desk laptops stay offline for days.
    pub refresh_ttl: Millis,
    /// Member session lifetime.
    pub member_session_ttl: Millis,
    /// A passed identity verification unlocks gated actions for this long.
    pub verification_window: Millis,
    /// Idempotency records are kept at least this long (≥ 90 days).
    pub idempotency_retention: Millis,
    /// CAPTCHA escalation window.
    pub captcha_window: Millis,
    /// Failures from one IP (or on one account) within the window that raise the level to 2.
    pub captcha_escalate_failures: i64,
    /// Attempts from one IP within the window that count as heavy traffic (level 2).
    pub captcha_traffic_attempts: i64,
    /// Failed logins from a whitelisted IP that turn the CAPTCHA back on.
    pub whitelist_failure_limit: i64,
    /// Consecutive failures that lock an account.
    pub lock_after_failures: i64,
    /// Lock duration.
    pub lock_duration: Millis,
    /// Keyed-hash pepper for checkup codes (derived from the master key by the CLI).
    pub code_pepper: String,
    /// Seals operators' TOTP seeds at rest (derived from the master key; `crate::sealing`).
    pub totp_key: TotpKey,
    /// Public base URL for links in mails.
    pub portal_base_url: String,
    /// Sender of member mails (seed: info@kencom.jp).
    pub mail_from: String,
    /// Trust `X-Forwarded-For` (behind a reverse proxy, and in tests simulating clients).
    pub trust_forwarded_for: bool,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Directory of signed desk releases served under `/updates` (layout in
    /// `crate::releases`); `None` = no update is ever offered.
    pub updates_dir: Option<std::path::PathBuf>,
    /// This server's public base URL for the artifact links in update manifests (needed
    /// behind a TLS proxy); `None` = the URL the request came in on.
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            activation_ttl: DAY,
            access_ttl: 15 * 60_000,
            refresh_ttl: 14 * DAY,
            member_session_ttl: 12 * HOUR,
            verification_window: 30 * 60_000,
            idempotency_retention: 120 * DAY,
            captcha_window: HOUR,
            captcha_escalate_failures: 5,
            captcha_traffic_attempts: 30,
            whitelist_failure_limit: 5,
            lock_after_failures: 10,
            lock_duration: 30 * 60_000,
            code_pepper: "kencom-demo-pepper".into(),
            totp_key: MasterKey::demo().totp_key(),
            portal_base_url: "https://kencom.jp".into(),
            mail_from: "info@kencom.jp".into(),
            trust_forwarded_for: false,
            max_body_bytes: 64 * 1024,
            updates_dir: None,
            public_url: None,
        }
    }
}

impl Config {
    /// The defaults with the secrets derived from the server's master key (what the CLI
    /// runs with; `Default` keeps the demo's fixed ones for in-process tests and demos).
    pub fn with_master_key(key: &MasterKey) -> Self {
        Self {
            code_pepper: key.code_pepper(),
            totp_key: key.totp_key(),
            ..Self::default()
        }
    }
}
