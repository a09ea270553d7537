import { describe, expect, it, vi } from "vitest";
import { testPlan } from "../support/fake-world.ts";
import { runTick, SimulatedCrash } from "../../src/runner/driver.ts";
import { harness } from "../engine/harness.ts";

describe("driver with the fake world", () => {
  it("runs a complete upgrade tick by tick", async () => {
    const h = harness();
    let r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.step).toBe(1);
    expect(h.world.weights().every((w) => w.green === 10 && w.blue === 90)).toBe(true);
    for (let i = 0; i < 200 && r.state?.phase !== "completed"; i++) {
      h.clock.advance(10_000);
      r = await h.advance();
      expect(r.exitCode).toBe(0);
    }
    expect(r.state?.phase).toBe("completed");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10", "apply 50", "apply 100"]);
    const seqs = h.state().events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe("the INSYNC wait happens without the lock", () => {
  it("a rollback from another shell during the wait wins; the waiting tick reports it and records nothing more", async () => {
    const h = harness();
    const wait = h.world.ports.traffic.waitInSync;
    let rollback: Promise<unknown> | undefined;
    h.world.ports.traffic.waitInSync = async (ids, options) => {
      // "Another shell": the first wait is where the operator strikes.
      rollback ??= h.input({ kind: "rollback", by: "alice", reason: "emergency" });
      if (ids.length === 1 && ids[0] === "C1") await rollback;
      return wait(ids, options);
    };
    const r = await h.advance();
    await expect(rollback).resolves.toMatchObject({ exitCode: 3, state: { phase: "rolled-back" } });
    expect(r.exitCode).toBe(3);
    expect(r.state?.phase).toBe("rolled-back");
    expect(r.meanwhile?.map((e) => e.type)).toContain("rollback-started");
    expect(r.reason).toMatch(/another command changed the upgrade: .*Manual rollback by alice: emergency/);
    expect(h.world.weights().every((w) => w.green === 0 && w.blue === 100)).toBe(true);
    expect(h.types()).not.toContain("in-sync");
    expect(h.store.lockInfo()).toBeUndefined();
  });

  it("a store that spells one version two ways (quoted ETags) is not mistaken for another writer", async () => {
    const h = harness();
    const inner = h.store;
    h.deps.store = {
      ...inner,
      read: async () => {
        const d = await inner.read();
        return d && { ...d, version: `"${d.version}"` };
      },
      write: (text, version) => inner.write(text, version?.replace(/"/g, "")),
    };
    const r = await h.advance();
    expect(r.meanwhile).toBeUndefined();
    expect(r.state?.phase).toBe("baking");
  });

  it("a re-lock refused after the wait ends the tick (exit 0); the next tick checks INSYNC and goes on", async () => {
    const h = harness();
    const wait = h.world.ports.traffic.waitInSync;
    h.world.ports.traffic.waitInSync = async (ids, options) => {
      h.world.ports.traffic.waitInSync = wait;
      await h.store.lock({ host: "ci", pid: 7, startedAt: "x", command: "status" }, 5_000);
      return wait(ids, options);
    };
    const r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("shifting");
    expect(r.reason).toMatch(/another command holds the lock/);
    h.clock.advance(6_000);
    expect((await h.advance()).state?.phase).toBe("baking");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10"]);
  });
});

describe("a run that loses its lock after Route 53 accepted a change (issue 17.2)", () => {
  /** While Route 53 applies step 1, a runner whose clock runs ahead takes the lock over. */
  function takenOverDuringApply(thenWrite: boolean) {
    const h = harness();
    const apply = h.world.ports.traffic.apply;
    h.world.ports.traffic.apply = async (readings, green) => {
      const out = await apply(readings, green);
      await h.store.forceUnlock();
      await h.store.lock({ host: "fast-clock", pid: 7, startedAt: "x", command: "advance" }, 300_000);
      if (thenWrite) h.store.setText(h.store.text()!); // it wrote the state first (a new version)
      return out;
    };
    return h;
  }

  it("still records the submission (conditional write), never action-failed; the tick ends at the refused re-lock", async () => {
    const h = takenOverDuringApply(false);
    const r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(h.types()).toContain("shift-submitted");
    expect(h.types()).not.toContain("action-failed");
    expect(h.state().change?.ids).toEqual(["C1"]);
    expect(h.store.lockInfo()?.host).toBe("fast-clock");
  });

  it("if that write loses too, the next tick's reconciliation says the change was applied (found by reading Route 53)", async () => {
    const h = takenOverDuringApply(true);
    await expect(h.advance()).rejects.toMatchObject({ exitCode: 5 });
    expect(h.types()).not.toContain("action-failed");
    await h.store.forceUnlock();
    const r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    const reconciled = h.state().events.find((e) => e.type === "reconciled");
    expect(reconciled?.message).toMatch(/applied \(found by reading Route 53\)/);
    expect(h.types()).not.toContain("action-failed");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10"]);
  });
});

describe("retirement keeps the lock", () => {
  it("renews the lease before the wait and while it lasts", async () => {
    const h = harness(
      testPlan({ retire: { after: "1m", mode: "delete", approval: true, blueRecords: "keep" } }),
    );
    let r = await h.advance();
    for (let i = 0; i < 100 && r.state?.phase !== "waiting-to-retire"; i++) {
      h.clock.advance(10_000);
      r = await h.advance();
    }
    expect(h.state().phase).toBe("waiting-to-retire");
    await h.input({ kind: "approve", by: "ops" });
    const leases: number[] = [];
    const del = h.world.ports.clusters.blue.deleteCluster;
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      h.world.ports.clusters.blue.deleteCluster = async (name, options) => {
        leases.push(Date.parse(h.store.lockInfo()!.leaseUntil));
        // EKS takes 25 minutes: far longer than one lease.
        for (let m = 0; m < 25; m++) {
          h.clock.advance(60_000);
          await vi.advanceTimersByTimeAsync(60_000);
        }
        leases.push(Date.parse(h.store.lockInfo()!.leaseUntil));
        return del(name, options);
      };
      r = await h.advance();
      expect(r.state?.phase).toBe("completed");
    } finally {
      vi.useRealTimers();
    }
    expect(leases[1]! - leases[0]!).toBeGreaterThanOrEqual(20 * 60_000);
    expect(leases[1]!).toBeGreaterThan(h.clock.t);
    expect(h.types()).not.toContain("lock-takeover");
  });
});

describe("operator commands and a held lock", () => {
  const other = { host: "ci", pid: 7, startedAt: "x", command: "advance" };

  it("approve asks again while a tick holds the lock, and gets it when the tick ends", async () => {
    const h = harness(testPlan({ steps: [{ green: 10, approval: true }, { green: 100 }] }));
    await h.advance();
    const held = await h.store.lock(other, 300_000);
    let polls = 0;
    const r = await runTick(
      {
        ...h.deps,
        lockWaitMs: 10_000,
        sleep: async (ms) => {
          h.clock.advance(ms);
          if (++polls === 3) await h.store.unlock(held);
        },
      },
      { kind: "approve", by: "erin" },
    );
    expect(r.exitCode).toBe(0);
    expect(h.types()).toContain("approved");
  });

  it("gives up with exit 5 after the bounded wait", async () => {
    const h = harness();
    await h.advance();
    await h.store.lock(other, 300_000);
    const started = h.clock.t;
    await expect(
      runTick(
        { ...h.deps, lockWaitMs: 10_000, sleep: async (ms) => h.clock.advance(ms) },
        { kind: "rollback", by: "erin" },
      ),
    ).rejects.toMatchObject({ exitCode: 5 });
    expect(h.clock.t - started).toBeGreaterThanOrEqual(10_000);
    expect(h.clock.t - started).toBeLessThan(11_000);
  });
});

describe("a lock the tick cannot release", () => {
  it("is reported through deps.warn, with why and until when the next command waits; the tick's result stands", async () => {
    const warnings: { code: string; text: string }[] = [];
    const h = harness(testPlan(), { warn: (code, text) => warnings.push({ code, text }) });
    expect((await h.advance()).state?.phase).toBe("baking");
    expect(warnings).toEqual([]);
    const inner = h.store;
    h.deps.store = {
      ...inner,
      unlock: async () => {
        throw new Error("S3 said 503 Slow Down");
      },
    };
    h.clock.advance(1_000);
    const r = await h.advance(); // a tick while baking: lock, observe, record, unlock
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("baking");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe("lock-unlock-failed");
    expect(warnings[0]!.text).toMatch(/S3 said 503 Slow Down/);
    expect(warnings[0]!.text).toMatch(/wait until the lease ends \(\d{4}-\d\d-\d\dT/);
  });

  it("warns nothing when the lock is released", async () => {
    const warnings: string[] = [];
    const h = harness(testPlan(), { warn: (code) => warnings.push(code) });
    await h.advance();
    expect(warnings).toEqual([]);
    expect(h.store.lockInfo()).toBeUndefined();
  });
});

describe("a stale lock taken over", () => {
  it("is logged once, by the transition of the tick that took it, with gap-free numbers", async () => {
    const h = harness();
    await h.advance();
    h.clock.advance(61_000);
    h.deps.crash = (point) => {
      if (point === "after-lock") throw new SimulatedCrash(point);
    };
    await expect(h.advance()).rejects.toBeInstanceOf(SimulatedCrash);
    h.deps.crash = () => {};
    h.clock.advance(10 * 60_000); // the killed tick's lease runs out
    const before = h.state().events.length;
    const r = await h.advance();
    expect(r.events[0]).toMatchObject({ seq: before + 1, type: "lock-takeover" });
    expect(r.events.map((e) => e.seq)).toEqual(r.events.map((_, i) => before + 1 + i));
    h.clock.advance(10_000);
    await h.advance();
    const log = h.state().events;
    expect(log.filter((e) => e.type === "lock-takeover")).toHaveLength(1);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  });
});
