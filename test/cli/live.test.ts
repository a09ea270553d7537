/**
 * The live view of `run` (issue 14 item 5): the next step and its earliest time (from the bake's start,
 * the step's bake, gates and change windows), the observed split, each metric's last verdict, a hold,
 * and the exact command to approve from another shell. The plain output decides what changed from the
 * state's fields, never from the reason's words.
 */
import { describe, expect, it } from "vitest";
import { recordingOutput } from "../../src/cli/output.ts";
import { LiveView } from "../../src/cli/render/live.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { newState, type UpgradeState } from "../../src/engine/state.ts";
import { testPlan } from "../support/fake-world.ts";

const T0 = Date.parse("2026-03-02T10:00:00Z"); // a Monday
const at = (s: number) => new Date(T0 + s * 1000);
const iso = (s: number) => at(s).toISOString();

type Analysis = NonNullable<PlanInput["analysis"]>;
const requests = { id: "requests", metricStat: { namespace: "N", metricName: "R", stat: "Sum", period: 60 } };
const p99 = {
  name: "p99",
  queries: [{ id: "v", metricStat: { namespace: "N", metricName: "M", stat: "p99", period: 60 } }],
  compare: { direction: "higher-is-worse", maxRatio: 1.5 },
  inconclusiveLimit: 1,
  window: "5m",
};

function plan(overrides: Partial<PlanInput> = {}) {
  return testPlan(overrides);
}

/** Baking step 2 (50% green) since T0. */
function baking(extra: Partial<UpgradeState> = {}): UpgradeState {
  return {
    ...newState(plan(), at(-100)),
    phase: "baking",
    step: 2,
    writtenGreen: 50,
    bakeStartedAt: iso(0),
    alarmsSince: iso(-10),
    ...extra,
  };
}

/** The block drawn on a terminal at `now` seconds. */
function block(p: ReturnType<typeof plan>, state: UpgradeState, now: number, reason = "(reason)"): string {
  const out = recordingOutput();
  new LiveView(out, p, () => at(now), true).update(state, undefined, reason);
  return out.lines.map((l) => l.text).join("\n");
}

describe("live view on a terminal", () => {
  it("baking: the next step at the bake's end (start + the step's bake), counting down", () => {
    const text = block(plan(), baking(), 30);
    expect(text).toContain("  next     step 3 (100% green), earliest 2026-03-02 10:01:00Z (in 30s)");
    expect(text).not.toContain("approve");
  });

  it("baking with the split converging: written / observed, and the next step waits for it", () => {
    const p = plan({
      analysis: {
        interval: "30s",
        metrics: [],
        split: { queries: [requests], window: "3m", maxConvergence: "10m", tolerance: 5 },
      } as Analysis,
    });
    const converging = baking({
      analysis: { observedSplit: { green: 22, target: 50, tolerance: 5, at: iso(20) } },
    });
    let text = block(p, converging, 30);
    expect(text).toContain("  split    written 50% / observed 22% (±5 points), converging");
    expect(text).toContain(
      "  next     step 3 (100% green), once the observed split converges and then the 60s bake ends",
    );
    // Converged at +40 s: the bake starts then, and the next step is timed from it.
    const converged = baking({
      bakeStartedAt: iso(40),
      analysis: { observedSplit: { green: 48, target: 50, tolerance: 5, at: iso(40) }, convergedStep: 2 },
    });
    text = block(p, converged, 50);
    expect(text).toContain("  split    written 50% / observed 48% (±5 points), converged");
    expect(text).toContain("  next     step 3 (100% green), earliest 2026-03-02 10:01:40Z (in 50s)");
  });

  it("awaiting approval: the exact command to approve from another shell, with the plan path", () => {
    const p = plan({
      steps: [
        { green: 10, bake: "60s" },
        { green: 50, bake: "60s" },
        { green: 100, bake: "60s", approval: true },
      ],
    });
    const text = block(p, baking({ phase: "awaiting-approval", bakeCompletedAt: iso(60) }), 90);
    expect(text).toContain("  next     step 3 (100% green), now, after approval");
    expect(text).toContain(
      "  approve  from another shell: eks-bluegreen approve plans/test.yaml   (or: eks-bluegreen rollback plans/test.yaml)",
    );
    // A gate ahead of a bake: the bake's end, after approval, which may be given ahead.
    const ahead = block(p, baking(), 30);
    expect(ahead).toContain(
      "  next     step 3 (100% green), earliest 2026-03-02 10:01:00Z (in 30s), after approval",
    );
    expect(ahead).toContain(
      "  approve  step 3 (100% green) needs approval; give it ahead from another shell: eks-bluegreen approve plans/test.yaml",
    );
    // Approved already: no gate, no command.
    const approved = baking({ approvals: [{ by: "alice", at: iso(10), gate: "step-3" }] });
    expect(block(p, approved, 30)).not.toContain("approve ");
  });

  it("holding on an inconclusive metric: the verdict with its count, the hold and when its timeout applies", () => {
    const p = plan({ analysis: { interval: "30s", metrics: [p99] } as Analysis });
    const held = baking({
      holdSince: iso(40),
      analysis: {
        step: 2,
        since: iso(-10),
        lastEvaluatedAt: iso(60),
        counts: { p99: { pass: 0, fail: 0, inconclusive: 2, error: 0, consecutiveErrors: 0 } },
        last: { p99: { verdict: "inconclusive", reason: "no-data", at: iso(60), green: null, blue: 120 } },
      },
    });
    const text = block(p, held, 70);
    expect(text).toContain(
      "  metric   p99: inconclusive (no-data), green no data, blue 120; 2 inconclusive this step (limit 1)",
    );
    expect(text).toContain(
      "  hold     since 2026-03-02 10:00:40Z (no clear verdict); rollback.onHoldTimeout (pause) at 2026-03-02 10:05:40Z (in 4m30s)",
    );
    expect(text).toContain("  next     step 3 (100% green), now, once the hold clears");
  });

  it("a closed change window moves the earliest time to its opening", () => {
    const p = plan({ changeWindows: [{ days: ["mon"], start: "11:00", end: "12:00", timeZone: "UTC" }] });
    const text = block(p, baking(), 30);
    expect(text).toContain(
      "  next     step 3 (100% green), earliest 2026-03-02 11:00:00Z (in 59m30s), when the change window opens",
    );
  });

  it("at 100%: retiring blue after retire.after, with its approval", () => {
    const p = plan({ retire: { after: "10m", mode: "delete", approval: true, blueRecords: "keep" } });
    const state = baking({ phase: "holding", step: 3, writtenGreen: 100, fullSince: iso(0) });
    const text = block(p, state, 60);
    expect(text).toContain(
      "  next     retiring blue (delete), earliest 2026-03-02 10:10:00Z (in 9m00s), after approval",
    );
    expect(text).toContain("give it ahead from another shell: eks-bluegreen approve plans/test.yaml");
  });
});

describe("live view in plain output", () => {
  it("prints a reason again only when the state's fields change, whatever the reason's wording", () => {
    const out = recordingOutput();
    const view = new LiveView(out, plan(), () => at(30), false);
    // A countdown in words no pattern knows: still the same situation.
    view.update(baking(), undefined, "Baking step 2: about 2 minutes to go.");
    view.update(baking(), undefined, "Baking step 2: about 1 minute to go.");
    // The bake gains unwatched time: a change, printed.
    view.update(baking({ bakeUnwatchedMs: 10_000 }), undefined, "Baking step 2: 1 minute to go, 10s added.");
    view.update(baking({ phase: "awaiting-approval" }), undefined, "Waiting for approval.");
    expect(out.lines.map((l) => l.text)).toEqual([
      "2026-03-02 10:00:30Z Baking step 2: about 2 minutes to go.",
      "2026-03-02 10:00:30Z Baking step 2: 1 minute to go, 10s added.",
      "2026-03-02 10:00:30Z Waiting for approval.",
    ]);
  });

  it("without a state (a refused tick), a new reason is printed once", () => {
    const out = recordingOutput();
    const view = new LiveView(out, plan(), () => at(30), false);
    view.update(undefined, undefined, "Locked by ci-1.");
    view.update(undefined, undefined, "Locked by ci-1.");
    view.update(undefined, undefined, "Locked by ci-2.");
    expect(out.lines.map((l) => l.text)).toEqual([
      "2026-03-02 10:00:30Z Locked by ci-1.",
      "2026-03-02 10:00:30Z Locked by ci-2.",
    ]);
  });
});
