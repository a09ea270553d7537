/**
 * Every kind of traffic target seen the same way: Route 53 record pairs, ALB listeners and rules, and
 * Global Accelerator endpoint groups each read as blue and green weights (PairWeights), under one
 * label per target, so drift, reconciliation, adoption and retirement apply to all of them alike.
 * Pure.
 */
import type { EndpointGroupReading, ListenerReading, ListenerRef, EndpointGroupRef } from "./ports.ts";
import type { Observation } from "./observation.ts";
import type { PairWeights } from "./state.ts";
import { readWeights } from "./weights.ts";

/** The last path segments of an ARN: enough to tell targets apart in messages. */
function shortArn(arn: string, segments: number): string {
  return arn.split("/").slice(-segments).join("/");
}

export function listenerLabel(ref: ListenerRef): string {
  return ref.ruleArn ? `rule ${shortArn(ref.ruleArn, 4)}` : `listener ${shortArn(ref.listenerArn, 3)}`;
}

export function endpointGroupLabel(ref: EndpointGroupRef): string {
  return `endpoint-group ${shortArn(ref.endpointGroupArn, 1)}`;
}

/** The forward actions of a listener's default actions or a rule's actions. */
export function forwardActions(reading: ListenerReading): ListenerReading["actions"] {
  return reading.actions.filter((a) => a.Type === "forward");
}

/** Target groups of the forward actions with their weights (a lone `TargetGroupArn` weighs 1). */
export function forwardGroups(reading: ListenerReading): { arn: string; weight: number }[] {
  return forwardActions(reading).flatMap((a) =>
    a.ForwardConfig?.TargetGroups?.length
      ? a.ForwardConfig.TargetGroups.map((t) => ({ arn: t.TargetGroupArn ?? "", weight: t.Weight ?? 1 }))
      : a.TargetGroupArn
        ? [{ arn: a.TargetGroupArn, weight: 1 }]
        : [],
  );
}

function share(blue: number | null, green: number | null): number | null {
  if (blue === null || green === null || blue + green === 0) return null;
  return (green / (blue + green)) * 100;
}

export function listenerWeights(reading: ListenerReading): PairWeights {
  const groups = forwardGroups(reading);
  const weight = (arn: string | undefined) =>
    arn === undefined ? null : (groups.find((g) => g.arn === arn)?.weight ?? null);
  const blue = reading.listenerFound ? weight(reading.blueArn) : null;
  const green = reading.listenerFound ? weight(reading.greenArn) : null;
  return { name: listenerLabel(reading.ref), blue, green, percent: share(blue, green) };
}

export function endpointGroupWeights(reading: EndpointGroupReading): PairWeights {
  const weight = (id: string) => reading.endpoints.find((e) => e.EndpointId === id)?.Weight ?? null;
  const blue = reading.found ? weight(reading.ref.blue) : null;
  const green = reading.found ? weight(reading.ref.green) : null;
  return { name: endpointGroupLabel(reading.ref), blue, green, percent: share(blue, green) };
}

/** Every target's weights, or undefined when any kind could not be read. */
export function trafficWeights(obs: Observation | undefined): PairWeights[] | undefined {
  if (!obs || trafficError(obs) !== undefined) return undefined;
  return [
    ...(obs.traffic.ok ? readWeights(obs.traffic.value) : []),
    ...(obs.listeners?.ok ? obs.listeners.value.map(listenerWeights) : []),
    ...(obs.endpointGroups?.ok ? obs.endpointGroups.value.map(endpointGroupWeights) : []),
  ];
}

/** Why some target could not be read, naming the service; undefined when every kind was read. */
export function trafficError(obs: Observation): string | undefined {
  if (!obs.traffic.ok) return `Route 53: ${obs.traffic.error}`;
  if (obs.listeners && !obs.listeners.ok) return `ELBv2: ${obs.listeners.error}`;
  if (obs.endpointGroups && !obs.endpointGroups.ok) return `Global Accelerator: ${obs.endpointGroups.error}`;
  return undefined;
}
