//! The command table: every IPC command the UI can call, declared exactly once.
//!
//! From this table the TypeScript side (`ui/src/bindings/commands.ts`) is generated, and
//! the shell's registration is checked against [`COMMAND_NAMES`] by a test, so the three
//! places a command appears (Rust fn, Tauri registration, TS wrapper) cannot drift.
//!
//! To add a command: add a line here, implement the use-case, add a one-line adapter in
//! `src-tauri/src/commands.rs`, then `cargo xtask bindings` (see ARCHITECTURE.md).
use crate::app_info::AppInfo;
use ts_rs::{Config, ExportError, TS};

/// One command as the TypeScript generator sees it.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// The Rust / IPC name (snake_case).
    pub name: &'static str,
    /// The doc comment, copied to the TS wrapper.
    pub doc: &'static str,
    /// Argument names (snake_case) and their TS types.
    pub args: Vec<(&'static str, String)>,
    /// The TS type of the success value.
    pub returns: String,
    /// Named TS types the wrapper needs to import.
    pub imports: Vec<String>,
}

fn import_of<T: TS + ?Sized + 'static>(cfg: &Config, out: &mut Vec<String>) {
    if T::output_path().is_some() {
        out.push(T::name(cfg));
    }
}

fn export_if_named<T: TS + ?Sized + 'static>(cfg: &Config) -> Result<(), ExportError> {
    if T::output_path().is_some() {
        T::export_all(cfg)?;
    }
    Ok(())
}

macro_rules! desk_commands {
    ($( $(#[doc = $doc:literal])* fn $name:ident ( $($arg:ident : $argty:ty),* ) -> $ret:ty ;)*) => {
        /// The names of every command, in declaration order. The shell's registration
        /// must equal this list (tested in src-tauri).
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Every command with its TS signature.
        pub fn command_specs(cfg: &Config) -> Vec<CommandSpec> {
            vec![$({
                let mut imports = Vec::new();
                $(import_of::<$argty>(cfg, &mut imports);)*
                import_of::<$ret>(cfg, &mut imports);
                CommandSpec {
                    name: stringify!($name),
                    doc: concat!($($doc),*),
                    args: vec![$((stringify!($arg), <$argty as TS>::name(cfg))),*],
                    returns: <$ret as TS>::name(cfg),
                    imports,
                }
            }),*]
        }

        /// Export every type the commands use (and their dependencies) into `cfg`'s dir.
        pub fn export_command_types(cfg: &Config) -> Result<(), ExportError> {
            $( $(export_if_named::<$argty>(cfg)?;)* export_if_named::<$ret>(cfg)?; )*
            Ok(())
        }
    };
}

desk_commands! {
    /// Installation facts for 設定: version, data directory, keychain, central URL.
    fn app_info() -> AppInfo;
}
