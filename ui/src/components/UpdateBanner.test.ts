// The update banner and the manual check on 設定, on the fake platform: hidden when up to
// date, version + notes + "install and restart" with a progress bar fed by update_progress,
// the package-manager notice instead of the button for .deb installs, a refused signature
// shown in Japanese with a retry, English on request, and the manual check's answers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UpdateInfo } from "../bindings/UpdateInfo";
import type { UpdateProgress } from "../bindings/UpdateProgress";
import { i18n } from "../i18n/index.svelte";
import { updates } from "../lib/updates.svelte";
import { deskError, fakeCommands, mountWith, settle } from "../test/mountWith";
import UpdateBanner from "./UpdateBanner.svelte";
import UpdateCheck from "./UpdateCheck.svelte";

const release: UpdateInfo = {
  version: "0.2.0",
  currentVersion: "0.1.0",
  notes: "検索画面の不具合を修正しました。\n印刷が速くなりました。",
  pubDate: "2026-05-01T09:00:00Z",
  install: "inApp",
};

const signatureRefused = deskError(
  "REJECTED",
  "更新ファイルの署名を確認できなかったため、インストールを中止しました。改ざんの可能性があります。システム管理者に連絡してください。",
);

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  updates.reset();
  i18n.set("ja");
});
afterEach(() => {
  view.destroy();
  i18n.set("ja");
});

describe("UpdateBanner", () => {
  it("stays hidden when the server offers nothing, and when the quiet start-up check fails", async () => {
    const checkUpdate = vi.fn(async () => null);
    view = mountWith(UpdateBanner, fakeCommands(undefined, { checkUpdate }));
    await settle();
    expect(checkUpdate).toHaveBeenCalledTimes(1);
    expect(view.byTestId("update-banner")).toBeNull();
    view.destroy();

    updates.reset();
    view = mountWith(
      UpdateBanner,
      fakeCommands(undefined, {
        checkUpdate: async () => {
          throw deskError("NETWORK", "更新サーバーに接続できませんでした。");
        },
      }),
    );
    await settle();
    expect(view.byTestId("update-banner")).toBeNull();
    expect(updates.checkError).toBeNull();
  });

  it("shows the version and notes, installs on request and draws the download progress", async () => {
    let progress: UpdateProgress = { phase: "downloading", downloaded: 1_048_576, total: 4_194_304, error: null };
    let finish: (reason: unknown) => void = () => {};
    const installUpdate = vi.fn(
      () =>
        new Promise<null>((_, reject) => {
          finish = reject;
        }),
    );
    view = mountWith(
      UpdateBanner,
      fakeCommands(undefined, {
        checkUpdate: async () => release,
        installUpdate,
        updateProgress: async () => progress,
      }),
    );
    await settle();
    expect(view.byTestId("update-version")?.textContent?.trim()).toBe(
      "新しいバージョン 0.2.0 があります（現在 0.1.0）",
    );
    expect(view.byTestId("update-notes")?.textContent).toContain("印刷が速くなりました。");
    expect(view.byTestId("update-package-notice")).toBeNull();
    const install = view.byTestId("update-install") as HTMLButtonElement;
    expect(install.textContent?.trim()).toBe("インストールして再起動");

    install.click();
    await settle();
    expect(installUpdate).toHaveBeenCalledTimes(1);
    expect(install.disabled).toBe(true);
    const bar = view.byTestId("update-progress") as HTMLProgressElement;
    expect(bar.max).toBe(4_194_304);
    expect(bar.value).toBe(1_048_576);
    expect(view.byTestId("update-progress-text")?.textContent).toBe("1.0 / 4.0 MB（25%）");

    progress = { phase: "installing", downloaded: 4_194_304, total: 4_194_304, error: null };
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    expect(view.byTestId("update-progress")).toBeNull();
    expect(view.byTestId("update-progress-text")?.textContent).toContain("インストールしています");

    // The install command answers only when it failed: here, a refused signature.
    progress = { phase: "failed", downloaded: 4_194_304, total: 4_194_304, error: signatureRefused };
    finish(signatureRefused);
    await settle();
    await settle();
    expect(view.byTestId("update-error")?.textContent).toContain("署名を確認できなかった");
    expect(view.byTestId("update-error")?.textContent).toContain("REJECTED");
    expect(install.disabled).toBe(false);
    expect(install.textContent?.trim()).toBe("もう一度インストール");
  });

  it("tells a .deb install to use the package manager instead of offering to install", async () => {
    const installUpdate = vi.fn(async () => null);
    view = mountWith(
      UpdateBanner,
      fakeCommands(undefined, {
        checkUpdate: async () => ({ ...release, install: "packageManager" }),
        installUpdate,
      }),
    );
    await settle();
    expect(view.byTestId("update-package-notice")?.textContent).toContain(
      "パッケージマネージャー（または社内の配布手順）でバージョン 0.2.0 をインストールしてください",
    );
    expect(view.byTestId("update-install")).toBeNull();
    expect(installUpdate).not.toHaveBeenCalled();
  });

  it("hides until the next version after 後で, and speaks English when chosen", async () => {
    view = mountWith(UpdateBanner, fakeCommands(undefined, { checkUpdate: async () => release }));
    await settle();
    i18n.set("en");
    await settle();
    expect(view.byTestId("update-version")?.textContent?.trim()).toBe(
      "Version 0.2.0 is available (you have 0.1.0)",
    );
    expect(view.byTestId("update-install")?.textContent?.trim()).toBe("Install and restart");
    view.byTestId("update-later")?.click();
    await settle();
    expect(view.byTestId("update-banner")).toBeNull();
  });
});

describe("UpdateCheck (設定)", () => {
  it("reports up to date, then a failure in Japanese", async () => {
    let answer: () => Promise<UpdateInfo | null> = async () => null;
    view = mountWith(UpdateCheck, fakeCommands(undefined, { checkUpdate: () => answer() }));
    expect(view.byTestId("update-check-result")).toBeNull();
    view.byTestId("update-check")?.click();
    await settle();
    expect(view.byTestId("update-check-result")?.textContent?.trim()).toBe("最新のバージョンです。");

    answer = async () => {
      throw deskError("NETWORK", "更新サーバーに接続できませんでした。ネットワークを確認して、しばらくしてから再度お試しください。");
    };
    view.byTestId("update-check")?.click();
    await settle();
    expect(view.byTestId("update-check-result")).toBeNull();
    expect(view.byTestId("update-check-error")?.textContent).toContain("更新サーバーに接続できませんでした");
  });

  it("names the new version when there is one", async () => {
    view = mountWith(UpdateCheck, fakeCommands(undefined, { checkUpdate: async () => release }));
    view.byTestId("update-check")?.click();
    await settle();
    expect(view.byTestId("update-check-result")?.textContent).toContain("0.2.0");
  });
});
