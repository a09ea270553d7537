/**
 * What the upgrade does next and the earliest time it may, for the live view: computed from the
 * state's fields and the compiled plan (the bake's start and length, unwatched time, the observed
 * split, a hold, approval gates, change windows, retire.after), never from the reason's words. Pure:
 * the time comes in.
 */
import type { CompiledPlan } from "../../plan/compile.ts";
import type { UpgradeState } from "../../engine/state.ts";
import { awaitingSplit } from "../../engine/analysis.ts";
import { approvalLapsed, retireLabel } from "../../engine/rules.ts";
import { bakeEndsAt } from "../../engine/watch.ts";
import { checkWindows } from "../../engine/windows.ts";

/** Why the next move cannot be timed yet, or what it waits for besides time. */
export type NextWait =
  "insync" | "split" | "unreadable" | "hold" | "approval" | "change-window" | "no-change-window";

export interface NextMove {
  /** A forward step, or retiring blue (or completing, when nothing is retired). */
  kind: "step" | "retire" | "complete";
  /** The step moved to (kind `step`). */
  step?: number;
  /** In words: `step 3 (100% green)`, `retiring blue (delete)`, `completing`. */
  label: string;
  /** The earliest time it may happen, when it can be known now. */
  earliest?: Date;
  /** What it waits for besides time, in the order they apply. */
  waits: NextWait[];
  /** The approval gate before it, when one stands there without a valid approval. */
  gate?: string;
  /** The upgrade waits at that gate now (awaiting-approval, waiting-to-retire). */
  atGate: boolean;
  /** An inconclusive or error verdict holds the upgrade: since when, and when onHoldTimeout applies. */
  hold?: { since: Date; timeoutAt: Date };
}

function approved(state: UpgradeState, plan: CompiledPlan, gate: string, now: Date): boolean {
  return state.approvals.some(
    (a) => a.gate === gate && a.usedAt === undefined && !approvalLapsed(a, plan, now),
  );
}

function retireWork(plan: CompiledPlan): boolean {
  const r = plan.doc.retire;
  return r.mode !== "keep" || r.blueRecords === "delete";
}

function retireNeedsApproval(plan: CompiledPlan): boolean {
  return plan.doc.retire.mode === "delete" || plan.doc.retire.approval;
}

/** The next move from `state` at `now`, or undefined when none comes by itself (paused, finished, rolling back). */
export function nextMove(plan: CompiledPlan, state: UpgradeState, now: Date): NextMove | undefined {
  const s = state;
  const nowMs = now.getTime();
  const waits: NextWait[] = [];
  let earliest: number | undefined = nowMs;
  let k: number;
  switch (s.phase) {
    case "pending":
    case "preflight":
      k = 1;
      break;
    case "shifting":
      // The shift under way becomes a bake at INSYNC; the move after it cannot be timed before that.
      k = (s.intent?.action === "shift" ? s.intent.step : s.step) + 1;
      waits.push("insync");
      earliest = undefined;
      break;
    case "baking":
      k = s.step + 1;
      if (awaitingSplit(s, plan)) {
        waits.push("split");
        earliest = undefined;
      } else if (s.unreadable) {
        waits.push("unreadable");
        earliest = undefined;
      } else if (!s.bakeCompletedAt) {
        earliest = bakeEndsAt(s, plan) ?? nowMs + (plan.steps[s.step - 1]?.bakeMs ?? 0);
      }
      break;
    case "awaiting-approval":
      k = s.step + 1;
      break;
    case "holding":
    case "waiting-to-retire":
      k = plan.steps.length + 1;
      break;
    default:
      return undefined;
  }
  if (s.holdSince) waits.unshift("hold");
  const step = plan.steps[k - 1];
  let kind: NextMove["kind"] = "step";
  let label = step ? `step ${step.index} (${step.green}% green)` : "";
  let gate: string | undefined;
  if (!step) {
    // After the last step: green holds 100% for retire.after, then blue is retired (or it completes).
    const full = s.writtenGreen >= 100 || s.phase === "holding" || s.phase === "waiting-to-retire";
    const work = full && retireWork(plan);
    kind = work ? "retire" : "complete";
    label = work ? retireLabel(plan) : "completing";
    if (full && earliest !== undefined && s.phase !== "waiting-to-retire") {
      const since = s.fullSince ?? s.bakeStartedAt;
      if (since) earliest = Math.max(earliest, Date.parse(since) + plan.retireAfterMs);
    }
    if (work && retireNeedsApproval(plan) && !approved(s, plan, "retire", now)) gate = "retire";
  } else if (step.approval && !approved(s, plan, `step-${k}`, now)) {
    gate = `step-${k}`;
  }
  if (gate) waits.push("approval");
  // Change windows gate forward moves and retiring, not completing.
  if (kind !== "complete" && earliest !== undefined) {
    const check = checkWindows(plan.doc.changeWindows, new Date(Math.max(earliest, nowMs)));
    if (!check.open) {
      waits.push(check.nextOpen ? "change-window" : "no-change-window");
      earliest = check.nextOpen?.getTime();
    }
  }
  const hold = s.holdSince
    ? {
        since: new Date(s.holdSince),
        timeoutAt: new Date(Date.parse(s.holdSince) + plan.holdTimeoutMs),
      }
    : undefined;
  return {
    kind,
    ...(kind === "step" ? { step: k } : {}),
    label,
    ...(earliest !== undefined ? { earliest: new Date(Math.max(earliest, nowMs)) } : {}),
    waits,
    ...(gate ? { gate } : {}),
    atGate: gate !== undefined && (s.phase === "awaiting-approval" || s.phase === "waiting-to-retire"),
    ...(hold ? { hold } : {}),
  };
}
