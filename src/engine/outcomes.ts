/**
 * What the driver reports back: the outcome of each action (`submitted`, `in-sync`, `retired`, …) and,
 * on the next load, what Route 53 says about a side effect that was interrupted. Pure.
 */
import type { Draft } from "./draft.ts";
import { cutShortShift } from "./interruptions.ts";
import type { Observation } from "./observation.ts";
import { trafficError } from "./traffic.ts";
import {
  applied,
  completedMessage,
  drift,
  enterBaking,
  finishRollback,
  mayRetire,
  phaseExitCode,
  retireOrComplete,
} from "./rules.ts";
import type { PairWeights } from "./state.ts";
import type { Input } from "./transition.ts";
import { differingPairs } from "./weights.ts";

// -------------------------------------------------------------------------------- reconciliation

/** A side effect was in flight when the last tick ended: find out from Route 53 whether it happened. */
export function reconcile(d: Draft, obs: Observation, weights: PairWeights[] | undefined): void {
  const s = d.state;
  const intent = s.intent!;
  if (intent.action === "retire") {
    // The check before retiring holds for a repeat too: blue must carry no traffic.
    if (!mayRetire(d, obs)) return;
    d.event("reconciled", `Retiring blue was interrupted; doing it again (it is safe to repeat).`);
    d.actions.push({ type: "retire", mode: intent.mode });
    return;
  }
  if (!weights) {
    d.wait({ code: "traffic-unreadable", text: trafficError(obs) ?? "" }, phaseExitCode(s.phase));
    return;
  }
  if (intent.action === "delete-blue-records") {
    const remaining = obs.traffic.ok ? obs.traffic.value.filter((r) => r.blue !== undefined) : [];
    if (remaining.length === 0) {
      delete s.intent;
      d.event("reconciled", "Blue's records were already deleted before the interruption.", {
        evidence: { weights },
      });
      d.enter("completed", "completed", completedMessage(d.plan));
    } else {
      d.actions.push({ type: "delete-blue-records" });
    }
    return;
  }
  if (differingPairs(weights, intent.green).length === 0) {
    d.event(
      "reconciled",
      `The interrupted shift to ${intent.green}% green had been applied (found by reading Route 53).`,
      {
        evidence: { weights, expectedGreen: intent.green },
      },
    );
    applied(d, [], intent.at);
    if (s.phase === "rolling-back") finishRollback(d);
    else enterBaking(d, obs);
    return;
  }
  const cut = cutShortShift(weights, intent.green, s.writtenGreen);
  if (cut) {
    // Route 53 applied the step's requests for some hosted zones before the interruption: send the rest only.
    d.event(
      "reconciled",
      `The interrupted shift to ${intent.green}% green reached ${cut.done.length} of ${weights.length} pair(s); sending the rest (${cut.todo.map((w) => w.name).join(", ")}).`,
      { evidence: { weights, expectedGreen: intent.green } },
    );
    d.actions.push({
      type: "shift",
      green: intent.green,
      step: intent.step,
      only: cut.todo.map((w) => w.name),
    });
    return;
  }
  if (differingPairs(weights, s.writtenGreen).length === 0) {
    d.event(
      "reconciled",
      `The interrupted shift to ${intent.green}% green had not been applied; sending it again.`,
      {
        evidence: { weights, expectedGreen: s.writtenGreen },
      },
    );
    s.intent = { ...intent, at: d.iso };
    d.actions.push({ type: "shift", green: intent.green, step: intent.step });
    return;
  }
  delete s.intent;
  drift(d, intent.green, weights);
}

// -------------------------------------------------------------------------------- action outcomes

export function outcome(d: Draft, obs: Observation | undefined, input: Input): void {
  const s = d.state;
  switch (input.kind) {
    case "submitted": {
      const intent = s.intent;
      if (intent?.action !== "shift") throw new Error("a shift outcome without a shift intent");
      const at = [intent.at, ...input.changes.map((c) => c.submittedAt)].sort()[0]!;
      applied(
        d,
        input.changes.map((c) => c.changeId),
        at,
      );
      d.event("shift-submitted", `Route 53 accepted the change to ${s.writtenGreen}% green.`, {
        evidence: { changeIds: input.changes.map((c) => c.changeId), expectedGreen: s.writtenGreen },
      });
      d.actions.push({ type: "wait-insync", changeIds: s.change!.ids });
      return;
    }
    case "in-sync":
      if (s.phase === "rolling-back") finishRollback(d);
      else if (s.phase === "shifting") enterBaking(d, obs);
      return;
    case "still-pending":
      d.wait({ code: "waiting-insync", green: s.writtenGreen });
      return;
    case "retired":
      delete s.intent;
      d.event(
        "retired",
        `Blue cluster ${d.plan.doc.clusters.blue.name} retired (${d.plan.doc.retire.mode}).`,
      );
      retireOrComplete(d, true);
      return;
    case "retire-pending":
      // The intent stays: the next tick asks EKS again (retiring is safe to repeat).
      d.wait({
        code: "retire-pending",
        text: `${d.plan.doc.clusters.blue.name} (${d.plan.doc.retire.mode})`,
      });
      return;
    case "blue-records-deleted":
      delete s.intent;
      d.event("blue-records-deleted", "Blue's weighted records deleted.");
      d.enter("completed", "completed", completedMessage(d.plan));
      return;
    case "action-failed":
      // The intent stays: the next tick reconciles with what AWS really did.
      d.event("action-failed", `${input.action.type} failed: ${input.error}`, {
        evidence: { error: input.error },
      });
      d.wait({ code: "action-failed", action: input.action.type, text: input.error });
      return;
    default:
      return;
  }
}
