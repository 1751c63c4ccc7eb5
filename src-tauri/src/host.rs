//! The real [`Host`]: Tauri's paths, the package version and the OS keychain.
//!
//! `KENCOM_DATA_DIR` overrides the data directory so tests and demos never write into the
//! operator's real app-data folder.
use kencom_desk_core::{FileDialog, Host, Vault};
use kencom_keychain::OsKeychain;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

/// Environment variable that replaces the platform data directory (tests, demo runs).
pub const DATA_DIR_ENV: &str = "KENCOM_DATA_DIR";

pub struct AppHost {
    app: AppHandle,
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
            app: app.clone(),
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
    fn save_dir(&self) -> PathBuf {
        self.app
            .path()
            .document_dir()
            .unwrap_or_else(|_| self.data_dir.clone())
    }
    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        use tauri_plugin_opener::OpenerExt;
        self.app
            .opener()
            .open_path(path.to_string_lossy(), None::<&str>)
            .map_err(|e| e.to_string())
    }
    fn choose_save_path(&self, suggested: &std::path::Path) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = self.app.dialog().file().add_filter("PDF", &["pdf"]);
        if let Some(dir) = suggested.parent() {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = suggested.file_name() {
            dialog = dialog.set_file_name(name.to_string_lossy());
        }
        dialog.blocking_save_file()?.into_path().ok()
    }
    fn choose_file(&self, req: &FileDialog) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = self
            .app
            .dialog()
            .file()
            .add_filter(req.filter_name, req.extensions);
        let dir = if req.suggested.is_dir() {
            Some(req.suggested.as_path())
        } else {
            req.suggested.parent()
        };
        if let Some(dir) = dir.filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        if req.save {
            if let Some(name) = req.suggested.file_name() {
                dialog = dialog.set_file_name(name.to_string_lossy());
            }
            dialog.blocking_save_file()?.into_path().ok()
        } else {
            dialog.blocking_pick_file()?.into_path().ok()
        }
    }
}
