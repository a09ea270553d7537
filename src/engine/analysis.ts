/**
 * Metric analysis inside a tick, pure: when an evaluation is due (`analysisWindow`, for the shell to
 * read), and what one evaluation's readings do to the verdict (`withAnalysis`): each applying metric is
 * judged, its verdict counted within the step (Argo Rollouts' limits, reset on a new step), and the
 * metric's status joins the verdict: failed → fail (roll back, pre-empting the other gates), past the
 * inconclusive limit → inconclusive (the hold policy), unreadable → error (hold). Missing data is
 * inconclusive, never fail, unless the metric says mustHaveData.
 */
import {
  NO_COUNTS,
  applyLimits,
  judgeMetric,
  metricApplies,
  readings,
  resolveQueries,
  statusOf,
  type Judgement,
  type LimitCounts,
  type MetricReading,
  type MetricStatus,
} from "../analysis/index.ts";
import { parseDuration } from "../plan/duration.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { AnalysisMetricDoc } from "../plan/schema.ts";
import type { AnalysisState, MetricLast, MetricPoint } from "./analysis-state.ts";
import type { Draft } from "./draft.ts";
import type { Observation } from "./observation.ts";
import type { Phase, UpgradeState } from "./state.ts";
import type { Verdict } from "./verdict.ts";

/** Phases in which green carries traffic that the gates watch: metrics are evaluated there. */
const EVALUATED: readonly Phase[] = ["baking", "awaiting-approval", "holding", "waiting-to-retire"];

/** The longest lookback any metric or the split needs (ms). */
export function longestWindowMs(plan: CompiledPlan): number {
  const a = plan.doc.analysis;
  if (!a) return 0;
  const windows = [...a.metrics.map((m) => m.window), ...(a.split ? [a.split.window] : [])];
  return Math.max(0, ...windows.map(parseDuration));
}

/** Whether the current step still waits for its observed split to converge (its bake not started). */
export function awaitingSplit(state: UpgradeState, plan: CompiledPlan): boolean {
  return (
    plan.doc.analysis?.split !== undefined &&
    state.phase === "baking" &&
    state.step > 0 &&
    state.analysis?.convergedStep !== state.step
  );
}

/** What the shell reads this tick: every query over the longest window, or the split's queries only. */
export interface AnalysisRead {
  start: Date;
  end: Date;
  /** "split": a converging step's read between evaluations, of the split's count queries only. */
  only?: "split";
}

/**
 * What to read this tick, or undefined when nothing is due: the plan has analysis, green carries
 * traffic under watch, and either an evaluation is due (`analysis.interval` has passed since the last;
 * every metric and the split, over the longest window) or, while the step's split is converging, a
 * split read is due (the split's queries only, over the split window).
 *
 * The cadence of the split reads: once per the split query's period, and never less often than the
 * interval (an evaluation reads the split's queries too), i.e. every min(period, interval). A count
 * query's sums gain a datapoint once per period, so reading it more often reads the same sums again;
 * reading it less often than the interval would make a step wait for convergence longer than the plan
 * asks analysis to look. So with ALB metrics (60 s) and `interval: 1m` a converging step reads once a
 * minute (one evaluation) instead of every poll; with 10 s high-resolution counts and a 1 m interval,
 * six reads a minute, five of them of the two split queries only. The metrics are judged at the
 * interval only (`withAnalysis`), whatever the split reads.
 */
export function analysisWindow(state: UpgradeState, plan: CompiledPlan, now: Date): AnalysisRead | undefined {
  const a = plan.doc.analysis;
  if (!a || (a.metrics.length === 0 && !a.split)) return undefined;
  if (!EVALUATED.includes(state.phase) || state.step === 0 || state.intent) return undefined;
  if (evaluationDue(state.analysis?.lastEvaluatedAt, plan, now)) {
    return { start: new Date(now.getTime() - longestWindowMs(plan)), end: now };
  }
  if (!a.split || !awaitingSplit(state, plan)) return undefined;
  const read = [state.analysis?.lastEvaluatedAt, state.analysis?.observedSplit?.at]
    .filter((x) => x !== undefined)
    .map((x) => Date.parse(x));
  const last = read.length > 0 ? Math.max(...read) : undefined;
  if (last !== undefined && now.getTime() - last < splitCadenceMs(plan)) return undefined;
  return { start: new Date(now.getTime() - parseDuration(a.split.window)), end: now, only: "split" };
}

/** Whether metrics are evaluated now: never yet, or `analysis.interval` since the last evaluation. */
function evaluationDue(lastEvaluatedAt: string | undefined, plan: CompiledPlan, now: Date): boolean {
  return lastEvaluatedAt === undefined || now.getTime() - Date.parse(lastEvaluatedAt) >= intervalMs(plan);
}

/** How often a converging split is read: min(the split queries' shortest period, interval); see analysisWindow. */
function splitCadenceMs(plan: CompiledPlan): number {
  const periods = (plan.doc.analysis?.split?.queries ?? []).flatMap((q) =>
    q.metricStat ? [q.metricStat.period * 1000] : [],
  );
  return Math.min(intervalMs(plan), ...periods);
}

function intervalMs(plan: CompiledPlan): number {
  return parseDuration(plan.doc.analysis?.interval ?? "1m");
}

/** The metrics judged at the current step. */
export function applyingMetrics(state: UpgradeState, plan: CompiledPlan): AnalysisMetricDoc[] {
  const metrics = plan.doc.analysis?.metrics ?? [];
  return metrics.filter((m) => metricApplies(m, { index: state.step, green: state.writtenGreen }));
}

/**
 * The analysis state of the current step: counts and last verdicts from an earlier step, or from before
 * a `resume` (the person has seen what made it stop), are dropped.
 */
function stepState(s: UpgradeState): AnalysisState {
  const a: AnalysisState = s.analysis ?? {};
  if (a.step !== s.step || a.since !== s.alarmsSince) {
    delete a.counts;
    delete a.last;
    a.step = s.step;
    if (s.alarmsSince) a.since = s.alarmsSince;
    else delete a.since;
  }
  s.analysis = a;
  return a;
}

/**
 * Evaluations kept per metric in `state.analysis.series`: 360 is 6 h at the default 1 m interval, more
 * than a plan's bakes usually last, so a whole upgrade's evaluations stay for the report (at a 10 s
 * interval, the last hour). The state is rewritten every tick and the report page must stay under 2 MB
 * even for a 1,000-pair plan, so the series is also bounded over all metrics: past 6 metrics they share
 * 2,400 points (10 metrics keep 240 each, 4 h at 1 m; about 150 bytes a point in the pretty-printed
 * state, so at most about 0.35 MB).
 */
export const SERIES_PER_METRIC = 360;
export const SERIES_TOTAL = 2400;

/** How many evaluations each metric keeps, for a plan with `metrics` metrics (at least 1). */
export function seriesLimit(metrics: number): number {
  return Math.max(1, Math.min(SERIES_PER_METRIC, Math.floor(SERIES_TOTAL / Math.max(1, metrics))));
}

/** Appends one evaluation to a metric's series, dropping the oldest beyond `limit`. */
export function pushPoint(
  series: readonly MetricPoint[] | undefined,
  point: MetricPoint,
  limit: number,
): MetricPoint[] {
  return [...(series ?? []), point].slice(-limit);
}

/** Judges every applying metric from one observation (its readings, or the reason none exist). */
export function judgeAll(
  plan: CompiledPlan,
  metrics: readonly AnalysisMetricDoc[],
  obs: NonNullable<Observation["analysis"]>,
  now: Date,
): Judgement[] {
  const end = obs.ok ? Date.parse(obs.value.end) : now.getTime();
  let read: Map<string, MetricReading> | undefined;
  if (obs.ok) {
    read = readings(resolveQueries(plan.doc, "blue"), resolveQueries(plan.doc, "green"), obs.value.results);
  }
  return metrics.map((m) => {
    const reading: MetricReading = read?.get(m.name) ?? {
      error: { code: "cloudwatch-unreadable", message: obs.ok ? "no reading" : obs.error },
    };
    return judgeMetric(m, reading, { start: end - parseDuration(m.window), end });
  });
}

const STATUS_WORDS: Record<Exclude<MetricStatus, "running">, string> = {
  failed: "failed",
  inconclusive: "was inconclusive",
  error: "could not be read",
};

function limitWords(m: AnalysisMetricDoc, status: MetricStatus, c: LimitCounts): string {
  if (status === "failed")
    return `${c.fail} failed evaluation(s) this step, more than failureLimit ${m.failureLimit}`;
  if (status === "inconclusive")
    return `${c.inconclusive} inconclusive evaluation(s) this step, more than inconclusiveLimit ${m.inconclusiveLimit}`;
  return `${c.consecutiveErrors} unreadable evaluation(s) in a row, more than consecutiveErrorLimit ${m.consecutiveErrorLimit}`;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return "no data";
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

/** One line for a judgement: `error-rate fail (worse-than-blue): green 2.1, blue 0.1`. */
export function judgementWords(j: Judgement): string {
  const blue = j.evidence.blue ? `, blue ${fmt(j.evidence.blue.value)}` : "";
  return `${j.metric} ${j.verdict} (${j.reason}): green ${fmt(j.evidence.green.value)}${blue}`;
}

/**
 * Joins metric analysis to the tick's verdict: judges this tick's readings (when read), counts them
 * within the step, keeps each evaluation's values in the metric's bounded series (`seriesLimit`), logs
 * an `analysis` event when a metric's verdict changes or it fails or errs, and adds each metric's status
 * to the verdict. Returns the joined verdict.
 */
export function withAnalysis(d: Draft, obs: Observation, verdict: Verdict): Verdict {
  const s = d.state;
  if (!d.plan.doc.analysis || s.step === 0 || !EVALUATED.includes(s.phase)) return verdict;
  const metrics = applyingMetrics(s, d.plan);
  const a = stepState(s);
  // Metrics are judged once per interval, never from a converging split's read (it holds no metric).
  if (obs.analysis && !obs.analysis.splitOnly && evaluationDue(a.lastEvaluatedAt, d.plan, d.now)) {
    a.lastEvaluatedAt = d.iso;
    const judged = judgeAll(d.plan, metrics, obs.analysis, d.now);
    const counts = { ...(a.counts ?? {}) };
    const last: Record<string, MetricLast> = { ...(a.last ?? {}) };
    const series = { ...(a.series ?? {}) };
    const limit = seriesLimit(d.plan.doc.analysis.metrics.length);
    const logged: Judgement[] = [];
    judged.forEach((j, i) => {
      const m = metrics[i]!;
      const before = last[m.name]?.verdict;
      counts[m.name] = applyLimits(counts[m.name] ?? NO_COUNTS, j.verdict, m).counts;
      last[m.name] = {
        verdict: j.verdict,
        reason: j.reason,
        at: d.iso,
        green: j.evidence.green.value,
        blue: j.evidence.blue?.value ?? null,
      };
      // Every evaluation joins the metric's bounded series (the event log keeps the changes only).
      const { green, blue } = last[m.name]!;
      series[m.name] = pushPoint(series[m.name], { at: d.iso, blue, green, verdict: j.verdict }, limit);
      if (j.verdict !== before || j.verdict === "fail" || j.verdict === "error") logged.push(j);
    });
    a.counts = counts;
    a.last = last;
    a.series = series;
    if (logged.length > 0) {
      d.event("analysis", `Metric analysis: ${logged.map(judgementWords).join("; ")}.`, {
        evidence: {
          analysis: logged.map((j) => ({
            metric: j.metric,
            verdict: j.verdict,
            reason: j.reason,
            ...j.evidence,
            ...(j.error ? { error: j.error } : {}),
            counts: counts[j.metric],
          })),
          ...(obs.analysis.ok ? { getMetricDataCalls: obs.analysis.value.calls } : {}),
        },
      });
    }
  }
  const fail: string[] = [];
  const hold: string[] = [];
  const errors: string[] = [];
  for (const m of metrics) {
    const c = a.counts?.[m.name];
    const status = c ? statusOf(c, m) : "running";
    const last = a.last?.[m.name];
    const words = `metric ${m.name} ${status === "running" ? "" : STATUS_WORDS[status]}`;
    if (status === "failed") fail.push(`${words}: ${c ? limitWords(m, status, c) : ""}`);
    else if (status === "inconclusive") hold.push(`${words}: ${limitWords(m, status, c!)}`);
    else if (status === "error") errors.push(`${words}: ${limitWords(m, status, c!)}`);
    // The last evaluation could not read CloudWatch: hold until one can (as any unreadable part).
    else if (last?.verdict === "error") errors.push(`cannot read CloudWatch metrics for ${m.name}`);
  }
  // The metrics' last evaluations go with every verdict: evidence on hold, rollback and bake-complete.
  const summary = metrics.flatMap((m) => {
    const last = a.last?.[m.name];
    return last ? [{ metric: m.name, ...last, counts: a.counts?.[m.name] }] : [];
  });
  const evidence = summary.length > 0 ? { ...verdict.evidence, analysis: summary } : verdict.evidence;
  if (fail.length + hold.length + errors.length === 0) return { ...verdict, evidence };
  const all = {
    fail: [...(verdict.kind === "fail" ? verdict.reasons : []), ...fail],
    error: [...(verdict.kind === "error" ? verdict.reasons : []), ...errors],
    inconclusive: [...(verdict.kind === "inconclusive" ? verdict.reasons : []), ...hold],
  };
  const kind =
    all.fail.length > 0
      ? "fail"
      : all.error.length > 0
        ? "error"
        : all.inconclusive.length > 0
          ? "inconclusive"
          : "pass";
  const reasons = kind === "pass" ? [] : all[kind];
  return { kind, reasons, evidence: { ...evidence, verdict: kind } };
}
