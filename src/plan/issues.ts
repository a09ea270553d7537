/**
 * Turns zod's issues into PlanIssues a person can act on: the field path, the line and column, what is
 * wrong in plain words, and how to fix it (the nearest known key for a typo, the allowed values, …).
 */
import type { z } from "zod";
import type { PlanIssue } from "../errors.ts";
import { formatPath, type FieldPath, type PlanSource } from "./source.ts";
import { knownKeys } from "./schema-walk.ts";
import { nearest } from "./suggest.ts";

type ZodIssue = z.core.$ZodIssue;

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (indented `key: value` lines)",
  array: "a list (`- item` lines)",
};

function valueAt(data: unknown, path: FieldPath): unknown {
  let value = data;
  for (const key of path) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function hasKey(data: unknown, path: FieldPath): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(data, path.slice(0, -1));
  return Boolean(parent && typeof parent === "object" && Object.hasOwn(parent, path[path.length - 1]!));
}

/** How a received value reads in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return String(value);
  return typeof value;
}

/** zod's own wording starts like this; a message we wrote in the schema does not, and is kept. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function typeHint(expected: string, value: unknown, raw: string | undefined): string | undefined {
  if (expected === "boolean" && typeof value === "string") return "write true or false without quotes";
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `put the value in quotes: "${raw ?? String(value)}"`;
  }
  if (expected === "int" && typeof value === "number") return `use a whole number, e.g. ${Math.trunc(value)}`;
  if (expected === "number" || expected === "int") return "write a number without quotes or a % sign";
  if (expected === "array") return "write it as a list: one `- item` per line";
  if (expected === "object") return "write it as indented `key: value` lines";
  return undefined;
}

function convert(issue: ZodIssue, root: z.ZodType, source: PlanSource): PlanIssue[] {
  const path = issue.path as (string | number)[];
  const data = source.data;
  const value = valueAt(data, path);
  const custom = !DEFAULT_MESSAGE.test(issue.message);
  const at = (p: FieldPath, where: "key" | "value" = "value") => source.locate(p, where) ?? {};

  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(root, path, data);
      return issue.keys.map((key) => {
        const guess = nearest(key, known);
        const place = path.length ? `under ${formatPath(path)}` : "at the top level";
        const unknown: PlanIssue = {
          path: formatPath([...path, key]),
          message: `unknown field "${key}"`,
          hint: guess
            ? `did you mean "${guess}"?`
            : `remove it; the fields allowed ${place} are: ${known.join(", ")}`,
          ...at([...path, key], "key"),
        };
        if (guess) suggestions.set(unknown, formatPath([...path, guess]));
        return unknown;
      });
    }
    case "invalid_type": {
      if (!hasKey(data, path) || value === undefined) {
        const key = path[path.length - 1];
        const parent = path.slice(0, -1);
        return [
          {
            path: formatPath(path),
            message: path.length === 0 ? "the plan is empty" : "is required",
            hint:
              typeof key === "string"
                ? `add \`${key}:\` ${parent.length ? `under ${formatPath(parent)}` : "at the top level"}`
                : undefined,
            ...at(parent, "key"),
          },
        ];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return [
        {
          path: formatPath(path),
          message: custom
            ? issue.message
            : path.length === 0
              ? `the plan must be a mapping of fields, not ${describeValue(value)}`
              : `must be ${expected}, not ${describeValue(value)}`,
          hint: typeHint(issue.expected, value, source.raw(path)),
          ...at(path),
        },
      ];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const guess = typeof value === "string" ? nearest(value, issue.values.map(String)) : undefined;
      return [
        {
          path: formatPath(path),
          message: custom
            ? `${issue.message}, not ${describeValue(value)}`
            : allowed.length === 1
              ? `must be ${allowed[0]}, not ${describeValue(value)}`
              : `must be one of ${allowed.join(", ")}, not ${describeValue(value)}`,
          hint: guess ? `did you mean "${guess}"?` : undefined,
          ...at(path),
        },
      ];
    }
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      return [
        {
          path: formatPath(path),
          message:
            discriminator && options
              ? `must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}, not ${describeValue(value)}`
              : `does not match any allowed form (${describeValue(value)})`,
          ...at(path),
        },
      ];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const limit = small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum;
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      const bound = `${small ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than"} ${String(limit)}`;
      const origin = (issue as { origin?: string }).origin;
      const what =
        origin === "array"
          ? `must have ${bound} item${limit === 1 ? "" : "s"}`
          : origin === "string"
            ? `must be ${bound} characters long`
            : `must be ${bound}`;
      return [
        {
          path: formatPath(path),
          message: custom ? issue.message : `${what}, not ${describeValue(value)}`,
          ...at(path),
        },
      ];
    }
    default:
      return [
        {
          path: formatPath(path),
          message: custom
            ? `${issue.message} (got ${describeValue(value)})`
            : `is not valid: ${issue.message}`,
          ...at(path),
        },
      ];
  }
}

/** Issues in file order, so the message reads top to bottom. */
export function byPosition(a: PlanIssue, b: PlanIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** An unknown field's issue → the path of the field it was probably meant to be ("did you mean"). */
const suggestions = new WeakMap<PlanIssue, string>();

export function fromZodIssues(issues: readonly ZodIssue[], root: z.ZodType, source: PlanSource): PlanIssue[] {
  const converted = issues.flatMap((issue) => convert(issue, root, source));
  // `gren` → "did you mean green?" already says what `steps[0].green: is required` would.
  const suggested = new Set(converted.flatMap((i) => suggestions.get(i) ?? []));
  return converted.filter((i) => !(i.message === "is required" && suggested.has(i.path))).sort(byPosition);
}
