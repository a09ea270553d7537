import { describe, expect, it } from "vitest";
import { ALB_NAMESPACE } from "../../src/sandbox/traffic-model.ts";
import { createWorld } from "../../src/sandbox/world.ts";

function world() {
  let now = Date.UTC(2026, 11, 3, 8, 0, 0);
  const w = createWorld({
    region: "us-east-1",
    accountId: "123456789012",
    inSyncDelayMs: 0,
    eksDelayMs: 0,
    now: () => now,
  });
  const zone = w.route53.createZone("example.com");
  const record = (id: string, weight: number) => ({
    Name: "api.example.com",
    Type: "A",
    SetIdentifier: id,
    Weight: weight,
    TTL: 60,
    ResourceRecords: [{ Value: id === "blue" ? "10.0.0.1" : "10.0.0.2" }],
  });
  w.route53.putRecord(zone.id, record("blue", 100));
  w.route53.putRecord(zone.id, record("green", 0));
  w.traffic.configure({
    record: { zoneId: zone.id, name: "api.example.com", type: "A", blue: "blue", green: "green" },
    loadBalancers: { blue: "app/blue/1", green: "app/green/2" },
    requestsPerSecond: 1000,
    dnsDelayMs: 10_000,
    rules: [{ side: "green", greenAtLeast: 40, errorRate: 0.2 }],
  });
  return {
    w,
    setGreen: (p: number) => {
      w.route53.setWeight(zone.id, "api.example.com", "A", "blue", 100 - p);
      w.route53.setWeight(zone.id, "api.example.com", "A", "green", p);
    },
    tick: (ms: number) => (now += ms),
    now: () => now,
    sum: (side: "blue" | "green", metric: string, fromMs: number, toMs: number) => {
      w.traffic.catchUp();
      const series = w.cloudwatch.metrics.statistic(
        {
          Namespace: ALB_NAMESPACE,
          MetricName: metric,
          Dimensions: [{ Name: "LoadBalancer", Value: `app/${side}/${side === "blue" ? 1 : 2}` }],
        },
        "Sum",
        1,
        fromMs,
        toMs,
      );
      return [...series.points.values()].reduce((a, b) => a + b, 0);
    },
  };
}

describe("sandbox traffic model", () => {
  it("follows the effective weights: a write reaches green gradually over the DNS delay", () => {
    const m = world();
    m.tick(5_000);
    m.setGreen(50);
    const written = m.now();
    expect(m.w.traffic.effectiveShare(written)).toBe(0);
    expect(m.w.traffic.effectiveShare(written + 5_000)).toBeCloseTo(25, 6);
    expect(m.w.traffic.effectiveShare(written + 10_000)).toBeCloseTo(50, 6);
    m.tick(30_000);
    const before = m.sum("green", "RequestCount", written - 5_000, written);
    const converged = m.sum("green", "RequestCount", written + 10_000, written + 30_000);
    const blueConverged = m.sum("blue", "RequestCount", written + 10_000, written + 30_000);
    expect(before).toBe(0);
    const share = converged / (converged + blueConverged);
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });

  it("applies a scheduled error rate once green's effective share reaches it", () => {
    const m = world();
    m.setGreen(50);
    const written = m.now();
    m.tick(40_000);
    // Effective share passes 40% at 8 s: before that green's errors are rare, after it about 20%.
    const early = m.sum("green", "HTTPCode_Target_5XX_Count", written, written + 7_000);
    const earlyRequests = m.sum("green", "RequestCount", written, written + 7_000);
    const late = m.sum("green", "HTTPCode_Target_5XX_Count", written + 10_000, written + 40_000);
    const lateRequests = m.sum("green", "RequestCount", written + 10_000, written + 40_000);
    expect(early / earlyRequests).toBeLessThan(0.02);
    expect(late / lateRequests).toBeGreaterThan(0.17);
    expect(late / lateRequests).toBeLessThan(0.23);
    // Blue keeps its own (default) rate.
    const blue = m.sum("blue", "HTTPCode_Target_5XX_Count", written + 10_000, written + 40_000);
    expect(blue / m.sum("blue", "RequestCount", written + 10_000, written + 40_000)).toBeLessThan(0.01);
  });

  it("gives the same numbers for the same seed and weights", () => {
    const a = world();
    const b = world();
    for (const m of [a, b]) {
      m.setGreen(30);
      m.tick(20_000);
    }
    const t = a.now();
    expect(a.sum("green", "RequestCount", t - 20_000, t)).toBe(b.sum("green", "RequestCount", t - 20_000, t));
  });
});
