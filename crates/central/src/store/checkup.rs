//! 健診閲覧コード (only a keyed hash is stored), the short-lived verification step between
//! code entry and the secret question, and the secret question itself (answer hashed).

use super::StoreResult;
use crate::clock::Millis;

/// A checkup code row.
#[derive(Clone, Debug)]
pub struct CodeRow {
    pub id: i64,
    pub roster_member_id: i64,
    pub origin: String,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
    pub used_at: Option<Millis>,
}

/// A secret question row.
#[derive(Clone, Debug)]
pub struct SecretQuestionRow {
    pub account_id: i64,
    pub question: String,
    pub custom: bool,
    pub answer_hash: String,
    pub set_at: Millis,
}

/// Checkup storage.
pub trait CheckupRepo {
    /// Store a new code hash.
    fn insert_code(
        &mut self,
        member_id: i64,
        code_hash: &str,
        origin: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Lookup by hash.
    fn code_by_hash(&mut self, code_hash: &str) -> StoreResult<Option<CodeRow>>;
    /// Codes of a member, oldest first.
    fn codes_for_member(&mut self, member_id: i64) -> StoreResult<Vec<CodeRow>>;
    /// Revoke a code.
    fn revoke_code(&mut self, id: i64, now: Millis) -> StoreResult<()>;
    /// Mark a code used (first view completed).
    fn use_code(&mut self, id: i64, now: Millis) -> StoreResult<()>;
    /// Open the code → secret-question step.
    fn insert_checkup_verification(
        &mut self,
        token_hash: &str,
        account_id: i64,
        code_id: i64,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()>;
    /// Consume it: (account_id, code_id) when live and unused.
    fn take_checkup_verification(
        &mut self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<(i64, i64)>>;
    /// Set or replace the secret question.
    fn upsert_secret_question(&mut self, q: &SecretQuestionRow) -> StoreResult<()>;
    /// The account's secret question.
    fn secret_question(&mut self, account_id: i64) -> StoreResult<Option<SecretQuestionRow>>;
}
