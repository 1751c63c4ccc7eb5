// Generated from crates/desk/src/commands.rs by `cargo xtask bindings`. Do not edit.
import type { AppInfo } from "./AppInfo";

/** How the platform layer calls a command; it rejects with a DeskError. */
export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Typed wrappers for every command of the desk. */
export function makeCommands(invoke: Invoke) {
  return {
    /** Installation facts for 設定: version, data directory, keychain, central URL. */
    appInfo: (): Promise<AppInfo> => invoke<AppInfo>("app_info", {}),
  };
}

/** The typed command surface the UI uses. */
export type Commands = ReturnType<typeof makeCommands>;
