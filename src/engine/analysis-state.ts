/**
 * What the state remembers of metric analysis (absent in older states, and in plans without
 * `analysis`): when metrics were last evaluated, each metric's limit counts within the current step and
 * its last verdict and values (for `status`), and the observed split of the current step.
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
});
export type AnalysisState = z.infer<typeof AnalysisState>;
