/**
 * `run` is a loop of the same ticks `advance` performs: driven over the same world, both reach the same
 * final phase, the same weights and the same sequence of transitions (timestamps and polls aside).
 */
import { describe, expect, it } from "vitest";
import { runLoop } from "../../src/runner/run-loop.ts";
import type { EventRecord } from "../../src/engine/state.ts";
import type { CompiledPlan } from "../../src/plan/compile.ts";
import { harness } from "../engine/harness.ts";
import { testPlan } from "../support/fake-world.ts";

const POLLS = new Set(["hold", "hold-cleared", "lock-takeover"]);
const shape = (events: EventRecord[]) =>
  events.filter((e) => !POLLS.has(e.type)).map((e) => `${e.type} ${e.from ?? ""}>${e.to ?? ""} @${e.step}`);

/** Fires an alarm once green reaches `at`% (INSYNC), if given. */
function scenario(plan: CompiledPlan, alarmAt?: number) {
  const h = harness(plan);
  h.deps.onEvent = (e) => {
    if (alarmAt !== undefined && e.type === "in-sync" && h.world.weights()[0]!.green === alarmAt) {
      h.world.setAlarm("errors", "ALARM");
    }
  };
  return h;
}

async function viaRun(plan: CompiledPlan, alarmAt?: number) {
  const h = scenario(plan, alarmAt);
  const result = await runLoop({ ...h.deps, sleep: h.clock.sleep });
  return { h, final: result.last };
}

async function viaAdvance(plan: CompiledPlan, alarmAt?: number) {
  const h = scenario(plan, alarmAt);
  let r = await h.advance();
  for (let i = 0; i < 1000 && !["completed", "rolled-back", "paused"].includes(r.state!.phase); i++) {
    h.clock.advance(7_000); // a cron period unrelated to the plan's poll interval
    r = await h.advance();
  }
  return { h, final: r };
}

describe("run and a series of advance ticks agree", () => {
  for (const [name, plan, alarmAt] of [
    ["a complete upgrade", testPlan(), undefined],
    ["a rollback at 50%", testPlan(), 50],
    [
      "retire with scale-to-zero",
      testPlan({ retire: { after: "3m", mode: "scale-to-zero", approval: false } }),
      undefined,
    ],
  ] as const) {
    it(name, async () => {
      const a = await viaRun(plan, alarmAt);
      const b = await viaAdvance(plan, alarmAt);
      expect(a.final.state?.phase).toBe(b.final.state?.phase);
      expect(a.final.exitCode).toBe(b.final.exitCode);
      expect(a.h.world.weights()).toEqual(b.h.world.weights());
      expect(shape(a.h.state().events)).toEqual(shape(b.h.state().events));
      expect(a.h.world.calls.filter((c) => !c.startsWith("wait"))).toEqual(
        b.h.world.calls.filter((c) => !c.startsWith("wait")),
      );
    });
  }

  it("the loop sleeps no longer than the poll interval and wakes when a bake ends", async () => {
    const h = harness(testPlan());
    const sleeps: number[] = [];
    await runLoop({
      ...h.deps,
      sleep: async (ms) => {
        sleeps.push(ms);
        await h.clock.sleep(ms);
      },
    });
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(h.plan.pollIntervalMs);
    expect(h.state().phase).toBe("completed");
  });
});
