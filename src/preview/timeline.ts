/**
 * The upgrade's timeline as the plan lays it out: each step's weights, bake and gate, and the earliest
 * time it can happen, counted from the first tick and assuming instant approvals, Route 53 INSYNC at
 * once and open change windows.
 */
import type { CompiledPlan } from "../plan/compile.ts";

export interface TimelineRow {
  step: number;
  blue: number;
  green: number;
  bakeSeconds: number;
  /** An approval gate stands before this step. */
  approval: boolean;
  /** Earliest time this step's change is sent, in seconds after the first tick. */
  startsAtSeconds: number;
  /** Earliest time its bake ends. */
  bakedAtSeconds: number;
}

export interface RetireRow {
  mode: "delete" | "scale-to-zero" | "keep";
  afterSeconds: number;
  approval: boolean;
  /** Earliest time blue can be retired (green holding 100% for `after`). */
  earliestSeconds: number;
}

export interface Timeline {
  rows: TimelineRow[];
  retire: RetireRow;
  /** When the last bake ends: all traffic on green and watched. */
  completeAtSeconds: number;
}

export function buildTimeline(plan: CompiledPlan): Timeline {
  let clock = 0;
  const rows = plan.steps.map((s) => {
    const bakeSeconds = s.bakeMs / 1000;
    const row: TimelineRow = {
      step: s.index,
      blue: s.blue,
      green: s.green,
      bakeSeconds,
      approval: s.approval,
      startsAtSeconds: clock,
      bakedAtSeconds: clock + bakeSeconds,
    };
    clock += bakeSeconds;
    return row;
  });
  const last = rows[rows.length - 1];
  const afterSeconds = plan.retireAfterMs / 1000;
  const retire = plan.doc.retire;
  // Deleting blue always waits for a person, whatever the plan says (DESIGN.md, "Rules that keep users safe").
  const approval = retire.mode === "delete" ? true : retire.approval;
  return {
    rows,
    retire: {
      mode: retire.mode,
      afterSeconds,
      approval: retire.mode === "keep" ? false : approval,
      earliestSeconds: (last?.startsAtSeconds ?? 0) + Math.max(afterSeconds, last?.bakeSeconds ?? 0),
    },
    completeAtSeconds: clock,
  };
}
