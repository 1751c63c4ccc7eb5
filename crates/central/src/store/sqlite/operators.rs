//! SQLite: operators and their sessions.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::operators::{NewSession, OperatorRepo, OperatorRow, SessionRow};
use crate::store::StoreResult;

const OCOLS: &str = "id, login_id, display_name, role, insurer_id, password_hash, totp_secret";

fn orow(r: &Row) -> rusqlite::Result<OperatorRow> {
    Ok(OperatorRow {
        id: r.get(0)?,
        login_id: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        insurer_id: r.get(4)?,
        password_hash: r.get(5)?,
        totp_secret: r.get(6)?,
    })
}

const SCOLS: &str =
    "id, operator_id, family, access_expires_at, refresh_expires_at, rotated_at, revoked_at";

fn srow(r: &Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        operator_id: r.get(1)?,
        family: r.get(2)?,
        access_expires_at: r.get(3)?,
        refresh_expires_at: r.get(4)?,
        rotated_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

impl OperatorRepo for SqliteTx<'_> {
    fn insert_operator(&mut self, o: &OperatorRow, now: Millis) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO operators (login_id, display_name, role, insurer_id, password_hash, totp_secret, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
            params![o.login_id, o.display_name, o.role, o.insurer_id, o.password_hash, o.totp_secret, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn operator_by_login(&mut self, login_id: &str) -> StoreResult<Option<OperatorRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {OCOLS} FROM operators WHERE login_id = ?1"
            ))?
            .query_row([login_id], orow)
            .optional()?)
    }
    fn get_operator(&mut self, id: i64) -> StoreResult<Option<OperatorRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {OCOLS} FROM operators WHERE id = ?1"))?
            .query_row([id], orow)
            .optional()?)
    }
    fn list_operators(&mut self) -> StoreResult<Vec<OperatorRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {OCOLS} FROM operators ORDER BY id"))?
            .query_map([], orow)?
            .collect::<Result<_, _>>()?)
    }
    fn set_operator_role(
        &mut self,
        id: i64,
        role: &str,
        insurer_id: Option<i64>,
    ) -> StoreResult<()> {
        self.0.execute(
            "UPDATE operators SET role = ?2, insurer_id = ?3 WHERE id = ?1",
            params![id, role, insurer_id],
        )?;
        Ok(())
    }
    fn insert_session(&mut self, s: &NewSession) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO operator_sessions (operator_id, family, access_hash, access_expires_at, refresh_hash, refresh_expires_at, created_at) \
             VALUES (?1,?2,?3,?4,?5,?6,?7)",
            params![s.operator_id, s.family, s.access_hash, s.access_expires_at, s.refresh_hash, s.refresh_expires_at, s.created_at],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn session_by_access(&mut self, access_hash: &str) -> StoreResult<Option<SessionRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {SCOLS} FROM operator_sessions WHERE access_hash = ?1"
            ))?
            .query_row([access_hash], srow)
            .optional()?)
    }
    fn session_by_refresh(&mut self, refresh_hash: &str) -> StoreResult<Option<SessionRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {SCOLS} FROM operator_sessions WHERE refresh_hash = ?1"
            ))?
            .query_row([refresh_hash], srow)
            .optional()?)
    }
    fn mark_rotated(&mut self, id: i64, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE operator_sessions SET rotated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }
    fn revoke_family(&mut self, family: &str, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE operator_sessions SET revoked_at = ?2 WHERE family = ?1 AND revoked_at IS NULL",
            params![family, now],
        )?;
        Ok(())
    }
    fn revoke_sessions_except_newest(&mut self, family: &str, now: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE operator_sessions SET revoked_at = ?2 WHERE family = ?1 AND revoked_at IS NULL \
             AND id != (SELECT max(id) FROM operator_sessions WHERE family = ?1)",
            params![family, now],
        )?;
        Ok(())
    }
    fn advance_totp_step(&mut self, id: i64, step: i64) -> StoreResult<bool> {
        Ok(self.0.execute(
            "UPDATE operators SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
            params![id, step],
        )? == 1)
    }
    fn set_totp_secret(&mut self, id: i64, stored: &str) -> StoreResult<()> {
        self.0.execute(
            "UPDATE operators SET totp_secret = ?2 WHERE id = ?1",
            params![id, stored],
        )?;
        Ok(())
    }
    fn revoke_operator_sessions(&mut self, operator_id: i64, now: Millis) -> StoreResult<()> {
        self.0.execute("UPDATE operator_sessions SET revoked_at = ?2 WHERE operator_id = ?1 AND revoked_at IS NULL", params![operator_id, now])?;
        Ok(())
    }
}
