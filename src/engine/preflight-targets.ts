/**
 * Preflight of the ALB listeners and Global Accelerator endpoint groups a plan shifts: what must hold
 * before the first step, judged from what ELBv2 and Global Accelerator said. Each problem is an error
 * finding with a stable code (nothing is written when preflight has errors). Pure.
 */
import type { EndpointGroupReading, ListenerReading } from "./ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { EngineFinding, EngineFindingCode } from "./vocabulary.ts";
import {
  endpointGroupLabel,
  endpointGroupWeights,
  forwardActions,
  forwardGroups,
  listenerLabel,
  listenerWeights,
} from "./traffic.ts";

export interface TargetPreflightOptions {
  adoptLive?: boolean;
}

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` → its parts, or undefined. */
function arnParts(arn: string): { service: string; region: string; resource: string } | undefined {
  const m = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):\d{12}:(.+)$/.exec(arn);
  return m ? { service: m[1]!, region: m[2]!, resource: m[3]! } : undefined;
}

function formatPercent(p: number): string {
  return Number.isInteger(p) ? `${p}%` : `${p.toFixed(1)}%`;
}

function error(code: EngineFindingCode, message: string, subject: string): EngineFinding {
  return { severity: "error", code, message, subject };
}

/** ARNs that name the wrong service, region or resource type: known from the plan alone. */
export function listenerArnFindings(plan: CompiledPlan): EngineFinding[] {
  const out: EngineFinding[] = [];
  const regions = new Set([plan.doc.region, plan.doc.clusters.blue.region, plan.doc.clusters.green.region]);
  for (const l of plan.doc.traffic.listeners) {
    const subject = `listener/${l.listenerArn}`;
    const arn = arnParts(l.listenerArn);
    if (!arn || arn.service !== "elasticloadbalancing" || !arn.resource.startsWith("listener/")) {
      out.push(
        error(
          "listener-arn-wrong",
          `${l.listenerArn} is not an ELBv2 listener ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/…).`,
          subject,
        ),
      );
      continue;
    }
    if (!regions.has(arn.region)) {
      out.push(
        error(
          "listener-wrong-region",
          `Listener ${l.listenerArn} is in ${arn.region}, not in the plan's region ${plan.doc.region} (or a cluster's).`,
          subject,
        ),
      );
    }
    if (l.ruleArn !== undefined) {
      const rule = arnParts(l.ruleArn);
      const listenerPart = arn.resource.slice("listener/".length);
      const ruleListener = rule?.resource.startsWith("listener-rule/")
        ? rule.resource.slice("listener-rule/".length).split("/").slice(0, -1).join("/")
        : undefined;
      if (!rule || rule.service !== "elasticloadbalancing" || ruleListener === undefined) {
        out.push(error("rule-arn-wrong", `${l.ruleArn} is not an ELBv2 listener rule ARN.`, subject));
      } else if (ruleListener !== listenerPart || rule.region !== arn.region) {
        out.push(
          error(
            "rule-not-on-listener",
            `Rule ${l.ruleArn} does not belong to listener ${l.listenerArn}.`,
            subject,
          ),
        );
      }
    }
  }
  for (const a of plan.doc.traffic.accelerators) {
    const subject = `endpoint-group/${a.endpointGroupArn}`;
    const arn = arnParts(a.endpointGroupArn);
    if (
      !arn ||
      arn.service !== "globalaccelerator" ||
      !/^accelerator\/[^/]+\/listener\/[^/]+\/endpoint-group\/[^/]+$/.test(arn.resource)
    ) {
      out.push(
        error(
          "endpoint-group-arn-wrong",
          `${a.endpointGroupArn} is not a Global Accelerator endpoint group ARN (arn:aws:globalaccelerator::ACCOUNT:accelerator/…/listener/…/endpoint-group/…).`,
          subject,
        ),
      );
    }
    for (const [side, id] of [
      ["blue", a.blue],
      ["green", a.green],
    ] as const) {
      const endpoint = arnParts(id);
      if (
        !endpoint ||
        endpoint.service !== "elasticloadbalancing" ||
        !endpoint.resource.startsWith("loadbalancer/")
      ) {
        out.push(
          error("endpoint-arn-wrong", `${side}'s endpoint ${id} is not a load balancer ARN.`, subject),
        );
      }
    }
  }
  return out;
}

/** What ELBv2 says of each listener or rule: it exists, forwards to exactly the pair, all on blue. */
export function listenerFindings(
  readings: readonly ListenerReading[],
  options: TargetPreflightOptions,
): EngineFinding[] {
  const out: EngineFinding[] = [];
  for (const r of readings) {
    const label = listenerLabel(r.ref);
    const subject = r.ref.ruleArn ? `rule/${r.ref.ruleArn}` : `listener/${r.ref.listenerArn}`;
    if (!r.listenerFound) {
      out.push(
        error(
          "listener-not-found",
          `Listener ${r.ref.listenerArn} was not found (ListenerNotFound).`,
          subject,
        ),
      );
      continue;
    }
    if (r.ruleFound === false) {
      out.push(error("rule-not-found", `Rule ${r.ref.ruleArn} was not found (RuleNotFound).`, subject));
      continue;
    }
    if (r.ref.ruleArn && r.ruleListenerArn !== undefined && r.ruleListenerArn !== r.ref.listenerArn) {
      out.push(
        error(
          "rule-not-on-listener",
          `Rule ${r.ref.ruleArn} belongs to ${r.ruleListenerArn}, not to ${r.ref.listenerArn}.`,
          subject,
        ),
      );
      continue;
    }
    const missing = [r.blueArn ? undefined : r.ref.blue, r.greenArn ? undefined : r.ref.green].filter(
      Boolean,
    );
    if (missing.length > 0) {
      out.push(
        error(
          "target-group-not-found",
          `Target group ${missing.join(" and ")} of ${label} was not found (TargetGroupNotFound).`,
          subject,
        ),
      );
      continue;
    }
    const forwards = forwardActions(r);
    if (forwards.length !== 1) {
      const kinds = r.actions.map((a) => a.Type).join(", ") || "none";
      out.push(
        error(
          "listener-not-forward",
          `${label} has ${forwards.length === 0 ? "no forward action" : "more than one forward action"} (actions: ${kinds}); it must forward to blue's and green's target groups with weights.`,
          subject,
        ),
      );
      continue;
    }
    const groups = forwardGroups(r);
    const others = groups.filter((g) => g.arn !== r.blueArn && g.arn !== r.greenArn);
    if (others.length > 0) {
      out.push(
        error(
          "listener-other-target-groups",
          `${label} also forwards to ${others.map((o) => `${o.arn} (weight ${o.weight})`).join(", ")}; only blue's and green's target groups may be in the forward action.`,
          subject,
        ),
      );
    }
    const absent = [r.blueArn!, r.greenArn!].filter((arn) => !groups.some((g) => g.arn === arn));
    if (absent.length > 0) {
      out.push(
        error(
          "target-group-not-attached",
          `${label} does not forward to ${absent.join(" and ")}; attach both clusters' target groups to its forward action (weights blue 100, green 0).`,
          subject,
        ),
      );
      continue;
    }
    out.push(...startWeights(listenerWeights(r), label, subject, options));
  }
  return out;
}

/** What Global Accelerator says of each endpoint group: it exists, holds both endpoints, all on blue. */
export function endpointGroupFindings(
  readings: readonly EndpointGroupReading[],
  options: TargetPreflightOptions,
): EngineFinding[] {
  const out: EngineFinding[] = [];
  for (const r of readings) {
    const label = endpointGroupLabel(r.ref);
    const subject = `endpoint-group/${r.ref.endpointGroupArn}`;
    if (!r.found) {
      out.push(
        error(
          "endpoint-group-not-found",
          `Endpoint group ${r.ref.endpointGroupArn} was not found (EndpointGroupNotFoundException).`,
          subject,
        ),
      );
      continue;
    }
    const ids = r.endpoints.map((e) => e.EndpointId);
    const missing = [r.ref.blue, r.ref.green].filter((id) => !ids.includes(id));
    if (missing.length > 0) {
      out.push(
        error(
          "endpoint-missing",
          `${label} has no endpoint ${missing.join(" and ")}; add both clusters' load balancers to it (blue weight 100, green 0).`,
          subject,
        ),
      );
      continue;
    }
    out.push(...startWeights(endpointGroupWeights(r), label, subject, options));
  }
  return out;
}

/** Before the first shift only all-blue is the expected start, as for record pairs. */
function startWeights(
  w: { blue: number | null; green: number | null; percent: number | null },
  label: string,
  subject: string,
  options: TargetPreflightOptions,
): EngineFinding[] {
  if (w.percent === null) {
    return [
      {
        severity: "warning",
        code: "weights-all-zero",
        message: `${label} has both weights at 0; step 1 sets them.`,
        subject,
      },
    ];
  }
  if ((w.green ?? 0) === 0) {
    return [
      { severity: "info", code: "target-found", message: `${label}: all on blue (green 0%).`, subject },
    ];
  }
  return [
    {
      severity: options.adoptLive ? "warning" : "error",
      code: "weights-not-all-blue",
      message: options.adoptLive
        ? `${label}: green already receives ${formatPercent(w.percent)} (weights blue ${w.blue}, green ${w.green}); --adopt-live starts from it.`
        : `${label}: green already receives ${formatPercent(w.percent)} (weights blue ${w.blue}, green ${w.green}); an upgrade starts only from all-blue (green 0), or from the live weights with --adopt-live.`,
      subject,
    },
  ];
}
