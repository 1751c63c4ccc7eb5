// 組合設定: printing method, maintenance windows in Japan time, IP/CIDR whitelist with the
// field's Japanese error; supervisors pick the union.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InsurerView } from "../bindings/InsurerView";
import { choose, deskError, fakeCommands, mountWith, settle, type } from "../test/mountWith";
import InsurerSettingsScreen from "./InsurerSettingsScreen.svelte";

let view: ReturnType<typeof mountWith>;
afterEach(() => view.destroy());

const sakura: InsurerView = {
  id: 2,
  name: "さくら電機健康保険組合",
  numbers: [{ number: "06130092", kind: "primary" }],
  service_enabled: true,
  desk_prints_postcards: false,
  in_maintenance: false,
  maintenance: [],
  whitelist: [],
};

describe("InsurerSettingsScreen", () => {
  it("switches printing, adds and removes a window, refuses a bad network with the field", async () => {
    let state = sakura;
    const setPostcardPrinting = vi.fn(async (_id: number, desk: boolean) => (state = { ...state, desk_prints_postcards: desk }));
    const addMaintenance = vi.fn(async (_id: number, input: { startsAt: string; endsAt: string; note: string }) => {
      if (input.endsAt <= input.startsAt) throw deskError("INVALID_INPUT", "終了日時は開始日時より後にしてください。", "endsAt");
      return (state = {
        ...state,
        maintenance: [{ id: 5, starts_at: "2030-01-01T13:00:00Z", ends_at: "2030-01-01T21:00:00Z", note: input.note }],
      });
    });
    const deleteMaintenance = vi.fn(async () => (state = { ...state, maintenance: [] }));
    const addWhitelist = vi.fn(async (_id: number, ip: string) => {
      if (ip.endsWith("/33")) throw deskError("INVALID_INPUT", "ネットワークの長さ（/の後ろ）は0〜32で指定してください。", "ip");
      return (state = { ...state, whitelist: [{ id: 8, ip: "198.51.100.0/24" }] });
    });
    view = mountWith(
      InsurerSettingsScreen,
      fakeCommands(undefined, {
        insurers: async () => [state],
        setPostcardPrinting,
        addMaintenance,
        deleteMaintenance,
        addWhitelist,
      }),
      {},
    );
    await settle();
    expect(view.byTestId("insurer-name")?.textContent).toContain("さくら電機");
    expect(view.byTestId("insurer-select"), "an admin has one union").toBeNull();
    view.byTestId("printing-desk")?.click();
    await settle();
    expect(setPostcardPrinting).toHaveBeenCalledWith(2, true);
    expect((view.byTestId("printing-desk") as HTMLInputElement).checked).toBe(true);

    type(view.byTestId("maintenance-starts"), "2030-01-02T09:00");
    type(view.byTestId("maintenance-ends"), "2030-01-01T09:00");
    view.byTestId("maintenance-add")?.click();
    await settle();
    expect(view.byTestId("maintenance-ends-error")?.textContent).toContain("終了日時");
    type(view.byTestId("maintenance-starts"), "2030-01-01T22:00");
    type(view.byTestId("maintenance-ends"), "2030-01-02T06:00");
    type(view.byTestId("maintenance-note"), "名簿システム入替");
    view.byTestId("maintenance-add")?.click();
    await settle();
    expect(addMaintenance).toHaveBeenLastCalledWith(2, { startsAt: "2030-01-01T22:00", endsAt: "2030-01-02T06:00", note: "名簿システム入替" });
    expect(view.byTestId("maintenance-5")?.textContent).toContain("2030/01/01 22:00");
    view.byTestId("maintenance-5")?.querySelector("button")?.click();
    await settle();
    expect(deleteMaintenance).toHaveBeenCalledWith(2, 5);

    type(view.byTestId("whitelist-ip"), "192.0.2.0/33");
    view.byTestId("whitelist-add")?.click();
    await settle();
    expect(view.byTestId("whitelist-ip-error")?.textContent).toContain("0〜32");
    type(view.byTestId("whitelist-ip"), "198.51.100.7/24");
    view.byTestId("whitelist-add")?.click();
    await settle();
    expect(view.byTestId("whitelist-8")?.textContent).toContain("198.51.100.0/24");
    expect((view.byTestId("whitelist-ip") as HTMLInputElement).value).toBe("");
  });

  it("lets a supervisor pick the union", async () => {
    view = mountWith(
      InsurerSettingsScreen,
      fakeCommands(undefined, { insurers: async () => [sakura, { ...sakura, id: 1, name: "DeSC健康保険組合", in_maintenance: true }] }),
      {},
    );
    await settle();
    choose(view.byTestId("insurer-select"), "1");
    await settle();
    expect(view.byTestId("insurer-name")?.textContent).toContain("DeSC");
    expect(view.byTestId("insurer-name")?.textContent).toContain("メンテナンス中");
  });
});
