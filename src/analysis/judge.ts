/**
 * The judge of one metric evaluation: green's datapoints in the window against a threshold and/or
 * against blue's, optionally with a Mann-Whitney U test. Pure: series in, verdict and evidence out.
 *
 * Order of the rules: unreadable → error; no datapoint on green → inconclusive (fail with
 * mustHaveData); less than minData on a judged side → inconclusive (never fail); then the threshold
 * and the comparison, either of which fails the evaluation.
 */
import type { AnalysisMetricDoc } from "../plan/schema.ts";
import { mannWhitney } from "./mann-whitney.ts";
import { binomialRateTest } from "./binomial.ts";
import type {
  Evidence,
  Judgement,
  JudgementReason,
  MetricReading,
  Series,
  SideEvidence,
  SideSeries,
  TestEvidence,
  Verdict,
  Window,
} from "./types.ts";

/** The test's confidence: the plan's, else 0.995 for binomial (tuned by bench/judgement.ts) and 0.95 for Mann-Whitney. */
export function testConfidence(test: Pick<NonNullable<MetricPlan["test"]>, "kind" | "confidence">): number {
  return test.confidence ?? (test.kind === "binomial" ? 0.995 : 0.95);
}

/** green ÷ blue allowed when `compare` gives neither maxRatio nor maxIncrease. */
export const DEFAULT_MAX_RATIO = 1.5;

/** The metric's plan: its queries decide which series are read; the rest decides the verdict. */
export type MetricPlan = Pick<
  AnalysisMetricDoc,
  "name" | "queries" | "threshold" | "compare" | "test" | "minData" | "mustHaveData"
>;

/** Finite values of a series whose timestamps fall in [start, end). */
export function valuesInWindow(series: Series | undefined, window: Window): number[] {
  if (!series) return [];
  const out: number[] = [];
  const n = Math.min(series.timestamps.length, series.values.length);
  for (let i = 0; i < n; i++) {
    const t = series.timestamps[i]!;
    const v = series.values[i]!;
    if (t >= window.start && t < window.end && Number.isFinite(v)) out.push(v);
  }
  return out;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function side(
  metric: MetricPlan,
  data: SideSeries,
  window: Window,
): { values: number[]; evidence: SideEvidence } {
  const valueId = metric.queries[metric.queries.length - 1]!.id;
  const values = valuesInWindow(data[valueId], window);
  const evidence: SideEvidence = { value: mean(values), datapoints: values.length };
  const requests = metric.minData.requests;
  if (requests) evidence.requests = sum(valuesInWindow(data[requests.query], window));
  return { values, evidence };
}

/** The worst value green may have, given blue's value: the larger allowance of maxIncrease and maxRatio. */
export function allowedValue(compare: NonNullable<MetricPlan["compare"]>, blue: number): number {
  const { maxIncrease, direction } = compare;
  const maxRatio = compare.maxRatio ?? (maxIncrease === undefined ? DEFAULT_MAX_RATIO : undefined);
  const higher = direction === "higher-is-worse";
  const limits: number[] = [];
  if (maxIncrease !== undefined) limits.push(higher ? blue + maxIncrease : blue - maxIncrease);
  if (maxRatio !== undefined) limits.push(higher ? blue * maxRatio : blue / maxRatio);
  return higher ? Math.max(...limits) : Math.min(...limits);
}

function neededSeries(metric: MetricPlan, reading: { blue: SideSeries; green: SideSeries }): Series[] {
  const ids = [metric.queries[metric.queries.length - 1]!.id];
  if (metric.minData.requests) ids.push(metric.minData.requests.query);
  if (metric.test?.kind === "binomial")
    ids.push(...[metric.test.count, metric.test.total].filter((x) => x !== undefined));
  const sides = metric.compare ? [reading.green, reading.blue] : [reading.green];
  return sides.flatMap((s) => ids.map((id) => s[id]).filter((x): x is Series => x !== undefined));
}

function result(
  metric: MetricPlan,
  verdict: Verdict,
  reason: JudgementReason,
  evidence: Evidence,
): Judgement {
  return { metric: metric.name, verdict, reason, evidence };
}

function runTest(
  test: NonNullable<MetricPlan["test"]>,
  reading: { blue: SideSeries; green: SideSeries },
  greenValues: number[],
  blueValues: number[],
  higher: boolean,
  window: Window,
): TestEvidence {
  const confidence = testConfidence(test);
  if (test.kind === "binomial" && test.count !== undefined && test.total !== undefined) {
    const counts = (data: SideSeries) => ({
      events: sum(valuesInWindow(data[test.count!], window)),
      requests: sum(valuesInWindow(data[test.total!], window)),
    });
    const g = counts(reading.green);
    const b = counts(reading.blue);
    const t = binomialRateTest(g, b, higher ? "greater" : "less");
    const significant = t.pValue < 1 - confidence;
    return {
      kind: "binomial",
      events: t.events,
      totalEvents: Math.round(g.events + b.events),
      expectedShare: t.expectedShare,
      pValue: t.pValue,
      confidence,
      significant,
    };
  }
  const t = mannWhitney(greenValues, blueValues, higher ? "greater" : "less");
  const significant = t.pValue < 1 - confidence;
  return { kind: "mann-whitney", u: t.u, z: t.z, pValue: t.pValue, confidence, significant };
}

/** Judges one evaluation of `metric` over `window` from what was read. */
export function judgeMetric(metric: MetricPlan, reading: MetricReading, window: Window): Judgement {
  const empty: SideEvidence = { value: null, datapoints: 0 };
  if ("error" in reading) {
    return { ...result(metric, "error", "unreadable", { window, green: empty }), error: reading.error };
  }
  const green = side(metric, reading.green, window);
  const blue = metric.compare ? side(metric, reading.blue, window) : undefined;
  const evidence: Evidence = { window, green: green.evidence, ...(blue ? { blue: blue.evidence } : {}) };
  const needed = neededSeries(metric, reading);
  const notes = needed.flatMap((s) => [
    ...(s.status && s.status !== "Complete" ? [s.status] : []),
    ...(s.messages ?? []),
  ]);
  if (notes.length) evidence.notes = [...new Set(notes)];
  const broken = needed.find((s) => s.status === "InternalError" || s.status === "Forbidden");
  if (broken) {
    return {
      ...result(metric, "error", "unreadable", evidence),
      error: {
        code: `cloudwatch-${broken.status!.toLowerCase()}`,
        message: (broken.messages ?? []).join("; ") || broken.status!,
      },
    };
  }

  if (green.values.length === 0) {
    return result(metric, metric.mustHaveData ? "fail" : "inconclusive", "no-data", evidence);
  }
  if (blue && blue.values.length === 0) return result(metric, "inconclusive", "no-data-blue", evidence);
  const minPoints = metric.minData.datapoints;
  if (green.values.length < minPoints || (blue && blue.values.length < minPoints)) {
    return result(metric, "inconclusive", "not-enough-data", evidence);
  }
  const minRequests = metric.minData.requests?.min;
  if (
    minRequests !== undefined &&
    ((green.evidence.requests ?? 0) < minRequests ||
      (blue !== undefined && (blue.evidence.requests ?? 0) < minRequests))
  ) {
    return result(metric, "inconclusive", "not-enough-requests", evidence);
  }

  const g = green.evidence.value!;
  const { threshold } = metric;
  let failed: JudgementReason | undefined;
  if (threshold && (threshold.max !== undefined || threshold.min !== undefined)) {
    evidence.threshold = { ...threshold };
    if (threshold.max !== undefined && g > threshold.max) failed = "above-threshold";
    else if (threshold.min !== undefined && g < threshold.min) failed = "below-threshold";
  }
  let notSignificant = false;
  if (metric.compare && blue) {
    const b = blue.evidence.value!;
    const higher = metric.compare.direction === "higher-is-worse";
    const allowed = allowedValue(metric.compare, b);
    evidence.compare = {
      direction: metric.compare.direction,
      allowed,
      difference: g - b,
      ratio: b === 0 ? null : g / b,
    };
    const beyond = higher ? g > allowed : g < allowed;
    let significant = true;
    if (metric.test) {
      evidence.test = runTest(metric.test, reading, green.values, blue.values, higher, window);
      significant = evidence.test.significant;
    }
    if (beyond && significant) failed ??= "worse-than-blue";
    else if (beyond) notSignificant = true;
  }
  if (failed) return result(metric, "fail", failed, evidence);
  return result(metric, "pass", notSignificant ? "not-significant" : "within-limits", evidence);
}
