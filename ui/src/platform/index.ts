// The ONLY module that imports @tauri-apps/* (enforced by eslint no-restricted-imports).
// It wires the generated command table (src/bindings/commands.ts) to Tauri's invoke and
// guarantees every rejection is a DeskError. Everything else in the UI receives `commands`
// through src/lib/platformContext.ts, so tests and a plain browser can use a fake.
import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import { makeCommands, type Commands, type Invoke } from "../bindings/commands";
import type { DeskError } from "../bindings/DeskError";
import { OUTSIDE_DESKTOP_MESSAGE, toDeskError } from "../lib/deskError";

/** Tauri injects this global into its webviews; a plain browser does not have it. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

const outsideDesktop: DeskError = {
  code: "INTERNAL",
  message: OUTSIDE_DESKTOP_MESSAGE,
  field: null,
  retryable: false,
};

/** Calls a Rust command; rejects only ever with a DeskError. */
export const invoke: Invoke = async <T>(command: string, args: Record<string, unknown>) => {
  if (!insideTauri()) throw outsideDesktop;
  try {
    return await tauriInvoke<T>(command, args);
  } catch (reason) {
    throw toDeskError(reason);
  }
};

export const commands: Commands = makeCommands(invoke);
