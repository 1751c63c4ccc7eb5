// The era-code rules the editor checks as the administrator types (the desk core checks the
// same ones again).
import { describe, expect, it } from "vitest";
import { eraCodeProblem, eraExample, eraPreset } from "./eraCodes";

describe("era codes", () => {
  it("recognises the presets and anything else as custom", () => {
    expect(eraPreset([1, 2, 3, 4, 5])).toBe("standard");
    expect(eraPreset([1, 3, 5, 7, 9])).toBe("odd");
    expect(eraPreset([0, 1, 2, 3, 4])).toBe("custom");
  });

  it("wants one digit per era, naming the era", () => {
    expect(eraCodeProblem(["1", "2", "3", "4", "5"])).toBeNull();
    expect(eraCodeProblem(["1", "", "3", "4", "5"])).toEqual({ kind: "digit", index: 1, era: "大正" });
    expect(eraCodeProblem(["1", "2", "3", "4", "a"])).toEqual({ kind: "digit", index: 4, era: "令和" });
    expect(eraCodeProblem(["1", "2", "3", "4", "10"])).toMatchObject({ kind: "digit", era: "令和" });
  });

  it("names every era sharing a digit", () => {
    expect(eraCodeProblem(["1", "3", "3", "4", "3"])).toEqual({
      kind: "duplicate",
      index: 1,
      others: [2, 4],
      code: "3",
      eras: "大正・昭和・令和",
    });
  });

  it("shows what 昭和35年1月1日 is written as", () => {
    expect(eraExample([1, 3, 5, 7, 9])).toEqual({ input: "5350101", wareki: "昭和35年1月1日", seireki: "1960年1月1日" });
    expect(eraExample([1, 2, -3, 4, 5]), "no example for an invalid 昭和 digit").toBeNull();
  });
});
