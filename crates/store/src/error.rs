//! Store errors: a stable code for the UI and a Japanese message for the operator. The
//! messages never contain cached data (they may reach a log).
use thiserror::Error;

/// What went wrong with the local cache.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The key from the keychain does not open this file (or it is not a database).
    #[error("ローカルキャッシュを開けません（暗号鍵が一致しないか、ファイルが壊れています）。サインアウトしてキャッシュを作り直してください。")]
    WrongKey,
    /// A schema migration failed; the database is left at the previous version.
    #[error("ローカルキャッシュの更新（バージョン {version}）に失敗しました。変更は取り消されています。")]
    Migration {
        /// The migration that failed.
        version: u32,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer desk (we never drop or repurpose columns, but we
    /// also do not guess at a schema we do not know).
    #[error("このローカルキャッシュは新しいバージョンのアプリで作成されています（スキーマ {found} > {supported}）。アプリを更新してください。")]
    TooNew {
        /// Version in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// An outbox action was asked for that does not exist.
    #[error("送信待ちの操作（番号 {0}）が見つかりません。")]
    NoSuchAction(i64),
    /// Any other SQLite failure.
    #[error("ローカルキャッシュの操作に失敗しました。")]
    Sqlite(#[from] rusqlite::Error),
    /// Stored JSON no longer parses (a bug or a damaged file).
    #[error("ローカルキャッシュのデータを読み取れません。")]
    Json(#[from] serde_json::Error),
    /// File-system failure (backup, wipe).
    #[error("ローカルキャッシュのファイル操作に失敗しました。")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Stable code for the desk's error mapping.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::WrongKey => "CACHE_WRONG_KEY",
            StoreError::Migration { .. } => "CACHE_MIGRATION",
            StoreError::TooNew { .. } => "CACHE_TOO_NEW",
            StoreError::NoSuchAction(_) => "CACHE_NO_SUCH_ACTION",
            StoreError::Sqlite(_) => "CACHE_SQLITE",
            StoreError::Json(_) => "CACHE_DATA",
            StoreError::Io(_) => "CACHE_IO",
        }
    }
}
