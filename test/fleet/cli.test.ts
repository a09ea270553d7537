/**
 * Fleets through the built CLI against one sandbox seeded with three plans (dev, staging, prod), one
 * per wave, with local state.
 */
import { afterEach, describe, expect, it } from "vitest";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { Plan } from "../../src/plan/schema.ts";
import { seedFromPlan } from "../../src/sandbox/index.ts";
import { setup, type Env } from "../cli/harness.ts";
import { fleetPlan, THREE_WAVES } from "./support.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function fleetEnv(): Promise<Env> {
  const plans = { dev: fleetPlan("dev"), staging: fleetPlan("staging"), prod: fleetPlan("prod") };
  const e = await setup(plans.dev as never);
  for (const [name, plan] of Object.entries(plans)) {
    if (name !== "dev") seedFromPlan(e.sandbox, Plan.parse(plan));
    await writeFile(join(e.dir, `${name}.yaml`), stringify(plan));
  }
  await writeFile(join(e.dir, "fleet.yaml"), THREE_WAVES);
  await writeFile(
    join(e.dir, "fleet-continue.yaml"),
    THREE_WAVES.replace("waves:", "onProblem: continue\nwaves:"),
  );
  env = e;
  return e;
}

const changes = (e: Env) => e.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets").length;

async function completeDev(e: Env): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const r = await e.cli(["-o", "json", "advance", "dev.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    if (r.json.phase === "completed") return;
    await new Promise((done) => setTimeout(done, 400));
  }
  throw new Error("dev did not complete");
}

describe("fleet through the built CLI", () => {
  it("fleet status shows all three upgrades, in text and JSON, pending and held by their waves", async () => {
    const e = await fleetEnv();
    const json = await e.cli(["-o", "json", "fleet", "status", "fleet.yaml"]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json.fleet).toMatchObject({ name: "shop", onProblem: "hold" });
    expect(
      json.json.upgrades.map((u: { plan: string; wave: string; phase: string }) => [u.plan, u.wave, u.phase]),
    ).toEqual([
      ["dev", "dev", "pending"],
      ["staging", "staging", "pending"],
      ["prod", "prod", "pending"],
    ]);
    expect(json.json.upgrades[0]).toMatchObject({
      step: 0,
      weights: { blue: 100, green: 0 },
      waitingFor: { what: "first-tick", on: "scheduler" },
      since: null,
    });
    expect(json.json.upgrades[1]).toMatchObject({
      waitingFor: { what: "earlier-wave-running", on: "time", detail: "dev" },
      reasonCode: "earlier-wave-running",
    });
    expect(json.json.upgrades[0].location).toContain("dev");
    const text = await e.cli(["fleet", "status", "fleet.yaml"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/PLAN\s+WAVE\s+PHASE\s+STEP\s+WEIGHTS\s+WAITING FOR\s+ON\s+SINCE/);
    for (const plan of ["dev", "staging", "prod"])
      expect(text.stdout).toMatch(new RegExp(`^${plan}\\s+${plan}\\s+pending\\s+0/2\\s+100/0`, "m"));
    // A folder of plans is one wave; the fleet files in it are skipped.
    await mkdir(join(e.dir, "all"));
    for (const f of ["dev.yaml", "staging.yaml", "prod.yaml", "fleet.yaml"]) {
      await copyFile(join(e.dir, f), join(e.dir, "all", f));
    }
    const dir = await e.cli(["-o", "json", "fleet", "status", "all"]);
    expect(dir.code, dir.stdout).toBe(0);
    expect(dir.json.upgrades.map((u: { plan: string; wave: string }) => [u.plan, u.wave])).toEqual([
      ["dev", "all"],
      ["prod", "all"],
      ["staging", "all"],
    ]);
    // The plan the harness wrote (plan.yaml) is dev under another file name: refused, naming both.
    const here = await e.cli(["-o", "json", "fleet", "status", "."]);
    expect(here.code).toBe(2);
    expect(here.json.error.message).toContain('metadata.name "dev"');
  });

  it("a wave-2 plan's advance --fleet waits (exit 0, no Route 53 change, no state) until wave 1 completes", async () => {
    const e = await fleetEnv();
    const before = changes(e);
    const held = await e.cli(["-o", "json", "advance", "--fleet", "fleet.yaml", "staging.yaml"]);
    expect(held.code, held.stderr).toBe(0);
    expect(held.json).toMatchObject({
      plan: "staging",
      phase: "pending",
      fleet: { hold: { code: "earlier-wave-running", wave: "dev", plans: ["dev"] } },
    });
    const text = await e.cli(["advance", "--fleet", "fleet.yaml", "staging.yaml"]);
    expect(text.stdout).toContain("Waiting for wave dev to complete");
    expect(changes(e)).toBe(before);
    expect(e.sandbox.calls.some((c) => c.service === "route53" || c.operation === "DescribeAlarms")).toBe(
      false,
    );
    // No lock taken, no state written.
    expect(existsSync(join(e.dir, ".eks-bluegreen", "staging"))).toBe(false);
    // run --fleet holds the same way.
    const run = await e.cli(["-o", "json", "run", "--fleet", "fleet.yaml", "prod.yaml"]);
    expect(run.code).toBe(0);
    expect(run.json.fleet.hold.code).toBe("earlier-wave-running");

    await completeDev(e);
    const moved = await e.cli(["-o", "json", "advance", "--fleet", "fleet.yaml", "staging.yaml"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.json.fleet).toBeUndefined();
    expect(moved.json.step).toBe(1);
    expect(changes(e)).toBeGreaterThan(before);
    const status = await e.cli(["-o", "json", "fleet", "status", "fleet.yaml"]);
    expect(status.json.upgrades.map((u: { phase: string }) => u.phase)).toEqual([
      "completed",
      "baking",
      "pending",
    ]);
    expect(status.json.upgrades[1]).toMatchObject({
      weights: { blue: 90, green: 10 },
      waitingFor: { what: "bake", on: "time" },
    });
    expect(status.json.upgrades[1].since).toMatch(/^\d{4}-/);
  }, 60_000);

  it("a rollback in wave 1 holds wave 2 (exit 4 in fleet status); onProblem: continue does not", async () => {
    const e = await fleetEnv();
    expect((await e.cli(["advance", "--fleet", "fleet.yaml", "dev.yaml"])).code).toBe(0);
    const rb = await e.cli(["rollback", "dev.yaml", "--reason", "checkout errors"]);
    expect(rb.code, rb.stderr).toBe(3);
    const before = changes(e);
    const held = await e.cli(["-o", "json", "advance", "--fleet", "fleet.yaml", "staging.yaml"]);
    expect(held.code).toBe(0);
    expect(held.json.fleet.hold).toEqual({ code: "earlier-wave-problem", wave: "dev", plans: ["dev"] });
    expect(changes(e)).toBe(before);
    const status = await e.cli(["-o", "json", "fleet", "status", "fleet.yaml"]);
    expect(status.code).toBe(4);
    expect(status.json.upgrades[0]).toMatchObject({
      phase: "rolled-back",
      waitingFor: { what: "restart", on: "person" },
    });
    expect(status.json.upgrades[1]).toMatchObject({
      phase: "pending",
      waitingFor: { what: "earlier-wave-problem", on: "person" },
    });

    const go = await e.cli(["-o", "json", "advance", "--fleet", "fleet-continue.yaml", "staging.yaml"]);
    expect(go.code, go.stderr).toBe(0);
    expect(go.json.fleet).toBeUndefined();
    expect(go.json.step).toBe(1);
    expect(changes(e)).toBeGreaterThan(before);
  }, 60_000);

  it("maxConcurrent: 1 lets one plan of the wave shift; the next waits for its slot (exit 0)", async () => {
    const e = await fleetEnv();
    await writeFile(
      join(e.dir, "one-at-a-time.yaml"),
      "apiVersion: eks-bluegreen/v1\nkind: Fleet\nmetadata: {name: one}\nwaves:\n  - plans: [dev.yaml, staging.yaml]\n    maxConcurrent: 1\n",
    );
    const first = await e.cli(["-o", "json", "advance", "--fleet", "one-at-a-time.yaml", "dev.yaml"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.step).toBe(1);
    const second = await e.cli(["-o", "json", "advance", "--fleet", "one-at-a-time.yaml", "staging.yaml"]);
    expect(second.code).toBe(0);
    expect(second.json.fleet.hold).toEqual({ code: "wave-full", wave: "wave-1", plans: ["dev"], limit: 1 });
  });

  it("fleet advance ticks every plan that may move and sums up; a damaged state is a row, not an abort", async () => {
    const e = await fleetEnv();
    const r = await e.cli(["-o", "json", "fleet", "advance", "fleet.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.results.map((x: { plan: string; action: string }) => [x.plan, x.action])).toEqual([
      ["dev", "ticked"],
      ["staging", "held"],
      ["prod", "held"],
    ]);
    expect(r.json.results[0]).toMatchObject({ exitCode: 0, step: 1, weights: { blue: 90, green: 10 } });
    const text = await e.cli(["fleet", "advance", "fleet.yaml"]);
    expect(text.stdout).toMatch(/PLAN\s+WAVE\s+ACTION\s+EXIT/);

    await mkdir(join(e.dir, ".eks-bluegreen", "prod"), { recursive: true });
    await writeFile(join(e.dir, ".eks-bluegreen", "prod", "state.json"), "{ not json");
    const status = await e.cli(["-o", "json", "fleet", "status", "fleet.yaml"]);
    expect(status.code).toBe(4);
    expect(status.json.upgrades[2]).toMatchObject({
      plan: "prod",
      phase: "damaged",
      reasonCode: "state-damaged",
      waitingFor: { what: "repair", on: "person" },
    });
    expect(status.json.upgrades[2].reason).toContain("not valid JSON");
    const adv = await e.cli(["-o", "json", "fleet", "advance", "fleet.yaml"]);
    expect(adv.code).toBe(4);
    expect(adv.json.results[2]).toMatchObject({
      action: "failed",
      exitCode: 4,
      error: { code: "state-damaged" },
    });
  }, 60_000);

  it("bad input: a fleet naming a missing plan exits 2 naming the line; a plan outside the fleet exits 2", async () => {
    const e = await fleetEnv();
    await writeFile(join(e.dir, "bad.yaml"), THREE_WAVES.replace("[prod.yaml]", "[missing.yaml]"));
    const r = await e.cli(["-o", "json", "fleet", "status", "bad.yaml"]);
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe("invalid-fleet");
    expect(r.json.error.message).toContain("bad.yaml:11:");
    const outside = await e.cli(["advance", "--fleet", "fleet.yaml", "plan.yaml"]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("not in the fleet");
  });
});
