/**
 * Checks a Kubernetes object against @kubernetes/client-node's own generated types: every field must be
 * one the type declares (its attributeTypeMap), with the right shape, and every field the type's
 * declaration file marks required (no `?`) must be there. No cluster needed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as k8s from "@kubernetes/client-node";

type Attr = { name: string; baseName: string; type: string };
type Model = { getAttributeTypeMap(): Attr[] };

const require = createRequire(import.meta.url);
const MODELS = join(dirname(require.resolve("@kubernetes/client-node")), "gen", "models");

function model(type: string): Model | undefined {
  const m = (k8s as unknown as Record<string, unknown>)[type];
  return m && typeof (m as Model).getAttributeTypeMap === "function" ? (m as Model) : undefined;
}

const requiredCache = new Map<string, string[]>();
function required(type: string): string[] {
  let list = requiredCache.get(type);
  if (!list) {
    const dts = readFileSync(join(MODELS, `${type}.d.ts`), "utf8");
    list = [...dts.matchAll(/^\s+'([A-Za-z0-9_$]+)':/gm)].map((m) => m[1]!);
    requiredCache.set(type, list);
  }
  return list;
}

/** `apiVersion` + `kind` → the model name the client uses, e.g. batch/v1 CronJob → V1CronJob. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split("/").pop()!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

export function validate(value: unknown, type: string, path = ""): string[] {
  const errors: string[] = [];
  const array = /^Array<(.+)>$/.exec(type);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [`${path}: must be a list`];
    value.forEach((v, i) => errors.push(...validate(v, array[1]!, `${path}[${i}]`)));
    return errors;
  }
  if (map) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return [`${path}: must be a mapping`];
    for (const [k, v] of Object.entries(value)) errors.push(...validate(v, map[1]!, `${path}.${k}`));
    return errors;
  }
  switch (type) {
    case "string":
      return typeof value === "string" ? [] : [`${path}: must be a string`];
    case "number":
      return typeof value === "number" ? [] : [`${path}: must be a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: must be true or false`];
    case "IntOrString":
      return typeof value === "number" || typeof value === "string"
        ? []
        : [`${path}: must be a number or string`];
    case "any":
    case "object":
    case "Date":
      return [];
  }
  const m = model(type);
  if (!m) return [`${path}: unknown type ${type}`];
  if (!value || typeof value !== "object" || Array.isArray(value))
    return [`${path}: must be a mapping (${type})`];
  const attrs = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a]));
  for (const [k, v] of Object.entries(value)) {
    const a = attrs.get(k);
    if (!a) errors.push(`${path}.${k}: not a field of ${type}`);
    else errors.push(...validate(v, a.type, `${path}.${k}`));
  }
  for (const r of required(type)) {
    const a = m.getAttributeTypeMap().find((x) => x.name === r);
    const key = a ? a.baseName : r;
    if ((value as Record<string, unknown>)[key] === undefined)
      errors.push(`${path}.${key}: required by ${type}`);
  }
  return errors;
}
