/**
 * The checks every reliability scenario ends with, read from the sandbox and the tool's own log:
 * final phase and weights, each step written exactly once per pair, a gap-free event log, and the
 * lock left by a killed process taken over (and released at the end).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Env } from "./harness.ts";
import { pairsOf, type PlanShape } from "./plans.ts";
import type { WorldLog } from "./world-log.ts";

export interface Figures {
  changeRequests: number;
  ticks: number;
}

/** Live weights of every pair: `name` → {blue, green} (undefined when the record is gone). */
export function liveWeights(env: Env, shape: PlanShape): Map<string, { blue?: number; green?: number }> {
  const r53 = env.sandbox.world.route53;
  const out = new Map<string, { blue?: number; green?: number }>();
  for (const p of pairsOf(shape)) {
    const zone = r53.zoneByName(p.zone)!;
    out.set(p.name, {
      blue: r53.record(zone.id, p.name, "A", p.blue)?.Weight,
      green: r53.record(zone.id, p.name, "A", p.green)?.Weight,
    });
  }
  return out;
}

/**
 * For each step's green percent, every pair's green record was written to it exactly once: none lost,
 * none applied twice. Returns how many ChangeResourceRecordSets were applied per target.
 */
export function expectEachStepOnce(log: WorldLog, shape: PlanShape, greens: number[]): Map<number, number> {
  const pairs = pairsOf(shape);
  const perTarget = new Map<number, number>();
  const writes = new Map<string, number>();
  for (const change of log.changes) {
    const targets = new Set<number>();
    for (const [key, weight] of change.writes) {
      if (weight === null || !key.endsWith("-green")) continue;
      targets.add(weight);
      writes.set(`${key}@${weight}`, (writes.get(`${key}@${weight}`) ?? 0) + 1);
    }
    for (const t of targets) perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
  }
  const problems: string[] = [];
  for (const g of greens) {
    for (const p of pairs) {
      const n = writes.get(`${p.name}|${p.green}@${g}`) ?? 0;
      if (n !== 1) problems.push(`${p.name} written to ${g}% ${n} times`);
    }
  }
  expect(problems.slice(0, 5), `${problems.length} pair/step writes are not exactly once`).toEqual([]);
  return perTarget;
}

export interface History {
  phase: string;
  events: { seq: number; type: string; message: string }[];
}

export async function history(env: Env): Promise<History> {
  const r = await env.cli(["--output", "json", "history", env.planFile]);
  expect(r.code, r.stderr).toBe(0);
  return r.json as History;
}

export function expectGapFree(h: History): void {
  const seq = h.events.map((e) => e.seq);
  expect(seq).toEqual(seq.map((_, i) => i + 1));
}

export function lockPath(env: Env): string {
  return join(env.dir, ".eks-bluegreen", String(env.plan.metadata.name), "lock.json");
}

/** Whether a lock is held: the lock file, or the S3 lock object (`<key>.lock`) in the sandbox. */
export function lockExists(env: Env): boolean {
  const state = env.plan.state;
  if (state?.backend === "s3")
    return env.sandbox.world.s3.get(state.bucket, `${state.key}.lock`) !== undefined;
  return existsSync(lockPath(env));
}

export function expectUnlocked(env: Env): void {
  expect(lockExists(env), "a lock is left behind").toBe(false);
}

/** Completed with every pair at blue 0 / green 100 (or blue's record deleted when the plan says so). */
export function expectCompleted(env: Env, shape: PlanShape, h: History): void {
  expect(h.phase).toBe("completed");
  const blueDeleted = shape.retire?.blueRecords === "delete";
  const wrong = [...liveWeights(env, shape)].filter(
    ([, w]) => w.green !== 100 || (blueDeleted ? w.blue !== undefined : w.blue !== 0),
  );
  expect(wrong.slice(0, 3)).toEqual([]);
}
