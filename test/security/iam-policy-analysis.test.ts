/** `iam-policy` with metric analysis: cloudwatch:GetMetricData only when the plan has `analysis`. */
import { describe, expect, it } from "vitest";
import type { PlanInput } from "../../src/plan/schema.ts";
import { shopPlanDoc } from "../support/plan-builder.ts";
import { buildIamPolicy } from "../../src/security/iam-policy.ts";

function build(overrides: Partial<PlanInput> = {}) {
  const doc = shopPlanDoc(overrides);
  return buildIamPolicy({ doc, accountId: "111122223333" }).policy.Statement;
}

const analysis: PlanInput["analysis"] = {
  metrics: [
    {
      name: "p99",
      queries: [
        {
          id: "v",
          metricStat: { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", stat: "p99" },
        },
      ],
      threshold: { max: 1 },
    },
  ],
};

describe("iam-policy and metric analysis", () => {
  it("adds cloudwatch:GetMetricData on * when the plan has analysis, even without alarms", () => {
    const statements = build({ analysis });
    expect(statements.find((s) => s.Sid === "CloudWatchReadMetrics")).toEqual({
      Sid: "CloudWatchReadMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:GetMetricData"],
      Resource: "*",
    });
    const withAlarms = build({ analysis, alarms: { names: ["shop-5xx"] } });
    expect(withAlarms.flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining(["cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms"]),
    );
  });

  it("has no GetMetricData without analysis", () => {
    expect(build({ alarms: { names: ["shop-5xx"] } }).flatMap((s) => s.Action)).not.toContain(
      "cloudwatch:GetMetricData",
    );
  });
});
