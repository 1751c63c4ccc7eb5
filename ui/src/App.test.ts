// The shell: sign-in first, then the role's screens reachable by nav test id and Alt+<n>.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { Commands } from "./bindings/commands";
import { auth } from "./lib/auth.svelte";
import { navigation } from "./lib/navigation.svelte";
import { agent, signedIn, signedOut } from "./test/fixtures";
import {
  deskError,
  fakeCommands,
  mountWith,
  sampleInfo,
  settle,
  type,
} from "./test/mountWith";

let view: ReturnType<typeof mountWith>;

async function start(overrides: Partial<Commands> = {}) {
  view = mountWith(App, fakeCommands(async () => sampleInfo, overrides));
  await settle();
  return view;
}

beforeEach(() => {
  auth.reset();
  navigation.go("inquiries");
});
afterEach(() => view.destroy());

describe("App shell", () => {
  it("shows the sign-in form and no navigation when nobody is signed in", async () => {
    await start({ session: async () => signedOut });
    expect(view.byTestId("signin-submit")).not.toBeNull();
    expect(view.byTestId("nav-inquiries"), "no screens before sign-in").toBeNull();
    expect(view.byTestId("status-operator")?.textContent).toBe("未ログイン");
    expect(view.byTestId("status-server")?.textContent).toBe("未接続");
  });

  it("switches to the app after a successful sign-in", async () => {
    await start({ session: async () => signedOut });
    type(view.byTestId("signin-login-id"), "agent01");
    type(view.byTestId("signin-password"), "pw");
    type(view.byTestId("signin-totp"), "123456");
    view.byTestId("signin-submit")?.click();
    await settle();
    expect(view.byTestId("signin-submit")).toBeNull();
    expect(view.byTestId("nav-inquiries")).not.toBeNull();
    expect(view.byTestId("status-operator")?.textContent).toBe("窓口 一郎");
  });

  it("gives an agent 問い合わせ, 会員検索, 連携状況 and 設定 only", async () => {
    await start();
    for (const screen of ["inquiries", "members", "sync", "settings"]) {
      expect(view.byTestId(`nav-${screen}`), `nav-${screen}`).not.toBeNull();
    }
    for (const screen of ["roster", "postcards", "audit"]) {
      expect(view.byTestId(`nav-${screen}`), `an agent must not see ${screen}`).toBeNull();
    }
  });

  it("gives an insurer admin 名簿連携, 連携状況, はがき印刷 and 設定, and never member screens", async () => {
    await start({
      session: async () => ({ ...signedIn, operator: { ...agent, role: "insurer_admin" } }),
    });
    expect(view.byTestId("nav-roster")).not.toBeNull();
    expect(view.byTestId("nav-sync")).not.toBeNull();
    expect(view.byTestId("nav-postcards")).not.toBeNull();
    expect(view.byTestId("nav-inquiries")).toBeNull();
    expect(view.byTestId("nav-members")).toBeNull();
    expect(navigation.current, "moved off a screen the role cannot see").toBe("roster");
    expect(view.byTestId("roster-screen"), "名簿連携 is a real screen now").not.toBeNull();
  });

  it("opens 設定 from the navigation and shows the version", async () => {
    await start();
    view.byTestId("nav-settings")?.click();
    await settle();
    expect(view.byTestId("screen-title")?.textContent).toBe("設定");
    expect(view.byTestId("app-version")?.textContent).toBe(sampleInfo.version);
    expect(location.hash).toBe("#/settings");
  });

  it("switches among the role's screens with Alt+<n> and focuses the new heading", async () => {
    await start();
    window.dispatchEvent(
      new KeyboardEvent("keydown", { key: "4", code: "Digit4", altKey: true, bubbles: true }),
    );
    await settle();
    const title = view.byTestId("screen-title");
    expect(title?.textContent, "Alt+4 is an agent's fourth screen").toBe("設定");
    expect(document.activeElement, "keyboard users land on the new screen").toBe(title);
  });

  it("goes back to sign-in when a command answers UNAUTHORIZED", async () => {
    await start({
      inquiries: async () => {
        throw deskError("UNAUTHORIZED", "セッションの有効期限が切れました。");
      },
    });
    expect(view.byTestId("signin-submit"), "expired session → sign-in").not.toBeNull();
    expect(view.byTestId("signin-error")?.textContent).toContain("有効期限が切れました");
  });
});
