/**
 * rollback.mode gradual: back down through the plan's steps with a bake of rollback.stepBake at each,
 * so a blue that autoscaled down is not flooded at once; a critical alarm (alarms.critical) goes back
 * at once, also in the middle of a gradual rollback. Immediate (the default) is unchanged.
 */
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/errors.ts";
import { testPlan } from "../support/fake-world.ts";
import { harness, type Harness } from "./harness.ts";

const greens = (h: Harness) => h.world.weights().map((w) => w.green);

function gradualPlan(critical: string[] = []) {
  return testPlan({
    steps: [
      { green: 10, bake: "60s" },
      { green: 50, bake: "60s" },
      { green: 100, bake: "60s" },
    ],
    alarms: { names: ["errors", "latency"], pollInterval: "10s", critical },
    rollback: { holdTimeout: "5m", mode: "gradual", stepBake: "30s" },
  });
}

/** Step 1, then step 2 (50% green). */
async function atStep2(h: Harness) {
  await h.advance();
  h.clock.advance(61_000);
  await h.advance();
  expect(greens(h)).toEqual([50, 50]);
}

describe("gradual rollback", () => {
  it("walks back 50 → 10 → 0 with a bake of stepBake at each step (exit 3 throughout)", async () => {
    const h = harness(gradualPlan());
    await atStep2(h);
    h.world.setAlarm("latency", "ALARM");
    h.clock.advance(5_000);
    let r = await h.advance();
    expect(r.exitCode).toBe(ExitCode.RolledBack);
    expect(r.state?.phase).toBe("rolling-back");
    expect(greens(h)).toEqual([10, 10]);
    h.clock.advance(10_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("rolling-back");
    expect(greens(h)).toEqual([10, 10]);
    expect(r.state?.reason).toMatchObject({ code: "rollback-step", green: 10 });
    expect(r.reason).toMatch(/10% green, 20s until the next step down/);
    h.clock.advance(21_000);
    r = await h.advance();
    expect(r.exitCode).toBe(ExitCode.RolledBack);
    expect(r.state?.phase).toBe("rolled-back");
    expect(r.state?.step).toBe(0);
    expect(greens(h)).toEqual([0, 0]);
    expect(h.types().filter((t) => t.startsWith("rollback"))).toEqual([
      "rollback-started",
      "rollback-step",
      "rollback-step-started",
    ]);
    expect(h.types().at(-1)).toBe("rolled-back");
  });

  it("a critical alarm goes back at once, also in the middle of a gradual rollback", async () => {
    let h = harness(gradualPlan(["errors"]));
    await atStep2(h);
    h.world.setAlarm("errors", "ALARM");
    h.clock.advance(5_000);
    let r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
    expect(greens(h)).toEqual([0, 0]);
    expect(h.state().events.find((e) => e.type === "rollback-started")?.evidence?.criticalAlarms).toEqual([
      "errors",
    ]);

    h = harness(gradualPlan(["errors"]));
    await atStep2(h);
    h.world.setAlarm("latency", "ALARM"); // not critical: one step down
    h.clock.advance(5_000);
    await h.advance();
    expect(greens(h)).toEqual([10, 10]);
    h.world.setAlarm("errors", "ALARM"); // critical, mid-rollback: the rest at once
    h.clock.advance(5_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
    expect(greens(h)).toEqual([0, 0]);
  });

  it("immediate (the default) goes straight to 0", async () => {
    const h = harness(testPlan());
    await atStep2(h);
    h.world.setAlarm("latency", "ALARM");
    h.clock.advance(5_000);
    const r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
    expect(greens(h)).toEqual([0, 0]);
    expect(h.types()).not.toContain("rollback-step");
  });
});
