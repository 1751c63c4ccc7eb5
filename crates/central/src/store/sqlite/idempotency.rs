//! SQLite: idempotency records.

use rusqlite::{params, OptionalExtension};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::idempotency::{IdempotencyRepo, IdempotencyRow};
use crate::store::StoreResult;

impl IdempotencyRepo for SqliteTx<'_> {
    fn get_idempotency(
        &mut self,
        operator_id: i64,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT route, body_hash, status, response, created_at FROM idempotency_records WHERE operator_id = ?1 AND key = ?2")?
            .query_row(params![operator_id, key], |r| {
                Ok(IdempotencyRow { route: r.get(0)?, body_hash: r.get(1)?, status: r.get(2)?, response: r.get(3)?, created_at: r.get(4)? })
            })
            .optional()?)
    }
    fn put_idempotency(
        &mut self,
        operator_id: i64,
        key: &str,
        row: &IdempotencyRow,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO idempotency_records (operator_id, key, route, body_hash, status, response, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
            params![operator_id, key, row.route, row.body_hash, row.status, row.response, row.created_at],
        )?;
        Ok(())
    }
    fn purge_idempotency(&mut self, before: Millis) -> StoreResult<usize> {
        Ok(self.0.execute(
            "DELETE FROM idempotency_records WHERE created_at < ?1",
            [before],
        )?)
    }
}
