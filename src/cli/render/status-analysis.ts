/**
 * The metric-analysis part of `status` and the live view: the observed split as "written 30% / observed
 * 22%", and each metric's last verdict with green's and blue's values (from the state: `status` reads no
 * metrics of its own). JSON: `observedSplit` ({ green, target, source } or null) and `analysis[]`.
 */
import type { CompiledPlan } from "../../plan/compile.ts";
import type { UpgradeState } from "../../engine/state.ts";
import { splitWords } from "../../engine/split.ts";

export function statusAnalysisJson(plan: CompiledPlan, state: UpgradeState | undefined) {
  const a = state?.analysis;
  const split = a?.observedSplit;
  return {
    observedSplit:
      plan.doc.analysis?.split && split
        ? {
            green: split.green,
            target: split.target,
            tolerance: split.tolerance,
            source: "cloudwatch",
            at: split.at,
            converged: a?.convergedStep === state?.step,
          }
        : null,
    analysis: (plan.doc.analysis?.metrics ?? []).flatMap((m) => {
      // The last evaluations, even after a rollback: they say why it happened.
      const last = a?.last?.[m.name];
      return last
        ? [
            {
              name: m.name,
              verdict: last.verdict,
              reason: last.reason,
              green: last.green,
              blue: last.blue,
              at: last.at,
              step: a?.step ?? null,
              counts: a?.counts?.[m.name] ?? null,
            },
          ]
        : [];
    }),
  };
}

export function statusAnalysisText(plan: CompiledPlan, state: UpgradeState | undefined): string[] {
  const j = statusAnalysisJson(plan, state);
  const lines: string[] = [];
  if (j.observedSplit)
    lines.push(`  split    ${splitWords(j.observedSplit)} (±${j.observedSplit.tolerance} points)`);
  const v = (x: number | null) => (x === null ? "no data" : Number(x.toPrecision(3)).toString());
  for (const m of j.analysis)
    lines.push(`  metric   ${m.name}: ${m.verdict} (${m.reason}), green ${v(m.green)}, blue ${v(m.blue)}`);
  return lines;
}
