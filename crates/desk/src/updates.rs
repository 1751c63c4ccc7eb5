//! Self-update, the parts that need no Tauri: where to look for updates, whether this
//! installation may install one itself, the download progress the UI polls, and the
//! Japanese errors. The shell drives tauri-plugin-updater (check, download + signature
//! check, install) and reports into these types.
use crate::error::{DeskError, ErrorCode};
use crate::host::Host;
use crate::settings::Settings;
use serde::Serialize;
use std::sync::Mutex;
use ts_rs::TS;

/// Environment variable that replaces the update endpoint (tests, staging servers).
pub const UPDATE_URL_ENV: &str = "KENCOM_UPDATE_URL";

/// The central server's update route, with the updater plugin's placeholders.
pub const UPDATE_PATH: &str = "/updates/{{target}}/{{arch}}/{{current_version}}";

/// The endpoint template to check, from (first that is set) `KENCOM_UPDATE_URL`, the
/// `updateUrl` setting, or the configured central server + [`UPDATE_PATH`].
pub fn update_endpoint(host: &dyn Host) -> Result<String, DeskError> {
    let settings = Settings::load(&host.data_dir())?;
    let env = std::env::var(UPDATE_URL_ENV).ok();
    endpoint_from(&settings, env.as_deref())
}

/// [`update_endpoint`] without the environment read, for tests.
pub fn endpoint_from(settings: &Settings, env_override: Option<&str>) -> Result<String, DeskError> {
    let chosen = env_override
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .or_else(|| settings.update_url.clone())
        .or_else(|| {
            settings
                .central_url
                .as_deref()
                .map(|c| format!("{}{UPDATE_PATH}", c.trim().trim_end_matches('/')))
        })
        .ok_or_else(|| {
            DeskError::invalid(
                "updateUrl",
                "中央サーバーの URL が設定されていないため、更新を確認できません。サインイン画面で中央サーバーの URL を入力してください。",
            )
        })?;
    if !(chosen.starts_with("https://") || chosen.starts_with("http://")) {
        return Err(DeskError::invalid(
            "updateUrl",
            "更新確認の URL は http:// または https:// で始まる必要があります。",
        ));
    }
    Ok(chosen)
}

/// Whether this installation can replace itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum InstallMode {
    /// AppImage, MSI, NSIS or a macOS app bundle: the app installs and restarts itself.
    InApp,
    /// A `.deb` or `.rpm` install: the system package manager owns the files, so the
    /// operator (or IT) installs the new package.
    PackageManager,
    /// A development build run from `cargo`: there is no package to replace.
    NotPackaged,
}

/// How `bundle` (tauri's bundle type of the running binary: `deb`, `rpm`, `appimage`,
/// `msi`, `nsis`, `app`; `None` when not bundled) is updated.
pub fn install_mode(bundle: Option<&str>) -> InstallMode {
    match bundle {
        Some("appimage" | "msi" | "nsis" | "app") => InstallMode::InApp,
        Some("deb" | "rpm") => InstallMode::PackageManager,
        _ => InstallMode::NotPackaged,
    }
}

/// A newer release the server offers, as the update banner shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    /// The new version, e.g. "0.2.0".
    pub version: String,
    /// The running version.
    pub current_version: String,
    /// Release notes (Markdown source, shown as text).
    pub notes: Option<String>,
    /// Publication date (RFC 3339), if the server gave one.
    pub pub_date: Option<String>,
    /// Whether the banner offers "install and restart" or the package-manager notice.
    pub install: InstallMode,
}

/// Where an install started from the banner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum UpdatePhase {
    /// Nothing running.
    Idle,
    /// Receiving the artifact (`downloaded` / `total` bytes).
    Downloading,
    /// Signature checked; the package is being installed.
    Installing,
    /// Installed; the app is about to restart.
    Restarting,
    /// Stopped with `error`; the operator may try again.
    Failed,
}

/// What `update_progress` returns while the UI shows the progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProgress {
    /// Current step.
    pub phase: UpdatePhase,
    /// Bytes received so far.
    pub downloaded: u64,
    /// Size announced by the server (Content-Length), if any.
    pub total: Option<u64>,
    /// Why the last attempt failed (phase `failed`).
    pub error: Option<DeskError>,
}

impl Default for UpdateProgress {
    fn default() -> Self {
        Self {
            phase: UpdatePhase::Idle,
            downloaded: 0,
            total: None,
            error: None,
        }
    }
}

/// Progress of the one install that may run at a time; the shell's download callback
/// writes, the UI's poll reads.
#[derive(Debug, Default)]
pub struct UpdateTracker {
    state: Mutex<UpdateProgress>,
}

impl UpdateTracker {
    fn with<T>(&self, f: impl FnOnce(&mut UpdateProgress) -> T) -> T {
        // A panic while holding the lock only ever left plain numbers behind: keep going.
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Start a download; refused while another one is running.
    pub fn begin(&self) -> Result<(), DeskError> {
        self.with(|p| match p.phase {
            UpdatePhase::Downloading | UpdatePhase::Installing | UpdatePhase::Restarting => {
                Err(UpdateFailure::Busy.into())
            }
            UpdatePhase::Idle | UpdatePhase::Failed => {
                *p = UpdateProgress {
                    phase: UpdatePhase::Downloading,
                    ..UpdateProgress::default()
                };
                Ok(())
            }
        })
    }

    /// `len` more bytes arrived; `total` is the announced size.
    pub fn chunk(&self, len: usize, total: Option<u64>) {
        self.with(|p| {
            p.downloaded += len as u64;
            p.total = total;
        });
    }

    /// The artifact is downloaded and verified; installing it now.
    pub fn installing(&self) {
        self.with(|p| p.phase = UpdatePhase::Installing);
    }

    /// Installed; the shell restarts the app next.
    pub fn restarting(&self) {
        self.with(|p| p.phase = UpdatePhase::Restarting);
    }

    /// Record the failure for the poll and hand it back for the command's own answer.
    pub fn fail(&self, error: DeskError) -> DeskError {
        self.with(|p| {
            p.phase = UpdatePhase::Failed;
            p.error = Some(error.clone());
        });
        error
    }

    /// What the UI sees now.
    pub fn snapshot(&self) -> UpdateProgress {
        self.with(|p| p.clone())
    }
}

/// Why an update step failed. The shell classifies the updater plugin's errors into these;
/// each has one Japanese message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateFailure {
    /// The update server did not answer, or answered with an error status.
    Network,
    /// The server's answer is not a usable update manifest.
    Manifest,
    /// The artifact does not match its signature, the app's public key, or the announced
    /// version: it may have been tampered with and is never installed.
    Signature,
    /// A release build refuses a plain-http update endpoint.
    InsecureEndpoint,
    /// Writing the new version failed (permissions, disk, package format).
    Install,
    /// A `.deb` / `.rpm` install: the package manager installs updates.
    PackageManaged,
    /// A development build: nothing to replace.
    NotPackaged,
    /// Install was asked before a check found an update.
    NothingToInstall,
    /// Another download or install is running.
    Busy,
}

impl From<UpdateFailure> for DeskError {
    fn from(f: UpdateFailure) -> Self {
        let (code, message, retryable) = match f {
            UpdateFailure::Network => (
                ErrorCode::Network,
                "更新サーバーに接続できませんでした。ネットワークを確認して、しばらくしてから再度お試しください。",
                true,
            ),
            UpdateFailure::Manifest => (
                ErrorCode::Rejected,
                "更新サーバーの応答を読み取れませんでした。システム管理者に連絡してください。",
                false,
            ),
            UpdateFailure::Signature => (
                ErrorCode::Rejected,
                "更新ファイルの署名を確認できなかったため、インストールを中止しました。改ざんの可能性があります。システム管理者に連絡してください。",
                false,
            ),
            UpdateFailure::InsecureEndpoint => (
                ErrorCode::InvalidInput,
                "更新確認の URL は https:// で始まる必要があります。",
                false,
            ),
            UpdateFailure::Install => (
                ErrorCode::Internal,
                "更新をインストールできませんでした。アプリを再起動してから再度お試しください。",
                true,
            ),
            UpdateFailure::PackageManaged => (
                ErrorCode::Rejected,
                "このパッケージ（.deb / .rpm）でインストールしたアプリは、アプリ内で更新できません。パッケージマネージャーで新しいバージョンをインストールしてください。",
                false,
            ),
            UpdateFailure::NotPackaged => (
                ErrorCode::Rejected,
                "開発用ビルドのため、アプリ内で更新をインストールできません。",
                false,
            ),
            UpdateFailure::NothingToInstall => (
                ErrorCode::Conflict,
                "インストールできる更新がありません。先に更新を確認してください。",
                false,
            ),
            UpdateFailure::Busy => (
                ErrorCode::Conflict,
                "更新のダウンロードはすでに進行中です。",
                false,
            ),
        };
        DeskError {
            code,
            message: message.into(),
            field: (f == UpdateFailure::InsecureEndpoint).then(|| "updateUrl".into()),
            retryable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(central: Option<&str>, update: Option<&str>) -> Settings {
        Settings {
            central_url: central.map(str::to_owned),
            update_url: update.map(str::to_owned),
            ..Settings::default()
        }
    }

    #[test]
    fn endpoint_precedence_env_then_setting_then_central() {
        let s = settings(Some("https://central.example.jp/"), None);
        assert_eq!(
            endpoint_from(&s, None).unwrap(),
            "https://central.example.jp/updates/{{target}}/{{arch}}/{{current_version}}"
        );
        let s = settings(
            Some("https://central.example.jp"),
            Some("https://updates.example.jp/{{target}}"),
        );
        assert_eq!(
            endpoint_from(&s, None).unwrap(),
            "https://updates.example.jp/{{target}}"
        );
        assert_eq!(
            endpoint_from(&s, Some(" http://127.0.0.1:9/u/{{arch}} ")).unwrap(),
            "http://127.0.0.1:9/u/{{arch}}"
        );
        assert_eq!(
            endpoint_from(&s, Some("")).unwrap(),
            "https://updates.example.jp/{{target}}",
            "an empty override is no override"
        );
    }

    #[test]
    fn no_server_or_a_bad_scheme_is_a_japanese_field_error() {
        let e = endpoint_from(&settings(None, None), None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(e.field.as_deref(), Some("updateUrl"));
        assert!(e.message.contains("中央サーバー"), "{}", e.message);
        let e = endpoint_from(&settings(None, Some("ftp://x")), None).unwrap_err();
        assert!(e.message.contains("https://"), "{}", e.message);
    }

    #[test]
    fn deb_and_rpm_are_left_to_the_package_manager() {
        assert_eq!(install_mode(Some("deb")), InstallMode::PackageManager);
        assert_eq!(install_mode(Some("rpm")), InstallMode::PackageManager);
        for b in ["appimage", "msi", "nsis", "app"] {
            assert_eq!(install_mode(Some(b)), InstallMode::InApp, "{b}");
        }
        assert_eq!(install_mode(None), InstallMode::NotPackaged);
    }

    #[test]
    fn tracker_counts_bytes_refuses_a_second_download_and_keeps_the_error() {
        let t = UpdateTracker::default();
        assert_eq!(t.snapshot().phase, UpdatePhase::Idle);
        t.begin().unwrap();
        t.chunk(400, Some(1000));
        t.chunk(600, Some(1000));
        let p = t.snapshot();
        assert_eq!(
            (p.phase, p.downloaded, p.total),
            (UpdatePhase::Downloading, 1000, Some(1000))
        );
        assert_eq!(t.begin().unwrap_err(), DeskError::from(UpdateFailure::Busy));
        let e = t.fail(UpdateFailure::Signature.into());
        assert_eq!(e.code, ErrorCode::Rejected);
        let p = t.snapshot();
        assert_eq!(p.phase, UpdatePhase::Failed);
        assert_eq!(p.error, Some(e));
        // After a failure the operator may try again, from zero.
        t.begin().unwrap();
        assert_eq!(
            t.snapshot(),
            UpdateProgress {
                phase: UpdatePhase::Downloading,
                ..UpdateProgress::default()
            }
        );
    }

    #[test]
    fn every_failure_has_a_japanese_message() {
        use UpdateFailure::*;
        for f in [
            Network,
            Manifest,
            Signature,
            InsecureEndpoint,
            Install,
            PackageManaged,
            NotPackaged,
            NothingToInstall,
            Busy,
        ] {
            let e = DeskError::from(f);
            assert!(
                e.message
                    .chars()
                    .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
                "{f:?}: {}",
                e.message
            );
        }
        assert!(DeskError::from(Network).retryable);
        assert!(!DeskError::from(Signature).retryable);
    }
}
