//! The desk's use-cases and IPC types: everything the Tauri shell calls. No Tauri here.
