/**
 * Generated plans of any size for the benchmarks, and a sandbox seeded from them in a fresh working
 * directory (the local state lands there).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { Plan, type PlanInput } from "../../src/plan/schema.ts";
import { seedFromPlan, startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.ts";

export interface BenchPlanShape {
  name?: string;
  pairs: number;
  zones: number;
  alarms: number;
  steps: { green: number; bake: string }[];
  pollInterval: string;
  nodegroups?: string[];
  addons?: string[];
}

export const BENCH_NODEGROUPS = ["general"];
export const BENCH_ADDONS = ["vpc-cni", "coredns"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function alarmNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench-alarm-${pad(i, 4)}`);
}

/** A plan with `pairs` A-record pairs dealt round-robin over `zones` zones (by id) and `alarms` alarm names. */
export function benchPlan(shape: BenchPlanShape): PlanInput {
  const records = Array.from({ length: shape.pairs }, (_, i) => {
    const zone = i % shape.zones;
    return {
      zoneId: `Z0BENCH${pad(zone, 3)}`,
      name: `svc-${pad(i, 4)}.zone${zone}.bench.example`,
      type: "A" as const,
      blue: `svc-${pad(i, 4)}-blue`,
      green: `svc-${pad(i, 4)}-green`,
    };
  });
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: shape.name ?? "bench" },
    region: "us-east-1",
    clusters: {
      blue: { name: "bench-1-30" },
      green: {
        name: "bench-1-31",
        kubernetesVersion: "1.31",
        nodegroups: shape.nodegroups ?? BENCH_NODEGROUPS,
        addons: shape.addons ?? BENCH_ADDONS,
      },
    },
    traffic: { records },
    steps: shape.steps,
    alarms: { names: alarmNames(shape.alarms), pollInterval: shape.pollInterval, history: true },
    rollback: { automatic: true, holdTimeout: "10m" },
    retire: { after: "100ms", mode: "keep", approval: false, blueRecords: "keep" },
  };
}

export interface BenchWorld {
  sandbox: Sandbox;
  /** Working directory holding plan.yaml and the local state. */
  dir: string;
  planFile: string;
  close(): Promise<void>;
}

/** Starts a sandbox seeded from the plan and writes the plan to a fresh directory. */
export async function benchWorld(plan: PlanInput, options: SandboxOptions = {}): Promise<BenchWorld> {
  const sandbox = await startSandbox(options);
  seedFromPlan(sandbox, Plan.parse(plan));
  const dir = await mkdtemp(join(tmpdir(), "ebg-bench-"));
  const planFile = join(dir, "plan.yaml");
  await writeFile(planFile, stringify(plan));
  return {
    sandbox,
    dir,
    planFile,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a plan without a sandbox (offline previews). */
export async function writePlan(plan: PlanInput): Promise<{ dir: string; planFile: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ebg-bench-"));
  const planFile = join(dir, "plan.yaml");
  await writeFile(planFile, stringify(plan));
  return { dir, planFile };
}
