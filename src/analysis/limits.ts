/**
 * Argo Rollouts' measurement limits, counted within one step: a metric fails once its failed evaluations
 * exceed failureLimit, is inconclusive once inconclusive ones exceed inconclusiveLimit, and is an error
 * once errors in a row exceed consecutiveErrorLimit. Pure: counts and a verdict in, counts and status out.
 */
import type { AnalysisMetricDoc } from "../plan/schema.ts";
import type { Verdict } from "./types.ts";

export interface LimitCounts {
  pass: number;
  fail: number;
  inconclusive: number;
  error: number;
  /** Errors since the last evaluation that was not an error. */
  consecutiveErrors: number;
}

/** running: no limit reached; the other three name the limit that was (failed pre-empts the rest). */
export const METRIC_STATUSES = ["running", "failed", "inconclusive", "error"] as const;
export type MetricStatus = (typeof METRIC_STATUSES)[number];

export type Limits = Pick<AnalysisMetricDoc, "failureLimit" | "inconclusiveLimit" | "consecutiveErrorLimit">;

export const NO_COUNTS: LimitCounts = Object.freeze({
  pass: 0,
  fail: 0,
  inconclusive: 0,
  error: 0,
  consecutiveErrors: 0,
});

/** Adds one evaluation's verdict to the step's counts and says which limit, if any, is now passed. */
export function applyLimits(
  counts: LimitCounts,
  verdict: Verdict,
  limits: Limits,
): { counts: LimitCounts; status: MetricStatus } {
  const next: LimitCounts = {
    ...counts,
    [verdict]: counts[verdict] + 1,
    consecutiveErrors: verdict === "error" ? counts.consecutiveErrors + 1 : 0,
  };
  return { counts: next, status: statusOf(next, limits) };
}

/** The status the counts give (Argo Rollouts' order: failed, then inconclusive, then error). */
export function statusOf(counts: LimitCounts, limits: Limits): MetricStatus {
  if (counts.fail > limits.failureLimit) return "failed";
  if (counts.inconclusive > limits.inconclusiveLimit) return "inconclusive";
  if (counts.consecutiveErrors > limits.consecutiveErrorLimit) return "error";
  return "running";
}
