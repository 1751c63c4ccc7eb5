// はがき印刷: waiting postcards → a run → its PDF saved where the admin chose → printed →
// mailed; a reprint asks first; codes never appear on screen.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PrintOverview } from "../bindings/PrintOverview";
import type { PrintRunView } from "../bindings/PrintRunView";
import { deskError, fakeCommands, mountWith, settle, type } from "../test/mountWith";
import PrintRunsScreen from "./PrintRunsScreen.svelte";

let view: ReturnType<typeof mountWith>;
afterEach(() => view.destroy());

const run = (over: Partial<PrintRunView> = {}): PrintRunView => ({
  id: 7,
  insurer_id: 2,
  created_at: "2026-11-24T01:00:00Z",
  fetched_at: null,
  printed_at: null,
  mailed_at: null,
  postcards: 2,
  ...over,
});

describe("PrintRunsScreen", () => {
  it("creates a run, saves its PDF, reprints a card, marks printed then mailed", async () => {
    let state: PrintOverview = {
      pending: [
        { id: 1, member_id: 11, created_at: "2026-11-20T01:00:00Z" },
        { id: 2, member_id: 12, created_at: "2026-11-21T01:00:00Z" },
      ],
      runs: [],
      saveDir: "/home/admin/Documents",
    };
    const createPrintRun = vi.fn(async () => {
      state = { ...state, pending: [], runs: [run()] };
      return run();
    });
    const savePrintRun = vi.fn(async (runId: number, path: string) => {
      if (!path.endsWith(".pdf")) throw deskError("INVALID_INPUT", "ファイル名は「.pdf」で終わるようにしてください。", "path");
      state = { ...state, runs: [run({ fetched_at: "2026-11-24T01:05:00Z" })] };
      return {
        path,
        cards: [
          { postcardId: 1, memberName: "桜井 花子", postalCode: "1000013" },
          { postcardId: 2, memberName: "電機 一郎", postalCode: "5300001" },
        ],
        pages: 4,
        bytes: 60_000,
        skipped: [],
      };
    });
    const markPrintRun = vi.fn(async (_id: number, s: string) => {
      const over = s === "printed" ? { printed_at: "2026-11-24T02:00:00Z" } : { printed_at: "2026-11-24T02:00:00Z", mailed_at: "2026-11-24T03:00:00Z" };
      state = { ...state, runs: [run({ fetched_at: "2026-11-24T01:05:00Z", ...over })] };
      return state.runs[0] as PrintRunView;
    });
    const reprintPostcard = vi.fn(async () => {
      state = { ...state, pending: [{ id: 3, member_id: 11, created_at: "2026-11-24T01:10:00Z" }] };
      return { id: 3, member_id: 11, created_at: "2026-11-24T01:10:00Z" };
    });
    const deleteSavedFile = vi.fn(async () => null);
    view = mountWith(
      PrintRunsScreen,
      fakeCommands(undefined, {
        printOverview: async () => state,
        createPrintRun,
        savePrintRun,
        markPrintRun,
        reprintPostcard,
        deleteSavedFile,
      }),
      {},
    );
    await settle();
    expect(view.byTestId("pending-count")?.textContent).toContain("2枚");
    view.byTestId("create-run")?.click();
    await settle();
    expect(createPrintRun).toHaveBeenCalled();
    const path = view.byTestId("run-path") as HTMLInputElement;
    expect(path.value).toBe("/home/admin/Documents/kencom-print-run-7.pdf");
    expect((view.byTestId("run-printed-7") as HTMLButtonElement).disabled, "print the PDF first").toBe(true);
    type(path, "/tmp/run");
    view.byTestId("run-save")?.click();
    await settle();
    expect(view.byTestId("print-error")?.textContent).toContain(".pdf");
    type(path, "/tmp/run.pdf");
    view.byTestId("run-save")?.click();
    await settle();
    expect(savePrintRun).toHaveBeenLastCalledWith(7, "/tmp/run.pdf");
    expect(view.byTestId("run-saved")?.textContent).toContain("2枚");
    const rows = view.byTestId("run-cards")?.querySelectorAll("tr");
    expect(rows?.[0]?.textContent).toContain("〒100-0013");
    expect(view.target.textContent, "no code on screen").not.toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}/);

    view.byTestId("reprint-1")?.click();
    await settle();
    expect(reprintPostcard, "asks first").not.toHaveBeenCalled();
    document.querySelector<HTMLElement>('[data-testid="confirm-ok"]')?.click();
    await settle();
    expect(reprintPostcard).toHaveBeenCalledWith(7, 1);
    expect(view.byTestId("print-message")?.textContent).toContain("次の印刷便");
    expect(view.byTestId("pending-count")?.textContent).toContain("1枚");

    view.byTestId("run-printed-7")?.click();
    await settle();
    expect(markPrintRun).toHaveBeenCalledWith(7, "printed");
    expect(view.byTestId("run-state-7")?.textContent).toBe("印刷済み");
    view.byTestId("run-delete-file")?.click();
    await settle();
    expect(deleteSavedFile).toHaveBeenCalledWith("/tmp/run.pdf");
    view.byTestId("run-mailed-7")?.click();
    await settle();
    expect(view.byTestId("run-state-7")?.textContent).toBe("発送済み");
  });

  it("shows a refusal in Japanese", async () => {
    view = mountWith(
      PrintRunsScreen,
      fakeCommands(undefined, {
        printOverview: async () => {
          throw deskError("FORBIDDEN", "この操作を行う権限がありません。");
        },
      }),
      {},
    );
    await settle();
    expect(view.byTestId("print-error")?.textContent).toContain("権限");
  });
});
