// Turns whatever a rejected IPC call produced into the one error shape the UI renders.
// The Rust side rejects with a serialized DeskError ({code, message, field, retryable});
// anything else (a string from Tauri itself, a JS Error, undefined) becomes INTERNAL with a
// Japanese message. The UI branches on `code` only, never on message text.
import type { DeskError } from "../bindings/DeskError";
import type { ErrorCode } from "../bindings/ErrorCode";

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "INTERNAL",
  "KEYCHAIN_UNAVAILABLE",
  "INVALID_INPUT",
  "NETWORK",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "VERIFICATION_REQUIRED",
  "REJECTED",
] satisfies ErrorCode[]);

const INTERNAL_MESSAGE = "予期しないエラーが発生しました。";

/** Message shown when the UI runs outside the desktop app (browser, `vite preview`). */
export const OUTSIDE_DESKTOP_MESSAGE =
  "デスクトップアプリの外で実行されているため、アプリ本体に接続できません。KenCoM Desk アプリから開いてください。";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && KNOWN_CODES.has(value);
}

/** True when `value` already has the exact DeskError shape. */
export function isDeskError(value: unknown): value is DeskError {
  return (
    isRecord(value) &&
    isErrorCode(value.code) &&
    typeof value.message === "string" &&
    (value.field === null || typeof value.field === "string") &&
    typeof value.retryable === "boolean"
  );
}

export function internalError(detail?: string): DeskError {
  const message = detail ? `${INTERNAL_MESSAGE}（詳細: ${detail}）` : INTERNAL_MESSAGE;
  return { code: "INTERNAL", message, field: null, retryable: false };
}

/**
 * Normalise a rejection into a DeskError. A `{code, message}` object from a newer core with
 * a code this UI does not know keeps its (Japanese) message but is treated as INTERNAL, so the
 * UI never branches on a code it was not built for.
 */
export function toDeskError(reason: unknown): DeskError {
  if (isDeskError(reason)) return reason;
  if (isRecord(reason) && typeof reason.message === "string" && typeof reason.code === "string") {
    return {
      code: isErrorCode(reason.code) ? reason.code : "INTERNAL",
      message: reason.message,
      field: typeof reason.field === "string" ? reason.field : null,
      retryable: typeof reason.retryable === "boolean" ? reason.retryable : false,
    };
  }
  if (typeof reason === "string" && reason.trim() !== "") return internalError(reason.trim());
  if (reason instanceof Error && reason.message !== "") return internalError(reason.message);
  return internalError();
}
