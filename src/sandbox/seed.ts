/**
 * Creates what a plan names, as a fresh account would hold it just before an upgrade: the hosted zones
 * and weighted record pairs (blue 100, green 0), the alarms (OK), blue one minor version below green,
 * green at the target version, their node groups and add-ons, a Fargate profile on blue, and the S3
 * state bucket when the plan keeps state in S3.
 */
import type { PlanDoc } from "../plan/schema.ts";
import { fillTemplate } from "../plan/analysis-text.ts";
import { sideVariables } from "../analysis/resolve.ts";
import type { HostedZone } from "./route53/world.ts";
import type { World } from "./world.ts";

export interface SeedOptions {
  /** Blue's Kubernetes version. Default: one minor below green's. */
  blueVersion?: string;
}

const DEFAULT_NODEGROUP = "default";
const DEFAULT_ADDON = "vpc-cni";
const HEALTH_CHECK_ID = "11111111-2222-3333-4444-555555555555";

export function seedWorld(world: World, plan: PlanDoc, options: SeedOptions = {}): void {
  seedRecords(world, plan);
  seedListeners(world, plan);
  seedAccelerators(world, plan);
  seedAlarms(world, plan);
  seedClusters(world, plan, options);
  seedTraffic(world, plan);
  if (plan.state.backend === "s3" && !world.s3.hasBucket(plan.state.bucket))
    world.s3.createBucket(plan.state.bucket);
  for (const sink of plan.notifications?.sinks ?? [])
    if (sink.kind === "sns") world.sns.createTopic(sink.topicArn);
}

export function previousMinor(version: string): string {
  const [major, minor] = version.split(".").map(Number);
  return `${major}.${Math.max(0, (minor ?? 1) - 1)}`;
}

function zoneFor(world: World, pair: PlanDoc["traffic"]["records"][number]): HostedZone {
  if (pair.zoneId) {
    const existing = world.route53.zone(pair.zoneId);
    if (existing) return existing;
    const name = pair.zoneName ?? pair.name.split(".").slice(1).join(".");
    return world.route53.createZone(name, { id: pair.zoneId });
  }
  const name = pair.zoneName ?? pair.name.split(".").slice(1).join(".");
  return world.route53.zoneByName(name) ?? world.route53.createZone(name);
}

function valuesFor(type: string, side: "blue" | "green", cluster: string): string[] {
  switch (type) {
    case "A":
      return [side === "blue" ? "192.0.2.10" : "198.51.100.10"];
    case "AAAA":
      return [side === "blue" ? "2001:db8::10" : "2001:db8::20"];
    case "CNAME":
      return [`${cluster}.elb.sandbox.invalid`];
    case "MX":
      return [`10 ${cluster}.mail.sandbox.invalid`];
    case "SRV":
      return [`10 5 443 ${cluster}.sandbox.invalid`];
    case "CAA":
      return ['0 issue "amazon.com"'];
    default:
      return [`"${side} ${cluster}"`];
  }
}

function seedRecords(world: World, plan: PlanDoc): void {
  for (const pair of plan.traffic.records) {
    const zone = zoneFor(world, pair);
    const sides = [
      { side: "blue" as const, setId: pair.blue, weight: 100, cluster: plan.clusters.blue.name },
      { side: "green" as const, setId: pair.green, weight: 0, cluster: plan.clusters.green.name },
    ];
    for (const { side, setId, weight, cluster } of sides) {
      if (world.route53.record(zone.id, pair.name, pair.type, setId)) continue;
      world.route53.putRecord(zone.id, {
        Name: pair.name,
        Type: pair.type,
        SetIdentifier: setId,
        Weight: weight,
        TTL: 60,
        ResourceRecords: valuesFor(pair.type, side, cluster).map((Value) => ({ Value })),
        // A health check on blue proves that weight changes keep every other field.
        ...(side === "blue" ? { HealthCheckId: HEALTH_CHECK_ID } : {}),
      });
    }
  }
}

function seedAlarms(world: World, plan: PlanDoc): void {
  const names = [...plan.alarms.names];
  for (const prefix of plan.alarms.prefixes) names.push(`${prefix}5xx-rate`, `${prefix}p99-latency`);
  for (const name of names) {
    if (world.cloudwatch.alarm(name)) continue;
    world.cloudwatch.putMetricAlarm({
      AlarmName: name,
      AlarmDescription: `Seeded by the eks-bluegreen sandbox for ${plan.metadata.name}`,
      MetricName: name.includes("latency") ? "TargetResponseTime" : "HTTPCode_Target_5XX_Count",
      Namespace: "AWS/ApplicationELB",
      Statistic: name.includes("latency") ? "Average" : "Sum",
      Dimensions: [{ Name: "LoadBalancer", Value: `app/${plan.clusters.green.name}/0123456789abcdef` }],
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: name.includes("latency") ? 0.5 : 10,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
    });
    world.cloudwatch.setAlarmState(
      name,
      "OK",
      "Threshold Crossed: no datapoints were breaching the threshold",
    );
  }
}

function seedClusters(world: World, plan: PlanDoc, options: SeedOptions): void {
  const green = plan.clusters.green;
  const blueVersion = options.blueVersion ?? previousMinor(green.kubernetesVersion);
  const nodegroups = green.nodegroups?.length ? green.nodegroups : [DEFAULT_NODEGROUP];
  const addons = green.addons?.length ? green.addons : [DEFAULT_ADDON];
  const clusters = [
    { name: plan.clusters.blue.name, version: blueVersion, fargate: true },
    { name: green.name, version: green.kubernetesVersion, fargate: false },
  ];
  for (const { name, version, fargate } of clusters) {
    if (world.eks.cluster(name)) continue;
    world.eks.createCluster(name, { version, status: "ACTIVE" });
    for (const nodegroup of nodegroups)
      world.eks.createNodegroup(name, nodegroup, { version, status: "ACTIVE" });
    for (const addon of addons) world.eks.createAddon(name, addon, { status: "ACTIVE" });
    if (fargate) world.eks.createFargateProfile(name, "fp-default", { status: "ACTIVE" });
    world.eks.addInsight(name, {
      name: "Kubernetes version skew",
      description: "Checks version of kubelet on managed node groups.",
      kubernetesVersion: version,
    });
  }
}

/**
 * Each listener (and rule) the plan names, with its load balancer and both target groups, under the
 * plan's own ARNs: a forward action with blue 100 / green 0 (a rule's listener forwards to blue alone).
 */
function seedListeners(world: World, plan: PlanDoc): void {
  const elb = world.elbv2;
  for (const l of plan.traffic.listeners) {
    // arn:…:listener/app/NAME/LBID/LISTENERID → the load balancer arn:…:loadbalancer/app/NAME/LBID
    const lbArn = l.listenerArn.replace(":listener/", ":loadbalancer/").split("/").slice(0, -1).join("/");
    const lbName = lbArn.split("/")[2] ?? "sandbox";
    if (!elb.hasLoadBalancer(lbArn)) elb.createLoadBalancer(lbName, { arn: lbArn });
    const group = (ref: string) => {
      const existing = elb.findTargetGroup(ref);
      if (existing) return existing.TargetGroupArn;
      const name = ref.startsWith("arn:") ? (ref.split("/")[1] ?? "tg") : ref;
      return elb.createTargetGroup(name, ref.startsWith("arn:") ? { arn: ref } : {}).TargetGroupArn;
    };
    const blue = group(l.blue);
    const green = group(l.green);
    const forward = (weights: [string, number][]) => ({
      Type: "forward",
      ForwardConfig: {
        TargetGroups: weights.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })),
        // Stickiness proves that a shift keeps every other field of the action.
        TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
      },
    });
    if (!elb.hasListener(l.listenerArn)) {
      const defaults = l.ruleArn
        ? [forward([[blue, 1]])]
        : [
            forward([
              [blue, 100],
              [green, 0],
            ]),
          ];
      elb.createListener(lbArn, 443, "HTTPS", defaults, l.listenerArn);
    }
    if (l.ruleArn && !elb.rulesOf(l.listenerArn).some((r) => r.RuleArn === l.ruleArn)) {
      elb.createRule(
        l.listenerArn,
        elb.rulesOf(l.listenerArn).length,
        [{ Field: "path-pattern", Values: ["/*"] }],
        [
          forward([
            [blue, 100],
            [green, 0],
          ]),
        ],
        l.ruleArn,
      );
    }
  }
}

/** Each endpoint group the plan names, under its own ARNs, holding blue (100) and green (0). */
function seedAccelerators(world: World, plan: PlanDoc): void {
  const ga = world.globalaccelerator;
  for (const a of plan.traffic.accelerators) {
    const [acceleratorArn, rest] = a.endpointGroupArn.split("/listener/") as [string, string | undefined];
    const listenerArn = `${acceleratorArn}/listener/${(rest ?? "").split("/")[0]}`;
    if (!ga.hasAccelerator(acceleratorArn)) ga.createAccelerator(plan.metadata.name, acceleratorArn);
    if (!ga.hasListener(listenerArn)) {
      ga.createListener(acceleratorArn, [{ FromPort: 443, ToPort: 443 }], "TCP", listenerArn);
    }
    if (!ga.hasEndpointGroup(a.endpointGroupArn)) {
      ga.createEndpointGroup(
        listenerArn,
        plan.clusters.green.region ?? plan.region,
        [
          { EndpointId: a.blue, Weight: 100, ClientIPPreservationEnabled: false },
          { EndpointId: a.green, Weight: 0, ClientIPPreservationEnabled: false },
        ],
        { HealthCheckPath: "/healthz", HealthCheckProtocol: "HTTPS", HealthCheckPort: 443 },
        a.endpointGroupArn,
      );
    }
  }
}

/**
 * The `LoadBalancer` dimension the plan's analysis queries use (the split's first, then the metrics'),
 * as written (templated); undefined when no query has one.
 */
function loadBalancerTemplate(plan: PlanDoc): string | undefined {
  const a = plan.analysis;
  if (!a) return undefined;
  const lists = [...(a.split ? [a.split.queries] : []), ...a.metrics.map((m) => m.queries)];
  for (const list of lists)
    for (const q of list)
      for (const d of q.metricStat?.dimensions ?? []) if (d.name === "LoadBalancer") return d.value;
  return undefined;
}

/**
 * With `analysis` in the plan, the traffic model follows the plan's first record pair and writes ALB
 * metrics under each side's load balancer, as the plan's per-side variables name it, so the plan's
 * metric gates and observed split have data to read.
 */
function seedTraffic(world: World, plan: PlanDoc): void {
  const template = loadBalancerTemplate(plan);
  const pair = plan.traffic.records[0];
  if (!template || !pair) return;
  const zone = zoneFor(world, pair);
  world.traffic.configure({
    record: { zoneId: zone.id, name: pair.name, type: pair.type, blue: pair.blue, green: pair.green },
    loadBalancers: {
      blue: fillTemplate(template, sideVariables(plan, "blue")),
      green: fillTemplate(template, sideVariables(plan, "green")),
    },
  });
}
