// Test helper: mount a component in jsdom with a fake platform, and wait for its promises.
import { flushSync, mount, unmount, type Component } from "svelte";
import type { AppInfo } from "../bindings/AppInfo";
import type { Commands } from "../bindings/commands";
import type { DeskError } from "../bindings/DeskError";
import { platformContext } from "../lib/platformContext";
import { caseUnlinked, memberPage, onlineStatus, queue, signedIn, taroDetail } from "./fixtures";
import { applied, diffPage, inspection, overview, validation } from "./rosterFixtures";

export const sampleInfo: AppInfo = {
  version: "9.8.7-test",
  dataDir: "/home/agent/.local/share/jp.kencom.desk",
  logDir: "/home/agent/.local/share/jp.kencom.desk/logs",
  keychain: { state: "available", backend: "Secret Service" },
  centralUrl: "https://central.example.jp",
};

/** A DeskError as the Rust side rejects with. */
export function deskError(
  code: DeskError["code"],
  message: string,
  field: string | null = null,
): DeskError {
  return { code, message, field, retryable: false };
}

/**
 * A platform where every command answers with the fixtures; tests override what they look at
 * (usually with vi.fn) so unrelated commands never reject by surprise.
 */
export function fakeCommands(
  appInfo: () => Promise<AppInfo> = async () => sampleInfo,
  overrides: Partial<Commands> = {},
): Commands {
  const outcome = async () => ({ sent: true, message: "送信しました。", case: caseUnlinked });
  return {
    appInfo,
    openLogDir: async () => null,
    session: async () => signedIn,
    signIn: async () => signedIn,
    signOut: async () => null,
    deskStatus: async () => onlineStatus,
    inquiries: async () => queue,
    claimInquiry: async () => 90,
    openCase: async () => caseUnlinked,
    cachedCases: async () => ({ cases: [] }),
    linkMember: outcome,
    recordVerification: outcome,
    reissueCode: outcome,
    resendActivation: outcome,
    unlockLogin: outcome,
    revealEmail: async () => "kenko.taro@example.jp",
    postcardPreview: async () => ({
      addressSvg: '<svg xmlns="http://www.w3.org/2000/svg"><text>健康 太郎 様</text></svg>',
      innerSvg: '<svg xmlns="http://www.w3.org/2000/svg"><text>K7MN</text></svg>',
      memberName: "健康 太郎",
      suggestedPath: "/home/agent/Documents/kencom-postcard-90-4.pdf",
    }),
    savePostcard: async (_caseId, _reissueId, path) => ({ path, pages: 2, bytes: 41_000 }),
    choosePostcardPath: async () => null,
    openPostcard: async () => null,
    finishPostcard: outcome,
    deleteSavedFile: async () => null,
    printOverview: async () => ({ pending: [], runs: [], saveDir: "/home/admin/Documents" }),
    createPrintRun: async () => ({
      id: 1,
      insurer_id: 2,
      created_at: "2026-11-24T01:00:00Z",
      fetched_at: null,
      printed_at: null,
      mailed_at: null,
      postcards: 0,
    }),
    savePrintRun: async (_runId, path) => ({ path, cards: [], pages: 0, bytes: 0, skipped: [] }),
    markPrintRun: async () => {
      throw new Error("markPrintRun not faked");
    },
    insurers: async () => [],
    auditPage: async () => ({ items: [], total: 0, page: 1, per_page: 50 }),
    verifyAudit: async () => ({ ok: true, checked: 0, first_bad_seq: null }),
    addMaintenance: async () => {
      throw new Error("addMaintenance not faked");
    },
    deleteMaintenance: async () => {
      throw new Error("deleteMaintenance not faked");
    },
    addWhitelist: async () => {
      throw new Error("addWhitelist not faked");
    },
    deleteWhitelist: async () => {
      throw new Error("deleteWhitelist not faked");
    },
    setPostcardPrinting: async () => {
      throw new Error("setPostcardPrinting not faked");
    },
    reprintPostcard: async () => ({ id: 99, member_id: 1, created_at: "2026-11-24T01:00:00Z" }),
    addNote: outcome,
    closeCase: outcome,
    retryAction: async () => null,
    discardAction: async () => null,
    inspectRoster: async () => inspection,
    validateRoster: async () => validation,
    rosterProgress: async () => ({
      phase: "idle",
      bytesRead: 0,
      totalBytes: 0,
      records: 0,
      chunksDone: 0,
      chunksTotal: 0,
    }),
    saveRosterReport: async (path) => ({ path, rows: 2, encoding: "shiftJis" }),
    uploadRoster: async () => ({
      uploadId: 7,
      sentChunks: 1,
      resumedChunks: 0,
      receivedRows: 3,
      complete: true,
    }),
    rosterDiff: async (_id, kind) => diffPage(kind ?? "added"),
    applyRoster: async () => applied,
    syncOverview: async () => overview,
    chooseRosterFile: async () => null,
    chooseReportPath: async () => null,
    searchMembers: async () => memberPage,
    memberDetail: async () => taroDetail,
    firstPaint: async () => null,
    checkUpdate: async () => null,
    installUpdate: async () => null,
    updateProgress: async () => ({ phase: "idle", downloaded: 0, total: null, error: null }),
    ...overrides,
  };
}

export function mountWith<P extends Record<string, unknown>>(
  component: Component<P>,
  commands: Commands,
  props?: P,
) {
  const target = document.createElement("div");
  document.body.append(target);
  const instance = mount(component as Component<Record<string, unknown>>, {
    target,
    props: props ?? {},
    context: platformContext({ commands }),
  });
  // mount() does not run effects (onMount) by itself.
  flushSync();
  return {
    target,
    byTestId: (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`),
    destroy: () => {
      void unmount(instance);
      target.remove();
    },
  };
}

/** Let pending promise callbacks run, then apply Svelte's updates. */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

/** Type into an input or textarea the way a user would (value + input event). */
export function type(el: HTMLElement | null, value: string): void {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) {
    throw new Error("type(): not an input");
  }
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

/** Choose an option of a <select> (value + change event). */
export function choose(el: HTMLElement | null, value: string): void {
  if (!(el instanceof HTMLSelectElement)) throw new Error("choose(): not a select");
  el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

/** A keydown as the browser sends it. */
export function press(el: HTMLElement | null, init: KeyboardEventInit): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
  el?.dispatchEvent(e);
  flushSync();
  return e;
}
