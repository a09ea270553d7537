import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MathError,
  evaluate,
  referencedIds,
  type MathContext,
} from "../../src/sandbox/cloudwatch/metric-math.ts";
import { MetricStore, knownStatistic } from "../../src/sandbox/cloudwatch/metric-store.ts";
import { startSandbox } from "../../src/sandbox/index.ts";

const series = (values: Record<number, number>, period = 60) => ({
  period,
  points: new Map(Object.entries(values).map(([t, v]) => [Number(t), v])),
});

function ctx(named: Record<string, ReturnType<typeof series>>): MathContext {
  return {
    lookup: (id) => named[id],
    all: () => Object.values(named),
    buckets: () => [0, 60_000, 120_000],
  };
}

const values = (v: ReturnType<typeof evaluate>) =>
  v.kind === "series" ? Object.fromEntries(v.series.points) : v.kind === "scalar" ? v.value : "array";

describe("sandbox metric math", () => {
  const c = ctx({ e: series({ 0: 2, 60000: 0 }), r: series({ 0: 100, 60000: 0, 120000: 50 }) });

  it("divides per timestamp and drops a division by zero, as CloudWatch does", () => {
    expect(values(evaluate("100 * e / r", c))).toEqual({ 0: 2 });
  });
  it("IF, FILL, SUM of an array and of one series, precedence and comparison", () => {
    expect(values(evaluate("IF(r > 0, e / r, 0)", c))).toEqual({ 0: 0.02, 60000: 0 });
    expect(values(evaluate("FILL(e, 7)", c))).toEqual({ 0: 2, 60000: 0, 120000: 7 });
    expect(values(evaluate("SUM([e, r])", c))).toEqual({ 0: 102, 60000: 0, 120000: 50 });
    expect(values(evaluate("SUM(r)", c))).toBe(150);
    expect(values(evaluate("1 + 2 * 3 ^ 2", c))).toBe(19);
    expect(values(evaluate("-e + 1", c))).toEqual({ 0: -1, 60000: 1 });
  });
  it("names the ids an expression uses, and refuses what it cannot evaluate", () => {
    expect(referencedIds("IF(req > 0, 100 * err / req, 0)").sort()).toEqual(["err", "req"]);
    expect(() => evaluate("x + 1", c)).toThrow(MathError);
    expect(() => evaluate("ANOMALY_DETECTION_BAND(e)", c)).toThrow(/not supported/);
    expect(() => evaluate("e +", c)).toThrow(MathError);
  });
  it("never throws anything but a MathError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          evaluate(text, c);
        } catch (error) {
          expect(error).toBeInstanceOf(MathError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("sandbox metric store", () => {
  it("aligns buckets to the period and computes the statistics", () => {
    const store = new MetricStore();
    const m = { Namespace: "N", MetricName: "M", Dimensions: [{ Name: "a", Value: "1" }] };
    store.put(m, { at: 61_000, value: 5, count: 1 });
    store.put(m, { at: 119_000, value: 15, count: 3 });
    store.put(m, { at: 121_000, set: { sampleCount: 2, sum: 10, min: 1, max: 9 } });
    const sum = store.statistic(m, "Sum", 60, 0, 180_000);
    expect(Object.fromEntries(sum.points)).toEqual({ 60000: 50, 120000: 10 });
    expect(Object.fromEntries(store.statistic(m, "Average", 60, 0, 180_000).points)).toEqual({
      60000: 12.5,
      120000: 5,
    });
    expect(Object.fromEntries(store.statistic(m, "p50", 60, 0, 180_000).points)).toEqual({ 60000: 15 });
    // Dimensions in another order name the same metric.
    expect(
      store
        .statistic({ ...m, Dimensions: [{ Name: "a", Value: "1" }] }, "SampleCount", 60, 0, 180_000)
        .points.get(60000),
    ).toBe(4);
    expect(knownStatistic("p99.9")).toBe(true);
    expect(knownStatistic("Median")).toBe(false);
  });
});

describe("GetMetricData over the query protocol", () => {
  it("renders results as XML member lists and refuses an unknown statistic", async () => {
    const sandbox = await startSandbox();
    try {
      const now = Date.now();
      sandbox.world.cloudwatch.metrics.put(
        { Namespace: "Shop", MetricName: "Requests", Dimensions: [] },
        { at: now - 120_000, value: 9, count: 1 },
      );
      const form = (stat: string) =>
        new URLSearchParams({
          Action: "GetMetricData",
          Version: "2010-08-01",
          StartTime: new Date(now - 600_000).toISOString(),
          EndTime: new Date(now).toISOString(),
          "MetricDataQueries.member.1.Id": "r",
          "MetricDataQueries.member.1.MetricStat.Metric.Namespace": "Shop",
          "MetricDataQueries.member.1.MetricStat.Metric.MetricName": "Requests",
          "MetricDataQueries.member.1.MetricStat.Period": "60",
          "MetricDataQueries.member.1.MetricStat.Stat": stat,
        }).toString();
      const post = (body: string) =>
        fetch(sandbox.endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization:
              "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0",
          },
          body,
        });
      const ok = await post(form("Sum"));
      const xml = await ok.text();
      expect(ok.status).toBe(200);
      expect(xml).toMatch(/<Id>r<\/Id>/);
      expect(xml).toMatch(/<Values><member>9<\/member><\/Values>/);
      const bad = await post(form("Median"));
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/InvalidParameterValue/);
    } finally {
      await sandbox.close();
    }
  });
});

describe("the traffic model through the admin API and GetMetricData", () => {
  it("is configured over HTTP and its counts are read back with the SDK", async () => {
    const { seedFromPlan } = await import("../../src/sandbox/index.ts");
    const { testPlan } = await import("./support.ts");
    const { createClientFactory } = await import("../../src/aws/clients.ts");
    const { createMetricsPort } = await import("../../src/aws/metrics.ts");
    const { createCaller } = await import("../../src/aws/retry.ts");
    const sandbox = await startSandbox();
    const saved = { ...process.env };
    Object.assign(process.env, sandbox.env);
    try {
      seedFromPlan(sandbox, testPlan());
      const zoneId = sandbox.world.route53.zoneByName("example.com")!.id;
      const configured = await fetch(`${sandbox.endpoint}/__sandbox/traffic`, {
        method: "POST",
        body: JSON.stringify({
          record: { zoneId, name: "api.example.com", type: "A", blue: "blue", green: "green" },
          loadBalancers: { blue: "app/blue/1", green: "app/green/2" },
          requestsPerSecond: 500,
        }),
      });
      expect(configured.status).toBe(200);
      expect(await configured.json()).toMatchObject({ writtenGreen: 0, effectiveGreen: 0 });
      const start = new Date(Math.floor(Date.now() / 1000) * 1000);
      await new Promise((r) => setTimeout(r, 2_100));
      const clients = createClientFactory({
        settings: { endpointUrl: sandbox.endpoint, region: "us-east-1" },
      });
      const port = createMetricsPort({ client: () => clients.cloudwatch({}), caller: createCaller({}) });
      const q = (id: string, lb: string) => ({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: "RequestCount",
            Dimensions: [{ Name: "LoadBalancer", Value: lb }],
          },
          Period: 1,
          Stat: "Sum",
        },
      });
      const { series } = await port.getData([q("blue", "app/blue/1"), q("green", "app/green/2")], {
        start,
        end: new Date(),
      });
      const total = (id: string) => series.find((s) => s.id === id)!.values.reduce((a, b) => a + b, 0);
      expect(total("blue")).toBeGreaterThan(500);
      expect(total("green")).toBe(0);
    } finally {
      process.env = saved;
      await sandbox.close();
    }
  });
});
