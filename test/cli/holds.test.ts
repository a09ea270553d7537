/**
 * Issue 10 L7 and L3 through the built CLI against the sandbox: CloudWatch answering 500 in the middle
 * of a bake does not end the bake early, and a lapsed approval shows as expired and is logged once.
 * Needs `npm run build`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  env?.sandbox.faults.reset();
  await env?.close();
  env = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function greenWeight(e: Env): number | undefined {
  const zone = e.sandbox.world.route53.zoneByName("example.com")!;
  return e.sandbox.world.route53.record(zone.id, "api.example.com", "A", "api-green")?.Weight;
}

describe("L7: CloudWatch 500s during a bake (alarms.history false)", () => {
  it("the first good read after the 500s does not end the bake: the unwatched time is added to it", async () => {
    env = await setup(
      compressedPlan({
        steps: [
          { green: 10, bake: "4s" },
          { green: 100, bake: "1s" },
        ],
        alarms: { names: ["shop-5xx", "shop-latency"], pollInterval: "1s", history: false },
        rollback: { holdTimeout: "5m" },
      }),
    );
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1 });
    const bakeStarted = Date.now();
    // 5 s of 500s from CloudWatch, starting now: longer than the 4 s bake.
    env.sandbox.faults.error({ service: "monitoring", code: "InternalError" });
    const stop = sleep(5_000).then(() => env?.sandbox.faults.reset());
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    await stop;
    expect(Date.now() - bakeStarted).toBeGreaterThan(4_000);
    expect(r.code, r.stderr).toBe(0);
    // Before the fix the retried read succeeded after the bake's 4 s and step 2 went out at once.
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { green: 10 } });
    expect(greenWeight(env)).toBe(10);
    expect(r.json.reason).toMatch(/added for unwatched time|Holding \(error\)/);
    const failed = env.sandbox.calls.filter((c) => c.operation === "DescribeAlarms" && c.status === 500);
    expect(failed.length).toBeGreaterThan(0);
    r = await env.cli(["--output", "json", "history", "plan.yaml"]);
    expect(r.json.events.map((e: { type: string }) => e.type)).not.toContain("bake-complete");
  }, 60_000);
});

describe("L3: a lapsed approval", () => {
  it("shows as expired in status (text and JSON) and the next tick logs approval-expired once", async () => {
    env = await setup(
      compressedPlan({
        steps: [
          { green: 25, bake: "1s", approval: true },
          { green: 100, bake: "1s" },
        ],
        approvals: { expireAfter: "1s" },
      }),
    );
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.json.phase).toBe("awaiting-approval");
    r = await env.cli(["--output", "json", "approve", "plan.yaml", "--by", "alice"]);
    expect(r.code).toBe(0);
    // (Still valid within the second: test/cli/status-approvals.test.ts; a CLI start can take longer.)
    await sleep(1_200);
    r = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(r.json.approvals[0]).toMatchObject({ by: "alice", gate: "step-1", expired: true, valid: false });
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/approval step-1 by alice at .*\(expired at .*approve again\)/);
    for (let i = 0; i < 2; i++) {
      r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
      expect(r.code).toBe(4);
      expect(r.json.phase).toBe("awaiting-approval");
    }
    r = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const expired = r.json.events.filter((e: { type: string }) => e.type === "approval-expired");
    expect(expired).toHaveLength(1);
    expect(expired[0].evidence.approvedBy).toBe("alice");
    expect(greenWeight(env)).toBe(0);
  }, 60_000);
});
