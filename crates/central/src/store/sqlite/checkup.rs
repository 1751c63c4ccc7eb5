//! SQLite: checkup codes, the code → secret-question step, secret questions.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::checkup::{CheckupRepo, CodeRow, SecretQuestionRow};
use crate::store::StoreResult;

fn row(r: &Row) -> rusqlite::Result<CodeRow> {
    Ok(CodeRow {
        id: r.get(0)?,
        roster_member_id: r.get(1)?,
        origin: r.get(2)?,
        created_at: r.get(3)?,
        revoked_at: r.get(4)?,
        used_at: r.get(5)?,
    })
}
const COLS: &str = "id, roster_member_id, origin, created_at, revoked_at, used_at";

impl CheckupRepo for SqliteTx<'_> {
    fn insert_code(
        &mut self,
        member_id: i64,
        code_hash: &str,
        origin: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0
            .prepare_cached("INSERT INTO checkup_codes (roster_member_id, code_hash, origin, created_at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![member_id, code_hash, origin, now])?;
        Ok(self.0.last_insert_rowid())
    }
    fn code_by_hash(&mut self, code_hash: &str) -> StoreResult<Option<CodeRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {COLS} FROM checkup_codes WHERE code_hash = ?1"
            ))?
            .query_row([code_hash], row)
            .optional()?)
    }
    fn codes_for_member(&mut self, member_id: i64) -> StoreResult<Vec<CodeRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {COLS} FROM checkup_codes WHERE roster_member_id = ?1 ORDER BY id"
            ))?
            .query_map([member_id], row)?
            .collect::<Result<_, _>>()?)
    }
    fn revoke_code(&mut self, id: i64, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE checkup_codes SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )?;
        Ok(())
    }
    fn use_code(&mut self, id: i64, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE checkup_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
            params![id, now],
        )?;
        Ok(())
    }
    fn insert_checkup_verification(
        &mut self,
        token_hash: &str,
        account_id: i64,
        code_id: i64,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO checkup_verifications (token_hash, account_id, code_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, account_id, code_id, now, expires],
        )?;
        Ok(())
    }
    fn take_checkup_verification(
        &mut self,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Option<(i64, i64)>> {
        let found = self
            .0
            .prepare_cached("SELECT account_id, code_id FROM checkup_verifications WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2")?
            .query_row(params![token_hash, now], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if found.is_some() {
            self.0.execute(
                "UPDATE checkup_verifications SET used_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
        }
        Ok(found)
    }
    fn upsert_secret_question(&mut self, q: &SecretQuestionRow) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO secret_questions (account_id, question, custom, answer_hash, set_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(account_id) DO UPDATE SET question = excluded.question, custom = excluded.custom, \
             answer_hash = excluded.answer_hash, set_at = excluded.set_at",
            params![q.account_id, q.question, q.custom, q.answer_hash, q.set_at],
        )?;
        Ok(())
    }
    fn secret_question(&mut self, account_id: i64) -> StoreResult<Option<SecretQuestionRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT account_id, question, custom, answer_hash, set_at FROM secret_questions WHERE account_id = ?1")?
            .query_row([account_id], |r| {
                Ok(SecretQuestionRow { account_id: r.get(0)?, question: r.get(1)?, custom: r.get(2)?, answer_hash: r.get(3)?, set_at: r.get(4)? })
            })
            .optional()?)
    }
}
