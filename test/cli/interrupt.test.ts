/**
 * Ctrl-C or SIGTERM during `run` or `advance` leaves the state consistent and no lock behind, says how
 * to continue, and exits 130 / 143 as shells do (a cancelled CI job must not look green).
 */
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const longBake = () =>
  compressedPlan({
    steps: [
      { green: 10, bake: "30s" },
      { green: 100, bake: "1s" },
    ],
  });

describe("run and advance stopped by a signal", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "run stopped by %s mid-bake: exit %i, how to continue, state consistent, no lock left",
    async (signal, exit) => {
      env = await setup(longBake());
      const e = env;
      const run = e.spawnCli(["run", "plan.yaml"]);
      await run.waitFor(/baking for 30s/);
      run.child.kill(signal);
      const r = await run.done;
      expect(r.code).toBe(exit);
      expect(r.stderr).toMatch(/Stopped; the state is consistent \(baking at step 1\)/);
      expect(r.stderr).toMatch(/eks-bluegreen run plan\.yaml/);
      let s = await e.cli(["--output", "json", "status", "plan.yaml"]);
      expect(s.json).toMatchObject({ phase: "baking", step: 1, lock: null });
      s = await e.cli(["--output", "json", "history", "plan.yaml"]);
      expect(s.json.events.filter((x: { type: string }) => x.type === "shift-started")).toHaveLength(1);
    },
    60_000,
  );

  it("advance stopped by SIGTERM while it waits for INSYNC: exit 143, shifting, no lock left; the next advance goes on", async () => {
    env = await setup(longBake(), { inSyncDelayMs: 5_000 });
    const e = env;
    const advance = e.spawnCli(["--debug", "advance", "plan.yaml"]);
    await advance.waitFor(/waiting for INSYNC/);
    advance.child.kill("SIGTERM");
    const r = await advance.done;
    expect(r.code).toBe(143);
    let s = await e.cli(["--output", "json", "status", "plan.yaml"]);
    expect(s.json).toMatchObject({ phase: "shifting", step: 1, lock: null, weights: { green: 10 } });
    s = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(s.code).toBe(0);
    expect(s.json.phase).toBe("baking");
  }, 60_000);
});
