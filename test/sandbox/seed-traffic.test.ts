/** `sandbox --plan plans/metric-gates.yaml`: the traffic model follows the plan's record pair and load balancers. */
import { afterEach, describe, expect, it } from "vitest";
import { loadPlan } from "../../src/plan/load.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { testPlan } from "./support.ts";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe("seeding the traffic model from the plan's analysis", () => {
  it("takes each side's LoadBalancer from the plan's per-side variables", async () => {
    sandbox = await startSandbox();
    const plan = await loadPlan("plans/metric-gates.yaml");
    seedFromPlan(sandbox, plan.doc);
    const model = sandbox.world.traffic.describe()!;
    expect(model.loadBalancers).toEqual({
      blue: "app/shop-1-30/0123456789abcdef",
      green: "app/shop-1-31/fedcba9876543210",
    });
    expect(model.record).toMatchObject({ name: "shop.example.com", blue: "shop-blue", green: "shop-green" });
    expect(model.writtenGreen).toBe(0);
  });

  it("leaves the traffic model off for a plan without analysis", async () => {
    sandbox = await startSandbox();
    seedFromPlan(sandbox, testPlan());
    expect(sandbox.world.traffic.describe()).toBeUndefined();
  });
});
