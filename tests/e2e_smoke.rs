//! End-to-end smoke test through the real app: tauri-driver drives the debug binary under
//! Xvfb, opens 設定 (reachable before sign-in), reads the version and the keychain status (from the real OS keychain,
//! a headless gnome-keyring started by `cargo xtask test`) and saves a screenshot.
mod support;

#[tokio::test(flavor = "multi_thread")]
async fn settings_shows_version_and_keychain_in_japanese() {
    let app = support::App::launch(&[("KENCOM_CENTRAL_URL", "http://127.0.0.1:9")]).await;

    app.click("[data-testid=nav-settings]").await;
    let title = app
        .wait_text("[data-testid=screen-title]", |t| t.contains("設定"))
        .await;
    assert_eq!(title.trim(), "設定");

    let version = app
        .wait_text("[data-testid=app-version]", |t| !t.trim().is_empty())
        .await;
    assert_eq!(
        version.trim(),
        env!("CARGO_PKG_VERSION"),
        "設定 must show the packaged version"
    );
    let keychain = app
        .wait_text("[data-testid=keychain-status]", |t| !t.trim().is_empty())
        .await;
    assert!(
        keychain.contains("利用可能"),
        "the E2E run has a real Secret Service, so the keychain must be usable: {keychain}"
    );
    let url = app
        .wait_text("[data-testid=central-url]", |t| !t.trim().is_empty())
        .await;
    assert_eq!(url.trim(), "http://127.0.0.1:9");

    let shot = app.screenshot("e2e-settings").await;
    eprintln!("screenshot: {}", shot.display());

    // English is one switch away, and the switch takes effect without a restart.
    app.client
        .find(fantoccini::Locator::Css("[data-testid=language-select]"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    app.wait_text("[data-testid=screen-title]", |t| t.trim() == "Settings")
        .await;
    app.screenshot("e2e-settings-en").await;
    app.close().await;
}
