//! `cargo xtask check-boundaries`: the crate dependency rules of ARCHITECTURE.md, checked
//! over `cargo metadata` (direct normal dependencies), plus the UI rule that only
//! `ui/src/platform/` imports `@tauri-apps/*`. A rule broken here is a design decision
//! taken by accident; change ARCHITECTURE.md and this table together if it was meant.
use crate::proc::{cargo, root};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;

/// (crate, Only(allowed) | Never(forbidden)); a trailing `*` matches a prefix.
enum Rule {
    Only(&'static [&'static str]),
    Never(&'static [&'static str]),
}

const UI_FRAMEWORK: &[&str] = &["tauri", "tauri-*", "wry", "tao"];

fn rules() -> Vec<(&'static str, Rule)> {
    use Rule::*;
    vec![
        // Pure rules: nothing that could do IO or pull a runtime.
        (
            "kencom-domain",
            Only(&["serde", "chrono", "thiserror", "unicode-normalization"]),
        ),
        (
            "kencom-api",
            Never(&[
                "tauri",
                "tauri-*",
                "tokio",
                "reqwest",
                "rusqlite",
                "axum",
                "hyper",
                "kencom-central",
                "kencom-client",
                "kencom-store",
                "kencom-desk-core",
            ]),
        ),
        (
            "kencom-central",
            Never(&[
                "tauri",
                "tauri-*",
                "kencom-client",
                "kencom-store",
                "kencom-desk-core",
                "keyring*",
            ]),
        ),
        (
            "kencom-client",
            Never(&[
                "tauri",
                "tauri-*",
                "rusqlite",
                "kencom-central",
                "kencom-store",
            ]),
        ),
        (
            "kencom-store",
            Never(&[
                "tauri",
                "tauri-*",
                "reqwest",
                "hyper",
                "kencom-client",
                "kencom-central",
            ]),
        ),
        (
            "kencom-postcard",
            Never(&[
                "tauri",
                "tauri-*",
                "reqwest",
                "hyper",
                "axum",
                "tokio",
                "kencom-client",
            ]),
        ),
        (
            "kencom-roster",
            Never(&[
                "tauri",
                "tauri-*",
                "reqwest",
                "hyper",
                "axum",
                "kencom-client",
            ]),
        ),
        // Use-cases: no Tauri, no runtime, no concrete keychain (the host trait has it).
        (
            "kencom-desk-core",
            Never(&[
                "tauri",
                "tauri-*",
                "tokio",
                "kencom-central",
                "keyring*",
                "*-keyring-store",
            ]),
        ),
        (
            "kencom-keychain",
            Never(&["tauri", "tauri-*", "reqwest", "rusqlite", "kencom-central"]),
        ),
        // The shell is glue: it reaches the core only through the desk crate.
        (
            "kencom-desk",
            Never(&[
                "kencom-store",
                "kencom-client",
                "kencom-postcard",
                "kencom-central",
                "kencom-roster",
                "rusqlite",
                "reqwest",
            ]),
        ),
    ]
}

fn matches(pattern: &str, name: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(suffix), _) => name.ends_with(suffix),
        (_, Some(prefix)) => name.starts_with(prefix),
        _ => pattern == name,
    }
}

pub fn check() -> Result<()> {
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root())
        .output()
        .context("cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: Value = serde_json::from_slice(&out.stdout)?;
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pkg in meta["packages"].as_array().into_iter().flatten() {
        let name = pkg["name"].as_str().unwrap_or_default().to_owned();
        let normal = pkg["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        deps.insert(name, normal);
    }

    let mut violations = Vec::new();
    for (krate, rule) in rules() {
        let Some(direct) = deps.get(krate) else {
            violations.push(format!("{krate}: crate missing from the workspace"));
            continue;
        };
        for dep in direct {
            let bad = match &rule {
                Rule::Only(allowed) => !allowed.iter().any(|p| matches(p, dep)),
                Rule::Never(forbidden) => forbidden.iter().any(|p| matches(p, dep)),
            };
            if bad {
                violations.push(format!("{krate} must not depend on {dep}"));
            }
        }
    }
    for (krate, direct) in &deps {
        let is_shell = krate == "kencom-desk";
        if !is_shell
            && direct
                .iter()
                .any(|d| UI_FRAMEWORK.iter().any(|p| matches(p, d)))
        {
            violations.push(format!(
                "{krate}: only the shell (kencom-desk) may use Tauri"
            ));
        }
    }
    violations.extend(ui_imports()?);

    if violations.is_empty() {
        eprintln!("crate boundaries: ok ({} crates checked)", deps.len());
        Ok(())
    } else {
        bail!("crate boundary violations:\n  {}", violations.join("\n  "))
    }
}

/// Only ui/src/platform/ may import @tauri-apps/* (ESLint says so too; this is the
/// belt to its braces and covers files ESLint might be told to ignore).
fn ui_imports() -> Result<Vec<String>> {
    let src = root().join("ui/src");
    let mut found = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                if path != src.join("platform") {
                    stack.push(path);
                }
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("ts" | "svelte" | "js")
            ) && std::fs::read_to_string(&path)?.contains("@tauri-apps/")
            {
                found.push(format!(
                    "{}: imports @tauri-apps outside ui/src/platform",
                    path.strip_prefix(root()).unwrap_or(&path).display()
                ));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns() {
        assert!(super::matches("tauri-*", "tauri-build"));
        assert!(super::matches(
            "*-keyring-store",
            "zbus-secret-service-keyring-store"
        ));
        assert!(!super::matches("tauri", "tauri-build"));
    }
}
