// Enter-to-submit must never fire while a Japanese IME is confirming a conversion.
import { describe, expect, it, vi } from "vitest";
import { enterSubmit, isImeComposing, onEnterSubmit } from "./ime";

function keydown(init: KeyboardEventInit & { keyCode?: number }): KeyboardEvent {
  return new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });
}

describe("isImeComposing", () => {
  it("is true for isComposing and for keyCode 229, false for a plain key", () => {
    expect(isImeComposing(keydown({ key: "Enter", isComposing: true }))).toBe(true);
    expect(isImeComposing(keydown({ key: "Process", keyCode: 229 }))).toBe(true);
    expect(isImeComposing(keydown({ key: "Enter", keyCode: 13 }))).toBe(false);
  });
});

describe("onEnterSubmit", () => {
  it("ignores Enter that confirms an IME conversion (isComposing)", () => {
    const submit = vi.fn();
    const e = keydown({ key: "Enter", isComposing: true });
    onEnterSubmit(submit)(e);
    expect(submit, "変換確定の Enter must not submit").not.toHaveBeenCalled();
    expect(e.defaultPrevented, "the IME must still receive its Enter").toBe(false);
  });

  it("ignores Enter with keyCode 229 (WebKit reports composition this way)", () => {
    const submit = vi.fn();
    onEnterSubmit(submit)(keydown({ key: "Enter", keyCode: 229 }));
    expect(submit, "a WebKit composing Enter must not submit").not.toHaveBeenCalled();
  });

  it("fires on a plain Enter and prevents the default", () => {
    const submit = vi.fn();
    const e = keydown({ key: "Enter", keyCode: 13 });
    onEnterSubmit(submit)(e);
    expect(submit).toHaveBeenCalledTimes(1);
    expect(submit).toHaveBeenCalledWith(e);
    expect(e.defaultPrevented, "a handled Enter must not also submit a surrounding form").toBe(true);
  });

  it("leaves Shift+Enter (and Ctrl/Alt/Meta+Enter) to the element, e.g. a newline in a textarea", () => {
    const submit = vi.fn();
    const handler = onEnterSubmit(submit);
    for (const mod of ["shiftKey", "ctrlKey", "altKey", "metaKey"] as const) {
      const e = keydown({ key: "Enter", keyCode: 13, [mod]: true });
      handler(e);
      expect(e.defaultPrevented, `${mod}+Enter must keep its default`).toBe(false);
    }
    expect(submit, "modified Enter must not submit").not.toHaveBeenCalled();
  });

  it("ignores other keys", () => {
    const submit = vi.fn();
    onEnterSubmit(submit)(keydown({ key: "a", keyCode: 65 }));
    expect(submit).not.toHaveBeenCalled();
  });
});

describe("enterSubmit action", () => {
  it("listens on the node, follows updates and stops after destroy", () => {
    const input = document.createElement("input");
    const first = vi.fn();
    const second = vi.fn();
    const action = enterSubmit(input, first);
    input.dispatchEvent(keydown({ key: "Enter", isComposing: true }));
    input.dispatchEvent(keydown({ key: "Enter" }));
    expect(first).toHaveBeenCalledTimes(1);
    action.update(second);
    input.dispatchEvent(keydown({ key: "Enter" }));
    expect(second).toHaveBeenCalledTimes(1);
    action.destroy();
    input.dispatchEvent(keydown({ key: "Enter" }));
    expect(second, "no submit after the action is destroyed").toHaveBeenCalledTimes(1);
  });
});
