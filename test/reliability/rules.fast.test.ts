/**
 * The engine rules the reliability suite needed, tested pure and through the driver on the in-memory
 * world: a shift cut short between two Route 53 requests is finished (only the rest is sent), and a
 * writer that keeps putting its weights back is a fight over the records (adopting stops).
 */
import type { EventType } from "../../src/engine/vocabulary.ts";
import { describe, expect, it } from "vitest";
import { SimulatedCrash, RefusedError } from "../../src/runner/driver.ts";
import { cutShortShift, DRIFT_FIGHT_WINDOW_MS, recentDrift } from "../../src/engine/interruptions.ts";
import type { EventRecord, PairWeights } from "../../src/engine/state.ts";
import { harness } from "../engine/harness.ts";

const pw = (name: string, percent: number): PairWeights => ({
  name,
  blue: 100 - percent,
  green: percent,
  percent,
});

describe("cutShortShift", () => {
  it("some pairs at the target and the rest where they were: the rest is to send", () => {
    const w = [pw("a", 50), pw("b", 10), pw("c", 50)];
    expect(cutShortShift(w, 50, 10)).toEqual({ done: [w[0], w[2]], todo: [w[1]] });
  });
  it("all there, none there, or a pair elsewhere: not a cut-short shift", () => {
    expect(cutShortShift([pw("a", 50), pw("b", 50)], 50, 10)).toBeUndefined();
    expect(cutShortShift([pw("a", 10), pw("b", 10)], 50, 10)).toBeUndefined();
    expect(cutShortShift([pw("a", 50), pw("b", 30)], 50, 10)).toBeUndefined();
    expect(
      cutShortShift([pw("a", 50), { name: "b", blue: 0, green: 0, percent: null }], 50, 10),
    ).toBeUndefined();
  });
});

describe("recentDrift", () => {
  const at = (ms: number) => new Date(Date.parse("2026-03-02T10:00:00Z") + ms);
  const ev = (seq: number, type: EventType, ms: number): EventRecord => ({
    seq,
    type,
    at: at(ms).toISOString(),
    message: type,
  });
  it("finds a drift inside the window and none outside it", () => {
    const log = [ev(1, "created", 0), ev(2, "drift", 1000), ev(3, "adopted", 2000)];
    expect(recentDrift(log, at(5000))?.seq).toBe(2);
    expect(recentDrift(log, at(1000 + DRIFT_FIGHT_WINDOW_MS + 1))).toBeUndefined();
    expect(recentDrift([ev(1, "created", 0)], at(10))).toBeUndefined();
  });
});

describe("through the driver", () => {
  it("a shift cut short between requests is finished by sending only the pairs not yet moved", async () => {
    const h = harness();
    await h.advance(); // step 1: 10%
    h.clock.advance(61_000);
    const applied: number[] = [];
    const apply = h.deps.ports.traffic.apply;
    h.deps.ports.traffic.apply = async (readings, green, options) => {
      applied.push(readings.length);
      return apply(readings, green, options);
    };
    h.deps.crash = (point) => {
      if (point === "after-intent") throw new SimulatedCrash(point);
    };
    await expect(h.advance()).rejects.toBeInstanceOf(SimulatedCrash);
    // One of the two pairs' requests reached Route 53 before the kill.
    h.world.setWeights(50, 50, "api.example.com.");
    h.deps.crash = () => {};
    await h.store.forceUnlock();
    const r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.step).toBe(2);
    expect(h.world.weights().map((w) => w.green)).toEqual([50, 50]);
    expect(applied).toEqual([1]);
    expect(h.types()).toContain("reconciled");
  });

  it("a second drift soon after the first is a fight: adopting is refused until the window passes", async () => {
    const h = harness();
    await h.advance();
    h.world.setWeights(100, 0);
    let r = await h.advance();
    expect(r.state?.pause?.code).toBe("drift");
    r = await h.input({ kind: "resume", by: "op", adopt: true, acceptPlanChange: false });
    expect(r.state?.phase).not.toBe("paused");
    h.clock.advance(61_000);
    await h.advance();
    h.world.setWeights(100, 0);
    r = await h.advance();
    expect(r.state?.pause?.code).toBe("drift-fight");
    expect(r.reason).toMatch(/Something keeps rewriting the records/);
    const writes = h.world.calls.filter((c) => c.startsWith("apply")).length;
    const refused = await h
      .input({ kind: "resume", by: "op", adopt: true, acceptPlanChange: false })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedError);
    expect((refused as RefusedError).code).toBe("drift-fight");
    expect((refused as RefusedError).exitCode).toBe(4);
    expect(h.world.calls.filter((c) => c.startsWith("apply")).length).toBe(writes);
    h.clock.advance(DRIFT_FIGHT_WINDOW_MS + 1);
    r = await h.input({ kind: "resume", by: "op", adopt: true, acceptPlanChange: false });
    expect(r.state?.phase).not.toBe("paused");
  });

  it("a tick that shifts reaches every documented boundary of a shift, after-submitted included", async () => {
    const seen: string[] = [];
    const h = harness(undefined, { crash: (point) => void seen.push(point) });
    await h.advance();
    expect(seen).toEqual([
      "after-lock",
      "after-intent",
      "after-apply",
      "after-submitted",
      "after-insync",
      "after-write",
      "before-unlock",
    ]);
  });

  it("a lock taken over is logged before the events of the tick that took it, numbers gap-free", async () => {
    const h = harness();
    await h.advance();
    h.clock.advance(61_000);
    h.deps.crash = (point) => {
      if (point === "after-lock") throw new SimulatedCrash(point);
    };
    await expect(h.advance()).rejects.toBeInstanceOf(SimulatedCrash);
    h.deps.crash = () => {};
    h.clock.advance(10 * 60_000); // the killed tick's lease runs out
    const r = await h.advance();
    expect(r.events[0]?.type).toBe("lock-takeover");
    const log = h.state().events;
    const takeover = log.findIndex((e) => e.type === "lock-takeover");
    expect(log.slice(takeover + 1).map((e) => e.type)).toContain("shift-started");
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => takeover + 1 + i));
  });
});
