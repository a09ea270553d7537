/**
 * The field-by-field reference (docs/plan-reference.md), generated from the JSON Schema so it cannot
 * drift from the schema: a test compares the document with this output.
 */
import { planJsonSchema } from "./json-schema.ts";

type JsonSchema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
};

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default: string | undefined;
  description: string;
}

const DURATION_PATTERN = "^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m(?!s))?(\\d+s)?(\\d+ms)?$";

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (s.type === "string" && s.pattern === DURATION_PATTERN) return "duration";
  if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "values"}`;
  if (s.type === "object") return "mapping";
  if (s.type === "integer" || s.type === "number") {
    const kind = s.type === "integer" ? "integer" : "number";
    const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
    if (s.minimum !== undefined && max !== undefined) return `${kind} ${s.minimum}–${max}`;
    if (s.minimum !== undefined) return `${kind} ≥ ${s.minimum}`;
    return kind;
  }
  if (s.oneOf ?? s.anyOf) return "one of the forms below";
  return s.type ?? "any";
}

function defaultOf(s: JsonSchema): string | undefined {
  if (s.default === undefined) return undefined;
  const text = JSON.stringify(s.default);
  return text.length > 60 ? "(see fields)" : `\`${text}\``;
}

function walk(s: JsonSchema, path: string, required: boolean, rows: FieldRow[], qualifier = ""): void {
  if (path) {
    rows.push({
      path,
      type: typeOf(s),
      required,
      default: defaultOf(s),
      description: `${qualifier}${s.description ?? ""}`.trim(),
    });
  }
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    walkVariants(variants, path, rows);
    return;
  }
  if (s.type === "array" && s.items) {
    const itemVariants = s.items.oneOf ?? s.items.anyOf;
    if (itemVariants) return walkVariants(itemVariants, `${path}[]`, rows);
    if (s.items.type === "object" || s.items.oneOf) walkProperties(s.items, `${path}[]`, rows, qualifier);
    return;
  }
  if (s.type === "object") walkProperties(s, path, rows, qualifier);
}

/** A discriminated union: its tag once, with every value, then each form's fields marked with its tag. */
function walkVariants(variants: JsonSchema[], path: string, rows: FieldRow[]): void {
  const tagOf = (v: JsonSchema) => Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined);
  const tag = tagOf(variants[0]!)?.[0];
  if (tag) {
    const values = variants.map((v) => v.properties?.[tag]?.const);
    rows.push({
      path: `${path}.${tag}`,
      type: values.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| "),
      required: true,
      default: undefined,
      description: `Which form this is; the fields below marked (${tag}: …) belong to that form.`,
    });
  }
  for (const variant of variants) {
    const label = tag ? `(${tag}: ${String(variant.properties?.[tag]?.const)}) ` : "";
    walkProperties(variant, path, rows, label, tag);
  }
}

function walkProperties(
  s: JsonSchema,
  path: string,
  rows: FieldRow[],
  qualifier: string,
  skip?: string,
): void {
  const required = new Set(s.required ?? []);
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    if (key === skip) continue;
    walk(child, path ? `${path}.${key}` : key, required.has(key), rows, qualifier);
  }
}

export function referenceRows(schema: JsonSchema = planJsonSchema() as JsonSchema): FieldRow[] {
  const rows: FieldRow[] = [];
  walk(schema, "", true, rows);
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The generated table: one row per field. */
export function renderReferenceTable(rows: readonly FieldRow[] = referenceRows()): string {
  const lines = [
    "| Field | Type | Required | Default | Meaning |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| \`${r.path}\` | ${r.type.includes("\\|") ? r.type : cell(r.type)} | ${r.required ? "yes" : "no"} | ${r.default ?? ""} | ${cell(r.description)} |`,
    ),
  ];
  return lines.join("\n");
}
