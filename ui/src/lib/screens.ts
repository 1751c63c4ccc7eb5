// The desk's screens in navigation order: their ids (also the E2E test ids `nav-<id>`),
// the Alt+<n> shortcut and the issue that delivers each one. One list, so the navigation,
// the shortcuts and the placeholders cannot disagree.

export const SCREENS = ["inquiries", "members", "roster", "postcards", "audit", "settings"] as const;

export type ScreenId = (typeof SCREENS)[number];

/** Issue that delivers a screen still shown as a placeholder; null once the screen is real. */
export const DELIVERED_BY: Readonly<Record<ScreenId, number | null>> = {
  inquiries: 4,
  members: 4,
  roster: 6,
  postcards: 6,
  audit: 3,
  settings: null,
};

export function isScreenId(value: string): value is ScreenId {
  return (SCREENS as readonly string[]).includes(value);
}

/** The screen for Alt+<digit>, using `KeyboardEvent.code` (Alt+1 on macOS types "¡"). */
export function screenForShortcut(e: KeyboardEvent): ScreenId | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  if (!match?.[1]) return null;
  return SCREENS[Number(match[1]) - 1] ?? null;
}
