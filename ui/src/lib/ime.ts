// "Enter submits" that is safe for Japanese input. While an IME is composing, Enter confirms
// the conversion (変換確定) and must not submit the form. Browsers signal composition with
// `isComposing`; Safari/WebKit (WKWebView, WebKitGTK) fire the confirming keydown with
// isComposing=false but keyCode 229, so both are checked.
//
// Shift+Enter never submits: it is left to the element (a newline in a <textarea>), so
// multi-line fields can use the same helper. Ctrl/Meta/Alt+Enter do not submit either.

/** True while the key event belongs to an IME composition. */
export function isImeComposing(e: KeyboardEvent): boolean {
  // keyCode is deprecated but is the only signal WebKit gives for the confirming Enter.
  return e.isComposing || e.keyCode === 229;
}

/** True for a plain Enter that should submit. */
export function isSubmitEnter(e: KeyboardEvent): boolean {
  return (
    e.key === "Enter" && !isImeComposing(e) && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey
  );
}

/**
 * A keydown handler that calls `handler` on a plain Enter (and prevents the default) and
 * ignores everything else. Usage: `<input onkeydown={onEnterSubmit(search)} />`.
 */
export function onEnterSubmit(handler: (e: KeyboardEvent) => void): (e: KeyboardEvent) => void {
  return (e) => {
    if (!isSubmitEnter(e)) return;
    e.preventDefault();
    handler(e);
  };
}

/** The same as a Svelte action: `<input use:enterSubmit={search} />`. */
export function enterSubmit(node: HTMLElement, handler: (e: KeyboardEvent) => void) {
  let current = handler;
  const listener = (e: KeyboardEvent) => onEnterSubmit(current)(e);
  node.addEventListener("keydown", listener);
  return {
    update(next: (e: KeyboardEvent) => void) {
      current = next;
    },
    destroy() {
      node.removeEventListener("keydown", listener);
    },
  };
}
