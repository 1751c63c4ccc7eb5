// 元号コード of 7-digit roster dates ("3350101" = 昭和35年1月1日): the two presets the desk
// offers, the checks an administrator's own digits must pass (the same rules the desk core
// applies to field "eraCodes"), and the example that shows what a mapping means.

/** 明治・大正・昭和・平成・令和, in the order of `RosterOptions.eraCodes`. */
export const ERA_NAMES = ["明治", "大正", "昭和", "平成", "令和"] as const;
export const ERA_STANDARD: readonly number[] = [1, 2, 3, 4, 5];
export const ERA_ODD: readonly number[] = [1, 3, 5, 7, 9];

export type EraPreset = "standard" | "odd" | "custom";

export function eraPreset(codes: readonly number[]): EraPreset {
  const s = codes.join(",");
  if (s === ERA_STANDARD.join(",")) return "standard";
  if (s === ERA_ODD.join(",")) return "odd";
  return "custom";
}

/** Why typed digits cannot be used: `index` is the era to fix, `others` the eras it clashes with. */
export type EraCodeProblem =
  | { kind: "digit"; index: number; era: string }
  | { kind: "duplicate"; index: number; others: number[]; code: string; eras: string };

export function eraCodeProblem(typed: readonly string[]): EraCodeProblem | null {
  for (const [index, era] of ERA_NAMES.entries()) {
    if (!/^[0-9]$/.test(typed[index] ?? "")) return { kind: "digit", index, era };
  }
  for (const [index, code] of typed.entries()) {
    const others = typed.flatMap((c, i) => (c === code && i !== index ? [i] : []));
    if (others.length > 0) {
      const all = [index, ...others].sort((a, b) => a - b);
      return { kind: "duplicate", index, others, code, eras: all.map((i) => ERA_NAMES[i]).join("・") };
    }
  }
  return null;
}

/**
 * What "<昭和's code>350101" means under `codes`: 昭和35年1月1日 = 1960年1月1日. Null when 昭和 has
 * no usable digit (the editor shows the problem instead).
 */
export function eraExample(codes: readonly number[]): { input: string; wareki: string; seireki: string } | null {
  const showa = codes[2];
  if (showa === undefined || !Number.isInteger(showa) || showa < 0 || showa > 9) return null;
  return { input: `${showa}350101`, wareki: "昭和35年1月1日", seireki: "1960年1月1日" };
}
