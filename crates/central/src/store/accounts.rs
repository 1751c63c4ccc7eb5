//! Member accounts and what hangs off them: activation tokens, member sessions, the mail
//! outbox and every eligibility-check attempt.

use super::StoreResult;
use crate::clock::Millis;

/// An account row.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub invitation_code: Option<String>,
    pub state: String,
    pub pending_member_id: Option<i64>,
    pub roster_member_id: Option<i64>,
    pub consented_at: Millis,
    pub created_at: Millis,
    pub activated_at: Option<Millis>,
    pub failed_logins: i64,
    pub locked_until: Option<Millis>,
}

/// An activation token row (the token itself is only in the mail).
#[derive(Clone, Debug)]
pub struct ActivationRow {
    pub id: i64,
    pub account_id: i64,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub invalidated_at: Option<Millis>,
    pub used_at: Option<Millis>,
}

/// A mail in the outbox.
#[derive(Clone, Debug)]
pub struct MailRow {
    pub id: i64,
    pub account_id: Option<i64>,
    pub kind: String,
    pub to_addr: String,
    pub from_addr: String,
    pub subject: String,
    pub body: String,
    pub activation_token_id: Option<i64>,
    pub created_at: Millis,
}

/// An eligibility attempt: raw inputs, normalised inputs, outcome.
#[derive(Clone, Debug)]
pub struct AttemptRow {
    pub id: i64,
    pub account_id: i64,
    pub at: Millis,
    pub raw_symbol: String,
    pub raw_number: String,
    pub raw_insurer_number: String,
    pub raw_name: String,
    pub raw_birth_date: String,
    pub number_key: String,
    pub insurer_number: String,
    pub name_key: String,
    pub birth_date: Option<String>,
    pub outcome: String,
    pub roster_member_id: Option<i64>,
    pub detail: String,
}

/// Account storage.
pub trait AccountRepo {
    /// Exact (case-sensitive) lookup: the login ID.
    fn account_by_email(&mut self, email: &str) -> StoreResult<Option<AccountRow>>;
    /// By id.
    fn get_account(&mut self, id: i64) -> StoreResult<Option<AccountRow>>;
    /// The account linked to a roster member.
    fn account_by_member(&mut self, member_id: i64) -> StoreResult<Option<AccountRow>>;
    /// Accounts whose folded e-mail equals `key`.
    fn accounts_by_email_key(&mut self, key: &str) -> StoreResult<Vec<AccountRow>>;
    /// Create a provisional account.
    fn insert_account(
        &mut self,
        email: &str,
        email_key: &str,
        password_hash: &str,
        invitation: Option<&str>,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Restart a non-active registration with new credentials.
    fn restart_registration(
        &mut self,
        id: i64,
        password_hash: &str,
        invitation: Option<&str>,
        now: Millis,
    ) -> StoreResult<()>;
    /// Move the account's state; `pending` is the member awaiting confirmation.
    fn set_account_state(&mut self, id: i64, state: &str, pending: Option<i64>) -> StoreResult<()>;
    /// Link the roster member and activate (fails with Conflict if the member is taken).
    fn activate_account(&mut self, id: i64, member_id: i64, now: Millis) -> StoreResult<()>;
    /// Count a failed login; lock until `lock_until` when given.
    fn record_failed_login(&mut self, id: i64, lock_until: Option<Millis>) -> StoreResult<i64>;
    /// Clear the failure count and any lock.
    fn clear_login_failures(&mut self, id: i64) -> StoreResult<()>;

    /// Store a new activation token hash.
    fn insert_activation_token(
        &mut self,
        account_id: i64,
        token_hash: &str,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<i64>;
    /// Invalidate every live token of the account (a resend supersedes them).
    fn invalidate_activation_tokens(&mut self, account_id: i64, now: Millis) -> StoreResult<usize>;
    /// Lookup by token hash.
    fn activation_by_hash(&mut self, token_hash: &str) -> StoreResult<Option<ActivationRow>>;
    /// Mark a token used.
    fn use_activation_token(&mut self, id: i64, now: Millis) -> StoreResult<()>;
    /// Tokens of an account, oldest first.
    fn activation_tokens(&mut self, account_id: i64) -> StoreResult<Vec<ActivationRow>>;

    /// Open a member session.
    fn insert_member_session(
        &mut self,
        token_hash: &str,
        account_id: i64,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()>;
    /// The account of a live session.
    fn member_session(&mut self, token_hash: &str, now: Millis) -> StoreResult<Option<i64>>;

    /// Queue a mail.
    fn insert_mail(&mut self, m: &MailRow) -> StoreResult<i64>;
    /// Mails of an account, oldest first.
    fn mails_for_account(&mut self, account_id: i64) -> StoreResult<Vec<MailRow>>;
    /// Mails to an exact address (tests and demo tooling read the outbox).
    fn mails_to(&mut self, to: &str) -> StoreResult<Vec<MailRow>>;

    /// Record an eligibility attempt.
    fn insert_attempt(&mut self, a: &AttemptRow) -> StoreResult<i64>;
    /// Attempts of an account, oldest first.
    fn attempts_for_account(&mut self, account_id: i64) -> StoreResult<Vec<AttemptRow>>;
    /// Failed attempts whose normalised inputs point at this member (same card key or same
    /// name key + birth date), newest first.
    fn attempts_near_member(
        &mut self,
        number_key: &str,
        name_key: &str,
        birth_date: &str,
        limit: i64,
    ) -> StoreResult<Vec<AttemptRow>>;
}
