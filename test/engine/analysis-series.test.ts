/**
 * Every metric evaluation's values in the state (engine/analysis.ts `series`): a bounded ring per
 * metric, kept across steps, while the event log still records verdict changes only. Pure, through
 * `transition`.
 */
import { describe, expect, it } from "vitest";
import { SERIES_PER_METRIC, seriesLimit } from "../../src/engine/analysis.ts";
import type { Observation } from "../../src/engine/observation.ts";
import { newState, parseState, serializeState, type UpgradeState } from "../../src/engine/state.ts";
import { transition } from "../../src/engine/transition.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { observe } from "../../src/runner/observe.ts";
import { fakeWorld, testPlan } from "../support/fake-world.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);
const INTERVAL = 30;

type Analysis = NonNullable<PlanInput["analysis"]>;

/** One p99 metric compared with blue, evaluated every 30 s; step 2 bakes for a day. */
function plan(metrics = 1) {
  return testPlan({
    steps: [
      { green: 10, bake: "60s" },
      { green: 50, bake: "24h" },
      { green: 100, bake: "60s" },
    ],
    analysis: {
      interval: `${INTERVAL}s`,
      metrics: Array.from({ length: metrics }, (_, i) => ({
        name: i === 0 ? "p99" : `m${i}`,
        queries: [{ id: "v", metricStat: { namespace: "N", metricName: "M", stat: "p99", period: 60 } }],
        compare: { direction: "higher-is-worse", maxRatio: 1.5 },
        minData: { datapoints: 2 },
        window: "5m",
      })),
    } as Analysis,
  });
}

function baking(p: ReturnType<typeof plan>): UpgradeState {
  const s = newState(p, at(-100));
  return {
    ...s,
    phase: "baking",
    step: 2,
    writtenGreen: 50,
    bakeStartedAt: at(0).toISOString(),
    alarmsSince: at(-10).toISOString(),
    change: { ids: [], submittedAt: at(-10).toISOString(), green: 50 },
  };
}

/** An evaluation ending at `end` seconds: every metric's blue at `blue`, green at `green`. */
function reading(end: number, blue: number, green: number, metrics = 1): Observation["analysis"] {
  const series = (id: string, v: number) => ({
    Id: id,
    Timestamps: [T0 + end * 1000 - 120_000, T0 + end * 1000 - 60_000],
    Values: [v, v],
    StatusCode: "Complete",
  });
  return {
    ok: true,
    value: {
      end: at(end).toISOString(),
      calls: 1,
      results: Array.from({ length: metrics }, (_, i) => [
        series(`b${i}_v`, blue),
        series(`g${i}_v`, green),
      ]).flat(),
    },
  };
}

describe("the series of every evaluation", () => {
  it("N + k evaluations keep the latest N (360), each with its time, values and verdict", async () => {
    const p = plan();
    const world = fakeWorld(p);
    world.setWeights(50, 50);
    const obs = await observe(world.ports, p, {});
    const k = 7;
    const total = SERIES_PER_METRIC + k;
    let s = baking(p);
    const types: string[] = [];
    for (let i = 1; i <= total; i++) {
      // Green equal to blue: every evaluation passes, each with its own values.
      const r = transition(s, { ...obs, analysis: reading(i * INTERVAL, i, i) }, p, at(i * INTERVAL));
      types.push(...r.events.map((e) => e.type));
      s = r.state;
    }
    expect(s.phase).toBe("baking");
    const series = s.analysis?.series?.p99 ?? [];
    expect(series).toHaveLength(SERIES_PER_METRIC);
    // The oldest k are gone; the rest are the latest evaluations in order, one per evaluation.
    expect(series[0]).toEqual({
      at: at((k + 1) * INTERVAL).toISOString(),
      blue: k + 1,
      green: k + 1,
      verdict: "pass",
    });
    expect(series.at(-1)).toEqual({
      at: at(total * INTERVAL).toISOString(),
      blue: total,
      green: total,
      verdict: "pass",
    });
    expect(series.map((x) => x.green)).toEqual(
      Array.from({ length: SERIES_PER_METRIC }, (_, j) => k + 1 + j),
    );
    // The event log did not grow per evaluation: one `analysis` event (the first verdict).
    expect(types.filter((t) => t === "analysis")).toHaveLength(1);
    // The state with its series reads back (an optional field of the version-2 schema).
    expect(parseState(serializeState(s), p.name, "test").analysis?.series?.p99).toEqual(series);
  });

  it("keeps the series across steps, records failures, and reads states without it", async () => {
    const p = plan();
    const world = fakeWorld(p);
    world.setWeights(50, 50);
    const obs = await observe(world.ports, p, {});
    const first = transition(baking(p), { ...obs, analysis: reading(30, 1, 1) }, p, at(30));
    // A new step starts the counts afresh, not the series.
    const next = transition(
      { ...first.state, step: 3, writtenGreen: 100 },
      { ...obs, analysis: reading(60, 1, 3) },
      p,
      at(60),
    );
    expect(next.state.analysis?.counts?.p99).toMatchObject({ pass: 0, fail: 1 });
    expect(next.state.analysis?.series?.p99).toEqual([
      { at: at(30).toISOString(), blue: 1, green: 1, verdict: "pass" },
      { at: at(60).toISOString(), blue: 1, green: 3, verdict: "fail" },
    ]);
    // An older state (no series) still reads.
    const { series: _drop, ...older } = first.state.analysis!;
    const text = serializeState({ ...first.state, analysis: older });
    expect(parseState(text, p.name, "test").analysis?.series).toBeUndefined();
  });

  it("is bounded over all metrics: past 6 metrics they share 2,400 points", () => {
    expect(seriesLimit(1)).toBe(360);
    expect(seriesLimit(6)).toBe(360);
    expect(seriesLimit(10)).toBe(240);
    expect(seriesLimit(100)).toBe(24);
    expect(seriesLimit(5000)).toBe(1);
  });
});
