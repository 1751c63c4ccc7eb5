//! Fails when `ui/src/bindings/` is stale against the Rust types and the command table.
//! `cargo xtask bindings` (KENCOM_UPDATE_BINDINGS=1) rewrites the committed files instead.
use std::path::PathBuf;

#[test]
fn committed_bindings_match_the_rust_types() {
    let scratch = tempfile::tempdir().unwrap();
    let generated = kencom_desk_core::bindings::generate(scratch.path()).unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");

    if std::env::var("KENCOM_UPDATE_BINDINGS").as_deref() == Ok("1") {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".ts") && !generated.contains_key(&name) {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }

    let mut problems = Vec::new();
    for (name, text) in &generated {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if &committed == text => {}
            Ok(_) => problems.push(format!("{name}: differs")),
            Err(_) => problems.push(format!("{name}: missing")),
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") && !generated.contains_key(&name) {
                problems.push(format!("{name}: no longer generated"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "ui/src/bindings is stale — run `cargo xtask bindings` and commit:\n{}",
        problems.join("\n")
    );
}
