/**
 * Why an upgrade waits or stopped, in words: the one place a stored reason (a code and its parameters,
 * state.ts `ReasonRecord`) becomes the sentence `status`, `run`, reports and notifications show.
 * Countdowns are kept as their end (`until`) and counted down from `now` here, so a reason shown later
 * is still right. Pure.
 */
import type { Reason, UpgradeState } from "./state.ts";

/** Whole seconds from `now` to `until` (0 once it passed). */
function secondsLeft(until: string | undefined, now: Date): number {
  if (until === undefined) return 0;
  return Math.max(0, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
}

export function reasonText(reason: Reason, now: Date): string {
  const r = reason;
  const left = () => secondsLeft(r.until, now);
  switch (r.code) {
    case "legacy":
    case "entered":
    case "paused":
    case "awaiting-approval":
      return r.text ?? "";
    case "not-started":
      return "not started";
    case "waiting-insync":
      return `Waiting for Route 53 to report INSYNC${r.step !== undefined ? ` for step ${r.step}` : ""} (${r.green}% green).`;
    case "baking": {
      const added = r.unwatchedMs ? ` (${Math.round(r.unwatchedMs / 1000)}s added for unwatched time)` : "";
      return `Baking step ${r.step} (${r.green}% green): ${left()}s left${added}.`;
    }
    case "bake-complete":
      return `Bake of step ${r.step} complete.`;
    case "holding":
      return `Holding (${r.verdict}): ${r.text}. Looking again; ${left()}s until rollback.onHoldTimeout applies.`;
    case "not-shifting":
      return `Not shifting while: ${r.text}.`;
    case "change-window":
      return `Waiting for change window${r.until ? ` (next opens ${r.until})` : ""}.`;
    case "approved":
      return `Approved ${r.text}; the next tick proceeds.`;
    case "already-rolled-back":
      return "Already rolled back: all traffic is on blue.";
    case "rollback-step":
      return `Rolling back gradually: ${r.green}% green, ${left()}s until the next step down.`;
    case "rollback-shifting":
      return `Rolling back gradually: shifting to ${r.green}% green.`;
    case "retire-countdown":
      return `Green holds 100%; ${left()}s until ${r.text} may start.`;
    case "retire-unreadable":
      return `Not retiring blue: cannot read ${r.text} to check that none still sends traffic to blue; looking again.`;
    case "retire-pending":
      return `Retiring blue cluster ${r.text}: EKS is still working; the next tick keeps waiting.`;
    case "traffic-unreadable":
      return `Cannot read the traffic targets to check the interrupted change: ${r.text}. Looking again.`;
    case "action-failed":
      return `${r.action} failed (${r.text}); the next tick checks what happened and continues.`;
    case "capacity":
      return `Holding before step ${r.step} (${r.green}% green): green is too small: ${r.text}. Scale green up (its HPA or GitOps); the upgrade moves on once it is.`;
    case "split":
      return `Waiting for the observed split of step ${r.step}: ${r.text}; ${left()}s until onNoConvergence (${r.then}).`;
  }
}

/** The state's reason as it read when it was written (counted down to `updatedAt`). */
export function storedReasonText(state: Pick<UpgradeState, "reason" | "updatedAt">): string {
  return reasonText(state.reason, new Date(state.updatedAt));
}
