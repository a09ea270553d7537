import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runFleetIamPolicy } from "../../src/cli/commands/iam-policy-fleet.ts";
import { handler } from "../../src/cli/commands/iam-policy.ts";
import { unionPolicies } from "../../src/fleet/iam.ts";
import type { IamLookups } from "../../src/cli/commands/iam-policy.ts";
import { testContext } from "../support/context.ts";

const ROOT = join(import.meta.dirname, "../..");
const lookups: IamLookups = {
  accountId: async () => "123456789012",
  zoneIds: async (plan) =>
    new Map(
      plan.doc.traffic.records.map((r) => [r.zoneName!, `Z${plan.name.toUpperCase().replace(/-/g, "")}`]),
    ),
};

describe("iam-policy --fleet", () => {
  it("is the union of the plans' policies, every plan's resources named once", async () => {
    const { ctx } = testContext("json");
    ctx.cwd = ROOT;
    const r = await runFleetIamPolicy(
      { file: undefined as never, fleet: "plans/fleet/fleet.yaml" },
      ctx,
      lookups,
    );
    expect(r.exitCode).toBe(0);
    const text = JSON.stringify(r.json);
    for (const env of ["dev", "staging", "prod"]) {
      expect(text).toContain(`arn:aws:s3:::example-eks-bluegreen-state/fleets/shop-1-31/${env}.json`);
      expect(text).toContain(`cluster/shop-${env}-1-30`);
      expect(text).toContain(`hostedzone/ZSHOP${env.toUpperCase()}131`);
    }
    const sids = (r.json as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  it("merges equal statements, keeps different actions apart, and '*' wins", () => {
    const a = { Sid: "S", Effect: "Allow" as const, Action: ["x:B", "x:A"], Resource: ["r1"] };
    const u = unionPolicies([
      { Version: "2012-10-17", Statement: [a, { ...a, Sid: "T", Resource: "*" }] },
      {
        Version: "2012-10-17",
        Statement: [
          { ...a, Resource: ["r2", "r1"] },
          { ...a, Action: ["x:C"] },
          { ...a, Sid: "T", Resource: ["r3"] },
        ],
      },
    ]);
    expect(u.Statement).toEqual([
      { Sid: "S", Effect: "Allow", Action: ["x:A", "x:B"], Resource: ["r1", "r2"] },
      { Sid: "T", Effect: "Allow", Action: ["x:A", "x:B"], Resource: "*" },
      { Sid: "S2", Effect: "Allow", Action: ["x:C"], Resource: ["r1"] },
    ]);
  });

  it("takes a plan or --fleet, not both and not neither (exit 2)", async () => {
    const { ctx } = testContext();
    await expect(
      handler({ file: "plans/minimal.yaml", fleet: "plans/fleet/fleet.yaml" }, ctx),
    ).rejects.toMatchObject({ exitCode: 2 });
    await expect(handler({ file: undefined as never }, ctx)).rejects.toMatchObject({
      exitCode: 2,
      code: "usage",
    });
  });
});
