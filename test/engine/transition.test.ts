/** The transition itself: pure (no I/O, no clock, input untouched), actions as plain data. */
import { describe, expect, it } from "vitest";
import { observe } from "../../src/runner/observe.ts";
import { newState } from "../../src/engine/state.ts";
import { transition } from "../../src/engine/transition.ts";
import { fakeWorld, testPlan } from "../support/fake-world.ts";

describe("transition", () => {
  it("is pure: same inputs, same result; the input state is not mutated; nothing is performed", async () => {
    const plan = testPlan();
    const world = fakeWorld(plan);
    const obs = await observe(world.ports, plan, {});
    const state = newState(plan, world.clock.now());
    const frozen = structuredClone(state);
    const now = new Date("2026-03-02T10:00:00Z");
    const a = transition(state, obs, plan, now);
    const b = transition(state, obs, plan, now);
    expect(a).toEqual(b);
    expect(state).toEqual(frozen);
    expect(world.calls).toEqual([]);
    expect(a.actions).toEqual([{ type: "shift", green: 10, step: 1 }]);
    expect(a.state.intent).toEqual({ action: "shift", green: 10, step: 1, at: now.toISOString() });
    expect(a.state.phase).toBe("shifting");
  });

  it("feeds outcomes back in: submitted → wait for INSYNC → baking with the bake start", async () => {
    const plan = testPlan();
    const world = fakeWorld(plan);
    const obs = await observe(world.ports, plan, {});
    const t0 = new Date("2026-03-02T10:00:00Z");
    const first = transition(newState(plan, t0), obs, plan, t0);
    const submitted = transition(first.state, obs, plan, t0, {
      kind: "submitted",
      changes: [{ zoneId: "Z1", changeId: "C1", submittedAt: t0.toISOString(), pairs: 2 }],
    });
    expect(submitted.actions).toEqual([{ type: "wait-insync", changeIds: ["C1"] }]);
    expect(submitted.state).toMatchObject({ writtenGreen: 10, step: 1, alarmsSince: t0.toISOString() });
    expect(submitted.state.intent).toBeUndefined();
    const t1 = new Date(t0.getTime() + 40_000);
    const baking = transition(submitted.state, obs, plan, t1, { kind: "in-sync" });
    expect(baking.state.phase).toBe("baking");
    expect(baking.state.bakeStartedAt).toBe(t1.toISOString());
    // Before the bake ends: waiting, exit 0, no action (the world now shows the written weights).
    world.setWeights(90, 10);
    const later = await observe(world.ports, plan, {});
    const mid = transition(baking.state, later, plan, new Date(t1.getTime() + 30_000));
    expect(mid.actions).toEqual([]);
    expect(mid.exitCode).toBe(0);
    expect(mid.reason).toMatch(/30s left/);
    // After it: the next step.
    const next = transition(baking.state, later, plan, new Date(t1.getTime() + 60_000));
    expect(next.actions).toEqual([{ type: "shift", green: 50, step: 2 }]);
  });

  it("logs a lock takeover that comes with the input once, first, numbered before the input's own events", async () => {
    const plan = testPlan();
    const world = fakeWorld(plan);
    const obs = await observe(world.ports, plan, {});
    const t0 = new Date("2026-03-02T10:00:00Z");
    const takeover = { host: "old-host", pid: 41, command: "run", leaseUntil: "2026-03-02T09:59:00.000Z" };
    const plain = transition(newState(plan, t0), obs, plan, t0, { kind: "tick" });
    const r = transition(newState(plan, t0), obs, plan, t0, { kind: "tick", takeover });
    expect(r.events[0]).toMatchObject({
      seq: 1,
      type: "lock-takeover",
      message:
        "Took over a stale lock held by run (pid 41 on old-host, lease until 2026-03-02T09:59:00.000Z).",
      evidence: { tookOverFrom: "old-host:41" },
    });
    expect(r.events.filter((e) => e.type === "lock-takeover")).toHaveLength(1);
    // The input's own events follow, unchanged but one later; the log stays gap-free.
    expect(r.events.slice(1)).toEqual(plain.events.map((e) => ({ ...e, seq: e.seq + 1 })));
    expect(r.state.events.map((e) => e.seq)).toEqual(r.state.events.map((_, i) => i + 1));
    expect(r.actions).toEqual(plain.actions);
  });
});
