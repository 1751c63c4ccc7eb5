// The reasons of one rejected row as the screen lists them. The desk reports every offending
// character of a field (a half-width name gives one problem per character, so the saved
// report shows each one to fix); on screen, a run of problems with the same code in the same
// field reads as one line — the first message and how many more characters share it.
import type { RosterProblemView } from "../bindings/RosterProblemView";

export type ProblemLine = { problem: RosterProblemView; more: number };

export function groupProblems(problems: readonly RosterProblemView[]): ProblemLine[] {
  const lines: ProblemLine[] = [];
  for (const p of problems) {
    const last = lines.at(-1);
    if (last && last.problem.code === p.code && last.problem.field === p.field) {
      last.more += 1;
    } else {
      lines.push({ problem: p, more: 0 });
    }
  }
  return lines;
}
