/**
 * Shifting through ALB listeners and Global Accelerator endpoint groups, by the built CLI against the
 * sandbox: only the two weights change, an alarm rolls back, a plan mixes all three kinds, and the
 * preflight refuses what cannot be shifted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

const LISTENER =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
const RULE =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
const GROUP =
  "arn:aws:globalaccelerator::123456789012:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu";
const BLUE_LB =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-blue/50dc6c495c0c9188";
const GREEN_LB =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-green/6ea2c0b1d7a3e412";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

function listenerWeights(e: Env, arn = LISTENER): Record<string, number> {
  const elb = e.sandbox.world.elbv2;
  const actions = arn === LISTENER ? elb.listener(arn).DefaultActions : elb.rule(arn).Actions;
  const forward = actions.find((a) => a.Type === "forward")!;
  return Object.fromEntries(
    forward.ForwardConfig!.TargetGroups!.map((t) => [
      elb.targetGroup(t.TargetGroupArn).TargetGroupName,
      t.Weight!,
    ]),
  );
}

function groupWeights(e: Env): Record<string, number> {
  const g = e.sandbox.world.globalaccelerator.endpointGroup(GROUP);
  return Object.fromEntries(
    g.EndpointDescriptions.map((d) => [d.EndpointId === BLUE_LB ? "blue" : "green", d.Weight]),
  );
}

describe("ALB listeners", () => {
  it("advance sets step 1's weights with one ModifyListener, keeping stickiness; an alarm rolls back", async () => {
    env = await setup(
      compressedPlan({
        traffic: { listeners: [{ listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" }] },
      }),
    );
    expect(listenerWeights(env)).toEqual({ "shop-blue": 100, "shop-green": 0 });
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(listenerWeights(env)).toEqual({ "shop-blue": 90, "shop-green": 10 });
    const action = env.sandbox.world.elbv2.listener(LISTENER).DefaultActions[0]!;
    expect(action.ForwardConfig?.TargetGroupStickinessConfig).toEqual({
      Enabled: true,
      DurationSeconds: 300,
    });
    expect(env.sandbox.calls.filter((c) => c.operation === "ModifyListener")).toHaveLength(1);
    expect(env.sandbox.calls.some((c) => c.operation === "ChangeResourceRecordSets")).toBe(false);

    env.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "test");
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(3);
    expect(listenerWeights(env)).toEqual({ "shop-blue": 100, "shop-green": 0 });
    const history = await env.cli(["--output", "json", "history", "plan.yaml"]);
    expect(history.json.events.map((e: { type: string }) => e.type)).toContain("rolled-back");
  });

  it("a listener rule is shifted with ModifyRule and the listener's default action stays", async () => {
    env = await setup(
      compressedPlan({
        traffic: {
          listeners: [{ listenerArn: LISTENER, ruleArn: RULE, blue: "shop-blue", green: "shop-green" }],
        },
      }),
    );
    const r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(listenerWeights(env, RULE)).toEqual({ "shop-blue": 90, "shop-green": 10 });
    expect(listenerWeights(env)).toEqual({ "shop-blue": 1 });
  });

  it("preflight refuses a forward action with a third target group, naming it; nothing is written", async () => {
    env = await setup(
      compressedPlan({
        traffic: { listeners: [{ listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" }] },
      }),
    );
    const elb = env.sandbox.world.elbv2;
    const third = elb.createTargetGroup("shop-canary").TargetGroupArn;
    const groups = elb.listener(LISTENER).DefaultActions[0]!.ForwardConfig!.TargetGroups!;
    elb.modifyListener(LISTENER, [
      { Type: "forward", ForwardConfig: { TargetGroups: [...groups, { TargetGroupArn: third, Weight: 5 }] } },
    ]);
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("preflight-failed");
    expect(r.json.error.message).toMatch(/shop-canary/);
    expect(env.sandbox.calls.some((c) => c.operation === "ModifyListener")).toBe(false);
  });

  it("a hand edit of the listener's weights pauses as drift, never overwritten", async () => {
    env = await setup(
      compressedPlan({
        traffic: { listeners: [{ listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" }] },
      }),
    );
    expect((await env.cli(["advance", "plan.yaml"])).code).toBe(0);
    const elb = env.sandbox.world.elbv2;
    elb.setWeight(LISTENER, elb.findTargetGroup("shop-green")!.TargetGroupArn, 40);
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.phase).toBe("paused");
    expect(listenerWeights(env)).toEqual({ "shop-blue": 90, "shop-green": 40 });
  });
});

describe("Global Accelerator endpoint groups", () => {
  it("advance writes the whole endpoint list with the step's weights; an alarm rolls back", async () => {
    env = await setup(
      compressedPlan({
        traffic: { accelerators: [{ endpointGroupArn: GROUP, blue: BLUE_LB, green: GREEN_LB }] },
      }),
    );
    let r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(groupWeights(env)).toEqual({ blue: 90, green: 10 });
    const group = env.sandbox.world.globalaccelerator.endpointGroup(GROUP);
    expect(group.EndpointDescriptions.every((d) => d.ClientIPPreservationEnabled === false)).toBe(true);
    expect(group).toMatchObject({ HealthCheckPath: "/healthz", HealthCheckPort: 443 });
    env.sandbox.world.cloudwatch.setAlarmState("shop-5xx", "ALARM", "test");
    r = await env.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(3);
    expect(groupWeights(env)).toEqual({ blue: 100, green: 0 });
  });

  it("preflight refuses an endpoint group without green's load balancer", async () => {
    env = await setup(
      compressedPlan({
        traffic: { accelerators: [{ endpointGroupArn: GROUP, blue: BLUE_LB, green: GREEN_LB }] },
      }),
    );
    env.sandbox.world.globalaccelerator.updateEndpointGroup(
      GROUP,
      [{ EndpointId: BLUE_LB, Weight: 100 }],
      {},
    );
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.findings.map((f: { code: string }) => f.code)).toContain("endpoint-missing");
  });
});

describe("a mix of all three kinds", () => {
  it("a kill after the listeners moved resumes with only the targets not yet moved", async () => {
    const base = compressedPlan();
    env = await setup(
      compressedPlan({
        traffic: {
          records: base.traffic!.records!.slice(0, 1),
          listeners: [{ listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" }],
          accelerators: [{ endpointGroupArn: GROUP, blue: BLUE_LB, green: GREEN_LB }],
        },
      }),
    );
    const killed = await env.cli(["advance", "plan.yaml"], {
      EKS_BLUEGREEN_CRASH_AT: "after-apply-listeners",
    });
    expect(killed.code).not.toBe(0);
    expect(listenerWeights(env)).toEqual({ "shop-blue": 90, "shop-green": 10 });
    expect(groupWeights(env)).toEqual({ blue: 100, green: 0 });
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(groupWeights(env)).toEqual({ blue: 90, green: 10 });
    const zone = env.sandbox.world.route53.zoneByName("example.com")!;
    expect(env.sandbox.world.route53.record(zone.id, "api.example.com", "A", "api-green")?.Weight).toBe(10);
    // The listener was written once: the resumed tick sent only what had not moved.
    expect(env.sandbox.calls.filter((c) => c.operation === "ModifyListener")).toHaveLength(1);
    const history = await env.cli(["--output", "json", "history", "plan.yaml"]);
    const types = history.json.events.map((e: { type: string }) => e.type);
    expect(types).toContain("reconciled");
    expect(types).not.toContain("drift");
  });

  it("run moves every target together to 100% and completes", async () => {
    const base = compressedPlan();
    env = await setup(
      compressedPlan({
        traffic: {
          records: base.traffic!.records!.slice(0, 1),
          listeners: [{ listenerArn: LISTENER, blue: "shop-blue", green: "shop-green" }],
          accelerators: [{ endpointGroupArn: GROUP, blue: BLUE_LB, green: GREEN_LB }],
        },
      }),
    );
    const r = await env.cli(["--output", "json", "run", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json.phase).toBe("completed");
    expect(listenerWeights(env)).toEqual({ "shop-blue": 0, "shop-green": 100 });
    expect(groupWeights(env)).toEqual({ blue: 0, green: 100 });
    const zone = env.sandbox.world.route53.zoneByName("example.com")!;
    expect(env.sandbox.world.route53.record(zone.id, "api.example.com", "A", "api-green")?.Weight).toBe(100);
  });
});
