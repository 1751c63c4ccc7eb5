//! Tauri's build step. The config is at the repository root next to the package manifest
//! (PLATFORM-NOTES approach (a)); capabilities live under src-tauri/ so the pattern says so.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("tauri build step failed");
}
