/**
 * `run` re-reads the plan at every tick, like `advance` (issue 10, M3), and a tick that fails mid-way
 * shows the events it logged; a rollback that cannot read Route 53 exits 3 (L6). The built CLI against
 * the sandbox.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, weights, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const types = (events: { type: string }[]) => events.map((e) => e.type);

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
