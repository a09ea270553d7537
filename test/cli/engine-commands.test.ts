/**
 * The engine's commands end to end: the built CLI against the sandbox, as an operator or a CI job
 * would run them, with a plan compressed to one-second bakes.
 */
import { REASON_CODES } from "../../src/engine/vocabulary.ts";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { openStateStore } from "../../src/state/index.ts";
import { compilePlan } from "../../src/plan/compile.ts";
import { Plan } from "../../src/plan/schema.ts";
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

describe("advance, status, run, history", () => {
  it("the first advance performs step 1; run completes; history is the gap-free log", async () => {
    env = await setup();
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { blue: 90, green: 10 } });
    expect(weights(env)).toEqual({ blue: 90, green: 10 });
    // The reason keeps its sentence and adds its stable code.
    expect(r.json.reasonCode).toBe("entered");

    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { blue: 90, green: 10 } });
    expect(typeof r.json.reason).toBe("string");
    // The bake is seconds long here: status may already preview the next step.
    expect(REASON_CODES).toContain(r.json.reasonCode);
    if (r.json.reasonCode === "baking")
      expect(r.json.reason).toMatch(/^Baking step 1 \(10% green\): \d+s left/);
    expect(r.json.refusalCode).toBeUndefined();

    r = await env.cli(["run", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/completed/);
    expect(r.stderr).toBe("");
    expect(weights(env)).toEqual({ blue: 0, green: 100 });

    r = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const seq = r.json.events.map((e: { seq: number }) => e.seq);
    expect(seq).toEqual(seq.map((_: number, i: number) => i + 1));
    expect(r.json.phase).toBe("completed");
    const text = await env.cli(["history", "plan.yaml"]);
    expect(text.stdout).toMatch(/#1 created/);
  });

  it("run rolls back when an alarm fires at 50% (exit 3)", async () => {
    env = await setup();
    const e = env;
    const watcher = setInterval(() => {
      if (weights(e).green === 50)
        e.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "5xx above 1%");
    }, 20);
    const r = await env.cli(["--output", "json", "run", "plan.yaml"]);
    clearInterval(watcher);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ phase: "rolled-back", weights: { blue: 100, green: 0 } });
    expect(weights(env)).toEqual({ blue: 100, green: 0 });
    expect(weights(env, "www.example.com", "www")).toEqual({ blue: 100, green: 0 });
  });

  it("preflight errors change nothing: exit 4 with the reasons as one JSON error", async () => {
    env = await setup();
    env.sandbox.world.cloudwatch.setAlarmState("shop-latency", "ALARM", "p99 high");
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("preflight-failed");
    expect(r.json.error.message).toMatch(/shop-latency/);
    expect(weights(env)).toEqual({ blue: 100, green: 0 });
    expect(existsSync(join(env.dir, ".eks-bluegreen/e2e/state.json"))).toBe(false);
  });
});

describe("approval gates, drift, rollback", () => {
  it("waits at a gate (exit 4), approve --by records who, then moves", async () => {
    env = await setup(
      compressedPlan({
        steps: [
          { green: 25, bake: "1s", approval: true },
          { green: 100, bake: "1s" },
        ],
      }),
    );
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.phase).toBe("awaiting-approval");
    r = await env.cli(["--output", "json", "approve", "plan.yaml", "--by", "alice"]);
    expect(r.code).toBe(0);
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { green: 25 } });
    r = await env.cli(["--output", "json", "history", "plan.yaml"]);
    expect(r.json.events.find((e: { type: string }) => e.type === "approved").evidence.approvedBy).toBe(
      "alice",
    );
  });

  it("drift pauses (exit 4) showing expected against live; resume needs --adopt; rollback restores blue", async () => {
    env = await setup();
    await env.cli(["advance", "plan.yaml"]);
    const zone = env.sandbox.world.route53.zoneByName("example.com")!;
    env.sandbox.world.route53.setWeight(zone.id, "www.example.com", "A", "www-green", 60);
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.phase).toBe("paused");
    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.json.pairsDiffer).toBe(true);
    expect(r.json.pause).toMatchObject({ code: "drift", expectedGreen: 10 });
    expect(r.json.reasonCode).toBe("paused");
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/www.example.com A: blue 90 \/ green 60/);
    r = await env.cli(["--output", "json", "resume", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("drift");
    r = await env.cli(["--output", "json", "rollback", "plan.yaml", "--reason", "someone edited www"]);
    expect(r.code).toBe(3);
    expect(weights(env, "www.example.com", "www")).toEqual({ blue: 100, green: 0 });
  });
});

describe("locks, damaged state, changed plan", () => {
  it("a held lock exits 5 naming the holder; unlock needs --force", async () => {
    env = await setup();
    const plan = compilePlan(Plan.parse(compressedPlan()), "plan.yaml");
    const store = openStateStore(plan, { cwd: env.dir });
    await store.lock(
      { host: "ci-runner-7", pid: 4242, startedAt: new Date().toISOString(), command: "advance" },
      600_000,
    );
    let r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/ci-runner-7/);
    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.json.lock.host).toBe("ci-runner-7");
    expect((await env.cli(["unlock", "plan.yaml"])).code).toBe(2);
    r = await env.cli(["--output", "json", "unlock", "plan.yaml", "--force"]);
    expect(r.code).toBe(0);
    expect(r.json.removed.pid).toBe(4242);
    expect((await env.cli(["advance", "plan.yaml"])).code).toBe(0);
  });

  it("a damaged state file exits 4 with a clear error; a changed plan is refused until accepted", async () => {
    env = await setup();
    await env.cli(["advance", "plan.yaml"]);
    const file = join(env.dir, ".eks-bluegreen/e2e/state.json");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.slice(0, 100));
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("state-damaged");
    // status still shows where traffic is, and says what is wrong.
    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json).toMatchObject({ weights: { blue: 90, green: 10 }, error: { code: "state-damaged" } });
    await writeFile(file, good, { mode: 0o600 });

    await writeFile(
      join(env.dir, "plan.yaml"),
      stringify(compressedPlan({ rollback: { holdTimeout: "2s" } })),
    );
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("plan-changed");
    // status says the next tick would refuse, by code.
    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.json.refusalCode).toBe("plan-changed");
    expect(REASON_CODES).toContain(r.json.reasonCode);
    r = await env.cli(["--output", "json", "resume", "plan.yaml", "--accept-plan-change"]);
    expect(r.code).toBe(0);
    expect((await env.cli(["advance", "plan.yaml"])).code).toBe(0);
  });
});
