//! The desk's own settings file (`settings.json` in the data directory) and the
//! environment overrides the launcher and tests use. Only non-secret values live here:
//! secrets go to the keychain, never to this file.
use crate::error::DeskError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Environment variable that overrides the configured central server URL (set by
/// `cargo xtask run` when it starts the embedded demo server).
pub const CENTRAL_URL_ENV: &str = "KENCOM_CENTRAL_URL";

/// Persisted, non-secret settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Base URL of the central API, e.g. `https://central.example.jp`.
    pub central_url: Option<String>,
    /// Update endpoint template (tauri-plugin-updater placeholders); unset = the central
    /// server's `/updates/…` route. `KENCOM_UPDATE_URL` overrides it (see `updates`).
    pub update_url: Option<String>,
    /// How each insurer's roster files are read (名簿連携), by insurer id: saved when a file
    /// validates, so the admin maps columns once. Absent = the standard layout.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roster_options: BTreeMap<i64, kencom_roster::ParseOptions>,
}

impl Settings {
    /// Load settings from `dir/settings.json`; a missing file means defaults. The
    /// environment override wins over the file.
    pub fn load(dir: &Path) -> Result<Self, DeskError> {
        let path = dir.join("settings.json");
        let mut settings = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<Settings>(&bytes).map_err(|e| {
                DeskError::internal(format!(
                    "設定ファイル {} を読み取れません（{e}）。ファイルを修正するか削除してください。",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                return Err(DeskError::internal(format!(
                    "設定ファイル {} を開けません（{e}）。",
                    path.display()
                )))
            }
        };
        if let Ok(url) = std::env::var(CENTRAL_URL_ENV) {
            if !url.trim().is_empty() {
                settings.central_url = Some(url.trim().to_owned());
            }
        }
        Ok(settings)
    }
}

impl Settings {
    /// Remember the central URL the operator signed in to (the env override is not saved).
    pub fn save_central_url(dir: &Path, url: &str) -> Result<(), DeskError> {
        Self::update(dir, |s| s.central_url = Some(url.to_owned()))
    }

    /// Remember how an insurer's roster files are read.
    pub fn save_roster_options(
        dir: &Path,
        insurer_id: i64,
        options: &kencom_roster::ParseOptions,
    ) -> Result<(), DeskError> {
        Self::update(dir, |s| {
            s.roster_options.insert(insurer_id, options.clone());
        })
    }

    /// Change the file as stored (the env override is not saved).
    fn update(dir: &Path, change: impl FnOnce(&mut Settings)) -> Result<(), DeskError> {
        let path = dir.join("settings.json");
        let mut current: Settings = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        change(&mut current);
        let json = serde_json::to_vec_pretty(&current)
            .map_err(|_| DeskError::internal("設定を保存できません。"))?;
        // Write-then-rename: a crash never leaves a half-written settings file.
        let tmp = dir.join("settings.json.tmp");
        std::fs::write(&tmp, json)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| DeskError::internal(format!("設定を保存できません（{e}）。")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_defaults_and_corrupt_file_is_a_japanese_error() {
        let dir = tempfile::tempdir().unwrap();
        // The env override is process-wide; this test only checks the file path when unset.
        if std::env::var(CENTRAL_URL_ENV).is_err() {
            assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        }
        std::fs::write(dir.path().join("settings.json"), b"{not json").unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert!(err.message.contains("設定ファイル"), "{}", err.message);
    }

    #[test]
    fn file_value_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("settings.json"),
            br#"{"centralUrl":"https://central.example.jp"}"#,
        )
        .unwrap();
        if std::env::var(CENTRAL_URL_ENV).is_err() {
            assert_eq!(
                Settings::load(dir.path()).unwrap().central_url.as_deref(),
                Some("https://central.example.jp")
            );
        }
    }
}
