/**
 * The subset of CloudWatch metric math the sandbox evaluates (documented in docs/sandbox.md):
 * numbers and query ids; `+ - * / ^`; comparisons `== != < <= > >=` and `AND`/`&&`, `OR`/`||`, `NOT`
 * (1 or 0); parentheses; arrays `[a, b]`; and the functions SUM, AVG, MIN, MAX (of an array: per
 * timestamp; of one series: a single value), FILL(series, value), IF(cond, a[, b]), ABS, METRICS().
 * A series op a series keeps the timestamps both have; division by zero drops the datapoint, as
 * CloudWatch does. Anything else is a ValidationError naming the expression.
 */
import type { Series } from "./metric-store.ts";

export type MathValue =
  { kind: "scalar"; value: number } | { kind: "series"; series: Series } | { kind: "array"; items: Series[] };

export interface MathContext {
  /** Results of the other queries of the request, by id. */
  lookup(id: string): Series | undefined;
  /** Every MetricStat result of the request (METRICS()). */
  all(): Series[];
  /** Bucket starts (ms) of the window at a period, for FILL. */
  buckets(periodSeconds: number): number[];
}

export class MathError extends Error {}

type Token = { t: "num"; v: number } | { t: "id"; v: string } | { t: "op"; v: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re =
    /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/^()<>,[\]])|("[^"]*"))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new MathError(`unexpected character at position ${i + 1}: ${JSON.stringify(text[i])}`);
    i = re.lastIndex;
    if (m[1] !== undefined) out.push({ t: "num", v: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ t: "id", v: m[2] });
    else if (m[3] !== undefined) out.push({ t: "op", v: m[3] });
    // Quoted strings only appear as METRICS("filter") arguments; the filter is ignored by value below.
    else if (m[4] !== undefined) out.push({ t: "id", v: m[4] });
  }
  return out;
}

type Node =
  | { n: "num"; v: number }
  | { n: "ref"; id: string }
  | { n: "str"; v: string }
  | { n: "call"; name: string; args: Node[] }
  | { n: "array"; items: Node[] }
  | { n: "unary"; op: string; arg: Node }
  | { n: "bin"; op: string; a: Node; b: Node };

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  "||": 1,
  AND: 2,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "^": 6,
};

function parse(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => {
    const t = peek();
    return t !== undefined && (t.t === "op" || t.t === "id") && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new MathError(`expected "${v}"`);
    pos++;
  };
  const binaryOp = (): string | undefined => {
    const t = peek();
    if (!t) return undefined;
    if (t.t === "op" && t.v in PRECEDENCE) return t.v;
    if (t.t === "id" && (t.v === "AND" || t.v === "OR")) return t.v;
    return undefined;
  };

  function expression(min: number): Node {
    let left = unary();
    for (;;) {
      const op = binaryOp();
      if (op === undefined || PRECEDENCE[op]! < min) return left;
      pos++;
      // `^` is right-associative; the rest associate to the left.
      const right = expression(op === "^" ? PRECEDENCE[op]! : PRECEDENCE[op]! + 1);
      left = { n: "bin", op, a: left, b: right };
    }
  }

  function unary(): Node {
    if (isOp("-") || isOp("NOT")) {
      const op = isOp("-") ? "-" : "NOT";
      pos++;
      return { n: "unary", op, arg: unary() };
    }
    return primary();
  }

  function primary(): Node {
    const t = peek();
    if (!t) throw new MathError("the expression ends too early");
    pos++;
    if (t.t === "num") return { n: "num", v: t.v };
    if (t.t === "op" && t.v === "(") {
      const inner = expression(1);
      expect(")");
      return inner;
    }
    if (t.t === "op" && t.v === "[") {
      const items: Node[] = [];
      if (!isOp("]")) {
        do items.push(expression(1));
        while (isOp(",") && ++pos);
      }
      expect("]");
      return { n: "array", items };
    }
    if (t.t === "id") {
      if (t.v.startsWith('"')) return { n: "str", v: t.v.slice(1, -1) };
      if (isOp("(")) {
        pos++;
        const args: Node[] = [];
        if (!isOp(")")) {
          do args.push(expression(1));
          while (isOp(",") && ++pos);
        }
        expect(")");
        return { n: "call", name: t.v.toUpperCase(), args };
      }
      return { n: "ref", id: t.v };
    }
    throw new MathError(`unexpected "${t.v}"`);
  }

  const root = expression(1);
  if (pos < tokens.length) throw new MathError(`unexpected "${tokens[pos]!.v}"`);
  return root;
}

/** Ids an expression refers to (for validation and evaluation order). */
export function referencedIds(expression: string): string[] {
  const ids = new Set<string>();
  const walk = (node: Node) => {
    if (node.n === "ref") ids.add(node.id);
    else if (node.n === "call") node.args.forEach(walk);
    else if (node.n === "array") node.items.forEach(walk);
    else if (node.n === "unary") walk(node.arg);
    else if (node.n === "bin") {
      walk(node.a);
      walk(node.b);
    }
  };
  walk(parse(expression));
  return [...ids];
}

export function evaluate(expression: string, ctx: MathContext): MathValue {
  return evalNode(parse(expression), ctx);
}

function evalNode(node: Node, ctx: MathContext): MathValue {
  switch (node.n) {
    case "num":
      return { kind: "scalar", value: node.v };
    case "str":
      throw new MathError("a string is allowed only as the argument of METRICS()");
    case "ref": {
      const series = ctx.lookup(node.id);
      if (!series) throw new MathError(`unknown id "${node.id}"`);
      return { kind: "series", series };
    }
    case "array":
      return { kind: "array", items: node.items.map((i) => asSeries(evalNode(i, ctx))) };
    case "unary": {
      const v = evalNode(node.arg, ctx);
      return map1(v, node.op === "-" ? (x) => -x : (x) => (x === 0 ? 1 : 0));
    }
    case "bin":
      return combine(evalNode(node.a, ctx), evalNode(node.b, ctx), binary(node.op));
    case "call":
      return call(node.name, node.args, ctx);
  }
}

function binary(op: string): (a: number, b: number) => number | undefined {
  switch (op) {
    case "+":
      return (a, b) => a + b;
    case "-":
      return (a, b) => a - b;
    case "*":
      return (a, b) => a * b;
    case "/":
      return (a, b) => (b === 0 ? undefined : a / b);
    case "^":
      return (a, b) => a ** b;
    case "==":
      return (a, b) => Number(a === b);
    case "!=":
      return (a, b) => Number(a !== b);
    case "<":
      return (a, b) => Number(a < b);
    case "<=":
      return (a, b) => Number(a <= b);
    case ">":
      return (a, b) => Number(a > b);
    case ">=":
      return (a, b) => Number(a >= b);
    case "AND":
    case "&&":
      return (a, b) => Number(a !== 0 && b !== 0);
    default:
      return (a, b) => Number(a !== 0 || b !== 0);
  }
}

function asSeries(v: MathValue): Series {
  if (v.kind !== "series") throw new MathError("an array holds time series only");
  return v.series;
}

function map1(v: MathValue, f: (x: number) => number): MathValue {
  if (v.kind === "scalar") return { kind: "scalar", value: f(v.value) };
  if (v.kind === "series") return { kind: "series", series: mapSeries(v.series, f) };
  return { kind: "array", items: v.items.map((s) => mapSeries(s, f)) };
}

function mapSeries(s: Series, f: (x: number) => number | undefined): Series {
  const points = new Map<number, number>();
  for (const [t, x] of s.points) {
    const y = f(x);
    if (y !== undefined && Number.isFinite(y)) points.set(t, y);
  }
  return { period: s.period, points };
}

function combine(a: MathValue, b: MathValue, f: (x: number, y: number) => number | undefined): MathValue {
  if (a.kind === "array" || b.kind === "array") {
    if (a.kind === "array" && b.kind === "array") throw new MathError("cannot combine two arrays");
    if (a.kind === "array") return { kind: "array", items: a.items.map((s) => pair(s, b, f, false)) };
    return { kind: "array", items: (b as { items: Series[] }).items.map((s) => pair(s, a, f, true)) };
  }
  if (a.kind === "scalar" && b.kind === "scalar") {
    const v = f(a.value, b.value);
    if (v === undefined) throw new MathError("division by zero");
    return { kind: "scalar", value: v };
  }
  if (a.kind === "series") return { kind: "series", series: pair(a.series, b, f, false) };
  return { kind: "series", series: pair((b as { series: Series }).series, a, f, true) };
}

/** `s op other` (or `other op s` when swapped), per timestamp. */
function pair(
  s: Series,
  other: MathValue,
  f: (x: number, y: number) => number | undefined,
  swapped: boolean,
): Series {
  const g = swapped ? (x: number, y: number) => f(y, x) : f;
  if (other.kind === "scalar") return mapSeries(s, (x) => g(x, other.value));
  if (other.kind === "array") throw new MathError("cannot combine a series with an array");
  const points = new Map<number, number>();
  for (const [t, x] of s.points) {
    const y = other.series.points.get(t);
    if (y === undefined) continue;
    const v = g(x, y);
    if (v !== undefined && Number.isFinite(v)) points.set(t, v);
  }
  return { period: Math.max(s.period, other.series.period), points };
}

const REDUCERS: Record<string, (xs: number[]) => number> = {
  SUM: (xs) => xs.reduce((a, b) => a + b, 0),
  AVG: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  MIN: (xs) => Math.min(...xs),
  MAX: (xs) => Math.max(...xs),
};

function call(name: string, args: Node[], ctx: MathContext): MathValue {
  if (name === "METRICS") return { kind: "array", items: ctx.all() };
  const values = args.map((a) => evalNode(a, ctx));
  const reduce = REDUCERS[name];
  if (reduce) {
    if (values.length !== 1) throw new MathError(`${name} takes one argument`);
    const v = values[0]!;
    if (v.kind === "scalar") return v;
    if (v.kind === "series") {
      const xs = [...v.series.points.values()];
      if (xs.length === 0) return { kind: "series", series: { period: v.series.period, points: new Map() } };
      return { kind: "scalar", value: reduce(xs) };
    }
    const points = new Map<number, number>();
    const byTime = new Map<number, number[]>();
    for (const s of v.items) {
      for (const [t, x] of s.points) byTime.set(t, [...(byTime.get(t) ?? []), x]);
    }
    for (const [t, xs] of byTime) points.set(t, reduce(xs));
    return { kind: "series", series: { period: Math.max(0, ...v.items.map((s) => s.period)), points } };
  }
  switch (name) {
    case "ABS":
      if (values.length !== 1) throw new MathError("ABS takes one argument");
      return map1(values[0]!, Math.abs);
    case "FILL": {
      const [v, fill] = values;
      if (values.length !== 2 || v?.kind !== "series" || fill?.kind !== "scalar") {
        throw new MathError("FILL takes a series and a number");
      }
      const points = new Map(v.series.points);
      for (const t of ctx.buckets(v.series.period)) if (!points.has(t)) points.set(t, fill.value);
      return { kind: "series", series: { period: v.series.period, points } };
    }
    case "IF": {
      const [cond, a, b] = values;
      if (values.length < 2 || values.length > 3 || cond?.kind !== "series") {
        throw new MathError("IF takes a condition series and one or two values");
      }
      const pick = (v: MathValue | undefined, t: number): number | undefined =>
        v === undefined
          ? undefined
          : v.kind === "scalar"
            ? v.value
            : v.kind === "series"
              ? v.series.points.get(t)
              : undefined;
      const points = new Map<number, number>();
      for (const [t, c] of cond.series.points) {
        const y = c !== 0 ? pick(a, t) : pick(b, t);
        if (y !== undefined && Number.isFinite(y)) points.set(t, y);
      }
      return { kind: "series", series: { period: cond.series.period, points } };
    }
  }
  throw new MathError(`the function ${name} is not supported by the sandbox`);
}
