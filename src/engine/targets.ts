/**
 * The traffic targets an upgrade has ever written (`state.targets`) and the rules built on them: which
 * targets a changed plan drops, whether any target still sends traffic to blue before blue is retired,
 * and whether another upgrade names one of this plan's targets. Pure.
 */
import type { PairReading, RecordPairRef } from "../aws/ports.ts";
import { normalizeName } from "../aws/route53-names.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { Observation, SiblingUpgrade } from "./observation.ts";
import { UpgradeState, type PairWeights, type Phase, type Target } from "./state.ts";
import { readWeights } from "./weights.ts";

/** The targets the plan names, in the form the state keeps. */
export function planTargets(plan: CompiledPlan): Target[] {
  return plan.doc.traffic.records.map((r) => ({
    kind: "record" as const,
    ...(r.zoneId !== undefined ? { zoneId: r.zoneId } : {}),
    ...(r.zoneName !== undefined ? { zoneName: r.zoneName } : {}),
    name: r.name,
    type: r.type,
    blue: r.blue,
    green: r.green,
  }));
}

/** Identity of a target as written: the same zone reference, record and set identifiers. */
export function targetKey(t: Target | RecordPairRef): string {
  const zone = t.zoneId ?? `name:${normalizeName(t.zoneName ?? "")}`;
  return ["record", zone, normalizeName(t.name), t.type.toUpperCase(), t.blue, t.green].join("|");
}

export function pairRef(t: Target): RecordPairRef {
  return {
    ...(t.zoneId !== undefined ? { zoneId: t.zoneId } : {}),
    ...(t.zoneName !== undefined ? { zoneName: t.zoneName } : {}),
    name: t.name,
    type: t.type,
    blue: t.blue,
    green: t.green,
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

function unreadableWeights(t: Target): PairWeights {
  return { name: `${t.name} ${t.type}`, blue: null, green: null, percent: null };
}

/** The reading of each former target, or undefined when it could not be read. */
function formerReadings(state: UpgradeState, plan: CompiledPlan, obs: Observation | undefined) {
  const former = formerTargets(state, plan);
  const part = obs?.formerTraffic;
  return former.map((t) => {
    const reading =
      part?.ok === true ? part.value.find((r) => targetKey(r.pair) === targetKey(t)) : undefined;
    return { target: t, reading: reading?.zoneId === undefined ? undefined : reading };
  });
}

/** All on blue: blue's record carries weight and green's carries none (or is gone). */
function allBlue(r: PairReading): boolean {
  const blue = r.blue?.Weight;
  const green = r.green === undefined ? 0 : r.green.Weight;
  return blue !== undefined && blue > 0 && green === 0;
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
  for (const { target, reading } of formerReadings(state, plan, obs)) {
    const weights = reading ? readWeights([reading])[0]! : unreadableWeights(target);
    all.push(weights);
    if (!reading || !allBlue(reading)) live.push(weights);
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
  const judgeReading = (r: PairReading) => {
    const w = readWeights([r])[0]!;
    if (r.zoneId === undefined || (r.blue !== undefined && r.blue.Weight === undefined)) {
      unreadable.push(w.name);
    } else if ((r.blue?.Weight ?? 0) > 0) {
      onBlue.push(w);
    }
  };
  if (!obs?.traffic.ok) unreadable.push("the plan's record pairs");
  else obs.traffic.value.forEach(judgeReading);
  for (const { target, reading } of formerReadings(state, plan, obs)) {
    if (reading) judgeReading(reading);
    else unreadable.push(`${target.name} ${target.type}`);
  }
  return { onBlue, unreadable };
}

/** Same record set in Route 53: name and type, unless both name their zone differently. */
function sameRecord(a: Target, b: Target): boolean {
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
    .map((other) => ({ other, shared: mine.filter((t) => other.targets.some((x) => sameRecord(t, x))) }))
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
  return targets.map((t) => `${t.name} ${t.type}`).join(", ");
}
