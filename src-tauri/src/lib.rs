//! The Tauri shell: window setup, plugins and thin command adapters. No behaviour lives
//! here; each command unpacks its arguments, calls `kencom_desk_core`, and maps the error.
mod commands;
mod host;

use tauri::Manager;

/// Builds and runs the desktop app until its last window closes.
pub fn run() {
    init_tracing();
    tauri::Builder::default()
        .setup(|app| {
            let host = host::AppHost::new(app.handle())?;
            app.manage(std::sync::Arc::new(host));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("KenCoM Desk failed to start");
}

/// Logs go to stderr with a level from `RUST_LOG` (default info). Nothing personal is
/// ever logged: use-cases log codes and counts, never member data.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
