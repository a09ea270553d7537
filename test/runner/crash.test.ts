/**
 * A crash at any boundary of a tick resumes without losing or repeating a step: the intent written
 * before every side effect and the reconciliation with Route 53 on the next load see to it.
 */
import { describe, expect, it } from "vitest";
import { CRASH_POINTS, type CrashPoint } from "../../src/runner/crash-points.ts";
import { SimulatedCrash } from "../../src/runner/driver.ts";
import { harness } from "../engine/harness.ts";
import { testPlan } from "../support/fake-world.ts";

const plan = () =>
  testPlan({ retire: { after: "2m", mode: "delete", approval: true, blueRecords: "delete" } });

async function upgradeWithCrash(point: CrashPoint, occurrence: number) {
  let seen = 0;
  let crashes = 0;
  const h = harness(plan(), {
    crash: (p) => {
      if (p === point && ++seen === occurrence) {
        crashes += 1;
        throw new SimulatedCrash(p);
      }
    },
  });
  let phase: string | undefined;
  for (let i = 0; i < 400 && phase !== "completed"; i++) {
    try {
      const r = await h.advance();
      phase = r.state?.phase;
      if (phase === "waiting-to-retire") await h.input({ kind: "approve", by: "ops" });
      h.clock.advance(10_000);
    } catch (error) {
      if (!(error instanceof SimulatedCrash) && !(error as Error).name.includes("Locked")) throw error;
      // The killed tick left its lock behind: wait for its lease to run out.
      h.clock.advance(60_000);
    }
  }
  return { h, phase, crashes };
}

describe("crash at every boundary", () => {
  for (const point of CRASH_POINTS) {
    for (const occurrence of [1, 2, 3]) {
      it(`${point} #${occurrence}`, async () => {
        const { h, phase, crashes } = await upgradeWithCrash(point, occurrence);
        expect(phase).toBe("completed");
        const applies = h.world.calls.filter((c) => c.startsWith("apply"));
        expect(applies).toEqual(["apply 10", "apply 50", "apply 100"]);
        expect(h.world.calls.filter((c) => c === "deleteBlue")).toHaveLength(1);
        const seq = h.state().events.map((e) => e.seq);
        expect(seq).toEqual(seq.map((_, i) => i + 1));
        const steps = h
          .state()
          .events.filter((e) => e.type === "shift-started")
          .map((e) => e.step);
        expect(steps).toEqual([1, 2, 3]);
        if (crashes > 0) expect(h.types()).toContain("lock-takeover");
      });
    }
  }
});

describe("a failed Route 53 call", () => {
  it("before the change: the next tick sends it again", async () => {
    const h = harness();
    h.world.faults.failApply = "before";
    await expect(h.advance()).rejects.toThrow(/InvalidChangeBatch/);
    expect(h.state().intent).toMatchObject({ action: "shift", green: 10 });
    const r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(h.types()).toContain("reconciled");
    expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  });

  it("after the change: the next tick finds it applied and does not send it again", async () => {
    const h = harness();
    h.world.faults.failApply = "after";
    await expect(h.advance()).rejects.toThrow(/socket hang up/);
    const r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10"]);
    expect(h.state().events.find((e) => e.type === "reconciled")?.message).toMatch(/had been applied/);
  });

  it("weights that match neither side of an interrupted shift are drift", async () => {
    const h = harness();
    h.world.faults.failApply = "before";
    await expect(h.advance()).rejects.toThrow();
    h.world.setWeights(60, 40);
    const r = await h.advance();
    expect(r.state?.phase).toBe("paused");
    expect(r.state?.pause?.code).toBe("drift");
  });
});

describe("INSYNC", () => {
  it("a change still PENDING after the wait keeps shifting; the bake starts only at INSYNC", async () => {
    const h = harness();
    h.world.faults.insyncDelayMs = 90_000;
    let r = await h.advance();
    expect(r.state?.phase).toBe("shifting");
    expect(r.reason).toMatch(/INSYNC/);
    expect(r.exitCode).toBe(0);
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(Date.parse(r.state!.bakeStartedAt!)).toBeGreaterThanOrEqual(
      Date.parse(r.state!.change!.submittedAt) + 90_000,
    );
  });
});
