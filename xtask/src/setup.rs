//! `cargo xtask setup`: install what a fresh machine lacks, and nothing more. On Debian /
//! Ubuntu it installs the apt packages, tauri-driver and the UI's npm packages; on
//! Windows and macOS it says exactly what to install, because we cannot do it for you.
use crate::proc::{cargo, have, npm, root, run};
use anyhow::{bail, Result};
use std::process::Command;

/// Debian packages the build, the app and the tests need (PLATFORM-NOTES).
pub const APT_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "fonts-noto-cjk",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "libsecret-tools",
    "imagemagick",
    "librsvg2-bin",
    "poppler-utils",
    "fonts-ipaexfont-gothic",
    // `cargo xtask bench roster` compares the roster import with the sqlite3 shell's `.import`.
    "sqlite3",
    // schemathesis runs from a venv (Debian's python3 needs this for `python3 -m venv`).
    "python3-venv",
];

pub fn setup() -> Result<()> {
    match std::env::consts::OS {
        "linux" => linux_packages()?,
        "macos" => println!(
            "macOS: install Xcode Command Line Tools (`xcode-select --install`), Node.js 20 and \
             Rust (rustup). The keychain is the system Keychain; nothing else is needed.\n\
             The E2E tests (WebDriver) run on Linux only."
        ),
        "windows" => println!(
            "Windows: install the Visual Studio 2022 Build Tools (\"Desktop development with \
             C++\"), WebView2 (preinstalled on Windows 10/11), Node.js 20 and Rust (rustup).\n\
             The keychain is the Windows Credential Manager. For E2E: \
             `cargo install tauri-driver --version ^2 --locked` and msedgedriver."
        ),
        other => bail!("unsupported OS {other}"),
    }
    tauri_driver()?;
    npm_packages()
}

fn linux_packages() -> Result<()> {
    if !have("dpkg-query") || !have("apt-get") {
        println!(
            "Not a Debian/Ubuntu system: install the equivalents of {}",
            APT_PACKAGES.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
                .unwrap_or(false)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("installing missing packages: {}", missing.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let prefix: &[&str] = if is_root { &[] } else { &["sudo"] };
    let mut update = Command::new(prefix.first().copied().unwrap_or("apt-get"));
    if is_root {
        update.args(["update", "-qq"]);
    } else {
        update.args(["apt-get", "update", "-qq"]);
    }
    run(&mut update)?;
    let mut install = Command::new(prefix.first().copied().unwrap_or("apt-get"));
    if !is_root {
        install.arg("apt-get");
    }
    install
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut install)
}

fn tauri_driver() -> Result<()> {
    if !cfg!(target_os = "linux") || have("tauri-driver") {
        return Ok(());
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .map(|p| p.join("bin/tauri-driver"));
    if cargo_bin.is_some_and(|p| p.exists()) {
        return Ok(());
    }
    // ^2: the registry also carries 3.0 alphas.
    run(cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]))
}

fn npm_packages() -> Result<()> {
    if !have("npm") {
        bail!("npm not found: install Node.js 20 (https://nodejs.org/) and run again");
    }
    // `npm ci` fails on this registry (other platforms' optional packages 404); `npm
    // install` with the committed lock file leaves it unchanged (PLATFORM-NOTES).
    if root().join("ui/node_modules/.package-lock.json").exists() {
        let lock = std::fs::metadata(root().join("ui/package-lock.json"))?.modified()?;
        let installed =
            std::fs::metadata(root().join("ui/node_modules/.package-lock.json"))?.modified()?;
        if installed >= lock {
            return Ok(());
        }
    }
    run(&mut npm(&["install", "--no-audit", "--no-fund"]))
}
