//! Stored outcomes of mutating operator requests, keyed by (operator, Idempotency-Key), so
//! an offline desk replaying its outbox never acts twice. Kept ≥ 90 days.

use super::StoreResult;
use crate::clock::Millis;

/// A stored outcome.
#[derive(Clone, Debug)]
pub struct IdempotencyRow {
    pub route: String,
    pub body_hash: String,
    pub status: u16,
    pub response: String,
    pub created_at: Millis,
    /// The desk device that sent it (outbox replays only).
    pub device_id: Option<String>,
    /// Its per-device sequence number (with `device_id`).
    pub device_seq: Option<i64>,
}

/// One stored outcome of a device's outbox replay, as support sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRecord {
    /// The Idempotency-Key.
    pub key: String,
    /// The per-device sequence number it arrived with.
    pub device_seq: i64,
    /// Method + path.
    pub route: String,
}

/// Idempotency storage.
pub trait IdempotencyRepo {
    /// The stored outcome for a key.
    fn get_idempotency(
        &mut self,
        operator_id: i64,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRow>>;
    /// Store an outcome.
    fn put_idempotency(
        &mut self,
        operator_id: i64,
        key: &str,
        row: &IdempotencyRow,
    ) -> StoreResult<()>;
    /// The stored outcomes a device's replays produced, in the order the server first acted
    /// on them (support: "what did this desk send, and did anything arrive out of order").
    fn idempotency_by_device(&mut self, device_id: &str) -> StoreResult<Vec<DeviceRecord>>;
    /// Drop records older than `before`; returns how many.
    fn purge_idempotency(&mut self, before: Millis) -> StoreResult<usize>;
}
