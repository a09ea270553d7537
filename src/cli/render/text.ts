/**
 * Text and JSON renderings of the engine's results, shared by the commands: one line per event, the
 * status block, and the JSON documents of `--output json`.
 */
import type { LockInfo } from "../../state/store.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { Output } from "../context.ts";
import { eventsOfFailedTick, type TickResult } from "../../runner/driver.ts";
import type { Finding, Observation } from "../../engine/observation.ts";
import type { EventRecord, PairWeights, UpgradeState } from "../../engine/state.ts";
import { approvalExpiresAt, approvalLapsed } from "../../engine/rules.ts";
import { trafficError, trafficWeights } from "../../engine/traffic.ts";
import { uniformPercent } from "../../engine/weights.ts";
import { WRITES_TRAFFIC, type ErrorCode, type ReasonCode } from "../../engine/vocabulary.ts";

export function clock(at: Date | string): string {
  return (typeof at === "string" ? at : at.toISOString()).replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function eventLine(e: EventRecord): string {
  const phase = e.to && e.from !== e.to ? ` [${e.from ?? "-"} → ${e.to}]` : "";
  return `${clock(e.at)} #${e.seq} ${e.type}${phase} ${e.message}`;
}

export function liveWeights(observation: Observation | undefined): PairWeights[] | undefined {
  return trafficWeights(observation);
}

export interface WeightsSummary {
  blue: number;
  green: number;
  /** `live`: read from Route 53 now. `state`: Route 53 was not read (or not this time): the last written. */
  source: "live" | "state";
  /**
   * The live pairs do not share one split (they differ, or one has no share: 0/0 or a record missing).
   * `blue`/`green` are then the first pair that has a share (the last written when none has): read pairs.
   */
  mixed: boolean;
  /** Why Route 53 could not be read, when it could not. */
  error?: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Percent on blue and green: live when Route 53 could be read, else what the state last wrote. */
export function weightsSummary(
  state: UpgradeState | undefined,
  observation: Observation | undefined,
): WeightsSummary {
  const written = state?.writtenGreen ?? 0;
  const live = liveWeights(observation);
  if (live) {
    const uniform = uniformPercent(live);
    const first = live.find((p) => p.percent !== null)?.percent ?? null;
    const green = round1(uniform ?? first ?? written);
    return { blue: round1(100 - green), green, source: "live", mixed: uniform === undefined };
  }
  const error = observation ? trafficError(observation) : undefined;
  return { blue: 100 - written, green: written, source: "state", mixed: false, ...(error ? { error } : {}) };
}

/** One pair's live weights, as status lists them. */
export function pairLine(p: PairWeights): string {
  const none = p.blue === 0 && p.green === 0 ? " (no share: both weights are 0)" : "";
  return `${p.name}: blue ${p.blue ?? "missing"} / green ${p.green ?? "missing"}${none}`;
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

/** After a tick that wrote weights, the observation taken before it is stale: report what was written. */
function tickWeights(result: TickResult): { blue: number; green: number; mixed: boolean } {
  const wrote = result.events.some((e) => WRITES_TRAFFIC.has(e.type));
  const { blue, green, mixed } = weightsSummary(result.state, wrote ? undefined : result.observation);
  return { blue, green, mixed };
}

export function tickJson(plan: CompiledPlan, result: TickResult) {
  const w = tickWeights(result);
  return {
    plan: plan.name,
    phase: result.state?.phase ?? "pending",
    step: result.state?.step ?? 0,
    weights: { blue: w.blue, green: w.green },
    weightsMixed: w.mixed,
    reason: result.reason,
    reasonCode: result.state?.reason.code ?? null,
    exitCode: result.exitCode,
    verdict: result.verdict ? { kind: result.verdict.kind, reasons: result.verdict.reasons } : null,
    events: result.events,
    findings: result.findings,
    /** What other commands logged while this tick waited for Route 53 (then the tick ended there). */
    ...(result.meanwhile ? { meanwhile: result.meanwhile } : {}),
  };
}

/** One line per warning finding (preflight, on the first tick): shown by advance, run and resume. */
export function warningLines(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity === "warning").map((f) => `warning [${f.code}]: ${f.message}`);
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
  const lines = [
    ...warningLines(result.findings),
    ...[...result.events, ...(result.meanwhile ?? [])].map(eventLine),
  ];
  const w = tickWeights(result);
  const split = w.mixed ? "weights mixed (the pairs differ)" : `blue ${w.blue}% / green ${w.green}%`;
  lines.push(
    `${plan.name}: ${result.state?.phase ?? "pending"} at step ${stepLabel(result.state, plan)}, ${split} — ${result.reason}`,
  );
  return lines;
}

export interface StatusInput {
  plan: CompiledPlan;
  state: UpgradeState | undefined;
  observation: Observation | undefined;
  lock: LockInfo | undefined;
  reason: string;
  /** The reason's stable code (null when the state is damaged); `refusalCode` when the next tick would refuse. */
  reasonCode?: ReasonCode | null;
  refusalCode?: ErrorCode;
  location: string;
  /**
   * The state exists but cannot be used: `damaged` (a StateError: corrupt, another plan's, unknown
   * version) or `unreadable` (the store failed). Status then shows this instead of "pending".
   */
  stateProblem?: { phase: "damaged" | "unreadable"; code: string };
  /** The clock of the command: an approval past `approvals.expireAfter` shows as expired. */
  now?: Date;
}

/** Each approval with whether it lapsed (`expired`), whether it still opens its gate (`valid`) and until when. */
function approvalsJson(s: StatusInput) {
  return (s.state?.approvals ?? []).map((a) => {
    const until = approvalExpiresAt(a, s.plan);
    const expired = a.expiredAt !== undefined || (s.now !== undefined && approvalLapsed(a, s.plan, s.now));
    return {
      ...a,
      expired,
      valid: a.usedAt === undefined && !expired,
      expiresAt: until ? until.toISOString() : null,
    };
  });
}

export function statusJson(s: StatusInput) {
  const w = weightsSummary(s.state, s.observation);
  const pairs = liveWeights(s.observation);
  const uniform = pairs ? uniformPercent(pairs) !== undefined : true;
  return {
    plan: s.plan.name,
    phase: s.stateProblem?.phase ?? s.state?.phase ?? "pending",
    step: s.state?.step ?? 0,
    steps: s.plan.steps.length,
    weights: { blue: w.blue, green: w.green },
    weightsSource: w.source,
    /** The live pairs do not share one split: `weights` is then the first pair with a share; read `pairs`. */
    weightsMixed: w.mixed,
    /** Why Route 53 could not be read (weightsSource `state`), else null. */
    weightsError: w.error ?? null,
    expectedGreen: s.state?.writtenGreen ?? 0,
    pairs: pairs ?? null,
    pairsDiffer: !uniform,
    reason: s.reason,
    reasonCode: s.reasonCode ?? null,
    ...(s.refusalCode ? { refusalCode: s.refusalCode } : {}),
    pause: s.state?.pause ?? null,
    alarms: s.observation?.alarms.ok
      ? s.observation.alarms.value.alarms.map((a) => ({ name: a.name, state: a.state }))
      : null,
    approvals: approvalsJson(s),
    bakeStartedAt: s.state?.bakeStartedAt ?? null,
    lock: s.lock ?? null,
    state: s.location,
    updatedAt: s.state?.updatedAt ?? null,
  };
}

/**
 * The `status` lines. `sections.afterAlarms`: lines other renderers add after the alarms, before the
 * reason (Kubernetes, analysis); `sections.lock`: the lock line's text when the shell knows better than
 * `s.lock` (the lock could not be read).
 */
export function statusText(
  s: StatusInput,
  sections: { afterAlarms?: readonly string[]; lock?: string } = {},
): string[] {
  const j = statusJson(s);
  const lines = [
    `Upgrade ${j.plan} (${s.plan.file})`,
    `  phase    ${j.phase}${s.state?.pause ? ` (${s.state.pause.code})` : s.stateProblem ? ` (${s.stateProblem.code})` : ""}`,
    s.stateProblem ? `  step     unknown: the state cannot be used` : `  step     ${j.step}/${j.steps}`,
    j.weightsMixed
      ? `  weights  mixed: the pairs differ (live, Route 53)`
      : `  weights  blue ${j.weights.blue}% / green ${j.weights.green}% ${
          j.weightsSource === "live"
            ? "(live, Route 53)"
            : `(last written; Route 53 unreadable${j.weightsError ? `: ${j.weightsError}` : ""})`
        }`,
  ];
  if (j.pairs && (j.pairsDiffer || (s.state && j.pairs.some((p) => p.percent !== s.state!.writtenGreen)))) {
    for (const p of j.pairs) lines.push(`    ${pairLine(p)}`);
  }
  lines.push(`  alarms   ${alarmsLine(s.observation)}`);
  lines.push(...(sections.afterAlarms ?? []));
  lines.push(`  reason   ${j.reason}`);
  if (s.state?.pause?.expectedGreen !== undefined) {
    lines.push(`  expected ${s.state.pause.expectedGreen}% green on every pair`);
  }
  for (const a of j.approvals.filter((x) => !x.usedAt)) {
    const until = a.expiresAt ? clock(a.expiresAt) : undefined;
    const note = a.expired
      ? ` (expired at ${until}: opens nothing, approve again)`
      : until
        ? ` (valid until ${until})`
        : "";
    lines.push(`  approval ${a.gate} by ${a.by} at ${clock(a.at)}${note}`);
  }
  lines.push(
    `  lock     ${sections.lock !== undefined ? sections.lock : s.lock ? `held by ${s.lock.command} (pid ${s.lock.pid} on ${s.lock.host}, since ${clock(s.lock.startedAt)}, lease until ${clock(s.lock.leaseUntil)})` : "free"}`,
  );
  lines.push(`  state    ${s.location}`);
  return lines;
}
