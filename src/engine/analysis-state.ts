/**
 * What the state remembers of metric analysis (absent in older states, and in plans without
 * `analysis`): when metrics were last evaluated, each metric's limit counts within the current step and
 * its last verdict and values (for `status`), the observed split of the current step, and a bounded
 * series of every evaluation's values per metric (for the report page).
 */
import { z } from "zod";

const Iso = z.iso.datetime({ offset: true });

export const METRIC_VERDICTS = ["pass", "fail", "inconclusive", "error"] as const;

export const MetricCounts = z.strictObject({
  pass: z.number().int().min(0),
  fail: z.number().int().min(0),
  inconclusive: z.number().int().min(0),
  error: z.number().int().min(0),
  consecutiveErrors: z.number().int().min(0),
});

export const MetricLast = z.strictObject({
  verdict: z.enum(METRIC_VERDICTS),
  reason: z.string(),
  at: Iso,
  green: z.number().nullable(),
  blue: z.number().nullable(),
});
export type MetricLast = z.infer<typeof MetricLast>;

/** One evaluation of one metric: when, each side's value (null: no data) and the verdict. */
export const MetricPoint = z.strictObject({
  at: Iso,
  blue: z.number().nullable(),
  green: z.number().nullable(),
  verdict: z.enum(METRIC_VERDICTS),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

export const AnalysisState = z.strictObject({
  /** When the last evaluation's readings were judged. */
  lastEvaluatedAt: Iso.optional(),
  /** The step the counts belong to: a new step starts them from zero. */
  step: z.number().int().min(0).optional(),
  /** The state's `alarmsSince` when the counts began: a `resume` (which moves it) starts them afresh. */
  since: Iso.optional(),
  /** Limit counts per metric within `step`. */
  counts: z.record(z.string(), MetricCounts).optional(),
  /** Each metric's last evaluation (within `step`). */
  last: z.record(z.string(), MetricLast).optional(),
  /** The observed split last read: green's share (null without requests), the weight written, when. */
  observedSplit: z
    .strictObject({ green: z.number().nullable(), target: z.number(), tolerance: z.number(), at: Iso })
    .optional(),
  /** The step whose observed split converged (its bake started then). */
  convergedStep: z.number().int().min(0).optional(),
  /**
   * Every evaluation per metric, oldest first, across steps: a ring of the latest ones (analysis.ts
   * `seriesLimit`), so the report charts each evaluation while `history` logs only verdict changes.
   * Absent in older states.
   */
  series: z.record(z.string(), z.array(MetricPoint)).optional(),
});
export type AnalysisState = z.infer<typeof AnalysisState>;
