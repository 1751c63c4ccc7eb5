// The shell: every screen reachable by its nav test id and by Alt+<n>, placeholders honest.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { navigation } from "./lib/navigation.svelte";
import { SCREENS } from "./lib/screens";
import { fakeCommands, mountWith, sampleInfo, settle } from "./test/mountWith";

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  navigation.go("inquiries");
  view = mountWith(App, fakeCommands(async () => sampleInfo));
});
afterEach(() => view.destroy());

describe("App shell", () => {
  it("has a nav item with a stable test id for every screen", () => {
    for (const screen of SCREENS) {
      expect(view.byTestId(`nav-${screen}`), `nav-${screen}`).not.toBeNull();
    }
  });

  it("shows a placeholder naming the delivering issue on screens not built yet", () => {
    expect(view.byTestId("screen-title")?.textContent).toBe("問い合わせ");
    expect(view.byTestId("coming-soon")?.textContent).toContain(
      "この機能は準備中です（Issue #4 で提供予定）",
    );
    expect(view.byTestId("nav-inquiries")?.getAttribute("aria-current")).toBe("page");
  });

  it("opens 設定 from the navigation and shows the version", async () => {
    view.byTestId("nav-settings")?.click();
    await settle();
    expect(view.byTestId("screen-title")?.textContent).toBe("設定");
    expect(view.byTestId("app-version")?.textContent).toBe(sampleInfo.version);
    expect(location.hash).toBe("#/settings");
  });

  it("switches screens with Alt+1..6 and focuses the new heading", async () => {
    window.dispatchEvent(
      new KeyboardEvent("keydown", { key: "3", code: "Digit3", altKey: true, bubbles: true }),
    );
    await settle();
    const title = view.byTestId("screen-title");
    expect(title?.textContent).toBe("名簿連携");
    expect(document.activeElement, "keyboard users land on the new screen").toBe(title);

    window.dispatchEvent(new KeyboardEvent("keydown", { key: "3", code: "Digit3", bubbles: true }));
    window.dispatchEvent(
      new KeyboardEvent("keydown", { key: "6", code: "Digit6", ctrlKey: true, altKey: true }),
    );
    await settle();
    expect(view.byTestId("screen-title")?.textContent, "only a bare Alt+digit switches").toBe(
      "名簿連携",
    );
  });

  it("says honestly that nobody is signed in and the server is not connected", () => {
    expect(view.byTestId("status-operator")?.textContent).toBe("未ログイン");
    expect(view.byTestId("status-server")?.textContent).toBe("未接続");
  });
});
