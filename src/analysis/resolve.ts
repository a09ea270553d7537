/**
 * Resolves the plan's analysis queries into the MetricDataQueries one side sends: variables filled in
 * (`{{cluster}}` is the side's cluster), ids made unique across metrics and sides (`g0_errors` is the
 * `errors` query of green's first metric; `gs_requests` belongs to green's split), expressions
 * rewritten to the new ids, and ReturnData set. Also maps GetMetricData's results back to readings.
 */
import type { AnalysisQueryDoc, PlanDoc } from "../plan/schema.ts";
import { fillTemplate, renameIds } from "../plan/analysis-text.ts";
import type { MetricDataQuery, Series, SideSeries } from "./types.ts";

export type Side = "blue" | "green";

export interface ResolvedQueries {
  /** The queries to send, in the plan's order. */
  queries: MetricDataQuery[];
  /** Plan id → resolved id. */
  ids: Record<string, string>;
  /** Plan id of the value judged (the last query) or counted (the split's last query). */
  valueId: string;
}

export interface ResolvedMetric extends ResolvedQueries {
  name: string;
  /** Plan id of minData.requests.query, when set. */
  requestsId?: string;
}

export interface ResolvedSide {
  side: Side;
  metrics: ResolvedMetric[];
  split?: ResolvedQueries;
}

/** The variables of one side: the plan's, with `cluster` set to the side's EKS cluster unless the plan sets it. */
export function sideVariables(doc: PlanDoc, side: Side): Record<string, string> {
  return { cluster: doc.clusters[side].name, ...(doc.analysis?.variables[side] ?? {}) };
}

function resolveList(
  list: readonly AnalysisQueryDoc[],
  prefix: string,
  vars: Record<string, string>,
  returned: ReadonlySet<string>,
): ResolvedQueries {
  const ids = Object.fromEntries(list.map((q) => [q.id, `${prefix}_${q.id}`]));
  const rename = (id: string) => ids[id] ?? id;
  const fill = (text: string) => fillTemplate(text, vars);
  const queries = list.map((q): MetricDataQuery => {
    const out: MetricDataQuery = { Id: ids[q.id]!, ReturnData: q.returnData ?? returned.has(q.id) };
    if (q.metricStat) {
      const m = q.metricStat;
      out.MetricStat = {
        Metric: {
          Namespace: fill(m.namespace),
          MetricName: fill(m.metricName),
          Dimensions: m.dimensions.map((d) => ({ Name: fill(d.name), Value: fill(d.value) })),
        },
        Period: m.period,
        Stat: m.stat,
      };
    }
    if (q.expression !== undefined) out.Expression = renameIds(fill(q.expression), rename);
    if (q.label !== undefined) out.Label = fill(q.label);
    return out;
  });
  return { queries, ids, valueId: list[list.length - 1]!.id };
}

/** Every query one side sends for the plan's analysis (none without an analysis section). */
export function resolveQueries(doc: PlanDoc, side: Side): ResolvedSide {
  const analysis = doc.analysis;
  if (!analysis) return { side, metrics: [] };
  const vars = sideVariables(doc, side);
  const s = side[0];
  const metrics = analysis.metrics.map((m, i): ResolvedMetric => {
    const requestsId = m.minData.requests?.query;
    const value = m.queries[m.queries.length - 1]!.id;
    const returned = new Set(
      [value, requestsId, m.test?.count, m.test?.total].filter((x) => x !== undefined),
    );
    const resolved = resolveList(m.queries, `${s}${i}`, vars, returned);
    return { name: m.name, ...resolved, ...(requestsId === undefined ? {} : { requestsId }) };
  });
  const split = analysis.split;
  if (!split) return { side, metrics };
  const count = split.queries[split.queries.length - 1]!.id;
  return { side, metrics, split: resolveList(split.queries, `${s}s`, vars, new Set([count])) };
}

/** One query's result as GetMetricData returns it (the fields the judge reads). */
export interface MetricDataResultLike {
  Id?: string;
  Timestamps?: readonly (Date | number)[];
  Values?: readonly number[];
  StatusCode?: string;
  Messages?: readonly { Code?: string; Value?: string }[];
}

function toSeries(result: MetricDataResultLike): Series {
  const timestamps = (result.Timestamps ?? []).map((t) => (typeof t === "number" ? t : t.getTime()));
  const values = result.Values ?? [];
  const n = Math.min(timestamps.length, values.length);
  const status = result.StatusCode;
  const known =
    status === "Complete" || status === "PartialData" || status === "InternalError" || status === "Forbidden";
  const messages = (result.Messages ?? []).map((m) => [m.Code, m.Value].filter(Boolean).join(": "));
  return {
    timestamps: timestamps.slice(0, n),
    values: values.slice(0, n),
    status: known ? status : status === undefined ? "Complete" : "InternalError",
    ...(messages.length ? { messages } : {}),
  };
}

/**
 * Picks one resolved list's series out of GetMetricData's results (from any number of pages: results
 * with the same Id are concatenated), keyed by the plan's ids. A returned query absent from the results
 * reads as an empty Complete series.
 */
export function seriesFor(resolved: ResolvedQueries, results: readonly MetricDataResultLike[]): SideSeries {
  const byId = new Map<string, Series>();
  for (const r of results) {
    if (r.Id === undefined) continue;
    const next = toSeries(r);
    const prev = byId.get(r.Id);
    byId.set(
      r.Id,
      prev
        ? {
            timestamps: [...prev.timestamps, ...next.timestamps],
            values: [...prev.values, ...next.values],
            status: worse(prev.status, next.status),
            ...(prev.messages || next.messages
              ? { messages: [...(prev.messages ?? []), ...(next.messages ?? [])] }
              : {}),
          }
        : next,
    );
  }
  const out: Record<string, Series> = {};
  for (const [planId, id] of Object.entries(resolved.ids)) {
    const q = resolved.queries.find((x) => x.Id === id);
    if (!q?.ReturnData) continue;
    out[planId] = byId.get(id) ?? { timestamps: [], values: [], status: "Complete" };
  }
  return out;
}

/** Pages in order: an error status sticks; otherwise the later page says whether data is partial. */
function worse(earlier: Series["status"], later: Series["status"]): Series["status"] {
  if (earlier === "InternalError" || earlier === "Forbidden") return earlier;
  return later;
}
