//! The append-only, hash-chained audit log: every read of member data and every write.

use super::StoreResult;
use crate::clock::Millis;

/// One audit entry as stored.
#[derive(Clone, Debug)]
pub struct AuditRow {
    pub seq: i64,
    pub at: Millis,
    pub operator_id: Option<i64>,
    pub action: String,
    pub member_id: Option<i64>,
    pub case_id: Option<i64>,
    pub insurer_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Audit filter.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    pub operator_id: Option<i64>,
    pub member_id: Option<i64>,
    pub action: Option<String>,
    pub insurer_id: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// Audit storage.
pub trait AuditRepo {
    /// The last entry (for chaining), if any.
    fn last_audit(&mut self) -> StoreResult<Option<AuditRow>>;
    /// Append an entry whose hashes were computed by `crate::audit`.
    fn insert_audit(&mut self, row: &AuditRow) -> StoreResult<()>;
    /// Filtered, newest first, with total.
    fn query_audit(&mut self, q: &AuditQuery) -> StoreResult<(Vec<AuditRow>, i64)>;
    /// Entries with seq > `after`, ascending, at most `limit` (chain verification pages).
    fn audit_after(&mut self, after: i64, limit: i64) -> StoreResult<Vec<AuditRow>>;
}
