// 監査ログ: filters go to the server, ids are checked here, the chain check says what it found.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeCommands, mountWith, settle, type } from "../test/mountWith";
import AuditScreen from "./AuditScreen.svelte";

let view: ReturnType<typeof mountWith>;
afterEach(() => view.destroy());

describe("AuditScreen", () => {
  it("filters, shows entries and reports a broken chain", async () => {
    const auditPage = vi.fn(async () => ({
      items: [
        { seq: 41, at: "2026-11-24T01:00:00Z", operator_id: 3, action: "case.view", member_id: 501, case_id: 90, detail: "", hash: "ab" },
      ],
      total: 1,
      page: 1,
      per_page: 50,
    }));
    const verifyAudit = vi.fn(async () => ({ ok: false, checked: 40, first_bad_seq: 17 }));
    view = mountWith(AuditScreen, fakeCommands(undefined, { auditPage, verifyAudit }), {});
    await settle();
    expect(view.byTestId("audit-41")?.textContent).toContain("case.view");
    type(view.byTestId("audit-member"), "50x");
    view.byTestId("audit-search")?.click();
    await settle();
    expect(view.byTestId("audit-error")?.textContent).toContain("数字");
    type(view.byTestId("audit-member"), "501");
    type(view.byTestId("audit-action"), "case.view");
    view.byTestId("audit-search")?.click();
    await settle();
    expect(auditPage).toHaveBeenLastCalledWith({ operator_id: null, member_id: 501, action: "case.view", page: 1, per_page: 50 });
    view.byTestId("audit-verify")?.click();
    await settle();
    const v = view.byTestId("audit-verification");
    expect(v?.dataset.ok).toBe("false");
    expect(v?.textContent).toContain("#17");
  });
});
