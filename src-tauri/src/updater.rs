//! Self-update through tauri-plugin-updater. The plugin does the work that must not be
//! re-implemented (HTTP, minisign verification against the public key in tauri.conf.json,
//! installing); this module only picks the endpoint, keeps the found update between the
//! check and the install, reports progress into the desk's tracker, and turns the plugin's
//! errors into the desk's Japanese ones. Generic over the runtime so tests drive it on
//! Tauri's mock runtime (tests/updater.rs).
use kencom_desk_core::updates::{self, InstallMode, UpdateFailure, UpdateInfo, UpdateTracker};
use kencom_desk_core::DeskError;
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error, Update, UpdaterExt};

/// How long one request to the update server may take before the check fails.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The updater plugin, configured from `plugins.updater` in tauri.conf.json (public key,
/// `requireSignedVersion`). Endpoints are given per check: they follow the settings.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// The update the last check found and the progress of installing it (managed state).
#[derive(Default)]
pub struct Updates {
    pending: Mutex<Option<Update>>,
    /// Download / install progress the UI polls.
    pub tracker: UpdateTracker,
}

impl Updates {
    /// The update found by the last check, if any.
    pub fn pending(&self) -> Option<Update> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The bundle the running binary came from, as the desk core names it (`None` for a
/// binary built by cargo, which the bundler never patched).
pub fn bundle() -> Option<&'static str> {
    use tauri::utils::config::BundleType;
    match tauri::utils::platform::bundle_type()? {
        BundleType::Deb => Some("deb"),
        BundleType::Rpm => Some("rpm"),
        BundleType::AppImage => Some("appimage"),
        BundleType::Msi => Some("msi"),
        BundleType::Nsis => Some("nsis"),
        BundleType::App | BundleType::Dmg => Some("app"),
    }
}

/// Ask `endpoint` (a template with `{{target}}`, `{{arch}}`, `{{current_version}}`) for a
/// newer release; remember it for [`install_and_restart`].
pub async fn check<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: &str,
    updates: &Updates,
) -> Result<Option<UpdateInfo>, DeskError> {
    let url: tauri::Url = endpoint.parse().map_err(|_| {
        DeskError::invalid("updateUrl", "更新確認の URL の形式が正しくありません。")
    })?;
    let updater = app
        .updater_builder()
        .endpoints(vec![url])
        .map_err(|e| DeskError::from(classify(&e)))?
        .timeout(CHECK_TIMEOUT)
        .build()
        .map_err(|e| DeskError::from(classify(&e)))?;
    let found = updater.check().await.map_err(|e| {
        tracing::warn!(failure = ?classify(&e), "update check failed");
        DeskError::from(classify(&e))
    })?;
    let info = found.as_ref().map(|u| UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone().filter(|n| !n.trim().is_empty()),
        // As the server wrote it (RFC 3339); the plugin's parsed copy needs the `time` crate.
        pub_date: u.raw_json["pub_date"].as_str().map(str::to_owned),
        install: updates::install_mode(bundle()),
    });
    *updates.pending.lock().unwrap_or_else(|p| p.into_inner()) = found;
    Ok(info)
}

/// Download `update` with progress into `tracker`; the plugin verifies the signature before
/// handing the bytes back, so an `Ok` is an artifact signed by the release key for exactly
/// the announced version.
pub async fn download(update: &Update, tracker: &UpdateTracker) -> Result<Vec<u8>, DeskError> {
    tracker.begin()?;
    update
        .download(|len, total| tracker.chunk(len, total), || {})
        .await
        .map_err(|e| {
            tracing::warn!(failure = ?classify(&e), "update download refused");
            tracker.fail(classify(&e).into())
        })
}

/// Download, verify, install and restart. Refused for `.deb`/`.rpm` installs (the package
/// manager owns those files) and for development builds.
pub async fn install_and_restart<R: Runtime>(
    app: &AppHandle<R>,
    updates: &Updates,
) -> Result<(), DeskError> {
    match updates::install_mode(bundle()) {
        InstallMode::InApp => {}
        InstallMode::PackageManager => return Err(UpdateFailure::PackageManaged.into()),
        InstallMode::NotPackaged => return Err(UpdateFailure::NotPackaged.into()),
    }
    let update = updates
        .pending()
        .ok_or(DeskError::from(UpdateFailure::NothingToInstall))?;
    let bytes = download(&update, &updates.tracker).await?;
    updates.tracker.installing();
    let installing = update.clone();
    let installed = tauri::async_runtime::spawn_blocking(move || installing.install(bytes))
        .await
        .map_err(|_| updates.tracker.fail(UpdateFailure::Install.into()))?;
    installed.map_err(|e| {
        tracing::warn!(failure = ?classify(&e), "update install failed");
        updates.tracker.fail(classify(&e).into())
    })?;
    updates.tracker.restarting();
    app.restart()
}

/// Which of the desk's failures a plugin error is.
pub fn classify(e: &Error) -> UpdateFailure {
    match e {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => UpdateFailure::Signature,
        Error::Reqwest(_) | Error::Network(_) | Error::ReleaseNotFound => UpdateFailure::Network,
        Error::Serialization(_)
        | Error::Semver(_)
        | Error::UrlParse(_)
        | Error::TargetNotFound(_)
        | Error::TargetsNotFound(_)
        | Error::EmptyEndpoints
        | Error::UnsupportedArch
        | Error::UnsupportedOs => UpdateFailure::Manifest,
        Error::InsecureTransportProtocol => UpdateFailure::InsecureEndpoint,
        _ => UpdateFailure::Install,
    }
}

#[cfg(test)]
mod tests {
    /// The committed public key must be a minisign key the plugin can decode, or every
    /// update would fail verification in the field.
    #[test]
    fn the_configured_public_key_is_a_minisign_key() {
        use base64::Engine as _;
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        let b64 = conf["plugins"]["updater"]["pubkey"].as_str().unwrap();
        let text = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("untrusted comment: minisign public key"));
        minisign::PublicKeyBox::from_string(&text)
            .unwrap()
            .into_public_key()
            .expect("a valid minisign public key");
        assert_eq!(conf["plugins"]["updater"]["requireSignedVersion"], true);
    }
}
