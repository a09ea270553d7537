/**
 * The traffic targets an upgrade has ever written (`state.targets`) and the rules built on them: which
 * targets a changed plan drops, whether any target still sends traffic to blue before blue is retired,
 * and whether another upgrade names one of this plan's targets. Pure.
 */
import type { EndpointGroupRef, ListenerRef, PairReading, RecordPairRef } from "./ports.ts";
import { normalizeName } from "./route53-names.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Observation, SiblingUpgrade } from "./observation.ts";
import { UpgradeState, type PairWeights, type Phase, type Target } from "./state.ts";
import { endpointGroupLabel, endpointGroupWeights, listenerLabel, listenerWeights } from "./traffic.ts";
import { readWeights } from "./weights.ts";

/** The refs the ports read, from the plan (the order the plan lists them in). */
export function listenerRefs(plan: CompiledPlan): ListenerRef[] {
  return plan.doc.traffic.listeners.map((l) => ({
    listenerArn: l.listenerArn,
    ...(l.ruleArn !== undefined ? { ruleArn: l.ruleArn } : {}),
    blue: l.blue,
    green: l.green,
  }));
}

export function endpointGroupRefs(plan: CompiledPlan): EndpointGroupRef[] {
  return plan.doc.traffic.accelerators.map((a) => ({
    endpointGroupArn: a.endpointGroupArn,
    blue: a.blue,
    green: a.green,
  }));
}

export function recordPairs(plan: CompiledPlan): RecordPairRef[] {
  return plan.doc.traffic.records.map((r) => ({
    ...(r.zoneId !== undefined ? { zoneId: r.zoneId } : {}),
    ...(r.zoneName !== undefined ? { zoneName: r.zoneName } : {}),
    name: r.name,
    type: r.type,
    blue: r.blue,
    green: r.green,
  }));
}

/** The targets the plan names, in the form the state keeps: the refs the ports read, each with its kind. */
export function planTargets(plan: CompiledPlan): Target[] {
  return [
    ...recordPairs(plan).map((r) => ({ kind: "record" as const, ...r })),
    ...listenerRefs(plan).map((l) => ({ kind: "listener" as const, ...l })),
    ...endpointGroupRefs(plan).map((a) => ({ kind: "accelerator" as const, ...a })),
  ];
}

type RecordTarget = Extract<Target, { kind: "record" }>;
type ListenerTarget = Extract<Target, { kind: "listener" }>;
type AcceleratorTarget = Extract<Target, { kind: "accelerator" }>;

/** Identity of a target as written: the same zone reference, record and set identifiers (or ARNs). */
export function targetKey(t: Target | RecordPairRef): string {
  if ("kind" in t && t.kind === "listener")
    return ["listener", t.listenerArn, t.ruleArn ?? "", t.blue, t.green].join("|");
  if ("kind" in t && t.kind === "accelerator")
    return ["accelerator", t.endpointGroupArn, t.blue, t.green].join("|");
  const r = t as RecordTarget | RecordPairRef;
  const zone = r.zoneId ?? `name:${normalizeName(r.zoneName ?? "")}`;
  return ["record", zone, normalizeName(r.name), r.type.toUpperCase(), r.blue, r.green].join("|");
}

export function pairRef(t: RecordTarget): RecordPairRef {
  return {
    ...(t.zoneId !== undefined ? { zoneId: t.zoneId } : {}),
    ...(t.zoneName !== undefined ? { zoneName: t.zoneName } : {}),
    name: t.name,
    type: t.type,
    blue: t.blue,
    green: t.green,
  };
}

export function listenerRef(t: ListenerTarget): ListenerRef {
  return {
    listenerArn: t.listenerArn,
    ...(t.ruleArn ? { ruleArn: t.ruleArn } : {}),
    blue: t.blue,
    green: t.green,
  };
}

export function endpointGroupRef(t: AcceleratorTarget): EndpointGroupRef {
  return { endpointGroupArn: t.endpointGroupArn, blue: t.blue, green: t.green };
}

/** The refs of former targets by kind, for the driver to read. */
export function formerRefs(state: UpgradeState, plan: CompiledPlan) {
  const former = formerTargets(state, plan);
  return {
    records: former.flatMap((t) => (t.kind === "record" ? [pairRef(t)] : [])),
    listeners: former.flatMap((t) => (t.kind === "listener" ? [listenerRef(t)] : [])),
    endpointGroups: former.flatMap((t) => (t.kind === "accelerator" ? [endpointGroupRef(t)] : [])),
  };
}

/** Adds the plan's targets to `state.targets` (called whenever a shift intent is recorded). */
export function recordTargets(state: UpgradeState, plan: CompiledPlan): void {
  const known = new Set((state.targets ?? []).map(targetKey));
  const added = planTargets(plan).filter((t) => !known.has(targetKey(t)));
  if (added.length > 0 || !state.targets) state.targets = [...(state.targets ?? []), ...added];
}

/** Targets the state has written that the plan no longer names. */
export function formerTargets(state: UpgradeState, plan: CompiledPlan): Target[] {
  const current = new Set(planTargets(plan).map(targetKey));
  return (state.targets ?? []).filter((t) => !current.has(targetKey(t)));
}

export function targetLabel(t: Target): string {
  switch (t.kind) {
    case "record":
      return `${t.name} ${t.type}`;
    case "listener":
      return listenerLabel(listenerRef(t));
    case "accelerator":
      return endpointGroupLabel(endpointGroupRef(t));
  }
}

function unreadableWeights(t: Target): PairWeights {
  return { name: targetLabel(t), blue: null, green: null, percent: null };
}

/** One target as read now: its weights, or undefined when it could not be read or was not found. */
interface TargetReading {
  target: Target;
  weights: PairWeights | undefined;
}

function recordReading(r: PairReading): PairWeights | undefined {
  if (r.zoneId === undefined || (r.blue !== undefined && r.blue.Weight === undefined)) return undefined;
  // A green record that is gone carries no traffic.
  const w = readWeights([r])[0]!;
  return r.green === undefined ? { ...w, green: 0 } : w;
}

/** The reading of each former target, or undefined weights when it could not be read. */
function formerReadings(
  state: UpgradeState,
  plan: CompiledPlan,
  obs: Observation | undefined,
): TargetReading[] {
  return formerTargets(state, plan).map((target) => {
    const key = targetKey(target);
    let weights: PairWeights | undefined;
    if (target.kind === "record" && obs?.formerTraffic?.ok) {
      const r = obs.formerTraffic.value.find((x) => targetKey(x.pair) === key);
      weights = r ? recordReading(r) : undefined;
    } else if (target.kind === "listener" && obs?.formerListeners?.ok) {
      const r = obs.formerListeners.value.find((x) => targetKey({ kind: "listener", ...x.ref }) === key);
      weights = r?.listenerFound && r.ruleFound !== false ? listenerWeights(r) : undefined;
    } else if (target.kind === "accelerator" && obs?.formerEndpointGroups?.ok) {
      const r = obs.formerEndpointGroups.value.find(
        (x) => targetKey({ kind: "accelerator", ...x.ref }) === key,
      );
      weights = r?.found ? endpointGroupWeights(r) : undefined;
    }
    return { target, weights };
  });
}

/** All on blue: blue carries weight and green none. */
function allBlue(w: PairWeights): boolean {
  return w.blue !== null && w.blue > 0 && (w.green ?? 0) === 0;
}

/**
 * The targets a changed plan drops whose live weights are not all-blue (green above 0, or unreadable),
 * and the live weights of every dropped target (evidence).
 */
export function droppedLiveTargets(
  state: UpgradeState,
  plan: CompiledPlan,
  obs: Observation | undefined,
): { live: PairWeights[]; all: PairWeights[] } {
  const all: PairWeights[] = [];
  const live: PairWeights[] = [];
  for (const { target, weights } of formerReadings(state, plan, obs)) {
    const shown = weights ?? unreadableWeights(target);
    all.push(shown);
    if (!weights || !allBlue(weights)) live.push(shown);
  }
  return { live, all };
}

/**
 * Before blue is retired: every target the state ever wrote (the plan's and former ones), and which of
 * them still send traffic to blue (blue weight above 0) or could not be read.
 */
export function targetsOnBlue(
  state: UpgradeState,
  plan: CompiledPlan,
  obs: Observation | undefined,
): { onBlue: PairWeights[]; unreadable: string[] } {
  const onBlue: PairWeights[] = [];
  const unreadable: string[] = [];
  const judge = (w: PairWeights | undefined, label: string) => {
    if (!w) unreadable.push(label);
    else if ((w.blue ?? 0) > 0) onBlue.push(w);
  };
  if (!obs?.traffic.ok) {
    if (plan.doc.traffic.records.length > 0) unreadable.push("the plan's record pairs");
  } else for (const r of obs.traffic.value) judge(recordReading(r), readWeights([r])[0]!.name);
  if (obs?.listeners && !obs.listeners.ok) unreadable.push("the plan's ALB listeners");
  else
    for (const r of obs?.listeners?.ok ? obs.listeners.value : [])
      judge(r.listenerFound ? listenerWeights(r) : undefined, listenerLabel(r.ref));
  if (obs?.endpointGroups && !obs.endpointGroups.ok) unreadable.push("the plan's endpoint groups");
  else
    for (const r of obs?.endpointGroups?.ok ? obs.endpointGroups.value : [])
      judge(r.found ? endpointGroupWeights(r) : undefined, endpointGroupLabel(r.ref));
  for (const { target, weights } of formerReadings(state, plan, obs)) judge(weights, targetLabel(target));
  return { onBlue, unreadable };
}

/** The same target: for records the same record set (name and type, unless both name their zone differently). */
function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "listener") {
    const c = b as ListenerTarget;
    return a.listenerArn === c.listenerArn && (a.ruleArn ?? "") === (c.ruleArn ?? "");
  }
  if (a.kind === "accelerator") return a.endpointGroupArn === (b as AcceleratorTarget).endpointGroupArn;
  b = b as RecordTarget;
  if (normalizeName(a.name) !== normalizeName(b.name) || a.type.toUpperCase() !== b.type.toUpperCase())
    return false;
  if (a.zoneId !== undefined && b.zoneId !== undefined) return a.zoneId === b.zoneId;
  if (a.zoneName !== undefined && b.zoneName !== undefined)
    return normalizeName(a.zoneName) === normalizeName(b.zoneName);
  return true;
}

const TERMINAL_PHASES: readonly string[] = ["completed", "rolled-back"] satisfies Phase[];

/** Other upgrades, not finished, that have written one of this plan's targets. */
export function conflictingUpgrades(
  plan: CompiledPlan,
  others: readonly SiblingUpgrade[],
): { other: SiblingUpgrade; shared: Target[] }[] {
  const mine = planTargets(plan);
  return others
    .filter((o) => o.plan !== plan.name && !TERMINAL_PHASES.includes(o.phase))
    .map((other) => ({ other, shared: mine.filter((t) => other.targets.some((x) => sameTarget(t, x))) }))
    .filter((c) => c.shared.length > 0);
}

/**
 * Reads another upgrade's state document leniently: what matters here (plan, phase, targets), or the
 * reason it was skipped. Never throws.
 */
export function readSibling(text: string, location: string): SiblingUpgrade | { skipped: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { skipped: `${location} is not valid JSON` };
  }
  const parsed = UpgradeState.safeParse(raw);
  if (!parsed.success) return { skipped: `${location} is not a readable eks-bluegreen state` };
  const s = parsed.data;
  return { plan: s.plan.name, location, phase: s.phase, targets: s.targets ?? [] };
}

/** `name TYPE` of each target, for messages. */
export function targetLabels(targets: readonly Target[]): string {
  return targets.map(targetLabel).join(", ");
}
