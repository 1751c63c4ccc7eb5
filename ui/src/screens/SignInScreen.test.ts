// Sign-in: field errors under their field, the keychain warning with its remedy, the session
// notice, IME-safe Enter, and a successful sign-in handing the operator to the shell.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "../lib/auth.svelte";
import { signedIn } from "../test/fixtures";
import {
  deskError,
  fakeCommands,
  mountWith,
  press,
  sampleInfo,
  settle,
  type,
} from "../test/mountWith";
import SignInScreen from "./SignInScreen.svelte";

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  auth.reset();
  auth.apply({ operator: null, centralUrl: "https://central.example.jp", notice: null });
});
afterEach(() => view.destroy());

function fill() {
  type(view.byTestId("signin-login-id"), "agent01");
  type(view.byTestId("signin-password"), "correct horse");
  type(view.byTestId("signin-totp"), "123456");
}

describe("SignInScreen", () => {
  it("prefills the central URL and marks the one-time password field for OTP input", async () => {
    view = mountWith(SignInScreen, fakeCommands());
    await settle();
    expect((view.byTestId("signin-url") as HTMLInputElement).value).toBe(
      "https://central.example.jp",
    );
    const totp = view.byTestId("signin-totp");
    expect(totp?.getAttribute("inputmode")).toBe("numeric");
    expect(totp?.getAttribute("autocomplete")).toBe("one-time-code");
    expect(view.byTestId("signin-error"), "nothing to warn about").toBeNull();
  });

  it("shows a field error next to its field and not in the general area", async () => {
    const signIn = vi.fn(async () => {
      throw deskError("INVALID_INPUT", "ワンタイムパスワードが正しくありません。", "totp");
    });
    view = mountWith(SignInScreen, fakeCommands(undefined, { signIn }));
    await settle();
    fill();
    view.byTestId("signin-submit")?.click();
    await settle();
    expect(signIn).toHaveBeenCalledWith({
      centralUrl: "https://central.example.jp",
      loginId: "agent01",
      password: "correct horse",
      totp: "123456",
    });
    expect(view.byTestId("signin-field-error-totp")?.textContent).toContain(
      "ワンタイムパスワードが正しくありません",
    );
    expect(view.byTestId("signin-totp")?.getAttribute("aria-invalid")).toBe("true");
    expect(view.byTestId("signin-error"), "a field error is not a general error").toBeNull();
    expect(auth.operator).toBeNull();
  });

  it("shows a general error above the form", async () => {
    view = mountWith(
      SignInScreen,
      fakeCommands(undefined, {
        signIn: async () => {
          throw deskError("NETWORK", "中央サーバーに接続できません。");
        },
      }),
    );
    await settle();
    fill();
    view.byTestId("signin-submit")?.click();
    await settle();
    expect(view.byTestId("signin-error")?.textContent).toContain("中央サーバーに接続できません");
  });

  it("warns prominently, with the remedy, when the keychain is unavailable", async () => {
    const unavailable = {
      ...sampleInfo,
      keychain: {
        state: "unavailable" as const,
        code: "NO_SECRET_SERVICE",
        message: "OS のキーチェーンを利用できません。",
        remedy: "gnome-keyring をインストールして起動してください。",
      },
    };
    view = mountWith(
      SignInScreen,
      fakeCommands(async () => unavailable, {
        signIn: async () => {
          throw deskError("KEYCHAIN_UNAVAILABLE", "キーチェーンに保存できません。");
        },
      }),
    );
    await settle();
    expect(view.byTestId("signin-error")?.textContent, "warned before any attempt").toContain(
      "gnome-keyring をインストール",
    );
    fill();
    view.byTestId("signin-submit")?.click();
    await settle();
    const warning = view.byTestId("signin-keychain");
    expect(warning?.getAttribute("role")).toBe("alert");
    expect(warning?.textContent).toContain("キーチェーンに保存できません");
    expect(warning?.textContent).toContain("gnome-keyring をインストールして起動してください");
  });

  it("shows the session's notice (why the operator is back here)", async () => {
    auth.apply({ operator: null, centralUrl: null, notice: "セッションが失効しました。" });
    view = mountWith(SignInScreen, fakeCommands());
    await settle();
    expect(view.byTestId("signin-error")?.textContent).toContain("セッションが失効しました");
  });

  it("submits on Enter but not on the Enter that confirms an IME conversion", async () => {
    const signIn = vi.fn(async () => signedIn);
    view = mountWith(SignInScreen, fakeCommands(undefined, { signIn }));
    await settle();
    fill();
    press(view.byTestId("signin-login-id"), { key: "Enter", isComposing: true });
    await settle();
    expect(signIn, "変換確定 must not sign in").not.toHaveBeenCalled();
    press(view.byTestId("signin-totp"), { key: "Enter" });
    await settle();
    expect(signIn).toHaveBeenCalledTimes(1);
  });

  it("hands the operator to the shell on success and forgets the secrets", async () => {
    view = mountWith(SignInScreen, fakeCommands());
    await settle();
    fill();
    view.byTestId("signin-submit")?.click();
    await settle();
    expect(auth.operator?.display_name).toBe("窓口 一郎");
  });
});
