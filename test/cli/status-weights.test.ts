/**
 * `status`'s weights line tells the live truth: the live split when every pair shares it, "mixed" plus
 * each pair when they differ or one has no share (0/0), and "last written" only when Route 53 could not
 * be read. JSON keeps `weights: {blue, green}` and adds `weightsMixed`, `weightsError`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Both pairs at blue 90 / green 10 after one advance. */
async function atStepOne(): Promise<Env> {
  const e = await setup();
  const r = await e.cli(["advance", e.planFile]);
  expect(r.code).toBe(0);
  return e;
}

function setPair(e: Env, pair: "api" | "www", blue: number, green: number): void {
  const r53 = e.sandbox.world.route53;
  const zone = r53.zoneByName("example.com")!;
  r53.setWeight(zone.id, `${pair}.example.com`, "A", `${pair}-blue`, blue);
  r53.setWeight(zone.id, `${pair}.example.com`, "A", `${pair}-green`, green);
}

describe("status weights", () => {
  it("when the first pair is 0/0: mixed, each pair listed, read live (not 'Route 53 unreadable')", async () => {
    env = await atStepOne();
    setPair(env, "api", 0, 0);
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/^ {2}weights {2}mixed: the pairs differ \(live, Route 53\)$/m);
    expect(text.stdout).toMatch(/api\.example\.com A: blue 0 \/ green 0 \(no share: both weights are 0\)/);
    expect(text.stdout).toMatch(/www\.example\.com A: blue 90 \/ green 10/);
    expect(text.stdout).not.toMatch(/unreadable|last written/);
    const json = (await env.cli(["--output", "json", "status", "plan.yaml"])).json;
    expect(json).toMatchObject({
      weights: { blue: 90, green: 10 },
      weightsSource: "live",
      weightsMixed: true,
      weightsError: null,
      pairsDiffer: true,
    });
    expect(json.pairs).toEqual([
      { name: "api.example.com A", blue: 0, green: 0, percent: null },
      { name: "www.example.com A", blue: 90, green: 10, percent: 10 },
    ]);
  });

  it("when the pairs differ: mixed, not the first pair's split", async () => {
    env = await atStepOne();
    setPair(env, "www", 40, 60);
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/weights {2}mixed: the pairs differ/);
    expect(text.stdout).not.toMatch(/weights {2}blue 90% \/ green 10%/);
    expect(text.stdout).toMatch(/www\.example\.com A: blue 40 \/ green 60/);
  });

  it("when every pair was moved to one split by hand: that live split, not the expected one", async () => {
    env = await atStepOne();
    setPair(env, "api", 50, 50);
    setPair(env, "www", 50, 50);
    const r = await env.cli(["status", "plan.yaml"]);
    expect(r.stdout).toMatch(/^ {2}weights {2}blue 50% \/ green 50% \(live, Route 53\)$/m);
    const json = (await env.cli(["--output", "json", "status", "plan.yaml"])).json;
    expect(json).toMatchObject({
      weights: { blue: 50, green: 50 },
      weightsSource: "live",
      weightsMixed: false,
    });
    expect(json.expectedGreen).toBe(10);
  });

  it("when Route 53 cannot be read: the last written split, named so, with the reason", async () => {
    env = await atStepOne();
    env.sandbox.faults.error({
      service: "route53",
      code: "AccessDenied",
      status: 403,
      message: "no route53",
    });
    const r = await env.cli(["status", "plan.yaml"]);
    expect(r.stdout).toMatch(
      /weights {2}blue 90% \/ green 10% \(last written; Route 53 unreadable: .*AccessDenied/,
    );
    const json = (await env.cli(["--output", "json", "status", "plan.yaml"])).json;
    expect(json).toMatchObject({
      weights: { blue: 90, green: 10 },
      weightsSource: "state",
      weightsMixed: false,
    });
    expect(json.weightsError).toMatch(/AccessDenied/);
  });
});
