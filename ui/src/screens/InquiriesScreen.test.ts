// The queue: JST times, business age, type labels, who has what, claiming, keyboard moves.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { auth } from "../lib/auth.svelte";
import { navigation } from "../lib/navigation.svelte";
import { caseUnlinked, queue, signedIn } from "../test/fixtures";
import { choose, fakeCommands, mountWith, press, settle } from "../test/mountWith";
import InquiriesScreen from "./InquiriesScreen.svelte";

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  auth.reset();
  auth.apply(signedIn);
  navigation.go("inquiries");
});
afterEach(() => view.destroy());

describe("InquiriesScreen (queue)", () => {
  it("renders received time in JST, the business age and the inquiry type in Japanese", async () => {
    view = mountWith(InquiriesScreen, fakeCommands());
    await settle();
    const row = view.byTestId("inquiry-row-31");
    expect(row?.dataset.kana).toBe("ケンコウタロウ");
    expect(row?.dataset.type).toBe("checkup_code");
    expect(row?.textContent, "02:00Z is 11:00 in Japan").toContain("2026/11/22 11:00");
    expect(view.byTestId("inquiry-age-31")?.textContent).toBe("3時間20分");
    expect(row?.textContent).toContain("健診閲覧コード（旧パスコード）");
    expect(view.byTestId("inquiry-row-33")?.textContent, "unknown types show raw").toContain(
      "mystery",
    );
    expect(view.byTestId("desk-hours")?.textContent).toBe("受付時間外");
  });

  it("asks for new inquiries by default and follows the filter", async () => {
    const inquiries = vi.fn(async () => queue);
    view = mountWith(InquiriesScreen, fakeCommands(undefined, { inquiries }));
    await settle();
    expect(inquiries).toHaveBeenLastCalledWith("new", 1);
    choose(view.byTestId("inquiry-filter"), "all");
    await settle();
    expect(inquiries).toHaveBeenLastCalledWith("all", 1);
  });

  it("shows who has a case claimed by someone else and offers no claim button", async () => {
    view = mountWith(InquiriesScreen, fakeCommands());
    await settle();
    expect(view.byTestId("inquiry-claimed-32")?.textContent).toContain("窓口 二郎 が対応中");
    expect(view.byTestId("claim-32"), "someone else's case cannot be claimed").toBeNull();
    press(view.byTestId("inquiry-row-32"), { key: "Enter" });
    expect(navigation.caseId, "Enter on someone else's row does nothing").toBeNull();
  });

  it("claims an inquiry and opens the new case", async () => {
    const claimInquiry = vi.fn(async () => 90);
    view = mountWith(InquiriesScreen, fakeCommands(undefined, { claimInquiry }));
    await settle();
    view.byTestId("claim-31")?.click();
    await settle();
    expect(claimInquiry).toHaveBeenCalledWith(31);
    expect(navigation.caseId).toBe(90);
    await settle();
    expect(view.byTestId("case-view")?.dataset.caseId).toBe("90");
  });

  it("moves between rows with the arrow keys and opens my own case with Enter", async () => {
    view = mountWith(InquiriesScreen, fakeCommands());
    await settle();
    const first = view.byTestId("inquiry-row-31");
    first?.focus();
    press(first, { key: "ArrowDown" });
    expect(document.activeElement).toBe(view.byTestId("inquiry-row-32"));
    press(document.activeElement as HTMLElement, { key: "ArrowDown" });
    press(document.activeElement as HTMLElement, { key: "Enter" });
    expect(navigation.caseId, "row 33 is mine, case 91").toBe(91);
  });

  it("lists my cached cases so they open offline", async () => {
    view = mountWith(
      InquiriesScreen,
      fakeCommands(undefined, { cachedCases: async () => ({ cases: [caseUnlinked.case] }) }),
    );
    await settle();
    view.byTestId("my-case-90")?.click();
    expect(navigation.caseId).toBe(90);
  });
});
