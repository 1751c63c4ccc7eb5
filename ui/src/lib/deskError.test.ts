// Whatever an IPC call rejects with, the UI gets a DeskError with a Japanese message.
import { describe, expect, it } from "vitest";
import { isDeskError, toDeskError } from "./deskError";

describe("toDeskError", () => {
  it("passes a serialized DeskError from Rust through unchanged", () => {
    const fromRust = {
      code: "KEYCHAIN_UNAVAILABLE",
      message: "キーチェーンを利用できません。",
      field: null,
      retryable: true,
    } as const;
    expect(toDeskError(fromRust)).toEqual(fromRust);
  });

  it("keeps the message of an unknown code but branches as INTERNAL", () => {
    const e = toDeskError({ code: "FROM_A_NEWER_CORE", message: "新しいエラー", field: "x" });
    expect(e).toEqual({ code: "INTERNAL", message: "新しいエラー", field: "x", retryable: false });
  });

  it("turns a string rejection (Tauri's own errors) into INTERNAL with a Japanese message", () => {
    const e = toDeskError("command app_info not found");
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toMatch(/^予期しないエラーが発生しました。/);
    expect(e.message, "the detail helps support").toContain("command app_info not found");
    expect(e.retryable).toBe(false);
  });

  it("turns Error objects, undefined and junk into INTERNAL", () => {
    expect(toDeskError(new Error("boom")).message).toContain("boom");
    for (const junk of [undefined, null, 42, {}, { message: 1 }, ""]) {
      const e = toDeskError(junk);
      expect(isDeskError(e), `normalised ${String(junk)}`).toBe(true);
      expect(e.code).toBe("INTERNAL");
      expect(e.message).toBe("予期しないエラーが発生しました。");
    }
  });
});
