//! Embedded, ordered schema migrations. Each runs in its own transaction with the
//! `user_version` bump, so a failing migration leaves the file exactly as it was. Before
//! migrating an existing file we copy it aside (`<file>.bak-v<N>`): an update that goes
//! wrong can be rolled back by hand. Columns are never dropped or repurposed in a routine
//! release, because an older desk may open a newer file.
use crate::error::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// One schema step.
pub struct Migration {
    /// The `user_version` after this step (1, 2, …, in order).
    pub version: u32,
    /// What it does, for humans.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "cache and outbox",
    sql: "
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- Cached server objects as JSON, keyed by kind and id. touched_at drives retention.
        CREATE TABLE cached (
            kind TEXT NOT NULL CHECK (kind IN ('case', 'member', 'queue_page', 'insurer')),
            id TEXT NOT NULL,
            body TEXT NOT NULL,
            touched_at INTEGER NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE INDEX cached_touched ON cached (touched_at);
        -- Actions waiting for the central server. seq orders replay; idempotency_key makes a
        -- replay after a crash or a lost response harmless; device_seq lets the server see
        -- gaps and order per device. No secondary indexes: the queue is short (done rows
        -- are purged), every enqueue is an fsync'd commit, and each index page written per
        -- commit costs accept latency (`cargo xtask bench outbox`). Keys are v4 UUIDs made
        -- here, so a UNIQUE index would guard nothing.
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL,
            device_seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            case_id TEXT,
            member_id TEXT,
            payload TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'done', 'rejected')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error_code TEXT,
            last_error_message TEXT,
            response TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
    ",
}];

/// Bring `conn` to the newest version in `migrations`.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    existed: bool,
    migrations: &[Migration],
) -> Result<(), StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let newest = migrations.last().map_or(0, |m| m.version);
    if current > newest {
        return Err(StoreError::TooNew {
            found: current,
            supported: newest,
        });
    }
    if current == newest {
        return Ok(());
    }
    if existed && current > 0 {
        backup(conn, path, current)?;
    }
    for m in migrations.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)
            .and_then(|_| tx.execute_batch(&format!("PRAGMA user_version = {};", m.version)))
            .map_err(|source| StoreError::Migration {
                version: m.version,
                source,
            })?;
        tx.commit().map_err(|source| StoreError::Migration {
            version: m.version,
            source,
        })?;
        tracing::info!(version = m.version, name = m.name, "cache migrated");
    }
    Ok(())
}

/// Copy the (still encrypted) file aside after folding the WAL into it.
fn backup(conn: &Connection, path: &Path, version: u32) -> Result<(), StoreError> {
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let mut target = path.as_os_str().to_owned();
    target.push(format!(".bak-v{version}"));
    std::fs::copy(path, &target)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: Migration = Migration {
        version: 1,
        name: "t",
        sql: "CREATE TABLE a (x INTEGER);",
    };
    const BAD: Migration = Migration {
        version: 2,
        name: "half",
        // The first statement succeeds, the second fails: nothing of it may remain.
        sql: "CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);",
    };

    #[test]
    fn all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path, false, &[GOOD]).unwrap();
        let err = migrate(&mut conn, &path, true, &[GOOD, BAD]).unwrap_err();
        assert!(matches!(err, StoreError::Migration { version: 2, .. }));
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1, "a failed migration must not bump the version");
        let b: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            b, 0,
            "a failed migration must leave none of its tables behind"
        );
        assert!(
            dir.path().join("c.db.bak-v1").exists(),
            "an existing file is backed up before migrating"
        );
    }

    #[test]
    fn refuses_a_newer_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
        assert!(matches!(
            migrate(&mut conn, &path, true, &[GOOD]),
            Err(StoreError::TooNew {
                found: 99,
                supported: 1
            })
        ));
    }
}
