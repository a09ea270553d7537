/**
 * Pure rules for two ways the world around a tick goes wrong, kept apart from transition.ts so each is
 * small and tested on its own:
 *
 * - A shift cut short: Route 53 applies each request atomically, but one step can take several
 *   requests (one per hosted zone, more past the batch limits). A kill between two of them leaves some
 *   pairs at the new percent and the rest at the old one. That is the tool's own half-step, not drift:
 *   the rest is sent, and only the rest, so no pair is written twice.
 * - A fight over the records: another writer (a misconfigured ExternalDNS, a Terraform apply on a loop)
 *   puts its weights back after the tool's. Adopting its weights and moving on would loop forever, so a
 *   second drift soon after the first is reported as a fight, and adopting stops until it ends.
 */
import type { EventRecord, PairWeights } from "./state.ts";
import { differingPairs } from "./weights.ts";
import { DRIFT_EVENTS } from "./vocabulary.ts";

/** Two drifts closer together than this are one writer fighting the tool, not two hand edits. */
export const DRIFT_FIGHT_WINDOW_MS = 10 * 60_000;

/**
 * When every pair is at either `target` or `from` and some are at each, the shift to `target` was cut
 * short: returns the pairs already there and those still to send. Otherwise undefined.
 */
export function cutShortShift(
  weights: readonly PairWeights[],
  target: number,
  from: number,
): { done: PairWeights[]; todo: PairWeights[] } | undefined {
  const todo = differingPairs(weights, target);
  if (todo.length === 0 || todo.length === weights.length) return undefined;
  if (differingPairs(todo, from).length > 0) return undefined;
  return { done: weights.filter((w) => !todo.includes(w)), todo };
}

/** The latest drift logged within `windowMs` before `now`, if any. */
export function recentDrift(
  events: readonly EventRecord[],
  now: Date,
  windowMs = DRIFT_FIGHT_WINDOW_MS,
): EventRecord | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (now.getTime() - Date.parse(e.at) > windowMs) return undefined;
    if (DRIFT_EVENTS.has(e.type)) return e;
  }
  return undefined;
}

export function fightMessage(earlier: EventRecord, now: Date, live: string): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(earlier.at)) / 1000));
  return (
    `Something keeps rewriting the records: the weights drifted again ${seconds}s after the drift at ${earlier.at} ` +
    `(event #${earlier.seq}). Another writer (ExternalDNS, Terraform, a script) is fighting this tool over the ` +
    `records; not adopting or shifting while it does. Live: ${live}.`
  );
}

export function fightHint(planFile: string): string {
  return (
    `Find and stop the other writer (CloudTrail's ChangeResourceRecordSets events name it), then run ` +
    `\`eks-bluegreen resume ${planFile} --adopt\` once the weights have stayed put for ${DRIFT_FIGHT_WINDOW_MS / 60_000} minutes, ` +
    `or go back to blue with \`eks-bluegreen rollback ${planFile}\`.`
  );
}
