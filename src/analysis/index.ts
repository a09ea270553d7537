/**
 * Metric analysis: judging green by CloudWatch metrics, against blue, and reading the traffic green
 * really gets. Pure: no I/O, no clock. The shell reads CloudWatch and passes series in.
 *
 * How the parts fit (one evaluation, every `analysis.interval` during a bake):
 *
 * 1. `resolveQueries(doc, "blue")` and `resolveQueries(doc, "green")` give the MetricDataQueries of
 *    each side (ids unique across sides and metrics, variables filled in). Send all of them in one
 *    GetMetricData call (split beyond 500), over [now − window, now).
 * 2. `seriesFor(side.metrics[i], results)` turns the results back into a `SideSeries` keyed by the
 *    plan's query ids; `{ blue, green }` of those is the metric's `MetricReading` (or `{ error }` when
 *    CloudWatch could not be read at all).
 * 3. `judgeMetric(doc.analysis.metrics[i], reading, window)` gives pass | fail | inconclusive | error,
 *    a reason code and the evidence to log.
 * 4. `applyLimits(counts, judgement.verdict, metric)` adds it to the step's counts; status `failed`
 *    fails the step (roll back), `inconclusive` applies the hold policy, `error` holds.
 * 5. With `analysis.split`: `observedSplit(blueCount, greenCount, target, split.tolerance)` from the
 *    Sum of each side's count query (`seriesFor(side.split, results)`, `valuesInWindow`).
 *
 * `metricApplies(metric, step)` says whether a metric is judged at a step (fromStep, fromGreen).
 */
export type {
  Evidence,
  Judgement,
  JudgementReason,
  MetricDataQuery,
  MetricReading,
  Series,
  SeriesStatus,
  SideEvidence,
  SideSeries,
  TestEvidence,
  Verdict,
  Window,
} from "./types.ts";
export { JUDGEMENT_REASONS, SERIES_STATUSES, VERDICTS } from "./types.ts";
export { resolveQueries, seriesFor, sideVariables } from "./resolve.ts";
export type { MetricDataResultLike, ResolvedMetric, ResolvedQueries, ResolvedSide, Side } from "./resolve.ts";
export { DEFAULT_MAX_RATIO, allowedValue, judgeMetric, testConfidence, valuesInWindow } from "./judge.ts";
export type { MetricPlan } from "./judge.ts";
export { NO_COUNTS, METRIC_STATUSES, applyLimits, statusOf } from "./limits.ts";
export type { LimitCounts, Limits, MetricStatus } from "./limits.ts";
export { defaultTolerance, metricApplies, observedSplit } from "./split.ts";
export type { ObservedSplit } from "./split.ts";
export { mannWhitney, normalCdf } from "./mann-whitney.ts";
export { binomialRateTest, binomialUpperTail } from "./binomial.ts";
export type { BinomialResult } from "./binomial.ts";
export type { Alternative, MannWhitneyResult } from "./mann-whitney.ts";
