/**
 * The ALB listeners adapter against moto and the sandbox: weighted forward actions are read and written
 * with every other field kept, rules apart from the listener's default actions, names resolved.
 */
import { beforeAll, expect, it } from "vitest";
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createListenersPort } from "../../src/aws/elbv2.ts";
import { createCaller } from "../../src/aws/retry.ts";
import { describeEachBackend, REGION, type Backend } from "../support/backends.ts";
import { useBackend } from "./harness.ts";

interface Fixture {
  listenerArn: string;
  ruleArn: string;
  blueArn: string;
  greenArn: string;
  otherArn: string;
}

function port(b: Backend) {
  const clients = createClientFactory({ settings: { endpointUrl: b.endpoint, region: REGION } });
  const ops: string[] = [];
  const inner = createCaller({ policy: { retries: 2, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 5_000 } });
  const listeners = createListenersPort({
    client: (region) => clients.elbv2({ region }),
    caller: { call: (op, fn, signal) => (ops.push(op), inner.call(op, fn, signal)) },
  });
  return { listeners, ops, raw: () => clients.elbv2({}) };
}

async function build(b: Backend): Promise<Fixture> {
  const config = { endpoint: b.endpoint, region: REGION, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  const subnets: string[] = [];
  for (const [i, az] of ["us-east-1a", "us-east-1b"].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }),
    );
    subnets.push(s.Subnet!.SubnetId!);
  }
  const lb = (
    await elb.send(new CreateLoadBalancerCommand({ Name: "shop", Subnets: subnets, Type: "application" }))
  ).LoadBalancers![0]!.LoadBalancerArn!;
  const tg = async (Name: string) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({ Name, Protocol: "HTTP", Port: 80, VpcId: vpc, TargetType: "ip" }),
      )
    ).TargetGroups![0]!.TargetGroupArn!;
  const blueArn = await tg("shop-blue");
  const greenArn = await tg("shop-green");
  const otherArn = await tg("shop-other");
  const forward = (weights: [string, number][], stickiness: boolean) => ({
    Type: "forward" as const,
    ForwardConfig: {
      TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
      TargetGroupStickinessConfig: stickiness ? { Enabled: true, DurationSeconds: 300 } : { Enabled: false },
    },
  });
  const listenerArn = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: "HTTP",
        Port: 80,
        DefaultActions: [
          forward(
            [
              [blueArn, 100],
              [greenArn, 0],
            ],
            true,
          ),
        ],
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  const ruleArn = (
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: "path-pattern", Values: ["/api/*"] }],
        Actions: [
          forward(
            [
              [blueArn, 100],
              [greenArn, 0],
              [otherArn, 5],
            ],
            false,
          ),
        ],
      }),
    )
  ).Rules![0]!.RuleArn!;
  return { listenerArn, ruleArn, blueArn, greenArn, otherArn };
}

const weights = (
  actions: { ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[] } }[],
) =>
  Object.fromEntries(
    (actions.find((a) => a.ForwardConfig)?.ForwardConfig?.TargetGroups ?? []).map((t) => [
      t.TargetGroupArn,
      t.Weight,
    ]),
  );

describeEachBackend("ALB listeners adapter", (spec) => {
  const backend = useBackend(spec);
  let f: Fixture;
  beforeAll(async () => {
    f = await build(backend.current);
  });

  it("reads the listener's forward action, resolving target group names", async () => {
    const { listeners } = port(backend.current);
    const [r] = await listeners.read([
      { listenerArn: f.listenerArn, blue: "shop-blue", green: "shop-green" },
    ]);
    expect(r).toMatchObject({
      listenerFound: true,
      ruleFound: undefined,
      blueArn: f.blueArn,
      greenArn: f.greenArn,
    });
    expect(weights(r!.actions)).toEqual({ [f.blueArn]: 100, [f.greenArn]: 0 });
  });

  it("sets both weights in one ModifyListener, keeps stickiness, and re-reads them", async () => {
    const { listeners, ops, raw } = port(backend.current);
    const readings = await listeners.read([
      { listenerArn: f.listenerArn, blue: f.blueArn, green: f.greenArn },
    ]);
    const after = await listeners.apply(readings, 30);
    expect(ops.filter((o) => o.endsWith("ModifyListener"))).toHaveLength(1);
    expect(weights(after[0]!.actions)).toEqual({ [f.blueArn]: 70, [f.greenArn]: 30 });
    const live = await (await raw()).send(new DescribeListenersCommand({ ListenerArns: [f.listenerArn] }));
    const action = live.Listeners![0]!.DefaultActions![0]!;
    expect(action.ForwardConfig?.TargetGroupStickinessConfig).toMatchObject({
      Enabled: true,
      DurationSeconds: 300,
    });
  });

  it("changes a rule's weights with ModifyRule, leaving a third target group and the listener alone", async () => {
    const { listeners, ops, raw } = port(backend.current);
    const readings = await listeners.read([
      { listenerArn: f.listenerArn, ruleArn: f.ruleArn, blue: f.blueArn, green: f.greenArn },
    ]);
    expect(readings[0]).toMatchObject({ ruleFound: true, ruleListenerArn: f.listenerArn });
    await listeners.apply(readings, 50);
    expect(ops).toContain("elasticloadbalancing:ModifyRule");
    const rules = await (await raw()).send(new DescribeRulesCommand({ RuleArns: [f.ruleArn] }));
    expect(weights(rules.Rules![0]!.Actions!)).toEqual({
      [f.blueArn]: 50,
      [f.greenArn]: 50,
      [f.otherArn]: 5,
    });
    expect(rules.Rules![0]!.Conditions?.[0]).toMatchObject({ Field: "path-pattern" });
  });

  it("reports an unknown listener or target group name without failing the others", async () => {
    const { listeners } = port(backend.current);
    const missing = f.listenerArn.replace(/[0-9a-f]{6}$/, "000000");
    const readings = await listeners.read([
      { listenerArn: f.listenerArn, blue: "shop-blue", green: "no-such-group" },
      { listenerArn: missing, blue: "shop-blue", green: "shop-green" },
    ]);
    expect(readings[0]).toMatchObject({ listenerFound: true, greenArn: undefined });
    expect(readings[1]).toMatchObject({ listenerFound: false, actions: [] });
  });
});
