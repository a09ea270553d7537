/**
 * The vocabulary of metric analysis: what the judge reads (per-side series of datapoints, by the plan's
 * query ids) and what it gives back (a verdict with its evidence). Plain data, JSON-safe.
 */

/** A MetricDataQuery as CloudWatch's GetMetricData takes it (structurally the SDK's type). */
export interface MetricDataQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
  Expression?: string;
  Label?: string;
  ReturnData: boolean;
}

/** CloudWatch's StatusCode of one query's result. */
export const SERIES_STATUSES = ["Complete", "PartialData", "InternalError", "Forbidden"] as const;
export type SeriesStatus = (typeof SERIES_STATUSES)[number];

/** One query's datapoints: parallel arrays, timestamps in epoch milliseconds (any order). */
export interface Series {
  timestamps: readonly number[];
  values: readonly number[];
  /** Default Complete. InternalError and Forbidden make the evaluation an error; PartialData is judged. */
  status?: SeriesStatus;
  /** CloudWatch's Messages for this query, kept as evidence. */
  messages?: readonly string[];
}

/** One side's series, keyed by the plan's query id (`errors`, not the resolved `g0_errors`). */
export type SideSeries = Readonly<Record<string, Series>>;

/** What one evaluation read for one metric: both sides, or why nothing could be read. */
export type MetricReading =
  | { blue: SideSeries; green: SideSeries }
  /** CloudWatch could not be read (throttled past retries, access denied, …): the verdict is error. */
  | { error: { code: string; message: string } };

/** The window judged: [start, end) in epoch milliseconds. */
export interface Window {
  start: number;
  end: number;
}

export const VERDICTS = ["pass", "fail", "inconclusive", "error"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Why the judge gave its verdict; stable kebab-case codes (words only where shown). */
export const JUDGEMENT_REASONS = [
  "within-limits",
  "not-significant",
  "above-threshold",
  "below-threshold",
  "worse-than-blue",
  "no-data",
  "no-data-blue",
  "not-enough-data",
  "not-enough-requests",
  "unreadable",
] as const;
export type JudgementReason = (typeof JUDGEMENT_REASONS)[number];

/** One side's numbers in the window. */
export interface SideEvidence {
  /** Mean of the judged query's datapoints in the window; null without datapoints. */
  value: number | null;
  datapoints: number;
  /** Sum of the minData.requests query in the window, when the plan names one. */
  requests?: number;
}

export type TestEvidence =
  | {
      kind: "mann-whitney";
      /** U of green's datapoints against blue's. */
      u: number;
      z: number;
      /** One-sided, in the direction in which green is worse. */
      pValue: number;
      confidence: number;
      significant: boolean;
    }
  | {
      kind: "binomial";
      /** Green's events (sum of the count query) and all events of both sides in the window. */
      events: number;
      totalEvents: number;
      /** Green's share of the requests: its expected share of the events if the rates were equal. */
      expectedShare: number;
      /** One-sided, in the direction in which green is worse. */
      pValue: number;
      confidence: number;
      significant: boolean;
    };

export interface Evidence {
  window: Window;
  green: SideEvidence;
  /** Present when the metric compares with blue. */
  blue?: SideEvidence;
  threshold?: { max?: number; min?: number };
  /** The comparison: the worst value green may have given blue's, and green's distance from blue. */
  compare?: {
    direction: "higher-is-worse" | "lower-is-worse";
    allowed: number;
    difference: number;
    ratio: number | null;
  };
  test?: TestEvidence;
  /** Query statuses other than Complete, and CloudWatch's messages, as read. */
  notes?: string[];
}

export interface Judgement {
  metric: string;
  verdict: Verdict;
  reason: JudgementReason;
  evidence: Evidence;
  /** When the verdict is error: what could not be read. */
  error?: { code: string; message: string };
}
