// The status bar: operator and role, offline, waiting count, the refused-actions panel with
// 再送 / 破棄, and the sign-out confirmation when work is still waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeskStatus } from "../bindings/DeskStatus";
import { auth } from "../lib/auth.svelte";
import { agent, signedIn } from "../test/fixtures";
import { fakeCommands, mountWith, settle } from "../test/mountWith";
import StatusBar from "./StatusBar.svelte";

const offline: DeskStatus = {
  operator: agent,
  online: false,
  waiting: 3,
  rejected: [
    {
      seq: 8,
      kind: "reissue_code",
      label: "健診閲覧コード再発行",
      caseId: 90,
      state: "rejected",
      attempts: 1,
      lastError: "本人確認が必要です。",
    },
  ],
};

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  auth.reset();
  auth.apply(signedIn);
});
afterEach(() => view.destroy());

describe("StatusBar", () => {
  it("shows the operator, the role in Japanese, offline and the waiting count", async () => {
    view = mountWith(StatusBar, fakeCommands(undefined, { deskStatus: async () => offline }), {
      onsignout: () => {},
    });
    await settle();
    expect(view.byTestId("status-operator")?.textContent).toBe("窓口 一郎");
    expect(view.byTestId("status-role")?.textContent).toBe("エージェント");
    expect(view.byTestId("status-server")?.textContent).toBe("オフライン");
    expect(view.byTestId("status-waiting")?.textContent).toBe("3");
    expect(view.byTestId("status-rejected")?.textContent).toContain("1");
  });

  it("lists refused actions with the reason and resends or discards them", async () => {
    const retryAction = vi.fn(async () => null);
    const discardAction = vi.fn(async () => null);
    const deskStatus = vi.fn(async () => offline);
    view = mountWith(
      StatusBar,
      fakeCommands(undefined, { deskStatus, retryAction, discardAction }),
      { onsignout: () => {} },
    );
    await settle();
    view.byTestId("status-rejected")?.click();
    await settle();
    const item = view.byTestId("rejected-8");
    expect(item?.textContent).toContain("健診閲覧コード再発行");
    expect(item?.textContent).toContain("本人確認が必要です");
    view.byTestId("retry-8")?.click();
    await settle();
    expect(retryAction).toHaveBeenCalledWith(8);
    view.byTestId("discard-8")?.click();
    await settle();
    expect(discardAction).toHaveBeenCalledWith(8);
    expect(deskStatus.mock.calls.length, "refreshed after each").toBeGreaterThanOrEqual(3);
  });

  it("polls desk_status every 5 seconds while signed in", async () => {
    vi.useFakeTimers();
    try {
      const deskStatus = vi.fn(async () => offline);
      view = mountWith(StatusBar, fakeCommands(undefined, { deskStatus }), { onsignout: () => {} });
      expect(deskStatus).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(deskStatus).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("confirms sign-out while actions are waiting, and not otherwise", async () => {
    const onsignout = vi.fn();
    view = mountWith(StatusBar, fakeCommands(undefined, { deskStatus: async () => offline }), {
      onsignout,
    });
    await settle();
    view.byTestId("signout")?.click();
    await settle();
    expect(onsignout, "waits for the confirmation").not.toHaveBeenCalled();
    expect(document.body.textContent).toContain("送信待ちの操作が 3 件あります");
    document.querySelector<HTMLElement>('[data-testid="confirm-ok"]')?.click();
    await settle();
    expect(onsignout).toHaveBeenCalledTimes(1);
  });
});
