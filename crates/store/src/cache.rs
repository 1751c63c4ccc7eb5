//! Cached server objects (cases, member snapshots, queue pages, insurers) stored as JSON
//! and purged after a retention period — except what a waiting action still refers to.
use crate::db::{CacheDb, Tx};
use crate::error::StoreError;
use rusqlite::{params, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

/// What kind of object a cache row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachedKind {
    /// An open case of the operator.
    Case,
    /// A member snapshot referenced by a case.
    Member,
    /// A page of the inquiry queue.
    QueuePage,
    /// Reference data: an insurer.
    Insurer,
}

impl CachedKind {
    fn as_str(self) -> &'static str {
        match self {
            CachedKind::Case => "case",
            CachedKind::Member => "member",
            CachedKind::QueuePage => "queue_page",
            CachedKind::Insurer => "insurer",
        }
    }
}

/// How much a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeReport {
    /// Cache rows removed.
    pub cached: usize,
    /// Confirmed outbox rows removed.
    pub done_actions: usize,
}

fn put_on(
    conn: &rusqlite::Connection,
    kind: CachedKind,
    id: &str,
    body: &impl Serialize,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO cached (kind, id, body, touched_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, touched_at = excluded.touched_at",
        params![kind.as_str(), id, serde_json::to_string(body)?, now_ms],
    )?;
    Ok(())
}

impl Tx<'_> {
    /// Store or replace an object in this transaction (e.g. a case with the note just added).
    pub fn put<T: Serialize>(
        &mut self,
        kind: CachedKind,
        id: &str,
        body: &T,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        put_on(&self.tx, kind, id, body, now_ms)
    }
}

impl CacheDb {
    /// Store or replace an object (a fresh copy from the server).
    pub fn put<T: Serialize>(
        &mut self,
        kind: CachedKind,
        id: &str,
        body: &T,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        put_on(self.conn(), kind, id, body, now_ms)
    }

    /// Read an object back.
    pub fn get<T: DeserializeOwned>(
        &self,
        kind: CachedKind,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM cached WHERE kind = ?1 AND id = ?2",
                params![kind.as_str(), id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
    }

    /// Every object of a kind, most recently touched first.
    pub fn list<T: DeserializeOwned>(&self, kind: CachedKind) -> Result<Vec<T>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT body FROM cached WHERE kind = ?1 ORDER BY touched_at DESC, id")?;
        let bodies = stmt
            .query_map([kind.as_str()], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        bodies
            .iter()
            .map(|b| serde_json::from_str(b).map_err(StoreError::from))
            .collect()
    }

    /// Remove an object (e.g. a closed case).
    pub fn remove(&mut self, kind: CachedKind, id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM cached WHERE kind = ?1 AND id = ?2",
            params![kind.as_str(), id],
        )?;
        Ok(())
    }

    /// Retention: drop cache rows not touched since `older_than_ms` and confirmed actions
    /// older than that — but never a case or member a waiting or rejected action refers to.
    pub fn purge(&mut self, older_than_ms: i64) -> Result<PurgeReport, StoreError> {
        self.transact(|tx| {
            let cached = tx.tx.execute(
                "DELETE FROM cached WHERE touched_at < ?1
                   AND NOT (kind = 'case' AND id IN (SELECT case_id FROM outbox
                            WHERE state <> 'done' AND case_id IS NOT NULL))
                   AND NOT (kind = 'member' AND id IN (SELECT member_id FROM outbox
                            WHERE state <> 'done' AND member_id IS NOT NULL))",
                [older_than_ms],
            )?;
            let done_actions = tx.tx.execute(
                "DELETE FROM outbox WHERE state = 'done' AND updated_at < ?1",
                [older_than_ms],
            )?;
            Ok(PurgeReport {
                cached,
                done_actions,
            })
        })
    }
}
