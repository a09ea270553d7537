/**
 * Semantic rules of the plan's `analysis` section (called by validate.ts): each metric judges
 * something, query ids are unique and every id an expression names exists, every `{{var}}` is defined
 * for both sides, statistics and periods are ones CloudWatch knows, and a window holds at least one
 * period. Pure: a PlanDoc in, issues out.
 */
import type { AnalysisQueryDoc, PlanDoc } from "./schema.ts";
import type { SemanticIssue } from "./validate.ts";
import type { FieldPath } from "./source.ts";
import { parseDuration, formatDuration } from "./duration.ts";
import { nearest } from "./suggest.ts";
import {
  BUILT_IN_VARIABLES,
  STATISTIC_EXAMPLES,
  expressionIds,
  isKnownStatistic,
  isValidPeriod,
  scanTemplate,
  usesMetricsFunction,
} from "./analysis-text.ts";

type Sides = Record<"blue" | "green", readonly string[]>;

function safeMs(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/** Every templated text of a query, with its path. */
function templatedFields(q: AnalysisQueryDoc, base: FieldPath): { path: FieldPath; text: string }[] {
  const fields: { path: FieldPath; text: string }[] = [];
  if (q.expression !== undefined) fields.push({ path: [...base, "expression"], text: q.expression });
  if (q.label !== undefined) fields.push({ path: [...base, "label"], text: q.label });
  if (q.metricStat) {
    const m = q.metricStat;
    fields.push({ path: [...base, "metricStat", "namespace"], text: m.namespace });
    fields.push({ path: [...base, "metricStat", "metricName"], text: m.metricName });
    m.dimensions.forEach((d, i) => {
      fields.push({ path: [...base, "metricStat", "dimensions", i, "name"], text: d.name });
      fields.push({ path: [...base, "metricStat", "dimensions", i, "value"], text: d.value });
    });
  }
  return fields;
}

function checkTemplates(q: AnalysisQueryDoc, base: FieldPath, sides: Sides, errors: SemanticIssue[]): void {
  for (const { path, text } of templatedFields(q, base)) {
    const scan = scanTemplate(text);
    if (scan.malformed) {
      errors.push({
        code: "unknown-variable",
        path,
        message: `"${text}" has a {{ or }} that is not a variable`,
        hint: "write variables as {{name}}: letters, digits and _ between double braces",
      });
    }
    for (const name of scan.names) {
      const missing = (["blue", "green"] as const).filter((side) => !sides[side].includes(name));
      if (missing.length === 0) continue;
      const known = [...new Set([...sides.blue, ...sides.green])];
      const guess = nearest(name, known);
      errors.push({
        code: "unknown-variable",
        path,
        message: `{{${name}}} is not defined for ${missing.join(" and ")}`,
        hint: guess
          ? `did you mean {{${guess}}}? Otherwise add it under ${missing.map((s) => `analysis.variables.${s}`).join(" and ")}`
          : `add \`${name}:\` under ${missing.map((s) => `analysis.variables.${s}`).join(" and ")}`,
      });
    }
  }
}

/** Names people write for CloudWatch's statistics. */
const STATISTIC_ALIASES: Record<string, string> = {
  avg: "Average",
  mean: "Average",
  average: "Average",
  sum: "Sum",
  total: "Sum",
  count: "SampleCount",
  samplecount: "SampleCount",
  min: "Minimum",
  minimum: "Minimum",
  max: "Maximum",
  maximum: "Maximum",
  median: "p50",
  iqm: "IQM",
};

function checkStat(q: AnalysisQueryDoc, base: FieldPath, errors: SemanticIssue[]): void {
  if (!q.metricStat) return;
  const { stat, period } = q.metricStat;
  if (!isKnownStatistic(stat)) {
    const guess = STATISTIC_ALIASES[stat.toLowerCase()] ?? nearest(stat, STATISTIC_EXAMPLES);
    errors.push({
      code: "unknown-statistic",
      path: [...base, "metricStat", "stat"],
      message: `CloudWatch has no statistic "${stat}"`,
      hint: `${guess ? `did you mean "${guess}"? ` : ""}use Sum, Average, Minimum, Maximum, SampleCount, a percentile like p99 or p99.9, tm90, IQM, or TM(10%:90%)`,
    });
  }
  if (!isValidPeriod(period)) {
    errors.push({
      code: "invalid-period",
      path: [...base, "metricStat", "period"],
      message: `CloudWatch has no period of ${period} seconds`,
      hint: `use 1, 5, 10, 20, 30 or a multiple of 60, e.g. ${Math.max(60, Math.round(period / 60) * 60)}`,
    });
  }
}

/** Checks a list of queries (a metric's or the split's); returns the longest period in seconds. */
function checkQueries(
  queries: readonly AnalysisQueryDoc[],
  base: FieldPath,
  sides: Sides,
  errors: SemanticIssue[],
): number {
  const ids = queries.map((q) => q.id);
  let longest = 0;
  queries.forEach((q, i) => {
    const at: FieldPath = [...base, i];
    const first = ids.indexOf(q.id);
    if (first !== i) {
      errors.push({
        code: "duplicate-query-id",
        path: [...at, "id"],
        message: `the id "${q.id}" is already used by ${[...base, first].map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".")}`,
        hint: "give every query of a metric its own id",
      });
    }
    if ((q.metricStat === undefined) === (q.expression === undefined)) {
      errors.push({
        code: "query-form",
        path: at,
        message: q.metricStat
          ? "has both metricStat and expression"
          : "has neither metricStat nor expression",
        hint: "give exactly one: metricStat (a metric and statistic) or expression (metric math over ids)",
      });
    }
    if (q.expression !== undefined) {
      for (const id of expressionIds(q.expression)) {
        if (ids.includes(id) && id !== q.id) continue;
        const guess = nearest(
          id,
          ids.filter((x) => x !== q.id),
        );
        errors.push({
          code: "unknown-query-id",
          path: [...at, "expression"],
          message:
            id === q.id
              ? `the expression names its own id "${id}"`
              : `the expression names "${id}", which is not a query of this list`,
          hint: guess
            ? `did you mean "${guess}"?`
            : `name one of: ${ids.filter((x) => x !== q.id).join(", ") || "(no other query)"}`,
        });
      }
      if (usesMetricsFunction(q.expression)) {
        errors.push({
          code: "metrics-function",
          path: [...at, "expression"],
          message: "METRICS() would take every query of the combined GetMetricData call, other metrics' too",
          hint: "name the ids instead, e.g. SUM([a, b])",
        });
      }
    }
    checkTemplates(q, at, sides, errors);
    checkStat(q, at, errors);
    if (q.metricStat) longest = Math.max(longest, q.metricStat.period);
  });
  return longest;
}

function checkWindow(window: string, periodS: number, path: FieldPath, errors: SemanticIssue[]): void {
  const ms = safeMs(window);
  if (ms === undefined || periodS === 0 || ms >= periodS * 1000) return;
  errors.push({
    code: "window-shorter-than-period",
    path,
    message: `the window ${window} is shorter than the query period of ${periodS}s: it holds no datapoint`,
    hint: `use a window of at least ${formatDuration(periodS * 1000)}, better several periods (e.g. ${formatDuration(periodS * 5000)})`,
  });
}

/** Durations of the analysis section, for validate.ts's common duration checks. */
export function analysisDurations(doc: PlanDoc): { path: FieldPath; text: string }[] {
  const a = doc.analysis;
  if (!a) return [];
  const list: { path: FieldPath; text: string }[] = [{ path: ["analysis", "interval"], text: a.interval }];
  a.metrics.forEach((m, i) => list.push({ path: ["analysis", "metrics", i, "window"], text: m.window }));
  if (a.split) {
    list.push({ path: ["analysis", "split", "window"], text: a.split.window });
    list.push({ path: ["analysis", "split", "maxConvergence"], text: a.split.maxConvergence });
  }
  return list;
}

export function checkAnalysis(doc: PlanDoc, errors: SemanticIssue[], warnings: SemanticIssue[]): void {
  const a = doc.analysis;
  if (!a) return;
  const sides: Sides = {
    blue: [...BUILT_IN_VARIABLES, ...Object.keys(a.variables.blue)],
    green: [...BUILT_IN_VARIABLES, ...Object.keys(a.variables.green)],
  };
  const names = new Map<string, number>();
  a.metrics.forEach((m, i) => {
    const base: FieldPath = ["analysis", "metrics", i];
    const first = names.get(m.name);
    if (first !== undefined) {
      errors.push({
        code: "duplicate-metric-name",
        path: [...base, "name"],
        message: `the name "${m.name}" is already used by analysis.metrics[${first}]`,
        hint: "give every metric its own name: events and status refer to metrics by name",
      });
    } else names.set(m.name, i);
    const hasThreshold =
      m.threshold !== undefined && (m.threshold.max !== undefined || m.threshold.min !== undefined);
    if (!hasThreshold && m.compare === undefined) {
      errors.push({
        code: "analysis-no-judgement",
        path: [...base, "name"],
        message: `the metric "${m.name}" judges nothing: it has neither a threshold nor a comparison`,
        hint: "add `threshold: { max: … }` (a limit on green) or `compare: { direction: higher-is-worse }` (green against blue), or both",
      });
    }
    if (
      m.threshold?.max !== undefined &&
      m.threshold.min !== undefined &&
      m.threshold.min > m.threshold.max
    ) {
      errors.push({
        code: "threshold-inverted",
        path: [...base, "threshold", "min"],
        message: `threshold.min ${m.threshold.min} is above threshold.max ${m.threshold.max}: every value fails`,
        hint: "swap the two, or remove one",
      });
    }
    if (m.test !== undefined && m.compare === undefined) {
      errors.push({
        code: "test-needs-compare",
        path: [...base, "test"],
        message: "a statistical test compares green with blue, but this metric has no comparison",
        hint: "add `compare: { direction: higher-is-worse }`, or remove `test`",
      });
    }
    if (m.test?.kind === "binomial") {
      for (const key of ["count", "total"] as const) {
        const id = m.test[key];
        if (id === undefined) {
          errors.push({
            code: "test-needs-counts",
            path: [...base, "test"],
            message: `a binomial test needs \`${key}\`: the id of the ${key === "count" ? "event-count (e.g. 5xx)" : "request-count"} query`,
            hint: "add `count: errors` and `total: requests` (ids of this metric's Sum queries), or use kind mann-whitney",
          });
        } else if (!m.queries.some((q) => q.id === id)) {
          errors.push({
            code: "unknown-query-id",
            path: [...base, "test", key],
            message: `"${id}" is not a query of this metric`,
            hint: `name one of: ${m.queries.map((q) => q.id).join(", ")}`,
          });
        }
      }
    }
    const period = checkQueries(m.queries, [...base, "queries"], sides, errors);
    checkWindow(m.window, period, [...base, "window"], errors);
    const requests = m.minData.requests?.query;
    if (requests !== undefined && !m.queries.some((q) => q.id === requests)) {
      errors.push({
        code: "unknown-query-id",
        path: [...base, "minData", "requests", "query"],
        message: `"${requests}" is not a query of this metric`,
        hint: `name one of: ${m.queries.map((q) => q.id).join(", ")}`,
      });
    }
    if (m.fromStep !== undefined && m.fromStep > doc.steps.length) {
      warnings.push({
        code: "metric-never-applies",
        path: [...base, "fromStep"],
        message: `fromStep ${m.fromStep} is past the last step (${doc.steps.length}): this metric is never judged`,
        hint: `use a step from 1 to ${doc.steps.length}`,
      });
    }
  });
  if (a.split) {
    const period = checkQueries(a.split.queries, ["analysis", "split", "queries"], sides, errors);
    checkWindow(a.split.window, period, ["analysis", "split", "window"], errors);
  }
}
