/**
 * Elastic Load Balancing v2 over the query protocol (`Action=DescribeListeners&Version=2015-12-01`), as
 * the SDK and both AWS CLIs send it: the describe calls a shift reads, ModifyListener / ModifyRule that
 * it writes, and the create calls tests and people use to build a load balancer.
 */
import type { SandboxError } from "../http.ts";
import { xmlResponse, type SandboxRequest, type SandboxResponse, type ServiceProtocol } from "../http.ts";
import { queryDocument, queryErrorDocument, queryParams, unflatten } from "../query.ts";
import { elbError, type Action, type Elbv2World } from "./world.ts";

const NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

type Input = Record<string, unknown>;

function list(value: unknown): Input[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? (value as Input[]) : [];
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

function int(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw elbError("ValidationError", `${field} must be an integer.`);
  return n;
}

/** Query parameters arrive as strings: numbers and booleans of an action become typed again. */
function action(raw: Input, field: string): Action {
  const out: Action = { ...(raw as Action), Type: String(raw["Type"] ?? "") };
  const order = int(raw["Order"], `${field}.Order`);
  if (order !== undefined) out.Order = order;
  const forward = raw["ForwardConfig"] as Input | undefined;
  if (forward) {
    const stickiness = forward["TargetGroupStickinessConfig"] as Input | undefined;
    out.ForwardConfig = {
      TargetGroups: list(forward["TargetGroups"]).map((t, i) => ({
        TargetGroupArn: String(t["TargetGroupArn"] ?? ""),
        ...(t["Weight"] !== undefined
          ? { Weight: int(t["Weight"], `${field}.ForwardConfig.TargetGroups.member.${i + 1}.Weight`)! }
          : {}),
      })),
      ...(stickiness
        ? {
            TargetGroupStickinessConfig: {
              Enabled: stickiness["Enabled"] === true || stickiness["Enabled"] === "true",
              ...(stickiness["DurationSeconds"] !== undefined
                ? {
                    DurationSeconds: int(
                      stickiness["DurationSeconds"],
                      `${field}.TargetGroupStickinessConfig.DurationSeconds`,
                    )!,
                  }
                : {}),
            },
          }
        : {}),
    };
  }
  return out;
}

function actions(value: unknown, field: string): Action[] | undefined {
  if (value === undefined) return undefined;
  return list(value).map((a, i) => action(a, `${field}.member.${i + 1}`));
}

type Operation = (world: Elbv2World, input: Input) => Record<string, unknown>;

const OPERATIONS: Record<string, { mutating: boolean; run: Operation }> = {
  DescribeLoadBalancers: {
    mutating: false,
    run: (w, input) => {
      const arns = strings(input["LoadBalancerArns"]);
      const names = strings(input["Names"]);
      let found = w.allLoadBalancers();
      if (arns.length > 0) found = arns.map((a) => w.loadBalancer(a));
      if (names.length > 0) {
        found = names.map((n) => {
          const lb = w.allLoadBalancers().find((x) => x.LoadBalancerName === n);
          if (!lb) throw elbError("LoadBalancerNotFound", `Load balancers '[${n}]' not found`);
          return lb;
        });
      }
      return { LoadBalancers: found };
    },
  },
  DescribeTargetGroups: {
    mutating: false,
    run: (w, input) => {
      const arns = strings(input["TargetGroupArns"]);
      const names = strings(input["Names"]);
      const lb = input["LoadBalancerArn"] as string | undefined;
      let found = w.allTargetGroups();
      if (arns.length > 0) found = arns.map((a) => w.targetGroup(a));
      if (names.length > 0) {
        found = names.map((n) => {
          const tg = w.allTargetGroups().find((x) => x.TargetGroupName === n);
          if (!tg) throw elbError("TargetGroupNotFound", `One or more target groups not found`);
          return tg;
        });
      }
      if (lb) found = found.filter((tg) => w.loadBalancersOf(tg.TargetGroupArn).includes(lb));
      return {
        TargetGroups: found.map((tg) => ({ ...tg, LoadBalancerArns: w.loadBalancersOf(tg.TargetGroupArn) })),
      };
    },
  },
  DescribeListeners: {
    mutating: false,
    run: (w, input) => {
      const arns = strings(input["ListenerArns"]);
      const lb = input["LoadBalancerArn"] as string | undefined;
      if (arns.length === 0 && !lb) {
        throw elbError("ValidationError", "You must specify either listener ARNs or a load balancer ARN");
      }
      return { Listeners: arns.length > 0 ? arns.map((a) => w.listener(a)) : w.listenersOf(lb!) };
    },
  },
  DescribeRules: {
    mutating: false,
    run: (w, input) => {
      const arns = strings(input["RuleArns"]);
      const listener = input["ListenerArn"] as string | undefined;
      if (arns.length === 0 && !listener) {
        throw elbError("ValidationError", "You must specify either listener ARN or rule ARNs");
      }
      return { Rules: arns.length > 0 ? arns.map((a) => w.rule(a)) : w.rulesOf(listener!) };
    },
  },
  ModifyListener: {
    mutating: true,
    run: (w, input) => {
      const arn = String(input["ListenerArn"] ?? "");
      const l = w.modifyListener(
        arn,
        actions(input["DefaultActions"], "DefaultActions"),
        int(input["Port"], "Port"),
      );
      return { Listeners: [l] };
    },
  },
  ModifyRule: {
    mutating: true,
    run: (w, input) => {
      const arn = String(input["RuleArn"] ?? "");
      const conditions = input["Conditions"] === undefined ? undefined : list(input["Conditions"]);
      return { Rules: [w.modifyRule(arn, actions(input["Actions"], "Actions"), conditions)] };
    },
  },
  CreateLoadBalancer: {
    mutating: true,
    run: (w, input) => ({
      LoadBalancers: [
        w.createLoadBalancer(String(input["Name"] ?? ""), {
          ...(input["Type"] ? { type: String(input["Type"]) } : {}),
          ...(input["Scheme"] ? { scheme: String(input["Scheme"]) } : {}),
        }),
      ],
    }),
  },
  CreateTargetGroup: {
    mutating: true,
    run: (w, input) => ({
      TargetGroups: [
        w.createTargetGroup(String(input["Name"] ?? ""), {
          ...(input["Protocol"] ? { protocol: String(input["Protocol"]) } : {}),
          ...(input["Port"] !== undefined ? { port: int(input["Port"], "Port")! } : {}),
          ...(input["TargetType"] ? { targetType: String(input["TargetType"]) } : {}),
        }),
      ],
    }),
  },
  CreateListener: {
    mutating: true,
    run: (w, input) => ({
      Listeners: [
        w.createListener(
          String(input["LoadBalancerArn"] ?? ""),
          int(input["Port"], "Port") ?? 80,
          String(input["Protocol"] ?? "HTTP"),
          actions(input["DefaultActions"], "DefaultActions") ?? [],
        ),
      ],
    }),
  },
  CreateRule: {
    mutating: true,
    run: (w, input) => ({
      Rules: [
        w.createRule(
          String(input["ListenerArn"] ?? ""),
          int(input["Priority"], "Priority") ?? 1,
          list(input["Conditions"]),
          actions(input["Actions"], "Actions") ?? [],
        ),
      ],
    }),
  },
};

export function elbv2Protocol(world: Elbv2World): ServiceProtocol {
  return {
    service: "elasticloadbalancing",
    throttling: { status: 400, code: "Throttling", message: "Rate exceeded" },
    renderError,
    route(request) {
      const params = queryParams(request);
      const name = params.get("Action");
      const operation = name ? OPERATIONS[name] : undefined;
      if (!name || !operation) return undefined;
      return {
        operation: name,
        mutating: operation.mutating,
        run(): SandboxResponse {
          const output = operation.run(world, unflatten(params));
          return xmlResponse(200, queryDocument(name, NS, output, request.requestId), request.requestId);
        },
      };
    },
  };
}

function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  return xmlResponse(
    error.status,
    queryErrorDocument(
      NS,
      error.type,
      error.options.queryCode ?? error.code,
      error.message,
      request.requestId,
    ),
    request.requestId,
  );
}
