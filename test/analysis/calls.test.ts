/** One GetMetricData call per evaluation (500 queries a call), and the views built from its results. */
import { describe, expect, it } from "vitest";
import { Plan } from "../../src/plan/schema.ts";
import {
  MAX_QUERIES_PER_CALL,
  judgeMetric,
  observedSplitFrom,
  packCalls,
  readings,
  resolveAnalysis,
  resolveQueries,
} from "../../src/analysis/index.ts";
import { analysisPlan } from "./fixtures.ts";

type Obj = Record<string, unknown>;

/** The fixture plan with its error-rate metric copied `n` times. */
function planWith(n: number) {
  const plan = analysisPlan();
  const analysis = plan.analysis as { metrics: Obj[] };
  const first = analysis.metrics[0]!;
  analysis.metrics = Array.from({ length: n }, (_, i) => ({ ...structuredClone(first), name: `m${i}` }));
  return Plan.parse(plan);
}

const T0 = Date.UTC(2026, 11, 3, 9, 0);
const MIN = 60_000;

describe("packCalls", () => {
  it.each([
    [1, 1],
    [10, 1],
    [83, 1], // 83 metrics × 3 queries × 2 sides + 2 split queries = 500
    [84, 2],
    [100, 2],
  ])("%i metrics of 3 queries on both sides, plus the split, take %i call(s)", (n, calls) => {
    const doc = planWith(n);
    const packed = packCalls([resolveQueries(doc, "blue"), resolveQueries(doc, "green")]);
    expect(packed).toHaveLength(calls);
    const all = packed.flat();
    expect(all).toHaveLength(n * 3 * 2 + 2);
    for (const call of packed) expect(call.length).toBeLessThanOrEqual(MAX_QUERIES_PER_CALL);
  });

  it("keeps each metric's queries in one call, so expressions find their ids", () => {
    const doc = planWith(7);
    const packed = packCalls([resolveQueries(doc, "blue"), resolveQueries(doc, "green")], 10);
    for (const call of packed) {
      const ids = new Set(call.map((q) => q.Id));
      for (const q of call) {
        for (const id of q.Expression?.match(/[bg]\d+_\w+/g) ?? [])
          expect(ids.has(id), `${q.Id} → ${id}`).toBe(true);
      }
    }
  });
});

describe("the views of one evaluation", () => {
  const doc = Plan.parse(analysisPlan());
  const blue = resolveQueries(doc, "blue");
  const green = resolveQueries(doc, "green");
  const ts = [0, 1, 2, 3, 4].map((i) => new Date(T0 + i * MIN));
  const results = [
    { Id: "b0_rate", Timestamps: ts, Values: [0.5, 0.5, 0.5, 0.5, 0.5], StatusCode: "Complete" },
    { Id: "b0_requests", Timestamps: ts, Values: [5700, 5700, 5700, 5700, 5700], StatusCode: "Complete" },
    { Id: "g0_rate", Timestamps: ts, Values: [2, 2, 2, 2, 2], StatusCode: "Complete" },
    { Id: "g0_requests", Timestamps: ts, Values: [300, 300, 300, 300, 300], StatusCode: "Complete" },
    { Id: "bs_requests", Timestamps: ts, Values: [5700, 5700, 5700, 5700, 5700], StatusCode: "Complete" },
    { Id: "gs_requests", Timestamps: ts, Values: [300, 300, 300, 300, 300], StatusCode: "Complete" },
  ];
  const window = { start: T0, end: T0 + 5 * MIN };

  it("gives each metric's reading by name, ready for the judge", () => {
    const reading = readings(blue, green, results).get("error-rate")!;
    expect(reading).toMatchObject({
      green: { rate: { values: [2, 2, 2, 2, 2] } },
      blue: { rate: { values: [0.5, 0.5, 0.5, 0.5, 0.5] } },
    });
    // 1,500 green requests in the window, above the fixture's minimum of 500: judged, and 4 × blue fails.
    expect(judgeMetric(doc.analysis!.metrics[0]!, reading, window).verdict).toBe("fail");
  });

  it("gives the observed split from each side's count", () => {
    expect(observedSplitFrom(blue.split!, green.split!, results, window, 5)).toEqual({
      green: 5,
      target: 5,
      tolerance: 2,
      converged: true,
    });
  });

  it("gives analysis[] for plan --output json: name and fully resolved queries per side", () => {
    const [m] = resolveAnalysis(doc);
    expect(m!.name).toBe("error-rate");
    expect(m!.queries.blue.map((q) => q.Id)).toEqual(["b0_errors", "b0_requests", "b0_rate"]);
    expect(m!.queries.green[2]!.Expression).toBe("100 * g0_errors / g0_requests");
  });
});
