/**
 * An emergency `rollback` from another shell while `run` works (issue 10, M1): `run` waits for Route 53
 * INSYNC without the lock, and every locked section of a tick is short, so the rollback gets the lock,
 * puts every pair back on blue (exit 3) and `run` stops reporting it (exit 3). Checked during the INSYNC
 * wait and with `run` paused at every named crash point (EKS_BLUEGREEN_PAUSE_AT).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CRASH_POINTS } from "../../src/runner/crash-points.ts";
import { compressedPlan, setup, weights, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

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
    // Under --debug each stderr message carries its code (docs/messages.md).
    expect(ran.stderr).toMatch(/^info \[run-stopped\]: Stopped: /m);
    expect(ran.stderr).toMatch(/^debug \[tick-progress\]: .*waiting for INSYNC/m);
    await expectRolledBack(e);
  }, 60_000);

  // Retiring blue cannot be rolled back by design (`cannot-roll-back`): the points of retirement are
  // checked in the next test for "never exit 5".
  // A plan of record pairs only never reaches the load balancer and accelerator points.
  const beforeRetirement = CRASH_POINTS.filter(
    (p) =>
      p !== "after-retire" &&
      p !== "after-delete-records" &&
      p !== "after-apply-listeners" &&
      p !== "after-apply-endpoint-groups",
  );
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
