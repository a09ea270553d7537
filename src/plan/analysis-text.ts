/**
 * The text rules of `analysis` queries, shared by validation (src/plan/validate-analysis.ts) and
 * resolution (src/analysis/resolve.ts): `{{var}}` templates, the ids an expression names, CloudWatch's
 * statistics and periods. Pure string functions.
 */

/** `{{ name }}`: a letter or `_` first, then letters, digits and `_`. */
const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Variables every side has without the plan defining them. */
export const BUILT_IN_VARIABLES = ["cluster"] as const;

export interface TemplateScan {
  names: string[];
  /** A `{{` or `}}` that is not part of a well-formed `{{name}}`. */
  malformed: boolean;
}

export function scanTemplate(text: string): TemplateScan {
  const names = [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
  const rest = text.replace(TEMPLATE, "");
  return { names: [...new Set(names)], malformed: rest.includes("{{") || rest.includes("}}") };
}

/** Fills every `{{name}}` from `vars`; a name missing from `vars` is left as written (validation refuses it). */
export function fillTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(TEMPLATE, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole));
}

/** Splits an expression into code and quoted strings (SEARCH('…') filters are not ids). */
function codeParts(expression: string): { text: string; quoted: boolean }[] {
  const parts: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < expression.length) {
    const quote = expression.slice(i).search(/['"]/);
    if (quote < 0) {
      parts.push({ text: expression.slice(i), quoted: false });
      break;
    }
    const start = i + quote;
    if (start > i) parts.push({ text: expression.slice(i, start), quoted: false });
    const end = expression.indexOf(expression[start]!, start + 1);
    const stop = end < 0 ? expression.length : end + 1;
    parts.push({ text: expression.slice(start, stop), quoted: true });
    i = stop;
  }
  return parts;
}

/** Ids start with a lower-case letter; metric math functions and keywords are upper case. */
const ID = /(?<![A-Za-z0-9_.])[a-z][A-Za-z0-9_]*(?![A-Za-z0-9_])/g;

/** The query ids an expression names (outside quoted strings and templates), in order, once each. */
export function expressionIds(expression: string): string[] {
  const ids = codeParts(expression)
    .filter((p) => !p.quoted)
    .flatMap((p) => [...p.text.replace(TEMPLATE, " ").matchAll(ID)].map((m) => m[0]));
  return [...new Set(ids)];
}

/** Rewrites the ids an expression names through `rename` (quoted strings untouched). */
export function renameIds(expression: string, rename: (id: string) => string): string {
  return codeParts(expression)
    .map((p) => (p.quoted ? p.text : p.text.replace(ID, (id) => rename(id))))
    .join("");
}

/** METRICS() takes every query of the request; with all metrics in one GetMetricData call that is wrong. */
export function usesMetricsFunction(expression: string): boolean {
  return codeParts(expression).some((p) => !p.quoted && /\bMETRICS\s*\(/.test(p.text));
}

const NAMED_STATISTICS = ["Sum", "Average", "Minimum", "Maximum", "SampleCount", "IQM"] as const;
const BOUND = String.raw`\s*(\d+(\.\d+)?%?)?\s*`;
const SHORT = /^(p|tm|wm|tc|ts)(\d{1,2}(\.\d{1,10})?|100)$/i;
const RANGE = new RegExp(String.raw`^(TM|WM|TC|TS|PR)\(${BOUND}:${BOUND}\)$`, "i");

/** The statistics a typo is matched against for "did you mean". */
export const STATISTIC_EXAMPLES = [...NAMED_STATISTICS, "p50", "p90", "p99", "p99.9", "tm99", "wm99"];

/**
 * Whether CloudWatch knows the statistic: the five basic ones, IQM, percentiles `p0`–`p100` (with up to
 * ten decimals), the short forms tmNN/wmNN/tcNN/tsNN, and the range forms TM(a:b), WM, TC, TS and PR
 * with absolute or percent bounds (at least one bound; percents at most 100).
 */
export function isKnownStatistic(stat: string): boolean {
  if ((NAMED_STATISTICS as readonly string[]).includes(stat)) return true;
  if (SHORT.test(stat)) return /^p/i.test(stat) ? stat.startsWith("p") : true;
  const range = RANGE.exec(stat);
  if (!range) return false;
  const [, , low, , high] = range;
  if (low === undefined && high === undefined) return false;
  const percentOk = (b: string | undefined) =>
    b === undefined || !b.endsWith("%") || Number(b.slice(0, -1)) <= 100;
  return percentOk(low) && percentOk(high);
}

/** CloudWatch periods: 1, 5, 10, 20, 30 (high resolution) or any multiple of 60 seconds. */
export function isValidPeriod(seconds: number): boolean {
  return [1, 5, 10, 20, 30].includes(seconds) || (seconds > 0 && seconds % 60 === 0);
}
