import { beforeAll, expect, it } from "vitest";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createMetricsPort, splitQueries } from "../../src/aws/metrics.ts";
import type { MetricDataQuery } from "../../src/engine/ports.ts";
import { createCaller } from "../../src/aws/retry.ts";
import { CAPABILITIES, describeEachBackend, REGION, type Backend } from "../support/backends.ts";
import { useBackend } from "./harness.ts";

/** Five minutes of one datapoint set a minute, ending at a whole minute well in the past. */
const END = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
const START = new Date(END.getTime() - 5 * 60_000);
const minute = (i: number) => new Date(START.getTime() + i * 60_000 + 1_000);

function metricsPort(b: Backend) {
  const clients = createClientFactory({ settings: { endpointUrl: b.endpoint, region: REGION } });
  const ops: string[] = [];
  const inner = createCaller({ policy: { retries: 2, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 5_000 } });
  const port = createMetricsPort({
    client: () => clients.cloudwatch({}),
    caller: { call: (op, fn, signal) => (ops.push(op), inner.call(op, fn, signal)) },
  });
  return { port, ops };
}

const stat = (id: string, metricName: string, s: string, side: string): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "Shop", MetricName: metricName, Dimensions: [{ Name: "Cluster", Value: side }] },
    Period: 60,
    Stat: s,
  },
});

describeEachBackend("CloudWatch GetMetricData adapter", (spec) => {
  const backend = useBackend(spec);
  const caps = CAPABILITIES[spec.name];

  beforeAll(async () => {
    const cw = backend.current.raw.cloudwatch;
    for (let i = 0; i < 5; i++) {
      for (const [side, errors] of [
        ["blue", 1],
        ["green", 3],
      ] as const) {
        const dims = [{ Name: "Cluster", Value: side }];
        await cw.send(
          new PutMetricDataCommand({
            Namespace: "Shop",
            MetricData: [
              { MetricName: "Requests", Dimensions: dims, Timestamp: minute(i), Value: 100 },
              { MetricName: "Errors", Dimensions: dims, Timestamp: minute(i), Value: errors },
              {
                MetricName: "Latency",
                Dimensions: dims,
                Timestamp: minute(i),
                Values: [10, 20, 30, 400],
                Counts: [50, 30, 19, 1],
              },
            ],
          }),
        );
      }
    }
  });

  it("reads MetricStat Sum, Average and SampleCount per period, oldest first", async () => {
    const { port, ops } = metricsPort(backend.current);
    const { series, calls } = await port.getData(
      [
        stat("req", "Requests", "Sum", "green"),
        stat("err", "Errors", "Sum", "green"),
        stat("lat", "Latency", "SampleCount", "green"),
      ],
      { start: START, end: END },
    );
    expect(calls).toBe(1);
    expect(ops).toEqual(["cloudwatch:GetMetricData"]);
    const byId = Object.fromEntries(series.map((s) => [s.id, s]));
    expect(byId.req!.values).toEqual([100, 100, 100, 100, 100]);
    expect(byId.err!.values).toEqual([3, 3, 3, 3, 3]);
    expect(byId.lat!.values).toEqual([100, 100, 100, 100, 100]);
    expect([...byId.req!.timestamps].sort()).toEqual(byId.req!.timestamps);
    expect(byId.req!.status).toBe("Complete");
  });

  it("reads an unknown metric as an empty series, not an error", async () => {
    const { port } = metricsPort(backend.current);
    const { series } = await port.getData([stat("none", "NoSuchMetric", "Sum", "green")], {
      start: START,
      end: END,
    });
    expect(series).toEqual([expect.objectContaining({ id: "none", values: [] })]);
  });

  if (caps.metricMath) {
    it("evaluates metric math: a 5xx rate per side from two sums, ReturnData false hides the inputs", async () => {
      const { port } = metricsPort(backend.current);
      const queries: MetricDataQuery[] = [
        { ...stat("gr", "Requests", "Sum", "green"), ReturnData: false },
        { ...stat("ge", "Errors", "Sum", "green"), ReturnData: false },
        { Id: "grate", Expression: "100 * ge / gr" },
        { ...stat("br", "Requests", "Sum", "blue"), ReturnData: false },
        { ...stat("be", "Errors", "Sum", "blue"), ReturnData: false },
        { Id: "brate", Expression: "IF(br > 0, 100 * be / br, 0)" },
        { Id: "total", Expression: "SUM([gr, br])" },
      ];
      const { series } = await port.getData(queries, { start: START, end: END });
      const byId = Object.fromEntries(series.map((s) => [s.id, s.values]));
      expect(Object.keys(byId).sort()).toEqual(["brate", "grate", "total"]);
      expect(byId.grate).toEqual([3, 3, 3, 3, 3]);
      expect(byId.brate).toEqual([1, 1, 1, 1, 1]);
      expect(byId.total).toEqual([200, 200, 200, 200, 200]);
    });

    it("computes percentiles from values and counts (p99 of 100 samples is the 99th)", async () => {
      const { port } = metricsPort(backend.current);
      const { series } = await port.getData(
        [
          stat("p99", "Latency", "p99", "green"),
          stat("p50", "Latency", "p50", "green"),
          stat("avg", "Latency", "Average", "green"),
        ],
        { start: START, end: END },
      );
      const byId = Object.fromEntries(series.map((s) => [s.id, s.values]));
      expect(byId.p99).toEqual([30, 30, 30, 30, 30]);
      expect(byId.p50).toEqual([10, 10, 10, 10, 10]);
      expect(byId.avg![0]).toBeCloseTo((10 * 50 + 20 * 30 + 30 * 19 + 400) / 100, 6);
    });
  } else {
    it("documented difference: an expression comes back empty, a percentile fails", async () => {
      const { port } = metricsPort(backend.current);
      const { series } = await port.getData(
        [stat("gr", "Requests", "Sum", "green"), { Id: "twice", Expression: "2 * gr" }],
        { start: START, end: END },
      );
      expect(series.find((s) => s.id === "twice")?.values).toEqual([]);
      await expect(
        port.getData([stat("p99", "Latency", "p99", "green")], { start: START, end: END }),
      ).rejects.toThrow();
    });
  }
});

describeEachBackend("GetMetricData paging and splitting", (spec) => {
  const backend = useBackend(spec);
  it("splits 1,200 queries into 3 calls and returns every series", async () => {
    const { port, ops } = metricsPort(backend.current);
    const queries = Array.from({ length: 1200 }, (_, i) =>
      stat(`q${i}`, "Requests", "Sum", i % 2 ? "green" : "blue"),
    );
    const { series, calls } = await port.getData(queries, { start: START, end: END });
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(ops.length).toBe(calls);
    expect(series).toHaveLength(1200);
  }, 60_000);
});

it("keeps an expression in the call of the queries it names", () => {
  const queries: MetricDataQuery[] = [
    ...Array.from({ length: 499 }, (_, i) => stat(`a${i}`, "Requests", "Sum", "blue")),
    stat("x", "Requests", "Sum", "green"),
    stat("y", "Errors", "Sum", "green"),
    { Id: "rate", Expression: "y / x" },
  ];
  const calls = splitQueries(queries);
  expect(calls.map((c) => c.length)).toEqual([499, 3]);
  expect(calls[1]!.map((q) => q.Id)).toEqual(["x", "y", "rate"]);
});
