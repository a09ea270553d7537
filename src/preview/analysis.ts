/**
 * The metric-analysis part of the preview: each metric's fully resolved MetricDataQueries per side, the
 * steps at which it judges, and live its latest value on both sides (no data at all is a warning
 * finding, an error with mustHaveData); the split's queries; and the metrics' detection time (the
 * analysis interval × evaluations to reach failureLimit, plus the metric's period). Pure.
 */
import {
  metricApplies,
  readings,
  resolveAnalysis,
  resolveQueries,
  type MetricDataQuery,
  type SideSeries,
} from "../analysis/index.ts";
import type { Finding, Observation } from "../engine/observation.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { parseDuration } from "../plan/duration.ts";
import type { AnalysisMetricDoc } from "../plan/schema.ts";

/** How far back the live preview looks for each metric's latest datapoint. */
export const LATEST_LOOKBACK_MS = 3_600_000;

export interface LatestValue {
  /** The last datapoint of the judged query in the lookback, or null when there is none. */
  value: number | null;
  at: string | null;
}

export interface AnalysisMetricPreview {
  name: string;
  queries: { blue: MetricDataQuery[]; green: MetricDataQuery[] };
  /** Step numbers (from 1) at which the metric is judged. */
  steps: number[];
  judges: { threshold: boolean; compare: boolean; test: string | null };
  /** Live only: the latest value on each side; null offline or when CloudWatch could not be read. */
  latest: { blue: LatestValue; green: LatestValue } | null;
}

export interface AnalysisPreview {
  interval: string;
  metrics: AnalysisMetricPreview[];
  split: { queries: { blue: MetricDataQuery[]; green: MetricDataQuery[] }; tolerance: string } | null;
}

function latest(m: AnalysisMetricDoc, data: SideSeries): LatestValue {
  const s = data[m.queries[m.queries.length - 1]!.id];
  let best: { t: number; v: number } | undefined;
  const n = Math.min(s?.timestamps.length ?? 0, s?.values.length ?? 0);
  for (let i = 0; i < n; i++) {
    const t = s!.timestamps[i]!;
    const v = s!.values[i]!;
    if (Number.isFinite(v) && (!best || t > best.t)) best = { t, v };
  }
  return best ? { value: best.v, at: new Date(best.t).toISOString() } : { value: null, at: null };
}

export function analysisPreview(
  plan: CompiledPlan,
  observation: Observation | undefined,
): { analysis: AnalysisPreview | null; findings: Finding[] } {
  const a = plan.doc.analysis;
  if (!a) return { analysis: null, findings: [] };
  const resolved = resolveAnalysis(plan.doc);
  const part = observation?.analysis;
  const findings: Finding[] = [];
  if (part && !part.ok) {
    findings.push({
      severity: "warning",
      code: "analysis-unreadable",
      message: `Cannot read the analysis metrics from CloudWatch: ${part.error}`,
    });
  }
  const read = part?.ok
    ? readings(resolveQueries(plan.doc, "blue"), resolveQueries(plan.doc, "green"), part.value.results)
    : undefined;
  const metrics = a.metrics.map((m, i): AnalysisMetricPreview => {
    const r = read?.get(m.name);
    const values = r && !("error" in r) ? { blue: latest(m, r.blue), green: latest(m, r.green) } : null;
    if (values) {
      const none = (["blue", "green"] as const).filter(
        (side) => values[side].value === null && (side === "green" || m.compare),
      );
      if (none.length > 0) {
        findings.push({
          severity: m.mustHaveData ? "error" : "warning",
          code: "analysis-no-data",
          message: `Metric ${m.name} has no datapoint on ${none.join(" or ")} in the last hour: check its queries and the per-side variables${m.mustHaveData ? " (mustHaveData: no data fails the step)" : "; without data it is inconclusive, never failed"}.`,
          subject: m.name,
        });
      }
    }
    return {
      name: m.name,
      queries: resolved[i]!.queries,
      steps: plan.steps
        .filter((s) => metricApplies(m, { index: s.index, green: s.green }))
        .map((s) => s.index),
      judges: {
        threshold: m.threshold !== undefined,
        compare: m.compare !== undefined,
        test: m.test?.kind ?? null,
      },
      latest: values,
    };
  });
  const blue = resolveQueries(plan.doc, "blue").split;
  const green = resolveQueries(plan.doc, "green").split;
  return {
    analysis: {
      interval: a.interval,
      metrics,
      split:
        blue && green && a.split
          ? {
              queries: { blue: blue.queries, green: green.queries },
              tolerance:
                a.split.tolerance === undefined ? "max(2, 25% of the weight)" : `${a.split.tolerance} points`,
            }
          : null,
    },
    findings,
  };
}

/** The metric gates' own worst-case detection: evaluations to pass failureLimit, plus the metric's period. */
export function analysisDetection(plan: CompiledPlan): { what: string; seconds: number }[] | undefined {
  const a = plan.doc.analysis;
  if (!a || a.metrics.length === 0) return undefined;
  const interval = parseDuration(a.interval) / 1000;
  const evaluations = Math.min(...a.metrics.map((m) => m.failureLimit + 1));
  const period = Math.max(...a.metrics.flatMap((m) => m.queries.map((q) => q.metricStat?.period ?? 0)), 0);
  return [
    {
      what: `analysis interval × ${evaluations} evaluation(s) to pass failureLimit`,
      seconds: interval * evaluations,
    },
    { what: "metric period (the last datapoint arriving)", seconds: period },
  ];
}
