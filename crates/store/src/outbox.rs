//! The outbox: actions the operator made that the central server has not confirmed yet.
//!
//! States: `pending` → `in_flight` → `done`, or back to `pending` with a later
//! `next_attempt_at` (network error, 5xx), or `rejected` (4xx — visible to the operator,
//! who may retry or discard it). A crash while `in_flight` is recovered as `pending`: the
//! replay carries the same idempotency key, so the server answers with its first outcome
//! and never acts twice.
use crate::db::{CacheDb, Tx};
use crate::error::StoreError;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// An action to queue (built by the desk's use-case).
#[derive(Debug, Clone)]
pub struct NewAction {
    /// What it is, e.g. `add_note`, `record_verification`, `reissue_code`.
    pub kind: String,
    /// The case it belongs to, if any.
    pub case_id: Option<String>,
    /// The member it concerns, if any (kept cached while the action waits).
    pub member_id: Option<String>,
    /// The request body for the server (JSON).
    pub payload: serde_json::Value,
}

/// Where an action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    /// Waiting to be sent (or re-sent after a transient failure).
    Pending,
    /// Being sent right now.
    InFlight,
    /// Confirmed by the server.
    Done,
    /// Refused by the server (4xx); waits for the operator's decision.
    Rejected,
}

impl ActionState {
    fn as_str(self) -> &'static str {
        match self {
            ActionState::Pending => "pending",
            ActionState::InFlight => "in_flight",
            ActionState::Done => "done",
            ActionState::Rejected => "rejected",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "in_flight" => ActionState::InFlight,
            "done" => ActionState::Done,
            "rejected" => ActionState::Rejected,
            _ => ActionState::Pending,
        }
    }
}

/// A queued action as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxAction {
    /// Local order of replay.
    pub seq: i64,
    /// Sent as `Idempotency-Key`.
    pub idempotency_key: String,
    /// Per-device sequence number, sent alongside.
    pub device_seq: i64,
    /// Action kind.
    pub kind: String,
    /// Case, if any.
    pub case_id: Option<String>,
    /// Member, if any.
    pub member_id: Option<String>,
    /// Request body.
    pub payload: serde_json::Value,
    /// Current state.
    pub state: ActionState,
    /// How many sends were attempted.
    pub attempts: u32,
    /// Earliest next send (unix ms).
    pub next_attempt_at: i64,
    /// Last failure code (server problem code or NETWORK).
    pub last_error_code: Option<String>,
    /// Last failure message (Japanese, from the server or the desk).
    pub last_error_message: Option<String>,
    /// When it was queued (unix ms).
    pub created_at: i64,
}

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutboxStatus {
    /// Pending or in flight.
    pub waiting: u32,
    /// Rejected actions with their reasons.
    pub rejected: Vec<OutboxAction>,
}

/// Backoff for transient failures: `base * 2^(attempts-1)`, capped.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// First delay (ms).
    pub base_ms: i64,
    /// Longest delay (ms).
    pub max_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_ms: 1_000,
            max_ms: 5 * 60_000,
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt number `attempts + 1`.
    pub fn delay_ms(&self, attempts: u32) -> i64 {
        let exp = attempts.saturating_sub(1).min(30);
        self.base_ms.saturating_mul(1i64 << exp).min(self.max_ms)
    }
}

const COLUMNS: &str = "seq, idempotency_key, device_seq, kind, case_id, member_id, payload, \
                       state, attempts, next_attempt_at, last_error_code, last_error_message, created_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxAction> {
    let payload: String = r.get(6)?;
    let state: String = r.get(7)?;
    Ok(OutboxAction {
        seq: r.get(0)?,
        idempotency_key: r.get(1)?,
        device_seq: r.get(2)?,
        kind: r.get(3)?,
        case_id: r.get(4)?,
        member_id: r.get(5)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        state: ActionState::parse(&state),
        attempts: r.get(8)?,
        next_attempt_at: r.get(9)?,
        last_error_code: r.get(10)?,
        last_error_message: r.get(11)?,
        created_at: r.get(12)?,
    })
}

impl Tx<'_> {
    /// Queue `action` in this transaction; returns its stored form. The idempotency key is
    /// generated here, once, so every replay of this row carries the same key.
    pub fn enqueue(&mut self, action: NewAction, now_ms: i64) -> Result<OutboxAction, StoreError> {
        let key = uuid::Uuid::new_v4().to_string();
        // The per-device sequence number is the row's own AUTOINCREMENT value: monotonic and
        // never reused on this device's cache, even after retention deletes done rows, and
        // it costs no extra write (the hot path is one INSERT, as fast as a bare insert).
        Ok(self.tx.query_row(
            &format!(
                "INSERT INTO outbox (idempotency_key, device_seq, kind, case_id, member_id, payload,
                                     state, next_attempt_at, created_at, updated_at)
                 VALUES (?1, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) + 1,
                         ?2, ?3, ?4, ?5, 'pending', ?6, ?6, ?6)
                 RETURNING {COLUMNS}"
            ),
            params![
                key,
                action.kind,
                action.case_id,
                action.member_id,
                serde_json::to_string(&action.payload)?,
                now_ms
            ],
            from_row,
        )?)
    }
}

impl CacheDb {
    /// A stable identifier of this device's cache, sent with every replay.
    pub fn device_id(&mut self) -> Result<String, StoreError> {
        self.transact(|tx| {
            let existing: Option<String> = tx
                .tx
                .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(id) = existing {
                return Ok(id);
            }
            let id = uuid::Uuid::new_v4().to_string();
            tx.tx.execute(
                "INSERT INTO meta (key, value) VALUES ('device_id', ?1)",
                [&id],
            )?;
            Ok(id)
        })
    }

    /// After a restart: anything left `in_flight` by a crash goes back to `pending`.
    pub fn recover_in_flight(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "UPDATE outbox SET state = 'pending' WHERE state = 'in_flight'",
            [],
        )?)
    }

    /// The oldest action due at `now_ms`, marked `in_flight` atomically. Actions replay
    /// strictly in order: while an older one is pending-but-not-due, nothing newer goes
    /// (a note must not overtake the verification it follows).
    pub fn take_due(&mut self, now_ms: i64) -> Result<Option<OutboxAction>, StoreError> {
        self.transact(|tx| {
            let head = tx
                .tx
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM outbox WHERE state IN ('pending', 'in_flight')
                         ORDER BY seq LIMIT 1"
                    ),
                    [],
                    from_row,
                )
                .optional()?;
            match head {
                Some(a) if a.state == ActionState::Pending && a.next_attempt_at <= now_ms => {
                    tx.tx.execute(
                        "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1,
                                updated_at = ?2 WHERE seq = ?1",
                        params![a.seq, now_ms],
                    )?;
                    Ok(Some(OutboxAction {
                        state: ActionState::InFlight,
                        attempts: a.attempts + 1,
                        ..a
                    }))
                }
                _ => Ok(None),
            }
        })
    }

    /// The server confirmed the action; keep its response for the UI.
    pub fn mark_done(
        &mut self,
        seq: i64,
        response: &serde_json::Value,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.set_state(
            seq,
            ActionState::Done,
            None,
            None,
            Some(response),
            now_ms,
            None,
        )
    }

    /// A transient failure: try again after the policy's backoff.
    pub fn mark_retry(
        &mut self,
        seq: i64,
        code: &str,
        message: &str,
        policy: RetryPolicy,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let attempts: u32 = self
            .conn()
            .query_row("SELECT attempts FROM outbox WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(StoreError::NoSuchAction(seq))?;
        let next = now_ms + policy.delay_ms(attempts);
        self.set_state(
            seq,
            ActionState::Pending,
            Some(code),
            Some(message),
            None,
            now_ms,
            Some(next),
        )
    }

    /// The server refused the action (4xx): it waits for the operator.
    pub fn mark_rejected(
        &mut self,
        seq: i64,
        code: &str,
        message: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.set_state(
            seq,
            ActionState::Rejected,
            Some(code),
            Some(message),
            None,
            now_ms,
            None,
        )
    }

    /// The operator asks to send a rejected action again (same idempotency key).
    pub fn retry_rejected(&mut self, seq: i64, now_ms: i64) -> Result<(), StoreError> {
        let n = self.conn().execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, updated_at = ?2
             WHERE seq = ?1 AND state = 'rejected'",
            params![seq, now_ms],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchAction(seq));
        }
        Ok(())
    }

    /// The operator drops a rejected action for good.
    pub fn discard_rejected(&mut self, seq: i64) -> Result<(), StoreError> {
        let n = self.conn().execute(
            "DELETE FROM outbox WHERE seq = ?1 AND state = 'rejected'",
            [seq],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchAction(seq));
        }
        Ok(())
    }

    /// Counts for the status bar.
    pub fn outbox_status(&self) -> Result<OutboxStatus, StoreError> {
        let waiting: u32 = self.conn().query_row(
            "SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight')",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE state = 'rejected' ORDER BY seq"
        ))?;
        let rejected = stmt
            .query_map([], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OutboxStatus { waiting, rejected })
    }

    /// Every action of a case, oldest first (the case view shows waiting ones).
    pub fn actions_for_case(&self, case_id: &str) -> Result<Vec<OutboxAction>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE case_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt
            .query_map([case_id], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    #[allow(clippy::too_many_arguments)]
    fn set_state(
        &mut self,
        seq: i64,
        state: ActionState,
        code: Option<&str>,
        message: Option<&str>,
        response: Option<&serde_json::Value>,
        now_ms: i64,
        next_attempt_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let response = response.map(serde_json::to_string).transpose()?;
        let n = self.conn().execute(
            "UPDATE outbox SET state = ?2, last_error_code = ?3, last_error_message = ?4,
                    response = coalesce(?5, response), updated_at = ?6,
                    next_attempt_at = coalesce(?7, next_attempt_at)
             WHERE seq = ?1",
            params![
                seq,
                state.as_str(),
                code,
                message,
                response,
                now_ms,
                next_attempt_at
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchAction(seq));
        }
        Ok(())
    }
}
