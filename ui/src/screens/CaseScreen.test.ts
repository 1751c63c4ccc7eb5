// The case view: checks of the inquiry, candidates, diagnosis, the verification checklist
// (only answered factors are sent), the lock on the gated actions, reissue with its arrival.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail } from "../bindings/CaseDetail";
import { auth } from "../lib/auth.svelte";
import { caseLinked, caseUnlinked, caseVerified, signedIn } from "../test/fixtures";
import { choose, deskError, fakeCommands, mountWith, press, settle, type } from "../test/mountWith";
import CaseScreen from "./CaseScreen.svelte";

let view: ReturnType<typeof mountWith>;
beforeEach(() => {
  auth.reset();
  auth.apply(signedIn);
});
afterEach(() => view.destroy());

async function render(detail: CaseDetail, overrides: Parameters<typeof fakeCommands>[1] = {}) {
  view = mountWith(
    CaseScreen,
    fakeCommands(undefined, { openCase: async () => detail, ...overrides }),
    { caseId: 90, onback: () => {} },
  );
  await settle();
  return view;
}

const outcome = (c: CaseDetail, message = "記録しました。") => async () => ({
  sent: true,
  message,
  case: c,
});

describe("CaseScreen", () => {
  it("renders a cause that applies twice (regression: duplicate keyed-each key)", async () => {
    const diag = caseUnlinked.inquiryDiagnosis;
    if (!diag) throw new Error("fixture needs an inquiry diagnosis");
    const cause = {
      code: "eligibility_failed_unmatched",
      title_ja: "保険証照会の失敗（名簿の該当者なし）",
      evidence: ["2026-11-10 照会結果 name_mismatch"],
      suggested_reply_ja: "ご入力内容をご確認ください。",
    };
    await render({ ...caseUnlinked, inquiryDiagnosis: { ...diag, causes: [cause, cause] } });
    expect(view.byTestId("case-status")).not.toBeNull();
  });

  it("shows the inquiry with the desk's checks and ranked candidates", async () => {
    await render({
      ...caseUnlinked,
      checks: { ...caseUnlinked.checks, nameIsKatakana: false, emailIssues: ["＠が全角です"] },
    });
    expect(view.byTestId("case-view")?.dataset.caseId).toBe("90");
    expect(view.byTestId("case-status")?.textContent).toBe("対応中");
    expect(view.byTestId("birth-date-parsed")?.textContent).toContain("昭和35年1月1日");
    expect(view.byTestId("name-fold")?.textContent).toBe("小書き差異");
    expect(view.byTestId("name-not-katakana")).not.toBeNull();
    expect(view.byTestId("email-issue")?.textContent).toContain("＠が全角です");
    expect(view.byTestId("candidate-501")?.textContent).toContain("カナ氏名一致");
  });

  it("links a candidate and then shows the member, the timeline and the diagnosis", async () => {
    const linkMember = vi.fn(outcome(caseLinked, "会員を紐付けました。"));
    await render(caseUnlinked, { linkMember });
    view.byTestId("link-member-501")?.click();
    await settle();
    expect(linkMember).toHaveBeenCalledWith(90, 501);
    expect(view.byTestId("case-message")?.textContent).toContain("会員を紐付けました");
    expect(view.byTestId("cause-reply-already_verified")?.textContent).toContain(
      "そのメールアドレスでログインしてください",
    );
    const timeline = view.byTestId("timeline")?.querySelectorAll(":scope > li");
    expect(timeline?.[0]?.textContent, "newest first").toContain("保険証照会エラー");
    expect(view.target.textContent, "記号・番号 only as masked").toContain("1**・****567");
  });

  it("keeps the gated actions disabled until actionsUnlocked", async () => {
    await render(caseLinked);
    for (const id of ["action-reissue", "action-reveal-email", "action-resend", "action-unlock"]) {
      expect((view.byTestId(id) as HTMLButtonElement).disabled, `${id} locked`).toBe(true);
    }
    expect(view.byTestId("actions-state")?.textContent).toContain("本人確認に合格すると使えます");
  });

  it("sends only the factors answered 一致 or 不一致", async () => {
    const recordVerification = vi.fn(
      outcome({
        ...caseLinked,
        latestVerification: {
          id: 2,
          operator_id: 7,
          member_id: 501,
          at: "2026-11-22T03:05:00Z",
          factors: [],
          passed: false,
          reason: "生年月日が一致しません",
        },
      }),
    );
    await render(caseLinked, { recordVerification });
    choose(view.byTestId("factor-name_kana"), "match");
    choose(view.byTestId("factor-birth_date"), "mismatch");
    choose(view.byTestId("factor-phone"), "match");
    choose(view.byTestId("factor-phone"), "");
    view.byTestId("verify-submit")?.click();
    await settle();
    expect(recordVerification).toHaveBeenCalledWith(90, {
      memberId: 501,
      factors: [
        { factor: "name_kana", matched: true },
        { factor: "birth_date", matched: false },
      ],
    });
    expect(view.byTestId("verification-result")?.textContent).toContain("不合格");
    expect(view.byTestId("verification-result")?.textContent).toContain("生年月日が一致しません");
    expect((view.byTestId("action-reissue") as HTMLButtonElement).disabled).toBe(true);
  });

  it("reissues after confirmation and shows the expected arrival", async () => {
    const reissued: CaseDetail = {
      ...caseVerified,
      case: {
        ...caseVerified.case,
        reissues: [
          {
            id: 4,
            member_id: 501,
            at: "2026-11-24T02:00:00Z",
            postcard_id: 12,
            expected_from: "2026-12-09",
            expected_to: "2026-12-24",
            desk_print: false,
            printed_at: null,
          },
        ],
      },
    };
    const reissueCode = vi.fn(outcome(reissued, "再発行を手配しました。"));
    await render(caseVerified, { reissueCode });
    expect(view.byTestId("verification-result")?.textContent).toContain("合格");
    const button = view.byTestId("action-reissue") as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    button.click();
    await settle();
    expect(reissueCode, "nothing before the confirmation").not.toHaveBeenCalled();
    document.querySelector<HTMLElement>('[data-testid="confirm-ok"]')?.click();
    await settle();
    expect(reissueCode).toHaveBeenCalledWith(90);
    expect(view.byTestId("reissue-4")?.textContent).toContain("2026年12月9日〜2026年12月24日頃");
    expect(view.byTestId("case-message")?.textContent).toBe("再発行を手配しました。");
  });

  it("shows a revealed e-mail once, and a refused action's error", async () => {
    await render(caseVerified, {
      unlockLogin: async () => {
        throw deskError("VERIFICATION_REQUIRED", "本人確認が必要です。");
      },
    });
    view.byTestId("action-reveal-email")?.click();
    await settle();
    expect(view.byTestId("revealed-email")?.textContent).toContain("kenko.taro@example.jp");
    view.byTestId("action-unlock")?.click();
    await settle();
    expect(view.byTestId("case-error")?.textContent).toContain("本人確認が必要です");
  });

  it("adds a note with Ctrl+Enter only; a plain Enter is a newline", async () => {
    const addNote = vi.fn(outcome(caseLinked));
    await render(caseLinked, { addNote });
    const input = view.byTestId("note-input");
    type(input, "折り返し電話済み");
    const plain = press(input, { key: "Enter" });
    expect(plain.defaultPrevented).toBe(false);
    expect(addNote).not.toHaveBeenCalled();
    press(input, { key: "Enter", ctrlKey: true, isComposing: true });
    expect(addNote, "not while composing").not.toHaveBeenCalled();
    press(input, { key: "Enter", ctrlKey: true });
    await settle();
    expect(addNote).toHaveBeenCalledWith(90, "折り返し電話済み");
  });

  it("closes with the chosen resolution and lists unsent actions", async () => {
    const closeCase = vi.fn(outcome({ ...caseLinked, case: { ...caseLinked.case, status: "closed", resolution: "answered" } }));
    await render(
      {
        ...caseLinked,
        pending: [
          { seq: 5, kind: "add_note", label: "メモ追加", caseId: 90, state: "rejected", attempts: 2, lastError: "案件はクローズ済みです" },
        ],
      },
      { closeCase },
    );
    expect(view.byTestId("pending-list")?.textContent).toContain("送信失敗");
    expect(view.byTestId("pending-list")?.textContent).toContain("案件はクローズ済みです");
    choose(view.byTestId("close-resolution"), "answered");
    view.byTestId("close-submit")?.click();
    await settle();
    expect(closeCase).toHaveBeenCalledWith(90, "answered");
    expect(view.byTestId("case-status")?.textContent).toBe("クローズ");
  });

  it("styles a queued outcome as waiting, not as sent", async () => {
    const addNote = vi.fn(async () => ({
      sent: false,
      message: "メモの追加は送信待ちです。",
      case: caseLinked,
    }));
    await render(caseLinked, { addNote });
    type(view.byTestId("note-input"), "折り返し");
    press(view.byTestId("note-input"), { key: "Enter", ctrlKey: true });
    await settle();
    const msg = view.byTestId("case-message");
    expect(msg?.dataset.queued).toBe("true");
    expect(msg?.classList.contains("warning")).toBe(true);
    expect(msg?.textContent).toContain("送信待ち");
  });

  it("says candidates and the member are unavailable offline instead of 'no match'", async () => {
    await render({ ...caseUnlinked, inquiryDiagnosis: null });
    expect(view.byTestId("candidates-unavailable")?.textContent).toContain("接続できない");
    expect(view.byTestId("no-candidates")).toBeNull();
    view.destroy();
    await render({ ...caseLinked, member: null, memberDiagnosis: null });
    expect(view.byTestId("member-unavailable")?.textContent).toContain("接続できない");
  });

  it("after a reissue at a desk-printing union: preview, save, report printed and delete", async () => {
    const reissue = {
      id: 4,
      member_id: 501,
      at: "2026-11-24T02:00:00Z",
      postcard_id: 12,
      expected_from: "2026-12-09",
      expected_to: "2026-12-24",
      desk_print: true,
      printed_at: null,
    };
    const reissued: CaseDetail = { ...caseVerified, case: { ...caseVerified.case, reissues: [reissue] } };
    const printed: CaseDetail = {
      ...reissued,
      case: { ...reissued.case, reissues: [{ ...reissue, printed_at: "2026-11-24T02:10:00Z" }] },
    };
    const savePostcard = vi.fn(async (_c: number, _r: number, path: string) => {
      if (!path.startsWith("/")) throw deskError("INVALID_INPUT", "保存先はフォルダーから始まる完全なパスで指定してください。", "path");
      return { path, pages: 2, bytes: 41_000 };
    });
    const finishPostcard = vi.fn(outcome(printed, "はがき印刷済みの報告を送信しました。"));
    await render(caseVerified, {
      reissueCode: outcome(reissued, "再発行を送信しました。"),
      savePostcard,
      finishPostcard,
    });
    view.byTestId("action-reissue")?.click();
    await settle();
    document.querySelector<HTMLElement>('[data-testid="confirm-ok"]')?.click();
    await settle();
    const dialog = view.byTestId("postcard-dialog");
    expect(dialog, "the postcard opens right after the reissue").not.toBeNull();
    expect(dialog?.querySelectorAll("img").length).toBe(2);
    const path = view.byTestId("postcard-path") as HTMLInputElement;
    expect(path.value).toBe("/home/agent/Documents/kencom-postcard-90-4.pdf");
    type(path, "card.pdf");
    view.byTestId("postcard-save")?.click();
    await settle();
    expect(view.byTestId("postcard-path-error")?.textContent).toContain("完全なパス");
    type(path, "/tmp/card.pdf");
    press(path, { key: "Enter" });
    await settle();
    expect(savePostcard).toHaveBeenLastCalledWith(90, 4, "/tmp/card.pdf");
    expect(view.byTestId("postcard-saved")?.textContent).toContain("/tmp/card.pdf");
    view.byTestId("postcard-finish-delete")?.click();
    await settle();
    expect(finishPostcard).toHaveBeenCalledWith(90, 4, "/tmp/card.pdf", true);
    expect(view.byTestId("postcard-dialog")).toBeNull();
    expect(view.byTestId("reissue-printed-4")?.textContent).toBe("印刷済み");
    expect(view.byTestId("reissue-print-4")).toBeNull();
  });

  it("a union that prints in runs gets no print button", async () => {
    await render({
      ...caseVerified,
      case: {
        ...caseVerified.case,
        reissues: [
          {
            id: 5,
            member_id: 501,
            at: "2026-11-24T02:00:00Z",
            postcard_id: 13,
            expected_from: "2026-12-09",
            expected_to: "2026-12-24",
            desk_print: false,
            printed_at: null,
          },
        ],
      },
    });
    expect(view.byTestId("reissue-print-5")).toBeNull();
    expect(view.byTestId("reissue-5")?.textContent).toContain("印刷便");
  });
});
