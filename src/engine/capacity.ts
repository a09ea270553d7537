/**
 * Capacity that follows traffic (plan `capacity`, needs `health.kubernetes`): before a step to p%, every
 * workload on both sides needs ⌈p/100 × blue's ready replicas at the start × (1 + headroom)⌉ ready
 * replicas on green. Short is a hold (wait and look again), never a failure: scaling green is the
 * team's job (HPA or GitOps). Pure.
 */
import type { CompiledPlan } from "../plan/compile.ts";
import type { Draft } from "./draft.ts";
import type { Observation } from "./observation.ts";
import type { EngineFinding } from "./vocabulary.ts";

export interface CapacityShort {
  workload: string;
  have: number;
  need: number;
  blueAtStart: number;
}

/** Replicas green needs to carry `percent` of what `blue` replicas carried, with `headroom` percent more. */
export function replicasNeeded(blue: number, percent: number, headroom: number): number {
  // Integer arithmetic where the inputs allow it: 50% × 20 × 1.1 is 11, not 11.000000000000002 → 12.
  const exact = (percent * blue * (100 + headroom)) / 10_000;
  return Math.max(0, Math.ceil(exact - 1e-9));
}

/** Workloads on both sides whose green ready replicas are below what `percent` needs. */
export function capacityShortfalls(
  blueAtStart: Record<string, number>,
  green: Record<string, number>,
  percent: number,
  headroom: number,
): CapacityShort[] {
  const out: CapacityShort[] = [];
  for (const [workload, blue] of Object.entries(blueAtStart).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const have = green[workload];
    if (have === undefined) continue;
    const need = replicasNeeded(blue, percent, headroom);
    if (have < need) out.push({ workload, have, need, blueAtStart: blue });
  }
  return out;
}

/** Per step, the replicas green needs per workload (for `plan`). */
export function replicasPerStep(
  plan: CompiledPlan,
  blue: Record<string, number>,
): { step: number; green: number; replicas: Record<string, number> }[] {
  const headroom = plan.doc.capacity?.headroom ?? 10;
  return plan.steps.map((s, i) => ({
    step: i + 1,
    green: s.green,
    replicas: Object.fromEntries(
      Object.entries(blue).map(([w, n]) => [w, replicasNeeded(n, s.green, headroom)]),
    ),
  }));
}

/**
 * While shifting: blue's workloads that have shrunk (autoscaled down as traffic left) below what they ran
 * at the start, which a full rollback sends back to them. A warning, with how many replicas are missing.
 */
export function rollbackShort(
  blueAtStart: Record<string, number>,
  blueNow: Record<string, number>,
): EngineFinding[] {
  return Object.entries(blueAtStart)
    .filter(([w, n]) => blueNow[w] !== undefined && blueNow[w] < n)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([w, n]) => ({
      severity: "warning" as const,
      code: "blue-capacity-short",
      message: `Blue's ${w} has ${blueNow[w]} ready replica(s), ${n - blueNow[w]!} fewer than the ${n} it ran at the start: a full rollback would land on a smaller blue.`,
      subject: w,
    }));
}

export function describeShort(s: CapacityShort, headroom: number): string {
  return `${s.workload} has ${s.have} ready replica(s), needs ${s.need} (blue ran ${s.blueAtStart} at the start, +${headroom}% headroom)`;
}

/**
 * Before the shift to step k: records blue's replicas on the first call, then holds (returns true) while
 * green is short. No capacity reading (plan without `capacity`, Kubernetes unread) never holds here: the
 * health verdict already holds on an unreadable green.
 */
export function holdsForCapacity(d: Draft, k: number, obs: Observation): boolean {
  const capacity = d.plan.doc.capacity;
  const step = d.plan.steps[k - 1];
  const reading = obs.kubernetes?.ok ? obs.kubernetes.value.capacity : undefined;
  if (!capacity || !step || !reading) return false;
  const s = d.state;
  if (!s.blueReplicasAtStart && reading.blue.ok) s.blueReplicasAtStart = reading.blue.value;
  const blue = s.blueReplicasAtStart;
  if (!blue) return false;
  if (s.writtenGreen > 0 && reading.blue.ok) d.findings.push(...rollbackShort(blue, reading.blue.value));
  const short = capacityShortfalls(blue, reading.green, step.green, capacity.headroom);
  if (short.length === 0) return false;
  d.wait({
    code: "capacity",
    step: k,
    green: step.green,
    text: short.map((x) => describeShort(x, capacity.headroom)).join("; "),
  });
  return true;
}

/**
 * Preflight: a green HPA whose maxReplicas cannot reach what 100% needs is an error (the upgrade would
 * hold before the last step for ever). Blue's replicas now are its replicas at the start.
 */
export function capacityPreflight(plan: CompiledPlan, obs: Observation): EngineFinding[] {
  const capacity = plan.doc.capacity;
  const reading = obs.kubernetes?.ok ? obs.kubernetes.value.capacity : undefined;
  if (!capacity || !reading?.hpaMax || !reading.blue.ok) return [];
  const findings: EngineFinding[] = [];
  for (const [workload, max] of Object.entries(reading.hpaMax).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const blue = reading.blue.value[workload];
    if (blue === undefined) continue;
    const need = replicasNeeded(blue, 100, capacity.headroom);
    if (max < need) {
      findings.push({
        severity: "error",
        code: "hpa-max-too-low",
        message: `Green's HPA for ${workload} allows at most ${max} replica(s); 100% of traffic needs ${need} (blue runs ${blue}, +${capacity.headroom}% headroom). Raise its maxReplicas.`,
        subject: workload,
      });
    }
  }
  return findings;
}
