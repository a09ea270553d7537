/**
 * What the report page shows, derived from the state and the plan (pure): the written weights over
 * time (a step series), the observed split when events recorded it, each alarm's state over time (swim
 * lanes), each metric's values per side per evaluation (plans with analysis), the event timeline with
 * its evidence (large weight lists summarised), approvals and the plan.
 */
import type { CompiledPlan } from "../plan/compile.ts";
import type { EventRecord, UpgradeState } from "../engine/state.ts";
import { storedReasonText } from "../engine/reason.ts";
import type { ReasonCode } from "../engine/vocabulary.ts";

export interface AlarmLane {
  name: string;
  /** Epoch seconds; each segment lasts until the next one (the last until `end`). */
  changes: { t: number; state: string }[];
}

/** One metric's evaluations, oldest first: green's and blue's values (null: no data) and the verdict. */
export interface MetricSeries {
  name: string;
  /** Epoch seconds of each evaluation. */
  t: number[];
  green: (number | null)[];
  blue: (number | null)[];
  verdict: string[];
  /** Evaluations left out to keep the page small (the oldest). */
  omitted: number;
}

export interface ReportData {
  plan: {
    name: string;
    file: string;
    hash: string;
    stateHash: string;
    steps: { green: number; bake: string; approval: boolean }[];
  };
  state: {
    phase: string;
    step: number;
    writtenGreen: number;
    reason: string;
    /** The reason's stable code (vocabulary.ts REASON_CODES); `reason` is its sentence. */
    reasonCode: ReasonCode;
    rollbackReason?: string;
    createdAt: string;
    updatedAt: string;
    events: number;
  };
  /** Epoch seconds of the first and last point. */
  start: number;
  end: number;
  written: { t: number[]; green: number[] };
  observed: { t: number[]; green: (number | null)[] };
  alarms: AlarmLane[];
  /** Per metric of the plan's analysis (empty without analysis). */
  metrics: MetricSeries[];
  events: (Omit<EventRecord, "evidence"> & { evidence?: Record<string, unknown> })[];
  approvals: UpgradeState["approvals"];
  generatedAt: string;
}

const sec = (iso: string) => Date.parse(iso) / 1000;
/** Weight lists longer than this are summarised in the page (a 1,000-pair plan stays small). */
export const MAX_PAIRS_SHOWN = 10;

function compactEvidence(e: EventRecord): Record<string, unknown> | undefined {
  if (!e.evidence) return undefined;
  const out: Record<string, unknown> = { ...e.evidence };
  const w = e.evidence.weights;
  if (w && w.length > MAX_PAIRS_SHOWN) {
    const percents = w.map((p) => p.percent).filter((p): p is number => p !== null);
    out.weights = w.slice(0, MAX_PAIRS_SHOWN);
    out.weightsSummary = {
      pairs: w.length,
      shown: MAX_PAIRS_SHOWN,
      greenPercentMin: percents.length ? Math.min(...percents) : null,
      greenPercentMax: percents.length ? Math.max(...percents) : null,
    };
  }
  return out;
}

function observedGreen(e: EventRecord): number | null | undefined {
  const w = e.evidence?.weights;
  if (!w || w.length === 0) return undefined;
  const percents = w.map((p) => p.percent).filter((p): p is number => p !== null);
  if (percents.length === 0) return null;
  return Math.round((percents.reduce((a, b) => a + b, 0) / percents.length) * 10) / 10;
}

/** Evaluations kept per metric (the latest). */
export const MAX_METRIC_POINTS = 500;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A side's value in analysis evidence: a number (a verdict's summary) or `{ value }` (an `analysis` event). */
function sideValue(v: unknown): number | null {
  if (v && typeof v === "object" && "value" in v) return num((v as { value: unknown }).value);
  return num(v);
}

/**
 * Each metric's evaluations from the event log's analysis evidence: an `analysis` event holds the
 * evaluations judged then (each side as `{ value }`); hold, rollback and bake-complete events carry
 * every metric's last evaluation with its time. The state's series (every evaluation, the latest
 * `seriesLimit` per metric; absent in older states) and last evaluations complete them. One point per
 * metric and evaluation time.
 */
function metricSeries(state: UpgradeState, plan: CompiledPlan): MetricSeries[] {
  const names = (plan.doc.analysis?.metrics ?? []).map((m) => m.name);
  const points = new Map<
    string,
    Map<number, { green: number | null; blue: number | null; verdict: string }>
  >();
  const add = (metric: unknown, t: number, green: unknown, blue: unknown, verdict: unknown) => {
    if (typeof metric !== "string" || !Number.isFinite(t)) return;
    const series = points.get(metric) ?? new Map();
    points.set(metric, series);
    series.set(t, { green: sideValue(green), blue: sideValue(blue), verdict: String(verdict ?? "") });
  };
  for (const e of state.events) {
    const list = (e.evidence as { analysis?: unknown } | undefined)?.analysis;
    if (!Array.isArray(list)) continue;
    for (const item of list as Record<string, unknown>[]) {
      if (!item || typeof item !== "object") continue;
      const when = typeof item.at === "string" ? item.at : e.at;
      add(item.metric, sec(when), item.green, item.blue, item.verdict);
    }
  }
  for (const [name, series] of Object.entries(state.analysis?.series ?? {}))
    for (const p of series) add(name, sec(p.at), p.green, p.blue, p.verdict);
  for (const [name, last] of Object.entries(state.analysis?.last ?? {}))
    add(name, sec(last.at), last.green, last.blue, last.verdict);
  const all = [...names, ...[...points.keys()].filter((n) => !names.includes(n)).sort()];
  return all.map((name) => {
    const sorted = [...(points.get(name) ?? new Map()).entries()].sort(([a], [b]) => a - b);
    const kept = sorted.slice(-MAX_METRIC_POINTS);
    return {
      name,
      t: kept.map(([t]) => t),
      green: kept.map(([, p]) => p.green),
      blue: kept.map(([, p]) => p.blue),
      verdict: kept.map(([, p]) => p.verdict),
      omitted: sorted.length - kept.length,
    };
  });
}

export function reportData(state: UpgradeState, plan: CompiledPlan, now: Date): ReportData {
  const start = sec(state.createdAt);
  const end = Math.max(sec(state.updatedAt), state.events.length ? sec(state.events.at(-1)!.at) : start);
  const written = { t: [start], green: [0] };
  const observed = { t: [] as number[], green: [] as (number | null)[] };
  const lanes = new Map<string, { t: number; state: string }[]>();
  const note = (name: string, t: number, s: string) => {
    const lane = lanes.get(name) ?? [];
    lanes.set(name, lane);
    lane.push({ t, state: s });
  };
  let target = 0;
  for (const e of state.events) {
    const t = sec(e.at);
    if (e.type === "shift-started") target = plan.steps[(e.step ?? 1) - 1]?.green ?? target;
    if (e.type === "rollback-started") target = 0;
    if (e.type === "shift-submitted" || e.type === "reconciled" || e.type === "rolled-back") {
      if (written.green.at(-1) !== target || e.type === "shift-submitted") {
        written.t.push(t);
        written.green.push(target);
      }
    }
    const o = observedGreen(e);
    if (o !== undefined) {
      observed.t.push(t);
      observed.green.push(o);
    }
    for (const a of e.evidence?.alarms ?? []) note(a.name, t, a.state);
    for (const h of e.evidence?.alarmHistory ?? []) note(h.name, sec(h.at), h.to);
  }
  written.t.push(end);
  written.green.push(state.writtenGreen);
  const alarms: AlarmLane[] = [...lanes.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, points]) => {
      const sorted = [...points].sort((a, b) => a.t - b.t);
      const changes = sorted.filter((p, i) => i === 0 || p.state !== sorted[i - 1]!.state);
      return { name, changes };
    });
  return {
    plan: {
      name: plan.name,
      file: plan.file,
      hash: plan.hash,
      stateHash: state.plan.hash,
      steps: plan.doc.steps.map((s) => ({ green: s.green, bake: s.bake, approval: s.approval })),
    },
    state: {
      phase: state.phase,
      step: state.step,
      writtenGreen: state.writtenGreen,
      reason: storedReasonText(state),
      reasonCode: state.reason.code,
      ...(state.rollbackReason ? { rollbackReason: state.rollbackReason } : {}),
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      events: state.events.length,
    },
    start,
    end,
    written,
    observed,
    alarms,
    metrics: metricSeries(state, plan),
    events: state.events.map((e) => {
      const evidence = compactEvidence(e);
      const { evidence: _drop, ...rest } = e;
      return { ...rest, ...(evidence ? { evidence } : {}) };
    }),
    approvals: state.approvals,
    generatedAt: now.toISOString(),
  };
}
