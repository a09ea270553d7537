import { afterEach, describe, expect, it } from "vitest";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { testPlan } from "./support.ts";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe("seedFromPlan", () => {
  it("creates a zone given by id, CNAME pairs with plausible values, and the state bucket", async () => {
    sandbox = await startSandbox();
    const plan = testPlan({
      traffic: {
        records: [{ zoneId: "Z0SEEDED1234", name: "app.corp.test", type: "CNAME", blue: "b", green: "g" }],
      },
    });
    seedFromPlan(sandbox, plan);
    const zone = sandbox.world.route53.zone("/hostedzone/Z0SEEDED1234")!;
    expect(zone.name).toBe("corp.test.");
    const blue = sandbox.world.route53.record(zone.id, "app.corp.test", "CNAME", "b")!;
    expect(blue).toMatchObject({
      Weight: 100,
      TTL: 60,
      ResourceRecords: [{ Value: "prod-blue.elb.sandbox.invalid" }],
    });
    expect(blue.HealthCheckId).toBeTruthy();
    expect(sandbox.world.route53.record(zone.id, "app.corp.test", "CNAME", "g")).toMatchObject({
      Weight: 0,
      ResourceRecords: [{ Value: "prod-green.elb.sandbox.invalid" }],
    });
    expect(sandbox.world.s3.hasBucket("upgrade-state")).toBe(true);
  });

  it("uses one default node group and add-on when the plan lists none, a Fargate profile on blue only, and a chosen blue version", async () => {
    sandbox = await startSandbox();
    const plan = testPlan({
      clusters: { blue: { name: "b" }, green: { name: "g", kubernetesVersion: "1.30" } },
      state: { backend: "local", dir: "x" },
    });
    seedFromPlan(sandbox, plan, { blueVersion: "1.28" });
    const { eks } = sandbox.world;
    expect(eks.cluster("b")).toMatchObject({ status: "ACTIVE", version: "1.28" });
    expect(eks.cluster("g")).toMatchObject({ status: "ACTIVE", version: "1.30" });
    expect(eks.nodegroups("g").map((n) => [n.nodegroupName, n.status, n.version])).toEqual([
      ["default", "ACTIVE", "1.30"],
    ]);
    expect(eks.addons("g").map((a) => a.addonName)).toEqual(["vpc-cni"]);
    expect(eks.fargateProfiles("b").map((p) => p.fargateProfileName)).toEqual(["fp-default"]);
    expect(eks.fargateProfiles("g")).toEqual([]);
    expect(sandbox.world.s3.bucketNames()).toEqual([]);
  });

  it("seeds alarms OK with their history, and can run twice without duplicating anything", async () => {
    sandbox = await startSandbox();
    seedFromPlan(sandbox, testPlan());
    seedFromPlan(sandbox, testPlan());
    const alarms = sandbox.world.cloudwatch.list();
    expect(alarms.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ["checkout-5xx", "OK"],
      ["checkout-latency", "OK"],
      ["checkout-slo-5xx-rate", "OK"],
      ["checkout-slo-p99-latency", "OK"],
    ]);
    expect(
      sandbox.world.cloudwatch.history().filter((h) => h.HistoryItemType === "StateUpdate"),
    ).toHaveLength(4);
    expect(sandbox.world.route53.zones()).toHaveLength(1);
  });
});
