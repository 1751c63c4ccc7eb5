//! The app's self-update against a real central server on loopback, through the real
//! tauri-plugin-updater on Tauri's mock runtime (no window, no WebDriver).
//!
//! Each test generates its own minisign key pair, signs a dummy artifact the way
//! `tauri signer sign --app-version` does (version in the trusted comment), publishes it in
//! a `--updates-dir` layout, and points the plugin at the test key instead of the release
//! key. The rest of the updater configuration is the app's own `tauri.conf.json`, so
//! `requireSignedVersion` is exercised as shipped. Then: the app finds the update and the
//! download verifies; a tampered artifact, a signature by another key and a signature for
//! another version are all refused with the desk's signature error; an up-to-date app
//! gets nothing; a development build refuses to install.
use base64::Engine as _;
use kencom_desk_core::settings::Settings;
use kencom_desk_core::updates::{self, InstallMode, UpdateFailure, UpdatePhase};
use kencom_desk_core::DeskError;
use kencom_desk_shell::updater::{self, Updates};
use std::path::{Path, PathBuf};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

const ARTIFACT: &str = "KenCoM Desk_0.2.0_amd64.AppImage";

/// A minisign key pair in the encodings tauri uses (base64 of the key file text).
struct Key {
    pair: minisign::KeyPair,
    pubkey_b64: String,
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn key() -> Key {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let pubkey_b64 = b64(&pair.pk.to_box().unwrap().into_string());
    Key { pair, pubkey_b64 }
}

impl Key {
    /// The content of the `.sig` file `tauri signer sign --app-version VERSION` writes.
    fn sign(&self, data: &[u8], version: &str) -> String {
        let trusted = format!("timestamp:1700000000\tfile:{ARTIFACT}\tversion:{version}");
        let sig = minisign::sign(
            Some(&self.pair.pk),
            &self.pair.sk,
            std::io::Cursor::new(data),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        b64(&sig.into_string())
    }
}

/// A release directory with one signed 0.2.0 artifact for this machine's platform.
struct Published {
    dir: tempfile::TempDir,
    artifact: Vec<u8>,
}

/// The `{{target}}-{{arch}}` directory the plugin asks for on this machine.
fn platform_dir() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7",
        other => other,
    };
    format!("{os}-{arch}")
}

impl Published {
    fn new(signer: &Key, signed_version: &str) -> Published {
        let dir = tempfile::tempdir().unwrap();
        // Not a run of one byte: a flipped byte must change the content, and 300 kB arrives
        // in several chunks, so progress is counted more than once.
        let artifact: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let published = Published { dir, artifact };
        let sig = signer.sign(&published.artifact, signed_version);
        std::fs::create_dir_all(published.platform()).unwrap();
        std::fs::write(published.artifact_path(), &published.artifact).unwrap();
        std::fs::write(published.sig_path(), sig).unwrap();
        std::fs::write(
            published.dir.path().join("0.2.0/notes.md"),
            "検索画面の不具合を修正しました。",
        )
        .unwrap();
        published
    }
    fn platform(&self) -> PathBuf {
        self.dir.path().join("0.2.0").join(platform_dir())
    }
    fn artifact_path(&self) -> PathBuf {
        self.platform().join(ARTIFACT)
    }
    fn sig_path(&self) -> PathBuf {
        self.platform().join(format!("{ARTIFACT}.sig"))
    }
}

/// A real central server (empty database: the update routes read only the directory).
async fn central(updates_dir: &Path) -> (String, tempfile::TempDir) {
    let db = tempfile::tempdir().unwrap();
    let config = kencom_central::config::Config {
        updates_dir: Some(updates_dir.to_path_buf()),
        ..Default::default()
    };
    let state = kencom_central::app::open(&db.path().join("c.db"), config).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(kencom_central::http::serve(
        listener,
        state,
        std::future::pending(),
    ));
    (base, db)
}

/// The app (mock runtime) at `version`, with the shipped updater configuration except for
/// the public key, which is the test's.
fn app(pubkey_b64: &str, version: &str) -> tauri::App<MockRuntime> {
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let mut updater_conf = shipped["plugins"]["updater"].clone();
    updater_conf["pubkey"] = pubkey_b64.into();
    let mut ctx = mock_context(noop_assets());
    ctx.config_mut()
        .plugins
        .0
        .insert("updater".into(), updater_conf);
    ctx.package_info_mut().version = version.parse().unwrap();
    mock_builder().plugin(updater::plugin()).build(ctx).unwrap()
}

/// The endpoint the desk derives from its central URL setting.
fn endpoint(central: &str) -> String {
    let settings = Settings {
        central_url: Some(central.to_string()),
        ..Settings::default()
    };
    updates::endpoint_from(&settings, None).unwrap()
}

#[tokio::test]
async fn finds_the_signed_update_and_the_download_verifies() {
    let k = key();
    let p = Published::new(&k, "0.2.0");
    let (base, _db) = central(p.dir.path()).await;
    let app = app(&k.pubkey_b64, "0.1.0");
    let updates = Updates::default();

    let info = updater::check(app.handle(), &endpoint(&base), &updates)
        .await
        .unwrap()
        .expect("0.2.0 is offered to 0.1.0");
    assert_eq!(info.version, "0.2.0");
    assert_eq!(info.current_version, "0.1.0");
    assert_eq!(
        info.notes.as_deref(),
        Some("検索画面の不具合を修正しました。")
    );
    assert!(info.pub_date.is_some());
    assert_eq!(
        info.install,
        InstallMode::NotPackaged,
        "a cargo-built test binary is not a bundle"
    );

    let update = updates.pending().expect("the check keeps the update");
    assert!(update.download_url.as_str().starts_with(&base));
    let bytes = updater::download(&update, &updates.tracker).await.unwrap();
    assert_eq!(
        bytes, p.artifact,
        "verified bytes are the published artifact"
    );
    let progress = updates.tracker.snapshot();
    assert_eq!(progress.downloaded, p.artifact.len() as u64);
    assert_eq!(progress.total, Some(p.artifact.len() as u64));
    assert_eq!(progress.error, None);
}

#[tokio::test]
async fn an_up_to_date_app_is_offered_nothing() {
    let k = key();
    let p = Published::new(&k, "0.2.0");
    let (base, _db) = central(p.dir.path()).await;
    let updates = Updates::default();
    let found = updater::check(
        app(&k.pubkey_b64, "0.2.0").handle(),
        &endpoint(&base),
        &updates,
    )
    .await
    .unwrap();
    assert_eq!(found, None);
    assert!(updates.pending().is_none());
}

/// Check (which succeeds: the manifest itself is not signed) then download, expecting the
/// signature failure and a failed phase for the banner.
async fn assert_refused(p: &Published, app_key: &Key) {
    let (base, _db) = central(p.dir.path()).await;
    let app = app(&app_key.pubkey_b64, "0.1.0");
    let updates = Updates::default();
    updater::check(app.handle(), &endpoint(&base), &updates)
        .await
        .unwrap()
        .expect("offered");
    let err = updater::download(&updates.pending().unwrap(), &updates.tracker)
        .await
        .expect_err("must not verify");
    assert_eq!(err, DeskError::from(UpdateFailure::Signature));
    assert!(err.message.contains("署名"), "{}", err.message);
    let progress = updates.tracker.snapshot();
    assert_eq!(progress.phase, UpdatePhase::Failed);
    assert_eq!(progress.error, Some(err));
}

#[tokio::test]
async fn a_tampered_artifact_is_refused() {
    let k = key();
    let p = Published::new(&k, "0.2.0");
    let mut tampered = p.artifact.clone();
    tampered[150_000] ^= 0x01;
    std::fs::write(p.artifact_path(), tampered).unwrap();
    assert_refused(&p, &k).await;
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let release_key = key();
    let attacker = key();
    let p = Published::new(&attacker, "0.2.0");
    assert_refused(&p, &release_key).await;
}

#[tokio::test]
async fn a_signature_for_another_version_is_refused() {
    // A genuine signature of an older release re-announced as 0.2.0.
    let k = key();
    let p = Published::new(&k, "0.1.5");
    assert_refused(&p, &k).await;
}

#[tokio::test]
async fn a_development_build_does_not_install() {
    let k = key();
    let p = Published::new(&k, "0.2.0");
    let (base, _db) = central(p.dir.path()).await;
    let app = app(&k.pubkey_b64, "0.1.0");
    let updates = Updates::default();
    updater::check(app.handle(), &endpoint(&base), &updates)
        .await
        .unwrap();
    let err = updater::install_and_restart(app.handle(), &updates)
        .await
        .unwrap_err();
    assert_eq!(err, DeskError::from(UpdateFailure::NotPackaged));
    assert_eq!(
        updates.tracker.snapshot().phase,
        UpdatePhase::Idle,
        "nothing was downloaded"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_network_error() {
    let k = key();
    let updates = Updates::default();
    // Bind then drop: a loopback port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = updater::check(
        app(&k.pubkey_b64, "0.1.0").handle(),
        &endpoint(&format!("http://127.0.0.1:{port}")),
        &updates,
    )
    .await
    .unwrap_err();
    assert_eq!(err, DeskError::from(UpdateFailure::Network));
    assert!(err.retryable);
}
