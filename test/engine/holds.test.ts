/**
 * Holds and waits the operator must be able to trust (issue 10: L3, L4, L7, L8): a bake counts only
 * watched time, a lapsed approval is logged and shown as lapsed, a closed change window before step 1
 * rests at `pending`, and retire mode `keep` never says blue was retired. The clock is the test's.
 */
import { describe, expect, it } from "vitest";
import { retryLog } from "../../src/runner/observe.ts";
import { approvalLapsed } from "../../src/engine/rules.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { testPlan } from "../support/fake-world.ts";
import { harness, type Harness } from "./harness.ts";

const greens = (h: Harness) => h.world.weights().map((w) => w.green);

async function until(h: Harness, phase: string, max = 200) {
  let r = await h.advance();
  for (let i = 0; i < max && r.state?.phase !== phase; i++) {
    h.clock.advance(10_000);
    r = await h.advance();
  }
  expect(r.state?.phase).toBe(phase);
  return r;
}

/** Bakes of 60 s; history on or off. */
function bakePlan(history: boolean, extra: Partial<PlanInput> = {}) {
  return testPlan({ alarms: { names: ["errors", "latency"], pollInterval: "10s", history }, ...extra });
}

/** Makes green's EKS description unreadable (a 500 from EKS) while `on()` says so. */
function eksUnreadable(h: Harness, on: () => boolean) {
  const real = h.world.ports.clusters.green.describe;
  h.world.ports.clusters.green.describe = async (...args) => {
    if (on()) throw new Error("InternalFailure: EKS answered 500");
    return real(...args);
  };
}

describe("L7: a bake completes only after its full duration of watched time", () => {
  it("history on covers a CloudWatch gap: the first good read may end the bake, and the hold says so", async () => {
    const h = harness(bakePlan(true));
    await until(h, "baking");
    const bakeStart = h.clock.t;
    h.clock.advance(20_000);
    h.world.faults.alarmsUnreadable = true;
    let r = await h.advance();
    expect(r.reason).toMatch(/Holding \(error\).*CloudWatch/);
    h.clock.advance(50_000); // past the 60 s bake, still unreadable
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(greens(h)).toEqual([10, 10]);
    h.world.faults.alarmsUnreadable = false;
    r = await h.advance();
    // History read from the step's submit covers the 50 s gap: the bake is over.
    expect(greens(h)).toEqual([50, 50]);
    const cleared = h.state().events.find((e) => e.type === "hold-cleared")!;
    expect(cleared.evidence).toMatchObject({ gapMs: 50_000, gapCovered: true });
    expect(cleared.message).toMatch(/covered by alarm history/);
    expect(h.clock.t - bakeStart).toBe(70_000);
    expect(h.types().filter((t) => t === "hold")).toHaveLength(1);
  });

  it("history off: the first good read does not end the bake; the gap is added to it", async () => {
    const h = harness(bakePlan(false));
    await until(h, "baking");
    const bakeStart = h.clock.t;
    h.clock.advance(20_000);
    h.world.faults.alarmsUnreadable = true;
    await h.advance();
    h.clock.advance(50_000);
    await h.advance();
    h.world.faults.alarmsUnreadable = false;
    let r = await h.advance(); // 70 s after the bake began; 20 s of it watched
    expect(r.state?.phase).toBe("baking");
    expect(greens(h)).toEqual([10, 10]);
    expect(r.state?.bakeUnwatchedMs).toBe(50_000);
    expect(r.reason).toMatch(/Baking step 1 \(10% green\): 40s left \(50s added for unwatched time\)/);
    const cleared = h.state().events.find((e) => e.type === "hold-cleared")!;
    expect(cleared.evidence).toMatchObject({ gapMs: 50_000, gapCovered: false, bakeUnwatchedMs: 50_000 });
    expect(cleared.message).toMatch(/added to the bake/);
    // 60 s of watched time: bake start + 60 s + the 50 s gap.
    h.clock.t = bakeStart + 109_999;
    r = await h.advance();
    expect(greens(h)).toEqual([10, 10]);
    h.clock.t = bakeStart + 110_000;
    r = await h.advance();
    expect(greens(h)).toEqual([50, 50]);
    const done = h.state().events.find((e) => e.type === "bake-complete")!;
    expect(done.evidence?.bakeUnwatchedMs).toBe(50_000);
    // The next bake starts clean.
    expect(h.state().bakeUnwatchedMs).toBeUndefined();
  });

  it("a green EKS read gap is never covered by alarm history, even with history on", async () => {
    const h = harness(bakePlan(true));
    let down = false;
    eksUnreadable(h, () => down);
    await until(h, "baking");
    h.clock.advance(20_000);
    down = true;
    let r = await h.advance();
    expect(r.reason).toMatch(/cannot read green's EKS health/);
    h.clock.advance(50_000);
    down = false;
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(greens(h)).toEqual([10, 10]);
    expect(h.state().events.find((e) => e.type === "hold-cleared")?.evidence).toMatchObject({
      gapMs: 50_000,
      gapCovered: false,
    });
  });

  it("a gap where the alarms and EKS were both unreadable is not covered either", async () => {
    const h = harness(bakePlan(true));
    let down = false;
    eksUnreadable(h, () => down);
    await until(h, "baking");
    h.clock.advance(20_000);
    h.world.faults.alarmsUnreadable = true;
    await h.advance();
    h.clock.advance(20_000);
    down = true; // EKS fails too, part-way through the gap
    await h.advance();
    h.clock.advance(30_000);
    down = false;
    h.world.faults.alarmsUnreadable = false;
    const r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.bakeUnwatchedMs).toBe(50_000);
  });

  it("history that starts after the gap began (a resume) does not cover it", async () => {
    const h = harness(bakePlan(true, { rollback: { holdTimeout: "30s" } }));
    await until(h, "baking");
    h.clock.advance(10_000);
    h.world.faults.alarmsUnreadable = true;
    await h.advance();
    h.clock.advance(31_000);
    let r = await h.advance();
    expect(r.state?.pause?.code).toBe("hold-timeout");
    h.world.faults.alarmsUnreadable = false;
    r = await h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: false });
    // Alarm history now counts from the resume: the 31 s before it were not watched.
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.bakeUnwatchedMs).toBe(31_000);
    expect(greens(h)).toEqual([10, 10]);
  });

  for (const history of [false, true]) {
    it(`reads that succeed only after 20 s of retries are a gap as well (history ${history ? "on: covered" : "off: added"})`, async () => {
      const h = harness(bakePlan(history));
      const log = retryLog(h.clock.now);
      h.deps.retries = log;
      await until(h, "baking");
      const bakeStart = h.clock.t;
      // CloudWatch answers 500 for 20 s; the retry layer rides it out within one tick.
      const real = h.world.ports.alarms.describe;
      let storm = false;
      h.world.ports.alarms.describe = async (...args) => {
        if (storm) {
          log.note("cloudwatch:DescribeAlarms");
          h.clock.advance(20_000);
          storm = false;
        }
        return real(...args);
      };
      h.clock.advance(50_000);
      storm = true;
      const r = await h.advance(); // decided 70 s into the 60 s bake
      expect(h.clock.t - bakeStart).toBe(70_000);
      expect(r.verdict?.kind).toBe("pass");
      if (history) {
        expect(greens(h)).toEqual([50, 50]);
      } else {
        expect(r.state?.phase).toBe("baking");
        expect(greens(h)).toEqual([10, 10]);
        expect(r.state?.bakeUnwatchedMs).toBe(20_000);
        expect(r.reason).toMatch(/10s left \(20s added for unwatched time\)/);
      }
      // No hold was seen by any tick, so none is logged.
      expect(h.types()).not.toContain("hold-cleared");
    });
  }

  it("a readable INSUFFICIENT_DATA hold still counts as watched time (only unreadable time is a gap)", async () => {
    const h = harness(bakePlan(false));
    await until(h, "baking");
    h.world.setAlarm("errors", "INSUFFICIENT_DATA");
    h.clock.advance(30_000);
    await h.advance();
    h.world.setAlarm("errors", "OK");
    h.clock.advance(31_000);
    await h.advance();
    expect(h.state().bakeUnwatchedMs).toBeUndefined();
    expect(greens(h)).toEqual([50, 50]);
  });

  it("bake-complete is logged once while a closed change window holds the next step", async () => {
    // Open for the first minute only (the test clock starts Monday 10:00 UTC): step 1, then no window.
    const h = harness(
      testPlan({
        changeWindows: [{ days: ["mon", "sun"], start: "10:00", end: "10:01", timeZone: "UTC" }],
      }),
    );
    const r0 = await h.advance();
    expect(r0.state?.phase).toBe("baking");
    for (let i = 0; i < 5; i++) {
      h.clock.advance(60_000);
      const r = await h.advance();
      expect(r.state?.reason.code).toBe("change-window");
    }
    expect(h.types().filter((t) => t === "bake-complete")).toHaveLength(1);
    expect(greens(h)).toEqual([10, 10]);
  });
});

describe("L3: a lapsed approval", () => {
  const plan = () =>
    testPlan({
      steps: [
        { green: 10, bake: "1m" },
        { green: 100, approval: true, bake: "1m" },
      ],
      approvals: { expireAfter: "5m" },
    });

  it("is logged once as approval-expired by the tick that finds it lapsed, and opens nothing", async () => {
    const h = harness(plan());
    await until(h, "awaiting-approval");
    await h.input({ kind: "approve", by: "bob" });
    // A tick just before the lapse: the approval still counts, so use a fresh one for the lapse itself.
    h.clock.advance(4 * 60_000);
    expect(approvalLapsed(h.state().approvals[0]!, h.plan, h.clock.now())).toBe(false);
    h.clock.advance(60_000);
    expect(approvalLapsed(h.state().approvals[0]!, h.plan, h.clock.now())).toBe(true);
    let r = await h.advance();
    expect(r.state?.phase).toBe("awaiting-approval");
    expect(r.events.map((e) => e.type)).toEqual(["approval-expired"]);
    expect(r.events[0]!.message).toMatch(/step-2 by bob .*lapsed after approvals.expireAfter 5m/);
    expect(r.state?.approvals[0]?.expiredAt).toBe(h.clock.now().toISOString());
    for (let i = 0; i < 3; i++) {
      h.clock.advance(60_000);
      r = await h.advance();
      expect(r.events).toEqual([]);
    }
    expect(h.types().filter((t) => t === "approval-expired")).toHaveLength(1);
    expect(greens(h)).toEqual([10, 10]);
  });

  it("a used approval never lapses", async () => {
    const h = harness(plan());
    await until(h, "awaiting-approval");
    await h.input({ kind: "approve", by: "bob" });
    await h.advance();
    expect(greens(h)).toEqual([100, 100]);
    h.clock.advance(60 * 60_000);
    await h.advance();
    expect(h.types()).not.toContain("approval-expired");
  });
});

describe("L4: the change window closed before step 1", () => {
  const closed = {
    changeWindows: [{ days: ["sun" as const], start: "01:00", end: "02:00", timeZone: "UTC" }],
  };

  it("rests at pending (never at preflight), logs nothing while it waits, then starts when it opens", async () => {
    const h = harness(testPlan(closed));
    let r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("pending");
    expect(r.reason).toMatch(/Waiting for change window \(next opens 2026-03-08T01:00/);
    expect(h.types()).toEqual(["created"]);
    h.clock.advance(3_600_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("pending");
    expect(r.events).toEqual([]);
    // Preflight still runs while it waits: an alarm firing now refuses the tick.
    h.world.setAlarm("errors", "ALARM");
    await expect(h.advance()).rejects.toMatchObject({ code: "preflight-failed" });
    h.world.setAlarm("errors", "OK");
    h.clock.t = Date.parse("2026-03-08T01:00:00Z");
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(h.types()).toEqual(["created", "preflight-passed", "shift-started", "shift-submitted", "in-sync"]);
    expect(h.state().events.some((e) => e.to === "preflight" && e.type !== "preflight-passed")).toBe(false);
  });

  it("a gate before step 1 is still waited at first (awaiting-approval), then the window", async () => {
    const h = harness(
      testPlan({
        ...closed,
        steps: [
          { green: 10, approval: true, bake: "1m" },
          { green: 100, bake: "1m" },
        ],
      }),
    );
    let r = await h.advance();
    expect(r.state?.phase).toBe("awaiting-approval");
    await h.input({ kind: "approve", by: "alice" });
    r = await h.advance();
    expect(r.state?.phase).toBe("awaiting-approval");
    expect(r.state?.reason.code).toBe("change-window");
    h.clock.t = Date.parse("2026-03-08T01:00:00Z");
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
  });
});

describe("L8: retire mode keep never says blue was retired", () => {
  for (const blueRecords of ["keep", "delete"] as const) {
    it(`keep with blueRecords ${blueRecords}`, async () => {
      const h = harness(testPlan({ retire: { after: "5m", mode: "keep", approval: false, blueRecords } }));
      const r = await until(h, "completed");
      expect(h.world.blue).toEqual({ deleted: false, scaledToZero: false });
      const words = [r.reason, ...h.state().events.map((e) => e.message)].join("\n");
      expect(words).not.toMatch(/retired/i);
      expect(r.reason).toMatch(/blue (is kept|.*cluster is kept)/);
      if (blueRecords === "delete") {
        expect(r.reason).toBe(
          "Completed: green carries all traffic; blue's weighted records deleted, the blue cluster is kept as the plan says.",
        );
        expect(h.types()).toContain("blue-records-deleted");
      }
    });
  }

  it("keep with blueRecords delete behind an approval names what it will do, not 'retiring blue'", async () => {
    const h = harness(
      testPlan({ retire: { after: "5m", mode: "keep", approval: true, blueRecords: "delete" } }),
    );
    const r = await until(h, "waiting-to-retire");
    expect(r.reason).toMatch(/deleting blue's weighted records \(the blue cluster is kept\) needs approval/);
    expect(r.reason).not.toMatch(/retir(ed|ing) blue/);
  });

  it("scale-to-zero still says retired, with the mode", async () => {
    const h = harness(testPlan({ retire: { after: "5m", mode: "scale-to-zero", approval: false } }));
    const r = await until(h, "completed");
    expect(r.reason).toBe("Completed: green carries all traffic; blue retired (scale-to-zero).");
  });
});
