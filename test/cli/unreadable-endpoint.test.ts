/**
 * Issue 10, M4 and M5, as an operator meets them: the built CLI against the sandbox with an endpoint
 * that answers HTTP 200 with an HTML page, or accepts and never answers. Both are a hold (`error`
 * verdict) in ticks and exit 4 in read-only commands; never a drift pause, never `record-missing`, never
 * a wait without end, and no SDK text on stderr. A drift pause that was not real is resumed without
 * --adopt once the live weights are the expected ones.
 */
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Short retry budget and request timeout, so each unreadable call gives up within a second. */
const FAST = { EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS: "1000", EKS_BLUEGREEN_AWS_TIMEOUT_MS: "200" };
/** A hold that does not reach its timeout, and a first bake that does not end, within the test. */
const PATIENT = compressedPlan({
  rollback: { holdTimeout: "10m" },
  steps: [
    { green: 10, bake: "10m" },
    { green: 100, bake: "1s" },
  ],
});
const SDK_TEXT = /@smithy|aws-sdk|requestTimeout|node-http-handler/;

async function eventTypes(e: Env): Promise<string[]> {
  const r = await e.cli(["--output", "json", "history", "plan.yaml"]);
  return r.json.events.map((x: { type: string }) => x.type);
}

describe("Route 53 answers HTTP 200 with an HTML page", () => {
  it("advance holds (exit 0, error verdict), with no drift; plan shows traffic-unreadable (exit 4), no record-missing", async () => {
    env = await setup(PATIENT);
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"], FAST);
    expect(r.code).toBe(0);
    env.sandbox.faults.html({ service: "route53", status: 200 });

    r = await env.cli(["--output", "json", "advance", "plan.yaml"], FAST);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, verdict: { kind: "error" } });
    expect(r.json.reason).toMatch(/NotAnAwsAnswer.*HTML page/);
    expect(r.stderr).not.toMatch(SDK_TEXT);
    const types = await eventTypes(env);
    expect(types).toContain("hold");
    expect(types).not.toContain("drift");
    expect(types).not.toContain("paused");

    r = await env.cli(["--output", "json", "plan", "plan.yaml"], FAST);
    expect(r.code).toBe(4);
    const codes = r.json.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain("traffic-unreadable");
    expect(codes).not.toContain("record-missing");
    expect(codes).not.toContain("zone-not-found");

    r = await env.cli(["--output", "json", "status", "plan.yaml"], FAST);
    expect(r.code).toBe(4);
    expect(r.json).toMatchObject({ phase: "baking", weightsSource: "state" });

    // The endpoint is fixed: the next tick clears the hold and the upgrade goes on.
    env.sandbox.faults.reset();
    r = await env.cli(["--output", "json", "advance", "plan.yaml"], FAST);
    expect(r.code).toBe(0);
    expect(r.json.phase).not.toBe("paused");
    expect(await eventTypes(env)).toContain("hold-cleared");
  }, 60_000);
});

describe("a drift pause whose live weights equal the expected ones again", () => {
  it("plain resume (no --adopt) is accepted: resumed, back to the phase it paused in", async () => {
    env = await setup(PATIENT);
    await env.cli(["advance", "plan.yaml"]);
    const zone = env.sandbox.world.route53.zoneByName("example.com")!;
    env.sandbox.world.route53.setWeight(zone.id, "www.example.com", "A", "www-green", 60);
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.phase).toBe("paused");
    env.sandbox.world.route53.setWeight(zone.id, "www.example.com", "A", "www-green", 10);

    r = await env.cli(["--output", "json", "resume", "plan.yaml"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { blue: 90, green: 10 } });
    const h = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const resumed = h.json.events.filter((e: { type: string }) => e.type === "resumed");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({ from: "paused", to: "baking", evidence: { approvedBy: "tester" } });
  }, 60_000);
});

describe("an endpoint that accepts and never answers", () => {
  it("status exits 4 and advance holds (exit 0), both in bounded time, with no SDK text on stderr", async () => {
    env = await setup(PATIENT);
    let r = await env.cli(["advance", "plan.yaml"], FAST);
    expect(r.code).toBe(0);
    env.sandbox.faults.hang({ service: "route53" });

    r = await env.cli(["status", "plan.yaml"], FAST);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/Route 53 unreadable/);
    expect(r.stdout).toMatch(/did not answer within 200 ms/);
    expect(r.stdout).not.toMatch(SDK_TEXT);
    expect(r.stderr).toBe("");

    r = await env.cli(["--output", "json", "advance", "plan.yaml"], FAST);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", verdict: { kind: "error" } });
    expect(r.json.reason).toMatch(/ETIMEDOUT|TimeoutError/);
    expect(r.stderr).toBe("");

    // With --debug the retry layer's and the SDK's lines are there, on stderr, prefixed `debug [code]:`.
    r = await env.cli(["--debug", "status", "plan.yaml"], FAST);
    // (Under load the first attempt may use up the whole short budget: then there is no retry line.)
    expect(r.stderr).toMatch(/^debug \[aws-sdk-log\]: aws-sdk error: .*TimeoutError/m);
    expect(r.stderr.split("\n").filter((l) => SDK_TEXT.test(l) && !l.startsWith("debug ["))).toEqual([]);
  }, 60_000);
});
