import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { PlanInput } from "../../src/plan/schema.ts";
import { shopPlanDoc } from "../support/plan-builder.ts";
import {
  buildIamPolicy,
  needsCallerAccount,
  type PolicyInput,
  type PolicyStatement,
} from "../../src/security/iam-policy.ts";
import { normalizedRecordName, partitionOf } from "../../src/security/arns.ts";

const ACCOUNT = "111122223333";

function plan(overrides: Partial<PlanInput> = {}) {
  // The record name's odd case is on purpose: the policy's record condition must normalise it.
  return shopPlanDoc({
    traffic: { records: [{ zoneId: "Z0AAA", name: "Shop.Example.com.", blue: "b", green: "g" }] },
    alarms: { names: ["shop-5xx"] },
    ...overrides,
  });
}

function build(overrides: Partial<PlanInput> = {}, input: Partial<PolicyInput> = {}) {
  return buildIamPolicy({ doc: plan(overrides), accountId: ACCOUNT, ...input });
}

const bySid = (statements: PolicyStatement[], sid: string) => statements.find((s) => s.Sid === sid);
const actions = (statements: PolicyStatement[]) => statements.flatMap((s) => s.Action);
const resources = (s: PolicyStatement | undefined) => (s?.Resource === "*" ? ["*"] : (s?.Resource ?? []));

/** Actions AWS does not allow to be scoped to a resource for the way the tool calls them. */
const STAR_ALLOWED = new Set([
  "sts:GetCallerIdentity",
  "route53:ListHostedZonesByName",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:DescribeAlarmHistory",
  "cloudwatch:GetMetricData",
]);

describe("IAM policy builder", () => {
  it("groups statements by service, in a valid policy document", () => {
    const { policy, notes } = build();
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "Route53ChangeWeightsZ0AAA",
      "Route53ReadRecords",
      "Route53WaitForChanges",
      "EksReadClusters",
      "CloudWatchReadAlarms",
      "StsWhoAmI",
    ]);
    for (const s of policy.Statement) {
      expect(s.Effect).toBe("Allow");
      expect(new Set(s.Action.map((a) => a.split(":")[0])).size).toBe(1);
    }
    expect(notes).toEqual([]);
  });

  it("scopes ChangeResourceRecordSets to the zone, normalised names, types and UPSERT only", () => {
    const s = bySid(build().policy.Statement, "Route53ChangeWeightsZ0AAA")!;
    expect(s.Resource).toEqual(["arn:aws:route53:::hostedzone/Z0AAA"]);
    expect(s.Condition).toEqual({
      "ForAllValues:StringEquals": {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["shop.example.com"],
        "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
      },
    });
  });

  it("allows DELETE only when the plan deletes blue's records at the end", () => {
    const s = bySid(
      build({ retire: { blueRecords: "delete" } as PlanInput["retire"] }).policy.Statement,
      "Route53ChangeWeightsZ0AAA",
    )!;
    expect(s.Condition!["ForAllValues:StringEquals"]!["route53:ChangeResourceRecordSetsActions"]).toEqual([
      "DELETE",
      "UPSERT",
    ]);
  });

  it("gives each hosted zone its own names, so no name can be changed in another zone", () => {
    const { policy } = build({
      traffic: {
        records: [
          { zoneId: "/hostedzone/Z0AAA", name: "a.example.com", type: "A", blue: "b", green: "g" },
          { zoneId: "Z0AAA", name: "a.example.com", type: "AAAA", blue: "b", green: "g" },
          { zoneId: "Z0BBB", name: "*.internal.example", type: "CNAME", blue: "b", green: "g" },
        ],
      },
    });
    const a = bySid(policy.Statement, "Route53ChangeWeightsZ0AAA")!;
    const b = bySid(policy.Statement, "Route53ChangeWeightsZ0BBB")!;
    expect(a.Condition!["ForAllValues:StringEquals"]).toMatchObject({
      "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["a.example.com"],
      "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
    });
    expect(b.Condition!["ForAllValues:StringEquals"]).toMatchObject({
      "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["\\052.internal.example"],
      "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
    });
    expect(bySid(policy.Statement, "Route53ReadRecords")!.Resource).toEqual([
      "arn:aws:route53:::hostedzone/Z0AAA",
      "arn:aws:route53:::hostedzone/Z0BBB",
    ]);
    expect(bySid(policy.Statement, "Route53FindZonesByName")).toBeUndefined();
  });

  it("uses looked-up zone ids for zones given by name, and a placeholder with a note otherwise", () => {
    const traffic = {
      records: [
        { zoneName: "example.com", name: "a.example.com", blue: "b", green: "g" },
        { zoneName: "other.example", name: "b.other.example", blue: "b", green: "g" },
      ],
    };
    const result = build(
      { traffic },
      { zoneIdsByName: new Map([["example.com", "/hostedzone/Z0RESOLVED"]]) },
    );
    const zones = resources(bySid(result.policy.Statement, "Route53ReadRecords"));
    expect(zones).toEqual([
      "arn:aws:route53:::hostedzone/Z0RESOLVED",
      "arn:aws:route53:::hostedzone/ZONE_ID_OF_OTHER.EXAMPLE",
    ]);
    expect(result.unresolvedZones).toEqual(["other.example"]);
    expect(result.notes.map((n) => n.code)).toEqual(["iam-zone-placeholders"]);
    expect(result.notes[0]!.text).toMatch(/placeholder hosted zone ids .* other\.example/);
    expect(resources(bySid(result.policy.Statement, "Route53FindZonesByName"))).toEqual(["*"]);
  });

  it("scopes EKS reads to both clusters and green's named node groups and add-ons", () => {
    const { policy } = build({
      clusters: {
        blue: { name: "blue" },
        green: {
          name: "green",
          kubernetesVersion: "1.31",
          nodegroups: ["general"],
          addons: ["coredns"],
          insights: true,
        },
      },
    });
    const read = bySid(policy.Statement, "EksReadClusters")!;
    expect(read.Action).toContain("eks:ListInsights");
    expect(read.Resource).toEqual([
      `arn:aws:eks:eu-west-1:${ACCOUNT}:addon/blue/*`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:addon/green/coredns/*`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/blue`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/green`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/blue/*`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/green/general/*`,
    ]);
    expect(bySid(build().policy.Statement, "EksReadClusters")!.Action).not.toContain("eks:ListInsights");
  });

  it("has no delete or update actions when retire mode is keep", () => {
    const all = actions(build({ retire: { mode: "keep" } as PlanInput["retire"] }).policy.Statement);
    expect(all.filter((a) => /^eks:(Delete|Update)/.test(a))).toEqual([]);
  });

  it("delete mode: delete actions on blue only, in the order's resources", () => {
    const { policy } = build({ retire: { mode: "delete" } as PlanInput["retire"] });
    const del = bySid(policy.Statement, "EksRetireBlueDelete")!;
    expect(del.Action).toEqual(["eks:DeleteCluster", "eks:DeleteFargateProfile", "eks:DeleteNodegroup"]);
    expect(del.Resource).toEqual([
      `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shop-1-30`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:fargateprofile/shop-1-30/*`,
      `arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/shop-1-30/*`,
    ]);
    expect(JSON.stringify(del)).not.toContain("shop-1-31");
    expect(actions(policy.Statement)).not.toContain("eks:UpdateNodegroupConfig");
  });

  it("scale-to-zero mode: UpdateNodegroupConfig on blue's node groups only, nothing deleted", () => {
    const { policy } = build({ retire: { mode: "scale-to-zero" } as PlanInput["retire"] });
    expect(bySid(policy.Statement, "EksRetireBlueScaleToZero")).toMatchObject({
      Action: ["eks:UpdateNodegroupConfig"],
      Resource: [`arn:aws:eks:eu-west-1:${ACCOUNT}:nodegroup/shop-1-30/*`],
    });
    expect(actions(policy.Statement).filter((a) => a.includes("Delete"))).toEqual([]);
  });

  it("S3 state: object actions on the state and lock objects only; none for local state", () => {
    const { policy } = build({ state: { backend: "s3", bucket: "team-state", key: "upgrades/shop.json" } });
    expect(bySid(policy.Statement, "S3StateAndLock")).toMatchObject({
      Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      Resource: [
        "arn:aws:s3:::team-state/upgrades/shop.json",
        "arn:aws:s3:::team-state/upgrades/shop.json.lock",
      ],
    });
    expect(bySid(policy.Statement, "S3TellMissingFromDenied")!.Resource).toEqual(["arn:aws:s3:::team-state"]);
    // Preflight reads the other upgrades' states under the same prefix (issue 10, H2): read-only.
    expect(bySid(policy.Statement, "S3ReadOtherUpgrades")).toMatchObject({
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::team-state/upgrades/*"],
    });
    const perPlan = build({
      state: { backend: "s3", bucket: "team-state", key: "upgrades/shop/state.json" },
    });
    expect(bySid(perPlan.policy.Statement, "S3ReadOtherUpgrades")!.Resource).toEqual([
      "arn:aws:s3:::team-state/upgrades/*/state.json",
    ]);
    expect(actions(build().policy.Statement).filter((a) => a.startsWith("s3:"))).toEqual([]);
  });

  it("roles: AssumeRole on each, and each cluster's ARNs in its role's account and region", () => {
    const doc = plan({
      roleArn: "arn:aws:iam::444455556666:role/plan",
      clusters: {
        blue: { name: "blue", roleArn: "arn:aws:iam::777788889999:role/blue", region: "us-west-2" },
        green: { name: "green", kubernetesVersion: "1.31" },
      },
    });
    expect(needsCallerAccount(doc)).toBe(false);
    const { policy, notes } = buildIamPolicy({ doc, accountId: undefined });
    expect(bySid(policy.Statement, "StsAssumePlanRoles")!.Resource).toEqual([
      "arn:aws:iam::444455556666:role/plan",
      "arn:aws:iam::777788889999:role/blue",
    ]);
    const read = resources(bySid(policy.Statement, "EksReadClusters"));
    expect(read).toContain("arn:aws:eks:us-west-2:777788889999:cluster/blue");
    expect(read).toContain("arn:aws:eks:eu-west-1:444455556666:cluster/green");
    expect(notes.map((n) => n.code)).toEqual(["iam-assumes-roles"]);
    expect(notes[0]!.text).toMatch(/attach this policy to those roles/);
  });

  it("needs the caller's account when a cluster has no role", () => {
    expect(needsCallerAccount(plan())).toBe(true);
    expect(() => buildIamPolicy({ doc: plan(), accountId: undefined })).toThrow(/no account id/);
  });

  it("follows the partition of the region", () => {
    expect(partitionOf("cn-north-1")).toBe("aws-cn");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
    const text = JSON.stringify(build({ region: "cn-north-1" }).policy);
    expect(text).toContain("arn:aws-cn:eks:cn-north-1:");
    expect(text).toContain("arn:aws-cn:route53:::hostedzone/Z0AAA");
    expect(text).not.toContain("arn:aws:");
  });

  it("omits CloudWatch when the plan watches no alarms", () => {
    const { policy } = build({ alarms: { names: [], prefixes: [] } as unknown as PlanInput["alarms"] });
    expect(actions(policy.Statement).filter((a) => a.startsWith("cloudwatch:"))).toEqual([]);
  });

  it("normalises record names as Route 53 compares them", () => {
    expect(normalizedRecordName("API.Example.COM.")).toBe("api.example.com");
    expect(normalizedRecordName("*.example.com")).toBe("\\052.example.com");
    expect(normalizedRecordName("\\052.example.com.")).toBe("\\052.example.com");
    expect(normalizedRecordName("_dmarc.a-b.example")).toBe("_dmarc.a-b.example");
    expect(normalizedRecordName("a b.example")).toBe("a\\040b.example");
  });

  it("for any plan: no `*` resource where AWS supports resource-level permissions", () => {
    const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.constantFrom("Z0A", "Z0B", "Z0C"), name: label, wild: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom("keep", "delete", "scale-to-zero"),
        fc.constantFrom("keep", "delete"),
        fc.boolean(),
        (pairs, mode, blueRecords, s3) => {
          const { policy } = build({
            traffic: {
              records: pairs.map((p) => ({
                zoneId: p.zone,
                name: `${p.wild ? "*." : ""}${p.name}.example.com`,
                blue: "b",
                green: "g",
              })),
            },
            retire: { mode, blueRecords } as PlanInput["retire"],
            ...(s3 ? { state: { backend: "s3" as const, bucket: "bkt", key: "k" } } : {}),
          });
          for (const s of policy.Statement) {
            if (s.Resource === "*") {
              for (const a of s.Action) expect(STAR_ALLOWED.has(a), a).toBe(true);
            } else {
              for (const r of s.Resource) expect(r).toMatch(/^arn:aws:[a-z0-9]+:[a-z0-9-]*:\d*:[^*]/);
            }
            if (s.Action.includes("route53:ChangeResourceRecordSets")) {
              const names =
                s.Condition!["ForAllValues:StringEquals"]![
                  "route53:ChangeResourceRecordSetsNormalizedRecordNames"
                ]!;
              for (const n of names) expect(n).toMatch(/^([a-z0-9\-_.]|\\[0-7]{3})+$/);
            }
          }
          const all = actions(policy.Statement);
          expect(all.some((a) => a.startsWith("eks:Delete"))).toBe(mode === "delete");
          expect(all.includes("eks:UpdateNodegroupConfig")).toBe(mode === "scale-to-zero");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("notifications", () => {
  it("allows sns:Publish on the plan's SNS topics only, and nothing for webhooks", () => {
    const topic = "arn:aws:sns:us-east-1:111122223333:upgrades";
    const { policy } = build({
      notifications: {
        sinks: [
          { kind: "sns", topicArn: topic, events: ["rolled-back"] },
          { kind: "webhook", urlEnv: "HOOK", events: ["rolled-back"] },
        ],
      },
    });
    expect(bySid(policy.Statement, "SnsPublishNotifications")).toMatchObject({
      Action: ["sns:Publish"],
      Resource: [topic],
    });
    expect(actions(build().policy.Statement)).not.toContain("sns:Publish");
  });
});
