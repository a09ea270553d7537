/**
 * PutMetricData and GetMetricData over the sandbox's MetricStore: MetricStat queries with the basic
 * statistics and percentiles, the metric-math subset of metric-math.ts, ReturnData, ScanBy, and paging
 * by datapoints with NextToken (a query cut by a page is `PartialData`, its rest on the next page).
 */
import { SandboxError, readTimestamp } from "../http.ts";
import { MathError, evaluate, referencedIds, type MathValue } from "./metric-math.ts";
import { knownStatistic, type Dimension, type MetricId, type Series } from "./metric-store.ts";
import type { CloudWatchWorld } from "./world.ts";

type Input = Record<string, unknown>;

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

function invalid(message: string): SandboxError {
  return new SandboxError(400, "InvalidParameterValueException", message, {
    queryCode: "InvalidParameterValue",
  });
}

function validation(message: string): SandboxError {
  return new SandboxError(400, "ValidationError", message, { queryCode: "ValidationError" });
}

function list(value: unknown): Input[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid("expected a list");
  return value as Input[];
}

function numberOf(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw invalid(`The parameter ${field} must be a number.`);
  return n;
}

function dimensions(value: unknown): Dimension[] {
  return list(value).map((d) => ({ Name: String(d["Name"] ?? ""), Value: String(d["Value"] ?? "") }));
}

export function putMetricData(world: CloudWatchWorld, input: Input): Record<string, unknown> {
  const namespace = input["Namespace"];
  if (typeof namespace !== "string" || namespace === "") {
    throw new SandboxError(400, "MissingRequiredParameterException", "The parameter Namespace is required.", {
      queryCode: "MissingParameter",
    });
  }
  const data = list(input["MetricData"]);
  if (data.length === 0) throw invalid("The parameter MetricData must contain at least one datum.");
  data.forEach((datum, i) => {
    const field = `MetricData.member.${i + 1}`;
    const name = datum["MetricName"];
    if (typeof name !== "string" || name === "")
      throw invalid(`The parameter ${field}.MetricName is required.`);
    const metric: MetricId = {
      Namespace: namespace,
      MetricName: name,
      Dimensions: dimensions(datum["Dimensions"]),
    };
    const at = readTimestamp(datum["Timestamp"], `${field}.Timestamp`) ?? world.now();
    const value = numberOf(datum["Value"], `${field}.Value`);
    const stats = datum["StatisticValues"] as Input | undefined;
    const values = list(datum["Values"]).map((v, j) => numberOf(v, `${field}.Values.member.${j + 1}`)!);
    const counts = list(datum["Counts"]).map((c, j) => numberOf(c, `${field}.Counts.member.${j + 1}`)!);
    if (value !== undefined) world.metrics.put(metric, { at, value, count: 1 });
    else if (values.length > 0) {
      if (counts.length > 0 && counts.length !== values.length) {
        throw invalid(`The parameters ${field}.Values and ${field}.Counts must have the same length.`);
      }
      values.forEach((v, j) => world.metrics.put(metric, { at, value: v, count: counts[j] ?? 1 }));
    } else if (stats) {
      world.metrics.put(metric, {
        at,
        set: {
          sampleCount: numberOf(stats["SampleCount"], `${field}.StatisticValues.SampleCount`) ?? 0,
          sum: numberOf(stats["Sum"], `${field}.StatisticValues.Sum`) ?? 0,
          min: numberOf(stats["Minimum"], `${field}.StatisticValues.Minimum`) ?? 0,
          max: numberOf(stats["Maximum"], `${field}.StatisticValues.Maximum`) ?? 0,
        },
      });
    } else {
      throw invalid(`${field} needs Value, Values or StatisticValues.`);
    }
  });
  return {};
}

interface Query {
  id: string;
  label: string | undefined;
  returnData: boolean;
  expression: string | undefined;
  stat: { metric: MetricId; stat: string; period: number } | undefined;
}

function readQueries(input: Input): Query[] {
  const raw = list(input["MetricDataQueries"]);
  if (raw.length === 0) throw validation("The parameter MetricDataQueries must not be empty.");
  if (raw.length > MAX_QUERIES) {
    throw validation(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  }
  const seen = new Set<string>();
  return raw.map((q, i) => {
    const field = `MetricDataQueries.member.${i + 1}`;
    const id = String(q["Id"] ?? "");
    if (!ID.test(id))
      throw validation(
        `The value ${id} for parameter ${field}.Id is not valid: it must start with a lowercase letter.`,
      );
    if (seen.has(id))
      throw validation(`The values for parameter id in MetricDataQueries are not unique (${id}).`);
    seen.add(id);
    const expression = typeof q["Expression"] === "string" ? (q["Expression"] as string) : undefined;
    const ms = q["MetricStat"] as Input | undefined;
    if ((expression === undefined) === (ms === undefined)) {
      throw validation(`${field} must have exactly one of MetricStat and Expression.`);
    }
    let stat: Query["stat"];
    if (ms) {
      const metric = (ms["Metric"] ?? {}) as Input;
      const name = String(ms["Stat"] ?? "");
      if (!knownStatistic(name))
        throw invalid(`The value ${name} for parameter ${field}.MetricStat.Stat is not a valid statistic.`);
      const period = numberOf(ms["Period"], `${field}.MetricStat.Period`);
      if (
        period === undefined ||
        period <= 0 ||
        (period >= 60 && period % 60 !== 0) ||
        (period < 60 && ![1, 5, 10, 20, 30].includes(period))
      ) {
        throw invalid(
          `The value ${String(ms["Period"])} for parameter ${field}.MetricStat.Period is not valid.`,
        );
      }
      stat = {
        metric: {
          Namespace: String(metric["Namespace"] ?? ""),
          MetricName: String(metric["MetricName"] ?? ""),
          Dimensions: dimensions(metric["Dimensions"]),
        },
        stat: name,
        period,
      };
    }
    const returnData =
      q["ReturnData"] === undefined ? true : q["ReturnData"] === true || q["ReturnData"] === "true";
    return {
      id,
      label: typeof q["Label"] === "string" ? (q["Label"] as string) : undefined,
      returnData,
      expression,
      stat,
    };
  });
}

interface Result {
  Id: string;
  Label: string;
  Timestamps: Date[];
  Values: number[];
  StatusCode: "Complete" | "PartialData" | "InternalError";
  Messages?: { Code: string; Value: string }[];
}

export function getMetricData(world: CloudWatchWorld, input: Input): Record<string, unknown> {
  const start = readTimestamp(input["StartTime"], "StartTime");
  const end = readTimestamp(input["EndTime"], "EndTime");
  if (start === undefined || end === undefined) throw validation("StartTime and EndTime are required.");
  if (start >= end) throw validation("The parameter StartTime must be less than the parameter EndTime.");
  const queries = readQueries(input);
  world.beforeMetricsRead();
  const descending = (input["ScanBy"] ?? "TimestampDescending") !== "TimestampAscending";
  const maxPoints = numberOf(input["MaxDatapoints"], "MaxDatapoints") ?? DEFAULT_MAX_DATAPOINTS;

  const computed = new Map<string, Series>();
  const byId = new Map(queries.map((q) => [q.id, q]));
  for (const q of queries) {
    if (q.stat)
      computed.set(q.id, world.metrics.statistic(q.stat.metric, q.stat.stat, q.stat.period, start, end));
  }
  const resolving = new Set<string>();
  const resolve = (id: string): Series | undefined => {
    const done = computed.get(id);
    if (done) return done;
    const q = byId.get(id);
    if (!q?.expression) return undefined;
    if (resolving.has(id)) throw validation(`The expression of ${id} refers to itself.`);
    resolving.add(id);
    let value: MathValue;
    try {
      value = evaluate(q.expression, {
        lookup: resolve,
        all: () => queries.filter((x) => x.stat).map((x) => computed.get(x.id)!),
        buckets: (period) => buckets(start, end, period),
      });
    } catch (error) {
      if (error instanceof MathError) throw validation(`Error in expression ${id}: ${error.message}`);
      throw error;
    }
    resolving.delete(id);
    const series = toSeries(value, start, end, queries);
    computed.set(id, series);
    return series;
  };
  for (const q of queries) {
    if (q.expression) {
      for (const ref of referencedIds(q.expression)) {
        if (!byId.has(ref)) throw validation(`Error in expression ${q.id}: Unrecognized token ${ref}`);
      }
      resolve(q.id);
    }
  }

  const all: Result[] = queries
    .filter((q) => q.returnData)
    .map((q) => {
      const points = [...computed.get(q.id)!.points].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
      return {
        Id: q.id,
        Label: q.label ?? (q.stat ? q.stat.metric.MetricName : q.id),
        Timestamps: points.map(([t]) => new Date(t)),
        Values: points.map(([, v]) => v),
        StatusCode: "Complete" as const,
      };
    });
  return page(all, input["NextToken"], maxPoints);
}

/** A scalar result becomes one datapoint at the window's end bucket (the way CloudWatch shows SUM(m1)). */
function toSeries(value: MathValue, start: number, end: number, queries: Query[]): Series {
  if (value.kind === "series") return value.series;
  if (value.kind === "array") throw validation("An expression must return a single time series.");
  const period = Math.max(60, ...queries.map((q) => q.stat?.period ?? 0));
  const last = buckets(start, end, period).pop() ?? start;
  return { period, points: new Map([[last, value.value]]) };
}

function buckets(start: number, end: number, periodSeconds: number): number[] {
  const ms = periodSeconds * 1000;
  const out: number[] = [];
  for (let t = Math.ceil(start / ms) * ms; t < end; t += ms) out.push(t);
  return out;
}

/** Pages by datapoints; the token is the query index and the datapoint offset to go on from. */
function page(all: Result[], token: unknown, maxPoints: number): Record<string, unknown> {
  let q = 0;
  let p = 0;
  if (token !== undefined && token !== null && token !== "") {
    const parsed = decode(String(token));
    if (!parsed)
      throw new SandboxError(400, "InvalidNextToken", "The service returned an invalid NextToken.", {
        queryCode: "InvalidNextToken",
      });
    ({ q, p } = parsed);
  }
  const out: Result[] = [];
  let budget = Math.max(1, maxPoints);
  for (; q < all.length; q++, p = 0) {
    const r = all[q]!;
    const rest = r.Values.length - p;
    if (rest <= budget) {
      out.push({ ...r, Timestamps: r.Timestamps.slice(p), Values: r.Values.slice(p) });
      budget -= rest;
      continue;
    }
    out.push({
      ...r,
      Timestamps: r.Timestamps.slice(p, p + budget),
      Values: r.Values.slice(p, p + budget),
      StatusCode: "PartialData",
    });
    return { MetricDataResults: out, NextToken: encode(q, p + budget), Messages: [] };
  }
  return { MetricDataResults: out, Messages: [] };
}

function encode(q: number, p: number): string {
  return Buffer.from(JSON.stringify({ q, p }), "utf8").toString("base64");
}

function decode(token: string): { q: number; p: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { q?: unknown; p?: unknown };
    return Number.isInteger(v.q) && Number.isInteger(v.p)
      ? { q: v.q as number, p: v.p as number }
      : undefined;
  } catch {
    return undefined;
  }
}
