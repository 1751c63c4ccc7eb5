// The desk's screens in navigation order: their ids (also the E2E test ids `nav-<id>`),
// and the Alt+<n> shortcut. One list, so the navigation and the shortcuts cannot disagree.

import type { Role } from "../bindings/Role";

export const SCREENS = [
  "inquiries",
  "members",
  "roster",
  "sync",
  "postcards",
  "insurer",
  "audit",
  "settings",
] as const;

export type ScreenId = (typeof SCREENS)[number];

export function isScreenId(value: string): value is ScreenId {
  return (SCREENS as readonly string[]).includes(value);
}

/**
 * The screens a role may open, in navigation order. The server enforces the same split; the
 * UI only avoids showing an agent what would be refused (and an insurer admin member data).
 */
const BY_ROLE: Readonly<Record<Role, readonly ScreenId[]>> = {
  agent: ["inquiries", "members", "sync", "settings"],
  supervisor: ["inquiries", "members", "sync", "insurer", "audit", "settings"],
  insurer_admin: ["roster", "sync", "postcards", "insurer", "settings"],
};

export function screensFor(role: Role | null): readonly ScreenId[] {
  return role ? BY_ROLE[role] : SCREENS;
}

/**
 * The screen for Alt+<digit> among `visible` (the role's screens), using `KeyboardEvent.code`
 * (Alt+1 on macOS types "¡").
 */
export function screenForShortcut(
  e: KeyboardEvent,
  visible: readonly ScreenId[] = SCREENS,
): ScreenId | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  if (!match?.[1]) return null;
  return visible[Number(match[1]) - 1] ?? null;
}
