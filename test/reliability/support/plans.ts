/**
 * Compressed plans for the reliability suite: bakes and polls of tens of milliseconds, record pairs
 * spread over several hosted zones, and optionally enough pairs in one zone that Route 53's batch
 * limits split its change into several requests.
 */
import type { PlanInput } from "../../../src/plan/schema.ts";

export interface PlanShape {
  name?: string;
  /** Pairs per hosted zone, e.g. [2, 1, 1] = three zones. Default [2, 1]. */
  zones?: number[];
  steps?: number[];
  bake?: string;
  retire?: Partial<PlanInput["retire"] & object>;
  state?: PlanInput["state"];
  approvalAt?: number[];
  /** ALB listeners shifted by their default forward action, each on its own load balancer. Default 0. */
  listeners?: number;
  /** ALB listener rules shifted by their forward action (the listener's default action stays). Default 0. */
  rules?: number;
  /** Global Accelerator endpoint groups, each in its own accelerator. Default 0. */
  endpointGroups?: number;
}

const ACCOUNT = "123456789012";
const hex = (seed: string, n: number) => seed.padEnd(n, "0").slice(0, n);

/** One ALB target of a shape: a listener (default action) or a rule, with its two target groups by name. */
export interface ListenerOfShape {
  key: string;
  listenerArn: string;
  ruleArn?: string;
  blue: string;
  green: string;
}

/** The listeners, then the rules, of a shape: target groups `<key>-blue` / `<key>-green`. */
export function listenersOf(shape: PlanShape): ListenerOfShape[] {
  const out: ListenerOfShape[] = [];
  const listener = (key: string, i: number) =>
    `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/rel-${key}/${hex(`5${i}`, 16)}/${hex(`f${i}`, 16)}`;
  for (let i = 0; i < (shape.listeners ?? 0); i++) {
    const key = `l${i}`;
    out.push({ key, listenerArn: listener(key, i), blue: `${key}-blue`, green: `${key}-green` });
  }
  for (let i = 0; i < (shape.rules ?? 0); i++) {
    const key = `r${i}`;
    const listenerArn = listener(key, 50 + i);
    const ruleArn = `${listenerArn.replace(":listener/", ":listener-rule/")}/${hex(`9${i}`, 16)}`;
    out.push({ key, listenerArn, ruleArn, blue: `${key}-blue`, green: `${key}-green` });
  }
  return out;
}

/** The endpoint groups of a shape: endpoints are the load balancers `rel-g<i>-blue` / `rel-g<i>-green`. */
export function endpointGroupsOf(
  shape: PlanShape,
): { endpointGroupArn: string; blue: string; green: string }[] {
  return Array.from({ length: shape.endpointGroups ?? 0 }, (_, i) => {
    const lb = (side: string) =>
      `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/rel-g${i}-${side}/${hex(`6${i}`, 16)}`;
    return {
      endpointGroupArn: `arn:aws:globalaccelerator::${ACCOUNT}:accelerator/${hex(`a${i}`, 8)}-abcd-1234-abcd-1234abcdefgh/listener/${hex(`b${i}`, 8)}/endpoint-group/${hex(`c${i}`, 12)}`,
      blue: lb("blue"),
      green: lb("green"),
    };
  });
}

export function zoneName(z: number): string {
  return `zone${z}.example.com`;
}

export function pairsOf(shape: PlanShape): { zone: string; name: string; blue: string; green: string }[] {
  const out: { zone: string; name: string; blue: string; green: string }[] = [];
  (shape.zones ?? [2, 1]).forEach((count, z) => {
    for (let i = 0; i < count; i++) {
      out.push({ zone: zoneName(z), name: `r${i}.${zoneName(z)}`, blue: `r${i}-blue`, green: `r${i}-green` });
    }
  });
  return out;
}

export function reliabilityPlan(shape: PlanShape = {}): PlanInput {
  const bake = shape.bake ?? "50ms";
  const approvalAt = new Set(shape.approvalAt ?? []);
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: shape.name ?? "rel" },
    region: "us-east-1",
    clusters: {
      blue: { name: "shop-blue" },
      green: { name: "shop-green", kubernetesVersion: "1.31" },
    },
    traffic: {
      records: pairsOf(shape).map((p) => ({ zoneName: p.zone, name: p.name, blue: p.blue, green: p.green })),
      ...(shape.listeners || shape.rules
        ? { listeners: listenersOf(shape).map(({ key: _key, ...target }) => target) }
        : {}),
      ...(shape.endpointGroups ? { accelerators: endpointGroupsOf(shape) } : {}),
    },
    steps: (shape.steps ?? [10, 50, 100]).map((green, i) => ({
      green,
      bake,
      ...(approvalAt.has(i + 1) ? { approval: true } : {}),
    })),
    alarms: { names: ["shop-5xx"], pollInterval: "1s" },
    rollback: { holdTimeout: "2s" },
    retire: { after: "0s", mode: "keep", approval: false, blueRecords: "keep", ...shape.retire },
    ...(shape.state ? { state: shape.state } : {}),
  } as PlanInput;
}
