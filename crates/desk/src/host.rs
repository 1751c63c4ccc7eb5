//! The narrow host the use-cases run against: the OS keychain and the app's directories.
//!
//! The shell implements it with the real platform; tests implement it with fakes. Keeping
//! it a trait is what lets the desk stay free of Tauri and of any concrete keychain.
use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

/// Whether the OS keychain can hold the desk's secrets right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum KeychainStatus {
    /// Secrets can be stored; `backend` names the store (e.g. "Secret Service").
    Available {
        /// The platform store in use.
        backend: String,
    },
    /// No usable keychain. The desk never falls back to a file.
    Unavailable {
        /// Stable code, e.g. `NO_SECRET_SERVICE`.
        code: String,
        /// Japanese description of what is wrong.
        message: String,
        /// Japanese instructions: what to install or start.
        remedy: String,
    },
}

/// A keychain failure classified for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct VaultError {
    /// Stable code (`NO_SECRET_SERVICE`, `LOCKED`, `ACCESS_DENIED`, `PLATFORM`).
    pub code: String,
    /// Japanese description.
    pub message: String,
    /// Japanese remedy.
    pub remedy: String,
}

/// Secret storage: the OS keychain in the app, an in-memory map in tests.
pub trait Vault: Send + Sync {
    /// Probe the keychain without changing anything the operator owns.
    fn status(&self) -> KeychainStatus;
    /// Read a secret; `Ok(None)` when there is none.
    fn get(&self, name: &str) -> Result<Option<String>, VaultError>;
    /// Store or replace a secret.
    fn set(&self, name: &str, secret: &str) -> Result<(), VaultError>;
    /// Remove a secret; removing a missing one is not an error.
    fn delete(&self, name: &str) -> Result<(), VaultError>;
}

/// A file dialog the desk asks the host to show.
#[derive(Debug, Clone)]
pub struct FileDialog {
    /// Save (true) or open (false).
    pub save: bool,
    /// Suggested file (save) or starting file / folder (open).
    pub suggested: PathBuf,
    /// Name of the file filter ("CSV").
    pub filter_name: &'static str,
    /// Extensions without the dot.
    pub extensions: &'static [&'static str],
}

/// What the platform gives the use-cases.
pub trait Host: Send + Sync {
    /// The app's version as packaged.
    fn version(&self) -> String;
    /// Where the desk keeps its cache, settings and logs.
    fn data_dir(&self) -> PathBuf;
    /// The OS keychain.
    fn vault(&self) -> &dyn Vault;
    /// Where files the operator saves (postcards, print runs, reports) are suggested to go:
    /// the documents folder in the app, the data directory when there is none (tests).
    fn save_dir(&self) -> PathBuf {
        self.data_dir()
    }
    /// Open a file in the system's default application (the PDF viewer, to print).
    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        let _ = path;
        Err("この環境ではファイルを開けません".into())
    }
    /// Ask the operator where to save a file (the system's save dialog); None if cancelled
    /// or there is no dialog here. Blocks until the dialog closes.
    fn choose_save_path(&self, suggested: &std::path::Path) -> Option<PathBuf> {
        let _ = suggested;
        None
    }
    /// Show a file dialog (open a roster, save a report); None if cancelled or there is no
    /// dialog here. Blocks until the dialog closes.
    fn choose_file(&self, dialog: &FileDialog) -> Option<PathBuf> {
        let _ = dialog;
        None
    }
    /// The current time (tests pass a fixed clock).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}
