//! Entry point of the KenCoM Desk binary: everything lives in the shell library so tests
//! and the binary share one code path.
// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    kencom_desk_shell::run();
}
