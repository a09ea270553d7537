/**
 * Watched time of a bake (architecture rules 8 and 9). A bake completes only after its full duration
 * of watched time: time under a readable verdict, plus an unreadable gap that alarm history covers.
 * A gap is covered when history is on, the history read after the gap succeeded from before the gap
 * began, and nothing but the alarms was unreadable during it. Any other gap is added to the bake. Pure.
 */
import type { CompiledPlan } from "../plan/compile.ts";
import type { Draft } from "./draft.ts";
import type { Observation } from "./observation.ts";
import type { UpgradeState } from "./state.ts";
import type { Verdict } from "./verdict.ts";

/** An unreadable gap that ended this tick. */
export interface ClosedGap {
  ms: number;
  covered: boolean;
  /** It began and ended within this tick's reads (they succeeded after retrying): no hold was logged. */
  absorbed: boolean;
}

export interface GapChange {
  /** A gap began this tick. */
  opened: boolean;
  closed?: ClosedGap;
}

/** What this observation could not read, or read only after retrying: since when, and which parts. */
function unreadableParts(obs: Observation): { since?: string; alarmsOnly: boolean } {
  const parts = [
    obs.traffic,
    ...(obs.listeners ? [obs.listeners] : []),
    ...(obs.endpointGroups ? [obs.endpointGroups] : []),
    obs.alarms,
    obs.green,
    ...(obs.kubernetes ? [obs.kubernetes] : []),
  ];
  const others = parts.filter((p) => p !== obs.alarms);
  const retried = parts.flatMap((p) => (p.retriedSince ? [p.retriedSince] : []));
  const since = retried.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  // Only the alarms: the one part whose history can tell what happened meanwhile.
  const alarmsOnly = others.every((p) => p.ok && !p.retriedSince);
  return { ...(since ? { since } : {}), alarmsOnly };
}

/**
 * Whether the history this observation read covers a gap that began at `since`: history is on, it was
 * read (the alarms part is readable) and it was read from before the gap began.
 */
function historyCovers(d: Draft, obs: Observation, since: string): boolean {
  const from = d.state.alarmsSince;
  return (
    d.plan.doc.alarms.history && obs.alarms.ok && from !== undefined && Date.parse(from) <= Date.parse(since)
  );
}

/** Whether unreadable time counts against the current bake: baking, and the bake not yet complete. */
function watching(s: UpgradeState): boolean {
  return s.phase === "baking" && s.bakeStartedAt !== undefined && s.bakeCompletedAt === undefined;
}

/**
 * Opens, extends or closes the current bake's unreadable gap for this tick's verdict (not `fail`: a
 * failure rolls back or pauses). A gap opens at the tick's first failed attempt (or the tick itself)
 * and closes at the first readable tick; reads that succeeded only after retrying are a gap that
 * opened and closed within the tick. Returns what changed, for the hold events.
 */
export function watchBake(d: Draft, obs: Observation, verdict: Verdict): GapChange {
  const s = d.state;
  if (!watching(s)) return { opened: false };
  const gap = s.unreadable;
  const now = d.iso;
  const parts = unreadableParts(obs);
  // A part that could be read but is gone (a deleted alarm) is not a gap history can cover.
  const alarmsOnly = parts.alarmsOnly && (verdict.kind !== "error" || !obs.alarms.ok);
  if (verdict.kind === "error") {
    if (!gap) {
      const since = parts.since && parts.since < now ? parts.since : now;
      s.unreadable = { since, alarmsOnly };
      return { opened: true };
    }
    if (!alarmsOnly) gap.alarmsOnly = false;
    return { opened: false };
  }
  if (!gap && !parts.since) return { opened: false };
  delete s.unreadable;
  const since = gap?.since ?? parts.since!;
  const ms = Math.max(0, d.now.getTime() - Date.parse(since));
  const covered = (gap?.alarmsOnly ?? true) && alarmsOnly && historyCovers(d, obs, since);
  if (!covered && ms > 0) s.bakeUnwatchedMs = (s.bakeUnwatchedMs ?? 0) + ms;
  return { opened: false, closed: { ms, covered, absorbed: !gap } };
}

/** Evidence for the event that reports a closed gap. */
export function gapEvidence(s: UpgradeState, gap: ClosedGap | undefined) {
  if (!gap) return {};
  return {
    gapMs: gap.ms,
    gapCovered: gap.covered,
    ...(s.bakeUnwatchedMs ? { bakeUnwatchedMs: s.bakeUnwatchedMs } : {}),
  };
}

/** Words for a closed gap, appended to a hold message. */
export function gapWords(gap: ClosedGap): string {
  const secs = Math.round(gap.ms / 1000);
  return gap.covered
    ? `the ${secs}s unreadable gap is covered by alarm history`
    : `the ${secs}s unreadable gap is added to the bake (not covered by alarm history)`;
}

/**
 * When the current bake ends (epoch ms): its start, plus the step's bake, plus the unwatched time added.
 * Undefined when no bake runs or an unreadable gap is open (its end, and so the bake's, is unknown).
 */
export function bakeEndsAt(state: UpgradeState, plan: CompiledPlan): number | undefined {
  if (state.phase !== "baking" || !state.bakeStartedAt || state.unreadable) return undefined;
  const bakeMs = plan.steps[state.step - 1]?.bakeMs ?? 0;
  return Date.parse(state.bakeStartedAt) + bakeMs + (state.bakeUnwatchedMs ?? 0);
}

/** Forgets the watch of a bake (a new bake starts, or none runs any more). */
export function resetBakeWatch(s: UpgradeState): void {
  delete s.bakeUnwatchedMs;
  delete s.unreadable;
  delete s.bakeCompletedAt;
}
