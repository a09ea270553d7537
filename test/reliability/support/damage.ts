/**
 * Damaged state files: each starts from the real state of an upgrade at step 1 and breaks it one way.
 * Then commands run against it must exit 4 with one clear error, no stack trace, and no traffic shift.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { setup, type Env } from "./harness.ts";
import { reliabilityPlan } from "./plans.ts";

export type Damage = [label: string, make: (text: string) => string | Buffer | "dir"];

const edit = (text: string, f: (s: Record<string, unknown>) => void): string => {
  const s = JSON.parse(text) as Record<string, unknown>;
  f(s);
  return JSON.stringify(s, null, 2);
};

export const DAMAGES: Damage[] = [
  ["truncated mid-document", (t) => t.slice(0, Math.floor(t.length / 2))],
  ["an unknown version", (t) => edit(t, (s) => (s.version = 99))],
  ["another plan's state", (t) => edit(t, (s) => ((s.plan as { name: string }).name = "payments"))],
  ["a step that cannot be (−3)", (t) => edit(t, (s) => (s.step = -3))],
  ["a green share of 250%", (t) => edit(t, (s) => (s.writtenGreen = 250))],
  ["a phase that does not exist", (t) => edit(t, (s) => (s.phase = "flying"))],
  ["a gap in the event log", (t) => edit(t, (s) => (s.events as { seq: number }[]).splice(1, 1))],
  ["paused without a reason", (t) => edit(t, (s) => (s.phase = "paused"))],
  ["binary garbage", () => Buffer.from([0x00, 0xff, 0xfe, 0x9f, 0x1b, 0x5b, 0x32, 0x4a, 0x00])],
  ["an empty file", () => ""],
  ["JSON null", () => "null"],
  ["a directory where the file should be", () => "dir"],
];

export async function applyDamage(path: string, damage: Damage, text: string): Promise<void> {
  const content = damage[1](text);
  await rm(path, { recursive: true, force: true });
  if (content === "dir") {
    await mkdir(path);
    await writeFile(`${path}/x`, "not a state");
  } else {
    await writeFile(path, content, { mode: 0o600 });
  }
}

/** Runs `commands` against the damaged state: exit 4, a JSON error, no stack trace, no Route 53 change. */
export async function expectRefused(env: Env, commands: string[][]): Promise<void> {
  const before = env.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets").length;
  for (const args of commands) {
    const r = await env.cli(["--output", "json", ...args]);
    expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(4);
    expect(r.json?.error?.code, r.stdout).toMatch(/state/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  }
  const after = env.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets").length;
  expect(after - before, "a Route 53 change on a damaged state").toBe(0);
}

/** An upgrade at step 1 (two zones, no bake) and its good state file, the starting point of every damage. */
export async function upgradeAtStep1(): Promise<{ env: Env; statePath: string; good: string }> {
  const env = await setup(reliabilityPlan({ zones: [1, 1], bake: "0s" }));
  const r = await env.cli(["advance", env.planFile]);
  expect(r.code, r.stderr).toBe(0);
  const statePath = join(env.dir, ".eks-bluegreen/rel/state.json");
  return { env, statePath, good: await readFile(statePath, "utf8") };
}
