/**
 * ListenersPort over ELBv2: reads the forward action of each listener (its default actions) or rule, and
 * sets the two target groups' weights with ModifyListener / ModifyRule, sending back every other field
 * of the actions as read (other actions, stickiness, order). No rules of the upgrade: whether a reading
 * may be shifted is decided by the engine from what this port reports.
 */
import type {
  Action,
  ElasticLoadBalancingV2Client,
  Listener,
  Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AwsError } from "../errors.ts";
import type {
  CallOptions,
  ListenerAction,
  ListenerReading,
  ListenerRef,
  ListenersPort,
} from "../engine/ports.ts";
import type { Caller } from "./retry.ts";

export interface ListenersPortDeps {
  /** A client for the region an ARN names. */
  client: (region: string) => Promise<ElasticLoadBalancingV2Client>;
  caller: Caller;
}

/** DescribeListeners / DescribeRules / DescribeTargetGroups take at most 20 ARNs or names a call. */
const PER_CALL = 20;

const sdk = () => import("@aws-sdk/client-elastic-load-balancing-v2");

/** `arn:aws:elasticloadbalancing:REGION:ACCOUNT:…` → REGION. */
export function arnRegion(arn: string): string {
  return arn.split(":")[3] ?? "";
}

const isArn = (s: string) => s.startsWith("arn:");

function chunks<T>(items: readonly T[], size = PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function notFound(error: unknown): boolean {
  return (
    error instanceof AwsError &&
    ["ListenerNotFound", "RuleNotFound", "TargetGroupNotFound"].includes(error.awsCode ?? "")
  );
}

/** The weight of a target group in a forward action (undefined when it is not there). */
export function forwardWeight(
  actions: readonly ListenerAction[],
  targetGroupArn: string,
): number | undefined {
  for (const a of actions) {
    if (a.Type !== "forward") continue;
    const tuple = a.ForwardConfig?.TargetGroups?.find((t) => t.TargetGroupArn === targetGroupArn);
    if (tuple) return tuple.Weight ?? 1;
    if (a.TargetGroupArn === targetGroupArn) return 1;
  }
  return undefined;
}

/**
 * The same actions with the pair's weights set (green = p, blue = 100 − p); every other field, action
 * and target group as read. A single-target-group shorthand (`TargetGroupArn`) is dropped once the
 * forward config names more than one group, as ELBv2 requires.
 */
export function withWeights(
  actions: readonly ListenerAction[],
  blueArn: string,
  greenArn: string,
  green: number,
): Action[] {
  // The one cast of the ELBv2 adapter: the actions are the SDK's objects as read, typed in the core by
  // the fields it reads (`engine/ports.ts` `ListenerAction`); every other field is still on them.
  return actions.map((a): ListenerAction => {
    if (a.Type !== "forward" || !a.ForwardConfig?.TargetGroups) return a;
    const TargetGroups = a.ForwardConfig.TargetGroups.map((t) => ({
      ...t,
      Weight: t.TargetGroupArn === greenArn ? green : t.TargetGroupArn === blueArn ? 100 - green : t.Weight,
    }));
    const { TargetGroupArn: single, ...rest } = a;
    return {
      ...rest,
      ...(single !== undefined && TargetGroups.length <= 1 ? { TargetGroupArn: single } : {}),
      ForwardConfig: { ...a.ForwardConfig, TargetGroups },
    };
  }) as Action[];
}

export function createListenersPort(deps: ListenersPortDeps): ListenersPort {
  const { caller } = deps;

  /**
   * Describes by ARN in calls of at most 20. One unknown ARN fails the whole call, so a chunk that fails
   * with *NotFound is asked one ARN at a time to tell which; unknown ones are simply absent.
   */
  async function describeByArn<T>(
    arns: string[],
    send: (chunk: string[]) => Promise<T[]>,
    arnOf: (item: T) => string,
  ): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const take = (items: T[]) => items.forEach((item) => out.set(arnOf(item), item));
    for (const chunk of chunks(arns)) {
      try {
        take(await send(chunk));
      } catch (error) {
        if (!notFound(error)) throw error;
        if (chunk.length === 1) continue;
        for (const arn of chunk)
          take(await send([arn]).catch((e: unknown) => (notFound(e) ? [] : Promise.reject(e))));
      }
    }
    return out;
  }

  async function describeListeners(region: string, arns: string[], signal?: AbortSignal) {
    const { DescribeListenersCommand } = await sdk();
    const client = await deps.client(region);
    return describeByArn<Listener>(
      arns,
      async (ListenerArns) =>
        (
          await caller.call(
            "elasticloadbalancing:DescribeListeners",
            (abortSignal) => client.send(new DescribeListenersCommand({ ListenerArns }), { abortSignal }),
            signal,
          )
        ).Listeners ?? [],
      (l) => l.ListenerArn!,
    );
  }

  async function describeRules(region: string, arns: string[], signal?: AbortSignal) {
    const { DescribeRulesCommand } = await sdk();
    const client = await deps.client(region);
    return describeByArn<Rule>(
      arns,
      async (RuleArns) =>
        (
          await caller.call(
            "elasticloadbalancing:DescribeRules",
            (abortSignal) => client.send(new DescribeRulesCommand({ RuleArns }), { abortSignal }),
            signal,
          )
        ).Rules ?? [],
      (r) => r.RuleArn!,
    );
  }

  /** Target group names → ARNs (ARNs pass through); an unknown name maps to undefined. */
  async function resolveTargetGroups(
    region: string,
    names: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, string>> {
    const { DescribeTargetGroupsCommand } = await sdk();
    const client = await deps.client(region);
    const out = new Map<string, string>();
    for (const chunk of chunks([...new Set(names.filter((n) => !isArn(n)))])) {
      const send = (Names: string[]) =>
        caller.call(
          "elasticloadbalancing:DescribeTargetGroups",
          (abortSignal) => client.send(new DescribeTargetGroupsCommand({ Names }), { abortSignal }),
          signal,
        );
      const found = await send(chunk).catch(async (error: unknown) => {
        if (!notFound(error)) throw error;
        const one = await Promise.all(
          chunk.map((n) =>
            send([n]).catch((e: unknown) => (notFound(e) ? { TargetGroups: [] } : Promise.reject(e))),
          ),
        );
        return { TargetGroups: one.flatMap((o) => o.TargetGroups ?? []) };
      });
      for (const tg of found.TargetGroups ?? []) out.set(tg.TargetGroupName!, tg.TargetGroupArn!);
    }
    return out;
  }

  async function read(refs: readonly ListenerRef[], options: CallOptions = {}): Promise<ListenerReading[]> {
    const byRegion = new Map<string, ListenerRef[]>();
    for (const ref of refs)
      byRegion.set(arnRegion(ref.listenerArn), [...(byRegion.get(arnRegion(ref.listenerArn)) ?? []), ref]);
    const readings = new Map<ListenerRef, ListenerReading>();
    for (const [region, group] of byRegion) {
      const [listeners, rules, names] = await Promise.all([
        describeListeners(
          region,
          group.map((r) => r.listenerArn),
          options.signal,
        ),
        describeRules(
          region,
          group.flatMap((r) => (r.ruleArn ? [r.ruleArn] : [])),
          options.signal,
        ),
        resolveTargetGroups(
          region,
          group.flatMap((r) => [r.blue, r.green]),
          options.signal,
        ),
      ]);
      for (const ref of group) {
        const listener = listeners.get(ref.listenerArn);
        const rule = ref.ruleArn ? rules.get(ref.ruleArn) : undefined;
        const arnOf = (tg: string) => (isArn(tg) ? tg : names.get(tg));
        readings.set(ref, {
          ref,
          listenerFound: listener !== undefined,
          ruleFound: ref.ruleArn === undefined ? undefined : rule !== undefined,
          ruleListenerArn: rule ? ruleListener(rule) : undefined,
          blueArn: arnOf(ref.blue),
          greenArn: arnOf(ref.green),
          actions: (ref.ruleArn ? rule?.Actions : listener?.DefaultActions) ?? [],
        });
      }
    }
    return refs.map((r) => readings.get(r)!);
  }

  return {
    read,
    async apply(readings, greenPercent, options = {}) {
      const { ModifyListenerCommand, ModifyRuleCommand } = await sdk();
      for (const r of readings) {
        if (!r.blueArn || !r.greenArn) {
          throw new AwsError({
            awsCode: "TargetGroupNotFound",
            message: `target group ${r.blueArn ? r.ref.green : r.ref.blue} of ${r.ref.ruleArn ?? r.ref.listenerArn} was not found`,
            operation: "DescribeTargetGroups",
          });
        }
        const client = await deps.client(arnRegion(r.ref.listenerArn));
        const actions = withWeights(r.actions, r.blueArn, r.greenArn, greenPercent);
        if (r.ref.ruleArn) {
          await caller.call(
            "elasticloadbalancing:ModifyRule",
            (abortSignal) =>
              client.send(new ModifyRuleCommand({ RuleArn: r.ref.ruleArn, Actions: actions }), {
                abortSignal,
              }),
            options.signal,
          );
        } else {
          await caller.call(
            "elasticloadbalancing:ModifyListener",
            (abortSignal) =>
              client.send(
                new ModifyListenerCommand({ ListenerArn: r.ref.listenerArn, DefaultActions: actions }),
                {
                  abortSignal,
                },
              ),
            options.signal,
          );
        }
      }
      return read(
        readings.map((r) => r.ref),
        options,
      );
    },
  };
}

/** A rule ARN names its listener: `…:listener-rule/app/LB/ID/LISTENER/RULE` → `…:listener/app/LB/ID/LISTENER`. */
function ruleListener(rule: Rule): string | undefined {
  const arn = rule.RuleArn ?? "";
  const m = /^(.*):listener-rule\/(.+)\/[^/]+$/.exec(arn);
  return m ? `${m[1]}:listener/${m[2]}` : undefined;
}
