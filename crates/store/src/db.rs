//! Opening the encrypted cache: the SQLCipher key, the pragmas (each with its reason),
//! migrations with a backup first, and the transaction wrapper that ties a local change to
//! its outbox row.
use crate::error::StoreError;
use crate::migrations;
use rusqlite::{Connection, OpenFlags, Transaction};
use std::path::{Path, PathBuf};

/// A raw 256-bit SQLCipher key. Generated once, kept only in the OS keychain.
#[derive(Clone)]
pub struct CacheKey([u8; 32]);

impl CacheKey {
    /// Wrap 32 bytes (e.g. from the keychain).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
    /// Parse the 64-hex-digit form stored in the keychain.
    pub fn from_hex(s: &str) -> Option<Self> {
        let v = hex::decode(s.trim()).ok()?;
        Some(Self(v.try_into().ok()?))
    }
    /// The 64-hex-digit form for the keychain.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
    /// A fresh random key from the OS's cryptographic random source.
    pub fn generate() -> Self {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        Self(k)
    }
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(<redacted>)")
    }
}

/// The open cache. One per signed-in operator; `wipe` on sign-out.
pub struct CacheDb {
    conn: Connection,
    path: PathBuf,
}

/// A transaction on the cache: local changes and outbox rows commit together or not at all.
pub struct Tx<'a> {
    pub(crate) tx: Transaction<'a>,
}

impl CacheDb {
    /// Open (or create) the cache at `path` with `key`, migrating it to the newest schema.
    /// A wrong key is [`StoreError::WrongKey`], never a silent new database.
    pub fn open(path: &Path, key: &CacheKey) -> Result<Self, StoreError> {
        let existed = path.exists();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        // SQLCipher logs to stderr by default; the desk's log must stay ours.
        let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
        // A raw key (x'..') skips the passphrase KDF: ~0.1 ms to open instead of ~100 ms,
        // and the key is already 256 random bits.
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex()))?;
        // The first read is where a wrong key shows (NotADatabase).
        if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            return Err(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongKey,
                _ => StoreError::Sqlite(e),
            });
        }
        conn.execute_batch(
            // WAL: readers (UI refresh) never block the replay loop's writes.
            "PRAGMA journal_mode = WAL;
             -- FULL: an action the operator saw accepted survives power loss, not only a crash.
             PRAGMA synchronous = FULL;
             -- Cached snapshots reference cases; keep them consistent.
             PRAGMA foreign_keys = ON;
             -- The UI thread and the replay task share the file; wait instead of failing.
             PRAGMA busy_timeout = 5000;
             -- Deleted data must not linger in free pages of the file.
             PRAGMA secure_delete = ON;",
        )?;
        let mut db = Self {
            conn,
            path: path.to_path_buf(),
        };
        migrations::migrate(&mut db.conn, &db.path, existed, migrations::MIGRATIONS)?;
        Ok(db)
    }

    /// Run `f` in one transaction; everything it wrote commits together or not at all.
    pub fn transact<T>(
        &mut self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut tx = Tx {
            tx: self.conn.transaction()?,
        };
        let out = f(&mut tx)?;
        tx.tx.commit()?;
        Ok(out)
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Close the cache and delete its files (database, WAL, shared memory, backups):
    /// sign-out leaves nothing of the operator's cases on the machine.
    pub fn wipe(self) -> Result<(), StoreError> {
        let path = self.path.clone();
        drop(self.conn);
        wipe_files(&path)
    }
}

/// Delete the cache file at `path` and its companions, whether or not it can be opened.
pub fn wipe_files(path: &Path) -> Result<(), StoreError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(dir) = path.parent() {
        if dir.exists() {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let n = entry.file_name().to_string_lossy().into_owned();
                if n == name
                    || n.starts_with(&format!("{name}-"))
                    || n.starts_with(&format!("{name}.bak"))
                {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
    }
    Ok(())
}
