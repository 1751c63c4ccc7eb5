//! Thin adapters from Tauri commands to `kencom_desk_core` use-cases: unpack, call, map.
//! The list in [`handler`] must equal `kencom_desk_core::commands::COMMAND_NAMES`; the
//! test below keeps them in step (the TS side is generated from that table).
use crate::host::AppHost;
use kencom_desk_core::{AppInfo, DeskError};
use std::sync::Arc;
use tauri::State;

type HostState<'a> = State<'a, Arc<AppHost>>;

/// Run blocking core work (keychain D-Bus calls, SQLite) off the UI thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|_| {
        DeskError::internal("内部処理が中断されました。アプリを再起動してください。")
    })?
}

#[tauri::command]
async fn app_info(host: HostState<'_>) -> Result<AppInfo, DeskError> {
    let host = Arc::clone(&host);
    blocking(move || kencom_desk_core::app_info(host.as_ref())).await
}

macro_rules! registered {
    ($($name:ident),* $(,)?) => {
        /// The names registered with Tauri, for the drift test.
        #[cfg(test)]
        const REGISTERED: &[&str] = &[$(stringify!($name)),*];
        /// The invoke handler with every desk command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

registered![app_info];

#[cfg(test)]
mod tests {
    #[test]
    fn registration_matches_the_command_table() {
        assert_eq!(
            super::REGISTERED,
            kencom_desk_core::commands::COMMAND_NAMES,
            "every command in crates/desk/src/commands.rs needs an adapter here, and no other"
        );
    }
}
