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
}

export interface GapChange {
  /** A gap began this tick. */
  opened: boolean;
  closed?: ClosedGap;
}

/** Only the alarms could not be read: the one part whose history can tell what happened meanwhile. */
function onlyAlarmsUnreadable(obs: Observation): boolean {
  return !obs.alarms.ok && obs.traffic.ok && obs.green.ok && (obs.kubernetes?.ok ?? true);
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
 * failure rolls back or pauses). Returns what changed, for the hold events' evidence.
 */
export function watchBake(d: Draft, obs: Observation, verdict: Verdict): GapChange {
  const s = d.state;
  if (!watching(s)) return { opened: false };
  const gap = s.unreadable;
  if (verdict.kind === "error") {
    const alarmsOnly = onlyAlarmsUnreadable(obs);
    if (!gap) {
      s.unreadable = { since: d.iso, alarmsOnly };
      return { opened: true };
    }
    if (gap.alarmsOnly && !alarmsOnly) gap.alarmsOnly = false;
    return { opened: false };
  }
  if (!gap) return { opened: false };
  delete s.unreadable;
  const ms = Math.max(0, d.now.getTime() - Date.parse(gap.since));
  const covered = gap.alarmsOnly && historyCovers(d, obs, gap.since);
  if (!covered) s.bakeUnwatchedMs = (s.bakeUnwatchedMs ?? 0) + ms;
  return { opened: false, closed: { ms, covered } };
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
