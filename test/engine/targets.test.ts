/**
 * Issue 10, H1 and H2 through the driver and the fake world: the targets an upgrade has ever written,
 * a plan change that drops a live target, retirement while a target still sends traffic to blue, a
 * start over weights that are not all-blue (--adopt-live), and another upgrade over the same records.
 */
import { describe, expect, it } from "vitest";
import { ExitCode, ToolError } from "../../src/errors.ts";
import { newState, serializeState, UpgradeState } from "../../src/engine/state.ts";
import { harness, type Harness } from "./harness.ts";
import { testPlan } from "../support/fake-world.ts";
import type { PlanInput } from "../../src/plan/schema.ts";

const API = { zoneId: "Z1", name: "api.example.com.", blue: "blue", green: "green" };
const WWW = { zoneId: "Z1", name: "www.example.com.", blue: "blue", green: "green" };
const DELETE_RETIRE: Partial<PlanInput> = {
  retire: { after: "10m", mode: "delete", approval: true, blueRecords: "keep" },
};

async function refused(p: Promise<unknown>): Promise<ToolError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    return error as ToolError;
  }
  throw new Error("expected a refusal");
}

/** Ticks (60 s apart) until the phase is reached. */
async function until(h: Harness, phase: string, max = 60) {
  let r = await h.advance();
  for (let i = 0; i < max && r.state?.phase !== phase; i++) {
    h.clock.advance(60_000);
    r = await h.advance();
  }
  expect(r.state?.phase).toBe(phase);
  return r;
}

/** The H1 repro up to the accepted plan change: two pairs at 90/10, then the plan keeps only api. */
async function droppedPair(accept: boolean) {
  const h = harness(testPlan(DELETE_RETIRE));
  await h.advance();
  expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  h.deps.plan = testPlan({ ...DELETE_RETIRE, traffic: { records: [API] } });
  const r = h.input({
    kind: "resume",
    by: "ops",
    adopt: false,
    acceptPlanChange: true,
    acceptDroppedTargets: accept,
  });
  return { h, r };
}

describe("H1: the targets an upgrade has ever written", () => {
  it("records the plan's targets with the first shift's intent, and keeps them across a plan change", async () => {
    const h = harness();
    await h.advance();
    expect(h.state().targets).toEqual([
      { kind: "record", ...API, type: "A" },
      { kind: "record", ...WWW, type: "A" },
    ]);
  });

  it("reads an old state without targets", () => {
    const old = newState({ name: "test", hash: "h" }, new Date(0));
    expect(UpgradeState.parse(JSON.parse(serializeState(old))).targets).toBeUndefined();
  });

  it("refuses a plan change that drops a pair still carrying green traffic, listing it with its live weights", async () => {
    const { h, r } = await droppedPair(false);
    const e = await refused(r);
    expect(e.code).toBe("plan-change-drops-live-targets");
    expect(e.exitCode).toBe(ExitCode.NeedsPerson);
    expect(e.message).toContain("www.example.com. A: blue 90 / green 10");
    expect(e.message).not.toContain("api.example.com.");
    expect(h.types()).not.toContain("plan-change-accepted");
  });

  it("allows it with --accept-dropped-targets, logging the dropped pair's weights", async () => {
    const { h, r } = await droppedPair(true);
    await r;
    const accepted = h.state().events.find((e) => e.type === "plan-change-accepted")!;
    expect(accepted.evidence?.weights).toEqual([
      { name: "www.example.com. A", blue: 90, green: 10, percent: 10 },
    ]);
    expect(h.state().targets).toHaveLength(2);
  });

  it("accepts a plan change that drops a pair that is all on blue again", async () => {
    const h = harness(testPlan(DELETE_RETIRE));
    await h.advance();
    h.world.setWeights(100, 0, "www.example.com.");
    h.deps.plan = testPlan({ ...DELETE_RETIRE, traffic: { records: [API] } });
    await h.input({ kind: "resume", by: "ops", adopt: false, acceptPlanChange: true });
    expect(h.types()).toContain("plan-change-accepted");
  });

  it("never retires blue while a dropped pair still sends it traffic: pause targets-on-blue, exit 4", async () => {
    const { h, r } = await droppedPair(true);
    await r;
    // The check comes before the retire gate: nobody is asked to approve a retirement that cannot happen.
    const paused = await until(h, "paused");
    expect(paused.state?.pause?.code).toBe("targets-on-blue");
    expect(paused.exitCode).toBe(ExitCode.NeedsPerson);
    expect(paused.reason).toContain("www.example.com. A: blue 90 / green 10");
    expect(h.world.blue.deleted).toBe(false);
    expect(h.world.calls).not.toContain("deleteCluster blue");
    expect((await refused(h.input({ kind: "approve", by: "ops" }))).code).toBe("nothing-to-approve");

    // Resuming changes nothing while it still holds; moving the pair off blue lets retirement go on.
    const again = await h.input({ kind: "resume", by: "ops", adopt: false, acceptPlanChange: false });
    expect(again.state?.pause?.code).toBe("targets-on-blue");
    h.world.setWeights(0, 100, "www.example.com.");
    await h.input({ kind: "resume", by: "ops", adopt: false, acceptPlanChange: false });
    expect(h.state().phase).toBe("waiting-to-retire");
    await h.input({ kind: "approve", by: "ops" });
    const done = await until(h, "completed");
    expect(done.state?.phase).toBe("completed");
    expect(h.world.blue.deleted).toBe(true);
  });

  it("with retire.mode keep, a dropped pair on blue does not stop completion (blue keeps running)", async () => {
    const h = harness();
    await h.advance();
    h.deps.plan = testPlan({ traffic: { records: [API] } });
    await h.input({
      kind: "resume",
      by: "ops",
      adopt: false,
      acceptPlanChange: true,
      acceptDroppedTargets: true,
    });
    await until(h, "completed");
  });

  it("holds (never retires) while a former target cannot be read", async () => {
    const { h, r } = await droppedPair(true);
    await r;
    await until(h, "holding");
    const observe = h.deps.observe;
    h.deps.observe = async (ports, plan, options) => {
      const { observe: real } = await import("../../src/runner/observe.ts");
      const o = await (observe ?? real)(ports, plan, options);
      return { ...o, formerTraffic: { ok: false, error: "Throttling: Rate exceeded" } };
    };
    h.clock.advance(11 * 60_000);
    const held = await h.advance();
    expect(held.state?.phase).toBe("holding");
    expect(held.verdict?.kind).toBe("error");
    expect(h.world.blue.deleted).toBe(false);
  });
});

describe("H2: a start over weights that are not all-blue", () => {
  it("refuses the first tick (exit 4, nothing written) when green already has traffic", async () => {
    const h = harness();
    h.world.setWeights(50, 50);
    const e = await refused(h.advance());
    expect(e.code).toBe("preflight-failed");
    expect(e.exitCode).toBe(ExitCode.NeedsPerson);
    expect(e.message).toContain("--adopt-live");
    expect(h.store.text()).toBeUndefined();
    expect(h.world.calls).toEqual([]);
  });

  it("with --adopt-live starts from the live percentage, counted as the highest step at or below it", async () => {
    const h = harness();
    h.world.setWeights(50, 50);
    const r = await h.input({ kind: "tick", adoptLive: true });
    expect(r.exitCode).toBe(0);
    const s = h.state();
    expect(s.writtenGreen).toBe(50);
    expect(s.step).toBe(2);
    expect(s.phase).toBe("baking");
    const adopted = s.events.find((e) => e.type === "adopted-live")!;
    expect(adopted.evidence?.weights?.map((w) => w.percent)).toEqual([50, 50]);
    expect(s.targets).toHaveLength(2);
    expect(h.world.calls).toEqual([]);
    expect(r.findings.find((f) => f.code === "weights-not-all-blue")?.severity).toBe("warning");
  });

  it("with --adopt-live below step 1 adopts, then shifts to step 1", async () => {
    const h = harness();
    h.world.setWeights(95, 5);
    await h.input({ kind: "tick", adoptLive: true });
    expect(h.types()).toContain("adopted-live");
    expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  });

  it("with --adopt-live and nothing on green starts as usual (no adoption)", async () => {
    const h = harness();
    h.world.setWeights(0, 0, "api.example.com.");
    await h.input({ kind: "tick", adoptLive: true });
    expect(h.types()).not.toContain("adopted-live");
    expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  });

  it("adopted below step 1 outside a change window: the later tick in the window needs no --adopt-live", async () => {
    const h = harness(
      testPlan({
        changeWindows: [{ days: ["sun" as const], start: "01:00", end: "02:00", timeZone: "UTC" }],
      }),
    );
    h.world.setWeights(95, 5);
    await h.input({ kind: "tick", adoptLive: true });
    expect(h.state().phase).toBe("preflight");
    expect(h.state().writtenGreen).toBe(5);
    h.clock.t = Date.parse("2026-03-08T01:30:00Z");
    await h.advance();
    expect(h.world.weights().map((w) => w.green)).toEqual([10, 10]);
  });

  it("refuses cannot-adopt-live when the targets are not at one percentage", async () => {
    const h = harness();
    h.world.setWeights(50, 50, "api.example.com.");
    const e = await refused(h.input({ kind: "tick", adoptLive: true }));
    expect(e.code).toBe("cannot-adopt-live");
    expect(e.exitCode).toBe(ExitCode.NeedsPerson);
    expect(h.store.text()).toBeUndefined();
  });
});

describe("H2: another upgrade over the same records", () => {
  const other = (phase: string, targets: unknown[]) => ({
    location: "file .eks-bluegreen/first/state.json",
    text: JSON.stringify({
      ...newState({ name: "first", hash: "h" }, new Date(0)),
      phase,
      targets,
    }),
  });

  it("refuses the first tick while a live upgrade names one of the plan's targets", async () => {
    const h = harness();
    h.deps.store = {
      ...h.store,
      others: async () => [other("baking", [{ kind: "record", ...WWW, type: "A" }])],
    };
    const e = await refused(h.advance());
    expect(e.code).toBe("preflight-failed");
    expect(e.message).toContain('"first"');
    expect(e.message).toContain(".eks-bluegreen/first/state.json");
    expect(h.world.calls).toEqual([]);
  });

  it("ignores finished upgrades, other records, and damaged sibling states", async () => {
    const h = harness();
    h.deps.store = {
      ...h.store,
      others: async () => [
        other("completed", [{ kind: "record", ...WWW, type: "A" }]),
        other("baking", [{ kind: "record", ...WWW, name: "shop.example.com.", type: "A" }]),
        { location: "file x/state.json", text: "{ torn" },
        { location: "file y/state.json", error: "EACCES" },
      ],
    };
    const notes: string[] = [];
    h.deps.debug = (code, m) => notes.push(`${code}: ${m}`);
    const r = await h.advance();
    expect(r.exitCode).toBe(0);
    expect(notes.every((n) => n.startsWith("other-upgrade-skipped: "))).toBe(true);
    expect(notes.join("\n")).toContain("x/state.json");
    expect(notes.join("\n")).toContain("EACCES");
  });
});
