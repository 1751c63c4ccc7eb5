// 連携状況: the summary of every union in scope, one union's detail (last sync, size, rejected
// by reason, new members, unmatched registrations by gap, the 90-day chart) and its history.
import { afterEach, describe, expect, it, vi } from "vitest";
import { overview, sakuraOverview } from "../test/rosterFixtures";
import { deskError, fakeCommands, mountWith, settle } from "../test/mountWith";
import SyncStatusScreen from "./SyncStatusScreen.svelte";

let view: ReturnType<typeof mountWith>;
afterEach(() => view.destroy());

describe("SyncStatusScreen", () => {
  it("lists every union for agents and opens another union's detail", async () => {
    const syncOverview = vi.fn(async (id: number | null) => (id === 2 ? sakuraOverview : overview));
    view = mountWith(SyncStatusScreen, fakeCommands(undefined, { syncOverview }));
    await settle();
    expect(syncOverview).toHaveBeenCalledWith(null);
    expect(view.byTestId("sync-insurers")?.textContent).toContain("さくら電機健康保険組合");
    expect(view.byTestId("sync-last")?.textContent).toBe("未連携");
    expect(view.byTestId("sync-gaps")?.textContent).toContain("小書きカナの違い");
    expect(view.byTestId("sync-new-members")?.textContent).toContain("イシイレン");
    const chart = view.byTestId("sync-chart");
    expect(chart?.querySelectorAll("rect")).toHaveLength(3);
    expect(chart?.querySelector("polyline")?.getAttribute("points")?.split(" "), "no line before the first sync").toHaveLength(2);
    expect(chart?.querySelectorAll("circle"), "a dot per day with a size").toHaveLength(2);
    const scale = [...(chart?.querySelectorAll("[data-testid=sync-chart-scale]") ?? [])].map((e) => e.textContent);
    const top = Math.max(...overview.detail!.series.map((p) => p.roster_size ?? 0));
    expect(scale, "0, half and the top of the member scale").toEqual(["0", Math.round(top / 2).toLocaleString("ja-JP"), top.toLocaleString("ja-JP")]);
    const last = overview.detail!.series.filter((p) => p.roster_size !== null).at(-1)!.roster_size!;
    expect(view.byTestId("sync-chart-latest")?.textContent).toBe(`${last.toLocaleString("ja-JP")}人`);
    expect(view.byTestId("sync-chart-note"), "two syncs make a line: no note").toBeNull();

    view.byTestId("sync-show-2")?.click();
    await settle();
    expect(syncOverview).toHaveBeenLastCalledWith(2);
    expect(view.byTestId("sync-roster-size")?.textContent).toBe("152");
    expect(view.byTestId("sync-last")?.textContent).toContain("sakura.csv");
    expect(view.byTestId("sync-rejected")?.textContent).toContain("ROSTER_KANA_HALF_WIDTH");
    expect(view.byTestId("sync-history-3")?.textContent).toContain("sakura.csv");
    expect(view.byTestId("sync-chart-note")?.textContent, "one sync: say why there is no line").toContain("連携はまだ1回です");
    expect(view.byTestId("sync-chart-latest")?.textContent).toBe("152人");
  });

  it("shows an admin only their union, without a chooser", async () => {
    const only = { ...sakuraOverview, insurers: sakuraOverview.insurers.filter((s) => s.insurer_id === 2) };
    view = mountWith(SyncStatusScreen, fakeCommands(undefined, { syncOverview: async () => only }));
    await settle();
    expect(view.byTestId("sync-insurer-1")).toBeNull();
    expect(view.byTestId("sync-show-2")).toBeNull();
  });

  it("reports a failure in Japanese", async () => {
    view = mountWith(
      SyncStatusScreen,
      fakeCommands(undefined, {
        syncOverview: async () => {
          throw deskError("NETWORK", "中央サーバーに接続できません。");
        },
      }),
    );
    await settle();
    expect(view.byTestId("sync-error")?.textContent).toContain("中央サーバーに接続できません");
  });
});
