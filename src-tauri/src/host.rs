//! The real [`Host`]: Tauri's paths, the package version and the OS keychain.
//!
//! `KENCOM_DATA_DIR` overrides the data directory so tests and demos never write into the
//! operator's real app-data folder.
use kencom_desk_core::{Host, Vault};
use kencom_keychain::OsKeychain;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

/// Environment variable that replaces the platform data directory (tests, demo runs).
pub const DATA_DIR_ENV: &str = "KENCOM_DATA_DIR";

pub struct AppHost {
    version: String,
    data_dir: PathBuf,
    keychain: OsKeychain,
}

impl AppHost {
    pub fn new(app: &AppHandle) -> Result<Self, Box<dyn std::error::Error>> {
        let data_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)?;
        Ok(Self {
            version: app.package_info().version.to_string(),
            data_dir,
            keychain: OsKeychain::open(),
        })
    }
}

impl AppHost {
    /// Where the webview keeps its profile: inside the data directory.
    pub fn webview_dir(&self) -> PathBuf {
        self.data_dir.join("webview")
    }
}

impl Host for AppHost {
    fn version(&self) -> String {
        self.version.clone()
    }
    fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }
    fn vault(&self) -> &dyn Vault {
        &self.keychain
    }
}
