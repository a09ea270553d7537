/**
 * Walks the zod plan schema along a field path, to name the keys allowed at a place (for "did you
 * mean") and to list every documented field (for docs/plan-reference.md).
 */
import type { z } from "zod";
import type { FieldPath } from "./source.ts";

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
}

function def(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips optional, default, nullable and pipe wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (
      d.innerType &&
      ["optional", "default", "nullable", "prefault", "readonly", "catch"].includes(d.type)
    ) {
      current = d.innerType;
    } else if (d.type === "pipe" && d.in) {
      current = d.in;
    } else {
      return current;
    }
  }
}

/** The union member whose discriminator matches the data, or every member when none does. */
function unionMembers(schema: AnySchema, data: unknown): AnySchema[] {
  const d = def(schema);
  const options = d.options ?? [];
  if (d.discriminator && data && typeof data === "object") {
    const wanted = (data as Record<string, unknown>)[d.discriminator];
    const match = options.filter((o) => {
      const field = def(unwrap(o)).shape?.[d.discriminator!];
      return field !== undefined && (def(field) as { values?: unknown[] }).values?.includes(wanted);
    });
    if (match.length > 0) return match;
  }
  return options;
}

function child(schema: AnySchema, key: string | number, data: unknown): AnySchema | undefined {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === "object") return typeof key === "string" ? d.shape?.[key] : undefined;
  if (d.type === "array") return typeof key === "number" ? d.element : undefined;
  if (d.type === "union") {
    for (const option of unionMembers(s, data)) {
      const found = child(option, key, data);
      if (found) return found;
    }
  }
  return undefined;
}

function valueAt(data: unknown, key: string | number): unknown {
  if (data && typeof data === "object") return (data as Record<string | number, unknown>)[key];
  return undefined;
}

/** The keys allowed in the mapping at `path` (empty when the path is not a mapping). */
export function knownKeys(root: AnySchema, path: FieldPath, data: unknown): string[] {
  let schema: AnySchema | undefined = root;
  let value = data;
  for (const key of path) {
    if (!schema) return [];
    schema = child(schema, key, value);
    value = valueAt(value, key);
  }
  if (!schema) return [];
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === "object") return Object.keys(d.shape ?? {});
  if (d.type === "union") {
    return [...new Set(unionMembers(s, value).flatMap((o) => Object.keys(def(unwrap(o)).shape ?? {})))];
  }
  return [];
}

/** The schema at `path`, if any. */
export function schemaAt(root: AnySchema, path: FieldPath, data: unknown): AnySchema | undefined {
  let schema: AnySchema | undefined = root;
  let value = data;
  for (const key of path) {
    if (!schema) return undefined;
    schema = child(schema, key, value);
    value = valueAt(value, key);
  }
  return schema;
}
