/**
 * Generators of hostile plans for fast-check: a valid plan with fields replaced, removed or added at
 * random paths (wrong types, huge and negative numbers, odd strings), and raw text and bytes that are
 * barely YAML at all (binary, alias bombs, deep nesting, duplicate keys, UTF-16, a BOM).
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { reliabilityPlan } from "./plans.ts";

type Json = unknown;
type Path = (string | number)[];

function paths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const BASE = reliabilityPlan({ zones: [1, 1], retire: { mode: "delete", blueRecords: "delete" } });
const BASE_PATHS = paths(BASE).filter((p) => p.length > 0);

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "-1",
    "1e309",
    "NaN",
    "0x10",
    "9999999999999999999999",
    "../../etc/passwd",
    "${HOME}",
    "$(rm -rf /)",
    "\u0000",
    "\u202e",
    "x".repeat(5000),
    "1h1h",
    "24h0m",
    "-5s",
    "1.5s",
    "1.31.0",
  ),
);

const anyValue: fc.Arbitrary<Json> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    oddString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -1, 101, 256, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

function mutated(edits: { path: Path; kind: "set" | "delete" | "extra"; value: Json }[]): Json {
  const plan = structuredClone(BASE) as Record<string | number, unknown>;
  for (const { path, kind, value } of edits) {
    let parent = plan;
    let ok = true;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (next === null || typeof next !== "object") {
        ok = false;
        break;
      }
      parent = next as Record<string | number, unknown>;
    }
    if (!ok) continue;
    const key = path[path.length - 1]!;
    if (kind === "delete") {
      if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
      else delete parent[key];
    } else if (kind === "extra") {
      parent[`${String(key)}Extra`] = value;
    } else parent[key] = value;
  }
  return plan;
}

const mutatedPlan = fc
  .array(
    fc.record({
      path: fc.constantFrom(...BASE_PATHS),
      kind: fc.constantFrom("set", "delete", "extra" as const),
      value: anyValue,
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((edits) => Buffer.from(stringify(mutated(edits as never))));

const bomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 9 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    return `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
  }),
].join("\n");

const rawText = fc.oneof(
  fc.constantFrom(
    "",
    "\n",
    "---\n...\n",
    "null",
    "[]",
    "42",
    "apiVersion: eks-bluegreen/v1\napiVersion: eks-bluegreen/v1\n",
    "\tapiVersion: x",
    bomb,
    `${"[".repeat(5000)}${"]".repeat(5000)}`,
    `${"a:\n ".repeat(2000)}b`,
    "%YAML 9.9\n---\na: 1",
    "!!binary aGVsbG8=",
    "a: !!js/function 'function(){}'",
    `\ufeff${stringify(BASE)}`,
    stringify(BASE).slice(0, 200),
  ),
  fc.string({ maxLength: 400 }),
);

const rawBytes = fc.oneof(
  rawText.map((t) => Buffer.from(t)),
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from(stringify(BASE), "utf16le")),
  fc.constant(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(stringify(BASE), "utf16le")])),
);

/** Bytes of a hostile plan file. */
export const hostilePlan: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: mutatedPlan, weight: 6 },
  { arbitrary: rawBytes, weight: 2 },
);

export const BOMB_PLAN = bomb;
