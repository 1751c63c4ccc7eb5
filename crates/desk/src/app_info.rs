//! `app_info`: what the 設定 screen shows about this installation — version, data
//! directory, keychain status and the configured central server.
use crate::error::DeskError;
use crate::host::{Host, KeychainStatus};
use crate::settings::Settings;
use serde::Serialize;
use ts_rs::TS;

/// The installation as the operator sees it on 設定.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The packaged version, e.g. "0.1.0".
    pub version: String,
    /// Absolute path of the data directory.
    pub data_dir: String,
    /// Where the daily log files are (`<data dir>/logs`, see `logging`), for support.
    pub log_dir: String,
    /// Whether secrets can be kept in the OS keychain.
    pub keychain: KeychainStatus,
    /// The configured central API base URL, if any.
    pub central_url: Option<String>,
}

/// Collect the installation facts. Probing the keychain may block briefly (D-Bus), so the
/// shell calls this off the UI thread.
pub fn app_info(host: &dyn Host) -> Result<AppInfo, DeskError> {
    let data_dir = host.data_dir();
    let settings = Settings::load(&data_dir)?;
    Ok(AppInfo {
        version: host.version(),
        data_dir: data_dir.display().to_string(),
        log_dir: crate::logging::log_dir(&data_dir).display().to_string(),
        keychain: host.vault().status(),
        central_url: settings.central_url,
    })
}

/// Open the log folder in the system's file manager (support asks for the files there).
pub fn open_log_dir(host: &dyn Host) -> Result<(), DeskError> {
    let dir = crate::logging::log_dir(&host.data_dir());
    let failed = |why: String| DeskError {
        code: crate::error::ErrorCode::Internal,
        message: format!("ログフォルダを開けませんでした（{}）: {why}", dir.display()),
        field: None,
        retryable: true,
    };
    std::fs::create_dir_all(&dir).map_err(|e| failed(e.to_string()))?;
    host.open_path(&dir).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{Vault, VaultError};
    use std::path::PathBuf;

    struct NoKeychain;
    impl Vault for NoKeychain {
        fn status(&self) -> KeychainStatus {
            KeychainStatus::Unavailable {
                code: "NO_SECRET_SERVICE".into(),
                message: "キーチェーンがありません".into(),
                remedy: "gnome-keyring を入れてください".into(),
            }
        }
        fn get(&self, _: &str) -> Result<Option<String>, VaultError> {
            Ok(None)
        }
        fn set(&self, _: &str, _: &str) -> Result<(), VaultError> {
            Ok(())
        }
        fn delete(&self, _: &str) -> Result<(), VaultError> {
            Ok(())
        }
    }
    struct TestHost(PathBuf, NoKeychain);
    impl Host for TestHost {
        fn version(&self) -> String {
            "9.8.7".into()
        }
        fn data_dir(&self) -> PathBuf {
            self.0.clone()
        }
        fn vault(&self) -> &dyn Vault {
            &self.1
        }
    }

    #[test]
    fn reports_version_dir_and_an_unavailable_keychain_as_is() {
        let dir = tempfile::tempdir().unwrap();
        let info = app_info(&TestHost(dir.path().to_path_buf(), NoKeychain)).unwrap();
        assert_eq!(info.version, "9.8.7");
        assert_eq!(info.data_dir, dir.path().display().to_string());
        assert_eq!(info.log_dir, dir.path().join("logs").display().to_string());
        assert!(
            matches!(info.keychain, KeychainStatus::Unavailable { ref code, .. } if code == "NO_SECRET_SERVICE"),
            "a missing keychain must be reported, never papered over"
        );
    }
}
