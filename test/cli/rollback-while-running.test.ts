/**
 * An emergency `rollback` from another shell while `run` works (issue 10, M1): `run` waits for Route 53
 * INSYNC without the lock, and every locked section of a tick is short, so the rollback gets the lock,
 * puts every pair back on blue (exit 3) and `run` stops reporting it (exit 3). Checked during the INSYNC
 * wait and with `run` paused at every named crash point (EKS_BLUEGREEN_PAUSE_AT). Also: `run` re-reads
 * the plan at every tick (M3), and failed ticks show what they logged (L6).
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { CRASH_POINTS } from "../../src/engine/crash-points.ts";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

function weights(e: Env, name = "api.example.com", pair = "api") {
  const zone = e.sandbox.world.route53.zoneByName("example.com")!;
  const r53 = e.sandbox.world.route53;
  return {
    blue: r53.record(zone.id, name, "A", `${pair}-blue`)?.Weight,
    green: r53.record(zone.id, name, "A", `${pair}-green`)?.Weight,
  };
}

const types = (events: { type: string }[]) => events.map((e) => e.type);

/** The state file as the CLI left it (read directly: cheaper than spawning `status` and `history`). */
async function stateOf(e: Env): Promise<{ phase: string; events: { seq: number; type: string }[] }> {
  return JSON.parse(await readFile(join(e.dir, ".eks-bluegreen/e2e/state.json"), "utf8"));
}

/** After the dust settles: rolled back (an `advance` finishes a rollback left rolling back), both pairs on blue. */
async function expectRolledBack(e: Env): Promise<void> {
  let state = await stateOf(e);
  expect(["rolling-back", "rolled-back"]).toContain(state.phase);
  if (state.phase === "rolling-back") {
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(3);
    state = await stateOf(e);
  }
  expect(state.phase).toBe("rolled-back");
  expect(existsSync(join(e.dir, ".eks-bluegreen/e2e/lock.json")), "no lock left").toBe(false);
  expect(weights(e)).toEqual({ blue: 100, green: 0 });
  expect(weights(e, "www.example.com", "www")).toEqual({ blue: 100, green: 0 });
  const seq = state.events.map((x) => x.seq);
  expect(seq).toEqual(seq.map((_, i) => i + 1));
  expect(types(state.events)).not.toContain("action-failed");
  expect(types(state.events).filter((t) => t === "rollback-started")).toHaveLength(1);
}

describe("rollback from another shell while run works (M1)", () => {
  it("during run's INSYNC wait: rollback exits 3 with the records on blue; run stops reporting it (exit 3)", async () => {
    env = await setup(compressedPlan(), { inSyncDelayMs: 3_000 });
    const e = env;
    const run = e.spawnCli(["--debug", "run", "plan.yaml"]);
    await run.waitFor(/waiting for INSYNC/);
    const r = await e.cli(["--output", "json", "rollback", "plan.yaml", "--reason", "emergency"]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.json.phase).toBe("rolled-back");
    expect(weights(e)).toEqual({ blue: 100, green: 0 });
    const ran = await run.done;
    expect(ran.code, ran.stderr).toBe(3);
    expect(ran.stdout + ran.stderr).toMatch(/another command changed the upgrade/);
    expect(ran.stdout + ran.stderr).toMatch(/Manual rollback by tester: emergency/);
    await expectRolledBack(e);
  }, 60_000);

  // Retiring blue cannot be rolled back by design (`cannot-roll-back`): the points of retirement are
  // checked in the next test for "never exit 5".
  const beforeRetirement = CRASH_POINTS.filter((p) => p !== "after-retire" && p !== "after-delete-records");
  it.each(beforeRetirement)(
    "run paused at %s: rollback exits 3 (never 5), run exits 3, records on blue",
    async (point) => {
      env = await setup(compressedPlan(), { inSyncDelayMs: 200 });
      const e = env;
      const run = e.spawnCli(["run", "plan.yaml"], { EKS_BLUEGREEN_PAUSE_AT: `${point}:1000` });
      await run.waitFor(/paused-at/);
      const r = await e.cli(["--output", "json", "rollback", "plan.yaml", "--reason", "emergency"]);
      expect(r.code, r.stdout + r.stderr).toBe(3);
      const ran = await run.done;
      expect(ran.code, ran.stdout + ran.stderr).toBe(3);
      await expectRolledBack(e);
    },
    60_000,
  );

  it.each(["after-retire", "after-delete-records"])(
    "run paused at %s: rollback is refused as retirement started (exit 4, never 5)",
    async (point) => {
      env = await setup(
        compressedPlan({
          steps: [{ green: 100, bake: "1s" }],
          retire: { after: "200ms", mode: "scale-to-zero", approval: false, blueRecords: "delete" },
        }),
      );
      const e = env;
      const run = e.spawnCli(["run", "plan.yaml"], { EKS_BLUEGREEN_PAUSE_AT: `${point}:1000` });
      await run.waitFor(/paused-at/);
      const r = await e.cli(["--output", "json", "rollback", "plan.yaml", "--reason", "emergency"]);
      expect(r.code, r.stdout + r.stderr).toBe(4);
      expect(r.json.error.code).toBe("cannot-roll-back");
      expect((await run.done).code).toBe(0);
    },
    60_000,
  );
});

describe("run reads the plan at every tick (M3)", () => {
  it("an edit while step 1 bakes stops run with plan-changed (exit 4); nothing moves to the edited step", async () => {
    const plan = compressedPlan({
      steps: [
        { green: 10, bake: "3s" },
        { green: 50, bake: "1s" },
        { green: 100, bake: "1s" },
      ],
    });
    env = await setup(plan);
    const e = env;
    const run = e.spawnCli(["--output", "json", "run", "plan.yaml"]);
    const started = Date.now();
    while (weights(e).green !== 10 && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 25));
    plan.steps[1]!.green = 60;
    await writeFile(join(e.dir, "plan.yaml"), stringify(plan));
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(4);
    expect(r.json.error.code).toBe("plan-changed");
    expect(weights(e)).toEqual({ blue: 90, green: 10 });
    expect(e.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets")).toHaveLength(1);
  }, 60_000);
});

describe("a tick that fails mid-way (L6)", () => {
  it("prints the events it logged before the error; --output json carries them as events", async () => {
    env = await setup();
    const e = env;
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1_100)); // step 1's bake (1s) is over
    e.sandbox.faults.error({
      service: "route53",
      operation: "ChangeResourceRecordSets",
      code: "InvalidChangeBatch",
      status: 400,
    });
    let r = await e.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    for (const t of ["bake-complete", "shift-started", "action-failed"]) expect(r.stdout).toMatch(t);
    expect(r.stderr).toMatch(/^error: .*InvalidChangeBatch/m);
    r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("aws-error");
    expect(types(r.json.events)).toEqual(expect.arrayContaining(["reconciled", "action-failed"]));
  }, 60_000);

  it("a rollback that cannot read Route 53 exits 3 (rolling back), and the next tick finishes it", async () => {
    env = await setup();
    const e = env;
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(0);
    e.sandbox.faults.error({ service: "route53", code: "AccessDenied", status: 403 });
    const r = await e.cli(["--output", "json", "rollback", "plan.yaml", "--reason", "emergency"]);
    expect(r.code).toBe(3);
    expect(r.json.error.hint).not.toMatch(/Nothing was changed/);
    expect(r.json.error.hint).toMatch(/rolling back/);
    expect(types(r.json.events)).toEqual(expect.arrayContaining(["rollback-started", "action-failed"]));
    const s = await e.cli(["--output", "json", "status", "plan.yaml"]);
    expect(s.json.phase).toBe("rolling-back");
    e.sandbox.faults.reset();
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(3);
    expect(weights(e)).toEqual({ blue: 100, green: 0 });
  }, 60_000);
});
