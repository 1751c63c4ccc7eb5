//! Appending to and verifying the hash-chained audit log. Each entry's hash covers its
//! content and the previous entry's hash, so editing, deleting or reordering any stored
//! row breaks the chain at that row. Appends happen inside the same write transaction as
//! the action they record (one writer at a time, so the chain cannot fork).

use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::error::ApiResult;
use crate::store::audit::AuditRow;
use crate::store::Tx;

/// The hash of the (non-existent) entry before the first.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record.
#[derive(Clone, Debug, Default)]
pub struct AuditEvent {
    pub operator_id: Option<i64>,
    pub action: String,
    pub member_id: Option<i64>,
    pub case_id: Option<i64>,
    pub insurer_id: Option<i64>,
    /// Free text without secrets (no codes, no passwords, no tokens).
    pub detail: String,
}

impl AuditEvent {
    /// An operator action.
    pub fn op(operator_id: i64, action: &str) -> Self {
        Self {
            operator_id: Some(operator_id),
            action: action.into(),
            ..Default::default()
        }
    }
    /// A member-facing/system action.
    pub fn system(action: &str) -> Self {
        Self {
            action: action.into(),
            ..Default::default()
        }
    }
    /// About a member.
    pub fn member(mut self, id: i64, insurer_id: i64) -> Self {
        self.member_id = Some(id);
        self.insurer_id = Some(insurer_id);
        self
    }
    /// On a case.
    pub fn case(mut self, id: i64) -> Self {
        self.case_id = Some(id);
        self
    }
    /// About an insurer.
    pub fn insurer(mut self, id: i64) -> Self {
        self.insurer_id = Some(id);
        self
    }
    /// With detail.
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = d.into();
        self
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The hash of an entry given its predecessor's hash. Fields are length-prefixed so no
/// two different entries serialise to the same bytes.
pub fn entry_hash(row: &AuditRow) -> String {
    let mut h = Sha256::new();
    for part in [
        row.seq.to_string(),
        row.at.to_string(),
        opt(row.operator_id),
        row.action.clone(),
        opt(row.member_id),
        opt(row.case_id),
        opt(row.insurer_id),
        row.detail.clone(),
        row.prev_hash.clone(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Append an entry.
pub fn append(tx: &mut dyn Tx, now: Millis, ev: AuditEvent) -> ApiResult<()> {
    let last = tx.last_audit()?;
    let (seq, prev_hash) = match last {
        Some(l) => (l.seq + 1, l.hash),
        None => (1, GENESIS.to_string()),
    };
    let mut row = AuditRow {
        seq,
        at: now,
        operator_id: ev.operator_id,
        action: ev.action,
        member_id: ev.member_id,
        case_id: ev.case_id,
        insurer_id: ev.insurer_id,
        detail: ev.detail,
        prev_hash,
        hash: String::new(),
    };
    row.hash = entry_hash(&row);
    tx.insert_audit(&row)?;
    Ok(())
}

/// Walk the whole chain: (entries checked, first bad seq).
pub fn verify(tx: &mut dyn Tx) -> ApiResult<(i64, Option<i64>)> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut checked = 0;
    loop {
        let page = tx.audit_after(expected_seq - 1, 1000)?;
        if page.is_empty() {
            // A deleted tail is invisible to a chain alone; the caller compares `checked`
            // with the count it last saw (the desk keeps it). A deleted middle row shows
            // as a seq gap below.
            return Ok((checked, None));
        }
        for row in page {
            checked += 1;
            if row.seq != expected_seq || row.prev_hash != prev || entry_hash(&row) != row.hash {
                return Ok((checked, Some(row.seq.min(expected_seq))));
            }
            prev = row.hash.clone();
            expected_seq += 1;
        }
    }
}
