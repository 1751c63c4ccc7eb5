// 名簿連携: file → options (detected Shift_JIS, standard mapping, encoding override) → validate
// with a progress bar → rejected rows + error report → upload → diff by kind → apply → result.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RosterOptions } from "../bindings/RosterOptions";
import { i18n } from "../i18n/index.svelte";
import { navigation } from "../lib/navigation.svelte";
import { inspection, validation } from "../test/rosterFixtures";
import { choose, deskError, fakeCommands, mountWith, settle, type } from "../test/mountWith";
import RosterScreen from "./RosterScreen.svelte";

let view: ReturnType<typeof mountWith>;
afterEach(() => {
  view.destroy();
  i18n.set("ja");
});

describe("RosterScreen", () => {
  it("walks a Shift_JIS roster from file to applied sync", async () => {
    const inspectRoster = vi.fn(async () => inspection);
    let resolveValidate: (v: typeof validation) => void = () => {};
    const validateRoster = vi.fn(
      () => new Promise<typeof validation>((resolve) => (resolveValidate = resolve)),
    );
    const rosterProgress = vi.fn(async () => ({
      phase: "reading" as const,
      bytesRead: 1024,
      totalBytes: 2048,
      records: 2,
      chunksDone: 0,
      chunksTotal: 0,
    }));
    const saveRosterReport = vi.fn(async (path: string) => ({ path, rows: 2, encoding: "shiftJis" as const }));
    const uploadRoster = vi.fn(async () => ({ uploadId: 7, sentChunks: 1, resumedChunks: 1, receivedRows: 3, complete: true }));
    const applyRoster = vi.fn(async () => (await fakeCommands().applyRoster(7)));
    const rosterDiff = fakeCommands().rosterDiff;
    const diffSpy = vi.fn(rosterDiff);
    view = mountWith(
      RosterScreen,
      fakeCommands(undefined, {
        inspectRoster,
        validateRoster,
        rosterProgress,
        saveRosterReport,
        uploadRoster,
        rosterDiff: diffSpy,
        applyRoster,
      }),
    );
    expect(view.byTestId("screen-title")?.textContent).toBe("名簿連携");
    type(view.byTestId("roster-path"), "/home/admin/Documents/sakura.csv");
    view.byTestId("roster-inspect")?.click();
    await settle();
    expect(inspectRoster).toHaveBeenCalledWith("/home/admin/Documents/sakura.csv", null, null);
    expect(view.byTestId("roster-detected")?.textContent).toContain("Shift_JIS");
    expect(view.byTestId("roster-detected")?.textContent).toContain("標準レイアウト");
    expect((view.byTestId("roster-map-5") as HTMLSelectElement).value).toBe("kana_name");
    expect(view.byTestId("roster-preview")?.textContent, "cells shown as found").toContain("ﾔﾏﾀﾞﾊｼﾞﾒ");

    // Validate: the progress bar shows while the desk reads.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    view.byTestId("roster-validate")?.click();
    await settle();
    vi.advanceTimersByTime(250);
    vi.useRealTimers();
    await settle();
    expect(view.byTestId("roster-progress")?.textContent).toContain("50%");
    resolveValidate(validation);
    await settle();
    await settle();
    const sent = validateRoster.mock.calls[0] as unknown as [string, RosterOptions, null];
    expect(sent[1].columns).toHaveLength(16);
    expect(view.byTestId("roster-progress")).toBeNull();
    expect(view.byTestId("roster-counts")?.textContent).toContain("取込不可 2件");
    expect(view.byTestId("roster-row-2")?.textContent).toContain("半角カナ");
    expect(view.byTestId("roster-row-2")?.textContent).toContain("取込不可");
    expect(view.byTestId("roster-row-2")?.textContent, "one line per reason and field").toContain("同じ理由がほか1件");
    expect(view.byTestId("roster-row-2")?.textContent).not.toContain("2文字目");
    expect(view.byTestId("roster-row-4")?.textContent).toContain("警告");

    // The error report where suggested.
    expect((view.byTestId("roster-report-path") as HTMLInputElement).value).toBe(validation.suggestedReportPath);
    view.byTestId("roster-report-save")?.click();
    await settle();
    expect(saveRosterReport).toHaveBeenCalledWith(validation.suggestedReportPath, false);
    expect(view.byTestId("roster-report-saved")?.textContent).toContain("Shift_JIS");

    // Upload (resumed) and the diff, browsable by kind, field by field.
    view.byTestId("roster-upload")?.click();
    await settle();
    await settle();
    expect(uploadRoster).toHaveBeenCalledWith(true);
    expect(view.byTestId("roster-resumed")?.textContent).toContain("1チャンク");
    expect(view.byTestId("roster-diff-added")?.getAttribute("data-count")).toBe("2");
    expect(view.byTestId("roster-diff-list")?.textContent).toContain("髙橋 三");
    view.byTestId("roster-diff-changed")?.click();
    await settle();
    expect(diffSpy).toHaveBeenLastCalledWith(7, "changed", 0);
    const list = view.byTestId("roster-diff-list")?.textContent ?? "";
    expect(list).toContain("住所");
    expect(list).toContain("東京都千代田区");
    expect(list).toContain("大阪府大阪市北区");
    view.byTestId("roster-diff-lost")?.click();
    await settle();
    expect(view.byTestId("roster-diff-list")?.textContent).toContain("名簿にない");

    view.byTestId("roster-apply")?.click();
    await settle();
    expect(applyRoster).toHaveBeenCalledWith(7);
    expect(view.byTestId("roster-applied")?.textContent).toContain("加入者数は 152 人");
    expect(view.byTestId("roster-apply"), "applied once: no second button").toBeNull();
    view.byTestId("roster-to-status")?.click();
    expect(navigation.current).toBe("sync");
  });

  it("re-reads the preview with an encoding override and shows a mapping error on its field", async () => {
    const inspectRoster = vi.fn(async () => inspection);
    const validateRoster = vi.fn(async () => {
      throw deskError("INVALID_INPUT", "必須項目（カナ氏名）の列を指定してください。", "mapping");
    });
    view = mountWith(RosterScreen, fakeCommands(undefined, { inspectRoster, validateRoster }));
    type(view.byTestId("roster-path"), "/tmp/r.csv");
    view.byTestId("roster-inspect")?.click();
    await settle();
    choose(view.byTestId("roster-encoding"), "utf8");
    await settle();
    const reread = inspectRoster.mock.calls[1] as unknown as [string, RosterOptions, null];
    expect(reread[1].encoding).toBe("utf8");
    choose(view.byTestId("roster-map-5"), "");
    view.byTestId("roster-validate")?.click();
    await settle();
    const sent = validateRoster.mock.calls[0] as unknown as [string, RosterOptions, null];
    expect(sent[1].columns.some((c) => c.field === "kana_name")).toBe(false);
    expect(view.byTestId("roster-error")?.textContent).toContain("カナ氏名");
    expect(view.byTestId("roster-validation")).toBeNull();
  });

  it("takes an administrator's own era codes, explains a wrong digit, and sends the mapping", async () => {
    const validateRoster = vi.fn(async () => validation);
    view = mountWith(RosterScreen, fakeCommands(undefined, { inspectRoster: vi.fn(async () => inspection), validateRoster }));
    type(view.byTestId("roster-path"), "/tmp/r.csv");
    view.byTestId("roster-inspect")?.click();
    await settle();
    expect(view.byTestId("roster-era-example")?.textContent).toContain("3350101 → 昭和35年1月1日（1960年1月1日）");
    expect(view.byTestId("roster-era-0"), "presets need no digit boxes").toBeNull();

    choose(view.byTestId("roster-era"), "custom");
    expect((view.byTestId("roster-era-2") as HTMLInputElement).value).toBe("3");
    type(view.byTestId("roster-era-4"), "３");
    expect((view.byTestId("roster-era-4") as HTMLInputElement).value, "full-width digit folded").toBe("3");
    expect(view.byTestId("roster-era-error")?.textContent).toBe(
      "元号コード 3 が昭和・令和で重複しています。元号ごとに別の数字を指定してください。",
    );
    expect(view.byTestId("roster-era-2")?.getAttribute("aria-invalid")).toBe("true");
    expect(view.byTestId("roster-era-4")?.getAttribute("aria-invalid")).toBe("true");
    expect(view.byTestId("roster-era-0")?.getAttribute("aria-invalid")).toBe("false");
    type(view.byTestId("roster-era-4"), "x");
    expect(view.byTestId("roster-era-error")?.textContent).toBe("令和の元号コードは0〜9の数字1桁で指定してください。");

    // A system counting 0=明治 … 4=令和.
    for (const [i, d] of ["0", "1", "2", "3", "4"].entries()) type(view.byTestId(`roster-era-${i}`), d);
    expect(view.byTestId("roster-era-error")).toBeNull();
    expect(view.byTestId("roster-era-example")?.textContent).toContain("2350101 → 昭和35年1月1日");
    view.byTestId("roster-validate")?.click();
    await settle();
    const sent = validateRoster.mock.calls[0] as unknown as [string, RosterOptions, null];
    expect(sent[1].eraCodes).toEqual([0, 1, 2, 3, 4]);

    // Back to a preset: the boxes go and the preset's digits are sent.
    choose(view.byTestId("roster-era"), "odd");
    expect(view.byTestId("roster-era-0")).toBeNull();
    view.byTestId("roster-validate")?.click();
    await settle();
    const again = validateRoster.mock.calls[1] as unknown as [string, RosterOptions, null];
    expect(again[1].eraCodes).toEqual([1, 3, 5, 7, 9]);
  });

  it("opens the editor for a saved custom mapping", async () => {
    const saved = { ...inspection, saved: true, options: { ...inspection.options, eraCodes: [0, 2, 4, 6, 8] } };
    view = mountWith(RosterScreen, fakeCommands(undefined, { inspectRoster: vi.fn(async () => saved) }));
    type(view.byTestId("roster-path"), "/tmp/r.csv");
    view.byTestId("roster-inspect")?.click();
    await settle();
    expect((view.byTestId("roster-era") as HTMLSelectElement).value).toBe("custom");
    expect([0, 1, 2, 3, 4].map((i) => (view.byTestId(`roster-era-${i}`) as HTMLInputElement).value)).toEqual(["0", "2", "4", "6", "8"]);
  });

  it("switches to English", async () => {
    i18n.set("en");
    view = mountWith(RosterScreen, fakeCommands());
    type(view.byTestId("roster-path"), "/tmp/r.csv");
    view.byTestId("roster-inspect")?.click();
    await settle();
    expect(view.byTestId("screen-title")?.textContent).toBe("Roster sync");
    expect(view.byTestId("roster-detected")?.textContent).toContain("Detected encoding: Shift_JIS");
  });
});
