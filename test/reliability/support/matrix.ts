/**
 * The crash matrix: every crash point the tool reaches during a whole upgrade (each occurrence, as
 * `point:N`, traced from a clean run), plus server-side moments it has no point for (between two
 * batches of a step, during the INSYNC wait, mid-retirement). A trial starts the upgrade with `run`,
 * SIGKILLs it at one of them, then continues with `advance` (and `run`) until the upgrade ends, and
 * checks the outcome against the sandbox's own change history.
 */
import { expect } from "vitest";
import { setup, type Env } from "./harness.ts";
import {
  expectCompleted,
  expectEachStepOnce,
  expectGapFree,
  expectUnlocked,
  history,
  lockExists,
} from "./outcome.ts";
import { reliabilityPlan, type PlanShape } from "./plans.ts";
import { expectAtRest, expectTargetsEachStepOnce } from "./targets.ts";
import { watchWorld, type KillMoment } from "./world-log.ts";

export type Trial = { kind: "point"; at: string } | { kind: "moment"; moment: KillMoment; label: string };

export function trialLabel(t: Trial): string {
  return t.kind === "point" ? t.at : t.label;
}

export interface TrialOutcome {
  label: string;
  continuedWith: string[];
  changeRequests: number;
  /** Load-balancer writes per step (`10%: 1 ModifyListener, 1 UpdateEndpointGroup`); empty for record plans. */
  targetWritesPerStep: string[];
  ms: number;
}

/** Every crash point a clean `run` of the plan reaches, in order, as `point:N`. */
export async function tracePoints(shape: PlanShape): Promise<string[]> {
  const env = await setup(reliabilityPlan(shape));
  try {
    const r = await env.cli(["run", env.planFile], { EKS_BLUEGREEN_CRASH_TRACE: "1" });
    expect(r.code, r.stderr).toBe(0);
    return [...r.stderr.matchAll(/eks-bluegreen crash-point (\S+)/g)].map((m) => m[1]!);
  } finally {
    await env.close();
  }
}

const MAX_TICKS = 40;

/** Runs one trial from a fresh sandbox; `finishWith` picks how the upgrade is continued after the kill. */
export async function runTrial(
  shape: PlanShape,
  trial: Trial,
  finishWith: "advance" | "advance-then-run",
  options: { inSyncDelayMs?: number; eksDelayMs?: number } = {},
): Promise<TrialOutcome> {
  const started = Date.now();
  const env: Env = await setup(reliabilityPlan(shape), options);
  const log = watchWorld(env.sandbox);
  try {
    const extra: Record<string, string> = trial.kind === "point" ? { EKS_BLUEGREEN_CRASH_AT: trial.at } : {};
    const first = env.spawnCli(["run", env.planFile], extra);
    if (trial.kind === "moment") log.arm(trial.moment, () => first.child.pid);
    const killed = await first.done;
    expect(killed.signal, `not killed at ${trialLabel(trial)}: ${killed.stderr}`).toBe("SIGKILL");
    const leftLock = lockExists(env);

    const continuedWith: string[] = [];
    let phase = "";
    for (let i = 0; i < MAX_TICKS && phase !== "completed"; i++) {
      const useRun = finishWith === "advance-then-run" && i > 0;
      const r = await env.cli(["--output", "json", useRun ? "run" : "advance", env.planFile]);
      continuedWith.push(`${useRun ? "run" : "advance"}→${r.code}`);
      expect(r.code, `${trialLabel(trial)}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      phase = r.json?.phase;
      // At rest (no process runs): every target, of every kind, at one percentage.
      expectAtRest(env, shape, `${trialLabel(trial)}, after ${continuedWith.join(" ")}`);
    }
    const h = await history(env);
    expectCompleted(env, shape, h);
    expectGapFree(h);
    expectEachStepOnce(log, shape, shape.steps ?? [10, 50, 100]);
    const targetWritesPerStep = expectTargetsEachStepOnce(env, log, shape, shape.steps ?? [10, 50, 100]);
    expect(expectAtRest(env, shape, `${trialLabel(trial)}, completed`)).toBe(100);
    expectUnlocked(env);
    if (leftLock) expect(h.events.some((e) => e.type === "lock-takeover")).toBe(true);
    return {
      label: trialLabel(trial),
      continuedWith,
      changeRequests: log.changes.length,
      targetWritesPerStep: log.targetWrites.length > 0 ? targetWritesPerStep : [],
      ms: Date.now() - started,
    };
  } finally {
    await env.close();
  }
}
