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
    /// Drop records older than `before`; returns how many.
    fn purge_idempotency(&mut self, before: Millis) -> StoreResult<usize>;
}
