//! Operators (desk agents, supervisors, insurer admins) and their sessions: short-lived
//! access tokens and rotating refresh tokens, stored as hashes only.

use super::StoreResult;
use crate::clock::Millis;

/// An operator row.
#[derive(Clone, Debug)]
pub struct OperatorRow {
    pub id: i64,
    pub login_id: String,
    pub display_name: String,
    pub role: String,
    pub insurer_id: Option<i64>,
    pub password_hash: String,
    /// The TOTP seed as stored: sealed (`crate::sealing`), or in clear in databases from
    /// before sealing until the server's next start.
    pub totp_secret: String,
}

/// A session row.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: i64,
    pub operator_id: i64,
    pub family: String,
    pub access_expires_at: Millis,
    pub refresh_expires_at: Millis,
    pub rotated_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// A session to open (hashes only).
#[derive(Clone, Debug)]
pub struct NewSession {
    pub operator_id: i64,
    pub family: String,
    pub access_hash: String,
    pub access_expires_at: Millis,
    pub refresh_hash: String,
    pub refresh_expires_at: Millis,
    pub created_at: Millis,
}

/// Operator storage.
pub trait OperatorRepo {
    /// Create an operator.
    fn insert_operator(&mut self, o: &OperatorRow, now: Millis) -> StoreResult<i64>;
    /// By login ID.
    fn operator_by_login(&mut self, login_id: &str) -> StoreResult<Option<OperatorRow>>;
    /// By id.
    fn get_operator(&mut self, id: i64) -> StoreResult<Option<OperatorRow>>;
    /// All operators.
    fn list_operators(&mut self) -> StoreResult<Vec<OperatorRow>>;
    /// Change role/insurer.
    fn set_operator_role(
        &mut self,
        id: i64,
        role: &str,
        insurer_id: Option<i64>,
    ) -> StoreResult<()>;
    /// Open a session.
    fn insert_session(&mut self, s: &NewSession) -> StoreResult<i64>;
    /// The session of an access token.
    fn session_by_access(&mut self, access_hash: &str) -> StoreResult<Option<SessionRow>>;
    /// The session of a refresh token.
    fn session_by_refresh(&mut self, refresh_hash: &str) -> StoreResult<Option<SessionRow>>;
    /// Spend a refresh token.
    fn mark_rotated(&mut self, id: i64, now: Millis) -> StoreResult<()>;
    /// Revoke every session of a login family.
    fn revoke_family(&mut self, family: &str, now: Millis) -> StoreResult<()>;
    /// Revoke every session of a family but its newest (after a refresh rotation the old
    /// access token must stop working).
    fn revoke_sessions_except_newest(&mut self, family: &str, now: Millis) -> StoreResult<()>;
    /// Record the TOTP step of a sign-in; false when it is not newer than the last one
    /// (the code was already used).
    fn advance_totp_step(&mut self, id: i64, step: i64) -> StoreResult<bool>;
    /// Replace an operator's stored TOTP seed (sealing a seed stored in clear).
    fn set_totp_secret(&mut self, id: i64, stored: &str) -> StoreResult<()>;
    /// Revoke every session of an operator.
    fn revoke_operator_sessions(&mut self, operator_id: i64, now: Millis) -> StoreResult<()>;
}
