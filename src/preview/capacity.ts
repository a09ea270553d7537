/**
 * `plan`'s view of capacity that follows traffic: for each step, the ready replicas green needs per
 * workload (from blue's ready replicas now, which become the upgrade's start), and what green has.
 */
import { replicasPerStep } from "../engine/capacity.ts";
import type { Observation } from "../engine/observation.ts";
import type { CompiledPlan } from "../plan/compile.ts";

export interface CapacityPreview {
  headroom: number;
  /** Blue's ready replicas per workload; empty when blue or green was not read. */
  blue: Record<string, number>;
  green: Record<string, number>;
  steps: { step: number; green: number; replicas: Record<string, number> }[];
}

export function capacityPreview(plan: CompiledPlan, observation?: Observation): CapacityPreview | null {
  if (!plan.doc.capacity) return null;
  const reading = observation?.kubernetes?.ok ? observation.kubernetes.value.capacity : undefined;
  const green = reading?.green ?? {};
  // Only workloads on both sides count (as the hold before each step counts them).
  const blue = Object.fromEntries(
    Object.entries(reading?.blue.ok ? reading.blue.value : {}).filter(([w]) => green[w] !== undefined),
  );
  return { headroom: plan.doc.capacity.headroom, blue, green, steps: replicasPerStep(plan, blue) };
}

export function renderCapacity(c: CapacityPreview | null): string | undefined {
  if (!c) return undefined;
  const workloads = Object.keys(c.blue).sort();
  if (workloads.length === 0) {
    return `Capacity (+${c.headroom}% headroom): no workload read on both blue and green.`;
  }
  const lines = [`Capacity: ready replicas green needs before each step (+${c.headroom}% headroom):`];
  for (const w of workloads) {
    const needs = c.steps.map((s) => `${s.green}%→${s.replicas[w]}`).join(", ");
    lines.push(`  ${w}: blue ${c.blue[w]}, green ${c.green[w]}; ${needs}`);
  }
  return lines.join("\n");
}
