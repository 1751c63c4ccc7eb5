//! The directory of signed desk releases the update endpoints serve from.
//!
//! Layout (docs/updates.md):
//!
//! ```text
//! DIR/<version>/notes.md                        optional release notes (Markdown)
//! DIR/<version>/<target>-<arch>/<artifact>      exactly one artifact per platform
//! DIR/<version>/<target>-<arch>/<artifact>.sig  its signature (`tauri signer sign` output)
//! ```
//!
//! `<version>` is plain semver (`0.2.0`, no `v`); `<target>-<arch>` is what the updater
//! plugin puts in the URL (`linux-x86_64`, `windows-x86_64`, `darwin-aarch64`). Names that
//! are not semver (e.g. `.0.2.0.partial` while copying) are ignored, so a release is
//! published by renaming its finished directory into place. Only regular files count:
//! symlinks are never followed, so nothing outside DIR can be served.
//!
//! Every name that comes from a URL is checked by [`is_platform`] / [`is_file_name`] /
//! semver before it touches the file system: no `/`, no `..`, no leading dot.
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use semver::Version;

/// A release the caller can update to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The release's version, spelled as its directory is named.
    pub version: String,
    /// `<target>-<arch>` directory the artifact is in.
    pub platform: String,
    /// The artifact's file name.
    pub file_name: String,
    /// The `.sig` file's content, trimmed (base64 minisign signature).
    pub signature: String,
    /// `notes.md` of the release, if present.
    pub notes: Option<String>,
    /// The artifact's modification time (taken as the publication date).
    pub published: Option<SystemTime>,
}

/// `target` or `arch` as the updater sends it: 1–32 of `[a-z0-9_]`.
pub fn is_token(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `<target>-<arch>`, both parts tokens.
pub fn is_platform(s: &str) -> bool {
    match s.split_once('-') {
        Some((t, a)) => is_token(t) && is_token(a),
        None => false,
    }
}

/// An artifact file name: 1–255 of `[A-Za-z0-9._+-]` and inner spaces (the bundler names
/// files after the product, `KenCoM Desk_0.2.0_amd64.AppImage`), not starting with a dot
/// (so neither `..` nor hidden files), never a path.
pub fn is_file_name(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && !s.starts_with('.')
        && s.trim() == s
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-' | b' '))
}

/// The newest release for `platform` that is greater than `current` (semver order), or
/// `None`. Releases whose platform directory is missing or malformed (no artifact, several
/// artifacts, no signature) are skipped with a warning: an unsigned or ambiguous release is
/// never offered, and one broken release does not hide an older good one.
pub fn newest(root: &Path, platform: &str, current: &Version) -> io::Result<Option<Release>> {
    let mut versions: Vec<(Version, String)> = fs::read_dir(root)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let v = Version::parse(&name).ok()?;
            (v > *current).then_some((v, name))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    for (_, name) in versions {
        match release(root, &name, platform) {
            Ok(Some(r)) => return Ok(Some(r)),
            Ok(None) => {}
            Err(e) => tracing::warn!(version = %name, platform, error = %e, "release skipped"),
        }
    }
    Ok(None)
}

/// One version's artifact for `platform`; `Ok(None)` when that platform is not published.
fn release(root: &Path, version: &str, platform: &str) -> io::Result<Option<Release>> {
    let dir = root.join(version).join(platform);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut artifacts = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !entry.file_type()?.is_file() || !is_file_name(&name) || name.ends_with(".sig") {
            continue;
        }
        artifacts.push(name);
    }
    let file_name = match artifacts.as_slice() {
        [] => return Ok(None),
        [one] => one.clone(),
        _ => return Err(invalid("more than one artifact for the platform")),
    };
    let signature = match fs::read_to_string(dir.join(format!("{file_name}.sig"))) {
        Ok(s) if !s.trim().is_empty() => s.trim().to_string(),
        Ok(_) => return Err(invalid("empty signature file")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(invalid("artifact without a .sig file"))
        }
        Err(e) => return Err(e),
    };
    let notes = match fs::read_to_string(root.join(version).join("notes.md")) {
        Ok(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let published = fs::symlink_metadata(dir.join(&file_name))?.modified().ok();
    Ok(Some(Release {
        version: version.to_string(),
        platform: platform.to_string(),
        file_name,
        signature,
        notes,
        published,
    }))
}

/// The path of a published file, after checking every segment; `None` when a segment is
/// malformed or the path is not a regular file (symlinks included).
pub fn artifact_path(root: &Path, version: &str, platform: &str, file: &str) -> Option<PathBuf> {
    if Version::parse(version).is_err() || !is_platform(platform) || !is_file_name(file) {
        return None;
    }
    let path = root.join(version).join(platform).join(file);
    let meta = fs::symlink_metadata(&path).ok()?;
    meta.is_file().then_some(path)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(root: &Path, rel: &str, body: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, body).unwrap();
    }

    #[test]
    fn names_from_urls_are_checked() {
        assert!(is_token("x86_64") && is_token("linux"));
        assert!(!is_token("") && !is_token("Linux") && !is_token("a/b") && !is_token(".."));
        assert!(is_platform("linux-x86_64") && !is_platform("linux") && !is_platform("-x"));
        assert!(is_file_name("KenCoM Desk_0.2.0_amd64.AppImage"));
        for bad in [
            "..", ".sig", "a/b", "a\\b", "", "x\0y", "é.deb", " a", "a\n",
        ] {
            assert!(!is_file_name(bad), "{bad:?} must be refused");
        }
    }

    #[test]
    fn semver_order_not_string_order_and_broken_releases_are_skipped() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        put(r, "0.9.0/linux-x86_64/a.AppImage", "9");
        put(r, "0.9.0/linux-x86_64/a.AppImage.sig", "sig9");
        put(r, "0.10.0/linux-x86_64/a.AppImage", "10");
        put(r, "0.10.0/linux-x86_64/a.AppImage.sig", "sig10\n");
        put(r, "0.10.0/notes.md", "  修正  \n");
        // Newer but unsigned, and newer but ambiguous: never offered.
        put(r, "0.11.0/linux-x86_64/a.AppImage", "11");
        put(r, "0.12.0/linux-x86_64/a.AppImage", "12");
        put(r, "0.12.0/linux-x86_64/b.AppImage", "12b");
        put(r, "0.12.0/linux-x86_64/a.AppImage.sig", "s");
        put(r, "v1.0.0/linux-x86_64/a.AppImage", "not semver: ignored");
        let cur = Version::parse("0.9.0").unwrap();
        let rel = newest(r, "linux-x86_64", &cur).unwrap().unwrap();
        assert_eq!(rel.version, "0.10.0", "0.10.0 > 0.9.0 in semver");
        assert_eq!(rel.signature, "sig10");
        assert_eq!(rel.notes.as_deref(), Some("修正"));
        assert!(rel.published.is_some());
        assert_eq!(newest(r, "windows-x86_64", &cur).unwrap(), None);
        let latest = Version::parse("0.10.0").unwrap();
        assert_eq!(newest(r, "linux-x86_64", &latest).unwrap(), None);
    }

    #[test]
    fn artifact_path_refuses_traversal_and_symlinks() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("updates");
        put(&r, "0.2.0/linux-x86_64/a.AppImage", "x");
        put(d.path(), "secret.txt", "secret");
        assert!(artifact_path(&r, "0.2.0", "linux-x86_64", "a.AppImage").is_some());
        assert!(artifact_path(&r, "..", "linux-x86_64", "a.AppImage").is_none());
        assert!(artifact_path(&r, "0.2.0", "..", "secret.txt").is_none());
        assert!(artifact_path(&r, "0.2.0", "linux-x86_64", "../../../secret.txt").is_none());
        assert!(artifact_path(&r, "0.2.0", "linux-x86_64", "missing").is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                d.path().join("secret.txt"),
                r.join("0.2.0/linux-x86_64/link.txt"),
            )
            .unwrap();
            assert!(artifact_path(&r, "0.2.0", "linux-x86_64", "link.txt").is_none());
        }
    }
}
