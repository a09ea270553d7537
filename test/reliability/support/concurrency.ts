/**
 * Ten `advance` processes started at once on one upgrade. Exactly one moves; each other exits 5 naming
 * the holder, or gets the lock after the winner, finds nothing to do and exits 0. None moves a second step.
 */
import { expect } from "vitest";
import type { PlanInput } from "../../../src/plan/schema.ts";
import { setup, type CliResult, type Env, type SetupOptions } from "./harness.ts";
import { expectGapFree, history } from "./outcome.ts";
import { reliabilityPlan } from "./plans.ts";
import { watchWorld, type WorldLog } from "./world-log.ts";

export interface RaceOutcome {
  moved: number;
  locked: number;
  idle: number;
  ms: number;
}

function movedAStep(r: CliResult): boolean {
  const events: { type: string }[] = r.json?.events ?? [];
  return events.some((e) => e.type === "shift-started");
}

/** Races `n` advances; `zones` is how many ChangeResourceRecordSets one step takes. */
export async function race(env: Env, log: WorldLog, zones: number, n = 10): Promise<RaceOutcome> {
  const before = log.changes.length;
  const stepBefore: number = (await history(env)).events.filter((e) => e.type === "shift-started").length;
  const started = Date.now();
  const runs = Array.from({ length: n }, () => env.spawnCli(["--output", "json", "advance", env.planFile]));
  const pids = new Set(runs.map((r) => r.child.pid));
  const results = await Promise.all(runs.map((r) => r.done));
  const ms = Date.now() - started;

  let moved = 0;
  let locked = 0;
  let idle = 0;
  for (const r of results) {
    expect(r.stderr, "no stack trace").not.toMatch(/\n\s+at /);
    if (r.code === 5) {
      locked += 1;
      expect(r.json.error.code).toBe("locked");
      const pid = Number(/pid (\d+)/.exec(r.json.error.message)?.[1]);
      expect(pids.has(pid), `holder named: ${r.json.error.message}`).toBe(true);
      continue;
    }
    expect(r.code, r.stdout + r.stderr).toBe(0);
    if (movedAStep(r)) moved += 1;
    else idle += 1;
  }
  expect(moved).toBe(1);
  expect(locked + idle).toBe(n - 1);
  // Route 53 saw exactly one step's batches, and the log exactly one more shift.
  expect(log.changes.length - before).toBe(zones);
  const h = await history(env);
  expectGapFree(h);
  expect(h.events.filter((e) => e.type === "shift-started").length).toBe(stepBefore + 1);
  return { moved, locked, idle, ms };
}

/**
 * A plan for a race: on the first tick, step 1 bakes 10 minutes (whoever gets the lock after the winner
 * finds it baking); on a later tick, one `advance` takes step 1 (bake 0s) first, and step 2 bakes 10
 * minutes, so only the move from step 1 to step 2 is up for grabs.
 */
export function racePlan(tick: "first" | "later", state?: PlanInput["state"]): PlanInput {
  const plan = reliabilityPlan({ zones: [1, 1], ...(state ? { state } : {}) });
  plan.steps = [
    { green: 10, bake: tick === "first" ? "10m" : "0s" },
    { green: 50, bake: "10m" },
    { green: 100, bake: "10m" },
  ];
  return plan;
}

/** Sets up the sandbox for a race on `tick` and runs it. */
export async function raceOn(
  tick: "first" | "later",
  state: PlanInput["state"] | undefined,
  options: SetupOptions = {},
): Promise<RaceOutcome & { sandboxS3Calls: number }> {
  const env = await setup(racePlan(tick, state), options);
  try {
    const log = watchWorld(env.sandbox);
    if (tick === "later") {
      const r = await env.cli(["advance", env.planFile]);
      expect(r.code, r.stderr).toBe(0);
    }
    const outcome = await race(env, log, 2);
    return { ...outcome, sandboxS3Calls: env.sandbox.calls.filter((c) => c.service === "s3").length };
  } finally {
    await env.close();
  }
}
