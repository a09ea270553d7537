/**
 * Text and JSON renderings of the engine's results, shared by the commands: one line per event, the
 * status block, and the JSON documents of `--output json`.
 */
import type { LockInfo } from "../../state/store.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { Output } from "../context.ts";
import { eventsOfFailedTick, type TickResult } from "../../engine/driver.ts";
import type { Observation } from "../../engine/observation.ts";
import type { EventRecord, PairWeights, UpgradeState } from "../../engine/state.ts";
import { readWeights, summaryWeights, uniformPercent } from "../../engine/weights.ts";

export function clock(at: Date | string): string {
  return (typeof at === "string" ? at : at.toISOString()).replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function eventLine(e: EventRecord): string {
  const phase = e.to && e.from !== e.to ? ` [${e.from ?? "-"} → ${e.to}]` : "";
  return `${clock(e.at)} #${e.seq} ${e.type}${phase} ${e.message}`;
}

export function liveWeights(observation: Observation | undefined): PairWeights[] | undefined {
  return observation?.traffic.ok ? readWeights(observation.traffic.value) : undefined;
}

/** Percent on blue and green: live when Route 53 could be read, else what the state last wrote. */
export function weightsSummary(
  state: UpgradeState | undefined,
  observation: Observation | undefined,
): { blue: number; green: number; source: "live" | "state" } {
  const live = liveWeights(observation);
  const s = live ? summaryWeights(live) : undefined;
  if (s) return { ...s, source: "live" };
  const green = state?.writtenGreen ?? 0;
  return { blue: 100 - green, green, source: "state" };
}

export function alarmsLine(observation: Observation | undefined): string {
  if (!observation) return "-";
  if (!observation.alarms.ok) return `unreadable (${observation.alarms.error})`;
  const list = observation.alarms.value.alarms;
  if (list.length === 0) return "none watched";
  return list.map((a) => `${a.name} ${a.state}`).join(" · ");
}

export function stepLabel(state: UpgradeState | undefined, plan: CompiledPlan): string {
  const step = state?.step ?? 0;
  return `${step}/${plan.steps.length}`;
}

const WROTE = new Set(["shift-submitted", "reconciled", "rolled-back", "adopted", "bake-restarted"]);

/** After a tick that wrote weights, the observation taken before it is stale: report what was written. */
function tickWeights(result: TickResult): { blue: number; green: number } {
  const wrote = result.events.some((e) => WROTE.has(e.type));
  const { blue, green } = weightsSummary(result.state, wrote ? undefined : result.observation);
  return { blue, green };
}

export function tickJson(plan: CompiledPlan, result: TickResult) {
  return {
    plan: plan.name,
    phase: result.state?.phase ?? "pending",
    step: result.state?.step ?? 0,
    weights: tickWeights(result),
    reason: result.reason,
    exitCode: result.exitCode,
    verdict: result.verdict ? { kind: result.verdict.kind, reasons: result.verdict.reasons } : null,
    events: result.events,
    findings: result.findings,
    /** What other commands logged while this tick waited for Route 53 (then the tick ended there). */
    ...(result.meanwhile ? { meanwhile: result.meanwhile } : {}),
  };
}

/**
 * A tick that fails mid-way still logged events (`bake-complete`, `shift-started`, `action-failed`…):
 * they are printed before the error (under `--output json` the error document carries them as `events`).
 */
export async function showingFailedTick<T>(out: Output, tick: Promise<T>): Promise<T> {
  try {
    return await tick;
  } catch (error) {
    for (const e of eventsOfFailedTick(error)) out.print(eventLine(e));
    throw error;
  }
}

export function tickText(plan: CompiledPlan, result: TickResult): string[] {
  const lines = [...result.events, ...(result.meanwhile ?? [])].map(eventLine);
  const w = tickWeights(result);
  lines.push(
    `${plan.name}: ${result.state?.phase ?? "pending"} at step ${stepLabel(result.state, plan)}, blue ${w.blue}% / green ${w.green}% — ${result.reason}`,
  );
  return lines;
}

export interface StatusInput {
  plan: CompiledPlan;
  state: UpgradeState | undefined;
  observation: Observation | undefined;
  lock: LockInfo | undefined;
  reason: string;
  location: string;
}

export function statusJson(s: StatusInput) {
  const w = weightsSummary(s.state, s.observation);
  const pairs = liveWeights(s.observation);
  const uniform = pairs ? uniformPercent(pairs) !== undefined : true;
  return {
    plan: s.plan.name,
    phase: s.state?.phase ?? "pending",
    step: s.state?.step ?? 0,
    steps: s.plan.steps.length,
    weights: { blue: w.blue, green: w.green },
    weightsSource: w.source,
    expectedGreen: s.state?.writtenGreen ?? 0,
    pairs: pairs ?? null,
    pairsDiffer: !uniform,
    reason: s.reason,
    pause: s.state?.pause ?? null,
    alarms: s.observation?.alarms.ok
      ? s.observation.alarms.value.alarms.map((a) => ({ name: a.name, state: a.state }))
      : null,
    approvals: s.state?.approvals ?? [],
    bakeStartedAt: s.state?.bakeStartedAt ?? null,
    lock: s.lock ?? null,
    state: s.location,
    updatedAt: s.state?.updatedAt ?? null,
  };
}

export function statusText(s: StatusInput): string[] {
  const j = statusJson(s);
  const lines = [
    `Upgrade ${j.plan} (${s.plan.file})`,
    `  phase    ${j.phase}${s.state?.pause ? ` (${s.state.pause.code})` : ""}`,
    `  step     ${j.step}/${j.steps}`,
    `  weights  blue ${j.weights.blue}% / green ${j.weights.green}%${j.weightsSource === "state" ? " (last written; Route 53 unreadable)" : ""}`,
  ];
  if (j.pairs && (j.pairsDiffer || (s.state && j.pairs.some((p) => p.percent !== s.state!.writtenGreen)))) {
    for (const p of j.pairs) {
      lines.push(`    ${p.name}: blue ${p.blue ?? "missing"} / green ${p.green ?? "missing"}`);
    }
  }
  lines.push(`  alarms   ${alarmsLine(s.observation)}`);
  lines.push(`  reason   ${j.reason}`);
  if (s.state?.pause?.expectedGreen !== undefined) {
    lines.push(`  expected ${s.state.pause.expectedGreen}% green on every pair`);
  }
  const open = (s.state?.approvals ?? []).filter((a) => !a.usedAt);
  for (const a of open) lines.push(`  approval ${a.gate} by ${a.by} at ${clock(a.at)}`);
  lines.push(
    `  lock     ${s.lock ? `held by ${s.lock.command} (pid ${s.lock.pid} on ${s.lock.host}, since ${clock(s.lock.startedAt)}, lease until ${clock(s.lock.leaseUntil)})` : "free"}`,
  );
  lines.push(`  state    ${s.location}`);
  return lines;
}
