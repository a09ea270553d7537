/**
 * The pure judge: worked examples (numbers in, verdict out), the Mann-Whitney test against SciPy's
 * figures, Argo Rollouts' limits, the observed split, query resolution, and a property: random series
 * never give `fail` below the minimum data.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Plan, type AnalysisMetricDoc } from "../../src/plan/schema.ts";
import {
  NO_COUNTS,
  binomialRateTest,
  binomialUpperTail,
  applyLimits,
  judgeMetric,
  mannWhitney,
  metricApplies,
  observedSplit,
  resolveQueries,
  seriesFor,
  type MetricReading,
  type Series,
  type Verdict,
} from "../../src/analysis/index.ts";
import { analysisPlan } from "./fixtures.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 3, 9, 0);
const WINDOW = { start: T0, end: T0 + 5 * MIN };

/** A series of one value per minute from T0. */
const per = (...values: number[]): Series => ({ timestamps: values.map((_, i) => T0 + i * MIN), values });

/** A metric as the plan parses it (defaults filled), judged on its last query `v`. */
function metric(extra: Record<string, unknown> = {}): AnalysisMetricDoc {
  const doc = Plan.parse({
    ...analysisPlan(),
    analysis: {
      metrics: [
        {
          name: "m",
          queries: [
            { id: "requests", metricStat: { namespace: "N", metricName: "RequestCount" } },
            { id: "v", metricStat: { namespace: "N", metricName: "Value", stat: "Average" } },
          ],
          ...extra,
        },
      ],
    },
  });
  return doc.analysis!.metrics[0]!;
}

const read = (green: number[], blue: number[] = []): MetricReading => ({
  green: { v: per(...green) },
  blue: { v: per(...blue) },
});

describe("judgeMetric: worked examples", () => {
  it("threshold: green's mean 5xx rate 1.2% over max 1% fails; 0.8% passes", () => {
    const m = metric({ threshold: { max: 1 } });
    const fail = judgeMetric(m, read([1.0, 1.4, 1.2, 1.1, 1.3]), WINDOW);
    expect(fail).toMatchObject({ verdict: "fail", reason: "above-threshold" });
    expect(fail.evidence.green.value).toBeCloseTo(1.2);
    expect(fail.evidence.green.datapoints).toBe(5);
    expect(judgeMetric(m, read([0.8, 0.8, 0.8]), WINDOW)).toMatchObject({
      verdict: "pass",
      reason: "within-limits",
    });
    const low = metric({ threshold: { min: 99 } });
    expect(judgeMetric(low, read([98, 98, 98]), WINDOW).reason).toBe("below-threshold");
  });

  it("compare: green 0.9% against blue 0.5% with maxRatio 1.5 (allowed 0.75%) fails", () => {
    const m = metric({ compare: { maxRatio: 1.5 } });
    const j = judgeMetric(m, read([0.9, 0.9, 0.9], [0.5, 0.5, 0.5]), WINDOW);
    expect(j).toMatchObject({ verdict: "fail", reason: "worse-than-blue" });
    expect(j.evidence.compare!.allowed).toBeCloseTo(0.75);
    expect(j.evidence.compare!.difference).toBeCloseTo(0.4);
    expect(j.evidence.compare!.ratio).toBeCloseTo(1.8);
  });

  it("compare: with maxIncrease and maxRatio, green must exceed both (the larger allowance)", () => {
    // blue 0.1: ratio allows 0.15, increase allows 0.6 → 0.5 passes.
    const m = metric({ compare: { maxRatio: 1.5, maxIncrease: 0.5 } });
    expect(judgeMetric(m, read([0.5, 0.5, 0.5], [0.1, 0.1, 0.1]), WINDOW).verdict).toBe("pass");
    expect(judgeMetric(m, read([0.7, 0.7, 0.7], [0.1, 0.1, 0.1]), WINDOW).verdict).toBe("fail");
  });

  it("compare lower-is-worse: green's success rate 97 against blue's 99.5 with maxIncrease 1 fails", () => {
    const m = metric({ compare: { direction: "lower-is-worse", maxIncrease: 1 } });
    const j = judgeMetric(m, read([97, 97, 97], [99.5, 99.5, 99.5]), WINDOW);
    expect(j).toMatchObject({ verdict: "fail", reason: "worse-than-blue" });
    expect(j.evidence.compare!.allowed).toBeCloseTo(98.5);
    // Better than blue never fails.
    expect(judgeMetric(m, read([100, 100, 100], [99.5, 99.5, 99.5]), WINDOW).verdict).toBe("pass");
  });

  it("compare with neither allowance uses maxRatio 1.5", () => {
    const m = metric({ compare: {} });
    expect(judgeMetric(m, read([1.4, 1.4, 1.4], [1, 1, 1]), WINDOW).verdict).toBe("pass");
    expect(judgeMetric(m, read([1.6, 1.6, 1.6], [1, 1, 1]), WINDOW).verdict).toBe("fail");
  });

  it("Mann-Whitney: a difference beyond the allowance fails only when significant", () => {
    const m = metric({ compare: { maxRatio: 1.2 }, test: { confidence: 0.95 } });
    // Green 0.9,1.2,1.4,2.0,1.1 against blue 0.5,0.6,0.5,0.7,0.6: U = 25, one-sided p = 0.0058 (SciPy).
    const clear = judgeMetric(m, read([0.9, 1.2, 1.4, 2.0, 1.1], [0.5, 0.6, 0.5, 0.7, 0.6]), WINDOW);
    expect(clear).toMatchObject({ verdict: "fail", reason: "worse-than-blue" });
    expect(clear.evidence.test).toMatchObject({ kind: "mann-whitney", u: 25, significant: true });
    expect(clear.evidence.test!.pValue).toBeCloseTo(0.005834, 5);
    // The means differ (1.3 against 0.9) but one spike makes it: U = 5, p = 0.96, not significant → pass.
    const spike = judgeMetric(m, read([0.5, 0.6, 3.9, 0.7, 0.8], [0.9, 0.9, 0.9, 0.9, 0.9]), WINDOW);
    expect(spike).toMatchObject({ verdict: "pass", reason: "not-significant" });
    expect(spike.evidence.test).toMatchObject({ u: 5, significant: false });
    expect(spike.evidence.test!.pValue).toBeCloseTo(0.96268, 4);
  });

  it("too little data is inconclusive, never fail; no data fails only with mustHaveData", () => {
    const m = metric({ threshold: { max: 1 } });
    expect(judgeMetric(m, read([50, 50]), WINDOW)).toMatchObject({
      verdict: "inconclusive",
      reason: "not-enough-data",
    });
    expect(judgeMetric(m, read([]), WINDOW)).toMatchObject({ verdict: "inconclusive", reason: "no-data" });
    const must = metric({ threshold: { max: 1 }, mustHaveData: true });
    expect(judgeMetric(must, read([]), WINDOW)).toMatchObject({ verdict: "fail", reason: "no-data" });
    expect(judgeMetric(must, read([50, 50]), WINDOW).verdict).toBe("inconclusive");
    const cmp = metric({ compare: {} });
    expect(judgeMetric(cmp, read([9, 9, 9], []), WINDOW)).toMatchObject({
      verdict: "inconclusive",
      reason: "no-data-blue",
    });
  });

  it("fewer requests than minData.requests.min on a judged side is inconclusive", () => {
    const m = metric({ compare: {}, minData: { datapoints: 3, requests: { query: "requests", min: 500 } } });
    const reading: MetricReading = {
      green: { v: per(9, 9, 9), requests: per(100, 100, 100) },
      blue: { v: per(1, 1, 1), requests: per(5000, 5000, 5000) },
    };
    const j = judgeMetric(m, reading, WINDOW);
    expect(j).toMatchObject({ verdict: "inconclusive", reason: "not-enough-requests" });
    expect(j.evidence.green.requests).toBe(300);
    expect(j.evidence.blue!.requests).toBe(15000);
  });

  it("counts only datapoints inside the window, and skips NaN", () => {
    const m = metric({ threshold: { max: 1 } });
    const series: Series = {
      timestamps: [T0 - MIN, T0, T0 + MIN, T0 + 2 * MIN, T0 + 5 * MIN],
      values: [100, 0.5, Number.NaN, 0.5, 100],
    };
    const j = judgeMetric(m, { green: { v: series }, blue: {} }, WINDOW);
    expect(j.evidence.green).toEqual({ value: 0.5, datapoints: 2 });
    expect(j.verdict).toBe("inconclusive");
  });

  it("unreadable CloudWatch is error; PartialData is judged and noted", () => {
    const m = metric({ threshold: { max: 1 } });
    expect(judgeMetric(m, { error: { code: "Throttling", message: "Rate exceeded" } }, WINDOW)).toMatchObject(
      {
        verdict: "error",
        reason: "unreadable",
        error: { code: "Throttling" },
      },
    );
    const denied: MetricReading = { green: { v: { ...per(1, 1, 1), status: "Forbidden" } }, blue: {} };
    expect(judgeMetric(m, denied, WINDOW)).toMatchObject({
      verdict: "error",
      error: { code: "cloudwatch-forbidden" },
    });
    const partial: MetricReading = {
      green: {
        v: { ...per(2, 2, 2), status: "PartialData", messages: ["MaxQueryTimeRangeExceed: too long"] },
      },
      blue: {},
    };
    const j = judgeMetric(m, partial, WINDOW);
    expect(j.verdict).toBe("fail");
    expect(j.evidence.notes).toEqual(["PartialData", "MaxQueryTimeRangeExceed: too long"]);
  });
});

describe("mannWhitney", () => {
  it("matches SciPy's asymptotic figures (continuity and tie correction)", () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6], "less").pValue).toBeCloseTo(0.0404278, 5);
    const tied = mannWhitney([1, 1, 2, 2, 3], [1, 2, 2, 3, 3], "two-sided");
    expect(tied.u).toBe(9);
    expect(tied.pValue).toBeCloseTo(0.5067287, 5);
    expect(mannWhitney([5, 5, 5], [5, 5, 5], "greater")).toMatchObject({ u: 4.5, pValue: 1 });
    expect(mannWhitney([], [1], "greater").pValue).toBe(1);
  });
});

describe("binomial rate test", () => {
  it("matches SciPy's exact binomial tails", () => {
    expect(binomialUpperTail(16, 160, 0.05)).toBeCloseTo(0.0067067, 6);
    expect(binomialUpperTail(30, 50, 0.5)).toBeCloseTo(0.1013194, 6);
    expect(1 - binomialUpperTail(4, 160, 0.05)).toBeCloseTo(0.0388207, 6);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
  });

  it("green 16 of 160 5xx while it has 5% of the requests: p = 0.0067", () => {
    const t = binomialRateTest({ events: 16, requests: 1500 }, { events: 144, requests: 28500 }, "greater");
    expect(t.expectedShare).toBeCloseTo(0.05);
    expect(t.pValue).toBeCloseTo(0.0067067, 6);
    expect(binomialRateTest({ events: 0, requests: 10 }, { events: 0, requests: 10 }, "greater").pValue).toBe(
      1,
    );
  });

  it("judges a 5xx rate by the counts: ×3 at 5% green fails, noise passes", () => {
    const m = metric({
      queries: [
        { id: "errors", metricStat: { namespace: "N", metricName: "5xx" } },
        { id: "requests", metricStat: { namespace: "N", metricName: "RequestCount" } },
        { id: "v", expression: "100 * FILL(errors, 0) / requests" },
      ],
      compare: { maxRatio: 1.5, maxIncrease: 0.1 },
      test: { kind: "binomial", count: "errors", total: "requests" },
    });
    const side = (errors: number[], requests: number[]) => ({
      errors: per(...errors),
      requests: per(...requests),
      v: per(...errors.map((e, i) => (100 * e) / requests[i]!)),
    });
    const blue = side([28, 30, 27, 29, 28], [5700, 5700, 5700, 5700, 5700]);
    // Green: 300 requests a minute, 4–5 errors (1.5%): three times blue's 0.5%.
    const bad = judgeMetric(m, { green: side([5, 4, 5, 4, 5], [300, 300, 300, 300, 300]), blue }, WINDOW);
    expect(bad).toMatchObject({ verdict: "fail", reason: "worse-than-blue" });
    expect(bad.evidence.test).toMatchObject({
      kind: "binomial",
      events: 23,
      totalEvents: 165,
      confidence: 0.995,
    });
    expect(bad.evidence.test!.pValue).toBeLessThan(0.001);
    // Green: 2, 3, 2, 2, 3 errors (0.8%): beyond the allowance (0.75%), but 12 of 157 5xx against an
    // expected 5% share is p ≈ 0.096: not significant, so it passes.
    const noise = judgeMetric(m, { green: side([2, 3, 2, 2, 3], [300, 300, 300, 300, 300]), blue }, WINDOW);
    expect(noise).toMatchObject({ verdict: "pass", reason: "not-significant" });
    expect(noise.evidence.test!.pValue).toBeGreaterThan(0.05);
  });
});

describe("applyLimits (Argo Rollouts semantics, within one step)", () => {
  const limits = { failureLimit: 1, inconclusiveLimit: 2, consecutiveErrorLimit: 2 };
  const run = (verdicts: Verdict[]) =>
    verdicts.reduce((acc, v) => applyLimits(acc.counts, v, limits), {
      counts: NO_COUNTS,
      status: "running" as const,
    } as ReturnType<typeof applyLimits>);

  it("one failed evaluation within failureLimit 1 does not fail the metric; a second does", () => {
    expect(run(["fail", "pass"]).status).toBe("running");
    expect(run(["fail", "pass", "fail"])).toMatchObject({ status: "failed", counts: { fail: 2, pass: 1 } });
  });

  it("inconclusive past its limit; errors only in a row", () => {
    expect(run(["inconclusive", "inconclusive", "inconclusive"]).status).toBe("inconclusive");
    expect(run(["error", "error", "pass", "error", "error"]).status).toBe("running");
    expect(run(["error", "error", "error"])).toMatchObject({
      status: "error",
      counts: { consecutiveErrors: 3 },
    });
  });

  it("failed pre-empts the other limits", () => {
    expect(run(["error", "error", "error", "fail", "fail"]).status).toBe("failed");
  });
});

describe("observedSplit", () => {
  it("green's share of requests against the written weight, within max(2, 25%)", () => {
    expect(observedSplit(7700, 2300, 30)).toEqual({ green: 23, target: 30, tolerance: 7.5, converged: true });
    expect(observedSplit(7800, 2200, 30)).toMatchObject({ green: 22, converged: false });
    expect(observedSplit(8800, 1200, 30)).toMatchObject({ green: 12, converged: false });
    expect(observedSplit(990, 10, 5)).toMatchObject({ green: 1, tolerance: 2, converged: false });
    expect(observedSplit(970, 30, 5)).toMatchObject({ green: 3, converged: true });
    expect(observedSplit(0, 500, 100)).toMatchObject({ green: 100, converged: true });
    expect(observedSplit(80, 20, 30, 5)).toMatchObject({ tolerance: 5, converged: false });
  });

  it("no requests, or unreadable counts, are not converged", () => {
    expect(observedSplit(0, 0, 10)).toMatchObject({ green: null, converged: false });
    expect(observedSplit(Number.NaN, 5, 10)).toMatchObject({ green: null, converged: false });
  });
});

describe("metricApplies", () => {
  it("judges from fromStep and from fromGreen on", () => {
    expect(metricApplies({}, { index: 1, green: 1 })).toBe(true);
    expect(metricApplies({ fromStep: 2 }, { index: 1, green: 10 })).toBe(false);
    expect(metricApplies({ fromGreen: 5 }, { index: 1, green: 1 })).toBe(false);
    expect(metricApplies({ fromGreen: 5, fromStep: 2 }, { index: 2, green: 5 })).toBe(true);
  });
});

describe("resolveQueries", () => {
  const doc = Plan.parse(analysisPlan());

  it("templates each side, makes ids unique and rewrites expressions", () => {
    const green = resolveQueries(doc, "green");
    expect(green.metrics[0]!.queries).toEqual([
      {
        Id: "g0_errors",
        MetricStat: {
          Metric: {
            Namespace: "AWS/ApplicationELB",
            MetricName: "HTTPCode_Target_5XX_Count",
            Dimensions: [{ Name: "LoadBalancer", Value: "app/shop-green/fedcba9876543210" }],
          },
          Period: 60,
          Stat: "Sum",
        },
        ReturnData: false,
      },
      expect.objectContaining({ Id: "g0_requests", ReturnData: true }),
      { Id: "g0_rate", Expression: "100 * g0_errors / g0_requests", ReturnData: true },
    ]);
    expect(green.split!.queries[0]).toMatchObject({ Id: "gs_requests", ReturnData: true });
    const blue = resolveQueries(doc, "blue");
    expect(blue.metrics[0]!.queries[0]!.MetricStat!.Metric.Dimensions[0]!.Value).toBe(
      "app/shop-blue/0123456789abcdef",
    );
    const all = [...blue.metrics, ...green.metrics].flatMap((m) => m.queries.map((q) => q.Id));
    expect(new Set(all).size).toBe(all.length);
  });

  it("fills {{cluster}} with the side's cluster name", () => {
    const plan = analysisPlan();
    const q = (
      plan.analysis as { metrics: { queries: { metricStat: { dimensions: { value: string }[] } }[] }[] }
    ).metrics[0]!.queries[0]!;
    q.metricStat.dimensions[0]!.value = "{{cluster}}";
    const resolved = resolveQueries(Plan.parse(plan), "blue");
    expect(resolved.metrics[0]!.queries[0]!.MetricStat!.Metric.Dimensions[0]!.Value).toBe("shop-1-30");
  });

  it("maps GetMetricData results (over pages) back to the plan's ids", () => {
    const green = resolveQueries(doc, "green");
    const series = seriesFor(green.metrics[0]!, [
      { Id: "g0_rate", Timestamps: [new Date(T0)], Values: [0.5], StatusCode: "PartialData" },
      { Id: "g0_rate", Timestamps: [new Date(T0 + MIN)], Values: [0.7], StatusCode: "Complete" },
      { Id: "b0_rate", Timestamps: [new Date(T0)], Values: [9], StatusCode: "Complete" },
    ]);
    expect(series).toEqual({
      rate: { timestamps: [T0, T0 + MIN], values: [0.5, 0.7], status: "Complete" },
      requests: { timestamps: [], values: [], status: "Complete" },
    });
  });
});

describe("property: random series never give fail below the minimum data", () => {
  const value = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: -10, max: 1e6 }),
    fc.constant(Number.NaN),
  );
  const series = fc
    .array(fc.tuple(fc.integer({ min: T0 - 2 * MIN, max: T0 + 7 * MIN }), value), { maxLength: 12 })
    .map((points): Series => ({ timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) }));
  const plan = fc.record({
    threshold: fc.option(fc.record({ max: fc.double({ noNaN: true, noDefaultInfinity: true }) }), {
      nil: undefined,
    }),
    compare: fc.option(
      fc.record({
        direction: fc.constantFrom("higher-is-worse", "lower-is-worse"),
        maxRatio: fc.double({ min: 1, max: 5, noNaN: true }),
      }),
      { nil: undefined },
    ),
    datapoints: fc.integer({ min: 1, max: 8 }),
    requests: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  });

  it("holds for thresholds and comparisons, with and without a request minimum", () => {
    fc.assert(
      fc.property(plan, series, series, series, series, (p, gv, bv, gr, br) => {
        const m = metric({
          ...(p.threshold ? { threshold: p.threshold } : {}),
          ...(p.compare || !p.threshold ? { compare: p.compare ?? {} } : {}),
          minData: {
            datapoints: p.datapoints,
            ...(p.requests ? { requests: { query: "requests", min: p.requests } } : {}),
          },
        });
        const j = judgeMetric(m, { green: { v: gv, requests: gr }, blue: { v: bv, requests: br } }, WINDOW);
        const g = j.evidence.green;
        const b = j.evidence.blue;
        const below =
          g.datapoints < p.datapoints ||
          (b !== undefined && b.datapoints < p.datapoints) ||
          (p.requests !== undefined &&
            ((g.requests ?? 0) < p.requests || (b !== undefined && (b.requests ?? 0) < p.requests)));
        if (below) expect(j.verdict).not.toBe("fail");
        expect(["pass", "fail", "inconclusive"]).toContain(j.verdict);
      }),
      { numRuns: 1000 },
    );
  });
});
