/** The rules of the upgrade, scenario by scenario, through the driver and the fake world (injected clock). */
import { describe, expect, it } from "vitest";
import { RefusedError } from "../../src/runner/driver.ts";
import { ExitCode, LockedError, ToolError } from "../../src/errors.ts";
import { harness, type Harness } from "./harness.ts";
import { testPlan } from "../support/fake-world.ts";

async function until(h: Harness, phase: string, stepMs = 10_000, max = 300) {
  let r = await h.advance();
  for (let i = 0; i < max && r.state?.phase !== phase; i++) {
    h.clock.advance(stepMs);
    r = await h.advance();
  }
  expect(r.state?.phase).toBe(phase);
  return r;
}

async function refused(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error("expected a refusal");
}

const greens = (h: Harness) => h.world.weights().map((w) => w.green);

describe("first tick", () => {
  it("creates the state, passes preflight and performs step 1 in the same tick", async () => {
    const h = harness();
    const r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(h.types()).toEqual(["created", "preflight-passed", "shift-started", "shift-submitted", "in-sync"]);
    expect(greens(h)).toEqual([10, 10]);
  });

  it("changes nothing when an alarm already fires: exit 4 with the reasons, no state", async () => {
    const h = harness();
    h.world.setAlarm("errors", "ALARM");
    const e = await refused(h.advance());
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/errors.*ALARM/);
    expect(h.store.text()).toBeUndefined();
    expect(h.world.calls).toEqual([]);
  });

  it("changes nothing when green is unhealthy or an alarm is missing", async () => {
    const h = harness();
    h.world.alarms.delete("latency");
    h.world.green.status = "UPDATING";
    const e = await refused(h.advance());
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/latency/);
    expect(e.message).toMatch(/UPDATING/);
    expect(h.world.calls).toEqual([]);
  });

  it("stops at an approval gate before step 1 (exit 4), then shifts after approve", async () => {
    const plan = testPlan({
      steps: [
        { green: 20, approval: true, bake: "1m" },
        { green: 100, bake: "1m" },
      ],
    });
    const h = harness(plan);
    let r = await h.advance();
    expect(r.exitCode).toBe(ExitCode.NeedsPerson);
    expect(r.state?.phase).toBe("awaiting-approval");
    expect(r.state?.reason).toMatchObject({ code: "awaiting-approval", gate: "step-1" });
    expect(r.reason).toMatch(/approve/);
    expect(h.world.calls).toEqual([]);
    r = await h.input({ kind: "approve", by: "alice" });
    expect(r.exitCode).toBe(0);
    expect(r.state?.approvals[0]).toMatchObject({ by: "alice", gate: "step-1" });
    r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(greens(h)).toEqual([20, 20]);
    expect(h.state().events.find((e) => e.type === "approved")?.evidence?.approvedBy).toBe("alice");
  });
});

describe("approvals", () => {
  it("lapse after approvals.expireAfter", async () => {
    const plan = testPlan({
      steps: [
        { green: 10, bake: "1m" },
        { green: 100, approval: true, bake: "1m" },
      ],
      approvals: { expireAfter: "5m" },
    });
    const h = harness(plan);
    await until(h, "awaiting-approval");
    await h.input({ kind: "approve", by: "bob" });
    h.clock.advance(6 * 60_000);
    const r = await h.advance();
    expect(r.state?.phase).toBe("awaiting-approval");
    expect(r.exitCode).toBe(4);
    await h.input({ kind: "approve", by: "bob" });
    expect((await h.advance()).state?.phase).toBe("baking");
  });

  it("refuses approve when nothing awaits one (exit 2) and without an upgrade", async () => {
    const h = harness();
    expect((await refused(h.input({ kind: "approve", by: "x" }))).code).toBe("no-upgrade");
    await h.advance();
    const e = await refused(h.input({ kind: "approve", by: "x" }));
    expect(e.code).toBe("nothing-to-approve");
    expect(e.exitCode).toBe(2);
  });
});

describe("verdicts", () => {
  it("rolls back when an alarm fires during a bake (exit 3), pre-empting everything", async () => {
    const h = harness();
    await until(h, "baking");
    h.clock.advance(61_000);
    await h.advance(); // step 2
    expect(greens(h)).toEqual([50, 50]);
    h.world.setAlarm("latency", "ALARM");
    h.clock.advance(10_000);
    const r = await h.advance();
    expect(r.exitCode).toBe(ExitCode.RolledBack);
    expect(r.state?.phase).toBe("rolled-back");
    expect(greens(h)).toEqual([0, 0]);
    expect(h.world.weights().every((w) => w.blue === 100)).toBe(true);
    const ev = h.state().events.find((e) => e.type === "rollback-started")!;
    expect(ev.message).toMatch(/latency is in ALARM/);
    expect(ev.evidence?.alarms).toContainEqual({ name: "latency", state: "ALARM" });
    // Later ticks stay rolled back and change nothing.
    const calls = h.world.calls.length;
    expect((await h.advance()).exitCode).toBe(3);
    expect(h.world.calls.length).toBe(calls);
  });

  it("counts an ALARM that came and went between two polls", async () => {
    const h = harness();
    await until(h, "baking");
    h.clock.advance(5_000);
    h.world.setAlarm("errors", "ALARM");
    h.clock.advance(1_000);
    h.world.setAlarm("errors", "OK");
    h.clock.advance(5_000);
    const r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
  });

  it("pauses instead of rolling back when rollback.automatic is false", async () => {
    const h = harness(testPlan({ rollback: { automatic: false } }));
    await until(h, "baking");
    h.world.setAlarm("errors", "ALARM");
    const r = await h.advance();
    expect(r.state?.phase).toBe("paused");
    expect(r.exitCode).toBe(4);
    expect(greens(h)).toEqual([10, 10]);
  });

  it("holds on INSUFFICIENT_DATA, then applies onHoldTimeout (pause by default)", async () => {
    const h = harness();
    await until(h, "baking");
    h.world.setAlarm("errors", "INSUFFICIENT_DATA");
    h.clock.advance(120_000);
    let r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.reason).toMatchObject({ code: "holding", verdict: "inconclusive" });
    h.clock.advance(5 * 60_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("paused");
    expect(r.state?.pause?.code).toBe("hold-timeout");
    expect(greens(h)).toEqual([10, 10]);
  });

  it("rolls back at the hold timeout when the plan says so", async () => {
    const h = harness(testPlan({ rollback: { holdTimeout: "2m", onHoldTimeout: "rollback" } }));
    await until(h, "baking");
    h.world.faults.alarmsUnreadable = true;
    let r = await h.advance();
    expect(r.reason).toMatch(/Holding \(error\).*CloudWatch/);
    h.clock.advance(121_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
  });

  it("an unreadable part holds without moving, then the upgrade continues", async () => {
    const h = harness();
    await until(h, "baking");
    h.world.faults.alarmsUnreadable = true;
    h.clock.advance(120_000);
    await h.advance();
    expect(greens(h)).toEqual([10, 10]);
    h.world.faults.alarmsUnreadable = false;
    await h.advance();
    expect(greens(h)).toEqual([50, 50]);
    expect(h.types()).toContain("hold-cleared");
  });

  it("rolls back when green becomes unhealthy (checked before every step)", async () => {
    const h = harness();
    await until(h, "baking");
    h.world.green.addons[0]!.status = "DEGRADED";
    h.clock.advance(61_000);
    const r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10", "apply 0"]);
  });
});

describe("drift", () => {
  it("pauses with expected against live, never overwrites, and continues only by adopt or rollback", async () => {
    const h = harness();
    await until(h, "baking");
    h.world.setWeights(70, 30, "www.example.com.");
    let r = await h.advance();
    expect(r.state?.phase).toBe("paused");
    expect(r.exitCode).toBe(4);
    expect(r.reason).toMatch(/Expected 10% green/);
    expect(r.reason).toMatch(/www.example.com. A: blue 70 \/ green 30/);
    h.clock.advance(120_000);
    r = await h.advance();
    expect(r.state?.phase).toBe("paused");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10"]);
    const e = await refused(h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: false }));
    expect(e.code).toBe("drift");
    expect(e.exitCode).toBe(4);
    // Pairs disagree: adopting is refused too.
    expect(
      (await refused(h.input({ kind: "resume", by: "op", adopt: true, acceptPlanChange: false }))).code,
    ).toBe("cannot-adopt");
    h.world.setWeights(70, 30);
    r = await h.input({ kind: "resume", by: "op", adopt: true, acceptPlanChange: false });
    expect(r.state?.writtenGreen).toBe(30);
    expect(r.state?.step).toBe(1);
    expect(r.state?.phase).toBe("baking");
    h.clock.advance(61_000);
    await h.advance();
    expect(greens(h)).toEqual([50, 50]);
  });

  it("plain resume is accepted once the live weights equal the expected ones again (the pause was not real)", async () => {
    const h = harness();
    await until(h, "baking");
    // What an endpoint answering an empty listing looked like before the fix: every record "missing".
    h.world.setWeights(70, 30, "www.example.com.");
    let r = await h.advance();
    expect(r.state?.pause?.code).toBe("drift");
    // Still off: plain resume is refused as before.
    expect(
      (await refused(h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: false }))).code,
    ).toBe("drift");
    h.world.setWeights(90, 10, "www.example.com.");
    r = await h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: false });
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.pause).toBeUndefined();
    expect(r.state?.writtenGreen).toBe(10);
    const resumed = h.state().events.filter((e) => e.type === "resumed");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({
      from: "paused",
      to: "baking",
      evidence: { approvedBy: "op", expectedGreen: 10 },
    });
    // Nothing was written to Route 53 by the resume itself.
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10"]);
  });

  it("rollback works from a drift pause", async () => {
    const h = harness();
    await until(h, "baking");
    h.world.setWeights(0, 100);
    await h.advance();
    const r = await h.input({ kind: "rollback", by: "op", reason: "manual" });
    expect(r.state?.phase).toBe("rolled-back");
    expect(greens(h)).toEqual([0, 0]);
  });
});

describe("a changed plan", () => {
  it("is refused mid-upgrade until resume --accept-plan-change", async () => {
    const h = harness();
    await until(h, "baking");
    h.deps.plan = testPlan({ alarms: { names: ["errors"], pollInterval: "10s" } });
    const e = await refused(h.advance());
    expect(e.code).toBe("plan-changed");
    expect(e.exitCode).toBe(4);
    expect(
      (await refused(h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: false }))).code,
    ).toBe("plan-changed");
    const r = await h.input({ kind: "resume", by: "op", adopt: false, acceptPlanChange: true });
    expect(r.state?.plan.hash).toBe(h.deps.plan.hash);
    expect(h.types()).toContain("plan-change-accepted");
  });
});

describe("change windows", () => {
  const closed = {
    changeWindows: [{ days: ["sun" as const], start: "01:00", end: "02:00", timeZone: "UTC" }],
  };

  it("outside a window no forward shift happens (exit 0), and rollback is never held back", async () => {
    const h = harness(testPlan({ ...closed }));
    let r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(r.reason).toMatch(/Waiting for change window \(next opens 2026-03-08T01:00/);
    expect(h.world.calls).toEqual([]);
    // Sunday 01:00 UTC: the window opens.
    h.clock.t = Date.parse("2026-03-08T01:00:00Z");
    r = await h.advance();
    expect(greens(h)).toEqual([10, 10]);
    h.clock.t = Date.parse("2026-03-08T03:00:00Z");
    r = await h.advance();
    expect(r.state?.reason.code).toBe("change-window");
    expect(greens(h)).toEqual([10, 10]);
    h.world.setAlarm("errors", "ALARM");
    r = await h.advance();
    expect(r.state?.phase).toBe("rolled-back");
  });
});

describe("retire", () => {
  it("delete always needs an approval, then deletes blue and its records", async () => {
    const h = harness(
      testPlan({ retire: { after: "5m", mode: "delete", approval: false, blueRecords: "delete" } }),
    );
    let r = await until(h, "waiting-to-retire");
    expect(r.exitCode).toBe(4);
    expect(h.world.blue.deleted).toBe(false);
    await h.input({ kind: "approve", by: "carol" });
    r = await h.advance();
    expect(r.state?.phase).toBe("completed");
    expect(h.world.calls.slice(-2)).toEqual(["deleteCluster blue", "deleteBlue"]);
    expect(h.world.weights().every((w) => w.blue === undefined && w.green === 100)).toBe(true);
  });

  it("scale-to-zero without approval waits retire.after at 100% then scales blue down", async () => {
    const h = harness(testPlan({ retire: { after: "10m", mode: "scale-to-zero", approval: false } }));
    await until(h, "holding");
    const fullSince = Date.parse(h.state().fullSince!);
    const r = await until(h, "completed");
    expect(r.exitCode).toBe(0);
    expect(h.world.blue.scaledToZero).toBe(true);
    const retiredAt = Date.parse(h.state().events.find((e) => e.type === "retire-started")!.at);
    expect(retiredAt - fullSince).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it("keep with records kept completes without touching blue", async () => {
    const h = harness();
    await until(h, "completed");
    expect(h.world.calls.some((c) => c.includes("blue") || c === "deleteBlue")).toBe(false);
  });
});

describe("manual rollback and locks", () => {
  it("rollback puts blue back to 100% (exit 3); after completion it is refused", async () => {
    const h = harness();
    await until(h, "baking");
    const r = await h.input({ kind: "rollback", by: "dave", reason: "smoke test failed" });
    expect(r.exitCode).toBe(3);
    expect(h.state().rollbackReason).toMatch(/dave: smoke test failed/);
    const h2 = harness();
    await until(h2, "completed");
    expect((await refused(h2.input({ kind: "rollback", by: "x" }))).code).toBe("cannot-roll-back");
  });

  it("a tick while another holds the lock exits 5 and changes nothing", async () => {
    const h = harness();
    await h.store.lock({ host: "ci", pid: 9, startedAt: "2026-03-02T09:59:00Z", command: "advance" }, 60_000);
    const e = await refused(h.advance());
    expect(e).toBeInstanceOf(LockedError);
    expect(e.exitCode).toBe(5);
    expect(h.world.calls).toEqual([]);
  });
});

describe("a slow retirement", () => {
  it("a tick whose wait for EKS runs out stays retiring (exit 0) and the next one finishes", async () => {
    const h = harness(
      testPlan({ retire: { after: "1m", mode: "delete", approval: true, blueRecords: "keep" } }),
    );
    await until(h, "waiting-to-retire");
    await h.input({ kind: "approve", by: "ops" });
    const del = h.world.ports.clusters.blue.deleteCluster;
    let slow = true;
    h.world.ports.clusters.blue.deleteCluster = async (name, options) => {
      if (slow) {
        slow = false;
        throw new ToolError("retire-timeout", "Timed out waiting for the node groups.", { exitCode: 4 });
      }
      return del(name, options);
    };
    let r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(r.state?.phase).toBe("retiring");
    expect(r.state?.reason.code).toBe("retire-pending");
    r = await h.advance();
    expect(r.state?.phase).toBe("completed");
    expect(h.world.blue.deleted).toBe(true);
  });
});
