import { describe, expect, it } from "vitest";
import { judge } from "../../src/engine/verdict.ts";
import { observe } from "../../src/runner/observe.ts";
import { fakeWorld, testPlan } from "../support/fake-world.ts";

async function setup(insufficientData: "hold" | "fail" | "ignore" = "hold") {
  const plan = testPlan({ alarms: { names: ["errors", "latency"], insufficientData } });
  const world = fakeWorld(plan);
  const look = async (since?: Date) => observe(world.ports, plan, since ? { historySince: since } : {});
  return { plan, world, look };
}

describe("verdict", () => {
  it("passes when alarms are OK and green is healthy", async () => {
    const { plan, look } = await setup();
    expect(judge(await look(), plan, undefined).kind).toBe("pass");
  });

  it("fails on an alarm in ALARM", async () => {
    const { plan, world, look } = await setup();
    world.setAlarm("errors", "ALARM");
    const v = judge(await look(), plan, undefined);
    expect(v.kind).toBe("fail");
    expect(v.reasons.join()).toMatch(/errors is in ALARM/);
  });

  it("fails on an ALARM in history since the change, even if OK again", async () => {
    const { plan, world, look } = await setup();
    const since = world.clock.now();
    world.clock.advance(1000);
    world.setAlarm("latency", "ALARM");
    world.clock.advance(1000);
    world.setAlarm("latency", "OK");
    const v = judge(await look(since), plan, since.toISOString());
    expect(v.kind).toBe("fail");
    expect(v.evidence.alarmHistory?.[0]?.name).toBe("latency");
    // An ALARM from before the change does not count.
    const later = world.clock.now().toISOString();
    expect(judge(await look(since), plan, later).kind).toBe("pass");
  });

  it("names each alarm once: in ALARM now and in history, or in history twice", async () => {
    const { plan, world, look } = await setup();
    const since = world.clock.now();
    for (const state of ["ALARM", "OK", "ALARM"] as const) {
      world.clock.advance(1000);
      world.setAlarm("latency", state);
    }
    let v = judge(await look(since), plan, since.toISOString());
    expect(v.reasons.filter((r) => r.includes("latency"))).toEqual(["alarm latency is in ALARM"]);
    world.clock.advance(1000);
    world.setAlarm("latency", "OK");
    v = judge(await look(since), plan, since.toISOString());
    expect(v.reasons.filter((r) => r.includes("latency"))).toEqual([
      expect.stringMatching(/^alarm latency went to ALARM at /),
    ]);
  });

  it("INSUFFICIENT_DATA holds, fails or is ignored as the plan says", async () => {
    for (const [mode, kind] of [
      ["hold", "inconclusive"],
      ["fail", "fail"],
      ["ignore", "pass"],
    ] as const) {
      const { plan, world, look } = await setup(mode);
      world.setAlarm("errors", "INSUFFICIENT_DATA");
      expect(judge(await look(), plan, undefined).kind).toBe(kind);
    }
  });

  it("an unreadable part is an error, not a failure", async () => {
    const { plan, world, look } = await setup();
    world.faults.alarmsUnreadable = true;
    const v = judge(await look(), plan, undefined);
    expect(v.kind).toBe("error");
    expect(v.reasons.join()).toMatch(/cannot read CloudWatch/);
  });

  it("green unhealthy fails, and failure wins over an unreadable part", async () => {
    const { plan, world, look } = await setup();
    world.green.nodegroups[0]!.status = "DEGRADED";
    world.faults.alarmsUnreadable = true;
    const v = judge(await look(), plan, undefined);
    expect(v.kind).toBe("fail");
    expect(v.reasons.join()).toMatch(/node group ng is DEGRADED/);
  });

  it("fails when containers restart more than allowed during the bake", async () => {
    const { plan: base } = await setup();
    const plan = testPlan({ health: { kubernetes: { maxRestarts: 2 } } });
    const world = fakeWorld(plan);
    const obs = await observe(world.ports, base, {});
    obs.kubernetes = { ok: true, value: { findings: [], restarts: { "app/pod/c": 5 } } };
    expect(judge(obs, plan, undefined, { "app/pod/c": 2 }).kind).toBe("fail");
    expect(judge(obs, plan, undefined, { "app/pod/c": 4 }).kind).toBe("pass");
  });
});
