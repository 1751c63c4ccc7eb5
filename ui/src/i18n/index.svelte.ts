// The current UI language: Japanese by default, English when chosen on 設定, remembered in
// localStorage. Components read `i18n.t.<section>.<key>`; reads are reactive (runes).
import { en } from "./en";
import { ja, type Dictionary } from "./ja";

export type Locale = "ja" | "en";

export const LOCALES: readonly Locale[] = ["ja", "en"];

const STORAGE_KEY = "kencom-desk.locale";

const DICTIONARIES: Readonly<Record<Locale, Dictionary>> = { ja, en };

function isLocale(value: unknown): value is Locale {
  return value === "ja" || value === "en";
}

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : "ja";
  } catch {
    // Storage can be disabled; the default language is always usable.
    return "ja";
  }
}

class I18n {
  locale = $state<Locale>(storedLocale());

  get t(): Dictionary {
    return DICTIONARIES[this.locale];
  }

  set(locale: Locale): void {
    this.locale = locale;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Not persisted; the choice still applies for this session.
    }
    if (typeof document !== "undefined") document.documentElement.lang = locale;
  }
}

export const i18n = new I18n();

/** Fill `{name}` placeholders; unknown placeholders are left visible rather than dropped. */
export function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
