/**
 * The exact ModifyListener, ModifyRule and UpdateEndpointGroup request of every step for the ALB
 * listeners and Global Accelerator endpoint groups a plan shifts: built from the live resources (every
 * other field as read, only the two weights set), or from the plan with the live parts marked when
 * offline, as the Route 53 batches are.
 */
import type { EndpointGroupReading, ListenerReading } from "../engine/ports.ts";
import { withWeights } from "../aws/elbv2.ts";
import { endpointConfigurations } from "../aws/globalaccelerator.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Observation } from "../engine/observation.ts";

/** Shown where a field comes from the live resource when the step runs. */
export const FROM_LIVE = "<from live actions>";

export interface TargetRequest {
  operation: "ModifyListener" | "ModifyRule" | "UpdateEndpointGroup";
  /** The request as the tool would send it. */
  input: Record<string, unknown>;
}

export interface TargetRequests {
  /** true when built from live readings; false from the plan (offline, or a target could not be read). */
  exact: boolean;
  steps: { step: number; green: number; blue: number; requests: TargetRequest[] }[];
}

function listenerRequest(
  plan: CompiledPlan,
  index: number,
  green: number,
  live: ListenerReading | undefined,
): TargetRequest {
  const l = plan.doc.traffic.listeners[index]!;
  const blueArn = live?.blueArn ?? l.blue;
  const greenArn = live?.greenArn ?? l.green;
  const actions = live
    ? withWeights(live.actions, blueArn, greenArn, green)
    : [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blueArn, Weight: 100 - green },
              { TargetGroupArn: greenArn, Weight: green },
            ],
            TargetGroupStickinessConfig: FROM_LIVE,
          },
          "…": `other actions and fields ${FROM_LIVE}`,
        },
      ];
  return l.ruleArn
    ? { operation: "ModifyRule", input: { RuleArn: l.ruleArn, Actions: actions } }
    : { operation: "ModifyListener", input: { ListenerArn: l.listenerArn, DefaultActions: actions } };
}

function groupRequest(
  plan: CompiledPlan,
  index: number,
  green: number,
  live: EndpointGroupReading | undefined,
): TargetRequest {
  const a = plan.doc.traffic.accelerators[index]!;
  const ref = { endpointGroupArn: a.endpointGroupArn, blue: a.blue, green: a.green };
  const endpoints = live
    ? endpointConfigurations(live.endpoints, ref, green)
    : [
        { EndpointId: a.blue, Weight: 100 - green, ClientIPPreservationEnabled: FROM_LIVE },
        { EndpointId: a.green, Weight: green, ClientIPPreservationEnabled: FROM_LIVE },
        { "…": `every other endpoint ${FROM_LIVE}` },
      ];
  return {
    operation: "UpdateEndpointGroup",
    input: { EndpointGroupArn: a.endpointGroupArn, EndpointConfigurations: endpoints },
  };
}

export function buildTargetRequests(
  plan: CompiledPlan,
  observation: Observation | undefined,
): TargetRequests | null {
  const { listeners, accelerators } = plan.doc.traffic;
  if (listeners.length + accelerators.length === 0) return null;
  const liveListeners = observation?.listeners?.ok ? observation.listeners.value : undefined;
  const liveGroups = observation?.endpointGroups?.ok ? observation.endpointGroups.value : undefined;
  const usable = (r: ListenerReading) => r.listenerFound && r.ruleFound !== false && r.blueArn && r.greenArn;
  const exact =
    (listeners.length === 0 || (liveListeners?.every(usable) ?? false)) &&
    (accelerators.length === 0 || (liveGroups?.every((g) => g.found) ?? false));
  return {
    exact,
    steps: plan.steps.map((s) => ({
      step: s.index,
      green: s.green,
      blue: 100 - s.green,
      requests: [
        ...listeners.map((_, i) => listenerRequest(plan, i, s.green, exact ? liveListeners?.[i] : undefined)),
        ...accelerators.map((_, i) => groupRequest(plan, i, s.green, exact ? liveGroups?.[i] : undefined)),
      ],
    })),
  };
}

export function renderTargetRequests(t: TargetRequests): string {
  const title = t.exact
    ? "Load balancer and accelerator requests (exact: built from the live resources)"
    : `Load balancer and accelerator requests (from the plan; fields marked ${FROM_LIVE} are copied from the resource when the step runs)`;
  const steps = t.steps.map(
    (s) =>
      `Step ${s.step}: blue ${s.blue}, green ${s.green}\n` +
      s.requests.map((r) => `  ${r.operation} ${JSON.stringify(r.input)}`).join("\n"),
  );
  return `${title}\n\n${steps.join("\n\n")}`;
}
