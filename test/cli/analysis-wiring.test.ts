/**
 * Issue 12 wiring through the built CLI against the sandbox and its traffic model: a green-versus-blue
 * comparison rolls back (exit 3) while no alarm fires; the observed split holds a bake until it
 * converges; status JSON carries `observedSplit` and `analysis[]`. Needs `npm run build`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { PlanInput } from "../../src/plan/schema.ts";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const alb = (name: string) => [{ name: "LoadBalancer", value: name }];

function analysisPlan(overrides: Partial<PlanInput> = {}): PlanInput {
  return compressedPlan({
    steps: [
      { green: 10, bake: "1s" },
      { green: 50, bake: "6s" },
      { green: 100, bake: "1s" },
    ],
    rollback: { holdTimeout: "5m" },
    analysis: {
      interval: "1s",
      variables: { blue: { alb: "app/blue-alb/1" }, green: { alb: "app/green-alb/2" } },
      metrics: [
        {
          name: "error-rate",
          queries: [
            {
              id: "errors",
              metricStat: {
                namespace: "AWS/ApplicationELB",
                metricName: "HTTPCode_Target_5XX_Count",
                dimensions: alb("{{alb}}"),
                stat: "Sum",
                period: 1,
              },
            },
            {
              id: "requests",
              metricStat: {
                namespace: "AWS/ApplicationELB",
                metricName: "RequestCount",
                dimensions: alb("{{alb}}"),
                stat: "Sum",
                period: 1,
              },
            },
            { id: "rate", expression: "100 * FILL(errors, 0) / requests" },
          ],
          compare: { direction: "higher-is-worse", maxRatio: 1.5, maxIncrease: 0.5 },
          minData: { datapoints: 2 },
          failureLimit: 0,
          window: "3s",
        },
      ],
    },
    ...overrides,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("metric gates: green compared with blue", () => {
  it("rolls back (exit 3) when green's 5xx rate rises at 50% while every alarm stays OK", async () => {
    env = await setup(analysisPlan());
    const model = env.sandbox.world.traffic.describe()!;
    expect(model.loadBalancers).toEqual({ blue: "app/blue-alb/1", green: "app/green-alb/2" });
    env.sandbox.world.traffic.configure({
      record: model.record,
      loadBalancers: model.loadBalancers,
      rules: [{ side: "green", greenAtLeast: 50, errorRate: 0.2 }],
    });
    const r = await env.cli(["--output", "json", "run", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(3);
    const history = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const events = history.json.events as { type: string; evidence?: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const rollback = events.find((e) => e.type === "rollback-started")!;
    expect(rollback.evidence.analysis[0]).toMatchObject({ metric: "error-rate", verdict: "fail" });
    expect(rollback.evidence.alarms.every((a: { state: string }) => a.state === "OK")).toBe(true);
    const failed = events.find((e) => e.type === "analysis" && e.evidence.analysis[0].verdict === "fail")!;
    expect(failed.evidence.analysis[0]).toMatchObject({ reason: "worse-than-blue" });
    expect(failed.evidence.analysis[0].green.value).toBeGreaterThan(failed.evidence.analysis[0].blue.value);
    const status = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(status.json.phase).toBe("rolled-back");
    expect(env.sandbox.world.cloudwatch.alarm("shop-5xx")?.StateValue).toBe("OK");
  }, 60_000);
});

describe("the observed split", () => {
  it("holds the bake until green's observed share converges, and status shows it", async () => {
    env = await setup(
      analysisPlan({
        steps: [
          { green: 50, bake: "1s" },
          { green: 100, bake: "1s" },
        ],
        analysis: {
          interval: "1s",
          variables: { blue: { alb: "app/blue-alb/1" }, green: { alb: "app/green-alb/2" } },
          metrics: [],
          split: {
            queries: [
              {
                id: "requests",
                metricStat: {
                  namespace: "AWS/ApplicationELB",
                  metricName: "RequestCount",
                  dimensions: alb("{{alb}}"),
                  stat: "Sum",
                  period: 1,
                },
              },
            ],
            window: "2s",
            maxConvergence: "5m",
          },
        },
      }),
    );
    const model = env.sandbox.world.traffic.describe()!;
    // DNS caches: the effective split reaches the written one over 4 s.
    env.sandbox.world.traffic.configure({ ...model, dnsDelayMs: 4000 });
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    await sleep(1500);
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.json.reason).toMatch(/Waiting for the observed split of step 1: written 50% \/ observed \d/);
    let status = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(status.json.observedSplit).toMatchObject({ target: 50, source: "cloudwatch" });
    expect(status.json.observedSplit.green).toBeLessThan(40);
    expect(status.json.step).toBe(1);
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/written 50% \/ observed \d+(\.\d)?%/);
    for (let i = 0; i < 20; i++) {
      await sleep(1000);
      r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
      if (r.json.step === 2) break;
    }
    expect(r.json.step).toBe(2);
    const history = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const types = (history.json.events as { type: string }[]).map((e) => e.type);
    expect(types.indexOf("split-converged")).toBeGreaterThan(types.indexOf("in-sync"));
    expect(types.indexOf("bake-complete")).toBeGreaterThan(types.indexOf("split-converged"));
    status = await env.cli(["--output", "json", "status", "plan.yaml"]);
    expect(status.json.analysis).toEqual([]);
  }, 60_000);
});
