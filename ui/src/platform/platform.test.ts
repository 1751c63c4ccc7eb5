// The real platform module: outside Tauri it fails with a clear Japanese error; inside, a
// rejection from Rust reaches the UI as a DeskError and results come through untouched.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AppInfo } from "../bindings/AppInfo";
import { commands, insideTauri } from "./index";

afterEach(() => {
  clearMocks();
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
});

describe("platform", () => {
  it("rejects with a Japanese DeskError when not running inside Tauri", async () => {
    expect(insideTauri()).toBe(false);
    await expect(commands.appInfo()).rejects.toMatchObject({
      code: "INTERNAL",
      message: expect.stringContaining("デスクトップアプリの外で実行されている"),
      field: null,
      retryable: false,
    });
  });

  it("calls app_info and returns its result", async () => {
    const info: AppInfo = {
      version: "0.1.0",
      dataDir: "/tmp/desk",
      logDir: "/tmp/desk/logs",
      keychain: { state: "available", backend: "secret-service" },
      centralUrl: null,
    };
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return info;
    });
    await expect(commands.appInfo()).resolves.toEqual(info);
    expect(calls).toEqual(["app_info"]);
  });

  it("normalises a rejection from Rust into a DeskError", async () => {
    mockIPC(() => {
      throw { code: "NETWORK", message: "中央サーバーに接続できません。", field: null, retryable: true };
    });
    await expect(commands.appInfo()).rejects.toEqual({
      code: "NETWORK",
      message: "中央サーバーに接続できません。",
      field: null,
      retryable: true,
    });
  });

  it("normalises a string rejection into INTERNAL", async () => {
    mockIPC(() => {
      throw "command app_info not found";
    });
    await expect(commands.appInfo()).rejects.toMatchObject({ code: "INTERNAL" });
  });
});
