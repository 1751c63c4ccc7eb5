//! `cargo xtask test`: every check CI runs, in the order that fails fastest. The Rust
//! tests run inside a private D-Bus session with an unlocked gnome-keyring, so the
//! keychain tests and the E2E run use a real Secret Service; the E2E harness starts its
//! own Xvfb when there is no display.
use crate::proc::{cargo, have, npm, root, run};
use crate::{boundaries, setup};
use anyhow::{bail, Result};
use std::process::Command;

pub fn test(args: &[String]) -> Result<()> {
    let skip_setup = args.iter().any(|a| a == "--no-setup");
    if !skip_setup {
        setup::setup()?;
    }
    run(cargo().args(["fmt", "--all", "--check"]))?;
    build_ui()?;
    run(&mut npm(&["run", "lint"]))?;
    run(&mut npm(&["run", "check"]))?;
    run(&mut npm(&["test"]))?;
    boundaries::check()?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    rust_tests()?;
    // The central API against its own OpenAPI document: schemathesis (PyPI, in a venv under
    // the target dir) with its default checks against a freshly seeded server.
    run(
        std::process::Command::new("bash").arg(root().join("crates/central/tests/schemathesis.sh"))
    )?;
    fuzz_smoke()?;
    eprintln!("\nall checks passed");
    Ok(())
}

/// The app embeds ui/dist at compile time, so the UI is built before any cargo build.
pub fn build_ui() -> Result<()> {
    run(&mut npm(&["run", "build"]))
}

/// `cargo test --workspace` with a real Secret Service (headless gnome-keyring).
fn rust_tests() -> Result<()> {
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The keyring's files go to a fresh directory each run: an old login keyring with
    // another password would make gnome-keyring prompt (and fail) instead of unlocking.
    let keyring_home =
        std::env::temp_dir().join(format!("kencom-test-keyring-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&keyring_home);
    std::fs::create_dir_all(&keyring_home)?;
    let inner = format!(
        "echo -n kencom-test | XDG_DATA_HOME='{}' gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
         exec {cargo_bin} test --workspace",
        keyring_home.display()
    );
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        if !have("dbus-run-session") || !have("gnome-keyring-daemon") {
            bail!("dbus-run-session / gnome-keyring-daemon missing: run `cargo xtask setup`");
        }
        run(Command::new("dbus-run-session").args(["--", "sh", "-c", &inner]))
    } else {
        run(cargo().args(["test", "--workspace"]))
    }
}

/// `cargo xtask bindings`: rewrite ui/src/bindings from the Rust types.
pub fn update_bindings() -> Result<()> {
    run(cargo()
        .args(["test", "-p", "kencom-desk-core", "--test", "bindings"])
        .env("KENCOM_UPDATE_BINDINGS", "1"))?;
    eprintln!("ui/src/bindings regenerated; commit the changes");
    Ok(())
}

fn fuzz_targets() -> Result<Vec<String>> {
    let dir = root().join("fuzz/fuzz_targets");
    let mut names = Vec::new();
    if dir.exists() {
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "rs") {
                names.push(p.file_stem().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// `cargo xtask fuzz [TARGET] [SECS]`: run one or all cargo-fuzz targets. `-s none`
/// because the sanitizers need nightly, which this toolchain does not have.
pub fn fuzz(args: &[String]) -> Result<()> {
    let secs: u32 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20);
    let chosen: Vec<String> = match args.iter().find(|a| a.parse::<u32>().is_err()) {
        Some(t) => vec![t.clone()],
        None => fuzz_targets()?,
    };
    if chosen.is_empty() {
        bail!("no fuzz targets in fuzz/fuzz_targets");
    }
    if !have("cargo-fuzz") {
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for t in chosen {
        run(cargo()
            .args(["fuzz", "run", &t, "-s", "none", "--"])
            .arg(format!("-max_total_time={secs}"))
            .env("CARGO_TARGET_DIR", fuzz_target_dir())
            .current_dir(root()))?;
    }
    Ok(())
}

fn fuzz_target_dir() -> String {
    match std::env::var("CARGO_TARGET_DIR") {
        Ok(t) => format!("{t}-fuzz"),
        Err(_) => root().join("fuzz/target").display().to_string(),
    }
}

/// A few seconds per target in every test run keeps the targets building and catches
/// shallow panics; long campaigns are `cargo xtask fuzz TARGET 600`.
fn fuzz_smoke() -> Result<()> {
    if fuzz_targets()?.is_empty() {
        return Ok(());
    }
    fuzz(&["5".to_string()])
}
