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
    expect(status.json.observedSplit).toBeNull();
    expect(status.json.analysis).toEqual([
      expect.objectContaining({ name: "error-rate", verdict: "fail", step: 2 }),
    ]);
    expect(status.json.analysis[0].green).toBeGreaterThan(status.json.analysis[0].blue);
    const text = await env.cli(["status", "plan.yaml"]);
    expect(text.stdout).toMatch(/metric +error-rate: fail \(worse-than-blue\), green [\d.]+, blue [\d.]+/);
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
    // DNS caches: the effective split reaches the written one over 8 s.
    env.sandbox.world.traffic.configure({ ...model, dnsDelayMs: 8000 });
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

describe("plan with analysis", () => {
  it("plan --output json has analysis[] with fully resolved queries per side and the latest values", async () => {
    env = await setup(analysisPlan());
    await sleep(2100); // the traffic model writes whole seconds
    const r = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    const [metric] = r.json.analysis;
    expect(r.json.analysisSettings).toMatchObject({ interval: "1s", split: null });
    expect(metric.name).toBe("error-rate");
    expect(metric.queries.green[0]).toEqual({
      Id: "g0_errors",
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: "AWS/ApplicationELB",
          MetricName: "HTTPCode_Target_5XX_Count",
          Dimensions: [{ Name: "LoadBalancer", Value: "app/green-alb/2" }],
        },
        Period: 1,
        Stat: "Sum",
      },
    });
    expect(metric.queries.blue[2]).toMatchObject({
      Id: "b0_rate",
      Expression: "100 * FILL(b0_errors, 0) / b0_requests",
    });
    expect(metric.steps).toEqual([1, 2, 3]);
    // Blue carries all traffic before the upgrade: blue has a value, green none yet (a warning).
    expect(metric.latest.blue.value).not.toBeNull();
    expect(metric.latest.green.value).toBeNull();
    expect(r.json.findings).toContainEqual(
      expect.objectContaining({ severity: "warning", code: "analysis-no-data" }),
    );
    expect(r.json.detection.analysis.counted.map((c: { seconds: number }) => c.seconds)).toContain(1);
    const text = await env.cli(["plan", "plan.yaml"]);
    expect(text.stdout).toMatch(/step 2 \(50% green\): error-rate/);
  }, 60_000);

  it("no data at all with mustHaveData is an error finding (exit 4)", async () => {
    const p = analysisPlan();
    p.analysis!.metrics![0]!.mustHaveData = true;
    p.analysis!.variables = { blue: { alb: "app/nothing/1" }, green: { alb: "app/nothing/2" } };
    env = await setup(p);
    // The load balancers the plan names serve nothing: the traffic model writes under others.
    const model = env.sandbox.world.traffic.describe()!;
    env.sandbox.world.traffic.configure({
      ...model,
      loadBalancers: { blue: "app/other/1", green: "app/other/2" },
    });
    const r = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.json.findings).toContainEqual(
      expect.objectContaining({ severity: "error", code: "analysis-no-data" }),
    );
  }, 60_000);
});
