//! SQLite: idempotency records.

use rusqlite::{params, OptionalExtension};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::idempotency::{DeviceRecord, IdempotencyRepo, IdempotencyRow};
use crate::store::StoreResult;

impl IdempotencyRepo for SqliteTx<'_> {
    fn get_idempotency(
        &mut self,
        operator_id: i64,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT route, body_hash, status, response, created_at, device_id, device_seq FROM idempotency_records WHERE operator_id = ?1 AND key = ?2")?
            .query_row(params![operator_id, key], |r| {
                Ok(IdempotencyRow { route: r.get(0)?, body_hash: r.get(1)?, status: r.get(2)?, response: r.get(3)?, created_at: r.get(4)?, device_id: r.get(5)?, device_seq: r.get(6)? })
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
            "INSERT INTO idempotency_records (operator_id, key, route, body_hash, status, response, created_at, device_id, device_seq) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
            params![operator_id, key, row.route, row.body_hash, row.status, row.response, row.created_at, row.device_id, row.device_seq],
        )?;
        Ok(())
    }
    fn idempotency_by_device(&mut self, device_id: &str) -> StoreResult<Vec<DeviceRecord>> {
        // rowid is insertion order: the order in which the server first acted.
        let mut stmt = self.0.prepare_cached(
            "SELECT key, device_seq, route FROM idempotency_records
             WHERE device_id = ?1 AND device_seq IS NOT NULL ORDER BY rowid",
        )?;
        let rows = stmt
            .query_map([device_id], |r| {
                Ok(DeviceRecord {
                    key: r.get(0)?,
                    device_seq: r.get(1)?,
                    route: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
    fn purge_idempotency(&mut self, before: Millis) -> StoreResult<usize> {
        Ok(self.0.execute(
            "DELETE FROM idempotency_records WHERE created_at < ?1",
            [before],
        )?)
    }
}
