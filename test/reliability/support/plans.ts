/**
 * Compressed plans for the reliability suite: bakes and polls of tens of milliseconds, record pairs
 * spread over several hosted zones, and optionally enough pairs in one zone that Route 53's batch
 * limits split its change into several requests.
 */
import type { PlanInput } from "../../../src/plan/schema.ts";

export interface PlanShape {
  name?: string;
  /** Pairs per hosted zone, e.g. [2, 1, 1] = three zones. Default [2, 1]. */
  zones?: number[];
  steps?: number[];
  bake?: string;
  retire?: Partial<PlanInput["retire"] & object>;
  state?: PlanInput["state"];
  approvalAt?: number[];
}

export function zoneName(z: number): string {
  return `zone${z}.example.com`;
}

export function pairsOf(shape: PlanShape): { zone: string; name: string; blue: string; green: string }[] {
  const out: { zone: string; name: string; blue: string; green: string }[] = [];
  (shape.zones ?? [2, 1]).forEach((count, z) => {
    for (let i = 0; i < count; i++) {
      out.push({ zone: zoneName(z), name: `r${i}.${zoneName(z)}`, blue: `r${i}-blue`, green: `r${i}-green` });
    }
  });
  return out;
}

export function reliabilityPlan(shape: PlanShape = {}): PlanInput {
  const bake = shape.bake ?? "50ms";
  const approvalAt = new Set(shape.approvalAt ?? []);
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: shape.name ?? "rel" },
    region: "us-east-1",
    clusters: {
      blue: { name: "shop-blue" },
      green: { name: "shop-green", kubernetesVersion: "1.31" },
    },
    traffic: {
      records: pairsOf(shape).map((p) => ({ zoneName: p.zone, name: p.name, blue: p.blue, green: p.green })),
    },
    steps: (shape.steps ?? [10, 50, 100]).map((green, i) => ({
      green,
      bake,
      ...(approvalAt.has(i + 1) ? { approval: true } : {}),
    })),
    alarms: { names: ["shop-5xx"], pollInterval: "1s" },
    rollback: { holdTimeout: "2s" },
    retire: { after: "0s", mode: "keep", approval: false, blueRecords: "keep", ...shape.retire },
    ...(shape.state ? { state: shape.state } : {}),
  } as PlanInput;
}
