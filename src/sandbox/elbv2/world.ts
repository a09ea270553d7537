/**
 * Application Load Balancers as data: load balancers, target groups, listeners and their rules, with
 * forward actions that spread requests over weighted target groups (what a blue/green shift changes).
 * Validation follows ELBv2's: unknown ARNs are *NotFound errors, weights are 0–999, at most five target
 * groups a forward action, and a listener's default rule changes only through ModifyListener.
 */
import { randomBytes } from "node:crypto";
import { SandboxError } from "../http.ts";

export interface TargetGroupTuple {
  TargetGroupArn: string;
  Weight?: number;
}

export interface Action {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups?: TargetGroupTuple[];
    TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number };
  };
  /** Other action kinds (redirect, fixed-response, authenticate-*) are kept as they came. */
  [other: string]: unknown;
}

export interface LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  DNSName: string;
  Type: string;
  Scheme: string;
  State: { Code: string };
  VpcId: string;
}

export interface TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol: string;
  Port: number;
  VpcId: string;
  TargetType: string;
}

export interface Listener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  DefaultActions: Action[];
}

export interface Rule {
  RuleArn: string;
  ListenerArn: string;
  Priority: string;
  Conditions: unknown[];
  Actions: Action[];
  IsDefault: boolean;
}

const MAX_WEIGHT = 999;
const MAX_TARGET_GROUPS = 5;

export function elbError(code: string, message: string, status = 400): SandboxError {
  return new SandboxError(status, code, message, { queryCode: code });
}

const hex = () => randomBytes(8).toString("hex");

export class Elbv2World {
  private readonly loadBalancers = new Map<string, LoadBalancer>();
  private readonly targetGroups = new Map<string, TargetGroup>();
  private readonly listeners = new Map<string, Listener>();
  private readonly rules = new Map<string, Rule>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  private arn(resource: string): string {
    return `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:${resource}`;
  }

  createLoadBalancer(
    name: string,
    options: { type?: string; scheme?: string; arn?: string } = {},
  ): LoadBalancer {
    if ([...this.loadBalancers.values()].some((lb) => lb.LoadBalancerName === name)) {
      throw elbError("DuplicateLoadBalancerName", `A load balancer with the name '${name}' already exists.`);
    }
    const id = hex();
    const lb: LoadBalancer = {
      LoadBalancerArn: options.arn ?? this.arn(`loadbalancer/app/${name}/${id}`),
      LoadBalancerName: name,
      DNSName: `${name}-${id.slice(0, 10)}.${this.region}.elb.amazonaws.com`,
      Type: options.type ?? "application",
      Scheme: options.scheme ?? "internet-facing",
      State: { Code: "active" },
      VpcId: "vpc-sandbox",
    };
    this.loadBalancers.set(lb.LoadBalancerArn, lb);
    return lb;
  }

  createTargetGroup(
    name: string,
    options: { protocol?: string; port?: number; targetType?: string; arn?: string } = {},
  ): TargetGroup {
    if ([...this.targetGroups.values()].some((tg) => tg.TargetGroupName === name)) {
      throw elbError("DuplicateTargetGroupName", `A target group with the name '${name}' already exists.`);
    }
    const tg: TargetGroup = {
      TargetGroupArn: options.arn ?? this.arn(`targetgroup/${name}/${hex()}`),
      TargetGroupName: name,
      Protocol: options.protocol ?? "HTTP",
      Port: options.port ?? 80,
      VpcId: "vpc-sandbox",
      TargetType: options.targetType ?? "ip",
    };
    this.targetGroups.set(tg.TargetGroupArn, tg);
    return tg;
  }

  createListener(
    loadBalancerArn: string,
    port: number,
    protocol: string,
    actions: Action[],
    arn?: string,
  ): Listener {
    const lb = this.loadBalancer(loadBalancerArn);
    const listener: Listener = {
      ListenerArn: arn ?? lb.LoadBalancerArn.replace(":loadbalancer/", ":listener/") + `/${hex()}`,
      LoadBalancerArn: lb.LoadBalancerArn,
      Port: port,
      Protocol: protocol,
      DefaultActions: this.checkActions(actions, "DefaultActions"),
    };
    this.listeners.set(listener.ListenerArn, listener);
    return listener;
  }

  createRule(
    listenerArn: string,
    priority: number,
    conditions: unknown[],
    actions: Action[],
    arn?: string,
  ): Rule {
    const listener = this.listener(listenerArn);
    if (this.rulesOf(listener.ListenerArn).some((r) => r.Priority === String(priority))) {
      throw elbError("PriorityInUse", `The specified priority is in use.`);
    }
    const rule: Rule = {
      RuleArn: arn ?? listener.ListenerArn.replace(":listener/", ":listener-rule/") + `/${hex()}`,
      ListenerArn: listener.ListenerArn,
      Priority: String(priority),
      Conditions: conditions,
      Actions: this.checkActions(actions, "Actions"),
      IsDefault: false,
    };
    this.rules.set(rule.RuleArn, rule);
    return rule;
  }

  hasLoadBalancer(arn: string): boolean {
    return this.loadBalancers.has(arn);
  }

  hasListener(arn: string): boolean {
    return this.listeners.has(arn);
  }

  findTargetGroup(nameOrArn: string): TargetGroup | undefined {
    return (
      this.targetGroups.get(nameOrArn) ??
      [...this.targetGroups.values()].find((t) => t.TargetGroupName === nameOrArn)
    );
  }

  loadBalancer(arn: string): LoadBalancer {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw elbError("LoadBalancerNotFound", `One or more load balancers not found`);
    return lb;
  }

  listener(arn: string): Listener {
    const l = this.listeners.get(arn);
    if (!l) throw elbError("ListenerNotFound", `One or more listeners not found`);
    return l;
  }

  rule(arn: string): Rule {
    const defaultOf = [...this.listeners.values()].find((l) => this.defaultRuleArn(l) === arn);
    if (defaultOf) return this.defaultRule(defaultOf);
    const r = this.rules.get(arn);
    if (!r) throw elbError("RuleNotFound", `One or more rules not found`);
    return r;
  }

  targetGroup(arn: string): TargetGroup {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw elbError("TargetGroupNotFound", `One or more target groups not found`);
    return tg;
  }

  allLoadBalancers(): LoadBalancer[] {
    return [...this.loadBalancers.values()];
  }

  allTargetGroups(): TargetGroup[] {
    return [...this.targetGroups.values()];
  }

  listenersOf(loadBalancerArn: string): Listener[] {
    this.loadBalancer(loadBalancerArn);
    return [...this.listeners.values()].filter((l) => l.LoadBalancerArn === loadBalancerArn);
  }

  allListeners(): Listener[] {
    return [...this.listeners.values()];
  }

  /** The listener's rules by priority, then its default rule last, as DescribeRules lists them. */
  rulesOf(listenerArn: string): Rule[] {
    const listener = this.listener(listenerArn);
    const own = [...this.rules.values()]
      .filter((r) => r.ListenerArn === listenerArn)
      .sort((a, b) => Number(a.Priority) - Number(b.Priority));
    return [...own, this.defaultRule(listener)];
  }

  /** Load balancers whose listeners or rules forward to the target group. */
  loadBalancersOf(targetGroupArn: string): string[] {
    const out = new Set<string>();
    for (const l of this.listeners.values()) {
      const actions = [...l.DefaultActions, ...this.rulesOf(l.ListenerArn).flatMap((r) => r.Actions)];
      if (actions.some((a) => targetGroupsOf(a).includes(targetGroupArn))) out.add(l.LoadBalancerArn);
    }
    return [...out];
  }

  modifyListener(arn: string, actions: Action[] | undefined, port?: number): Listener {
    const listener = this.listener(arn);
    if (actions) listener.DefaultActions = this.checkActions(actions, "DefaultActions");
    if (port !== undefined) listener.Port = port;
    return listener;
  }

  modifyRule(arn: string, actions: Action[] | undefined, conditions: unknown[] | undefined): Rule {
    const rule = this.rule(arn);
    if (rule.IsDefault) {
      throw elbError("OperationNotPermitted", "The default rule cannot be modified; use ModifyListener.");
    }
    if (actions) rule.Actions = this.checkActions(actions, "Actions");
    if (conditions) rule.Conditions = conditions;
    return rule;
  }

  /** A hand edit in the console: sets one target group's weight in a listener's default forward action. */
  setWeight(listenerArn: string, targetGroupArn: string, weight: number): void {
    const listener = this.listener(listenerArn);
    for (const a of listener.DefaultActions) {
      for (const t of a.ForwardConfig?.TargetGroups ?? [])
        if (t.TargetGroupArn === targetGroupArn) t.Weight = weight;
    }
  }

  private defaultRuleArn(listener: Listener): string {
    return listener.ListenerArn.replace(":listener/", ":listener-rule/") + "/default";
  }

  private defaultRule(listener: Listener): Rule {
    return {
      RuleArn: this.defaultRuleArn(listener),
      ListenerArn: listener.ListenerArn,
      Priority: "default",
      Conditions: [],
      Actions: listener.DefaultActions,
      IsDefault: true,
    };
  }

  private checkActions(actions: Action[], field: string): Action[] {
    if (actions.length === 0) throw elbError("ValidationError", `${field} must not be empty.`);
    return actions.map((action, i) => {
      const where = `${field}.member.${i + 1}`;
      if (action.Type !== "forward") return structuredClone(action);
      const tuples = action.ForwardConfig?.TargetGroups ?? [];
      if (action.TargetGroupArn === undefined && tuples.length === 0) {
        throw elbError("ValidationError", `${where}: a forward action needs a target group.`);
      }
      if (tuples.length > MAX_TARGET_GROUPS) {
        throw elbError(
          "TooManyTargetGroups",
          `${where}: at most ${MAX_TARGET_GROUPS} target groups a forward action.`,
        );
      }
      if (action.TargetGroupArn !== undefined && tuples.length > 0) {
        const single = tuples.length === 1 && tuples[0]!.TargetGroupArn === action.TargetGroupArn;
        if (!single) {
          throw elbError(
            "ValidationError",
            `${where}: TargetGroupArn and ForwardConfig name different target groups.`,
          );
        }
      }
      for (const t of tuples) {
        const weight = t.Weight ?? 1;
        if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
          throw elbError(
            "ValidationError",
            `${where}: weight ${String(t.Weight)} must be an integer from 0 to ${MAX_WEIGHT}.`,
          );
        }
      }
      for (const arn of targetGroupsOf(action)) this.targetGroup(arn);
      return normalizeForward(structuredClone(action));
    });
  }
}

export function targetGroupsOf(action: Action): string[] {
  if (action.Type !== "forward") return [];
  const arns = (action.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn);
  if (action.TargetGroupArn) arns.push(action.TargetGroupArn);
  return [...new Set(arns)];
}

/** As ELBv2 answers: ForwardConfig always present, TargetGroupArn only when one group is named. */
function normalizeForward(action: Action): Action {
  const tuples = action.ForwardConfig?.TargetGroups?.length
    ? action.ForwardConfig.TargetGroups.map((t) => ({
        TargetGroupArn: t.TargetGroupArn,
        Weight: t.Weight ?? 1,
      }))
    : [{ TargetGroupArn: action.TargetGroupArn!, Weight: 1 }];
  const out: Action = {
    ...action,
    ForwardConfig: {
      TargetGroups: tuples,
      TargetGroupStickinessConfig: action.ForwardConfig?.TargetGroupStickinessConfig ?? { Enabled: false },
    },
  };
  if (tuples.length === 1) out.TargetGroupArn = tuples[0]!.TargetGroupArn;
  else delete out.TargetGroupArn;
  return out;
}
