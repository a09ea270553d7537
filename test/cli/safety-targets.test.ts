/**
 * Issue 10, H1 and H2, as an operator meets them: the built CLI against the sandbox.
 * H1: a plan change that drops a pair at 90/10 is refused, and blue is never deleted while it sends
 * traffic to blue. H2: a second plan over the same records, or weights moved by hand before the first
 * tick, stop the first tick (exit 4) unless `--adopt-live`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
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

function setWeights(e: Env, blue: number, green: number, name = "api.example.com", pair = "api") {
  const zone = e.sandbox.world.route53.zoneByName("example.com")!;
  e.sandbox.world.route53.setWeight(zone.id, name, "A", `${pair}-blue`, blue);
  e.sandbox.world.route53.setWeight(zone.id, name, "A", `${pair}-green`, green);
}

const changes = (e: Env) =>
  e.sandbox.calls.filter((c) => c.operation === "ChangeResourceRecordSets" && c.status === 200).length;

/** Runs `advance` until the phase is reached (1 s bakes), returning the last JSON document. */
async function advanceUntil(e: Env, phase: string, max = 30) {
  for (let i = 0; i < max; i++) {
    const r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    if (r.json?.phase === phase) return r;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`never reached ${phase}`);
}

describe("H1: blue is never deleted while a pair still sends it traffic", () => {
  it("refuses a plan change that drops a pair at 90/10; with --accept-dropped-targets, retirement pauses targets-on-blue", async () => {
    const plan = compressedPlan({
      retire: { after: "200ms", mode: "delete", approval: true, blueRecords: "keep" },
    });
    env = await setup(plan);
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(weights(env, "www.example.com", "www")).toEqual({ blue: 90, green: 10 });

    // Drop the www pair from the plan.
    const smaller = { ...plan, traffic: { records: [plan.traffic!.records![0]!] } };
    await writeFile(join(env.dir, "plan.yaml"), stringify(smaller));
    r = await env.cli(["resume", "plan.yaml", "--accept-plan-change"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/www\.example\.com\S* A: blue 90 \/ green 10/);
    r = await env.cli(["--output", "json", "resume", "plan.yaml", "--accept-plan-change"]);
    expect(r.json.error.code).toBe("plan-change-drops-live-targets");

    r = await env.cli([
      "--output",
      "json",
      "resume",
      "plan.yaml",
      "--accept-plan-change",
      "--accept-dropped-targets",
    ]);
    expect(r.code).toBe(0);
    const accepted = r.json.events.find((e: { type: string }) => e.type === "plan-change-accepted");
    expect(accepted.evidence.weights).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^www\.example\.com/), blue: 90, green: 10 }),
    ]);

    r = await advanceUntil(env, "paused");
    expect(r.code).toBe(4);
    const status = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(status.json.pause.code).toBe("targets-on-blue");
    expect(status.json.reason).toMatch(/www\.example\.com\S* A: blue 90 \/ green 10/);

    r = await env.cli(["approve", "plan.yaml"]);
    expect(r.code).not.toBe(0);
    r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(weights(env)).toEqual({ blue: 0, green: 100 });
    expect(weights(env, "www.example.com", "www")).toEqual({ blue: 90, green: 10 });
    expect(env.sandbox.calls.some((c) => c.operation === "DeleteCluster")).toBe(false);
  });
});

describe("H2: a second plan over the same records", () => {
  it("refuses the copy's first advance (exit 4) naming the first upgrade, and changes no record", async () => {
    env = await setup();
    let r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    // The first tick prints its warning findings (1 s bakes are shorter than the records' TTL).
    expect(r.stdout).toMatch(/warning \[bake-shorter-than-ttl\]/);
    await advanceUntil(env, "baking");
    // Step 2 (50/50).
    for (let i = 0; i < 20 && weights(env).green !== 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await env.cli(["advance", "plan.yaml"]);
    }
    expect(weights(env)).toEqual({ blue: 50, green: 50 });

    const copy = { ...compressedPlan(), metadata: { name: "e2e-copy" } };
    await writeFile(join(env.dir, "copy.yaml"), stringify(copy));
    const before = changes(env);
    r = await env.cli(["advance", "copy.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('"e2e"');
    expect(r.stderr).toContain(".eks-bluegreen/e2e/state.json");
    expect(changes(env)).toBe(before);
    expect(weights(env)).toEqual({ blue: 50, green: 50 });
    r = await env.cli(["--output", "json", "advance", "copy.yaml"]);
    expect(r.json.error.findings.map((f: { code: string }) => f.code)).toContain("target-in-other-upgrade");
    // `plan` of the copy shows it too (exit 4: the preview has errors).
    r = await env.cli(["plan", "copy.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("target-in-other-upgrade");
    expect(changes(env)).toBe(before);
  });

  it("weights moved by hand before the first tick: exit 4; with --adopt-live it starts there and logs adopted-live", async () => {
    env = await setup();
    setWeights(env, 70, 30);
    setWeights(env, 70, 30, "www.example.com", "www");
    let r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/weights blue 70, green 30/);
    expect(r.stderr).toContain("--adopt-live");
    expect(changes(env)).toBe(0);

    r = await env.cli(["--output", "json", "advance", "plan.yaml", "--adopt-live"]);
    expect(r.code).toBe(0);
    expect(r.json.events.map((e: { type: string }) => e.type)).toContain("adopted-live");
    expect(r.json.step).toBe(1);
    expect(r.json.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "weights-not-all-blue", severity: "warning" }),
      ]),
    );
    expect(changes(env)).toBe(0);
    expect(weights(env)).toEqual({ blue: 70, green: 30 });
    const text = await env.cli(["history", "plan.yaml"]);
    expect(text.stdout).toMatch(/adopted-live/);
  });

  it("S3: a copy of the plan under another key of the same prefix is refused too", async () => {
    const s3 = (name: string) =>
      compressedPlan({
        metadata: { name },
        state: { backend: "s3", bucket: "upgrade-state", key: `upgrades/${name}/state.json` },
      });
    env = await setup(s3("e2e"));
    let r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    await writeFile(join(env.dir, "copy.yaml"), stringify(s3("e2e-copy")));
    const before = changes(env);
    r = await env.cli(["advance", "copy.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("s3://upgrade-state/upgrades/e2e/state.json");
    expect(changes(env)).toBe(before);
    expect(env.sandbox.world.s3.keys("upgrade-state")).not.toContain("upgrades/e2e-copy/state.json");
    // The state the first upgrade wrote names its targets.
    const state = JSON.parse(
      env.sandbox.world.s3.get("upgrade-state", "upgrades/e2e/state.json")!.body.toString(),
    );
    expect(state.targets).toHaveLength(2);
    expect(await readFile(join(env.dir, "plan.yaml"), "utf8")).toContain("upgrades/e2e/state.json");
  });
});
