//! The embedded SQLite backend: one database file in WAL mode, a small pool of
//! connections used from tokio's blocking threads, and the repository implementations
//! (one file per table group). Only standard SQLite features are used (FTS5 trigram is
//! part of the bundled build), so the desk's SQLCipher build of libsqlite3-sys — one per
//! workspace — serves this crate too.

mod accounts;
mod audit;
mod cases;
mod checkup;
mod idempotency;
mod insurers;
mod logins;
pub mod migrations;
mod operators;
mod print;
mod roster;
mod roster_sync;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use tokio::sync::Semaphore;

use super::{Backend, BoxedFuture, BoxedWork, Mode, StoreError, Tx};
use crate::error::ApiError;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(f, msg)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(msg.unwrap_or_else(|| "constraint".into()))
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

/// A transaction handle implementing every repository.
pub struct SqliteTx<'a>(pub &'a Connection);

impl Tx for SqliteTx<'_> {}

/// Connections kept open. Two cores on the reference machine: more readers than this
/// only queue on the CPU; writes are serialised by SQLite anyway.
const POOL_SIZE: usize = 4;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

/// Open a connection with the pragmas every connection needs.
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // WAL: readers never block the single writer and vice versa; one file + -wal/-shm.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // NORMAL is durable across application crashes in WAL mode; only an OS crash/power
    // loss can lose the last commits — acceptable for a reference server, and 2–3× faster.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // SQLite leaves foreign keys off by default; our references must hold.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Writers queue for up to 5 s instead of failing at once with SQLITE_BUSY.
    conn.busy_timeout(Duration::from_secs(5))?;
    // Sorting/grouping temp data stays in memory (search pages are small).
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(conn)
}

impl SqliteStore {
    /// Open (creating if needed) and migrate the database at `path`. A file with pending
    /// migrations is first copied to `PATH.bak-v<N>` so a failed upgrade loses nothing.
    pub fn open(path: &Path) -> Result<Arc<Self>, StoreError> {
        let mut conn = open_connection(path)?;
        migrations::backup_then_migrate(&mut conn, path, migrations::MIGRATIONS)?;
        let mut idle = vec![conn];
        for _ in 1..POOL_SIZE {
            idle.push(open_connection(path)?);
        }
        Ok(Arc::new(Self {
            path: path.to_owned(),
            idle: Mutex::new(idle),
            permits: Semaphore::new(POOL_SIZE),
        }))
    }

    fn checkout(&self) -> Result<Connection, StoreError> {
        let popped = self
            .idle
            .lock()
            .map_err(|_| StoreError::Backend("pool poisoned".into()))?
            .pop();
        match popped {
            Some(c) => Ok(c),
            // A connection is lost only if a closure panicked; replace it.
            None => open_connection(&self.path),
        }
    }

    fn checkin(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }

    /// Run work synchronously on the calling thread (seeding and benchmarks, which are
    /// already off the runtime).
    pub fn run_blocking<T>(
        &self,
        mode: Mode,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self.checkout()?;
        let out = run_in_tx(&mut conn, mode, f);
        self.checkin(conn);
        out
    }
}

fn run_in_tx<T>(
    conn: &mut Connection,
    mode: Mode,
    f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let behavior = match mode {
        Mode::Read => TransactionBehavior::Deferred,
        // IMMEDIATE takes the write lock at BEGIN: a write never fails half-way on upgrade.
        Mode::Write => TransactionBehavior::Immediate,
    };
    let tx = conn
        .transaction_with_behavior(behavior)
        .map_err(StoreError::from)?;
    let out = f(&mut SqliteTx(&tx));
    match out {
        Ok(v) => {
            tx.commit().map_err(StoreError::from)?;
            Ok(v)
        }
        Err(e) => {
            // Dropping the transaction rolls back.
            drop(tx);
            Err(e)
        }
    }
}

impl Backend for Arc<SqliteStore> {
    fn run(&self, mode: Mode, work: BoxedWork) -> BoxedFuture<'_> {
        let this = self.clone();
        Box::pin(async move {
            let _permit = this
                .permits
                .acquire()
                .await
                .map_err(|_| ApiError::internal("pool closed"))?;
            let store = this.clone();
            tokio::task::spawn_blocking(move || store.run_blocking(mode, work))
                .await
                .map_err(|_| ApiError::internal("storage task panicked"))?
        })
    }
}
