// 会員検索: IME-safe Enter, field errors under their field, masked results, paging, detail.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "../lib/auth.svelte";
import { memberPage, signedIn, taro } from "../test/fixtures";
import { deskError, fakeCommands, mountWith, press, settle, type } from "../test/mountWith";
import MembersScreen from "./MembersScreen.svelte";

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  auth.reset();
  auth.apply(signedIn);
});
afterEach(() => view.destroy());

describe("MembersScreen", () => {
  it("ignores the Enter that confirms an IME conversion and searches on a plain Enter", async () => {
    const searchMembers = vi.fn(async () => memberPage);
    view = mountWith(MembersScreen, fakeCommands(undefined, { searchMembers }));
    const kana = view.byTestId("search-kana");
    type(kana, "けんこう");
    press(kana, { key: "Enter", isComposing: true });
    press(kana, { key: "Enter", keyCode: 229 });
    await settle();
    expect(searchMembers, "変換確定 must not search").not.toHaveBeenCalled();
    type(kana, "ケンコウ");
    press(kana, { key: "Enter" });
    await settle();
    expect(searchMembers).toHaveBeenCalledWith({
      kana: "ケンコウ",
      birth_date: null,
      insurer_number: null,
      symbol: null,
      number: null,
      email: null,
      page: 1,
      per_page: 20,
    });
    const row = view.byTestId(`member-row-${taro.id}`);
    expect(row?.textContent).toContain("1**・****567");
    expect(view.byTestId("search-results")?.textContent).toContain("ケンコウ タロウ");
  });

  it("shows a field error under its field (snake_case field names)", async () => {
    view = mountWith(
      MembersScreen,
      fakeCommands(undefined, {
        searchMembers: async () => {
          throw deskError("INVALID_INPUT", "生年月日を読み取れません。", "birth_date");
        },
      }),
    );
    type(view.byTestId("search-birth-date"), "昭和99年");
    view.byTestId("search-submit")?.click();
    await settle();
    expect(view.byTestId("search-field-error-birth_date")?.textContent).toContain(
      "生年月日を読み取れません",
    );
    expect(view.byTestId("search-birth-date")?.getAttribute("aria-invalid")).toBe("true");
    expect(view.byTestId("search-error")?.textContent).toContain("生年月日を読み取れません");
  });

  it("asks for at least one field instead of searching everything", async () => {
    const searchMembers = vi.fn(async () => memberPage);
    view = mountWith(MembersScreen, fakeCommands(undefined, { searchMembers }));
    view.byTestId("search-submit")?.click();
    await settle();
    expect(searchMembers).not.toHaveBeenCalled();
    expect(view.byTestId("search-error")?.textContent).toContain("1 つ以上");
  });

  it("pages through the same query and opens a member's detail with the timeline", async () => {
    const searchMembers = vi.fn(async () => ({ ...memberPage, total: 45 }));
    const memberDetail = vi.fn(fakeCommands().memberDetail);
    view = mountWith(MembersScreen, fakeCommands(undefined, { searchMembers, memberDetail }));
    type(view.byTestId("search-kana"), "ケンコウ");
    view.byTestId("search-submit")?.click();
    await settle();
    type(view.byTestId("search-kana"), "changed but not searched");
    view.byTestId("search-pager-next")?.click();
    await settle();
    expect(searchMembers).toHaveBeenLastCalledWith(
      expect.objectContaining({ kana: "ケンコウ", page: 2 }),
    );
    view.byTestId(`member-row-${taro.id}`)?.click();
    await settle();
    expect(memberDetail).toHaveBeenCalledWith(taro.id);
    const detail = view.byTestId("member-detail");
    expect(detail?.textContent).toContain("閲覧は監査ログに記録されます");
    expect(view.byTestId("timeline")?.textContent).toContain("本登録");
  });
});
