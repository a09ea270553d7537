/**
 * The observed split: green's share of requests over the split window, against the weight written, and
 * whether it is within tolerance. Which steps a metric judges (fromStep, fromGreen) lives here too.
 */
import type { AnalysisMetricDoc } from "../plan/schema.ts";

export interface ObservedSplit {
  /** Green's observed share in percent (one decimal), or null without any request counted. */
  green: number | null;
  /** The weight written, in percent. */
  target: number;
  /** Allowed distance in percentage points. */
  tolerance: number;
  converged: boolean;
}

/** The default tolerance: within max(2 points, 25% of the target). */
export function defaultTolerance(target: number): number {
  return Math.max(2, 0.25 * target);
}

/**
 * Green's share = green ÷ (green + blue) of the request counts; converged when it is within the
 * tolerance of the target. No requests (or unreadable counts) is not converged.
 */
export function observedSplit(
  blueCount: number,
  greenCount: number,
  target: number,
  tolerance?: number,
): ObservedSplit {
  const allowed = tolerance ?? defaultTolerance(target);
  const ok = Number.isFinite(blueCount) && Number.isFinite(greenCount) && blueCount >= 0 && greenCount >= 0;
  const total = blueCount + greenCount;
  if (!ok || total <= 0) return { green: null, target, tolerance: allowed, converged: false };
  const green = Math.round((1000 * greenCount) / total) / 10;
  return { green, target, tolerance: allowed, converged: Math.abs(green - target) <= allowed + 1e-9 };
}

/** Whether a metric is judged at a step (1-based index, green's percent there). */
export function metricApplies(
  metric: Pick<AnalysisMetricDoc, "fromStep" | "fromGreen">,
  step: { index: number; green: number },
): boolean {
  return step.index >= (metric.fromStep ?? 1) && step.green >= (metric.fromGreen ?? 0);
}
