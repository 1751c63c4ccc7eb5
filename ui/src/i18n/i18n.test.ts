// The English dictionary must cover exactly the Japanese keys (the type checks this too; this
// test also catches empty strings and mismatched {placeholders}).
import { describe, expect, it } from "vitest";
import { en } from "./en";
import { format, i18n } from "./index.svelte";
import { ja } from "./ja";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  const jaLeaves = leaves(ja);
  const enLeaves = leaves(en);

  it("have the same keys", () => {
    expect([...enLeaves.keys()].sort()).toEqual([...jaLeaves.keys()].sort());
  });

  it("have no empty strings and the same placeholders per key", () => {
    for (const [key, jaText] of jaLeaves) {
      const enText = enLeaves.get(key) ?? "";
      expect(jaText.trim(), `ja ${key} is empty`).not.toBe("");
      expect(enText.trim(), `en ${key} is empty`).not.toBe("");
      expect(placeholders(enText), `placeholders differ for ${key}`).toEqual(placeholders(jaText));
    }
  });
});

describe("format", () => {
  it("fills known placeholders and leaves unknown ones visible", () => {
    expect(format("{a} と {b}", { a: 1 })).toBe("1 と {b}");
  });
});

describe("i18n", () => {
  it("defaults to Japanese and persists a switch to English", () => {
    expect(i18n.locale).toBe("ja");
    i18n.set("en");
    expect(i18n.t.screens.settings.title).toBe("Settings");
    expect(localStorage.getItem("kencom-desk.locale")).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    i18n.set("ja");
    expect(i18n.t.screens.settings.title).toBe("設定");
  });
});
