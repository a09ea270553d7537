/**
 * The wave rules, pure: from each plan's state summary (read at tick time) and the fleet, which plans
 * may move and which hold, with a coded reason. No I/O, no clock.
 *
 * - A plan that has started (its state exists) always may tick: the tick is what watches its alarms and
 *   rolls it back, so the fleet never stops watching an upgrade that carries traffic.
 * - A plan that has not started may start only when every plan of every earlier wave is settled:
 *   `completed`, or (with `onProblem: continue`) in a problem (rolling back, rolled back, paused, or a
 *   damaged state). With `onProblem: hold` (the default) a problem in an earlier wave holds it until a
 *   person acts: resumes or restarts that plan, removes it from the fleet, or sets `onProblem: continue`.
 * - `maxConcurrent` caps the wave's plans in flight: started and not settled on one side, i.e. in
 *   `pending` (state created), `preflight`, `shifting`, `baking`, `awaiting-approval`, `paused`,
 *   `rolling-back`, or damaged. `holding`, `waiting-to-retire`, `retiring`, `completed` and `rolled-back`
 *   plans have all traffic on one side and free their slot. Free slots go to the waiting plans in the
 *   order the fleet file lists them, so two schedulers deciding at once pick the same plans.
 */
import type { Phase } from "../engine/state.ts";

export type PlanSummary =
  | { kind: "not-started" }
  | { kind: "damaged"; code: string; message: string }
  | {
      kind: "started";
      phase: Phase;
      step: number;
      /** Green percent last written. */
      green: number;
      pauseCode?: string;
    };

export interface WaveShape {
  name: string;
  maxConcurrent?: number | undefined;
  /** Plan names, in file order. */
  plans: string[];
}

export interface FleetShape {
  onProblem: "hold" | "continue";
  waves: WaveShape[];
}

export const HOLD_CODES = ["earlier-wave-running", "earlier-wave-problem", "wave-full"] as const;
export type HoldCode = (typeof HOLD_CODES)[number];

export interface Hold {
  code: HoldCode;
  /** The wave that holds this plan (an earlier one, or its own when full). */
  wave: string;
  /** The plans behind it: not yet completed, in a problem, or taking the slots. */
  plans: string[];
  /** `wave-full`: the wave's maxConcurrent. */
  limit?: number;
}

export type Decision =
  | { plan: string; wave: string; kind: "move" }
  | { plan: string; wave: string; kind: "done" }
  | { plan: string; wave: string; kind: "hold"; hold: Hold };

const TERMINAL: readonly Phase[] = ["completed", "rolled-back"];
const PROBLEM: readonly Phase[] = ["rolling-back", "rolled-back", "paused"];
const SETTLED_ONE_SIDE: readonly Phase[] = [
  "holding",
  "waiting-to-retire",
  "retiring",
  "completed",
  "rolled-back",
];

/** A rollback, a pause or a damaged state: what `onProblem` is about. */
export function isProblem(s: PlanSummary): boolean {
  return s.kind === "damaged" || (s.kind === "started" && PROBLEM.includes(s.phase));
}

/** Started and traffic not settled on one side: takes one of the wave's `maxConcurrent` slots. */
export function isInFlight(s: PlanSummary): boolean {
  if (s.kind === "damaged") return true;
  return s.kind === "started" && !SETTLED_ONE_SIDE.includes(s.phase);
}

const summaryOf = (summaries: ReadonlyMap<string, PlanSummary>, plan: string): PlanSummary =>
  summaries.get(plan) ?? { kind: "not-started" };

/** Why the earlier waves hold a plan that has not started, or undefined when they let it start. */
function earlierWavesHold(
  fleet: FleetShape,
  waveIndex: number,
  summaries: ReadonlyMap<string, PlanSummary>,
): Hold | undefined {
  for (const wave of fleet.waves.slice(0, waveIndex)) {
    const states = wave.plans.map((p) => ({ plan: p, s: summaryOf(summaries, p) }));
    const problems = states.filter((x) => isProblem(x.s)).map((x) => x.plan);
    if (problems.length > 0 && fleet.onProblem === "hold") {
      return { code: "earlier-wave-problem", wave: wave.name, plans: problems };
    }
    const running = states
      .filter((x) => !(x.s.kind === "started" && x.s.phase === "completed") && !isProblem(x.s))
      .map((x) => x.plan);
    if (running.length > 0) return { code: "earlier-wave-running", wave: wave.name, plans: running };
  }
  return undefined;
}

/** The decision for every plan of the fleet, in wave and file order. */
export function decide(fleet: FleetShape, summaries: ReadonlyMap<string, PlanSummary>): Decision[] {
  const out: Decision[] = [];
  fleet.waves.forEach((wave, index) => {
    const inFlight = wave.plans.filter((p) => isInFlight(summaryOf(summaries, p)));
    const waiting = wave.plans.filter((p) => summaryOf(summaries, p).kind === "not-started");
    const earlier = earlierWavesHold(fleet, index, summaries);
    const free =
      wave.maxConcurrent === undefined ? Infinity : Math.max(0, wave.maxConcurrent - inFlight.length);
    for (const plan of wave.plans) {
      const s = summaryOf(summaries, plan);
      if (s.kind === "started" && TERMINAL.includes(s.phase)) {
        out.push({ plan, wave: wave.name, kind: "done" });
      } else if (s.kind !== "not-started") {
        out.push({ plan, wave: wave.name, kind: "move" });
      } else if (earlier) {
        out.push({ plan, wave: wave.name, kind: "hold", hold: earlier });
      } else if (waiting.indexOf(plan) >= free) {
        out.push({
          plan,
          wave: wave.name,
          kind: "hold",
          hold: { code: "wave-full", wave: wave.name, plans: inFlight, limit: wave.maxConcurrent! },
        });
      } else {
        out.push({ plan, wave: wave.name, kind: "move" });
      }
    }
  });
  return out;
}

/** The decision for one plan (`advance --fleet`). */
export function decideFor(
  fleet: FleetShape,
  summaries: ReadonlyMap<string, PlanSummary>,
  plan: string,
): Decision | undefined {
  return decide(fleet, summaries).find((d) => d.plan === plan);
}

/** A hold in words, for people (the code and parameters stay in the JSON). */
export function holdText(hold: Hold): string {
  const list = hold.plans.join(", ");
  switch (hold.code) {
    case "earlier-wave-running":
      return `Waiting for wave ${hold.wave} to complete (${list} not completed yet).`;
    case "earlier-wave-problem":
      return `Held: wave ${hold.wave} has a rollback, pause or damaged state (${list}); a person must act on it first (or set onProblem: continue in the fleet file).`;
    case "wave-full":
      return `Waiting for a slot in wave ${hold.wave}: ${hold.limit} in flight at most (${list}).`;
  }
}
