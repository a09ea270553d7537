/**
 * The verdict on green, every tick: pass, fail (roll back), inconclusive (hold: e.g. INSUFFICIENT_DATA
 * where the plan says hold) or error (a part could not be read: hold and look again). Pure.
 */
import type { ClusterReading } from "./ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Observation } from "./observation.ts";
import { trafficError } from "./traffic.ts";
import type { Evidence } from "./state.ts";

export type VerdictKind = "pass" | "fail" | "inconclusive" | "error";

export interface Verdict {
  kind: VerdictKind;
  /** Why, one line each; empty on pass. */
  reasons: string[];
  evidence: Evidence;
}

const BAD_CLUSTER = new Set(["FAILED", "DELETING", "CREATING", "PENDING"]);
const BAD_NODEGROUP = new Set(["DEGRADED", "CREATE_FAILED", "DELETE_FAILED", "DELETING"]);
const BAD_ADDON = new Set(["DEGRADED", "CREATE_FAILED", "DELETE_FAILED", "DELETING", "UPDATE_FAILED"]);

/** Why green's EKS side is unhealthy (empty when healthy). */
export function greenProblems(green: ClusterReading): string[] {
  const out: string[] = [];
  if (!green.exists) return [`green cluster ${green.name} does not exist`];
  if (green.status && BAD_CLUSTER.has(green.status))
    out.push(`green cluster ${green.name} is ${green.status}`);
  for (const i of green.issues) out.push(`green cluster: ${i.code}: ${i.message}`);
  for (const ng of green.nodegroups) {
    if (BAD_NODEGROUP.has(ng.status)) out.push(`node group ${ng.name} is ${ng.status}`);
    for (const i of ng.issues) out.push(`node group ${ng.name}: ${i.code}: ${i.message}`);
  }
  for (const a of green.addons) {
    if (BAD_ADDON.has(a.status)) out.push(`add-on ${a.name} is ${a.status}`);
  }
  return out;
}

/**
 * The containers that restarted more than `maxRestarts` times since `baseline` (the counts taken when
 * the bake started), keyed `namespace/pod/container`. A container absent from the baseline (a new pod)
 * counts from zero; so does a count that went down: the pod was recreated under the same name, and
 * every restart of the new one happened during the bake.
 */
export function excessRestarts(
  baseline: Readonly<Record<string, number>>,
  current: Readonly<Record<string, number>>,
  maxRestarts: number,
): { container: string; grew: number }[] {
  const out: { container: string; grew: number }[] = [];
  for (const [container, count] of Object.entries(current)) {
    const before = baseline[container] ?? 0;
    const grew = count < before ? count : count - before;
    if (grew > maxRestarts) out.push({ container, grew });
  }
  return out;
}

/**
 * `since`: when the current step's change was submitted; an ALARM in the history from then on fails the
 * step even if the alarm is OK again now.
 */
export function judge(
  observation: Observation,
  plan: CompiledPlan,
  since: string | undefined,
  restartBaseline?: Record<string, number>,
): Verdict {
  const fail: string[] = [];
  const hold: string[] = [];
  const errors: string[] = [];
  const evidence: Evidence = {};

  const alarms = observation.alarms;
  if (!alarms.ok) {
    errors.push(`cannot read CloudWatch alarms: ${alarms.error}`);
  } else {
    evidence.alarms = alarms.value.alarms.map((a) => ({ name: a.name, state: a.state }));
    for (const m of alarms.value.missing) errors.push(`alarm ${m} no longer exists`);
    for (const a of alarms.value.alarms) {
      if (a.state === "ALARM") fail.push(`alarm ${a.name} is in ALARM`);
      if (a.state === "INSUFFICIENT_DATA") {
        const mode = plan.doc.alarms.insufficientData;
        if (mode === "fail")
          fail.push(`alarm ${a.name} has INSUFFICIENT_DATA (the plan treats it as failing)`);
        if (mode === "hold") hold.push(`alarm ${a.name} has INSUFFICIENT_DATA`);
      }
    }
    if (since !== undefined) {
      const fired = alarms.value.history.filter((h) => h.to === "ALARM" && h.at >= since);
      if (fired.length > 0) {
        evidence.alarmHistory = fired.map((h) => ({ name: h.name, at: h.at, to: h.to }));
        // One reason per alarm: one failing now, or an earlier transition of the same alarm, says it.
        const said = new Set(
          alarms.value.alarms
            .filter(
              (a) =>
                a.state === "ALARM" ||
                (a.state === "INSUFFICIENT_DATA" && plan.doc.alarms.insufficientData === "fail"),
            )
            .map((a) => a.name),
        );
        for (const h of fired) {
          if (said.has(h.name)) continue;
          said.add(h.name);
          fail.push(`alarm ${h.name} went to ALARM at ${h.at}`);
        }
      }
    }
  }

  if (!observation.green.ok) errors.push(`cannot read green's EKS health: ${observation.green.error}`);
  else fail.push(...greenProblems(observation.green.value));

  const k8s = observation.kubernetes;
  if (k8s && !k8s.ok) errors.push(`cannot read green's Kubernetes health: ${k8s.error}`);
  if (k8s && k8s.ok) {
    for (const f of k8s.value.findings)
      if (f.severity === "error") fail.push(`${f.subject ? `${f.subject}: ` : ""}${f.message}`);
    const allowed = plan.doc.health?.kubernetes?.maxRestarts;
    if (restartBaseline && allowed !== undefined) {
      for (const { container, grew } of excessRestarts(restartBaseline, k8s.value.restarts, allowed))
        fail.push(`container ${container} restarted ${grew} times during the bake (at most ${allowed})`);
    }
  }

  const traffic = trafficError(observation);
  if (traffic) errors.push(`cannot read ${traffic}`);
  // Targets a changed plan dropped are still this upgrade's: not reading them holds, as for the plan's own.
  const former = observation.formerTraffic;
  if (former && !former.ok) errors.push(`cannot read the targets the plan no longer names: ${former.error}`);
  if (former?.ok) {
    for (const r of former.value)
      if (r.zoneId === undefined) errors.push(`hosted zone of ${r.pair.name} ${r.pair.type} not found`);
  }

  const kind: VerdictKind =
    fail.length > 0 ? "fail" : errors.length > 0 ? "error" : hold.length > 0 ? "inconclusive" : "pass";
  const reasons = kind === "fail" ? fail : kind === "error" ? errors : kind === "inconclusive" ? hold : [];
  return { kind, reasons, evidence: { ...evidence, verdict: kind } };
}
