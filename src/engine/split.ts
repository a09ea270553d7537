/**
 * The observed split, inside a tick, pure: with `analysis.split` a step's bake starts only when green's
 * observed share of requests (green ÷ (green + blue) over the split window) is within tolerance of the
 * weight written, not at INSYNC. Until then the bake waits; after `maxConvergence` the plan's
 * `onNoConvergence` applies (hold: the hold policy; pause; rollback).
 */
import { observedSplitFrom, resolveQueries, type ObservedSplit } from "../analysis/index.ts";
import { parseDuration } from "../plan/duration.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { awaitingSplit } from "./analysis.ts";
import type { Draft } from "./draft.ts";
import type { Observation } from "./observation.ts";
import { pause, startRollback } from "./rules.ts";
import type { PairWeights, UpgradeState } from "./state.ts";
import type { Verdict } from "./verdict.ts";
import { resetBakeWatch } from "./watch.ts";

/** The observed split in this observation, or undefined when it was not read (or cannot be). */
export function splitFrom(plan: CompiledPlan, obs: Observation, target: number): ObservedSplit | undefined {
  const split = plan.doc.analysis?.split;
  const part = obs.analysis;
  if (!split || !part?.ok) return undefined;
  const blue = resolveQueries(plan.doc, "blue").split!;
  const green = resolveQueries(plan.doc, "green").split!;
  const end = Date.parse(part.value.end);
  const window = { start: end - parseDuration(split.window), end };
  return observedSplitFrom(blue, green, part.value.results, window, target, split.tolerance);
}

/** "written 30% / observed 22%" (observed "no requests" when none were counted). */
export function splitWords(split: { green: number | null; target: number }): string {
  return `written ${split.target}% / observed ${split.green === null ? "no requests" : `${split.green}%`}`;
}

/**
 * Since when the current step's split has been converging: its INSYNC (the bake's recorded start), or
 * a later `resume` (which moves `alarmsSince`), so a resumed upgrade waits maxConvergence again.
 */
function convergingSince(s: UpgradeState): number | undefined {
  if (!s.bakeStartedAt) return undefined;
  return Math.max(Date.parse(s.bakeStartedAt), s.alarmsSince ? Date.parse(s.alarmsSince) : 0);
}

/**
 * A verdict that holds while the split has not converged after maxConvergence and the plan says hold
 * (the hold policy then runs, as for any inconclusive verdict); the verdict unchanged otherwise.
 */
export function splitHold(d: Draft, verdict: Verdict): Verdict {
  const split = d.plan.doc.analysis?.split;
  const s = d.state;
  if (!split || split.onNoConvergence !== "hold" || verdict.kind !== "pass") return verdict;
  if (!awaitingSplit(s, d.plan)) return verdict;
  const since = convergingSince(s);
  if (since === undefined || d.now.getTime() - since < parseDuration(split.maxConvergence)) return verdict;
  const seen = s.analysis?.observedSplit;
  return {
    kind: "inconclusive",
    reasons: [
      `the observed split has not converged after ${split.maxConvergence}${seen ? ` (${splitWords(seen)})` : ""}`,
    ],
    evidence: { ...verdict.evidence, verdict: "inconclusive" },
  };
}

/**
 * Records this tick's observed split and, while the current step waits for it, decides: converged →
 * the bake starts now (`split-converged`); not yet → wait (true); past maxConvergence → pause or roll
 * back as the plan says. Returns true when the tick is spent waiting (or stopped).
 */
export function awaitSplit(d: Draft, obs: Observation, weights: PairWeights[] | undefined): boolean {
  const s = d.state;
  const split = d.plan.doc.analysis?.split;
  if (!split || s.step === 0) return false;
  const seen = splitFrom(d.plan, obs, s.writtenGreen);
  if (seen) {
    s.analysis = {
      ...(s.analysis ?? {}),
      observedSplit: { green: seen.green, target: seen.target, tolerance: seen.tolerance, at: d.iso },
    };
  }
  if (!awaitingSplit(s, d.plan)) return false;
  const evidence = seen
    ? { observedSplit: { green: seen.green, target: seen.target, tolerance: seen.tolerance } }
    : {};
  if (seen?.converged) {
    s.analysis = { ...(s.analysis ?? {}), convergedStep: s.step };
    s.bakeStartedAt = d.iso;
    resetBakeWatch(s);
    d.event(
      "split-converged",
      `The observed split converged for step ${s.step} (${splitWords(seen)}, within ±${seen.tolerance} points); the bake starts now.`,
      { evidence },
    );
    return false;
  }
  const since = convergingSince(s) ?? d.now.getTime();
  const waited = d.now.getTime() - since;
  const limit = parseDuration(split.maxConvergence);
  const words = s.analysis?.observedSplit
    ? splitWords(s.analysis.observedSplit)
    : `written ${s.writtenGreen}% / observed not read yet`;
  if (waited >= limit && split.onNoConvergence !== "hold") {
    const message = `The observed split has not converged after ${split.maxConvergence} (${words}; tolerance ±${seen?.tolerance ?? "?"} points).`;
    if (split.onNoConvergence === "rollback") startRollback(d, message, weights, evidence);
    else
      pause(
        d,
        "split-not-converged",
        `${message} Check DNS caching and the load balancers; \`resume\` waits again.`,
        { evidence },
      );
    return true;
  }
  d.wait({
    code: "split",
    step: s.step,
    text: `${words}${seen ? ` (tolerance ±${seen.tolerance} points)` : ""}`,
    until: new Date(since + limit).toISOString(),
    then: split.onNoConvergence,
  });
  return true;
}
