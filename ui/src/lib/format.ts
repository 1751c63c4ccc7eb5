// Dates as the desk shows them. Everything is Japan time whatever the computer's zone is, so
// the arithmetic is done on UTC+9 by hand instead of trusting the local time zone.
import type { Locale } from "../i18n/index.svelte";

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

const pad = (n: number) => String(n).padStart(2, "0");

function jstParts(iso: string): { y: number; m: number; d: number; hh: number; mm: number } | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const j = new Date(t + JST_OFFSET_MS);
  return {
    y: j.getUTCFullYear(),
    m: j.getUTCMonth() + 1,
    d: j.getUTCDate(),
    hh: j.getUTCHours(),
    mm: j.getUTCMinutes(),
  };
}

/** "2026/11/22 11:00" (JST) from an RFC 3339 instant; the input itself if it does not parse. */
export function jstDateTime(iso: string): string {
  const p = jstParts(iso);
  return p ? `${p.y}/${pad(p.m)}/${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}` : iso;
}

/** "2026年12月9日" (ja) or "2026-12-09" (en) from an ISO calendar date "2026-12-09". */
export function calendarDate(isoDate: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  const [, y, mo, d] = m;
  return locale === "ja" ? `${Number(y)}年${Number(mo)}月${Number(d)}日` : `${y}-${mo}-${d}`;
}

/** A label from a code table, or the raw code when this UI does not know it. */
export function labelFor(table: Readonly<Record<string, string>>, code: string): string {
  return Object.hasOwn(table, code) ? (table[code] ?? code) : code;
}
