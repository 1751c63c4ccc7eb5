//! Generates the UI's TypeScript bindings (`ui/src/bindings/`) from the Rust types and the
//! command table, so the UI never carries a hand-written mirror of a Rust struct.
//!
//! The test `tests/bindings.rs` regenerates into a temp dir and fails when the committed
//! files differ; `cargo xtask bindings` rewrites them.
use crate::commands::{command_specs, export_command_types};
use crate::error::{DeskError, ErrorCode};
use std::collections::BTreeMap;
use std::path::Path;
use ts_rs::{Config, TS};

/// Render every binding file into `scratch` and return `file name → contents`.
pub fn generate(scratch: &Path) -> Result<BTreeMap<String, String>, String> {
    // i64 ids and counts stay far below 2^53: plain numbers, not bigint, in TypeScript.
    let cfg = Config::new().with_out_dir(scratch).with_large_int("number");
    export_command_types(&cfg).map_err(|e| e.to_string())?;
    // The error shape is part of every command's contract even though no command
    // returns it on success.
    DeskError::export_all(&cfg).map_err(|e| e.to_string())?;
    ErrorCode::export_all(&cfg).map_err(|e| e.to_string())?;

    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(scratch).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        files.insert(name, text);
    }
    files.insert("commands.ts".into(), commands_ts(&cfg));
    Ok(files)
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn commands_ts(cfg: &Config) -> String {
    let specs = command_specs(cfg);
    let mut imports: Vec<String> = specs.iter().flat_map(|s| s.imports.clone()).collect();
    imports.sort();
    imports.dedup();

    let mut out = String::from(
        "// Generated from crates/desk/src/commands.rs by `cargo xtask bindings`. Do not edit.\n",
    );
    for name in &imports {
        out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
    }
    out.push_str(
        "\n/** How the platform layer calls a command; it rejects with a DeskError. */\n\
         export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\n\
         /** Typed wrappers for every command of the desk. */\n\
         export function makeCommands(invoke: Invoke) {\n  return {\n",
    );
    for s in &specs {
        let params: Vec<String> = s
            .args
            .iter()
            .map(|(n, t)| format!("{}: {t}", camel(n)))
            .collect();
        let keys: Vec<String> = s.args.iter().map(|(n, _)| camel(n)).collect();
        out.push_str(&format!(
            "    /** {} */\n    {}: ({}): Promise<{ret}> => invoke<{ret}>(\"{}\", {{ {} }}),\n",
            s.doc.trim(),
            camel(s.name),
            params.join(", "),
            s.name,
            keys.join(", "),
            ret = s.returns,
        ));
    }
    out.push_str("  };\n}\n\n/** The typed command surface the UI uses. */\nexport type Commands = ReturnType<typeof makeCommands>;\n");
    out.replace("{  }", "{}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn camel_case_matches_tauri_argument_renaming() {
        assert_eq!(super::camel("member_id"), "memberId");
        assert_eq!(super::camel("app_info"), "appInfo");
    }
}
