//! The desk's use-cases and the types that cross the IPC boundary: everything the Tauri
//! shell calls lives here, so every behaviour is testable with `cargo test` and no window.
//! This crate must not depend on Tauri, tokio or a concrete keychain: the shell hands it a
//! [`host::Host`] with the platform pieces.
#![deny(missing_docs)]

pub mod actions;
pub mod app_info;
mod audit;
pub mod bindings;
pub mod cases;
pub mod commands;
mod desk;
pub mod error;
mod error_map;
pub mod host;
mod insurer_settings;
pub mod logging;
mod postcard;
mod print_runs;
mod queue;
mod roster_sync;
pub mod roster_views;
mod search;
mod session;
pub mod settings;
mod status;
pub mod updates;
pub mod views;

pub use app_info::{app_info, AppInfo};
pub use desk::Desk;
pub use error::{DeskError, ErrorCode};
pub use host::{FileDialog, Host, KeychainStatus, Vault, VaultError};
