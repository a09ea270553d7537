/**
 * Packing every metric of both sides into as few GetMetricData calls as possible (500 queries a call at
 * most), and the per-metric views the shell and the preview need from the resolved queries.
 */
import type { PlanDoc } from "../plan/schema.ts";
import {
  resolveQueries,
  seriesFor,
  type MetricDataResultLike,
  type ResolvedQueries,
  type ResolvedSide,
} from "./resolve.ts";
import { valuesInWindow } from "./judge.ts";
import { observedSplit, type ObservedSplit } from "./split.ts";
import type { MetricDataQuery, MetricReading, Window } from "./types.ts";

/** GetMetricData takes at most 500 MetricDataQueries a call. */
export const MAX_QUERIES_PER_CALL = 500;

/**
 * The queries of both sides, packed into calls of at most `max` queries. A list (one metric's queries,
 * or the split's) never straddles two calls: its expressions name its other ids. Lists are placed first
 * fit, in order, so one plan always gives the same calls.
 */
export function packCalls(sides: readonly ResolvedSide[], max = MAX_QUERIES_PER_CALL): MetricDataQuery[][] {
  const lists: MetricDataQuery[][] = sides.flatMap((s) => [
    ...s.metrics.map((m) => m.queries),
    ...(s.split ? [s.split.queries] : []),
  ]);
  const calls: MetricDataQuery[][] = [];
  for (const list of lists) {
    if (list.length > max)
      throw new RangeError(`a query list of ${list.length} exceeds ${max} queries a call`);
    const call = calls.find((c) => c.length + list.length <= max);
    if (call) call.push(...list);
    else calls.push([...list]);
  }
  return calls;
}

/** Each metric's fully resolved queries per side, for `plan --output json` (`analysis[]`). */
export function resolveAnalysis(
  doc: PlanDoc,
): { name: string; queries: { blue: MetricDataQuery[]; green: MetricDataQuery[] } }[] {
  const blue = resolveQueries(doc, "blue");
  const green = resolveQueries(doc, "green");
  return blue.metrics.map((m, i) => ({
    name: m.name,
    queries: { blue: m.queries, green: green.metrics[i]!.queries },
  }));
}

/** Each metric's reading from one evaluation's GetMetricData results (all pages, all calls). */
export function readings(
  blue: ResolvedSide,
  green: ResolvedSide,
  results: readonly MetricDataResultLike[],
): Map<string, MetricReading> {
  const out = new Map<string, MetricReading>();
  blue.metrics.forEach((m, i) => {
    out.set(m.name, { blue: seriesFor(m, results), green: seriesFor(green.metrics[i]!, results) });
  });
  return out;
}

/** The observed split from the results: the Sum of each side's count query over the window. */
export function observedSplitFrom(
  blue: ResolvedQueries,
  green: ResolvedQueries,
  results: readonly MetricDataResultLike[],
  window: Window,
  target: number,
  tolerance?: number,
): ObservedSplit {
  const count = (side: ResolvedQueries) =>
    valuesInWindow(seriesFor(side, results)[side.valueId], window).reduce((a, b) => a + b, 0);
  return observedSplit(count(blue), count(green), target, tolerance);
}
