/**
 * Metric analysis: judging green by CloudWatch metrics, against blue, and reading the traffic green
 * really gets. Pure: no I/O, no clock. The shell reads CloudWatch and passes series in.
 *
 * How the parts fit (one evaluation, every `analysis.interval` during a bake):
 *
 * 1. `resolveQueries(doc, "blue")` and `resolveQueries(doc, "green")` give the MetricDataQueries of
 *    each side (ids unique across sides and metrics, variables filled in). `packCalls([blue, green])`
 *    packs them into GetMetricData calls of at most 500 queries (one call for up to 500), each over
 *    [now − longest window, now), following NextToken.
 * 2. `readings(blue, green, results)` gives each metric's `MetricReading` (series keyed by the plan's
 *    query ids, through `seriesFor`), or pass `{ error }` when CloudWatch could not be read at all.
 * 3. `judgeMetric(doc.analysis.metrics[i], reading, window)` gives pass | fail | inconclusive | error,
 *    a reason code and the evidence to log.
 * 4. `applyLimits(counts, judgement.verdict, metric)` adds it to the step's counts; status `failed`
 *    fails the step (roll back), `inconclusive` applies the hold policy, `error` holds.
 * 5. With `analysis.split`: `observedSplitFrom(blue.split, green.split, results, window, target,
 *    split.tolerance)`, i.e. `observedSplit(blueCount, greenCount, target, tolerance)` of the Sums.
 *
 * For the preview, `resolveAnalysis(doc)` gives `analysis[]` as `plan --output json` shows it.
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
export { MAX_QUERIES_PER_CALL, observedSplitFrom, packCalls, readings, resolveAnalysis } from "./calls.ts";
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
