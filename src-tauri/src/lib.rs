//! The Tauri shell: window setup, plugins and thin command adapters. No behaviour lives
//! here; each command unpacks its arguments, calls `kencom_desk_core`, and maps the error.

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("KenCoM Desk failed to start");
}
