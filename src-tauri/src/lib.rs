//! The Tauri shell: window setup, plugins and thin command adapters. No behaviour lives
//! here; each command unpacks its arguments, calls `kencom_desk_core`, and maps the error.
mod commands;
mod host;
pub mod updater;

use tauri::Manager;

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(updater::plugin())
        .manage(updater::Updates::default())
        .setup(|app| {
            let host = std::sync::Arc::new(host::AppHost::new(app.handle())?);
            // The log needs the data directory, known only now; nothing is logged before.
            let log = kencom_desk_core::logging::init(&kencom_desk_core::host::Host::data_dir(
                host.as_ref(),
            ));
            app.manage(LogFile(std::sync::Mutex::new(log)));
            main_window(app, &host)?;
            let desk = std::sync::Arc::new(kencom_desk_core::Desk::new(host.clone()));
            app.manage(host);
            app.manage(desk.clone());
            replay_loop(desk);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("KenCoM Desk failed to start");
}

/// The main window is built here rather than in tauri.conf.json so that its WebKit
/// profile (localStorage, caches) follows the data directory: with `KENCOM_DATA_DIR` set
/// (tests, demos) nothing is written to the operator's real profile.
fn main_window(app: &tauri::App, host: &host::AppHost) -> tauri::Result<()> {
    tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
        .title("KenCoM Desk")
        .inner_size(1280.0, 800.0)
        .min_inner_size(960.0, 640.0)
        .data_directory(host.webview_dir())
        .build()?;
    Ok(())
}

/// Sends queued actions in the background: every few seconds, so work done offline leaves
/// as soon as the server answers again. Each pass stops at the first transient failure.
fn replay_loop(desk: std::sync::Arc<kencom_desk_core::Desk>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            let report = desk.flush().await;
            if report.sent > 0 || report.rejected > 0 {
                tracing::info!(
                    sent = report.sent,
                    rejected = report.rejected,
                    "outbox replayed"
                );
            }
        }
    });
}

/// Keeps the log file's writer thread for the app's lifetime.
struct LogFile(#[allow(dead_code)] std::sync::Mutex<Option<kencom_desk_core::logging::LogGuard>>);
