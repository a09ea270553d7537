/**
 * The least-privilege union of several plans' IAM policies (`iam-policy --fleet`): statements with the
 * same Sid, actions and condition are merged, their resources united (each still named); a Sid that
 * means different actions in two plans gets a numbered twin. Pure.
 */
import type { PolicyDocument, PolicyStatement } from "../security/iam-policy.ts";

export function unionPolicies(policies: readonly PolicyDocument[]): PolicyDocument {
  const merged = new Map<string, PolicyStatement>();
  const sids = new Map<string, number>();
  for (const policy of policies) {
    for (const s of policy.Statement) {
      const actions = [...s.Action].sort();
      const key = JSON.stringify([s.Sid, actions, s.Condition ?? null]);
      const existing = merged.get(key);
      if (existing) {
        if (existing.Resource === "*" || s.Resource === "*") existing.Resource = "*";
        else existing.Resource = [...new Set([...existing.Resource, ...s.Resource])].sort();
        continue;
      }
      const n = (sids.get(s.Sid) ?? 0) + 1;
      sids.set(s.Sid, n);
      merged.set(key, {
        ...s,
        Sid: n === 1 ? s.Sid : `${s.Sid}${n}`,
        Action: actions,
        Resource: s.Resource === "*" ? "*" : [...new Set(s.Resource)].sort(),
      });
    }
  }
  return { Version: "2012-10-17", Statement: [...merged.values()] };
}
