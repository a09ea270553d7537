/**
 * The report's metric charts from the state (report/data.ts): one point per evaluation, from the
 * state's series, with the `analysis` events' evidence at the same times merged (not doubled); an
 * older state without a series still charts its evidence.
 */
import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/engine/observation.ts";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import { transition } from "../../src/engine/transition.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { reportData } from "../../src/report/data.ts";
import { observe } from "../../src/runner/observe.ts";
import { fakeWorld, testPlan } from "../support/fake-world.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);

function plan() {
  return testPlan({
    steps: [
      { green: 10, bake: "60s" },
      { green: 50, bake: "1h" },
      { green: 100, bake: "60s" },
    ],
    analysis: {
      interval: "30s",
      metrics: [
        {
          name: "p99",
          queries: [{ id: "v", metricStat: { namespace: "N", metricName: "M", stat: "p99", period: 60 } }],
          compare: { direction: "higher-is-worse", maxRatio: 1.5 },
          minData: { datapoints: 2 },
          failureLimit: 5,
          window: "5m",
        },
      ],
    } as NonNullable<PlanInput["analysis"]>,
  });
}

function reading(end: number, blue: number, green: number): Observation["analysis"] {
  const series = (id: string, v: number) => ({
    Id: id,
    Timestamps: [T0 + end * 1000 - 120_000, T0 + end * 1000 - 60_000],
    Values: [v, v],
    StatusCode: "Complete",
  });
  return {
    ok: true,
    value: { end: at(end).toISOString(), calls: 1, results: [series("b0_v", blue), series("g0_v", green)] },
  };
}

/** Twelve evaluations 30 s apart while step 2 bakes: passes, two failures, passes again. */
async function evaluated() {
  const p = plan();
  const world = fakeWorld(p);
  world.setWeights(50, 50);
  const obs = await observe(world.ports, p, {});
  let s: UpgradeState = {
    ...newState(p, at(-100)),
    phase: "baking",
    step: 2,
    writtenGreen: 50,
    bakeStartedAt: at(0).toISOString(),
    alarmsSince: at(-10).toISOString(),
    change: { ids: [], submittedAt: at(-10).toISOString(), green: 50 },
  };
  const values: { t: number; blue: number; green: number }[] = [];
  for (let i = 1; i <= 12; i++) {
    const blue = 100 + i;
    const green = i === 6 || i === 7 ? 3 * blue : blue + 1;
    const r = transition(s, { ...obs, analysis: reading(i * 30, blue, green) }, p, at(i * 30));
    s = r.state;
    values.push({ t: at(i * 30).getTime() / 1000, blue, green });
  }
  expect(s.phase).toBe("baking");
  return { p, s, values };
}

describe("report metric charts", () => {
  it("show one point per evaluation with its blue and green values, not only the verdict changes", async () => {
    const { p, s, values } = await evaluated();
    // The event log holds the changes only: the first pass, both failures, the pass after them.
    expect(s.events.filter((e) => e.type === "analysis")).toHaveLength(4);
    const [m] = reportData(s, p, at(400)).metrics;
    expect(m!.name).toBe("p99");
    expect(m!.t).toEqual(values.map((v) => v.t));
    expect(m!.blue).toEqual(values.map((v) => v.blue));
    expect(m!.green).toEqual(values.map((v) => v.green));
    expect(m!.verdict).toEqual(values.map((_, i) => (i === 5 || i === 6 ? "fail" : "pass")));
    expect(m!.omitted).toBe(0);
  });

  it("an older state without a series still charts its evidence points", async () => {
    const { p, s } = await evaluated();
    const { series: _drop, ...older } = s.analysis!;
    const [m] = reportData({ ...s, analysis: older }, p, at(400)).metrics;
    // The four logged evaluations and the last one (from `analysis.last`).
    expect(m!.t).toEqual([30, 180, 210, 240, 360].map((x) => at(x).getTime() / 1000));
  });
});
