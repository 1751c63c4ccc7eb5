//! SQLite: accounts, activation tokens, member sessions, mail outbox, eligibility attempts.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::accounts::{AccountRepo, AccountRow, ActivationRow, AttemptRow, MailRow};
use crate::store::{StoreError, StoreResult};

const COLS: &str = "id, email, email_key, password_hash, invitation_code, state, pending_member_id, roster_member_id, \
     consented_at, created_at, activated_at, failed_logins, locked_until";

fn row(r: &Row) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        email: r.get(1)?,
        email_key: r.get(2)?,
        password_hash: r.get(3)?,
        invitation_code: r.get(4)?,
        state: r.get(5)?,
        pending_member_id: r.get(6)?,
        roster_member_id: r.get(7)?,
        consented_at: r.get(8)?,
        created_at: r.get(9)?,
        activated_at: r.get(10)?,
        failed_logins: r.get(11)?,
        locked_until: r.get(12)?,
    })
}

fn arow(r: &Row) -> rusqlite::Result<ActivationRow> {
    Ok(ActivationRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        created_at: r.get(2)?,
        expires_at: r.get(3)?,
        invalidated_at: r.get(4)?,
        used_at: r.get(5)?,
    })
}

fn mail_row(r: &Row) -> rusqlite::Result<MailRow> {
    Ok(MailRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        kind: r.get(2)?,
        to_addr: r.get(3)?,
        from_addr: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        activation_token_id: r.get(7)?,
        created_at: r.get(8)?,
    })
}

const MAIL_COLS: &str =
    "id, account_id, kind, to_addr, from_addr, subject, body, activation_token_id, created_at";
const ATT_COLS: &str = "id, account_id, at, raw_symbol, raw_number, raw_insurer_number, raw_name, raw_birth_date, number_key, \
     insurer_number, name_key, birth_date, outcome, roster_member_id, detail";

fn att_row(r: &Row) -> rusqlite::Result<AttemptRow> {
    Ok(AttemptRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        at: r.get(2)?,
        raw_symbol: r.get(3)?,
        raw_number: r.get(4)?,
        raw_insurer_number: r.get(5)?,
        raw_name: r.get(6)?,
        raw_birth_date: r.get(7)?,
        number_key: r.get(8)?,
        insurer_number: r.get(9)?,
        name_key: r.get(10)?,
        birth_date: r.get(11)?,
        outcome: r.get(12)?,
        roster_member_id: r.get(13)?,
        detail: r.get(14)?,
    })
}

impl SqliteTx<'_> {
    fn account_where(
        &self,
        clause: &str,
        p: impl rusqlite::Params,
    ) -> StoreResult<Vec<AccountRow>> {
        let sql = format!("SELECT {COLS} FROM accounts WHERE {clause} ORDER BY id");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map(p, row)?
            .collect::<Result<_, _>>()?)
    }
}

impl AccountRepo for SqliteTx<'_> {
    fn account_by_email(&mut self, email: &str) -> StoreResult<Option<AccountRow>> {
        Ok(self.account_where("email = ?1", [email])?.pop())
    }
    fn get_account(&mut self, id: i64) -> StoreResult<Option<AccountRow>> {
        Ok(self.account_where("id = ?1", [id])?.pop())
    }
    fn account_by_member(&mut self, member_id: i64) -> StoreResult<Option<AccountRow>> {
        Ok(self
            .account_where("roster_member_id = ?1", [member_id])?
            .pop())
    }
    fn accounts_by_email_key(&mut self, key: &str) -> StoreResult<Vec<AccountRow>> {
        self.account_where("email_key = ?1", [key])
    }
    fn insert_account(
        &mut self,
        email: &str,
        email_key: &str,
        password_hash: &str,
        invitation: Option<&str>,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO accounts (email, email_key, password_hash, invitation_code, state, consented_at, created_at) \
             VALUES (?1, ?2, ?3, ?4, 'provisional', ?5, ?5)",
            params![email, email_key, password_hash, invitation, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn restart_registration(
        &mut self,
        id: i64,
        password_hash: &str,
        invitation: Option<&str>,
        now: Millis,
    ) -> StoreResult<()> {
        self.0.execute(
            "UPDATE accounts SET password_hash = ?2, invitation_code = ?3, state = 'provisional', pending_member_id = NULL, consented_at = ?4 \
             WHERE id = ?1 AND state != 'active'",
            params![id, password_hash, invitation, now],
        )?;
        Ok(())
    }
    fn set_account_state(&mut self, id: i64, state: &str, pending: Option<i64>) -> StoreResult<()> {
        self.0.execute(
            "UPDATE accounts SET state = ?2, pending_member_id = ?3 WHERE id = ?1",
            params![id, state, pending],
        )?;
        Ok(())
    }
    fn activate_account(&mut self, id: i64, member_id: i64, now: Millis) -> StoreResult<()> {
        let n = self.0.execute(
            "UPDATE accounts SET state = 'active', roster_member_id = ?2, pending_member_id = NULL, activated_at = ?3 WHERE id = ?1",
            params![id, member_id, now],
        )?;
        if n == 0 {
            return Err(StoreError::Backend("account vanished".into()));
        }
        Ok(())
    }
    fn record_failed_login(&mut self, id: i64, lock_until: Option<Millis>) -> StoreResult<i64> {
        self.0.execute(
            "UPDATE accounts SET failed_logins = failed_logins + 1, locked_until = COALESCE(?2, locked_until) WHERE id = ?1",
            params![id, lock_until],
        )?;
        Ok(self.0.query_row(
            "SELECT failed_logins FROM accounts WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }
    fn clear_login_failures(&mut self, id: i64) -> StoreResult<()> {
        self.0.execute(
            "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    fn insert_activation_token(
        &mut self,
        account_id: i64,
        token_hash: &str,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO activation_tokens (account_id, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![account_id, token_hash, now, expires],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn invalidate_activation_tokens(&mut self, account_id: i64, now: Millis) -> StoreResult<usize> {
        Ok(self.0.execute(
            "UPDATE activation_tokens SET invalidated_at = ?2 WHERE account_id = ?1 AND invalidated_at IS NULL AND used_at IS NULL",
            params![account_id, now],
        )?)
    }
    fn activation_by_hash(&mut self, token_hash: &str) -> StoreResult<Option<ActivationRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT id, account_id, created_at, expires_at, invalidated_at, used_at FROM activation_tokens WHERE token_hash = ?1")?
            .query_row([token_hash], arow)
            .optional()?)
    }
    fn use_activation_token(&mut self, id: i64, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE activation_tokens SET used_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }
    fn activation_tokens(&mut self, account_id: i64) -> StoreResult<Vec<ActivationRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT id, account_id, created_at, expires_at, invalidated_at, used_at FROM activation_tokens WHERE account_id = ?1 ORDER BY id")?
            .query_map([account_id], arow)?
            .collect::<Result<_, _>>()?)
    }

    fn insert_member_session(
        &mut self,
        token_hash: &str,
        account_id: i64,
        now: Millis,
        expires: Millis,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO member_sessions (token_hash, account_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, account_id, now, expires],
        )?;
        Ok(())
    }
    fn member_session(&mut self, token_hash: &str, now: Millis) -> StoreResult<Option<i64>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT account_id FROM member_sessions WHERE token_hash = ?1 AND expires_at > ?2",
            )?
            .query_row(params![token_hash, now], |r| r.get(0))
            .optional()?)
    }

    fn insert_mail(&mut self, m: &MailRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO mail_outbox (account_id, kind, to_addr, from_addr, subject, body, activation_token_id, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![m.account_id, m.kind, m.to_addr, m.from_addr, m.subject, m.body, m.activation_token_id, m.created_at],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn mails_for_account(&mut self, account_id: i64) -> StoreResult<Vec<MailRow>> {
        let sql = format!("SELECT {MAIL_COLS} FROM mail_outbox WHERE account_id = ?1 ORDER BY id");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map([account_id], mail_row)?
            .collect::<Result<_, _>>()?)
    }
    fn mails_to(&mut self, to: &str) -> StoreResult<Vec<MailRow>> {
        let sql = format!("SELECT {MAIL_COLS} FROM mail_outbox WHERE to_addr = ?1 ORDER BY id");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map([to], mail_row)?
            .collect::<Result<_, _>>()?)
    }

    fn insert_attempt(&mut self, a: &AttemptRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO eligibility_attempts (account_id, at, raw_symbol, raw_number, raw_insurer_number, raw_name, raw_birth_date, \
             number_key, insurer_number, name_key, birth_date, outcome, roster_member_id, detail) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
            params![
                a.account_id,
                a.at,
                a.raw_symbol,
                a.raw_number,
                a.raw_insurer_number,
                a.raw_name,
                a.raw_birth_date,
                a.number_key,
                a.insurer_number,
                a.name_key,
                a.birth_date,
                a.outcome,
                a.roster_member_id,
                a.detail
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn attempts_for_account(&mut self, account_id: i64) -> StoreResult<Vec<AttemptRow>> {
        let sql = format!(
            "SELECT {ATT_COLS} FROM eligibility_attempts WHERE account_id = ?1 ORDER BY id"
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map([account_id], att_row)?
            .collect::<Result<_, _>>()?)
    }
    fn attempts_near_member(
        &mut self,
        number_key: &str,
        name_key: &str,
        birth_date: &str,
        limit: i64,
    ) -> StoreResult<Vec<AttemptRow>> {
        let sql = format!(
            "SELECT {ATT_COLS} FROM eligibility_attempts WHERE number_key = ?1 OR (name_key = ?2 AND birth_date = ?3) \
             ORDER BY id DESC LIMIT ?4"
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map(params![number_key, name_key, birth_date, limit], att_row)?
            .collect::<Result<_, _>>()?)
    }
}
