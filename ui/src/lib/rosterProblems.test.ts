import { describe, expect, it } from "vitest";
import type { RosterProblemView } from "../bindings/RosterProblemView";
import { groupProblems } from "./rosterProblems";

const p = (code: string, field: string | null, message: string): RosterProblemView => ({
  code,
  field,
  column: 6,
  severity: "error",
  message,
});

describe("groupProblems", () => {
  it("folds a run of one code in one field, keeping other reasons apart and in order", () => {
    const half = [1, 2, 3].map((n) => p("KANA_HALF_WIDTH", "カナ氏名", `${n}文字目は半角カナです`));
    const lines = groupProblems([
      ...half,
      p("ROSTER_REQUIRED", "生年月日", "生年月日が空です"),
      p("KANA_HALF_WIDTH", "カナ氏名", "5文字目は半角カナです"),
    ]);
    expect(lines.map((l) => [l.problem.message, l.more])).toEqual([
      ["1文字目は半角カナです", 2],
      ["生年月日が空です", 0],
      ["5文字目は半角カナです", 0],
    ]);
  });

  it("keeps the same code in different fields apart", () => {
    const lines = groupProblems([
      p("ROSTER_CHAR_IBM_EXTENSION", "漢字氏名", "髙"),
      p("ROSTER_CHAR_IBM_EXTENSION", "住所", "﨑"),
    ]);
    expect(lines).toHaveLength(2);
  });
});
