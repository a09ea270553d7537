/**
 * What two plans of a fleet must never share: a traffic target, or a state. Traffic is compared
 * generically, kind by kind of `traffic` (records today; listeners and endpoint groups join the same way):
 * a Route 53 weighted record is its name, type and set identifier; any other target is each ARN it
 * names (or, without one, its whole content).
 */
import { resolve } from "node:path";
import { normalizeName } from "../engine/route53-names.ts";
import { canonical, type CompiledPlan } from "../plan/compile.ts";
import type { PlanDoc } from "../plan/schema.ts";

export interface Claim {
  /** Equal keys mean the same target. */
  key: string;
  /** For messages. */
  label: string;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** Every traffic target the plan moves, as comparable claims. */
export function trafficClaims(doc: PlanDoc): Claim[] {
  const claims: Claim[] = [];
  for (const [kind, items] of Object.entries(doc.traffic as Record<string, unknown>)) {
    if (!Array.isArray(items)) continue;
    for (const item of items as unknown[]) {
      if (kind === "records") {
        const r = item as PlanDoc["traffic"]["records"][number];
        const name = normalizeName(r.name);
        for (const setId of [r.blue, r.green]) {
          claims.push({
            key: `record|${name}|${r.type.toUpperCase()}|${setId}`,
            label: `the record ${name} ${r.type} (set ${setId})`,
          });
        }
        continue;
      }
      const arns = [...new Set(strings(item).filter((s) => s.startsWith("arn:")))];
      if (arns.length > 0) {
        for (const arn of arns) claims.push({ key: `${kind}|${arn}`, label: `${kind} ${arn}` });
      } else {
        claims.push({ key: `${kind}|${canonical(item)}`, label: `the same ${kind} entry` });
      }
    }
  }
  return claims;
}

/** Where the plan's state lives, as a comparable key (the state store's own rule for the path). */
export function stateIdentity(plan: CompiledPlan, cwd: string): { key: string; where: string } {
  const state = plan.doc.state;
  if (state.backend === "local") {
    const dir = resolve(cwd, state.dir, plan.name);
    return { key: `local|${dir}`, where: `folder ${dir}` };
  }
  return { key: `s3|${state.bucket}|${state.key}`, where: `s3://${state.bucket}/${state.key}` };
}
