/** The `run` loop: locks one tick at a time, waits at gates for another shell, stops cleanly. */
import { describe, expect, it } from "vitest";
import { runLoop } from "../../src/runner/run-loop.ts";
import { harness } from "../engine/harness.ts";
import { testPlan } from "../support/fake-world.ts";

const gated = () =>
  testPlan({
    steps: [
      { green: 10, bake: "30s" },
      { green: 100, bake: "30s", approval: true },
    ],
  });

describe("run loop", () => {
  it("waits at a gate until another shell approves, then completes", async () => {
    const h = harness(gated());
    let sleeps = 0;
    const result = await runLoop({
      ...h.deps,
      sleep: async (ms) => {
        sleeps += 1;
        await h.clock.sleep(ms);
        // "Another shell": while run sleeps, the lock is free, so approve gets it.
        if (h.state().phase === "awaiting-approval" && sleeps > 8)
          await h.input({ kind: "approve", by: "erin" });
      },
    });
    expect(result.last.state?.phase).toBe("completed");
    expect(h.types()).toContain("approved");
  });

  it("looks again when another command holds the lock for a moment", async () => {
    const h = harness();
    let retries = 0;
    let blocked = false;
    const result = await runLoop({
      ...h.deps,
      onRetry: () => (retries += 1),
      sleep: async (ms) => {
        await h.clock.sleep(ms);
        if (!blocked) {
          blocked = true;
          await h.store.lock({ host: "other", pid: 2, startedAt: "x", command: "approve" }, 5_000);
        }
      },
    });
    expect(retries).toBeGreaterThan(0);
    expect(result.last.state?.phase).toBe("completed");
  });

  it("stops at a pause with exit 4 and when the signal aborts, leaving the state consistent", async () => {
    const h = harness(testPlan({ rollback: { automatic: false } }));
    const paused = await runLoop({
      ...h.deps,
      sleep: async (ms) => {
        await h.clock.sleep(ms);
        if (h.state().step === 2) h.world.setAlarm("errors", "ALARM");
      },
    });
    expect(paused.last.state?.phase).toBe("paused");
    expect(paused.last.exitCode).toBe(4);

    const h2 = harness();
    const abort = new AbortController();
    const stopped = await runLoop({
      ...h2.deps,
      signal: abort.signal,
      sleep: async (ms) => {
        await h2.clock.sleep(ms);
        if (h2.state().step === 2) abort.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(h2.store.lockInfo()).toBeUndefined();
    expect(h2.state().intent).toBeUndefined();
    // A later run continues where it stopped.
    const rest = await runLoop({ ...h2.deps, sleep: h2.clock.sleep });
    expect(rest.last.state?.phase).toBe("completed");
    expect(h2.world.calls.filter((c) => c.startsWith("apply"))).toEqual([
      "apply 10",
      "apply 50",
      "apply 100",
    ]);
  });
});

describe("more rules", () => {
  it("an approval given ahead of its gate opens it when the bake ends", async () => {
    const h = harness(gated());
    await h.advance();
    const r = await h.input({ kind: "approve", by: "frank" });
    expect(r.state?.approvals[0]?.gate).toBe("step-2");
    h.clock.advance(31_000);
    expect((await h.advance()).state?.step).toBe(2);
    expect(h.state().approvals[0]?.usedAt).toBeDefined();
  });

  it("resume after a hold-timeout pause goes back to baking and counts alarm history afresh", async () => {
    const h = harness();
    await h.advance();
    h.world.setAlarm("errors", "INSUFFICIENT_DATA");
    await h.advance();
    h.clock.advance(5 * 60_000 + 1);
    expect((await h.advance()).state?.phase).toBe("paused");
    h.world.setAlarm("errors", "OK");
    const r = await h.input({ kind: "resume", by: "gina", adopt: false, acceptPlanChange: false });
    expect(r.state?.phase).toBe("baking");
    expect(h.types()).toContain("resumed");
    expect(r.state?.alarmsSince).toBe(h.clock.now().toISOString());
  });

  it("before the first shift, changed weights are not drift: step 1 sets them", async () => {
    const h = harness(testPlan({ steps: [{ green: 10, approval: true }, { green: 100 }] }));
    await h.advance();
    h.world.setWeights(100, 1, "www.example.com.");
    let r = await h.advance();
    expect(r.state?.phase).toBe("awaiting-approval");
    await h.input({ kind: "approve", by: "x" });
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  });

  it("--adopt is refused when nothing drifted", async () => {
    const h = harness();
    await h.advance();
    await expect(
      h.input({ kind: "resume", by: "x", adopt: true, acceptPlanChange: false }),
    ).rejects.toMatchObject({
      code: "nothing-to-adopt",
      exitCode: 2,
    });
  });
});
