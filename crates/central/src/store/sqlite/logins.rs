//! SQLite: login attempts and CAPTCHA challenges.

use rusqlite::{params, OptionalExtension};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::logins::{CaptchaRow, LoginAttemptRow, LoginRepo};
use crate::store::StoreResult;

impl LoginRepo for SqliteTx<'_> {
    fn insert_login_attempt(&mut self, a: &LoginAttemptRow) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO login_attempts (at, ip, account_id, client, captcha_level, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![a.at, a.ip, a.account_id, a.client, a.captcha_level, a.outcome],
        )?;
        Ok(())
    }
    fn ip_failures_since(&mut self, ip: &str, since: Millis) -> StoreResult<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(*) FROM login_attempts WHERE ip = ?1 AND at >= ?2 AND outcome != 'ok'")?
            .query_row(params![ip, since], |r| r.get(0))?)
    }
    fn ip_attempts_since(&mut self, ip: &str, since: Millis) -> StoreResult<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(*) FROM login_attempts WHERE ip = ?1 AND at >= ?2")?
            .query_row(params![ip, since], |r| r.get(0))?)
    }
    fn account_failures_since(&mut self, account_id: i64, since: Millis) -> StoreResult<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT count(*) FROM login_attempts WHERE account_id = ?1 AND at >= ?2 AND outcome != 'ok'")?
            .query_row(params![account_id, since], |r| r.get(0))?)
    }
    fn login_attempts_for_account(
        &mut self,
        account_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<LoginAttemptRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT at, ip, account_id, client, captcha_level, outcome FROM login_attempts WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2")?
            .query_map(params![account_id, limit], |r| {
                Ok(LoginAttemptRow { at: r.get(0)?, ip: r.get(1)?, account_id: r.get(2)?, client: r.get(3)?, captcha_level: r.get(4)?, outcome: r.get(5)? })
            })?
            .collect::<Result<_, _>>()?)
    }
    fn insert_captcha(&mut self, c: &CaptchaRow) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO captcha_challenges (id, level, answer_hash, ip, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![c.id, c.level, c.answer_hash, c.ip, c.created_at],
        )?;
        Ok(())
    }
    fn take_captcha(&mut self, id: &str, now: Millis) -> StoreResult<Option<CaptchaRow>> {
        let found = self
            .0
            .prepare_cached("SELECT id, level, answer_hash, ip, created_at, used_at FROM captcha_challenges WHERE id = ?1 AND used_at IS NULL")?
            .query_row([id], |r| {
                Ok(CaptchaRow { id: r.get(0)?, level: r.get(1)?, answer_hash: r.get(2)?, ip: r.get(3)?, created_at: r.get(4)?, used_at: r.get(5)? })
            })
            .optional()?;
        if found.is_some() {
            self.0.execute(
                "UPDATE captcha_challenges SET used_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
        }
        Ok(found)
    }
}
