import { describe, expect, it } from "vitest";
import { shopPlanDoc } from "../support/plan-builder.ts";
import { buildIamPolicy } from "../../src/security/iam-policy.ts";
import { buildTargetRequests } from "../../src/preview/target-requests.ts";
import { compilePlan } from "../../src/plan/compile.ts";

const LISTENER =
  "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
const RULE =
  "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
const GROUP = "arn:aws:globalaccelerator::111122223333:accelerator/abcd/listener/0123/endpoint-group/0987";
const LB = (n: string) => `arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/${n}/1111`;

const doc = shopPlanDoc({
  traffic: {
    listeners: [
      { listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" },
      { listenerArn: LISTENER, ruleArn: RULE, blue: "shop-blue", green: "shop-green" },
    ],
    accelerators: [{ endpointGroupArn: GROUP, blue: LB("blue"), green: LB("green") }],
  },
  steps: [{ green: 25 }, { green: 100 }],
  alarms: { names: ["shop-5xx"] },
});

describe("iam-policy for ALB listeners and Global Accelerator", () => {
  const { policy } = buildIamPolicy({ doc, accountId: "111122223333" });
  const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));

  it("scopes ModifyListener, ModifyRule and UpdateEndpointGroup to the plan's ARNs, never *", () => {
    expect(bySid.AlbChangeListenerWeights).toMatchObject({
      Action: ["elasticloadbalancing:ModifyListener"],
      Resource: [LISTENER],
    });
    expect(bySid.AlbChangeRuleWeights).toMatchObject({
      Action: ["elasticloadbalancing:ModifyRule"],
      Resource: [RULE],
    });
    expect(bySid.GlobalAcceleratorChangeWeights).toMatchObject({ Resource: [GROUP] });
    for (const s of policy.Statement) {
      const actions = [s.Action].flat();
      if (actions.some((a) => /Modify|Update/.test(a))) expect([s.Resource].flat()).not.toContain("*");
    }
  });

  it("grants no Route 53 permission to a plan without records", () => {
    expect(policy.Statement.some((s) => [s.Action].flat().some((a) => a.startsWith("route53:")))).toBe(false);
  });
});

describe("preview requests for ALB listeners and Global Accelerator", () => {
  it("offline: one request per target and step, from the plan, live parts marked", () => {
    const requests = buildTargetRequests(compilePlan(doc, "plan.yaml"), undefined)!;
    expect(requests.exact).toBe(false);
    expect(requests.steps.map((s) => s.requests.map((r) => r.operation))).toEqual([
      ["ModifyListener", "ModifyRule", "UpdateEndpointGroup"],
      ["ModifyListener", "ModifyRule", "UpdateEndpointGroup"],
    ]);
    expect(JSON.stringify(requests.steps[0]!.requests[0]!.input)).toMatch(/"Weight":75.*"Weight":25/);
  });

  it("live: built from the actions as read, only the two weights changed", () => {
    const actions = [
      {
        Type: "forward" as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: "arn:b", Weight: 100 },
            { TargetGroupArn: "arn:g", Weight: 0 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
        },
      },
    ];
    const reading = (ruleArn?: string) => ({
      ref: { listenerArn: LISTENER, ...(ruleArn ? { ruleArn } : {}), blue: "shop-blue", green: "shop-green" },
      listenerFound: true,
      ruleFound: ruleArn ? true : undefined,
      ruleListenerArn: ruleArn ? LISTENER : undefined,
      blueArn: "arn:b",
      greenArn: "arn:g",
      actions,
    });
    const requests = buildTargetRequests(compilePlan(doc, "plan.yaml"), {
      traffic: { ok: true, value: [] },
      alarms: { ok: true, value: { alarms: [], missing: [], history: [] } },
      green: { ok: false, error: "not read" },
      listeners: { ok: true, value: [reading(), reading(RULE)] },
      endpointGroups: {
        ok: true,
        value: [
          {
            ref: { endpointGroupArn: GROUP, blue: LB("blue"), green: LB("green") },
            found: true,
            updating: false,
            endpoints: [
              { EndpointId: LB("blue"), Weight: 100, ClientIPPreservationEnabled: false },
              { EndpointId: LB("green"), Weight: 0, ClientIPPreservationEnabled: false },
              { EndpointId: LB("other"), Weight: 9 },
            ],
          },
        ],
      },
    })!;
    expect(requests.exact).toBe(true);
    const [listener, , group] = requests.steps[0]!.requests;
    expect(listener!.input).toEqual({
      ListenerArn: LISTENER,
      DefaultActions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: "arn:b", Weight: 75 },
              { TargetGroupArn: "arn:g", Weight: 25 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        },
      ],
    });
    expect(group!.input.EndpointConfigurations).toEqual([
      { EndpointId: LB("blue"), Weight: 75, ClientIPPreservationEnabled: false },
      { EndpointId: LB("green"), Weight: 25, ClientIPPreservationEnabled: false },
      { EndpointId: LB("other"), Weight: 9 },
    ]);
  });
});
