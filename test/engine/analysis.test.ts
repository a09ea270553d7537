/** Metric analysis inside the tick (engine/analysis.ts, engine/split.ts): pure, through `transition`. */
import { describe, expect, it } from "vitest";
import { analysisWindow } from "../../src/engine/analysis.ts";
import type { Observation } from "../../src/engine/observation.ts";
import { observe } from "../../src/runner/observe.ts";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import { transition } from "../../src/engine/transition.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { fakeWorld, testPlan } from "../support/fake-world.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000);

type Analysis = NonNullable<PlanInput["analysis"]>;

function plan(analysis: Partial<Analysis> = {}, metric: Record<string, unknown> = {}) {
  return testPlan({
    analysis: {
      interval: "30s",
      metrics: [
        {
          name: "p99",
          queries: [{ id: "v", metricStat: { namespace: "N", metricName: "M", stat: "p99", period: 60 } }],
          compare: { direction: "higher-is-worse", maxRatio: 1.5 },
          minData: { datapoints: 2 },
          failureLimit: 1,
          inconclusiveLimit: 1,
          window: "5m",
          ...metric,
        },
      ],
      ...analysis,
    } as Analysis,
  });
}

/** Baking step 2 (50% green) since T0. */
function baking(p = plan()): UpgradeState {
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

async function observed(p: ReturnType<typeof plan>): Promise<Observation> {
  const world = fakeWorld(p);
  world.setWeights(50, 50);
  return observe(world.ports, p, {});
}

/** An evaluation ending at `end` seconds with blue's and green's values (one datapoint a minute). */
function reading(end: number, blue: number[], green: number[], extra: Record<string, number[]> = {}) {
  const series = (id: string, values: number[]) => ({
    Id: id,
    Timestamps: values.map((_, i) => T0 + end * 1000 - (values.length - i) * 60_000),
    Values: values,
    StatusCode: "Complete",
  });
  return {
    ok: true as const,
    value: {
      end: at(end).toISOString(),
      calls: 1,
      results: [
        series("b0_v", blue),
        series("g0_v", green),
        ...Object.entries(extra).map(([id, v]) => series(id, v)),
      ],
    },
  };
}

describe("analysisWindow: when an evaluation is due", () => {
  it("never without analysis; at the first tick of a bake; again once the interval has passed", () => {
    expect(analysisWindow(baking(testPlan()), testPlan(), at(5))).toBeUndefined();
    const p = plan();
    const s = baking(p);
    expect(analysisWindow(s, p, at(5))).toEqual({ start: at(5 - 300), end: at(5) });
    s.analysis = { lastEvaluatedAt: at(5).toISOString() };
    expect(analysisWindow(s, p, at(20))).toBeUndefined();
    expect(analysisWindow(s, p, at(35))).toBeDefined();
    expect(analysisWindow({ ...s, phase: "shifting" }, p, at(60))).toBeUndefined();
  });
});

describe("analysisWindow: while the split converges", () => {
  // One metric (5 m window), interval 30 s, and a split whose count query has a 10 s period.
  const converging = () =>
    plan({
      split: {
        queries: [
          { id: "requests", metricStat: { namespace: "N", metricName: "R", stat: "Sum", period: 10 } },
        ],
        window: "1m",
      },
    });

  it("reads the split's queries only between evaluations, every split period; metrics at the interval", () => {
    const p = converging();
    const s = baking(p);
    // The first tick of the step evaluates: every query, over the longest window.
    expect(analysisWindow(s, p, at(0))).toEqual({ start: at(-300), end: at(0) });
    s.analysis = { lastEvaluatedAt: at(0).toISOString() };
    // A poll 5 s later reads nothing: the split's datapoints come every 10 s.
    expect(analysisWindow(s, p, at(5))).toBeUndefined();
    // At 10 s: the split's queries only, over the split window.
    expect(analysisWindow(s, p, at(10))).toEqual({ start: at(-50), end: at(10), only: "split" });
    s.analysis.observedSplit = { green: 20, target: 50, tolerance: 12.5, at: at(10).toISOString() };
    expect(analysisWindow(s, p, at(15))).toBeUndefined();
    expect(analysisWindow(s, p, at(20))?.only).toBe("split");
    // At the interval the metrics are due again: a full read (which reads the split too).
    expect(analysisWindow(s, p, at(30))).toEqual({ start: at(-270), end: at(30) });
    // Converged: no split reads between evaluations.
    s.analysis.convergedStep = 2;
    expect(analysisWindow(s, p, at(20))).toBeUndefined();
  });

  it("with a split period at least the interval, a converging step reads only at the interval", () => {
    const p = plan({
      split: {
        queries: [
          { id: "requests", metricStat: { namespace: "N", metricName: "R", stat: "Sum", period: 60 } },
        ],
      },
    });
    const s = baking(p);
    s.analysis = { lastEvaluatedAt: at(0).toISOString() };
    for (const t of [1, 10, 29]) expect(analysisWindow(s, p, at(t)), `${t}s`).toBeUndefined();
    expect(analysisWindow(s, p, at(30))).toEqual({ start: at(-270), end: at(30) });
  });

  it("a split-only read judges no metric, and the split it reads still starts the bake", async () => {
    const p = converging();
    const obs = await observed(p);
    const s = baking(p);
    s.analysis = { step: 2, since: s.alarmsSince!, lastEvaluatedAt: at(0).toISOString() };
    const counts = {
      ok: true as const,
      splitOnly: true as const,
      value: {
        end: at(40).toISOString(),
        calls: 1,
        results: [
          { Id: "bs_requests", Timestamps: [T0 + 30_000], Values: [50], StatusCode: "Complete" },
          { Id: "gs_requests", Timestamps: [T0 + 30_000], Values: [50], StatusCode: "Complete" },
        ],
      },
    };
    // 40 s after the last evaluation the metrics would be due, but this read holds none of them.
    const r = transition(s, { ...obs, analysis: counts }, p, at(40));
    expect(r.events.map((e) => e.type)).toEqual(["split-converged"]);
    expect(r.state.analysis?.lastEvaluatedAt).toBe(at(0).toISOString());
    expect(r.state.analysis?.counts).toBeUndefined();
  });

  it("the shell's split-only read sends the split's queries of both sides and nothing else", async () => {
    const p = converging();
    const world = fakeWorld(p);
    const sent: string[][] = [];
    world.ports.metrics = {
      getData: async (queries) => {
        sent.push(queries.map((q) => q.Id));
        return { series: [], messages: [], calls: 1 };
      },
    };
    const window = { start: at(-50), end: at(10) };
    const split = await observe(world.ports, p, { analysis: { ...window, only: "split" } });
    expect(split.analysis).toMatchObject({ ok: true, splitOnly: true });
    const full = await observe(world.ports, p, { analysis: window });
    expect(full.analysis).not.toHaveProperty("splitOnly");
    expect(sent).toEqual([
      ["bs_requests", "gs_requests"],
      ["b0_v", "bs_requests", "g0_v", "gs_requests"],
    ]);
  });
});

describe("metric verdicts within a step", () => {
  it("one failed evaluation within failureLimit does not roll back; the next one does, pre-empting the alarms", async () => {
    const p = plan();
    const obs = await observed(p);
    const first = transition(baking(p), { ...obs, analysis: reading(30, [1, 1, 1], [3, 3, 3]) }, p, at(30));
    expect(first.state.phase).toBe("baking");
    expect(first.state.analysis?.counts?.p99).toMatchObject({ fail: 1 });
    const logged = first.events.find((e) => e.type === "analysis")!;
    expect(logged.evidence).toMatchObject({
      analysis: [{ metric: "p99", verdict: "fail", reason: "worse-than-blue", green: { value: 3 } }],
    });
    const second = transition(
      first.state,
      { ...obs, analysis: reading(60, [1, 1, 1], [3, 3, 3]) },
      p,
      at(60),
    );
    expect(second.state.phase).toBe("rolling-back");
    expect(second.actions).toEqual([{ type: "shift", green: 0, step: 0 }]);
    expect(second.state.rollbackReason).toMatch(/metric p99 failed: 2 failed evaluation\(s\) this step/);
    expect(second.exitCode).toBe(3);
  });

  it("a resume after a metric failure paused the upgrade counts afresh", async () => {
    const p = plan({}, { failureLimit: 0 });
    const manual = testPlan({ ...p.doc, rollback: { ...p.doc.rollback, automatic: false } } as PlanInput);
    const obs = await observed(manual);
    const paused = transition(
      baking(manual),
      { ...obs, analysis: reading(30, [1, 1, 1], [3, 3, 3]) },
      manual,
      at(30),
    );
    expect(paused.state.pause?.code).toBe("verdict-fail");
    const resumed = transition(paused.state, obs, manual, at(40), {
      kind: "resume",
      by: "ops",
      adopt: false,
      acceptPlanChange: false,
    });
    expect(resumed.state.phase).toBe("baking");
    const next = transition(
      resumed.state,
      { ...obs, analysis: reading(70, [1, 1, 1], [1, 1, 1]) },
      manual,
      at(70),
    );
    // Passing now, and the bake is over: on to the next step (no pause from the earlier failure).
    expect(next.state.phase).toBe("shifting");
    expect(next.state.analysis?.counts?.p99).toEqual({
      pass: 1,
      fail: 0,
      inconclusive: 0,
      error: 0,
      consecutiveErrors: 0,
    });
  });

  it("counts start again on a new step", async () => {
    const p = plan();
    const obs = await observed(p);
    const s = baking(p);
    s.analysis = {
      step: 1,
      counts: { p99: { pass: 0, fail: 1, inconclusive: 0, error: 0, consecutiveErrors: 0 } },
    };
    const r = transition(s, { ...obs, analysis: reading(30, [1, 1, 1], [3, 3, 3]) }, p, at(30));
    expect(r.state.phase).toBe("baking");
    expect(r.state.analysis).toMatchObject({ step: 2, counts: { p99: { fail: 1 } } });
  });

  it("missing data is inconclusive and never rolls back; past inconclusiveLimit it holds", async () => {
    const p = plan();
    const obs = await observed(p);
    const first = transition(baking(p), { ...obs, analysis: reading(30, [1, 1, 1], []) }, p, at(30));
    expect(first.state.analysis?.last?.p99).toMatchObject({ verdict: "inconclusive", reason: "no-data" });
    expect(first.state.phase).toBe("baking");
    expect(first.state.holdSince).toBeUndefined();
    const second = transition(first.state, { ...obs, analysis: reading(60, [1, 1, 1], []) }, p, at(60));
    expect(second.state.phase).toBe("baking");
    expect(second.verdict?.kind).toBe("inconclusive");
    expect(second.events.map((e) => e.type)).toContain("hold");
    expect(second.actions).toEqual([]);
  });

  it("mustHaveData makes no data a failure", async () => {
    const p = plan({}, { mustHaveData: true, failureLimit: 0 });
    const obs = await observed(p);
    const r = transition(baking(p), { ...obs, analysis: reading(30, [1, 1, 1], []) }, p, at(30));
    expect(r.state.phase).toBe("rolling-back");
  });

  it("unreadable CloudWatch is an error that holds, never a rollback", async () => {
    const p = plan({}, { failureLimit: 0 });
    const obs = await observed(p);
    const r = transition(baking(p), { ...obs, analysis: { ok: false, error: "Throttling" } }, p, at(30));
    expect(r.state.analysis?.last?.p99).toMatchObject({ verdict: "error", reason: "unreadable" });
    expect(r.verdict?.kind).toBe("error");
    expect(r.state.phase).toBe("baking");
    expect(r.events.map((e) => e.type)).toEqual(["analysis", "hold"]);
  });

  it("logs an evaluation only when its verdict changes (or it fails): two passes log once", async () => {
    const p = plan();
    const obs = await observed(p);
    const first = transition(baking(p), { ...obs, analysis: reading(10, [1, 1, 1], [1, 1, 1]) }, p, at(10));
    const second = transition(
      first.state,
      { ...obs, analysis: reading(40, [1, 1, 1], [1, 1, 1]) },
      p,
      at(40),
    );
    expect(first.events.map((e) => e.type)).toEqual(["analysis"]);
    // The last evaluations are evidence of the tick's verdict (hold, rollback, bake-complete) too.
    expect(second.verdict?.evidence).toMatchObject({
      analysis: [{ metric: "p99", verdict: "pass", green: 1 }],
    });
    expect(second.events).toEqual([]);
    expect(second.state.analysis?.counts?.p99).toMatchObject({ pass: 2 });
    // A reading before the interval has passed (the split's, say) is not judged again.
    const early = transition(
      second.state,
      { ...obs, analysis: reading(50, [1, 1, 1], [9, 9, 9]) },
      p,
      at(50),
    );
    expect(early.state.analysis?.counts?.p99).toMatchObject({ pass: 2, fail: 0 });
  });

  it("a metric with fromGreen above the step's share is not judged", async () => {
    const p = plan({}, { fromGreen: 60, failureLimit: 0 });
    const obs = await observed(p);
    const r = transition(baking(p), { ...obs, analysis: reading(30, [1, 1, 1], [9, 9, 9]) }, p, at(30));
    expect(r.state.phase).toBe("baking");
    expect(r.events).toEqual([]);
  });
});

describe("the observed split", () => {
  const split = (onNoConvergence: "hold" | "pause" | "rollback") =>
    plan({
      metrics: [],
      split: {
        queries: [
          { id: "requests", metricStat: { namespace: "N", metricName: "R", stat: "Sum", period: 60 } },
        ],
        window: "3m",
        maxConvergence: "10m",
        onNoConvergence,
      },
    });
  const counts = (end: number, blue: number, green: number) => ({
    ok: true as const,
    value: {
      end: at(end).toISOString(),
      calls: 1,
      results: [
        { Id: "bs_requests", Timestamps: [T0 + end * 1000 - 60_000], Values: [blue], StatusCode: "Complete" },
        {
          Id: "gs_requests",
          Timestamps: [T0 + end * 1000 - 60_000],
          Values: [green],
          StatusCode: "Complete",
        },
      ],
    },
  });

  it("holds the bake until green's share is within tolerance, then starts it", async () => {
    const p = split("pause");
    const obs = await observed(p);
    // The bake (60 s) would be over; the split (78% blue) keeps it from starting.
    const waiting = transition(baking(p), { ...obs, analysis: counts(120, 78, 22) }, p, at(120));
    expect(waiting.reason).toMatch(/written 50% \/ observed 22% \(tolerance ±12.5 points\)/);
    expect(waiting.actions).toEqual([]);
    expect(waiting.state.analysis?.observedSplit).toMatchObject({ green: 22, target: 50 });
    const converged = transition(waiting.state, { ...obs, analysis: counts(150, 55, 45) }, p, at(150));
    expect(converged.events.map((e) => e.type)).toEqual(["split-converged"]);
    expect(converged.state.bakeStartedAt).toBe(at(150).toISOString());
    expect(converged.reason).toMatch(/Baking step 2 .*60s left/);
    const done = transition(converged.state, obs, p, at(215));
    expect(done.actions).toEqual([{ type: "shift", green: 100, step: 3 }]);
  });

  it("after maxConvergence: pause, roll back, or hold, as the plan says", async () => {
    for (const [policy, phase] of [
      ["pause", "paused"],
      ["rollback", "rolling-back"],
      ["hold", "baking"],
    ] as const) {
      const p = split(policy);
      const obs = await observed(p);
      const r = transition(baking(p), { ...obs, analysis: counts(601, 90, 10) }, p, at(601));
      expect(r.state.phase, policy).toBe(phase);
      if (policy === "pause") expect(r.state.pause?.code).toBe("split-not-converged");
      if (policy === "hold") expect(r.events.map((e) => e.type)).toContain("hold");
    }
  });

  it("resume after a split pause waits maxConvergence again (it does not pause at once)", async () => {
    const p = split("pause");
    const obs = await observed(p);
    const paused = transition(baking(p), { ...obs, analysis: counts(601, 90, 10) }, p, at(601));
    expect(paused.state.phase).toBe("paused");
    const resumed = transition(paused.state, obs, p, at(700), {
      kind: "resume",
      by: "ops",
      adopt: false,
      acceptPlanChange: false,
    });
    expect(resumed.state.phase).toBe("baking");
    const next = transition(resumed.state, { ...obs, analysis: counts(710, 90, 10) }, p, at(710));
    expect(next.state.phase).toBe("baking");
    expect(next.reason).toMatch(/Waiting for the observed split of step 2: written 50% \/ observed 10%/);
  });

  it("without a split query the bake starts at INSYNC, as before", async () => {
    const p = plan();
    const obs = await observed(p);
    const r = transition(baking(p), obs, p, at(61));
    expect(r.actions).toEqual([{ type: "shift", green: 100, step: 3 }]);
  });
});
