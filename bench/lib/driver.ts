/**
 * The engine's driver in-process against a sandbox: the same wiring as `openSession`, without a CLI
 * context, so the bench can run one tick at a time and read the sandbox's call log in between.
 */
import { hostname } from "node:os";
import { createPorts } from "../../src/runner/ports.ts";
import { runTick, type DriverDeps, type TickResult } from "../../src/runner/driver.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { openStateStore } from "../../src/state/index.ts";
import type { BenchWorld } from "./fixtures.ts";
import { quietProcessWarnings } from "./raw.ts";

/** The SDK's default credential chain reads process.env: point it at the sandbox's fake keys. */
export function useSandboxCredentials(env: Record<string, string>): void {
  for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"]) {
    if (env[key] !== undefined) process.env[key] = env[key];
  }
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

export async function driverFor(world: BenchWorld): Promise<DriverDeps> {
  const { sandbox } = world;
  quietProcessWarnings();
  useSandboxCredentials(sandbox.env);
  const plan = await loadPlan(world.planFile);
  const ports = await createPorts(
    plan,
    { endpointUrl: sandbox.endpoint, region: plan.doc.region },
    {
      env: { ...sandbox.env },
    },
  );
  const now = () => new Date();
  return {
    plan,
    ports,
    store: openStateStore(plan, { cwd: world.dir }),
    now,
    owner: { host: hostname(), pid: process.pid, startedAt: now().toISOString(), command: "bench" },
    insyncTimeoutMs: 60_000,
  };
}

export function tick(deps: DriverDeps): Promise<TickResult> {
  return runTick(deps);
}
