// 設定 renders what app_info returns — through a fake platform, no Tauri involved.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeskError } from "../bindings/DeskError";
import { i18n } from "../i18n/index.svelte";
import { fakeCommands, mountWith, sampleInfo, settle } from "../test/mountWith";
import SettingsScreen from "./SettingsScreen.svelte";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  i18n.set("ja");
});

function render(appInfo: Parameters<typeof fakeCommands>[0]) {
  const view = mountWith(SettingsScreen, fakeCommands(appInfo));
  cleanup = view.destroy;
  return view;
}

describe("SettingsScreen", () => {
  it("shows a loading state, then the version, data dir, keychain and central URL", async () => {
    let resolve: (info: typeof sampleInfo) => void = () => {};
    const view = render(() => new Promise((r) => (resolve = r)));
    expect(view.byTestId("screen-title")?.textContent).toBe("設定");
    expect(view.byTestId("app-info-loading")?.textContent).toBe("読み込み中…");

    resolve(sampleInfo);
    await settle();
    expect(view.byTestId("app-version")?.textContent).toBe("9.8.7-test");
    expect(view.byTestId("data-dir")?.textContent).toBe(sampleInfo.dataDir);
    expect(view.byTestId("keychain-status")?.textContent?.trim()).toBe("利用可能（Secret Service）");
    expect(view.byTestId("central-url")?.textContent?.trim()).toBe("https://central.example.jp");
    expect(view.byTestId("app-info-loading")).toBeNull();
  });

  it("shows the log folder and opens it, with the reason when it cannot", async () => {
    const openLogDir = vi
      .fn<() => Promise<null>>()
      .mockResolvedValueOnce(null)
      .mockRejectedValueOnce({
        code: "INTERNAL",
        message: "ログフォルダを開けませんでした（/x/logs）: no file manager",
        field: null,
        retryable: true,
      } satisfies DeskError);
    const view = mountWith(SettingsScreen, fakeCommands(undefined, { openLogDir }));
    cleanup = view.destroy;
    await settle();
    expect(view.byTestId("log-dir")?.textContent).toBe(sampleInfo.logDir);
    view.byTestId("open-log-dir")?.click();
    await settle();
    expect(openLogDir).toHaveBeenCalledTimes(1);
    expect(view.byTestId("log-dir-error")).toBeNull();
    view.byTestId("open-log-dir")?.click();
    await settle();
    expect(view.byTestId("log-dir-error")?.textContent).toContain("ログフォルダを開けませんでした");
  });

  it("says 未設定 when no central URL is configured", async () => {
    const view = render(async () => ({ ...sampleInfo, centralUrl: null }));
    await settle();
    expect(view.byTestId("central-url")?.textContent?.trim()).toBe("未設定");
  });

  it("shows the keychain message and remedy as a visible warning when unavailable", async () => {
    const view = render(async () => ({
      ...sampleInfo,
      keychain: {
        state: "unavailable",
        code: "NO_SECRET_SERVICE",
        message: "Secret Service が見つかりません。",
        remedy: "gnome-keyring をインストールしてください。",
      },
    }));
    await settle();
    const status = view.byTestId("keychain-status");
    expect(status?.textContent).toContain("利用できません");
    const warning = status?.querySelector('[role="alert"]');
    expect(warning?.textContent, "the operator must see what is wrong").toContain(
      "Secret Service が見つかりません。",
    );
    expect(warning?.textContent, "…and what to do about it").toContain(
      "gnome-keyring をインストールしてください。",
    );
  });

  it("shows a failed call's Japanese message, and offers a retry only when retryable", async () => {
    const failure: DeskError = {
      code: "INTERNAL",
      message: "データ保存先を作成できません。",
      field: null,
      retryable: true,
    };
    let calls = 0;
    const view = render(async () => {
      calls += 1;
      if (calls === 1) throw failure;
      return sampleInfo;
    });
    await settle();
    const error = view.byTestId("app-info-error");
    expect(error?.getAttribute("role")).toBe("alert");
    expect(error?.textContent).toContain("アプリ情報を取得できませんでした");
    expect(error?.textContent).toContain("データ保存先を作成できません。");

    error?.querySelector("button")?.click();
    await settle();
    expect(view.byTestId("app-version")?.textContent).toBe("9.8.7-test");
  });

  it("hides retry for a non-retryable failure", async () => {
    const view = render(async () => {
      throw "not a DeskError";
    });
    await settle();
    const error = view.byTestId("app-info-error");
    expect(error?.textContent).toContain("予期しないエラーが発生しました。");
    expect(error?.querySelector("button")).toBeNull();
  });

  it("switches the language from the select", async () => {
    const view = render(async () => sampleInfo);
    await settle();
    const select = view.byTestId("language-select") as HTMLSelectElement;
    expect(select.value).toBe("ja");
    select.value = "en";
    // Svelte delegates change events to the root, so the event must bubble like a real one.
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect(view.byTestId("screen-title")?.textContent).toBe("Settings");
    expect(localStorage.getItem("kencom-desk.locale")).toBe("en");
  });
});
